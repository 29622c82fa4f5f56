package main

import (
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/config"
	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
	"github.com/upbit-kafka-bench/go-producer/internal/pipeline"
	"github.com/upbit-kafka-bench/go-producer/internal/report"
	"github.com/upbit-kafka-bench/go-producer/internal/upbit"
)

// Issue 25: after a 3-node leader failover the report said delivered 1,023 of 1,023 with 1 still
// in flight. The flush's remainder (librdkafka's out-queue length) also counts the statistics and
// error events waiting on the main queue for the event goroutine, so an event that librdkafka
// queued just as the flush returned was reported as a message in flight. Here that instant is
// held open: the event goroutine is parked in a handler while further events queue up behind
// it, and nothing at all was produced, so the report must say 0 in flight and balance.
func TestInFlightAtEndCountsMessagesNotQueuedEvents(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String() // nothing listens here once closed: librdkafka reports errors
	l.Close()
	settings, err := kafka.LoadSettings(config.DefaultSettingsPath(), map[string]string{"statistics.interval.ms": "100", "log_level": "0"})
	if err != nil {
		t.Fatal(err)
	}
	entered, gate := make(chan struct{}, 1), make(chan struct{})
	park := func() {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-gate
	}
	rec := metrics.NewRecorder()
	pl := pipeline.New(rec)
	producer, err := newProducer(dead, "t", "go", settings, kafka.Handlers{
		OnDeliveries: pl.OnDeliveries,
		OnStats:      func(string) { park() },
		OnError:      func(string) { park() },
	})
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }) }
	defer release()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no statistics or error event within 10 s")
	}
	for deadline := time.Now().Add(10 * time.Second); producer.Len() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no event queued behind the parked one within 10 s")
		}
	}
	pl.SetPhase(pipeline.Window)
	pl.SetPhase(pipeline.Closed)
	r := &runner{
		cfg:      config.Config{FlushTimeoutMs: 100, TestDuration: 1},
		rec:      rec,
		pl:       pl,
		producer: producer,
		client:   upbit.NewClient(nil, upbit.ClientOptions{}),
		memory:   metrics.NewMemorySampler(),
	}
	// the flush returns at once (nothing produced); the parked handler lets go well after that,
	// so Close (which waits for the event goroutine) can finish
	timer := time.AfterFunc(500*time.Millisecond, release)
	defer timer.Stop()
	r.flush()
	rep := r.build()
	if got := rep.Messages.InFlightAtEnd; got != 0 {
		t.Errorf("inFlightAtEnd = %d with nothing produced", got)
	}
	if i := slices.IndexFunc(rep.StatusReasons, func(s report.StatusReason) bool { return s.Code == "unbalanced" }); i >= 0 {
		t.Errorf("unbalanced: %s", rep.StatusReasons[i].Message)
	}
}
