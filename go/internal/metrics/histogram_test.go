package metrics

import "testing"

// The semantics every contender shares: µs, 3 significant digits, zeros counted (min 0), HDR's
// value at percentile, values rounded to the nearest µs and negatives clamped to 0.
func TestSummarizeValuesVector(t *testing.T) {
	values := []float64{-5, 0, 0.4, 1, 2, 3, 1000, 2047, 2049, 10_000, 123_456, 1_000_000}
	got := SummarizeValues(values)
	want := LatencySummary{Count: 12, MinUs: 0, MeanUs: 94898.8, P50Us: 3, P95Us: 123_519, P99Us: 1_000_447, P999Us: 1_000_447, MaxUs: 1_000_447}
	if got != want {
		t.Fatalf("\n got %+v\nwant %+v", got, want)
	}
	if (SummarizeValues(nil) != LatencySummary{}) {
		t.Fatal("empty summary is not all zeros")
	}
}
