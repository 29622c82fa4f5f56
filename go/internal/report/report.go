// Package report is the report contract (src/report/schema.ts) as Go types, its assembly
// from what a run measured (as src/report/build.ts), host facts, and writing it.
package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/upbit-kafka-bench/go-producer/internal/config"
	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
	"github.com/upbit-kafka-bench/go-producer/internal/upbit"
)

type Runtime struct {
	Name         string `json:"name"`
	Version      string `json:"version"`
	Websocket    string `json:"websocket"`
	KafkaBinding string `json:"kafkaBinding"`
}

type Librdkafka struct {
	Version string `json:"version"`
}

type Host struct {
	Platform    string `json:"platform"`
	Arch        string `json:"arch"`
	Cpus        int    `json:"cpus"`
	CPUModel    string `json:"cpuModel"`
	MemoryBytes uint64 `json:"memoryBytes"`
}

type Config struct {
	TestDurationS         float64 `json:"testDurationS"`
	KafkaBootstrapServers string  `json:"kafkaBootstrapServers"`
	Topic                 string  `json:"topic"`
	UpbitRestURL          string  `json:"upbitRestUrl"`
	UpbitWsURL            string  `json:"upbitWsUrl"`
	MarketsPerConnection  int     `json:"marketsPerConnection"`
	ConnectBatch          int     `json:"connectBatch"`
	ConnectIntervalMs     int     `json:"connectIntervalMs"`
	PingIntervalMs        int     `json:"pingIntervalMs"`
	ReconnectMaxRetries   int     `json:"reconnectMaxRetries"`
	StartMode             string  `json:"startMode"`
}

type Timing struct {
	ReadyAtMs          int64   `json:"readyAtMs"`
	StartMs            int64   `json:"startMs"`
	EndMs              int64   `json:"endMs"`
	TargetDurationMs   float64 `json:"targetDurationMs"`
	MeasuredDurationMs float64 `json:"measuredDurationMs"`
	AccuracyMs         float64 `json:"accuracyMs"`
	StartLagMs         float64 `json:"startLagMs"`
}

type Connections struct {
	Planned        int                    `json:"planned"`
	Opened         int                    `json:"opened"`
	Reconnects     int                    `json:"reconnects"`
	Failed         int                    `json:"failed"`
	DisconnectedMs int64                  `json:"disconnectedMs"`
	RateLimited    int                    `json:"rateLimited"`
	ConnectUs      metrics.LatencySummary `json:"connectUs"`
}

type Markets struct {
	Count   int            `json:"count"`
	ByQuote map[string]int `json:"byQuote"`
}

type Messages struct {
	Received         int64                   `json:"received"`
	Invalid          int64                   `json:"invalid"`
	Produced         int64                   `json:"produced"`
	Delivered        int64                   `json:"delivered"`
	Failed           int64                   `json:"failed"`
	InFlightAtEnd    int                     `json:"inFlightAtEnd"`
	QueueFullRetries int64                   `json:"queueFullRetries"`
	ErrorsByCode     map[string]int64        `json:"errorsByCode"`
	InvalidSamples   []metrics.InvalidSample `json:"invalidSamples"`
	BytesReceived    int64                   `json:"bytesReceived"`
}

type Throughput struct {
	ReceivedPerSec       float64 `json:"receivedPerSec"`
	DeliveredPerSec      float64 `json:"deliveredPerSec"`
	DeliveredBytesPerSec float64 `json:"deliveredBytesPerSec"`
}

type Latency struct {
	Processing    metrics.LatencySummary `json:"processing"`
	KafkaAck      metrics.LatencySummary `json:"kafkaAck"`
	Pipeline      metrics.LatencySummary `json:"pipeline"`
	ExchangeToAck metrics.LatencySummary `json:"exchangeToAck"`
}

type Memory struct {
	RssBytes  metrics.GaugeSummary `json:"rssBytes"`
	HeapBytes metrics.GaugeSummary `json:"heapBytes"`
}

type CPU struct {
	UserUs                int64   `json:"userUs"`
	SystemUs              int64   `json:"systemUs"`
	UsPerDeliveredMessage float64 `json:"usPerDeliveredMessage"`
	CoresUsed             float64 `json:"coresUsed"`
}

type Reliability struct {
	Reconnects       int              `json:"reconnects"`
	DisconnectedMs   int64            `json:"disconnectedMs"`
	InvalidFrames    int64            `json:"invalidFrames"`
	QueueFullRetries int64            `json:"queueFullRetries"`
	FailedDeliveries int64            `json:"failedDeliveries"`
	FailedByCode     map[string]int64 `json:"failedByCode"`
}

// Report is THE report: field names and units exactly as src/report/schema.ts.
type Report struct {
	SchemaVersion    int                      `json:"schemaVersion"`
	Contender        string                   `json:"contender"`
	Status           string                   `json:"status"`
	Runtime          Runtime                  `json:"runtime"`
	Librdkafka       Librdkafka               `json:"librdkafka"`
	Host             Host                     `json:"host"`
	Config           Config                   `json:"config"`
	ProducerSettings map[string]string        `json:"producerSettings"`
	Timing           Timing                   `json:"timing"`
	Connections      Connections              `json:"connections"`
	Markets          Markets                  `json:"markets"`
	Messages         Messages                 `json:"messages"`
	Throughput       Throughput               `json:"throughput"`
	Latency          Latency                  `json:"latency"`
	LibrdkafkaStats  kafka.StatsSummary       `json:"librdkafkaStats"`
	Memory           Memory                   `json:"memory"`
	CPU              CPU                      `json:"cpu"`
	Intervals        []metrics.IntervalSample `json:"intervals"`
	Reliability      Reliability              `json:"reliability"`
}

// Facts is what a run measured.
type Facts struct {
	Config             config.Config
	Status             string
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
	InFlightAtEnd      int
	Client             upbit.ClientStats
	Recorder           *metrics.Recorder
	RSS, Heap          metrics.GaugeSummary
	Stats              kafka.StatsSummary
	Host               Host
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// Build assembles the report. Pure: no clocks, no I/O.
func Build(f Facts) Report {
	r := f.Recorder
	c := f.Config
	targetMs := c.TestDurationS * 1000
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
	errorsByCode := map[string]int64{}
	for k, v := range r.ErrorsByCode {
		errorsByCode[k] = v
	}
	settings := f.ProducerSettings
	if settings == nil {
		settings = map[string]string{}
	}
	return Report{
		SchemaVersion:    1,
		Contender:        c.Contender,
		Status:           f.Status,
		Runtime:          f.Runtime,
		Librdkafka:       Librdkafka{Version: f.LibrdkafkaVersion},
		Host:             f.Host,
		ProducerSettings: settings,
		Config: Config{
			TestDurationS:         c.TestDurationS,
			KafkaBootstrapServers: c.KafkaBootstrap,
			Topic:                 c.Topic,
			UpbitRestURL:          c.UpbitRestURL,
			UpbitWsURL:            c.UpbitWsURL,
			MarketsPerConnection:  c.MarketsPerConnection,
			ConnectBatch:          c.ConnectBatch,
			ConnectIntervalMs:     c.ConnectIntervalMs,
			PingIntervalMs:        c.PingIntervalMs,
			ReconnectMaxRetries:   c.ReconnectMaxRetries,
			StartMode:             c.StartMode,
		},
		Timing: Timing{
			ReadyAtMs:          f.ReadyAtMs,
			StartMs:            f.StartMs,
			EndMs:              int64(math.Round(f.ClosedAtMs)),
			TargetDurationMs:   targetMs,
			MeasuredDurationMs: round(measuredMs, 3),
			AccuracyMs:         round(measuredMs-targetMs, 3),
			StartLagMs:         round(f.OpenedAtMs-float64(f.StartMs), 3),
		},
		Connections: Connections{
			Planned:        f.PlannedConnections,
			Opened:         f.Client.Opened,
			Reconnects:     f.Client.Reconnects,
			Failed:         f.Client.Failed,
			DisconnectedMs: f.Client.DisconnectedMs,
			RateLimited:    f.Client.RateLimited,
			ConnectUs:      metrics.SummarizeValues(f.Client.ConnectUs),
		},
		Markets: Markets{Count: len(f.Codes), ByQuote: upbit.CountByQuote(f.Codes)},
		Messages: Messages{
			Received:         r.Received,
			Invalid:          r.Invalid,
			Produced:         r.Produced,
			Delivered:        r.Delivered,
			Failed:           r.Failed,
			InFlightAtEnd:    f.InFlightAtEnd,
			QueueFullRetries: r.QueueFullRetries,
			ErrorsByCode:     errorsByCode,
			InvalidSamples:   append([]metrics.InvalidSample{}, r.InvalidSamples...),
			BytesReceived:    r.BytesReceived,
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
		},
		LibrdkafkaStats: f.Stats,
		Memory:          Memory{RssBytes: f.RSS, HeapBytes: f.Heap},
		CPU: CPU{
			UserUs:                f.CPU.UserUs,
			SystemUs:              f.CPU.SystemUs,
			UsPerDeliveredMessage: usPerMsg,
			CoresUsed:             cores,
		},
		Intervals: append([]metrics.IntervalSample{}, r.Intervals...),
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

// NodeArch names GOARCH as Node's process.arch does, so reports of all contenders compare.
func NodeArch(goarch string) string {
	switch goarch {
	case "amd64":
		return "x64"
	case "386":
		return "ia32"
	case "arm64", "arm", "ppc64", "s390x", "riscv64", "loong64", "mips", "mipsel":
		return goarch
	case "ppc64le":
		return "ppc64"
	}
	return goarch
}

// HostInfo describes this machine as Node's os module would.
func HostInfo() Host {
	h := Host{Platform: runtime.GOOS, Arch: NodeArch(runtime.GOARCH), Cpus: runtime.NumCPU(), CPUModel: cpuModel()}
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err == nil {
		h.MemoryBytes = uint64(si.Totalram) * uint64(si.Unit)
	}
	return h
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		key, value, ok := strings.Cut(scanner.Text(), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(key) {
		case "model name", "Model", "cpu model", "Hardware":
			if v := strings.TrimSpace(value); v != "" {
				return v
			}
		}
	}
	return "unknown"
}

// Path is where a contender writes its report.
func Path(dir, contender string) string {
	return dir + "/" + contender + "_performance_report.json"
}

// Validate checks the invariants the schema states that Go's types do not (non-negative, enums).
func Validate(r Report) error {
	switch {
	case r.SchemaVersion != 1:
		return fmt.Errorf("schemaVersion must be 1")
	case r.Status != "complete" && r.Status != "interrupted":
		return fmt.Errorf("status %q", r.Status)
	case r.Config.StartMode != "auto" && r.Config.StartMode != "stdin":
		return fmt.Errorf("config.startMode %q", r.Config.StartMode)
	case r.Host.Cpus <= 0:
		return fmt.Errorf("host.cpus must be positive")
	case len(r.Messages.InvalidSamples) > 20:
		return fmt.Errorf("messages.invalidSamples has more than 20 entries")
	case r.Timing.MeasuredDurationMs < 0 || r.Timing.ReadyAtMs < 0 || r.Timing.StartMs < 0:
		return fmt.Errorf("timing has a negative value")
	case r.Connections.DisconnectedMs < 0:
		return fmt.Errorf("connections.disconnectedMs is negative")
	case r.CPU.UserUs < 0 || r.CPU.SystemUs < 0:
		return fmt.Errorf("cpu has a negative value")
	case r.Runtime.Version == "" || r.Runtime.Websocket == "" || r.Runtime.KafkaBinding == "" || r.Librdkafka.Version == "":
		return fmt.Errorf("runtime and librdkafka fields must be non-empty")
	}
	return nil
}

// Write validates and writes {dir}/{contender}_performance_report.json; returns the path.
func Write(dir string, r Report) (string, error) {
	if err := Validate(r); err != nil {
		return "", fmt.Errorf("report does not match the schema: %w", err)
	}
	path := Path(dir, r.Contender)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return "", err
	}
	return path, nil
}
