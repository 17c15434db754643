package opentrade_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/paygate/paygate/internal/api"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/opentrade"
	"github.com/paygate/paygate/internal/payment"
)

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func TestPaymentFormAnswerForAnAuthenticatedMerchant(t *testing.T) {
	g := newGateway(t)
	form := vendorSample()
	form.Set("orderID", "ORD-1")
	status, a, raw := g.paymentForm(g.memberID(), g.secret, form)
	if status != 200 || a.ErrorCode != "Ok" || a.Result == nil {
		t.Fatalf("%d %s", status, raw)
	}
	if !strings.HasPrefix(raw, `<?xml version="1.0" encoding="UTF-8"?>`) || !strings.Contains(raw, "<PaymentFormAnswer>") {
		t.Errorf("not the vendor's document shape: %s", raw)
	}
	if a.Result.RequestMethod != "POST" || a.Result.RequestURL != g.url+"/opentrade/v1/pay/"+g.memberID() {
		t.Errorf("result %+v", a.Result)
	}
	got := map[string]string{}
	for _, p := range a.Result.Parameters {
		got[p.Name] = p.Value
	}
	want := map[string]string{"orderID": "ORD-1", "PaymentID": "222", "UserID": "0000000001", "Amount": "500.15", "Currency": "643",
		"Description": "Top up the account USR-0000000001 (user 0000000001, payment 222)", "SuccessUrl": "https://shop.example/ok",
		"failUrl": "https://shop.example/fail", "resultUrl": "https://shop.example/result"}
	if len(got) != len(want) {
		t.Errorf("parameters %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	// The login name works as the user too; the payer's form may be a GET.
	form.Set("RequestMethod", "get")
	if status, a, raw := g.paymentForm("topup", g.secret, form); status != 200 || a.Result == nil || a.Result.RequestMethod != "GET" {
		t.Errorf("by login name, GET: %d %s", status, raw)
	}
	// A wrong secret, an unknown member and no credentials are one answer.
	for _, c := range [][2]string{{g.memberID(), g.secret + "x"}, {"99999999", g.secret}, {"", ""}} {
		if status, a, raw := g.paymentForm(c[0], c[1], form); status != 401 || a.ErrorCode != "AuthenticationFailed" || a.Result != nil {
			t.Errorf("%q: %d %s", c[0], status, raw)
		}
	}
	// A bad parameter names itself.
	form.Set("amount", "500,15")
	if status, a, raw := g.paymentForm(g.memberID(), g.secret, form); status != 400 || a.ErrorCode != "InvalidParameter" || !strings.HasPrefix(a.ErrorDescription, "Amount: ") {
		t.Errorf("bad amount: %d %s", status, raw)
	}
	if n := g.sessions(); n != 0 {
		t.Errorf("the form answer made %d checkout sessions", n)
	}
	if strings.Contains(g.logs.String(), g.secret) {
		t.Error("the payment secret is in the logs")
	}
}

func TestPayerFormOpensTheHostedPageAndThePaymentIsNative(t *testing.T) {
	g := newGateway(t)
	ctx := context.Background()
	requestURL := g.url + "/opentrade/v1/pay/" + g.memberID()

	// The vendor's sample spelling, by POST.
	form := vendorSample()
	form.Set("OrderId", "ORD-7")
	// It comes from the shop's site, a cross-site form post.
	resp, body := fetch(t, "POST", requestURL, form, "Origin", "https://shop.example", "Sec-Fetch-Site", "cross-site")
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, g.url+"/checkout/ct_") {
		t.Fatalf("POST form: %d %q %s", resp.StatusCode, loc, body)
	}
	// The hosted page shows the amount and leads back to failUrl.
	resp, page := fetch(t, "GET", loc, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "500.15") || !strings.Contains(page, `href="https://shop.example/fail"`) {
		t.Fatalf("checkout page: %d %s", resp.StatusCode, page)
	}
	csrf := csrfField.FindStringSubmatch(page)[1]
	card := url.Values{"csrf": {csrf}, "number": {"4242 4242 4242 4242"}, "expiry": {"12/31"}, "cvc": {"123"}, "holder": {"Ana"}}
	resp, body = fetch(t, "POST", loc, card, "Origin", g.url)
	back := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(back, "https://shop.example/ok?session_id=cs_") {
		t.Fatalf("pay: %d %q %s", resp.StatusCode, back, body)
	}
	sessionID := strings.TrimPrefix(back, "https://shop.example/ok?session_id=")

	// The same payment in the native API.
	s, err := g.eng.GetCheckoutSession(ctx, g.actor, sessionID)
	if err != nil || s.PaymentID == "" {
		t.Fatalf("session %+v, %v", s, err)
	}
	req, _ := http.NewRequest("GET", g.url+"/v1/payments/"+s.PaymentID, nil)
	req.Header.Set("Authorization", "Bearer "+g.sk)
	hr, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var native map[string]any
	json.NewDecoder(hr.Body).Decode(&native)
	hr.Body.Close()
	md, _ := native["metadata"].(map[string]any)
	if hr.StatusCode != 200 || native["status"] != "captured" || native["amount"] != float64(50015) || native["currency"] != "RUB" ||
		native["reference"] != "222" || native["notification_url"] != "https://shop.example/result" ||
		md["opentrade_payment_id"] != "222" || md["opentrade_user_id"] != "0000000001" || md["opentrade_order_id"] != "ORD-7" {
		t.Fatalf("native payment: %d %v", hr.StatusCode, native)
	}

	// The engine delivers the result notification to resultUrl in the
	// door's format (not a native webhook), signed with the payment secret.
	snd := &formSender{}
	if _, err := g.eng.DispatchOnce(ctx, engine.DispatchConfig{Sender: snd, Batch: 50}); err != nil {
		t.Fatal(err)
	}
	delivered := false
	for _, r := range snd.sent {
		if r.url != "https://shop.example/result" {
			continue
		}
		if r.headers["webhook-signature"] != "" {
			t.Fatalf("resultUrl got a native webhook: %s", r.body)
		}
		v, _ := url.ParseQuery(r.body)
		n := opentrade.Notification{OrderID: v.Get("orderID"), PaymentID: v.Get("PaymentID"), UserID: v.Get("UserID"), Amount: v.Get("Amount"),
			Currency: v.Get("Currency"), Status: v.Get("Status"), TransactionID: v.Get("TransactionID"), EventID: v.Get("EventID"), Timestamp: v.Get("Timestamp")}
		if n.Status == opentrade.StatusSuccess && n.PaymentID == "222" && n.Amount == "500.15" && n.Currency == "643" &&
			opentrade.Verify(g.secret, n, v.Get("Signature")) {
			delivered = true
		}
	}
	if !delivered {
		t.Fatalf("no signed success notification reached resultUrl: %+v", snd.sent)
	}

	// Its result notification, rendered by the door's notifier bound to
	// this engine, verifies under the merchant's payment secret.
	p, _, err := g.eng.GetPayment(ctx, g.actor, s.PaymentID)
	if err != nil {
		t.Fatal(err)
	}
	note := func(typ string, p *payment.Payment) url.Values {
		t.Helper()
		b, _, ok, err := g.notifier.Notification(ctx, engine.DoorEvent{ID: "evt_" + typ, Type: typ, MerchantID: p.MerchantID, Mode: p.Mode,
			ObjectID: p.ID, Payload: api.RenderEvent(p), Attempt: 1})
		if err != nil || !ok {
			t.Fatalf("%s: ok %v, %v", typ, ok, err)
		}
		v, _ := url.ParseQuery(string(b))
		n := opentrade.Notification{OrderID: v.Get("orderID"), PaymentID: v.Get("PaymentID"), UserID: v.Get("UserID"), Amount: v.Get("Amount"),
			Currency: v.Get("Currency"), Status: v.Get("Status"), TransactionID: v.Get("TransactionID"), EventID: v.Get("EventID"), Timestamp: v.Get("Timestamp")}
		if !opentrade.Verify(g.secret, n, v.Get("Signature")) {
			t.Fatalf("%s: the notification does not verify: %s", typ, b)
		}
		return v
	}
	v := note("payment.captured", p)
	if v.Get("Status") != "success" || v.Get("Amount") != "500.15" || v.Get("Currency") != "643" || v.Get("PaymentID") != "222" ||
		v.Get("orderID") != "ORD-7" || v.Get("TransactionID") != p.ID {
		t.Errorf("success notification %v", v)
	}
	// A full refund (through the engine, as the native API would) notifies "refunded".
	if _, p, _, err = g.eng.Refund(ctx, g.actor, p.ID, engine.RefundInput{}, nil); err != nil {
		t.Fatal(err)
	}
	if v := note("payment.refunded", p); v.Get("Status") != "refunded" {
		t.Errorf("refund notification %v", v)
	}
	if r, err := g.eng.VerifyLedger(ctx); err != nil || !r.OK() {
		t.Errorf("ledger: %+v, %v", r, err)
	}

	// The same form by GET, table spelling.
	get := url.Values{"orderID": {"ORD-8"}, "PaymentID": {"223"}, "UserID": {"0000000001"}, "Amount": {"10"}, "Currency": {"840"},
		"SuccessUrl": {"https://shop.example/ok"}, "resultUrl": {"https://shop.example/result"}}
	resp, body = fetch(t, "GET", requestURL, get)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), g.url+"/checkout/ct_") {
		t.Fatalf("GET form: %d %s", resp.StatusCode, body)
	}
	ss, _ := g.eng.ListCheckoutSessions(ctx, g.actor, "", 10)
	if len(ss) != 2 || ss[0].Amount != 1000 || ss[0].Currency.Code != "USD" || ss[0].Reference != "223" || ss[0].CancelURL != "" {
		t.Errorf("GET session %+v", ss[0])
	}
	if logs := g.logs.String(); strings.Contains(logs, "4242424242424242") || strings.Contains(logs, g.secret) {
		t.Error("card data or the payment secret in the logs")
	}
}

func TestPayerFormRefusalsChangeNothing(t *testing.T) {
	g := newGateway(t)
	requestURL := g.url + "/opentrade/v1/pay/" + g.memberID()
	cases := []struct {
		name, method string
		edit         func(url.Values)
		status       int
		says         string
	}{
		{"comma amount", "POST", func(v url.Values) { v.Set("amount", "500,15") }, 400, "Amount: "},
		{"too precise", "GET", func(v url.Values) { v.Set("amount", "1.001") }, 400, "Amount: "},
		{"negative", "POST", func(v url.Values) { v.Set("amount", "-5") }, 400, "Amount: "},
		{"unknown currency", "POST", func(v url.Values) { v.Set("currency", "000") }, 400, "Currency: "},
		{"alpha junk currency", "GET", func(v url.Values) { v.Set("currency", "R$") }, 400, "Currency: "},
		{"conflict", "POST", func(v url.Values) { v.Set("AMOUNT", "1.00") }, 400, "Amount: "},
		{"no resultUrl", "POST", func(v url.Values) { v.Del("ResultURL") }, 400, "resultUrl: "},
		{"long description", "POST", func(v url.Values) { v.Set("description", strings.Repeat("x", 1001)) }, 400, "Description: "},
	}
	for _, c := range cases {
		v := vendorSample()
		c.edit(v)
		resp, body := fetch(t, c.method, requestURL, v)
		if resp.StatusCode != c.status || resp.Header.Get("Location") != "" || !strings.Contains(body, c.says) ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s", c.name, resp.StatusCode, body)
		}
	}
	for _, member := range []string{"99999999", "abc", "-1"} {
		if resp, body := fetch(t, "POST", g.url+"/opentrade/v1/pay/"+member, vendorSample()); resp.StatusCode != 404 {
			t.Errorf("member %s: %d %s", member, resp.StatusCode, body)
		}
	}
	// A currency that none of the merchant's configurations accepts is
	// refused on the form, before the payer types a card.
	str := func(s string) *string { return &s }
	yes := true
	if _, err := g.eng.CreateConfig(t.Context(), g.actor, engine.ConfigInput{Code: str("usd-only"), NameEN: str("USD"), Connector: str("sandbox"),
		AcceptedCurrencies: &[]string{"USD"}, Enabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if resp, body := fetch(t, "POST", requestURL, vendorSample()); resp.StatusCode != 400 || !strings.Contains(body, "Currency: no enabled payment-method configuration accepts RUB") {
		t.Errorf("a currency no configuration accepts: %d %s", resp.StatusCode, body)
	}
	if n := g.sessions(); n != 0 {
		t.Errorf("refused forms made %d checkout sessions", n)
	}
	// Escaped, not executed.
	v := vendorSample()
	v.Set("currency", "<script>")
	if _, body := fetch(t, "POST", requestURL, v); strings.Contains(body, "<script>") {
		t.Errorf("unescaped: %s", body)
	}
}

type sentForm struct {
	url     string
	headers map[string]string
	body    string
}

// formSender records what the dispatcher sends and answers 200.
type formSender struct {
	mu   sync.Mutex
	sent []sentForm
}

func (f *formSender) Send(_ context.Context, u string, h map[string]string, body []byte, _ bool) engine.SendResult {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, sentForm{u, h, string(body)})
	return engine.SendResult{Status: 200}
}
