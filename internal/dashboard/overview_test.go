package dashboard_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// payRaw posts a payment and returns its status, declined or not.
func (e *env) payRaw(body map[string]any) (int, map[string]any) {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", e.url+"/v1/payments", strings.NewReader(string(b)))
	req.Header.Set("Authorization", "Bearer "+e.sk)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return resp.StatusCode, m
}

func card(number string) map[string]any {
	return map[string]any{"type": "card", "card": map[string]any{"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
}

// TestOverviewChartsRateSplitAndBalances draws the overview from payments
// in two currencies, one declined, one through a configuration and one
// only authorized: three SVG charts per currency with their summaries, the
// approval rate counts the decline, the method split and the available and
// pending balances are right.
func TestOverviewChartsRateSplitAndBalances(t *testing.T) {
	e := newEnv(t)
	e.pay(2500, "4242424242424242", "order-1") // before any configuration: "card"
	e.api("POST", "/v1/payment-method-configs", `{"code":"knet","name":"KNET","connector":"sandbox"}`)
	e.api("POST", "/v1/payment-method-configs", `{"code":"cards","name":"Cards","connector":"sandbox"}`)
	if st, _ := e.payRaw(map[string]any{"amount": 1500, "currency": "USD", "pg_code": "knet", "payment_method": card("5555555555554444")}); st != 201 {
		t.Fatalf("a payment through knet: %d", st)
	}
	if st, p := e.payRaw(map[string]any{"amount": 900, "currency": "USD", "pg_code": "cards", "payment_method": card("4000000000000002")}); p["status"] != "failed" {
		t.Fatalf("the declined card: %d %v", st, p)
	}
	if st, p := e.payRaw(map[string]any{"amount": 700, "currency": "USD", "capture": "manual", "pg_code": "cards", "payment_method": card("4242424242424242")}); p["status"] != "authorized" {
		t.Fatalf("the authorized payment: %d %v", st, p)
	}
	if st, _ := e.payRaw(map[string]any{"amount": 1000, "currency": "EUR", "pg_code": "cards", "payment_method": card("4242424242424242")}); st != 201 {
		t.Fatalf("a EUR payment: %d", st)
	}
	ctx := browser(t, 1024, 900)
	signInBrowser(t, ctx, e, "owner@shop.test")
	waitFor(t, ctx, "#balances")

	charts := eval[[]string](t, ctx, `[...document.querySelectorAll("svg[role=img]")].map(s => s.getAttribute("aria-label"))`)
	if len(charts) != 6 {
		t.Fatalf("want 3 charts for each of 2 currencies, got %q", charts)
	}
	for _, want := range []string{
		"Approved volume per day (USD): USD 47.00 over 30 days",
		"Payments per day (USD): 4 over 30 days",
		"Approved volume per day (EUR): EUR 10.00 over 30 days",
	} {
		if !strings.Contains(strings.Join(charts, "\n"), want) {
			t.Fatalf("no chart %q in %q", want, charts)
		}
	}
	bars := eval[int](t, ctx, `[...document.querySelectorAll("svg[role=img]")][0].querySelectorAll("rect[height]:not([height='0'])").length`)
	if bars < 1 {
		t.Fatal("the volume chart draws no bar for today")
	}
	usd := eval[string](t, ctx, `document.querySelector("#cur-USD").parentElement.innerText`)
	eur := eval[string](t, ctx, `document.querySelector("#cur-EUR").parentElement.innerText`)
	// 3 approved (2 captured, 1 authorized) of 4 decided: 75 %.
	if !strings.Contains(usd, "approval rate 75%") || !strings.Contains(eur, "approval rate 100%") {
		t.Fatalf("approval rates:\n%s\n%s", usd, eur)
	}
	if !strings.Contains(usd, "card: USD 25.00") || !strings.Contains(usd, "cards: USD 7.00") || !strings.Contains(usd, "knet: USD 15.00") ||
		!strings.Contains(eur, "cards: EUR 10.00") || strings.Contains(eur, "knet") {
		t.Fatalf("method split:\n%s\n%s", usd, eur)
	}
	balances := eval[string](t, ctx, `document.querySelector("#balances").innerText`)
	if !strings.Contains(balances, "USD 40.00 available") || !strings.Contains(balances, "USD 7.00 pending") || !strings.Contains(balances, "EUR 10.00 available") {
		t.Fatalf("balances:\n%s", balances)
	}
	// The split's bars are as wide as the shares (25, 7 and 15 of 47).
	widths := eval[[]string](t, ctx, `[...document.querySelector("#cur-USD").parentElement.querySelectorAll(".methods rect")].map(r => r.getAttribute("width"))`)
	if strings.Join(widths, ",") != "53,14,31" {
		t.Fatalf("method bars %v", widths)
	}
}
