package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/pmconfig"
)

const configUsage = `usage: paygate config create --merchant ID --code CODE --name NAME [--connector sandbox] [CONFIG FLAGS]
       paygate config update --merchant ID [--mode M] CODE [CONFIG FLAGS]   (only the flags given change)
       paygate config show --merchant ID [--mode M] [--json] CODE
       paygate config list --merchant ID [--mode M] [--json]
       paygate config enable|disable|delete --merchant ID [--mode M] CODE
CONFIG FLAGS: [--name NAME] [--name-ar NAME] [--logo URL] [--currencies KWD,USD] [--default-currency KWD]
       [--operation purchase|authorize] [--operations refund,void,capture] [--tokenizable] [--auto-debit]
       [--wallets ApplePay,GooglePay] [--services apple_pay] [--plugins e_commerce,payment_request] [--tags retail]
       [--credentials-file PATH|-] [--credentials key=value,...] [--mode sandbox|live] [--json]
       [--priority 1] [--weight 1] [--min-amount MINOR] [--max-amount MINOR] [--brands visa,mastercard]
       [--countries GB,FR] [--timeout 5s]
--credentials-file reads a JSON object {"key":"value"} or key=value lines (# comments) from a file,
or from standard input with "-". --credentials puts the secrets on the command line, where other
users of the machine see them (ps) and the shell history keeps them: prefer --credentials-file.`

var configSubcommands = []string{"create", "update", "show", "list", "enable", "disable", "delete"}

func list(s string) *[]string {
	if s == "" {
		return nil
	}
	out := strings.Split(s, ",")
	return &out
}

// configFlags are the flags that describe a configuration, shared by
// create and update.
type configFlags struct {
	code, name, nameAR, logo, connector, currencies, defCur, operation, operations string
	plugins, tags, services, wallets, creds, credsFile, brands, countries          string
	tokenizable, autoDebit                                                         bool
	priority, weight                                                               int
	minAmount, maxAmount                                                           int64
	timeout                                                                        time.Duration
}

func (v *configFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&v.code, "code", "", "the configuration code (pg_code)")
	fs.StringVar(&v.name, "name", "", "display name")
	fs.StringVar(&v.nameAR, "name-ar", "", "display name in Arabic")
	fs.StringVar(&v.logo, "logo", "", "logo URL (https)")
	fs.StringVar(&v.connector, "connector", "sandbox", "the connector that serves it")
	fs.StringVar(&v.currencies, "currencies", "", "accepted currencies, comma-separated")
	fs.StringVar(&v.defCur, "default-currency", "", "default currency")
	fs.StringVar(&v.operation, "operation", "", "purchase or authorize")
	fs.StringVar(&v.operations, "operations", "", "follow-up operations: refund,void,capture")
	fs.StringVar(&v.plugins, "plugins", "", "e_commerce,payment_request")
	fs.StringVar(&v.tags, "tags", "", "tags, comma-separated")
	fs.StringVar(&v.services, "services", "", "payment services: apple_pay,google_pay,samsung_pay,wallet")
	fs.StringVar(&v.wallets, "wallets", "", "wallets: ApplePay,GooglePay")
	fs.StringVar(&v.creds, "credentials", "", "key=value pairs, comma-separated (visible in ps and shell history; prefer --credentials-file)")
	fs.StringVar(&v.credsFile, "credentials-file", "", `file of credentials (JSON object or key=value lines), "-" for standard input`)
	fs.BoolVar(&v.tokenizable, "tokenizable", false, "supports saving cards")
	fs.BoolVar(&v.autoDebit, "auto-debit", false, "supports auto-debit")
	fs.IntVar(&v.priority, "priority", 1, "routing priority: 1 is tried first")
	fs.IntVar(&v.weight, "weight", 1, "routing weight among equal priorities (0: fallback only)")
	fs.Int64Var(&v.minAmount, "min-amount", 0, "smallest amount routed here, minor units (0: no bound)")
	fs.Int64Var(&v.maxAmount, "max-amount", 0, "largest amount routed here, minor units (0: no bound)")
	fs.StringVar(&v.brands, "brands", "", "card brands routed here, comma-separated (empty: all)")
	fs.StringVar(&v.countries, "countries", "", "issuing countries routed here, ISO 3166 alpha-2, comma-separated (empty: all)")
	fs.DurationVar(&v.timeout, "timeout", 0, "one processor call's timeout (0: the gateway's default)")
}

// input turns the flags into a ConfigInput. On create every field has its
// default; on update only the flags given (set) change, and a list flag
// given empty clears the list.
func (v *configFlags) input(set map[string]bool, create bool) (engine.ConfigInput, error) {
	given := func(name string) bool { return create || set[name] }
	str := func(name string, s *string) *string {
		if set[name] {
			return s
		}
		return nil
	}
	lst := func(name, s string) *[]string {
		if !set[name] {
			return nil
		}
		if l := list(s); l != nil {
			return l
		}
		return &[]string{}
	}
	boolean := func(name string, b *bool) *bool {
		if set[name] {
			return b
		}
		return nil
	}
	in := engine.ConfigInput{NameEN: str("name", &v.name), NameAR: str("name-ar", &v.nameAR), Logo: str("logo", &v.logo),
		AcceptedCurrencies: lst("currencies", v.currencies), DefaultCurrency: str("default-currency", &v.defCur),
		Operation: str("operation", &v.operation), FollowUps: lst("operations", v.operations), Plugins: lst("plugins", v.plugins),
		Tags: lst("tags", v.tags), PaymentServices: lst("services", v.services), Wallets: lst("wallets", v.wallets),
		Tokenizable: boolean("tokenizable", &v.tokenizable), AutoDebit: boolean("auto-debit", &v.autoDebit)}
	if create {
		in.Code, in.NameEN, in.Connector = &v.code, &v.name, &v.connector
	} else {
		in.Code, in.Connector = str("code", &v.code), str("connector", &v.connector)
	}
	r := engine.RoutingInput{Brands: lst("brands", v.brands), Countries: lst("countries", v.countries)}
	routed := r.Brands != nil || r.Countries != nil
	if given("priority") {
		r.Priority, routed = &v.priority, true
	}
	if given("weight") {
		r.Weight, routed = &v.weight, true
	}
	if given("min-amount") {
		r.MinAmount, routed = &v.minAmount, true
	}
	if given("max-amount") {
		r.MaxAmount, routed = &v.maxAmount, true
	}
	if given("timeout") {
		ms := int(v.timeout.Milliseconds())
		r.TimeoutMS, routed = &ms, true
	}
	if routed {
		in.Routing = &r
	}
	creds, err := v.credentials(os.Stdin)
	if err != nil {
		return in, err
	}
	in.Credentials = creds
	return in, nil
}

// credentials reads --credentials-file (from stdin for "-") or the older
// --credentials key=value,... ; nil when neither was given.
func (v *configFlags) credentials(stdin io.Reader) (map[string]string, error) {
	switch {
	case v.creds != "" && v.credsFile != "":
		return nil, errors.New("give --credentials-file or --credentials, not both")
	case v.creds != "":
		out := map[string]string{}
		for _, kv := range strings.Split(v.creds, ",") {
			k, val, ok := strings.Cut(kv, "=")
			if !ok {
				return nil, errors.New("--credentials takes key=value pairs")
			}
			out[k] = val
		}
		return out, nil
	case v.credsFile == "":
		return nil, nil
	}
	var raw []byte
	var err error
	if v.credsFile == "-" {
		raw, err = io.ReadAll(io.LimitReader(stdin, 1<<20))
	} else {
		raw, err = os.ReadFile(v.credsFile)
	}
	if err != nil {
		return nil, fmt.Errorf("--credentials-file: %w", err)
	}
	return parseCredentials(raw)
}

// parseCredentials reads a JSON object of strings, or key=value lines
// (blank lines and # comments skipped; a value may hold "=" and ",").
// Errors never quote a value: it may be a secret.
func parseCredentials(raw []byte) (map[string]string, error) {
	out := map[string]string{}
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '{' {
		if err := json.Unmarshal(t, &out); err != nil {
			return nil, errors.New("--credentials-file: not a JSON object of string values")
		}
		return out, nil
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, val, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("--credentials-file: line %d is not key=value", n)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(val)
	}
	if len(out) == 0 {
		return nil, errors.New("--credentials-file: no credentials in it")
	}
	return out, nil
}

// configCmd manages payment-method configurations from the command line
// (audited as the system, like the API's changes are as their caller).
func configCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || !slices.Contains(configSubcommands, args[0]) {
		return errors.New(configUsage)
	}
	sub := args[0]
	var merchantID, mode string
	var asJSON bool
	var v configFlags
	c, fs, err := parse("config "+sub, args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&merchantID, "merchant", "", "merchant id")
		fs.StringVar(&mode, "mode", "sandbox", "sandbox or live")
		fs.BoolVar(&asJSON, "json", false, "print JSON")
		v.register(fs)
	})
	if err != nil {
		return err
	}
	if merchantID == "" || (mode != "sandbox" && mode != "live") {
		return errors.New(configUsage)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	a := engine.Actor{MerchantID: merchantID, Mode: payment.Mode(mode)}
	return withEngine(ctx, c, stderr, func(e *engine.Engine) error {
		switch sub {
		case "create":
			in, err := v.input(set, true)
			if err != nil {
				return err
			}
			cfg, err := e.CreateConfig(ctx, a, in)
			if err != nil {
				return err
			}
			return printConfigs(stdout, []*pmconfig.Config{cfg}, asJSON)
		case "list":
			cfgs, err := e.ListConfigs(ctx, a)
			if err != nil {
				return err
			}
			return printConfigs(stdout, cfgs, asJSON)
		}
		if fs.NArg() != 1 {
			return errors.New(configUsage)
		}
		cfg, err := configByCode(ctx, e, a, fs.Arg(0))
		if err != nil {
			return err
		}
		var in engine.ConfigInput
		switch sub {
		case "show":
			return showConfig(stdout, cfg, asJSON)
		case "delete":
			return e.DeleteConfig(ctx, a, cfg.ID)
		case "update":
			if in, err = v.input(set, false); err != nil {
				return err
			}
			if reflect.ValueOf(in).IsZero() {
				return errors.New("config update: give at least one flag to change (see paygate config)")
			}
		default:
			enabled := sub == "enable"
			in.Enabled = &enabled
		}
		cfg, err = e.UpdateConfig(ctx, a, cfg.ID, in)
		if err != nil {
			return err
		}
		if sub == "update" {
			return showConfig(stdout, cfg, asJSON)
		}
		return printConfigs(stdout, []*pmconfig.Config{cfg}, asJSON)
	})
}

func configByCode(ctx context.Context, e *engine.Engine, a engine.Actor, code string) (*pmconfig.Config, error) {
	cfgs, err := e.ListConfigs(ctx, a)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(cfgs, func(c *pmconfig.Config) bool { return c.Code == code })
	if i < 0 {
		return nil, fmt.Errorf("no configuration %q in %s mode", code, a.Mode)
	}
	return cfgs[i], nil
}

// configJSON is a configuration as the CLI prints it: everything but the
// credentials, of which only their presence shows.
func configJSON(c *pmconfig.Config) map[string]any {
	return map[string]any{"id": c.ID, "code": c.Code, "name": c.NameEN, "name_ar": c.NameAR, "logo": c.Logo, "connector": c.Connector,
		"type": c.Environment(), "accepted_currencies": c.AcceptedCurrencies, "default_currency": c.DefaultCurrency,
		"operation": c.Operation, "operations": c.FollowUps, "is_tokenizable": c.Tokenizable, "auto_debit_enabled": c.AutoDebit,
		"wallets": c.Wallets, "payment_services": c.PaymentServices, "plugins": c.Plugins, "tags": c.Tags, "enabled": c.Enabled,
		"has_credentials": len(c.SealedCredentials) > 0,
		"routing": map[string]any{"priority": c.Routing.Priority, "weight": c.Routing.Weight, "min_amount": c.Routing.MinAmount,
			"max_amount": c.Routing.MaxAmount, "card_brands": c.Routing.Brands, "card_countries": c.Routing.Countries,
			"timeout_ms": c.Routing.Timeout.Milliseconds()}}
}

func printConfigs(w io.Writer, cfgs []*pmconfig.Config, asJSON bool) error {
	if asJSON {
		out := make([]map[string]any, 0, len(cfgs))
		for _, c := range cfgs {
			out = append(out, configJSON(c))
		}
		return json.NewEncoder(w).Encode(out)
	}
	for _, c := range cfgs {
		fmt.Fprintf(w, "%-16s %-24s %-10s %-9s %-10s %-12s priority %d weight %d\n", c.Code, c.NameEN, c.Connector, c.Operation, enabledWord(c),
			strings.Join(c.AcceptedCurrencies, ","), c.Routing.Priority, c.Routing.Weight)
	}
	return nil
}

func enabledWord(c *pmconfig.Config) string {
	if c.Enabled {
		return "enabled"
	}
	return "disabled"
}

// showConfig prints one configuration in full (never its credentials).
func showConfig(w io.Writer, c *pmconfig.Config, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(configJSON(c))
	}
	join := func(ss []string) string { return strings.Join(ss, ",") }
	creds := "none"
	if len(c.SealedCredentials) > 0 {
		creds = "set (sealed; never shown)"
	}
	r := c.Routing
	for _, row := range [][2]string{
		{"code", c.Code}, {"id", c.ID}, {"name", c.NameEN}, {"name_ar", c.NameAR}, {"logo", c.Logo}, {"connector", c.Connector},
		{"type", c.Environment()}, {"state", enabledWord(c)}, {"currencies", join(c.AcceptedCurrencies)},
		{"default_currency", c.DefaultCurrency}, {"operation", c.Operation}, {"operations", join(c.FollowUps)},
		{"tokenizable", fmt.Sprint(c.Tokenizable)}, {"auto_debit", fmt.Sprint(c.AutoDebit)}, {"wallets", join(c.Wallets)},
		{"services", join(c.PaymentServices)}, {"plugins", join(c.Plugins)}, {"tags", join(c.Tags)}, {"credentials", creds},
		{"routing", fmt.Sprintf("priority %d weight %d amounts %d..%d brands %s countries %s timeout %s", r.Priority, r.Weight,
			r.MinAmount, r.MaxAmount, join(r.Brands), join(r.Countries), r.Timeout)},
	} {
		fmt.Fprintf(w, "%-17s %s\n", row[0]+":", row[1])
	}
	return nil
}
