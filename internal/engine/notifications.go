package engine

import (
	"context"
	"strings"

	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/webhook"
)

func notifyAAD(a Actor) func(string) []byte {
	return func(keyID string) []byte {
		return []byte("notify|" + a.MerchantID + "|" + string(a.Mode) + "|" + keyID)
	}
}

// NotificationSecret is the whsec_ secret that signs deliveries to the
// notification URLs of single payments and checkout sessions, one per
// merchant and mode, made on first use.
func (e *Engine) NotificationSecret(ctx context.Context, a Actor) (string, error) {
	keyID, sealed, err := e.store.NotificationSecret(ctx, a.MerchantID, a.Mode)
	if fault.IsNotFound(err) {
		k, s, sealErr := e.seal(ctx, notifyAAD(a), []byte(webhook.NewSecret()))
		if sealErr != nil {
			return "", sealErr
		}
		if err := e.store.Update(ctx, func(tx Tx) error { return tx.InsertNotificationSecret(ctx, a.MerchantID, a.Mode, k, s, e.now()) }); err != nil {
			return "", err
		}
		// Read back: a concurrent first use may have stored its secret first.
		keyID, sealed, err = e.store.NotificationSecret(ctx, a.MerchantID, a.Mode)
	}
	if err != nil {
		return "", err
	}
	pt, err := e.open(ctx, keyID, notifyAAD(a)(keyID), sealed)
	return string(pt), err
}

// notificationURL checks a notification URL and makes sure an endpoint
// exists for it (scope notification: it receives only the events of the
// objects that name it).
func (e *Engine) notificationURL(ctx context.Context, a Actor, param, url, door string) error {
	if url == "" {
		return nil
	}
	in := EndpointInput{URL: &url}
	if err := in.check(a.Mode); err != nil {
		fe := fault.As(err)
		return fault.InvalidParam(param, fe.Code, "%s", strings.Replace(fe.Message, "url", param, 1))
	}
	if door != "" && e.doors[doorName(door)] == nil {
		return fault.New(fault.Internal, "door_not_configured", "front door %q renders no notifications", door)
	}
	if _, err := e.store.FindNotificationEndpoint(ctx, a.MerchantID, a.Mode, url, door); err == nil || !fault.IsNotFound(err) {
		return err
	}
	secret, err := e.NotificationSecret(ctx, a)
	if err != nil {
		return err
	}
	now := e.now()
	ep := &webhook.Endpoint{ID: id.New("we"), MerchantID: a.MerchantID, Mode: a.Mode, URL: url, Description: "notification_url",
		Scope: webhook.ScopeNotification, Door: door, Enabled: true, CreatedAt: now, UpdatedAt: now}
	if ep.SecretKeyID, ep.SealedSecret, err = e.seal(ctx, secretAAD(ep.ID), []byte(secret)); err != nil {
		return err
	}
	err = e.store.Update(ctx, func(tx Tx) error { return tx.InsertWebhookEndpoint(ctx, ep) })
	if err != nil {
		// Another request made it meanwhile (the URL is unique per merchant and mode).
		if _, findErr := e.store.FindNotificationEndpoint(ctx, a.MerchantID, a.Mode, url, door); findErr == nil {
			return nil
		}
	}
	return err
}
