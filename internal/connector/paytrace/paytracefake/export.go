package paytracefake

import (
	"net/http"
	"time"
)

// view is a transaction as the exports show it. The reference names only
// the transactions[] array; these fields are paygate's assumption.
func view(t *txn) map[string]any {
	v := map[string]any{
		"transaction_id": t.id, "transaction_type": t.kind, "status": t.status(),
		"amount": dollars(t.amount), "captured_amount": dollars(t.captured), "refunded_amount": dollars(t.refunded),
		"invoice_id": t.invoice, "response_code": t.code, "status_message": t.message,
		"approval_code": approvalCode(t), "approval_message": t.approval, "csc_response": t.csc,
		"credit_card": map[string]any{"masked_number": t.masked},
		"created":     map[string]any{"at": t.created.Format("01/02/2006 15:04:05")},
	}
	if t.original != 0 {
		v["original_transaction_id"] = t.original
	}
	if t.customerID != "" {
		v["customer_id"] = t.customerID
	}
	return v
}

func exported(list []map[string]any) (int, any) {
	if list == nil {
		list = []map[string]any{}
	}
	msg := "Your request has been successfully completed."
	if len(list) == 0 {
		msg = "No transactions were found."
	}
	return http.StatusOK, map[string]any{"success": true, "status_message": msg, "transactions": list}
}

// exportByID answers one transaction, or an empty list for an unknown id.
func (s *Server) exportByID(b body) (int, any) {
	if b.str("transaction_id") == "" {
		return fail(errTransactionID)
	}
	if t := s.target(b); t != nil {
		return exported([]map[string]any{view(t)})
	}
	return exported(nil)
}

// exportByDateRange answers every transaction created from start_date to
// end_date inclusive (MM/DD/YYYY, the fake clock's time zone).
func (s *Server) exportByDateRange(b body) (int, any) {
	loc := s.now().Location()
	start, err1 := time.ParseInLocation("01/02/2006", b.str("start_date"), loc)
	end, err2 := time.ParseInLocation("01/02/2006", b.str("end_date"), loc)
	if err1 != nil || err2 != nil || end.Before(start) {
		return fail(errDate)
	}
	end = end.AddDate(0, 0, 1)
	var list []map[string]any
	for _, id := range s.order {
		t := s.txns[id]
		if !t.created.Before(start) && t.created.Before(end) {
			list = append(list, view(t))
		}
	}
	return exported(list)
}
