package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
)

func (e *env) user(email string) *auth.User {
	e.t.Helper()
	us, err := e.eng.ListUsers(context.Background(), engine.Actor{MerchantID: e.merchant})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, u := range us {
		if u.Email == email {
			return u
		}
	}
	return nil
}

// signInWith signs in with a password other than the shared one.
func (e *env) signInWith(email, pw string) page {
	e.t.Helper()
	return (&browserless{e: e}).post("/dashboard/sign-in", url.Values{"email": {email}, "password": {pw}})
}

// TestTeamAddEditGrantDisable adds a person with a password shown once,
// changes their role and method grants, and disables them after a
// confirmation; a forged post without manage_team is refused, and a person
// who may manage the team cannot give more than they have.
func TestTeamAddEditGrantDisable(t *testing.T) {
	e := newEnv(t)
	e.api("POST", "/v1/payment-method-configs", `{"code":"knet","name":"KNET","connector":"sandbox"}`)
	owner, analyst, support := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test"), e.signIn("support@shop.test")
	team := owner.get("/dashboard/team")
	if team.status != 200 || !strings.Contains(team.body, `id="add-user-form"`) || !strings.Contains(team.body, `name="use" value="knet"`) ||
		strings.Contains(team.body, "with the API") {
		t.Fatalf("team page: %d\n%s", team.status, team.body)
	}
	csrf := team.csrf(t)
	add := url.Values{"csrf": {csrf}, "email": {"dev@shop.test"}, "name": {"Dev"}, "role": {"developer"}, "use": {"knet"}}
	for _, who := range []*browserless{analyst, support} {
		mine := who.get("/dashboard/")
		if p := who.post("/dashboard/team/users", url.Values{"csrf": {mine.csrf(t)}, "email": {"evil@shop.test"}, "role": {"admin"}}); p.status != http.StatusForbidden {
			t.Fatalf("a forged add without manage_team: %d", p.status)
		}
	}
	if p := owner.post("/dashboard/team/users", url.Values{"email": {"evil@shop.test"}, "role": {"admin"}}); p.status != http.StatusForbidden {
		t.Fatalf("add without CSRF: %d", p.status)
	}
	if e.user("evil@shop.test") != nil {
		t.Fatal("a refused post added a person")
	}
	if p := owner.post("/dashboard/team/users", url.Values{"csrf": {csrf}, "email": {"not an address"}, "name": {"Typed"}, "role": {"analyst"}}); p.status != 400 ||
		!strings.Contains(p.body, "email must be a plain address") || !strings.Contains(p.body, `value="Typed"`) {
		t.Fatalf("a bad email: %d\n%s", p.status, p.body)
	}

	made := owner.post("/dashboard/team/users", add)
	pw := regexpFind(t, made.body, `id="new-key-secret">([^<]+)<`)
	if made.status != http.StatusCreated || made.header.Get("Cache-Control") != "no-store" || !strings.Contains(made.body, "dev@shop.test was added as developer") {
		t.Fatalf("add: %d\n%s", made.status, made.body)
	}
	dev := e.user("dev@shop.test")
	if dev == nil || dev.Role != auth.RoleDeveloper || !dev.Permissions().Has("use:knet") || dev.Permissions().Has("use:other") {
		t.Fatalf("the added person: %+v", dev)
	}
	if p := e.signInWith("dev@shop.test", pw); p.status != http.StatusSeeOther {
		t.Fatalf("the new person cannot sign in with the shown password: %d", p.status)
	}
	if p := owner.post("/dashboard/team/users", add); p.status != 400 || !strings.Contains(p.body, "already exists") || !strings.Contains(p.body, `value="dev@shop.test"`) {
		t.Fatalf("adding the same email again: %d\n%s", p.status, p.body)
	}
	if p := owner.get("/dashboard/team"); strings.Contains(p.body, pw) || !strings.Contains(p.body, "/dashboard/team/users/"+dev.ID) {
		t.Fatal("the team page shows the password again or has no edit link")
	}

	// Edit: role and grants; a forged edit is refused.
	path := "/dashboard/team/users/" + dev.ID
	if p := owner.get(path); p.status != 200 || !strings.Contains(p.body, `name="use" value="knet" checked`) || !strings.Contains(p.body, `value="developer" selected`) {
		t.Fatalf("edit page: %d\n%s", p.status, p.body)
	}
	for _, who := range []*browserless{analyst, support} {
		mine := who.get("/dashboard/")
		if p := who.post(path, url.Values{"csrf": {mine.csrf(t)}, "role": {"admin"}}); p.status != http.StatusForbidden {
			t.Fatalf("a forged edit: %d", p.status)
		}
		if p := who.post(path+"/disable", url.Values{"csrf": {mine.csrf(t)}, "step": {"confirm"}}); p.status != http.StatusForbidden {
			t.Fatalf("a forged disable: %d", p.status)
		}
	}
	if p := owner.post(path, url.Values{"csrf": {csrf}, "name": {"Typed name"}, "role": {"boss"}}); p.status != 400 || !strings.Contains(p.body, "role must be one of") || !strings.Contains(p.body, `value="Typed name"`) {
		t.Fatalf("a bad role: %d\n%s", p.status, p.body)
	}
	if p := owner.post(path, url.Values{"csrf": {csrf}, "name": {"Dev Two"}, "role": {"support"}}); p.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", p.status, p.body)
	}
	if dev := e.user("dev@shop.test"); dev.Role != auth.RoleSupport || dev.Name != "Dev Two" || dev.Permissions().Has("use:knet") {
		t.Fatalf("after saving: %+v", dev)
	}
	if p := owner.post(path, url.Values{"csrf": {csrf}, "name": {"Dev Two"}, "role": {"support"}, "use": {"*"}}); p.status != http.StatusSeeOther {
		t.Fatalf("grant every method: %d", p.status)
	}
	if !e.user("dev@shop.test").Permissions().Has("use:anything") {
		t.Fatal("use:* was not granted")
	}

	// Disable after a confirmation: the person's session stops.
	devSession := &browserless{e: e}
	if p := e.signInWith("dev@shop.test", pw); p.status == http.StatusSeeOther {
		for _, c := range (&http.Response{Header: p.header}).Cookies() {
			if c.Name == "__Host-paygate_session" {
				devSession.session = c.Value
			}
		}
	}
	if p := devSession.get("/dashboard/"); p.status != 200 {
		t.Fatalf("the person's session before: %d", p.status)
	}
	if p := owner.post(path+"/disable", url.Values{"csrf": {csrf}, "step": {"review"}}); p.status != 200 || !strings.Contains(p.body, "Yes, disable dev@shop.test") {
		t.Fatalf("disable review: %d\n%s", p.status, p.body)
	}
	if e.user("dev@shop.test").DisabledAt != nil {
		t.Fatal("the review disabled the person")
	}
	if p := owner.post(path+"/disable", url.Values{"csrf": {csrf}, "step": {"confirm"}}); p.status != http.StatusSeeOther {
		t.Fatalf("disable: %d", p.status)
	}
	if e.user("dev@shop.test").DisabledAt == nil {
		t.Fatal("not disabled")
	}
	if p := devSession.get("/dashboard/"); p.status != http.StatusSeeOther {
		t.Fatalf("a disabled person's session still works: %d", p.status)
	}
	if p := owner.post(path+"/enable", url.Values{"csrf": {csrf}}); p.status != http.StatusSeeOther || e.user("dev@shop.test").DisabledAt != nil {
		t.Fatalf("enable: %d", p.status)
	}
	if p := owner.get("/dashboard/team/users/" + e.user("owner@shop.test").ID); strings.Contains(p.body, `id="disable-user"`) {
		t.Fatal("the owner is offered to disable themselves")
	}

	// Nobody grants what they lack: an analyst who may manage the team.
	sys := engine.Actor{MerchantID: e.merchant}
	grants := []string{"manage_team"}
	if _, err := e.eng.UpdateUser(context.Background(), sys, e.user("analyst@shop.test").ID, engine.UserUpdate{Grants: &grants}); err != nil {
		t.Fatal(err)
	}
	lead := e.signIn("analyst@shop.test")
	mine := lead.get("/dashboard/team")
	if mine.status != 200 {
		t.Fatalf("team page with a manage_team grant: %d", mine.status)
	}
	lc := mine.csrf(t)
	for _, c := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"csrf": {lc}, "email": {"s@shop.test"}, "role": {"support"}}, "your own role lacks "},
		{url.Values{"csrf": {lc}, "email": {"k@shop.test"}, "role": {"analyst"}, "use": {"knet"}}, "your own role lacks use:knet"},
		{url.Values{"csrf": {lc}, "email": {"o@shop.test"}, "role": {"owner"}}, "Only an owner can make someone an owner"},
	} {
		p := lead.post("/dashboard/team/users", c.form)
		if p.status != http.StatusForbidden || !strings.Contains(p.body, `id="error"`) || !strings.Contains(p.body, c.want) {
			t.Fatalf("adding %v: %d, want %q in\n%s", c.form, p.status, c.want, p.body)
		}
		if e.user(c.form.Get("email")) != nil {
			t.Fatalf("the refused %s was added", c.form.Get("email"))
		}
	}
	ownerPath := "/dashboard/team/users/" + e.user("owner@shop.test").ID
	if p := lead.post(ownerPath, url.Values{"csrf": {lc}, "role": {"analyst"}}); p.status != http.StatusForbidden || !strings.Contains(p.body, "Only an owner can") {
		t.Fatalf("demoting the owner: %d\n%s", p.status, p.body)
	}
	if e.user("owner@shop.test").Role != auth.RoleOwner {
		t.Fatal("the owner was demoted")
	}
	if p := lead.post("/dashboard/team/users", url.Values{"csrf": {lc}, "email": {"a2@shop.test"}, "role": {"analyst"}}); p.status != http.StatusCreated {
		t.Fatalf("adding an equal: %d\n%s", p.status, p.body)
	}
}
