package dashboard

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

// overviewDays is how far back the overview's charts reach.
const overviewDays = 30

// approved reports whether a payment's status means the processor approved
// it (whatever happened after); failed is the declined side. Payments still
// in progress or abandoned (expired) count in neither, so they do not drag
// the approval rate.
func approved(s payment.Status) bool {
	switch s {
	case payment.Authorized, payment.Captured, payment.PartiallyRefunded, payment.Refunded, payment.Voided:
		return true
	}
	return false
}

// chart is a bar chart drawn as SVG on the server: the template only
// places the rectangles computed here.
type chart struct {
	Title, Summary string
	Width, Height  int
	Bars           []bar
	// Labels are the x-axis labels at a few bars; Max labels the top.
	Labels []axisLabel
	Max    string
}

type bar struct {
	X, Y, W, H int
	Tip        string
}

type axisLabel struct {
	X    int
	Text string
}

// The drawing is as wide in user units as a chart is in pixels on a phone
// (about 300), so its 11-unit labels stay readable when the page scales
// it; wider charts of the desktop grid scale them up, not down.
const (
	chartW, chartH = 300, 110
	chartTop       = 14
	chartBottom    = 18
)

// barChart draws one bar per day; value formats a value for the labels.
func barChart(title string, days []time.Time, values []int64, value func(int64) string) chart {
	c := chart{Title: title, Width: chartW, Height: chartH}
	var top, total int64
	for _, v := range values {
		top = max(top, v)
		total += v
	}
	c.Max, c.Summary = value(top), title+": "+value(total)+" over "+strconv.Itoa(len(days))+" days"
	n := max(len(days), 1)
	slot := max(chartW/n, 1)
	plot := chartH - chartTop - chartBottom
	// Labels are a week apart (or more, when days are narrow) and at least
	// labelGap units from each other, the last day's always shown.
	const labelGap = 45
	every := max(7, (labelGap+slot-1)/slot)
	labelX := func(i int) int { return min(max(i*slot+slot/2, 18), chartW-18) }
	lastX := labelX(len(days) - 1)
	for i, v := range values {
		h := 0
		if top > 0 {
			h = int(v * int64(plot) / top)
		}
		if v > 0 && h == 0 {
			h = 1
		}
		c.Bars = append(c.Bars, bar{X: i*slot + 1, Y: chartTop + plot - h, W: max(slot-2, 1), H: h,
			Tip: days[i].Format("Jan 2") + ": " + value(v)})
		x := labelX(i)
		apart := len(c.Labels) == 0 || x-c.Labels[len(c.Labels)-1].X >= labelGap
		if i == len(days)-1 || i%every == 0 && apart && lastX-x >= labelGap {
			c.Labels = append(c.Labels, axisLabel{X: x, Text: days[i].Format("Jan 2")})
		}
	}
	return c
}

type currencyCharts struct {
	Currency            string
	Volume, Count, Rate chart
	ApprovalRate        string
	Methods             []methodShare
	VolumeTotal         string
}

// methodShare is one payment method's part of a currency's volume.
type methodShare struct {
	Method, Volume string
	Width          int // of a 100-wide bar
}

type overviewView struct {
	view
	Balances   []engine.CurrencyBalance
	Currencies []currencyCharts
	Days       int
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	stats, err := s.eng.PaymentStats(ctx, q.actor, overviewDays)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	bal, err := s.eng.Balance(ctx, q.actor)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	v := &overviewView{view: view{Title: "Overview", Nav: "overview"}, Balances: bal, Days: overviewDays}
	today := s.eng.Now().UTC().Truncate(24 * time.Hour)
	days := make([]time.Time, overviewDays)
	for i := range days {
		days[i] = today.AddDate(0, 0, i-overviewDays+1)
	}
	v.Currencies = chartsByCurrency(stats, days)
	s.renderFor(w, r, q, http.StatusOK, "overview", v)
}

func chartsByCurrency(stats []engine.DailyPayments, days []time.Time) []currencyCharts {
	index := map[int64]int{}
	for i, d := range days {
		index[d.Unix()] = i
	}
	type acc struct {
		volume, count, ok, declined []int64
		methods                     map[string]int64
	}
	by := map[string]*acc{}
	for _, st := range stats {
		i, in := index[st.Day.Unix()]
		if !in {
			continue
		}
		a := by[st.Currency]
		if a == nil {
			n := len(days)
			a = &acc{volume: make([]int64, n), count: make([]int64, n), ok: make([]int64, n), declined: make([]int64, n), methods: map[string]int64{}}
			by[st.Currency] = a
		}
		a.count[i] += st.Count
		switch {
		case approved(st.Status):
			a.volume[i] += st.Amount
			a.ok[i] += st.Count
			m := st.Config
			if m == "" {
				m = "card"
			}
			a.methods[m] += st.Amount
		case st.Status == payment.Failed:
			a.declined[i] += st.Count
		}
	}
	var out []currencyCharts
	for cur, a := range by {
		money := func(v int64) string { return formatMoney(v, cur) }
		rate := make([]int64, len(days))
		var ok, all, total int64
		for i := range days {
			if n := a.ok[i] + a.declined[i]; n > 0 {
				rate[i] = a.ok[i] * 100 / n
			}
			ok, all, total = ok+a.ok[i], all+a.ok[i]+a.declined[i], total+a.volume[i]
		}
		c := currencyCharts{Currency: cur, VolumeTotal: money(total),
			Volume: barChart("Approved volume per day ("+cur+")", days, a.volume, money),
			Count:  barChart("Payments per day ("+cur+")", days, a.count, func(v int64) string { return strconv.FormatInt(v, 10) }),
			Rate:   barChart("Approval rate per day ("+cur+")", days, rate, func(v int64) string { return strconv.FormatInt(v, 10) + "%" }),
		}
		c.ApprovalRate = "—"
		if all > 0 {
			c.ApprovalRate = strconv.FormatInt(ok*100/all, 10) + "%"
		}
		for m, amt := range a.methods {
			w := 0
			if total > 0 {
				w = int(amt * 100 / total)
			}
			c.Methods = append(c.Methods, methodShare{Method: m, Volume: money(amt), Width: max(w, 1)})
		}
		sort.Slice(c.Methods, func(i, j int) bool { return c.Methods[i].Method < c.Methods[j].Method })
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}
