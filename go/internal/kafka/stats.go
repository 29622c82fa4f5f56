package kafka

import (
	"encoding/json"
	"math"
)

// StatsSummary is the report's librdkafkaStats section.
type StatsSummary struct {
	Samples            int     `json:"samples"`
	IntLatencyP50Us    float64 `json:"intLatencyP50Us"`
	IntLatencyP99Us    float64 `json:"intLatencyP99Us"`
	OutbufLatencyP50Us float64 `json:"outbufLatencyP50Us"`
	OutbufLatencyP99Us float64 `json:"outbufLatencyP99Us"`
	RttP50Us           float64 `json:"rttP50Us"`
	RttP99Us           float64 `json:"rttP99Us"`
	BatchSizeAvgBytes  float64 `json:"batchSizeAvgBytes"`
	BatchCountAvg      float64 `json:"batchCountAvg"`
	Requests           int64   `json:"requests"`
}

type window struct {
	P50 *float64 `json:"p50"`
	P99 *float64 `json:"p99"`
	Cnt float64  `json:"cnt"`
}

type avgWindow struct {
	Avg *float64 `json:"avg"`
	Cnt float64  `json:"cnt"`
}

type statsSample struct {
	Brokers map[string]struct {
		NodeID        *int64   `json:"nodeid"`
		Tx            *float64 `json:"tx"`
		IntLatency    *window  `json:"int_latency"`
		OutbufLatency *window  `json:"outbuf_latency"`
		Rtt           *window  `json:"rtt"`
	} `json:"brokers"`
	Topics map[string]struct {
		BatchSize *avgWindow `json:"batchsize"`
		BatchCnt  *avgWindow `json:"batchcnt"`
	} `json:"topics"`
}

type mean struct {
	sum float64
	n   int
}

func (m *mean) add(v *float64) {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return
	}
	m.sum += *v
	m.n++
}

func (m *mean) value() float64 {
	if m.n == 0 {
		return 0
	}
	return m.sum / float64(m.n)
}

// Stats reduces librdkafka statistics JSON samples (one per statistics.interval.ms) as they
// arrive, as src/contender/kafka/stats-summary.ts does: the mean over samples of each real
// broker's (nodeid ≥ 0, cnt > 0) window p50/p99; topics' batchsize/batchcnt averages; requests =
// growth of brokers[].tx between the first and the last sample. It keeps running sums and each
// broker's first and last tx, never the samples, so its memory does not grow with the run. The
// zero value is ready; it is not safe for concurrent use.
type Stats struct {
	intP50, intP99, outP50, outP99, rttP50, rttP99, batchSize, batchCount mean
	firstTx, lastTx                                                       map[string]float64
	parsed                                                                int
}

// Add folds one sample in; one that is not JSON is skipped.
func (a *Stats) Add(raw string) {
	var s statsSample
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return
	}
	if a.firstTx == nil {
		a.firstTx, a.lastTx = map[string]float64{}, map[string]float64{}
	}
	a.parsed++
	for name, b := range s.Brokers {
		if b.NodeID == nil || *b.NodeID < 0 {
			continue
		}
		for _, w := range []struct {
			w        *window
			p50, p99 *mean
		}{{b.IntLatency, &a.intP50, &a.intP99}, {b.OutbufLatency, &a.outP50, &a.outP99}, {b.Rtt, &a.rttP50, &a.rttP99}} {
			if w.w == nil || w.w.Cnt == 0 {
				continue
			}
			w.p50.add(w.w.P50)
			w.p99.add(w.w.P99)
		}
		if b.Tx != nil {
			if _, ok := a.firstTx[name]; !ok {
				a.firstTx[name] = *b.Tx
			}
			a.lastTx[name] = *b.Tx
		}
	}
	for _, t := range s.Topics {
		if t.BatchSize != nil && t.BatchSize.Cnt != 0 {
			a.batchSize.add(t.BatchSize.Avg)
		}
		if t.BatchCnt != nil && t.BatchCnt.Cnt != 0 {
			a.batchCount.add(t.BatchCnt.Avg)
		}
	}
}

// Summary is the report's section for the samples added so far.
func (a *Stats) Summary() StatsSummary {
	var requests int64
	for name, last := range a.lastTx {
		requests += int64(math.Max(last-a.firstTx[name], 0))
	}
	return StatsSummary{
		Samples:            a.parsed,
		IntLatencyP50Us:    a.intP50.value(),
		IntLatencyP99Us:    a.intP99.value(),
		OutbufLatencyP50Us: a.outP50.value(),
		OutbufLatencyP99Us: a.outP99.value(),
		RttP50Us:           a.rttP50.value(),
		RttP99Us:           a.rttP99.value(),
		BatchSizeAvgBytes:  a.batchSize.value(),
		BatchCountAvg:      a.batchCount.value(),
		Requests:           requests,
	}
}

// Brokers is how many brokers' tx the summary keeps: its only state that is not a fixed size
// (bounded by the cluster, not by the run's length).
func (a *Stats) Brokers() int { return len(a.firstTx) }

// SummarizeStats is Stats over a list of samples.
func SummarizeStats(samples []string) StatsSummary {
	var a Stats
	for _, raw := range samples {
		a.Add(raw)
	}
	return a.Summary()
}
