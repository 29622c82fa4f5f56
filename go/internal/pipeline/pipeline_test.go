package pipeline

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
)

type produced struct {
	seq   uint64
	phase string
}

type fakeSink struct {
	mu       sync.Mutex
	msgs     []produced
	fullLeft int // answer "queue full" this many times first
}

func (s *fakeSink) Produce(key, value []byte, seq uint64, phase []byte) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fullLeft > 0 {
		s.fullLeft--
		return false, nil
	}
	s.msgs = append(s.msgs, produced{seq, string(phase)})
	return true, nil
}

func frame(code string, n int) []byte {
	return []byte(fmt.Sprintf(`{"type":"ticker","code":"%s","trade_price":%d,"timestamp":1700000000000}`, code, n))
}

func newPipeline(sink *fakeSink) (*Pipeline, *metrics.Recorder) {
	rec := metrics.NewRecorder()
	p := New(rec)
	p.SetMarkets([]string{"KRW-BTC", "KRW-ETH"}, "ticker")
	p.SetSink(sink)
	return p, rec
}

func onFrame(p *Pipeline, f []byte) bool { return p.OnFrame(f, len(f)) }

func TestConcurrentFramesGetGaplessSeqAndOnlyInWindow(t *testing.T) {
	sink := &fakeSink{fullLeft: 3}
	p, _ := newPipeline(sink)
	p.SetPhase(Window)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 250 {
				onFrame(p, frame([]string{"KRW-BTC", "KRW-ETH"}[g%2], i))
				if i%50 == 0 {
					onFrame(p, []byte("garbage"))
					onFrame(p, []byte(`{"status":"UP"}`))
				}
			}
		})
	}
	wg.Wait()
	p.SetPhase(Closed)
	onFrame(p, frame("KRW-BTC", 0)) // after: dropped
	for _, m := range sink.msgs {
		p.OnDelivery(m.seq, "")
	}
	if len(sink.msgs) != 2000 {
		t.Fatalf("produced %d", len(sink.msgs))
	}
	seen := map[uint64]bool{}
	for _, m := range sink.msgs {
		seen[m.seq] = true
	}
	for i := uint64(1); i <= 2000; i++ {
		if !seen[i] {
			t.Fatalf("seq %d missing", i)
		}
	}
	p.With(func(r *metrics.Recorder) {
		if r.Received != 2040 || r.Produced != 2000 || r.Delivered != 2000 || r.Invalid != 40 || r.QueueFullRetries != 3 || r.StatusFrames != 40 {
			t.Fatalf("received %d produced %d delivered %d invalid %d retries %d status %d", r.Received, r.Produced, r.Delivered, r.Invalid, r.QueueFullRetries, r.StatusFrames)
		}
		if r.Pipeline.TotalCount() != 2000 || r.ExchangeToAck.TotalCount() != 2000 || len(r.InvalidSamples) != 20 {
			t.Fatal("latencies or samples")
		}
	})
	if strconv.FormatUint(p.LastSeq(), 10) != "2000" {
		t.Fatal("last seq")
	}
}

// Before ready frames are dropped; warm-up frames are produced as phase warmup and counted only
// in the warm-up figures, even when their acks come after the window opened; seq runs on.
func TestPhasesKeepWarmupOutOfTheWindow(t *testing.T) {
	sink := &fakeSink{}
	p, rec := newPipeline(sink)
	onFrame(p, frame("KRW-BTC", 1)) // before ready
	p.SetPhase(Warmup)
	for i := range 5 {
		onFrame(p, frame("KRW-ETH", i))
	}
	onFrame(p, []byte("junk"))
	onFrame(p, []byte(`{"error":{"name":"TOO_MANY_SUBSCRIBE","message":"x"}}`))
	p.SetPhase(Window)
	for i := range 3 {
		onFrame(p, frame("KRW-BTC", i))
	}
	for _, m := range sink.msgs {
		p.OnDelivery(m.seq, map[bool]string{true: "_MSG_TIMED_OUT", false: ""}[m.seq == 2])
	}
	var phases []string
	for _, m := range sink.msgs {
		phases = append(phases, fmt.Sprintf("%d:%s", m.seq, m.phase))
	}
	if got := strings.Join(phases, " "); got != "1:warmup 2:warmup 3:warmup 4:warmup 5:warmup 6:window 7:window 8:window" {
		t.Fatalf("produced %s", got)
	}
	w := rec.Warmup
	if rec.BeforeReady != 1 || w.Received != 6 || w.Produced != 5 || w.Delivered != 4 || w.Failed != 1 || rec.ErrorFrames["TOO_MANY_SUBSCRIBE"] != 1 {
		t.Fatalf("before ready %d, warm-up %+v, error frames %v", rec.BeforeReady, w, rec.ErrorFrames)
	}
	if rec.Received != 3 || rec.Delivered != 3 || rec.Failed != 0 || rec.Invalid != 0 || rec.Pipeline.TotalCount() != 3 || len(rec.ErrorsByCode) != 0 {
		t.Fatalf("window received %d delivered %d failed %d invalid %d", rec.Received, rec.Delivered, rec.Failed, rec.Invalid)
	}
}

func TestTooLargeFramesAreInvalidAndNeverProduced(t *testing.T) {
	sink := &fakeSink{}
	p, rec := newPipeline(sink)
	p.SetPhase(Window)
	head := frame("KRW-BTC", 1)
	if !p.OnFrame(head[:10], 5_000_000) {
		t.Fatal("a too-large frame is still a data frame")
	}
	if len(sink.msgs) != 0 || rec.Invalid != 1 || rec.Received != 1 || rec.InvalidSamples[0].Reason != "too-large" || rec.InvalidSamples[0].Bytes != 5_000_000 || rec.BytesReceived != 5_000_000 {
		t.Fatalf("%+v", rec.InvalidSamples)
	}
}

func TestFailedDeliveriesCountedByName(t *testing.T) {
	p, rec := newPipeline(&fakeSink{})
	p.SetPhase(Window)
	onFrame(p, frame("KRW-BTC", 1))
	p.OnDelivery(1, "_MSG_TIMED_OUT")
	if rec.Failed != 1 || rec.ErrorsByCode["_MSG_TIMED_OUT"] != 1 || rec.Delivered != 0 {
		t.Fatalf("%+v", rec.ErrorsByCode)
	}
}
