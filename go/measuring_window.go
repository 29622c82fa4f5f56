package main

import (
	"context"
	"math"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
	"github.com/upbit-kafka-bench/go-producer/internal/pipeline"
	"github.com/upbit-kafka-bench/go-producer/internal/report"
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

func (r *runner) target() time.Duration { return time.Duration(r.cfg.TestDurationS) * time.Second }

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
				r.out.Progress(sample, invalid, r.cfg.TestDurationS, r.client.Stats())
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
			p95 = float64(rec.Pipeline.ValueAtQuantile(95))
			p99 = float64(rec.Pipeline.ValueAtQuantile(99))
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

// flush: everything in flight gets FLUSH_TIMEOUT_MS; closing the producer then ends its event
// goroutine, so every delivery report seen is recorded before the report is built, and what is
// in flight is read from the recorder after that (never from Flush's remainder, which counts
// queued events too and is read while the last reports may still be being served).
func (r *runner) flush() {
	r.producer.Flush(r.cfg.FlushTimeoutMs)
	r.cpu = metrics.ReadCPU().Sub(r.cpu0)
	r.memory.Stop()
	r.flushedAt = time.Now()
	r.producer.Close()
}

func wallMs(t time.Time) float64 { return float64(t.UnixMicro()) / 1000 }

// report: build, check against the schema, write, and exit with the status's code.
func (r *runner) report() (int, error) {
	rep := r.build()
	path, err := report.Write(r.cfg.ReportDir, rep)
	if err != nil {
		return 0, err
	}
	r.out.Summary(rep)
	r.out.Event(reportEvent{Event: "report", Path: path, Status: rep.Status})
	return report.ExitCode(rep.Status, r.signal), nil
}

// build: the report of what the run recorded, read under the pipeline's lock after flush.
func (r *runner) build() report.Report {
	rss, heap := r.memory.Summaries()
	clientStats := r.client.Stats()
	stats := r.pl.Stats()
	var rep report.Report
	r.pl.With(func(rec *metrics.Recorder) {
		rep = report.Build(report.Facts{
			Config:             r.cfg,
			Interrupted:        r.signal != "",
			BadStart:           r.badStart,
			Runtime:            runtimeInfo(),
			LibrdkafkaVersion:  libraryVersion(),
			ProducerSettings:   r.producer.Settings(),
			Codes:              r.codes,
			PlannedConnections: len(r.plan),
			ReadyAtMs:          r.readyAtMs,
			StartMs:            r.startMs,
			OpenedAtMs:         wallMs(r.openedAt),
			ClosedAtMs:         wallMs(r.closedAt),
			CPU:                r.cpu,
			CPUWallMs:          float64(r.flushedAt.Sub(r.openedAt).Microseconds()) / 1000,
			Client:             clientStats,
			LongestAllDownMs:   r.client.LongestAllDown(r.openedAt, r.closedAt).Milliseconds(),
			Recorder:           rec,
			RSS:                rss,
			Heap:               heap,
			Stats:              stats,
			Host:               report.HostInfo(),
		})
	})
	return rep
}
