package paymentz

import (
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/paygate/paygate/internal/payment"
)

// RenderPayment writes a payment's answer as the door does, for golden files.
func RenderPayment(p *payment.Payment, now time.Time, accept string) []byte {
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/", nil)
	r.Header.Set("Accept", accept)
	encode(w, r, http.StatusOK, paymentView(p, now))
	return w.Body.Bytes()
}

// VerifyToken exposes the token check to fuzzing.
var VerifyToken = verifyToken
