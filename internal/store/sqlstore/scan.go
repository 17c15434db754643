package sqlstore

import (
	"database/sql"
	"encoding/json"
	"time"

	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

const paymentColumns = `id, merchant_id, mode, status, amount, currency, capture_method,
 amount_authorized, amount_captured, amount_refunded, amount_refund_pending, in_flight,
 card_brand, card_first6, card_last4, card_exp_month, card_exp_year, card_holder, card_fingerprint,
 description, reference, customer, metadata, connector, processor_ref, failure_code, failure_message,
 next_action, idempotency_key, created_at, updated_at, payment_method, initiator, three_ds, return_url, mandate, notification_url, config, door`

const operationColumns = `id, payment_id, merchant_id, mode, kind, status, amount, currency, processor_ref,
 failure_code, failure_message, reason, metadata, idempotency_key, created_at, updated_at`

func micros(t time.Time) int64 { return t.UTC().UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

func encodeMap(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func decodeMap(s string) map[string]string {
	if s == "" {
		return nil
	}
	var m map[string]string
	_ = json.Unmarshal([]byte(s), &m)
	return m
}

func encodeNextAction(na *payment.NextAction) string {
	if na == nil {
		return ""
	}
	b, _ := json.Marshal(na)
	return string(b)
}

func encodeThreeDS(t *payment.ThreeDS) string {
	if t == nil {
		return ""
	}
	b, _ := json.Marshal(t)
	return string(b)
}

type scanner interface{ Scan(dest ...any) error }

func scanPayment(s scanner) (*payment.Payment, error) {
	var p payment.Payment
	var currency, metadata, nextAction, threeDS string
	var created, updated int64
	err := s.Scan(&p.ID, &p.MerchantID, &p.Mode, &p.Status, &p.Amount, &currency, &p.CaptureMethod,
		&p.Authorized, &p.Captured, &p.Refunded, &p.RefundPending, &p.InFlight,
		&p.Card.Brand, &p.Card.First6, &p.Card.Last4, &p.Card.ExpMonth, &p.Card.ExpYear, &p.Card.Holder, &p.Card.Fingerprint,
		&p.Description, &p.Reference, &p.Customer, &metadata, &p.Connector, &p.ProcessorRef, &p.FailureCode, &p.FailureMessage,
		&nextAction, &p.IdempotencyKey, &created, &updated, &p.PaymentMethod, &p.Initiator, &threeDS, &p.ReturnURL, &p.Mandate, &p.NotificationURL, &p.Config, &p.Door)
	if err != nil {
		return nil, err
	}
	p.Currency, err = money.Lookup(currency)
	if err != nil {
		return nil, err
	}
	p.Metadata = decodeMap(metadata)
	if nextAction != "" {
		p.NextAction = &payment.NextAction{}
		if err := json.Unmarshal([]byte(nextAction), p.NextAction); err != nil {
			return nil, err
		}
	}
	if threeDS != "" {
		p.ThreeDS = &payment.ThreeDS{}
		if err := json.Unmarshal([]byte(threeDS), p.ThreeDS); err != nil {
			return nil, err
		}
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

func paymentArgs(p *payment.Payment) []any {
	return []any{p.ID, p.MerchantID, string(p.Mode), string(p.Status), p.Amount, p.Currency.Code, string(p.CaptureMethod),
		p.Authorized, p.Captured, p.Refunded, p.RefundPending, p.InFlight,
		p.Card.Brand, p.Card.First6, p.Card.Last4, p.Card.ExpMonth, p.Card.ExpYear, p.Card.Holder, p.Card.Fingerprint,
		p.Description, p.Reference, p.Customer, encodeMap(p.Metadata), p.Connector, p.ProcessorRef, p.FailureCode, p.FailureMessage,
		encodeNextAction(p.NextAction), p.IdempotencyKey, micros(p.CreatedAt), micros(p.UpdatedAt),
		p.PaymentMethod, string(p.Initiator), encodeThreeDS(p.ThreeDS), p.ReturnURL, p.Mandate, p.NotificationURL, p.Config, p.Door}
}

func scanOperation(s scanner) (*payment.Operation, error) {
	var op payment.Operation
	var metadata string
	var created, updated int64
	err := s.Scan(&op.ID, &op.PaymentID, &op.MerchantID, &op.Mode, &op.Kind, &op.Status, &op.Amount, &op.Currency,
		&op.ProcessorRef, &op.FailureCode, &op.FailureMessage, &op.Reason, &metadata, &op.IdempotencyKey, &created, &updated)
	if err != nil {
		return nil, err
	}
	op.Metadata = decodeMap(metadata)
	op.CreatedAt, op.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &op, nil
}

func operationArgs(op *payment.Operation) []any {
	return []any{op.ID, op.PaymentID, op.MerchantID, string(op.Mode), string(op.Kind), string(op.Status), op.Amount, op.Currency,
		op.ProcessorRef, op.FailureCode, op.FailureMessage, op.Reason, encodeMap(op.Metadata), op.IdempotencyKey,
		micros(op.CreatedAt), micros(op.UpdatedAt)}
}

func nullMicros(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: micros(*t), Valid: true}
}

func timePtr(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromMicros(n.Int64)
	return &t
}
