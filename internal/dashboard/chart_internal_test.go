package dashboard

import (
	"strconv"
	"testing"
	"time"
)

// TestChartLabelsNeverSitOnEachOther: whatever the number of days, two
// x-axis labels ("Dec 22" is about 36 units wide at 11 units a glyph row)
// are at least 40 units apart, and the last day is labelled.
func TestChartLabelsNeverSitOnEachOther(t *testing.T) {
	for n := 1; n <= 60; n++ {
		days := make([]time.Time, n)
		values := make([]int64, n)
		for i := range days {
			days[i] = time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
			values[i] = int64(i)
		}
		c := barChart("t", days, values, func(v int64) string { return strconv.FormatInt(v, 10) })
		if last := c.Labels[len(c.Labels)-1]; last.Text != days[n-1].Format("Jan 2") {
			t.Fatalf("%d days: the last label is %q", n, last.Text)
		}
		for i := 1; i < len(c.Labels); i++ {
			if gap := c.Labels[i].X - c.Labels[i-1].X; gap < 40 {
				t.Fatalf("%d days: labels %q and %q are %d units apart", n, c.Labels[i-1].Text, c.Labels[i].Text, gap)
			}
		}
	}
}
