package api_test

import (
	"fmt"
	"sync"
	"testing"
)

func bankPayout(amount int, iban string) string {
	return fmt.Sprintf(`{"amount":%d,"currency":"EUR","destination":{"type":"bank_account","bank_account":{"holder":"Shop GmbH","iban":%q}}}`, amount, iban)
}

func available(t *testing.T, e *env) float64 {
	t.Helper()
	av := e.do("GET", "/v1/balance", e.key, "").json(t)["available"].([]any)
	if len(av) == 0 {
		return 0
	}
	return av[0].(map[string]any)["amount"].(float64)
}

func TestPayoutsAreLimitedByTheBalanceAndFailuresReturnTheMoney(t *testing.T) {
	e := newEnv(t)
	e.pay(saleBody(10000, "4242424242424242", ""), 201)
	paid := e.do("POST", "/v1/payouts", e.key, bankPayout(6000, "DE89 3704 0044 0532 0130 00"), "Idempotency-Key", "po-1")
	p := paid.json(t)
	if paid.status != 201 || p["status"] != "paid" || p["destination"].(map[string]any)["bank_last4"] != "3000" || p["destination"].(map[string]any)["bank_country"] != "DE" {
		t.Fatalf("payout: %d %s", paid.status, paid.body)
	}
	if again := e.do("POST", "/v1/payouts", e.key, bankPayout(6000, "DE89 3704 0044 0532 0130 00"), "Idempotency-Key", "po-1"); again.json(t)["id"] != p["id"] {
		t.Fatalf("retry made another payout: %s", again.body)
	}
	if got := available(t, e); got != 4000 {
		t.Fatalf("available after a 60.00 payout: %v", got)
	}
	wantProblem(t, e.do("POST", "/v1/payouts", e.key, bankPayout(5000, "DE89370400440532013000")), 409, "insufficient_balance", "")
	failed := e.do("POST", "/v1/payouts", e.key, `{"amount":1000,"currency":"EUR","destination":{"type":"bank_account","bank_account":{"holder":"X","account_number":"12340002","routing_number":"110000000"}}}`)
	if failed.status != 402 || failed.json(t)["status"] != "failed" || failed.json(t)["failure_code"] != "account_closed" {
		t.Fatalf("closed account: %d %s", failed.status, failed.body)
	}
	if got := available(t, e); got != 4000 {
		t.Fatalf("a failed payout kept the money: available %v", got)
	}
	card := e.do("POST", "/v1/payouts", e.key, `{"amount":1500,"currency":"EUR","destination":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2031}}}`)
	if card.status != 201 || card.json(t)["destination"].(map[string]any)["card"].(map[string]any)["last4"] != "4242" {
		t.Fatalf("card payout: %d %s", card.status, card.body)
	}
	declined := e.do("POST", "/v1/payouts", e.key, `{"amount":100,"currency":"EUR","destination":{"type":"card","card":{"number":"4000000000000002","exp_month":12,"exp_year":2031}}}`)
	if declined.status != 402 {
		t.Fatalf("declining card: %d %s", declined.status, declined.body)
	}
	if got := available(t, e); got != 2500 {
		t.Fatalf("available %v, want 2500", got)
	}
	for _, c := range []struct{ body, code, param string }{
		{bankPayout(100, "DE89370400440532013001"), "iban_invalid", "destination.bank_account.iban"},
		{`{"amount":100,"currency":"EUR","destination":{"type":"iban"}}`, "parameter_invalid", "destination.type"},
		{`{"amount":0,"currency":"EUR","destination":{"type":"bank_account","bank_account":{"holder":"X","iban":"DE89370400440532013000"}}}`, "amount_invalid", "amount"},
		{`{"amount":100,"currency":"EUR","destination":{"type":"bank_account","bank_account":{"holder":"X","account_number":"12","routing_number":"110000000"}}}`, "parameter_invalid", "destination.bank_account.account_number"},
		{`{"amount":100,"currency":"EUR","destination":{"type":"card","card":{"number":"4242424242424241","exp_month":12,"exp_year":2031}}}`, "incorrect_number", "destination.card.number"},
		{`{"amount":100,"currency":"EUR","destination":{"type":"card","card":{"number":"4242424242424242","exp_month":13,"exp_year":2031}}}`, "invalid_expiry_month", "destination.card.exp_month"},
	} {
		wantProblem(t, e.do("POST", "/v1/payouts", e.key, c.body), 400, c.code, c.param)
	}
	types := map[string]int{}
	for _, ev := range e.do("GET", "/v1/events?limit=100", e.key, "").json(t)["data"].([]any) {
		types[ev.(map[string]any)["type"].(string)]++
	}
	if types["payout.paid"] != 2 || types["payout.failed"] != 2 {
		t.Fatalf("payout events %v", types)
	}
	if list := e.do("GET", "/v1/payouts", e.key, "").json(t)["data"].([]any); len(list) != 4 {
		t.Fatalf("%d payouts listed", len(list))
	}
	if r, _ := e.engine.VerifyLedger(t.Context()); !r.OK() || r.Payouts != 4 {
		t.Fatal(r.String())
	}
	if r := e.do("GET", "/v1/payouts/"+p["id"].(string), e.other, ""); r.status != 404 {
		t.Fatalf("merchant B reads A's payout: %d", r.status)
	}
}

func TestConcurrentPayoutsNeverExceedTheBalance(t *testing.T) {
	e := newEnv(t)
	e.pay(saleBody(10000, "4242424242424242", ""), 201)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := 0; i < 25; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := e.do("POST", "/v1/payouts", e.key, bankPayout(1000, "DE89370400440532013000")); r.status == 201 {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ok != 10 || available(t, e) != 0 {
		t.Fatalf("%d payouts of 10.00 from a 100.00 balance; available %v", ok, available(t, e))
	}
}

func TestPayoutAnswersValidateAgainstTheDocumentedSchemas(t *testing.T) {
	o := loadOpenAPI(t)
	e := newEnv(t)
	e.pay(saleBody(10000, "4242424242424242", ""), 201)
	o.validate(t, "#/components/schemas/Payout", e.do("POST", "/v1/payouts", e.key, bankPayout(100, "DE89370400440532013000")).body)
	o.validate(t, "#/components/schemas/Payout", e.do("POST", "/v1/payouts", e.key, `{"amount":100,"currency":"EUR","destination":{"type":"card","card":{"number":"4000000000000002","exp_month":12,"exp_year":2031}}}`).body)
	o.validate(t, "#/components/schemas/PayoutList", e.do("GET", "/v1/payouts", e.key, "").body)
}

// A card collected by hosted fields (a single-use token and its key) is
// paid out to without its number reaching the merchant's server: once,
// and never with another token's key; a retry of the same payout replays.
func TestAPayoutToAHostedFieldsToken(t *testing.T) {
	e := newEnv(t)
	e.pay(saleBody(10000, "4242424242424242", ""), 201)
	_, pk := e.newKey(e.key, `{"kind":"publishable"}`)
	tokenize := func() (string, string) {
		t.Helper()
		r := e.do("POST", "/v1/tokens", pk, `{"card":{"number":"5555555555554444","exp_month":11,"exp_year":2032,"cvc":"321","holder":"Ana Pay"}}`)
		tok := r.json(t)
		if r.status != 201 {
			t.Fatalf("token: %d %s", r.status, r.body)
		}
		return tok["id"].(string), tok["key"].(string)
	}
	tok, key := tokenize()
	body := func(tok, key string) string {
		return `{"amount":2500,"currency":"EUR","destination":{"type":"token","token":"` + tok + `","key":"` + key + `"}}`
	}
	_, otherKey := tokenize()
	wantProblem(t, e.do("POST", "/v1/payouts", e.key, body(tok, otherKey)), 400, "token_key_invalid", "destination.key")
	r := e.do("POST", "/v1/payouts", e.key, body(tok, key), "Idempotency-Key", "po-tok")
	po := r.json(t)
	dest, _ := po["destination"].(map[string]any)
	if r.status != 201 || po["status"] != "paid" || dest["type"] != "card" || dest["card"].(map[string]any)["last4"] != "4444" || dest["holder"] != "Ana Pay" {
		t.Fatalf("token payout: %d %s", r.status, r.body)
	}
	if again := e.do("POST", "/v1/payouts", e.key, body(tok, key), "Idempotency-Key", "po-tok"); again.status != 201 || again.json(t)["id"] != po["id"] {
		t.Fatalf("retry: %d %s", again.status, again.body)
	}
	wantProblem(t, e.do("POST", "/v1/payouts", e.key, body(tok, key)), 409, "token_used", "")
	if got := available(t, e); got != 7500 {
		t.Fatalf("available after one 25.00 payout: %v", got)
	}
	wantProblem(t, e.do("POST", "/v1/payouts", e.key, `{"amount":100,"currency":"EUR","destination":{"type":"token"}}`), 400, "parameter_missing", "destination.token")
}
