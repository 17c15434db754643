package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/paygate/paygate/internal/vault"
)

// keyring reads the vault's key-encryption keys from PAYGATE_VAULT_KEY, from
// --vault-key-file, or from the default file beside the SQLite database,
// which is created (mode 0400) on first start so the embedded default runs
// with no setup. Production should keep the key off the database host: give
// a file on another volume or a secret manager's mount.
func keyring(c Config, log *slog.Logger) (*vault.Keyring, error) {
	if c.VaultKey != "" {
		return vault.ParseKeyring(c.VaultKey)
	}
	path := c.VaultKeyFile
	if path == "" {
		dir := "./data"
		if db, ok := strings.CutPrefix(c.DatabaseURL, "sqlite:"); ok {
			dir = filepath.Dir(db)
		}
		path = filepath.Join(dir, "vault.key")
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, err
			}
			if err := os.WriteFile(path, []byte(vault.GenerateKEKSpec(1)+"\n"), 0o400); err != nil {
				return nil, fmt.Errorf("create vault key: %w", err)
			}
			log.Warn("created a vault key-encryption key beside the database; for production keep it elsewhere (--vault-key-file or PAYGATE_VAULT_KEY)", "file", path)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read vault key: %w", err)
	}
	return vault.ParseKeyring(string(b))
}
