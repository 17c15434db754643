// Package postgres is paygate's production store: PostgreSQL through pgx v5
// (its database/sql adapter, so the SQL is shared with SQLite in
// internal/store/sqlstore). Writes go through a few writer connections that
// group concurrent transaction functions into one transaction each (READ
// COMMITTED); rows that a limit depends on are locked with SELECT … FOR
// UPDATE. If any function of a batch fails, the batch rolls back and each
// function runs again alone. Fewer, busier connections beat many: on a small
// machine, dozens of backends contending for the WAL were several times
// slower. It depends on the engine's interfaces, never on the API or
// connectors.
package postgres
