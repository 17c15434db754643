package paymentz_test

import (
	"testing"

	"github.com/paygate/paygate/internal/frontdoor/paymentz"
)

// The reference's self-computed test vectors (vendors.md §2.5).
func TestChecksumVectors(t *testing.T) {
	for _, tc := range []struct{ name, got, want string }{
		{"initial payment: memberId|secureKey|merchantTransactionId|amount",
			paymentz.PaymentChecksum("11344", "secure-key", "DEP-1", "50.00"), "b4fe08db15b839f25ecb179e994dfdce"},
		{"notification: paymentId|merchantTransactionId|amount|transactionStatus|secureKey",
			paymentz.NotificationChecksum("77251", "011E1D8A5C034", "156.00", "N", "merchant-secret"), "9b086aa4f2fc8820c3d8cc7669fb4b92"},
		{"reversal or inquiry: memberId|secureKey|paymentId",
			paymentz.LookupChecksum("11344", "secure-key", "54289"), "46a9ce2f0a37436ff9e820596a461eec"},
		{"payout: memberId|merchantTransactionId|amount|secureKey",
			paymentz.PayoutChecksum("11344", "DEP-1", "50.00", "secure-key"), "665c38d1cbf65eda915b8cd53a12215e"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %s, want %s", tc.got, tc.want)
			}
		})
	}
	t.Run("the digest is over the exact amount string", func(t *testing.T) {
		if paymentz.PaymentChecksum("1", "k", "m", "156.0") == paymentz.PaymentChecksum("1", "k", "m", "156.00") {
			t.Fatal("156.0 and 156.00 must differ")
		}
	})
}
