package ottu_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
)

// A person signing in with Basic credentials, as Ottu's dashboard users do,
// may create checkouts only on the gateway codes they were granted ("Can use
// <pg_code>") and may run only the operations their role allows; an API key
// sees every code.
func TestBasicCredentialsUseOnlyTheirGatewayCodes(t *testing.T) {
	g := newGateway(t)
	ctx := context.Background()
	str := func(s string) *string { return &s }
	yes := true
	if _, err := g.eng.CreateConfig(ctx, g.actor, engine.ConfigInput{Code: str("mpgs"), NameEN: str("MPGS"), Connector: str("sandbox"),
		Environment: str("sandbox"), AcceptedCurrencies: &[]string{"KWD"}, Operation: str("purchase"), Enabled: &yes}); err != nil {
		t.Fatal(err)
	}
	system := engine.Actor{MerchantID: g.actor.MerchantID}
	const password = "correct horse battery staple"
	if _, _, err := g.eng.CreateUser(ctx, system, engine.UserInput{Email: "cashier@shop.test", Role: "analyst",
		Grants: []string{"create_payments", "use:knet"}, Password: password}); err != nil {
		t.Fatal(err)
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("cashier@shop.test:"+password))
	as := func(method, path, body string) resp {
		return g.call(method, path, body, "Authorization", basic, "Paygate-Mode", "sandbox")
	}
	create := func(code string) string {
		return `{"type":"e_commerce","amount":"5.000","currency_code":"KWD","pg_codes":["` + code + `"],"order_no":"B-` + code + `"}`
	}

	r := as("POST", "/b/checkout/v1/pymt-txn/", create("knet"))
	if r.status != http.StatusCreated {
		t.Fatalf("a granted code: %d %s", r.status, r.body)
	}
	sid := r.json(t)["session_id"].(string)
	if r := as("POST", "/b/checkout/v1/pymt-txn/", create("mpgs")); r.status != http.StatusForbidden || !strings.Contains(r.body, `"detail"`) {
		t.Fatalf("a code not granted: %d %s", r.status, r.body)
	}
	if r := as("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", ""); r.status != http.StatusOK {
		t.Fatalf("retrieve with view_payments: %d %s", r.status, r.body)
	}
	paid := g.pay(r.json(t)["checkout_url"].(string), "4242424242424242")
	if paid.status != http.StatusSeeOther {
		t.Fatalf("pay: %d %s", paid.status, paid.body)
	}
	if r := as("POST", "/b/pbl/v2/operation/", `{"session_id":"`+sid+`","operation":"refund","amount":"1.000"}`); r.status != http.StatusForbidden || !strings.Contains(r.body, `"detail"`) {
		t.Fatalf("a refund without the refund permission: %d %s", r.status, r.body)
	}
	if got := g.call("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", "").json(t); got["refunded_amount"] != "0.000" || got["state"] != "paid" {
		t.Fatalf("the refused refund changed the payment: %v", got)
	}
	if r := as("POST", "/b/checkout/v1/pymt-txn/", create("knet")); r.status != http.StatusCreated {
		t.Fatalf("the person's grant stopped working: %d %s", r.status, r.body)
	}
	if r := g.call("POST", "/b/checkout/v1/pymt-txn/", create("mpgs")); r.status != http.StatusCreated {
		t.Fatalf("an API key on another code: %d %s", r.status, r.body)
	}
	wrong := "Basic " + base64.StdEncoding.EncodeToString([]byte("cashier@shop.test:wrong password here"))
	if r := g.call("POST", "/b/checkout/v1/pymt-txn/", create("knet"), "Authorization", wrong); r.status != http.StatusUnauthorized || !strings.Contains(r.body, `"detail"`) {
		t.Fatalf("a wrong password: %d %s", r.status, r.body)
	}
}

// TestBasicPasswordGuessesAtTheDoorAreSlowed: Ottu's Basic email:password
// goes through the API's sign-in limits, so forty wrong guesses sent at
// once, spelled with spaces or capitals, get no more checked than in a row
// (the free five and one more) and the rest answer 429 with Retry-After;
// a person with two-factor is told to use a key.
func TestBasicPasswordGuessesAtTheDoorAreSlowed(t *testing.T) {
	g := newGateway(t)
	ctx := context.Background()
	system := engine.Actor{MerchantID: g.actor.MerchantID}
	if _, _, err := g.eng.CreateUser(ctx, system, engine.UserInput{Email: "cashier@shop.test", Role: "admin", Password: "correct horse battery staple"}); err != nil {
		t.Fatal(err)
	}
	basic := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			user := strings.Repeat(" ", i%4) + []string{"cashier@shop.test", "Cashier@Shop.test"}[i%2]
			r := g.call("GET", "/b/checkout/v1/pymt-txn/cs_nope/", "", "Authorization", basic(user, fmt.Sprintf("guess %d", i)))
			if r.status == http.StatusTooManyRequests && r.header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			mu.Lock()
			counts[r.status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if counts[http.StatusUnauthorized] > 6 || counts[http.StatusTooManyRequests] != 40-counts[http.StatusUnauthorized] {
		t.Fatalf("answers to forty parallel wrong guesses: %v (at most 6 may be checked)", counts)
	}
}

// TestBasicAtTheDoorTellsATwoFactorPersonToUseAKey: once a person turns
// two-factor on, their password alone no longer opens the door, and the
// answer says why (a wrong password still learns nothing).
func TestBasicAtTheDoorTellsATwoFactorPersonToUseAKey(t *testing.T) {
	g := newGateway(t)
	ctx := context.Background()
	u, _, err := g.eng.CreateUser(ctx, engine.Actor{MerchantID: g.actor.MerchantID}, engine.UserInput{Email: "lead@shop.test", Role: "admin", Password: "correct horse battery staple"})
	if err != nil {
		t.Fatal(err)
	}
	basic := func(pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte("lead@shop.test:"+pass))
	}
	if r := g.call("GET", "/b/checkout/v1/pymt-txn/cs_nope/", "", "Authorization", basic("correct horse battery staple")); r.status != http.StatusNotFound {
		t.Fatalf("before two-factor: %d %s", r.status, r.body)
	}
	person := engine.Actor{MerchantID: g.actor.MerchantID, Principal: auth.Principal{Kind: auth.CredSession, UserID: u.ID}}
	secret, _, err := g.eng.BeginTOTP(ctx, person)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := auth.TOTPCode(secret, time.Now())
	if err := g.eng.EnableTOTP(ctx, person, code); err != nil {
		t.Fatal(err)
	}
	r := g.call("GET", "/b/checkout/v1/pymt-txn/cs_nope/", "", "Authorization", basic("correct horse battery staple"))
	if r.status != http.StatusForbidden || !strings.Contains(r.body, "two-factor") {
		t.Fatalf("after two-factor: %d %s", r.status, r.body)
	}
	if r := g.call("GET", "/b/checkout/v1/pymt-txn/cs_nope/", "", "Authorization", basic("wrong password here")); r.status != http.StatusUnauthorized || strings.Contains(r.body, "two-factor") {
		t.Fatalf("a wrong password after two-factor: %d %s", r.status, r.body)
	}
}
