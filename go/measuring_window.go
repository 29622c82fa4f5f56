package main

import (
	"context"
	"math"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
	"github.com/upbit-kafka-bench/go-producer/internal/pipeline"
)

// metricsPeriod: an interval sample and a metrics line every this much of the window (the contract's timing)
var metricsPeriod = time.Duration(contract.Rules().Timing.MetricsIntervalMs) * time.Millisecond

const progressEvery = 2 // metrics periods: a human progress line every 10 s

// measure: the window, from the scheduled start until TEST_DURATION later or a signal; then the
// sockets close.
func (r *runner) measure(ctx context.Context) {
	r.openedAt = time.Now()
	r.cpu0 = metrics.ReadCPU()
	if ctx.Err() == nil {
		r.pl.SetPhase(pipeline.Window)
	}
	r.memory.Start(memoryPeriod)
	r.out.Event(startEvent{Event: "start", StartMs: r.startMs})
	stopTicks := r.tick()
	end := time.NewTimer(time.Until(time.UnixMilli(r.startMs).Add(r.target())))
	select {
	case <-end.C:
	case <-ctx.Done():
	}
	end.Stop()
	r.pl.SetPhase(pipeline.Closed)
	r.closedAt = time.Now()
	r.signal = r.interruption(ctx)
	if r.signal != "" {
		r.out.Logf("%s: closing the window, flushing", r.signal)
	}
	stopTicks()
	r.closeInterval()
	r.client.Close()
	r.out.Event(endEvent{Event: "end", EndMs: r.closedAt.UnixMilli()})
}

// skipWindow ends a run whose START was refused: nothing is measured.
func (r *runner) skipWindow(ctx context.Context) {
	r.pl.SetPhase(pipeline.Closed)
	r.openedAt = time.Now()
	r.closedAt = r.openedAt
	r.cpu0 = metrics.ReadCPU()
	r.signal = r.interruption(ctx)
	r.client.Close()
}

func (r *runner) target() time.Duration { return time.Duration(r.cfg.TestDuration) * time.Second }

func (r *runner) interruption(ctx context.Context) string {
	switch {
	case ctx.Err() == nil:
		return ""
	case r.sigint.Err() != nil:
		return "SIGINT"
	}
	return "SIGTERM"
}

// tick closes an interval every 5 s of the window, and returns what stops it. The interval that
// ends the window is closed with the window (closeInterval), never here, so the series never
// ends on a second, empty entry at the same offset.
func (r *runner) tick() (stop func()) {
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		// each tick is due k periods after the window opened, not after the previous one
		for k := 1; time.Duration(k)*metricsPeriod < r.target(); k++ {
			timer := time.NewTimer(time.Until(r.openedAt.Add(time.Duration(k) * metricsPeriod)))
			select {
			case <-timer.C:
			case <-done:
				timer.Stop()
				return
			}
			sample, invalid := r.interval(time.Since(r.openedAt))
			if k%progressEvery == 0 {
				r.out.Progress(sample, invalid, r.cfg.TestDuration, r.client.Stats())
			}
		}
		<-done
	}()
	return func() {
		close(done)
		<-stopped
	}
}

// interval closes one point of the series and prints its metrics line.
func (r *runner) interval(offset time.Duration) (sample metrics.IntervalSample, invalid int64) {
	offsetMs := float64(offset.Microseconds()) / 1000
	last := r.memory.Last()
	var p95, p99 float64
	r.pl.With(func(rec *metrics.Recorder) {
		sample = rec.Interval(offsetMs, last.RssBytes, last.HeapBytes)
		if rec.Pipeline.TotalCount() > 0 {
			p95 = float64(metrics.ValueAtPercentile(rec.Pipeline, 95))
			p99 = float64(metrics.ValueAtPercentile(rec.Pipeline, 99))
		}
		invalid = rec.Invalid
	})
	r.out.Metrics(sample, p95, p99)
	return sample, invalid
}

func (r *runner) closeInterval() {
	offset := r.closedAt.Sub(r.openedAt)
	same := false
	r.pl.With(func(rec *metrics.Recorder) {
		n := len(rec.Intervals)
		same = n > 0 && rec.Intervals[n-1].OffsetMs == math.Round(float64(offset.Microseconds())/1000)
	})
	if !same {
		r.interval(offset)
	}
}
