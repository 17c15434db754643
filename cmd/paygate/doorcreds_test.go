package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestDoorCredentialCommand(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"merchant", "create", "Shop", "--database", db}, func(string) string { return "" }, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var merchantID string
	for _, f := range strings.Fields(out.String()) {
		if strings.HasPrefix(f, "mer_") {
			merchantID = f
		}
	}
	if merchantID == "" {
		t.Fatalf("no merchant id in %q", out.String())
	}
	out.Reset()
	err := doorCredentialCmd(ctx, []string{"create", "--merchant", merchantID, "--username", "shop", "--database", db}, func(string) string { return "" }, &out, io.Discard)
	if err != nil || !strings.Contains(out.String(), "memberId: ") || !strings.Contains(out.String(), "secureKey: ") {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if err := doorCredentialCmd(ctx, []string{"create", "--merchant", "mer_nope", "--database", db}, func(string) string { return "" }, io.Discard, io.Discard); err == nil {
		t.Fatal("an unknown merchant got a credential")
	}
}
