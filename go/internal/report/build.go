package report

import (
	"maps"
	"math"
	"slices"

	"github.com/upbit-kafka-bench/go-producer/internal/config"
	"github.com/upbit-kafka-bench/go-producer/internal/contract"
	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
	"github.com/upbit-kafka-bench/go-producer/internal/upbit"
)

// Facts is what a run measured.
type Facts struct {
	Config             config.Config
	Interrupted        bool
	BadStart           string // why the START line was refused
	Runtime            Runtime
	LibrdkafkaVersion  string
	ProducerSettings   map[string]string
	Codes              []string
	PlannedConnections int
	ReadyAtMs          int64
	StartMs            int64
	OpenedAtMs         float64 // wall ms (fractional) when the window opened and closed
	ClosedAtMs         float64
	CPU                metrics.CPUTimes
	CPUWallMs          float64 // window open → end of flush
	Client             upbit.ClientStats
	LongestAllDownMs   int64
	Recorder           *metrics.Recorder
	RSS, Heap          metrics.GaugeSummary
	Stats              kafka.StatsSummary
	Host               Host
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// Build assembles the report, status included. Pure: no clocks, no I/O.
func Build(f Facts) Report {
	r := f.Recorder
	c := f.Config
	targetMs := float64(c.TestDuration) * 1000
	measuredMs := math.Max(f.ClosedAtMs-f.OpenedAtMs, 0)
	seconds := math.Max(measuredMs/1000, 1e-9)
	cpuUs := float64(f.CPU.UserUs + f.CPU.SystemUs)
	usPerMsg, cores := 0.0, 0.0
	if r.Delivered > 0 {
		usPerMsg = round(cpuUs/float64(r.Delivered), 2)
	}
	if f.CPUWallMs > 0 {
		cores = round(cpuUs/1000/f.CPUWallMs, 3)
	}
	errorsByCode := maps.Clone(r.ErrorsByCode)
	// the settings librdkafka accepted, a secret's value shown as librdkafka shows it
	settings := contract.RedactSettings(f.ProducerSettings)
	status, reasons := Judge(Outcome{
		Received: r.Received, Invalid: r.Invalid, Delivered: r.Delivered, Failed: r.Failed, InFlight: r.InFlight(),
		Warmup: r.Warmup, LongestAllDownMs: f.LongestAllDownMs,
		TargetMs: targetMs, MeasuredMs: measuredMs, GivenUp: f.Client.Failed, BadStart: f.BadStart, Interrupted: f.Interrupted,
	})
	return Report{
		SchemaVersion:    SchemaVersion,
		Contender:        c.Contender,
		Status:           status,
		StatusReasons:    reasons,
		Runtime:          f.Runtime,
		Librdkafka:       Librdkafka{Version: f.LibrdkafkaVersion},
		Host:             f.Host,
		ProducerSettings: settings,
		Config:           echo(c),
		Timing: Timing{
			ReadyAtMs:          f.ReadyAtMs,
			StartMs:            f.StartMs,
			EndMs:              int64(math.Round(f.ClosedAtMs)),
			TargetDurationMs:   targetMs,
			MeasuredDurationMs: round(measuredMs, 3),
			AccuracyMs:         round(measuredMs-targetMs, 3),
			StartLagMs:         round(f.OpenedAtMs-float64(f.StartMs), 3),
		},
		Warmup: Warmup{
			TargetS:    c.WarmupSeconds,
			DurationMs: round(math.Max(f.OpenedAtMs-float64(f.ReadyAtMs), 0), 3),
			Received:   r.Warmup.Received,
			Produced:   r.Warmup.Produced,
			Delivered:  r.Warmup.Delivered,
			Failed:     r.Warmup.Failed,
		},
		Connections: Connections{
			Planned:           f.PlannedConnections,
			Opened:            f.Client.Opened,
			Reconnects:        f.Client.Reconnects,
			Failed:            f.Client.Failed,
			DisconnectedMs:    f.Client.DisconnectedMs,
			RateLimited:       f.Client.RateLimited,
			HandshakeTimeouts: f.Client.HandshakeTimeouts,
			SilenceReconnects: f.Client.SilenceReconnects,
			Flaps:             f.Client.Flaps,
			LongestAllDownMs:  f.LongestAllDownMs,
			Compression:       f.Client.Compression,
			ConnectUs:         metrics.SummarizeValues(f.Client.ConnectUs),
		},
		Markets: Markets{Count: len(f.Codes), ByQuote: upbit.CountByQuote(f.Codes)},
		Messages: Messages{
			Received:         r.Received,
			Invalid:          r.Invalid,
			Produced:         r.Produced,
			Delivered:        r.Delivered,
			Failed:           r.Failed,
			InFlightAtEnd:    int(max(r.InFlight(), 0)), // below 0 is a bug Judge calls unbalanced
			QueueFullRetries: r.QueueFullRetries,
			ErrorsByCode:     errorsByCode,
			InvalidSamples:   slices.Clone(r.InvalidSamples),
			BytesReceived:    r.BytesReceived,
			BeforeReady:      r.BeforeReady,
			ErrorFrames:      maps.Clone(r.ErrorFrames),
			StatusFrames:     r.StatusFrames,
		},
		Throughput: Throughput{
			ReceivedPerSec:       round(float64(r.Received)/seconds, 1),
			DeliveredPerSec:      round(float64(r.Delivered)/seconds, 1),
			DeliveredBytesPerSec: round(float64(r.DeliveredBytes)/seconds, 1),
		},
		Latency: Latency{
			Processing:    metrics.Summarize(r.Processing),
			KafkaAck:      metrics.Summarize(r.KafkaAck),
			Pipeline:      metrics.Summarize(r.Pipeline),
			ExchangeToAck: metrics.Summarize(r.ExchangeToAck),
			Histograms: Histograms{
				Processing:    metrics.Encode(r.Processing),
				KafkaAck:      metrics.Encode(r.KafkaAck),
				Pipeline:      metrics.Encode(r.Pipeline),
				ExchangeToAck: metrics.Encode(r.ExchangeToAck),
			},
		},
		LibrdkafkaStats: f.Stats,
		Memory:          Memory{RssBytes: f.RSS, HeapBytes: f.Heap},
		CPU: CPU{
			UserUs:                f.CPU.UserUs,
			SystemUs:              f.CPU.SystemUs,
			UsPerDeliveredMessage: usPerMsg,
			CoresUsed:             cores,
		},
		Intervals: slices.Clone(r.Intervals),
		Reliability: Reliability{
			Reconnects:       f.Client.Reconnects,
			DisconnectedMs:   f.Client.DisconnectedMs,
			InvalidFrames:    r.Invalid,
			QueueFullRetries: r.QueueFullRetries,
			FailedDeliveries: r.Failed,
			FailedByCode:     errorsByCode,
		},
	}
}

// echo is the report's config section: the settings that shape a run.
func echo(c config.Config) Config {
	return Config{
		TestDurationS:         c.TestDuration,
		WarmupS:               c.WarmupSeconds,
		KafkaBootstrapServers: c.KafkaBootstrapServers,
		Topic:                 c.KafkaTopic,
		UpbitRestURL:          contract.RedactURL(c.UpbitRestURL),
		UpbitWsURL:            contract.RedactURL(c.UpbitWsURL),
		Channel:               c.UpbitChannel,
		WsCompression:         c.WsCompression,
		MarketsPerConnection:  c.MarketsPerConnection,
		ConnectBatch:          c.ConnectBatch,
		ConnectIntervalMs:     c.ConnectIntervalMs,
		ConnectPhaseMs:        c.ConnectPhaseMs,
		PingIntervalMs:        c.PingIntervalMs,
		HandshakeTimeoutMs:    c.HandshakeTimeoutMs,
		SilenceTimeoutMs:      c.SilenceTimeoutMs,
		ReconnectMaxRetries:   c.ReconnectMaxRetries,
		ReconnectStableMs:     c.ReconnectStableMs,
		MaxFrameBytes:         c.MaxFrameBytes,
		StartMode:             c.StartMode,
	}
}
