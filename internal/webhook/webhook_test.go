package webhook

import (
	"bytes"
	"encoding/base64"
	"net/netip"
	"testing"
	"time"
)

// TestSignKnownAnswer is the Standard Webhooks reference vector (reliability.md WH-01).
func TestSignKnownAnswer(t *testing.T) {
	key, err := ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	got := Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if got != "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" {
		t.Fatalf("Sign = %s", got)
	}
	if Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232315}`)) == got {
		t.Fatal("a changed body kept its signature")
	}
}

func TestSecretsAreDistinctAnd32Bytes(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		s := NewSecret()
		b, err := ParseSecret(s)
		if err != nil || len(b) != 32 || seen[s] {
			t.Fatalf("secret %q: %v", s, err)
		}
		seen[s] = true
	}
	for _, bad := range []string{"", "whsec_", "whsec_!!!", "sk_" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32)), "whsec_" + base64.StdEncoding.EncodeToString([]byte("short"))} {
		if _, err := ParseSecret(bad); err == nil {
			t.Errorf("ParseSecret(%q) accepted", bad)
		}
	}
}

func TestScheduleSpansThreeDaysWithJitter(t *testing.T) {
	var total time.Duration
	for n := 1; ; n++ {
		d, ok := NextDelay(n, 0)
		if !ok {
			if n != len(Schedule) {
				t.Fatalf("schedule ended after %d attempts", n)
			}
			break
		}
		if d < Schedule[n]*9/10 || d > Schedule[n]*11/10 {
			t.Fatalf("attempt %d waits %s, scheduled %s ±10%%", n+1, d, Schedule[n])
		}
		total += Schedule[n]
	}
	if total < 72*time.Hour {
		t.Fatalf("retries span %s, want at least 3 days", total)
	}
	if d, _ := NextDelay(1, 2*time.Minute); d != 2*time.Minute {
		t.Fatalf("Retry-After 2m after attempt 1 gave %s", d)
	}
	spread := map[time.Duration]bool{}
	for range 100 {
		d, _ := NextDelay(3, 0)
		spread[d.Truncate(time.Second)] = true
	}
	if len(spread) < 50 {
		t.Fatalf("jitter spread only %d distinct seconds over 100 retries", len(spread))
	}
}

func TestBlockedDestinations(t *testing.T) {
	for _, a := range []string{"127.0.0.1", "::1", "10.0.0.5", "172.16.1.1", "192.168.1.1", "169.254.169.254", "fd00::1", "fe80::1", "100.64.1.1", "0.0.0.0", "::ffff:127.0.0.1", "224.0.0.1", "64:ff9b::a00:5"} {
		if !Blocked(netip.MustParseAddr(a)) {
			t.Errorf("%s is not blocked", a)
		}
	}
	for _, a := range []string{"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"} {
		if Blocked(netip.MustParseAddr(a)) {
			t.Errorf("%s is blocked", a)
		}
	}
}

// TestBlockedIPv6TransitionAndSiteLocalRanges: IPv6 addresses that tunnel
// to or embed an IPv4 address, and the old site-local range, are refused;
// public IPv6 addresses next to those ranges are not.
func TestBlockedIPv6TransitionAndSiteLocalRanges(t *testing.T) {
	for _, tc := range []struct {
		name, addr string
		blocked    bool
	}{
		{"a 6to4 address of a private IPv4 address is blocked", "2002:c0a8:101::1", true},
		{"a 6to4 address of a public IPv4 address is blocked too", "2002:5db8:d822::1", true},
		{"a Teredo address is blocked", "2001:0:4136:e378:8000:63bf:3fff:fdd2", true},
		{"a site-local address is blocked", "fec0::1", true},
		{"the top of the site-local range is blocked", "feff:ffff::1", true},
		{"an IPv4-compatible address of loopback is blocked", "::127.0.0.1", true},
		{"an IPv4-compatible address of a private address is blocked", "::10.0.0.1", true},
		{"a public address just past Teredo is allowed", "2001:1::1", false},
		{"the documentation range beside Teredo is not mistaken for it", "2001:db8::1", false},
		{"a public address just before 6to4 is allowed", "2001:ffff::1", false},
		{"a public address just past 6to4 is allowed", "2003::1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Blocked(netip.MustParseAddr(tc.addr)); got != tc.blocked {
				t.Fatalf("Blocked(%s) = %v, want %v", tc.addr, got, tc.blocked)
			}
		})
	}
}
