package web

import (
	"net/http"
	"regexp"

	"github.com/paygate/paygate/internal/auth"
)

var channelID = regexp.MustCompile(`^[0-9a-f]{16,64}$`)

type fieldView struct {
	view
	Label, Autocomplete, Placeholder string
}

// fieldFrame is one hosted field. It may be framed only by the origin the
// merchant page says it is (the browser enforces frame-ancestors against
// the real parent), and it posts its results only to that origin.
func (s *Server) fieldFrame(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	field, channel, parent, key, lang := q.Get("field"), q.Get("channel"), q.Get("origin"), q.Get("key"), q.Get("locale")
	labels := map[string][3]string{
		"number": {"Card number", "cc-number", "1234 1234 1234 1234"},
		"expiry": {"Expiry date", "cc-exp", "MM/YY"},
		"cvc":    {"Security code", "cc-csc", "CVC"},
	}
	l, ok := labels[field]
	origin := originOf(parent)
	bad := ""
	switch {
	case !ok:
		bad = "field must be number, expiry or cvc"
	case !channelID.MatchString(channel):
		bad = "channel must be 16 to 64 hex characters"
	case origin == "" || origin != parent:
		bad = "origin must be the embedding page's origin, such as https://shop.example"
	case field == "number" && !isPublishable(key):
		bad = "key must be a publishable key (pk_test_… or pk_live_…)"
	}
	if bad != "" {
		// The refusal carries the pages' headers too (no framing, no
		// caching: the query may hold a key).
		s.secure(w, r, policy{})
		http.Error(w, bad, http.StatusBadRequest)
		return
	}
	if _, ok := messages[lang]; !ok {
		lang = "en"
	}
	t := textsFor(lang)
	msg := map[string]string{"number": t["errNumber"], "expiry": t["errExpiry"], "cvc": t["errCVC"]}[field]
	if lang == "ar" {
		l[0] = map[string]string{"number": t["number"], "expiry": t["expiry"], "cvc": t["cvc"]}[field]
	}
	nonce := s.secure(w, r, policy{frameAncestors: []string{origin}})
	data := map[string]string{"field": field, "channel": channel, "origin": origin, "msg": msg}
	if field == "number" {
		data["key"] = key
	}
	s.render(w, http.StatusOK, "field", fieldView{view: view{Lang: lang, Dir: dirOf(lang), Title: l[0], Nonce: nonce, T: t,
		BodyClass: "field", BodyData: data, Scripts: []string{"card.js", "field.js"}}, Label: l[0], Autocomplete: l[1], Placeholder: l[2]})
}

func isPublishable(key string) bool {
	kind, _, ok := auth.KindAndModeOf(key)
	return ok && kind == auth.PublishableKey
}
