package ledger

import (
	"fmt"

	"github.com/paygate/paygate/internal/payment"
)

// Account roles. Each merchant and mode has one account per role and currency
// (the currency is on the line, so the name omits it).
const (
	// RoleHolds: money authorized on payers' cards and not yet captured.
	RoleHolds = "holds"
	// RoleAvailable: captured money owed to the merchant, net of refunds and payouts.
	RoleAvailable = "available"
	// RolePayers: the outside world of payers; it goes negative as money comes in.
	RolePayers = "payers"
	// RolePayouts: money paid out to the merchant's bank or to customers.
	RolePayouts = "payouts"
)

// Account returns the account name for a merchant, mode and role.
func Account(merchantID string, mode payment.Mode, role string) string {
	return fmt.Sprintf("merchant:%s:%s:%s", merchantID, mode, role)
}

func pair(p *payment.Payment, kind, opID, from, to string, amount int64) Posting {
	cur := p.Currency.Code
	return Posting{
		MerchantID: p.MerchantID, Mode: string(p.Mode), PaymentID: p.ID, OperationID: opID, Kind: kind,
		Lines: []Line{
			{Account: Account(p.MerchantID, p.Mode, from), Amount: -amount, Currency: cur},
			{Account: Account(p.MerchantID, p.Mode, to), Amount: amount, Currency: cur},
		},
	}
}

// Authorize records funds held on the payer's card.
func Authorize(p *payment.Payment, opID string, amount int64) Posting {
	return pair(p, "authorize", opID, RolePayers, RoleHolds, amount)
}

// Sale records an authorization captured at once: money goes straight from
// the payer to available, as authorize then capture would leave it.
func Sale(p *payment.Payment, opID string, amount int64) Posting {
	return pair(p, "sale", opID, RolePayers, RoleAvailable, amount)
}

// Capture moves captured money from holds to available and releases the rest
// of the hold back to the payer (a partial capture ends the authorization).
func Capture(p *payment.Payment, opID string, captured, released int64) Posting {
	post := pair(p, "capture", opID, RoleHolds, RoleAvailable, captured)
	if released > 0 {
		cur := p.Currency.Code
		post.Lines = append(post.Lines,
			Line{Account: Account(p.MerchantID, p.Mode, RoleHolds), Amount: -released, Currency: cur},
			Line{Account: Account(p.MerchantID, p.Mode, RolePayers), Amount: released, Currency: cur})
	}
	return post
}

// Release returns a whole hold to the payer (void or expiry).
func Release(p *payment.Payment, opID, kind string, amount int64) Posting {
	return pair(p, kind, opID, RoleHolds, RolePayers, amount)
}

// Refund returns captured money to the payer.
func Refund(p *payment.Payment, opID string, amount int64) Posting {
	return pair(p, "refund", opID, RoleAvailable, RolePayers, amount)
}

// RolePayoutsPending holds money reserved for payouts sent and not yet
// confirmed: out of available, not yet gone.
const RolePayoutsPending = "payouts_pending"

func payoutPair(merchantID string, mode payment.Mode, payoutID, currency, kind, from, to string, amount int64) Posting {
	return Posting{
		MerchantID: merchantID, Mode: string(mode), PaymentID: payoutID, OperationID: payoutID, Kind: kind,
		Lines: []Line{
			{Account: Account(merchantID, mode, from), Amount: -amount, Currency: currency},
			{Account: Account(merchantID, mode, to), Amount: amount, Currency: currency},
		},
	}
}

// PayoutReserve takes a payout's amount out of available.
func PayoutReserve(merchantID string, mode payment.Mode, payoutID, currency string, amount int64) Posting {
	return payoutPair(merchantID, mode, payoutID, currency, "payout_reserve", RoleAvailable, RolePayoutsPending, amount)
}

// PayoutPaid records reserved money paid out.
func PayoutPaid(merchantID string, mode payment.Mode, payoutID, currency string, amount int64) Posting {
	return payoutPair(merchantID, mode, payoutID, currency, "payout", RolePayoutsPending, RolePayouts, amount)
}

// PayoutReturn puts a failed payout's money back into available.
func PayoutReturn(merchantID string, mode payment.Mode, payoutID, currency string, amount int64) Posting {
	return payoutPair(merchantID, mode, payoutID, currency, "payout_return", RolePayoutsPending, RoleAvailable, amount)
}
