package paytracefake

// Test cards. Any other Luhn-valid number approves. The reference lists no
// PayTrace test cards; these are paygate's choice (docs/connectors/paytrace.md).
const (
	ApproveCard           = "4111111111111111"
	ApproveCardMastercard = "5454545454545454"
	DeclineCard           = "4012888888881881" // 102, do not honor -> card_declined
	InsufficientFundsCard = "4000000000009995" // 102, NSF -> insufficient_funds
	ExpiredCard           = "4000000000000069" // 102, expired -> expired_card
	IncorrectCVCCard      = "4000000000000127" // 102, CVV2 mismatch -> incorrect_cvc
	AutoVoidCard          = "4000000000000101" // 103, approved then voided for AVS/CSC
)

// Card is the clear card data the fake charges (keyed, or behind a
// Protect.js token or a vaulted customer).
type Card struct {
	Number            string
	ExpMonth, ExpYear int
	CSC               string
	Holder            string
}

// outcome is how the fake's issuer answers a card.
type outcome struct {
	code            int
	approvalMessage string
	csc             string
}

var cardOutcomes = map[string]outcome{
	DeclineCard:           {102, "  DECLINE - Do not honor", "Match"},
	InsufficientFundsCard: {102, "  NSF - Insufficient funds", "Match"},
	ExpiredCard:           {102, "  EXPIRED CARD", "Match"},
	IncorrectCVCCard:      {102, "  CVV2 MISMATCH", "No Match"},
	AutoVoidCard:          {103, "  APPROVAL - Approved and completed", "No Match"},
}

func outcomeOf(number string) outcome {
	if o, ok := cardOutcomes[number]; ok {
		return o
	}
	return outcome{101, "  APPROVAL - Approved and completed", "Match"}
}

// luhn reports whether n is a plausible card number.
func luhn(n string) bool {
	if len(n) < 12 || len(n) > 19 {
		return false
	}
	sum := 0
	for i := 0; i < len(n); i++ {
		d := n[len(n)-1-i]
		if d < '0' || d > '9' {
			return false
		}
		v := int(d - '0')
		if i%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// masked is PayTrace's masked_number form: x's and the last four digits.
func masked(n string) string {
	if len(n) < 4 {
		return n
	}
	out := make([]byte, 0, len(n))
	for range len(n) - 4 {
		out = append(out, 'x')
	}
	return string(out) + n[len(n)-4:]
}
