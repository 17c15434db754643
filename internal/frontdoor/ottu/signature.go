package ottu

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// SignedFields is the fixed list of fields Ottu's webhook signature covers
// (reference §3.7); a field takes part only when present and non-empty.
var SignedFields = []string{"amount", "currency_code", "customer_first_name", "customer_last_name", "customer_email",
	"customer_phone", "customer_address_line1", "customer_address_line2", "customer_address_city", "customer_address_state",
	"customer_address_country", "customer_address_postal_code", "gateway_account", "gateway_name", "order_no",
	"reference_number", "result", "state"}

// SignatureMessage is the signed message: key+value of each present,
// non-empty signed field, keys sorted alphabetically.
func SignatureMessage(fields map[string]string) string {
	keys := make([]string, 0, len(SignedFields))
	for _, k := range SignedFields {
		if fields[k] != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteString(fields[k])
	}
	return b.String()
}

// Sign is the lower-case hex HMAC-SHA256 of SignatureMessage under key.
func Sign(fields map[string]string, key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(SignatureMessage(fields)))
	return hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether signature is fields' signature under key (in
// constant time), for merchants' and tests' use.
func Verify(fields map[string]string, key, signature string) bool {
	return hmac.Equal([]byte(Sign(fields, key)), []byte(strings.ToLower(signature)))
}

// stringFields picks the string values of a JSON object, the ones a
// signature can cover.
func stringFields(m map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}
