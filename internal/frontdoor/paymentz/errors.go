package paymentz

import (
	"errors"
	"net/http"

	"github.com/paygate/paygate/internal/fault"
)

// Result codes. The reference publishes only part of the vendor's table
// (§2.8); the codes marked "paygate" are NOT in it and were chosen here in
// the 7xxxx block, which no published code uses. docs/migrate-paymentz.md
// lists them.
const (
	codeSucceeded     = "00001" // transaction succeeded
	codeCaptured      = "00004" // captured successfully
	codeRefunded      = "00005" // refunded successfully
	codeCancelled     = "00006" // cancelled (reversed) successfully
	codeRecordFound   = "00026" // inquiry: record found
	codePending       = "10004" // transaction pending
	code3DPending     = "90026" // 3-D Secure authentication pending
	codeTokenOK       = "200"   // auth token generated
	codeInvalidToken  = "10182" // invalid authToken
	codeNoRegenerate  = "10177" // cannot regenerate invoice
	codeNotFound      = "10009" // record not found (white-label usage)
	codeDeclined      = "20007" // transaction declined (white-label usage)
	codeBadChecksum   = "70001" // paygate: SYS_INVALID_CHECKSUM
	codeAuthFailed    = "70002" // paygate: SYS_AUTHTOKEN_FAILED
	codeInvalid       = "70003" // paygate: a parameter is missing or invalid
	codeBadState      = "70004" // paygate: the payment's state forbids the operation
	codeDuplicate     = "70005" // paygate: merchantTransactionId reused with another request
	codeInProgress    = "70006" // paygate: the same request is still being processed
	codeUnavailable   = "70007" // paygate: processor or service unavailable, retry later
	codeForbidden     = "70008" // paygate: the credential may not do this
	codeRateLimited   = "70009" // paygate: too many requests
	codeInternalError = "70099" // paygate: internal error
)

// Errors of the door itself that are not engine faults.
var (
	errBadChecksum = errors.New("Checksum- Illegal Access. CheckSum mismatch")
	errAuthFailed  = errors.New("Authorization failed")
	errBadToken    = errors.New("Invalid AuthToken")
	// errNoRegenerate: only an expired or cancelled invoice is regenerated.
	errNoRegenerate = errors.New("Invoice cannot be regenerated: only an expired or cancelled invoice can")
	// duplicateErr is a merchantTransactionId already used for another request.
	duplicateErr = &fault.Error{Kind: fault.IdempotencyMismatch, Code: "duplicate_merchant_transaction_id"}
)

// resultFor is the one place an error becomes the door's answer: an HTTP
// status, a result code and a description. Engine faults map by kind;
// Invalid keeps the engine's message, which names the field and never a value.
func resultFor(err error) (int, result) {
	switch {
	case errors.Is(err, errBadChecksum):
		return http.StatusBadRequest, result{codeBadChecksum, errBadChecksum.Error()}
	case errors.Is(err, errAuthFailed):
		return http.StatusUnauthorized, result{codeAuthFailed, errAuthFailed.Error()}
	case errors.Is(err, errBadToken):
		return http.StatusUnauthorized, result{codeInvalidToken, errBadToken.Error()}
	case errors.Is(err, errNoRegenerate):
		return http.StatusConflict, result{codeNoRegenerate, errNoRegenerate.Error()}
	}
	var pe *paramError
	if errors.As(err, &pe) {
		return http.StatusBadRequest, result{codeInvalid, pe.Error()}
	}
	fe := fault.As(err)
	switch fe.Kind {
	case fault.Invalid:
		return http.StatusBadRequest, result{codeInvalid, fe.Message}
	case fault.NotFound:
		return http.StatusNotFound, result{codeNotFound, "Record not found"}
	case fault.Conflict:
		return http.StatusConflict, result{codeBadState, fe.Message}
	case fault.Declined:
		return http.StatusOK, result{codeDeclined, "Transaction declined: " + fe.Code}
	case fault.Unavailable:
		return http.StatusServiceUnavailable, result{codeUnavailable, "Service unavailable, retry later"}
	case fault.Unauthorized:
		return http.StatusUnauthorized, result{codeAuthFailed, errAuthFailed.Error()}
	case fault.Forbidden:
		return http.StatusForbidden, result{codeForbidden, "Operation not allowed"}
	case fault.IdempotencyMismatch:
		return http.StatusConflict, result{codeDuplicate, "Duplicate merchantTransactionId with a different request"}
	case fault.IdempotencyInProgress:
		return http.StatusConflict, result{codeInProgress, "The same request is still being processed; retry later"}
	case fault.RateLimited:
		return http.StatusTooManyRequests, result{codeRateLimited, "Too many requests"}
	}
	return http.StatusInternalServerError, result{codeInternalError, "Internal error"}
}

// paramError is a missing or malformed parameter found by the door.
type paramError struct{ msg string }

func (e *paramError) Error() string { return e.msg }

func badParam(format string, args ...any) error {
	return &paramError{msg: sprintf(format, args...)}
}
