package paymentz

import (
	"math/big"
	"strings"
)

// The vendor's payment ids (tracking ids) are numeric. paygate's are
// "pay_" + 26 Crockford base32 characters, a 128-bit ULID. The door's
// paymentId is that 128-bit number in decimal (at most 39 digits), so each
// native id has exactly one paymentId and back, with nothing stored and no
// window in which a payment exists without its alias.

const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// PaymentID returns the door's numeric id of a native payment id, or "" if
// the id is not a payment id.
func PaymentID(nativeID string) string {
	rest, ok := strings.CutPrefix(nativeID, "pay_")
	if !ok || len(rest) != 26 {
		return ""
	}
	n := new(big.Int)
	for i := 0; i < len(rest); i++ {
		d := strings.IndexByte(crockford, rest[i])
		if d < 0 || (i == 0 && d > 7) {
			return ""
		}
		n.Lsh(n, 5)
		n.Or(n, big.NewInt(int64(d)))
	}
	return n.String()
}

// NativeID returns the native payment id of a door paymentId, or "" if it
// is not one (not canonical decimal, or beyond 128 bits).
func NativeID(paymentID string) string {
	if paymentID == "" || len(paymentID) > 39 || (len(paymentID) > 1 && paymentID[0] == '0') {
		return ""
	}
	for i := 0; i < len(paymentID); i++ {
		if paymentID[i] < '0' || paymentID[i] > '9' {
			return ""
		}
	}
	n, ok := new(big.Int).SetString(paymentID, 10)
	if !ok || n.BitLen() > 128 {
		return ""
	}
	var out [26]byte
	mask := big.NewInt(31)
	for i := 25; i >= 0; i-- {
		out[i] = crockford[new(big.Int).And(n, mask).Int64()]
		n.Rsh(n, 5)
	}
	return "pay_" + string(out[:])
}
