// The `go` contender: the Upbit → Kafka producer of docs/contenders.md in Go, with
// confluent-kafka-go (built -tags dynamic against the project's one librdkafka), gorilla/websocket
// and hdrhistogram-go. One goroutine per connection; delivery reports drained by their own
// goroutine; context cancellation for shutdown.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/clock"
	"github.com/upbit-kafka-bench/go-producer/internal/config"
	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
	"github.com/upbit-kafka-bench/go-producer/internal/pipeline"
	"github.com/upbit-kafka-bench/go-producer/internal/report"
	"github.com/upbit-kafka-bench/go-producer/internal/upbit"
)

// Exit codes of docs/contenders.md.
const (
	exitOK         = 0
	exitFatal      = 1
	exitConfig     = 2
	exitBroker     = 3
	exitMarkets    = 4
	exitSIGINT     = 130
	exitSIGTERM    = 143
	metricsPeriod  = 5 * time.Second
	memoryPeriod   = time.Second
	progressEveryS = 10
	runtimeName    = "go"
)

// startupError carries its exit code.
type startupError struct {
	msg  string
	code int
}

func (e *startupError) Error() string { return e.msg }

func main() {
	os.Exit(mainCode(os.Args[1:]))
}

func mainCode(args []string) int {
	cfg, err := config.Parse(os.Getenv, args, runtimeName)
	if err != nil {
		fmt.Fprintf(os.Stderr, "config error: %v\n", err)
		return exitConfig
	}
	settings, err := kafka.LoadSettings(cfg.ProducerSettingsFile, cfg.KafkaProperties)
	if err != nil {
		fmt.Fprintf(os.Stderr, "config error: %v\n", err)
		return exitConfig
	}
	out := &Out{name: cfg.Contender, w: os.Stdout}
	code, err := run(cfg, settings, out)
	if err != nil {
		var se *startupError
		var ce *kafka.ConfigError
		switch {
		case errors.As(err, &se):
			code = se.code
		case errors.As(err, &ce):
			code = exitConfig
		default:
			code = exitFatal
		}
		out.Event(errorEvent{Event: "error", Message: err.Error()})
		fmt.Fprintf(os.Stderr, "[%s] fatal: %v\n", cfg.Contender, err)
	}
	return code
}

func depVersion(path, fallback string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == path {
				if dep.Replace != nil {
					return dep.Replace.Version
				}
				return dep.Version
			}
		}
	}
	return fallback
}

func runtimeInfo() report.Runtime {
	return report.Runtime{
		Name:         runtimeName,
		Version:      runtime.Version(),
		Websocket:    "gorilla/websocket " + depVersion("github.com/gorilla/websocket", "v1"),
		KafkaBinding: "confluent-kafka-go " + depVersion("github.com/confluentinc/confluent-kafka-go/v2", "v2"),
	}
}

func wallMs(t time.Time) float64 { return float64(t.UnixMicro()) / 1000 }

// run is one run: broker check → markets → paced connections → ready → window → flush → report.
func run(cfg config.Config, settings map[string]string, out *Out) (int, error) {
	rec := metrics.NewRecorder()
	// the pipeline exists before the producer so its handlers have somewhere to go; the
	// market set is filled once the list is known
	var pl *pipeline.Pipeline
	var plMu sync.Mutex
	getPl := func() *pipeline.Pipeline {
		plMu.Lock()
		defer plMu.Unlock()
		return pl
	}
	producer, err := kafka.NewProducer(cfg.KafkaBootstrap, cfg.Topic, cfg.Contender, settings, kafka.Handlers{
		OnDelivery: func(seq uint64, errName string) {
			if p := getPl(); p != nil {
				p.OnDelivery(seq, errName)
			}
		},
		OnStats: func(json string) {
			if p := getPl(); p != nil {
				p.OnStats(json)
			}
		},
		OnError: func(message string) { out.Log("kafka: " + message) },
	})
	if err != nil {
		return 0, err
	}
	closed := false
	closeProducer := func() {
		if !closed {
			closed = true
			producer.Close()
		}
	}
	defer closeProducer()

	if err := producer.CheckBroker(cfg.StartupTimeoutMs); err != nil {
		return 0, &startupError{fmt.Sprintf("Kafka at %s unreachable: %v", cfg.KafkaBootstrap, err), exitBroker}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	codes, err := upbit.FetchMarkets(ctx, cfg.UpbitRestURL, time.Duration(cfg.StartupTimeoutMs)*time.Millisecond, cfg.MarketsLimit)
	if err != nil {
		return 0, &startupError{err.Error(), exitMarkets}
	}
	plan := upbit.PlanConnections(codes, cfg.MarketsPerConnection, cfg.ConnectBatch, cfg.ConnectIntervalMs)
	byQuote, _ := json.Marshal(upbit.CountByQuote(codes))
	out.Logf("%d markets %s → %d connections", len(codes), byQuote, len(plan))

	plMu.Lock()
	pl = pipeline.New(rec, codes)
	plMu.Unlock()
	pl.SetSink(producer)

	client := upbit.NewClient(plan, upbit.ClientOptions{
		URL:           cfg.UpbitWsURL,
		TicketPrefix:  cfg.Contender,
		PingInterval:  time.Duration(cfg.PingIntervalMs) * time.Millisecond,
		MaxRetries:    cfg.ReconnectMaxRetries,
		BackoffBaseMs: cfg.ReconnectBaseMs,
		OnFrame:       pl.OnFrame,
		OnLog:         out.Log,
	})
	memory := metrics.NewMemorySampler()

	// SIGINT/SIGTERM close the window early; the report says so
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(signals)
	windowCtx, closeWindow := context.WithCancel(ctx)
	defer closeWindow()
	var interruptedMu sync.Mutex
	var interrupted os.Signal
	getInterrupted := func() os.Signal {
		interruptedMu.Lock()
		defer interruptedMu.Unlock()
		return interrupted
	}
	go func() {
		for {
			select {
			case s := <-signals:
				interruptedMu.Lock()
				first := interrupted == nil
				if first {
					interrupted = s
				}
				interruptedMu.Unlock()
				if first {
					out.Logf("%s: closing the window, flushing", signalName(s))
					closeWindow()
				}
			case <-ctx.Done():
				return
			}
		}
	}()

	client.Start(ctx)
	select {
	case <-client.Ready():
	case <-windowCtx.Done():
	}
	readyAtMs := clock.NowMs()
	out.Event(readyEvent{Event: "ready", Contender: cfg.Contender, Connections: client.Live(), Markets: len(codes), AtMs: readyAtMs})

	startMs := readyAtMs
	if getInterrupted() == nil {
		startMs, err = clock.StartTime(windowCtx, cfg.StartMode, os.Stdin, func(line string) { fmt.Fprintln(os.Stderr, line) })
		if err != nil {
			if windowCtx.Err() == nil {
				client.Close()
				return 0, err
			}
			startMs = clock.NowMs()
		}
	}
	if getInterrupted() == nil {
		out.Logf("window: %s for %v s", time.UnixMilli(startMs).UTC().Format("2006-01-02T15:04:05.000Z"), cfg.TestDurationS)
		clock.SleepUntil(windowCtx, startMs)
	}

	openedAt := time.Now()
	openedAtMs := wallMs(openedAt)
	cpu0 := metrics.ReadCPU()
	pl.SetMeasuring(getInterrupted() == nil)
	memory.Start(memoryPeriod)
	out.Event(startEvent{Event: "start", StartMs: startMs})

	tickerDone := make(chan struct{})
	tickerStopped := make(chan struct{})
	go func() {
		defer close(tickerStopped)
		ticker := time.NewTicker(metricsPeriod)
		defer ticker.Stop()
		for {
			select {
			case <-ticker.C:
				offsetMs := float64(time.Since(openedAt).Microseconds()) / 1000
				last := memory.Last()
				var sample metrics.IntervalSample
				var p95, p99 float64
				var snapshot metrics.Recorder
				pl.With(func(r *metrics.Recorder) {
					sample = r.Interval(offsetMs, last.RssBytes, last.HeapBytes)
					if r.Pipeline.TotalCount() > 0 {
						p95 = float64(r.Pipeline.ValueAtQuantile(95))
						p99 = float64(r.Pipeline.ValueAtQuantile(99))
					}
					snapshot = metrics.Recorder{Received: r.Received, Delivered: r.Delivered, Failed: r.Failed, Invalid: r.Invalid}
				})
				out.Metrics(sample, p95, p99)
				if int(math.Round(offsetMs/1000))%progressEveryS == 0 {
					out.Progress(offsetMs, cfg.TestDurationS, &snapshot, client.Stats())
				}
			case <-tickerDone:
				return
			}
		}
	}()
	endAt := time.UnixMilli(startMs).Add(time.Duration(cfg.TestDurationS * float64(time.Second)))
	endTimer := time.AfterFunc(max(time.Until(endAt), 0), closeWindow)
	<-windowCtx.Done()

	// window closed: stop reading, flush, report
	pl.SetMeasuring(false)
	closedAt := time.Now()
	endTimer.Stop()
	close(tickerDone)
	<-tickerStopped
	client.Close()
	out.Event(endEvent{Event: "end", EndMs: closedAt.UnixMilli()})
	closedOffset := float64(closedAt.Sub(openedAt).Microseconds()) / 1000
	last := memory.Last()
	pl.With(func(r *metrics.Recorder) {
		if n := len(r.Intervals); n == 0 || r.Intervals[n-1].OffsetMs != math.Round(closedOffset) {
			r.Interval(closedOffset, last.RssBytes, last.HeapBytes)
		}
	})
	remaining := producer.Flush(cfg.FlushTimeoutMs)
	cpu := metrics.ReadCPU().Sub(cpu0)
	memory.Stop()
	flushedAt := time.Now()
	// closing the producer ends its event goroutine: every delivery report seen is recorded
	closeProducer()

	status := "complete"
	if getInterrupted() != nil {
		status = "interrupted"
	}
	rss, heap := memory.Summaries()
	var rep report.Report
	pl.With(func(r *metrics.Recorder) {
		rep = report.Build(report.Facts{
			Config:             cfg,
			Status:             status,
			Runtime:            runtimeInfo(),
			LibrdkafkaVersion:  kafka.LibraryVersion(),
			ProducerSettings:   producer.Settings(),
			Codes:              codes,
			PlannedConnections: len(plan),
			ReadyAtMs:          readyAtMs,
			StartMs:            startMs,
			OpenedAtMs:         openedAtMs,
			ClosedAtMs:         wallMs(closedAt),
			CPU:                cpu,
			CPUWallMs:          float64(flushedAt.Sub(openedAt).Microseconds()) / 1000,
			InFlightAtEnd:      remaining,
			Client:             client.Stats(),
			Recorder:           r,
			RSS:                rss,
			Heap:               heap,
			Stats:              kafka.SummarizeStats(pl.StatsSamplesLocked()),
			Host:               report.HostInfo(),
		})
	})
	path, err := report.Write(cfg.ReportDir, rep)
	if err != nil {
		return 0, err
	}
	out.Summary(rep)
	out.Event(reportEvent{Event: "report", Path: path})
	switch getInterrupted() {
	case syscall.SIGINT:
		return exitSIGINT, nil
	case syscall.SIGTERM:
		return exitSIGTERM, nil
	}
	return exitOK, nil
}

func signalName(s os.Signal) string {
	if s == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT"
}
