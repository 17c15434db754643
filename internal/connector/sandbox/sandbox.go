package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"sync"
	"time"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/money"
)

// Options configure the sandbox.
type Options struct {
	// BaseURL prefixes 3-D Secure challenge links (paygate's public URL).
	BaseURL string
	// PendingDelay is how long pending cards stay pending (default 2 s).
	PendingDelay time.Duration
	// Latency is added to every call, honouring cancellation.
	Latency time.Duration
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// auth is what the sandbox remembers of one authorization. Never the card
// number or CVC: only what a processor's status lookup would report.
type auth struct {
	paymentID   string
	merchantID  string
	challengeID string
	live        bool
	currency    string
	last4       string
	ref         string
	brand       string
	card        TestCard
	amount      int64
	capture     bool
	outcome     connector.Outcome
	decline     string
	pendingTil  time.Time
	captured    int64
	refunded    int64
	voided      bool
	threeDS     *connector.ThreeDS
}

// Sandbox is the built-in test processor. It is safe for concurrent use.
type Sandbox struct {
	opts  Options
	mu    sync.Mutex
	byPay map[string]*auth
	byRef map[string]*auth
	// byChallenge finds a waiting 3-D Secure challenge by its unguessable id.
	byChallenge map[string]*auth
	// ops remembers the answer to each capture, void and refund by
	// operation id, for status lookups after a timeout.
	ops map[string]connector.Result
}

var _ connector.Connector = (*Sandbox)(nil)

// New returns a sandbox processor.
func New(opts Options) *Sandbox {
	if opts.PendingDelay <= 0 {
		opts.PendingDelay = 2 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Sandbox{opts: opts, byPay: map[string]*auth{}, byRef: map[string]*auth{}, byChallenge: map[string]*auth{}, ops: map[string]connector.Result{}}
}

// Name implements connector.Connector.
func (s *Sandbox) Name() string { return "sandbox" }

// InProcess implements connector.InProcess: without simulated latency the
// sandbox answers from memory at once.
func (s *Sandbox) InProcess() bool { return s.opts.Latency == 0 }

func (s *Sandbox) wait(ctx context.Context) error {
	if s.opts.Latency > 0 {
		t := time.NewTimer(s.opts.Latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
	if ctx.Err() != nil {
		return &connector.Error{Class: connector.Timeout, Message: "sandbox call cancelled", Err: ctx.Err()}
	}
	return nil
}

func declined(code string) connector.Result {
	return connector.Result{Outcome: connector.Declined, DeclineCode: code, Message: declineMessages[code],
		Retryable: code == "processing_error", RawCode: code}
}

// Authorize implements connector.Connector.
func (s *Sandbox) Authorize(ctx context.Context, req connector.AuthorizeRequest) (connector.Result, error) {
	if err := s.wait(ctx); err != nil {
		return connector.Result{}, err
	}
	tc, known := lookup(card.Normalize(req.Card.Number))
	if req.Live {
		code := "sandbox_live_mode"
		if known {
			code = "test_card_in_live_mode"
		}
		return connector.Result{}, &connector.Error{Class: connector.InvalidRequest, Code: code, Message: "the sandbox processor does not take live payments"}
	}
	if !known {
		return declined("test_mode_live_card"), nil
	}
	s.mu.Lock()
	prev := s.byPay[req.PaymentID]
	s.mu.Unlock()
	if prev != nil {
		// Processors deduplicate by their idempotency key; so does the sandbox.
		return s.Status(ctx, connector.StatusRequest{PaymentID: req.PaymentID})
	}
	if tc.Behaviour == ProcessorDown {
		return connector.Result{}, &connector.Error{Class: connector.Unavailable, Code: "processor_unavailable", Message: "the sandbox processor is unavailable (test card)"}
	}
	a := &auth{paymentID: req.PaymentID, merchantID: req.MerchantID, live: req.Live, currency: req.Amount.Currency.Code,
		last4: card.Last4(card.Normalize(req.Card.Number)), ref: id.New("sbx"), brand: req.Card.Brand, card: tc,
		amount: req.Amount.Minor, capture: req.Capture}
	behaviour := tc.Behaviour
	if code, ok := holderOverrides[strings.ToUpper(strings.TrimSpace(req.Card.Holder))]; ok && behaviour == Approve {
		behaviour, a.card.DeclineCode = Decline, code
	}
	if behaviour == ChallengeUnlessMIT && req.MerchantInitiated {
		behaviour = Approve
	}
	if behaviour == DeclineMIT {
		behaviour = Approve
		if req.MerchantInitiated {
			behaviour = Decline
		}
	}
	var res connector.Result
	switch behaviour {
	case Approve, TimeoutAfterAuth:
		a.outcome = connector.Approved
		a.threeDS = nil
	case Decline:
		a.outcome, a.decline = connector.Declined, a.card.DeclineCode
	case Challenge, ChallengeUnlessMIT:
		a.outcome = connector.ActionRequired
		a.challengeID = "chl_" + id.Secret(20)
	case Frictionless:
		a.outcome = connector.Approved
		a.threeDS = &connector.ThreeDS{Version: "2.2.0", TransStatus: "Y", ECI: eci(a.brand, true), CAVV: cavv(), Flow: "frictionless"}
	case Attempted:
		a.outcome = connector.Approved
		a.threeDS = &connector.ThreeDS{Version: "2.2.0", TransStatus: "A", ECI: attemptedECI(a.brand), CAVV: cavv(), Flow: "frictionless"}
	case PendingApprove, PendingDecline:
		a.outcome = connector.Pending
		a.pendingTil = s.opts.Now().Add(s.opts.PendingDelay)
	}
	s.mu.Lock()
	s.byPay[req.PaymentID], s.byRef[a.ref] = a, a
	if a.challengeID != "" {
		s.byChallenge[a.challengeID] = a
	}
	res = s.resultLocked(a)
	s.mu.Unlock()
	if behaviour == TimeoutAfterAuth {
		return connector.Result{}, &connector.Error{Class: connector.Timeout, Message: "the sandbox authorized but its answer was lost (test card)"}
	}
	return res, nil
}

// resultLocked reports an authorization's current state, resolving a
// pending one whose delay has passed. s.mu must be held.
func (s *Sandbox) resultLocked(a *auth) connector.Result {
	if a.outcome == connector.Pending && !s.opts.Now().Before(a.pendingTil) {
		if a.card.Behaviour == PendingDecline {
			a.outcome, a.decline = connector.Declined, a.card.DeclineCode
		} else {
			a.outcome = connector.Approved
		}
	}
	switch a.outcome {
	case connector.Approved:
		if a.capture && a.captured == 0 {
			a.captured = a.amount
		}
		return connector.Result{Outcome: connector.Approved, ProcessorRef: a.ref, Captured: a.capture, AmountAuthorized: a.amount, ThreeDS: a.threeDS, RawCode: "00"}
	case connector.Declined:
		r := declined(a.decline)
		r.ProcessorRef = a.ref
		r.ThreeDS = a.threeDS
		return r
	case connector.ActionRequired:
		return connector.Result{Outcome: connector.ActionRequired, ProcessorRef: a.ref,
			ActionURL: strings.TrimRight(s.opts.BaseURL, "/") + "/sandbox/3ds/" + a.challengeID}
	default:
		return connector.Result{Outcome: a.outcome, ProcessorRef: a.ref}
	}
}

// Challenge implements connector.Challenger.
func (s *Sandbox) Challenge(challengeID string) (connector.ChallengeInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.byChallenge[challengeID]
	if a == nil {
		return connector.ChallengeInfo{}, false
	}
	cur, _ := money.Lookup(a.currency)
	return connector.ChallengeInfo{ChallengeID: challengeID, PaymentID: a.paymentID, MerchantID: a.merchantID, Live: a.live,
		Amount: money.Amount{Minor: a.amount, Currency: cur}, Brand: a.brand, Last4: a.last4}, true
}

// CompleteChallenge implements connector.Challenger: the one-time password
// "password" or "1234" passes the challenge, anything else fails it. A
// challenge is answered once; asking again reports the first result.
func (s *Sandbox) CompleteChallenge(ctx context.Context, challengeID, otp string) (connector.Result, error) {
	if err := s.wait(ctx); err != nil {
		return connector.Result{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.byChallenge[challengeID]
	if a == nil {
		return connector.Result{}, &connector.Error{Class: connector.InvalidRequest, Code: "no_pending_challenge", Message: "no 3-D Secure challenge is waiting with this id"}
	}
	if a.outcome != connector.ActionRequired {
		return s.resultLocked(a), nil
	}
	if otp != "password" && otp != "1234" {
		a.outcome, a.decline = connector.Declined, "authentication_failed"
		a.threeDS = &connector.ThreeDS{Version: "2.2.0", TransStatus: "N", ECI: eci(a.brand, false), Flow: "challenge"}
		return s.resultLocked(a), nil
	}
	a.threeDS = &connector.ThreeDS{Version: "2.2.0", TransStatus: "Y", ECI: eci(a.brand, true), CAVV: cavv(), Flow: "challenge"}
	if a.card.DeclineCode != "" {
		a.outcome, a.decline = connector.Declined, a.card.DeclineCode
	} else {
		a.outcome = connector.Approved
	}
	return s.resultLocked(a), nil
}

func attemptedECI(brand string) string {
	if brand == "mastercard" {
		return "01"
	}
	return "06"
}

func eci(brand string, authenticated bool) string {
	switch {
	case brand == "mastercard" && authenticated:
		return "02"
	case brand == "mastercard":
		return "00"
	case authenticated:
		return "05"
	default:
		return "07"
	}
}

func cavv() string {
	b := make([]byte, 20)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func (s *Sandbox) find(paymentID, ref string) *auth {
	if a := s.byPay[paymentID]; a != nil {
		return a
	}
	return s.byRef[ref]
}

func invalid(code, msg string) error {
	return &connector.Error{Class: connector.InvalidRequest, Code: code, Message: msg}
}

// Capture implements connector.Connector.
func (s *Sandbox) Capture(ctx context.Context, req connector.CaptureRequest) (connector.Result, error) {
	if err := s.wait(ctx); err != nil {
		return connector.Result{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.repeatLocked(req.OperationID); ok {
		return r, nil
	}
	a := s.find(req.PaymentID, req.ProcessorRef)
	switch {
	case a == nil || a.outcome != connector.Approved:
		return connector.Result{}, invalid("no_such_payment", "no authorization to capture")
	case a.captured > 0 || a.voided:
		return connector.Result{}, invalid("already_captured", "the authorization was already captured or voided")
	case req.Amount.Minor <= 0 || req.Amount.Minor > a.amount:
		return connector.Result{}, invalid("amount_too_large", "capture amount exceeds the authorization")
	}
	a.captured = req.Amount.Minor
	return s.rememberLocked(req.OperationID, "sbxc"), nil
}

// Void implements connector.Connector.
func (s *Sandbox) Void(ctx context.Context, req connector.VoidRequest) (connector.Result, error) {
	if err := s.wait(ctx); err != nil {
		return connector.Result{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.repeatLocked(req.OperationID); ok {
		return r, nil
	}
	a := s.find(req.PaymentID, req.ProcessorRef)
	if a == nil || a.outcome != connector.Approved || a.captured > 0 || a.voided {
		return connector.Result{}, invalid("not_voidable", "no uncaptured authorization to void")
	}
	a.voided = true
	return s.rememberLocked(req.OperationID, "sbxv"), nil
}

// Refund implements connector.Connector.
func (s *Sandbox) Refund(ctx context.Context, req connector.RefundRequest) (connector.Result, error) {
	if err := s.wait(ctx); err != nil {
		return connector.Result{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.repeatLocked(req.OperationID); ok {
		return r, nil
	}
	a := s.find(req.PaymentID, req.ProcessorRef)
	switch {
	case a == nil || a.captured == 0:
		return connector.Result{}, invalid("no_such_payment", "no captured payment to refund")
	case req.Amount.Minor <= 0 || a.refunded+req.Amount.Minor > a.captured:
		return connector.Result{}, invalid("amount_too_large", "refunds would exceed the captured amount")
	}
	a.refunded += req.Amount.Minor
	return s.rememberLocked(req.OperationID, "sbxr"), nil
}

// Payout implements connector.Connector: approving cards approve, declining
// cards decline with their code.
func (s *Sandbox) Payout(ctx context.Context, req connector.PayoutRequest) (connector.Result, error) {
	if err := s.wait(ctx); err != nil {
		return connector.Result{}, err
	}
	if req.Live {
		return connector.Result{}, invalid("sandbox_live_mode", "the sandbox processor does not take live payouts")
	}
	res := s.payout(req)
	s.mu.Lock()
	s.ops[req.PayoutID] = res // a status lookup by the payout id finds it
	s.mu.Unlock()
	return res, nil
}

func (s *Sandbox) payout(req connector.PayoutRequest) connector.Result {
	if b := req.Bank; b != nil {
		if closedBankAccount(b.AccountNumber) || closedBankAccount(b.IBAN) {
			return declined("account_closed")
		}
		return connector.Result{Outcome: connector.Approved, ProcessorRef: id.New("sbxp"), RawCode: "00"}
	}
	tc, ok := lookup(card.Normalize(req.Card.Number))
	if !ok {
		return declined("test_mode_live_card")
	}
	if code := tc.payoutDeclineCode(); code != "" {
		return declined(code)
	}
	return connector.Result{Outcome: connector.Approved, ProcessorRef: id.New("sbxp"), RawCode: "00"}
}

// Status implements connector.Connector.
func (s *Sandbox) Status(ctx context.Context, req connector.StatusRequest) (connector.Result, error) {
	if err := s.wait(ctx); err != nil {
		return connector.Result{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.OperationID != "" {
		if r, ok := s.ops[req.OperationID]; ok {
			return r, nil
		}
		return connector.Result{Outcome: connector.NotFound}, nil
	}
	a := s.find(req.PaymentID, req.ProcessorRef)
	if a == nil {
		return connector.Result{Outcome: connector.NotFound}, nil
	}
	return s.resultLocked(a), nil
}

// repeatLocked is the answer already given to operation opID: a capture,
// void or refund sent again with its operation id is the same operation,
// never a second one. s.mu must be held.
func (s *Sandbox) repeatLocked(opID string) (connector.Result, bool) {
	if opID == "" {
		return connector.Result{}, false
	}
	r, ok := s.ops[opID]
	return r, ok
}

// rememberLocked records an approved follow-up operation. s.mu must be held.
func (s *Sandbox) rememberLocked(opID, prefix string) connector.Result {
	r := connector.Result{Outcome: connector.Approved, ProcessorRef: id.New(prefix), RawCode: "00"}
	if opID != "" {
		s.ops[opID] = r
	}
	return r
}
