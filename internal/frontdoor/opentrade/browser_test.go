package opentrade_test

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/paygate/paygate/client"
	"github.com/paygate/paygate/internal/delivery"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/opentrade"
)

type css = chromedp.CSS

// browser starts headless Chromium; without it the test is skipped unless
// PAYGATE_REQUIRE_BROWSER is set.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("PAYGATE_REQUIRE_BROWSER") != "" {
			t.Fatal("PAYGATE_REQUIRE_BROWSER is set but chromium is not installed")
		}
		t.Skip("chromium not installed")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1024, 800))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA() })
	// The first call starts the browser and binds it to its context: not a step's timeout.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1024, 800)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatalf("browser: %v\n%s", err, where(ctx))
	}
}

func where(ctx context.Context) string {
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	u, _ := chromedp.Run(wctx, chromedp.Location())
	body, _ := chromedp.Run(wctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return "at " + u + ":\n" + body
}

// waitFor polls until the current document has loaded and holds sel.
func waitFor(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	js := fmt.Sprintf(`document.readyState === "complete" && !!document.querySelector(%q)`, sel)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(sctx, chromedp.Evaluate[bool](js))
		cancel()
		if err == nil && ok {
			return
		}
	}
	t.Fatalf("browser: no %s\n%s", sel, where(ctx))
}

var shopForm = template.Must(template.New("shop").Parse(`<!doctype html><html><body>
<form id="ot" method="{{.Result.RequestMethod}}" action="{{.Result.RequestURL}}">
{{range .Result.Parameters}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">{{end}}
<button id="go" type="submit">Pay with paygate</button></form></body></html>`))

// TestPayerPaysInABrowserFromTheShopsForm is the whole journey of issue #7:
// the contractor's site builds its form from paygate's PaymentFormAnswer,
// a payer in headless Chromium pays on the hosted page and lands on
// SuccessUrl; the shop's resultUrl receives the signed success
// notification and verifies it, asks the status and refunds through the
// door's signed calls, receives the signed refund notification, and the
// same payment is in the native API with the ledger balanced.
func TestPayerPaysInABrowserFromTheShopsForm(t *testing.T) {
	g := newGateway(t)
	ctx := browser(t)
	var mu sync.Mutex
	var shopURL string
	results := make(chan url.Values, 16)
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/result":
			if r.Method != "POST" || r.ParseForm() != nil {
				http.Error(w, "bad notification", 400)
				return
			}
			results <- r.PostForm
		case "/":
			mu.Lock()
			base := shopURL
			mu.Unlock()
			form := url.Values{"paymentId": {"555"}, "userId": {"0000000009"}, "amount": {"1250.50"}, "currency": {"643"},
				"description": {"Top up the account USR-0000000009"}, "SuccessUrl": {base + "/ok"}, "failUrl": {base + "/fail"},
				"resultUrl": {base + "/result"}, "RequestMethod": {r.URL.Query().Get("method")}}
			status, a, raw := g.paymentForm(g.memberID(), g.secret, form)
			if status != 200 {
				http.Error(w, raw, 500)
				return
			}
			shopForm.Execute(w, a)
		case "/ok":
			fmt.Fprintf(w, `<!doctype html><p id="status">paid %s</p>`, template.HTMLEscapeString(r.URL.Query().Get("session_id")))
		}
	}))
	defer shop.Close()
	mu.Lock()
	shopURL = shop.URL
	mu.Unlock()

	var payments []string
	for _, method := range []string{"POST", "GET"} {
		do(t, ctx, chromedp.Navigate(shop.URL+"/?method="+method))
		waitFor(t, ctx, "#go")
		do(t, ctx, chromedp.Click(css("#go")))
		waitFor(t, ctx, "#pay-form")
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		amount, _ := chromedp.Run(sctx, chromedp.Text(css("#amount")))
		cancel()
		if amount != "RUB 1250.50" {
			t.Fatalf("%s: the page shows %q\n%s", method, amount, where(ctx))
		}
		do(t, ctx,
			chromedp.SendKeys(css("#card-number"), "4242424242424242"),
			chromedp.SendKeys(css("#card-expiry"), "1231"),
			chromedp.SendKeys(css("#card-cvc"), "123"),
			chromedp.SendKeys(css("#card-holder"), "Ana Pay"),
			chromedp.Click(css("#pay-button")),
		)
		waitFor(t, ctx, "#status")
		sctx, cancel = context.WithTimeout(ctx, 10*time.Second)
		loc, _ := chromedp.Run(sctx, chromedp.Location())
		cancel()
		if !strings.HasPrefix(loc, shop.URL+"/ok?session_id=cs_") {
			t.Fatalf("%s: after paying at %s", method, loc)
		}
		s, err := g.eng.GetCheckoutSession(context.Background(), g.actor, loc[strings.Index(loc, "cs_"):])
		if err != nil || s.Status != "complete" || s.Amount != 125050 || s.Reference != "555" {
			t.Fatalf("%s: session %+v, %v", method, s, err)
		}
		payments = append(payments, s.PaymentID)
	}

	// The shop's resultUrl hears of both payments, each notification
	// signed with the payment secret.
	dispatch := delivery.New(5 * time.Second)
	next := func(status string) map[string]opentrade.Notification {
		t.Helper()
		got := map[string]opentrade.Notification{}
		for i := 0; i < 100 && len(got) < len(payments); i++ {
			if _, err := g.eng.DispatchOnce(context.Background(), engine.DispatchConfig{Sender: dispatch, Batch: 50}); err != nil {
				t.Fatal(err)
			}
			select {
			case v := <-results:
				n := opentrade.Notification{OrderID: v.Get("orderID"), PaymentID: v.Get("PaymentID"), UserID: v.Get("UserID"), Amount: v.Get("Amount"),
					Currency: v.Get("Currency"), Status: v.Get("Status"), TransactionID: v.Get("TransactionID"), EventID: v.Get("EventID"), Timestamp: v.Get("Timestamp")}
				if !opentrade.Verify(g.secret, n, v.Get("Signature")) {
					t.Fatalf("a notification that does not verify: %v", v)
				}
				if n.Status == status {
					got[n.TransactionID] = n
				}
			case <-time.After(100 * time.Millisecond):
			}
		}
		return got
	}
	success := next(opentrade.StatusSuccess)
	for _, id := range payments {
		n, ok := success[id]
		if !ok || n.PaymentID != "555" || n.UserID != "0000000009" || n.Amount != "1250.50" || n.Currency != "643" || n.EventID == "" {
			t.Fatalf("success notification of %s: %+v (all: %v)", id, n, success)
		}
	}

	// The status and a refund through the door's signed calls.
	stamp := func() string { return time.Now().UTC().Format(time.RFC3339) }
	for _, id := range payments {
		status, a, raw := g.call("status", opentrade.StatusRequest{MemberID: g.memberID(), TransactionID: id, Timestamp: stamp()}.Values(g.secret))
		if status != 200 || a.Result == nil || a.Result.Status != "success" || a.Result.Amount != "1250.50" || a.Result.Currency != "643" {
			t.Fatalf("status of %s: %d %s", id, status, raw)
		}
		status, a, raw = g.call("refund", opentrade.RefundRequest{MemberID: g.memberID(), TransactionID: id, Amount: "1250.50", Currency: "643",
			RefundID: "refund-" + id, Timestamp: stamp()}.Values(g.secret))
		if status != 200 || a.Result == nil || a.Result.Status != "refunded" || a.Result.Refund == nil || a.Result.Refund.Status != "succeeded" {
			t.Fatalf("refund of %s: %d %s", id, status, raw)
		}
	}
	refunded := next(opentrade.StatusRefunded)
	for _, id := range payments {
		if n, ok := refunded[id]; !ok || n.Amount != "1250.50" || n.PaymentID != "555" || n.EventID == success[id].EventID {
			t.Fatalf("refund notification of %s: %+v (all: %v)", id, n, refunded)
		}
	}

	// The same payments in the native API; the ledger balances.
	for _, id := range payments {
		p, err := client.New(g.url, g.sk).GetPayment(context.Background(), id)
		if err != nil || p.Status != "refunded" || p.Amount != 125050 || p.Currency != "RUB" || p.AmountRefunded != 125050 || p.Reference != "555" ||
			p.Metadata["opentrade_user_id"] != "0000000009" {
			t.Fatalf("native payment %s: %+v %v", id, p, err)
		}
	}
	if r, err := g.eng.VerifyLedger(context.Background()); err != nil || !r.OK() {
		t.Fatalf("ledger: %+v %v", r, err)
	}
}
