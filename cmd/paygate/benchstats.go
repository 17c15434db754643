package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// cpuTime is the user plus system CPU a process has used so far, from
// /proc/PID/stat (zero where /proc is missing). The bench's client and the
// gateway share the machine's cores, so CPU per request is the figure that
// says where a limit lies; requests per second alone cannot.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticksPerSecond = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticksPerSecond
}

// commandCPU is the CPU used so far by every process whose command name
// is comm, such as the local PostgreSQL server's postmaster and backends:
// the database shares the cores with the gateway and the load generator, so
// a PostgreSQL figure is only explained once its CPU is counted too. A
// backend that exits in between takes its share with it, so the figure is a
// floor.
func commandCPU(comm string) time.Duration {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var total time.Duration
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		name, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if err != nil || strings.TrimSpace(string(name)) != comm {
			continue
		}
		total += cpuTime(pid)
	}
	return total
}

// perRequest formats CPU used per request and the cores it kept busy.
func perRequest(cpu time.Duration, r benchResult) string {
	if r.requests == 0 || cpu == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f µs per request (%.2f cores)", float64(cpu.Microseconds())/float64(r.requests), cpu.Seconds()/r.elapsed.Seconds())
}

// commitStats reads the gateway's group-commit histograms from /metrics.
type commitStats struct{ commits, transactions, seconds float64 }

func scrapeCommits(ctx context.Context, addr string) (commitStats, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return commitStats{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return commitStats{}, err
	}
	defer resp.Body.Close()
	var c commitStats
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			continue
		}
		switch name {
		case "paygate_store_commit_transactions_count":
			c.commits = v
		case "paygate_store_commit_transactions_sum":
			c.transactions = v
		case "paygate_store_commit_duration_seconds_sum":
			c.seconds = v
		}
	}
	return c, sc.Err()
}

// since is the difference of two scrapes.
func (c commitStats) since(before commitStats) commitStats {
	return commitStats{c.commits - before.commits, c.transactions - before.transactions, c.seconds - before.seconds}
}

// String says how well commits were grouped and how busy the writers were
// (writer-seconds per second: 1.0 means one writer never idle).
func (c commitStats) String(elapsed time.Duration) string {
	if c.commits == 0 {
		return "store: no commits observed"
	}
	return fmt.Sprintf("store: %.0f commits, %.1f transactions per commit, mean commit %.2f ms, writer busy %.2f s per s",
		c.commits, c.transactions/c.commits, c.seconds/c.commits*1000, c.seconds/elapsed.Seconds())
}

// medianRatio is the median of the runs' sale/bare ratios, each run's
// sales divided by the bare handler's of the same run (one run: its ratio).
func medianRatio(bares, sales []benchResult) float64 {
	ratios := make([]float64, len(sales))
	for i := range sales {
		ratios[i] = sales[i].rps() / bares[i].rps()
	}
	return median(ratios)
}

// medianLine sums several runs up: the medians of each figure and every
// run's ratio, so a reader sees the spread the median hides.
func medianLine(bares, sales []benchResult) string {
	var br, sr, p99 []float64
	ratios := make([]string, len(sales))
	for i := range sales {
		br, sr, p99 = append(br, bares[i].rps()), append(sr, sales[i].rps()), append(p99, ms(sales[i].p99))
		ratios[i] = fmt.Sprintf("%.2f", sales[i].rps()/bares[i].rps())
	}
	return fmt.Sprintf("median of %d runs: bare %.0f req/s, sale %.0f req/s, sale p99 %.2f ms; ratios %s",
		len(sales), median(br), median(sr), median(p99), strings.Join(ratios, " "))
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
