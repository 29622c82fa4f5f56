package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/upbit-kafka-bench/go-producer/internal/config"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
	"github.com/upbit-kafka-bench/go-producer/internal/upbit"
)

func sampleFacts() Facts {
	cfg, _ := config.Parse(func(string) string { return "" }, nil, "go")
	rec := metrics.NewRecorder()
	rec.FrameIn(1, 0, 100, 1_700_000_000_000)
	rec.ProducedOK(1, 5_000)
	rec.DeliveryReport(1, "", 2_000_000, 1_700_000_000_002)
	rec.FrameIn(2, 0, 100, 0)
	rec.DeliveryReport(2, "_MSG_TIMED_OUT", 3_000_000, 0)
	rec.InvalidFrame("not-json", []byte("hello"))
	rec.Interval(5000, 1, 2)
	return Facts{
		Config: cfg, Status: "complete", Runtime: Runtime{Name: "go", Version: "go1", Websocket: "w", KafkaBinding: "k"},
		LibrdkafkaVersion: "2.15.1", ProducerSettings: map[string]string{"linger.ms": "10"}, Codes: []string{"KRW-BTC", "BTC-ETH"},
		PlannedConnections: 1, ReadyAtMs: 1, StartMs: 10_000, OpenedAtMs: 10_000.5, ClosedAtMs: 70_001.25,
		CPU: metrics.CPUTimes{UserUs: 1500, SystemUs: 500}, CPUWallMs: 60_000, Client: upbit.ClientStats{Opened: 1, ConnectUs: []int64{1200}},
		Recorder: rec, Host: HostInfo(),
	}
}

// The JSON field names are the contract of src/report/schema.ts.
func TestReportJSONFieldNames(t *testing.T) {
	data, err := json.Marshal(Build(sampleFacts()))
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	_ = json.Unmarshal(data, &r)
	keys := func(path string) string {
		var cur any = r
		if path != "" {
			for _, k := range strings.Split(path, ".") {
				cur = cur.(map[string]any)[k]
			}
		}
		var out []string
		for k := range cur.(map[string]any) {
			out = append(out, k)
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	want := map[string]string{
		"":                      "config,connections,contender,cpu,host,intervals,latency,librdkafka,librdkafkaStats,markets,memory,messages,producerSettings,reliability,runtime,schemaVersion,status,throughput,timing",
		"runtime":               "kafkaBinding,name,version,websocket",
		"host":                  "arch,cpuModel,cpus,memoryBytes,platform",
		"config":                "connectBatch,connectIntervalMs,kafkaBootstrapServers,marketsPerConnection,pingIntervalMs,reconnectMaxRetries,startMode,testDurationS,topic,upbitRestUrl,upbitWsUrl",
		"timing":                "accuracyMs,endMs,measuredDurationMs,readyAtMs,startLagMs,startMs,targetDurationMs",
		"connections":           "connectUs,disconnectedMs,failed,opened,planned,rateLimited,reconnects",
		"connections.connectUs": "count,maxUs,meanUs,minUs,p50Us,p95Us,p999Us,p99Us",
		"markets":               "byQuote,count",
		"messages":              "bytesReceived,delivered,errorsByCode,failed,inFlightAtEnd,invalid,invalidSamples,produced,queueFullRetries,received",
		"throughput":            "deliveredBytesPerSec,deliveredPerSec,receivedPerSec",
		"latency":               "exchangeToAck,kafkaAck,pipeline,processing",
		"latency.pipeline":      "count,maxUs,meanUs,minUs,p50Us,p95Us,p999Us,p99Us",
		"librdkafkaStats":       "batchCountAvg,batchSizeAvgBytes,intLatencyP50Us,intLatencyP99Us,outbufLatencyP50Us,outbufLatencyP99Us,requests,rttP50Us,rttP99Us,samples",
		"memory":                "heapBytes,rssBytes",
		"memory.rssBytes":       "avg,max,min,samples",
		"cpu":                   "coresUsed,systemUs,usPerDeliveredMessage,userUs",
		"reliability":           "disconnectedMs,failedByCode,failedDeliveries,invalidFrames,queueFullRetries,reconnects",
	}
	for path, w := range want {
		if got := keys(path); got != w {
			t.Errorf("%q keys\n got %s\nwant %s", path, got, w)
		}
	}
	iv := r["intervals"].([]any)[0].(map[string]any)
	for _, k := range []string{"offsetMs", "received", "delivered", "failed", "receivedPerSec", "deliveredPerSec", "pipelineP99Us", "rssBytes", "heapBytes"} {
		if _, ok := iv[k]; !ok {
			t.Errorf("intervals[0].%s missing", k)
		}
	}
	s := r["messages"].(map[string]any)["invalidSamples"].([]any)[0].(map[string]any)
	if s["reason"] != "not-json" || s["frame"] != "hello" || s["bytes"] != 5.0 {
		t.Errorf("invalid sample %v", s)
	}
}

func TestBuildArithmetic(t *testing.T) {
	r := Build(sampleFacts())
	if r.Timing.MeasuredDurationMs != 60_000.75 || r.Timing.AccuracyMs != 0.75 || r.Timing.StartLagMs != 0.5 || r.Timing.EndMs != 70_001 {
		t.Errorf("timing %+v", r.Timing)
	}
	if r.Messages.Delivered != 1 || r.Messages.Failed != 1 || r.Reliability.FailedByCode["_MSG_TIMED_OUT"] != 1 || r.Messages.ErrorsByCode["_MSG_TIMED_OUT"] != 1 {
		t.Errorf("messages %+v", r.Messages)
	}
	if r.CPU.UsPerDeliveredMessage != 2000 || r.CPU.CoresUsed != 0 { // 2 ms CPU over 60 s rounds to 0.000 cores
		t.Errorf("cpu %+v", r.CPU)
	}
	if r.Latency.KafkaAck.Count != 1 || r.Latency.ExchangeToAck.P50Us != 2000 || r.Markets.ByQuote["KRW"] != 1 || r.Connections.ConnectUs.Count != 1 {
		t.Errorf("latency %+v markets %+v", r.Latency, r.Markets)
	}
	if r.Host.Arch != NodeArch("amd64") && r.Host.Arch != "arm64" {
		t.Logf("arch %s", r.Host.Arch)
	}
	if NodeArch("amd64") != "x64" || NodeArch("arm64") != "arm64" {
		t.Error("NodeArch")
	}
}

func TestWriteCreatesDirAndEmptyCollectionsAreJSONObjects(t *testing.T) {
	f := sampleFacts()
	f.Recorder = metrics.NewRecorder()
	f.Client = upbit.ClientStats{}
	dir := filepath.Join(t.TempDir(), "nested", "reports")
	path, err := Write(dir, Build(f))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, want := range []string{`"errorsByCode": {}`, `"invalidSamples": []`, `"intervals": []`, `"failedByCode": {}`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("report lacks %s", want)
		}
	}
	if filepath.Base(path) != "go_performance_report.json" {
		t.Errorf("path %s", path)
	}
}
