// Package pipeline is the hot path: frame in → cheap check → produce (key = market code,
// value = the frame's bytes as received, headers seq, contender and phase) → delivery report.
// Connection goroutines call OnFrame concurrently; one lock orders seq assignment, produce and
// the recorder, so seq is 1, 2, 3, … over warm-up and window with no gaps, and the delivery
// goroutine always sees a message's timestamps.
package pipeline

import (
	"sync"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
	"github.com/upbit-kafka-bench/go-producer/internal/upbit"
)

// Sink is what the pipeline needs of the producer.
type Sink interface {
	Produce(key, value []byte, seq uint64, phase []byte) (bool, error)
}

// Phase of the run, as the pipeline treats data frames.
type Phase int

const (
	BeforeReady Phase = iota // read and dropped (messages.beforeReady)
	Warmup                   // produced with phase: warmup, counted in the warmup section only
	Window                   // counted and produced with phase: window
	Closed                   // after the window: dropped, counted nowhere
)

// QueueFullGiveUp bounds the retries of one message against a full local queue (the contract's timing).
var QueueFullGiveUp = time.Duration(contract.Rules().Timing.QueueFullGiveUpMs) * time.Millisecond

// Pipeline counts, checks and produces frames.
type Pipeline struct {
	mu         sync.Mutex
	phase      Phase
	seq        uint64
	windowFrom uint64 // the first seq of the window; 0 until it opens
	checker    *upbit.Checker
	keys       map[string][]byte
	rec        *metrics.Recorder
	sink       Sink
	// the window's librdkafka statistics, summarised as they arrive; under their own lock, so
	// parsing a sample never holds up the connections' goroutines on mu
	statsMu sync.Mutex
	stats   kafka.Stats
}

// New is a pipeline before ready; SetMarkets and SetSink complete it.
func New(rec *metrics.Recorder) *Pipeline {
	return &Pipeline{rec: rec, checker: upbit.NewChecker(nil, "ticker"), keys: map[string][]byte{}}
}

// SetMarkets sets the subscribed codes and the channel their frames come from.
func (p *Pipeline) SetMarkets(codes []string, channel string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.checker = upbit.NewChecker(codes, channel)
	for _, code := range codes {
		p.keys[code] = []byte(code)
	}
}

// SetSink sets the producer.
func (p *Pipeline) SetSink(s Sink) {
	p.mu.Lock()
	p.sink = s
	p.mu.Unlock()
}

// SetPhase moves the run on; the window's first seq is remembered so late warm-up acks stay
// out of the window's figures.
func (p *Pipeline) SetPhase(phase Phase) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if phase == Window && p.phase != Window {
		p.windowFrom = p.seq + 1
	}
	p.phase = phase
}

// OnFrame handles one WebSocket message (size > len(frame): larger than MAX_FRAME_BYTES, frame
// holds its first bytes); it returns whether it was a data frame.
func (p *Pipeline) OnFrame(frame []byte, size int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	tooLarge := size > len(frame)
	if !tooLarge {
		switch upbit.Classify(frame) {
		case upbit.KindStatus:
			p.rec.StatusFrames++
			return false
		case upbit.KindError:
			p.rec.ErrorFrames[upbit.ErrorName(frame)]++
			return false
		}
	}
	switch p.phase {
	case BeforeReady:
		p.rec.BeforeReady++
	case Warmup:
		p.warmup(frame, tooLarge)
	case Window:
		p.window(frame, size, tooLarge)
	}
	return true
}

// Refused counts a data message the client refused unread ("too-large", "bad-utf8"), which failed
// its connection: invalid in the window (sampled with no bytes), received in the warm-up.
func (p *Pipeline) Refused(reason string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch p.phase {
	case BeforeReady:
		p.rec.BeforeReady++
	case Warmup:
		p.rec.Warmup.Received++
	case Window:
		p.rec.FrameReceived(0)
		p.rec.InvalidFrame(reason, nil, 0)
	}
}

func (p *Pipeline) check(frame []byte, tooLarge bool) upbit.Verdict {
	if tooLarge {
		return upbit.Verdict{Reason: upbit.ReasonTooLarge}
	}
	return p.checker.Check(frame)
}

func (p *Pipeline) warmup(frame []byte, tooLarge bool) {
	w := &p.rec.Warmup
	w.Received++
	v := p.check(frame, tooLarge)
	if !v.OK || p.sink == nil {
		return
	}
	p.seq++
	if p.produce(p.keys[v.Code], frame, p.seq, kafka.PhaseWarmup) {
		w.Produced++
	} else {
		w.Failed++
	}
}

func (p *Pipeline) window(frame []byte, size int, tooLarge bool) {
	inAt := p.rec.Now()
	p.rec.FrameReceived(size)
	v := p.check(frame, tooLarge)
	if !v.OK {
		p.rec.InvalidFrame(v.Reason, frame, size)
		return
	}
	if p.sink == nil {
		return
	}
	p.seq++
	seq := p.seq
	p.rec.FrameIn(seq, inAt, size, v.TimestampMs)
	if p.produce(p.keys[v.Code], frame, seq, kafka.PhaseWindow) {
		p.rec.ProducedOK(seq, p.rec.Now())
	}
}
