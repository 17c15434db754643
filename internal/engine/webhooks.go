package engine

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/webhook"
)

// EndpointInput creates or changes a webhook endpoint; nil fields are kept.
type EndpointInput struct {
	URL         *string
	Description *string
	EventTypes  *[]string
	Enabled     *bool
}

func (in *EndpointInput) check(mode payment.Mode) error {
	if in.URL != nil {
		u, err := url.Parse(*in.URL)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || len(*in.URL) > 2048 {
			return fault.InvalidParam("url", "url_invalid", "url must be an absolute http or https URL")
		}
		if mode == payment.Live && u.Scheme != "https" {
			return fault.InvalidParam("url", "url_invalid", "live webhook endpoints must use https")
		}
	}
	if in.Description != nil {
		if err := validText("description", *in.Description, 500); err != nil {
			return err
		}
	}
	if in.EventTypes != nil {
		for _, t := range *in.EventTypes {
			if !slices.Contains(webhook.Types, t) {
				return fault.InvalidParam("event_types", "parameter_invalid", "unknown event type %q (see GET /openapi.json for the list)", t)
			}
		}
	}
	return nil
}

func secretAAD(endpointID string) func(string) []byte {
	return func(keyID string) []byte { return []byte("whsec|" + endpointID + "|" + keyID) }
}

// CreateWebhookEndpoint registers a URL for the actor's events and returns
// its signing secret, shown this once (stored sealed by the vault).
func (e *Engine) CreateWebhookEndpoint(ctx context.Context, a Actor, in EndpointInput) (*webhook.Endpoint, string, error) {
	if in.URL == nil {
		return nil, "", fault.InvalidParam("url", "parameter_missing", "url is required")
	}
	if err := in.check(a.Mode); err != nil {
		return nil, "", err
	}
	now := e.now()
	ep := &webhook.Endpoint{ID: id.New("we"), MerchantID: a.MerchantID, Mode: a.Mode, URL: *in.URL, Enabled: true, CreatedAt: now, UpdatedAt: now}
	if in.Description != nil {
		ep.Description = *in.Description
	}
	if in.EventTypes != nil {
		ep.EventTypes = *in.EventTypes
	}
	if in.Enabled != nil {
		ep.Enabled = *in.Enabled
	}
	secret := webhook.NewSecret()
	var err error
	if ep.SecretKeyID, ep.SealedSecret, err = e.seal(ctx, secretAAD(ep.ID), []byte(secret)); err != nil {
		return nil, "", err
	}
	err = e.store.Update(ctx, func(tx Tx) error {
		if err := tx.InsertWebhookEndpoint(ctx, ep); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.Action("webhook_endpoint.created"), "webhook_endpoint", ep.ID, map[string]string{"url": ep.URL}))
	})
	if err != nil {
		return nil, "", err
	}
	return ep, secret, nil
}

// UpdateWebhookEndpoint changes an endpoint; enabling it again clears why it was disabled.
func (e *Engine) UpdateWebhookEndpoint(ctx context.Context, a Actor, epID string, in EndpointInput) (*webhook.Endpoint, error) {
	if err := in.check(a.Mode); err != nil {
		return nil, err
	}
	var out *webhook.Endpoint
	err := e.store.Update(ctx, func(tx Tx) error {
		ep, err := tx.GetWebhookEndpointForUpdate(ctx, a.MerchantID, a.Mode, epID)
		if err != nil {
			return err
		}
		changes := map[string]string{}
		if in.URL != nil {
			ep.URL, changes["url"] = *in.URL, *in.URL
		}
		if in.Description != nil {
			ep.Description = *in.Description
		}
		if in.EventTypes != nil {
			ep.EventTypes, changes["event_types"] = *in.EventTypes, strings.Join(*in.EventTypes, " ")
		}
		if in.Enabled != nil {
			ep.Enabled = *in.Enabled
			if ep.Enabled {
				ep.DisabledReason = ""
			}
			changes["enabled"] = map[bool]string{true: "true", false: "false"}[ep.Enabled]
		}
		ep.UpdatedAt = e.now()
		out = ep
		if err := tx.UpdateWebhookEndpoint(ctx, ep); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.Action("webhook_endpoint.updated"), "webhook_endpoint", ep.ID, changes))
	})
	return out, err
}

// DeleteWebhookEndpoint removes an endpoint; its pending deliveries fail.
func (e *Engine) DeleteWebhookEndpoint(ctx context.Context, a Actor, epID string) error {
	return e.store.Update(ctx, func(tx Tx) error {
		if _, err := tx.GetWebhookEndpointForUpdate(ctx, a.MerchantID, a.Mode, epID); err != nil {
			return err
		}
		if err := tx.DeleteWebhookEndpoint(ctx, a.MerchantID, a.Mode, epID, e.now()); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.Action("webhook_endpoint.deleted"), "webhook_endpoint", epID, nil))
	})
}

// ListWebhookEndpoints lists the actor's endpoints.
func (e *Engine) ListWebhookEndpoints(ctx context.Context, a Actor) ([]*webhook.Endpoint, error) {
	return e.store.ListWebhookEndpoints(ctx, a.MerchantID, a.Mode)
}

// GetWebhookEndpoint returns one endpoint.
func (e *Engine) GetWebhookEndpoint(ctx context.Context, a Actor, epID string) (*webhook.Endpoint, error) {
	return e.store.GetWebhookEndpoint(ctx, a.MerchantID, a.Mode, epID)
}

// ListEvents lists the actor's events, newest first.
func (e *Engine) ListEvents(ctx context.Context, a Actor, f EventFilter) ([]*webhook.Event, error) {
	if f.Type != "" && !slices.Contains(webhook.Types, f.Type) {
		// A door's own events (smartpay.settled) are named after the door.
		door, _, _ := strings.Cut(f.Type, ".")
		if e.doors[door] == nil {
			return nil, fault.InvalidParam("type", "parameter_invalid", "unknown event type %q (see GET /openapi.json for the list)", f.Type)
		}
	}
	f.MerchantID, f.Mode, f.Limit = a.MerchantID, a.Mode, min(max(f.Limit, 1), 101)
	return e.store.ListEvents(ctx, f)
}

// GetEvent returns one event.
func (e *Engine) GetEvent(ctx context.Context, a Actor, evID string) (*webhook.Event, error) {
	return e.store.GetEvent(ctx, a.MerchantID, a.Mode, evID)
}

// ListDeliveries lists deliveries, newest first.
func (e *Engine) ListDeliveries(ctx context.Context, a Actor, f DeliveryFilter) ([]*webhook.Delivery, error) {
	if f.EndpointID != "" {
		if _, err := e.store.GetWebhookEndpoint(ctx, a.MerchantID, a.Mode, f.EndpointID); err != nil {
			return nil, err
		}
	}
	f.MerchantID, f.Mode, f.Limit = a.MerchantID, a.Mode, min(max(f.Limit, 1), 101)
	return e.store.ListDeliveries(ctx, f)
}

// GetDelivery returns a delivery with its attempts.
func (e *Engine) GetDelivery(ctx context.Context, a Actor, dID string) (*webhook.Delivery, []*webhook.Attempt, error) {
	d, err := e.store.GetDelivery(ctx, a.MerchantID, a.Mode, dID)
	if err != nil {
		return nil, nil, err
	}
	atts, err := e.store.ListAttempts(ctx, d.ID)
	return d, atts, err
}

// ResendDelivery sends a delivery again at once, with the same webhook-id
// and a fresh retry schedule (a delivery that failed for three days gets
// another three). Its endpoint must be enabled: a resend to a disabled or
// deleted endpoint is a conflict, not an attempt that fails at once.
func (e *Engine) ResendDelivery(ctx context.Context, a Actor, dID string) (*webhook.Delivery, error) {
	d, err := e.store.GetDelivery(ctx, a.MerchantID, a.Mode, dID)
	if err != nil {
		return nil, err
	}
	err = e.store.Update(ctx, func(tx Tx) error {
		ep, err := tx.GetWebhookEndpointForUpdate(ctx, a.MerchantID, a.Mode, d.EndpointID)
		switch {
		case fault.KindOf(err) == fault.NotFound:
			return fault.New(fault.Conflict, "endpoint_deleted", "the delivery's endpoint %s was deleted", d.EndpointID)
		case err != nil:
			return err
		case !ep.Enabled:
			return fault.New(fault.Conflict, "endpoint_disabled", "the delivery's endpoint %s is disabled; enable it (POST /v1/webhook-endpoints/%s {\"enabled\": true}) before resending", ep.ID, ep.ID)
		}
		ok, err := tx.RequeueDelivery(ctx, a.MerchantID, a.Mode, dID, e.now())
		if err == nil && !ok {
			err = fault.NotFoundf("webhook delivery", dID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	e.wake()
	return e.store.GetDelivery(ctx, a.MerchantID, a.Mode, dID)
}
