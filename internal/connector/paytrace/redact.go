package paytrace

import (
	"regexp"
	"strings"

	"github.com/paygate/paygate/internal/card"
)

// cardLike is any run of 12 to 19 digits, possibly split by spaces or
// dashes: what a card number quoted back in a message looks like.
var cardLike = regexp.MustCompile(`\d(?:[ -]?\d){11,18}`)

// digitRun is a maximal run of digits, to find a quoted CVC.
var digitRun = regexp.MustCompile(`\d+`)

// redact makes text from PayTrace safe to put in an error: card numbers are
// masked to first six/last four and, when the call's CVC is known, any
// standalone digit run equal to it is starred. PayTrace's own messages do
// not quote card data, but paygate's errors must not depend on that.
func redact(text string, c *cardData) string {
	text = cardLike.ReplaceAllStringFunc(text, func(s string) string { return card.Mask(s) })
	if c != nil && c.cvc != "" {
		text = digitRun.ReplaceAllStringFunc(text, func(s string) string {
			if s == c.cvc {
				return strings.Repeat("*", len(s))
			}
			return s
		})
	}
	return text
}

// cardData is what redact needs to know of the call's card.
type cardData struct{ cvc string }
