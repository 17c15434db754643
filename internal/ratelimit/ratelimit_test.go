package ratelimit

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestBucketsRefuseAfterTheBurstAndRefill(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	l := New(2, 3, clk.now)
	for i := range 3 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("request %d of the burst refused", i)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("after the burst: %v, wait %v (want 500ms at 2/s)", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("keys share a bucket")
	}
	clk.advance(500 * time.Millisecond)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("no refill")
	}
	clk.advance(time.Hour)
	for range 3 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatal("refill beyond nothing")
		}
	}
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("refilled beyond the burst")
	}
}

func TestMemoryStaysBounded(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	l := New(1000, 10, clk.now)
	b := NewBackoff(1, time.Second, time.Minute, clk.now)
	for i := range 200_000 {
		k := strconv.Itoa(i)
		l.Allow(k)
		b.Failure(k)
		if i%1000 == 0 {
			clk.advance(time.Second)
		}
	}
	if l.Len() > maxKeys || b.Len() > maxKeys {
		t.Fatalf("limiter holds %d keys, backoff %d", l.Len(), b.Len())
	}
}

func TestBackoffDoublesUpToTheCapAndSuccessClears(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	b := NewBackoff(2, time.Second, 8*time.Second, clk.now)
	want := []time.Duration{0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	for i, w := range want {
		b.Failure("k")
		blocked, wait := b.Blocked("k")
		if blocked != (w > 0) || wait != w {
			t.Fatalf("failure %d: blocked %v wait %v, want %v", i+1, blocked, wait, w)
		}
		clk.advance(wait)
	}
	b.Success("k")
	if blocked, _ := b.Blocked("k"); blocked {
		t.Fatal("success did not clear")
	}
	b.Failure("k")
	clk.advance(17 * time.Second)
	b.Failure("k")
	if blocked, _ := b.Blocked("k"); blocked {
		t.Fatal("old failures were not forgotten after 2·max of quiet")
	}
}

func TestConcurrentUseIsSafe(t *testing.T) {
	l := New(1e6, 1e6, nil)
	b := NewBackoff(3, time.Millisecond, time.Second, nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				k := strconv.Itoa((g * i) % 50)
				l.Allow(k)
				b.Failure(k)
				b.Blocked(k)
				if i%7 == 0 {
					b.Success(k)
				}
			}
		})
	}
	wg.Wait()
}

// TestBeginLetsOneTryOfAKeyRunAtATime: a second try of a key waits for the
// first and then sees its failure; other keys do not wait; a try given up
// before or while waiting is refused; ending a try twice does not let two
// run at once; turns are dropped once nobody holds them.
func TestBeginLetsOneTryOfAKeyRunAtATime(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	b := NewBackoff(0, time.Second, time.Minute, clk.now)
	ctx := context.Background()
	doneAda, _, ok := b.Begin(ctx, "ada", "ip|1")
	if !ok {
		t.Fatal("the first try was refused")
	}
	second := make(chan bool)
	go func() {
		done, _, ok := b.Begin(ctx, "ada", "ip|2")
		if ok {
			done()
		}
		second <- ok
	}()
	doneBo, _, ok := b.Begin(ctx, "bo", "ip|1")
	if !ok {
		t.Fatal("another key waited for ada's try")
	}
	doneBo()
	select {
	case <-second:
		t.Fatal("a second try of the key ran beside the first")
	case <-time.After(50 * time.Millisecond):
	}
	b.Failure("ada")
	doneAda()
	if ok := <-second; ok {
		t.Fatal("the second try did not see the first one's failure")
	}

	// done twice, with another try waiting: still one at a time.
	doneCy, _, _ := b.Begin(ctx, "cy")
	got := make(chan func())
	go func() {
		d, _, _ := b.Begin(ctx, "cy")
		got <- d
	}()
	time.Sleep(20 * time.Millisecond)
	doneCy()
	doneCy()
	next := <-got
	third := make(chan bool)
	go func() {
		d, _, _ := b.Begin(ctx, "cy")
		d()
		third <- true
	}()
	select {
	case <-third:
		t.Fatal("a repeated done let a third try run beside the second")
	case <-time.After(50 * time.Millisecond):
	}
	next()
	<-third

	gone, cancel := context.WithCancel(ctx)
	cancel()
	for range 100 {
		if _, _, ok := b.Begin(gone, "dee"); ok {
			t.Fatal("a try given up before it began ran")
		}
	}
	doneDee, _, _ := b.Begin(ctx, "dee")
	waiting, stop := context.WithCancel(ctx)
	go func() { time.Sleep(20 * time.Millisecond); stop() }()
	if _, _, ok := b.Begin(waiting, "dee"); ok {
		t.Fatal("a try given up while waiting ran")
	}
	doneDee()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.turns) != 0 {
		t.Fatalf("%d turns kept after every try ended", len(b.turns))
	}
}
