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
	"github.com/upbit-kafka-bench/go-producer/internal/contract"
	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
	"github.com/upbit-kafka-bench/go-producer/internal/pipeline"
	"github.com/upbit-kafka-bench/go-producer/internal/upbit"
)

const memoryPeriod = time.Second

// runner is one run, one method per phase: connect → wait (ready, warm-up, start) → measure
// → flush → report. Its fields are what one phase hands the next.
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
	if err := r.connect(ctx); err != nil {
		if r.producer != nil {
			r.producer.Close()
		}
		return 0, err
	}
	if r.wait(ctx) {
		r.measure(ctx)
	} else {
		r.skipWindow(ctx)
	}
	r.flush()
	return r.report()
}

// connect: producer, broker check, market list, plan, connections opened until every one is
// settled (or a signal came).
func (r *runner) connect(ctx context.Context) error {
	cfg := r.cfg
	exit := contract.Rules().Exit
	r.rec = metrics.NewRecorder()
	r.pl = pipeline.New(r.rec)
	producer, err := newProducer(cfg.KafkaBootstrap, cfg.Topic, cfg.Contender, r.settings, kafka.Handlers{
		OnDeliveries: r.pl.OnDeliveries,
		OnStats:      r.pl.OnStats,
		OnError:      func(message string) { r.out.Log("kafka: " + message) },
	})
	if err != nil {
		return err
	}
	r.producer = producer
	if err := producer.CheckBroker(cfg.StartupTimeoutMs); err != nil {
		return &startupError{fmt.Sprintf("Kafka at %s unreachable: %v", cfg.KafkaBootstrap, err), exit.Broker}
	}
	startup := time.Duration(cfg.StartupTimeoutMs) * time.Millisecond
	r.codes, err = upbit.FetchMarkets(ctx, cfg.UpbitRestURL, startup, cfg.MarketsLimit)
	if err != nil {
		return &startupError{err.Error(), exit.Markets}
	}
	r.plan = upbit.PlanConnections(r.codes, cfg.MarketsPerConnection, cfg.ConnectBatch, cfg.ConnectIntervalMs)
	byQuote, _ := json.Marshal(upbit.CountByQuote(r.codes))
	r.out.Logf("%d markets %s → %d connections", len(r.codes), byQuote, len(r.plan))
	r.pl.SetMarkets(r.codes, cfg.Channel)
	r.pl.SetSink(producer)

	r.client = upbit.NewClient(r.plan, upbit.ClientOptions{
		URL:              cfg.UpbitWsURL,
		TicketPrefix:     cfg.Contender,
		Channel:          cfg.Channel,
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
	return nil
}

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// wait: ready, then the warm-up until the window start. false when there will be no window (a
// refused START); a signal here still opens (and at once closes) the window.
func (r *runner) wait(ctx context.Context) bool {
	r.readyAtMs = clock.NowMs()
	r.pl.SetPhase(pipeline.Warmup)
	r.out.Event(readyEvent{Event: "ready", Contender: r.cfg.Contender, Connections: r.client.Live(), Markets: len(r.codes), AtMs: r.readyAtMs})
	if ctx.Err() != nil {
		r.startMs = r.readyAtMs
		return true
	}
	warmupMs := int64(r.cfg.WarmupS) * 1000
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
	r.out.Logf("warm-up from ready; window: %s for %d s", time.UnixMilli(r.startMs).UTC().Format("2006-01-02T15:04:05.000Z"), r.cfg.TestDurationS)
	clock.SleepUntil(ctx, r.startMs)
	return true
}
