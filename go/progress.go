package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sync"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
	"github.com/upbit-kafka-bench/go-producer/internal/report"
	"github.com/upbit-kafka-bench/go-producer/internal/upbit"
)

// Out prints human lines (`[go] ...`) and the machine lines the bench reads (`@bench {json}`,
// shaped by events.schema.json).
type Out struct {
	mu   sync.Mutex
	name string
	w    io.Writer
	// hides the run's secrets in lines whose text came from a library or the network
	scrub *contract.Scrubber
}

func (o *Out) Log(line string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	fmt.Fprintf(o.w, "[%s] %s\n", o.name, o.scrub.Scrub(line))
}

func (o *Out) Logf(format string, args ...any) { o.Log(fmt.Sprintf(format, args...)) }

// Event prints one machine line; payload is a struct whose field order is the line's.
func (o *Out) Event(payload any) {
	if e, ok := payload.(errorEvent); ok {
		e.Message = o.scrub.Scrub(e.Message)
		payload = e
	}
	data, err := json.Marshal(payload)
	if err != nil {
		data, _ = json.Marshal(errorEvent{Event: "error", Message: err.Error()})
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	fmt.Fprintf(o.w, "%s%s\n", contract.EventPrefix, data)
}

type readyEvent struct {
	Event       string `json:"event"`
	Contender   string `json:"contender"`
	Connections int    `json:"connections"`
	Markets     int    `json:"markets"`
	AtMs        int64  `json:"atMs"`
}

type warmupEvent struct {
	Event   string `json:"event"`
	FromMs  int64  `json:"fromMs"`
	StartMs int64  `json:"startMs"`
}

type startEvent struct {
	Event   string `json:"event"`
	StartMs int64  `json:"startMs"`
}

type metricsEvent struct {
	Event           string  `json:"event"`
	OffsetMs        float64 `json:"offsetMs"`
	Received        int64   `json:"received"`
	Delivered       int64   `json:"delivered"`
	Failed          int64   `json:"failed"`
	ReceivedPerSec  float64 `json:"receivedPerSec"`
	DeliveredPerSec float64 `json:"deliveredPerSec"`
	PipelineP99Us   float64 `json:"pipelineP99Us"`
	RssBytes        int64   `json:"rssBytes"`
}

type endEvent struct {
	Event string `json:"event"`
	EndMs int64  `json:"endMs"`
}

type reportEvent struct {
	Event  string `json:"event"`
	Path   string `json:"path"`
	Status string `json:"status"`
}

type errorEvent struct {
	Event   string `json:"event"`
	Message string `json:"message"`
}

func mb(bytes float64) string { return fmt.Sprintf("%.1f MB", bytes/1048576) }
func msOf(us float64) string  { return fmt.Sprintf("%.2f ms", us/1000) }

// Metrics prints an interval's line; p95/p99 are the cumulative pipeline percentiles.
func (o *Out) Metrics(s metrics.IntervalSample, p95, p99 float64) {
	o.Logf("metrics t=%.0fs received=%d (%v/s) delivered=%d (%v/s) pipeline p95=%s p99=%s rss=%s",
		s.OffsetMs/1000, s.Received, s.ReceivedPerSec, s.Delivered, s.DeliveredPerSec, msOf(p95), msOf(p99), mb(float64(s.RssBytes)))
	o.Event(metricsEvent{
		Event: "metrics", OffsetMs: s.OffsetMs, Received: s.Received, Delivered: s.Delivered, Failed: s.Failed,
		ReceivedPerSec: s.ReceivedPerSec, DeliveredPerSec: s.DeliveredPerSec, PipelineP99Us: s.PipelineP99Us, RssBytes: s.RssBytes,
	})
}

// Progress prints the 10-second human line.
func (o *Out) Progress(s metrics.IntervalSample, invalid int64, durationS int, c upbit.ClientStats) {
	done := math.Min(s.OffsetMs/1000, float64(durationS))
	o.Logf("progress %.0f/%d s (%.0f%%) received=%d delivered=%d failed=%d invalid=%d reconnects=%d",
		done, durationS, done/float64(durationS)*100, s.Received, s.Delivered, s.Failed, invalid, c.Reconnects)
}

// Summary prints the closing human line.
func (o *Out) Summary(r report.Report) {
	l := r.Latency
	o.Logf("done (%s): %d/%d delivered in %.3f s (accuracy %v ms), %v msg/s, pipeline p50=%s p99=%s, rss max %s, cpu %v µs/msg",
		r.Status, r.Messages.Delivered, r.Messages.Received, r.Timing.MeasuredDurationMs/1000, r.Timing.AccuracyMs,
		r.Throughput.DeliveredPerSec, msOf(l.Pipeline.P50Us), msOf(l.Pipeline.P99Us), mb(r.Memory.RssBytes.Max), r.CPU.UsPerDeliveredMessage)
	for _, reason := range r.StatusReasons {
		o.Logf("status reason %s: %s", reason.Code, reason.Message)
	}
}
