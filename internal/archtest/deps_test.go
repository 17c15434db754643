package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/paygate/paygate/"

// inner are the packages that must stay free of I/O adapters.
var inner = []string{"money", "card", "payment", "ledger", "fault", "id", "merchant", "auth", "audit", "ratelimit", "engine", "connector", "vault", "customer", "checkout", "webhook", "payout", "recurring", "invoice", "pmconfig"}

// forbidden import prefixes for inner packages.
var forbidden = []string{
	"net/http", "database/sql", "os/exec", "github.com/jackc/", "modernc.org/sqlite",
	module + "internal/store", module + "internal/api", module + "cmd", module + "client",
	module + "internal/connector/", // the engine sees the interface, never a concrete connector
}

func importsOf(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var out []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			out = append(out, p)
		}
	}
	return out
}

func TestDomainPackagesDependOnlyInward(t *testing.T) {
	root := filepath.Join("..")
	seen := map[string]bool{}
	var walk func(pkg, via string)
	walk = func(pkg, via string) {
		if seen[pkg] {
			return
		}
		seen[pkg] = true
		dir := filepath.Join(root, pkg)
		if _, err := os.Stat(dir); err != nil {
			t.Fatalf("package %s not found", pkg)
		}
		for _, imp := range importsOf(t, dir) {
			for _, bad := range forbidden {
				if imp == bad || strings.HasPrefix(imp, bad) && (strings.HasSuffix(bad, "/") || strings.HasPrefix(imp, bad+"/")) {
					t.Errorf("%s imports %s (reached via %s): domain code must not depend on adapters", pkg, imp, via)
				}
			}
			if strings.HasPrefix(imp, module+"internal/") {
				walk(strings.TrimPrefix(imp, module+"internal/"), via+" -> "+pkg)
			}
		}
	}
	for _, p := range inner {
		walk(p, "root")
	}
}
