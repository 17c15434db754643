package sandbox

import (
	"fmt"
	"strings"
)

// Behaviour is what the sandbox does with a card.
type Behaviour string

// Behaviours of test cards.
const (
	Approve            Behaviour = "approve"
	Decline            Behaviour = "decline"
	Challenge          Behaviour = "challenge"            // 3-D Secure challenge, then PostAuth
	ChallengeUnlessMIT Behaviour = "challenge_unless_mit" // challenge on-session, approve off-session
	PendingApprove     Behaviour = "pending_approve"      // pending, approved after PendingDelay
	PendingDecline     Behaviour = "pending_decline"      // pending, declined after PendingDelay
	TimeoutAfterAuth   Behaviour = "timeout_after_auth"   // authorizes, then the answer is lost
	ProcessorDown      Behaviour = "processor_down"       // unavailable; nothing recorded
	Frictionless       Behaviour = "frictionless"         // 3-D Secure passes without a challenge (Y)
	Attempted          Behaviour = "attempted"            // 3-D Secure attempted, issuer absent (A)
	DeclineMIT         Behaviour = "decline_mit"          // approves the payer's payments, declines merchant-initiated ones
)

// TestCard is one row of the sandbox's table.
type TestCard struct {
	Number    string
	Brand     string
	Behaviour Behaviour
	// DeclineCode for Decline and PendingDecline, or the outcome after a challenge.
	DeclineCode string
	Description string
	// Extension marks paygate's own cards (not Stripe behaviour).
	Extension bool
}

// Cards is the sandbox's test-card table.
var Cards = []TestCard{
	{"4242424242424242", "visa", Approve, "", "Succeeds (3-D Secure supported, not required)", false},
	{"4000056655665556", "visa", Approve, "", "Visa debit, succeeds", false},
	{"5555555555554444", "mastercard", Approve, "", "Succeeds", false},
	{"2223003122003222", "mastercard", Approve, "", "Mastercard 2-series, succeeds", false},
	{"378282246310005", "amex", Approve, "", "Succeeds (CVC is 4 digits)", false},
	{"6011111111111117", "discover", Approve, "", "Succeeds", false},
	{"3566002020360505", "jcb", Approve, "", "Succeeds", false},
	{"4000000000000077", "visa", Approve, "", "Succeeds; funds available at once", false},
	{"4000008260000000", "visa", Approve, "", "Succeeds; issued in GB (routing by card country)", false},
	{"4000002500000003", "visa", Approve, "", "Succeeds; issued in FR (routing by card country)", false},
	{"4000002760000016", "visa", Approve, "", "Succeeds; issued in DE (routing by card country)", false},
	{"4000000760000002", "visa", Approve, "", "Succeeds; issued in BR (routing by card country)", false},
	{"4000001240000000", "visa", Approve, "", "Succeeds; issued in CA (routing by card country)", false},
	{"4000003920000003", "visa", Approve, "", "Succeeds; issued in JP (routing by card country)", false},
	{"4000007840000001", "visa", Approve, "", "Succeeds; issued in AE (routing by card country)", true},
	{"4000004140000005", "visa", Approve, "", "Succeeds; issued in KW (routing by card country)", true},
	{"4000006820000007", "visa", Approve, "", "Succeeds; issued in SA (routing by card country)", true},
	{"4000000000003055", "visa", Frictionless, "", "3-D Secure supported, not required: authenticated frictionlessly (Y, ECI 05); succeeds", false},
	{"4000000000000002", "visa", Decline, "generic_decline", "Declined", false},
	{"4000000000009995", "visa", Decline, "insufficient_funds", "Declined: insufficient funds", false},
	{"4000000000009987", "visa", Decline, "lost_card", "Declined: lost card", false},
	{"4000000000009979", "visa", Decline, "stolen_card", "Declined: stolen card", false},
	{"4000000000000069", "visa", Decline, "expired_card", "Declined: expired card", false},
	{"4000000000000127", "visa", Decline, "incorrect_cvc", "Declined: incorrect CVC", false},
	{"4000000000000119", "visa", Decline, "processing_error", "Declined: processing error (retryable)", false},
	{"4100000000000019", "visa", Decline, "fraudulent", "Blocked as fraudulent", false},
	{"4000002760003184", "visa", Challenge, "", "Always requires a 3-D Secure challenge; succeeds after it", false},
	{"4000002500003155", "visa", ChallengeUnlessMIT, "", "Requires 3-D Secure on-session; off-session (merchant-initiated) succeeds", false},
	{"4000000000003220", "visa", Challenge, "", "3-D Secure 2 required; succeeds after authentication", false},
	{"4000008400001629", "visa", Challenge, "card_declined", "3-D Secure required; declined after authentication", false},
	{"4000008260003178", "visa", Challenge, "insufficient_funds", "3-D Secure succeeds, then declined: insufficient funds", false},
	{"4000009900000004", "visa", PendingApprove, "", "Pending; approved after the pending delay (default 2 s)", true},
	{"4000009900000012", "visa", PendingDecline, "generic_decline", "Pending; declined after the pending delay", true},
	{"4000009900000020", "visa", TimeoutAfterAuth, "", "Authorizes, then times out: the outcome must be found by a status lookup", true},
	{"4000009900000046", "visa", Attempted, "", "3-D Secure attempted without the issuer (A, ECI 06), no challenge; succeeds", true},
	{"4000009900000061", "visa", DeclineMIT, "insufficient_funds", "Approves customer-initiated payments; merchant-initiated (recurring) ones are declined: insufficient funds", true},
	{"5200009900000058", "mastercard", Frictionless, "", "Mastercard authenticated frictionlessly (Y, ECI 02); succeeds", true},
	{"4000009900000038", "visa", ProcessorDown, "", "Processor unavailable: the processor never got the request, so the payment is recorded as failed with `processor_unavailable` (402, retryable: a new attempt with a new `Idempotency-Key` cannot charge twice; the same key replays the 402)", true},
}

// declineMessages are the human messages for decline codes.
var declineMessages = map[string]string{
	"generic_decline":       "Your card was declined.",
	"card_declined":         "Your card was declined.",
	"insufficient_funds":    "Your card has insufficient funds.",
	"lost_card":             "Your card was declined: reported lost.",
	"stolen_card":           "Your card was declined: reported stolen.",
	"expired_card":          "Your card has expired.",
	"incorrect_cvc":         "Your card's security code is incorrect.",
	"processing_error":      "An error occurred while processing your card. Try again.",
	"fraudulent":            "The payment was blocked as likely fraudulent.",
	"test_mode_live_card":   "Your card was declined: a real card was used in sandbox mode. Use a test card.",
	"authentication_failed": "3-D Secure authentication failed.",
	"call_issuer":           "Your card was declined: call your card issuer.",
	"account_closed":        "The bank account is closed.",
	"card_blocked":          "Your card was declined: the card is blocked.",
}

// holderOverrides are Adyen-style holder names that turn a succeeding card
// into the named decline.
var holderOverrides = map[string]string{
	"DECLINED":     "generic_decline",
	"CARD_EXPIRED": "expired_card",
	"BLOCK_CARD":   "card_blocked",
	"ERROR":        "processing_error",
	"REFERRAL":     "call_issuer",
}

// payoutDeclineCode is why a card payout to c fails ("" when it is paid):
// payouts have no 3-D Secure, delays or holder overrides, so only the
// plainly declining cards refuse them.
func (c TestCard) payoutDeclineCode() string {
	if c.Behaviour == Decline {
		return c.DeclineCode
	}
	return ""
}

// closedBankSuffix ends the test bank account numbers and IBANs that are closed.
const closedBankSuffix = "0002"

func closedBankAccount(number string) bool {
	return number != "" && strings.HasSuffix(number, closedBankSuffix)
}

func lookup(number string) (TestCard, bool) {
	for _, c := range Cards {
		if c.Number == number {
			return c, true
		}
	}
	return TestCard{}, false
}

// MarkdownTable renders docs/test-cards.md from the table, so the docs cannot drift.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("# Sandbox test cards\n\n")
	b.WriteString("<!-- Generated from internal/connector/sandbox/cards.go by its tests (PAYGATE_UPDATE_DOCS=1 go test ./internal/connector/sandbox). Do not edit. -->\n\n")
	b.WriteString("In sandbox mode paygate's built-in processor decides by card number, like Stripe's test mode. ")
	b.WriteString("Use any future expiry date and any CVC of the right length (3 digits, 4 for American Express). ")
	b.WriteString("A valid card number that is not in this table is declined with `test_mode_live_card`, so real cards never enter the sandbox. ")
	b.WriteString("The sandbox refuses live mode.\n\n")
	b.WriteString("| number | brand | outcome | decline code |\n|---|---|---|---|\n")
	for _, c := range Cards {
		if c.Extension {
			continue
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", group(c.Number), c.Brand, c.Description, code(c.DeclineCode))
	}
	b.WriteString("\n## 3-D Secure\n\nCards that require 3-D Secure leave the payment in `requires_action` with `next_action.redirect_url`. ")
	b.WriteString("The challenge is passed with the one-time password `password` (or `1234`); any other value fails it with `authentication_failed`. ")
	b.WriteString("A passed challenge returns transStatus `Y`, ECI `05` (Mastercard `02`) and a CAVV. ")
	b.WriteString("Frictionless cards authenticate without a challenge; the result (transStatus, ECI, authentication value) is recorded on the payment either way. ")
	b.WriteString("A challenge left unanswered for 15 minutes expires the payment with `authentication_expired`.\n\n")
	b.WriteString("## Holder-name overrides (Adyen style)\n\nOn a card that would succeed, these holder names force a decline:\n\n| holder | decline code |\n|---|---|\n")
	for _, h := range []string{"DECLINED", "CARD_EXPIRED", "BLOCK_CARD", "ERROR", "REFERRAL"} {
		fmt.Fprintf(&b, "| `%s` | `%s` |\n", h, holderOverrides[h])
	}
	b.WriteString("\n## paygate extension cards\n\nNot Stripe behaviour: these exercise paths a real processor produces rarely.\n\n| number | outcome |\n|---|---|\n")
	for _, c := range Cards {
		if c.Extension {
			fmt.Fprintf(&b, "| `%s` | %s |\n", group(c.Number), c.Description)
		}
	}
	b.WriteString("\n## Payouts\n\nCard payouts (`POST /v1/payouts` to a card or a saved card) use the same numbers, without 3-D Secure, delays or holder-name overrides: ")
	b.WriteString("these cards fail the payout with their decline code, and every other test card is paid.\n\n| number | payout outcome |\n|---|---|\n")
	for _, c := range Cards {
		if d := c.payoutDeclineCode(); d != "" {
			fmt.Fprintf(&b, "| `%s` | failed, `%s` |\n", group(c.Number), d)
		}
	}
	fmt.Fprintf(&b, "\nBank account payouts: an account number or IBAN ending in `%s` is closed (failed, `account_closed`); any other is paid.\n", closedBankSuffix)
	return b.String()
}

func code(c string) string {
	if c == "" {
		return "—"
	}
	return "`" + c + "`"
}

func group(n string) string {
	var parts []string
	for len(n) > 4 {
		parts, n = append(parts, n[:4]), n[4:]
	}
	return strings.Join(append(parts, n), " ")
}
