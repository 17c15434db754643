package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/paygate/paygate/client"
)

// TestWebhooksSurviveSIGKILL covers WH-08: the receiver never answers the
// first requests, so they are in flight when the gateway is killed with
// SIGKILL; after a restart each of them arrives again with the same
// webhook-id, every captured payment's event arrives, every copy of one
// delivery carries the same body, and each event has exactly one webhook-id.
func TestWebhooksSurviveSIGKILL(t *testing.T) {
	const hang = 5 // requests left unanswered, fewer than the per-endpoint limit
	for name, dbURL := range databases(t) {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			bodies := map[string]string{}           // webhook-id -> body
			captured := map[string]bool{}           // payment ids seen in payment.captured
			hooksOf := map[string]map[string]bool{} // event id -> webhook-ids
			hung := map[string]bool{}               // webhook-ids of the unanswered requests
			afterRestart := map[string]bool{}       // webhook-ids answered after the restart
			restarted := false
			stop := make(chan struct{})
			rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				var ev struct {
					ID   string
					Type string
					Data struct{ Object struct{ ID string } }
				}
				json.Unmarshal(b, &ev)
				id := r.Header.Get("webhook-id")
				mu.Lock()
				if hooksOf[ev.ID] == nil {
					hooksOf[ev.ID] = map[string]bool{}
				}
				hooksOf[ev.ID][id] = true
				if len(hung) < hang && !hung[id] {
					hung[id] = true
					mu.Unlock()
					select { // never answer: the kill ends the request
					case <-r.Context().Done():
					case <-stop:
					}
					return
				}
				defer mu.Unlock()
				if prev, ok := bodies[id]; ok && prev != string(b) {
					t.Errorf("delivery %s came back with another body", id)
				}
				bodies[id] = string(b)
				if ev.Type == "payment.captured" {
					captured[ev.Data.Object.ID] = true
				}
				if restarted {
					afterRestart[id] = true
				}
			}))
			defer rcv.Close()
			defer close(stop)

			key := newMerchant(t, dbURL)
			// The lease outlasts the time to the kill, so the first process
			// cannot send a hung delivery again itself: only the restart does.
			p := startServe(t, dbURL, "--webhook-lease", "5s")
			req, _ := http.NewRequest("POST", "http://"+p.addr+"/v1/webhook-endpoints", strings.NewReader(`{"url":"`+rcv.URL+`"}`))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 201 {
				t.Fatalf("endpoint: %v %v", resp, err)
			}
			cl := client.New("http://"+p.addr, key)
			var paid []string
			for i := 0; i < 150; i++ {
				pay, err := cl.CreatePayment(context.Background(), client.CreatePaymentParams{Amount: 1000, Currency: "EUR", Card: visa},
					client.IdempotencyKey(fmt.Sprintf("hook-%d", i)))
				if err != nil {
					t.Fatal(err)
				}
				paid = append(paid, pay.ID)
			}
			// Kill while the hung requests are in flight and others have arrived.
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				mu.Lock()
				n, h := len(captured), len(hung)
				mu.Unlock()
				if n > 5 && h == hang {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("before the kill: %d requests hung, %d events answered", h, n)
				}
			}
			p.cmd.Process.Signal(syscall.SIGKILL)
			p.cmd.Wait()
			mu.Lock()
			before := len(captured)
			restarted = true
			mu.Unlock()

			startServe(t, dbURL, "--webhook-lease", "5s")
			deadline := time.Now().Add(30 * time.Second)
			for {
				mu.Lock()
				n, resent := len(captured), 0
				for id := range hung {
					if afterRestart[id] {
						resent++
					}
				}
				mu.Unlock()
				if n == len(paid) && resent == hang {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after the restart: %d of %d payment.captured events delivered (%d before the kill), %d of the %d deliveries in flight at the kill sent again",
						n, len(paid), before, resent, hang)
				}
				time.Sleep(50 * time.Millisecond)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, id := range paid {
				if !captured[id] {
					t.Fatalf("payment %s: no event", id)
				}
			}
			for ev, ids := range hooksOf {
				if len(ids) != 1 {
					t.Fatalf("event %s arrived under %d webhook-ids %v, want one", ev, len(ids), ids)
				}
			}
		})
	}
}

// TestWebhookAllowPrivateSwitch: live webhook endpoints may not reach
// private addresses unless --webhook-allow-private (or
// PAYGATE_WEBHOOK_ALLOW_PRIVATE=true) says so; what the setting changes in
// delivery is TestLiveDeliveriesRefusePrivateAddressesUnlessAllowed (engine).
func TestWebhookAllowPrivateSwitch(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want bool
	}{
		{"private addresses are refused by default", nil, nil, false},
		{"the flag allows them", []string{"--webhook-allow-private"}, nil, true},
		{"the environment allows them", nil, map[string]string{"PAYGATE_WEBHOOK_ALLOW_PRIVATE": "true"}, true},
		{"the flag set to false overrides the environment", []string{"--webhook-allow-private=false"}, map[string]string{"PAYGATE_WEBHOOK_ALLOW_PRIVATE": "true"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := parse("serve", tc.args, env(tc.env), io.Discard, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.WebhookAllowPrivate != tc.want {
				t.Fatalf("WebhookAllowPrivate = %v, want %v", c.WebhookAllowPrivate, tc.want)
			}
		})
	}
}
