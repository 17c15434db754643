// Package pgtest gives tests a fresh, empty PostgreSQL schema on the server
// named by PAYGATE_TEST_POSTGRES_URL. Without it the test is skipped, or
// fails when PAYGATE_REQUIRE_POSTGRES is set (as CI sets it), so a missing
// database never passes silently. For tests only.
//
// It depends on the pgx driver only, never on paygate's packages.
package pgtest
