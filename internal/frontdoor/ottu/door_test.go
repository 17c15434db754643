package ottu_test

import (
	"net/http"
	"strings"
	"testing"
)

// Create a checkout through Ottu, pay on the hosted page, retrieve it,
// refund through the operations API, and find the same payment in the
// native API.
func TestCheckoutEndToEnd(t *testing.T) {
	g := newGateway(t)
	r := g.call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"e_commerce","amount":"86.500","currency_code":"KWD","pg_codes":["knet"],
		"order_no":"ORD-1","customer_first_name":"example-customer","redirect_url":"https://shop.example/done"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	c := r.json(t)
	sid, curl := c["session_id"].(string), c["checkout_url"].(string)
	if c["state"] != "created" || c["amount"] != "86.500" || !strings.HasPrefix(curl, g.url+"/checkout/") || c["payment_type"] != "one_off" {
		t.Fatalf("created session: %v", c)
	}
	paid := g.pay(curl, "4242424242424242")
	if paid.status != http.StatusSeeOther || !strings.Contains(paid.header.Get("Location"), "/b/checkout/v1/return/") {
		t.Fatalf("pay: %d %s %s", paid.status, paid.header.Get("Location"), paid.body)
	}
	// No webhook_url: the return page goes straight to redirect_url with Ottu's parameters.
	req, _ := http.NewRequest("GET", paid.header.Get("Location"), nil)
	back := do(t, req)
	if back.status != http.StatusSeeOther || !strings.HasPrefix(back.header.Get("Location"), "https://shop.example/done?") ||
		!strings.Contains(back.header.Get("Location"), "session_id="+sid) || !strings.Contains(back.header.Get("Location"), "order_no=ORD-1") {
		t.Fatalf("return: %d %s", back.status, back.header.Get("Location"))
	}
	got := g.call("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", "").json(t)
	pid, _ := got["reference_number"].(string)
	if got["state"] != "paid" || got["paid_amount"] != "86.500" || pid == "" {
		t.Fatalf("retrieve: %v", got)
	}
	op := g.call("POST", "/b/pbl/v2/operation/", `{"session_id":"`+sid+`","operation":"refund","amount":"6.500"}`, "Tracking-Key", "rf-1")
	o := op.json(t)
	if op.status != 200 || o["result"] != "success" || o["amount"] != "6.500" || o["signature"] == "" {
		t.Fatalf("refund: %d %s", op.status, op.body)
	}
	// The same Tracking-Key answers the first result and refunds nothing more.
	if again := g.call("POST", "/b/pbl/v2/operation/", `{"session_id":"`+sid+`","operation":"refund","amount":"6.500"}`, "Tracking-Key", "rf-1"); again.body != op.body {
		t.Fatalf("replay differs: %s", again.body)
	}
	// The same Tracking-Key with another amount is refused, naming that header.
	if other := g.call("POST", "/b/pbl/v2/operation/", `{"session_id":"`+sid+`","operation":"refund","amount":"1.000"}`, "Tracking-Key", "rf-1"); other.status != 409 ||
		!strings.Contains(other.body, "idempotency_conflict") || !strings.Contains(other.body, "Tracking-Key") || strings.Contains(other.body, "Idempotency-Key") {
		t.Fatalf("a reused Tracking-Key: %d %s", other.status, other.body)
	}
	if over := g.call("POST", "/b/pbl/v2/operation/", `{"order_no":"ORD-1","operation":"refund","amount":"100.000"}`); over.status != 400 || !strings.Contains(over.body, `"amount":[`) {
		t.Fatalf("over-refund: %d %s", over.status, over.body)
	}
	if void := g.call("POST", "/b/pbl/v2/operation/", `{"session_id":"`+sid+`","operation":"void"}`); void.status != 400 || !strings.Contains(void.body, "Invalid state") {
		t.Fatalf("void of paid: %d %s", void.status, void.body)
	}
	native := g.call("GET", "/v1/payments/"+pid, "", "Authorization", "Bearer "+g.sk).json(t)
	if native["amount"] != float64(86500) || native["amount_refunded"] != float64(6500) || native["reference"] != "ORD-1" || native["status"] != "partially_refunded" {
		t.Fatalf("native payment: %v", native)
	}
	got = g.call("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", "").json(t)
	if got["refunded_amount"] != "6.500" || got["remaining_amount"] != "80.000" {
		t.Fatalf("after refund: %v", got)
	}
}

func TestUpdateAndInternalOperations(t *testing.T) {
	g := newGateway(t)
	c := g.call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"payment_request","amount":"1","currency_code":"KWD","pg_codes":["knet"],"order_no":"A-2","expiration_time":"0 02:00:00"}`).json(t)
	sid := c["session_id"].(string)
	if c["amount"] != "1.000" || c["expiration_time"] != "0 02:00:00" {
		t.Fatalf("create: %v", c)
	}
	u := g.call("PATCH", "/b/checkout/v1/pymt-txn/"+sid+"/", `{"amount":"2.250","order_no":"A-3"}`)
	if u.status != 200 || u.json(t)["amount"] != "2.250" || u.json(t)["order_no"] != "A-3" {
		t.Fatalf("patch: %d %s", u.status, u.body)
	}
	if bad := g.call("PATCH", "/b/checkout/v1/pymt-txn/"+sid+"/", `{"amount":"2.2505"}`); bad.status != 400 || !strings.Contains(bad.body, `{"amount":[`) {
		t.Fatalf("four decimals: %d %s", bad.status, bad.body)
	}
	if r := g.call("POST", "/b/pbl/v2/operation/", `{"order_no":"A-3","operation":"cancel"}`); r.status != 200 || r.json(t)["result"] != "success" {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	if st := g.call("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", "").json(t)["state"]; st != "canceled" {
		t.Fatalf("state after cancel: %v", st)
	}
	if r := g.call("POST", "/b/pbl/v2/operation/", `{"session_id":"`+sid+`","operation":"expire"}`); r.status != 400 {
		t.Fatalf("expire of canceled: %d %s", r.status, r.body)
	}
	if r := g.call("POST", "/b/pbl/v2/operation/", `{"session_id":"`+sid+`","operation":"delete"}`); r.status != 200 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := g.call("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", ""); r.status != 404 || r.body != `{"detail":"Not found."}` {
		t.Fatalf("deleted: %d %s", r.status, r.body)
	}
}

func TestErrorsInOttuShape(t *testing.T) {
	g := newGateway(t)
	for _, c := range []struct {
		body, want string
		status     int
	}{
		{`{"amount":"1","currency_code":"KWD","pg_codes":["knet"]}`, `{"type":["This field is required."]}`, 400},
		{`{"type":"e_commerce","amount":"1","currency_code":"KWD","pg_codes":["nope"]}`, `{"pg_codes":[`, 400},
		{`{"type":"e_commerce","amount":"1","currency_code":"XXX1","pg_codes":["knet"]}`, `{"currency_code":[`, 400},
		{`{"type":"e_commerce","amount":"1","currency_code":"KWD","pg_codes":["knet"],"payment_type":"auto_debit"}`, `{"agreement":[`, 400},
		{`{"type":"e_commerce","amount":1.5,"currency_code":"KWD","pg_codes":["knet"],"webhook_url":"ftp://x"}`, `{"webhook_url":[`, 400},
		{`[1]`, `{"non_field_errors":[`, 400},
	} {
		r := g.call("POST", "/b/checkout/v1/pymt-txn/", c.body)
		if r.status != c.status || !strings.HasPrefix(r.body, c.want) {
			t.Errorf("%s: %d %s, want %d %s", c.body, r.status, r.body, c.status, c.want)
		}
	}
	if r := g.call("POST", "/b/checkout/v1/pymt-txn/", `{}`, "Authorization", "Api-Key sk_test_wrong"); r.status != 401 || !strings.Contains(r.body, `"detail"`) {
		t.Errorf("bad key: %d %s", r.status, r.body)
	}
	if r := g.call("POST", "/b/pbl/v2/operation/", `{"session_id":"cs_x","operation":"explode"}`); r.status != 400 || r.body != `{"operation":["Operation not supported."]}` {
		t.Errorf("bad op: %d %s", r.status, r.body)
	}
}
