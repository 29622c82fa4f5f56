package kafka

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// summarizeAllSamples is the summary as it was computed before Stats, from every sample kept
// until the end: the oracle Stats must agree with.
func summarizeAllSamples(samples []string) StatsSummary {
	var intP50, intP99, outP50, outP99, rttP50, rttP99, batchSize, batchCount mean
	firstTx := map[string]float64{}
	lastTx := map[string]float64{}
	parsed := 0
	for _, raw := range samples {
		var s statsSample
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			continue
		}
		parsed++
		for name, b := range s.Brokers {
			if b.NodeID == nil || *b.NodeID < 0 {
				continue
			}
			for _, w := range []struct {
				w        *window
				p50, p99 *mean
			}{{b.IntLatency, &intP50, &intP99}, {b.OutbufLatency, &outP50, &outP99}, {b.Rtt, &rttP50, &rttP99}} {
				if w.w == nil || w.w.Cnt == 0 {
					continue
				}
				w.p50.add(w.w.P50)
				w.p99.add(w.w.P99)
			}
			if b.Tx != nil {
				if _, ok := firstTx[name]; !ok {
					firstTx[name] = *b.Tx
				}
				lastTx[name] = *b.Tx
			}
		}
		for _, t := range s.Topics {
			if t.BatchSize != nil && t.BatchSize.Cnt != 0 {
				batchSize.add(t.BatchSize.Avg)
			}
			if t.BatchCnt != nil && t.BatchCnt.Cnt != 0 {
				batchCount.add(t.BatchCnt.Avg)
			}
		}
	}
	var requests int64
	for name, last := range lastTx {
		requests += int64(math.Max(last-firstTx[name], 0))
	}
	return StatsSummary{parsed, intP50.value(), intP99.value(), outP50.value(), outP99.value(),
		rttP50.value(), rttP99.value(), batchSize.value(), batchCount.value(), requests}
}

// statsSamples are n librdkafka-shaped samples: three real brokers and a bootstrap one
// (nodeid -1), windows sometimes empty (cnt 0) or missing, tx growing, two topics, and now and
// then a sample that is not JSON.
func statsSamples(n int, seed int64) []string {
	rng := rand.New(rand.NewSource(seed))
	tx := map[string]int{}
	samples := make([]string, 0, n)
	win := func() any {
		if rng.Intn(10) == 0 {
			return nil
		}
		cnt := 0
		if rng.Intn(5) > 0 {
			cnt = 1 + rng.Intn(500)
		}
		return map[string]any{"p50": rng.Float64() * 5000, "p99": rng.Float64() * 50000, "cnt": cnt}
	}
	for i := 0; i < n; i++ {
		if rng.Intn(50) == 0 {
			samples = append(samples, fmt.Sprintf(`{"brokers": {"truncated %d`, i))
			continue
		}
		brokers := map[string]any{}
		for _, b := range []struct {
			name string
			node int
		}{{"127.0.0.1:9092/1", 1}, {"127.0.0.1:9093/2", 2}, {"127.0.0.1:9094/3", 3}, {"127.0.0.1:9092/bootstrap", -1}} {
			tx[b.name] += rng.Intn(300)
			broker := map[string]any{"nodeid": b.node, "int_latency": win(), "outbuf_latency": win(), "rtt": win()}
			if rng.Intn(20) > 0 {
				broker["tx"] = tx[b.name]
			}
			brokers[b.name] = broker
		}
		topics := map[string]any{}
		for _, name := range []string{"upbit-ticker-go", "other"} {
			topics[name] = map[string]any{
				"batchsize": map[string]any{"avg": rng.Float64() * 32768, "cnt": rng.Intn(3)},
				"batchcnt":  map[string]any{"avg": rng.Float64() * 40, "cnt": rng.Intn(3)},
			}
		}
		raw, _ := json.Marshal(map[string]any{"brokers": brokers, "topics": topics})
		samples = append(samples, string(raw))
	}
	return samples
}

func closeTo(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// Summarised as they arrive, the samples give the summary the kept samples gave (up to the
// order Go's maps add a sample's brokers in), and the retained state does not grow with them.
func TestStatsAsTheyArriveEqualTheSummaryOfAllSamples(t *testing.T) {
	samples := statsSamples(20000, 25)
	var acc Stats
	for i, raw := range samples {
		acc.Add(raw)
		if n := i + 1; n == 1 || n == 100 || n == 5000 || n == len(samples) {
			got, want := acc.Summary(), summarizeAllSamples(samples[:n])
			if got.Samples != want.Samples || got.Requests != want.Requests {
				t.Fatalf("after %d samples: %+v, want %+v", n, got, want)
			}
			for _, f := range [][2]float64{
				{got.IntLatencyP50Us, want.IntLatencyP50Us}, {got.IntLatencyP99Us, want.IntLatencyP99Us},
				{got.OutbufLatencyP50Us, want.OutbufLatencyP50Us}, {got.OutbufLatencyP99Us, want.OutbufLatencyP99Us},
				{got.RttP50Us, want.RttP50Us}, {got.RttP99Us, want.RttP99Us},
				{got.BatchSizeAvgBytes, want.BatchSizeAvgBytes}, {got.BatchCountAvg, want.BatchCountAvg},
			} {
				if !closeTo(f[0], f[1]) {
					t.Fatalf("after %d samples: %+v, want %+v", n, got, want)
				}
			}
			if acc.Brokers() > 3 {
				t.Fatalf("after %d samples the summary keeps tx of %d brokers, more than the 3 real ones", n, acc.Brokers())
			}
		}
	}
	if s := acc.Summary(); acc.Brokers() != 3 || s.Samples < 19000 || s.Requests == 0 || s.RttP99Us == 0 {
		t.Fatalf("the samples did not exercise the summary: %+v", s)
	}
}
