package paytrace

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/connector"
)

// Base URLs of PayTrace's two environments (reference: [DOC]).
const (
	SandboxURL = "https://api.sandbox.paytrace.com"
	LiveURL    = "https://api.paytrace.com"
)

// Config configures one PayTrace account.
type Config struct {
	// BaseURL is PayTrace's API root, e.g. SandboxURL or a fake's URL.
	BaseURL string
	// Username and Password are the API user's, for the OAuth password grant.
	Username, Password string
	// IntegratorID identifies paygate's integration; sent in every body.
	IntegratorID string
	// HTTPClient sends the requests; default a client with a 60 s timeout
	// (Go's client refuses TLS below 1.2).
	HTTPClient *http.Client
	// Now is the clock used for token expiry and export date ranges.
	Now func() time.Time
	// StatusLookback is how far back a status lookup by invoice id searches
	// the transaction export; default 14 days.
	StatusLookback time.Duration
	// RecordSize bounds how many recent authorizations and follow-ups the
	// connector remembers to answer repeats; default 10000 each.
	RecordSize int
	// CustomerPerPayment vaults each keyed card as a PayTrace customer
	// named after the payment and charges it by_customer, as Omnify makes a
	// customer per booking, so that refunds after the first can be credits
	// to that customer (partial, repeatable). Off: the card is charged
	// keyed and the payment takes one refund.
	CustomerPerPayment bool
}

// Connector is a connector.Connector for one PayTrace account. It is safe for
// concurrent use; all its callers share one bearer token.
type Connector struct {
	cfg      Config
	tokens   *tokenSource
	payments *record[paymentEntry]
	ops      *record[opEntry]
	// refundLocks decides one refund of a transaction at a time.
	refundLocks keyedLocks
}

var _ connector.Connector = (*Connector)(nil)

// New returns a connector for cfg. It does not call PayTrace: the
// credentials are checked by the first grant.
func New(cfg Config) *Connector {
	if cfg.BaseURL == "" {
		cfg.BaseURL = SandboxURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.StatusLookback <= 0 {
		cfg.StatusLookback = 14 * 24 * time.Hour
	}
	if cfg.RecordSize <= 0 {
		cfg.RecordSize = 10000
	}
	c := &Connector{cfg: cfg, payments: newRecord[paymentEntry](cfg.RecordSize), ops: newRecord[opEntry](cfg.RecordSize)}
	c.tokens = &tokenSource{grant: c.grant, now: cfg.Now}
	return c
}

// Name implements connector.Connector.
func (c *Connector) Name() string { return "paytrace" }

// Factory builds a PayTrace connector from a payment-method configuration:
// credentials username, password and integrator_id (required), base_url
// (optional; default the sandbox, or the live API when Settings.Live) and
// customer_per_payment ("true" or "false", default false; see Config).
func Factory(s connector.Settings) (connector.Connector, error) {
	return NewFactory(nil, nil)(s)
}

// NewFactory is Factory with a chosen HTTP client and clock (nil: defaults).
func NewFactory(client *http.Client, now func() time.Time) connector.Factory {
	return func(s connector.Settings) (connector.Connector, error) {
		cfg := Config{HTTPClient: client, Now: now, BaseURL: SandboxURL}
		if s.Live {
			cfg.BaseURL = LiveURL
		}
		for _, f := range []struct {
			key string
			to  *string
		}{{"username", &cfg.Username}, {"password", &cfg.Password}, {"integrator_id", &cfg.IntegratorID}} {
			v := strings.TrimSpace(s.Credentials[f.key])
			if v == "" {
				return nil, credentialsInvalid(f.key, "is required")
			}
			*f.to = v
		}
		switch v := strings.TrimSpace(s.Credentials["customer_per_payment"]); v {
		case "", "false":
		case "true":
			cfg.CustomerPerPayment = true
		default:
			return nil, credentialsInvalid("customer_per_payment", "must be true or false")
		}
		if v := strings.TrimSpace(s.Credentials["base_url"]); v != "" {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return nil, credentialsInvalid("base_url", "must be an http(s) URL")
			}
			cfg.BaseURL = v
		}
		return New(cfg), nil
	}
}

func credentialsInvalid(key, why string) error {
	return &connector.Error{Class: connector.InvalidRequest, Code: "credentials_invalid", Field: key, Message: "paytrace credential " + key + " " + why}
}

// Payout implements connector.Connector: PayTrace v1 has no payouts.
func (c *Connector) Payout(ctx context.Context, req connector.PayoutRequest) (connector.Result, error) {
	return connector.Result{}, &connector.Error{Class: connector.InvalidRequest, Code: "operation_unsupported", Message: "PayTrace does not send payouts"}
}
