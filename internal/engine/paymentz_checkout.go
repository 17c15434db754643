package engine

// CheckoutURL is the hosted page of a checkout token, as
// CreateCheckoutSession's URL: the Paymentz door shows it again when a
// payment request is retried (it keeps the token sealed, the engine only
// its hash).
func (e *Engine) CheckoutURL(token string) string {
	return e.publicURL + "/checkout/" + token
}
