package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
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

// existingDatabase refuses a SQLite database that does not exist yet, for
// commands that only read one: opening it would create an empty database
// (and a vault key) where a mistyped path should be an error.
func existingDatabase(url string) error {
	path, ok := strings.CutPrefix(url, "sqlite:")
	if !ok {
		return nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no database at %s: nothing to check (run paygate there first, or pass --database sqlite:PATH)", path)
	}
	return nil
}
