package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/upbit-kafka-bench/go-producer/internal/config"
	"github.com/upbit-kafka-bench/go-producer/internal/contract"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
	"github.com/upbit-kafka-bench/go-producer/internal/upbit"
)

func sampleFacts() Facts {
	cfg, _ := config.Parse(func(string) string { return "" }, nil, "go")
	rec := metrics.NewRecorder()
	rec.FrameReceived(100)
	rec.FrameIn(1, 0, 100, 1_700_000_000_000)
	rec.ProducedOK(1, 5_000)
	rec.DeliveryReport(1, "", 2_000_000, 1_700_000_000_002)
	rec.FrameReceived(100)
	rec.FrameIn(2, 0, 100, 0)
	rec.ProducedOK(2, 6_000)
	rec.DeliveryReport(2, "_MSG_TIMED_OUT", 3_000_000, 0)
	rec.FrameReceived(5)
	rec.InvalidFrame("not-json", []byte("hello"), 5)
	rec.Interval(5000, 1, 2)
	rec.Warmup = metrics.WarmupCounts{Received: 7, Produced: 6, Delivered: 5, Failed: 1}
	rec.ErrorFrames["NO_TICKET"] = 2
	return Facts{
		Config: cfg, Runtime: Runtime{Name: "go", Version: "go1", Websocket: "w", KafkaBinding: "k", HeapMeaning: "h"},
		LibrdkafkaVersion: "2.15.1", ProducerSettings: map[string]string{"k": "v"}, Codes: []string{"KRW-BTC", "BTC-ETH"},
		PlannedConnections: 1, ReadyAtMs: 1, StartMs: 10_000, OpenedAtMs: 10_000.5, ClosedAtMs: 70_001.25,
		CPU: metrics.CPUTimes{UserUs: 1500, SystemUs: 500}, CPUWallMs: 60_000,
		Client:   upbit.ClientStats{Opened: 1, ConnectUs: []float64{1200}, Compression: "permessage-deflate"},
		Recorder: rec, Host: HostInfo(),
	}
}

// What Build makes is what the contract's schema accepts: every field, no other.
func TestBuildMatchesTheSchema(t *testing.T) {
	data, err := json.Marshal(Build(sampleFacts()))
	if err != nil {
		t.Fatal(err)
	}
	if err := contract.ValidateReport(data); err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	_ = json.Unmarshal(data, &r)
	s := r["messages"].(map[string]any)["invalidSamples"].([]any)[0].(map[string]any)
	if s["reason"] != "not-json" || s["frame"] != "hello" || s["bytes"] != 5.0 {
		t.Errorf("invalid sample %v", s)
	}
	if r["schemaVersion"] != 2.0 {
		t.Errorf("schemaVersion %v", r["schemaVersion"])
	}
}

func TestBuildArithmetic(t *testing.T) {
	r := Build(sampleFacts())
	if r.Timing.MeasuredDurationMs != 60_000.75 || r.Timing.AccuracyMs != 0.75 || r.Timing.StartLagMs != 0.5 || r.Timing.EndMs != 70_001 {
		t.Errorf("timing %+v", r.Timing)
	}
	if r.Messages.Received != 3 || r.Messages.Delivered != 1 || r.Messages.Failed != 1 || r.Reliability.FailedByCode["_MSG_TIMED_OUT"] != 1 || r.Messages.ErrorsByCode["_MSG_TIMED_OUT"] != 1 {
		t.Errorf("messages %+v", r.Messages)
	}
	if r.CPU.UsPerDeliveredMessage != 2000 || r.CPU.CoresUsed != 0 { // 2 ms CPU over 60 s rounds to 0.000 cores
		t.Errorf("cpu %+v", r.CPU)
	}
	if r.Latency.KafkaAck.Count != 1 || r.Latency.ExchangeToAck.P50Us != 2000 || r.Markets.ByQuote["KRW"] != 1 || r.Connections.ConnectUs.Count != 1 {
		t.Errorf("latency %+v markets %+v", r.Latency, r.Markets)
	}
	if r.Warmup.Received != 7 || r.Warmup.Delivered != 5 || r.Warmup.DurationMs != 9_999.5 || r.Warmup.TargetS != 10 || r.Messages.ErrorFrames["NO_TICKET"] != 2 {
		t.Errorf("warmup %+v", r.Warmup)
	}
	// one of two valid frames lost: failed, with the reason in the contract's words
	if r.Status != Failed || len(r.StatusReasons) != 1 || r.StatusReasons[0].Code != "undelivered" {
		t.Errorf("status %s %+v", r.Status, r.StatusReasons)
	}
	if NodeArch("amd64") != "x64" || NodeArch("arm64") != "arm64" {
		t.Error("NodeArch")
	}
}

func TestWriteCreatesDirAndEmptyCollectionsAreJSONObjects(t *testing.T) {
	f := sampleFacts()
	f.Recorder = metrics.NewRecorder()
	f.Client = upbit.ClientStats{Compression: "none"}
	dir := filepath.Join(t.TempDir(), "nested", "reports")
	path, err := Write(dir, Build(f))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, want := range []string{`"errorsByCode": {}`, `"invalidSamples": []`, `"intervals": []`, `"failedByCode": {}`, `"errorFrames": {}`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("report lacks %s", want)
		}
	}
	if filepath.Base(path) != "go_performance_report.json" {
		t.Errorf("path %s", path)
	}
}

// A report the schema refuses is not written.
func TestWriteRefusesAReportTheSchemaRefuses(t *testing.T) {
	r := Build(sampleFacts())
	r.Status = "fine"
	dir := t.TempDir()
	if _, err := Write(dir, r); err == nil || !strings.Contains(err.Error(), "report.schema.json") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(Path(dir, "go")); err == nil {
		t.Fatal("written anyway")
	}
}

// The report carries the window's four histograms, the very ones its four summaries were read
// from: each decodes to its summary's count and p99.
func TestBuildCarriesTheWindowHistograms(t *testing.T) {
	r := Build(sampleFacts())
	l := r.Latency
	for _, c := range []struct {
		name    string
		encoded string
		summary metrics.LatencySummary
	}{
		{"processing", l.Histograms.Processing, l.Processing},
		{"kafkaAck", l.Histograms.KafkaAck, l.KafkaAck},
		{"pipeline", l.Histograms.Pipeline, l.Pipeline},
		{"exchangeToAck", l.Histograms.ExchangeToAck, l.ExchangeToAck},
	} {
		h, err := hdrhistogram.Decode([]byte(c.encoded))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if h.TotalCount() != c.summary.Count || float64(h.ValueAtQuantile(99)) != c.summary.P99Us {
			t.Errorf("%s decodes to count %d p99 %d, its summary says %+v", c.name, h.TotalCount(), h.ValueAtQuantile(99), c.summary)
		}
	}
	if l.Processing.Count != 2 || l.ExchangeToAck.Count != 1 {
		t.Errorf("the sample window's counts changed: %+v", l)
	}
}
