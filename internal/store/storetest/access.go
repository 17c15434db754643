package storetest

import (
	"context"
	"database/sql"
	"reflect"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/store/sqlstore"
)

// runAccess checks keys, tokens, people, sessions and the audit log.
func runAccess(t *testing.T, open Opener) {
	ctx := context.Background()
	t.Run("a restricted key round-trips and a roll's end is kept unless earlier", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		secret, k := auth.NewKey(m.ID, payment.Sandbox, auth.RestrictedKey, "reports", auth.NewScopes(auth.ScopeRefundsWrite, auth.ScopePaymentsRead), now)
		k.CreatedBy = "usr_ada"
		update(t, st, func(tx engine.Tx) error { return tx.InsertAPIKey(ctx, k) })
		got, err := st.FindAPIKey(ctx, auth.HashSecret(secret))
		if err != nil || !reflect.DeepEqual(got, k) {
			t.Fatalf("key round trip:\n got %+v\nwant %+v (%v)", got, k, err)
		}
		if _, err := st.GetAPIKey(ctx, m.ID, payment.Live, k.ID); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("key found in the other mode: %v", err)
		}
		later, sooner := now.Add(time.Hour), now.Add(time.Minute)
		update(t, st, func(tx engine.Tx) error { return tx.RevokeAPIKey(ctx, m.ID, k.ID, later) })
		update(t, st, func(tx engine.Tx) error { return tx.RevokeAPIKey(ctx, m.ID, k.ID, sooner) })
		err = st.Update(ctx, func(tx engine.Tx) error { return tx.RevokeAPIKey(ctx, m.ID, k.ID, later) })
		if fault.KindOf(err) != fault.NotFound {
			t.Fatalf("pushing a key's end later: %v", err)
		}
		got, _ = st.GetAPIKey(ctx, m.ID, payment.Sandbox, k.ID)
		if !got.RevokedAt.Equal(sooner) {
			t.Fatalf("key ends at %v, want %v", got.RevokedAt, sooner)
		}
	})
	t.Run("tokens, people and sessions round-trip; emails are unique", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		tok := &auth.Token{ID: id.New("tok"), Hash: "h1", KeyID: "key_1", MerchantID: m.ID, Mode: "live",
			Scopes: auth.NewScopes(auth.ScopeAuditRead), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		update(t, st, func(tx engine.Tx) error { return tx.InsertOAuthToken(ctx, tok) })
		if got, err := st.FindOAuthToken(ctx, "h1"); err != nil || !reflect.DeepEqual(got, tok) {
			t.Fatalf("token round trip: %+v %v", got, err)
		}
		var revoked bool
		update(t, st, func(tx engine.Tx) (err error) {
			revoked, err = tx.RevokeOAuthToken(ctx, "mer_other", "h1", now)
			return
		})
		if revoked {
			t.Fatal("another merchant revoked the token")
		}
		update(t, st, func(tx engine.Tx) (err error) { revoked, err = tx.RevokeOAuthToken(ctx, m.ID, "h1", now); return })
		if got, _ := st.FindOAuthToken(ctx, "h1"); !revoked || got.Active(now.Add(time.Second)) {
			t.Fatal("token not revoked")
		}
		u := &auth.User{ID: id.New("usr"), MerchantID: m.ID, Email: "ana@a.test", Name: "Ana", Role: auth.RoleSupport,
			Grants: auth.NewPermissions("use:knet", auth.PermPayout), PasswordHash: "$argon2id$x", TOTPSecret: "ABC", TOTPEnabled: true,
			TOTPLastStep: 59_000_001, CreatedAt: now, UpdatedAt: now}
		update(t, st, func(tx engine.Tx) error { return tx.InsertUser(ctx, u) })
		if got, err := st.FindUserByEmail(ctx, "ana@a.test"); err != nil || !reflect.DeepEqual(got, u) {
			t.Fatalf("user round trip:\n got %+v\nwant %+v (%v)", got, u, err)
		}
		// The last accepted second-factor step is kept across updates.
		update(t, st, func(tx engine.Tx) error {
			cur, err := tx.GetUserForUpdate(ctx, m.ID, u.ID)
			if err != nil {
				return err
			}
			cur.TOTPLastStep = 59_000_002
			return tx.UpdateUser(ctx, cur)
		})
		if got, err := st.GetUser(ctx, m.ID, u.ID); err != nil || got.TOTPLastStep != 59_000_002 {
			t.Fatalf("last TOTP step after an update: %+v %v", got, err)
		}
		dup := *u
		dup.ID = id.New("usr")
		if err := st.Update(ctx, func(tx engine.Tx) error { return tx.InsertUser(ctx, &dup) }); fault.As(err).Code != "email_taken" {
			t.Fatalf("duplicate email: %v", err)
		}
		if _, err := st.GetUser(ctx, "mer_other", u.ID); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("user visible to another merchant: %v", err)
		}
		s := &auth.Session{ID: id.New("ses"), Hash: "sh", UserID: u.ID, MerchantID: m.ID, IP: "10.0.0.1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		update(t, st, func(tx engine.Tx) error { return tx.InsertSession(ctx, s) })
		if got, err := st.FindSession(ctx, "sh"); err != nil || !reflect.DeepEqual(got, s) {
			t.Fatalf("session round trip: %+v %v", got, err)
		}
	})
	t.Run("audit events list newest first with filters", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		var ids []string
		// Ids made within one millisecond sort in order only from one Monotonic source.
		var mono id.Monotonic
		for i, action := range []audit.Action{audit.KeyCreated, audit.RefundCreated, audit.KeyCreated} {
			ev := &audit.Event{ID: mono.New("aev", now.Add(time.Duration(i)*time.Second)), MerchantID: m.ID, Mode: "sandbox", Action: action, ActorType: "api_key", ActorID: "key_1",
				TargetType: "payment", TargetID: "pay_1", IP: "1.2.3.4", RequestID: "req", Details: map[string]string{"n": string(rune('a' + i))},
				CreatedAt: now.Add(time.Duration(i) * time.Second)}
			update(t, st, func(tx engine.Tx) error { return tx.InsertAuditEvent(ctx, ev) })
			ids = append(ids, ev.ID)
		}
		all, err := st.ListAuditEvents(ctx, engine.AuditFilter{MerchantID: m.ID, Limit: 10})
		if err != nil || len(all) != 3 || all[0].ID != ids[2] || all[0].Details["n"] != "c" {
			t.Fatalf("list: %+v %v", all, err)
		}
		keys, _ := st.ListAuditEvents(ctx, engine.AuditFilter{MerchantID: m.ID, Action: string(audit.KeyCreated), Limit: 10})
		page, _ := st.ListAuditEvents(ctx, engine.AuditFilter{MerchantID: m.ID, StartingAfter: ids[2], Limit: 1})
		other, _ := st.ListAuditEvents(ctx, engine.AuditFilter{MerchantID: "mer_other", Limit: 10})
		if len(keys) != 2 || len(page) != 1 || page[0].ID != ids[1] || len(other) != 0 {
			t.Fatalf("filters: %d %v %d", len(keys), page, len(other))
		}
	})
}

// AppendOnly checks that the database itself refuses to change or delete
// audit events, whatever the application does: db is a direct connection
// to a migrated database holding at least one event.
func AppendOnly(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, q := range []string{`UPDATE audit_events SET action = 'forged'`, `DELETE FROM audit_events`} {
		if _, err := db.Exec(q); err == nil {
			t.Errorf("%s succeeded on the append-only audit log", q)
		}
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action = 'forged'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("forged events: %d %v", n, err)
	}
}

// SeedAuditEvent writes one event through the store, for AppendOnly.
func SeedAuditEvent(t *testing.T, st engine.Store) {
	t.Helper()
	ctx := context.Background()
	m := newMerchant(t, st)
	update(t, st, func(tx engine.Tx) error {
		return tx.InsertAuditEvent(ctx, &audit.Event{ID: id.New("aev"), MerchantID: m.ID, Action: audit.KeyCreated, ActorType: "system", ActorID: "system", CreatedAt: now})
	})
}

// CreatedByBackfill checks migration 0027 on db (the store's database): a
// person's key, the key it was rolled to, the key that one was rolled to,
// and a key the last made all act for the person afterwards; the system's
// key and a key it made act for nobody.
func CreatedByBackfill(t *testing.T, st engine.Store, db *sql.DB) {
	t.Helper()
	ctx := context.Background()
	m := newMerchant(t, st)
	keys := map[string]*auth.APIKey{}
	for _, name := range []string{"sys", "a", "b", "c", "x", "y"} {
		_, k := auth.NewKey(m.ID, payment.Live, auth.SecretKey, name, nil, now)
		keys[name] = k
		update(t, st, func(tx engine.Tx) error { return tx.InsertAPIKey(ctx, k) })
	}
	ev := func(action audit.Action, actor, target string, details map[string]string) {
		update(t, st, func(tx engine.Tx) error {
			return tx.InsertAuditEvent(ctx, &audit.Event{ID: id.New("aev"), MerchantID: m.ID, Mode: "live", Action: action,
				ActorType: "key", ActorID: actor, TargetType: "api_key", TargetID: target, Details: details, CreatedAt: now})
		})
	}
	ev(audit.KeyCreated, "usr_ada", keys["a"].ID, nil)
	ev(audit.KeyRolled, keys["a"].ID, keys["a"].ID, map[string]string{"new_key": keys["b"].ID, "overlap_seconds": "0"})
	ev(audit.KeyRolled, "usr_ada", keys["b"].ID, map[string]string{"new_key": keys["c"].ID, "overlap_seconds": "0"})
	ev(audit.KeyCreated, keys["c"].ID, keys["x"].ID, nil)
	ev(audit.KeyCreated, keys["sys"].ID, keys["y"].ID, nil)
	var backfill string
	for _, mg := range sqlstore.Migrations {
		if mg.Version == 27 {
			backfill = mg.SQL
		}
	}
	if backfill == "" {
		t.Fatal("no migration 0027")
	}
	if _, err := db.ExecContext(ctx, backfill); err != nil {
		t.Fatalf("migration 0027: %v", err)
	}
	for name, want := range map[string]string{"sys": "", "a": "usr_ada", "b": "usr_ada", "c": "usr_ada", "x": "usr_ada", "y": ""} {
		got, err := st.GetAPIKey(ctx, m.ID, payment.Live, keys[name].ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CreatedBy != want {
			t.Errorf("key %s acts for %q after the backfill, want %q", name, got.CreatedBy, want)
		}
	}
}
