package paytracefake

import (
	"net/http"
)

// customer is a vaulted card under a merchant-chosen id.
type customer struct {
	id   string
	card Card
}

// createCustomer vaults a keyed card (no charge).
func (s *Server) createCustomer(b body) (int, any) {
	id := b.str("customer_id")
	c, errs := s.cardFrom(b.obj("credit_card"), b.str("csc"))
	switch {
	case id == "":
		errs = append(errs, errCustomerID)
	case s.customers[id] != nil:
		errs = append(errs, errCustomerTaken)
	}
	if len(errs) > 0 {
		return fail(errs...)
	}
	c.CSC = "" // a vault never keeps the CSC
	c.Holder = b.obj("billing_address").str("name")
	s.customers[id] = &customer{id: id, card: c}
	return http.StatusOK, map[string]any{"success": true, "response_code": 160, "customer_id": id,
		"status_message": "The customer profile for " + id + " was successfully created.", "masked_card_number": masked(c.Number)}
}

// exportCustomer shows a customer's card masked, never in clear.
func (s *Server) exportCustomer(b body) (int, any) {
	cu := s.customers[b.str("customer_id")]
	if cu == nil {
		return fail(errCustomerID)
	}
	return http.StatusOK, map[string]any{"success": true, "status_message": "Your request has been successfully completed.",
		"customers": []map[string]any{{
			"customer_id":     cu.id,
			"credit_card":     map[string]any{"masked_number": masked(cu.card.Number), "expiration_month": cu.card.ExpMonth, "expiration_year": cu.card.ExpYear},
			"billing_address": map[string]any{"name": cu.card.Holder},
		}}}
}

func (s *Server) deleteCustomer(b body) (int, any) {
	id := b.str("customer_id")
	if s.customers[id] == nil {
		return fail(errCustomerID)
	}
	delete(s.customers, id)
	return http.StatusOK, map[string]any{"success": true, "response_code": 162, "customer_id": id,
		"status_message": "The customer profile for " + id + " was successfully deleted."}
}
