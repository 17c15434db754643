package paymentz

import (
	"net/http"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

// authToken issues a one-hour JWT for authentication.memberId or
// merchant.username with authentication.sKey (§2.3). Every failure answers
// the same "Authorization failed".
func (s *Server) authToken(w http.ResponseWriter, r *http.Request) {
	req, err := s.body(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cred, err := s.login(r, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.issueToken(w, r, cred, s.now(), result{codeTokenOK, "Token generated successfully"})
}

// regenerateToken is POST /regenerateToken (both services): the holder of
// a valid AuthToken gets a fresh one-hour token for the same credential
// without sending the secure key again. The vendor's request fields are
// not in the reference; paygate takes the AuthToken header alone. The old
// token stays valid until its own expiry (tokens are stateless); revoking
// the credential ends both. A stolen token must not live for ever, so
// regeneration stops maxTokenChain after the last sign-in with the secure
// key: then only authToken issues one.
func (s *Server) regenerateToken(w http.ResponseWriter, r *http.Request, c *call) {
	signedIn := time.Unix(c.token.AuthTime, 0)
	if c.token.AuthTime == 0 {
		signedIn = time.Unix(c.token.Iat, 0) // issued before auth_time existed
	}
	if s.now().Sub(signedIn) > maxTokenChain {
		s.fail(w, r, errBadToken)
		return
	}
	s.issueToken(w, r, c.cred, signedIn, result{codeTokenOK, "Token regenerated successfully"})
}

// issueToken answers a new one-hour JWT for cred, whose secure key was
// last presented at signedIn.
func (s *Server) issueToken(w http.ResponseWriter, r *http.Request, cred *engine.DoorCredential, signedIn time.Time, res result) {
	key, err := s.tokenKey(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	member := strconv.FormatInt(cred.MemberID, 10)
	login := cred.Username
	if login == "" {
		login = member
	}
	token := signToken(key, claims{Iss: "PZ", Sub: login, Role: "merchant", MemberID: member, Iat: now.Unix(), Exp: now.Add(tokenTTL).Unix(), AuthTime: signedIn.Unix()})
	encode(w, r, http.StatusOK, &response{PartnerID: cred.PartnerID, MemberID: member, LoginName: login, AuthToken: token,
		Result: res, Timestamp: stamp(now)})
}

func (s *Server) login(r *http.Request, req Request) (*engine.DoorCredential, error) {
	sKey := req.Get("authentication.sKey")
	member, username := req.Get("authentication.memberId"), req.Get("merchant.username")
	if sKey == "" || (member == "" && username == "") {
		return nil, errAuthFailed
	}
	var cred *engine.DoorCredential
	var secret string
	var err error
	if member != "" {
		id, perr := strconv.ParseInt(member, 10, 64)
		if perr != nil {
			return nil, errAuthFailed
		}
		cred, secret, err = s.e.DoorCredential(r.Context(), Door, id)
	} else {
		cred, secret, err = s.e.DoorCredentialByUsername(r.Context(), Door, username)
	}
	if fault.KindOf(err) == fault.Unauthorized {
		return nil, errAuthFailed
	}
	if err != nil {
		return nil, err // the vault or the store is down: not the caller's fault
	}
	switch {
	case !engine.SecretsEqual(sKey, secret),
		username != "" && username != cred.Username,
		req.Get("authentication.partnerId") != "" && cred.PartnerID != "" && req.Get("authentication.partnerId") != cred.PartnerID:
		return nil, errAuthFailed
	}
	return cred, nil
}
