package sandbox_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/conformancetest"
	"github.com/paygate/paygate/internal/connector/sandbox"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/money"
)

func usd(minor int64) money.Amount {
	return money.Amount{Minor: minor, Currency: money.MustLookup("USD")}
}

func cardOf(number string) connector.Card {
	_, brand, _ := card.ValidateNumber(number)
	return connector.Card{Number: number, ExpMonth: 12, ExpYear: 2030, CVC: "123", Brand: string(brand)}
}

func TestSandboxMeetsTheConnectorContract(t *testing.T) {
	conformancetest.Run(t, sandbox.New(sandbox.Options{Latency: time.Millisecond}), conformancetest.Cards{
		Approve: cardOf("4242424242424242"), Decline: cardOf("4000000000009995"), DeclineCode: "insufficient_funds", RefundsRepeat: true})
}

func TestEveryTableCardIsValidAndGivesItsOutcome(t *testing.T) {
	s := sandbox.New(sandbox.Options{BaseURL: "http://pg.test"})
	for _, tc := range sandbox.Cards {
		t.Run(tc.Number+" "+tc.Description, func(t *testing.T) {
			if _, brand, err := card.ValidateNumber(tc.Number); err != nil || string(brand) != tc.Brand {
				t.Fatalf("table card fails validation: %v (brand %s)", err, brand)
			}
			res, err := s.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(1000), Capture: true, Card: cardOf(tc.Number)})
			switch tc.Behaviour {
			case sandbox.Approve:
				if err != nil || res.Outcome != connector.Approved || !res.Captured {
					t.Fatalf("%+v %v", res, err)
				}
			case sandbox.Decline:
				if err != nil || res.Outcome != connector.Declined || res.DeclineCode != tc.DeclineCode || res.Message == "" {
					t.Fatalf("%+v %v", res, err)
				}
				if res.Retryable != (tc.DeclineCode == "processing_error") {
					t.Fatalf("retryable = %v", res.Retryable)
				}
			case sandbox.Challenge, sandbox.ChallengeUnlessMIT:
				if err != nil || res.Outcome != connector.ActionRequired || res.ActionURL == "" {
					t.Fatalf("%+v %v", res, err)
				}
			case sandbox.PendingApprove, sandbox.PendingDecline:
				if err != nil || res.Outcome != connector.Pending {
					t.Fatalf("%+v %v", res, err)
				}
			case sandbox.TimeoutAfterAuth:
				if !connector.OutcomeUnknown(err) {
					t.Fatalf("want timeout, got %+v %v", res, err)
				}
			case sandbox.ProcessorDown:
				if !connector.Retryable(err) {
					t.Fatalf("want unavailable, got %+v %v", res, err)
				}
			}
		})
	}
}

func TestUnknownCardsAndLiveModeAreRefused(t *testing.T) {
	s := sandbox.New(sandbox.Options{})
	res, err := s.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(100), Card: cardOf("4111111111111111")})
	if err != nil || res.DeclineCode != "test_mode_live_card" {
		t.Fatalf("real-looking card in sandbox: %+v %v", res, err)
	}
	_, err = s.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Live: true, Amount: usd(100), Card: cardOf("4242424242424242")})
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Code != "test_card_in_live_mode" {
		t.Fatalf("test card in live mode: %v", err)
	}
}

func TestHolderNamesOverrideASucceedingCard(t *testing.T) {
	s := sandbox.New(sandbox.Options{})
	for holder, want := range map[string]string{"DECLINED": "generic_decline", "CARD_EXPIRED": "expired_card", "BLOCK_CARD": "card_blocked", "ERROR": "processing_error", "REFERRAL": "call_issuer"} {
		c := cardOf("4242424242424242")
		c.Holder = holder
		res, _ := s.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(100), Card: c})
		if res.Outcome != connector.Declined || res.DeclineCode != want {
			t.Errorf("%s: %+v", holder, res)
		}
	}
}

func TestChallengePassesWithTheRightPasswordOnly(t *testing.T) {
	s := sandbox.New(sandbox.Options{})
	ctx := context.Background()
	start := func(number string) string {
		pid := id.New("pay")
		res, _ := s.Authorize(ctx, connector.AuthorizeRequest{PaymentID: pid, MerchantID: "mer_1", Amount: usd(100), Capture: true, Card: cardOf(number)})
		if res.Outcome != connector.ActionRequired {
			t.Fatalf("%s: %+v", number, res)
		}
		chl := res.ActionURL[strings.LastIndex(res.ActionURL, "/")+1:]
		if !strings.HasPrefix(chl, "chl_") || strings.Contains(res.ActionURL, pid) {
			t.Fatalf("challenge URL must carry an unguessable challenge id, not the payment id: %s", res.ActionURL)
		}
		info, ok := s.Challenge(chl)
		if !ok || info.PaymentID != pid || info.MerchantID != "mer_1" || info.Amount.Minor != 100 || info.Last4 != number[len(number)-4:] {
			t.Fatalf("challenge info %+v %v", info, ok)
		}
		return chl
	}
	pid := start("4000002760003184")
	res, err := s.CompleteChallenge(ctx, pid, "password")
	if err != nil || res.Outcome != connector.Approved || res.ThreeDS == nil || res.ThreeDS.TransStatus != "Y" || res.ThreeDS.ECI != "05" || res.ThreeDS.CAVV == "" {
		t.Fatalf("right password: %+v %v", res, err)
	}
	pid = start("4000002760003184")
	if res, _ := s.CompleteChallenge(ctx, pid, "wrong"); res.DeclineCode != "authentication_failed" || res.ThreeDS.TransStatus != "N" {
		t.Fatalf("wrong password: %+v", res)
	}
	if res, _ := s.CompleteChallenge(ctx, pid, "password"); res.Outcome != connector.Declined {
		t.Fatalf("a failed challenge was passed on a second try: %+v", res)
	}
	pid = start("4000008260003178")
	if res, _ := s.CompleteChallenge(ctx, pid, "1234"); res.DeclineCode != "insufficient_funds" {
		t.Fatalf("auth then decline: %+v", res)
	}
	res, _ = s.Authorize(ctx, connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(100), Card: cardOf("4000002500003155"), MerchantInitiated: true})
	if res.Outcome != connector.Approved {
		t.Fatalf("off-session card on file: %+v", res)
	}
}

func TestPendingCardsResolveAfterTheDelay(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := sandbox.New(sandbox.Options{PendingDelay: time.Minute, Now: clock})
	ctx := context.Background()
	for number, want := range map[string]connector.Outcome{"4000009900000004": connector.Approved, "4000009900000012": connector.Declined} {
		pid := id.New("pay")
		s.Authorize(ctx, connector.AuthorizeRequest{PaymentID: pid, Amount: usd(100), Capture: true, Card: cardOf(number)})
		if r, _ := s.Status(ctx, connector.StatusRequest{PaymentID: pid}); r.Outcome != connector.Pending {
			t.Fatalf("%s before delay: %+v", number, r)
		}
		mu.Lock()
		now = now.Add(2 * time.Minute)
		mu.Unlock()
		if r, _ := s.Status(ctx, connector.StatusRequest{PaymentID: pid}); r.Outcome != want {
			t.Fatalf("%s after delay: %+v", number, r)
		}
	}
}

func TestTimeoutAfterAuthorizingIsVisibleToStatus(t *testing.T) {
	s := sandbox.New(sandbox.Options{})
	pid := id.New("pay")
	_, err := s.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: pid, Amount: usd(100), Capture: true, Card: cardOf("4000009900000020")})
	if !connector.OutcomeUnknown(err) {
		t.Fatal(err)
	}
	if r, _ := s.Status(context.Background(), connector.StatusRequest{PaymentID: pid}); r.Outcome != connector.Approved || !r.Captured {
		t.Fatalf("status: %+v", r)
	}
}

func TestConcurrentRefundsNeverExceedTheCapture(t *testing.T) {
	s := sandbox.New(sandbox.Options{})
	ctx := context.Background()
	pid := id.New("pay")
	res, _ := s.Authorize(ctx, connector.AuthorizeRequest{PaymentID: pid, Amount: usd(1000), Capture: true, Card: cardOf("4242424242424242")})
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Refund(ctx, connector.RefundRequest{PaymentID: pid, ProcessorRef: res.ProcessorRef, Amount: usd(30)}); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ok != 33 {
		t.Fatalf("%d refunds of 30 accepted on a capture of 1000", ok)
	}
}

func TestTestCardsDocumentMatchesTheTable(t *testing.T) {
	const path = "../../../docs/test-cards.md"
	want := sandbox.MarkdownTable()
	if os.Getenv("PAYGATE_UPDATE_DOCS") != "" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Fatalf("docs/test-cards.md is out of date with cards.go; run PAYGATE_UPDATE_DOCS=1 go test ./internal/connector/sandbox (%v)", err)
	}
}

func TestStatusReportsFollowUpOperationsByTheirID(t *testing.T) {
	s := sandbox.New(sandbox.Options{})
	ctx := context.Background()
	pid := id.New("pay")
	res, _ := s.Authorize(ctx, connector.AuthorizeRequest{PaymentID: pid, Amount: usd(500), Card: cardOf("4242424242424242")})
	if _, err := s.Capture(ctx, connector.CaptureRequest{PaymentID: pid, OperationID: "op_cap", ProcessorRef: res.ProcessorRef, Amount: usd(500)}); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Status(ctx, connector.StatusRequest{PaymentID: pid, OperationID: "op_cap"}); r.Outcome != connector.Approved || r.ProcessorRef == "" {
		t.Fatalf("capture status: %+v", r)
	}
	if r, _ := s.Status(ctx, connector.StatusRequest{PaymentID: pid, OperationID: "op_never_sent"}); r.Outcome != connector.NotFound {
		t.Fatalf("unknown operation: %+v", r)
	}
}

func TestFrictionlessCardsAuthenticateWithoutChallenge(t *testing.T) {
	s := sandbox.New(sandbox.Options{})
	for _, c := range []struct{ number, status, eci string }{
		{"4000000000003055", "Y", "05"}, {"4000009900000046", "A", "06"}, {"5200009900000058", "Y", "02"},
	} {
		res, err := s.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(100), Capture: true, Card: cardOf(c.number)})
		if err != nil || res.Outcome != connector.Approved || res.ThreeDS == nil || res.ThreeDS.TransStatus != c.status ||
			res.ThreeDS.ECI != c.eci || res.ThreeDS.CAVV == "" || res.ThreeDS.Flow != "frictionless" {
			t.Errorf("%s: %+v %+v %v", c.number, res, res.ThreeDS, err)
		}
	}
}
