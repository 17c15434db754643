// Package webhook holds the rules of outgoing webhooks, without I/O: the
// event types, Standard Webhooks signatures, signing secrets, the retry
// schedule, and which destination addresses a delivery may never reach.
package webhook
