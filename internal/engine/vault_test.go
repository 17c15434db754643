package engine_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/customer"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/recurring"
	"github.com/paygate/paygate/internal/vault"
)

func engineWith(t *testing.T, st engine.Store, kr *vault.Keyring) *engine.Engine {
	t.Helper()
	e, err := engine.New(engine.Config{Store: st, Keyring: kr, Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: &fakeProcessor{}}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestVaultRefusesAWrongKeyAndRotatesOnline covers PCI-04/05: a substituted
// key is refused at start, rotation re-wraps every data key while records
// stay readable, and after it the old key can be dropped.
func TestVaultRefusesAWrongKeyAndRotatesOnline(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		k1 := vault.KEK{Version: 1, Key: vault.NewKey()}
		ring1, _ := vault.NewKeyring(k1)
		e1 := engineWith(t, st, ring1)
		if err := e1.LoadVault(ctx); err != nil {
			t.Fatal(err)
		}
		m, _, err := e1.CreateMerchant(ctx, "Vault Shop")
		if err != nil {
			t.Fatal(err)
		}
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		if _, err := e1.CreateCustomer(ctx, a, engine.CustomerInput{Reference: "c1"}); err != nil {
			t.Fatal(err)
		}
		p, _, err := e1.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Customer: "c1", Card: visa()}, nil)
		if err != nil || !strings.HasPrefix(p.PaymentMethod, "pm_") || p.Card.Fingerprint == "" {
			t.Fatalf("vault payment: %+v %v", p, err)
		}

		// Same version number, different key: refused before anything is written.
		wrong, _ := vault.NewKeyring(vault.KEK{Version: 1, Key: vault.NewKey()})
		if err := engineWith(t, st, wrong).LoadVault(ctx); err == nil || !strings.Contains(err.Error(), "not the key") {
			t.Fatalf("a substituted key was accepted: %v", err)
		}
		// A new key alone cannot unwrap the existing data keys.
		onlyNew, _ := vault.NewKeyring(vault.KEK{Version: 2, Key: vault.NewKey()})
		if err := engineWith(t, st, onlyNew).LoadVault(ctx); err == nil {
			t.Fatal("a keyring without the version that wraps the data keys was accepted")
		}

		k2 := vault.KEK{Version: 2, Key: vault.NewKey()}
		both, _ := vault.NewKeyring(k2, k1)
		e2 := engineWith(t, st, both)
		status, err := e2.RotateKEK(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if status.Rewrapped < 2 || len(status.KEKVersionsInUse()) != 1 || status.KEKVersionsInUse()[0] != 2 {
			t.Fatalf("after rotation: %+v", status)
		}
		// Only the new key now: the old records open and fingerprints agree.
		ring2, _ := vault.NewKeyring(k2)
		e3 := engineWith(t, st, ring2)
		if err := e3.LoadVault(ctx); err != nil {
			t.Fatalf("after rotation the new key alone must do: %v", err)
		}
		again, _, err := e3.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", PaymentMethodID: p.PaymentMethod, Initiator: payment.MerchantInitiated}, nil)
		if err != nil || again.Status != payment.Captured || again.Card.Last4 != "4242" {
			t.Fatalf("a card saved under the old key, charged after rotation: %+v %v", again, err)
		}
		dup, _, err := e3.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Customer: "c1", Card: visa()}, nil)
		if err != nil || dup.PaymentMethod != p.PaymentMethod || dup.Card.Fingerprint != p.Card.Fingerprint {
			t.Fatalf("fingerprint changed across rotation: %+v %v", dup, err)
		}
	})
}

// TestVaultAndCheckoutOnBothStores runs the vault, customer, token,
// encryption-key and checkout queries against SQLite and PostgreSQL.
func TestVaultAndCheckoutOnBothStores(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		e := engineWith(t, st, vault.Ephemeral())
		m, _, err := e.CreateMerchant(ctx, "Both Stores")
		if err != nil {
			t.Fatal(err)
		}
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		other := engine.Actor{MerchantID: m.ID, Mode: payment.Live}

		// Tokens: single use.
		tok, err := e.CreateToken(ctx, a, *visa())
		if err != nil {
			t.Fatal(err)
		}
		p, _, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Token: tok.Method.ID, TokenKey: tok.Key}, nil)
		if err != nil || p.Status != payment.Captured || p.PaymentMethod != tok.Method.ID {
			t.Fatalf("token payment: %+v %v", p, err)
		}
		if _, _, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Token: tok.Method.ID, TokenKey: tok.Key}, nil); err == nil {
			t.Fatal("a token was used twice")
		}
		if used, _ := e.GetPaymentMethod(ctx, a, tok.Method.ID); used.Status != vault.MethodUsed || used.Sealed != nil {
			t.Fatalf("used token: %+v", used)
		}

		// Customers and saved cards, invisible in the other mode.
		c, err := e.CreateCustomer(ctx, a, engine.CustomerInput{Reference: "r1", Email: "a@b.test"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.CreateCustomer(ctx, a, engine.CustomerInput{Reference: "r1"}); err == nil {
			t.Fatal("a duplicate reference was accepted")
		}
		if _, err := e.CreateCustomer(ctx, other, engine.CustomerInput{Reference: "r1"}); err != nil {
			t.Fatalf("the same reference in the other mode: %v", err)
		}
		if _, _, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Customer: "r1", Card: visa()}, nil); err != nil {
			t.Fatal(err)
		}
		cards, err := e.ListPaymentMethods(ctx, a, c.ID)
		if err != nil || len(cards) != 1 {
			t.Fatalf("saved cards %v %v", cards, err)
		}
		if _, err := e.ListPaymentMethods(ctx, other, c.ID); err == nil {
			t.Fatal("a customer was visible in the other mode")
		}
		if list, _ := e.ListCustomers(ctx, a, "", 10); len(list) != 1 {
			t.Fatalf("customers %v", list)
		}
		if _, err := e.DeletePaymentMethod(ctx, a, "r1", cards[0].ID); err != nil {
			t.Fatal(err)
		}
		if left, _ := e.ListPaymentMethods(ctx, a, "r1"); len(left) != 0 {
			t.Fatal("a deleted card is still listed")
		}
		logged, err := e.ListAuditEvents(ctx, a, engine.AuditFilter{Action: string(audit.CardDeleted), TargetID: cards[0].ID, Limit: 10})
		if err != nil || len(logged) != 1 || logged[0].Details["card"] != "visa 4242" || logged[0].Details["customer"] != c.ID {
			t.Fatalf("the deletion's audit entry: %+v %v", logged, err)
		}
		for k, v := range logged[0].Details {
			if strings.Contains(v, "424242424242") {
				t.Fatalf("the audit entry holds a card number in %s: %q", k, v)
			}
		}

		// Encryption keys: one current, the rotated one in its grace period.
		k1, err := e.EncryptionKey(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := e.EncryptionKey(ctx, a); again.ID != k1.ID {
			t.Fatal("the current key changed without a rotation")
		}
		k2, err := e.RotateEncryptionKey(ctx, a, time.Hour)
		if err != nil || k2.ID == k1.ID {
			t.Fatal(err)
		}
		ct, _ := vault.EncryptField(k1.PublicPEM, "4242424242424242")
		if p, _, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR",
			Card: &engine.CardInput{EncryptedNumber: ct, CVC: "123", ExpMonth: 12, ExpYear: 2031}}, nil); err != nil || p.Card.Last4 != "4242" {
			t.Fatalf("old key in its grace period: %+v %v", p, err)
		}

		// Checkout: one payment completes the session; it is found by payment.
		cs, err := e.CreateCheckoutSession(ctx, a, engine.CheckoutInput{Amount: 900, Currency: "KWD", SuccessURL: "https://shop.test/ok", Customer: "r1"})
		if err != nil {
			t.Fatal(err)
		}
		v, err := e.PayCheckout(ctx, cs.Token, engine.CheckoutPayment{Card: visa(), SaveCard: true})
		if err != nil || v.Session.Status != "complete" || v.Payment.Amount != 900 {
			t.Fatalf("pay checkout: %+v %v", v, err)
		}
		if got, err := e.CheckoutSessionOf(ctx, v.Payment); err != nil || got.ID != cs.Session.ID {
			t.Fatalf("session of payment: %v %v", got, err)
		}
		if _, err := e.PayCheckout(ctx, cs.Token, engine.CheckoutPayment{Card: visa()}); err == nil {
			t.Fatal("a complete session was paid again")
		}
		if list, _ := e.ListCheckoutSessions(ctx, a, "", 10); len(list) != 1 || list[0].Status != "complete" {
			t.Fatalf("sessions %v", list)
		}
		if saved, _ := e.ListPaymentMethods(ctx, a, "r1"); len(saved) != 1 {
			t.Fatalf("the checkout did not save the card: %v", saved)
		}
	})
}

// TestKEKRotationUnderLoad: rotating the key-encryption key while vault
// payments run makes no request fail (PCI-05).
func TestKEKRotationUnderLoad(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		k1 := vault.KEK{Version: 1, Key: vault.NewKey()}
		ring1, _ := vault.NewKeyring(k1)
		e := engineWith(t, st, ring1)
		m, _, _ := e.CreateMerchant(ctx, "Load")
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		e.CreateCustomer(ctx, a, engine.CustomerInput{Reference: "c"})
		stop := make(chan struct{})
		errs := make(chan error, 1000)
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					p, _, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Customer: "c", Card: visa()}, nil)
					if err == nil && p.PaymentMethod != "" {
						_, _, err = e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 50, Currency: "EUR", PaymentMethodID: p.PaymentMethod, Initiator: payment.MerchantInitiated}, nil)
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		time.Sleep(100 * time.Millisecond)
		both, _ := vault.NewKeyring(vault.KEK{Version: 2, Key: vault.NewKey()}, k1)
		if _, err := engineWith(t, st, both).RotateKEK(ctx, true); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		close(stop)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("a payment failed during rotation: %v", err)
		}
	})
}

// TestDeletingACustomerErasesItOnBothStores: the customer's saved card loses
// its ciphertext, its mandate is revoked, its reference and personal data
// are cleared and the reference is free again; a live subscription refuses
// the erasure until it is cancelled.
func TestDeletingACustomerErasesItOnBothStores(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		e := engineWith(t, st, vault.Ephemeral())
		m, _, err := e.CreateMerchant(ctx, "Erasure Shop")
		if err != nil {
			t.Fatal(err)
		}
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		c, err := e.CreateCustomer(ctx, a, engine.CustomerInput{Reference: "ana", Email: "ana@example.com", Name: "Ana"})
		if err != nil {
			t.Fatal(err)
		}
		name := "Ana Lima"
		if got, err := e.UpdateCustomer(ctx, a, "ana", engine.CustomerPatch{Name: &name}); err != nil || got.Name != name || got.Email != "ana@example.com" {
			t.Fatalf("update: %+v %v", got, err)
		}
		p, _, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Customer: "ana", Card: visa(), Recurring: "initial"}, nil)
		if err != nil || p.Mandate == "" || p.PaymentMethod == "" {
			t.Fatalf("initial payment: %+v %v", p, err)
		}
		s, err := e.CreateSubscription(ctx, a, engine.SubscriptionInput{MandateID: p.Mandate, Amount: 100, Currency: "EUR", Interval: "month"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.DeleteCustomer(ctx, a, c.ID); fault.As(err).Code != "customer_has_subscriptions" {
			t.Fatalf("delete with a live subscription: %v", err)
		}
		if _, err := e.ChangeSubscription(ctx, a, s.ID, "cancel"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.DeleteCustomer(ctx, a, "ana"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.GetCustomer(ctx, a, c.ID); !fault.IsNotFound(err) {
			t.Fatalf("the deleted customer is found: %v", err)
		}
		pm, err := e.GetPaymentMethod(ctx, a, p.PaymentMethod)
		if err != nil || pm.Status != vault.MethodDeleted || pm.Sealed != nil {
			t.Fatalf("the card: %+v %v", pm, err)
		}
		if md, err := st.GetMandate(ctx, m.ID, payment.Sandbox, p.Mandate); err != nil || md.Status != recurring.MandateRevoked {
			t.Fatalf("the mandate: %+v %v", md, err)
		}
		if again, err := e.CreateCustomer(ctx, a, engine.CustomerInput{Reference: "ana"}); err != nil || again.ID == c.ID {
			t.Fatalf("the reference is not free: %+v %v", again, err)
		}
		if _, err := e.DeleteCustomer(ctx, a, c.ID); !fault.IsNotFound(err) {
			t.Fatalf("a second erasure: %v", err)
		}
	})
}

// eraseAfterLookup is a store whose after-th customer lookup is followed
// by that customer's erasure: a payment that has resolved its customer
// while another request deletes it.
type eraseAfterLookup struct {
	engine.Store
	calls, after int
	erase        func()
}

func (s *eraseAfterLookup) FindCustomerByReference(ctx context.Context, merchantID string, mode payment.Mode, ref string) (*customer.Customer, error) {
	c, err := s.Store.FindCustomerByReference(ctx, merchantID, mode, ref)
	if s.calls++; s.calls == s.after {
		s.erase()
	}
	return c, err
}

// TestACardIsNotSavedToACustomerErasedMeanwhile: the payment goes through,
// but the erased customer gets no card and no mandate.
func TestACardIsNotSavedToACustomerErasedMeanwhile(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		kr := vault.Ephemeral()
		e := engineWith(t, st, kr)
		m, _, err := e.CreateMerchant(ctx, "Race Shop")
		if err != nil {
			t.Fatal(err)
		}
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		c, err := e.CreateCustomer(ctx, a, engine.CustomerInput{Reference: "ana"})
		if err != nil {
			t.Fatal(err)
		}
		// An initial recurring payment looks its customer up twice (the
		// mandate's, the card's): erased after the last.
		racing := &eraseAfterLookup{Store: st, after: 2, erase: func() {
			if _, err := e.DeleteCustomer(ctx, a, c.ID); err != nil {
				t.Error(err)
			}
		}}
		p, _, err := engineWith(t, racing, kr).CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Customer: "ana", Card: visa(), Recurring: "initial"}, nil)
		if err != nil || p.Status != payment.Captured {
			t.Fatalf("payment: %+v %v", p, err)
		}
		if p.PaymentMethod != "" || p.Mandate != "" {
			t.Fatalf("the erased customer got card %q and mandate %q", p.PaymentMethod, p.Mandate)
		}
		if pms, err := st.ListCustomerPaymentMethods(ctx, m.ID, payment.Sandbox, c.ID); err != nil || len(pms) != 0 {
			t.Fatalf("cards of the erased customer: %d %v", len(pms), err)
		}
	})
}
