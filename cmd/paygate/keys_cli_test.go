package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/vault"
)

func TestVaultKeyFileRotationAndRefusalOfAWrongKey(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "p.db")
	ctx := context.Background()
	cmd := func(env map[string]string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append(args, "--database", db), func(k string) string { return env[k] }, &out, io.Discard)
		return out.String(), err
	}
	// With no key configured, the first start makes one beside the database, readable only by its owner.
	if _, err := cmd(nil, "merchant", "create", "Shop"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "vault.key"))
	if err != nil || fi.Mode().Perm() != 0o400 {
		t.Fatalf("default vault key file: %v %v", fi, err)
	}
	v1, _ := os.ReadFile(filepath.Join(dir, "vault.key"))
	out, err := cmd(nil, "keys", "status")
	if err != nil || !strings.Contains(out, "active key version: 1") || !strings.Contains(out, "data keys wrapped by version 1: 2") {
		t.Fatalf("status: %v\n%s", err, out)
	}

	v2 := vault.GenerateKEKSpec(2)
	both := map[string]string{"PAYGATE_VAULT_KEY": v2 + "," + strings.TrimSpace(string(v1))}
	out, err = cmd(both, "keys", "rotate")
	if err != nil || !strings.Contains(out, "re-wrapped data keys: 2") || !strings.Contains(out, "can be removed") {
		t.Fatalf("rotate: %v\n%s", err, out)
	}
	if out, err = cmd(map[string]string{"PAYGATE_VAULT_KEY": v2}, "keys", "status"); err != nil || !strings.Contains(out, "active key version: 2") {
		t.Fatalf("the new key alone after rotation: %v\n%s", err, out)
	}

	// A substituted key stops the gateway before it listens.
	wrong := map[string]string{"PAYGATE_VAULT_KEY": vault.GenerateKEKSpec(2), "PAYGATE_ADDR": "127.0.0.1:0"}
	if _, err := cmd(wrong, "serve"); err == nil || !strings.Contains(err.Error(), "not the key") {
		t.Fatalf("serve with a wrong key: %v", err)
	}
	if out, _ := cmd(nil, "keys", "generate", "--version", "7"); !strings.HasPrefix(out, "7:") {
		t.Fatalf("generate: %q", out)
	}
}

func TestConfigCommands(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	mid := runJSON(t, "merchant", "create", "Shop", "--json", "--database", db)["merchant_id"]
	cmd := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append(args, "--database", db), noenv, &out, io.Discard)
		return out.String(), err
	}
	if _, err := cmd("config", "create", "--merchant", mid, "--code", "knet", "--name", "KNET", "--currencies", "KWD", "--operations", "refund",
		"--tokenizable", "--credentials", "api_key=SECRET"); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd("config", "disable", "--merchant", mid, "knet"); err != nil {
		t.Fatal(err)
	}
	out, err := cmd("config", "list", "--merchant", mid)
	if err != nil || !strings.Contains(out, "knet") || !strings.Contains(out, "disabled") || !strings.Contains(out, "KWD") || strings.Contains(out, "SECRET") {
		t.Fatalf("list: %v\n%s", err, out)
	}
	out, err = cmd("config", "create", "--merchant", mid, "--code", "uk", "--name", "UK", "--priority", "2", "--weight", "30",
		"--countries", "GB,IE", "--brands", "visa", "--max-amount", "500000", "--timeout", "4s", "--json")
	if err != nil || !strings.Contains(out, `"card_countries":["GB","IE"]`) || !strings.Contains(out, `"priority":2`) || !strings.Contains(out, `"timeout_ms":4000`) {
		t.Fatalf("routing flags: %v\n%s", err, out)
	}
	if _, err := cmd("config", "create", "--merchant", mid, "--code", "bad", "--name", "Bad", "--countries", "Britain"); err == nil || !strings.Contains(err.Error(), "routing.card_countries") {
		t.Fatalf("a bad country: %v", err)
	}
	if _, err := cmd("config", "delete", "--merchant", mid, "uk"); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd("config", "create", "--merchant", mid, "--code", "knet", "--name", "again"); err == nil {
		t.Fatal("a taken code was accepted")
	}
	if _, err := cmd("config", "delete", "--merchant", mid, "knet"); err != nil {
		t.Fatal(err)
	}
	if out, _ := cmd("config", "list", "--merchant", mid); strings.TrimSpace(out) != "" {
		t.Fatalf("after delete: %q", out)
	}
}
