package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migration is one numbered schema change. SQL may use {{BLOB}} for the
// dialect's bytes type and {{APPEND_ONLY table}} for the dialect's triggers
// that refuse UPDATE and DELETE on a table; statements are separated by
// ";\n"; lines starting with "--" are comments.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations is the ordered schema history shared by both databases.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the ordered schema history shared by both databases, read
// from the numbered files in migrations/ (NNNN_name.sql) embedded in the binary.
var Migrations = loadMigrations()

func loadMigrations() []Migration {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		panic(err)
	}
	var out []Migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			panic("sqlstore: migration file " + e.Name() + " is not named NNNN_name.sql")
		}
		body, _ := migrationFiles.ReadFile("migrations/" + e.Name())
		out = append(out, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}

// Migrate applies every migration not yet recorded in schema_migrations,
// each in its own transaction, in order. Re-running it changes nothing.
func Migrate(ctx context.Context, db *sql.DB, d *Dialect) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range Migrations {
		if err := apply(ctx, db, d, m); err != nil {
			return fmt.Errorf("migrate %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}

func apply(ctx context.Context, db *sql.DB, d *Dialect, m Migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if d.Name == "postgres" {
		// Two processes starting at once must not both apply a migration.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE schema_migrations IN EXCLUSIVE MODE`); err != nil {
			return err
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, d.Rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.Version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	for _, stmt := range strings.Split(expand(m.SQL, d), ";\n") {
		stmt = stripComments(stmt)
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%w in: %s", err, strings.TrimSpace(stmt))
		}
	}
	if _, err := tx.ExecContext(ctx, d.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`), m.Version, m.Name, time.Now().UnixMicro()); err != nil {
		return err
	}
	return tx.Commit()
}

func stripComments(stmt string) string {
	var keep []string
	for _, line := range strings.Split(stmt, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

var appendOnly = regexp.MustCompile(`\{\{APPEND_ONLY ([a-z_]+)\}\}`)

// expand replaces the dialect placeholders of a migration.
func expand(sql string, d *Dialect) string {
	sql = strings.ReplaceAll(sql, "{{BLOB}}", d.Blob)
	return appendOnly.ReplaceAllStringFunc(sql, func(m string) string {
		return d.AppendOnly(appendOnly.FindStringSubmatch(m)[1])
	})
}
