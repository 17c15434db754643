package main

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paygate/paygate/client"
	"github.com/paygate/paygate/internal/engine"
)

// benchBareCmd is the hidden subcommand that runs the bare reference handler
// in its own process, so it competes for the CPU exactly as paygate does.
const benchBareCmd = "__bench-bare"

// benchBody is a payment-sized JSON body (the size the machine's limits were measured with).
const benchBody = `{"amount":1099,"currency":"USD","capture":"automatic","description":"Order 1001 for a pair of running shoes","reference":"order-1001","customer":"cus_42","metadata":{"cart":"7","channel":"web"},"payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2030,"cvc":"123","holder":"Jane Doe"}}}`

type benchResult struct {
	name     string
	requests int
	errors   int
	elapsed  time.Duration
	p50, p99 time.Duration
}

func (r benchResult) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r benchResult) String() string {
	return fmt.Sprintf("%-5s %9.0f req/s   p50 %6.2f ms   p99 %6.2f ms   (%d requests, %d errors)",
		r.name, r.rps(), ms(r.p50), ms(r.p99), r.requests, r.errors)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func benchCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var duration time.Duration
	var concurrency, runs int
	var webhooks bool
	tmp, err := os.MkdirTemp("", "paygate-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	defer func() {
		for _, drop := range benchSchemas {
			drop()
		}
	}()
	// --database takes the short names sqlite (a fresh temporary file, the
	// default) and postgres (PAYGATE_TEST_POSTGRES_URL or the local server);
	// with a short name every run gets a database of its own.
	args = append([]string(nil), args...)
	short, shortUsed := "sqlite", false
	for i, a := range args {
		for _, name := range []string{"sqlite", "postgres"} {
			if a == "--database="+name || ((a == "--database" || a == "-database") && i+1 < len(args) && args[i+1] == name) {
				short, shortUsed = name, true
				url := benchDatabase(name, tmp, getenv)
				if strings.Contains(a, "=") {
					args[i] = "--database=" + url
				} else {
					args[i+1] = url
				}
			}
		}
	}
	c, fs, err := parse("bench", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.DurationVar(&duration, "duration", 10*time.Second, "how long each load runs")
		fs.IntVar(&concurrency, "concurrency", 64, "concurrent requests in flight")
		fs.IntVar(&runs, "runs", 1, "run both loads this many times, alternating, and report the medians (this machine's spread is ±25 %)")
		fs.BoolVar(&webhooks, "webhooks", false, "also deliver every sale's webhook to a local receiver and report the time from payment to delivery")
	})
	if err != nil {
		return err
	}
	if runs < 1 || runs > 50 {
		return fmt.Errorf("--runs must be 1 to 50")
	}
	dbURL := benchDatabase("sqlite", tmp, getenv)
	explicit := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "database" {
			dbURL, explicit = c.DatabaseURL, !shortUsed
		}
	})
	self, err := os.Executable()
	if err != nil {
		return err
	}
	// The load generator shares the cores with the servers; it collects
	// garbage the way they do (the servers tune themselves the same way).
	tuneGC(getenv)
	fmt.Fprintf(stdout, "paygate bench: concurrency %d, duration %s, database %s, GOMAXPROCS of this machine: %d cores\n",
		concurrency, duration, redactURL(dbURL), numCPU())
	b := &bencher{self: self, getenv: getenv, stdout: stdout, stderr: stderr, duration: duration, concurrency: concurrency, webhooks: webhooks}
	var bares, sales []benchResult
	for i := 0; i < runs; i++ {
		url := dbURL
		if i > 0 && !explicit {
			url = benchDatabase(short, filepath.Join(tmp, fmt.Sprintf("run-%d", i+1)), getenv)
		}
		if runs > 1 {
			fmt.Fprintf(stdout, "run %d of %d\n", i+1, runs)
		}
		bare, sale, err := b.run(ctx, url)
		if err != nil {
			return err
		}
		bares, sales = append(bares, bare), append(sales, sale)
	}
	if runs > 1 {
		fmt.Fprintln(stdout, medianLine(bares, sales))
	}
	fmt.Fprintf(stdout, "sale/bare ratio: %.2f\n", medianRatio(bares, sales))
	return nil
}

// bencher runs the two loads; one run is the bare handler, then sales.
type bencher struct {
	self         string
	getenv       func(string) string
	stdout       io.Writer
	stderr       io.Writer
	duration     time.Duration
	concurrency  int
	webhooks     bool
	profileTaken bool
}

func (b *bencher) run(ctx context.Context, dbURL string) (benchResult, benchResult, error) {
	stdout, concurrency, duration := b.stdout, b.concurrency, b.duration
	// (a) the bare handler.
	bareSrv, err := startChild(ctx, b.self, []string{benchBareCmd}, "")
	if err != nil {
		return benchResult{}, benchResult{}, fmt.Errorf("start bare server: %w", err)
	}
	hc := benchHTTPClient(concurrency)
	bareSrvCPU, bareCPU := cpuTime(bareSrv.pid), cpuTime(os.Getpid())
	bare := load(ctx, "bare", concurrency, duration, func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+bareSrv.addr+"/pay", strings.NewReader(benchBody))
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	})
	bareSrvCPU, bareCPU = cpuTime(bareSrv.pid)-bareSrvCPU, cpuTime(os.Getpid())-bareCPU
	bareSrv.stop()
	fmt.Fprintln(stdout, bare)
	fmt.Fprintf(stdout, "bare CPU: server %s, load generator %s\n", perRequest(bareSrvCPU, bare), perRequest(bareCPU, bare))

	// (b) paygate sales, each with a fresh idempotency key.
	secret, err := benchMerchant(ctx, dbURL, b.stderr)
	if err != nil {
		return bare, benchResult{}, err
	}
	addr, err := freeAddr()
	if err != nil {
		return bare, benchResult{}, err
	}
	gw, err := startChild(ctx, b.self, []string{"serve", "--addr", addr, "--database", dbURL, "--log-level", "warn",
		// The limiters run (their cost is part of the figure) but never refuse.
		"--rate-limit", "1e9", "--ip-rate-limit", "1e9"}, addr)
	if err != nil {
		return bare, benchResult{}, fmt.Errorf("start paygate: %w", err)
	}
	cl := client.New("http://"+addr, secret, client.WithHTTPClient(hc))
	var hooks *hookReceiver
	if b.webhooks {
		if hooks, err = startHookReceiver(ctx, "http://"+addr, secret); err != nil {
			gw.stop()
			return bare, benchResult{}, err
		}
		defer hooks.close()
	}
	var seq atomic.Int64
	cardBody := client.CreatePaymentParams{Amount: 1099, Currency: "USD", Capture: "automatic",
		Description: "Order 1001 for a pair of running shoes", Reference: "order-1001", Customer: "cus_42",
		Metadata: map[string]string{"cart": "7", "channel": "web"},
		Card:     client.CardParams{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVC: "123", Holder: "Jane Doe"}}
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	commitsBefore, _ := scrapeCommits(ctx, addr)
	gwCPU, loadCPU, dbCPU := cpuTime(gw.pid), cpuTime(os.Getpid()), localPostgresCPU(dbURL)
	// The load generator's own profile of the first run (the gateway writes
	// its own with PAYGATE_CPUPROFILE): what a request costs the client side.
	if path := b.getenv("PAYGATE_BENCH_CPUPROFILE"); path != "" && !b.profileTaken {
		b.profileTaken = true
		stop, err := startCPUProfile(path)
		if err != nil {
			gw.stop()
			return bare, benchResult{}, err
		}
		defer stop()
	}
	sale := load(ctx, "sale", concurrency, duration, func(ctx context.Context) error {
		p, err := cl.CreatePayment(ctx, cardBody, client.IdempotencyKey(run+"-"+strconv.FormatInt(seq.Add(1), 10)))
		if err != nil {
			return err
		}
		if p.Status != "captured" {
			return fmt.Errorf("status %s", p.Status)
		}
		return nil
	})
	gwCPU, loadCPU, dbCPU = cpuTime(gw.pid)-gwCPU, cpuTime(os.Getpid())-loadCPU, localPostgresCPU(dbURL)-dbCPU
	commitsAfter, scrapeErr := scrapeCommits(ctx, addr)
	peak := peakRSS(gw.pid)
	if hooks != nil {
		fmt.Fprintln(stdout, hooks.report(sale.requests, 30*time.Second))
	}
	gw.stop()
	fmt.Fprintln(stdout, sale)
	fmt.Fprintf(stdout, "sale CPU: paygate %s, load generator %s", perRequest(gwCPU, sale), perRequest(loadCPU, sale))
	if dbCPU > 0 {
		fmt.Fprintf(stdout, ", postgres %s", perRequest(dbCPU, sale))
	}
	fmt.Fprintln(stdout)
	if scrapeErr == nil {
		fmt.Fprintln(stdout, commitsAfter.since(commitsBefore).String(sale.elapsed))
	}
	fmt.Fprintf(stdout, "paygate peak RSS: %.1f MB\n", float64(peak)/(1<<20))
	if sale.errors > 0 || bare.errors > 0 {
		return bare, sale, fmt.Errorf("%d sale errors, %d bare errors", sale.errors, bare.errors)
	}
	return bare, sale, nil
}

// localPostgresCPU is the CPU used so far by this machine's PostgreSQL
// processes when the bench database is a PostgreSQL server on this machine;
// zero otherwise (SQLite runs inside the gateway, so its cost is already in
// the gateway's figure).
func localPostgresCPU(dbURL string) time.Duration {
	u, err := url.Parse(dbURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return 0
	}
	switch u.Hostname() {
	case "127.0.0.1", "localhost", "::1", "":
		return commandCPU("postgres")
	}
	return 0
}

// benchMerchant creates a merchant for the run and returns its secret key.
func benchMerchant(ctx context.Context, dbURL string, stderr io.Writer) (string, error) {
	c := defaultConfig(func(string) string { return "" })
	c.DatabaseURL, c.LogLevel = dbURL, "warn"
	var secret string
	err := withEngine(ctx, c, stderr, func(e *engine.Engine) error {
		_, s, err := e.CreateMerchant(ctx, "bench")
		secret = s
		return err
	})
	return secret, err
}

// load runs fn from `workers` goroutines for d and summarises latencies.
func load(ctx context.Context, name string, workers int, d time.Duration, fn func(context.Context) error) benchResult {
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	deadline := time.Now().Add(d)
	lat := make([][]time.Duration, workers)
	errs := make([]int, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				if err := fn(ctx); err != nil {
					errs[w]++
					continue
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}(w)
	}
	wg.Wait()
	r := benchResult{name: name, elapsed: time.Since(start)}
	var all []time.Duration
	for w := range lat {
		all = append(all, lat[w]...)
		r.errors += errs[w]
	}
	r.requests = len(all)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) > 0 {
		r.p50 = all[len(all)*50/100]
		r.p99 = all[len(all)*99/100]
	}
	return r
}

func benchHTTPClient(concurrency int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: concurrency * 2, MaxIdleConnsPerHost: concurrency * 2, IdleConnTimeout: 90 * time.Second,
		DisableCompression: true,
	}}
}

// child is a process of this binary started by bench.
type child struct {
	addr string
	pid  int
	stop func()
}

// startChild runs this binary with args and waits until it accepts HTTP. For
// the bare server the address is read from its first line of output.
func startChild(ctx context.Context, self string, args []string, addr string) (*child, error) {
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	lines := bufio.NewScanner(out)
	if addr == "" {
		if !lines.Scan() {
			stop()
			return nil, fmt.Errorf("%s printed no address", args[0])
		}
		addr = strings.TrimSpace(lines.Text())
	}
	go io.Copy(io.Discard, out)
	for i := 0; i < 200; i++ {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return &child{addr: addr, pid: cmd.Process.Pid, stop: stop}, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return nil, fmt.Errorf("%s did not become healthy at %s", args[0], addr)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// peakRSS reads the child's high-water resident set size (VmHWM) in bytes.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func benchDatabase(name, tmp string, getenv func(string) string) string {
	if name == "postgres" {
		base := getenv("PAYGATE_TEST_POSTGRES_URL")
		if base == "" {
			base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
		}
		return freshSchema(base)
	}
	return "sqlite:" + filepath.Join(tmp, "bench.db")
}

// benchSchemas are the schemas a bench run made, dropped when it ends.
var benchSchemas []func()

// freshSchema makes an empty schema for one run, so every run measures the
// same empty database rather than the leftovers of earlier runs.
func freshSchema(base string) string {
	db, err := sql.Open("pgx", base)
	if err != nil {
		return base
	}
	schema := fmt.Sprintf("bench_%d", time.Now().UnixNano())
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		db.Close()
		return base
	}
	benchSchemas = append(benchSchemas, func() { db.Exec("DROP SCHEMA " + schema + " CASCADE"); db.Close() })
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}
