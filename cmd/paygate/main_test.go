package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/client"
)

func noenv(string) string { return "" }

func TestHelpListsEverySubcommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, noenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"serve", "migrate", "merchant create", "apikey create", "apikey list", "apikey roll", "apikey revoke", "user create", "ledger verify", "bench", "PAYGATE_DATABASE_URL", "PAYGATE_ADDR"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help does not mention %q", want)
		}
	}
}

func TestUnknownCommandFails(t *testing.T) {
	if err := run(context.Background(), []string{"frobnicate"}, noenv, io.Discard, io.Discard); err == nil {
		t.Fatal("unknown command accepted")
	}
}

func TestMerchantCreateJSONPrintsIdAndKey(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"merchant", "create", "Coffee Shop", "--json", "--database", db}, noenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var got struct {
		MerchantID string `json:"merchant_id"`
		SecretKey  string `json:"secret_key"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not one JSON object: %q", out.String())
	}
	if !strings.HasPrefix(got.MerchantID, "mer_") || !strings.HasPrefix(got.SecretKey, "sk_test_") {
		t.Fatalf("got %+v", got)
	}
}

func TestDatabaseURLMustBeSqliteOrPostgres(t *testing.T) {
	err := run(context.Background(), []string{"migrate", "--database", "mysql://x"}, noenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "sqlite:PATH") {
		t.Fatalf("err = %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func waitHealthy(t *testing.T, addr string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("server at %s never became healthy", addr)
}

func extractKey(t *testing.T, out string) string {
	t.Helper()
	for _, f := range strings.Fields(out) {
		if strings.HasPrefix(f, "sk_test_") {
			return f
		}
	}
	t.Fatalf("no sk_test_ key in output:\n%s", out)
	return ""
}

func TestFirstStartCreatesDemoMerchantAndPrintsItsKeyOnce(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string {
		return map[string]string{"PAYGATE_DATABASE_URL": "sqlite:" + filepath.Join(dir, "data", "paygate.db")}[k]
	}
	start := func() (string, *syncBuffer, func()) {
		addr, err := freeAddr()
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		out := &syncBuffer{}
		done := make(chan error, 1)
		go func() { done <- run(ctx, []string{"serve", "--addr", addr}, env, out, io.Discard) }()
		waitHealthy(t, addr)
		return addr, out, func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve returned %v", err)
			}
		}
	}
	addr, out, stop := start()
	key := extractKey(t, out.String())
	// The command names the address the gateway listens on (no --public-url given).
	if !strings.Contains(out.String(), "curl -s http://"+addr+"/v1/payments") {
		t.Errorf("first start prints no ready-to-paste curl:\n%s", out.String())
	}
	cl := client.New("http://"+addr, key)
	p, err := cl.CreatePayment(context.Background(), client.CreatePaymentParams{Amount: 1099, Currency: "USD",
		Card: client.CardParams{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVC: "123"}})
	if err != nil || p.Status != "captured" {
		t.Fatalf("first payment with the printed key: %+v, %v", p, err)
	}
	stop()

	addr, out, stop = start()
	defer stop()
	if strings.Contains(out.String(), "sk_test_") {
		t.Fatalf("second start printed a key again:\n%s", out.String())
	}
	got, err := client.New("http://"+addr, key).GetPayment(context.Background(), p.ID)
	if err != nil || got.Status != "captured" {
		t.Fatalf("payment after restart: %+v, %v", got, err)
	}
}

// buildBinary compiles paygate once for the tests that run it as a process.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "paygate-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "paygate")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// TestLedgerVerifyRefusesADatabaseThatIsNotThere: a mistyped path fails
// instead of creating an empty database that verifies clean.
func TestLedgerVerifyRefusesADatabaseThatIsNotThere(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nowhere", "paygate.db")
	err := run(context.Background(), []string{"ledger", "verify", "--database", "sqlite:" + path}, noenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no database at "+path) {
		t.Fatalf("ledger verify of a missing database: %v", err)
	}
	if _, statErr := os.Stat(filepath.Dir(path)); !os.IsNotExist(statErr) {
		t.Fatalf("ledger verify created %s", filepath.Dir(path))
	}
}

// TestACommandAskedForHelpAnswersItsUsage: "paygate apikey --help" prints
// the apikey lines and succeeds; a command of subcommands given none fails
// with the same lines on stderr.
func TestACommandAskedForHelpAnswersItsUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"apikey", "--help"}, noenv, &out, &errOut); err != nil {
		t.Fatalf("apikey --help: %v", err)
	}
	if !strings.Contains(out.String(), "paygate apikey revoke") || strings.Contains(out.String(), "paygate ledger") {
		t.Fatalf("apikey --help printed:\n%s", out.String())
	}
	out.Reset()
	err := run(context.Background(), []string{"ledger"}, noenv, &out, &errOut)
	if ec, ok := err.(exitCode); !ok || ec != 2 || !strings.Contains(errOut.String(), "paygate ledger verify") || out.Len() != 0 {
		t.Fatalf("ledger alone: %v, stderr %q", err, errOut.String())
	}
}
