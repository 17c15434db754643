package dashboard_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestManageConfigsAndTeamInTheBrowser fills the configuration and team
// forms as a person would at 360 px: a configuration with a credential that
// never comes back, then a person added with a method grant and their role
// changed.
func TestManageConfigsAndTeamInTheBrowser(t *testing.T) {
	const canary = "BROWSER-CANARY-789"
	e := newEnv(t)
	ctx := browser(t, 360, 780)
	signInBrowser(t, ctx, e, "owner@shop.test")
	html := func() string { return eval[string](t, ctx, `document.documentElement.outerHTML`) }

	do(t, ctx, chromedp.Navigate(e.url+"/dashboard/developers"))
	waitFor(t, ctx, "#new-config")
	do(t, ctx, chromedp.Click(css("#new-config")))
	waitFor(t, ctx, "#config-form")
	do(t, ctx, chromedp.SendKeys(css("#cfg-code"), "knet"), chromedp.SendKeys(css("#cfg-name"), "KNET"),
		chromedp.SendKeys(css("#cfg-currencies"), "KWD"), chromedp.SendKeys(css("#cred-name-1"), "api_key"),
		chromedp.SendKeys(css("#cred-value-1"), canary), chromedp.Click(css("#save-config")))
	waitFor(t, ctx, "#configs")
	if row := eval[string](t, ctx, `document.querySelector("#configs tbody tr").innerText`); !strings.Contains(row, "knet") || !strings.Contains(row, "set (hidden)") || !strings.Contains(row, "KWD") {
		t.Fatalf("the new configuration's row:\n%s", row)
	}
	do(t, ctx, chromedp.Click(css("a.config-link")))
	waitFor(t, ctx, "#config-code")
	if v := eval[string](t, ctx, `document.querySelector("#cred-value-1").value`); v != "" || strings.Contains(html(), canary) {
		t.Fatalf("the edit page gives the credential back: %q", v)
	}
	eval[bool](t, ctx, `(document.querySelector("#cfg-name").value = "") === ""`)
	do(t, ctx, chromedp.SendKeys(css("#cfg-name"), "KNET debit"), chromedp.Click(css("#cfg-enabled")), chromedp.Click(css("#save-config")))
	waitFor(t, ctx, "#notice")
	if c := e.config("knet"); c.NameEN != "KNET debit" || c.Enabled || len(c.SealedCredentials) == 0 {
		t.Fatalf("after saving in the browser: %+v", c)
	}
	do(t, ctx, chromedp.Click(css("#delete-config")))
	waitFor(t, ctx, "#confirm-form")
	do(t, ctx, chromedp.Click(css("#confirm-button")))
	waitFor(t, ctx, "#no-configs")

	e.api("POST", "/v1/payment-method-configs", `{"code":"cards","name":"Cards","connector":"sandbox"}`)
	do(t, ctx, chromedp.Navigate(e.url+"/dashboard/team"))
	waitFor(t, ctx, "#add-user-form")
	do(t, ctx, chromedp.SendKeys(css("#u-email"), "dev@shop.test"), chromedp.SendKeys(css("#u-name"), "Dev"),
		chromedp.SetValue(css("#u-role"), "developer"), chromedp.Click(css(`#methods input[value="cards"]`)), chromedp.Click(css("#add-user")))
	waitFor(t, ctx, "#new-user")
	if pw := eval[string](t, ctx, `document.querySelector("#new-key-secret").textContent`); len(pw) < 12 {
		t.Fatalf("the shown password %q", pw)
	}
	if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
		t.Fatalf("the team page with a new person is %v px wide", w)
	}
	if u := e.user("dev@shop.test"); u == nil || string(u.Role) != "developer" || !u.Permissions().Has("use:cards") {
		t.Fatalf("the person added in the browser: %+v", u)
	}
	do(t, ctx, chromedp.Click(css(`a.edit-user[href$="`+e.user("dev@shop.test").ID+`"]`)))
	waitFor(t, ctx, "#user-form")
	do(t, ctx, chromedp.SetValue(css("#u-role"), "support"), chromedp.Click(css(`#methods input[value="cards"]`)), chromedp.Click(css("#save-user")))
	waitFor(t, ctx, "#notice")
	if u := e.user("dev@shop.test"); string(u.Role) != "support" || u.Permissions().Has("use:cards") {
		t.Fatalf("after editing in the browser: %+v", u)
	}
}
