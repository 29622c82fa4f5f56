package metrics

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
)

const (
	ringBits = 19 // 2^19 in-flight messages tracked: minutes of backlog at 2,000 msg/s
	ring     = 1 << ringBits
	mask     = ring - 1
)

// InvalidSample is one frame that failed the cheap check.
type InvalidSample struct {
	Reason string `json:"reason"`
	Frame  string `json:"frame"`
	Bytes  int    `json:"bytes"`
}

// IntervalSample is one 5-second point of the series.
type IntervalSample struct {
	OffsetMs        float64 `json:"offsetMs"`
	Received        int64   `json:"received"`
	Delivered       int64   `json:"delivered"`
	Failed          int64   `json:"failed"`
	ReceivedPerSec  float64 `json:"receivedPerSec"`
	DeliveredPerSec float64 `json:"deliveredPerSec"`
	PipelineP99Us   float64 `json:"pipelineP99Us"`
	RssBytes        int64   `json:"rssBytes"`
	HeapBytes       int64   `json:"heapBytes"`
}

// WarmupCounts are the warm-up's own figures: no other figure counts these messages.
type WarmupCounts struct {
	Received  int64
	Produced  int64
	Delivered int64
	Failed    int64
}

// Recorder holds the counters and latency histograms of one run. It is not safe for
// concurrent use: the pipeline serialises every call under its own lock. Timestamps of
// in-flight messages live in preallocated rings indexed by seq, so tracking allocates nothing.
// The window's figures are the exported counters without a prefix; Warmup, BeforeReady,
// StatusFrames and ErrorFrames are kept apart.
type Recorder struct {
	base time.Time // monotonic origin of the ns offsets below

	Warmup       WarmupCounts
	BeforeReady  int64
	StatusFrames int64
	ErrorFrames  map[string]int64

	Received         int64
	BytesReceived    int64
	Invalid          int64
	Produced         int64
	Delivered        int64
	DeliveredBytes   int64
	Failed           int64 // failed delivery reports and produce errors
	QueueFullRetries int64
	Untracked        int64
	ErrorsByCode     map[string]int64
	InvalidSamples   []InvalidSample

	Processing    *hdrhistogram.Histogram
	KafkaAck      *hdrhistogram.Histogram
	Pipeline      *hdrhistogram.Histogram
	ExchangeToAck *hdrhistogram.Histogram
	interval      *hdrhistogram.Histogram

	inAt       []int64
	producedAt []int64
	exchangeMs []int64
	seqAt      []uint64
	sizeAt     []int32

	Intervals    []IntervalSample
	failedDRs    int64 // the failed delivery reports among Failed
	lastOffsetMs float64
	lastReceived int64
	lastDeliv    int64
}

// NewRecorder starts a recorder whose monotonic clock starts now.
func NewRecorder() *Recorder {
	return &Recorder{
		base:           time.Now(),
		ErrorFrames:    map[string]int64{},
		ErrorsByCode:   map[string]int64{},
		InvalidSamples: []InvalidSample{},
		Processing:     NewHistogram(),
		KafkaAck:       NewHistogram(),
		Pipeline:       NewHistogram(),
		ExchangeToAck:  NewHistogram(),
		interval:       NewHistogram(),
		inAt:           make([]int64, ring),
		producedAt:     make([]int64, ring),
		exchangeMs:     make([]int64, ring),
		seqAt:          make([]uint64, ring),
		sizeAt:         make([]int32, ring),
		Intervals:      []IntervalSample{},
	}
}

// Now is the recorder's monotonic clock, ns.
func (r *Recorder) Now() int64 { return int64(time.Since(r.base)) }

// FrameReceived counts a data frame that arrived in the window, valid or not.
func (r *Recorder) FrameReceived(bytes int) {
	r.Received++
	r.BytesReceived += int64(bytes)
}

// FrameIn: a window frame passed the check and is about to be produced as seq.
func (r *Recorder) FrameIn(seq uint64, inAtNs int64, bytes int, exchangeMs int64) {
	slot := seq & mask
	r.inAt[slot] = inAtNs
	r.exchangeMs[slot] = exchangeMs
	r.seqAt[slot] = seq
	r.sizeAt[slot] = int32(bytes)
}

// ProducedOK: the produce call for seq returned at nowNs.
func (r *Recorder) ProducedOK(seq uint64, nowNs int64) {
	r.Produced++
	slot := seq & mask
	r.producedAt[slot] = nowNs
	Record(r.Processing, float64(nowNs-r.inAt[slot])/1000)
}

// InvalidFrame counts a window frame that failed the check (size bytes, of which frame holds at
// least the first), keeping the contract's number of samples.
func (r *Recorder) InvalidFrame(reason string, frame []byte, size int) {
	r.Invalid++
	keep := contract.Rules().InvalidSamples
	if len(r.InvalidSamples) < keep.Max {
		head := frame[:min(len(frame), keep.Bytes)]
		r.InvalidSamples = append(r.InvalidSamples, InvalidSample{Reason: reason, Frame: strings.ToValidUTF8(string(head), string(utf8.RuneError)), Bytes: size})
	}
}

// DeliveryReport records the outcome of seq; errName is "" on success.
func (r *Recorder) DeliveryReport(seq uint64, errName string, nowNs int64, wallMs int64) {
	if errName != "" {
		r.Failed++
		r.failedDRs++
		r.ErrorsByCode[errName]++
		return
	}
	r.Delivered++
	slot := seq & mask
	if r.seqAt[slot] != seq {
		r.Untracked++
		return
	}
	r.DeliveredBytes += int64(r.sizeAt[slot])
	Record(r.KafkaAck, float64(nowNs-r.producedAt[slot])/1000)
	pipelineUs := float64(nowNs-r.inAt[slot]) / 1000
	Record(r.Pipeline, pipelineUs)
	Record(r.interval, pipelineUs)
	if ex := r.exchangeMs[slot]; ex > 0 {
		Record(r.ExchangeToAck, float64(wallMs-ex)*1000)
	}
}

// InFlight is the window's messages produced whose delivery report has not been recorded:
// Produced − delivered − failed reports, from the same counters the reports update, so
// delivered + failed + in flight = valid frames by construction. librdkafka's out-queue length
// is not used: it also counts the statistics and error events waiting on the main queue and the
// warm-up's messages (issue 25: a 3-node failover reported 1 in flight with every frame
// delivered).
func (r *Recorder) InFlight() int64 { return r.Produced - r.Delivered - r.failedDRs }

// ProduceError counts a message that could not be enqueued.
func (r *Recorder) ProduceError(errName string) {
	r.Failed++
	r.ErrorsByCode[errName]++
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// Interval closes a point of the series at offsetMs after the window opened.
func (r *Recorder) Interval(offsetMs float64, rssBytes, heapBytes int64) IntervalSample {
	seconds := math.Max((offsetMs-r.lastOffsetMs)/1000, 1e-9)
	p99 := 0.0
	if r.interval.TotalCount() > 0 {
		p99 = float64(ValueAtPercentile(r.interval, 99))
	}
	s := IntervalSample{
		OffsetMs:        math.Round(offsetMs),
		Received:        r.Received,
		Delivered:       r.Delivered,
		Failed:          r.Failed,
		ReceivedPerSec:  round1(float64(r.Received-r.lastReceived) / seconds),
		DeliveredPerSec: round1(float64(r.Delivered-r.lastDeliv) / seconds),
		PipelineP99Us:   p99,
		RssBytes:        rssBytes,
		HeapBytes:       heapBytes,
	}
	r.Intervals = append(r.Intervals, s)
	r.lastOffsetMs, r.lastReceived, r.lastDeliv = offsetMs, r.Received, r.Delivered
	r.interval.Reset()
	return s
}
