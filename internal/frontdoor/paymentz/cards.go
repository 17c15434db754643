package paymentz

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/vault"
)

// The reference names getCardsAndAccounts and getPaymentAndCardType as
// lookups without their fields; the answers below are paygate's, in the
// platform's style.

// savedCard is one registration of getCardsAndAccounts.
type savedCard struct {
	RegistrationID string    `json:"registrationId" xml:"registrationId"`
	PaymentBrand   string    `json:"paymentBrand" xml:"paymentBrand"`
	PaymentMode    string    `json:"paymentMode" xml:"paymentMode"`
	Card           *cardView `json:"card" xml:"card"`
}

type savedCardsXML struct {
	Items []savedCard `xml:"registration"`
}

// paymentTypeView is one payment mode of getPaymentAndCardType.
type paymentTypeView struct {
	PaymentMode   string   `json:"paymentMode" xml:"paymentMode"`
	PaymentBrands []string `json:"paymentBrands" xml:"paymentBrands>paymentBrand"`
}

type paymentTypesXML struct {
	Items []paymentTypeView `xml:"paymentType"`
}

// cardsAndAccounts is POST /getCardsAndAccounts: the cards registered for
// customer.customerId (registrationId, brand, masked card), signed
// memberId|secureKey|customerId (paygate's choice). paygate keeps no bank
// accounts for a customer, so accounts is always empty.
func (s *Server) cardsAndAccounts(w http.ResponseWriter, r *http.Request, c *call) {
	ref := c.req.Get("customer.customerId")
	if !checksumMatches(c.req.Get("authentication.checksum"), LookupChecksum(c.member, c.key, ref)) {
		s.fail(w, r, errBadChecksum)
		return
	}
	if ref == "" {
		s.fail(w, r, badParam("customer.customerId is required"))
		return
	}
	ms, err := s.e.ListPaymentMethods(r.Context(), c.actor(r), ref)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cards := []savedCard{}
	for _, m := range ms {
		if m.Status != vault.MethodActive {
			continue
		}
		cards = append(cards, savedCard{RegistrationID: m.ID, PaymentBrand: brandName(m.Card.Brand), PaymentMode: "CC",
			Card: &cardView{Bin: m.Card.First6, Last4Digits: m.Card.Last4, Holder: m.Card.Holder,
				ExpiryMonth: fmt.Sprintf("%02d", m.Card.ExpMonth), ExpiryYear: fmt.Sprintf("%04d", m.Card.ExpYear)}})
	}
	accounts := []string{}
	encode(w, r, http.StatusOK, &response{MemberID: c.member, Result: result{codeRecordFound, "Record found"},
		Cards: &cards, CardsXML: &savedCardsXML{cards}, Accounts: &accounts, Timestamp: stamp(s.now())})
}

// paymentAndCardType is POST /getPaymentAndCardType: the payment modes the
// door serves (CC and DC: cards) with their brands, and the currencies the
// member's enabled payment-method configurations accept (empty: every
// ISO 4217 currency, when the member has none). The AuthToken alone
// authorizes it, like the other read-only lookups without a checksum in the
// reference.
func (s *Server) paymentAndCardType(w http.ResponseWriter, r *http.Request, c *call) {
	cfgs, err := s.e.ListConfigs(r.Context(), c.actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	currencies := []string{}
	for _, cfg := range cfgs {
		if !cfg.Enabled {
			continue
		}
		for _, cur := range cfg.AcceptedCurrencies {
			if !slices.Contains(currencies, cur) {
				currencies = append(currencies, cur)
			}
		}
	}
	slices.Sort(currencies)
	// The brands paygate validates (card.number decides the brand;
	// paymentBrand is only echoed).
	brands := make([]string, 0, len(card.Brands))
	for _, b := range card.Brands {
		brands = append(brands, brandName(string(b)))
	}
	types := []paymentTypeView{{PaymentMode: "CC", PaymentBrands: brands}, {PaymentMode: "DC", PaymentBrands: brands}}
	encode(w, r, http.StatusOK, &response{MemberID: c.member, Result: result{codeRecordFound, "Record found"},
		PaymentTypes: &types, PaymentTypesXML: &paymentTypesXML{types}, Currencies: &currencies, Timestamp: stamp(s.now())})
}
