package dashboard

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/customer"
	"github.com/paygate/paygate/internal/fault"
)

type customersView struct {
	view
	Customers []*customer.Customer
	Next      string
}

// customers lists the mode's customers, newest first, 25 a page.
func (s *Server) customers(w http.ResponseWriter, r *http.Request, q *request) {
	cs, err := s.eng.ListCustomers(r.Context(), q.actor, r.URL.Query().Get("after"), pageSize+1)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	v := &customersView{view: view{Title: "Customers", Nav: "customers", Notice: notices[r.URL.Query().Get("done")]}}
	if len(cs) > pageSize {
		cs = cs[:pageSize]
		v.Next = url.Values{"after": {cs[pageSize-1].ID}}.Encode()
	}
	v.Customers = cs
	s.renderFor(w, r, q, http.StatusOK, "customers", v)
}

type savedCardView struct {
	ID      string
	Card    cardView
	Created string
}

type customerView struct {
	view
	C     *customer.Customer
	Cards []savedCardView
	// Payments is the payment list's query for this customer's payments.
	Payments string
	// CanDelete shows the delete buttons (manage_customers).
	CanDelete bool
}

// customerDetail shows a customer and their saved cards, masked as every
// card is: first six, expiry and holder only with view_card_details.
func (s *Server) customerDetail(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	c, err := s.eng.GetCustomer(ctx, q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	pms, err := s.eng.ListPaymentMethods(ctx, q.actor, c.ID)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	v := &customerView{view: view{Title: "Customer " + orDash(c.Name), Nav: "customers", Notice: notices[r.URL.Query().Get("done")]},
		C: c, CanDelete: q.can(auth.PermManageCustomer)}
	ref := c.Reference
	if ref == "" {
		ref = c.ID
	}
	v.Payments = url.Values{"customer": {ref}}.Encode()
	for _, m := range pms {
		v.Cards = append(v.Cards, savedCardView{ID: m.ID, Card: cardFor(m.Card, q), Created: m.CreatedAt.UTC().Format("2006-01-02")})
	}
	s.renderFor(w, r, q, http.StatusOK, "customer", v)
}

// askView is a confirmation page for an action that is not a payment's:
// the form posts step=confirm back to the same address.
type askView struct {
	view
	Heading, Text, Action, Button, Back string
	// Fields are extra hidden fields to post again.
	Fields map[string]string
}

// deleteCard removes a saved card in two steps: the customer page's button
// asks, and only "Yes, delete" deletes. The route needs manage_customers,
// as the API's DELETE /v1/customers/{id}/payment-methods/{pm} does.
func (s *Server) deleteCard(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	c, err := s.eng.GetCustomer(ctx, q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	pmID := r.PathValue("pm")
	back := "/dashboard/customers/" + url.PathEscape(c.ID)
	if r.PostForm.Get("step") != "confirm" {
		pms, err := s.eng.ListPaymentMethods(ctx, q.actor, c.ID)
		if err != nil {
			s.fail(w, r, q, err)
			return
		}
		for _, m := range pms {
			if m.ID != pmID {
				continue
			}
			card := cardFor(m.Card, q)
			s.renderFor(w, r, q, http.StatusOK, "ask", &askView{view: view{Title: "Delete saved card", Nav: "customers"},
				Heading: "Delete saved card",
				Text: "Delete the " + strings.TrimSpace(card.Brand+" card ending in "+card.Last4) + " saved for " + orDash(c.Name) +
					"? Its number is erased at once; payments and subscriptions can no longer charge it. This cannot be undone.",
				Action: back + "/cards/" + url.PathEscape(pmID) + "/delete", Button: "Yes, delete the card", Back: back})
			return
		}
		s.fail(w, r, q, fault.NotFoundf("payment method", pmID))
		return
	}
	if _, err := s.eng.DeletePaymentMethod(ctx, q.actor, c.ID, pmID); err != nil {
		s.fail(w, r, q, err)
		return
	}
	http.Redirect(w, r, back+"?done=card-deleted", http.StatusSeeOther)
}

// deleteCustomer erases a customer in two steps, as deleteCard deletes a
// card: the customer page's button asks, and only "Yes, delete" erases
// (the API's DELETE /v1/customers/{id}, with its permission). A customer
// with a live subscription is refused with the reason.
func (s *Server) deleteCustomer(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	c, err := s.eng.GetCustomer(ctx, q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	back := "/dashboard/customers/" + url.PathEscape(c.ID)
	if r.PostForm.Get("step") != "confirm" {
		s.renderFor(w, r, q, http.StatusOK, "ask", &askView{view: view{Title: "Delete customer", Nav: "customers"},
			Heading: "Delete customer",
			Text: "Delete " + orDash(c.Name) + " (" + c.ID + ")? Their saved cards are deleted and the numbers erased at once, " +
				"their mandates revoked, and their reference, email and name erased. Past payments stay. This cannot be undone.",
			Action: back + "/delete", Button: "Yes, delete the customer", Back: back})
		return
	}
	if _, err := s.eng.DeleteCustomer(ctx, q.actor, c.ID); err != nil {
		if fault.KindOf(err) == fault.Conflict {
			s.problem(w, r, q, http.StatusConflict, "The customer was not deleted", fault.As(err).Message)
			return
		}
		s.fail(w, r, q, err)
		return
	}
	http.Redirect(w, r, "/dashboard/customers?done=customer-deleted", http.StatusSeeOther)
}
