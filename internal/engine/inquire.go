package engine

import (
	"context"
	"time"

	"github.com/paygate/paygate/internal/payment"
)

// Inquire asks the processor now about a payment it has left pending,
// instead of waiting for the recovery worker's next look (a door's
// "inquiry": Ottu's /b/pbl/v2/inquiry/). A decision is recorded and
// notified as the worker would; a payment still pending keeps waiting.
// Other payments are answered as stored: one still processing has its
// processor call under way, and asking beside it could race its answer.
// It returns the payment as it is afterwards.
func (e *Engine) Inquire(ctx context.Context, a Actor, paymentID string) (*payment.Payment, error) {
	p, err := e.store.GetPayment(ctx, a.MerchantID, a.Mode, paymentID)
	if err != nil || p.Status != payment.Pending {
		return p, err
	}
	// The lookup is claimed by marking the payment updated, under its row
	// lock: of inquiries sent at once, or in a loop, one asks the processor
	// every minInquiryGap.
	claimed := false
	err = e.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.GetPaymentForUpdate(ctx, a.MerchantID, a.Mode, paymentID)
		if err != nil || cur.Status != payment.Pending || e.now().Sub(cur.UpdatedAt) < minInquiryGap {
			return err
		}
		cur.UpdatedAt, claimed = e.now(), true
		p = cur
		return tx.UpdatePayment(ctx, cur)
	})
	if err != nil || !claimed {
		if err != nil {
			return nil, err
		}
		return e.store.GetPayment(ctx, a.MerchantID, a.Mode, paymentID)
	}
	if _, err := e.resolve(ctx, p); err != nil {
		return nil, err
	}
	return e.store.GetPayment(ctx, a.MerchantID, a.Mode, paymentID)
}

// minInquiryGap is the least time between two processor lookups of one
// pending payment through Inquire (each lookup marks the payment updated).
const minInquiryGap = 2 * time.Second

// RenderObject is an object's native JSON as events carry it, for a door
// that answers in the shape of its notifications.
func (e *Engine) RenderObject(obj any) []byte { return e.render(obj) }
