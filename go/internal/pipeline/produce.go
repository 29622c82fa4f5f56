package pipeline

import (
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
)

// produce hands one message to the sink, riding out a full local queue; false when it could
// not be enqueued.
func (p *Pipeline) produce(key, value []byte, seq uint64, phase []byte) bool {
	ok, err := p.sink.Produce(key, value, seq, phase)
	if err != nil {
		p.produceError(errName(err))
		return false
	}
	if ok {
		return true
	}
	// backpressure: librdkafka's queue is full; delivery reports drain it on their own
	// goroutine (the client's poller), so wait a little and retry
	giveUpAt := time.Now().Add(QueueFullGiveUp)
	for time.Now().Before(giveUpAt) {
		if p.phase == Window {
			p.rec.QueueFullRetries++
		}
		time.Sleep(time.Millisecond)
		ok, err = p.sink.Produce(key, value, seq, phase)
		if err != nil {
			p.produceError(errName(err))
			return false
		}
		if ok {
			return true
		}
	}
	p.produceError("QUEUE_FULL")
	return false
}

// produceError: window failures are counted by name; a warm-up one only in the warm-up's failed
// (counted by the caller).
func (p *Pipeline) produceError(name string) {
	if p.phase == Window {
		p.rec.ProduceError(name)
	}
}

func errName(err error) string {
	if pe, ok := err.(*kafka.ProduceError); ok {
		return pe.ErrName
	}
	return "PRODUCE_ERROR"
}

// OnDeliveries records the delivery reports of one wake-up of the producer's event goroutine
// under one acquisition of the pipeline's lock (the connection goroutines contend for it).
func (p *Pipeline) OnDeliveries(batch []kafka.Delivery) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, d := range batch {
		p.delivered(d.Seq, d.ErrName, p.rec.Now(), time.Now().UnixMilli())
	}
}

// OnDelivery records a delivery report (called from the producer's event goroutine). Reports of
// warm-up messages, even those arriving after the window opened, feed only the warm-up figures.
func (p *Pipeline) OnDelivery(seq uint64, errName string) {
	now := p.rec.Now()
	wall := time.Now().UnixMilli()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delivered(seq, errName, now, wall)
}

func (p *Pipeline) delivered(seq uint64, errName string, now, wall int64) {
	if p.windowFrom == 0 || seq < p.windowFrom {
		if errName == "" {
			p.rec.Warmup.Delivered++
		} else {
			p.rec.Warmup.Failed++
		}
		return
	}
	p.rec.DeliveryReport(seq, errName, now, wall)
}

// OnStats folds librdkafka's statistics JSON into the window's summary while the window is open.
func (p *Pipeline) OnStats(json string) {
	p.mu.Lock()
	open := p.phase == Window
	p.mu.Unlock()
	if !open {
		return
	}
	p.statsMu.Lock()
	defer p.statsMu.Unlock()
	p.stats.Add(json)
}

// Stats is the summary of the window's librdkafka statistics.
func (p *Pipeline) Stats() kafka.StatsSummary {
	p.statsMu.Lock()
	defer p.statsMu.Unlock()
	return p.stats.Summary()
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
