package smartpay_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A payer paying with the sandbox's pending card sees the payment
// AUTHORIZATION_PENDING through Get Payment Status until the processor
// answers, then AUTHORIZATION_COMPLETED once paygate's recovery asks it
// after the pending delay; a card that needs a 3-D Secure challenge is
// AUTORIZATION_INITIALIZED (the vendor's spelling) until the payer passes
// it, then AUTHORIZATION_COMPLETED.
func TestPendingAndChallengeStatuses(t *testing.T) {
	clk := newClock()
	g := newGateway(t, withClock(clk))
	basic := g.basic()
	create := func(ref string) (string, string) {
		r := g.call("POST", "/payment/creation", basic, createBody(g.merchant, ref, ""))
		if r.status != 200 {
			t.Fatalf("creation: %d %s", r.status, r.body)
		}
		return r.json(t)["transactionId"].(string), r.json(t)["checkoutToken"].(string)
	}
	status := func(tx string) any { return g.call("GET", "/payment/status/"+tx, basic, "").json(t)["paymentStatus"] }

	t.Run("pending card", func(t *testing.T) {
		tx, token := create("pending-1")
		if code, _ := g.submitCard(token, "4000 0099 0000 0004"); code >= 400 {
			t.Fatalf("the hosted page refused the pending card: %d", code)
		}
		if st := status(tx); st != "AUTHORIZATION_PENDING" {
			t.Fatalf("after paying with the pending card: %v", st)
		}
		// Before the sandbox's pending delay (2 s) the processor still says pending.
		if _, err := g.eng.Recover(context.Background(), time.Minute, 0); err != nil {
			t.Fatal(err)
		}
		if st := status(tx); st != "AUTHORIZATION_PENDING" {
			t.Fatalf("before the pending delay: %v", st)
		}
		clk.Advance(3 * time.Second)
		if n, err := g.eng.Recover(context.Background(), time.Minute, 0); err != nil || n != 1 {
			t.Fatalf("recovery resolved %d: %v", n, err)
		}
		if st := status(tx); st != "AUTHORIZATION_COMPLETED" {
			t.Fatalf("after the pending delay: %v", st)
		}
	})

	t.Run("3-D Secure challenge card", func(t *testing.T) {
		tx, token := create("challenge-1")
		loc := g.payOnHostedPage(token, "4000 0027 6000 3184")
		i := strings.Index(loc, "/sandbox/3ds/")
		if i < 0 {
			t.Fatalf("the hosted page sent the payer to %s, not to the challenge", loc)
		}
		if st := status(tx); st != "AUTORIZATION_INITIALIZED" {
			t.Fatalf("before the challenge: %v", st)
		}
		if _, err := g.eng.CompleteChallenge(context.Background(), "sandbox", loc[i+len("/sandbox/3ds/"):], "password"); err != nil {
			t.Fatal(err)
		}
		if st := status(tx); st != "AUTHORIZATION_COMPLETED" {
			t.Fatalf("after passing the challenge: %v", st)
		}
	})
}
