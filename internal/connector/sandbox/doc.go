// Package sandbox is paygate's built-in test processor. Its behaviour is
// chosen by test card number, following Stripe's published test cards so a
// developer who knows them gets the outcomes they expect, plus Adyen-style
// holder-name overrides and a few gateway extension cards (pending, timeout
// after authorizing, processor down). The table in cards.go is the single
// source for both behaviour and docs/test-cards.md. State lives in memory:
// after a restart the sandbox has forgotten every authorization, which the
// engine reads as "never authorized". It imports only the connector
// interface and the domain.
package sandbox
