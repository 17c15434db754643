package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
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

// once gives a POST whose use case has no idempotency of its own the
// Idempotency-Key contract: a success's answer is kept and replayed to a
// retry with the same body; the same key with another body answers 422,
// one still running 409; a failure keeps nothing. A route whose answer
// shows a secret once (an API key, a token, a checkout or invoice link, a
// signing secret, a password) passes secret: its answer is never stored,
// and a retry gets 409 idempotency_key_used instead of a second object.
func (s *Server) once(h http.HandlerFunc, secret bool) http.HandlerFunc {
	var keep func(int, []byte) (int, []byte)
	if secret {
		keep = func(int, []byte) (int, []byte) {
			return problemFor(fault.New(fault.Conflict, "idempotency_key_used",
				"a request with this Idempotency-Key already succeeded; its answer showed a secret once and is not kept: list or get the object instead"), "")
		}
	}
	return func(w http.ResponseWriter, r *http.Request) {
		key, err := idempotencyKey(r)
		if err != nil {
			writeProblem(w, r, err)
			return
		}
		if key == "" {
			h(w, r)
			return
		}
		body, err := readBody(r, s.limit, true)
		if err != nil {
			writeProblem(w, r, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &recorded{header: http.Header{}}
		replay, err := s.engine.Once(r.Context(), actorOf(r.Context()), &engine.Idempotency{Key: key, Fingerprint: fingerprint(r, body)},
			func() (int, []byte) {
				h(rec, r)
				return rec.status(), rec.body.Bytes()
			}, keep)
		switch {
		case err != nil:
			writeProblem(w, r, err)
		case replay != nil:
			writeReplay(w, replay)
		default:
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.status())
			w.Write(rec.body.Bytes())
		}
	}
}

// recorded is a handler's answer kept in memory, to be stored for its key
// before it is sent.
type recorded struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorded) Header() http.Header { return r.header }

func (r *recorded) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}

func (r *recorded) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

func (r *recorded) status() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}
