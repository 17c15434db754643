package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/paygate/paygate/internal/fault"
	qrcode "github.com/skip2/go-qrcode"
)

// QR code sizes in pixels (square); the default prints well and scans
// from a screen at arm's length.
const (
	qrDefaultSize = 256
	qrMinSize     = 64
	qrMaxSize     = 1024
)

// checkoutQR is GET /checkout/qr/{token}: the session's hosted page as a QR
// code, for a payer who pays on a phone what another screen shows (a kiosk,
// a till, a desk).
func (s *Server) checkoutQR(w http.ResponseWriter, r *http.Request) {
	s.serveQR(w, r, "checkout session", func(ctx context.Context, token string) (string, error) {
		if _, err := s.eng.OpenCheckout(ctx, token); err != nil {
			return "", err
		}
		return s.eng.CheckoutURL(token), nil
	})
}

// invoiceQR is GET /i/qr/{token}: an invoice's payment link as a QR code,
// for a printed or displayed invoice.
func (s *Server) invoiceQR(w http.ResponseWriter, r *http.Request) {
	s.serveQR(w, r, "invoice", s.eng.InvoiceLinkURL)
}

// serveQR answers a PNG QR code of the page that the path's token opens.
// Only a token that opens something gets one (link finds it, without
// acting on it), so the route never encodes text a caller chose. The image
// carries the token, so it is kept from caches and referrers as the page
// is.
func (s *Server) serveQR(w http.ResponseWriter, r *http.Request, what string, link func(context.Context, string) (string, error)) {
	size := qrDefaultSize
	if q := r.URL.Query().Get("size"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < qrMinSize || n > qrMaxSize {
			http.Error(w, "size must be a whole number of pixels from 64 to 1024", http.StatusBadRequest)
			return
		}
		size = n
	}
	u, err := link(r.Context(), r.PathValue("token"))
	if err != nil {
		if fault.IsNotFound(err) {
			http.Error(w, "no "+what+" has this token", http.StatusNotFound)
			return
		}
		s.log.Error("QR code", "of", what, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	png, err := qrcode.Encode(u, qrcode.Medium, size)
	if err != nil {
		s.log.Error("QR code", "of", what, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("Content-Length", strconv.Itoa(len(png)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	w.Write(png)
}
