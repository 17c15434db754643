package paymentz

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

// notification is the callback body of reference §2.9.
type notification struct {
	PaymentID             string        `json:"paymentId"`
	Status                string        `json:"status"`
	TransactionStatus     string        `json:"transactionStatus"`
	PaymentBrand          string        `json:"paymentBrand"`
	PaymentMode           string        `json:"paymentMode"`
	FirstName             string        `json:"firstName"`
	LastName              string        `json:"lastName"`
	Amount                string        `json:"amount"`
	Currency              string        `json:"currency"`
	Descriptor            string        `json:"descriptor"`
	MerchantTransactionID string        `json:"merchantTransactionId"`
	Remark                string        `json:"remark"`
	Checksum              string        `json:"checksum"`
	Result                result        `json:"result"`
	Card                  *notifyCard   `json:"card,omitempty"`
	Customer              *notifyPerson `json:"customer,omitempty"`
	Timestamp             string        `json:"timestamp"`
}

type notifyCard struct {
	Bin            string `json:"bin"`
	LastFourDigits string `json:"lastFourDigits"`
	Last4Digits    string `json:"last4Digits"`
	ExpiryMonth    string `json:"expiryMonth"`
	ExpiryYear     string `json:"expiryYear"`
}

type notifyPerson struct {
	ID string `json:"id"`
}

// Notification implements engine.DoorNotifier: Paymentz's JSON callback to
// notificationUrl for every change of a payment made through this door
// (status events and refunds), carrying the payment as it is when sent,
// signed md5(paymentId|merchantTransactionId|amount|transactionStatus|secureKey)
// with the key of the memberId that made the payment.
func (s *Server) Notification(ctx context.Context, ev engine.DoorEvent) ([]byte, map[string]string, bool, error) {
	paymentID := ev.ObjectID
	switch {
	case strings.HasPrefix(ev.Type, "payment."):
	case strings.HasPrefix(ev.Type, "refund."):
		var refund struct {
			Payment string `json:"payment"` // the refund names its payment
		}
		_ = json.Unmarshal(ev.Object(), &refund)
		paymentID = refund.Payment
		if paymentID == "" {
			return nil, nil, false, fmt.Errorf("refund event %s names no payment", ev.ID)
		}
	default:
		return nil, nil, false, nil
	}
	_, member, _ := strings.Cut(ev.Door, ":")
	memberID, err := strconv.ParseInt(member, 10, 64)
	if err != nil {
		return nil, nil, false, fmt.Errorf("payment's door %q names no memberId", ev.Door)
	}
	cred, key, err := s.e.DoorCredential(ctx, Door, memberID)
	if err != nil {
		return nil, nil, false, fmt.Errorf("memberId %d: %w", memberID, err)
	}
	a := cred.Actor()
	if a.MerchantID != ev.MerchantID || a.Mode != ev.Mode {
		return nil, nil, false, fmt.Errorf("memberId %d belongs to another merchant or mode", memberID)
	}
	p, _, err := s.e.GetPayment(ctx, a, paymentID)
	if err != nil {
		return nil, nil, false, err
	}
	body, err := json.Marshal(notificationOf(p, key, s.now()))
	return body, map[string]string{"Content-Type": "application/json"}, err == nil, err
}

// notificationOf is a payment's callback body, signed with secureKey.
func notificationOf(p *payment.Payment, secureKey string, now time.Time) notification {
	v := paymentView(p, now)
	n := notification{PaymentID: v.PaymentID, Status: v.Status, TransactionStatus: v.TransactionStatus, PaymentBrand: v.PaymentBrand,
		PaymentMode: v.PaymentMode, Amount: v.Amount, Currency: v.Currency, Descriptor: v.Descriptor,
		MerchantTransactionID: v.MerchantTransactionID, Remark: v.Remark, Result: v.Result, Timestamp: v.Timestamp}
	if first, last, ok := strings.Cut(p.Card.Holder, " "); ok {
		n.FirstName, n.LastName = first, last
	} else {
		n.FirstName = p.Card.Holder
	}
	if v.Card != nil {
		n.Card = &notifyCard{Bin: v.Card.Bin, LastFourDigits: v.Card.Last4Digits, Last4Digits: v.Card.Last4Digits,
			ExpiryMonth: v.Card.ExpiryMonth, ExpiryYear: v.Card.ExpiryYear}
	}
	if p.Customer != "" {
		n.Customer = &notifyPerson{ID: p.Customer}
	}
	n.Checksum = NotificationChecksum(n.PaymentID, n.MerchantTransactionID, n.Amount, n.TransactionStatus, secureKey)
	return n
}
