package engine

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/payout"
	"github.com/paygate/paygate/internal/routing"
	"github.com/paygate/paygate/internal/vault"
)

// Config wires an Engine. Store and at least one connector are required.
type Config struct {
	Store Store
	// Connectors by mode: the sandbox processor serves sandbox mode; live mode
	// has none until a real connector is configured (the orchestration issue
	// adds per-configuration routing).
	Connectors map[payment.Mode]connector.Connector
	// Factories build connectors for payment-method configurations that
	// carry credentials ("paytrace", "stripe"), by connector name.
	Factories map[string]connector.Factory
	// Doors render the callbacks of payments made through vendor front
	// doors, by door name (CreatePaymentInput.Door).
	Doors map[string]DoorNotifier
	// ConnectorObserver, if set, hears about every processor call (metrics).
	ConnectorObserver ConnectorObserver
	// Breaker guards each configuration's new authorizations (default: 5
	// failures in a row open it for 30 s).
	Breaker *routing.Breaker
	// BINs gives a card's issuing country for routing (default card.DefaultBINs()).
	BINs *card.BINTable
	// ConnectorTimeout bounds one processor call (default 30 s).
	ConnectorTimeout time.Duration
	// Keyring holds the vault's key-encryption keys; without it the vault
	// (saved cards, tokens, client-side encryption) answers 503 and card
	// fingerprints are omitted.
	Keyring *vault.Keyring
	// CardTokenTTL is the lifetime of single-use card tokens (default 10 min, at most 15).
	CardTokenTTL time.Duration
	// ChallengeTTL is how long a payment waits for 3-D Secure before it
	// expires (default 15 min).
	ChallengeTTL time.Duration
	// PendingTTL is how long a payment may stay pending at the processor
	// before it expires (default 7 days).
	PendingTTL time.Duration
	// PublicURL is paygate's own base URL, for links payers follow.
	PublicURL string
	// RenderEvent renders the object of an event (the API's JSON shape).
	RenderEvent EventRenderer
	Now         func() time.Time
	Logger      *slog.Logger
	// TokenTTL is the lifetime of OAuth access tokens (default 1 h, at most 24 h).
	TokenTTL time.Duration
	// SessionTTL is the lifetime of dashboard sessions (default 12 h, at most 30 days).
	SessionTTL time.Duration
	// PasswordParams are the argon2id costs for new password hashes
	// (default auth.DefaultPasswordParams).
	PasswordParams *auth.PasswordParams
	// Observer, if set, hears about each committed payment change (metrics).
	Observer Observer
}

// Observer is told about committed changes; it must not block.
type Observer interface {
	PaymentChanged(p *payment.Payment)
}

// Engine runs paygate's use cases. It is safe for concurrent use.
type Engine struct {
	store      Store
	connectors map[payment.Mode]connector.Connector
	factories  map[string]connector.Factory
	doors      map[string]DoorNotifier
	conns      connCache
	connObs    ConnectorObserver
	breaker    *routing.Breaker
	bins       *card.BINTable
	timeout    time.Duration
	keyring    *vault.Keyring
	vk         vaultKeys
	cvcs       *cvcCache
	claims     keyClaims
	cardTTL    time.Duration
	challenge  time.Duration
	pendingTTL time.Duration
	publicURL  string
	renderer   EventRenderer
	// eventsWritten, if set, is called after a transaction that emitted events commits.
	eventsWritten func()
	wakeup        chan struct{}
	eventIDs      id.Monotonic
	schedWake     chan struct{}
	configs       configCache
	mailWake      chan struct{}
	now           func() time.Time
	log           *slog.Logger
	observer      Observer
	tokenTTL      time.Duration
	sessionTTL    time.Duration
	pwParams      auth.PasswordParams
	dummyOnce     sync.Once
	credWatch     credentialWatchers
	dummy         string
}

// New checks cfg and returns an Engine.
func New(cfg Config) (*Engine, error) {
	if cfg.Store == nil {
		return nil, errors.New("engine: Store is required")
	}
	e := &Engine{renderer: cfg.RenderEvent, connectors: cfg.Connectors, timeout: cfg.ConnectorTimeout,
		keyring: cfg.Keyring, now: cfg.Now, publicURL: cfg.PublicURL, log: cfg.Logger, observer: cfg.Observer}
	if e.timeout <= 0 {
		e.timeout = 30 * time.Second
	}
	e.factories, e.connObs, e.breaker, e.bins, e.doors = cfg.Factories, cfg.ConnectorObserver, cfg.Breaker, cfg.BINs, cfg.Doors
	if e.breaker == nil {
		e.breaker = &routing.Breaker{Now: func() time.Time { return e.now() }}
	}
	if e.bins == nil {
		e.bins = card.DefaultBINs()
	}
	if e.now == nil {
		e.now = time.Now
	}
	e.store = &eventStore{Store: cfg.Store, e: e}
	e.wakeup = make(chan struct{}, 1)
	e.schedWake = make(chan struct{}, 1)
	e.configs.entries = map[string]configEntry{}
	e.mailWake = make(chan struct{}, 1)
	e.eventsWritten = e.wake
	if e.publicURL == "" {
		e.publicURL = "http://localhost:8080" // the default listen address
	}
	e.cardTTL = clampDuration(cfg.CardTokenTTL, 10*time.Minute, 15*time.Minute)
	e.challenge = clampDuration(cfg.ChallengeTTL, 15*time.Minute, 24*time.Hour)
	e.pendingTTL = clampDuration(cfg.PendingTTL, 7*24*time.Hour, 90*24*time.Hour)
	e.cvcs = newCVCCache(e.now)
	e.tokenTTL = clampDuration(cfg.TokenTTL, time.Hour, 24*time.Hour)
	e.sessionTTL = clampDuration(cfg.SessionTTL, 12*time.Hour, 30*24*time.Hour)
	e.pwParams = auth.DefaultPasswordParams
	if cfg.PasswordParams != nil {
		e.pwParams = *cfg.PasswordParams
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	return e, nil
}

// Store returns the engine's store, for read-only use by doors and commands.
func (e *Engine) Store() Store { return e.store }

// Actor is who is asking: one merchant in one mode. Every use case is scoped
// to it, so objects of other merchants or modes are invisible (NotFound).
type Actor struct {
	MerchantID string
	Mode       payment.Mode
	// Principal is the credential acting and its rights; the zero value is
	// the system itself (CLI, recovery), which may do everything.
	Principal auth.Principal
	// IP and RequestID say where the request came from, for the audit log.
	IP, RequestID string
}

// Result is what a use case produced, handed to an Idempotency's Render.
type Result struct {
	Payment *payment.Payment
	// Operation is set for refunds (the refund object is the answer).
	Operation *payment.Operation
	// Payout is set for payouts.
	Payout *payout.Payout
}

// Idempotency makes a POST safe to retry. Render turns the use case's result
// (or its error) into the exact response to store and replay; it runs inside
// the final transaction so the record and the state change commit together.
type Idempotency struct {
	Key         string
	Fingerprint string
	Render      func(Result, error) (status int, body []byte)
}

// Replay is a stored response for a repeated idempotency key.
type Replay struct {
	Status int
	Body   []byte
}

func (e *Engine) notify(p *payment.Payment) {
	if e.observer != nil && p != nil {
		e.observer.PaymentChanged(p)
	}
}

// processorContext detaches processor calls and their recording from the
// caller's cancellation: a client that hangs up must not leave a charge
// half-recorded. The timeout still bounds the work.
func (e *Engine) processorContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), e.timeout)
}
