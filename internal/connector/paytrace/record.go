package paytrace

import "sync"

// record remembers the most recent entries by key, forgetting the oldest
// beyond its size, so a long-running connector's memory stays bounded.
type record[V any] struct {
	mu    sync.Mutex
	size  int
	items map[string]*V
	order []string // insertion order, oldest first
}

func newRecord[V any](size int) *record[V] {
	return &record[V]{size: size, items: map[string]*V{}}
}

// claim returns the entry for key and whether this caller created it.
func (r *record[V]) claim(key string, fresh func() *V) (*V, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.items[key]; ok {
		return v, false
	}
	v := fresh()
	r.items[key] = v
	r.order = append(r.order, key)
	for len(r.order) > r.size {
		delete(r.items, r.order[0])
		r.order = r.order[1:]
	}
	return v, true
}

func (r *record[V]) get(key string) *V {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.items[key]
}

// forget drops key if it still maps to v (a request certainly not
// processed, which may be sent again).
func (r *record[V]) forget(key string, v *V) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.items[key] == v {
		delete(r.items, key)
		for i, k := range r.order {
			if k == key {
				r.order = append(r.order[:i], r.order[i+1:]...)
				break
			}
		}
	}
}
