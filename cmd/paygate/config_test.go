package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestPendingTTLComesFromTheFlagOrTheEnvironment(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		want    time.Duration
		wantErr string
	}{
		{name: "seven days by default", want: 7 * 24 * time.Hour},
		{name: "the environment sets it", env: map[string]string{"PAYGATE_PENDING_TTL": "72h"}, want: 72 * time.Hour},
		{name: "the flag beats the environment", args: []string{"--pending-ttl", "36h"}, env: map[string]string{"PAYGATE_PENDING_TTL": "72h"}, want: 36 * time.Hour},
		{name: "less than an hour is refused", args: []string{"--pending-ttl", "30m"}, wantErr: "--pending-ttl must be between 1h and 2160h"},
		{name: "more than 90 days is refused", env: map[string]string{"PAYGATE_PENDING_TTL": "2161h"}, wantErr: "--pending-ttl must be between 1h and 2160h"},
		{name: "an unreadable environment value is refused, not ignored", env: map[string]string{"PAYGATE_PENDING_TTL": "14d"}, wantErr: `PAYGATE_PENDING_TTL must be a duration such as 168h, got "14d"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := parse("serve", tc.args, env(tc.env), io.Discard, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || c.PendingTTL != tc.want {
				t.Fatalf("pending TTL %s (%v), want %s", c.PendingTTL, err, tc.want)
			}
		})
	}
}

func TestAShortWebhookLeaseIsWarnedAbout(t *testing.T) {
	c := Config{WebhookTimeout: 15 * time.Second, WebhookLease: 2 * time.Minute}
	if w := c.leaseWarning(); w != "" {
		t.Fatalf("the default lease is warned about: %s", w)
	}
	c.WebhookLease = 20 * time.Second
	if w := c.leaseWarning(); !strings.Contains(w, "--webhook-lease 20s") || !strings.Contains(w, "at least 30s") {
		t.Fatalf("a lease shorter than twice the timeout: %q", w)
	}
}

// TestLinksFollowTheListenAddress: without --public-url, the links paygate
// hands out (checkout pages, the first-start curl command) point at the port
// it listens on; --public-url or PAYGATE_PUBLIC_URL wins.
func TestLinksFollowTheListenAddress(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{want: "http://localhost:8080"},
		{env: map[string]string{"PAYGATE_ADDR": "127.0.0.1:18182"}, want: "http://127.0.0.1:18182"},
		{args: []string{"--addr", ":9090"}, want: "http://localhost:9090"},
		{args: []string{"--addr", "0.0.0.0:9091"}, want: "http://localhost:9091"},
		{args: []string{"--addr", "[::1]:9092"}, want: "http://[::1]:9092"},
		{args: []string{"--addr", ":9093", "--public-url", "https://pay.example"}, want: "https://pay.example"},
		{args: []string{"--addr", ":9094"}, env: map[string]string{"PAYGATE_PUBLIC_URL": "https://pay.example"}, want: "https://pay.example"},
	} {
		c, _, err := parse("serve", tc.args, env(tc.env), io.Discard, nil)
		if err != nil || c.PublicURL != tc.want {
			t.Errorf("%v %v: public URL %q (%v), want %q", tc.args, tc.env, c.PublicURL, err, tc.want)
		}
	}
}
