package dashboard

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

type customerFormView struct {
	view
	F url.Values
}

// newCustomer is the form (manage_customers, as the API's POST /v1/customers).
func (s *Server) newCustomer(w http.ResponseWriter, r *http.Request, q *request) {
	s.renderFor(w, r, q, http.StatusOK, "customer-new", &customerFormView{view: view{Title: "New customer", Nav: "customers"}, F: url.Values{}})
}

// createCustomer makes a customer whose cards payments may then save; a
// reference already used in this mode is refused with the reason.
func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request, q *request) {
	f := url.Values{}
	for _, k := range []string{"reference", "email", "name"} {
		f.Set(k, strings.TrimSpace(r.PostForm.Get(k)))
	}
	c, err := s.eng.CreateCustomer(r.Context(), q.actor, engine.CustomerInput{Reference: f.Get("reference"), Email: f.Get("email"), Name: f.Get("name")})
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.fail(w, r, q, err)
			return
		}
		s.renderFor(w, r, q, http.StatusBadRequest, "customer-new",
			&customerFormView{view: view{Title: "New customer", Nav: "customers", Error: fault.As(err).Message}, F: f})
		return
	}
	http.Redirect(w, r, "/dashboard/customers/"+url.PathEscape(c.ID)+"?done=customer-created", http.StatusSeeOther)
}
