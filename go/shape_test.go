package main

import (
	"strings"
	"testing"
)

// reportNumberPaths are every numeric field of src/report/schema.ts (latency and gauge
// summaries expanded below); a report missing one, or with a negative one, fails.
var reportNumberPaths = []string{
	"schemaVersion", "host.cpus", "host.memoryBytes",
	"config.testDurationS", "config.marketsPerConnection", "config.connectBatch", "config.connectIntervalMs",
	"config.pingIntervalMs", "config.reconnectMaxRetries",
	"timing.readyAtMs", "timing.startMs", "timing.endMs", "timing.targetDurationMs", "timing.measuredDurationMs",
	"connections.planned", "connections.opened", "connections.reconnects", "connections.failed",
	"connections.disconnectedMs", "connections.rateLimited", "markets.count",
	"messages.received", "messages.invalid", "messages.produced", "messages.delivered", "messages.failed",
	"messages.inFlightAtEnd", "messages.queueFullRetries", "messages.bytesReceived",
	"throughput.receivedPerSec", "throughput.deliveredPerSec", "throughput.deliveredBytesPerSec",
	"librdkafkaStats.samples", "librdkafkaStats.intLatencyP50Us", "librdkafkaStats.intLatencyP99Us",
	"librdkafkaStats.outbufLatencyP50Us", "librdkafkaStats.outbufLatencyP99Us", "librdkafkaStats.rttP50Us",
	"librdkafkaStats.rttP99Us", "librdkafkaStats.batchSizeAvgBytes", "librdkafkaStats.batchCountAvg", "librdkafkaStats.requests",
	"cpu.userUs", "cpu.systemUs", "cpu.usPerDeliveredMessage", "cpu.coresUsed",
	"reliability.reconnects", "reliability.disconnectedMs", "reliability.invalidFrames", "reliability.queueFullRetries",
	"reliability.failedDeliveries",
}

var reportStringPaths = []string{
	"contender", "status", "runtime.name", "runtime.version", "runtime.websocket", "runtime.kafkaBinding",
	"librdkafka.version", "host.platform", "host.arch", "host.cpuModel", "config.kafkaBootstrapServers",
	"config.topic", "config.upbitRestUrl", "config.upbitWsUrl", "config.startMode",
}

var latencyFields = []string{"count", "minUs", "meanUs", "p50Us", "p95Us", "p99Us", "p999Us", "maxUs"}
var gaugeFields = []string{"samples", "avg", "min", "max"}
var intervalFields = []string{"offsetMs", "received", "delivered", "failed", "receivedPerSec", "deliveredPerSec", "pipelineP99Us", "rssBytes", "heapBytes"}

// checkReportShape is a Go-side stand-in for the zod schema (the bun test validates with the
// schema itself): every field present with its JSON type, counts non-negative.
func checkReportShape(t *testing.T, r map[string]any) {
	t.Helper()
	if r == nil {
		t.Fatal("no report")
	}
	paths := append([]string{}, reportNumberPaths...)
	for _, l := range []string{"connections.connectUs", "latency.processing", "latency.kafkaAck", "latency.pipeline", "latency.exchangeToAck"} {
		for _, f := range latencyFields {
			paths = append(paths, l+"."+f)
		}
	}
	for _, g := range []string{"memory.rssBytes", "memory.heapBytes"} {
		for _, f := range gaugeFields {
			paths = append(paths, g+"."+f)
		}
	}
	for _, p := range paths {
		v, ok := get(r, p).(float64)
		if !ok {
			t.Errorf("report.%s: not a number (%v)", p, get(r, p))
		} else if v < 0 {
			t.Errorf("report.%s = %v is negative", p, v)
		}
	}
	for _, p := range append(reportStringPaths, "timing.accuracyMs", "timing.startLagMs") {
		if get(r, p) == nil {
			t.Errorf("report.%s missing", p)
		}
	}
	for _, p := range []string{"producerSettings", "markets.byQuote", "messages.errorsByCode", "reliability.failedByCode"} {
		if _, ok := get(r, p).(map[string]any); !ok {
			t.Errorf("report.%s is not an object", p)
		}
	}
	intervals, ok := r["intervals"].([]any)
	if !ok {
		t.Fatal("report.intervals is not an array")
	}
	for i, iv := range intervals {
		for _, f := range intervalFields {
			if _, ok := iv.(map[string]any)[f].(float64); !ok {
				t.Errorf("report.intervals[%d].%s missing", i, f)
			}
		}
	}
	if samples, ok := get(r, "messages.invalidSamples").([]any); !ok || len(samples) > 20 {
		t.Error("report.messages.invalidSamples is not an array of at most 20")
	}
	if r["runtime"].(map[string]any)["name"] != "go" || !strings.HasPrefix(r["runtime"].(map[string]any)["kafkaBinding"].(string), "confluent-kafka-go v2") {
		t.Errorf("runtime %v", r["runtime"])
	}
}
