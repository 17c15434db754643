package dashboard_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
)

// TestOperationGrantsFromThePersonsPage: operation permissions beyond a
// person's role are ticked on their page, saved, shown again and removed
// there, with their method grants kept; a manager cannot grant an
// operation their own role lacks.
func TestOperationGrantsFromThePersonsPage(t *testing.T) {
	e := newEnv(t)
	e.api("POST", "/v1/payment-method-configs", `{"code":"knet","name":"KNET","connector":"sandbox"}`)
	owner := e.signIn("owner@shop.test")
	analyst := e.user("analyst@shop.test")
	path := "/dashboard/team/users/" + analyst.ID
	page := owner.get(path)
	if !strings.Contains(page.body, `id="operations"`) || !strings.Contains(page.body, `name="perm" value="refund">`) {
		t.Fatalf("the person's page offers no operation grants:\n%s", page.body)
	}
	save := func(who *browserless, perms ...string) {
		t.Helper()
		f := url.Values{"csrf": {who.get(path).csrf(t)}, "name": {"Analyst"}, "role": {"analyst"}, "use": {"knet"}, "perm": perms}
		who.post(path, f)
	}
	save(owner, "refund", "capture")
	u := e.user("analyst@shop.test")
	if !u.Permissions().Has(auth.PermRefund) || !u.Permissions().Has(auth.PermCapture) || !u.Permissions().Has("use:knet") || u.Permissions().Has(auth.PermPayout) {
		t.Fatalf("after granting refund and capture: %v", u.Grants.Strings())
	}
	if p := owner.get(path); !strings.Contains(p.body, `name="perm" value="refund" checked`) || strings.Contains(p.body, `name="perm" value="payout" checked`) {
		t.Fatalf("the page does not show the grants:\n%s", p.body)
	}
	save(owner, "capture")
	if u := e.user("analyst@shop.test"); u.Permissions().Has(auth.PermRefund) || !u.Permissions().Has(auth.PermCapture) || !slices.Contains(u.Grants.Strings(), "use:knet") {
		t.Fatalf("after unticking refund: %v", u.Grants.Strings())
	}

	// A developer who may manage the team still cannot hand out payout, which developers lack.
	ctx := context.Background()
	if _, _, err := e.eng.CreateUser(ctx, engine.Actor{MerchantID: e.merchant}, engine.UserInput{Email: "lead@shop.test", Name: "Lead", Role: "developer",
		Grants: []string{string(auth.PermManageTeam)}, Password: password}); err != nil {
		t.Fatal(err)
	}
	lead := e.signIn("lead@shop.test")
	f := url.Values{"csrf": {lead.get(path).csrf(t)}, "name": {"Analyst"}, "role": {"analyst"}, "use": {"knet"}, "perm": {"capture", "payout"}}
	if p := lead.post(path, f); p.status != 403 || !strings.Contains(p.body, "lacks payout") {
		t.Fatalf("granting what one lacks: %d\n%s", p.status, p.body)
	}
	if u := e.user("analyst@shop.test"); u.Permissions().Has(auth.PermPayout) {
		t.Fatalf("a refused grant was saved: %v", u.Grants.Strings())
	}
}
