// Package pipeline is the hot path: frame in → cheap check → produce (key = market code,
// value = the frame's bytes as received, headers seq and contender) → delivery report. Only
// frames inside the measuring window are counted and produced. Connection goroutines call
// OnFrame concurrently; one lock orders seq assignment, produce and the recorder, so seq is
// 1, 2, 3, … with no gaps and the delivery goroutine always sees a message's timestamps.
package pipeline

import (
	"sync"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
	"github.com/upbit-kafka-bench/go-producer/internal/upbit"
)

// Sink is what the pipeline needs of the producer.
type Sink interface {
	Produce(key, value []byte, seq uint64) (bool, error)
}

// QueueFullGiveUp bounds the retries of one message against a full local queue.
const QueueFullGiveUp = 10 * time.Second

// Pipeline counts, checks and produces frames.
type Pipeline struct {
	mu        sync.Mutex
	measuring bool
	seq       uint64
	markets   map[string]string
	keys      map[string][]byte
	rec       *metrics.Recorder
	sink      Sink
	stats     []string
}

// New prepares the pipeline for the subscribed codes; the sink is set with SetSink.
func New(rec *metrics.Recorder, codes []string) *Pipeline {
	p := &Pipeline{markets: map[string]string{}, keys: map[string][]byte{}, rec: rec}
	for _, code := range codes {
		p.markets[code] = code
		p.keys[code] = []byte(code)
	}
	return p
}

// SetSink sets the producer (created after the pipeline so its handlers can point here).
func (p *Pipeline) SetSink(s Sink) {
	p.mu.Lock()
	p.sink = s
	p.mu.Unlock()
}

// SetMeasuring opens or closes the window.
func (p *Pipeline) SetMeasuring(on bool) {
	p.mu.Lock()
	p.measuring = on
	p.mu.Unlock()
}

// Measuring tells whether the window is open.
func (p *Pipeline) Measuring() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.measuring
}

// OnFrame handles one WebSocket message; frames outside the window are dropped.
func (p *Pipeline) OnFrame(frame []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.measuring || p.sink == nil {
		return
	}
	inAt := p.rec.Now()
	v := upbit.CheckFrame(frame, p.markets)
	if !v.OK {
		if v.Reason != upbit.ReasonStatus && v.Reason != upbit.ReasonError {
			p.rec.InvalidFrame(v.Reason, frame)
		}
		return
	}
	p.seq++
	seq := p.seq
	p.rec.FrameIn(seq, inAt, len(frame), v.TimestampMs)
	if p.produce(p.keys[v.Code], frame, seq) {
		p.rec.ProducedOK(seq, p.rec.Now())
	}
}

func (p *Pipeline) produce(key, value []byte, seq uint64) bool {
	ok, err := p.sink.Produce(key, value, seq)
	if err != nil {
		p.rec.ProduceError(errName(err))
		return false
	}
	if ok {
		return true
	}
	// backpressure: librdkafka's queue is full; delivery reports drain it on their own
	// goroutine (the client's poller), so wait a little and retry
	giveUpAt := time.Now().Add(QueueFullGiveUp)
	for time.Now().Before(giveUpAt) {
		p.rec.QueueFullRetries++
		time.Sleep(time.Millisecond)
		ok, err = p.sink.Produce(key, value, seq)
		if err != nil {
			p.rec.ProduceError(errName(err))
			return false
		}
		if ok {
			return true
		}
	}
	p.rec.ProduceError("QUEUE_FULL")
	return false
}

func errName(err error) string {
	if pe, ok := err.(*kafka.ProduceError); ok {
		return pe.ErrName
	}
	return "PRODUCE_ERROR"
}

// OnDelivery records a delivery report (called from the producer's event goroutine).
func (p *Pipeline) OnDelivery(seq uint64, errName string) {
	now := p.rec.Now()
	wall := time.Now().UnixMilli()
	p.mu.Lock()
	p.rec.DeliveryReport(seq, errName, now, wall)
	p.mu.Unlock()
}

// OnStats keeps librdkafka's statistics JSON while the window is open.
func (p *Pipeline) OnStats(json string) {
	p.mu.Lock()
	if p.measuring {
		p.stats = append(p.stats, json)
	}
	p.mu.Unlock()
}

// StatsSamples are the statistics JSON samples taken in the window.
func (p *Pipeline) StatsSamples() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.stats...)
}

// LastSeq is the last sequence number given out.
func (p *Pipeline) LastSeq() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seq
}

// With runs f with the recorder under the pipeline's lock.
func (p *Pipeline) With(f func(r *metrics.Recorder)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p.rec)
}

// StatsSamplesLocked is StatsSamples for a caller already inside With.
func (p *Pipeline) StatsSamplesLocked() []string {
	return append([]string(nil), p.stats...)
}
