// Package mail sends paygate's email (invoices and reminders): through an
// SMTP server (STARTTLS, implicit TLS, or plain for local relays), or, when
// none is configured, into a folder as .eml files, so the embedded default
// needs no mail server.
package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/engine"
)

// Message is one email (the engine's type: this package delivers it).
type Message = engine.Mail

var _ engine.Mailer = (*SMTP)(nil)
var _ engine.Mailer = (*Folder)(nil)

// render builds the RFC 5322 message.
func render(from string, m Message, now time.Time) []byte {
	domain := from[strings.LastIndex(from, "@")+1:]
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n",
		from, m.To, mime.QEncoding.Encode("utf-8", m.Subject), now.UTC().Format(time.RFC1123Z), m.ID, domain)
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(m.Text, "\n", "\r\n"))
	return []byte(b.String())
}

// SMTP sends through a server described by a URL:
// smtp://user:password@host:587?from=billing@shop.example&tls=starttls
// (tls is starttls, the default on 587; tls, the default on 465; or none,
// only for a relay on the same host).
type SMTP struct {
	addr, host, from, user, pass, mode string
	// roots verifies the server's certificate (nil: the system's roots);
	// tests trust their own self-signed server this way.
	roots *x509.CertPool
}

// ParseSMTP reads an SMTP URL.
func ParseSMTP(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
		return nil, errors.New("mail: the SMTP URL must look like smtp://user:password@host:587?from=billing@example.com")
	}
	s := &SMTP{host: u.Hostname(), from: u.Query().Get("from"), mode: u.Query().Get("tls")}
	port := u.Port()
	if port == "" {
		port = "587"
	}
	s.addr = net.JoinHostPort(s.host, port)
	if s.mode == "" {
		s.mode = map[bool]string{true: "tls", false: "starttls"}[port == "465"]
	}
	if s.mode != "starttls" && s.mode != "tls" && s.mode != "none" {
		return nil, errors.New("mail: tls must be starttls, tls or none")
	}
	if !strings.Contains(s.from, "@") {
		return nil, errors.New("mail: the SMTP URL needs ?from=address")
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	return s, nil
}

// Send implements Sender.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	d := net.Dialer{Timeout: 15 * time.Second}
	var conn net.Conn
	var err error
	tlsCfg := &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12, RootCAs: s.roots}
	if s.mode == "tls" {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: tlsCfg}).DialContext(ctx, "tcp", s.addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", s.addr)
	}
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	} else {
		conn.SetDeadline(time.Now().Add(time.Minute))
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if s.mode == "starttls" {
		if err := c.StartTLS(tlsCfg); err != nil {
			return fmt.Errorf("mail: STARTTLS: %w", err)
		}
	}
	if s.user != "" {
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			return err
		}
	}
	if err := c.Mail(s.from); err != nil {
		return err
	}
	if err := c.Rcpt(m.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(render(s.from, m, time.Now())); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// Folder writes messages as .eml files into a directory.
type Folder struct {
	Dir  string
	From string
}

// Send implements Sender.
func (f *Folder) Send(_ context.Context, m Message) error {
	if err := os.MkdirAll(f.Dir, 0o700); err != nil {
		return err
	}
	tmp := filepath.Join(f.Dir, "."+m.ID+".tmp")
	if err := os.WriteFile(tmp, render(f.From, m, time.Now()), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(f.Dir, m.ID+".eml"))
}
