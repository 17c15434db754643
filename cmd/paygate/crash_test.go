package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/paygate/paygate/client"
	"github.com/paygate/paygate/internal/store/pgtest"
	_ "modernc.org/sqlite"
)

// databases returns the database URLs a process-level test runs against:
// always a fresh SQLite file, and a fresh PostgreSQL schema when configured.
func databases(t *testing.T) map[string]string {
	dbs := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "paygate.db")}
	if os.Getenv("PAYGATE_TEST_POSTGRES_URL") != "" || os.Getenv("PAYGATE_REQUIRE_POSTGRES") != "" {
		dbs["postgres"] = pgtest.FreshURL(t)
	}
	return dbs
}

type proc struct {
	cmd  *exec.Cmd
	addr string
}

func startServe(t *testing.T, dbURL string, extra ...string) *proc {
	t.Helper()
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	for i := range extra {
		extra[i] = strings.ReplaceAll(extra[i], "{addr}", addr) // lets a flag name the address, e.g. --public-url http://{addr}
	}
	args := append([]string{"serve", "--addr", addr, "--database", dbURL, "--log-level", "warn", "--rate-limit", "0", "--ip-rate-limit", "0"}, extra...)
	cmd := exec.Command(binary(t), args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitHealthy(t, addr)
	return &proc{cmd: cmd, addr: addr}
}

func newMerchant(t *testing.T, dbURL string) string {
	t.Helper()
	out, err := exec.Command(binary(t), "merchant", "create", "Crash Test Shop", "--json", "--database", dbURL).Output()
	if err != nil {
		t.Fatalf("merchant create: %v", err)
	}
	var m struct {
		SecretKey string `json:"secret_key"`
	}
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	return m.SecretKey
}

var visa = client.CardParams{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVC: "123"}

func TestSIGKILLDuringLoadLosesNoAnsweredPaymentAndLedgerStaysClean(t *testing.T) {
	for name, dbURL := range databases(t) {
		t.Run(name, func(t *testing.T) {
			key := newMerchant(t, dbURL)
			p := startServe(t, dbURL)
			cl := client.New("http://"+p.addr, key)

			var mu sync.Mutex
			answered := map[string]int64{} // payment id -> refunded amount the client saw succeed
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for w := 0; w < 16; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; ctx.Err() == nil && i < 100000; i++ {
						pay, err := cl.CreatePayment(ctx, client.CreatePaymentParams{Amount: 1000, Currency: "EUR", Card: visa},
							client.IdempotencyKey(fmt.Sprintf("crash-%d-%d", w, i)))
						if err != nil {
							continue
						}
						mu.Lock()
						answered[pay.ID] = 0
						mu.Unlock()
						amount := int64(300)
						if _, err := cl.RefundPayment(ctx, pay.ID, client.RefundParams{Amount: &amount}); err == nil {
							mu.Lock()
							answered[pay.ID] = amount
							mu.Unlock()
						}
					}
				}(w)
			}
			time.Sleep(1500 * time.Millisecond)
			if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			p.cmd.Wait()
			cancel()
			wg.Wait()
			if len(answered) < 10 {
				t.Fatalf("only %d payments answered before the kill; the load did not run", len(answered))
			}

			p = startServe(t, dbURL)
			cl = client.New("http://"+p.addr, key)
			for id, refunded := range answered {
				got, err := cl.GetPayment(context.Background(), id)
				if err != nil {
					t.Fatalf("payment %s was answered before the crash but is gone: %v", id, err)
				}
				if got.AmountCaptured != 1000 || got.AmountRefunded < refunded {
					t.Fatalf("payment %s after restart: captured %d refunded %d, client saw refunded %d", id, got.AmountCaptured, got.AmountRefunded, refunded)
				}
			}
			p.cmd.Process.Signal(syscall.SIGTERM)
			p.cmd.Wait()
			out, err := exec.Command(binary(t), "ledger", "verify", "--database", dbURL).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "ledger ok") {
				t.Fatalf("ledger verify after crash: %v\n%s", err, out)
			}
			t.Logf("%d answered payments survived SIGKILL; %s", len(answered), strings.TrimSpace(string(out)))
		})
	}
}

func TestLedgerVerifyFailsWhenAPaymentDisagreesWithItsEntries(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "p.db")
	dbURL := "sqlite:" + dbPath
	key := newMerchant(t, dbURL)
	p := startServe(t, dbURL)
	pay, err := client.New("http://"+p.addr, key).CreatePayment(context.Background(), client.CreatePaymentParams{Amount: 500, Currency: "USD", Card: visa})
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.cmd.Wait()
	if out, err := exec.Command(binary(t), "ledger", "verify", "--database", dbURL).CombinedOutput(); err != nil {
		t.Fatalf("clean ledger reported bad: %v\n%s", err, out)
	}
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE payments SET amount_refunded = 100, status = 'partially_refunded' WHERE id = ?", pay.ID); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, err := exec.Command(binary(t), "ledger", "verify", "--database", dbURL).CombinedOutput()
	if err == nil || !strings.Contains(string(out), pay.ID) {
		t.Fatalf("tampered payment not reported (err %v):\n%s", err, out)
	}
}

func TestSIGTERMLetsInFlightRequestsFinish(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	key := newMerchant(t, dbURL)
	p := startServe(t, dbURL, "--sandbox-latency", "700ms")
	cl := client.New("http://"+p.addr, key)
	type answer struct {
		pay *client.Payment
		err error
	}
	done := make(chan answer, 1)
	go func() {
		pay, err := cl.CreatePayment(context.Background(), client.CreatePaymentParams{Amount: 700, Currency: "USD", Card: visa})
		done <- answer{pay, err}
	}()
	time.Sleep(200 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGTERM)
	a := <-done
	if a.err != nil || a.pay.Status != "captured" {
		t.Fatalf("in-flight request during shutdown: %+v, %v", a.pay, a.err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("server did not exit cleanly: %v", err)
	}
}
