package dashboard_test

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"net/url"
	"strings"
	"testing"
)

// TestChangingYourPasswordSignsYouOutElsewhere: from the Password page a
// person changes their password. A wrong current password, a mismatched
// confirmation or a short new password are refused on the page, naming
// the field; after the change the old password no longer signs in, the
// new one does, this session goes on and the person's other session ends.
func TestChangingYourPasswordSignsYouOutElsewhere(t *testing.T) {
	e := newEnv(t)
	here, elsewhere := e.signIn("analyst@shop.test"), e.signIn("analyst@shop.test")
	form := here.get("/dashboard/password")
	if form.status != 200 || !strings.Contains(form.body, `id="password-form"`) || !strings.Contains(form.body, `id="password-link"`) {
		t.Fatalf("password page: %d\n%s", form.status, form.body)
	}
	csrf := form.csrf(t)
	const next = "a much longer passphrase 7"
	change := func(current, newPw, confirm string) page {
		return here.post("/dashboard/password", url.Values{"csrf": {csrf}, "current_password": {current}, "new_password": {newPw}, "confirm_password": {confirm}})
	}
	for _, tc := range []struct{ current, newPw, confirm, field, says string }{
		{"not my password at all", next, next, "current_password", "current password is not right"},
		{password, next, next + "x", "confirm_password", "confirmation differ"},
		{password, "short", "short", "new_password", "at least 12 characters"},
	} {
		p := change(tc.current, tc.newPw, tc.confirm)
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, tc.says) || !strings.Contains(p.body, `name="`+tc.field+`" type="password" autocomplete`) ||
			!strings.Contains(p.body, `aria-invalid="true"`) {
			t.Fatalf("change refused for %s: %d\n%s", tc.field, p.status, p.body)
		}
	}
	if p := change(password, next, next); p.status != http.StatusSeeOther || p.header.Get("Location") != "/dashboard/password?done=password" {
		t.Fatalf("change: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
	if p := here.get("/dashboard/password?done=password"); p.status != 200 || !strings.Contains(p.body, "Every other session of yours has been signed out") {
		t.Fatalf("after the change this session shows %d\n%s", p.status, p.body)
	}
	if p := elsewhere.get("/dashboard/"); p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "/dashboard/sign-in") {
		t.Fatalf("the other session still opens the dashboard: %d %s", p.status, p.header.Get("Location"))
	}
	signIn := func(pw string) int {
		return (&browserless{e: e}).post("/dashboard/sign-in", url.Values{"email": {"analyst@shop.test"}, "password": {pw}}).status
	}
	if s := signIn(password); s != http.StatusUnauthorized {
		t.Fatalf("the old password signs in: %d", s)
	}
	if s := signIn(next); s != http.StatusSeeOther {
		t.Fatalf("the new password: %d", s)
	}
}

// TestResetAPasswordFromThePersonsPage: a manager gives a person who forgot
// their password a new one, after a confirmation; it is shown once on the
// page, the old one stops signing in and the person's sessions end. A
// developer who manages the team cannot reset an owner's; nobody resets
// their own here.
func TestResetAPasswordFromThePersonsPage(t *testing.T) {
	e := newEnv(t)
	support := e.signIn("support@shop.test")
	path := "/dashboard/team/users/" + e.user("support@shop.test").ID
	owner := e.signIn("owner@shop.test")
	page := owner.get(path)
	if !strings.Contains(page.body, `id="reset-password"`) {
		t.Fatalf("no password reset offered:\n%s", page.body)
	}
	ask := owner.post(path+"/reset-password", url.Values{"csrf": {page.csrf(t)}, "step": {"review"}})
	if ask.status != 200 || !strings.Contains(ask.body, `id="confirm-form"`) {
		t.Fatalf("review: %d\n%s", ask.status, ask.body)
	}
	if p := support.get("/dashboard/"); p.status != 200 {
		t.Fatalf("the review already ended the person's session: %d", p.status)
	}
	done := owner.post(path+"/reset-password", url.Values{"csrf": {ask.csrf(t)}, "step": {"confirm"}})
	fresh := regexpMust(`id="reset-password-secret">([^<]+)<`).FindStringSubmatch(done.body)
	if done.status != 200 || fresh == nil || done.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("confirm: %d %q\n%s", done.status, done.header.Get("Cache-Control"), done.body)
	}
	if p := support.get("/dashboard/"); p.status != http.StatusSeeOther {
		t.Fatalf("the person's session survived the reset: %d", p.status)
	}
	signIn := func(email, pw string) int {
		return (&browserless{e: e}).post("/dashboard/sign-in", url.Values{"email": {email}, "password": {pw}}).status
	}
	if s := signIn("support@shop.test", password); s != http.StatusUnauthorized {
		t.Fatalf("the old password: %d", s)
	}
	if s := signIn("support@shop.test", fresh[1]); s != http.StatusSeeOther {
		t.Fatalf("the new password: %d", s)
	}
	if p := owner.get(path); strings.Contains(p.body, fresh[1]) {
		t.Fatal("the new password is shown again")
	}

	if _, _, err := e.eng.CreateUser(t.Context(), engine.Actor{MerchantID: e.merchant}, engine.UserInput{Email: "lead@shop.test", Name: "Lead", Role: "developer",
		Grants: []string{string(auth.PermManageTeam)}, Password: password}); err != nil {
		t.Fatal(err)
	}
	lead := e.signIn("lead@shop.test")
	ownerPath := "/dashboard/team/users/" + e.user("owner@shop.test").ID
	if p := lead.post(ownerPath+"/reset-password", url.Values{"csrf": {lead.get(ownerPath).csrf(t)}, "step": {"confirm"}}); p.status != http.StatusForbidden {
		t.Fatalf("a developer resetting an owner's password: %d", p.status)
	}
	if s := signIn("owner@shop.test", password); s != http.StatusSeeOther {
		t.Fatalf("the owner's password changed anyway: %d", s)
	}
	self := "/dashboard/team/users/" + e.user("lead@shop.test").ID
	if p := lead.post(self+"/reset-password", url.Values{"csrf": {lead.get(self).csrf(t)}, "step": {"confirm"}}); p.status != http.StatusBadRequest || !strings.Contains(p.body, "Password page") {
		t.Fatalf("resetting one's own: %d", p.status)
	}
}

// TestGuessingTheCurrentPasswordIsSlowedDown: a stolen session cannot try
// current passwords at speed: after a few wrong ones the page answers 429
// with Retry-After, even for the right one, and the password stays.
func TestGuessingTheCurrentPasswordIsSlowedDown(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("support@shop.test")
	csrf := b.get("/dashboard/password").csrf(t)
	try := func(current string) page {
		return b.post("/dashboard/password", url.Values{"csrf": {csrf}, "current_password": {current},
			"new_password": {"brand new passphrase 9"}, "confirm_password": {"brand new passphrase 9"}})
	}
	limited := -1
	for i := range 10 {
		if p := try("guess number " + string(rune('a'+i))); p.status == http.StatusTooManyRequests {
			if p.header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
			limited = i
			break
		}
	}
	if limited < 0 {
		t.Fatal("ten wrong current passwords in a row were all tried")
	}
	if p := try(password); p.status != http.StatusTooManyRequests {
		t.Fatalf("the right password while slowed down: %d", p.status)
	}
	if _, _, err := e.eng.Login(t.Context(), engine.LoginInput{Email: "support@shop.test", Password: password}); err != nil {
		t.Fatalf("the password changed while slowed down: %v", err)
	}
}

// TestGuessesSentAtOnceAreSlowedDownLikeOnesInARow: twenty wrong current
// passwords sent at the same moment get no more of them checked than
// twenty sent one after another (the free failures and one more).
func TestGuessesSentAtOnceAreSlowedDownLikeOnesInARow(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("support@shop.test")
	csrf := b.get("/dashboard/password").csrf(t)
	var mu sync.Mutex
	checked, limited := 0, 0
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			p := b.post("/dashboard/password", url.Values{"csrf": {csrf}, "current_password": {"guess number " + strconv.Itoa(i)},
				"new_password": {"brand new passphrase 9"}, "confirm_password": {"brand new passphrase 9"}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case p.status == http.StatusTooManyRequests:
				limited++
			case strings.Contains(p.body, "not right"):
				checked++
			default:
				t.Errorf("a guess answered %d", p.status)
			}
		})
	}
	wg.Wait()
	if checked > 6 || limited != 20-checked {
		t.Fatalf("%d guesses checked, %d slowed down: sent at once, at most 6 may be checked", checked, limited)
	}
}

// TestTheFormAndTheAPIShareAnAccountsBudgetNotTheAddress: wired as
// cmd/paygate is, wrong passwords at the dashboard's form and at the API's
// sign-in count against one budget per account; but typos on the form do
// not slow the API calls of the same address (a valid key still works).
func TestTheFormAndTheAPIShareAnAccountsBudgetNotTheAddress(t *testing.T) {
	e := newEnvLimits(t, true)
	form := &browserless{e: e}
	for i := range 3 {
		if p := form.post("/dashboard/sign-in", url.Values{"email": {"owner@shop.test"}, "password": {"typo " + strconv.Itoa(i)}}); p.status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d on the form: %d", i, p.status)
		}
	}
	apiLogin := func(pass string) int {
		req, _ := http.NewRequest("POST", e.url+"/dashboard/login", strings.NewReader(`{"email":"owner@shop.test","password":"`+pass+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", e.url)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 3 {
		if st := apiLogin("api typo " + strconv.Itoa(i)); st != http.StatusUnauthorized {
			t.Fatalf("wrong password %d at the API: %d", i, st)
		}
	}
	// Six failures in all: the account waits, whichever way it is tried.
	if p := form.post("/dashboard/sign-in", url.Values{"email": {"owner@shop.test"}, "password": {password}}); p.status != http.StatusTooManyRequests {
		t.Fatalf("the right password after six failures at two doors: %d", p.status)
	}
	if !e.keyWorks(e.sk) {
		t.Fatal("typos at the sign-in slowed a valid key's API calls from the same address")
	}
}
