package paymentz

import (
	"net/http"

	"github.com/paygate/paygate/internal/money"
)

// balanceView is one currency of getPayoutBalance. The reference names the
// endpoint only; the fields are paygate's, in the platform's style, with
// amounts as decimal strings in the currency's own exponent like every
// other amount of the door.
type balanceView struct {
	Currency string `json:"currency" xml:"currency"`
	// Balance can be paid out now (POST /payout draws on it).
	Balance string `json:"balance" xml:"balance"`
	// Held is authorized but not captured yet: not available.
	Held string `json:"held" xml:"held"`
}

type balancesXML struct {
	Items []balanceView `xml:"balance"`
}

// payoutBalance is POST /getPayoutBalance/{memberId}: what the member can
// pay out, by currency (optionally only `currency`), from paygate's ledger.
// The path's memberId must be the token's. No checksum: the reference gives
// none for lookups, and the AuthToken already proves the caller.
func (s *Server) payoutBalance(w http.ResponseWriter, r *http.Request, c *call) {
	if r.PathValue("memberId") != c.member {
		s.fail(w, r, errAuthFailed)
		return
	}
	only := c.req.Get("currency")
	if only != "" {
		if _, err := money.Lookup(only); err != nil {
			s.fail(w, r, badParam("currency must be an ISO 4217 alphabetic code"))
			return
		}
	}
	bs, err := s.e.Balance(r.Context(), c.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views := []balanceView{}
	for _, b := range bs {
		cur, err := money.Lookup(b.Currency)
		if err != nil || (only != "" && b.Currency != only) {
			continue
		}
		views = append(views, balanceView{Currency: b.Currency, Balance: formatAmount(b.Available, cur), Held: formatAmount(b.Held, cur)})
	}
	if only != "" && len(views) == 0 {
		cur, _ := money.Lookup(only)
		views = append(views, balanceView{Currency: cur.Code, Balance: formatAmount(0, cur), Held: formatAmount(0, cur)})
	}
	encode(w, r, http.StatusOK, &response{MemberID: c.member, Result: result{codeRecordFound, "Record found"}, Balances: &views, BalancesXML: &balancesXML{views}, Timestamp: stamp(s.now())})
}
