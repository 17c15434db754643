package engine_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/pmconfig"
	"github.com/paygate/paygate/internal/store/sqlite"
)

// configReads counts the store reads routing makes for configurations.
type configReads struct {
	engine.Store
	lists, versions atomic.Int64
}

func (c *configReads) ListPMConfigs(ctx context.Context, merchantID string) ([]*pmconfig.Config, error) {
	c.lists.Add(1)
	return c.Store.ListPMConfigs(ctx, merchantID)
}

func (c *configReads) ConfigVersion(ctx context.Context, merchantID string) (int64, error) {
	c.versions.Add(1)
	return c.Store.ConfigVersion(ctx, merchantID)
}

// A merchant without payment-method configurations (the built-in
// processor) has its "none" cached like any list: a burst of sales reads
// the configurations once, not twice per sale.
func TestSalesWithoutConfigurationsReadThemOnce(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	counted := &configReads{Store: st}
	f := newFixture(t, counted, nil)
	for range 20 {
		if p := f.pay(t, 500, payment.CaptureAutomatic); p.Status != payment.Captured {
			t.Fatalf("sale: %s", p.Status)
		}
	}
	if l, v := counted.lists.Load(), counted.versions.Load(); l > 1 || v > 2 {
		t.Fatalf("20 sales read the configurations %d times and their version %d times", l, v)
	}
}
