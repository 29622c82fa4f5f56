package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/clock"
	"github.com/upbit-kafka-bench/go-producer/internal/config"
	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
	"github.com/upbit-kafka-bench/go-producer/internal/pipeline"
	"github.com/upbit-kafka-bench/go-producer/internal/report"
	"github.com/upbit-kafka-bench/go-producer/internal/upbit"
)

const memoryPeriod = time.Second

// runner is one run, one method per phase, named alike in every contender
// (docs/architecture.md, "One module map"): startUp → connect → warmUp → measure → flush →
// report. Its fields are what one phase hands the next.
type runner struct {
	cfg      config.Config
	settings map[string]string
	out      *Out
	sigint   context.Context // done once SIGINT came (the run's ctx also ends on SIGTERM)

	rec      *metrics.Recorder
	pl       *pipeline.Pipeline
	producer kafka.Producer
	codes    []string
	plan     []upbit.PlannedConnection
	client   *upbit.Client
	memory   *metrics.MemorySampler

	readyAtMs int64
	startMs   int64
	badStart  string // why the START line was refused
	signal    string // SIGINT or SIGTERM when one closed the window
	openedAt  time.Time
	closedAt  time.Time
	flushedAt time.Time
	cpu0, cpu metrics.CPUTimes
}

func (r *runner) run(ctx context.Context) (int, error) {
	if err := r.startUp(ctx); err != nil {
		if r.producer != nil {
			r.producer.Close()
		}
		return 0, err
	}
	r.connect(ctx)
	if r.warmUp(ctx) {
		r.measure(ctx)
	} else {
		r.skipWindow(ctx)
	}
	r.flush()
	return r.report()
}

// connect: the plan, the pipeline's markets, and connections opened until every one is settled
// (or a signal came).
func (r *runner) connect(ctx context.Context) {
	cfg := r.cfg
	r.plan = upbit.PlanConnections(r.codes, cfg.MarketsPerConnection, cfg.ConnectBatch, cfg.ConnectIntervalMs)
	byQuote, _ := json.Marshal(upbit.CountByQuote(r.codes))
	r.out.Logf("%d markets %s → %d connections", len(r.codes), byQuote, len(r.plan))
	r.pl.SetMarkets(r.codes, cfg.UpbitChannel)
	r.pl.SetSink(r.producer)

	r.client = upbit.NewClient(r.plan, upbit.ClientOptions{
		URL:              cfg.UpbitWsURL,
		TicketPrefix:     cfg.Contender,
		Channel:          cfg.UpbitChannel,
		Compression:      cfg.WsCompression == "on",
		PingInterval:     ms(cfg.PingIntervalMs),
		HandshakeTimeout: ms(cfg.HandshakeTimeoutMs),
		SilenceTimeout:   ms(cfg.SilenceTimeoutMs),
		MaxRetries:       cfg.ReconnectMaxRetries,
		BackoffBaseMs:    cfg.ReconnectBaseMs,
		StableAfter:      ms(cfg.ReconnectStableMs),
		MaxFrameBytes:    cfg.MaxFrameBytes,
		OnFrame:          r.pl.OnFrame,
		OnRefused:        r.pl.Refused,
		OnLog:            r.out.Log,
	})
	r.memory = metrics.NewMemorySampler()
	// the client outlives a signal: the window closes first, then the sockets (flush)
	first := upbit.FirstBatchAt(clock.NowMs(), cfg.ConnectIntervalMs, cfg.ConnectPhaseMs)
	r.client.Start(context.Background(), time.UnixMilli(first))
	select {
	case <-r.client.Ready():
	case <-ctx.Done():
	}
}

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// warmUp: ready, then the warm-up until the window start. false when there will be no window (a
// refused START); a signal here still opens (and at once closes) the window.
func (r *runner) warmUp(ctx context.Context) bool {
	r.readyAtMs = clock.NowMs()
	r.pl.SetPhase(pipeline.Warmup)
	r.out.Event(readyEvent{Event: "ready", Contender: r.cfg.Contender, Connections: r.client.Live(), Markets: len(r.codes), AtMs: r.readyAtMs})
	if ctx.Err() != nil {
		r.startMs = r.readyAtMs
		return true
	}
	warmupMs := int64(r.cfg.WarmupSeconds) * 1000
	r.startMs = clock.AutoStart(r.readyAtMs, warmupMs)
	if r.cfg.StartMode == "stdin" {
		start, err := clock.ReadStart(ctx, os.Stdin, func(line string) { fmt.Fprintln(os.Stderr, line) })
		var bad *clock.BadStart
		switch {
		case errors.As(err, &bad):
			r.badStart = bad.Message
			r.startMs = start
			if start == 0 { // no START line at all
				r.startMs = clock.NowMs()
			}
			r.out.Log("bad start: " + bad.Message)
			return false
		case err != nil: // a signal
			r.startMs = clock.NowMs()
			return true
		}
		r.startMs = start
	}
	r.out.Event(warmupEvent{Event: "warmup", FromMs: r.readyAtMs, StartMs: r.startMs})
	r.out.Logf("warm-up from ready; window: %s for %d s", time.UnixMilli(r.startMs).UTC().Format("2006-01-02T15:04:05.000Z"), r.cfg.TestDuration)
	clock.SleepUntil(ctx, r.startMs)
	return true
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
