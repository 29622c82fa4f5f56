package kafka

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/config"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// sharedSettings is config/producer-settings.json read independently of ReadSettingsFile.
func sharedSettings(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile(config.DefaultSettingsPath())
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]string
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	for k := range raw {
		if strings.HasPrefix(k, "$") {
			delete(raw, k)
		}
	}
	return raw
}

func TestSharedSettingsFileAndOverrides(t *testing.T) {
	want := sharedSettings(t)
	got, err := LoadSettings(config.DefaultSettingsPath(), nil)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v %v, want %v", got, err, want)
	}
	var someKey string
	for k := range want {
		someKey = k
		break
	}
	got, err = LoadSettings(config.DefaultSettingsPath(), map[string]string{someKey: "overridden", "client.id": "x"})
	if err != nil || got[someKey] != "overridden" || got["client.id"] != "x" || len(got) != len(want)+1 {
		t.Fatalf("overrides: %v %v", got, err)
	}
}

// The settings file is one JSON object of strings and nothing else; anything more is exit 2
// naming PRODUCER_SETTINGS.
func TestSettingsFileMustBeOneObjectOfStrings(t *testing.T) {
	dir := t.TempDir()
	write := func(text string) string {
		file := filepath.Join(dir, fmt.Sprintf("s%d.json", time.Now().UnixNano()))
		_ = os.WriteFile(file, []byte(text), 0o644)
		return file
	}
	ok := write(`{"$comment":"x","client.id":"parser-test"}` + "\n")
	if got, err := ReadSettingsFile(ok); err != nil || !reflect.DeepEqual(got, map[string]string{"client.id": "parser-test"}) {
		t.Fatalf("%v %v", got, err)
	}
	for _, bad := range []struct{ text, want string }{
		{`null`, "not null"},
		{`[]`, "one JSON object"},
		{`"linger.ms"`, "one JSON object"},
		{`{"retries":3}`, `"retries" must be a string, not 3`},
		{`{"enable.idempotence":true}`, `must be a string, not true`},
		{`{"acks":null}`, `must be a string, not null`},
		{`{"a":{"b":"c"}}`, `must be a string`},
		{`{"$comment":["x"]}`, `must be a string`},
		{`{"acks":"all"} {"acks":"1"}`, "nothing after it"},
		{`{"acks":"all"}x`, "nothing after it"},
		{`{"acks":"all"`, "one JSON object"},
		{``, "one JSON object"},
	} {
		file := write(bad.text)
		_, err := ReadSettingsFile(file)
		if _, isSettings := err.(*SettingsError); !isSettings || !strings.Contains(err.Error(), bad.want) ||
			!strings.HasPrefix(err.Error(), `PRODUCER_SETTINGS (--producer-settings) = "`+file+`": `) {
			t.Errorf("%s: got %v, want a SettingsError naming PRODUCER_SETTINGS and %q", bad.text, err, bad.want)
		}
	}
	if _, err := ReadSettingsFile(filepath.Join(dir, "missing.json")); err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestBadPropertiesAreConfigErrorsNamingPropertyAndValue(t *testing.T) {
	for _, bad := range []map[string]string{{"no.such.thing": "1"}, {"linger.ms": "abc"}} {
		_, err := NewProducer("127.0.0.1:1", "t", "go", bad, Handlers{})
		ce, ok := err.(*ConfigError)
		if !ok {
			t.Fatalf("%v: %T %v", bad, err, err)
		}
		for k, v := range bad {
			if want := k + "=" + v; !strings.Contains(ce.Message, want) {
				t.Errorf("%q does not name %q", ce.Message, want)
			}
		}
	}
}

func TestStatsSummary(t *testing.T) {
	s1 := `{"brokers":{"b:1/bootstrap":{"nodeid":-1,"tx":5,"rtt":{"p50":999999,"p99":999999,"cnt":3}},"b:1/1":{"nodeid":1,"tx":10,"int_latency":{"p50":100,"p99":300,"cnt":5},"outbuf_latency":{"p50":10,"p99":30,"cnt":5},"rtt":{"p50":1000,"p99":3000,"cnt":5}}},"topics":{"t":{"batchsize":{"avg":2000,"cnt":4},"batchcnt":{"avg":10,"cnt":4}}}}`
	s2 := `{"brokers":{"b:1/1":{"nodeid":1,"tx":25,"int_latency":{"p50":200,"p99":500,"cnt":5},"outbuf_latency":{"p50":0,"p99":0,"cnt":0},"rtt":{"p50":3000,"p99":5000,"cnt":5}}},"topics":{"t":{"batchsize":{"avg":4000,"cnt":4},"batchcnt":{"avg":0,"cnt":0}}}}`
	got := SummarizeStats([]string{s1, "not json", s2})
	want := StatsSummary{Samples: 2, IntLatencyP50Us: 150, IntLatencyP99Us: 400, OutbufLatencyP50Us: 10, OutbufLatencyP99Us: 30,
		RttP50Us: 2000, RttP99Us: 4000, BatchSizeAvgBytes: 3000, BatchCountAvg: 10, Requests: 15}
	if got != want {
		t.Fatalf("\n got %+v\nwant %+v", got, want)
	}
	if (SummarizeStats(nil) != StatsSummary{}) {
		t.Fatal("empty summary")
	}
}

// TestProduceToRealBroker produces through the real producer, checks every delivery report
// succeeds, and reads the topic back: seq headers 1..n, no gaps, no duplicates.
func TestProduceToRealBroker(t *testing.T) {
	bootstrap := os.Getenv("KAFKA_BOOTSTRAP_SERVERS")
	if bootstrap == "" {
		if testing.Short() {
			t.Skip("-short: no KAFKA_BOOTSTRAP_SERVERS")
		}
		t.Fatal("KAFKA_BOOTSTRAP_SERVERS is not set: this test needs a real broker. Run `bun run test` from the repository root " +
			"(it starts one), or start one with `bun run kafka` and set KAFKA_BOOTSTRAP_SERVERS to the address it prints (-short skips this test)")
	}
	settings, err := LoadSettings(config.DefaultSettingsPath(), nil)
	if err != nil {
		t.Fatal(err)
	}
	topic := fmt.Sprintf("go-kafka-test-%d", time.Now().UnixNano())
	const n = 2000
	var mu sync.Mutex
	delivered := map[uint64]int{}
	failed := map[string]int{}
	var stats []string
	p, err := NewProducer(bootstrap, topic, "go", settings, Handlers{
		OnDelivery: func(seq uint64, errName string) {
			mu.Lock()
			defer mu.Unlock()
			if errName != "" {
				failed[errName]++
			} else {
				delivered[seq]++
			}
		},
		OnStats: func(s string) { mu.Lock(); stats = append(stats, s); mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CheckBroker(10_000); err != nil {
		t.Fatal(err)
	}
	if LibraryVersion() != "2.15.1" {
		t.Errorf("librdkafka %s, want the shared 2.15.1 build", LibraryVersion())
	}
	for seq := uint64(1); seq <= n; seq++ {
		value := []byte(fmt.Sprintf(`{"type":"ticker","code":"KRW-BTC","trade_price":%d}`, seq))
		for {
			ok, err := p.Produce([]byte("KRW-BTC"), value, seq, PhaseWindow)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	if left := p.Flush(15_000); left != 0 {
		t.Fatalf("%d left after flush", left)
	}
	time.Sleep(1200 * time.Millisecond) // one stats interval
	p.Close()
	if len(failed) != 0 || len(delivered) != n {
		t.Fatalf("delivered %d, failed %v", len(delivered), failed)
	}
	for seq, count := range delivered {
		if count != 1 {
			t.Fatalf("seq %d reported %d times", seq, count)
		}
	}
	if len(stats) == 0 || SummarizeStats(stats).Samples != len(stats) {
		t.Errorf("stats: %d samples", len(stats))
	}

	c, err := ck.NewConsumer(&ck.ConfigMap{"bootstrap.servers": bootstrap, "group.id": topic, "auto.offset.reset": "earliest"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.Subscribe(topic, nil)
	seen := map[int]bool{}
	deadline := time.Now().Add(30 * time.Second)
	for len(seen) < n && time.Now().Before(deadline) {
		msg, err := c.ReadMessage(time.Second)
		if err != nil {
			continue
		}
		headers := map[string]string{}
		for _, h := range msg.Headers {
			headers[h.Key] = string(h.Value)
		}
		seq, err := strconv.Atoi(headers["seq"])
		if err != nil || headers["contender"] != "go" || headers["phase"] != "window" || string(msg.Key) != "KRW-BTC" {
			t.Fatalf("message headers %v key %q", headers, msg.Key)
		}
		if seen[seq] {
			t.Fatalf("seq %d duplicated", seq)
		}
		seen[seq] = true
	}
	for seq := 1; seq <= n; seq++ {
		if !seen[seq] {
			t.Fatalf("seq %d missing (read %d)", seq, len(seen))
		}
	}
}
