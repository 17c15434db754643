// Package client is a typed Go client for paygate's native API v1
// (docs/api.md). It imports nothing from paygate's internal packages, so any
// Go program can use it.
//
//	c := client.New("http://localhost:8080", os.Getenv("PAYGATE_KEY"))
//	p, err := c.CreatePayment(ctx, client.CreatePaymentParams{
//		Amount: 1099, Currency: "USD",
//		Card:   client.CardParams{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVC: "123"},
//	}, client.IdempotencyKey("order-1001"))
package client
