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

// SummarizeStats reduces librdkafka statistics JSON samples (one per statistics.interval.ms)
// as src/kafka/stats-summary.ts does: the mean over samples of each real broker's (nodeid ≥ 0,
// cnt > 0) window p50/p99; topics' batchsize/batchcnt averages; requests = growth of
// brokers[].tx between the first and the last sample.
func SummarizeStats(samples []string) StatsSummary {
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
	return StatsSummary{
		Samples:            parsed,
		IntLatencyP50Us:    intP50.value(),
		IntLatencyP99Us:    intP99.value(),
		OutbufLatencyP50Us: outP50.value(),
		OutbufLatencyP99Us: outP99.value(),
		RttP50Us:           rttP50.value(),
		RttP99Us:           rttP99.value(),
		BatchSizeAvgBytes:  batchSize.value(),
		BatchCountAvg:      batchCount.value(),
		Requests:           requests,
	}
}
