package kafka

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/config"
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
