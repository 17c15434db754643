package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls one paygate with one secret key. Safe for concurrent use.
type Client struct {
	base    string
	key     string
	hc      *http.Client
	ua      string
	retries int
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient replaces the default HTTP client.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.ua = ua } }

// WithRetries retries network errors, 409 idempotency_key_in_use and 503
// up to n times with the same idempotency key, backing off with jitter.
func WithRetries(n int) Option { return func(c *Client) { c.retries = n } }

// New returns a client for the paygate at baseURL.
func New(baseURL, secretKey string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), key: secretKey, ua: "paygate-go/1",
		hc: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment, MaxIdleConns: 512, MaxIdleConnsPerHost: 256, IdleConnTimeout: 90 * time.Second}}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// RequestOption changes one request.
type RequestOption func(*http.Request)

// IdempotencyKey sets the request's Idempotency-Key (POSTs get a random one otherwise).
func IdempotencyKey(k string) RequestOption {
	return func(r *http.Request) { r.Header.Set("Idempotency-Key", k) }
}

// Error is a non-2xx answer (RFC 9457 problem details), or a declined payment (402).
type Error struct {
	Status    int
	Type      string `json:"type"`
	Title     string `json:"title"`
	Detail    string `json:"detail"`
	Code      string `json:"code"`
	Param     string `json:"param"`
	RequestID string `json:"request_id"`
	Body      []byte `json:"-"`
}

func (e *Error) Error() string {
	s := fmt.Sprintf("paygate: %d %s", e.Status, e.Code)
	if e.Param != "" {
		s += " (" + e.Param + ")"
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// IsCode reports whether err is an *Error with the given code.
func IsCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// Response is the raw answer of Do.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

func randomKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Do sends one request and decodes a 2xx JSON answer into out. Non-2xx
// answers come back as *Error along with the Response.
func (c *Client) Do(ctx context.Context, method, path string, body any, out any, opts ...RequestOption) (*Response, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return nil, err
		}
	}
	key := ""
	if method == http.MethodPost {
		key = randomKey()
	}
	var resp *Response
	var err error
	for attempt := 0; ; attempt++ {
		resp, err = c.once(ctx, method, path, payload, key, opts)
		if !c.retryable(resp, err) || attempt >= c.retries {
			break
		}
		backoff := time.Duration(50<<attempt)*time.Millisecond + time.Duration(mrand.Int64N(int64(50*time.Millisecond)))
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return resp, ctx.Err()
		}
	}
	if err != nil {
		return resp, err
	}
	if resp.Status >= 300 {
		e := &Error{Status: resp.Status, Body: resp.Body}
		_ = json.Unmarshal(resp.Body, e)
		return resp, e
	}
	if out != nil {
		if err := json.Unmarshal(resp.Body, out); err != nil {
			return resp, fmt.Errorf("paygate: decode %s %s: %w", method, path, err)
		}
	}
	return resp, nil
}

func (c *Client) retryable(resp *Response, err error) bool {
	if err != nil {
		return true
	}
	return resp.Status == http.StatusServiceUnavailable || (resp.Status == http.StatusConflict && bytes.Contains(resp.Body, []byte("idempotency_key_in_use")))
}

func (c *Client) once(ctx context.Context, method, path string, payload []byte, key string, opts []RequestOption) (*Response, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("User-Agent", c.ua)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	for _, o := range opts {
		o(req)
	}
	hr, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer hr.Body.Close()
	b, err := io.ReadAll(hr.Body)
	if err != nil {
		return nil, err
	}
	return &Response{Status: hr.StatusCode, Header: hr.Header, Body: b}, nil
}

// CreatePayment creates a sale or authorization. A declined payment returns
// the failed *Payment and an *Error with Status 402 and the decline code.
func (c *Client) CreatePayment(ctx context.Context, p CreatePaymentParams, opts ...RequestOption) (*Payment, error) {
	body := map[string]any{"amount": p.Amount, "currency": p.Currency,
		"payment_method": map[string]any{"type": "card", "card": p.Card}}
	for k, v := range map[string]string{"capture": p.Capture, "description": p.Description, "reference": p.Reference, "customer": p.Customer} {
		if v != "" {
			body[k] = v
		}
	}
	if len(p.Metadata) > 0 {
		body["metadata"] = p.Metadata
	}
	var out Payment
	resp, err := c.Do(ctx, http.MethodPost, "/v1/payments", body, &out, opts...)
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusPaymentRequired {
		if jerr := json.Unmarshal(resp.Body, &out); jerr == nil && out.ID != "" {
			e.Code, e.Detail = out.FailureCode, out.FailureMessage
			return &out, e
		}
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetPayment returns a payment with its operations.
func (c *Client) GetPayment(ctx context.Context, id string) (*Payment, error) {
	var out Payment
	if _, err := c.Do(ctx, http.MethodGet, "/v1/payments/"+url.PathEscape(id), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListPayments returns one page of payments, newest first.
func (c *Client) ListPayments(ctx context.Context, p ListPaymentsParams) (*PaymentList, error) {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("status", p.Status)
	set("reference", p.Reference)
	set("starting_after", p.StartingAfter)
	if !p.CreatedGTE.IsZero() {
		q.Set("created[gte]", p.CreatedGTE.UTC().Format(time.RFC3339Nano))
	}
	if !p.CreatedLT.IsZero() {
		q.Set("created[lt]", p.CreatedLT.UTC().Format(time.RFC3339Nano))
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	path := "/v1/payments"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out PaymentList
	if _, err := c.Do(ctx, http.MethodGet, path, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CapturePayment captures an authorized payment, in full or in part.
func (c *Client) CapturePayment(ctx context.Context, id string, p CaptureParams, opts ...RequestOption) (*Payment, error) {
	var out Payment
	if _, err := c.Do(ctx, http.MethodPost, "/v1/payments/"+url.PathEscape(id)+"/capture", p, &out, opts...); err != nil {
		return nil, err
	}
	return &out, nil
}

// VoidPayment cancels an uncaptured authorization.
func (c *Client) VoidPayment(ctx context.Context, id string, opts ...RequestOption) (*Payment, error) {
	var out Payment
	if _, err := c.Do(ctx, http.MethodPost, "/v1/payments/"+url.PathEscape(id)+"/void", struct{}{}, &out, opts...); err != nil {
		return nil, err
	}
	return &out, nil
}

// RefundPayment refunds captured money, in part or in full.
func (c *Client) RefundPayment(ctx context.Context, id string, p RefundParams, opts ...RequestOption) (*Refund, error) {
	var out Refund
	if _, err := c.Do(ctx, http.MethodPost, "/v1/payments/"+url.PathEscape(id)+"/refunds", p, &out, opts...); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetBalance returns the merchant's balance per currency.
func (c *Client) GetBalance(ctx context.Context) (*Balance, error) {
	var out Balance
	if _, err := c.Do(ctx, http.MethodGet, "/v1/balance", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
