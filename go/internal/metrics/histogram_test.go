package metrics

import (
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// The semantics every contender shares: µs, 3 significant digits, zeros counted (min 0), HDR's
// value at percentile, values rounded to the nearest µs and negatives clamped to 0.
func TestSummarizeValuesVector(t *testing.T) {
	values := []float64{-5, 0, 0.4, 1, 2, 3, 1000, 2047, 2049, 10_000, 123_456, 1_000_000}
	got := SummarizeValues(values)
	// p95 of 12 samples is rank ceil(11.4) = 12, as the TypeScript reference reads it (not 11, hdrhistogram-go's own rounding)
	want := LatencySummary{Count: 12, MinUs: 0, MeanUs: 94898.8, P50Us: 3, P95Us: 1_000_447, P99Us: 1_000_447, P999Us: 1_000_447, MaxUs: 1_000_447}
	if got != want {
		t.Fatalf("\n got %+v\nwant %+v", got, want)
	}
	if (SummarizeValues(nil) != LatencySummary{}) {
		t.Fatal("empty summary is not all zeros")
	}
}

// The encoded histogram is the one the summary was read from: it decodes (here with
// hdrhistogram-go, in the bench with hdr-histogram-js) to the same count and percentiles.
func TestEncodeDecodesToTheSummary(t *testing.T) {
	h := NewHistogram()
	for i := 0; i < 5000; i++ {
		v := float64((i * 7919) % 5000)
		if i%50 == 0 {
			v = 0
		}
		Record(h, v*v/10)
	}
	want := Summarize(h)
	decoded, err := hdrhistogram.Decode([]byte(Encode(h)))
	if err != nil {
		t.Fatal(err)
	}
	got := Summarize(decoded)
	if got.Count != want.Count || got.P99Us != want.P99Us || got != want {
		t.Fatalf("decoded %+v\n    want %+v", got, want)
	}
	empty, err := hdrhistogram.Decode([]byte(Encode(NewHistogram())))
	if err != nil || empty.TotalCount() != 0 {
		t.Fatalf("empty histogram decoded to %v (%v)", empty, err)
	}
}
