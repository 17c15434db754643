package stripe

import (
	"bytes"
	"io"
	"net/http"
	"sync"
)

// exchange is one recorded request and its answer.
type exchange struct {
	method, path, query string
	header              http.Header
	body                string
	status              int
	answer              []byte
}

// recorder is an http.RoundTripper that keeps every exchange.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	log  []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := r.next.RoundTrip(req)
	ex := exchange{method: req.Method, path: req.URL.Path, query: req.URL.RawQuery, header: req.Header.Clone(), body: string(body)}
	if err == nil {
		ex.status = resp.StatusCode
		ex.answer, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(ex.answer))
	}
	r.mu.Lock()
	r.log = append(r.log, ex)
	r.mu.Unlock()
	return resp, err
}

func (r *recorder) last() exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.log) == 0 {
		return exchange{}
	}
	return r.log[len(r.log)-1]
}
