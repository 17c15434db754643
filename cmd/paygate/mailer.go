package main

import (
	"path/filepath"
	"strings"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/mail"
)

// newMailer is the SMTP server when configured; otherwise a folder beside
// the SQLite database (or --mail-dir), so the embedded default sends
// invoices somewhere you can read them. where says which, for the log.
func newMailer(c Config) (engine.Mailer, string, error) {
	if c.SMTPURL != "" {
		s, err := mail.ParseSMTP(c.SMTPURL)
		if err != nil {
			return nil, "", err
		}
		return s, "SMTP " + redactURL(c.SMTPURL), nil
	}
	dir := c.MailDir
	if dir == "" {
		dir = "./data/outbox"
		if db, ok := strings.CutPrefix(c.DatabaseURL, "sqlite:"); ok {
			dir = filepath.Join(filepath.Dir(db), "outbox")
		}
	}
	return &mail.Folder{Dir: dir, From: "paygate@localhost"}, "no SMTP server configured (--smtp-url): mail is written to " + dir, nil
}
