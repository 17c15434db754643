package engine

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/pmconfig"
	"github.com/paygate/paygate/internal/routing"
)

// routeRecheck is how long routing trusts its cached configurations
// before asking the database whether another process changed them; this
// process's own changes drop the cache at once.
const routeRecheck = time.Second

// merchantConfigs returns a merchant's configurations (both modes) from the
// listing cache: its version is checked at most once per routeRecheck, so a
// sale does not pay a read for it.
func (e *Engine) merchantConfigs(ctx context.Context, merchantID string) ([]*pmconfig.Config, error) {
	e.configs.mu.Lock()
	ent, ok := e.configs.entries[merchantID]
	e.configs.mu.Unlock()
	if ok && ent.configs != nil && time.Since(ent.checked) < routeRecheck {
		return ent.configs, nil
	}
	version, err := e.store.ConfigVersion(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	if ok && ent.version == version && ent.configs != nil {
		e.configs.mu.Lock()
		if cur, ok := e.configs.entries[merchantID]; ok && cur.version == version {
			cur.checked = time.Now()
			e.configs.entries[merchantID] = cur
		}
		e.configs.mu.Unlock()
		return ent.configs, nil
	}
	all, err := e.store.ListPMConfigs(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	if all == nil {
		// Cached as "none" too: a merchant without configurations (the
		// built-in processor) would otherwise pay two reads per sale.
		all = []*pmconfig.Config{}
	}
	e.configs.mu.Lock()
	if cur, ok := e.configs.entries[merchantID]; !ok || cur.version != version {
		e.configs.entries[merchantID] = configEntry{version: version, configs: all, matches: map[string][]*pmconfig.Config{}, checked: time.Now()}
	}
	e.configs.mu.Unlock()
	return all, nil
}

// routes lists where a new payment may go, in the order to try them: the
// configuration it names; or, when it names none, the actor's enabled
// configurations whose rules take it (priority, then weights), circuits
// that are open last; or, for a merchant with no configurations in this
// mode, the mode's built-in connector.
func (e *Engine) routes(ctx context.Context, a Actor, in CreatePaymentInput, currency string, src *cardSource) ([]route, error) {
	if in.Config != "" {
		c, err := e.paymentConfig(ctx, a, in.Config, currency)
		if err != nil {
			return nil, err
		}
		r, err := e.configRoute(ctx, c)
		if err != nil {
			return nil, err
		}
		return []route{r}, nil
	}
	all, err := e.merchantConfigs(ctx, a.MerchantID)
	if err != nil {
		return nil, err
	}
	var mine []*pmconfig.Config
	for _, c := range all {
		if c.Mode == a.Mode && c.Enabled && (len(in.AllowedConfigs) == 0 || slices.Contains(in.AllowedConfigs, c.Code)) {
			mine = append(mine, c)
		}
	}
	if len(mine) == 0 && len(in.AllowedConfigs) > 0 {
		// The session's configurations were all disabled or deleted since.
		return nil, fault.InvalidParam("pg_codes", "config_not_found", "none of the payment-method configurations %s is enabled", strings.Join(in.AllowedConfigs, ", "))
	}
	if len(mine) == 0 {
		conn, err := e.connectorFor(a.Mode)
		if err != nil {
			return nil, err
		}
		if !a.Principal.CanUse(conn.Name()) {
			return nil, fault.Missing("permission_denied", string(auth.UsePermission(conn.Name())))
		}
		return []route{{conn: conn, timeout: e.timeout}}, nil
	}
	var usable []*pmconfig.Config
	for _, c := range mine {
		if a.Principal.CanUse(c.Code) {
			usable = append(usable, c)
		}
	}
	if len(usable) == 0 {
		return nil, fault.Missing("permission_denied", string(auth.UsePermission(mine[0].Code)))
	}
	want := routing.Payment{Currency: currency, Amount: in.Amount, Brand: string(src.brand), Country: e.bins.Country(src.number)}
	ordered := routing.Order(usable, want, rand.Float64)
	if len(ordered) == 0 {
		cur, _ := money.Lookup(currency)
		desc := money.Amount{Minor: in.Amount, Currency: cur}.String() + " on a " + want.Brand + " card"
		if want.Country != "" {
			desc += " from " + want.Country
		}
		return nil, fault.InvalidParam("pg_code", "no_route", "no enabled payment-method configuration takes %s; check the configurations' currencies and routing rules, or name one with pg_code", desc)
	}
	var closed, open []route
	for _, c := range ordered {
		r, err := e.configRoute(ctx, c)
		if err != nil {
			e.log.Warn("routing skips a configuration", "config", c.Code, "err", err)
			continue
		}
		if e.breaker.State(c.ID) == routing.Open {
			open = append(open, r)
		} else {
			closed = append(closed, r)
		}
	}
	out := append(closed, open...)
	if len(out) == 0 {
		return nil, fault.New(fault.Unavailable, "processor_not_configured", "no configuration that takes this payment can reach its processor")
	}
	return out, nil
}

// authorize sends the authorization along the routes. It moves to the next
// route only when the processor certainly did nothing (unavailable, rate
// limited, an open circuit) or answered a soft decline that says to try
// again; never after a hard decline and never after an unknown outcome: a
// timeout is resolved by asking the same processor, so one payment never
// holds two authorizations. Before each move the payment's new route is
// committed, so recovery after a crash asks the processor that may have it.
func (e *Engine) authorize(ctx context.Context, a Actor, p *payment.Payment, op *payment.Operation, routes []route, req connector.AuthorizeRequest) (connector.Result, error, error) {
	ctx = context.WithoutCancel(ctx)
	var trail []string
	for i, r := range routes {
		if i > 0 {
			if err := e.switchRoute(ctx, a, p, r); err != nil {
				return connector.Result{}, nil, err
			}
		}
		res, callErr := e.authorizeAt(ctx, r, req)
		last := i == len(routes)-1
		if !last && (connector.Retryable(callErr) || callErr == nil && res.Outcome == connector.Declined && res.Retryable) {
			trail = append(trail, r.code()+":"+failoverReason(res, callErr))
			continue
		}
		if len(trail) > 0 {
			if op.Metadata == nil {
				op.Metadata = map[string]string{}
			}
			op.Metadata["failed_over_from"] = strings.Join(trail, " ")
		}
		return res, callErr, nil
	}
	panic("engine: authorize without routes")
}

func failoverReason(res connector.Result, err error) string {
	var ce *connector.Error
	if errors.As(err, &ce) {
		if ce.Code != "" {
			return ce.Code
		}
		return string(ce.Class)
	}
	return res.DeclineCode
}

// authorizeAt is one authorization at one route, behind its circuit breaker.
// An unknown outcome is followed by a status lookup at the same processor;
// if that cannot tell, the outcome stays unknown for recovery.
func (e *Engine) authorizeAt(ctx context.Context, r route, req connector.AuthorizeRequest) (connector.Result, error) {
	if r.cfg != nil && !e.breaker.Allow(r.cfg.ID) {
		return connector.Result{}, &connector.Error{Class: connector.Unavailable, Code: "circuit_open",
			Message: "configuration " + r.cfg.Code + " is failing and takes no new payments for a while"}
	}
	res, callErr := e.call(ctx, r, "authorize", func(cctx context.Context) (connector.Result, error) { return r.conn.Authorize(cctx, req) })
	if !connector.OutcomeUnknown(callErr) {
		return res, callErr
	}
	sres, serr := e.call(ctx, r, "status", func(cctx context.Context) (connector.Result, error) {
		return r.conn.Status(cctx, connector.StatusRequest{PaymentID: req.PaymentID, Live: req.Live})
	})
	if serr != nil || sres.Outcome == connector.NotFound {
		// A request may still be on its way to the processor; only
		// recovery, later, may conclude it never arrived.
		return res, callErr
	}
	return sres, nil
}

// switchRoute commits that a payment now goes to another configuration.
func (e *Engine) switchRoute(ctx context.Context, a Actor, p *payment.Payment, r route) error {
	p.Config, p.Connector = r.code(), r.conn.Name()
	return e.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.GetPaymentForUpdate(ctx, a.MerchantID, a.Mode, p.ID)
		if err != nil {
			return err
		}
		cur.Config, cur.Connector, cur.UpdatedAt = p.Config, p.Connector, e.now()
		return tx.UpdatePayment(ctx, cur)
	})
}

// forgetConfigs drops a merchant's cached configurations after this process
// changed them.
func (e *Engine) forgetConfigs(merchantID string) {
	e.configs.mu.Lock()
	delete(e.configs.entries, merchantID)
	e.configs.mu.Unlock()
}
