package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"
)

// Config is everything the gateway reads at start. Flags override the
// PAYGATE_* environment variables, which override the defaults.
type Config struct {
	Addr             string
	DatabaseURL      string
	LogLevel         string
	LogFormat        string
	PublicURL        string
	ConnectorTimeout time.Duration
	ShutdownTimeout  time.Duration
	RecoveryInterval time.Duration
	// SandboxLatency delays each sandbox processor call (tests, demos).
	SandboxLatency time.Duration
	// IdempotencyRetention is how long idempotency keys are honoured (at least 24 h).
	IdempotencyRetention time.Duration
	// TokenTTL is the lifetime of OAuth access tokens; SessionTTL of dashboard sessions.
	TokenTTL, SessionTTL time.Duration
	// PendingTTL is how long a payment may stay pending at the processor
	// before it expires (engine.Config.PendingTTL).
	PendingTTL time.Duration
	// SmartPaySettleAfter is how long after its capture the SmartPay door
	// reports a captured payment SETTLED and sends its SETTLED webhook
	// (smartpay.Config.SettleAfter); 0 never does.
	SmartPaySettleAfter time.Duration
	// badEnv names environment variables whose value could not be read.
	badEnv []string
	// RateLimit is requests per second per credential, IPRateLimit per
	// client address (bursts are twice as large); 0 turns a limit off.
	RateLimit, IPRateLimit float64
	// VaultKey is the vault's key-encryption keyring ("VERSION:BASE64,…",
	// newest first); VaultKeyFile a file holding it. With neither, a key file
	// beside the SQLite database is used, created on first start.
	VaultKey, VaultKeyFile string
	// SMTPURL is the mail server (smtp://user:pass@host:587?from=…&tls=starttls);
	// without it mail is written to MailDir.
	SMTPURL, MailDir string
	// WebhookTimeout bounds one webhook request (15 s to 30 s).
	WebhookTimeout time.Duration
	// WebhookLease is how long a claimed delivery is reserved for the
	// process that claimed it; after a crash, others retry it once it ends.
	WebhookLease time.Duration
	// WebhookAllowPrivate lets live webhook endpoints reach private and
	// loopback addresses (off: SSRF protection).
	WebhookAllowPrivate bool
	// BINTable is a file of "PREFIX COUNTRY" lines (a licensed BIN table)
	// added to the built-in test ranges, for routing by card country.
	BINTable string
}

// Pending expiry: the default and the longest the engine accepts.
const (
	defaultPendingTTL = 7 * 24 * time.Hour
	maxPendingTTL     = 90 * 24 * time.Hour
)

// maxSmartPaySettleAfter is the longest --smartpay-settle-after.
const maxSmartPaySettleAfter = 90 * 24 * time.Hour

func defaultConfig(getenv func(string) string) Config {
	c := Config{
		Addr: ":8080", DatabaseURL: "sqlite:./data/paygate.db", LogLevel: "info", LogFormat: "text",
		PublicURL: "http://localhost:8080", ConnectorTimeout: 30 * time.Second,
		ShutdownTimeout: 15 * time.Second, RecoveryInterval: 5 * time.Second, IdempotencyRetention: 72 * time.Hour,
		TokenTTL: time.Hour, SessionTTL: 12 * time.Hour, RateLimit: 200, IPRateLimit: 500, WebhookTimeout: 15 * time.Second, WebhookLease: 2 * time.Minute,
		PendingTTL: defaultPendingTTL,
	}
	c.WebhookAllowPrivate = getenv("PAYGATE_WEBHOOK_ALLOW_PRIVATE") == "true"
	for env, dst := range map[string]*string{
		"PAYGATE_ADDR": &c.Addr, "PAYGATE_DATABASE_URL": &c.DatabaseURL, "PAYGATE_LOG_LEVEL": &c.LogLevel,
		"PAYGATE_LOG_FORMAT": &c.LogFormat, "PAYGATE_PUBLIC_URL": &c.PublicURL,
		"PAYGATE_VAULT_KEY": &c.VaultKey, "PAYGATE_VAULT_KEY_FILE": &c.VaultKeyFile,
		"PAYGATE_SMTP_URL": &c.SMTPURL, "PAYGATE_MAIL_DIR": &c.MailDir, "PAYGATE_BIN_TABLE": &c.BINTable,
	} {
		if v := getenv(env); v != "" {
			*dst = v
		}
	}
	for env, dst := range map[string]*time.Duration{
		"PAYGATE_CONNECTOR_TIMEOUT": &c.ConnectorTimeout, "PAYGATE_SHUTDOWN_TIMEOUT": &c.ShutdownTimeout,
		"PAYGATE_RECOVERY_INTERVAL": &c.RecoveryInterval, "PAYGATE_SANDBOX_LATENCY": &c.SandboxLatency,
		"PAYGATE_IDEMPOTENCY_RETENTION": &c.IdempotencyRetention, "PAYGATE_WEBHOOK_TIMEOUT": &c.WebhookTimeout, "PAYGATE_WEBHOOK_LEASE": &c.WebhookLease, "PAYGATE_TOKEN_TTL": &c.TokenTTL, "PAYGATE_SESSION_TTL": &c.SessionTTL,
	} {
		if d, err := time.ParseDuration(getenv(env)); err == nil {
			*dst = d
		}
	}
	if v := getenv("PAYGATE_PENDING_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			c.badEnv = append(c.badEnv, "PAYGATE_PENDING_TTL must be a duration such as 168h, got "+strconv.Quote(v))
		}
		c.PendingTTL = d
	}
	if v := getenv("PAYGATE_SMARTPAY_SETTLE_AFTER"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			c.badEnv = append(c.badEnv, "PAYGATE_SMARTPAY_SETTLE_AFTER must be a duration such as 24h, got "+strconv.Quote(v))
		}
		c.SmartPaySettleAfter = d
	}
	for env, dst := range map[string]*float64{"PAYGATE_RATE_LIMIT": &c.RateLimit, "PAYGATE_IP_RATE_LIMIT": &c.IPRateLimit} {
		if f, err := strconv.ParseFloat(getenv(env), 64); err == nil {
			*dst = f
		}
	}
	return c
}

// flags registers the common flags of every command on fs.
func (c *Config) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address")
	fs.StringVar(&c.DatabaseURL, "database", c.DatabaseURL, "sqlite:PATH or postgres://…")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "base URL for links paygate hands out (default: the address of --addr, localhost when it names no host)")
	fs.DurationVar(&c.ConnectorTimeout, "connector-timeout", c.ConnectorTimeout, "timeout of one processor call")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long in-flight requests may finish on shutdown")
	fs.DurationVar(&c.RecoveryInterval, "recovery-interval", c.RecoveryInterval, "how often unresolved payments are checked with the processor")
	fs.DurationVar(&c.SandboxLatency, "sandbox-latency", c.SandboxLatency, "delay added to each sandbox processor call")
	fs.DurationVar(&c.IdempotencyRetention, "idempotency-retention", c.IdempotencyRetention, "how long idempotency keys are honoured (at least 24h)")
	fs.DurationVar(&c.TokenTTL, "token-ttl", c.TokenTTL, "lifetime of OAuth access tokens (at most 24h)")
	fs.DurationVar(&c.SessionTTL, "session-ttl", c.SessionTTL, "lifetime of dashboard sessions")
	fs.DurationVar(&c.PendingTTL, "pending-ttl", c.PendingTTL, "how long a payment may stay pending at the processor before it expires (1h to 90 days; PAYGATE_PENDING_TTL)")
	fs.DurationVar(&c.SmartPaySettleAfter, "smartpay-settle-after", c.SmartPaySettleAfter, "report a SmartPay payment SETTLED (and send its webhook) this long after its capture (0 = never, at most 90 days; PAYGATE_SMARTPAY_SETTLE_AFTER)")
	fs.Float64Var(&c.RateLimit, "rate-limit", c.RateLimit, "requests per second per credential (burst twice that; 0 = off)")
	fs.StringVar(&c.VaultKeyFile, "vault-key-file", c.VaultKeyFile, "file with the vault's key-encryption keys (VERSION:BASE64,…; default: vault.key beside the SQLite database; PAYGATE_VAULT_KEY gives them inline)")
	fs.StringVar(&c.SMTPURL, "smtp-url", c.SMTPURL, "mail server for invoices: smtp://user:pass@host:587?from=billing@example.com&tls=starttls (PAYGATE_SMTP_URL)")
	fs.StringVar(&c.MailDir, "mail-dir", c.MailDir, "without --smtp-url, write outgoing mail here as .eml files (default: outbox beside the SQLite database)")
	fs.DurationVar(&c.WebhookTimeout, "webhook-timeout", c.WebhookTimeout, "timeout of one webhook request (15s to 30s)")
	fs.DurationVar(&c.WebhookLease, "webhook-lease", c.WebhookLease, "how long a claimed webhook delivery is reserved (after a crash, others retry it then)")
	fs.BoolVar(&c.WebhookAllowPrivate, "webhook-allow-private", c.WebhookAllowPrivate, "let live webhook endpoints reach private and loopback addresses")
	fs.StringVar(&c.BINTable, "bin-table", c.BINTable, "file of \"PREFIX COUNTRY\" lines giving cards' issuing countries for routing (PAYGATE_BIN_TABLE)")
	fs.Float64Var(&c.IPRateLimit, "ip-rate-limit", c.IPRateLimit, "requests per second per client address (burst twice that; 0 = off)")
}

func (c *Config) validate() error {
	if !strings.HasPrefix(c.DatabaseURL, "sqlite:") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return fmt.Errorf("--database must be sqlite:PATH or a postgres:// URL, got %q", c.DatabaseURL)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format must be text or json")
	}
	if c.ConnectorTimeout <= 0 || c.ShutdownTimeout <= 0 || c.RecoveryInterval <= 0 {
		return errors.New("timeouts and intervals must be positive")
	}
	if c.TokenTTL <= 0 || c.TokenTTL > 24*time.Hour || c.SessionTTL <= 0 {
		return errors.New("--token-ttl must be between 0 and 24h and --session-ttl positive")
	}
	if len(c.badEnv) > 0 {
		return errors.New(strings.Join(c.badEnv, "; "))
	}
	if c.PendingTTL < time.Hour || c.PendingTTL > maxPendingTTL {
		return fmt.Errorf("--pending-ttl must be between 1h and %.0fh (90 days), got %s", maxPendingTTL.Hours(), c.PendingTTL)
	}
	if c.SmartPaySettleAfter < 0 || c.SmartPaySettleAfter > maxSmartPaySettleAfter {
		return fmt.Errorf("--smartpay-settle-after must be between 0 (never) and %.0fh (90 days), got %s", maxSmartPaySettleAfter.Hours(), c.SmartPaySettleAfter)
	}
	if c.WebhookTimeout < 15*time.Second || c.WebhookTimeout > 30*time.Second {
		return errors.New("--webhook-timeout must be between 15s and 30s")
	}
	if c.WebhookLease <= 0 {
		return errors.New("--webhook-lease must be positive")
	}
	if c.RateLimit < 0 || c.IPRateLimit < 0 {
		return errors.New("rate limits cannot be negative")
	}
	if c.IdempotencyRetention < 24*time.Hour {
		return errors.New("--idempotency-retention must be at least 24h")
	}
	var l slog.Level
	return l.UnmarshalText([]byte(c.LogLevel))
}

// parse reads flags for a command and validates the result.
func parse(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (Config, *flag.FlagSet, error) {
	c := defaultConfig(getenv)
	fs := flag.NewFlagSet("paygate "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.flags(fs)
	if extra != nil {
		extra(fs)
	}
	// Flags may follow positional arguments ("merchant create NAME --json"):
	// parse, set the first positional aside, parse the rest again.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return c, fs, exitCode(0)
			}
			return c, fs, exitCode(2)
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	_ = fs.Parse(positional) // leaves them as fs.Args() for the command
	publicSet := getenv("PAYGATE_PUBLIC_URL") != ""
	fs.Visit(func(f *flag.Flag) { publicSet = publicSet || f.Name == "public-url" })
	if !publicSet {
		c.PublicURL = localURL(c.Addr)
	}
	return c, fs, c.validate()
}

// localURL is the URL this machine reaches a listen address at: the links
// paygate hands out (and its first-start curl command) follow --addr until
// --public-url says where the world reaches it.
func localURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost:8080"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// leaseWarning explains, when the webhook lease is not comfortably above the
// request timeout, what that costs: a delivery still waiting for a slow
// endpoint when its lease ends is claimed again (by this process or
// another) and sent a second time, and the first attempt's answer is no
// longer recorded. Webhooks are at-least-once, so this is waste rather than
// loss; tests use short leases on purpose, so it is a warning, not an error.
func (c Config) leaseWarning() string {
	if c.WebhookLease >= 2*c.WebhookTimeout {
		return ""
	}
	return fmt.Sprintf("--webhook-lease %s is less than twice --webhook-timeout %s: a delivery to a slow endpoint may be claimed again and sent twice; keep the lease at least %s", c.WebhookLease, c.WebhookTimeout, 2*c.WebhookTimeout)
}
