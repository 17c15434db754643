package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/pmconfig"
)

const configUsage = `usage: paygate config create --merchant ID --code CODE --name NAME [--connector sandbox] [--currencies KWD,USD]
                             [--default-currency KWD] [--operation purchase|authorize] [--operations refund,void,capture]
                             [--tokenizable] [--auto-debit] [--plugins e_commerce,payment_request] [--tags retail]
                             [--services apple_pay] [--credentials key=value,...] [--mode sandbox|live] [--json]
                             [--priority 1] [--weight 1] [--min-amount MINOR] [--max-amount MINOR] [--brands visa,mastercard]
                             [--countries GB,FR] [--timeout 5s]
       paygate config list --merchant ID [--mode M] [--json]
       paygate config enable|disable|delete --merchant ID [--mode M] CODE`

func list(s string) *[]string {
	if s == "" {
		return nil
	}
	out := strings.Split(s, ",")
	return &out
}

// configCmd manages payment-method configurations from the command line
// (audited as the system, like the API's changes are as their caller).
func configCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || !slices.Contains([]string{"create", "list", "enable", "disable", "delete"}, args[0]) {
		return errors.New(configUsage)
	}
	sub := args[0]
	var merchantID, mode, code, name, nameAR, connector, currencies, defCur, operation, operations, plugins, tags, services, creds string
	var tokenizable, autoDebit, asJSON bool
	var brands, countries string
	var priority, weight int
	var minAmount, maxAmount int64
	var timeout time.Duration
	c, fs, err := parse("config "+sub, args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&merchantID, "merchant", "", "merchant id")
		fs.StringVar(&mode, "mode", "sandbox", "sandbox or live")
		fs.StringVar(&code, "code", "", "the configuration code (pg_code)")
		fs.StringVar(&name, "name", "", "display name")
		fs.StringVar(&nameAR, "name-ar", "", "display name in Arabic")
		fs.StringVar(&connector, "connector", "sandbox", "the connector that serves it")
		fs.StringVar(&currencies, "currencies", "", "accepted currencies, comma-separated")
		fs.StringVar(&defCur, "default-currency", "", "default currency")
		fs.StringVar(&operation, "operation", "", "purchase or authorize")
		fs.StringVar(&operations, "operations", "", "follow-up operations: refund,void,capture")
		fs.StringVar(&plugins, "plugins", "", "e_commerce,payment_request")
		fs.StringVar(&tags, "tags", "", "tags, comma-separated")
		fs.StringVar(&services, "services", "", "payment services: apple_pay,google_pay,samsung_pay,wallet")
		fs.StringVar(&creds, "credentials", "", "key=value pairs, comma-separated (sealed by the vault)")
		fs.BoolVar(&tokenizable, "tokenizable", false, "supports saving cards")
		fs.BoolVar(&autoDebit, "auto-debit", false, "supports auto-debit")
		fs.BoolVar(&asJSON, "json", false, "print JSON")
		fs.IntVar(&priority, "priority", 1, "routing priority: 1 is tried first")
		fs.IntVar(&weight, "weight", 1, "routing weight among equal priorities (0: fallback only)")
		fs.Int64Var(&minAmount, "min-amount", 0, "smallest amount routed here, minor units (0: no bound)")
		fs.Int64Var(&maxAmount, "max-amount", 0, "largest amount routed here, minor units (0: no bound)")
		fs.StringVar(&brands, "brands", "", "card brands routed here, comma-separated (empty: all)")
		fs.StringVar(&countries, "countries", "", "issuing countries routed here, ISO 3166 alpha-2, comma-separated (empty: all)")
		fs.DurationVar(&timeout, "timeout", 0, "one processor call's timeout (0: the gateway's default)")
	})
	if err != nil {
		return err
	}
	if merchantID == "" || (mode != "sandbox" && mode != "live") {
		return errors.New(configUsage)
	}
	a := engine.Actor{MerchantID: merchantID, Mode: payment.Mode(mode)}
	return withEngine(ctx, c, stderr, func(e *engine.Engine) error {
		switch sub {
		case "create":
			in := engine.ConfigInput{Code: &code, NameEN: &name, Connector: &connector, AcceptedCurrencies: list(currencies),
				FollowUps: list(operations), Plugins: list(plugins), Tags: list(tags), PaymentServices: list(services)}
			ms := int(timeout.Milliseconds())
			in.Routing = &engine.RoutingInput{Priority: &priority, Weight: &weight, MinAmount: &minAmount, MaxAmount: &maxAmount,
				Brands: list(brands), Countries: list(countries), TimeoutMS: &ms}
			if nameAR != "" {
				in.NameAR = &nameAR
			}
			if defCur != "" {
				in.DefaultCurrency = &defCur
			}
			if operation != "" {
				in.Operation = &operation
			}
			if tokenizable {
				in.Tokenizable = &tokenizable
			}
			if autoDebit {
				in.AutoDebit = &autoDebit
			}
			if creds != "" {
				in.Credentials = map[string]string{}
				for _, kv := range strings.Split(creds, ",") {
					k, v, ok := strings.Cut(kv, "=")
					if !ok {
						return errors.New("--credentials takes key=value pairs")
					}
					in.Credentials[k] = v
				}
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
		cfgs, err := e.ListConfigs(ctx, a)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(cfgs, func(c *pmconfig.Config) bool { return c.Code == fs.Arg(0) })
		if i < 0 {
			return fmt.Errorf("no configuration %q in %s mode", fs.Arg(0), mode)
		}
		if sub == "delete" {
			return e.DeleteConfig(ctx, a, cfgs[i].ID)
		}
		enabled := sub == "enable"
		cfg, err := e.UpdateConfig(ctx, a, cfgs[i].ID, engine.ConfigInput{Enabled: &enabled})
		if err != nil {
			return err
		}
		return printConfigs(stdout, []*pmconfig.Config{cfg}, asJSON)
	})
}

func printConfigs(w io.Writer, cfgs []*pmconfig.Config, asJSON bool) error {
	if asJSON {
		out := make([]map[string]any, 0, len(cfgs))
		for _, c := range cfgs {
			out = append(out, map[string]any{"id": c.ID, "code": c.Code, "name": c.NameEN, "connector": c.Connector, "type": c.Environment(),
				"accepted_currencies": c.AcceptedCurrencies, "operation": c.Operation, "enabled": c.Enabled,
				"routing": map[string]any{"priority": c.Routing.Priority, "weight": c.Routing.Weight, "min_amount": c.Routing.MinAmount,
					"max_amount": c.Routing.MaxAmount, "card_brands": c.Routing.Brands, "card_countries": c.Routing.Countries,
					"timeout_ms": c.Routing.Timeout.Milliseconds()}})
		}
		return json.NewEncoder(w).Encode(out)
	}
	for _, c := range cfgs {
		state := "enabled"
		if !c.Enabled {
			state = "disabled"
		}
		fmt.Fprintf(w, "%-16s %-24s %-10s %-9s %-10s %-12s priority %d weight %d\n", c.Code, c.NameEN, c.Connector, c.Operation, state,
			strings.Join(c.AcceptedCurrencies, ","), c.Routing.Priority, c.Routing.Weight)
	}
	return nil
}
