package paytrace

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/connector"
)

// maxBody bounds what is read of any PayTrace answer.
const maxBody = 4 << 20

// errInvalidToken is PayTrace refusing the bearer token (expired or revoked).
var errInvalidToken = errors.New("paytrace: invalid_token")

// call posts body (plus integrator_id, which PayTrace v1 wants in every
// body) to path with the bearer token. A refused token is replaced by one
// new grant and the call sent once more: PayTrace refuses such a request
// before processing it, so resending cannot charge twice.
func (c *Connector) call(ctx context.Context, path string, body map[string]any) (response, error) {
	if body == nil {
		body = map[string]any{}
	}
	body["integrator_id"] = c.cfg.IntegratorID
	payload, err := json.Marshal(body)
	if err != nil {
		return response{}, &connector.Error{Class: connector.InvalidRequest, Code: "encoding", Message: "paytrace: the request cannot be encoded"}
	}
	for attempt := 0; ; attempt++ {
		tok, err := c.tokens.get(ctx)
		if err != nil {
			return response{}, err
		}
		r, err := c.send(ctx, path, tok, payload)
		if !errors.Is(err, errInvalidToken) {
			return r, err
		}
		if attempt > 0 {
			return response{}, &connector.Error{Class: connector.AuthFailed, Code: "invalid_token", Message: "paytrace refused a freshly granted token"}
		}
		c.tokens.invalidate(tok)
	}
}

// send is one HTTP exchange, its failures sorted into connector classes.
func (c *Connector) send(ctx context.Context, path, tok string, payload []byte) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+path, bytes.NewReader(payload))
	if err != nil {
		return response{}, &connector.Error{Class: connector.InvalidRequest, Code: "base_url_invalid", Message: "paytrace: bad base URL"}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	status, body, err := c.do(ctx, req)
	if err != nil {
		return response{}, err
	}
	switch {
	case status == http.StatusTooManyRequests:
		return response{}, &connector.Error{Class: connector.RateLimited, Code: "rate_limited", Message: "paytrace is limiting requests"}
	case status == http.StatusServiceUnavailable:
		// A 503 is PayTrace (or its front) refusing the request before
		// processing it: safe to send elsewhere.
		return response{}, &connector.Error{Class: connector.Unavailable, Code: "processor_unavailable", Message: "paytrace answered HTTP 503"}
	case status >= 500:
		// A 500, 502 or 504 can come after PayTrace acted (a gateway
		// timing out on a processor that authorized): the outcome is
		// unknown and only a status lookup may decide it, never a second
		// authorization elsewhere.
		return response{}, &connector.Error{Class: connector.Timeout, Code: "processor_error", Message: fmt.Sprintf("paytrace answered HTTP %d; the outcome is unknown", status)}
	}
	r, err := parseResponse(body)
	if err != nil {
		if status < 300 {
			// It may have acted and the answer is garbled: unknown.
			return response{}, &connector.Error{Class: connector.Timeout, Code: "unreadable_answer", Message: "paytrace's answer could not be read", Err: err}
		}
		return response{}, &connector.Error{Class: connector.InvalidRequest, Code: "unreadable_answer", Message: fmt.Sprintf("paytrace answered HTTP %d without a readable body", status)}
	}
	switch {
	case r.Error == "invalid_token":
		return response{}, errInvalidToken
	case r.Error != "":
		return response{}, &connector.Error{Class: connector.AuthFailed, Code: r.Error, Message: redact(r.ErrorDescription, nil)}
	}
	return r, nil
}

// do sends req and reads the answer. Whether a failure leaves the outcome
// unknown depends on whether the request may have reached PayTrace: a
// refused connection did not, anything after sending might have.
func (c *Connector) do(ctx context.Context, req *http.Request) (int, []byte, error) {
	resp, err := c.cfg.HTTPClient.Do(req)
	if err == nil {
		defer resp.Body.Close()
		var body []byte
		body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
		if err == nil {
			return resp.StatusCode, body, nil
		}
	}
	if ctx.Err() != nil {
		return 0, nil, &connector.Error{Class: connector.Timeout, Code: "cancelled", Message: "paytrace call ended before its answer", Err: ctx.Err()}
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return 0, nil, &connector.Error{Class: connector.Unavailable, Code: "processor_unavailable", Message: "paytrace cannot be reached", Err: err}
	}
	return 0, nil, &connector.Error{Class: connector.Timeout, Code: "no_answer", Message: "paytrace's answer was lost", Err: err}
}

// grant runs the OAuth password grant. A refusal is AuthFailed.
func (c *Connector) grant(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{"grant_type": {"password"}, "username": {c.cfg.Username}, "password": {c.cfg.Password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, &connector.Error{Class: connector.InvalidRequest, Code: "base_url_invalid", Message: "paytrace: bad base URL"}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	status, body, err := c.do(ctx, req)
	if err != nil {
		var ce *connector.Error
		if errors.As(err, &ce) && ce.Class == connector.Timeout {
			// A grant moves no money; a lost one is simply not available.
			ce.Class = connector.Unavailable
		}
		return "", 0, err
	}
	var g struct {
		AccessToken      string  `json:"access_token"`
		TokenType        string  `json:"token_type"`
		ExpiresIn        flexInt `json:"expires_in"`
		Error            string  `json:"error"`
		ErrorDescription string  `json:"error_description"`
	}
	switch {
	case status == http.StatusTooManyRequests:
		return "", 0, &connector.Error{Class: connector.RateLimited, Code: "rate_limited", Message: "paytrace is limiting token grants"}
	case status >= 500:
		return "", 0, &connector.Error{Class: connector.Unavailable, Code: "processor_unavailable", Message: fmt.Sprintf("paytrace token grant answered HTTP %d", status)}
	case json.Unmarshal(body, &g) != nil:
		return "", 0, &connector.Error{Class: connector.AuthFailed, Code: "grant_failed", Message: fmt.Sprintf("paytrace token grant answered HTTP %d without a readable body", status)}
	case g.Error != "" || status >= 400 || g.AccessToken == "":
		msg := "paytrace refused the API user's credentials"
		if g.ErrorDescription != "" {
			msg += ": " + redact(g.ErrorDescription, nil)
		}
		code := g.Error
		if code == "" {
			code = "grant_failed"
		}
		return "", 0, &connector.Error{Class: connector.AuthFailed, Code: code, Message: msg}
	}
	lifetime := time.Duration(g.ExpiresIn) * time.Second
	if lifetime <= 0 {
		lifetime = 7200 * time.Second // the documented lifetime
	}
	return g.AccessToken, lifetime, nil
}
