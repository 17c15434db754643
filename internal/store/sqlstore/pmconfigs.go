package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/pmconfig"
)

const pmConfigColumns = `id, merchant_id, mode, code, name_en, name_ar, logo, connector, credentials_key_id, sealed_credentials,
 accepted_currencies, default_currency, operation, follow_ups, tokenizable, auto_debit, wallets, payment_services, plugins, tags,
 enabled, created_at, updated_at, priority, weight, min_amount, max_amount, card_brands, card_countries, timeout_ms`

func scanPMConfig(s scanner) (*pmconfig.Config, error) {
	var c pmconfig.Config
	var cur, follow, wallets, services, plugins, tags, brands, countries string
	var tok, auto, enabled int
	var created, updated, timeoutMS int64
	if err := s.Scan(&c.ID, &c.MerchantID, &c.Mode, &c.Code, &c.NameEN, &c.NameAR, &c.Logo, &c.Connector, &c.CredentialsKeyID,
		&c.SealedCredentials, &cur, &c.DefaultCurrency, &c.Operation, &follow, &tok, &auto, &wallets, &services, &plugins, &tags,
		&enabled, &created, &updated, &c.Routing.Priority, &c.Routing.Weight, &c.Routing.MinAmount, &c.Routing.MaxAmount, &brands, &countries,
		&timeoutMS); err != nil {
		return nil, err
	}
	c.AcceptedCurrencies, c.FollowUps, c.Wallets = splitList(cur), splitList(follow), splitList(wallets)
	c.PaymentServices, c.Plugins, c.Tags = splitList(services), splitList(plugins), splitList(tags)
	c.Tokenizable, c.AutoDebit, c.Enabled = tok == 1, auto == 1, enabled == 1
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	c.Routing.Brands, c.Routing.Countries = splitList(brands), splitList(countries)
	c.Routing.Timeout = time.Duration(timeoutMS) * time.Millisecond
	return &c, nil
}

func pmConfigArgs(c *pmconfig.Config) []any {
	j := func(ss []string) string { return strings.Join(ss, " ") }
	return []any{c.ID, c.MerchantID, string(c.Mode), c.Code, c.NameEN, c.NameAR, c.Logo, c.Connector, c.CredentialsKeyID, c.SealedCredentials,
		j(c.AcceptedCurrencies), c.DefaultCurrency, c.Operation, j(c.FollowUps), boolInt(c.Tokenizable), boolInt(c.AutoDebit), j(c.Wallets),
		j(c.PaymentServices), j(c.Plugins), j(c.Tags), boolInt(c.Enabled), micros(c.CreatedAt), micros(c.UpdatedAt),
		c.Routing.Priority, c.Routing.Weight, c.Routing.MinAmount, c.Routing.MaxAmount, j(c.Routing.Brands), j(c.Routing.Countries),
		c.Routing.Timeout.Milliseconds()}
}

// bumpConfigVersion makes every process's cached listings of the merchant stale.
func (t *Tx) bumpConfigVersion(ctx context.Context, merchantID string) error {
	_, err := t.exec(ctx, `UPDATE merchants SET config_version = config_version + 1 WHERE id = ?`, merchantID)
	return err
}

// InsertPMConfig implements engine.Tx; a taken code is a Conflict.
func (t *Tx) InsertPMConfig(ctx context.Context, c *pmconfig.Config) error {
	_, err := t.exec(ctx, `INSERT INTO payment_method_configs (`+pmConfigColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		pmConfigArgs(c)...)
	if t.D.IsUniqueViolation(err) {
		return fault.New(fault.Conflict, "config_code_taken", "a payment-method configuration with code %q exists", c.Code)
	}
	if err != nil {
		return err
	}
	return t.bumpConfigVersion(ctx, c.MerchantID)
}

// GetPMConfigForUpdate implements engine.Tx.
func (t *Tx) GetPMConfigForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*pmconfig.Config, error) {
	c, err := scanPMConfig(t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT `+pmConfigColumns+` FROM payment_method_configs WHERE id = ? AND merchant_id = ? AND mode = ?`+t.D.ForUpdate), id, merchantID, string(mode)))
	return one(c, err, "payment-method configuration", id)
}

// UpdatePMConfig implements engine.Tx.
func (t *Tx) UpdatePMConfig(ctx context.Context, c *pmconfig.Config) error {
	j := func(ss []string) string { return strings.Join(ss, " ") }
	if _, err := t.exec(ctx, `UPDATE payment_method_configs SET name_en = ?, name_ar = ?, logo = ?, credentials_key_id = ?, sealed_credentials = ?,
 accepted_currencies = ?, default_currency = ?, operation = ?, follow_ups = ?, tokenizable = ?, auto_debit = ?, wallets = ?, payment_services = ?,
 plugins = ?, tags = ?, enabled = ?, updated_at = ?, priority = ?, weight = ?, min_amount = ?, max_amount = ?, card_brands = ?,
 card_countries = ?, timeout_ms = ? WHERE id = ? AND merchant_id = ?`,
		c.NameEN, c.NameAR, c.Logo, c.CredentialsKeyID, c.SealedCredentials, j(c.AcceptedCurrencies), c.DefaultCurrency, c.Operation,
		j(c.FollowUps), boolInt(c.Tokenizable), boolInt(c.AutoDebit), j(c.Wallets), j(c.PaymentServices), j(c.Plugins), j(c.Tags),
		boolInt(c.Enabled), micros(c.UpdatedAt), c.Routing.Priority, c.Routing.Weight, c.Routing.MinAmount, c.Routing.MaxAmount,
		j(c.Routing.Brands), j(c.Routing.Countries), c.Routing.Timeout.Milliseconds(), c.ID, c.MerchantID); err != nil {
		return err
	}
	return t.bumpConfigVersion(ctx, c.MerchantID)
}

// DeletePMConfig implements engine.Tx.
func (t *Tx) DeletePMConfig(ctx context.Context, merchantID string, mode payment.Mode, id string) error {
	if _, err := t.exec(ctx, `DELETE FROM payment_method_configs WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode)); err != nil {
		return err
	}
	return t.bumpConfigVersion(ctx, merchantID)
}

// ListPMConfigs implements engine.Reader: every config of the merchant (both modes).
func (r *Reader) ListPMConfigs(ctx context.Context, merchantID string) ([]*pmconfig.Config, error) {
	return list(r, ctx, scanPMConfig, `SELECT `+pmConfigColumns+` FROM payment_method_configs WHERE merchant_id = ? ORDER BY code`, merchantID)
}

// GetPMConfigByCode implements engine.Reader.
func (r *Reader) GetPMConfigByCode(ctx context.Context, merchantID string, mode payment.Mode, code string) (*pmconfig.Config, error) {
	c, err := scanPMConfig(r.row(ctx, `SELECT `+pmConfigColumns+` FROM payment_method_configs WHERE merchant_id = ? AND mode = ? AND code = ?`, merchantID, string(mode), code))
	return one(c, err, "payment-method configuration", code)
}

// GetPMConfig implements engine.Reader.
func (r *Reader) GetPMConfig(ctx context.Context, merchantID string, mode payment.Mode, id string) (*pmconfig.Config, error) {
	c, err := scanPMConfig(r.row(ctx, `SELECT `+pmConfigColumns+` FROM payment_method_configs WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode)))
	return one(c, err, "payment-method configuration", id)
}

// ConfigVersion implements engine.Reader.
func (r *Reader) ConfigVersion(ctx context.Context, merchantID string) (int64, error) {
	var v int64
	err := r.row(ctx, `SELECT config_version FROM merchants WHERE id = ?`, merchantID).Scan(&v)
	return v, err
}

// CustomerConfigs implements engine.Reader: the configuration codes a
// customer has paid with successfully.
func (r *Reader) CustomerConfigs(ctx context.Context, merchantID string, mode payment.Mode, customers []string) ([]string, error) {
	if len(customers) == 0 {
		return nil, nil
	}
	args := []any{merchantID, string(mode)}
	for _, c := range customers {
		args = append(args, c)
	}
	return list(r, ctx, func(s scanner) (string, error) {
		var code string
		return code, s.Scan(&code)
	}, `SELECT DISTINCT config FROM payments WHERE merchant_id = ? AND mode = ? AND customer IN (?`+strings.Repeat(", ?", len(customers)-1)+`) AND config <> ''
 AND status IN ('authorized', 'captured', 'partially_refunded', 'refunded') ORDER BY config`, args...)
}
