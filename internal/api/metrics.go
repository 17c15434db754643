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
	calls    *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	batch    prometheus.Histogram
	commit   prometheus.Histogram
}

// NewMetrics registers paygate's series on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "paygate_http_requests_total", Help: "HTTP requests by route, method and status."}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "paygate_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, []string{"route"}),
		payments: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "paygate_payments_total", Help: "Payment state changes by resulting status."}, []string{"status"}),
	}
	m.calls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "paygate_connector_calls_total",
		Help: "Processor calls by connector, configuration (pg_code), operation and outcome (approved, declined, pending, or an error class such as timeout); approval rate = approved / (approved + declined)."},
		[]string{"connector", "config", "operation", "outcome"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "paygate_connector_call_duration_seconds", Help: "Processor call latency by connector, configuration and operation.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, []string{"connector", "config", "operation"})
	m.batch = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "paygate_store_commit_transactions", Help: "Transactions grouped into one store commit (group commit).",
		Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256}})
	m.commit = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "paygate_store_commit_duration_seconds", Help: "Time a store writer spent on one group commit, from BEGIN to the end of COMMIT (its fsync included).",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}})
	reg.MustRegister(m.requests, m.duration, m.payments, m.calls, m.latency, m.batch, m.commit)
	return m
}

// PaymentChanged implements engine.Observer.
func (m *Metrics) PaymentChanged(p *payment.Payment) {
	m.payments.WithLabelValues(string(p.Status)).Inc()
}

// ConnectorCall implements engine.ConnectorObserver.
func (m *Metrics) ConnectorCall(connectorName, config, operation, outcome string, d time.Duration) {
	m.calls.WithLabelValues(connectorName, config, operation, outcome).Inc()
	m.latency.WithLabelValues(connectorName, config, operation).Observe(d.Seconds())
}

// StoreCommit observes one group commit of the store's writer.
func (m *Metrics) StoreCommit(transactions int, took time.Duration) {
	m.batch.Observe(float64(transactions))
	m.commit.Observe(took.Seconds())
}

func (m *Metrics) observe(route, method string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}
