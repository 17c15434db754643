// Package pmconfig holds payment-method configurations: a merchant's named
// processor accounts (Ottu's "pg_code"s), what each accepts, and the
// filters of the Payment Methods API that lists them.
package pmconfig

import (
	"slices"
	"time"

	"github.com/paygate/paygate/internal/payment"
)

// Vocabularies of a configuration.
var (
	Plugins         = []string{"e_commerce", "payment_request"}
	Operations      = []string{"purchase", "authorize"}
	FollowUps       = []string{"capture", "void", "refund"}
	Wallets         = []string{"ApplePay", "GooglePay"}
	PaymentServices = []string{"apple_pay", "google_pay", "samsung_pay", "wallet"}
	Tags            = []string{"e_commerce", "crm", "pos", "invoicing", "subscriptions", "marketplace", "mobile_app", "ticket_booking",
		"donations", "government", "education", "healthcare", "insurance", "logistics", "hospitality", "real_estate", "retail",
		"telecom", "utilities", "demo", "test"}
)

// Config is one payment-method configuration.
type Config struct {
	ID         string
	MerchantID string
	// Mode is sandbox for environment "sandbox", live for "production".
	Mode               payment.Mode
	Code               string
	NameEN, NameAR     string
	Logo               string
	Connector          string
	CredentialsKeyID   string
	SealedCredentials  []byte
	AcceptedCurrencies []string
	DefaultCurrency    string
	Operation          string
	FollowUps          []string
	Tokenizable        bool
	AutoDebit          bool
	Wallets            []string
	PaymentServices    []string
	Plugins            []string
	Tags               []string
	Routing            Routing
	Enabled            bool
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Routing is how paygate chooses this configuration for a payment that
// names none, and how long it waits for the processor.
type Routing struct {
	// Priority orders eligible configurations: 1 is tried before 2. Equal
	// priorities share traffic by Weight.
	Priority int
	// Weight is this configuration's share among equal priorities; 0 makes
	// it a fallback only, tried after every positive weight.
	Weight int
	// MinAmount and MaxAmount bound the amount in minor units (inclusive);
	// 0 means no bound.
	MinAmount, MaxAmount int64
	// Brands and Countries (ISO 3166 alpha-2, from the card's BIN) limit the
	// cards taken; empty takes all.
	Brands, Countries []string
	// Timeout bounds one processor call; 0 uses the gateway's default.
	Timeout time.Duration
}

// Environment is the Ottu name of the config's mode.
func (c *Config) Environment() string {
	if c.Mode == payment.Live {
		return "production"
	}
	return "sandbox"
}

// Filter is a Payment Methods API query. Lists combine with OR within a
// field and AND across fields; empty fields do not filter.
type Filter struct {
	Plugin          string
	Currencies      []string
	Operation       string
	Tokenizable     *bool
	AutoDebit       *bool
	PGNames         []string // connector names
	Type            string   // sandbox or production
	Tags            []string
	PaymentServices []string
	CustomerID      string
}

func anyIn(want, have []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

// Matches reports whether an enabled config answers the filter.
func (c *Config) Matches(f Filter) bool {
	switch {
	case !c.Enabled:
		return false
	case f.Plugin != "" && !slices.Contains(c.Plugins, f.Plugin):
		return false
	case len(f.Currencies) > 0 && len(c.AcceptedCurrencies) > 0 && !anyIn(f.Currencies, c.AcceptedCurrencies):
		// No accepted list takes every currency (Accepts), so it matches any.
		return false
	case f.Operation != "" && f.Operation != c.Operation:
		return false
	case f.Tokenizable != nil && *f.Tokenizable != c.Tokenizable:
		return false
	case f.AutoDebit != nil && *f.AutoDebit != c.AutoDebit:
		return false
	case len(f.PGNames) > 0 && !slices.Contains(f.PGNames, c.Connector):
		return false
	case f.Type != "" && f.Type != c.Environment():
		return false
	case !anyIn(f.Tags, c.Tags):
		return false
	case !anyIn(f.PaymentServices, c.PaymentServices):
		return false
	}
	return true
}

// Accepts reports whether the config takes a currency.
func (c *Config) Accepts(currency string) bool {
	return len(c.AcceptedCurrencies) == 0 || slices.Contains(c.AcceptedCurrencies, currency)
}
