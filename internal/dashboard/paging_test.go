package dashboard_test

import (
	"html"
	"strconv"
	"strings"
	"testing"
)

// TestNextPageLinksFollow follows the payment list's "Next page" link: its
// query must reach the server as after=<id>, not as an escaped key.
func TestNextPageLinksFollow(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 27 {
		ids = append(ids, e.pay(100+i, "4242424242424242", "p-"+strconv.Itoa(i)))
	}
	owner := e.signIn("owner@shop.test")
	first := owner.get("/dashboard/payments?status=captured")
	next := html.UnescapeString(regexpFind(t, first.body, `<a href="([^"]+)" id="next-page"`))
	if !strings.Contains(next, "after=pay_") || !strings.Contains(next, "status=captured") {
		t.Fatalf("next link %q", next)
	}
	second := owner.get(next)
	if !strings.Contains(second.body, ids[0]) || strings.Contains(second.body, ids[26]) {
		t.Fatalf("the second page is not the rest:\n%s", second.body)
	}
}
