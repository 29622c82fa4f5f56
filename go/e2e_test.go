package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/config"
	"github.com/upbit-kafka-bench/go-producer/internal/testfeed"
)

func testMarkets() []string {
	return []string{"KRW-BTC", "KRW-ETH", "KRW-XRP", "BTC-ETH", "BTC-XRP", "USDT-BTC", "KRW-SOL"}
}

func topicName(kind string) string { return fmt.Sprintf("go-e2e-%s-%d", kind, time.Now().UnixNano()) }

// sharedSettings is config/producer-settings.json without its comments: what the report must echo.
func sharedSettings(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(config.DefaultSettingsPath())
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	for k := range s {
		if strings.HasPrefix(k, "$") {
			delete(s, k)
		}
	}
	return s
}

func TestEndToEndWarmupWindowProduceReport(t *testing.T) {
	bs := bootstrap(t)
	feed := testfeed.New(t, testMarkets(), 4*time.Millisecond)
	feed.MalformedEvery = 25
	feed.ErrorFrame = "TEST_ERROR"
	topic := topicName("window")
	res := runBinary(t, runOptions{reportDir: t.TempDir(), startIn: 1500 * time.Millisecond, env: map[string]string{
		"KAFKA_BOOTSTRAP_SERVERS": bs, "KAFKA_TOPIC": topic, "UPBIT_REST_URL": feed.RestURL(), "UPBIT_WS_URL": feed.WsURL(),
		"TEST_DURATION": "6", "MARKETS_PER_CONNECTION": "3", "CONNECT_BATCH": "1", "CONNECT_INTERVAL_MS": "100",
		"PING_INTERVAL_MS": "1000", "MARKETS_LIMIT": "6",
	}})
	if res.exitCode != 0 {
		t.Fatalf("exit %d", res.exitCode)
	}
	if names := eventNames(res); names != "ready,warmup,start,metrics,metrics,end,report" {
		t.Fatalf("events %s", names)
	}
	if ready := res.events[0]; ready["connections"] != 2.0 || ready["markets"] != 6.0 || ready["contender"] != "go" {
		t.Fatalf("ready %v", ready)
	}
	r := res.report
	if r == nil {
		t.Fatal("no report")
	}
	if r["status"] != "complete" || len(r["statusReasons"].([]any)) != 0 || res.events[len(res.events)-1]["status"] != "complete" {
		t.Fatalf("status %v %v", r["status"], r["statusReasons"])
	}
	received, invalid := num(t, r, "messages.received"), num(t, r, "messages.invalid")
	delivered := num(t, r, "messages.delivered")
	if received < 500 || delivered != received-invalid || num(t, r, "messages.failed") != 0 || num(t, r, "messages.produced") != delivered {
		t.Fatalf("received %v invalid %v delivered %v", received, invalid, delivered)
	}
	if invalid == 0 || num(t, r, "reliability.invalidFrames") != invalid {
		t.Fatal("malformed frames not counted")
	}
	samples := get(r, "messages.invalidSamples").([]any)
	if len(samples) == 0 || len(samples) > 20 || samples[0].(map[string]any)["reason"] != "not-json" {
		t.Fatalf("invalid samples %v", samples)
	}
	if num(t, r, "connections.planned") != 2 || num(t, r, "connections.opened") != 2 || num(t, r, "markets.count") != 6 {
		t.Fatal("connections/markets")
	}
	if get(r, "connections.compression") != "permessage-deflate" || num(t, r, "connections.longestAllDownMs") != 0 {
		t.Fatalf("connections %v", r["connections"])
	}
	// connection 1 opened 100 ms after connection 0, whose frames meanwhile were not produced
	if num(t, r, "messages.beforeReady") == 0 || num(t, r, "messages.statusFrames") != 2 || num(t, r, "messages.errorFrames.TEST_ERROR") != 2 {
		t.Fatalf("messages %v", r["messages"])
	}
	if num(t, r, "latency.pipeline.count") != delivered || num(t, r, "latency.pipeline.p99Us") <= 0 || num(t, r, "latency.kafkaAck.p50Us") <= 0 {
		t.Fatal("latency")
	}
	if num(t, r, "latency.exchangeToAck.count") != delivered {
		t.Fatal("exchangeToAck not recorded")
	}
	if acc := num(t, r, "timing.accuracyMs"); acc < -50 || acc > 200 {
		t.Fatalf("accuracy %v ms", acc)
	}
	if num(t, r, "librdkafkaStats.samples") < 3 || num(t, r, "librdkafkaStats.requests") <= 0 || num(t, r, "librdkafkaStats.rttP50Us") <= 0 {
		t.Fatalf("librdkafkaStats %v", r["librdkafkaStats"])
	}
	if num(t, r, "memory.rssBytes.samples") < 5 || num(t, r, "memory.rssBytes.min") <= 0 || num(t, r, "memory.heapBytes.avg") <= 0 {
		t.Fatalf("memory %v", r["memory"])
	}
	if num(t, r, "cpu.usPerDeliveredMessage") <= 0 || num(t, r, "cpu.coresUsed") <= 0 {
		t.Fatalf("cpu %v", r["cpu"])
	}
	if n := len(r["intervals"].([]any)); n != 2 {
		t.Fatalf("%d intervals for a 6-second window, want 5000 and the close", n)
	}
	if get(r, "librdkafka.version") != "2.15.1" || get(r, "runtime.heapMeaning") == "" {
		t.Fatalf("librdkafka %v runtime %v", get(r, "librdkafka.version"), r["runtime"])
	}
	if got := r["producerSettings"].(map[string]any); !reflect.DeepEqual(got, sharedSettings(t)) {
		t.Fatalf("producerSettings %v", got)
	}
	if get(r, "config.channel") != "ticker" || get(r, "config.wsCompression") != "on" || num(t, r, "config.warmupS") != 0 || num(t, r, "config.maxFrameBytes") != 1048576 {
		t.Fatalf("config %v", r["config"])
	}
	// warm-up: produced from ready to the START 1.5 s later, all delivered, apart in the topic
	warmup := num(t, r, "warmup.delivered")
	if warmup < 100 || num(t, r, "warmup.produced") != warmup || num(t, r, "warmup.failed") != 0 || num(t, r, "warmup.durationMs") < 1000 {
		t.Fatalf("warmup %v", r["warmup"])
	}
	phases := consumeAll(t, bs, topic, int(warmup+delivered), feed.IsValid)
	if phases["warmup"] != int(warmup) || phases["window"] != int(delivered) {
		t.Fatalf("topic phases %v, report warm-up %v window %v", phases, warmup, delivered)
	}
}

// Compression off, the orderbook channel, and a frame larger than MAX_FRAME_BYTES in the window:
// refused from its header (counted invalid as too-large, sampled with no bytes), never produced,
// its connection failed (1009) and reconnected.
func TestEndToEndOrderbookUncompressedTooLarge(t *testing.T) {
	bs := bootstrap(t)
	feed := testfeed.New(t, testMarkets()[:4], 5*time.Millisecond)
	feed.HugeFrameBytes, feed.HugeAfter = 3<<20, 1200*time.Millisecond
	topic := topicName("orderbook")
	res := runBinary(t, runOptions{reportDir: t.TempDir(), env: map[string]string{
		"KAFKA_BOOTSTRAP_SERVERS": bs, "KAFKA_TOPIC": topic, "UPBIT_REST_URL": feed.RestURL(), "UPBIT_WS_URL": feed.WsURL(),
		"TEST_DURATION": "3", "MARKETS_PER_CONNECTION": "2", "CONNECT_INTERVAL_MS": "0", "UPBIT_CHANNEL": "orderbook",
		"WS_COMPRESSION": "off", "MAX_FRAME_BYTES": "1048576",
	}})
	r := res.report
	if res.exitCode != 0 || r["status"] != "complete" {
		t.Fatalf("exit %d status %v", res.exitCode, r["status"])
	}
	if get(r, "connections.compression") != "none" || get(r, "config.channel") != "orderbook" || num(t, r, "connections.reconnects") != 1 {
		t.Fatalf("connections %v", r["connections"])
	}
	samples, _ := get(r, "messages.invalidSamples").([]any)
	if num(t, r, "messages.invalid") != 1 || len(samples) != 1 || samples[0].(map[string]any)["reason"] != "too-large" ||
		samples[0].(map[string]any)["bytes"] != float64(0) || samples[0].(map[string]any)["frame"] != "" {
		t.Fatalf("invalid %v", samples)
	}
	delivered := num(t, r, "messages.delivered")
	if delivered == 0 || delivered != num(t, r, "messages.received")-1 {
		t.Fatalf("delivered %v of %v", delivered, num(t, r, "messages.received"))
	}
	consumeAll(t, bs, topic, int(delivered+num(t, r, "warmup.delivered")), feed.IsValid)
}

func TestEndToEndReconnectAfterDrop(t *testing.T) {
	bs := bootstrap(t)
	feed := testfeed.New(t, testMarkets()[:4], 5*time.Millisecond)
	feed.DropAfter = 1500 * time.Millisecond
	topic := topicName("drop")
	res := runBinary(t, runOptions{reportDir: t.TempDir(), startIn: 100 * time.Millisecond, env: map[string]string{
		"KAFKA_BOOTSTRAP_SERVERS": bs, "KAFKA_TOPIC": topic, "UPBIT_REST_URL": feed.RestURL(), "UPBIT_WS_URL": feed.WsURL(),
		"TEST_DURATION": "4", "MARKETS_PER_CONNECTION": "2", "CONNECT_INTERVAL_MS": "0", "RECONNECT_BASE_MS": "100",
	}})
	if res.exitCode != 0 {
		t.Fatalf("exit %d", res.exitCode)
	}
	r := res.report
	if num(t, r, "connections.reconnects") < 2 || num(t, r, "reliability.reconnects") != num(t, r, "connections.reconnects") {
		t.Fatalf("reconnects %v", r["connections"])
	}
	if num(t, r, "connections.disconnectedMs") <= 0 || num(t, r, "connections.opened") < 4 || num(t, r, "connections.failed") != 0 || num(t, r, "connections.flaps") != 2 {
		t.Fatalf("connections %v", r["connections"])
	}
	delivered := num(t, r, "messages.delivered")
	if delivered != num(t, r, "messages.received") {
		t.Fatal("lost messages")
	}
	consumeAll(t, bs, topic, int(delivered+num(t, r, "warmup.delivered")), feed.IsValid)
}

func TestEndToEndSIGINTWritesInterruptedReport(t *testing.T) {
	bs := bootstrap(t)
	feed := testfeed.New(t, testMarkets()[:3], 5*time.Millisecond)
	topic := topicName("int")
	res := runBinary(t, runOptions{reportDir: t.TempDir(), signal: syscall.SIGINT, signalAt: 1500 * time.Millisecond, env: map[string]string{
		"KAFKA_BOOTSTRAP_SERVERS": bs, "KAFKA_TOPIC": topic, "UPBIT_REST_URL": feed.RestURL(), "UPBIT_WS_URL": feed.WsURL(),
		"TEST_DURATION": "30",
	}})
	if res.exitCode != 130 {
		t.Fatalf("exit %d, want 130\n%s", res.exitCode, res.stdout)
	}
	r := res.report
	if r["status"] != "interrupted" || res.events[len(res.events)-1]["status"] != "interrupted" {
		t.Fatalf("status %v", r["status"])
	}
	if reasons := r["statusReasons"].([]any); len(reasons) != 1 || reasons[0].(map[string]any)["code"] != "short-window" {
		t.Fatalf("reasons %v", reasons)
	}
	if acc := num(t, r, "timing.accuracyMs"); acc > -25_000 {
		t.Fatalf("accuracy %v: the window was not cut short", acc)
	}
	delivered := num(t, r, "messages.delivered")
	if delivered == 0 || delivered != num(t, r, "messages.received") {
		t.Fatalf("delivered %v of %v", delivered, num(t, r, "messages.received"))
	}
	if res.events[len(res.events)-1]["event"] != "report" {
		t.Fatal("no report event")
	}
	consumeAll(t, bs, topic, int(delivered+num(t, r, "warmup.delivered")), feed.IsValid)
}

func TestSIGTERMExits143(t *testing.T) {
	bs := bootstrap(t)
	feed := testfeed.New(t, testMarkets()[:2], 10*time.Millisecond)
	res := runBinary(t, runOptions{reportDir: t.TempDir(), signal: syscall.SIGTERM, signalAt: 500 * time.Millisecond, env: map[string]string{
		"KAFKA_BOOTSTRAP_SERVERS": bs, "KAFKA_TOPIC": topicName("term"),
		"UPBIT_REST_URL": feed.RestURL(), "UPBIT_WS_URL": feed.WsURL(), "TEST_DURATION": "30",
	}})
	if res.exitCode != 143 || res.report["status"] != "interrupted" {
		t.Fatalf("exit %d status %v", res.exitCode, res.report["status"])
	}
}
