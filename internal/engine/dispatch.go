package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/webhook"
)

// Sender posts one webhook. It must not follow redirects, must give up after
// its timeout, and must refuse blocked destinations (webhook.Blocked) when
// private is false.
type Sender interface {
	Send(ctx context.Context, url string, headers map[string]string, body []byte, private bool) SendResult
}

// SendResult is what a receiver answered.
type SendResult struct {
	Status     int
	RetryAfter time.Duration
	// Response is the start of the receiver's answer, kept for the merchant.
	Response string
	// Err is a transport failure (timeout, refused, blocked destination).
	Err error
}

// DispatchConfig tunes webhook delivery.
type DispatchConfig struct {
	Sender Sender
	// PerEndpoint caps the requests one process has open to one endpoint
	// (default 8). Every process sharing the store together holds at most
	// aheadPerEndpoint times as many of one endpoint's deliveries (open or
	// queued behind them), so no endpoint sees more than that at once
	// however many processes run.
	PerEndpoint int
	// Batch is how many deliveries one pass claims, and how many sends a
	// process has open at most (default 256).
	Batch int
	// Lease is how long a claimed delivery is reserved (default 5 min): a
	// process that dies lets others send it after that, with the same
	// webhook-id. It should outlast four requests' timeouts (a queued
	// delivery may wait for three before its own): a process that claims
	// its own delivery again keeps its one request, but another process
	// would send it a second time.
	Lease time.Duration
	// AllowPrivateLive lets live endpoints reach private addresses (sandbox
	// endpoints always may: developers test against localhost).
	AllowPrivateLive bool
	// Poll is the idle wait between passes (default 250 ms); committed
	// events wake the dispatcher sooner, but passes are at least Batching
	// apart (default 50 ms) so that a busy gateway fans out events in
	// batches instead of one write transaction per payment.
	Poll     time.Duration
	Batching time.Duration
}

// ErrLeaseLost is FinishAttempt's answer when a delivery's lease ran out
// before its attempt was recorded and another worker claimed it: the
// attempt is logged, the other worker's outcome decides the state.
var ErrLeaseLost = errors.New("webhook delivery lease lost to another worker")

func (e *Engine) wake() {
	select {
	case e.wakeup <- struct{}{}:
	default:
	}
}

// RunDispatcher fans events out to endpoints and delivers them until ctx
// ends. Several processes may run it on one PostgreSQL: claims skip rows
// another process holds.
//
// Fan-out and delivery run as two loops. Fan-out passes are at least
// Batching apart, so that a busy gateway turns events into deliveries in
// batches instead of one write transaction per payment. Delivery passes
// run whenever there is something to claim: new deliveries, a finished
// send (its slot is free) or the poll; so one endpoint is kept busy up to
// its PerEndpoint limit instead of receiving that many per fan-out pass.
func (e *Engine) RunDispatcher(ctx context.Context, cfg DispatchConfig) {
	d := e.newDispatcher(cfg)
	defer d.sends.Wait() // sends end with ctx; their leases let a later pass retry them
	fanned := make(chan struct{})
	go func() {
		defer close(fanned)
		e.fanOutLoop(ctx, d)
	}()
	defer func() { <-fanned }()
	t := time.NewTicker(d.cfg.Poll)
	defer t.Stop()
	for ctx.Err() == nil {
		n, err := e.deliver(ctx, d)
		if err != nil && ctx.Err() == nil {
			e.log.Warn("webhook delivery pass failed", "err", err)
		}
		if n > 0 && err == nil {
			continue // there may be more due
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-d.kick:
		}
	}
}

// fanOutLoop turns committed events into deliveries, in passes at least
// Batching apart, and tells the delivery loop when there are new ones.
func (e *Engine) fanOutLoop(ctx context.Context, d *dispatcher) {
	t := time.NewTicker(d.cfg.Poll)
	defer t.Stop()
	for ctx.Err() == nil {
		last := time.Now()
		n, err := e.fanOut(ctx)
		if err != nil && ctx.Err() == nil {
			e.log.Warn("webhook fan-out failed", "err", err)
		}
		d.wake() // new deliveries, or a resend woke us
		if n == 0 {
			select {
			case <-ctx.Done():
			case <-t.C:
			case <-e.wakeup:
			}
		}
		if wait := d.cfg.Batching - time.Since(last); wait > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
	}
}

func (e *Engine) newDispatcher(cfg DispatchConfig) *dispatcher {
	if cfg.PerEndpoint <= 0 {
		cfg.PerEndpoint = 8
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 256
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 5 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 250 * time.Millisecond
	}
	if cfg.Batching <= 0 {
		cfg.Batching = 50 * time.Millisecond
	}
	return &dispatcher{cfg: cfg, lanes: map[string]*lane{}, leases: map[string]time.Time{}, kick: make(chan struct{}, 1)}
}

// DispatchOnce runs one fan-out, then claims and sends what is due until a
// claim finds nothing more (or the process's Batch requests are open),
// and waits for every outcome to be recorded (tests and tools).
func (e *Engine) DispatchOnce(ctx context.Context, cfg DispatchConfig) (int, error) {
	if _, err := e.fanOut(ctx); err != nil {
		return 0, err
	}
	d := e.newDispatcher(cfg)
	defer d.sends.Wait()
	total := 0
	for {
		n, err := e.deliver(ctx, d)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// fanOut turns committed events into one delivery per subscribed endpoint.
func (e *Engine) fanOut(ctx context.Context) (int, error) {
	n := 0
	err := e.store.Update(ctx, func(tx Tx) error {
		evs, err := tx.ClaimEvents(ctx, 1000)
		if err != nil || len(evs) == 0 {
			return err
		}
		type key struct {
			m    string
			mode payment.Mode
		}
		endpoints := map[key][]*webhook.Endpoint{}
		now := e.now()
		var ds []*webhook.Delivery
		ids := make([]string, 0, len(evs))
		for _, ev := range evs {
			k := key{ev.MerchantID, ev.Mode}
			eps, ok := endpoints[k]
			if !ok {
				if eps, err = tx.ListEndpointsOf(ctx, ev.MerchantID, ev.Mode); err != nil {
					return err
				}
				endpoints[k] = eps
			}
			for _, ep := range eps {
				if ep.Wants(ev) {
					ds = append(ds, &webhook.Delivery{ID: id.NewAt("msg", now), EventID: ev.ID, EndpointID: ep.ID, MerchantID: ev.MerchantID,
						Mode: ev.Mode, Status: webhook.Pending, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now})
				}
			}
			ids = append(ids, ev.ID)
		}
		if err := tx.InsertDeliveries(ctx, ds); err != nil {
			return err
		}
		n = len(ds)
		return tx.MarkEventsFanned(ctx, ids)
	})
	return n, err
}

// deliver claims due deliveries and starts sending them without waiting:
// of one endpoint it claims no more than aheadPerEndpoint times
// PerEndpoint less what all processes already hold for it, sends
// PerEndpoint at a time and queues the rest (see lane). A slow endpoint holds only its own slots, never a pass,
// and each outcome is recorded as soon as it is known, well inside the
// lease; the store batches those small commits.
func (e *Engine) deliver(ctx context.Context, d *dispatcher) (int, error) {
	open, held := d.held()
	free := d.cfg.Batch - open // a process has at most Batch requests open
	if free <= 0 {
		return 0, nil
	}
	var claimed []*ClaimedDelivery
	now := e.now()
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		claimed, err = tx.ClaimDeliveries(ctx, now, now.Add(d.cfg.Lease), free, aheadPerEndpoint*d.cfg.PerEndpoint, held)
		return err
	})
	if err != nil || len(claimed) == 0 {
		return 0, err
	}
	for _, c := range d.take(claimed) {
		go e.run(ctx, d, c)
	}
	return len(claimed), nil
}

// run sends a delivery, then the ones queued behind it on its endpoint's
// lane, recording each outcome in the background: the slot is free again
// as soon as the request is over (the delivery stays leased until its
// outcome commits, so no pass claims it again meanwhile).
func (e *Engine) run(ctx context.Context, d *dispatcher, c *ClaimedDelivery) {
	for c != nil {
		var o *outcome
		var err error
		if e.now().Before(d.lease(c.Delivery.ID)) {
			o, err = e.attempt(ctx, d, c)
		} // else it waited past its lease: another pass or process may have it now
		done := c
		c = d.finish(done)
		d.wake()
		if err != nil && ctx.Err() == nil {
			e.log.Warn("webhook attempt failed", "delivery", done.Delivery.ID, "err", err)
		}
		if o == nil { // not sent, or not sendable now: the lease lets a later pass retry it
			d.release(done.Delivery.ID)
			d.sends.Done()
			continue
		}
		go func() {
			defer d.sends.Done()
			defer d.release(done.Delivery.ID)
			// A known outcome is recorded even when the dispatcher is
			// stopping, so a delivered webhook is not sent again after a
			// restart.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			if err := e.record(rctx, d, o); err != nil {
				e.log.Warn("webhook attempt not recorded", "delivery", done.Delivery.ID, "err", err)
			}
		}()
	}
}

// record writes one attempt's outcome and, if it calls for it, disables
// the endpoint. A worker that lost the lease logs its attempt and leaves
// the state to the lease holder.
func (e *Engine) record(ctx context.Context, d *dispatcher, o *outcome) error {
	return e.store.Update(ctx, func(tx Tx) error {
		del := *o.del
		del.LockedUntil = d.lease(del.ID) // renewed if this process claimed it again meanwhile
		err := tx.FinishAttempt(ctx, &del, o.att)
		if errors.Is(err, ErrLeaseLost) {
			e.log.Warn("webhook delivery was claimed again before its attempt was recorded", "delivery", o.del.ID)
			return nil
		}
		if err != nil || o.disable == "" {
			return err
		}
		ep, err := tx.GetWebhookEndpointForUpdate(ctx, o.del.MerchantID, o.del.Mode, o.del.EndpointID)
		if err != nil {
			return err
		}
		ep.Enabled, ep.DisabledReason, ep.UpdatedAt = false, o.disable, e.now()
		return tx.UpdateWebhookEndpoint(ctx, ep)
	})
}

// outcome is one attempt to record.
type outcome struct {
	del     *webhook.Delivery
	att     *webhook.Attempt
	disable string
}

// attempt sends one delivery and says what to record: 2xx succeeds; 410
// fails it and disables the endpoint; anything else is retried on the
// schedule, and a delivery whose schedule runs out fails and disables its
// endpoint (it has failed for about three days).
func (e *Engine) attempt(ctx context.Context, d *dispatcher, c *ClaimedDelivery) (*outcome, error) {
	del := c.Delivery
	if !c.EndpointEnabled {
		del.Status, del.LastError, del.UpdatedAt = webhook.Failed, "endpoint disabled", e.now()
		return &outcome{del: del, att: &webhook.Attempt{DeliveryID: del.ID, At: e.now(), Error: "endpoint disabled"}}, nil
	}
	start := e.now()
	req, err := e.deliveryRequest(ctx, c, start)
	if err != nil {
		return nil, err
	}
	var res SendResult
	switch {
	case req.renderErr != nil:
		res = SendResult{Err: req.renderErr}
	case req.skip:
		res = SendResult{Status: 200, Response: "not sent: the front door sends nothing for " + c.EventType}
	default:
		res = d.cfg.Sender.Send(ctx, c.URL, req.headers, req.body, del.Mode == payment.Sandbox || d.cfg.AllowPrivateLive)
	}
	if res.Err != nil && ctx.Err() != nil {
		return nil, ctx.Err() // shutting down cut it off: the lease lets another pass retry it
	}
	now := e.now()
	del.Attempts++
	att := &webhook.Attempt{DeliveryID: del.ID, At: start, StatusCode: res.Status, Duration: now.Sub(start), Response: res.Response}
	del.LastStatus, del.LastError, del.UpdatedAt = res.Status, "", now
	if res.Err != nil {
		att.Error, del.LastError = res.Err.Error(), res.Err.Error()
	}
	disable := ""
	switch {
	case res.Err == nil && res.Status >= 200 && res.Status < 300:
		del.Status = webhook.Succeeded
	case res.Err == nil && res.Status == 410:
		del.Status, disable = webhook.Failed, "the endpoint answered 410 Gone"
	default:
		if wait, ok := webhook.NextDelay(del.Attempts, res.RetryAfter); ok {
			del.NextAttemptAt = now.Add(wait)
		} else {
			del.Status, disable = webhook.Failed, "deliveries failed for three days"
		}
	}
	return &outcome{del: del, att: att, disable: disable}, nil
}

// deliveryRequest is what one attempt sends.
type deliveryRequest struct {
	body    []byte
	headers map[string]string
	// skip: the front door sends nothing for this event (the delivery succeeds).
	skip bool
	// renderErr: the front door could not render it now (retried like a failed send).
	renderErr error
}

// deliveryRequest builds an attempt: a native webhook signed the Standard
// Webhooks way, or, for a front door's notification endpoint, the door's
// own callback.
func (e *Engine) deliveryRequest(ctx context.Context, c *ClaimedDelivery, now time.Time) (deliveryRequest, error) {
	del := c.Delivery
	if c.Door != "" {
		n := e.doors[doorName(c.Door)]
		if n == nil {
			return deliveryRequest{renderErr: fmt.Errorf("front door %q is not configured in this process", c.Door)}, nil
		}
		body, headers, ok, err := n.Notification(ctx, DoorEvent{Door: c.Door, ID: del.ID, Type: c.EventType, MerchantID: del.MerchantID, Mode: del.Mode,
			ObjectID: c.ObjectID, Payload: c.Payload, Attempt: del.Attempts + 1})
		switch {
		case err != nil:
			return deliveryRequest{renderErr: err}, nil
		case !ok:
			return deliveryRequest{skip: true}, nil
		}
		if headers == nil {
			headers = map[string]string{}
		}
		if headers["User-Agent"] == "" {
			headers["User-Agent"] = "paygate-notifications/1"
		}
		return deliveryRequest{body: body, headers: headers}, nil
	}
	secret, err := e.open(ctx, c.SecretKeyID, secretAAD(del.EndpointID)(c.SecretKeyID), c.SealedSecret)
	if err != nil {
		return deliveryRequest{}, err
	}
	key, err := webhook.ParseSecret(string(secret))
	if err != nil {
		return deliveryRequest{}, err
	}
	ts := now.Unix()
	return deliveryRequest{body: c.Payload, headers: map[string]string{
		"webhook-id": del.ID, "webhook-timestamp": strconv.FormatInt(ts, 10), "webhook-signature": webhook.Sign(key, del.ID, ts, c.Payload),
		"Content-Type": "application/json", "User-Agent": "paygate-webhooks/1",
	}}, nil
}
