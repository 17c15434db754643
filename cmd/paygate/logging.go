package main

import (
	"io"
	"log/slog"

	"github.com/paygate/paygate/internal/redact"
)

// newLogger builds the process logger. Every handler is wrapped in the
// redacting handler, so a card number that slips into a message is masked.
func newLogger(c Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if c.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(redact.NewHandler(h))
}
