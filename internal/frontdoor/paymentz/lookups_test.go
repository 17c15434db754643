package paymentz_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/frontdoor/paymentz"
)

func TestTransactionDetailsAndList(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	var pids []string
	for _, mtid := range []string{"L-1", "L-2", "L-3"} {
		pids = append(pids, e.pay(tok, e.sale("DB", mtid, "10.00", "EUR", "4242424242424242"))["paymentId"].(string))
	}
	details := func(form url.Values) resp { return e.post("/getTransactionDetails", form, "AuthToken", tok) }
	r := details(url.Values{"paymentId": {pids[1]}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, pids[1])}})
	if m := r.json(t); r.status != 200 || m["merchantTransactionId"] != "L-2" || r.code(t) != "00026" {
		t.Fatalf("details: %d %s", r.status, r.body)
	}
	r = details(url.Values{"idType": {"MID"}, "merchantTransactionId": {"L-3"}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, "L-3")}})
	if m := r.json(t); m["paymentId"] != pids[2] {
		t.Fatalf("details by merchantTransactionId: %s", r.body)
	}
	if r := details(url.Values{"paymentId": {pids[1]}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, pids[0])}}); r.code(t) != "70001" {
		t.Fatalf("a checksum for another payment: %s", r.body)
	}

	day := time.Now().UTC().Format("2006-01-02")
	list := func(page, records string) map[string]any {
		t.Helper()
		r := e.post("/getTransactionList", url.Values{"pagination.fromdate": {day}, "pagination.todate": {day}, "pagination.pageno": {page},
			"pagination.records": {records}, "authentication.checksum": {paymentz.Checksum(e.member, e.key, day, day)}}, "AuthToken", tok)
		if r.status != 200 {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		return r.json(t)
	}
	first, second := list("1", "2")["transactions"].([]any), list("2", "2")["transactions"].([]any)
	if len(first) != 2 || len(second) != 1 {
		t.Fatalf("pages of 2: %d then %d", len(first), len(second))
	}
	got := map[any]bool{}
	for _, tx := range append(first, second...) {
		got[tx.(map[string]any)["paymentId"]] = true
	}
	for _, pid := range pids {
		if !got[pid] {
			t.Fatalf("payment %s missing from the pages", pid)
		}
	}
	if r := e.post("/getTransactionList", url.Values{"pagination.fromdate": {"yesterday"}, "pagination.todate": {day},
		"authentication.checksum": {paymentz.Checksum(e.member, e.key, "yesterday", day)}}, "AuthToken", tok); r.status != 400 || r.code(t) != "70003" {
		t.Fatalf("a bad date: %d %s", r.status, r.body)
	}
}
