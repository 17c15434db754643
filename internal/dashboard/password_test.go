package dashboard_test

import (
	"net/http"
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
