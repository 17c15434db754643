package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

// TestPayoutFromThePagesIsConfirmedOnceAndNeverOverdraws: a person with
// the payout permission reviews a payout to a bank account, confirms it,
// and a second click on the same confirmation pays nothing more; a payout
// above what is left is refused with the reason; people without the
// permission cannot reach the form or post it.
func TestPayoutFromThePagesIsConfirmedOnceAndNeverOverdraws(t *testing.T) {
	e := newEnv(t)
	e.pay(10000, "4242424242424242", "sale")
	ctx := context.Background()
	a := engine.Actor{MerchantID: e.merchant, Mode: payment.Sandbox}
	payouts := func() int {
		ps, err := e.eng.ListPayouts(ctx, a, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(ps)
	}
	owner, analyst := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test")
	if p := analyst.get("/dashboard/payouts/new"); p.status != http.StatusForbidden {
		t.Fatalf("the form without the payout permission: %d", p.status)
	}
	mine := analyst.get("/dashboard/payouts")
	if strings.Contains(mine.body, `id="new-payout"`) {
		t.Fatal("the payouts page offers a payout to a person who may not make one")
	}
	forged := url.Values{"csrf": {mine.csrf(t)}, "step": {"confirm"}, "key": {"dash_forged"}, "amount": {"10.00"}, "currency": {"USD"},
		"holder": {"Evil"}, "iban": {"DE89370400440532013000"}}
	if p := analyst.post("/dashboard/payouts", forged); p.status != http.StatusForbidden || payouts() != 0 {
		t.Fatalf("a forged payout without the permission: %d, %d payouts", p.status, payouts())
	}

	form := owner.get("/dashboard/payouts/new")
	if form.status != 200 || !strings.Contains(form.body, `id="payout-form"`) || !strings.Contains(form.body, "USD 100.00") {
		t.Fatalf("payout form: %d\n%s", form.status, form.body)
	}
	review := url.Values{"csrf": {form.csrf(t)}, "step": {"review"}, "amount": {"60.00"}, "currency": {"usd"}, "holder": {"Shop LLC"},
		"iban": {"DE89 3704 0044 0532 0130 00"}, "reference": {"po-dash"}}
	conf := owner.post("/dashboard/payouts", review)
	key := regexpMust(`name="key" value="(dash_[^"]+)"`).FindStringSubmatch(conf.body)
	if conf.status != 200 || key == nil || !strings.Contains(conf.body, "USD 60.00") || !strings.Contains(conf.body, "IBAN ••••3000") || payouts() != 0 {
		t.Fatalf("review: %d (%d payouts)\n%s", conf.status, payouts(), conf.body)
	}
	confirm := url.Values{"csrf": {conf.csrf(t)}, "step": {"confirm"}, "key": {key[1]}}
	for _, k := range []string{"amount", "currency", "holder", "iban", "reference"} {
		confirm.Set(k, regexpMust(`name="` + k + `" value="([^"]*)"`).FindStringSubmatch(conf.body)[1])
	}
	done := owner.post("/dashboard/payouts", confirm)
	loc := done.header.Get("Location")
	if done.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/dashboard/payouts/po_") || !strings.HasSuffix(loc, "done=payout") || payouts() != 1 {
		t.Fatalf("confirm: %d %q (%d payouts)\n%s", done.status, loc, payouts(), done.body)
	}
	again := owner.post("/dashboard/payouts", confirm)
	if again.status != http.StatusSeeOther || again.header.Get("Location") != strings.TrimSuffix(loc, "payout")+"replay" || payouts() != 1 {
		t.Fatalf("a second click: %d %q (%d payouts)", again.status, again.header.Get("Location"), payouts())
	}
	detail := owner.get(strings.TrimPrefix(loc, e.url))
	if !strings.Contains(detail.body, "USD 60.00") || !strings.Contains(detail.body, `id="notice"`) || strings.Contains(detail.body, "DE89370400440532013000") {
		t.Fatalf("payout page:\n%s", detail.body)
	}
	if bal, _ := e.eng.Balance(ctx, a); len(bal) != 1 || bal[0].Available != 4000 {
		t.Fatalf("balance after a 60.00 payout: %+v", bal)
	}
	logged, _ := e.eng.ListAuditEvents(ctx, a, engine.AuditFilter{MerchantID: e.merchant, Action: string(audit.PayoutCreated), Limit: 10})
	if len(logged) != 1 || logged[0].ActorID != e.user("owner@shop.test").ID || logged[0].Details["amount"] != "60.00" {
		t.Fatalf("the payout's audit entry: %d %+v", len(logged), logged)
	}

	// More than is left: refused with the reason at the review, before any
	// confirmation, nothing paid (the engine checks again when it acts).
	review.Set("csrf", owner.get("/dashboard/payouts/new").csrf(t))
	review.Set("amount", "50.00")
	if p := owner.post("/dashboard/payouts", review); p.status != http.StatusBadRequest || !strings.Contains(p.body, "is more than the USD") ||
		strings.Contains(p.body, `name="key" value="dash_`) || payouts() != 1 {
		t.Fatalf("an overdraft's review: %d (%d payouts)\n%s", p.status, payouts(), p.body)
	}
	review.Set("csrf", owner.get("/dashboard/payouts/new").csrf(t))
	review.Set("currency", "EUR")
	if p := owner.post("/dashboard/payouts", review); p.status != http.StatusBadRequest || !strings.Contains(p.body, "EUR 0.00 available") {
		t.Fatalf("a payout in a currency with no balance: %d\n%s", p.status, p.body)
	}
	review.Set("currency", "usd")
	// Bad input names the field and pays nothing.
	for field, value := range map[string]string{"amount": "sixty", "currency": "EURO", "iban": ""} {
		bad := url.Values{}
		for k, v := range review {
			bad[k] = v
		}
		bad.Set("csrf", owner.get("/dashboard/payouts/new").csrf(t))
		bad.Set(field, value)
		if p := owner.post("/dashboard/payouts", bad); p.status != http.StatusBadRequest || payouts() != 1 {
			t.Fatalf("%s=%q: %d (%d payouts)", field, value, p.status, payouts())
		}
	}
}

// A payout from the pages may go to a saved card instead of a bank account;
// naming both, or a card that is not saved here, is refused.
func TestPayoutFromThePagesToASavedCard(t *testing.T) {
	e := newEnv(t)
	e.pay(10000, "4242424242424242", "sale")
	_, pm := e.savedCard("ana", "Ana Lima", "5555555555554444")
	owner := e.signIn("owner@shop.test")
	review := url.Values{"csrf": {owner.get("/dashboard/payouts/new").csrf(t)}, "step": {"review"}, "amount": {"25.00"}, "currency": {"USD"}, "saved_card": {pm}}
	conf := owner.post("/dashboard/payouts", review)
	if conf.status != 200 || !strings.Contains(conf.body, "••••4444") || !strings.Contains(conf.body, pm) {
		t.Fatalf("review: %d\n%s", conf.status, conf.body)
	}
	confirm := url.Values{"csrf": {conf.csrf(t)}, "step": {"confirm"}, "key": {regexpMust(`name="key" value="(dash_[^"]+)"`).FindStringSubmatch(conf.body)[1]},
		"amount": {"25.00"}, "currency": {"USD"}, "saved_card": {pm}}
	done := owner.post("/dashboard/payouts", confirm)
	loc := done.header.Get("Location")
	if done.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/dashboard/payouts/po_") {
		t.Fatalf("confirm: %d %q\n%s", done.status, loc, done.body)
	}
	po, err := e.eng.GetPayout(context.Background(), engine.Actor{MerchantID: e.merchant, Mode: payment.Sandbox}, strings.TrimSuffix(strings.TrimPrefix(loc, "/dashboard/payouts/"), "?done=payout"))
	if err != nil || po.Destination.PaymentMethodID != pm || po.Amount != 2500 {
		t.Fatalf("payout %+v %v", po, err)
	}
	for _, bad := range []url.Values{{"saved_card": {pm}, "holder": {"Shop"}, "iban": {"DE89370400440532013000"}}, {"saved_card": {"pm_nope"}}} {
		f := url.Values{"csrf": {owner.get("/dashboard/payouts/new").csrf(t)}, "step": {"review"}, "amount": {"1.00"}, "currency": {"USD"}}
		for k, v := range bad {
			f[k] = v
		}
		if p := owner.post("/dashboard/payouts", f); p.status != http.StatusBadRequest {
			t.Fatalf("%v: %d", bad, p.status)
		}
	}
}

// A payout from the pages to a card typed in: the review puts the number
// into the vault and the confirmation page carries only a single-use
// token, so no page after the form and no log line holds the number; the
// confirmation pays out once; a bad number is refused naming the card.
func TestPayoutFromThePagesToATypedCard(t *testing.T) {
	e := newEnv(t)
	e.pay(10000, "4242424242424242", "sale")
	ctx := context.Background()
	a := engine.Actor{MerchantID: e.merchant, Mode: payment.Sandbox}
	owner := e.signIn("owner@shop.test")
	const number = "5555555555554444"
	review := url.Values{"csrf": {owner.get("/dashboard/payouts/new").csrf(t)}, "step": {"review"}, "amount": {"30.00"}, "currency": {"USD"},
		"card_number": {"5555 5555 5555 4444"}, "card_exp_month": {"11"}, "card_exp_year": {"2032"}, "card_holder": {"Ana Lima"}}
	conf := owner.post("/dashboard/payouts", review)
	if conf.status != 200 || !strings.Contains(conf.body, "••••4444 (Ana Lima)") || !strings.Contains(conf.body, "USD 30.00") {
		t.Fatalf("review: %d\n%s", conf.status, conf.body)
	}
	if strings.Contains(conf.body, number) || strings.Contains(conf.body, "5555 5555 5555 4444") {
		t.Fatal("the confirmation page holds the card number")
	}
	confirm := url.Values{"csrf": {conf.csrf(t)}, "step": {"confirm"}, "key": {regexpMust(`name="key" value="(dash_[^"]+)"`).FindStringSubmatch(conf.body)[1]}}
	for _, k := range []string{"amount", "currency", "card_exp_month", "card_exp_year", "card_holder", "token", "token_key"} {
		confirm.Set(k, regexpMust(`name="` + k + `" value="([^"]*)"`).FindStringSubmatch(conf.body)[1])
	}
	if !strings.HasPrefix(confirm.Get("token"), "tok_") || confirm.Get("token_key") == "" {
		t.Fatalf("the confirmation carries no token: %v", confirm)
	}
	done := owner.post("/dashboard/payouts", confirm)
	loc := done.header.Get("Location")
	if done.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/dashboard/payouts/po_") {
		t.Fatalf("confirm: %d %q\n%s", done.status, loc, done.body)
	}
	if again := owner.post("/dashboard/payouts", confirm); again.status != http.StatusSeeOther || !strings.HasSuffix(again.header.Get("Location"), "done=replay") {
		t.Fatalf("a second click: %d %q", again.status, again.header.Get("Location"))
	}
	ps, err := e.eng.ListPayouts(ctx, a, "", 10)
	if err != nil || len(ps) != 1 || ps[0].Amount != 3000 || ps[0].Destination.Type != "card" || ps[0].Destination.Card.Last4 != "4444" || ps[0].Destination.Holder != "Ana Lima" {
		t.Fatalf("payouts: %+v %v", ps, err)
	}
	detail := owner.get(strings.TrimPrefix(loc, e.url))
	if !strings.Contains(detail.body, "4444") || strings.Contains(detail.body, number) {
		t.Fatalf("payout page:\n%s", detail.body)
	}
	if bal, _ := e.eng.Balance(ctx, a); len(bal) != 1 || bal[0].Available != 7000 {
		t.Fatalf("balance after a 30.00 payout: %+v", bal)
	}

	// A number that fails its check digit, and one with a bank account too.
	for name, set := range map[string]url.Values{
		"a bad number":         {"card_number": {"5555555555554445"}},
		"a card and a bank":    {"holder": {"Shop"}, "iban": {"DE89370400440532013000"}},
		"no expiry":            {"card_exp_month": {""}},
		"a token from a field": {"card_number": {""}, "token": {confirm.Get("token")}, "token_key": {confirm.Get("token_key")}},
	} {
		bad := url.Values{}
		for k, v := range review {
			bad[k] = v
		}
		for k, v := range set {
			bad[k] = v
		}
		bad.Set("csrf", owner.get("/dashboard/payouts/new").csrf(t))
		p := owner.post("/dashboard/payouts", bad)
		if p.status != http.StatusBadRequest || strings.Contains(p.body, "5555555555554445") || strings.Contains(p.body, number) {
			t.Fatalf("%s: %d\n%s", name, p.status, p.body)
		}
	}
	if ps, _ := e.eng.ListPayouts(ctx, a, "", 10); len(ps) != 1 {
		t.Fatalf("%d payouts after the refusals", len(ps))
	}
	if logs := e.logs.String(); strings.Contains(logs, number) || strings.Contains(logs, "5555 5555 5555 4444") {
		t.Fatal("a log line holds the card number")
	}
}
