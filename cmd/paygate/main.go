// Command paygate runs the payment gateway and its administrative commands.
// main only calls run, so tests start the whole program the way a user does.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		var ec exitCode
		if errors.As(err, &ec) {
			os.Exit(int(ec))
		}
		fmt.Fprintln(os.Stderr, "paygate:", err)
		os.Exit(1)
	}
}

// exitCode ends the program with a status and no further message.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

const usage = `paygate: a self-hostable payment gateway

Usage:
  paygate [serve] [flags]              run the gateway (default command)
  paygate migrate [flags]              apply database migrations and exit
  paygate merchant create NAME [--json]
                                       create a merchant and print its sandbox secret key
  paygate apikey create --merchant ID [--mode sandbox|live] [--kind secret|restricted|publishable]
                     [--scopes payments:read,refunds:write] [--name N] [--json]
                                       create a key (its secret is shown once)
  paygate apikey list --merchant ID [--mode sandbox|live]
                                       list keys, masked
  paygate apikey roll --merchant ID [--mode M] [--overlap 24h] KEY_ID
                                       replace a key; the old one works for the overlap
  paygate apikey revoke --merchant ID KEY_ID
                                       revoke a key at once
  paygate user create --merchant ID --email E --role owner|admin|developer|analyst|support
                     [--permissions refund,use:knet] [--json]
                                       add a team member; prints a generated password once
  paygate user reset-two-factor --merchant ID --email E
                                       turn off the second factor of someone who lost their authenticator
  paygate user reset-password --merchant ID --email E
                                       give someone who forgot their password a new one (shown once)
  paygate config create|update|show|list|enable|disable|delete --merchant ID …
                                       payment-method configurations (pg_codes); 'paygate config' for flags
  paygate door-credential create --merchant ID [--door paymentz|opentrade] [--mode M] [--username U] [--partner-id P]
                                       a front door's memberId and secret (Paymentz secure key, OpenTrade payment secret; shown once)
  paygate keys status                  show which vault key versions wrap the data keys
  paygate keys rotate [--new-data-key] re-wrap every data key under the newest vault key (online);
                                       then drop the old version from PAYGATE_VAULT_KEY
  paygate keys generate [--version N]  print a new random vault key (VERSION:BASE64)
  paygate ledger verify                recompute balances from the ledger; exit 1 on any difference
  paygate bench [--duration 10s] [--concurrency 64] [--database sqlite|postgres|URL] [--runs N] [--webhooks]
                                       compare a sale's throughput with a bare HTTP handler

Common flags (each also read from the environment variable in brackets):
  --addr ADDR            listen address (PAYGATE_ADDR, default :8080)
  --database URL         sqlite:PATH or postgres://… (PAYGATE_DATABASE_URL, default sqlite:./data/paygate.db)
  --log-level LEVEL      debug, info, warn, error (PAYGATE_LOG_LEVEL, default info)
  --log-format FORMAT    text or json (PAYGATE_LOG_FORMAT, default text)
  --public-url URL       base URL used in links paygate hands out (PAYGATE_PUBLIC_URL, default: the address
                         of --addr, localhost when it names no host)
  --idempotency-retention D  how long Idempotency-Keys are honoured (PAYGATE_IDEMPOTENCY_RETENTION, default 72h, at least 24h)
  --token-ttl D          OAuth access token lifetime (PAYGATE_TOKEN_TTL, default 1h, at most 24h)
  --session-ttl D        dashboard session lifetime (PAYGATE_SESSION_TTL, default 12h)
  --rate-limit N         requests/s per credential, burst 2N, 0 = off (PAYGATE_RATE_LIMIT, default 200)
  --ip-rate-limit N      requests/s per client address, burst 2N, 0 = off (PAYGATE_IP_RATE_LIMIT, default 500)
  --vault-key-file PATH  vault key-encryption keys, newest first (PAYGATE_VAULT_KEY_FILE, or inline in
                         PAYGATE_VAULT_KEY; default vault.key beside the SQLite database, made on first start)

Run 'paygate serve --help' for every server setting (timeouts, webhooks, mail, routing, limits)
and 'paygate COMMAND --help' for a command's own.
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		cmd = "help"
	} else if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	if groups[cmd] && (len(args) == 0 || isHelp(args[0])) && !(cmd == "config" && len(args) == 0) {
		// A command of subcommands asked for help, or given none: its lines of the usage.
		if len(args) == 0 {
			fmt.Fprint(stderr, commandUsage(cmd))
			return exitCode(2)
		}
		fmt.Fprint(stdout, commandUsage(cmd))
		return nil
	}
	switch cmd {
	case "serve":
		return serveCmd(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, args, getenv, stdout, stderr)
	case "merchant":
		return merchantCmd(ctx, args, getenv, stdout, stderr)
	case "apikey":
		return apikeyCmd(ctx, args, getenv, stdout, stderr)
	case "user":
		return userCmd(ctx, args, getenv, stdout, stderr)
	case "config":
		return configCmd(ctx, args, getenv, stdout, stderr)
	case "door-credential":
		return doorCredentialCmd(ctx, args, getenv, stdout, stderr)
	case "keys":
		return keysCmd(ctx, args, getenv, stdout, stderr)
	case "ledger":
		return ledgerCmd(ctx, args, getenv, stdout, stderr)
	case "bench":
		return benchCmd(ctx, args, getenv, stdout, stderr)
	case benchBareCmd:
		tuneGC(getenv) // the reference handler runs with the gateway's collector settings
		return bareServerCmd(ctx, args, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// groups are the commands made of subcommands.
var groups = map[string]bool{"merchant": true, "apikey": true, "user": true, "config": true, "door-credential": true, "keys": true, "ledger": true}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}

// commandUsage is the usage's lines about one command: its own lines and
// the description lines that follow them.
func commandUsage(cmd string) string {
	var b strings.Builder
	b.WriteString("Usage:\n")
	in := false
	for _, line := range strings.Split(usage, "\n") {
		switch {
		case strings.HasPrefix(line, "  paygate "+cmd+" "):
			in = true
		case strings.HasPrefix(line, "  paygate ") || !strings.HasPrefix(line, "    "):
			in = false
		}
		if in {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}
