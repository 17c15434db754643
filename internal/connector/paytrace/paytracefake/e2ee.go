package paytracefake

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
)

// errEncrypted: an encrypted_number or encrypted_csc the account's key cannot open.
var errEncrypted = ptError{"900", "Please provide valid encrypted card data."}

// E2EEPublicKeyPEM is the account's client-side encryption public key, as
// the merchant downloads it from PayTrace's virtual terminal (reference
// §1.5). The cipher PayTrace's e2ee library uses is NOT FOUND in the
// reference; the fake takes RSA-OAEP with SHA-256, base64 (paygate's own
// client-side encryption scheme).
func (s *Server) E2EEPublicKeyPEM() []byte {
	k := s.e2ee()
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// e2ee is the account's key pair, made on first use. It has its own Once
// because handlers run under s.mu.
func (s *Server) e2ee() *rsa.PrivateKey {
	s.e2eeOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		s.e2eeKey = k
	})
	return s.e2eeKey
}

func (s *Server) decrypt(b64 string) (string, bool) {
	ct, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", false
	}
	pt, err := rsa.DecryptOAEP(sha256.New(), nil, s.e2ee(), ct, nil)
	return string(pt), err == nil
}

// openEncrypted replaces credit_card.encrypted_number and encrypted_csc
// with the clear values, as PayTrace does inside its boundary.
func (s *Server) openEncrypted(b body) (cc body, csc string, errs []ptError) {
	cc, csc = b.obj("credit_card"), b.str("csc")
	if enc := cc.str("encrypted_number"); enc != "" {
		n, ok := s.decrypt(enc)
		if !ok {
			return cc, csc, []ptError{errEncrypted}
		}
		raw, _ := json.Marshal(n)
		cc = body(mapsClone(cc))
		cc["number"] = raw
	}
	if enc := b.str("encrypted_csc"); enc != "" {
		c, ok := s.decrypt(enc)
		if !ok {
			return cc, csc, []ptError{errEncrypted}
		}
		csc = c
	}
	return cc, csc, nil
}

func mapsClone(m map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}
