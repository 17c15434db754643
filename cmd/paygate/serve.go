package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/paygate/paygate/internal/api"
	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/paytrace"
	"github.com/paygate/paygate/internal/connector/sandbox"
	"github.com/paygate/paygate/internal/connector/stripe"
	"github.com/paygate/paygate/internal/dashboard"
	"github.com/paygate/paygate/internal/delivery"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/opentrade"
	"github.com/paygate/paygate/internal/frontdoor/ottu"
	"github.com/paygate/paygate/internal/frontdoor/paymentz"
	"github.com/paygate/paygate/internal/frontdoor/smartpay"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

// gateway is a wired, running-capable paygate.
type gateway struct {
	store  engine.Store
	engine *engine.Engine
	api    *api.Server
	log    *slog.Logger
}

func newGateway(ctx context.Context, c Config, logw io.Writer, migrate bool) (*gateway, error) {
	log := newLogger(c, logw)
	reg := prometheus.NewRegistry()
	metrics := api.NewMetrics(reg)
	st, err := openStore(ctx, c.DatabaseURL, migrate, metrics.StoreCommit)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	kr, err := keyring(c, log)
	if err != nil {
		st.Close()
		return nil, err
	}
	if c.BINTable != "" {
		if err := loadBINs(c.BINTable); err != nil {
			st.Close()
			return nil, err
		}
	}
	eng, err := engine.New(engine.Config{
		Keyring:     kr,
		PublicURL:   strings.TrimRight(c.PublicURL, "/"),
		RenderEvent: api.RenderEvent,
		Store:       st,
		Connectors: map[payment.Mode]connector.Connector{
			payment.Sandbox: sandbox.New(sandbox.Options{BaseURL: strings.TrimRight(c.PublicURL, "/"), Latency: c.SandboxLatency}),
		},
		// Processors reached through payment-method configurations with credentials.
		Factories:         map[string]connector.Factory{"paytrace": paytrace.Factory, "stripe": stripe.Factory},
		ConnectorTimeout:  c.ConnectorTimeout,
		Logger:            log,
		Observer:          metrics,
		ConnectorObserver: metrics,
		TokenTTL:          c.TokenTTL,
		SessionTTL:        c.SessionTTL,
		PendingTTL:        c.PendingTTL,
	})
	if err == nil && migrate {
		// Refuse to start with a key that does not match the database.
		err = eng.LoadVault(ctx)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	limits := api.DefaultRateLimits
	limits.PerCredential, limits.PerCredentialBurst = c.RateLimit, 2*c.RateLimit
	limits.PerIP, limits.PerIPBurst = c.IPRateLimit, 2*c.IPRateLimit
	csrfKey, err := eng.DerivedKey(ctx, "web-csrf")
	if err != nil {
		st.Close()
		return nil, err
	}
	pages := web.New(web.Config{Engine: eng, Logger: log, CSRFKey: csrfKey})
	pz := paymentz.New(paymentz.Config{Engine: eng, Logger: log, PublicURL: c.PublicURL})
	eng.RegisterDoor(paymentz.Door, pz)
	ot := opentrade.New(opentrade.Config{Engine: eng, Logger: log, PublicURL: strings.TrimRight(c.PublicURL, "/")})
	otNotifier := opentrade.NewNotifier(nil) // the documented form-encoded format
	otNotifier.Bind(eng)
	eng.RegisterDoor(opentrade.Door, otNotifier)
	sp := smartpay.New(smartpay.Config{Engine: eng, Logger: log, PublicURL: strings.TrimRight(c.PublicURL, "/"), SettleAfter: c.SmartPaySettleAfter})
	eng.RegisterDoor(smartpay.Door, sp)
	eng.RegisterDoor(ottu.Door, &ottu.Notifier{Engine: eng})
	logins := api.NewLoginLimiter(&limits, nil)
	dash := dashboard.New(dashboard.Config{Engine: eng, Logger: log, SessionTTL: c.SessionTTL, Logins: logins})
	doors := map[string]http.Handler{paymentz.Prefix: pz.Handler(), paymentz.InvoicePrefix: pz.Handler(), opentrade.Prefix: ot.Handler(),
		smartpay.Prefix: sp.Handler(), dashboard.Prefix: dash.Handler()}
	ottuDoor := ottu.New(ottu.Config{Engine: eng, Logger: log, PublicURL: strings.TrimRight(c.PublicURL, "/")})
	od := ottuDoor.Handler()
	for _, p := range ottu.Prefixes {
		doors[p] = od // Ottu's Checkout and operations APIs; its Payment Methods API is native
	}
	srv := api.New(api.Config{Engine: eng, Logger: log, Registry: reg, Metrics: metrics, RateLimits: &limits, Logins: logins, SessionTTL: c.SessionTTL,
		Pages: pages.Handler(), PagePrefixes: web.Prefixes,
		Doors: doors})
	// The door's Basic passwords go through the API's sign-in limits and cache.
	ottuDoor.UsePasswords(ottu.PasswordChecker(srv.PasswordChecker()))
	return &gateway{store: st, engine: eng, api: srv, log: log}, nil
}

func serveCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, _, err := parse("serve", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	tuneGC(getenv)
	g, err := newGateway(ctx, c, stderr, true)
	if err != nil {
		return err
	}
	defer g.store.Close()

	if secret, err := g.engine.EnsureDemoMerchant(ctx); err != nil {
		return err
	} else if secret != "" {
		printDemoKey(stdout, c, secret)
	}

	if path := getenv("PAYGATE_CPUPROFILE"); path != "" {
		stopProfile, err := startCPUProfile(path)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	if path := getenv("PAYGATE_TRACE"); path != "" {
		stopTrace, err := startTrace(path)
		if err != nil {
			return err
		}
		defer stopTrace()
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: g.api.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	g.log.Info("paygate listening", "addr", ln.Addr().String(), "database", redactURL(c.DatabaseURL))
	mailer, where, err := newMailer(c)
	if err != nil {
		return err
	}
	g.log.Info("outgoing mail", "to", where)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	// Background work stops, and is waited for, before the store closes
	// (the deferred Close runs after this deferred wait).
	bgCtx, stopBackground := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer func() { stopBackground(); bg.Wait() }()
	if w := c.leaseWarning(); w != "" {
		g.log.Warn(w)
	}
	for _, work := range []func(context.Context){
		func(ctx context.Context) { g.recoverLoop(ctx, c) },
		func(ctx context.Context) { g.engine.RunScheduler(ctx, 5*time.Second) },
		func(ctx context.Context) { g.engine.RunMailer(ctx, mailer, 5*time.Second) },
		func(ctx context.Context) {
			g.engine.RunDispatcher(ctx, engine.DispatchConfig{Sender: delivery.New(c.WebhookTimeout),
				AllowPrivateLive: c.WebhookAllowPrivate, Lease: c.WebhookLease, Batch: 512, PerEndpoint: 32})
		},
	} {
		bg.Add(1)
		go func() { defer bg.Done(); work(bgCtx) }()
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	g.log.Info("shutting down: letting in-flight requests finish", "timeout", c.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// recoverLoop resolves payments whose outcome was left unknown, by asking the
// processor. It only looks at processing payments older than a connector
// timeout, so it never races a request still waiting for its answer. Once an
// hour it also reaps idempotency keys past their retention.
func (g *gateway) recoverLoop(ctx context.Context, c Config) {
	t := time.NewTicker(c.RecoveryInterval)
	defer t.Stop()
	var lastReap time.Time
	for {
		if time.Since(lastReap) > time.Hour {
			lastReap = time.Now()
			if n, _, err := g.engine.ReapIdempotencyKeys(ctx, c.IdempotencyRetention); err != nil {
				g.log.Warn("idempotency reaper failed", "err", err)
			} else if n > 0 {
				g.log.Info("reaped idempotency keys", "count", n)
			}
		}
		if n, err := g.engine.ExpireChallenges(ctx); err != nil && ctx.Err() == nil {
			g.log.Warn("expiring abandoned 3-D Secure challenges failed", "err", err)
		} else if n > 0 {
			g.log.Info("expired abandoned 3-D Secure challenges", "count", n)
		}
		if n, err := g.engine.Recover(ctx, c.ConnectorTimeout+5*time.Second, 0); err != nil && ctx.Err() == nil {
			g.log.Warn("recovery pass failed", "err", err)
		} else if n > 0 {
			g.log.Info("recovered payments", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func printDemoKey(w io.Writer, c Config, secret string) {
	base := strings.TrimRight(c.PublicURL, "/")
	fmt.Fprintf(w, `
paygate: created the demo merchant %q. Its sandbox secret key is shown only this once:

    %s

Try a first payment:

    curl -s %s/v1/payments \
      -H "Authorization: Bearer %s" \
      -H "Content-Type: application/json" \
      -H "Idempotency-Key: first-payment" \
      -d '{"amount":1099,"currency":"USD","payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2030,"cvc":"123"}}}'

`, engine.DemoMerchantID, secret, base, secret)
}

// redactURL drops a password from a database URL before it is logged.
func redactURL(u string) string {
	if at := strings.LastIndex(u, "@"); at > 0 {
		if i := strings.Index(u, "://"); i > 0 && i < at {
			userinfo := u[i+3 : at]
			if name, _, ok := strings.Cut(userinfo, ":"); ok {
				return u[:i+3] + name + ":***" + u[at:]
			}
		}
	}
	return u
}

// loadBINs adds a BIN table file to the built-in one.
func loadBINs(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("bin table: %w", err)
	}
	defer f.Close()
	if err := card.DefaultBINs().Load(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
