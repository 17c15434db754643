package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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

	// show prints one configuration in full, credentials only as present.
	out, err = cmd("config", "show", "--merchant", mid, "knet")
	if err != nil || !strings.Contains(out, "KNET") || !strings.Contains(out, "refund") || !strings.Contains(out, "credentials:") ||
		!strings.Contains(out, "sealed") || strings.Contains(out, "SECRET") {
		t.Fatalf("show: %v\n%s", err, out)
	}
	if _, err := cmd("config", "show", "--merchant", mid, "nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("show of an unknown code: %v", err)
	}
	// update changes only the flags given.
	out, err = cmd("config", "update", "--merchant", mid, "knet", "--name", "KNET Pay", "--logo", "https://cdn.example.com/knet.png",
		"--wallets", "ApplePay", "--currencies", "KWD,USD", "--default-currency", "USD", "--priority", "3", "--json")
	var shown map[string]any
	if err != nil || json.Unmarshal([]byte(out), &shown) != nil {
		t.Fatalf("update: %v\n%s", err, out)
	}
	routing, _ := shown["routing"].(map[string]any)
	if shown["name"] != "KNET Pay" || shown["logo"] != "https://cdn.example.com/knet.png" || fmt.Sprint(shown["wallets"]) != "[ApplePay]" ||
		fmt.Sprint(shown["accepted_currencies"]) != "[KWD USD]" || shown["default_currency"] != "USD" || routing["priority"] != 3.0 ||
		routing["weight"] != 1.0 || fmt.Sprint(shown["operations"]) != "[refund]" || shown["is_tokenizable"] != true ||
		shown["has_credentials"] != true || shown["enabled"] != false || strings.Contains(out, "SECRET") {
		t.Fatalf("after update: %s", out)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--wallets", "Paypal"}, "wallets"},
		{[]string{"--logo", "not a url"}, "logo"},
		{[]string{"--code", "other"}, "cannot change"},
		{[]string{"--credentials", "a=b", "--credentials-file", "-"}, "not both"},
		{[]string{"--json"}, "at least one flag"},
	} {
		if _, err := cmd(append([]string{"config", "update", "--merchant", mid, "knet"}, bad.args...)...); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("update %v: %v, want an error about %s", bad.args, err, bad.want)
		}
	}

	// Credentials from a file (key=value lines; a value may hold = and ,)
	// or from standard input (JSON), checked by the connector's factory.
	dir := t.TempDir()
	file := filepath.Join(dir, "paytrace.creds")
	os.WriteFile(file, []byte("# PayTrace sandbox\nusername = api-user\npassword=pa=ss,word\nintegrator_id=PGATE0000001\n"), 0o600)
	out, err = cmd("config", "create", "--merchant", mid, "--code", "pt", "--name", "PayTrace", "--connector", "paytrace",
		"--currencies", "USD", "--credentials-file", file, "--json")
	if err != nil || !strings.Contains(out, `"has_credentials":true`) || strings.Contains(out, "pa=ss,word") {
		t.Fatalf("create with a credentials file: %v\n%s", err, out)
	}
	os.WriteFile(file, []byte("username=api-user\npassword=p\n"), 0o600)
	if _, err := cmd("config", "update", "--merchant", mid, "pt", "--credentials-file", file); err == nil || !strings.Contains(err.Error(), "integrator_id") {
		t.Fatalf("credentials without integrator_id: %v", err)
	}
	fromStdin := func(body string) (string, error) {
		stdinFile := filepath.Join(dir, "stdin.json")
		os.WriteFile(stdinFile, []byte(body), 0o600)
		in, _ := os.Open(stdinFile)
		defer in.Close()
		saved := os.Stdin
		os.Stdin = in
		defer func() { os.Stdin = saved }()
		return cmd("config", "update", "--merchant", mid, "pt", "--credentials-file", "-")
	}
	if _, err := fromStdin(`{"username":"u2","password":"p2"}`); err == nil || !strings.Contains(err.Error(), "integrator_id") {
		t.Fatalf("credentials from standard input without integrator_id: %v", err)
	}
	if out, err := fromStdin(`{"username":"u2","password":"p2","integrator_id":"PGATE0000001"}`); err != nil || !strings.Contains(out, "sealed") {
		t.Fatalf("credentials from standard input: %v\n%s", err, out)
	}
	if _, err := cmd("config", "update", "--merchant", mid, "pt", "--credentials-file", filepath.Join(dir, "missing")); err == nil {
		t.Fatal("a missing credentials file was accepted")
	}
	if _, err := cmd("config", "delete", "--merchant", mid, "pt"); err != nil {
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
