// Package sqlite is paygate's embedded default store: SQLite in WAL mode
// with synchronous=FULL (a change is on disk before Update returns), one
// writer connection that group-commits concurrent transactions, and a pool
// of read connections. Statements in the writer's transaction ignore their
// caller's cancellation (SQLite answers an interrupt by rolling back the
// whole batch), and after any failure the writer checks that the
// transaction survived. It uses the pure-Go modernc.org/sqlite driver, so
// the binary needs no C toolchain. It depends on the engine's interfaces and
// internal/store/sqlstore, never on the API or connectors.
package sqlite
