package dashboard

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/webhook"
)

// pageSize is the payments per list page.
const pageSize = 25

type paymentRow struct {
	ID, Status, Amount, Reference, Customer, Created string
	Card                                             cardView
}

type paymentListView struct {
	view
	// F holds the filters as typed, to refill the form.
	F        url.Values
	Statuses []payment.Status
	Rows     []paymentRow
	Next     string // query of the next page, "" on the last
	// Filtered: some filter is set (an empty list then means no match,
	// not no payments).
	Filtered bool
}

// paymentFilter reads the list's query. Amounts are decimals in the
// currency's units; with no currency to scale them, they are read as
// two-decimal amounts (most currencies) unless a currency is chosen.
func paymentFilter(v url.Values) (engine.PaymentFilter, error) {
	f := engine.PaymentFilter{Status: payment.Status(v.Get("status")), Reference: strings.TrimSpace(v.Get("reference")),
		Customer: strings.TrimSpace(v.Get("customer")), Last4: strings.TrimSpace(v.Get("last4")),
		StartingAfter: v.Get("after"), Limit: pageSize}
	cur := money.MustLookup("USD")
	if c := v.Get("currency"); c != "" {
		var err error
		if cur, err = money.Lookup(strings.ToUpper(c)); err != nil {
			return f, fault.InvalidParam("currency", "parameter_invalid", "unknown currency %q", c)
		}
	}
	for _, a := range []struct {
		param string
		to    *int64
	}{{"amount_min", &f.AmountGTE}, {"amount_max", &f.AmountLTE}} {
		if s := strings.TrimSpace(v.Get(a.param)); s != "" {
			n, err := money.Parse(s, cur)
			if err != nil || n < 0 {
				return f, fault.InvalidParam(a.param, "parameter_invalid", "%s is not an amount such as 12.50", s)
			}
			*a.to = n
		}
	}
	for _, d := range []struct {
		param string
		to    *time.Time
		add   int
	}{{"from", &f.CreatedGTE, 0}, {"to", &f.CreatedLT, 1}} {
		if s := v.Get(d.param); s != "" {
			t, err := time.Parse("2006-01-02", s)
			if err != nil {
				return f, fault.InvalidParam(d.param, "parameter_invalid", "%s is not a date such as 2026-01-31", s)
			}
			*d.to = t.AddDate(0, 0, d.add) // "to" includes its whole day
		}
	}
	return f, nil
}

func (s *Server) paymentList(w http.ResponseWriter, r *http.Request, q *request) {
	qs := r.URL.Query()
	v := &paymentListView{view: view{Title: "Payments", Nav: "payments"}, F: qs, Statuses: payment.Statuses}
	f, err := paymentFilter(qs)
	var ps []*payment.Payment
	var more bool
	if err == nil {
		ps, more, err = s.eng.SearchPayments(r.Context(), q.actor, f)
	}
	if err != nil {
		if fault.KindOf(err) != fault.Invalid {
			s.fail(w, r, q, err)
			return
		}
		v.Error = fault.As(err).Message
		s.renderFor(w, r, q, http.StatusBadRequest, "payments", v)
		return
	}
	for _, p := range ps {
		v.Rows = append(v.Rows, paymentRow{ID: p.ID, Status: string(p.Status), Amount: formatMoney(p.Amount, p.Currency.Code),
			Reference: p.Reference, Customer: p.Customer, Created: p.CreatedAt.UTC().Format("2006-01-02 15:04"), Card: cardFor(p.Card, q)})
	}
	if more && len(ps) > 0 {
		next := url.Values{}
		for k, vs := range qs {
			if k != "after" {
				next[k] = vs
			}
		}
		next.Set("after", ps[len(ps)-1].ID)
		v.Next = next.Encode()
	}
	for _, vals := range v.F {
		for _, x := range vals {
			v.Filtered = v.Filtered || strings.TrimSpace(x) != ""
		}
	}
	s.renderFor(w, r, q, http.StatusOK, "payments", v)
}

// timelineItem is one thing that happened to a payment.
type timelineItem struct {
	At    time.Time
	Kind  string // "created", "operation", "event"
	Title string
	// Lines are details: amounts, processor answers, failure reasons.
	Lines      []string
	Status     string
	Deliveries []*webhook.Delivery
	EventID    string
}

type paymentDetailView struct {
	view
	P          *payment.Payment
	Amount     string
	Card       cardView
	Timeline   []timelineItem
	Ledger     []engine.LedgerEntry
	Endpoints  map[string]string
	Capturable bool
	Voidable   bool
	Refundable string // the most that may still be refunded, "" when nothing
	// Defaults for the forms, as decimals.
	CaptureDefault, RefundDefault string
}

func (s *Server) paymentDetail(w http.ResponseWriter, r *http.Request, q *request) {
	s.paymentPage(w, r, q, r.PathValue("id"), http.StatusOK, "")
}

// paymentPage renders a payment's page, with errMsg (an action on it that
// was refused) above its forms.
func (s *Server) paymentPage(w http.ResponseWriter, r *http.Request, q *request, id string, status int, errMsg string) {
	ctx := r.Context()
	p, ops, err := s.eng.GetPayment(ctx, q.actor, id)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	v := &paymentDetailView{view: view{Title: "Payment " + p.ID, Nav: "payments", Notice: notices[r.URL.Query().Get("done")], Error: errMsg},
		P: p, Amount: formatMoney(p.Amount, p.Currency.Code), Card: cardFor(p.Card, q), Endpoints: map[string]string{}}
	v.Timeline = append(v.Timeline, timelineItem{At: p.CreatedAt, Kind: "created", Title: "Payment created",
		Lines: []string{formatMoney(p.Amount, p.Currency.Code) + ", " + string(p.CaptureMethod) + " capture, through " + orDash(p.Connector)}})
	if t := p.ThreeDS; t != nil {
		shift := "no"
		if t.LiabilityShift {
			shift = "yes"
		}
		v.Timeline = append(v.Timeline, timelineItem{At: p.CreatedAt, Kind: "threeds", Title: "3-D Secure: " + threeDSResult(t.TransStatus),
			Lines: []string{"Result " + t.TransStatus + " (" + orDash(t.Flow) + ", version " + orDash(t.Version) + "), ECI " + orDash(t.ECI) + ", liability shift " + shift}})
	}
	objects := []string{p.ID}
	for _, op := range ops {
		it := timelineItem{At: op.CreatedAt, Kind: "operation", Status: string(op.Status),
			Title: titleCase(string(op.Kind)) + " " + string(op.Status)}
		it.Lines = append(it.Lines, formatMoney(op.Amount, op.Currency)+" ("+op.ID+")")
		if op.ProcessorRef != "" {
			it.Lines = append(it.Lines, "Processor reference: "+op.ProcessorRef)
		}
		if op.FailureCode != "" || op.FailureMessage != "" {
			it.Lines = append(it.Lines, "Processor answer: "+strings.TrimSpace(op.FailureCode+" "+op.FailureMessage))
		}
		if op.Reason != "" {
			it.Lines = append(it.Lines, "Reason: "+op.Reason)
		}
		v.Timeline = append(v.Timeline, it)
		if op.Kind == payment.OpRefund {
			objects = append(objects, op.ID)
		}
	}
	if err := s.addEvents(r, q, v, objects); err != nil {
		s.fail(w, r, q, err)
		return
	}
	slices.SortStableFunc(v.Timeline, func(a, b timelineItem) int { return a.At.Compare(b.At) })
	if v.Ledger, err = s.eng.PaymentLedger(ctx, q.actor, p.ID); err != nil {
		s.fail(w, r, q, err)
		return
	}
	v.Capturable = p.Status == payment.Authorized && p.InFlight == "" && q.can(auth.PermCapture)
	v.Voidable = p.Status == payment.Authorized && p.InFlight == "" && q.can(auth.PermVoid)
	if left := p.Refundable(); left > 0 && (p.Status == payment.Captured || p.Status == payment.PartiallyRefunded) && q.can(auth.PermRefund) {
		v.Refundable, v.RefundDefault = formatMoney(left, p.Currency.Code), money.Format(left, p.Currency)
	}
	v.CaptureDefault = money.Format(p.Authorized, p.Currency)
	if errMsg != "" {
		v.Notice = ""
	}
	s.renderFor(w, r, q, status, "payment", v)
}

// addEvents puts the events of the payment and its refunds on the
// timeline, each with its webhook deliveries (for people who manage
// webhooks; the others see that the event happened).
func (s *Server) addEvents(r *http.Request, q *request, v *paymentDetailView, objects []string) error {
	ctx := r.Context()
	hooks := q.can(auth.PermManageWebhooks)
	if hooks {
		eps, err := s.eng.ListWebhookEndpoints(ctx, q.actor)
		if err != nil {
			return err
		}
		for _, ep := range eps {
			v.Endpoints[ep.ID] = ep.URL
		}
	}
	for _, obj := range objects {
		evs, err := s.eng.ListEvents(ctx, q.actor, engine.EventFilter{ObjectID: obj, Limit: 100})
		if err != nil {
			return err
		}
		for _, ev := range evs {
			it := timelineItem{At: ev.CreatedAt, Kind: "event", Title: "Event " + ev.Type, EventID: ev.ID, Lines: []string{ev.ID}}
			if hooks {
				if it.Deliveries, err = s.eng.ListDeliveries(ctx, q.actor, engine.DeliveryFilter{EventID: ev.ID, Limit: 50}); err != nil {
					return err
				}
			}
			v.Timeline = append(v.Timeline, it)
		}
	}
	return nil
}

var notices = map[string]string{
	"payout":              "The payout was sent. Its status follows the processor's answer.",
	"subscription":        "The subscription was created. Its first charge is due now.",
	"customer-created":    "The customer was created. Payments that name it (by id or reference) can save its cards.",
	"capture":             "The capture was sent. Its outcome is on the timeline.",
	"void":                "The void was sent. Its outcome is on the timeline.",
	"refund":              "The refund was sent. Its outcome is on the timeline.",
	"replay":              "That request had already been sent once; it was not sent again.",
	"resend":              "The delivery will be sent again shortly.",
	"revoked":             "The key was revoked.",
	"card-deleted":        "The saved card was deleted.",
	"customer-deleted":    "The customer was deleted and their saved cards erased.",
	"invoice-cancel":      "The invoice was canceled; its payment link no longer works.",
	"invoice-send":        "The payment link is being emailed again.",
	"endpoint-updated":    "The webhook endpoint was saved.",
	"endpoint-deleted":    "The webhook endpoint was deleted: no more events are sent to it.",
	"subscription-pause":  "The subscription was paused: no cycle is charged until it is resumed.",
	"subscription-resume": "The subscription was resumed; its next cycle is charged when due.",
	"subscription-cancel": "The subscription was canceled: it charges nothing more.",
	"config-created":      "The configuration was added.",
	"config-updated":      "The configuration was saved.",
	"config-enabled":      "The configuration was enabled.",
	"config-disabled":     "The configuration was disabled: payments can no longer use it.",
	"config-deleted":      "The configuration was deleted.",
	"user-updated":        "The team member was saved.",
	"user-disabled":       "The team member was disabled: they can no longer sign in.",
	"user-enabled":        "The team member was enabled again.",
	"totp-reset":          "Two-factor was turned off for this person; they can set it up again after signing in.",
	"password":            "Your password was changed. Every other session of yours has been signed out.",
	"totp-on":             "Two-factor authentication is on. Signing in now asks for a code from your app.",
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// threeDSResult words an EMV 3-D Secure transStatus.
func threeDSResult(status string) string {
	switch status {
	case "Y":
		return "authenticated"
	case "A":
		return "attempted (proof of attempt)"
	case "N":
		return "not authenticated"
	case "R":
		return "rejected by the issuer"
	case "U":
		return "could not be performed"
	case "C":
		return "challenge required"
	}
	return orDash(status)
}
