// Command screenshots regenerates the dashboard screenshots in docs/ that
// the README shows. It builds and starts paygate on a temporary SQLite
// database, makes a demo merchant, a team member and some sandbox
// payments, a webhook endpoint, a customer with a saved card, an invoice
// and a payment-method configuration, signs in to the dashboard in headless
// Chromium and saves the main pages at desktop width and at 360 px.
//
//	go run ./cmd/screenshots [-out docs/screenshots]
//
// It needs the Debian package chromium.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

func main() {
	out := flag.String("out", "docs/screenshots", "folder for the PNG files")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	dir, err := os.MkdirTemp("", "paygate-shots")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "paygate")
	if b, err := exec.Command("go", "build", "-o", bin, "./cmd/paygate").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, b)
	}
	db := "sqlite:" + filepath.Join(dir, "p.db")
	var m map[string]string
	if err := cli(bin, &m, "merchant", "create", "Blue Harbour Coffee", "--json", "--database", db); err != nil {
		return err
	}
	var u map[string]string
	if err := cli(bin, &u, "user", "create", "--merchant", m["merchant_id"], "--email", "owner@blueharbour.example", "--role", "owner", "--json", "--database", db); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := exec.Command(bin, "serve", "--addr", addr, "--database", db, "--public-url", "http://"+addr, "--log-level", "warn")
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	base := "http://" + addr
	for i := 0; ; i++ {
		if r, err := http.Get(base + "/healthz"); err == nil {
			r.Body.Close()
			break
		}
		if i > 100 {
			return fmt.Errorf("paygate did not start")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := seed(base, m["secret_key"]); err != nil {
		return err
	}
	var analyst map[string]string
	if err := cli(bin, &analyst, "user", "create", "--merchant", m["merchant_id"], "--email", "analyst@blueharbour.example", "--role", "analyst", "--json", "--database", db); err != nil {
		return err
	}
	chrome, err := exec.LookPath("chromium")
	if err != nil {
		return fmt.Errorf("chromium is not installed (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.Flag("disable-gpu", true),
		chromedp.UserDataDir(filepath.Join(dir, "chrome")))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/dashboard/"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), u["email"]), chromedp.SendKeys(chromedp.CSS("#password"), u["password"]),
		chromedp.Click(chromedp.CSS("#sign-in")), chromedp.WaitNotPresent(chromedp.CSS("#sign-in"))); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	pages := []struct{ name, path string }{{"overview", "/dashboard/"}, {"payments", "/dashboard/payments"}}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dashboard/payments"), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		return err
	}
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var rows=Array.from(document.querySelectorAll("tr")).filter(function(r){return /refunded/.test(r.textContent)});var a=(rows[0]||document).querySelector("a.pay-link");return a?a.getAttribute("href"):""})()`))
	if err == nil && first != "" {
		pages = append(pages, struct{ name, path string }{"payment", first})
	}
	pages = append(pages, []struct{ name, path string }{{"customers", "/dashboard/customers"}, {"invoices", "/dashboard/invoices"},
		{"developers", "/dashboard/developers"}, {"webhooks", "/dashboard/webhooks"}, {"team", "/dashboard/team"}}...)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dashboard/customers"), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		return err
	}
	cus, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var a=Array.from(document.querySelectorAll("a.customer-link")).filter(function(l){return l.textContent==="Ana Example"})[0];return a?a.getAttribute("href"):""})()`))
	if err == nil && cus != "" {
		pages = append(pages, struct{ name, path string }{"customer", cus})
	}
	for _, w := range []struct {
		suffix string
		width  int64
	}{{"", 1280}, {"-360", 360}} {
		for _, p := range pages {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w.width, 900), chromedp.Navigate(base+p.path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()) // the first screenful, as PNG
			if err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			file := filepath.Join(out, "dashboard-"+p.name+w.suffix+".png")
			if err := os.WriteFile(file, png, 0o644); err != nil {
				return err
			}
			fmt.Println(file)
		}
	}
	return nil
}

func cli(bin string, into any, args ...string) error {
	var stdout bytes.Buffer
	c := exec.Command(bin, args...)
	c.Stdout, c.Stderr = &stdout, os.Stderr
	if err := c.Run(); err != nil {
		return fmt.Errorf("paygate %s: %w", strings.Join(args[:2], " "), err)
	}
	return json.Unmarshal(stdout.Bytes(), into)
}

// seed makes sandbox payments of several kinds so the pages have content.
func seed(base, key string) error {
	cards := []string{"4242424242424242", "5555555555554444", "4000000000009995", "378282246310005", "4000056655665556", "4000000000000002"}
	for i := 0; i < 24; i++ {
		cvc := "123"
		if strings.HasPrefix(cards[i%len(cards)], "37") {
			cvc = "1234"
		}
		capture := "automatic"
		if i%5 == 0 {
			capture = "manual"
		}
		body := fmt.Sprintf(`{"amount":%d,"currency":"%s","capture":%q,"reference":"order-%d","payment_method":{"type":"card","card":{"number":%q,"exp_month":12,"exp_year":2031,"cvc":%q,"holder":"Demo Payer"}}}`,
			450+i*137, []string{"USD", "EUR"}[i%2], capture, 1000+i, cards[i%len(cards)], cvc)
		var p map[string]any
		if err := post(base+"/v1/payments", key, body, &p); err != nil {
			return err
		}
		if i%4 == 1 && p["status"] == "captured" {
			if err := post(base+"/v1/payments/"+p["id"].(string)+"/refunds", key, `{"amount":200}`, nil); err != nil {
				return err
			}
		}
	}
	return seedMore(base, key)
}

// seedMore gives the customer, invoice, developers and webhooks pages
// something to show: a customer with a saved card, an invoice, a webhook
// endpoint and a payment-method configuration with (hidden) credentials.
func seedMore(base, key string) error {
	for _, c := range []struct{ path, body string }{
		{"/v1/webhook-endpoints", `{"url":"https://hooks.blueharbour.example/paygate","description":"order system"}`},
		{"/v1/payment-method-configs", `{"code":"cards","name":"Cards","connector":"sandbox","accepted_currencies":["USD","EUR"],"credentials":{"api_key":"demo"}}`},
		{"/v1/customers", `{"reference":"cus-ana","name":"Ana Example","email":"ana@example.com"}`},
		{"/v1/payments", `{"amount":1850,"currency":"USD","customer":"cus-ana","reference":"order-ana","payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2031,"cvc":"123","holder":"Ana Example"}}}`},
		{"/v1/customers", `{"reference":"cus-bo","name":"Bo Buyer","email":"bo@example.com"}`},
		{"/v1/invoices", `{"customer_email":"bo@example.com","customer_name":"Bo Buyer","currency":"USD","due_date":"2099-01-31","line_items":[{"description":"Green tea, 1 kg","quantity":2,"unit_amount":2450},{"description":"Teapot","quantity":1,"unit_amount":3900}]}`},
	} {
		var m map[string]any
		if err := post(base+c.path, key, c.body, &m); err != nil {
			return err
		}
		if m["id"] == nil {
			return fmt.Errorf("%s: %v", c.path, m)
		}
	}
	return nil
}

func post(url, key, body string, into any) error {
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer r.Body.Close()
	if r.StatusCode >= 500 {
		return fmt.Errorf("%s: %d", url, r.StatusCode)
	}
	if into != nil {
		return json.NewDecoder(r.Body).Decode(into)
	}
	return nil
}
