// Package ratelimit holds keyed token buckets and growing delays after
// failures, in memory, with an injected clock and bounded size. It knows
// nothing of HTTP: the API decides what a key is (a credential, an address,
// an account) and how to answer a refusal.
package ratelimit
