package api

import (
	"time"

	"github.com/paygate/paygate/internal/payment"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are paygate's Prometheus series. It also observes the engine
// (engine.Observer) to count payments by status.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	payments *prometheus.CounterVec
}

// NewMetrics registers paygate's series on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "paygate_http_requests_total", Help: "HTTP requests by route, method and status."}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "paygate_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, []string{"route"}),
		payments: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "paygate_payments_total", Help: "Payment state changes by resulting status."}, []string{"status"}),
	}
	reg.MustRegister(m.requests, m.duration, m.payments)
	return m
}

// PaymentChanged implements engine.Observer.
func (m *Metrics) PaymentChanged(p *payment.Payment) {
	m.payments.WithLabelValues(string(p.Status)).Inc()
}

func (m *Metrics) observe(route, method string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}
