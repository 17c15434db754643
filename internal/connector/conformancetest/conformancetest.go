// Package conformancetest is the behaviour every connector must show, run by
// each connector's own tests against its real processor or a faithful fake:
// sales, authorize/capture/refund limits, voids, declines and status lookups.
package conformancetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/money"
)

// Cards names the cards a connector's processor approves and declines.
type Cards struct {
	Approve, Decline connector.Card
	DeclineCode      string
	// ActThenStall, if set, makes the processor act on the next request but
	// answer only after the caller has given up (a lost answer). Connectors
	// whose processor is in-process leave it nil and the case is skipped.
	ActThenStall func(t *testing.T)
	// RefundsRepeat says the processor refunds one payment in several
	// partial refunds (Stripe, the sandbox). Without it the processor
	// refunds a payment once (PayTrace's refund/for_transaction), and the
	// connector must decline any later refund with
	// connector.RefundUnsupported, sending nothing.
	RefundsRepeat bool
}

// refused reports whether a follow-up was refused for good: declined, or
// an error that is neither retryable nor of unknown outcome.
func refused(r connector.Result, err error) bool {
	if err != nil {
		return !connector.Retryable(err) && !connector.OutcomeUnknown(err)
	}
	return r.Outcome == connector.Declined
}

func amount(minor int64) money.Amount {
	return money.Amount{Minor: minor, Currency: money.MustLookup("USD")}
}

// Run checks c against the shared contract.
func Run(t *testing.T, c connector.Connector, cards Cards) {
	ctx := context.Background()
	authorize := func(t *testing.T, card connector.Card, capture bool, minor int64) (string, connector.Result) {
		t.Helper()
		pid := id.New("pay")
		res, err := c.Authorize(ctx, connector.AuthorizeRequest{PaymentID: pid, Amount: amount(minor), Capture: capture, Card: card})
		if err != nil {
			t.Fatalf("authorize: %v", err)
		}
		return pid, res
	}
	t.Run("a sale with an approving card is approved and captured", func(t *testing.T) {
		_, res := authorize(t, cards.Approve, true, 1000)
		if res.Outcome != connector.Approved || !res.Captured || res.ProcessorRef == "" {
			t.Fatalf("%+v", res)
		}
	})
	t.Run("a declining card is declined with its code", func(t *testing.T) {
		_, res := authorize(t, cards.Decline, true, 1000)
		if res.Outcome != connector.Declined || res.DeclineCode != cards.DeclineCode {
			t.Fatalf("%+v", res)
		}
	})
	refund := func(t *testing.T, pid, ref, op string, minor int64) (connector.Result, error) {
		t.Helper()
		return c.Refund(ctx, connector.RefundRequest{PaymentID: pid, OperationID: op, ProcessorRef: ref, Amount: amount(minor)})
	}
	if cards.RefundsRepeat {
		t.Run("capture part, refund twice, and a refund beyond the capture is refused", func(t *testing.T) {
			pid, res := authorize(t, cards.Approve, false, 1000)
			if res.Outcome != connector.Approved || res.Captured {
				t.Fatalf("authorize: %+v", res)
			}
			if r, err := c.Capture(ctx, connector.CaptureRequest{PaymentID: pid, OperationID: id.New("op"), ProcessorRef: res.ProcessorRef, Amount: amount(600)}); err != nil || r.Outcome != connector.Approved {
				t.Fatalf("capture: %+v %v", r, err)
			}
			for i := 0; i < 2; i++ {
				if r, err := refund(t, pid, res.ProcessorRef, id.New("re"), 250); err != nil || r.Outcome != connector.Approved {
					t.Fatalf("refund %d: %+v %v", i, r, err)
				}
			}
			_, err := refund(t, pid, res.ProcessorRef, id.New("re"), 101)
			var ce *connector.Error
			if !errors.As(err, &ce) || ce.Class != connector.InvalidRequest {
				t.Fatalf("over-refund: %v", err)
			}
		})
	} else {
		t.Run("capture part, refund once, and a second refund is declined as unsupported", func(t *testing.T) {
			pid, res := authorize(t, cards.Approve, false, 1000)
			if r, err := c.Capture(ctx, connector.CaptureRequest{PaymentID: pid, OperationID: id.New("op"), ProcessorRef: res.ProcessorRef, Amount: amount(600)}); err != nil || r.Outcome != connector.Approved {
				t.Fatalf("capture: %+v %v", r, err)
			}
			if r, err := refund(t, pid, res.ProcessorRef, id.New("re"), 250); err != nil || r.Outcome != connector.Approved {
				t.Fatalf("first refund: %+v %v", r, err)
			}
			op := id.New("re")
			r, err := refund(t, pid, res.ProcessorRef, op, 250)
			if err != nil || r.Outcome != connector.Declined || r.DeclineCode != connector.RefundUnsupported || r.Retryable {
				t.Fatalf("second refund: %+v %v, want declined %s", r, err, connector.RefundUnsupported)
			}
			if st, err := c.Status(ctx, connector.StatusRequest{PaymentID: pid, OperationID: op}); err != nil || st.Outcome == connector.Approved {
				t.Fatalf("the declined refund shows as made: %+v %v", st, err)
			}
		})
	}
	t.Run("a full capture, then no second capture", func(t *testing.T) {
		pid, res := authorize(t, cards.Approve, false, 1000)
		if r, err := c.Capture(ctx, connector.CaptureRequest{PaymentID: pid, OperationID: id.New("op"), ProcessorRef: res.ProcessorRef, Amount: amount(1000)}); err != nil || r.Outcome != connector.Approved {
			t.Fatalf("capture: %+v %v", r, err)
		}
		if r, err := c.Capture(ctx, connector.CaptureRequest{PaymentID: pid, OperationID: id.New("op"), ProcessorRef: res.ProcessorRef, Amount: amount(1)}); !refused(r, err) {
			t.Fatalf("a second capture: %+v %v", r, err)
		}
		// The whole authorization was captured: 1000 can be refunded.
		if r, err := c.Refund(ctx, connector.RefundRequest{PaymentID: pid, OperationID: id.New("re"), ProcessorRef: res.ProcessorRef, Amount: amount(1000)}); err != nil || r.Outcome != connector.Approved {
			t.Fatalf("refund of the full capture: %+v %v", r, err)
		}
	})
	t.Run("a sale is refunded in full, and one cent more is refused", func(t *testing.T) {
		pid, res := authorize(t, cards.Approve, true, 1000)
		if r, err := refund(t, pid, res.ProcessorRef, id.New("re"), 1000); err != nil || r.Outcome != connector.Approved {
			t.Fatalf("full refund: %+v %v", r, err)
		}
		if r, err := refund(t, pid, res.ProcessorRef, id.New("re"), 1); !refused(r, err) {
			t.Fatalf("a refund beyond the sale: %+v %v", r, err)
		}
	})
	t.Run("a refund sent twice with one operation id is one refund", func(t *testing.T) {
		pid, res := authorize(t, cards.Approve, true, 1000)
		op := id.New("re")
		first := int64(1000)
		if cards.RefundsRepeat {
			first = 400
		}
		r1, err := refund(t, pid, res.ProcessorRef, op, first)
		if err != nil || r1.Outcome != connector.Approved {
			t.Fatalf("refund: %+v %v", r1, err)
		}
		r2, err := refund(t, pid, res.ProcessorRef, op, first)
		if err != nil || r2.Outcome != connector.Approved || r2.ProcessorRef != r1.ProcessorRef {
			t.Fatalf("the repeat is not the same refund: %+v vs %+v (%v)", r2, r1, err)
		}
		left := 1000 - first
		if r, err := refund(t, pid, res.ProcessorRef, id.New("re"), left+1); !refused(r, err) {
			t.Fatalf("one cent beyond the %d left: %+v %v", left, r, err)
		}
		if left > 0 {
			// Had the repeat refunded again, nothing would be left.
			if r, err := refund(t, pid, res.ProcessorRef, id.New("re"), left); err != nil || r.Outcome != connector.Approved {
				t.Fatalf("refunding the %d left: %+v %v", left, r, err)
			}
		}
	})
	t.Run("a capture sent twice with one operation id is one capture", func(t *testing.T) {
		pid, res := authorize(t, cards.Approve, false, 1000)
		op := id.New("op")
		c1, err := c.Capture(ctx, connector.CaptureRequest{PaymentID: pid, OperationID: op, ProcessorRef: res.ProcessorRef, Amount: amount(600)})
		if err != nil || c1.Outcome != connector.Approved {
			t.Fatalf("capture: %+v %v", c1, err)
		}
		c2, err := c.Capture(ctx, connector.CaptureRequest{PaymentID: pid, OperationID: op, ProcessorRef: res.ProcessorRef, Amount: amount(600)})
		if err != nil || c2.Outcome != connector.Approved || c2.ProcessorRef != c1.ProcessorRef {
			t.Fatalf("the repeat is not the same capture: %+v vs %+v (%v)", c2, c1, err)
		}
		if r, err := c.Capture(ctx, connector.CaptureRequest{PaymentID: pid, OperationID: id.New("op"), ProcessorRef: res.ProcessorRef, Amount: amount(1)}); !refused(r, err) {
			t.Fatalf("another capture: %+v %v", r, err)
		}
		// 600 was captured once: 601 cannot be refunded, 600 can.
		if r, err := refund(t, pid, res.ProcessorRef, id.New("re"), 601); !refused(r, err) {
			t.Fatalf("refunding more than one capture: %+v %v", r, err)
		}
		if r, err := refund(t, pid, res.ProcessorRef, id.New("re"), 600); err != nil || r.Outcome != connector.Approved {
			t.Fatalf("refunding the capture: %+v %v", r, err)
		}
	})
	t.Run("a voided authorization cannot be captured", func(t *testing.T) {
		pid, res := authorize(t, cards.Approve, false, 500)
		if r, err := c.Void(ctx, connector.VoidRequest{PaymentID: pid, ProcessorRef: res.ProcessorRef}); err != nil || r.Outcome != connector.Approved {
			t.Fatalf("void: %+v %v", r, err)
		}
		if _, err := c.Capture(ctx, connector.CaptureRequest{PaymentID: pid, ProcessorRef: res.ProcessorRef, Amount: amount(500)}); err == nil {
			t.Fatal("captured a voided authorization")
		}
	})
	t.Run("status reports an authorization and knows nothing of unknown ids", func(t *testing.T) {
		pid, _ := authorize(t, cards.Approve, false, 700)
		if r, err := c.Status(ctx, connector.StatusRequest{PaymentID: pid}); err != nil || r.Outcome != connector.Approved {
			t.Fatalf("status: %+v %v", r, err)
		}
		if r, err := c.Status(ctx, connector.StatusRequest{PaymentID: id.New("pay")}); err != nil || r.Outcome != connector.NotFound {
			t.Fatalf("unknown status: %+v %v", r, err)
		}
	})
	t.Run("a repeated authorization with the same payment id is the same authorization", func(t *testing.T) {
		pid, first := authorize(t, cards.Approve, false, 800)
		again, err := c.Authorize(ctx, connector.AuthorizeRequest{PaymentID: pid, Amount: amount(800), Card: cards.Approve})
		if err != nil || again.Outcome != connector.Approved || again.ProcessorRef != first.ProcessorRef {
			t.Fatalf("retry made another authorization: %+v vs %+v (%v)", again, first, err)
		}
		// It can still be captured exactly once for its amount.
		if r, err := c.Capture(ctx, connector.CaptureRequest{PaymentID: pid, OperationID: id.New("op"), ProcessorRef: first.ProcessorRef, Amount: amount(801)}); err == nil {
			t.Fatalf("captured more than authorized: %+v", r)
		}
	})
	t.Run("a follow-up whose answer was lost is found by its operation id", func(t *testing.T) {
		pid, res := authorize(t, cards.Approve, true, 900)
		op := id.New("re")
		if r, err := c.Refund(ctx, connector.RefundRequest{PaymentID: pid, OperationID: op, ProcessorRef: res.ProcessorRef, Amount: amount(300)}); err != nil || r.Outcome != connector.Approved {
			t.Fatalf("refund: %+v %v", r, err)
		}
		if r, err := c.Status(ctx, connector.StatusRequest{PaymentID: pid, OperationID: op}); err != nil || r.Outcome != connector.Approved {
			t.Fatalf("refund status: %+v %v", r, err)
		}
		if r, err := c.Status(ctx, connector.StatusRequest{PaymentID: pid, OperationID: id.New("re")}); err != nil || r.Outcome != connector.NotFound {
			t.Fatalf("a refund never sent: %+v %v", r, err)
		}
	})
	t.Run("a lost answer is a timeout, and status finds what the processor did", func(t *testing.T) {
		if cards.ActThenStall == nil {
			t.Skip("the processor answers in-process; its answers cannot be lost")
		}
		cards.ActThenStall(t)
		pid := id.New("pay")
		tctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		_, err := c.Authorize(tctx, connector.AuthorizeRequest{PaymentID: pid, Amount: amount(1200), Capture: true, Card: cards.Approve})
		if !connector.OutcomeUnknown(err) {
			t.Fatalf("a stalled sale: %v, want a timeout", err)
		}
		r, err := c.Status(ctx, connector.StatusRequest{PaymentID: pid})
		if err != nil || r.Outcome != connector.Approved || !r.Captured || r.ProcessorRef == "" {
			t.Fatalf("status after the lost answer: %+v %v", r, err)
		}
	})
	t.Run("a cancelled context ends the call with a timeout", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := c.Authorize(cctx, connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: amount(100), Card: cards.Approve})
		if !connector.OutcomeUnknown(err) {
			t.Fatalf("cancelled call: %v", err)
		}
	})
}
