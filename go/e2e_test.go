package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// The end-to-end tests run the real binary against the fake feed and a real broker
// (KAFKA_BOOTSTRAP_SERVERS; `bun run test` sets it, or start one with `bun run kafka`).

func bootstrap(t *testing.T) string {
	t.Helper()
	b := os.Getenv("KAFKA_BOOTSTRAP_SERVERS")
	if b == "" {
		if testing.Short() {
			t.Skip("-short: no KAFKA_BOOTSTRAP_SERVERS")
		}
		t.Fatal("KAFKA_BOOTSTRAP_SERVERS is not set: this test needs a real broker. Run `bun run test` from the repository root " +
			"(it starts one), or start one with `bun run kafka` and run `KAFKA_BOOTSTRAP_SERVERS=<its address> go test -tags dynamic ./...` " +
			"(use -short to skip the broker tests)")
	}
	return b
}

var buildOnce sync.Once
var builtBinary string
var buildErr error

// binary is GO_PRODUCER_BIN (set by `bun run test`) or a fresh build of this package.
func binary(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("GO_PRODUCER_BIN"); b != "" {
		if _, err := os.Stat(b); err == nil {
			return b
		}
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "go-producer-test")
		if err != nil {
			buildErr = err
			return
		}
		builtBinary = filepath.Join(dir, "go-producer")
		out, err := exec.Command("go", "build", "-tags", "dynamic", "-o", builtBinary, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBinary
}

type runResult struct {
	exitCode int
	events   []map[string]any
	stdout   string
	report   map[string]any
	raw      []byte
}

type runOptions struct {
	env       map[string]string
	signal    syscall.Signal // sent after this long in the window
	signalAt  time.Duration
	startIn   time.Duration
	reportDir string
}

func runBinary(t *testing.T, o runOptions) runResult {
	t.Helper()
	if keep := os.Getenv("GO_TEST_REPORT_DIR"); keep != "" {
		// keep the report for inspection (e.g. validating it with the zod schema)
		o.reportDir = filepath.Join(keep, t.Name())
	}
	repo, _ := filepath.Abs("..")
	cmd := exec.Command(binary(t))
	cmd.Dir = repo // the bench runs contenders from the repository root
	cmd.Env = append(os.Environ(), "START_MODE=stdin", "REPORT_DIR="+o.reportDir)
	for k, v := range o.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	res := runResult{}
	var lines strings.Builder
	scanner := bufio.NewScanner(stdout)
	for scanner.Scan() {
		line := scanner.Text()
		lines.WriteString(line + "\n")
		if !strings.HasPrefix(line, "@bench ") {
			continue
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(line[7:]), &ev); err != nil {
			t.Errorf("bad @bench line %q: %v", line, err)
			continue
		}
		res.events = append(res.events, ev)
		switch ev["event"] {
		case "ready":
			startIn := o.startIn
			if startIn == 0 {
				startIn = 300 * time.Millisecond
			}
			fmt.Fprintf(stdin, "START %d\n", time.Now().Add(startIn).UnixMilli())
		case "start":
			if o.signal != 0 {
				go func() {
					time.Sleep(o.signalAt)
					_ = cmd.Process.Signal(o.signal)
				}()
			}
		}
	}
	_ = cmd.Wait()
	stdin.Close()
	res.exitCode = cmd.ProcessState.ExitCode()
	res.stdout = lines.String()
	if t.Failed() || res.exitCode != 0 && o.signal == 0 || os.Getenv("GO_TEST_SHOW_OUTPUT") != "" {
		t.Logf("stdout:\n%s\nstderr:\n%s", res.stdout, stderr.String())
	}
	if data, err := os.ReadFile(filepath.Join(o.reportDir, "go_performance_report.json")); err == nil {
		res.raw = data
		_ = json.Unmarshal(data, &res.report)
	}
	return res
}

func get(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[k]
	}
	return cur
}

func num(t *testing.T, m map[string]any, path string) float64 {
	t.Helper()
	v, ok := get(m, path).(float64)
	if !ok {
		t.Fatalf("report field %s missing or not a number: %v", path, get(m, path))
	}
	return v
}

// consumeAll reads the whole topic and checks that seq headers are 1..n with no gaps or
// duplicates and that every value is a frame the feed sent as valid.
func consumeAll(t *testing.T, bootstrap, topic string, want int, valid func([]byte) bool) {
	t.Helper()
	c, err := ck.NewConsumer(&ck.ConfigMap{"bootstrap.servers": bootstrap, "group.id": "go-test-" + topic, "auto.offset.reset": "earliest", "enable.auto.commit": false})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Subscribe(topic, nil); err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	deadline := time.Now().Add(30 * time.Second)
	for len(seen) < want && time.Now().Before(deadline) {
		msg, err := c.ReadMessage(time.Second)
		if err != nil {
			continue
		}
		var seq, contender string
		for _, h := range msg.Headers {
			switch h.Key {
			case "seq":
				seq = string(h.Value)
			case "contender":
				contender = string(h.Value)
			}
		}
		n, err := strconv.Atoi(seq)
		if err != nil || contender != "go" {
			t.Fatalf("bad headers seq=%q contender=%q", seq, contender)
		}
		if seen[n] {
			t.Fatalf("seq %d duplicated", n)
		}
		seen[n] = true
		if valid != nil && !valid(msg.Value) {
			t.Fatalf("seq %d: value is not a valid frame the feed sent: %.100s", n, msg.Value)
		}
		if code := string(msg.Key); !strings.Contains(string(msg.Value), `"code":"`+code+`"`) {
			t.Fatalf("seq %d: key %q does not match the frame", n, code)
		}
	}
	if len(seen) != want {
		t.Fatalf("read %d messages back, want %d", len(seen), want)
	}
	for i := 1; i <= want; i++ {
		if !seen[i] {
			t.Fatalf("seq %d missing", i)
		}
	}
	// nothing beyond
	if msg, err := c.ReadMessage(2 * time.Second); err == nil {
		t.Fatalf("extra message in the topic: %v", msg.Headers)
	}
}

func testMarkets() []string {
	return []string{"KRW-BTC", "KRW-ETH", "KRW-XRP", "BTC-ETH", "BTC-XRP", "USDT-BTC", "KRW-SOL"}
}

func TestEndToEndWindowProduceReport(t *testing.T) {
	bs := bootstrap(t)
	feed := newFakeFeed(t, testMarkets(), 4*time.Millisecond)
	feed.malformedEvery = 25
	topic := fmt.Sprintf("go-e2e-%d", time.Now().UnixNano())
	dir := t.TempDir()
	res := runBinary(t, runOptions{reportDir: dir, env: map[string]string{
		"KAFKA_BOOTSTRAP_SERVERS": bs, "KAFKA_TOPIC": topic, "UPBIT_REST_URL": feed.restURL(), "UPBIT_WS_URL": feed.wsURL(),
		"TEST_DURATION": "6", "MARKETS_PER_CONNECTION": "3", "CONNECT_INTERVAL_MS": "100", "PING_INTERVAL_MS": "500", "MARKETS_LIMIT": "6",
	}})
	if res.exitCode != 0 {
		t.Fatalf("exit %d", res.exitCode)
	}
	var names []string
	for _, ev := range res.events {
		names = append(names, ev["event"].(string))
	}
	joined := strings.Join(names, ",")
	if !strings.HasPrefix(joined, "ready,start,metrics") || !strings.HasSuffix(joined, "end,report") {
		t.Fatalf("events %s", joined)
	}
	if ready := res.events[0]; ready["connections"] != 2.0 || ready["markets"] != 6.0 || ready["contender"] != "go" {
		t.Fatalf("ready %v", ready)
	}
	r := res.report
	if r == nil {
		t.Fatal("no report")
	}
	checkReportShape(t, r)
	if r["status"] != "complete" {
		t.Fatalf("status %v", r["status"])
	}
	received := num(t, r, "messages.received")
	delivered := num(t, r, "messages.delivered")
	if received < 500 || delivered != received || num(t, r, "messages.failed") != 0 || num(t, r, "messages.produced") != received {
		t.Fatalf("received %v delivered %v", received, delivered)
	}
	if num(t, r, "messages.invalid") == 0 || num(t, r, "reliability.invalidFrames") != num(t, r, "messages.invalid") {
		t.Fatal("malformed frames not counted")
	}
	samples := get(r, "messages.invalidSamples").([]any)
	if len(samples) == 0 || len(samples) > 20 || samples[0].(map[string]any)["reason"] != "not-json" {
		t.Fatalf("invalid samples %v", samples)
	}
	if num(t, r, "connections.planned") != 2 || num(t, r, "connections.opened") != 2 || num(t, r, "markets.count") != 6 {
		t.Fatal("connections/markets")
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
	if n := len(r["intervals"].([]any)); n < 2 {
		t.Fatalf("%d intervals", n)
	}
	if get(r, "librdkafka.version") != "2.15.1" {
		t.Fatalf("librdkafka %v", get(r, "librdkafka.version"))
	}
	settings := r["producerSettings"].(map[string]any)
	if settings["linger.ms"] != "10" || settings["acks"] != "all" || settings["bootstrap.servers"] != nil || settings["$comment"] != nil {
		t.Fatalf("producerSettings %v", settings)
	}
	consumeAll(t, bs, topic, int(delivered), feed.isValid)
}

func TestEndToEndReconnectAfterDrop(t *testing.T) {
	bs := bootstrap(t)
	feed := newFakeFeed(t, testMarkets()[:4], 5*time.Millisecond)
	topic := fmt.Sprintf("go-e2e-drop-%d", time.Now().UnixNano())
	feed.dropAfter = 1500 * time.Millisecond
	dir := t.TempDir()
	res := runBinary(t, runOptions{reportDir: dir, startIn: 100 * time.Millisecond, env: map[string]string{
		"KAFKA_BOOTSTRAP_SERVERS": bs, "KAFKA_TOPIC": topic, "UPBIT_REST_URL": feed.restURL(), "UPBIT_WS_URL": feed.wsURL(),
		"TEST_DURATION": "4", "MARKETS_PER_CONNECTION": "2", "CONNECT_INTERVAL_MS": "0", "RECONNECT_BASE_MS": "100",
	}})
	if res.exitCode != 0 {
		t.Fatalf("exit %d", res.exitCode)
	}
	r := res.report
	checkReportShape(t, r)
	if num(t, r, "connections.reconnects") < 2 || num(t, r, "reliability.reconnects") != num(t, r, "connections.reconnects") {
		t.Fatalf("reconnects %v", r["connections"])
	}
	if num(t, r, "connections.disconnectedMs") <= 0 || num(t, r, "connections.opened") < 4 || num(t, r, "connections.failed") != 0 {
		t.Fatalf("connections %v", r["connections"])
	}
	delivered := num(t, r, "messages.delivered")
	if delivered != num(t, r, "messages.received") {
		t.Fatal("lost messages")
	}
	consumeAll(t, bs, topic, int(delivered), feed.isValid)
}

func TestEndToEndSIGINTWritesInterruptedReport(t *testing.T) {
	bs := bootstrap(t)
	feed := newFakeFeed(t, testMarkets()[:3], 5*time.Millisecond)
	topic := fmt.Sprintf("go-e2e-int-%d", time.Now().UnixNano())
	dir := t.TempDir()
	res := runBinary(t, runOptions{reportDir: dir, signal: syscall.SIGINT, signalAt: 1500 * time.Millisecond, env: map[string]string{
		"KAFKA_BOOTSTRAP_SERVERS": bs, "KAFKA_TOPIC": topic, "UPBIT_REST_URL": feed.restURL(), "UPBIT_WS_URL": feed.wsURL(),
		"TEST_DURATION": "30",
	}})
	if res.exitCode != 130 {
		t.Fatalf("exit %d, want 130\n%s", res.exitCode, res.stdout)
	}
	r := res.report
	checkReportShape(t, r)
	if r["status"] != "interrupted" {
		t.Fatalf("status %v", r["status"])
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
	consumeAll(t, bs, topic, int(delivered), feed.isValid)
}

func TestSIGTERMExits143(t *testing.T) {
	bs := bootstrap(t)
	feed := newFakeFeed(t, testMarkets()[:2], 10*time.Millisecond)
	dir := t.TempDir()
	res := runBinary(t, runOptions{reportDir: dir, signal: syscall.SIGTERM, signalAt: 500 * time.Millisecond, env: map[string]string{
		"KAFKA_BOOTSTRAP_SERVERS": bs, "KAFKA_TOPIC": fmt.Sprintf("go-e2e-term-%d", time.Now().UnixNano()),
		"UPBIT_REST_URL": feed.restURL(), "UPBIT_WS_URL": feed.wsURL(), "TEST_DURATION": "30",
	}})
	if res.exitCode != 143 || res.report["status"] != "interrupted" {
		t.Fatalf("exit %d status %v", res.exitCode, res.report["status"])
	}
}

func TestStartupFailuresExitCodes(t *testing.T) {
	feed := newFakeFeed(t, testMarkets(), time.Second)
	dir := t.TempDir()
	cases := []struct {
		name string
		env  map[string]string
		code int
		want string
	}{
		{"bad config value", map[string]string{"TEST_DURATION": "-1"}, 2, ""},
		{"unknown kafka property", map[string]string{"KAFKA_PROPERTIES": "no.such.property=1"}, 2, `no.such.property`},
		{"bad kafka value", map[string]string{"KAFKA_PROPERTIES": "acks=banana"}, 2, `acks=banana`},
		{"unreachable broker", map[string]string{"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "STARTUP_TIMEOUT_MS": "1000"}, 3, "127.0.0.1:1"},
	}
	if bs := os.Getenv("KAFKA_BOOTSTRAP_SERVERS"); bs != "" {
		cases = append(cases, struct {
			name string
			env  map[string]string
			code int
			want string
		}{"markets unavailable", map[string]string{"KAFKA_BOOTSTRAP_SERVERS": bs, "UPBIT_REST_URL": feed.restURL() + "/missing"}, 4, "/missing/v1/market/all"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{"UPBIT_REST_URL": feed.restURL(), "UPBIT_WS_URL": feed.wsURL()}
			for k, v := range c.env {
				env[k] = v
			}
			res := runBinary(t, runOptions{reportDir: dir, env: env})
			if res.exitCode != c.code {
				t.Fatalf("exit %d, want %d\n%s", res.exitCode, c.code, res.stdout)
			}
			if c.want != "" {
				if len(res.events) == 0 || res.events[0]["event"] != "error" || !strings.Contains(res.events[0]["message"].(string), c.want) {
					t.Fatalf("events %v, want an error naming %q", res.events, c.want)
				}
			}
			if res.report != nil {
				t.Fatal("a failed start wrote a report")
			}
		})
	}
}

var _ = io.Discard
