// A customer is the merchant's record of a payer (with the merchant's own
// reference for it) to which the vault attaches saved cards; checkout
// sessions and payments may name one to offer or save its cards. Only the
// vault record of a card holds its sealed number; a Customer holds no card
// data.
//
// It is domain code: it imports only other domain packages (payment) and
// never an adapter, a database driver or net/http.
package customer
