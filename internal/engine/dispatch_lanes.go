package engine

import (
	"sync"
	"time"
)

// dispatcher runs one process's deliveries. sends counts every delivery it
// holds (claimed and not yet recorded or given up), so a caller can wait
// for them.
type dispatcher struct {
	cfg   DispatchConfig
	sends sync.WaitGroup
	// kick wakes the delivery loop: new deliveries, or a slot freed.
	kick chan struct{}

	mu    sync.Mutex
	lanes map[string]*lane // by endpoint id; only endpoints with deliveries held
	open  int              // requests open, all endpoints
	// leases of the deliveries held, by id, until their outcome is recorded.
	leases map[string]time.Time
}

// lane is one endpoint's share of a process: at most PerEndpoint requests
// open, and claimed deliveries queued behind them (aheadPerEndpoint
// times PerEndpoint held in all), so that a slot freed is refilled at once
// instead of after the next claim's commit. A queue waits only for that
// endpoint's own requests.
type lane struct {
	open  int
	queue []*ClaimedDelivery
}

func (d *dispatcher) wake() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// held is how many requests the process has open in all, and how many
// deliveries it holds (open or queued) by endpoint.
func (d *dispatcher) held() (int, map[string]int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	by := make(map[string]int, len(d.lanes))
	for ep, l := range d.lanes {
		by[ep] = l.open + len(l.queue)
	}
	return d.open, by
}

// take holds claimed deliveries and returns those to send now; the others
// queue on their endpoint's lane. A queued delivery starts only in the
// slot of one that finishes, so the requests open stay within the claims'
// limit (Batch).
func (d *dispatcher) take(cs []*ClaimedDelivery) []*ClaimedDelivery {
	d.mu.Lock()
	defer d.mu.Unlock()
	var start []*ClaimedDelivery
	for _, c := range cs {
		if _, ok := d.leases[c.Delivery.ID]; ok {
			// Its lease ran out while this process still sends or records
			// it (a lease shorter than a request), and the claim took it
			// again: keep the one request, under the new lease.
			d.leases[c.Delivery.ID] = c.Delivery.LockedUntil
			continue
		}
		d.leases[c.Delivery.ID] = c.Delivery.LockedUntil
		d.sends.Add(1)
		l := d.lanes[c.Delivery.EndpointID]
		if l == nil {
			l = &lane{}
			d.lanes[c.Delivery.EndpointID] = l
		}
		if l.open < d.cfg.PerEndpoint {
			l.open++
			d.open++
			start = append(start, c)
		} else {
			l.queue = append(l.queue, c)
		}
	}
	return start
}

// finish ends a request to c's endpoint and returns the delivery queued
// next on that lane, which keeps the slot, or nil.
func (d *dispatcher) finish(c *ClaimedDelivery) *ClaimedDelivery {
	d.mu.Lock()
	defer d.mu.Unlock()
	l := d.lanes[c.Delivery.EndpointID]
	if len(l.queue) > 0 {
		next := l.queue[0]
		l.queue = l.queue[1:]
		return next
	}
	d.open--
	if l.open--; l.open == 0 {
		delete(d.lanes, c.Delivery.EndpointID)
	}
	return nil
}

// lease is the lease this process holds on a delivery.
func (d *dispatcher) lease(id string) time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.leases[id]
}

// release forgets a delivery whose outcome is recorded or given up.
func (d *dispatcher) release(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.leases, id)
}

// aheadPerEndpoint times PerEndpoint is how many deliveries of one
// endpoint a process holds at most (open and queued): enough queued that
// sends go on while the next claim waits for its commit.
const aheadPerEndpoint = 4
