// Package report is the report contract (src/contract/report.ts, embedded as
// report.schema.json) as Go types, its assembly from what a run measured, the status rules, host
// facts, and writing it.
package report

import (
	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
)

// SchemaVersion is the report contract version these types follow.
const SchemaVersion = 2

type Runtime struct {
	Name         string `json:"name"`
	Version      string `json:"version"`
	Websocket    string `json:"websocket"`
	KafkaBinding string `json:"kafkaBinding"`
	HeapMeaning  string `json:"heapMeaning"`
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
	TestDurationS         int    `json:"testDurationS"`
	WarmupS               int    `json:"warmupS"`
	KafkaBootstrapServers string `json:"kafkaBootstrapServers"`
	Topic                 string `json:"topic"`
	UpbitRestURL          string `json:"upbitRestUrl"`
	UpbitWsURL            string `json:"upbitWsUrl"`
	Channel               string `json:"channel"`
	WsCompression         string `json:"wsCompression"`
	MarketsPerConnection  int    `json:"marketsPerConnection"`
	ConnectBatch          int    `json:"connectBatch"`
	ConnectIntervalMs     int    `json:"connectIntervalMs"`
	ConnectPhaseMs        int    `json:"connectPhaseMs"`
	PingIntervalMs        int    `json:"pingIntervalMs"`
	HandshakeTimeoutMs    int    `json:"handshakeTimeoutMs"`
	SilenceTimeoutMs      int    `json:"silenceTimeoutMs"`
	ReconnectMaxRetries   int    `json:"reconnectMaxRetries"`
	ReconnectStableMs     int    `json:"reconnectStableMs"`
	MaxFrameBytes         int    `json:"maxFrameBytes"`
	StartMode             string `json:"startMode"`
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

type Warmup struct {
	TargetS    int     `json:"targetS"`
	DurationMs float64 `json:"durationMs"`
	Received   int64   `json:"received"`
	Produced   int64   `json:"produced"`
	Delivered  int64   `json:"delivered"`
	Failed     int64   `json:"failed"`
}

type Connections struct {
	Planned           int                    `json:"planned"`
	Opened            int                    `json:"opened"`
	Reconnects        int                    `json:"reconnects"`
	Failed            int                    `json:"failed"`
	DisconnectedMs    int64                  `json:"disconnectedMs"`
	RateLimited       int                    `json:"rateLimited"`
	HandshakeTimeouts int                    `json:"handshakeTimeouts"`
	SilenceReconnects int                    `json:"silenceReconnects"`
	Flaps             int                    `json:"flaps"`
	LongestAllDownMs  int64                  `json:"longestAllDownMs"`
	Compression       string                 `json:"compression"`
	ConnectUs         metrics.LatencySummary `json:"connectUs"`
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
	BeforeReady      int64                   `json:"beforeReady"`
	ErrorFrames      map[string]int64        `json:"errorFrames"`
	StatusFrames     int64                   `json:"statusFrames"`
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
	// the window's histograms behind the four summaries, encoded (metrics.Encode)
	Histograms Histograms `json:"histograms"`
}

// Histograms are the window's four latency histograms in HdrHistogram's compressed V2 base64.
type Histograms struct {
	Processing    string `json:"processing"`
	KafkaAck      string `json:"kafkaAck"`
	Pipeline      string `json:"pipeline"`
	ExchangeToAck string `json:"exchangeToAck"`
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

// Report is THE report; report.schema.json checks it before it is written.
type Report struct {
	SchemaVersion    int                      `json:"schemaVersion"`
	Contender        string                   `json:"contender"`
	Status           string                   `json:"status"`
	StatusReasons    []StatusReason           `json:"statusReasons"`
	Runtime          Runtime                  `json:"runtime"`
	Librdkafka       Librdkafka               `json:"librdkafka"`
	Host             Host                     `json:"host"`
	Config           Config                   `json:"config"`
	ProducerSettings map[string]string        `json:"producerSettings"`
	Timing           Timing                   `json:"timing"`
	Warmup           Warmup                   `json:"warmup"`
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
