package paymentz

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

// transactionDetails is POST /getTransactionDetails: one payment by
// paymentId, or with idType=MID by merchantTransactionId; signed like IN
// (memberId|secureKey|paymentId or …|merchantTransactionId). The reference
// names the endpoint but not its checksum; paygate uses IN's.
func (s *Server) transactionDetails(w http.ResponseWriter, r *http.Request, c *call) {
	q := c.req
	pathID := q.Get("paymentId")
	if !checksumMatches(q.Get("authentication.checksum"), LookupChecksum(c.member, c.key, lookupID(q, pathID))) {
		s.fail(w, r, errBadChecksum)
		return
	}
	p, _, err := s.find(r, c.actor(r), q, pathID)
	if unpaid := (*unpaidSession)(nil); errors.As(err, &unpaid) {
		v := s.sessionView(r.Context(), c.actor(r), unpaid.sess, "")
		v.Result = result{codeRecordFound, "Record found"}
		encode(w, r, http.StatusOK, v)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.found(w, r, p)
}

// found answers a payment looked up (an inquiry's view, "Record found").
func (s *Server) found(w http.ResponseWriter, r *http.Request, p *payment.Payment) {
	v := paymentView(p, s.now())
	v.Result = result{codeRecordFound, "Record found"}
	encode(w, r, http.StatusOK, v)
}

// listDateLayout is how pagination.fromdate and todate are written. The
// reference names the fields only; paygate takes the vendor's timestamp
// layout, or a date alone (UTC), todate inclusive.
var listDateLayouts = []string{timestampLayout, "2006-01-02"}

func parseListDate(name, v string, end bool) (time.Time, error) {
	for _, l := range listDateLayouts {
		if t, err := time.ParseInLocation(l, v, time.UTC); err == nil {
			if end && l == "2006-01-02" {
				t = t.Add(24 * time.Hour)
			} else if end {
				t = t.Add(time.Second)
			}
			return t, nil
		}
	}
	return time.Time{}, badParam("%s must be yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", name)
}

// transactionList is POST /getTransactionList: the member's payments
// created in [pagination.fromdate, pagination.todate], newest first, page
// pagination.pageno (from 1) of pagination.records (1 to 100, default 20).
// Signed memberId|secureKey|fromdate|todate (paygate's choice: the
// reference gives none for lookups).
func (s *Server) transactionList(w http.ResponseWriter, r *http.Request, c *call) {
	q := c.req
	from, to := q.Get("pagination.fromdate"), q.Get("pagination.todate")
	if !checksumMatches(q.Get("authentication.checksum"), Checksum(c.member, c.key, from, to)) {
		s.fail(w, r, errBadChecksum)
		return
	}
	gte, err := parseListDate("pagination.fromdate", from, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lt, err := parseListDate("pagination.todate", to, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, records := 1, 20
	if v := q.Get("pagination.pageno"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 || page > 1000 {
			s.fail(w, r, badParam("pagination.pageno must be 1 to 1000"))
			return
		}
	}
	if v := q.Get("pagination.records"); v != "" {
		if records, err = strconv.Atoi(v); err != nil || records < 1 || records > 100 {
			s.fail(w, r, badParam("pagination.records must be 1 to 100"))
			return
		}
	}
	a := c.actor(r)
	var ps []*payment.Payment
	after := ""
	for n := 1; n <= page; n++ {
		ps, _, err = s.e.ListPayments(r.Context(), a, engine.PaymentFilter{CreatedGTE: gte, CreatedLT: lt, StartingAfter: after, Limit: records})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(ps) == 0 {
			break
		}
		after = ps[len(ps)-1].ID
	}
	now := s.now()
	out := &response{Result: result{codeRecordFound, "Record found"}, Timestamp: stamp(now), Transactions: []*response{}}
	for _, p := range ps {
		v := paymentView(p, now)
		v.Timestamp = stamp(p.CreatedAt)
		v.Result = paymentResult(p)
		out.Transactions = append(out.Transactions, v)
	}
	out.Pagination = &pagination{PageNo: strconv.Itoa(page), Records: strconv.Itoa(len(out.Transactions)), FromDate: from, ToDate: to}
	encode(w, r, http.StatusOK, out)
}

type pagination struct {
	PageNo   string `json:"pageno" xml:"pageno"`
	Records  string `json:"records" xml:"records"`
	FromDate string `json:"fromdate" xml:"fromdate"`
	ToDate   string `json:"todate" xml:"todate"`
}
