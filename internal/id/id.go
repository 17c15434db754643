// Package id makes identifiers: a type prefix and 26 Crockford base32
// characters of a 48-bit millisecond timestamp and 80 random bits (the ULID
// layout), so ids sort by creation time and serve as pagination cursors.
package id

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// New returns prefix + "_" + a time-ordered random id, e.g. "pay_01j…".
func New(prefix string) string { return NewAt(prefix, time.Now()) }

// NewAt is New with an explicit time (tests and imports).
func NewAt(prefix string, t time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(t.UnixMilli())<<16)
	rand.Read(b[6:])
	// 128 bits -> 26 base32 characters, most significant first.
	var out [26]byte
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	for i := 25; i >= 0; i-- {
		out[i] = alphabet[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return prefix + "_" + string(out[:])
}

// Secret returns n random bytes encoded in the same alphabet, for keys and tokens.
func Secret(nBytes int) string {
	b := make([]byte, nBytes)
	rand.Read(b)
	out := make([]byte, 0, nBytes*8/5+1)
	var acc, bits uint
	for _, c := range b {
		acc = acc<<8 | uint(c)
		bits += 8
		for bits >= 5 {
			bits -= 5
			out = append(out, alphabet[(acc>>bits)&31])
		}
	}
	if bits > 0 {
		out = append(out, alphabet[(acc<<(5-bits))&31])
	}
	return string(out)
}

// Monotonic makes ids that sort in the order this process made them, even
// within one millisecond (the random part then counts up): events listed
// newest first must not swap two that one transaction emitted.
type Monotonic struct {
	mu     sync.Mutex
	lastMs uint64
	hi, lo uint64 // the 80-bit random part: hi holds the top 16 bits
}

// New returns the next id with this prefix at time t.
func (m *Monotonic) New(prefix string, t time.Time) string {
	ms := uint64(t.UnixMilli())
	m.mu.Lock()
	if ms <= m.lastMs {
		ms = m.lastMs
		m.lo++
		if m.lo == 0 {
			m.hi = (m.hi + 1) & 0xffff
		}
	} else {
		var b [10]byte
		rand.Read(b[:])
		m.hi = uint64(binary.BigEndian.Uint16(b[:2])) >> 1 // leave room to count up
		m.lo = binary.BigEndian.Uint64(b[2:]) >> 1
		m.lastMs = ms
	}
	hi := ms<<16 | m.hi
	lo := m.lo
	m.mu.Unlock()
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = alphabet[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return prefix + "_" + string(out[:])
}
