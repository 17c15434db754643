package sqlstore

import (
	"context"
	"strings"

	"github.com/paygate/paygate/internal/checkout"
)

// UpdateCheckoutSessionDetails rewrites an unpaid session's payable
// details and status (engine.ChangeCheckoutSession: Ottu's update, cancel,
// expire and delete).
func (t *Tx) UpdateCheckoutSessionDetails(ctx context.Context, s *checkout.Session) error {
	_, err := t.exec(ctx, `UPDATE checkout_sessions SET status = ?, amount = ?, currency = ?, customer_id = ?, save_card = ?,
 description = ?, reference = ?, success_url = ?, cancel_url = ?, metadata = ?, expires_at = ?, payment_id = ?, updated_at = ?,
 config = ?, allowed_configs = ?
 WHERE id = ? AND merchant_id = ? AND mode = ?`,
		string(s.Status), s.Amount, s.Currency.Code, s.CustomerID, boolInt(s.SaveCard), s.Description, s.Reference,
		s.SuccessURL, s.CancelURL, encodeMap(s.Metadata), micros(s.ExpiresAt), s.PaymentID, micros(s.UpdatedAt),
		s.Config, strings.Join(s.AllowedConfigs, " "), s.ID, s.MerchantID, string(s.Mode))
	return err
}
