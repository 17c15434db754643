package paytrace

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/paygate/paygate/internal/connector"
)

// PayTrace response codes paygate acts on. 1, 102, 103, 107, 110 and 113
// are in the reference ([3P]); 101, 106, 109 and 112 are from memory and
// are not relied on: any answer with success true counts as success.
const (
	codeErrors              = 1
	codeApproved            = 101
	codeDeclined            = 102
	codeAutoVoided          = 103
	codeRefunded            = 106
	codeRefundUnsuccessful  = 107
	codeVoided              = 109
	codeVoidUnsuccessful    = 110
	codeCaptured            = 112
	codeCaptureUnsuccessful = 113
)

// authorizeResult maps the answer to a sale or authorization.
func authorizeResult(r response, capture bool, amount int64, c *cardData) (connector.Result, error) {
	raw := strconv.Itoa(int(r.ResponseCode))
	switch {
	case r.Success:
		return connector.Result{Outcome: connector.Approved, ProcessorRef: string(r.TransactionID), Captured: capture,
			AmountAuthorized: amount, Message: r.StatusMessage, RawCode: raw}, nil
	case r.ResponseCode == codeDeclined:
		code := declineCode(r.ApprovalMessage+" "+r.StatusMessage, r.CSCResponse)
		return connector.Result{Outcome: connector.Declined, ProcessorRef: string(r.TransactionID), DeclineCode: code,
			Message: redact(joinMessages(r.StatusMessage, r.ApprovalMessage), c), RawCode: raw}, nil
	case r.ResponseCode == codeAutoVoided:
		// Approved by the issuer but voided by PayTrace's AVS/CSC rules: for
		// the payer it is a decline, and no money is held.
		return connector.Result{Outcome: connector.Declined, ProcessorRef: string(r.TransactionID), DeclineCode: "card_declined",
			Message: redact(joinMessages(r.StatusMessage, r.ApprovalMessage), c), RawCode: raw}, nil
	}
	return connector.Result{}, requestError(r, c)
}

// followUpResult maps the answer to a capture, void or refund. A refusal
// of the follow-up (107, 110, 113: beyond the amount, wrong state) is a
// refusal of the request, not a decline.
func followUpResult(r response) (connector.Result, error) {
	if r.Success {
		return connector.Result{Outcome: connector.Approved, ProcessorRef: string(r.TransactionID), Message: r.StatusMessage,
			RawCode: strconv.Itoa(int(r.ResponseCode))}, nil
	}
	return connector.Result{}, requestError(r, nil)
}

// requestError is PayTrace refusing a request: its first error (by code,
// so the choice is stable) or its response code and status message.
func requestError(r response, c *cardData) error {
	if len(r.Errors) > 0 {
		keys := make([]string, 0, len(r.Errors))
		for k := range r.Errors {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		msg := strings.Join(r.Errors[keys[0]], " ")
		return &connector.Error{Class: connector.InvalidRequest, Code: "paytrace_error_" + keys[0], Message: redact(msg, c)}
	}
	code := map[int]string{
		codeRefundUnsuccessful:  "refund_unsuccessful",
		codeVoidUnsuccessful:    "void_unsuccessful",
		codeCaptureUnsuccessful: "capture_unsuccessful",
	}[int(r.ResponseCode)]
	if code == "" {
		code = fmt.Sprintf("paytrace_%d", int(r.ResponseCode))
	}
	msg := r.StatusMessage
	if msg == "" {
		msg = "PayTrace refused the request"
	}
	return &connector.Error{Class: connector.InvalidRequest, Code: code, Message: redact(msg, c)}
}

// declineCode derives paygate's decline code from the issuer's text, which
// is all PayTrace v1 gives beyond "declined" (102).
func declineCode(text, cscResponse string) string {
	t := strings.ToLower(text)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(t, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("insufficient", "nsf"):
		return "insufficient_funds"
	case has("expired", "exp date", "expiration"):
		return "expired_card"
	case has("cvv", "cvc", "csc", "security code"):
		return "incorrect_cvc"
	case strings.EqualFold(strings.TrimSpace(cscResponse), "No Match"):
		return "incorrect_cvc"
	case has("stolen"):
		return "stolen_card"
	case has("lost"):
		return "lost_card"
	case has("call", "referral"):
		return "call_issuer"
	}
	return "card_declined"
}

func joinMessages(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}
