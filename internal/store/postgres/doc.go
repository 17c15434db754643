// Package postgres is paygate's production store: PostgreSQL through pgx v5
// (its database/sql adapter, so the SQL is shared with SQLite in
// internal/store/sqlstore). One transaction per use case at READ COMMITTED;
// rows that a limit depends on are locked with SELECT … FOR UPDATE. It
// depends on the engine's interfaces, never on the API or connectors.
package postgres
