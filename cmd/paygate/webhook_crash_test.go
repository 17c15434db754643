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

// TestWebhooksSurviveSIGKILL covers WH-08: the gateway is killed while
// deliveries are in flight; after a restart every captured payment's event
// arrives, and every copy of one delivery carries the same webhook-id and body.
func TestWebhooksSurviveSIGKILL(t *testing.T) {
	for name, dbURL := range databases(t) {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			bodies := map[string]string{} // webhook-id -> body
			captured := map[string]bool{} // payment ids seen in payment.captured
			rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				time.Sleep(5 * time.Millisecond)
				var ev struct {
					Type string
					Data struct{ Object struct{ ID string } }
				}
				json.Unmarshal(b, &ev)
				mu.Lock()
				defer mu.Unlock()
				id := r.Header.Get("webhook-id")
				if prev, ok := bodies[id]; ok && prev != string(b) {
					t.Errorf("delivery %s came back with another body", id)
				}
				bodies[id] = string(b)
				if ev.Type == "payment.captured" {
					captured[ev.Data.Object.ID] = true
				}
			}))
			defer rcv.Close()

			key := newMerchant(t, dbURL)
			p := startServe(t, dbURL, "--webhook-lease", "2s")
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
			// Kill while deliveries are still arriving.
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
				mu.Lock()
				n := len(captured)
				mu.Unlock()
				if n > 5 {
					break
				}
			}
			p.cmd.Process.Signal(syscall.SIGKILL)
			p.cmd.Wait()
			mu.Lock()
			before := len(captured)
			mu.Unlock()
			if before >= len(paid) {
				t.Logf("all %d events arrived before the kill; the restart only proves nothing is lost", before)
			}

			startServe(t, dbURL, "--webhook-lease", "2s")
			deadline := time.Now().Add(30 * time.Second)
			for {
				mu.Lock()
				n := len(captured)
				mu.Unlock()
				if n == len(paid) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d of %d payment.captured events delivered after the restart (%d before the kill)", n, len(paid), before)
				}
				time.Sleep(50 * time.Millisecond)
			}
			for _, id := range paid {
				if !captured[id] {
					t.Fatalf("payment %s: no event", id)
				}
			}
		})
	}
}
