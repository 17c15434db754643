package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// hookReceiver is a merchant's webhook endpoint for `paygate bench
// --webhooks`: it records, for each payment.captured event, the time from
// the event (the payment's state change) to its arrival.
type hookReceiver struct {
	srv  *http.Server
	mu   sync.Mutex
	lat  []time.Duration
	seen map[string]bool
}

func startHookReceiver(ctx context.Context, gateway, secret string) (*hookReceiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &hookReceiver{seen: map[string]bool{}}
	h.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var ev struct {
			Type      string `json:"type"`
			CreatedAt string `json:"created_at"`
		}
		if json.Unmarshal(b, &ev) == nil && ev.Type == "payment.captured" {
			if at, err := time.Parse(time.RFC3339Nano, ev.CreatedAt); err == nil {
				h.mu.Lock()
				if id := r.Header.Get("webhook-id"); !h.seen[id] {
					h.seen[id] = true
					h.lat = append(h.lat, time.Since(at))
				}
				h.mu.Unlock()
			}
		}
	})}
	go h.srv.Serve(ln)
	body := `{"url":"http://` + ln.Addr().String() + `/hooks","event_types":["payment.captured"]}`
	req, _ := http.NewRequestWithContext(ctx, "POST", gateway+"/v1/webhook-endpoints", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.close()
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		h.close()
		return nil, fmt.Errorf("create webhook endpoint: status %d", resp.StatusCode)
	}
	return h, nil
}

// report waits (up to wait) for want deliveries and summarises their latency.
func (h *hookReceiver) report(want int, wait time.Duration) string {
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		h.mu.Lock()
		n := len(h.lat)
		h.mu.Unlock()
		if n >= want {
			break
		}
	}
	h.mu.Lock()
	lat := append([]time.Duration(nil), h.lat...)
	h.mu.Unlock()
	if len(lat) == 0 {
		return "webhooks: none delivered"
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return fmt.Sprintf("webhooks: %d of %d delivered; payment to delivery p50 %.0f ms, p99 %.0f ms, max %.0f ms",
		len(lat), want, ms(pct(0.50)), ms(pct(0.99)), ms(lat[len(lat)-1]))
}

func (h *hookReceiver) close() { h.srv.Close() }
