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
	return f
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
	on, tok := f.Get("enabled") != "", f.Get("tokenizable") != ""
	in := engine.ConfigInput{NameEN: &name, NameAR: &nameAR, AcceptedCurrencies: &currencies, DefaultCurrency: &def,
		Operation: &op, FollowUps: &follow, Enabled: &on, Tokenizable: &tok}
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
	s.configPage(w, r, q, nil, url.Values{"operation": {"purchase"}, "enabled": {"1"}, "operations": pmconfig.FollowUps}, http.StatusOK, "")
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
