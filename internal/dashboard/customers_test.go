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

// savedCard makes a customer (reference cus-<ref>) and saves a card for
// them with a payment; it returns the customer's and the card's ids.
func (e *env) savedCard(ref, name, number string) (string, string) {
	e.t.Helper()
	cus := e.api("POST", "/v1/customers", `{"reference":"cus-`+ref+`","name":"`+name+`","email":"`+ref+`@example.com"}`)["id"].(string)
	e.pay(1000, number, ref)
	cards := e.api("GET", "/v1/customers/"+cus+"/payment-methods", "")["data"].([]any)
	if len(cards) != 1 {
		e.t.Fatalf("saved cards of %s: %v", cus, cards)
	}
	return cus, cards[0].(map[string]any)["id"].(string)
}

func TestCustomersListAndMaskedSavedCards(t *testing.T) {
	e := newEnv(t)
	cus, pm := e.savedCard("ana", "Ana Example", "4242424242424242")
	owner, analyst, support := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test"), e.signIn("support@shop.test")
	for _, who := range []*browserless{owner, analyst, support} {
		if p := who.get("/dashboard/customers"); p.status != 200 || !strings.Contains(p.body, "Ana Example") || !strings.Contains(p.body, "/dashboard/customers/"+cus) {
			t.Fatalf("customer list: %d\n%s", p.status, p.body)
		}
	}
	if p := (&browserless{e: e}).get("/dashboard/customers/" + cus); p.status != http.StatusSeeOther {
		t.Fatalf("signed out: %d", p.status)
	}
	if p := owner.get("/dashboard/customers/cus_nope"); p.status != 404 {
		t.Fatalf("unknown customer: %d", p.status)
	}
	for _, c := range []struct {
		who            *browserless
		first6, delete bool
	}{{owner, true, true}, {support, false, true}, {analyst, false, false}} {
		p := c.who.get("/dashboard/customers/" + cus)
		if p.status != 200 || !strings.Contains(p.body, "4242") || strings.Contains(p.body, "4242424242424242") {
			t.Fatalf("customer page: %d, last four missing or the number shown\n%s", p.status, p.body)
		}
		if strings.Contains(p.body, "424242") != c.first6 {
			t.Fatalf("first six shown = %v, want %v", !c.first6, c.first6)
		}
		if strings.Contains(p.body, `id="delete-`+pm+`"`) != c.delete {
			t.Fatalf("delete button shown = %v, want %v", !c.delete, c.delete)
		}
		if !strings.Contains(p.body, "customer=cus-ana") {
			t.Fatal("no link to the customer's payments")
		}
	}
	// The customer's reference works in the address too.
	if p := owner.get("/dashboard/customers/cus-ana"); p.status != 200 || !strings.Contains(p.body, cus) {
		t.Fatalf("by reference: %d", p.status)
	}
}

func TestDeleteSavedCardNeedsConfirmationPermissionAndCSRF(t *testing.T) {
	e := newEnv(t)
	cus, pm := e.savedCard("ana", "Ana Example", "4242424242424242")
	owner, analyst := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test")
	path := "/dashboard/customers/" + cus + "/cards/" + pm + "/delete"
	csrf := owner.get("/dashboard/customers/" + cus).csrf(t)
	left := func() int { return len(e.api("GET", "/v1/customers/"+cus+"/payment-methods", "")["data"].([]any)) }

	if p := owner.post(path, url.Values{"step": {"confirm"}}); p.status != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", p.status)
	}
	if p := owner.post(path, url.Values{"csrf": {"forged"}, "step": {"confirm"}}); p.status != http.StatusForbidden {
		t.Fatalf("with a wrong CSRF token: %d", p.status)
	}
	if p := owner.do("POST", path, url.Values{"csrf": {csrf}, "step": {"confirm"}}, "https://evil.test"); p.status != http.StatusForbidden {
		t.Fatalf("from another origin: %d", p.status)
	}
	an := analyst.get("/dashboard/customers/" + cus)
	if p := analyst.post(path, url.Values{"csrf": {an.csrf(t)}, "step": {"confirm"}}); p.status != http.StatusForbidden || !strings.Contains(p.body, "manage_customers") {
		t.Fatalf("a forged delete without manage_customers: %d", p.status)
	}
	review := owner.post(path, url.Values{"csrf": {csrf}, "step": {"review"}})
	if review.status != 200 || !strings.Contains(review.body, "card ending in 4242") || !strings.Contains(review.body, `id="confirm-button"`) {
		t.Fatalf("review: %d\n%s", review.status, review.body)
	}
	if left() != 1 {
		t.Fatal("the review step deleted the card")
	}
	if p := owner.post("/dashboard/customers/"+cus+"/cards/pm_nope/delete", url.Values{"csrf": {csrf}, "step": {"review"}}); p.status != 404 {
		t.Fatalf("an unknown card: %d", p.status)
	}
	if p := owner.post(path, url.Values{"csrf": {csrf}, "step": {"confirm"}}); p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "?done=card-deleted") {
		t.Fatalf("confirm: %d %s", p.status, p.header.Get("Location"))
	}
	if left() != 0 {
		t.Fatal("the card is still saved")
	}
	if p := owner.get("/dashboard/customers/" + cus + "?done=card-deleted"); !strings.Contains(p.body, `id="no-cards"`) || !strings.Contains(p.body, "was deleted") {
		t.Fatalf("after deleting:\n%s", p.body)
	}
	if p := owner.post(path, url.Values{"csrf": {csrf}, "step": {"confirm"}}); p.status != 404 {
		t.Fatalf("deleting twice: %d", p.status)
	}
}

// A customer is deleted from its page after a confirmation, only by people
// with manage_customers: the review deletes nothing; the confirmation
// erases the customer and its saved card, and the list no longer shows it.
func TestDeleteCustomerFromItsPage(t *testing.T) {
	e := newEnv(t)
	cus, pm := e.savedCard("ana", "Ana Example", "4242424242424242")
	owner, analyst := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test")
	path := "/dashboard/customers/" + cus + "/delete"
	page := owner.get("/dashboard/customers/" + cus)
	if !strings.Contains(page.body, `id="delete-customer"`) || strings.Contains(analyst.get("/dashboard/customers/"+cus).body, `id="delete-customer"`) {
		t.Fatal("the delete button is offered to the wrong people")
	}
	an := analyst.get("/dashboard/customers/" + cus)
	if p := analyst.post(path, url.Values{"csrf": {an.csrf(t)}, "step": {"confirm"}}); p.status != http.StatusForbidden {
		t.Fatalf("a forged delete without manage_customers: %d", p.status)
	}
	review := owner.post(path, url.Values{"csrf": {page.csrf(t)}, "step": {"review"}})
	if review.status != 200 || !strings.Contains(review.body, "Ana Example") || !strings.Contains(review.body, `id="confirm-button"`) {
		t.Fatalf("review: %d\n%s", review.status, review.body)
	}
	if len(e.api("GET", "/v1/customers/"+cus+"/payment-methods", "")["data"].([]any)) != 1 {
		t.Fatal("the review step erased something")
	}
	done := owner.post(path, url.Values{"csrf": {page.csrf(t)}, "step": {"confirm"}})
	if done.status != http.StatusSeeOther || !strings.HasSuffix(done.header.Get("Location"), "/dashboard/customers?done=customer-deleted") {
		t.Fatalf("confirm: %d %s", done.status, done.header.Get("Location"))
	}
	list := owner.get("/dashboard/customers?done=customer-deleted")
	if strings.Contains(list.body, cus) || !strings.Contains(list.body, "was deleted") {
		t.Fatalf("the list after deleting:\n%s", list.body)
	}
	if p := owner.get("/dashboard/customers/" + cus); p.status != 404 {
		t.Fatalf("the deleted customer's page: %d", p.status)
	}
	if m, err := e.eng.GetPaymentMethod(context.Background(), engine.Actor{MerchantID: e.merchant, Mode: payment.Sandbox}, pm); err != nil || m.Sealed != nil {
		t.Fatalf("the card after the erasure: %+v %v", m, err)
	}
}
