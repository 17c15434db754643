// Package sqlstore is the SQL shared by paygate's two stores (SQLite and
// PostgreSQL) over database/sql: the schema, the migrations runner, the
// transaction methods (engine.Tx) and the queries (engine.Reader). A small
// Dialect covers their differences. It depends on the engine's interfaces and
// the domain types, never on a driver.
package sqlstore
