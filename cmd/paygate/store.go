package main

import (
	"context"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/store/postgres"
	"github.com/paygate/paygate/internal/store/sqlite"
)

// openStore opens the store a database URL names, migrating it when asked.
// onCommit, if not nil, observes every group commit.
func openStore(ctx context.Context, url string, migrate bool, onCommit func(int, time.Duration)) (engine.Store, error) {
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		return sqlite.Open(ctx, path, sqlite.Options{Migrate: migrate, OnCommit: onCommit})
	}
	return postgres.Open(ctx, url, postgres.Options{Migrate: migrate, OnCommit: onCommit})
}
