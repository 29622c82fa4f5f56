package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/testfeed"
)

type startupCase struct {
	name      string
	env       map[string]string
	code      int
	event     string // the error event names this
	stderr    string // or stderr does
	reportDir string
}

func runStartupCases(t *testing.T, feed *testfeed.Feed, cases []startupCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{"UPBIT_REST_URL": feed.RestURL(), "UPBIT_WS_URL": feed.WsURL()}
			for k, v := range c.env {
				env[k] = v
			}
			dir := c.reportDir
			if dir == "" {
				dir = t.TempDir()
			}
			res := runBinary(t, runOptions{reportDir: dir, env: env})
			if res.exitCode != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", res.exitCode, c.code, res.stdout, res.stderr)
			}
			if c.event != "" && (len(res.events) == 0 || res.events[0]["event"] != "error" || !strings.Contains(res.events[0]["message"].(string), c.event)) {
				t.Fatalf("events %v, want an error naming %q", res.events, c.event)
			}
			if c.stderr != "" && !strings.Contains(res.stderr, c.stderr) {
				t.Fatalf("stderr %q, want it to name %q", res.stderr, c.stderr)
			}
			if res.report != nil {
				t.Fatal("a failed start wrote a report")
			}
		})
	}
}

// Bad values and files exit 2 before any connection, naming the variable.
func TestConfigFailuresExit2(t *testing.T) {
	feed := testfeed.New(t, testMarkets(), time.Second)
	dir := t.TempDir()
	settings := func(text string) string {
		file := filepath.Join(dir, fmt.Sprintf("settings-%d.json", time.Now().UnixNano()))
		_ = os.WriteFile(file, []byte(text), 0o644)
		return file
	}
	notADir := filepath.Join(dir, "a-file")
	_ = os.WriteFile(notADir, []byte("x"), 0o644)
	cases := []startupCase{
		{name: "bad value", env: map[string]string{"TEST_DURATION": "-1"}, code: 2, stderr: `TEST_DURATION (--test-duration) = "-1": must be between 1 and 86400`},
		{name: "not an integer", env: map[string]string{"MAX_FRAME_BYTES": "1e6"}, code: 2, stderr: `MAX_FRAME_BYTES (--max-frame-bytes) = "1e6": must be an integer`},
		{name: "report dir not creatable", env: map[string]string{"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"}, reportDir: filepath.Join(notADir, "reports"), code: 2, stderr: "REPORT_DIR (--report-dir)"},
	}
	for _, text := range []string{`null`, `[]`, `{"linger.ms":10}`, `{"acks":"all"} trailing`} {
		cases = append(cases, startupCase{name: "settings " + text, env: map[string]string{"PRODUCER_SETTINGS": settings(text)}, code: 2, stderr: "PRODUCER_SETTINGS (--producer-settings)"})
	}
	cases = append(cases,
		startupCase{name: "unknown kafka property", env: map[string]string{"KAFKA_PROPERTIES": "no.such.property=1"}, code: 2, event: "no.such.property"},
		startupCase{name: "bad kafka value", env: map[string]string{"KAFKA_PROPERTIES": "acks=banana"}, code: 2, event: "acks=banana"},
		startupCase{name: "unreachable broker", env: map[string]string{"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "STARTUP_TIMEOUT_MS": "1000"}, code: 3, event: "127.0.0.1:1"},
	)
	runStartupCases(t, feed, cases)
}

// The market list: unavailable, too slow, too large or too long is exit 4 naming the URL.
func TestMarketListFailuresExit4(t *testing.T) {
	bs := bootstrap(t)
	feed := testfeed.New(t, testMarkets(), time.Second)
	slow := testfeed.New(t, testMarkets(), time.Second)
	slow.MarketsDelay = 3 * time.Second
	huge := testfeed.New(t, testMarkets(), time.Second)
	huge.MarketsBody = []byte(`[` + strings.Repeat(" ", 8<<20) + `]`)
	long := testfeed.New(t, testMarkets(), time.Second)
	var list []string
	for i := range 10_001 {
		list = append(list, fmt.Sprintf(`{"market":"KRW-C%d","korean_name":"k","english_name":"e"}`, i))
	}
	long.MarketsBody = []byte("[" + strings.Join(list, ",") + "]")
	cases := []struct {
		name string
		feed *testfeed.Feed
		rest string
		want string
	}{
		{"unavailable", feed, feed.RestURL() + "/missing", "/missing/v1/market/all"},
		{"timeout", slow, slow.RestURL(), slow.RestURL() + "/v1/market/all"},
		{"body over 8 MiB", huge, huge.RestURL(), huge.RestURL() + "/v1/market/all"},
		{"over 10,000 markets", long, long.RestURL(), "10001 markets"},
	}
	for _, c := range cases {
		runStartupCases(t, c.feed, []startupCase{{name: c.name, code: 4, event: c.want,
			env: map[string]string{"KAFKA_BOOTSTRAP_SERVERS": bs, "UPBIT_REST_URL": c.rest, "STARTUP_TIMEOUT_MS": "1000"}}})
	}
}

// A START outside [now − 60 s, now + 1 h]: no window, a failed report with reason bad-start.
func TestBadStartIsFailedWithReport(t *testing.T) {
	bs := bootstrap(t)
	feed := testfeed.New(t, testMarkets()[:2], 10*time.Millisecond)
	res := runBinary(t, runOptions{reportDir: t.TempDir(), startIn: -2 * time.Minute, env: map[string]string{
		"KAFKA_BOOTSTRAP_SERVERS": bs, "KAFKA_TOPIC": topicName("badstart"),
		"UPBIT_REST_URL": feed.RestURL(), "UPBIT_WS_URL": feed.WsURL(), "TEST_DURATION": "30",
	}})
	if res.exitCode != 6 || eventNames(res) != "ready,report" {
		t.Fatalf("exit %d, events %s", res.exitCode, eventNames(res))
	}
	r := res.report
	reasons, _ := r["statusReasons"].([]any)
	if r["status"] != "failed" || len(reasons) != 1 || reasons[0].(map[string]any)["code"] != "bad-start" {
		t.Fatalf("status %v %v", r["status"], reasons)
	}
	if num(t, r, "messages.received") != 0 || num(t, r, "timing.measuredDurationMs") != 0 {
		t.Fatalf("a window was measured: %v", r["messages"])
	}
}

// Every connection dropped in the window and out of retries: no connection open for over half
// the window is failed (exit 6), with the given-up connections listed after it.
func TestAllConnectionsDownIsFailed(t *testing.T) {
	bs := bootstrap(t)
	feed := testfeed.New(t, testMarkets()[:2], 5*time.Millisecond)
	feed.DropAfter = 800 * time.Millisecond
	res := runBinary(t, runOptions{reportDir: t.TempDir(), env: map[string]string{
		"KAFKA_BOOTSTRAP_SERVERS": bs, "KAFKA_TOPIC": topicName("down"), "UPBIT_REST_URL": feed.RestURL(), "UPBIT_WS_URL": feed.WsURL(),
		"TEST_DURATION": "3", "RECONNECT_MAX_RETRIES": "0",
	}})
	r := res.report
	reasons, _ := r["statusReasons"].([]any)
	var codes []string
	for _, reason := range reasons {
		codes = append(codes, reason.(map[string]any)["code"].(string))
	}
	if res.exitCode != 6 || r["status"] != "failed" || strings.Join(codes, ",") != "all-connections-down,connections-given-up" {
		t.Fatalf("exit %d status %v reasons %v", res.exitCode, r["status"], codes)
	}
	if down := num(t, r, "connections.longestAllDownMs"); down < 1500 || down > 3000 || num(t, r, "connections.failed") != 1 {
		t.Fatalf("connections %v", r["connections"])
	}
}
