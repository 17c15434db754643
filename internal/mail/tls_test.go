package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// authInbox is an SMTP server that takes mail only from a client that
// logged in with PLAIN, and remembers whether each login came over TLS.
type authInbox struct {
	inbox
	user, pass string
	mu         sync.Mutex
	logins     []bool // over TLS?
}

func (b *authInbox) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &authSession{session: session{b: &b.inbox}, box: b, conn: c}, nil
}

type authSession struct {
	session
	box    *authInbox
	conn   *smtp.Conn
	authed bool
}

func (s *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *authSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		_, overTLS := s.conn.TLSConnectionState()
		s.box.mu.Lock()
		s.box.logins = append(s.box.logins, overTLS)
		s.box.mu.Unlock()
		if user != s.box.user || pass != s.box.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "invalid credentials"}
		}
		s.authed = true
		return nil
	}), nil
}

func (s *authSession) Mail(from string, o *smtp.MailOptions) error {
	if !s.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	}
	return s.session.Mail(from, o)
}

// startTLSServer serves box on 127.0.0.1 with cert: STARTTLS offered on a
// plain listener, or implicit TLS on the listener itself.
func startTLSServer(t *testing.T, box *authInbox, cert tls.Certificate, implicit bool) string {
	t.Helper()
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func TestSMTPLogsInOverTLSAndVerifiesTheCertificate(t *testing.T) {
	cert, roots := selfSigned(t)
	for _, mode := range []string{"starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			box := &authInbox{user: "billing", pass: "s3cret pass"}
			addr := startTLSServer(t, box, cert, mode == "tls")
			send := func(userinfo string, trusted bool) error {
				s, err := ParseSMTP("smtp://" + userinfo + "@" + addr + "?from=billing@shop.test&tls=" + mode)
				if err != nil {
					t.Fatal(err)
				}
				if trusted {
					s.roots = roots
				}
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				return s.Send(ctx, Message{ID: "m-" + mode, To: "ana@example.com", Subject: "Invoice INV-1", Text: "Pay here:\nhttps://pay.test/i/x"})
			}
			t.Run("an untrusted certificate is refused before any password is sent", func(t *testing.T) {
				err := send("billing:s3cret%20pass", false)
				var unknown x509.UnknownAuthorityError
				if !errors.As(err, &unknown) {
					t.Fatalf("sending to a self-signed server: %v, want a certificate error", err)
				}
				if len(box.logins) != 0 || len(box.msgs) != 0 {
					t.Fatalf("%d logins, %d messages through an unverified connection", len(box.logins), len(box.msgs))
				}
			})
			t.Run("a wrong password is refused", func(t *testing.T) {
				if err := send("billing:wrong", true); err == nil || !strings.Contains(err.Error(), "535") {
					t.Fatalf("wrong password: %v, want the server's 535", err)
				}
				if len(box.msgs) != 0 {
					t.Fatal("a message went through without a login")
				}
			})
			t.Run("the right password delivers over TLS", func(t *testing.T) {
				if err := send("billing:s3cret%20pass", true); err != nil {
					t.Fatal(err)
				}
				box.mu.Lock()
				defer box.mu.Unlock()
				for i, overTLS := range box.logins {
					if !overTLS {
						t.Fatalf("login %d was sent in the clear", i+1)
					}
				}
				if len(box.msgs) != 1 || box.msgs[0].from != "billing@shop.test" || !strings.Contains(box.msgs[0].data, "https://pay.test/i/x") {
					t.Fatalf("received %+v", box.msgs)
				}
			})
		})
	}
}
