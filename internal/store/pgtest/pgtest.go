package pgtest

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

var seq atomic.Int64

// FreshURL creates a new schema, drops it when the test ends, and returns a
// connection URL whose search_path is that schema.
func FreshURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("PAYGATE_TEST_POSTGRES_URL")
	if base == "" {
		if os.Getenv("PAYGATE_REQUIRE_POSTGRES") != "" {
			t.Fatal("PAYGATE_REQUIRE_POSTGRES is set but PAYGATE_TEST_POSTGRES_URL is empty")
		}
		t.Skip("PAYGATE_TEST_POSTGRES_URL not set")
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("pgtest_%d_%d", time.Now().UnixNano(), seq.Add(1))
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		db.Close()
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() { db.Exec("DROP SCHEMA " + schema + " CASCADE"); db.Close() })
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}
