package client

import (
	"net/http"
	"testing"
	"time"
)

// TestVerifyWebhookKnownAnswer is the Standard Webhooks reference vector.
func TestVerifyWebhookKnownAnswer(t *testing.T) {
	h := http.Header{}
	h.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set("webhook-timestamp", "1614265330")
	h.Set("webhook-signature", "v1,bm9wZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	body := []byte(`{"test": 2432232314}`)
	at := time.Unix(1614265330, 0)
	if err := VerifyWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, body, at); err != nil {
		t.Fatal(err)
	}
	if err := VerifyWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, []byte(`{"test": 2432232315}`), at); err != ErrWebhookSignature {
		t.Fatalf("a flipped body byte: %v", err)
	}
	if err := VerifyWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, body, at.Add(6*time.Minute)); err != ErrWebhookTimestamp {
		t.Fatalf("six minutes late: %v", err)
	}
	if err := VerifyWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, body, at.Add(-6*time.Minute)); err != ErrWebhookTimestamp {
		t.Fatalf("six minutes early: %v", err)
	}
	h.Del("webhook-id")
	if err := VerifyWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, body, at); err != ErrWebhookHeaders {
		t.Fatalf("no id: %v", err)
	}
}
