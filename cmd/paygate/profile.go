package main

import (
	"os"
	"runtime/pprof"
)

// startCPUProfile writes a CPU profile of the server's life to path
// (PAYGATE_CPUPROFILE), for finding where a benchmark spends its time.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
