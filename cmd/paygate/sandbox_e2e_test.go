package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/client"
)

// TestSandboxOutcomesThroughTheRunningGateway drives the special sandbox
// cards through a real paygate process: a pending card resolves on its own
// (the recovery loop polls the processor), a 3-D Secure card waits in
// requires_action with a link for the payer, a processing error fails.
func TestSandboxOutcomesThroughTheRunningGateway(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	key := newMerchant(t, dbURL)
	p := startServe(t, dbURL, "--recovery-interval", "200ms", "--public-url", "https://pay.example.test")
	cl := client.New("http://"+p.addr, key)
	ctx := context.Background()
	card := func(n string) client.CardParams {
		return client.CardParams{Number: n, ExpMonth: 12, ExpYear: 2030, CVC: "123"}
	}

	pending, err := cl.CreatePayment(ctx, client.CreatePaymentParams{Amount: 2500, Currency: "EUR", Card: card("4000009900000004")})
	if err != nil || pending.Status != "pending" {
		t.Fatalf("pending card: %+v %v", pending, err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, err := cl.GetPayment(ctx, pending.ID)
		if err == nil && got.Status == "captured" && got.AmountCaptured == 2500 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pending payment never resolved: %+v %v", got, err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	tds, err := cl.CreatePayment(ctx, client.CreatePaymentParams{Amount: 900, Currency: "EUR", Card: card("4000002760003184")})
	if err != nil || tds.Status != "requires_action" || tds.NextAction == nil ||
		!strings.HasPrefix(tds.NextAction.RedirectURL, "https://pay.example.test/") {
		t.Fatalf("3-D Secure card: %+v %v", tds, err)
	}

	failed, err := cl.CreatePayment(ctx, client.CreatePaymentParams{Amount: 900, Currency: "EUR", Card: card("4000000000000119")})
	if !client.IsCode(err, "processing_error") || failed.Status != "failed" {
		t.Fatalf("processing error card: %+v %v", failed, err)
	}
}
