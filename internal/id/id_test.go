package id

import (
	"sort"
	"strings"
	"testing"
	"time"
)

func TestMonotonicIDsSortInOrderWithinAMillisecond(t *testing.T) {
	var m Monotonic
	at := time.Now()
	var ids []string
	for i := 0; i < 1000; i++ {
		ids = append(ids, m.New("evt", at))
	}
	ids = append(ids, m.New("evt", at.Add(-time.Second))) // a clock step back still sorts after
	ids = append(ids, m.New("evt", at.Add(time.Millisecond)))
	if !sort.StringsAreSorted(ids) {
		t.Fatal("monotonic ids are not in order")
	}
	seen := map[string]bool{}
	for _, s := range ids {
		if seen[s] || !strings.HasPrefix(s, "evt_") || len(s) != 30 {
			t.Fatalf("id %q", s)
		}
		seen[s] = true
	}
	if NewAt("x", at)[2:12] != m.New("x", at.Add(time.Hour))[2:12] && NewAt("x", at.Add(time.Hour))[2:12] != m.New("x", at.Add(time.Hour))[2:12] {
		t.Fatal("monotonic ids do not share the time layout of New")
	}
}
