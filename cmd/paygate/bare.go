package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
)

// barePayment mirrors the shape of a payment request, so decoding costs what
// it costs paygate's own decoder.
type barePayment struct {
	Amount        int64             `json:"amount"`
	Currency      string            `json:"currency"`
	Capture       string            `json:"capture"`
	Description   string            `json:"description"`
	Reference     string            `json:"reference"`
	Customer      string            `json:"customer"`
	Metadata      map[string]string `json:"metadata"`
	PaymentMethod struct {
		Type string `json:"type"`
		Card struct {
			Number   string `json:"number"`
			ExpMonth int    `json:"exp_month"`
			ExpYear  int    `json:"exp_year"`
			CVC      string `json:"cvc"`
			Holder   string `json:"holder"`
		} `json:"card"`
	} `json:"payment_method"`
}

// bareServerCmd serves the reference handler: decode the JSON body, encode a
// payment-sized answer, nothing else. It prints its address first.
func bareServerCmd(ctx context.Context, _ []string, stdout io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, ln.Addr().String())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) })
	mux.HandleFunc("POST /pay", func(w http.ResponseWriter, r *http.Request) {
		var p barePayment
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		p.PaymentMethod.Card.Number, p.PaymentMethod.Card.CVC = "", ""
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"id": "pay_bare", "object": "payment", "status": "captured",
			"amount": p.Amount, "currency": p.Currency, "description": p.Description, "reference": p.Reference,
			"metadata": p.Metadata, "payment_method": p.PaymentMethod})
	})
	srv := &http.Server{Handler: mux}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

func numCPU() int { return runtime.GOMAXPROCS(0) }
