package web_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/store/pgtest"
	"github.com/paygate/paygate/internal/vault"
)

// TestEncryptionPrivateKeysAreSealedAtRest makes a merchant's client-side
// encryption key (GET /v1/encryption-key) and rotates it, then recovers
// each private key the way the vault does (unwrap the data key with the
// KEK, open the sealed record) to learn its bytes, and checks that no
// database file (SQLite) or row (PostgreSQL) nor the logs hold them: not
// the PKCS #8 DER, its base64 or hex, nor the private exponent or a prime.
func TestEncryptionPrivateKeysAreSealedAtRest(t *testing.T) {
	t.Run("on SQLite", func(t *testing.T) { privateKeysSealed(t, "") })
	t.Run("on PostgreSQL", func(t *testing.T) { privateKeysSealed(t, pgtest.FreshURL(t)) })
}

func privateKeysSealed(t *testing.T, postgresURL string) {
	g := newGatewayWith(t, nil, postgresURL)
	first := g.apiWith(g.pk, "GET", "/v1/encryption-key", "")["public_key_pem"].(string)
	second := g.api("POST", "/v1/encryption-key/rotate", `{"grace_period":3600}`)["public_key_pem"].(string)
	if first == "" || second == "" || first == second {
		t.Fatalf("keys before and after the rotation: %q %q", first, second)
	}
	// Something decrypted with the keys, so the private keys were opened.
	for _, pub := range []string{first, second} {
		ct, _ := vault.EncryptField(pub, "4242424242424242")
		if p := g.api("POST", "/v1/payments", `{"amount":100,"currency":"EUR","payment_method":{"type":"card","card":{"encrypted_number":"`+ct+`","cvc":"123","exp_month":12,"exp_year":2031}}}`); p["status"] != "captured" {
			t.Fatalf("payment with an encrypted number: %v", p)
		}
	}

	secrets := map[string][]byte{}
	for i, der := range g.privateKeys(t, first, second) {
		k, _ := x509.ParsePKCS8PrivateKey(der)
		rk := k.(*rsa.PrivateKey)
		name := []string{"first", "second"}[i]
		secrets[name+" key's PKCS #8 DER"] = der
		secrets[name+" key's DER in base64"] = []byte(base64.StdEncoding.EncodeToString(der)[8:400])
		secrets[name+" key's DER in hex"] = []byte(hex.EncodeToString(der)[16:600])
		secrets[name+" key's private exponent"] = rk.D.Bytes()[:64]
		secrets[name+" key's first prime"] = rk.Primes[0].Bytes()[:64]
		secrets[name+" key's second prime"] = rk.Primes[1].Bytes()[:64]
	}
	secrets["a PEM private key"] = []byte("PRIVATE KEY-----")

	var stored map[string][]byte
	if postgresURL == "" {
		stored = map[string][]byte{}
		files, _ := filepath.Glob(filepath.Join(g.dir, "pg.db*"))
		for _, f := range files {
			stored[filepath.Base(f)], _ = os.ReadFile(f)
		}
	} else {
		stored = map[string][]byte{"postgres rows": postgresRows(t, postgresURL)}
	}
	stored["logs"] = []byte(g.logs.String())
	sawPublic := false
	for where, b := range stored {
		// The public keys are stored (as PEM): the scan reads the right place.
		sawPublic = sawPublic || bytes.Contains(b, []byte(strings.Split(second, "\n")[2]))
		for what, s := range secrets {
			if bytes.Contains(b, s) || (strings.Contains(what, "hex") && bytes.Contains(bytes.ToUpper(b), bytes.ToUpper(s))) {
				t.Errorf("%s holds the %s", where, what)
			}
		}
	}
	if !sawPublic {
		t.Fatal("no public key reached the database: the scan would prove nothing")
	}
}

// privateKeys opens the merchant's sealed private keys as the vault does
// and returns them in the order of the public keys given.
func (g *gateway) privateKeys(t *testing.T, publicPEMs ...string) [][]byte {
	t.Helper()
	ctx := context.Background()
	keys, err := g.store.ListEncryptionKeys(ctx, g.merchant, payment.Sandbox)
	if err != nil || len(keys) != len(publicPEMs) {
		t.Fatalf("encryption keys: %d, %v", len(keys), err)
	}
	dks, err := g.store.ListDataKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]byte, len(publicPEMs))
	for _, k := range keys {
		for _, dk := range dks {
			if dk.ID != k.DataKeyID {
				continue
			}
			dek, err := g.keyring.Unwrap(dk.KEKVersion, dk.ID, dk.Wrapped)
			if err != nil {
				t.Fatal(err)
			}
			der, err := vault.Open(dek, k.AAD(), k.SealedPrivate)
			if err != nil {
				t.Fatal(err)
			}
			priv, err := x509.ParsePKCS8PrivateKey(der)
			if err != nil {
				t.Fatal(err)
			}
			pub, _ := x509.MarshalPKIXPublicKey(&priv.(*rsa.PrivateKey).PublicKey)
			for i, p := range publicPEMs {
				if b, _ := pem.Decode([]byte(p)); b != nil && bytes.Equal(b.Bytes, pub) {
					out[i] = der
				}
			}
		}
	}
	for i, der := range out {
		if der == nil {
			t.Fatalf("no sealed private key opens to public key %d", i)
		}
	}
	return out
}

// postgresRows is every row of the test schema's tables as text (bytea in hex).
func postgresRows(t *testing.T, u string) []byte {
	t.Helper()
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var all bytes.Buffer
	for _, tb := range tables {
		r, err := db.Query(`SELECT t::text FROM "` + tb + `" t`)
		if err != nil {
			t.Fatalf("read %s: %v", tb, err)
		}
		for r.Next() {
			var s string
			r.Scan(&s)
			all.WriteString(s + "\n")
		}
		r.Close()
	}
	return all.Bytes()
}
