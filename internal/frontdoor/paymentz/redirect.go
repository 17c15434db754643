package paymentz

import (
	"crypto/rand"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/paygate/paygate/internal/engine"
)

// metaRedirect keeps a payment's merchantRedirectUrl while the payer is
// away at 3-D Secure; the payer then returns through the door.
const metaRedirect = "paymentz_redirect_url"

// returnThroughDoor makes a payment's payer come back through the door
// (GET /transactionServices/REST/v1/return/{memberId}?payment_id=…), which
// posts the result to merchantRedirectUrl as the vendor does: paymentId,
// merchantTransactionId, amount, transactionStatus, status and
// checksum = md5(paymentId|merchantTransactionId|amount|transactionStatus|secureKey).
func (s *Server) returnThroughDoor(in *engine.CreatePaymentInput, member string) {
	if s.base == "" || in.ReturnURL == "" {
		return
	}
	if in.Metadata == nil {
		in.Metadata = map[string]string{}
	}
	in.Metadata[metaRedirect] = in.ReturnURL
	in.ReturnURL = s.base + Prefix + "return/" + member
}

var redirectPage = template.Must(template.New("redirect").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Returning to the shop</title></head>
<body><form id="back" method="POST" action="{{.Action}}">
{{range .Fields}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<p>Returning to the shop. <button type="submit">Return to the shop</button></p></form>
<script nonce="{{.Nonce}}">document.getElementById("back").submit()</script></body></html>`))

// returning is the answer the payer brings back and where to: a payment's
// after 3-D Secure (?payment_id=), or a hosted-page session's (?session_id=,
// added by the hosted page; the session's payment once tried).
func (s *Server) returning(r *http.Request, a engine.Actor, door string) (*response, string, bool) {
	if sid := r.URL.Query().Get("session_id"); sid != "" {
		sess, err := s.e.GetCheckoutSession(r.Context(), a, sid)
		if err != nil || sess.Door != door || sess.Metadata[metaAsync] == "" || sess.Metadata[metaRedirect] == "" {
			return nil, "", false
		}
		return s.sessionView(r.Context(), a, sess, ""), sess.Metadata[metaRedirect], true
	}
	p, _, err := s.e.GetPayment(r.Context(), a, r.URL.Query().Get("payment_id"))
	if err != nil || p.Door != door || p.Metadata[metaRedirect] == "" {
		return nil, "", false
	}
	return paymentView(p, s.now()), p.Metadata[metaRedirect], true
}

// paymentReturn is the payer's way back from 3-D Secure or the hosted page: a page that posts
// the signed result to merchantRedirectUrl (automatically, or with its
// button when scripts are off).
func (s *Server) paymentReturn(w http.ResponseWriter, r *http.Request) {
	member, err := strconv.ParseInt(r.PathValue("memberId"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	cred, key, err := s.e.DoorCredential(r.Context(), Door, member)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	v, back, ok := s.returning(r, cred.Actor(), Door+":"+r.PathValue("memberId"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	target, err := url.Parse(back)
	if err != nil || (target.Scheme != "https" && target.Scheme != "http") {
		http.NotFound(w, r)
		return
	}
	fields := []struct{ Name, Value string }{{"paymentId", v.PaymentID}, {"merchantTransactionId", v.MerchantTransactionID},
		{"amount", v.Amount}, {"currency", v.Currency}, {"transactionStatus", v.TransactionStatus}, {"status", v.Status},
		{"checksum", NotificationChecksum(v.PaymentID, v.MerchantTransactionID, v.Amount, v.TransactionStatus, key)}}
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce)
	n := base64.RawStdEncoding.EncodeToString(nonce)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+n+"'; form-action "+target.Scheme+"://"+target.Host+
		"; frame-ancestors 'none'; base-uri 'none'")
	_ = redirectPage.Execute(w, struct {
		Action, Nonce string
		Fields        []struct{ Name, Value string }
	}{target.String(), n, fields})
}
