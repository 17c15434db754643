package paymentz

import (
	"strings"

	"github.com/paygate/paygate/internal/payment"
)

// longStatus is the vendor's long status (§2.7) of a payment.
func longStatus(p *payment.Payment) string {
	switch p.Status {
	case payment.Processing, payment.Pending:
		return "authstarted"
	case payment.RequiresAction:
		return "authstarted_3D"
	case payment.Authorized:
		return "authsuccessful"
	case payment.Captured:
		return "capturesuccess"
	case payment.PartiallyRefunded:
		return "partialrefund"
	case payment.Refunded:
		return "reversed"
	case payment.Voided:
		return "authcancelled"
	case payment.Failed:
		if p.CaptureMethod == payment.CaptureManual {
			return "authfailed"
		}
		return "failed"
	}
	return "failed" // expired: the authorization or the payer's step ran out of time
}

// shortStatus is the vendor's transactionStatus derived from the long
// status exactly as its notifications do (§2.7): success ⇒ Y, pending ⇒ P,
// cancel ⇒ C, anything else (refund family included) ⇒ N. 3-D Secure
// waiting is "3D" in synchronous answers (§2.6).
func shortStatus(long string) string {
	switch {
	case long == "authstarted_3D":
		return "3D"
	case strings.Contains(long, "success"):
		return "Y"
	case strings.Contains(long, "started") || long == "begun" || strings.Contains(long, "pending"):
		return "P"
	case strings.Contains(long, "cancel"):
		return "C"
	}
	return "N"
}

// paymentResult is the result of an initial payment by its status.
func paymentResult(p *payment.Payment) result {
	switch p.Status {
	case payment.Authorized, payment.Captured, payment.PartiallyRefunded, payment.Refunded:
		return result{codeSucceeded, "Transaction succeeded"}
	case payment.RequiresAction:
		return result{code3DPending, "3D-Secure authentication pending"}
	case payment.Processing, payment.Pending:
		return result{codePending, "Transaction pending"}
	case payment.Voided:
		return result{codeCancelled, "Cancelled successfully"}
	}
	return result{codeDeclined, "Transaction declined"}
}

// paymentType is DB for a sale and PA for a preauthorization.
func paymentType(p *payment.Payment) string {
	if p.CaptureMethod == payment.CaptureManual {
		return "PA"
	}
	return "DB"
}

// brandName is the vendor's paymentBrand of a card brand.
func brandName(b string) string {
	switch b {
	case "mastercard":
		return "MC"
	case "amex":
		return "AMEX"
	case "":
		return ""
	}
	return strings.ToUpper(b)
}
