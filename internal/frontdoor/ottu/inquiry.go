package ottu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

// InquiryRequest is a body of POST /b/pbl/v2/inquiry/.
type InquiryRequest struct {
	OrderNo   string `json:"order_no"`
	SessionID string `json:"session_id"`
	// NotifyWebhookURL also sends the payment webhook with the answer.
	NotifyWebhookURL bool `json:"notify_webhook_url"`
	// WebhookURL, if given, must be the session's own: paygate signs
	// notifications only for the URL a session was created with.
	WebhookURL string `json:"webhook_url"`
}

// inquirable are the states where the processor may still know more than
// paygate (Ottu's list); others are answered as they are.
var inquirable = []string{StatePending, StateAttempted, StateFailed, StateExpired}

// ParseInquiryRequest decodes and checks an inquiry body.
func ParseInquiryRequest(b []byte) (*InquiryRequest, error) {
	var req InquiryRequest
	if err := decodeJSON(b, &req); err != nil {
		return nil, err
	}
	if req.OrderNo == "" && req.SessionID == "" {
		return nil, fieldErr("non_field_errors", "Either order_no or session_id is required.")
	}
	if len(req.WebhookURL) > 2000 {
		return nil, fieldErr("webhook_url", "Ensure this field has no more than 2000 characters.")
	}
	return &req, nil
}

// inquiry is POST /b/pbl/v2/inquiry/: the session's payment as the payment
// webhook shows it, signed the same way, after asking the processor about
// a payment it left pending. With notify_webhook_url the same is sent to
// the session's webhook_url as well, through the ordinary delivery (signed,
// retried, listed with the merchant's deliveries).
func (s *Server) inquiry(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actorOf(r)
	var raw json.RawMessage
	if err := s.readJSON(r, &raw); err != nil {
		s.fail(w, r, err)
		return
	}
	req, err := ParseInquiryRequest(raw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sess, err := s.findSession(ctx, a, &OperationRequest{OrderNo: req.OrderNo, SessionID: req.SessionID})
	if err == nil && sess.Metadata[closedKey] == "deleted" {
		err = fault.NotFoundf("checkout session", sess.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if sess.PaymentID == "" {
		// Nothing was paid or attempted: nothing to ask anybody.
		s.fail(w, r, errBadState)
		return
	}
	if req.WebhookURL != "" && strings.TrimSpace(req.WebhookURL) != sess.NotificationURL {
		s.fail(w, r, fieldErr("webhook_url", "Must be the session's webhook_url; paygate notifies only the URL a session was created with."))
		return
	}
	if req.NotifyWebhookURL {
		// Sending is a write: a read-only credential may look, not notify.
		if ok, _ := a.Principal.Allows(auth.Need{Scope: auth.ScopePaymentsWrite, Perm: auth.PermCreatePayments}); !ok {
			s.fail(w, r, errNoAccess)
			return
		}
	}
	if req.NotifyWebhookURL && sess.NotificationURL == "" {
		s.fail(w, r, fieldErr("notify_webhook_url", "The session has no webhook_url to notify."))
		return
	}
	p, _, err := s.e.GetPayment(ctx, a, sess.PaymentID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if slices.Contains(inquirable, State(sess, p)) {
		if p, err = s.e.Inquire(ctx, a, p.ID); err != nil {
			s.fail(w, r, err)
			return
		}
		if sess, err = s.e.GetCheckoutSession(ctx, a, sess.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	var np nativePayment
	obj := s.e.RenderObject(p)
	if err := json.Unmarshal(obj, &np); err != nil {
		s.fail(w, r, err)
		return
	}
	n := &Notifier{Engine: s.e, Now: s.now}
	body, err := n.render(ctx, a, engine.DoorEvent{Type: inquiryEvent, MerchantID: a.MerchantID, Mode: a.Mode, ObjectID: p.ID, Payload: obj}, np, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if req.NotifyWebhookURL {
		// At most one such webhook per payment a minute: a loop of
		// inquiries does not flood the merchant's endpoint.
		once := fmt.Sprintf("inquiry:%s:%d", p.ID, s.now().Unix()/60)
		if err := s.e.ScheduleDoorEvent(ctx, a, p.ID, inquiryEvent, once, s.now()); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, body)
}

// inquiryEvent is the door event an inquiry with notify_webhook_url sends:
// the payment webhook as of the inquiry.
const inquiryEvent = "ottu.inquiry"
