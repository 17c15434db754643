package paymentz_test

import (
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/frontdoor/paymentz"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGoldenSale pins the wire format of a sale's answer in JSON and XML.
func TestGoldenSale(t *testing.T) {
	p := &payment.Payment{ID: "pay_01jz8k3m4n5p6q7r8s9t0vwxyz", Status: payment.Captured, Amount: 5000, Currency: money.MustLookup("EUR"),
		CaptureMethod: payment.CaptureAutomatic, Authorized: 5000, Captured: 5000, Reference: "DEP-1", Description: "Order DEP-1",
		Card: payment.Card{Brand: "visa", First6: "424242", Last4: "4242", ExpMonth: 12, ExpYear: 2030, Holder: "Jane Doe"}}
	now := time.Date(2026, 3, 1, 12, 30, 45, 0, time.UTC)
	for _, tc := range []struct{ file, accept string }{{"sale.json", "application/json"}, {"sale.xml", "application/xml"}} {
		t.Run(tc.file, func(t *testing.T) {
			got := paymentz.RenderPayment(p, now, tc.accept)
			golden(t, tc.file, got)
		})
	}
}

func TestPaymentIDs(t *testing.T) {
	t.Run("a native id and its numeric paymentId map both ways", func(t *testing.T) {
		for _, native := range []string{"pay_01jz8k3m4n5p6q7r8s9t0vwxyz", "pay_00000000000000000000000001", "pay_7zzzzzzzzzzzzzzzzzzzzzzzzz"} {
			pid := paymentz.PaymentID(native)
			if pid == "" || paymentz.NativeID(pid) != native {
				t.Fatalf("%s -> %q -> %q", native, pid, paymentz.NativeID(pid))
			}
		}
	})
	t.Run("what is not a payment id maps to nothing", func(t *testing.T) {
		for _, s := range []string{"", "pay_8zzzzzzzzzzzzzzzzzzzzzzzzz", "pi_01jz8k3m4n5p6q7r8s9t0vwxyz", "pay_01jz8k3m4n5p6q7r8s9t0vwxyu"} {
			if paymentz.PaymentID(s) != "" {
				t.Fatalf("%q mapped", s)
			}
		}
		for _, s := range []string{"", "0", "012", "-1", "1e5", "340282366920938463463374607431768211456", "12a"} {
			if s != "0" && paymentz.NativeID(s) != "" {
				t.Fatalf("%q mapped", s)
			}
		}
	})
}

// TestGoldenRegistration pins the answer of a stand-alone registration
// (reference §2.6: registrationId, memberId, paymentBrand, paymentMode,
// result 00002, timestamp) as the door sends it, in JSON and XML; the
// generated registrationId, memberId and timestamp are replaced by
// placeholders.
func TestGoldenRegistration(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	for i, tc := range []struct{ file, accept string }{{"registration.json", "application/json"}, {"registration.xml", "application/xml"}} {
		t.Run(tc.file, func(t *testing.T) {
			mtid := "GOLD-REG-" + strconv.Itoa(i)
			r := e.post("/registrations", url.Values{"merchantTransactionId": {mtid}, "customer.customerId": {"c-gold"},
				"card.number": {"5555555555554444"}, "card.expiryMonth": {"11"}, "card.expiryYear": {"2031"}, "card.holder": {"Ana"},
				"authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, mtid)}}, "AuthToken", tok, "Accept", tc.accept)
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			got := regexp.MustCompile(`pm_[0-9a-z]{26}`).ReplaceAll(r.body, []byte("pm_REGISTRATION"))
			got = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`).ReplaceAll(got, []byte("2026-03-01 12:30:45"))
			got = []byte(strings.ReplaceAll(string(got), e.member, "MEMBER"))
			golden(t, tc.file, got)
		})
	}
}

// golden compares got with testdata/file (rewriting it with -update).
func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", file)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("answer differs from %s:\n%s", path, got)
	}
}
