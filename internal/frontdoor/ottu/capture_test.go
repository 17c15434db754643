package ottu_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/paygate/paygate/internal/engine"
)

// An authorize configuration holds the money; Ottu's operations capture
// part of it, and void another authorization.
func TestCaptureAndVoidOfAuthorizations(t *testing.T) {
	g := newGateway(t)
	str := func(s string) *string { return &s }
	if _, err := g.eng.CreateConfig(context.Background(), g.actor, engine.ConfigInput{Code: str("knet-auth"), NameEN: str("KNET auth"),
		Connector: str("sandbox"), AcceptedCurrencies: &[]string{"KWD"}, Operation: str("authorize")}); err != nil {
		t.Fatal(err)
	}
	session := func(order string) string {
		r := g.call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"e_commerce","amount":"30.000","currency_code":"KWD","pg_codes":["knet-auth"],"order_no":"`+order+`"}`)
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		c := r.json(t)
		if paid := g.pay(c["checkout_url"].(string), "4242424242424242"); paid.status != http.StatusSeeOther {
			t.Fatalf("pay: %d %s", paid.status, paid.body)
		}
		return c["session_id"].(string)
	}
	sid := session("AUTH-1")
	if st := g.call("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", "").json(t)["state"]; st != "authorized" {
		t.Fatalf("state after paying an authorize session: %v", st)
	}
	cp := g.call("POST", "/b/pbl/v2/operation/", `{"session_id":"`+sid+`","operation":"capture","amount":"20.000"}`)
	if cp.status != 200 || cp.json(t)["result"] != "success" || cp.json(t)["amount"] != "20.000" {
		t.Fatalf("capture: %d %s", cp.status, cp.body)
	}
	got := g.call("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", "").json(t)
	native := g.call("GET", "/v1/payments/"+got["reference_number"].(string), "", "Authorization", "Bearer "+g.sk).json(t)
	if native["amount_captured"] != float64(20000) || native["status"] != "captured" {
		t.Fatalf("after capture: %v / %v", got, native)
	}
	other := session("AUTH-2")
	if v := g.call("POST", "/b/pbl/v2/operation/", `{"session_id":"`+other+`","operation":"void"}`); v.status != 200 || v.json(t)["result"] != "success" {
		t.Fatalf("void: %d %s", v.status, v.body)
	}
	got = g.call("GET", "/b/checkout/v1/pymt-txn/"+other+"/", "").json(t)
	if native := g.call("GET", "/v1/payments/"+got["reference_number"].(string), "", "Authorization", "Bearer "+g.sk).json(t); native["status"] != "voided" {
		t.Fatalf("after void: %v", native)
	}
}
