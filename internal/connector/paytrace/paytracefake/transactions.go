package paytracefake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/money"
)

var usd = money.MustLookup("USD")

// txn is one transaction the fake keeps: a sale, an authorization or a
// refund (for a transaction or to a customer).
type txn struct {
	id         int64
	kind       string // Sale, Authorization, Refund
	amount     int64  // cents
	invoice    string
	created    time.Time
	code       int
	message    string
	approval   string
	csc        string
	masked     string
	customerID string
	original   int64
	captured   int64
	refunded   int64
	voided     bool
}

func (t *txn) approved() bool { return t.code == 101 || t.code == 106 }

// status is the export's summary of the transaction (paygate's assumed field).
func (t *txn) status() string {
	switch {
	case !t.approved():
		return "Declined"
	case t.voided:
		return "Voided"
	case t.kind == "Authorization" && t.captured > 0:
		return "Captured"
	}
	return "Approved"
}

// Transaction is a test's view of one transaction (amounts in cents).
type Transaction struct {
	ID                         int64
	Type, Status, InvoiceID    string
	Amount, Captured, Refunded int64
}

// Transaction returns what the fake holds for id.
func (s *Server) Transaction(id int64) (Transaction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.txns[id]
	if t == nil {
		return Transaction{}, false
	}
	return Transaction{ID: t.id, Type: t.kind, Status: t.status(), InvoiceID: t.invoice, Amount: t.amount, Captured: t.captured, Refunded: t.refunded}, true
}

func (s *Server) add(t *txn) *txn {
	s.nextID++
	t.id, t.created = s.nextID, s.now()
	s.txns[t.id] = t
	s.order = append(s.order, t.id)
	return t
}

// amount reads a positive dollar amount given as a JSON number or string.
func (b body) amount(key string) (int64, bool) {
	v, err := money.Parse(b.str(key), usd)
	return v, err == nil && v > 0
}

// keyed is sale/keyed and authorization/keyed: a card in the body.
func (s *Server) keyed(sale bool) handler {
	return func(b body) (int, any) {
		cc, csc, errs := s.openEncrypted(b)
		if len(errs) > 0 {
			return fail(errs...)
		}
		c, errs := s.cardFrom(cc, csc)
		amount, ok := b.amount("amount")
		if !ok {
			errs = append(errs, errAmount)
		}
		if len(errs) > 0 {
			return fail(errs...)
		}
		return s.charge(sale, c, amount, b.str("invoice_id"), "")
	}
}

// cardFrom validates a credit_card object (and csc).
func (s *Server) cardFrom(cc body, csc string) (Card, []ptError) {
	c := Card{Number: cc.str("number"), CSC: csc}
	var errs []ptError
	if !luhn(c.Number) {
		errs = append(errs, s.quoted(errCardNumber, c.Number))
	}
	month, err := strconv.Atoi(cc.str("expiration_month"))
	if err != nil || month < 1 || month > 12 {
		errs = append(errs, errExpMonth)
	}
	year, err := strconv.Atoi(cc.str("expiration_year"))
	if err != nil || year < 2000 || year > 2099 {
		errs = append(errs, errExpYear)
	}
	if csc != "" && (len(csc) < 3 || len(csc) > 4 || strings.Trim(csc, "0123456789") != "") {
		errs = append(errs, s.quoted(errCSC, csc))
	}
	c.ExpMonth, c.ExpYear = month, year
	return c, errs
}

// charge runs the fake issuer on c and records the transaction, declined
// ones included (they appear in exports, as at PayTrace).
func (s *Server) charge(sale bool, c Card, amount int64, invoice, customerID string) (int, any) {
	o := outcomeOf(c.Number)
	if customerID != "" && c.CSC == "" && o.csc == "No Match" {
		// A vaulted customer charged without a CSC gets no CSC check.
		o = outcome{101, "  APPROVAL - Approved and completed", "Not Processed"}
	}
	now := s.now()
	if c.ExpYear < now.Year() || (c.ExpYear == now.Year() && c.ExpMonth < int(now.Month())) {
		o = outcome{102, "  EXPIRED CARD", o.csc}
	}
	t := &txn{kind: "Authorization", amount: amount, invoice: invoice, code: o.code, approval: o.approvalMessage,
		csc: o.csc, masked: masked(c.Number), customerID: customerID}
	if sale {
		t.kind = "Sale"
	}
	switch o.code {
	case 101:
		t.message = "Your transaction was successfully approved."
		if sale {
			t.captured = amount
		}
	case 102:
		t.message = "Your transaction was not approved."
	case 103:
		t.message = "Your transaction was successfully approved. However, it was voided because your address and/or CSC did not match."
		t.voided = true
	}
	s.add(t)
	return http.StatusOK, map[string]any{"success": o.code == 101, "response_code": t.code, "status_message": t.message,
		"transaction_id": t.id, "approval_code": approvalCode(t), "approval_message": t.approval,
		"avs_response": "No Match", "csc_response": t.csc, "masked_card_number": t.masked}
}

func approvalCode(t *txn) string {
	if t.code != 101 {
		return ""
	}
	return "TAS" + strconv.FormatInt(t.id%1000, 10)
}

// byCustomer charges a vaulted customer's card.
func (s *Server) byCustomer(sale bool) handler {
	return func(b body) (int, any) {
		cu := s.customers[b.str("customer_id")]
		amount, ok := b.amount("amount")
		csc := b.str("csc")
		var errs []ptError
		if cu == nil {
			errs = append(errs, errCustomerID)
		}
		if !ok {
			errs = append(errs, errAmount)
		}
		if csc != "" && (len(csc) < 3 || len(csc) > 4 || strings.Trim(csc, "0123456789") != "") {
			errs = append(errs, s.quoted(errCSC, csc))
		}
		if len(errs) > 0 {
			return fail(errs...)
		}
		c := cu.card
		c.CSC = csc
		return s.charge(sale, c, amount, b.str("invoice_id"), cu.id)
	}
}

// target is the transaction a follow-up names, or nil.
func (s *Server) target(b body) *txn {
	id, err := strconv.ParseInt(b.str("transaction_id"), 10, 64)
	if err != nil {
		return nil
	}
	return s.txns[id]
}

// capture is authorization/capture: once, up to the authorized amount
// (all of it when amount is omitted), never after a void.
func (s *Server) capture(b body) (int, any) {
	t := s.target(b)
	if t == nil || t.kind == "Refund" {
		return fail(errTransactionID)
	}
	amount := t.amount
	if _, given := b["amount"]; given {
		var ok bool
		if amount, ok = b.amount("amount"); !ok {
			return fail(errAmount)
		}
	}
	if t.kind != "Authorization" || !t.approved() || t.voided || t.captured > 0 || amount > t.amount {
		return unsuccessful(113, "Your transaction was not successfully captured.")
	}
	t.captured = amount
	return http.StatusOK, map[string]any{"success": true, "response_code": 112, "status_message": "Your transaction was successfully captured.", "transaction_id": t.id}
}

// void cancels an approved, uncaptured (so unsettled) authorization. The
// fake treats captured money as settled at once.
func (s *Server) void(b body) (int, any) {
	t := s.target(b)
	if t == nil || t.kind == "Refund" {
		return fail(errTransactionID)
	}
	if !t.approved() || t.voided || t.captured > 0 {
		return unsuccessful(110, "Your transaction was not successfully voided.")
	}
	t.voided = true
	return http.StatusOK, map[string]any{"success": true, "response_code": 109, "status_message": "Your transaction was successfully voided.", "transaction_id": t.id}
}

// refundForTransaction refunds captured money once, as the reference
// says PayTrace does (§1.8: "for_transaction refund at most once to the
// original amount"): without amount all of it, with amount any part up to
// the captured amount. A second refund of the same transaction, partial or
// not, is 107 "refund unsuccessful"; repeated partial credits go through
// refund/to_customer.
func (s *Server) refundForTransaction(b body) (int, any) {
	t := s.target(b)
	if t == nil || t.kind == "Refund" {
		return fail(errTransactionID)
	}
	amount := t.captured
	if _, given := b["amount"]; given {
		var ok bool
		if amount, ok = b.amount("amount"); !ok {
			return fail(errAmount)
		}
	}
	if !t.approved() || t.voided || t.captured == 0 || t.refunded > 0 || amount > t.captured {
		return unsuccessful(107, "Your transaction was not successfully refunded.")
	}
	t.refunded = amount
	return s.refund(amount, b.str("invoice_id"), t.id, t.customerID, t.masked)
}

// refundToCustomer credits a vaulted customer any amount, repeatedly.
func (s *Server) refundToCustomer(b body) (int, any) {
	cu := s.customers[b.str("customer_id")]
	amount, ok := b.amount("amount")
	var errs []ptError
	if cu == nil {
		errs = append(errs, errCustomerID)
	}
	if !ok {
		errs = append(errs, errAmount)
	}
	if len(errs) > 0 {
		return fail(errs...)
	}
	return s.refund(amount, b.str("invoice_id"), 0, cu.id, masked(cu.card.Number))
}

func (s *Server) refund(amount int64, invoice string, original int64, customerID, maskedNumber string) (int, any) {
	r := s.add(&txn{kind: "Refund", amount: amount, invoice: invoice, code: 106, message: "Your transaction was successfully refunded.",
		original: original, customerID: customerID, masked: maskedNumber, captured: amount})
	return http.StatusOK, map[string]any{"success": true, "response_code": 106, "status_message": r.message, "transaction_id": r.id}
}

// dollars writes cents as a JSON number of dollars.
func dollars(cents int64) json.Number { return json.Number(money.Format(cents, usd)) }

// Transactions returns every transaction the fake holds, oldest first.
func (s *Server) Transactions() []Transaction {
	s.mu.Lock()
	ids := append([]int64(nil), s.order...)
	s.mu.Unlock()
	out := make([]Transaction, 0, len(ids))
	for _, id := range ids {
		t, _ := s.Transaction(id)
		out = append(out, t)
	}
	return out
}
