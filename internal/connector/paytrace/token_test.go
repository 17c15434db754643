package paytrace_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/paytrace"
	"github.com/paygate/paygate/internal/connector/paytrace/paytracefake"
	"github.com/paygate/paygate/internal/id"
)

// clock is a settable time source for the connector.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func sale(t *testing.T, conn *paytrace.Connector) connector.Result {
	t.Helper()
	res, err := conn.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(1000), Capture: true,
		Card: cardOf(paytracefake.ApproveCard)})
	if err != nil || res.Outcome != connector.Approved {
		t.Fatalf("sale: %+v %v", res, err)
	}
	return res
}

func TestOneGrantServesManyCalls(t *testing.T) {
	fake, conn := setup(t)
	for range 5 {
		sale(t, conn)
	}
	if g := fake.Grants(); g != 1 {
		t.Fatalf("%d grants for 5 sales, want 1", g)
	}
}

func TestATokenIsRenewedShortlyBeforeItExpires(t *testing.T) {
	fake := paytracefake.New()
	t.Cleanup(fake.Close)
	clk := &clock{t: time.Now()}
	cfg := configFor(fake)
	cfg.Now = clk.Now
	conn := paytrace.New(cfg)
	sale(t, conn)
	clk.Advance(7200*time.Second - 10*time.Minute)
	sale(t, conn)
	if g := fake.Grants(); g != 1 {
		t.Fatalf("renewed with 10 minutes left: %d grants", g)
	}
	clk.Advance(6 * time.Minute) // 4 minutes left: inside the 5-minute margin
	sale(t, conn)
	if g := fake.Grants(); g != 2 {
		t.Fatalf("%d grants, want a renewal before expiry", g)
	}
	if n := fake.Count("/v1/transactions/sale/keyed"); n != 3 {
		t.Fatalf("%d sale requests, want 3 (none refused)", n)
	}
}

func TestAShortLivedTokenIsRenewedBeforeThePayTraceClockExpiresIt(t *testing.T) {
	fake := paytracefake.New()
	t.Cleanup(fake.Close)
	fakeClock := &clock{t: time.Now()}
	fake.SetNow(fakeClock.Now)
	fake.SetTokenTTL(60 * time.Second)
	connClock := &clock{t: time.Now()}
	cfg := configFor(fake)
	cfg.Now = connClock.Now
	conn := paytrace.New(cfg)
	sale(t, conn)
	fakeClock.Advance(58 * time.Second)
	connClock.Advance(58 * time.Second) // a tenth of 60 s is the margin
	sale(t, conn)
	if g, n := fake.Grants(), fake.Count("/v1/transactions/sale/keyed"); g != 2 || n != 2 {
		t.Fatalf("grants %d, sale requests %d: want a renewal and no refused call", g, n)
	}
}

func TestAnExpiredTokenIsReplacedOnceAndTheCallSucceeds(t *testing.T) {
	fake, conn := setup(t)
	sale(t, conn)
	fake.ExpireTokens()
	sale(t, conn)
	if g := fake.Grants(); g != 2 {
		t.Fatalf("%d grants, want 2", g)
	}
	if n := len(fake.Transactions()); n != 2 {
		t.Fatalf("%d transactions for 2 sales", n)
	}
}

func TestATokenRefusedTwiceIsAnAuthFailureNotALoop(t *testing.T) {
	fake, conn := setup(t)
	sale(t, conn)
	fake.RefuseTokens(2)
	_, err := conn.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(1000), Capture: true,
		Card: cardOf(paytracefake.ApproveCard)})
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Class != connector.AuthFailed {
		t.Fatalf("err = %v, want auth_failed", err)
	}
	if g, n := fake.Grants(), fake.Count("/v1/transactions/sale/keyed"); g != 2 || n != 3 {
		t.Fatalf("grants %d, sale requests %d: want one re-grant and one retry", g, n)
	}
	if n := len(fake.Transactions()); n != 1 {
		t.Fatalf("%d transactions, want only the first sale", n)
	}
	if connector.Retryable(err) || connector.OutcomeUnknown(err) {
		t.Fatal("an auth failure is neither retryable nor unknown")
	}
}

func TestConcurrentCallersShareOneGrant(t *testing.T) {
	fake, conn := setup(t)
	run := func() {
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if _, err := conn.Status(context.Background(), connector.StatusRequest{PaymentID: id.New("pay")}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	run()
	if g := fake.Grants(); g != 1 {
		t.Fatalf("%d grants for 20 concurrent first calls", g)
	}
	fake.ExpireTokens()
	run()
	if g := fake.Grants(); g != 2 {
		t.Fatalf("%d grants after expiry, want one more", g)
	}
}

func TestWrongCredentialsAreAnAuthFailure(t *testing.T) {
	fake := paytracefake.New()
	t.Cleanup(fake.Close)
	cfg := configFor(fake)
	cfg.Password = "wrong"
	_, err := paytrace.New(cfg).Status(context.Background(), connector.StatusRequest{PaymentID: id.New("pay")})
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Class != connector.AuthFailed || ce.Code != "invalid_grant" {
		t.Fatalf("err = %v", err)
	}
}
