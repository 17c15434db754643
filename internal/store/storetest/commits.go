package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/merchant"
)

// CommitObserver records what a store reports through its OnCommit option.
type CommitObserver struct {
	mu           sync.Mutex
	commits      int
	transactions int
	took         time.Duration
}

// Observe is the OnCommit function.
func (o *CommitObserver) Observe(transactions int, took time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.commits++
	o.transactions += transactions
	o.took += took
}

// CommitsAreObserved runs concurrent transactions, one of them failing, and
// checks that the observer saw every one of them exactly once, in commits
// that each took some time: the figures /metrics and `paygate bench`
// report about group commit.
func CommitsAreObserved(t *testing.T, st engine.Store, o *CommitObserver) {
	t.Helper()
	ctx := context.Background()
	const n = 40
	boom := errors.New("boom")
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = st.Update(ctx, func(tx engine.Tx) error {
				if i == 7 {
					return boom
				}
				return tx.InsertMerchant(ctx, &merchant.Merchant{ID: id.New("mer"), Name: "observed", CreatedAt: time.Now()})
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if (i == 7) != errors.Is(err, boom) {
			t.Fatalf("transaction %d: %v", i, err)
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.transactions != n {
		t.Fatalf("observer saw %d transactions in %d commits, want %d", o.transactions, o.commits, n)
	}
	if o.commits < 1 || o.commits > n || o.took <= 0 {
		t.Fatalf("observer saw %d commits taking %v", o.commits, o.took)
	}
}
