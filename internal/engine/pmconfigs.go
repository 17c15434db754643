package engine

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/pmconfig"
)

// ConfigInput creates or changes a payment-method configuration; nil
// fields are left as they are (defaults on create).
type ConfigInput struct {
	Code               *string
	NameEN, NameAR     *string
	Logo               *string
	Connector          *string
	Environment        *string
	Credentials        map[string]string // write-only; sealed by the vault
	AcceptedCurrencies *[]string
	DefaultCurrency    *string
	Operation          *string
	FollowUps          *[]string
	Tokenizable        *bool
	AutoDebit          *bool
	Wallets            *[]string
	PaymentServices    *[]string
	Plugins            *[]string
	Tags               *[]string
	Enabled            *bool
	Routing            *RoutingInput
}

// RoutingInput changes a configuration's routing rules; nil fields stay.
type RoutingInput struct {
	Priority, Weight     *int
	MinAmount, MaxAmount *int64
	Brands, Countries    *[]string
	TimeoutMS            *int
}

var configCode = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,49}$`)

func subset(param string, vals, allowed []string) error {
	for _, v := range vals {
		if !slices.Contains(allowed, v) {
			return fault.InvalidParam(param, "parameter_invalid", "%q is not one of %s", v, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// currencyCodes checks ISO 4217 codes and returns them upper-cased, each
// once, in the order given: "kwd" and "KWD" are the same currency.
func currencyCodes(param string, in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, code := range in {
		cur, err := money.Lookup(code)
		if err != nil {
			return nil, fault.InvalidParam(param, "currency_invalid", "%q is not a supported ISO 4217 currency code", code)
		}
		if !slices.Contains(out, cur.Code) {
			out = append(out, cur.Code)
		}
	}
	return out, nil
}

// apply checks in and writes it into c, listing the fields it changed.
func (e *Engine) applyConfig(ctx context.Context, a Actor, c *pmconfig.Config, in ConfigInput) ([]string, error) {
	var changed []string
	set := func(name string) { changed = append(changed, name) }
	if in.NameEN != nil {
		if strings.TrimSpace(*in.NameEN) == "" {
			return nil, fault.InvalidParam("name", "parameter_missing", "name is required")
		}
		if err := validText("name", *in.NameEN, 100); err != nil {
			return nil, err
		}
		c.NameEN = *in.NameEN
		set("name")
	}
	if in.NameAR != nil {
		if err := validText("name_ar", *in.NameAR, 100); err != nil {
			return nil, err
		}
		c.NameAR = *in.NameAR
		set("name_ar")
	}
	if in.Logo != nil {
		if *in.Logo != "" {
			if err := validURL("logo", *in.Logo); err != nil {
				return nil, err
			}
		}
		c.Logo = *in.Logo
		set("logo")
	}
	if in.Environment != nil && *in.Environment != c.Environment() {
		return nil, fault.InvalidParam("type", "parameter_invalid", "a %s key makes %s configurations; use the other mode's key for %q", a.Mode, c.Environment(), *in.Environment)
	}
	if in.AcceptedCurrencies != nil {
		codes, err := currencyCodes("accepted_currencies", *in.AcceptedCurrencies)
		if err != nil {
			return nil, err
		}
		c.AcceptedCurrencies = codes
		set("accepted_currencies")
	}
	if in.DefaultCurrency != nil {
		c.DefaultCurrency = ""
		if *in.DefaultCurrency != "" {
			cur, err := money.Lookup(*in.DefaultCurrency)
			if err != nil {
				return nil, fault.InvalidParam("default_currency", "currency_invalid", "%q is not a supported ISO 4217 currency code", *in.DefaultCurrency)
			}
			c.DefaultCurrency = cur.Code
		}
		set("default_currency")
	}
	if c.DefaultCurrency != "" && !c.Accepts(c.DefaultCurrency) {
		return nil, fault.InvalidParam("default_currency", "parameter_invalid", "default_currency must be one of accepted_currencies")
	}
	for _, f := range []struct {
		param   string
		in      *[]string
		dst     *[]string
		allowed []string
	}{{"operations", in.FollowUps, &c.FollowUps, pmconfig.FollowUps}, {"wallets", in.Wallets, &c.Wallets, pmconfig.Wallets},
		{"payment_services", in.PaymentServices, &c.PaymentServices, pmconfig.PaymentServices}, {"plugins", in.Plugins, &c.Plugins, pmconfig.Plugins},
		{"tags", in.Tags, &c.Tags, pmconfig.Tags}} {
		if f.in == nil {
			continue
		}
		if err := subset(f.param, *f.in, f.allowed); err != nil {
			return nil, err
		}
		*f.dst = *f.in
		set(f.param)
	}
	if in.Operation != nil {
		if !slices.Contains(pmconfig.Operations, *in.Operation) {
			return nil, fault.InvalidParam("operation", "parameter_invalid", "operation must be purchase or authorize")
		}
		c.Operation = *in.Operation
		set("operation")
	}
	for _, f := range []struct {
		name string
		in   *bool
		dst  *bool
	}{{"is_tokenizable", in.Tokenizable, &c.Tokenizable}, {"auto_debit_enabled", in.AutoDebit, &c.AutoDebit}, {"enabled", in.Enabled, &c.Enabled}} {
		if f.in != nil {
			*f.dst = *f.in
			set(f.name)
		}
	}
	if in.Routing != nil {
		if err := applyRouting(&c.Routing, *in.Routing); err != nil {
			return nil, err
		}
		set("routing")
	}
	if in.Credentials != nil {
		if err := e.checkCredentials(c, in.Credentials); err != nil {
			return nil, err
		}
		b, _ := json.Marshal(in.Credentials)
		var err error
		if c.CredentialsKeyID, c.SealedCredentials, err = e.seal(ctx, func(k string) []byte { return []byte("pmc|" + c.ID + "|" + k) }, b); err != nil {
			return nil, err
		}
		set("credentials")
	}
	return changed, nil
}

// CreateConfig adds a payment-method configuration in the actor's mode.
func (e *Engine) CreateConfig(ctx context.Context, a Actor, in ConfigInput) (*pmconfig.Config, error) {
	defer e.forgetConfigs(a.MerchantID) // routing sees this change at once
	if in.Code == nil || !configCode.MatchString(*in.Code) {
		return nil, fault.InvalidParam("code", "parameter_invalid", "code is required: 1 to 50 lower-case letters, digits, _ or -")
	}
	if in.NameEN == nil {
		return nil, fault.InvalidParam("name", "parameter_missing", "name is required")
	}
	connectorName := ""
	if in.Connector != nil {
		connectorName = *in.Connector
	}
	if !e.connectorAvailable(a.Mode, connectorName) {
		return nil, fault.InvalidParam("connector", "parameter_invalid", "connector %q is not available in %s mode (available: %s)",
			connectorName, a.Mode, strings.Join(e.connectorNames(a.Mode), ", "))
	}
	now := e.now()
	c := &pmconfig.Config{ID: id.New("pmc"), MerchantID: a.MerchantID, Mode: a.Mode, Code: *in.Code, Connector: connectorName,
		Operation: "purchase", Plugins: []string{"e_commerce"}, Enabled: true, CreatedAt: now, UpdatedAt: now,
		Routing: pmconfig.Routing{Priority: 1, Weight: 1}}
	changed, err := e.applyConfig(ctx, a, c, in)
	if err != nil {
		return nil, err
	}
	if in.Credentials == nil {
		// A connector that needs credentials says which are missing now,
		// not at the first payment.
		if err := e.checkCredentials(c, map[string]string{}); err != nil {
			return nil, err
		}
	}
	err = e.store.Update(ctx, func(tx Tx) error {
		if err := tx.InsertPMConfig(ctx, c); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.Action("config.created"), "payment_method_config", c.ID,
			map[string]string{"code": c.Code, "fields": strings.Join(changed, " ")}))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateConfig changes a configuration; its code and connector stay.
func (e *Engine) UpdateConfig(ctx context.Context, a Actor, cid string, in ConfigInput) (*pmconfig.Config, error) {
	defer e.forgetConfigs(a.MerchantID) // routing sees this change at once
	if in.Code != nil || in.Connector != nil {
		return nil, fault.InvalidParam("code", "parameter_invalid", "code and connector cannot change; make a new configuration")
	}
	cur, err := e.store.GetPMConfig(ctx, a.MerchantID, a.Mode, cid)
	if err != nil {
		return nil, err
	}
	changed, err := e.applyConfig(ctx, a, cur, in)
	if err != nil {
		return nil, err
	}
	var out *pmconfig.Config
	err = e.store.Update(ctx, func(tx Tx) error {
		c, err := tx.GetPMConfigForUpdate(ctx, a.MerchantID, a.Mode, cid)
		if err != nil {
			return err
		}
		cur.CreatedAt, cur.UpdatedAt = c.CreatedAt, e.now()
		out = cur
		if err := tx.UpdatePMConfig(ctx, cur); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.Action("config.updated"), "payment_method_config", cid,
			map[string]string{"code": cur.Code, "fields": strings.Join(changed, " ")}))
	})
	return out, err
}

// DeleteConfig removes a configuration.
func (e *Engine) DeleteConfig(ctx context.Context, a Actor, cid string) error {
	defer e.forgetConfigs(a.MerchantID) // routing sees this change at once
	return e.store.Update(ctx, func(tx Tx) error {
		c, err := tx.GetPMConfigForUpdate(ctx, a.MerchantID, a.Mode, cid)
		if err != nil {
			return err
		}
		if err := tx.DeletePMConfig(ctx, a.MerchantID, a.Mode, cid); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.Action("config.deleted"), "payment_method_config", cid, map[string]string{"code": c.Code}))
	})
}

// GetConfig returns a configuration.
func (e *Engine) GetConfig(ctx context.Context, a Actor, cid string) (*pmconfig.Config, error) {
	return e.store.GetPMConfig(ctx, a.MerchantID, a.Mode, cid)
}

// ListConfigs lists the actor's configurations (mode), by code.
func (e *Engine) ListConfigs(ctx context.Context, a Actor) ([]*pmconfig.Config, error) {
	all, err := e.store.ListPMConfigs(ctx, a.MerchantID)
	out := all[:0]
	for _, c := range all {
		if c.Mode == a.Mode {
			out = append(out, c)
		}
	}
	return out, err
}

// ConfigsInMode is the actor's mode's configurations from the routing
// cache (a change made anywhere is seen within a second), for callers that
// only read them on every request, such as a front door naming a session's
// payment methods. The configurations are shared: do not change them.
func (e *Engine) ConfigsInMode(ctx context.Context, a Actor) ([]*pmconfig.Config, error) {
	all, err := e.merchantConfigs(ctx, a.MerchantID)
	if err != nil {
		return nil, err
	}
	var out []*pmconfig.Config
	for _, c := range all {
		if c.Mode == a.Mode {
			out = append(out, c)
		}
	}
	return out, nil
}

// configCache keeps each merchant's configurations with the version they
// were read at; a change anywhere bumps the version, so every process sees
// its entries are stale on the next call.
type configCache struct {
	mu      sync.Mutex
	entries map[string]configEntry
	hits    int
}

type configEntry struct {
	version int64
	// checked is when routing last confirmed the version (real time).
	checked time.Time
	configs []*pmconfig.Config
	// matches caches the result per normalized filter.
	matches map[string][]*pmconfig.Config
}

func filterKey(f pmconfig.Filter) string {
	norm := func(ss []string) string {
		c := slices.Clone(ss)
		sort.Strings(c)
		return strings.Join(slices.Compact(c), ",")
	}
	b := func(p *bool) string {
		if p == nil {
			return "-"
		}
		return map[bool]string{true: "1", false: "0"}[*p]
	}
	return strings.Join([]string{f.Plugin, norm(f.Currencies), f.Operation, b(f.Tokenizable), b(f.AutoDebit), norm(f.PGNames), f.Type,
		norm(f.Tags), norm(f.PaymentServices)}, "|")
}

// PaymentMethods answers the Payment Methods API: the actor's enabled
// configurations matching the filter that the actor may use (a person only
// sees codes they hold use:<code> for), and those the customer has paid
// with. Listings are cached per merchant and filter.
func (e *Engine) PaymentMethods(ctx context.Context, a Actor, f pmconfig.Filter) (customerMethods, methods []*pmconfig.Config, err error) {
	f.Currencies = slices.Clone(f.Currencies) // normalised below; the caller's slice stays as it was
	if !slices.Contains(pmconfig.Plugins, f.Plugin) {
		return nil, nil, fault.InvalidParam("plugin", "parameter_invalid", "plugin is required: e_commerce or payment_request")
	}
	if f.Operation != "" && !slices.Contains(pmconfig.Operations, f.Operation) {
		return nil, nil, fault.InvalidParam("operation", "parameter_invalid", "operation must be purchase or authorize")
	}
	if f.Type != "" && f.Type != "sandbox" && f.Type != "production" {
		return nil, nil, fault.InvalidParam("type", "parameter_invalid", "type must be sandbox or production")
	}
	if err := subset("tags", f.Tags, pmconfig.Tags); err != nil {
		return nil, nil, err
	}
	if err := subset("payment_services", f.PaymentServices, pmconfig.PaymentServices); err != nil {
		return nil, nil, err
	}
	if f.Currencies, err = currencyCodes("currencies", f.Currencies); err != nil {
		return nil, nil, err
	}
	if len(f.CustomerID) > 64 {
		return nil, nil, fault.InvalidParam("customer_id", "parameter_invalid", "customer_id is at most 64 characters")
	}
	if len(f.PGNames) > maxFilterValues {
		return nil, nil, fault.InvalidParam("pg_names", "parameter_invalid", "at most %d values per filter", maxFilterValues)
	}
	version, err := e.store.ConfigVersion(ctx, a.MerchantID)
	if err != nil {
		return nil, nil, err
	}
	key := string(a.Mode) + "|" + filterKey(f)
	e.configs.mu.Lock()
	ent, ok := e.configs.entries[a.MerchantID]
	var matched []*pmconfig.Config
	if ok && ent.version == version {
		matched, ok = ent.matches[key]
	} else {
		ok = false
	}
	if ok {
		e.configs.hits++
	}
	e.configs.mu.Unlock()
	if !ok {
		all := ent.configs
		if ent.version != version || all == nil {
			if all, err = e.store.ListPMConfigs(ctx, a.MerchantID); err != nil {
				return nil, nil, err
			}
		}
		matched = []*pmconfig.Config{}
		for _, c := range all {
			if c.Mode == a.Mode && c.Matches(f) {
				matched = append(matched, c)
			}
		}
		e.configs.mu.Lock()
		cur, exists := e.configs.entries[a.MerchantID]
		if !exists || cur.version != version {
			cur = configEntry{version: version, configs: all, matches: map[string][]*pmconfig.Config{}}
		}
		if len(cur.matches) >= maxCachedFilters {
			// Callers choose the filters (pg_names are free text), so the
			// cache starts again rather than grow without bound.
			cur.matches = map[string][]*pmconfig.Config{}
		}
		cur.matches[key] = matched
		e.configs.entries[a.MerchantID] = cur
		e.configs.mu.Unlock()
	}
	for _, c := range matched {
		if a.Principal.CanUse(c.Code) {
			methods = append(methods, c)
		}
	}
	customerMethods = []*pmconfig.Config{}
	if f.CustomerID != "" {
		codes, err := e.store.CustomerConfigs(ctx, a.MerchantID, a.Mode, e.customerNames(ctx, a, f.CustomerID))
		if err != nil {
			return nil, nil, err
		}
		for _, c := range methods {
			if slices.Contains(codes, c.Code) {
				customerMethods = append(customerMethods, c)
			}
		}
	}
	if methods == nil {
		methods = []*pmconfig.Config{}
	}
	return customerMethods, methods, nil
}

// Bounds of the Payment Methods listing cache and of its filters.
const (
	// maxCachedFilters is how many distinct filters one merchant's listing
	// cache holds (both modes) before it starts again.
	maxCachedFilters = 256
	// maxFilterValues bounds each list of a filter.
	maxFilterValues = 50
)

// ConfigCacheFilters is how many filters a merchant's listing cache holds
// (tests: it never exceeds its bound).
func (e *Engine) ConfigCacheFilters(merchantID string) int {
	e.configs.mu.Lock()
	defer e.configs.mu.Unlock()
	return len(e.configs.entries[merchantID].matches)
}

// ConfigCacheHits counts listings answered from the cache (tests, metrics).
func (e *Engine) ConfigCacheHits() int {
	e.configs.mu.Lock()
	defer e.configs.mu.Unlock()
	return e.configs.hits
}

// paymentConfig resolves a payment's configuration code: enabled, usable
// by the actor, taking the currency, its connector available.
func (e *Engine) paymentConfig(ctx context.Context, a Actor, code, currency string) (*pmconfig.Config, error) {
	c, err := e.store.GetPMConfigByCode(ctx, a.MerchantID, a.Mode, code)
	if fault.IsNotFound(err) || (err == nil && !c.Enabled) {
		return nil, fault.InvalidParam("pg_code", "config_not_found", "no enabled payment-method configuration %q", code)
	}
	if err != nil {
		return nil, err
	}
	if !a.Principal.CanUse(c.Code) {
		return nil, fault.Missing("permission_denied", "use:"+c.Code)
	}
	if !c.Accepts(currency) {
		return nil, fault.InvalidParam("currency", "currency_not_accepted", "configuration %q does not accept %s", code, currency)
	}
	if !e.connectorAvailable(a.Mode, c.Connector) {
		return nil, fault.New(fault.Unavailable, "processor_not_configured", "connector %q of configuration %q is not available", c.Connector, code)
	}
	return c, nil
}
