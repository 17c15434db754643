package ottu

import (
	"context"
	"html/template"
	"net/http"
	"net/url"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

// The return page is where the hosted checkout sends the payer (the
// session's success and cancel URL). As Ottu does, it redirects to
// redirect_url only once the payment webhook was answered 200; while the
// webhook is still undelivered it waits (refreshing) up to ReturnWait;
// otherwise (201, an error, no redirect_url) it shows a summary.

var summary = template.Must(template.New("s").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8">
{{if .Refresh}}<meta http-equiv="refresh" content="2">{{end}}<title>Payment {{.State}}</title></head>
<body><main><h1>Payment {{.State}}</h1><p>Order {{.OrderNo}} · {{.Amount}}</p>
{{if .Refresh}}<p>Confirming your payment with the merchant…</p>{{end}}
{{if .Retry}}<p><a href="{{.Retry}}">Try again</a></p>{{end}}</main></body></html>`))

func (s *Server) returnPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a := engine.Actor{MerchantID: q.Get("m"), Mode: payment.Mode(q.Get("mode"))}
	ctx := r.Context()
	sess, p, _, err := s.session(ctx, a, q.Get("session_id"))
	if err != nil || a.MerchantID == "" {
		http.Error(w, "Not found.", http.StatusNotFound)
		return
	}
	state := State(sess, p)
	md := sess.Metadata
	success := state == StatePaid || state == StateAuthorized
	refresh := false
	if success && md[mdRedirect] != "" {
		answered, status := true, http.StatusOK
		if sess.NotificationURL != "" {
			status, answered = s.webhookAnswer(ctx, a, sess, p)
		}
		switch {
		case answered && status == http.StatusOK:
			http.Redirect(w, r, redirectTarget(md[mdRedirect], sess, p), http.StatusSeeOther)
			return
		case !answered && s.now().Sub(p.UpdatedAt) < s.returnWait:
			refresh = true
		}
	}
	data := struct {
		State, OrderNo, Amount, Retry string
		Refresh                       bool
	}{State: state, OrderNo: sess.Reference, Amount: sess.Currency.Code + " " + s.view(ctx, a, sess, p, nil)["amount"].(string), Refresh: refresh}
	if sess.Status == checkout.Open {
		data.Retry = md[mdCheckoutURL]
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	summary.Execute(w, data)
}

// redirectTarget is redirect_url with Ottu's query parameters.
func redirectTarget(base string, sess *checkout.Session, p *payment.Payment) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	v := u.Query()
	v.Set("order_no", sess.Reference)
	v.Set("reference_number", p.ID)
	v.Set("session_id", sess.ID)
	u.RawQuery = v.Encode()
	return u.String()
}

// webhookAnswer finds the status the session's webhook_url answered to
// the payment's success event; answered is false while nothing was sent.
func (s *Server) webhookAnswer(ctx context.Context, a engine.Actor, sess *checkout.Session, p *payment.Payment) (status int, answered bool) {
	evs, err := s.e.ListEvents(ctx, a, engine.EventFilter{ObjectID: p.ID, Limit: 100})
	if err != nil {
		return 0, false
	}
	for _, ev := range evs {
		if ev.Type != "payment.captured" && ev.Type != "payment.authorized" {
			continue
		}
		ds, err := s.e.ListDeliveries(ctx, a, engine.DeliveryFilter{EventID: ev.ID, Limit: 100})
		if err != nil {
			continue
		}
		for _, d := range ds {
			ep, err := s.e.GetWebhookEndpoint(ctx, a, d.EndpointID)
			if err != nil || ep.URL != sess.NotificationURL || d.Attempts == 0 {
				continue
			}
			return d.LastStatus, true
		}
	}
	return 0, false
}
