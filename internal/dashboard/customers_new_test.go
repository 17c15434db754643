package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

// TestNewCustomerFromThePages: a person who manages customers creates one
// and lands on its page; a reference already used is refused with the
// reason and makes nothing; others cannot reach the form or post it.
func TestNewCustomerFromThePages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := engine.Actor{MerchantID: e.merchant, Mode: payment.Sandbox}
	count := func() int {
		cs, err := e.eng.ListCustomers(ctx, a, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(cs)
	}
	owner, analyst := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test")
	if p := analyst.get("/dashboard/customers/new"); p.status != http.StatusForbidden {
		t.Fatalf("the form without manage_customers: %d", p.status)
	}
	list := analyst.get("/dashboard/customers")
	if strings.Contains(list.body, `id="new-customer"`) {
		t.Fatal("the list offers a new customer to a person who may not make one")
	}
	if p := analyst.post("/dashboard/customers", url.Values{"csrf": {list.csrf(t)}, "reference": {"evil"}}); p.status != http.StatusForbidden || count() != 0 {
		t.Fatalf("a forged create: %d, %d customers", p.status, count())
	}
	form := owner.get("/dashboard/customers/new")
	once := regexpFind(t, form.body, `name="once" value="([^"]+)"`)
	made := owner.post("/dashboard/customers", url.Values{"csrf": {form.csrf(t)}, "once": {once}, "reference": {"guest-12"}, "email": {"ana@example.com"}, "name": {"Ana Lima"}})
	// The same form sent again (without a reference it would make a twin):
	// nothing new, and the page says it was sent already.
	if again := owner.post("/dashboard/customers", url.Values{"csrf": {form.csrf(t)}, "once": {once}, "reference": {"guest-12"}, "email": {"ana@example.com"}}); again.status != http.StatusSeeOther || !strings.Contains(again.header.Get("Location"), "done=replay") {
		t.Fatalf("the form sent twice: %d %s", again.status, again.header.Get("Location"))
	}
	if count() != 1 {
		t.Fatalf("%d customers after a double post, want 1", count())
	}
	loc := made.header.Get("Location")
	if made.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/dashboard/customers/cus_") || count() != 1 {
		t.Fatalf("create: %d %q (%d customers)\n%s", made.status, loc, count(), made.body)
	}
	page := owner.get(loc)
	if !strings.Contains(page.body, "Ana Lima") || !strings.Contains(page.body, "guest-12") || !strings.Contains(page.body, `id="notice"`) {
		t.Fatalf("the new customer's page:\n%s", page.body)
	}
	dup := owner.post("/dashboard/customers", url.Values{"csrf": {form.csrf(t)}, "reference": {"guest-12"}, "name": {"Someone else"}})
	if dup.status != http.StatusBadRequest || !strings.Contains(dup.body, "guest-12") || !strings.Contains(dup.body, `value="Someone else"`) || count() != 1 {
		t.Fatalf("a reference used twice: %d (%d customers)\n%s", dup.status, count(), dup.body)
	}
	if bad := owner.post("/dashboard/customers", url.Values{"csrf": {form.csrf(t)}, "email": {"not an email"}}); bad.status != http.StatusBadRequest || count() != 1 {
		t.Fatalf("a bad email: %d (%d customers)", bad.status, count())
	}
}
