package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"net/http/httptest"

	"github.com/paygate/paygate/internal/api"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// The bench reads the group-commit figures from the gateway's /metrics by
// name; this fails if the names the API registers drift from those it reads.
func TestBenchReadsTheCommitFiguresOfMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := api.NewMetrics(reg)
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	before, err := scrapeCommits(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	m.StoreCommit(30, 4*time.Millisecond)
	m.StoreCommit(10, 2*time.Millisecond)
	after, err := scrapeCommits(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	d := after.since(before)
	if d.commits != 2 || d.transactions != 40 || d.seconds < 0.0059 || d.seconds > 0.0061 {
		t.Fatalf("scraped %+v, want 2 commits, 40 transactions, 6 ms", d)
	}
	if got, want := d.String(time.Second), "store: 2 commits, 20.0 transactions per commit, mean commit 3.00 ms, writer busy 0.01 s per s"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestCPUTimeGrowsWithWork(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	start := cpuTime(os.Getpid())
	if start <= 0 {
		t.Fatalf("a running test has used %v of CPU", start)
	}
	// Spin until the counter moves (it counts in 10 ms ticks); a loaded
	// machine only makes this take longer.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		if cpuTime(os.Getpid())-start >= 30*time.Millisecond {
			return
		}
	}
	t.Fatal("20 s of spinning never added 30 ms of CPU time")
}

// The PostgreSQL figure sums processes by command name: this process must
// be found by its own name, and a name nothing runs under counts nothing.
func TestCommandCPUFindsProcessesByName(t *testing.T) {
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Skip("no /proc")
	}
	for deadline := time.Now().Add(20 * time.Second); cpuTime(os.Getpid()) < 20*time.Millisecond && time.Now().Before(deadline); {
	}
	// This process's own time is read first: it keeps growing (other tests
	// run beside this one), so read after it could pass the command's total.
	if own, got := cpuTime(os.Getpid()), commandCPU(strings.TrimSpace(string(comm))); got < own {
		t.Fatalf("commandCPU(%q) = %v, less than this process's own %v", comm, got, own)
	}
	if got := commandCPU("no-such-command-runs-here"); got != 0 {
		t.Fatalf("a command nothing runs under used %v", got)
	}
	if got := localPostgresCPU("sqlite:/tmp/x.db"); got != 0 {
		t.Fatalf("an SQLite database counted %v of PostgreSQL CPU", got)
	}
}

func TestMediansOfRuns(t *testing.T) {
	run := func(name string, requests int, p99 time.Duration) benchResult {
		return benchResult{name: name, requests: requests, elapsed: time.Second, p99: p99}
	}
	bares := []benchResult{run("bare", 20000, 0), run("bare", 30000, 0), run("bare", 25000, 0)}
	sales := []benchResult{run("sale", 3000, 40*time.Millisecond), run("sale", 3600, 30*time.Millisecond), run("sale", 5000, 50*time.Millisecond)}
	// Ratios 0.15, 0.12, 0.20: the median is the middle one, not the ratio of medians (3600/25000 = 0.144).
	if got := medianRatio(bares, sales); got < 0.1499 || got > 0.1501 {
		t.Fatalf("median ratio %v, want 0.15", got)
	}
	if got, want := medianLine(bares, sales), "median of 3 runs: bare 25000 req/s, sale 3600 req/s, sale p99 40.00 ms; ratios 0.15 0.12 0.20"; got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if got := median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Fatalf("median of an even count %v", got)
	}
	if got := medianRatio(bares[:1], sales[:1]); got != 0.15 {
		t.Fatalf("one run's ratio %v", got)
	}
}
