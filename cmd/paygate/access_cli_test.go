package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func runJSON(t *testing.T, args ...string) map[string]string {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), args, noenv, &out, io.Discard); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	var m map[string]string
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("%v: not one JSON object: %q", args, out.String())
	}
	return m
}

func TestKeyAndTeamCommands(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	mid := runJSON(t, "merchant", "create", "Shop", "--json", "--database", db)["merchant_id"]
	rk := runJSON(t, "apikey", "create", "--merchant", mid, "--kind", "restricted", "--scopes", "payments:read,refunds:write", "--json", "--database", db)
	if !strings.HasPrefix(rk["secret_key"], "rk_test_") || rk["kind"] != "restricted" {
		t.Fatalf("restricted key %v", rk)
	}
	rolled := runJSON(t, "apikey", "roll", "--merchant", mid, "--overlap", "1h", rk["key_id"], "--json", "--database", db)
	if rolled["key_id"] == rk["key_id"] || !strings.HasPrefix(rolled["secret_key"], "rk_test_") {
		t.Fatalf("rolled %v", rolled)
	}
	var list bytes.Buffer
	if err := run(context.Background(), []string{"apikey", "list", "--merchant", mid, "--database", db}, noenv, &list, io.Discard); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(list.String(), rk["secret_key"]) || !strings.Contains(list.String(), "payments:read refunds:write") ||
		!strings.Contains(list.String(), "ends ") || strings.Count(list.String(), "\n") != 3 {
		t.Fatalf("list:\n%s", list.String())
	}
	u := runJSON(t, "user", "create", "--merchant", mid, "--email", "Owner@Shop.test", "--role", "owner", "--json", "--database", db)
	if u["email"] != "owner@shop.test" || len(u["password"]) < 16 || u["role"] != "owner" {
		t.Fatalf("user %v", u)
	}
	if err := run(context.Background(), []string{"user", "create", "--merchant", "mer_nope", "--email", "a@b.test", "--role", "owner", "--database", db}, noenv, io.Discard, io.Discard); err == nil {
		t.Fatal("a user for an unknown merchant was created")
	}
	if err := run(context.Background(), []string{"apikey", "create", "--merchant", mid, "--kind", "restricted", "--scopes", "root", "--database", db}, noenv, io.Discard, io.Discard); err == nil {
		t.Fatal("an unknown scope was accepted")
	}
}
