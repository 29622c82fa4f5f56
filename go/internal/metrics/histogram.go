// Package metrics holds the run's counters, HDR latency histograms (µs), the 5-second
// interval series, and the memory and CPU readings.
package metrics

import (
	"math"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// LatencySummary is an HDR histogram read out, in microseconds.
type LatencySummary struct {
	Count  int64   `json:"count"`
	MinUs  float64 `json:"minUs"`
	MeanUs float64 `json:"meanUs"`
	P50Us  float64 `json:"p50Us"`
	P95Us  float64 `json:"p95Us"`
	P99Us  float64 `json:"p99Us"`
	P999Us float64 `json:"p999Us"`
	MaxUs  float64 `json:"maxUs"`
}

// highestUs is one hour: nothing in a run waits longer; longer values are clamped.
const highestUs = 3_600_000_000

// NewHistogram is 1 µs … 1 h at 3 significant digits (as OpenMessaging Benchmark and wrk2).
func NewHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, highestUs, 3)
}

// Record adds a µs value, clamping negatives (clock steps) to 0.
func Record(h *hdrhistogram.Histogram, us float64) {
	v := int64(math.Round(us))
	if v < 0 {
		v = 0
	}
	if v > highestUs {
		v = highestUs
	}
	_ = h.RecordValue(v)
}

// Summarize reads a histogram out; empty ones are all zeros. Zeros count: MinUs may be 0.
// Percentiles are HDR's value at percentile.
func Summarize(h *hdrhistogram.Histogram) LatencySummary {
	n := h.TotalCount()
	if n == 0 {
		return LatencySummary{}
	}
	return LatencySummary{
		Count:  n,
		MinUs:  float64(h.Min()),
		MeanUs: math.Round(h.Mean()*10) / 10,
		P50Us:  float64(ValueAtPercentile(h, 50)),
		P95Us:  float64(ValueAtPercentile(h, 95)),
		P99Us:  float64(ValueAtPercentile(h, 99)),
		P999Us: float64(ValueAtPercentile(h, 99.9)),
		MaxUs:  float64(h.Max()),
	}
}

// ValueAtPercentile is HDR's value at percentile with HdrHistogram's rank, ceil(p/100·N), as
// Java's HdrHistogram, hdr-histogram-js (the contract's reference) and the Rust crate read it.
// hdrhistogram-go rounds the rank to the nearest instead, so on its own it reads one sample
// lower whenever p/100·N has a fraction under a half (p99 of 1,070 samples: rank 1059, not 1060),
// and the report's p99 would disagree with the pooled histogram's. Asking it for the quantile
// rank/N makes its rounding land on exactly that rank.
func ValueAtPercentile(h *hdrhistogram.Histogram, p float64) int64 {
	n := h.TotalCount()
	if n == 0 {
		return 0
	}
	x := min(p, 100) / 100 * float64(n)
	// HdrHistogram's guard: an fp result 1 ulp over a whole count is that count
	rank := max(int64(math.Ceil(x-(math.Nextafter(x, math.Inf(1))-x))), 1)
	return h.ValueAtQuantile(100 * float64(rank) / float64(n))
}

// Encode is the histogram itself in HdrHistogram's compressed V2 form, base64 (what every HDR
// library reads), so the comparison can pool rounds: summaries cannot be merged, histograms can.
func Encode(h *hdrhistogram.Histogram) string {
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		// the library fails only on an unknown version or a failed write to its in-memory buffer
		panic("hdrhistogram: V2 compressed encoding failed: " + err.Error())
	}
	return string(b)
}

// SummarizeValues records µs values into a fresh histogram and reads it out: the one function
// from samples to a LatencySummary, for cross-language test vectors.
func SummarizeValues(us []float64) LatencySummary {
	h := NewHistogram()
	for _, v := range us {
		Record(h, v)
	}
	return Summarize(h)
}
