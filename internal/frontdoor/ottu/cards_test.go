package ottu_test

import (
	"net/http"
	"strings"
	"testing"
)

// save_card keeps the payer's card for the customer; User Cards lists it
// masked; an auto_debit session is charged with its token, the payer
// absent; deleting the card removes it from the list.
func TestSavedCardsAndAutoDebit(t *testing.T) {
	g := newGateway(t)
	r := g.call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"e_commerce","amount":"5.000","currency_code":"KWD","pg_codes":["knet"],
		"payment_type":"save_card","customer_id":"cust-1","order_no":"SAVE-1"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("save_card session: %d %s", r.status, r.body)
	}
	if paid := g.pay(r.json(t)["checkout_url"].(string), "4242424242424242"); paid.status != http.StatusSeeOther {
		t.Fatalf("pay: %d %s", paid.status, paid.body)
	}
	list := g.call("POST", "/b/pbl/v2/card/", `{"type":"sandbox","customer_id":"cust-1"}`)
	if list.status != 200 || !strings.Contains(string(list.body), `"number":"**** 4242"`) && !strings.Contains(string(list.body), `4242"`) {
		t.Fatalf("cards: %d %s", list.status, list.body)
	}
	if strings.Contains(string(list.body), "4242424242424242") {
		t.Fatal("a full card number in the cards list")
	}
	token := extract(string(list.body), `"token":"`)
	if !strings.HasPrefix(token, "pm_") {
		t.Fatalf("token %q in %s", token, list.body)
	}
	r = g.call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"e_commerce","amount":"7.500","currency_code":"KWD","pg_codes":["knet"],
		"payment_type":"auto_debit","customer_id":"cust-1","order_no":"SUB-1","agreement":{"id":"agr-1"}}`)
	if r.status != http.StatusCreated {
		t.Fatalf("auto_debit session: %d %s", r.status, r.body)
	}
	sid := r.json(t)["session_id"].(string)
	ad := g.call("POST", "/b/pbl/v2/payment/auto-debit/", `{"session_id":"`+sid+`","token":"`+token+`"}`)
	if ad.status != 200 || !strings.Contains(string(ad.body), `"paid"`) && !strings.Contains(string(ad.body), `"success"`) {
		t.Fatalf("auto-debit: %d %s", ad.status, ad.body)
	}
	got := g.call("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", "").json(t)
	if got["state"] != "paid" || got["paid_amount"] != "7.500" {
		t.Fatalf("the auto-debited session: %v", got)
	}
	if again := g.call("POST", "/b/pbl/v2/payment/auto-debit/", `{"session_id":"`+sid+`","token":"`+token+`"}`); again.status == 200 && strings.Count(string(again.body), "pay_") > 1 {
		t.Fatalf("a repeated auto-debit: %s", again.body)
	}
	if del := g.call("DELETE", "/b/pbl/v2/card/"+token+"/?customer_id=cust-1&type=sandbox", ""); del.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", del.status, del.body)
	}
	if list := g.call("POST", "/b/pbl/v2/card/", `{"type":"sandbox","customer_id":"cust-1"}`); strings.Contains(string(list.body), token) {
		t.Fatalf("the deleted card is still listed: %s", list.body)
	}
}

func extract(s, after string) string {
	i := strings.Index(s, after)
	if i < 0 {
		return ""
	}
	s = s[i+len(after):]
	return s[:strings.IndexByte(s, '"')]
}
