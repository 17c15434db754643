package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/customer"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/vault"
)

type storedCardJSON struct {
	ID        string   `json:"id"`
	Object    string   `json:"object"`
	Mode      string   `json:"mode"`
	Type      string   `json:"type"`
	Usage     string   `json:"usage"`
	Status    string   `json:"status"`
	Customer  *string  `json:"customer"`
	Card      cardJSON `json:"card"`
	ExpiresAt *string  `json:"expires_at"`
	CreatedAt string   `json:"created_at"`
	// Key is shown once, on the answer that created a single-use token.
	Key string `json:"key,omitempty"`
}

func storedCardView(m *vault.PaymentMethod, key string) storedCardJSON {
	v := storedCardJSON{ID: m.ID, Object: "payment_method", Mode: string(m.Mode), Type: "card", Usage: string(m.Usage),
		Status: string(m.Status), Customer: opt(m.CustomerID), CreatedAt: ts(m.CreatedAt), Key: key,
		Card: cardJSON{Brand: m.Card.Brand, First6: m.Card.First6, Last4: m.Card.Last4, ExpMonth: m.Card.ExpMonth,
			ExpYear: m.Card.ExpYear, Holder: opt(m.Card.Holder), Fingerprint: opt(m.Card.Fingerprint)}}
	if m.Usage == vault.SingleUse {
		v.Object = "token"
	}
	if m.ExpiresAt != nil {
		t := ts(*m.ExpiresAt)
		v.ExpiresAt = &t
	}
	return v
}

type tokenRequest struct {
	Card *cardRequest `json:"card"`
}

// createToken tokenizes a card for a browser (hosted fields, checkout,
// client-side encryption): the answer is a single-use token and its key.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[tokenRequest](s, w, r, false)
	if !ok {
		return
	}
	if req.Card == nil {
		writeProblem(w, r, fault.InvalidParam("card", "parameter_missing", "card is required"))
		return
	}
	tok, err := s.engine.CreateToken(r.Context(), actorOf(r.Context()), *req.Card.input())
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, http.StatusCreated, mustJSON(storedCardView(tok.Method, tok.Key)))
}

type customerJSON struct {
	ID        string            `json:"id"`
	Object    string            `json:"object"`
	Mode      string            `json:"mode"`
	Reference *string           `json:"reference"`
	Email     *string           `json:"email"`
	Name      *string           `json:"name"`
	Metadata  map[string]string `json:"metadata"`
	CreatedAt string            `json:"created_at"`
}

func customerView(c *customer.Customer) customerJSON {
	return customerJSON{ID: c.ID, Object: "customer", Mode: string(c.Mode), Reference: opt(c.Reference), Email: opt(c.Email),
		Name: opt(c.Name), Metadata: meta(c.Metadata), CreatedAt: ts(c.CreatedAt)}
}

type customerRequest struct {
	Reference string            `json:"reference"`
	Email     string            `json:"email"`
	Name      string            `json:"name"`
	Metadata  map[string]string `json:"metadata"`
}

func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[customerRequest](s, w, r, true)
	if !ok {
		return
	}
	c, err := s.engine.CreateCustomer(r.Context(), actorOf(r.Context()), engine.CustomerInput(req))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusCreated, mustJSON(customerView(c)))
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) {
	c, err := s.engine.GetCustomer(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(customerView(c)))
}

type customerPatchRequest struct {
	Reference *string           `json:"reference"`
	Email     *string           `json:"email"`
	Name      *string           `json:"name"`
	Metadata  map[string]string `json:"metadata"`
}

func (s *Server) updateCustomer(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[customerPatchRequest](s, w, r, true)
	if !ok {
		return
	}
	c, err := s.engine.UpdateCustomer(r.Context(), actorOf(r.Context()), r.PathValue("id"), engine.CustomerPatch(req))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(customerView(c)))
}

type deletedJSON struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Deleted bool   `json:"deleted"`
}

func (s *Server) deleteCustomer(w http.ResponseWriter, r *http.Request) {
	c, err := s.engine.DeleteCustomer(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(deletedJSON{ID: c.ID, Object: "customer", Deleted: true}))
}

// pageParams reads limit (1–100, default 10) and starting_after.
func pageParams(w http.ResponseWriter, r *http.Request) (limit int, after string, ok bool) {
	limit = 10
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeProblem(w, r, fault.InvalidParam("limit", "parameter_invalid", "limit must be an integer between 1 and 100"))
			return 0, "", false
		}
		limit = n
	}
	return limit, r.URL.Query().Get("starting_after"), true
}

// page answers one page of a list fetched with limit+1 rows.
func page[T, V any](w http.ResponseWriter, items []T, limit int, idOf func(T) string, view func(T) V) {
	out := newList[V](nil)
	if len(items) > limit {
		items, out.HasMore = items[:limit], true
		next := idOf(items[len(items)-1])
		out.NextCursor = &next
	}
	for _, it := range items {
		out.Data = append(out.Data, view(it))
	}
	writeBody(w, http.StatusOK, mustJSON(out))
}

func (s *Server) listCustomers(w http.ResponseWriter, r *http.Request) {
	limit, after, ok := pageParams(w, r)
	if !ok {
		return
	}
	cs, err := s.engine.ListCustomers(r.Context(), actorOf(r.Context()), after, limit+1)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	page(w, cs, limit, func(c *customer.Customer) string { return c.ID }, customerView)
}

func (s *Server) listCustomerPaymentMethods(w http.ResponseWriter, r *http.Request) {
	ms, err := s.engine.ListPaymentMethods(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	page(w, ms, len(ms), func(m *vault.PaymentMethod) string { return m.ID }, func(m *vault.PaymentMethod) storedCardJSON { return storedCardView(m, "") })
}

func (s *Server) deleteCustomerPaymentMethod(w http.ResponseWriter, r *http.Request) {
	m, err := s.engine.DeletePaymentMethod(r.Context(), actorOf(r.Context()), r.PathValue("id"), r.PathValue("pm"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(storedCardView(m, "")))
}

type encryptionKeyJSON struct {
	ID        string  `json:"id"`
	Object    string  `json:"object"`
	Mode      string  `json:"mode"`
	Algorithm string  `json:"algorithm"`
	PublicKey string  `json:"public_key_pem"`
	ExpiresAt *string `json:"expires_at"`
	CreatedAt string  `json:"created_at"`
}

func encryptionKeyView(k *vault.EncryptionKey) encryptionKeyJSON {
	v := encryptionKeyJSON{ID: k.ID, Object: "encryption_key", Mode: string(k.Mode), Algorithm: "RSA-OAEP-256",
		PublicKey: k.PublicPEM, CreatedAt: ts(k.CreatedAt)}
	if k.ExpiresAt != nil {
		t := ts(*k.ExpiresAt)
		v.ExpiresAt = &t
	}
	return v
}

func (s *Server) getEncryptionKey(w http.ResponseWriter, r *http.Request) {
	k, err := s.engine.EncryptionKey(r.Context(), actorOf(r.Context()))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(encryptionKeyView(k)))
}

// getEncryptionKeyPEM serves the public key as a .pem download, the file
// PayTrace-style client-side encryption integrations load.
func (s *Server) getEncryptionKeyPEM(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r.Context())
	k, err := s.engine.EncryptionKey(r.Context(), a)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Header().Set("Content-Disposition", `attachment; filename="paygate-`+string(a.Mode)+`-public-key.pem"`)
	w.Write([]byte(k.PublicPEM))
}

type rotateKeyRequest struct {
	// GracePeriod in seconds that the previous key keeps decrypting.
	GracePeriod *int64 `json:"grace_period"`
}

func (s *Server) rotateEncryptionKey(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[rotateKeyRequest](s, w, r, true)
	if !ok {
		return
	}
	var grace time.Duration
	if req.GracePeriod != nil {
		if *req.GracePeriod <= 0 {
			writeProblem(w, r, fault.InvalidParam("grace_period", "parameter_invalid", "grace_period must be a positive number of seconds"))
			return
		}
		grace = time.Duration(*req.GracePeriod) * time.Second
	}
	k, err := s.engine.RotateEncryptionKey(r.Context(), actorOf(r.Context()), grace)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusCreated, mustJSON(encryptionKeyView(k)))
}
