package paytrace

import (
	"encoding/json"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/money"
)

// usd is the only currency paygate sends: a PayTrace v1 body has no currency
// field, the account's (US dollar) currency is implied.
var usd = money.MustLookup("USD")

// wireAmount writes an amount as PayTrace's decimal dollars, as a JSON
// number literal ("10.99") produced from integer minor units, never a float.
func wireAmount(a money.Amount) (json.Number, error) {
	if a.Currency.Code != usd.Code {
		return "", &connector.Error{Class: connector.InvalidRequest, Code: "currency_unsupported", Message: "PayTrace takes US dollars only, not " + a.Currency.Code}
	}
	if a.Minor <= 0 {
		return "", &connector.Error{Class: connector.InvalidRequest, Code: "amount_invalid", Message: "the amount must be positive"}
	}
	return json.Number(money.Format(a.Minor, usd)), nil
}

// minorOf reads a PayTrace dollar amount; unreadable is 0.
func minorOf(s flexString) int64 {
	v, err := money.Parse(string(s), usd)
	if err != nil {
		// PayTrace may drop trailing zeros ("10.5") or send whole dollars;
		// money.Parse takes both. Anything else is not an amount.
		return 0
	}
	return v
}
