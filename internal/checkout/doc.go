// Package checkout holds the rules of checkout sessions: a hosted payment
// page opened with a checkout token, paid at most once, until it expires.
// A session may name the card brands it takes, the payment-method
// configuration (pg_code) its payment goes through, and the origins that
// may frame its page (embed_origins).
//
// It is domain code: it imports only other domain packages (money,
// payment, fault) and never an adapter, a database driver or net/http.
// The engine makes, pays and completes sessions; internal/web renders
// their pages.
package checkout
