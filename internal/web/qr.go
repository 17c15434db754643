package web

import (
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
// code (PNG), for a payer who pays on a phone what another screen shows (a
// kiosk, a point of sale, a desk). Only a token that opens a session gets
// one, so the route never encodes text a caller chose. The image carries
// the token, so it is kept from caches and referrers as the page is.
func (s *Server) checkoutQR(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	size := qrDefaultSize
	if q := r.URL.Query().Get("size"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < qrMinSize || n > qrMaxSize {
			http.Error(w, "size must be a whole number of pixels from 64 to 1024", http.StatusBadRequest)
			return
		}
		size = n
	}
	if _, err := s.eng.OpenCheckout(r.Context(), token); err != nil {
		if fault.IsNotFound(err) {
			http.Error(w, "no checkout session has this token", http.StatusNotFound)
			return
		}
		s.log.Error("checkout QR code", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	png, err := qrcode.Encode(s.eng.CheckoutURL(token), qrcode.Medium, size)
	if err != nil {
		s.log.Error("checkout QR code", "err", err)
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
