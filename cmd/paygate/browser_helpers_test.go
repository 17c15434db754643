package main

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// chromium starts headless Chromium for a test (skipped without it, unless
// PAYGATE_REQUIRE_BROWSER is set, as in CI).
func chromium(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("PAYGATE_REQUIRE_BROWSER") != "" {
			t.Fatal("PAYGATE_REQUIRE_BROWSER is set but chromium is not installed")
		}
		t.Skip("chromium not installed")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Flag("disable-gpu", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1024, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA() })
	// The first call starts the browser and binds it to ctx, not to the
	// timeout of a test's first step.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1024, 900)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}
