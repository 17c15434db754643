package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/pmconfig"
)

// ConnectorObserver hears about every processor call (metrics): which
// connector and configuration, which operation, its outcome (an Outcome,
// or an error class such as "timeout") and how long it took. It must not block.
type ConnectorObserver interface {
	ConnectorCall(connectorName, config, operation, outcome string, d time.Duration)
}

// route is where one payment (or one attempt of it) goes: a configuration
// (nil for the mode's built-in connector) and the connector serving it.
type route struct {
	cfg     *pmconfig.Config
	conn    connector.Connector
	timeout time.Duration
}

func (r route) code() string {
	if r.cfg == nil {
		return ""
	}
	return r.cfg.Code
}

// builtConn is a connector built from one version of a configuration.
type builtConn struct {
	updated time.Time
	conn    connector.Connector
}

type connCache struct {
	mu    sync.Mutex
	built map[string]builtConn // by configuration id
}

// connectorAvailable reports whether configurations in mode may name the connector.
func (e *Engine) connectorAvailable(mode payment.Mode, name string) bool {
	return slices.Contains(e.connectorNames(mode), name)
}

// connectorNames lists the connectors a configuration in mode may use: the
// mode's built-in one and every connector built from credentials.
func (e *Engine) connectorNames(mode payment.Mode) []string {
	var out []string
	if c := e.connectors[mode]; c != nil {
		out = append(out, c.Name())
	}
	for name := range e.factories {
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// checkCredentials builds the connector with the given credentials so a
// missing or malformed one is refused when the configuration is saved.
func (e *Engine) checkCredentials(c *pmconfig.Config, creds map[string]string) error {
	f := e.factories[c.Connector]
	if f == nil {
		return builtinCredentials(creds)
	}
	_, err := f(connector.Settings{ConfigID: c.ID, Code: c.Code, Live: c.Mode == payment.Live, Credentials: creds})
	var ce *connector.Error
	if errors.As(err, &ce) {
		param := "credentials"
		if ce.Field != "" {
			param += "." + ce.Field
		}
		return fault.InvalidParam(param, "credentials_invalid", "%s", ce.Message)
	}
	return err
}

// configConnector returns the connector serving a configuration, built
// once per version of the configuration (connectors keep state such as
// OAuth tokens, so they are reused).
func (e *Engine) configConnector(ctx context.Context, c *pmconfig.Config) (connector.Connector, error) {
	f := e.factories[c.Connector]
	if f == nil {
		d := e.connectors[c.Mode]
		if d == nil || d.Name() != c.Connector {
			return nil, fault.New(fault.Unavailable, "processor_not_configured", "connector %q of configuration %q is not available", c.Connector, c.Code)
		}
		if len(c.SealedCredentials) > 0 {
			creds, err := e.configCredentials(ctx, c)
			if err != nil {
				return nil, err
			}
			if creds[outageCredential] == "unavailable" {
				return outage{d}, nil
			}
		}
		return d, nil
	}
	e.conns.mu.Lock()
	b, ok := e.conns.built[c.ID]
	e.conns.mu.Unlock()
	if ok && b.updated.Equal(c.UpdatedAt) {
		return b.conn, nil
	}
	creds, err := e.configCredentials(ctx, c)
	if err != nil {
		return nil, err
	}
	conn, err := f(connector.Settings{ConfigID: c.ID, Code: c.Code, Live: c.Mode == payment.Live, Credentials: creds})
	if err != nil {
		return nil, &fault.Error{Kind: fault.Unavailable, Code: "processor_not_configured", Err: err,
			Message: fmt.Sprintf("configuration %q cannot reach its processor", c.Code)}
	}
	e.conns.mu.Lock()
	if e.conns.built == nil {
		e.conns.built = map[string]builtConn{}
	}
	e.conns.built[c.ID] = builtConn{updated: c.UpdatedAt, conn: conn}
	e.conns.mu.Unlock()
	return conn, nil
}

// configCredentials opens a configuration's credentials (none: empty).
func (e *Engine) configCredentials(ctx context.Context, c *pmconfig.Config) (map[string]string, error) {
	creds := map[string]string{}
	if len(c.SealedCredentials) == 0 {
		return creds, nil
	}
	raw, err := e.open(ctx, c.CredentialsKeyID, []byte("pmc|"+c.ID+"|"+c.CredentialsKeyID), c.SealedCredentials)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &creds); err != nil {
		return nil, err
	}
	return creds, nil
}

// outageCredential is the one credential of the built-in connector:
// "unavailable" makes every authorization through the configuration answer
// as a processor that is down (and certainly did nothing), so failover to
// the next configuration can be tried out in the sandbox.
const outageCredential = "simulate_outage"

// builtinCredentials checks the built-in connector's one credential; it
// ignores others (kept sealed like any configuration's).
func builtinCredentials(creds map[string]string) error {
	if v := creds[outageCredential]; v != "" && v != "unavailable" {
		return fault.InvalidParam("credentials."+outageCredential, "credentials_invalid", "%s must be \"unavailable\" or empty", outageCredential)
	}
	return nil
}

// outage is the built-in connector behind a configuration that simulates
// an outage: authorizations are refused as unavailable; the rest passes.
type outage struct{ connector.Connector }

func (outage) Authorize(context.Context, connector.AuthorizeRequest) (connector.Result, error) {
	return connector.Result{}, &connector.Error{Class: connector.Unavailable, Code: "simulated_outage", Message: "the configuration simulates an outage (credentials.simulate_outage)"}
}

// configRoute is the route of a configuration.
func (e *Engine) configRoute(ctx context.Context, c *pmconfig.Config) (route, error) {
	conn, err := e.configConnector(ctx, c)
	if err != nil {
		return route{}, err
	}
	t := e.timeout
	if c.Routing.Timeout > 0 {
		t = c.Routing.Timeout
	}
	return route{cfg: c, conn: conn, timeout: t}, nil
}

// paymentRoute is where an existing payment's follow-ups and status
// lookups go: the configuration it was authorized through, even if that
// configuration has since been disabled, or the mode's built-in connector.
// A deleted configuration of the built-in connector still reaches it.
func (e *Engine) paymentRoute(ctx context.Context, p *payment.Payment) (route, error) {
	if p.Config == "" {
		conn, err := e.connectorFor(p.Mode)
		return route{conn: conn, timeout: e.timeout}, err
	}
	c, err := e.store.GetPMConfigByCode(ctx, p.MerchantID, p.Mode, p.Config)
	if fault.IsNotFound(err) {
		if d := e.connectors[p.Mode]; d != nil && d.Name() == p.Connector {
			return route{conn: d, timeout: e.timeout}, nil
		}
		return route{}, fault.New(fault.Unavailable, "processor_not_configured", "configuration %q of this payment was deleted", p.Config)
	}
	if err != nil {
		return route{}, err
	}
	return e.configRoute(ctx, c)
}

// call runs one processor call with the route's timeout, reports it to the
// observer and, for new authorizations, to the circuit breaker.
func (e *Engine) call(ctx context.Context, r route, operation string, fn func(ctx context.Context) (connector.Result, error)) (connector.Result, error) {
	cctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	start := time.Now()
	res, err := fn(cctx)
	d := time.Since(start)
	outcome := string(res.Outcome)
	var ce *connector.Error
	switch {
	case errors.As(err, &ce):
		outcome = string(ce.Class)
	case err != nil:
		outcome = "error"
	}
	if e.connObs != nil {
		e.connObs.ConnectorCall(r.conn.Name(), r.code(), operation, outcome, d)
	}
	if operation == "authorize" && r.cfg != nil {
		// A decline is the processor working; only failures to answer count.
		e.breaker.Record(r.cfg.ID, err == nil || !(connector.OutcomeUnknown(err) || connector.Retryable(err)))
	}
	return res, err
}
