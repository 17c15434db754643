package engine

import (
	"context"
	"strings"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/merchant"
	"github.com/paygate/paygate/internal/payment"
)

// CreateMerchant creates a merchant with a sandbox secret key and returns the
// key's secret, which is shown once and never stored.
func (e *Engine) CreateMerchant(ctx context.Context, name string) (*merchant.Merchant, string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, "", fault.InvalidParam("name", "parameter_missing", "merchant name is required")
	}
	if err := validText("name", name, 200); err != nil {
		return nil, "", err
	}
	m := &merchant.Merchant{ID: id.New("mer"), Name: name, CreatedAt: e.now()}
	secret, err := e.insertMerchant(ctx, m)
	if err != nil {
		return nil, "", err
	}
	return m, secret, nil
}

// insertMerchant stores a merchant with a new sandbox secret key, in one
// transaction, and returns the key's secret.
func (e *Engine) insertMerchant(ctx context.Context, m *merchant.Merchant) (string, error) {
	secret, key := auth.NewSecretKey(m.ID, payment.Sandbox, e.now())
	return secret, e.store.Update(ctx, func(tx Tx) error {
		if err := tx.InsertMerchant(ctx, m); err != nil {
			return err
		}
		return tx.InsertAPIKey(ctx, key)
	})
}

// CreateAPIKey adds a key for a merchant and mode on behalf of the system
// (the CLI); the secret is returned once.
func (e *Engine) CreateAPIKey(ctx context.Context, merchantID string, mode payment.Mode) (*auth.APIKey, string, error) {
	return e.CreateKey(ctx, Actor{MerchantID: merchantID, Mode: mode}, CreateKeyInput{Kind: string(auth.SecretKey)})
}

// RevokeAPIKey stops a merchant's key, whatever its mode, on behalf of the system.
func (e *Engine) RevokeAPIKey(ctx context.Context, merchantID, keyID string) error {
	keys, err := e.store.ListAPIKeys(ctx, merchantID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.ID == keyID {
			_, err := e.RevokeKey(ctx, Actor{MerchantID: merchantID, Mode: k.Mode}, keyID)
			return err
		}
	}
	return fault.NotFoundf("api key", keyID)
}

// DemoMerchantID is the fixed id of the merchant created on a first start.
const DemoMerchantID = "mer_demo"

// EnsureDemoMerchant creates the demo merchant with a sandbox key if it does
// not exist yet. It returns the secret only when it created it (first start),
// so the key is printed once and never again.
func (e *Engine) EnsureDemoMerchant(ctx context.Context) (string, error) {
	if _, err := e.store.GetMerchant(ctx, DemoMerchantID); err == nil {
		return "", nil
	} else if fault.KindOf(err) != fault.NotFound {
		return "", err
	}
	secret, err := e.insertMerchant(ctx, &merchant.Merchant{ID: DemoMerchantID, Name: "Demo Shop", CreatedAt: e.now()})
	if err != nil {
		return "", err
	}
	return secret, nil
}
