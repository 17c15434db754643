package mail

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// inbox is a real SMTP server in the test process (go-smtp) that keeps what it receives.
type inbox struct {
	mu   sync.Mutex
	msgs []received
}

type received struct{ from, to, data string }

func (b *inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{b: b}, nil }

type session struct {
	b        *inbox
	from, to string
}

func (s *session) AuthMechanisms() []string                    { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error   { s.to = to; return nil }
func (s *session) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, received{s.from, s.to, string(b)})
	s.b.mu.Unlock()
	return nil
}
func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

func TestSMTPDeliversToARealServer(t *testing.T) {
	box := &inbox{}
	srv := smtp.NewServer(box)
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	s, err := ParseSMTP("smtp://" + ln.Addr().String() + "?from=billing@shop.test&tls=none")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Send(ctx, Message{ID: "m1", To: "ana@example.com", Subject: "Invoice ١٢ — 15.00 KWD", Text: "Pay here:\nhttps://pay.test/i/x"}); err != nil {
		t.Fatal(err)
	}
	if len(box.msgs) != 1 {
		t.Fatalf("%d messages", len(box.msgs))
	}
	m := box.msgs[0]
	if m.from != "billing@shop.test" || m.to != "ana@example.com" || !strings.Contains(m.data, "https://pay.test/i/x") || !strings.Contains(m.data, "Subject: =?utf-8?q?") {
		t.Fatalf("received %+v", m)
	}
}

func TestParseSMTP(t *testing.T) {
	for _, bad := range []string{"", "http://x", "smtp://host:587", "smtp://host?from=a@b&tls=maybe"} {
		if _, err := ParseSMTP(bad); err == nil {
			t.Errorf("ParseSMTP(%q) accepted", bad)
		}
	}
	s, err := ParseSMTP("smtp://u:p@mail.test:465?from=a@b.test")
	if err != nil || s.mode != "tls" || s.user != "u" || s.pass != "p" {
		t.Fatalf("%+v %v", s, err)
	}
}

func TestFolderWritesEML(t *testing.T) {
	dir := t.TempDir()
	f := &Folder{Dir: dir, From: "paygate@localhost"}
	if err := f.Send(context.Background(), Message{ID: "m2", To: "a@b.test", Subject: "Hi", Text: "body"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "m2.eml"))
	if err != nil || !strings.Contains(string(b), "To: a@b.test") || !strings.Contains(string(b), "body") {
		t.Fatalf("%s %v", b, err)
	}
}
