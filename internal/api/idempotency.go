package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/redact"
)

// idempotencyKey reads the Idempotency-Key header: at most one, 1 to 255
// printable ASCII characters, bare or as a quoted sf-string.
func idempotencyKey(r *http.Request) (string, error) {
	vals := r.Header.Values("Idempotency-Key")
	if len(vals) == 0 {
		return "", nil
	}
	bad := fault.InvalidParam("Idempotency-Key", "parameter_invalid", "Idempotency-Key must be one header of 1 to 255 printable ASCII characters")
	if len(vals) > 1 {
		return "", bad
	}
	k := vals[0]
	if len(k) >= 2 && k[0] == '"' && k[len(k)-1] == '"' {
		k = k[1 : len(k)-1]
	}
	if k == "" || len(k) > 255 {
		return "", bad
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return "", bad
		}
	}
	return k, nil
}

// fingerprint identifies a request for its idempotency key: method, path
// and the body in canonical JSON, so reordered keys or other whitespace
// still count as the same request. Card data never feeds the stored hash:
// the CVC is left out and the number is reduced to first six and last four.
func fingerprint(r *http.Request, body []byte) string {
	canon := body
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if len(body) > 0 && dec.Decode(&v) == nil {
		withoutCardData(v)
		if b, err := json.Marshal(v); err == nil {
			canon = b
		}
	} else if len(body) > 0 {
		canon = []byte(redact.String(string(body))) // unparseable bodies are refused before this matters
	}
	h := sha256.New()
	h.Write([]byte(r.Method + "\n" + strings.TrimSuffix(r.URL.Path, "/") + "\n"))
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil))
}

// idempotency builds the engine's idempotency request for r, or nil; the
// fingerprint is computed only when there is a key.
func idempotency(key string, fingerprint func() string, render func(engine.Result, error) (int, []byte)) *engine.Idempotency {
	if key == "" {
		return nil
	}
	return &engine.Idempotency{Key: key, Fingerprint: fingerprint(), Render: render}
}

// fingerprintOf hashes method, path and an already decoded request, which
// encoding/json writes canonically (fixed field order, sorted map keys):
// cheaper than decoding the body a second time on the busiest route.
func fingerprintOf(r *http.Request, canonical any) string {
	b, err := json.Marshal(canonical)
	if err != nil {
		return ""
	}
	h := sha256.New()
	h.Write([]byte(r.Method + "\n" + strings.TrimSuffix(r.URL.Path, "/") + "\n"))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// writeReplay answers a repeated request with the stored answer.
func writeReplay(w http.ResponseWriter, rp *engine.Replay) {
	w.Header().Set("Idempotent-Replayed", "true")
	writeBody(w, rp.Status, rp.Body)
}

// withoutCardData masks payment_method.card.number and drops its cvc in a
// decoded request body.
func withoutCardData(v any) {
	top, _ := v.(map[string]any)
	pm, _ := top["payment_method"].(map[string]any)
	c, _ := pm["card"].(map[string]any)
	if c == nil {
		return
	}
	delete(c, "cvc")
	if n, ok := c["number"].(string); ok {
		c["number"] = card.Mask(n)
	}
}
