package smartpay

import (
	"encoding/hex"
	"strings"
)

// SmartPay's transactionId is a 36-character GUID. A checkout session id
// is "cs_" and 26 Crockford base32 characters holding exactly 128 bits, so
// the GUID is the same 128 bits in hex: no lookup table, and every session
// (also one made through the native API) has its transactionId.

const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// TransactionID renders a checkout session id as a GUID; "" if it is not one.
func TransactionID(sessionID string) string {
	s, ok := strings.CutPrefix(sessionID, "cs_")
	if !ok || len(s) != 26 || strings.IndexByte("01234567", s[0]) < 0 {
		return ""
	}
	var hi, lo uint64
	for i := 0; i < len(s); i++ {
		v := strings.IndexByte(alphabet, s[i])
		if v < 0 {
			return ""
		}
		hi = hi<<5 | lo>>59
		lo = lo<<5 | uint64(v)
	}
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(hi >> (56 - 8*i))
		b[8+i] = byte(lo >> (56 - 8*i))
	}
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// SessionID is TransactionID's inverse; "" for what is not such a GUID.
func SessionID(txID string) string {
	if len(txID) != 36 || txID[8] != '-' || txID[13] != '-' || txID[18] != '-' || txID[23] != '-' {
		return ""
	}
	raw, err := hex.DecodeString(strings.ReplaceAll(txID, "-", ""))
	if err != nil || len(raw) != 16 {
		return ""
	}
	var hi, lo uint64
	for i := 0; i < 8; i++ {
		hi = hi<<8 | uint64(raw[i])
		lo = lo<<8 | uint64(raw[8+i])
	}
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = alphabet[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return "cs_" + string(out[:])
}
