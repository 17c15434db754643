package smartpay

import (
	"crypto/rand"
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
)

//go:embed static/smartpay.js
var static embed.FS

// WidgetPath is where the door serves the widget script (under Prefix: no
// other mount is needed).
const WidgetPath = Prefix + "widget/smartpay.js"

func (s *Server) widgetScript(w http.ResponseWriter, r *http.Request) {
	b, _ := static.ReadFile("static/smartpay.js")
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(b)
}

var returnPage = template.Must(template.New("return").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Payment</title></head>
<body><p>{{if eq .Result "success"}}Thank you: your payment went through.{{else}}The payment was cancelled.{{end}} You can close this window.</p>
<script nonce="{{.Nonce}}">(function () {
  var m = { type: "smartpay:result", result: {{.Result}}, transactionId: {{.TransactionID}} };
  var t = window.parent !== window ? window.parent : window.opener;
  if (t) t.postMessage(m, {{.Origin}});
})();</script></body></html>
`))

// widgetReturn is where the hosted page sends the framed payer when it is
// done (success_url and cancel_url of the session): it tells the widget in
// the parent page, and only a page of the shop's origin, what happened.
// It carries no secret: the shop must verify with GET /payment/status.
func (s *Server) widgetReturn(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	origin := originOf(q.Get("o"))
	result := q.Get("r")
	if origin == "" || (result != "success" && result != "cancel") {
		s.fail(w, r, badField("o", "the widget return needs the shop's origin and a result"))
		return
	}
	tx := TransactionID(q.Get("session_id"))
	if result != "success" {
		tx = ""
	}
	var nb [16]byte
	rand.Read(nb[:])
	nonce := base64.RawStdEncoding.EncodeToString(nb[:])
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; frame-ancestors "+origin+"; base-uri 'none'; form-action 'none'")
	returnPage.Execute(w, map[string]string{"Result": result, "TransactionID": tx, "Origin": origin, "Nonce": nonce})
}
