package paymentz_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The endpoints docs/migrate-paymentz.md lists as "not yet" answer the
// door's record-not-found, so a shop calling them learns it plainly.
func TestEndpointsNotServedYetAnswerRecordNotFound(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	for _, path := range []string{"/partnerAuthToken", "/QRCheckout", "/QRPayments", "/QRPayments/1", "/inquiryStatus/1", "/sendSMSCode",
		"/generateTransactionOTP", "/verifyTransactionOTP", "/initiateAuthentication", "/authenticate"} {
		t.Run(path, func(t *testing.T) {
			if r := e.post(path, url.Values{"authentication.memberId": {e.member}}, "AuthToken", tok); r.status != 404 || r.code(t) != "10009" {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
	for _, op := range []string{"updateInvoiceConfig", "getInvoiceConfig", "getOrderID"} {
		t.Run("invoice "+op, func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.srv.URL+"/invoiceServices/REST/v1/"+op, strings.NewReader("invoiceno=1"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("AuthToken", tok)
			hr, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer hr.Body.Close()
			b, _ := io.ReadAll(hr.Body)
			if r := (resp{status: hr.StatusCode, body: b}); r.status != 404 || r.code(t) != "10009" {
				t.Fatalf("%s: %d %s", op, r.status, b)
			}
		})
	}
}
