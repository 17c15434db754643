package dashboard_test

import (
	"bytes"
	"encoding/base64"
	"html"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	qrreader "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/paygate/paygate/internal/engine"
	qrenc "github.com/skip2/go-qrcode"
)

// TestAFormThatShowsASecretActsOnce: sending the same rendering of the
// new-invoice, new-key, new-endpoint or password-reset form twice (a
// reload of its answer, a second click) acts once; the second is sent back
// with a notice, and what the first showed stays valid. A refused form can
// be corrected and sent again with its token.
func TestAFormThatShowsASecretActsOnce(t *testing.T) {
	e := newEnv(t)
	owner := e.signIn("owner@shop.test")
	once := func(p page) string { return regexpFind(t, p.body, `name="once" value="([^"]+)"`) }
	twice := func(path string, form url.Values) (first, second page) {
		t.Helper()
		first = owner.post(path, form)
		second = owner.post(path, form)
		if second.status != http.StatusSeeOther || !strings.Contains(second.header.Get("Location"), "done=replay") {
			t.Fatalf("%s sent twice: first %d, second %d %s", path, first.status, second.status, second.header.Get("Location"))
		}
		return first, second
	}

	newInvoice := owner.get("/dashboard/invoices/new")
	f := invoiceForm(newInvoice.csrf(t))
	f.Set("once", once(newInvoice))
	bad := url.Values{}
	for k, v := range f {
		bad[k] = v
	}
	bad.Set("amount1", "twelve")
	if p := owner.post("/dashboard/invoices", bad); p.status != http.StatusBadRequest {
		t.Fatalf("a bad invoice form: %d", p.status)
	}
	if first, _ := twice("/dashboard/invoices", f); first.status != http.StatusCreated {
		t.Fatalf("the corrected invoice form with the same token: %d", first.status)
	}
	if n := len(e.api("GET", "/v1/invoices", "")["data"].([]any)); n != 1 {
		t.Fatalf("%d invoices from one form", n)
	}

	dev := owner.get("/dashboard/developers")
	keysBefore := len(e.api("GET", "/v1/api-keys", "")["data"].([]any))
	twice("/dashboard/developers/keys", url.Values{"csrf": {dev.csrf(t)}, "once": {once(dev)}, "kind": {"secret"}})
	if n := len(e.api("GET", "/v1/api-keys", "")["data"].([]any)); n != keysBefore+1 {
		t.Fatalf("%d keys from one form (had %d)", n, keysBefore)
	}

	hooks := owner.get("/dashboard/webhooks")
	twice("/dashboard/webhooks/endpoints", url.Values{"csrf": {hooks.csrf(t)}, "once": {once(hooks)}, "url": {"https://hooks.shop.test/paygate"}})
	if n := len(e.api("GET", "/v1/webhook-endpoints", "")["data"].([]any)); n != 2 { // the harness made one
		t.Fatalf("%d endpoints after one form", n)
	}

	path := "/dashboard/team/users/" + e.user("support@shop.test").ID + "/reset-password"
	ask := owner.post(path, url.Values{"csrf": {owner.get(path[:len(path)-len("/reset-password")]).csrf(t)}, "step": {"review"}})
	first, second := twice(path, url.Values{"csrf": {ask.csrf(t)}, "step": {"confirm"}, "once": {once(ask)}})
	fresh := regexpFind(t, first.body, `id="reset-password-secret">([^<]+)<`)
	if !strings.HasSuffix(second.header.Get("Location"), e.user("support@shop.test").ID+"?done=replay") {
		t.Fatalf("the second reset went to %s", second.header.Get("Location"))
	}
	if s := (&browserless{e: e}).post("/dashboard/sign-in", url.Values{"email": {"support@shop.test"}, "password": {fresh}}).status; s != http.StatusSeeOther {
		t.Fatalf("the first reset's password after the repeat: %d", s)
	}
}

// scanDataPNG reads a base64 PNG's QR code as a phone's camera would. The
// test decoder (gozxing) misses about one code in a hundred that other
// readers read; then the image must be exactly the code of want.
func scanDataPNG(t *testing.T, b64, want string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(b64))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := qrreader.NewQRCodeReader().Decode(bmp, nil)
	if err == nil {
		return res.GetText()
	}
	if exact, _ := qrenc.Encode(want, qrenc.Medium, img.Bounds().Dx()); bytes.Equal(exact, raw) {
		return want
	}
	t.Fatalf("no QR code of %q: %v", want, err)
	return ""
}

// TestAnArabicErrorPageIsArabic: the chrome's language reaches error pages,
// their heading and the way back included.
func TestAnArabicErrorPageIsArabic(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("owner@shop.test")
	b.lang = "ar"
	p := b.get("/dashboard/payments/pay_nope")
	if p.status != http.StatusNotFound || !strings.Contains(p.body, `id="message-title">غير موجود<`) || !strings.Contains(p.body, "العودة إلى لوحة التحكم") || strings.Contains(p.body, "Back to the dashboard") {
		t.Fatalf("an Arabic 404: %d\n%s", p.status, p.body)
	}
}

// TestAnEmptyPaymentListSaysWhy: no payments at all is not "no match".
func TestAnEmptyPaymentListSaysWhy(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("owner@shop.test")
	b.mode = "live"
	if p := b.get("/dashboard/payments"); !strings.Contains(p.body, "No payments in live mode yet.") {
		t.Fatalf("an empty live list:\n%s", p.body)
	}
	if p := b.get("/dashboard/payments?reference=nothing-like-this"); !strings.Contains(p.body, "No payments match.") {
		t.Fatalf("a filter matching nothing:\n%s", p.body)
	}
}

// TestAPersonsPageShowsWhatTheirRoleGives: the extra-permission boxes show
// the role's own permissions ticked and fixed, the others free.
func TestAPersonsPageShowsWhatTheirRoleGives(t *testing.T) {
	e := newEnv(t)
	owner := e.signIn("owner@shop.test")
	p := owner.get("/dashboard/team/users/" + e.user("support@shop.test").ID)
	if !strings.Contains(p.body, `<input type="checkbox" checked disabled> refund <small>(their role)</small>`) ||
		!strings.Contains(p.body, `name="perm" value="capture"`) {
		t.Fatalf("support's page:\n%s", p.body)
	}
}

// TestSavingAPersonKeepsGrantsTheirRoleAlsoGives: a stored extra grant that
// the role happens to give too shows as a ticked box of its own: saved as
// shown it stays, and unticked (say, on a demotion) it goes, so a demoted
// person keeps only what the page shows.
func TestSavingAPersonKeepsGrantsTheirRoleAlsoGives(t *testing.T) {
	e := newEnv(t)
	u := e.user("support@shop.test")
	grants := []string{"refund"}
	if _, err := e.eng.UpdateUser(t.Context(), engine.Actor{MerchantID: e.merchant}, u.ID, engine.UserUpdate{Grants: &grants}); err != nil {
		t.Fatal(err)
	}
	owner := e.signIn("owner@shop.test")
	path := "/dashboard/team/users/" + u.ID
	page := owner.get(path)
	if !strings.Contains(page.body, `<input type="checkbox" name="perm" value="refund" checked> refund <small>(given to them, and by their role)</small>`) {
		t.Fatalf("the stored grant is not shown as one:\n%s", page.body)
	}
	ticked := func(body string) []string {
		var out []string
		for _, m := range regexpMust(`name="perm" value="([^"]+)"[^>]* checked`).FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	form := url.Values{"csrf": {page.csrf(t)}, "name": {"Support 2"}, "role": {"support"}, "perm": ticked(page.body)}
	if p := owner.post(path, form); p.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", p.status, p.body)
	}
	if got := e.user("support@shop.test").Grants.Strings(); len(got) != 1 || got[0] != "refund" {
		t.Fatalf("grants after saving the page: %v", got)
	}
	// Demoted to analyst with the box unticked: no refund any more.
	page = owner.get(path)
	form = url.Values{"csrf": {page.csrf(t)}, "name": {"Support 2"}, "role": {"analyst"}}
	for _, p := range ticked(page.body) {
		if p != "refund" {
			form.Add("perm", p)
		}
	}
	if p := owner.post(path, form); p.status != http.StatusSeeOther {
		t.Fatalf("demotion: %d\n%s", p.status, p.body)
	}
	if after := e.user("support@shop.test"); after.Role != "analyst" || after.Permissions().Has("refund") {
		t.Fatalf("after the demotion: role %s, grants %v, may refund %v", after.Role, after.Grants.Strings(), after.Permissions().Has("refund"))
	}
}
