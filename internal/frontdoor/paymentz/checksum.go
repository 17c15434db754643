package paymentz

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// Checksum is the vendor's MD5 checksum: lower-case hex of the fields
// joined by "|" with no trailing separator. Which fields, in which order,
// depends on the operation (reference §2.5); the helpers below name them.
func Checksum(fields ...string) string {
	sum := md5.Sum([]byte(strings.Join(fields, "|")))
	return hex.EncodeToString(sum[:])
}

// PaymentChecksum signs an initial payment (DB, PA): memberId|secureKey|merchantTransactionId|amount.
func PaymentChecksum(memberID, secureKey, merchantTransactionID, amount string) string {
	return Checksum(memberID, secureKey, merchantTransactionID, amount)
}

// FollowUpChecksum signs a capture or refund (CP, RF): memberId|secureKey|paymentId|amount.
func FollowUpChecksum(memberID, secureKey, paymentID, amount string) string {
	return Checksum(memberID, secureKey, paymentID, amount)
}

// LookupChecksum signs a reversal or inquiry (RV, IN): memberId|secureKey|paymentId,
// or memberId|secureKey|merchantTransactionId with idType=MID.
func LookupChecksum(memberID, secureKey, id string) string {
	return Checksum(memberID, secureKey, id)
}

// PayoutChecksum signs a payout, the key last: memberId|merchantTransactionId|amount|secureKey.
func PayoutChecksum(memberID, merchantTransactionID, amount, secureKey string) string {
	return Checksum(memberID, merchantTransactionID, amount, secureKey)
}

// NotificationChecksum signs a callback to notificationUrl (and the browser
// return): paymentId|merchantTransactionId|amount|transactionStatus|secureKey.
func NotificationChecksum(paymentID, merchantTransactionID, amount, transactionStatus, secureKey string) string {
	return Checksum(paymentID, merchantTransactionID, amount, transactionStatus, secureKey)
}

// checksumMatches compares a received checksum with the expected one in
// constant time, accepting upper-case hex.
func checksumMatches(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(got)), []byte(want)) == 1
}
