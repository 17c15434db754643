package client

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// WebhookTolerance is how far a webhook's timestamp may be from now.
const WebhookTolerance = 5 * time.Minute

// Webhook verification errors.
var (
	ErrWebhookHeaders   = errors.New("paygate: webhook-id, webhook-timestamp or webhook-signature missing")
	ErrWebhookTimestamp = errors.New("paygate: webhook timestamp outside the tolerance")
	ErrWebhookSignature = errors.New("paygate: no webhook signature matches")
)

// VerifyWebhook checks a webhook paygate sent (Standard Webhooks v1): the
// signature over id, timestamp and the exact body bytes, in constant time,
// and the timestamp within WebhookTolerance of now. secret is the endpoint's
// whsec_… secret. Use the webhook-id header to drop duplicates: deliveries
// are at least once.
func VerifyWebhook(secret string, h http.Header, body []byte, now time.Time) error {
	id, tsText, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || tsText == "" || sigs == "" {
		return ErrWebhookHeaders
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return ErrWebhookHeaders
	}
	if d := now.Sub(time.Unix(ts, 0)); d > WebhookTolerance || d < -WebhookTolerance {
		return ErrWebhookTimestamp
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return errors.New("paygate: the secret is not whsec_ followed by base64")
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + tsText + "."))
	m.Write(body)
	want := m.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		v, sig, ok := strings.Cut(s, ",")
		if !ok || v != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrWebhookSignature
}
