package api

import (
	"net/http"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/pmconfig"
)

type serviceJSON struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameAR string `json:"name_ar"`
}

// paymentMethodJSONOttu is one configuration as Ottu's Payment Methods API
// answers it (field names from the reference, §3.2).
type paymentMethodOttu struct {
	Code               string        `json:"code"`
	Name               string        `json:"name"`
	NameAR             *string       `json:"name_ar"`
	IsSandbox          bool          `json:"is_sandbox"`
	Logo               *string       `json:"logo"`
	Wallets            []string      `json:"wallets"`
	PaymentServices    []serviceJSON `json:"payment_services"`
	DefaultCurrency    *string       `json:"default_currency"`
	AcceptedCurrencies []string      `json:"accepted_currencies"`
	Operation          string        `json:"operation"`
	Operations         []string      `json:"operations"`
	IsTokenizable      bool          `json:"is_tokenizable"`
	AutoDebitEnabled   bool          `json:"auto_debit_enabled"`
	Tags               []string      `json:"tags"`
}

var serviceNames = map[string][2]string{"apple_pay": {"Apple Pay", "أبل باي"}, "google_pay": {"Google Pay", "جوجل باي"},
	"samsung_pay": {"Samsung Pay", "سامسونج باي"}, "wallet": {"Wallet", "المحفظة"}}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

func ottuMethod(c *pmconfig.Config) paymentMethodOttu {
	v := paymentMethodOttu{Code: c.Code, Name: c.NameEN, NameAR: opt(c.NameAR), IsSandbox: c.Environment() == "sandbox", Logo: opt(c.Logo),
		Wallets: nonNil(c.Wallets), PaymentServices: []serviceJSON{}, DefaultCurrency: opt(c.DefaultCurrency), AcceptedCurrencies: nonNil(c.AcceptedCurrencies),
		Operation: c.Operation, Operations: nonNil(c.FollowUps), IsTokenizable: c.Tokenizable, AutoDebitEnabled: c.AutoDebit, Tags: nonNil(c.Tags)}
	for _, s := range c.PaymentServices {
		n := serviceNames[s]
		v.PaymentServices = append(v.PaymentServices, serviceJSON{Code: s, Name: n[0], NameAR: n[1]})
	}
	return v
}

type configJSON struct {
	ID     string `json:"id"`
	Object string `json:"object"`
	Mode   string `json:"mode"`
	paymentMethodOttu
	Connector      string      `json:"connector"`
	Type           string      `json:"type"`
	Plugins        []string    `json:"plugins"`
	Enabled        bool        `json:"enabled"`
	HasCredentials bool        `json:"has_credentials"`
	Routing        routingJSON `json:"routing"`
	CreatedAt      string      `json:"created_at"`
}

// routingJSON is a configuration's routing rules.
type routingJSON struct {
	Priority      int      `json:"priority"`
	Weight        int      `json:"weight"`
	MinAmount     int64    `json:"min_amount"`
	MaxAmount     int64    `json:"max_amount"`
	CardBrands    []string `json:"card_brands"`
	CardCountries []string `json:"card_countries"`
	TimeoutMS     int64    `json:"timeout_ms"`
}

type routingRequest struct {
	Priority      *int      `json:"priority"`
	Weight        *int      `json:"weight"`
	MinAmount     *int64    `json:"min_amount"`
	MaxAmount     *int64    `json:"max_amount"`
	CardBrands    *[]string `json:"card_brands"`
	CardCountries *[]string `json:"card_countries"`
	TimeoutMS     *int      `json:"timeout_ms"`
}

func configView(c *pmconfig.Config) configJSON {
	return configJSON{ID: c.ID, Object: "payment_method_config", Mode: string(c.Mode), paymentMethodOttu: ottuMethod(c), Connector: c.Connector,
		Type: c.Environment(), Plugins: nonNil(c.Plugins), Enabled: c.Enabled, HasCredentials: len(c.SealedCredentials) > 0, CreatedAt: ts(c.CreatedAt),
		Routing: routingJSON{Priority: c.Routing.Priority, Weight: c.Routing.Weight, MinAmount: c.Routing.MinAmount, MaxAmount: c.Routing.MaxAmount,
			CardBrands: nonNil(c.Routing.Brands), CardCountries: nonNil(c.Routing.Countries), TimeoutMS: c.Routing.Timeout.Milliseconds()}}
}

type configRequest struct {
	Code               *string           `json:"code"`
	Name               *string           `json:"name"`
	NameAR             *string           `json:"name_ar"`
	Logo               *string           `json:"logo"`
	Connector          *string           `json:"connector"`
	Type               *string           `json:"type"`
	Credentials        map[string]string `json:"credentials"`
	AcceptedCurrencies *[]string         `json:"accepted_currencies"`
	DefaultCurrency    *string           `json:"default_currency"`
	Operation          *string           `json:"operation"`
	Operations         *[]string         `json:"operations"`
	IsTokenizable      *bool             `json:"is_tokenizable"`
	AutoDebitEnabled   *bool             `json:"auto_debit_enabled"`
	Wallets            *[]string         `json:"wallets"`
	PaymentServices    *[]string         `json:"payment_services"`
	Plugins            *[]string         `json:"plugins"`
	Tags               *[]string         `json:"tags"`
	Enabled            *bool             `json:"enabled"`
	Routing            *routingRequest   `json:"routing"`
}

func (r configRequest) input() engine.ConfigInput {
	return engine.ConfigInput{Code: r.Code, NameEN: r.Name, NameAR: r.NameAR, Logo: r.Logo, Connector: r.Connector, Environment: r.Type,
		Credentials: r.Credentials, AcceptedCurrencies: r.AcceptedCurrencies, DefaultCurrency: r.DefaultCurrency, Operation: r.Operation,
		FollowUps: r.Operations, Tokenizable: r.IsTokenizable, AutoDebit: r.AutoDebitEnabled, Wallets: r.Wallets, PaymentServices: r.PaymentServices,
		Plugins: r.Plugins, Tags: r.Tags, Enabled: r.Enabled, Routing: r.Routing.input()}
}

func (r *routingRequest) input() *engine.RoutingInput {
	if r == nil {
		return nil
	}
	return &engine.RoutingInput{Priority: r.Priority, Weight: r.Weight, MinAmount: r.MinAmount, MaxAmount: r.MaxAmount,
		Brands: r.CardBrands, Countries: r.CardCountries, TimeoutMS: r.TimeoutMS}
}

func (s *Server) createConfig(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[configRequest](s, w, r, false)
	if !ok {
		return
	}
	c, err := s.engine.CreateConfig(r.Context(), actorOf(r.Context()), req.input())
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusCreated, mustJSON(configView(c)))
}

func (s *Server) updateConfig(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[configRequest](s, w, r, true)
	if !ok {
		return
	}
	c, err := s.engine.UpdateConfig(r.Context(), actorOf(r.Context()), r.PathValue("id"), req.input())
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(configView(c)))
}

func (s *Server) getConfig(w http.ResponseWriter, r *http.Request) {
	c, err := s.engine.GetConfig(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(configView(c)))
}

func (s *Server) deleteConfig(w http.ResponseWriter, r *http.Request) {
	if err := s.engine.DeleteConfig(r.Context(), actorOf(r.Context()), r.PathValue("id")); err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(map[string]any{"id": r.PathValue("id"), "object": "payment_method_config", "deleted": true}))
}

func (s *Server) listConfigs(w http.ResponseWriter, r *http.Request) {
	cs, err := s.engine.ListConfigs(r.Context(), actorOf(r.Context()))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	page(w, cs, len(cs), func(c *pmconfig.Config) string { return c.ID }, configView)
}

type paymentMethodsRequest struct {
	Plugin          string   `json:"plugin"`
	Currencies      []string `json:"currencies"`
	CustomerID      string   `json:"customer_id"`
	Operation       string   `json:"operation"`
	Tokenizable     *bool    `json:"tokenizable"`
	AutoDebit       *bool    `json:"auto_debit"`
	PGNames         []string `json:"pg_names"`
	Type            string   `json:"type"`
	Tags            []string `json:"tags"`
	PaymentServices []string `json:"payment_services"`
}

// paymentMethods serves the Payment Methods API, on the native path and on
// Ottu's (POST /b/pbl/v2/payment-methods/), with Ottu's answer shape. On
// Ottu's path the request is read as Ottu reads it (unknown fields
// ignored) and every error has Ottu's shape: 400 {field: [message]},
// 401/403 {"detail": …} (ottuShaped rewrites the guard's refusals too).
func (s *Server) paymentMethods(ottu bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		fail := writeProblem
		if ottu {
			fail = writeOttuError
		}
		var req paymentMethodsRequest
		body, _, ok := s.post(w, r, ottu) // Ottu reads an empty body as {}
		if !ok {
			return
		}
		var err error
		if ottu {
			err = decodeOttuJSON(body, &req)
		} else {
			err = decodeJSON(body, &req)
		}
		if err != nil {
			fail(w, r, err)
			return
		}
		f := pmconfig.Filter{Plugin: req.Plugin, Currencies: req.Currencies, Operation: req.Operation, Tokenizable: req.Tokenizable,
			AutoDebit: req.AutoDebit, PGNames: req.PGNames, Type: req.Type, Tags: req.Tags, PaymentServices: req.PaymentServices, CustomerID: req.CustomerID}
		cms, ms, err := s.engine.PaymentMethods(r.Context(), actorOf(r.Context()), f)
		if err != nil {
			fail(w, r, err)
			return
		}
		out := struct {
			CustomerPaymentMethods []paymentMethodOttu `json:"customer_payment_methods"`
			PaymentMethods         []paymentMethodOttu `json:"payment_methods"`
		}{[]paymentMethodOttu{}, []paymentMethodOttu{}}
		for _, c := range cms {
			out.CustomerPaymentMethods = append(out.CustomerPaymentMethods, ottuMethod(c))
		}
		for _, c := range ms {
			out.PaymentMethods = append(out.PaymentMethods, ottuMethod(c))
		}
		writeBody(w, http.StatusOK, mustJSON(out))
	}
}
