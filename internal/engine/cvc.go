package engine

import (
	"sync"
	"time"

	"github.com/paygate/paygate/internal/vault"
)

// cvcCache holds the CVC of a single-use token between tokenization and the
// one payment that uses it: in this process's memory only, sealed under a key
// that is random per process and never written anywhere, and gone after use
// or expiry (PCI DSS 3.3.1.2; reliability.md PCI-02). A restart or another
// instance therefore has no CVC for the token, and the payment is refused
// rather than sent without it.
type cvcCache struct {
	mu      sync.Mutex
	key     []byte
	entries map[string]cvcEntry
	now     func() time.Time
}

type cvcEntry struct {
	sealed  []byte
	expires time.Time
}

func newCVCCache(now func() time.Time) *cvcCache {
	return &cvcCache{key: vault.NewKey(), entries: map[string]cvcEntry{}, now: now}
}

func (c *cvcCache) put(tokenID, cvc string, expires time.Time) {
	sealed, err := vault.Seal(c.key, []byte(tokenID), []byte(cvc))
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, k)
		}
	}
	c.entries[tokenID] = cvcEntry{sealed: sealed, expires: expires}
}

// take returns and forgets a token's CVC.
func (c *cvcCache) take(tokenID string) (string, bool) {
	c.mu.Lock()
	e, ok := c.entries[tokenID]
	delete(c.entries, tokenID)
	c.mu.Unlock()
	if !ok || !c.now().Before(e.expires) {
		return "", false
	}
	pt, err := vault.Open(c.key, []byte(tokenID), e.sealed)
	if err != nil {
		return "", false
	}
	return string(pt), true
}

// has reports whether a token still has its CVC, without taking it.
func (c *cvcCache) has(tokenID string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[tokenID]
	return ok && c.now().Before(e.expires)
}

// restore puts back a CVC taken for a payment that never reached the
// processor (a validation or conflict error), so the token stays usable.
func (c *cvcCache) restore(tokenID, cvc string, expires time.Time) { c.put(tokenID, cvc, expires) }
