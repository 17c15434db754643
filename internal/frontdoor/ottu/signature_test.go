package ottu

import "testing"

// The vendor's published test vector (reference §3.7).
func TestSignatureVector(t *testing.T) {
	fields := map[string]string{"amount": "86.000", "currency_code": "KWD", "customer_first_name": "example-customer"}
	if got, want := SignatureMessage(fields), "amount86.000currency_codeKWDcustomer_first_nameexample-customer"; got != want {
		t.Fatalf("message %q, want %q", got, want)
	}
	const want = "6143b8ad4bd283540721ab000f6de746e722231aaaa90bc38f639081d3ff9f67"
	if got := Sign(fields, "pu9MpX3yPR"); got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	if !Verify(fields, "pu9MpX3yPR", want) || Verify(fields, "other", want) {
		t.Fatal("Verify disagrees with Sign")
	}
}

// Fields outside the list, and empty ones, are not signed; order is sorted, not list order.
func TestSignatureIgnoresUnlistedAndEmpty(t *testing.T) {
	a := map[string]string{"state": "paid", "amount": "1.000", "extra": "x", "order_no": ""}
	b := map[string]string{"amount": "1.000", "state": "paid"}
	if SignatureMessage(a) != "amount1.000statepaid" || Sign(a, "k") != Sign(b, "k") {
		t.Fatalf("message %q", SignatureMessage(a))
	}
}
