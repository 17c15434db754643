// Package sqlite is paygate's embedded default store: SQLite in WAL mode
// with synchronous=FULL (a change is on disk before Update returns), one
// writer connection that group-commits concurrent transactions, and a pool
// of read connections. It uses the pure-Go modernc.org/sqlite driver, so the
// binary needs no C toolchain. It depends on the engine's interfaces and
// internal/store/sqlstore, never on the API or connectors.
package sqlite
