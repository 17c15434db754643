package paytracefake

import "net/http"

// protectToken is what Protect.js's instance.process() leaves with
// PayTrace: the card behind a single-use hpf_token and its enc_key.
type protectToken struct {
	card   Card
	encKey string
	used   bool
}

// IssueProtectToken plays the payer's browser running Protect.js: it
// submits card to the hosted fields and returns the hpf_token and enc_key
// that instance.process() resolves with. The token pays once.
func (s *Server) IssueProtectToken(c Card) (hpfToken, encKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	hpfToken, encKey = randomHex(24), randomHex(16)
	s.protectTokens[hpfToken] = &protectToken{card: c, encKey: encKey}
	return hpfToken, encKey
}

// protect is sale/pt_protect and authorization/pt_protect.
func (s *Server) protect(sale bool) handler {
	return func(b body) (int, any) {
		pt := s.protectTokens[b.str("hpf_token")]
		amount, ok := b.amount("amount")
		var errs []ptError
		if pt == nil || pt.used || pt.encKey != b.str("enc_key") {
			errs = append(errs, errHPFToken)
		}
		if !ok {
			errs = append(errs, errAmount)
		}
		if len(errs) > 0 {
			return fail(errs...)
		}
		pt.used = true
		return s.charge(sale, pt.card, amount, b.str("invoice_id"), "")
	}
}

// createClientKey is payment_fields/token/create: a clientKey for
// PTPayment.setup in the payer's browser.
func (s *Server) createClientKey(b body) (int, any) {
	key := randomHex(32)
	s.clientKeys[key] = true
	return http.StatusOK, map[string]any{"clientKey": key}
}
