package stripe

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/connector"
)

// DefaultBaseURL is Stripe's API endpoint.
const DefaultBaseURL = "https://api.stripe.com"

// maxBody bounds how much of an answer is read; Stripe's largest objects
// (a search page of PaymentIntents) stay far below it.
const maxBody = 4 << 20

// Config configures a Stripe connector.
type Config struct {
	// BaseURL is Stripe's API root, default DefaultBaseURL (tests point it
	// at stripe-mock or stripefake).
	BaseURL string
	// SecretKey is the account's secret API key (sk_test_… or sk_live_…).
	SecretKey string
	// HTTPClient sends the requests; default a client with a 30 s timeout
	// and TLS 1.2 minimum. Every call also honours its context's deadline.
	HTTPClient *http.Client
}

// Connector talks to one Stripe account. It is safe for concurrent use and
// keeps no state of its own: Stripe's idempotency keys make retries safe.
type Connector struct {
	base   string
	key    string
	client *http.Client
}

var _ connector.Connector = (*Connector)(nil)

// New returns a connector for cfg. It does not call Stripe.
func New(cfg Config) *Connector {
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			TLSClientConfig:     &tls.Config{MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout: 10 * time.Second,
			IdleConnTimeout:     90 * time.Second,
			MaxIdleConnsPerHost: 16,
		}}
	}
	return &Connector{base: base, key: cfg.SecretKey, client: client}
}

// Factory builds a Stripe connector from a payment-method configuration:
// Credentials["secret_key"] is required and must be a test key (sk_test_…)
// for a test configuration and a live key (sk_live_…) for a live one;
// Credentials["base_url"] optionally replaces DefaultBaseURL.
func Factory(s connector.Settings) (connector.Connector, error) {
	key := strings.TrimSpace(s.Credentials["secret_key"])
	want := "sk_test_"
	if s.Live {
		want = "sk_live_"
	}
	switch {
	case key == "":
		return nil, credentialsInvalid("secret_key", "secret_key is required")
	case !strings.HasPrefix(key, want) || len(key) == len(want):
		mode := "test"
		if s.Live {
			mode = "live"
		}
		return nil, credentialsInvalid("secret_key", "secret_key must be a Stripe "+mode+" secret key starting with "+want)
	}
	base := strings.TrimSpace(s.Credentials["base_url"])
	if base != "" {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, credentialsInvalid("base_url", "base_url must be an absolute http(s) URL")
		}
	}
	return New(Config{BaseURL: base, SecretKey: key}), nil
}

func credentialsInvalid(field, msg string) error {
	return &connector.Error{Class: connector.InvalidRequest, Code: "credentials_invalid", Field: field, Message: msg}
}

// Name implements connector.Connector.
func (c *Connector) Name() string { return "stripe" }

// LookupLag implements connector.LookupLagger: Stripe's search may miss a
// PaymentIntent for about a minute after it was created, so a NotFound is
// trusted only after two.
func (c *Connector) LookupLag() time.Duration { return 2 * time.Minute }

// checkMode refuses a request whose mode differs from the key's: a test key
// cannot move real money and a live key must not see test payments.
func (c *Connector) checkMode(live bool) error {
	switch {
	case live && strings.HasPrefix(c.key, "sk_test_"):
		return invalid("live_mode_mismatch", "a live payment cannot use a Stripe test key")
	case !live && strings.HasPrefix(c.key, "sk_live_"):
		return invalid("live_mode_mismatch", "a test payment cannot use a Stripe live key")
	}
	return nil
}

func invalid(code, msg string) error {
	return &connector.Error{Class: connector.InvalidRequest, Code: code, Message: msg}
}

// response is one HTTP answer from Stripe, read in full.
type response struct {
	status int
	body   []byte
}

// do sends one request. form is sent form-encoded for POST and as the query
// for GET; idemKey, when set, is the Idempotency-Key header. A failure to get
// an answer is returned as a classified *connector.Error; an answer of any
// status is returned for the caller to interpret.
func (c *Connector) do(ctx context.Context, method, path string, form url.Values, idemKey string) (response, error) {
	if err := ctx.Err(); err != nil {
		return response{}, &connector.Error{Class: connector.Timeout, Message: "stripe call cancelled before it was sent", Err: err}
	}
	u := c.base + path
	var body io.Reader
	if method == http.MethodGet {
		if len(form) > 0 {
			u += "?" + form.Encode()
		}
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return response{}, invalid("bad_request", "cannot build the Stripe request")
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Accept", "application/json")
	if method != http.MethodGet {
		// Stripe (and stripe-mock) want the content type even for an empty body.
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return response{}, transportError(ctx, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		// Stripe answered but the answer was cut: it may have acted.
		return response{}, &connector.Error{Class: connector.Timeout, Code: "answer_lost", Message: "the Stripe answer could not be read", Err: scrubErr(err)}
	}
	return response{status: resp.StatusCode, body: b}, nil
}

// transportError classifies a failure to get an answer: a refused or
// unresolvable connection never reached Stripe (Unavailable); anything
// after the request may have left (a deadline, a reset) leaves the outcome
// unknown (Timeout).
func transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &connector.Error{Class: connector.Timeout, Message: "no answer from Stripe before the deadline", Err: scrubErr(err)}
	}
	var opErr *net.OpError
	var dnsErr *net.DNSError
	if (errors.As(err, &opErr) && opErr.Op == "dial") || errors.As(err, &dnsErr) {
		return &connector.Error{Class: connector.Unavailable, Code: "connection_failed", Message: "cannot connect to Stripe", Err: scrubErr(err)}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &connector.Error{Class: connector.Timeout, Message: "no answer from Stripe before the client timeout", Err: scrubErr(err)}
	}
	return &connector.Error{Class: connector.Timeout, Code: "answer_lost", Message: "the connection to Stripe failed after the request was sent", Err: scrubErr(err)}
}

// scrubErr drops the URL (which may carry a search query) from a transport
// error, keeping only its cause; request bodies never reach error values.
func scrubErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
