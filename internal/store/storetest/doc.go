// Package storetest is the conformance suite every engine.Store passes: the
// SQLite and PostgreSQL stores run the same tests (Run) and the same
// group-commit benchmark (BenchmarkUpdateParallel), so the engine can rely on
// one behaviour. It imports the engine's interfaces and the domain only,
// never a store or a driver.
package storetest
