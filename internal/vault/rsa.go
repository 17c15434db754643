package vault

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
)

// RSABits is the size of client-side encryption keys.
const RSABits = 2048

// GenerateRSA makes a key pair for client-side encryption: the public key as
// PEM (SubjectPublicKeyInfo, what WebCrypto's importKey("spki") takes) and
// the private key as PKCS #8 DER, to be sealed.
func GenerateRSA() (publicPEM string, privateDER []byte, err error) {
	k, err := rsa.GenerateKey(rand.Reader, RSABits)
	if err != nil {
		return "", nil, err
	}
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return "", nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", nil, err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})), der, nil
}

// ErrDecrypt means a client-side ciphertext could not be decrypted with the key.
var ErrDecrypt = errors.New("vault: the encrypted field cannot be decrypted with this key")

// DecryptField decrypts a base64 RSA-OAEP (SHA-256) ciphertext, as the
// browser helper produces, with a PKCS #8 private key.
func DecryptField(privateDER []byte, b64 string) (string, error) {
	b64 = strings.TrimSpace(b64)
	ct, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		if ct, err = base64.RawStdEncoding.DecodeString(b64); err != nil {
			return "", ErrDecrypt
		}
	}
	k, err := x509.ParsePKCS8PrivateKey(privateDER)
	if err != nil {
		return "", err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return "", errors.New("vault: not an RSA key")
	}
	if len(ct) != rk.Size() {
		return "", ErrDecrypt
	}
	pt, err := rsa.DecryptOAEP(sha256.New(), nil, rk, ct, nil)
	if err != nil {
		return "", ErrDecrypt
	}
	return string(pt), nil
}

// EncryptField is the server-side twin of the browser helper (tests, the Go
// client and server-to-server callers).
func EncryptField(publicPEM, plaintext string) (string, error) {
	b, _ := pem.Decode([]byte(publicPEM))
	if b == nil {
		return "", errors.New("vault: not a PEM public key")
	}
	k, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return "", err
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return "", errors.New("vault: not an RSA public key")
	}
	ct, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, rk, []byte(plaintext), nil)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}
