package main

import "runtime/debug"

// A gateway's live heap is small (about 10 MB under load) but it allocates
// fast, so the default GOGC=100 collects a dozen times a second, each time
// stopping the world and taking the store's single writer off its core
// for a while. A higher percentage under a soft memory limit collects a few
// times a second and still keeps the process well under the RSS budget.
const (
	serverGCPercent   = 400
	serverMemoryLimit = 128 << 20
)

// tuneGC applies serverGCPercent and serverMemoryLimit unless the operator
// chose with GOGC or GOMEMLIMIT, which the runtime has already applied.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serverMemoryLimit)
	}
}
