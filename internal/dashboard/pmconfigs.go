package dashboard

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/pmconfig"
)

// credentialRows is how many name/value pairs the configuration form
// offers; a connector needs at most three today (PayTrace).
const credentialRows = 4

type credentialRow struct {
	N    int
	Name string
}

// configView is the form of a new or an existing payment-method
// configuration. F holds what is shown in the fields; credential values are
// never in it, so a page can never carry them back.
type configView struct {
	view
	C              *pmconfig.Config // nil: a new configuration
	F              url.Values
	Connectors     []string
	Operations     []string
	FollowUps      []string
	Checked        map[string]bool
	Credentials    []credentialRow
	HasCredentials bool
	// Sets are the vocabularies shown as check boxes (wallets, payment
	// services, plugins, tags).
	Sets []checkSet
}

type checkSet struct {
	Field, Legend string
	Options       []checkOption
}

type checkOption struct {
	Value   string
	Checked bool
}

// vocabularies are the configuration's list fields and what each may hold.
var vocabularies = []struct {
	field, legend string
	values        []string
}{
	{"wallets", "Wallets", pmconfig.Wallets},
	{"payment_services", "Payment services", pmconfig.PaymentServices},
	{"plugins", "Plugins (Payment Methods API)", pmconfig.Plugins},
	{"tags", "Tags", pmconfig.Tags},
}

// configForm is what an existing configuration's form shows.
func configForm(c *pmconfig.Config) url.Values {
	f := url.Values{"name": {c.NameEN}, "name_ar": {c.NameAR}, "currencies": {strings.Join(c.AcceptedCurrencies, ", ")},
		"default_currency": {c.DefaultCurrency}, "operation": {c.Operation}, "operations": c.FollowUps}
	if c.Enabled {
		f.Set("enabled", "1")
	}
	if c.Tokenizable {
		f.Set("tokenizable", "1")
	}
	if c.AutoDebit {
		f.Set("auto_debit", "1")
	}
	f.Set("logo", c.Logo)
	f["wallets"], f["payment_services"], f["plugins"], f["tags"] = c.Wallets, c.PaymentServices, c.Plugins, c.Tags
	f.Set("route_brands", strings.Join(c.Routing.Brands, ", "))
	f.Set("route_countries", strings.Join(c.Routing.Countries, ", "))
	for _, n := range []struct {
		field string
		v     int64
	}{{"route_min", c.Routing.MinAmount}, {"route_max", c.Routing.MaxAmount}, {"route_timeout_ms", c.Routing.Timeout.Milliseconds()}} {
		if n.v != 0 {
			f.Set(n.field, strconv.FormatInt(n.v, 10))
		}
	}
	f.Set("route_priority", strconv.Itoa(c.Routing.Priority))
	f.Set("route_weight", strconv.Itoa(c.Routing.Weight))
	return f
}

// list reads a comma- or space-separated field, each value once.
func list(f url.Values, field string, upper bool) []string {
	v := f.Get(field)
	if upper {
		v = strings.ToUpper(v)
	}
	out := []string{}
	for _, x := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// boxes reads a check-box group, each value once (the engine checks each
// against its vocabulary).
func boxes(f url.Values, field string) []string {
	out := []string{}
	for _, v := range f[field] {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// number reads a whole-number field; empty is 0.
func number(f url.Values, field, label string) (int64, error) {
	v := strings.TrimSpace(f.Get(field))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fault.InvalidParam(field, "parameter_invalid", "%s must be a whole number, 0 or more", label)
	}
	return n, nil
}

// routingInput reads the routing fields. Empty bounds and timeout mean
// none; an empty priority or weight keeps the configuration's (on
// creation, the engine's default of 1).
func routingInput(f url.Values) (*engine.RoutingInput, error) {
	var vals [5]int64
	for i, n := range []struct{ field, label string }{{"route_priority", "Priority"}, {"route_weight", "Weight"},
		{"route_min", "Minimum amount"}, {"route_max", "Maximum amount"}, {"route_timeout_ms", "Timeout"}} {
		v, err := number(f, n.field, n.label)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	if vals[0] > 1<<30 || vals[1] > 1<<30 || vals[4] > 1<<30 {
		return nil, fault.InvalidParam("route_priority", "parameter_invalid", "priority, weight and timeout are at most %d", 1<<30)
	}
	prio, weight, timeout := int(vals[0]), int(vals[1]), int(vals[4])
	brands, countries := list(f, "route_brands", false), list(f, "route_countries", true)
	for i := range brands {
		brands[i] = strings.ToLower(brands[i])
	}
	in := &engine.RoutingInput{MinAmount: &vals[2], MaxAmount: &vals[3], Brands: &brands, Countries: &countries, TimeoutMS: &timeout}
	if strings.TrimSpace(f.Get("route_priority")) != "" {
		in.Priority = &prio
	}
	if strings.TrimSpace(f.Get("route_weight")) != "" {
		in.Weight = &weight
	}
	return in, nil
}

// configInput reads the form. Every field is posted, so an unticked box
// means off. Credentials are replaced only when a value is typed; empty
// values keep the sealed ones.
func configInput(f url.Values, create bool) (engine.ConfigInput, error) {
	name, nameAR := strings.TrimSpace(f.Get("name")), strings.TrimSpace(f.Get("name_ar"))
	currencies := []string{}
	for _, c := range strings.FieldsFunc(strings.ToUpper(f.Get("currencies")), func(r rune) bool { return r == ',' || r == ' ' }) {
		if !slices.Contains(currencies, c) {
			currencies = append(currencies, c)
		}
	}
	def, op := strings.ToUpper(strings.TrimSpace(f.Get("default_currency"))), f.Get("operation")
	follow := []string{}
	for _, o := range f["operations"] {
		if !slices.Contains(follow, o) {
			follow = append(follow, o)
		}
	}
	on, tok, auto := f.Get("enabled") != "", f.Get("tokenizable") != "", f.Get("auto_debit") != ""
	logo := strings.TrimSpace(f.Get("logo"))
	wallets, services, plugins, tags := boxes(f, "wallets"), boxes(f, "payment_services"), boxes(f, "plugins"), boxes(f, "tags")
	routing, err := routingInput(f)
	if err != nil {
		return engine.ConfigInput{}, err
	}
	in := engine.ConfigInput{NameEN: &name, NameAR: &nameAR, AcceptedCurrencies: &currencies, DefaultCurrency: &def,
		Operation: &op, FollowUps: &follow, Enabled: &on, Tokenizable: &tok, AutoDebit: &auto, Logo: &logo,
		Wallets: &wallets, PaymentServices: &services, Plugins: &plugins, Tags: &tags, Routing: routing}
	if create {
		code, conn := strings.TrimSpace(f.Get("code")), f.Get("connector")
		in.Code, in.Connector = &code, &conn
	}
	creds := map[string]string{}
	for i := 1; i <= credentialRows; i++ {
		n, v := strings.TrimSpace(f.Get("cred_name_"+strconv.Itoa(i))), f.Get("cred_value_"+strconv.Itoa(i))
		if v == "" {
			continue
		}
		if n == "" {
			return in, fault.InvalidParam("credentials", "parameter_missing", "credential %d has a value but no name", i)
		}
		creds[n] = v
	}
	if len(creds) > 0 {
		in.Credentials = creds
	}
	return in, nil
}

func (s *Server) configPage(w http.ResponseWriter, r *http.Request, q *request, c *pmconfig.Config, f url.Values, status int, msg string) {
	title := "New payment-method configuration"
	if c != nil {
		title = "Payment-method configuration " + c.Code
	}
	v := &configView{view: view{Title: title, Nav: "developers", Error: msg, Notice: notices[r.URL.Query().Get("done")]},
		C: c, F: f, Connectors: s.eng.ConnectorNames(q.actor.Mode), Operations: pmconfig.Operations, FollowUps: pmconfig.FollowUps,
		Checked: map[string]bool{}, HasCredentials: c != nil && len(c.SealedCredentials) > 0}
	for _, o := range f["operations"] {
		v.Checked[o] = true
	}
	for i := 1; i <= credentialRows; i++ {
		v.Credentials = append(v.Credentials, credentialRow{N: i, Name: f.Get("cred_name_" + strconv.Itoa(i))})
	}
	for _, voc := range vocabularies {
		set := checkSet{Field: voc.field, Legend: voc.legend}
		for _, val := range voc.values {
			set.Options = append(set.Options, checkOption{Value: val, Checked: slices.Contains(f[voc.field], val)})
		}
		v.Sets = append(v.Sets, set)
	}
	s.renderFor(w, r, q, status, "pmconfig", v)
}

// typed is the form as posted, without a single credential value.
func typed(f url.Values) url.Values {
	out := url.Values{}
	for k, vs := range f {
		if !strings.HasPrefix(k, "cred_value_") && k != "csrf" {
			out[k] = vs
		}
	}
	return out
}

func (s *Server) newConfig(w http.ResponseWriter, r *http.Request, q *request) {
	s.configPage(w, r, q, nil, url.Values{"operation": {"purchase"}, "enabled": {"1"}, "operations": pmconfig.FollowUps,
		"route_priority": {"1"}, "route_weight": {"1"}}, http.StatusOK, "")
}

// createConfig adds a configuration (manage_keys, as the API's POST
// /v1/payment-method-configs).
func (s *Server) createConfig(w http.ResponseWriter, r *http.Request, q *request) {
	in, err := configInput(r.PostForm, true)
	if err == nil {
		_, err = s.eng.CreateConfig(r.Context(), q.actor, in)
	}
	if err != nil {
		if fault.KindOf(err) != fault.Invalid {
			s.fail(w, r, q, err)
			return
		}
		s.configPage(w, r, q, nil, typed(r.PostForm), http.StatusBadRequest, fault.As(err).Message)
		return
	}
	http.Redirect(w, r, "/dashboard/developers?done=config-created#cfg-h", http.StatusSeeOther)
}

func (s *Server) configDetail(w http.ResponseWriter, r *http.Request, q *request) {
	c, err := s.eng.GetConfig(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	s.configPage(w, r, q, c, configForm(c), http.StatusOK, "")
}

// updateConfig saves the form; code and connector do not change.
func (s *Server) updateConfig(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	c, err := s.eng.GetConfig(ctx, q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	in, err := configInput(r.PostForm, false)
	if err == nil {
		_, err = s.eng.UpdateConfig(ctx, q.actor, c.ID, in)
	}
	if err != nil {
		if fault.KindOf(err) != fault.Invalid {
			s.fail(w, r, q, err)
			return
		}
		s.configPage(w, r, q, c, typed(r.PostForm), http.StatusBadRequest, fault.As(err).Message)
		return
	}
	http.Redirect(w, r, "/dashboard/developers/configs/"+url.PathEscape(c.ID)+"?done=config-updated", http.StatusSeeOther)
}

// switchConfig enables or disables a configuration from the list.
func (s *Server) switchConfig(w http.ResponseWriter, r *http.Request, q *request) {
	on := r.PostForm.Get("enabled") == "1"
	if _, err := s.eng.UpdateConfig(r.Context(), q.actor, r.PathValue("id"), engine.ConfigInput{Enabled: &on}); err != nil {
		s.fail(w, r, q, err)
		return
	}
	done := "config-disabled"
	if on {
		done = "config-enabled"
	}
	http.Redirect(w, r, "/dashboard/developers?done="+done+"#cfg-h", http.StatusSeeOther)
}

// deleteConfig removes a configuration after a confirmation page.
func (s *Server) deleteConfig(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	c, err := s.eng.GetConfig(ctx, q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	back := "/dashboard/developers/configs/" + url.PathEscape(c.ID)
	if r.PostForm.Get("step") != "confirm" {
		s.renderFor(w, r, q, http.StatusOK, "ask", &askView{view: view{Title: "Delete payment-method configuration", Nav: "developers"},
			Heading: "Delete payment-method configuration",
			Text: "Delete the configuration " + c.Code + " (" + c.NameEN + ", " + c.Connector + ")? Payments can no longer name it and " +
				"its sealed credentials are erased. This cannot be undone.",
			Action: back + "/delete", Button: "Yes, delete the configuration", Back: back})
		return
	}
	if err := s.eng.DeleteConfig(ctx, q.actor, c.ID); err != nil {
		s.fail(w, r, q, err)
		return
	}
	http.Redirect(w, r, "/dashboard/developers?done=config-deleted#cfg-h", http.StatusSeeOther)
}
