package pipeline

import (
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
)

type fakeSink struct {
	mu       sync.Mutex
	seqs     []uint64
	fullLeft int // answer "queue full" this many times first
}

func (s *fakeSink) Produce(key, value []byte, seq uint64) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fullLeft > 0 {
		s.fullLeft--
		return false, nil
	}
	s.seqs = append(s.seqs, seq)
	return true, nil
}

func frame(code string, n int) []byte {
	return []byte(fmt.Sprintf(`{"type":"ticker","code":"%s","trade_price":%d,"timestamp":1700000000000}`, code, n))
}

func TestConcurrentFramesGetGaplessSeqAndOnlyInWindow(t *testing.T) {
	rec := metrics.NewRecorder()
	p := New(rec, []string{"KRW-BTC", "KRW-ETH"})
	sink := &fakeSink{fullLeft: 3}
	p.SetSink(sink)
	p.OnFrame(frame("KRW-BTC", 0)) // before the window: dropped
	p.SetMeasuring(true)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 250 {
				p.OnFrame(frame([]string{"KRW-BTC", "KRW-ETH"}[g%2], i))
				if i%50 == 0 {
					p.OnFrame([]byte("garbage"))
					p.OnFrame([]byte(`{"status":"UP"}`))
				}
			}
		}()
	}
	wg.Wait()
	p.SetMeasuring(false)
	p.OnFrame(frame("KRW-BTC", 0)) // after: dropped
	for _, seq := range sink.seqs {
		p.OnDelivery(seq, "")
	}
	if len(sink.seqs) != 2000 {
		t.Fatalf("produced %d", len(sink.seqs))
	}
	seen := map[uint64]bool{}
	for _, s := range sink.seqs {
		seen[s] = true
	}
	for i := uint64(1); i <= 2000; i++ {
		if !seen[i] {
			t.Fatalf("seq %d missing", i)
		}
	}
	p.With(func(r *metrics.Recorder) {
		if r.Received != 2000 || r.Produced != 2000 || r.Delivered != 2000 || r.Invalid != 40 || r.QueueFullRetries != 3 {
			t.Fatalf("received %d produced %d delivered %d invalid %d retries %d", r.Received, r.Produced, r.Delivered, r.Invalid, r.QueueFullRetries)
		}
		if r.Pipeline.TotalCount() != 2000 || r.ExchangeToAck.TotalCount() != 2000 || len(r.InvalidSamples) != 20 {
			t.Fatal("latencies or samples")
		}
	})
	if strconv.FormatUint(p.LastSeq(), 10) != "2000" {
		t.Fatal("last seq")
	}
}

func TestFailedDeliveriesCountedByName(t *testing.T) {
	rec := metrics.NewRecorder()
	p := New(rec, []string{"KRW-BTC"})
	p.SetSink(&fakeSink{})
	p.SetMeasuring(true)
	p.OnFrame(frame("KRW-BTC", 1))
	p.OnDelivery(1, "_MSG_TIMED_OUT")
	p.With(func(r *metrics.Recorder) {
		if r.Failed != 1 || r.ErrorsByCode["_MSG_TIMED_OUT"] != 1 || r.Delivered != 0 {
			t.Fatalf("%+v", r.ErrorsByCode)
		}
	})
}
