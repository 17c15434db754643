package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
)

// TestResetTwoFactorFromThePersonsPage: a manager resets the second factor
// of a person who lost their authenticator, after a confirmation; the
// person then signs in with the password alone; the reset is audited; it
// is refused for someone the manager may not manage and offered to nobody
// without two-factor.
func TestResetTwoFactorFromThePersonsPage(t *testing.T) {
	e := newEnv(t)
	analyst := e.signIn("analyst@shop.test")
	csrf := analyst.get("/dashboard/").csrf(t)
	_, setup := analyst.json("/dashboard/totp/setup", `{}`, csrf)
	code, _ := auth.TOTPCode(setup["secret"].(string), time.Now())
	if st, m := analyst.json("/dashboard/totp/enable", `{"code":"`+code+`"}`, csrf); st != 200 || m["enabled"] != true {
		t.Fatalf("enable: %d %v", st, m)
	}
	u := e.user("analyst@shop.test")
	path := "/dashboard/team/users/" + u.ID
	owner := e.signIn("owner@shop.test")
	page := owner.get(path)
	if !strings.Contains(page.body, `id="reset-totp"`) {
		t.Fatalf("no reset offered for a person with two-factor:\n%s", page.body)
	}
	ask := owner.post(path+"/reset-two-factor", url.Values{"csrf": {page.csrf(t)}, "step": {"review"}})
	if ask.status != 200 || !strings.Contains(ask.body, `id="confirm-form"`) || !e.user("analyst@shop.test").TOTPEnabled {
		t.Fatalf("review: %d (two-factor still on: %v)\n%s", ask.status, e.user("analyst@shop.test").TOTPEnabled, ask.body)
	}
	done := owner.post(path+"/reset-two-factor", url.Values{"csrf": {ask.csrf(t)}, "step": {"confirm"}})
	if done.status != http.StatusSeeOther || !strings.HasSuffix(done.header.Get("Location"), "done=totp-reset") || e.user("analyst@shop.test").TOTPEnabled {
		t.Fatalf("confirm: %d %q", done.status, done.header.Get("Location"))
	}
	if p := (&browserless{e: e}).post("/dashboard/sign-in", url.Values{"email": {"analyst@shop.test"}, "password": {password}}); p.status != http.StatusSeeOther {
		t.Fatalf("sign-in with the password alone after the reset: %d\n%s", p.status, p.body)
	}
	logged, _ := e.eng.ListAuditEvents(context.Background(), engine.Actor{MerchantID: e.merchant}, engine.AuditFilter{MerchantID: e.merchant, Action: string(audit.TOTPReset), Limit: 10})
	if len(logged) != 1 || logged[0].TargetID != u.ID || logged[0].ActorID != e.user("owner@shop.test").ID {
		t.Fatalf("the reset's audit entry: %d %+v", len(logged), logged)
	}
	if p := owner.get(path); strings.Contains(p.body, `id="reset-totp"`) {
		t.Fatal("a reset is offered for a person without two-factor")
	}
	if p := owner.post(path+"/reset-two-factor", url.Values{"csrf": {owner.get(path).csrf(t)}, "step": {"confirm"}}); p.status != http.StatusConflict {
		t.Fatalf("a reset of no second factor: %d", p.status)
	}

	// A developer who may manage the team cannot reset an owner's.
	ownerCSRF := owner.get("/dashboard/").csrf(t)
	_, setup = owner.json("/dashboard/totp/setup", `{}`, ownerCSRF)
	code, _ = auth.TOTPCode(setup["secret"].(string), time.Now())
	owner.json("/dashboard/totp/enable", `{"code":"`+code+`"}`, ownerCSRF)
	if _, _, err := e.eng.CreateUser(context.Background(), engine.Actor{MerchantID: e.merchant}, engine.UserInput{Email: "lead@shop.test", Name: "Lead", Role: "developer",
		Grants: []string{string(auth.PermManageTeam)}, Password: password}); err != nil {
		t.Fatal(err)
	}
	lead := e.signIn("lead@shop.test")
	ownerPath := "/dashboard/team/users/" + e.user("owner@shop.test").ID
	if p := lead.post(ownerPath+"/reset-two-factor", url.Values{"csrf": {lead.get(ownerPath).csrf(t)}, "step": {"confirm"}}); p.status != http.StatusForbidden || !e.user("owner@shop.test").TOTPEnabled {
		t.Fatalf("a developer resetting an owner's two-factor: %d (still on: %v)", p.status, e.user("owner@shop.test").TOTPEnabled)
	}
}
