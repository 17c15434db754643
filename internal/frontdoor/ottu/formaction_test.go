package ottu_test

import (
	"net/http"
	"strings"
	"testing"
)

// The card form may lead to redirect_url: once the webhook has answered,
// the return page redirects the payer straight on to the shop, and
// browsers hold every redirect after a form's submission to the form's
// form-action (without the shop's origin there the payer was stranded on
// the card page). A PATCH of redirect_url moves it.
func TestTheCardFormMayLeadToRedirectURL(t *testing.T) {
	g := newGateway(t)
	c := g.call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"e_commerce","amount":"1.000","currency_code":"KWD","pg_codes":["knet"],
		"order_no":"FA-1","webhook_url":"https://shop.example/hooks","redirect_url":"https://shop.example:8443/done?x=1"}`).json(t)
	formAction := func() string {
		req, _ := http.NewRequest("GET", c["checkout_url"].(string), nil)
		page := do(t, req)
		for _, d := range strings.Split(page.header.Get("Content-Security-Policy"), ";") {
			if d = strings.TrimSpace(d); strings.HasPrefix(d, "form-action ") {
				return d
			}
		}
		t.Fatalf("no form-action on the card page: %d %v", page.status, page.header)
		return ""
	}
	if fa := formAction(); !strings.Contains(fa, "'self'") || !strings.Contains(fa, "https://shop.example:8443") {
		t.Fatalf("the card form cannot lead to redirect_url: %s", fa)
	}
	if r := g.call("PATCH", "/b/checkout/v1/pymt-txn/"+c["session_id"].(string)+"/", `{"redirect_url":"https://other.example/back"}`); r.status != 200 {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	if fa := formAction(); !strings.Contains(fa, "https://other.example") || strings.Contains(fa, "shop.example:8443") {
		t.Fatalf("after a new redirect_url: %s", fa)
	}
}
