package paymentz

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/engine"
)

// Door is the name under which the engine stores this door's credentials.
const Door = "paymentz"

// Prefix is where the door is mounted, next to the native API.
const Prefix = "/transactionServices/REST/v1/"

// tokenKeyLabel names the per-deployment key that signs AuthTokens
// (engine.DerivedKey: every instance sharing the database derives the same).
const tokenKeyLabel = "paymentz authToken"

// Config wires a Server.
type Config struct {
	Engine *engine.Engine
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// BodyLimit caps a request body (default 64 KiB).
	BodyLimit int64
	// PublicURL is paygate's base URL: after 3-D Secure the payer comes
	// back through the door, which posts the result to merchantRedirectUrl
	// the vendor's way. Without it the payer goes straight to
	// merchantRedirectUrl with a GET.
	PublicURL string
}

// Server serves the Paymentz protocol. It is safe for concurrent use.
type Server struct {
	e     *engine.Engine
	log   *slog.Logger
	now   func() time.Time
	limit int64
	base  string
}

// New returns a Server.
func New(cfg Config) *Server {
	s := &Server{e: cfg.Engine, log: cfg.Logger, now: cfg.Now, limit: cfg.BodyLimit, base: strings.TrimRight(cfg.PublicURL, "/")}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.limit <= 0 {
		s.limit = 64 << 10
	}
	return s
}

// call is one authenticated request: its credential, the secret in clear
// for checksums, and its parsed body.
type call struct {
	cred   *engine.DoorCredential
	key    string
	member string
	req    Request
	token  claims
}

func (c *call) actor(r *http.Request) engine.Actor {
	a := c.cred.Actor()
	a.IP = r.RemoteAddr
	return a
}

// fail answers an error through the one mapping (resultFor).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, res := resultFor(err)
	if status >= 500 {
		// Engine errors never carry card data; the request body is not logged.
		s.log.ErrorContext(r.Context(), "paymentz request failed", "path", r.URL.Path, "err", err)
	}
	encode(w, r, status, &response{Result: res, Timestamp: stamp(s.now())})
}

// body reads and parses the request body.
func (s *Server) body(r *http.Request) (Request, error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, s.limit))
	if err != nil {
		return nil, badParam("the request body is too large or unreadable")
	}
	req, err := ParseRequest(r.Header.Get("Content-Type"), b)
	if err != nil {
		return nil, badParam("%s", err.Error())
	}
	return req, nil
}

func (s *Server) tokenKey(ctx context.Context) ([]byte, error) {
	return s.e.DerivedKey(ctx, tokenKeyLabel)
}

// authed checks the AuthToken, loads the credential it names (a revoked
// one fails) and parses the body; a body naming another memberId than the
// token is refused.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, *call)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token := tokenFrom(r.Header.Get)
		if token == "" {
			s.fail(w, r, errBadToken)
			return
		}
		key, err := s.tokenKey(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		tc, err := verifyToken(key, token, s.now())
		memberID := tc.member
		if err != nil {
			s.fail(w, r, errBadToken)
			return
		}
		cred, secret, err := s.e.DoorCredential(r.Context(), Door, memberID)
		if err != nil {
			s.fail(w, r, errBadToken)
			return
		}
		req, err := s.body(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		c := &call{cred: cred, key: secret, member: strconv.FormatInt(memberID, 10), req: req, token: tc}
		if m := req.Get("authentication.memberId"); m != "" && m != c.member {
			s.fail(w, r, errAuthFailed)
			return
		}
		h(w, r, c)
	}
}
