package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestComputedDefaults(t *testing.T) {
	c := mustParse(t, nil)
	if c.Contender != "go" || c.KafkaTopic != "upbit-ticker-go" || filepath.Base(c.ProducerSettings) != "producer-settings.json" {
		t.Fatalf("%+v", c)
	}
	if c.KafkaProperties == nil || len(c.KafkaProperties) != 0 {
		t.Fatalf("properties %v", c.KafkaProperties)
	}
}

func TestFlagsWinOverEnvBothSpellings(t *testing.T) {
	c := mustParse(t, map[string]string{"TEST_DURATION": "5", "CONTENDER": "bun", "UPBIT_REST_URL": "http://127.0.0.1:1/", "MARKETS_LIMIT": ""},
		"--test-duration=7", "--markets-limit", "3", "--kafka-properties", " linger.ms = 5 ,acks=1,")
	if c.TestDuration != 7 || c.MarketsLimit != 3 || c.Contender != "bun" || c.KafkaTopic != "upbit-ticker-bun" || c.UpbitRestURL != "http://127.0.0.1:1" {
		t.Fatalf("%+v", c)
	}
	if len(c.KafkaProperties) != 2 || c.KafkaProperties["linger.ms"] != "5" || c.KafkaProperties["acks"] != "1" {
		t.Fatalf("properties %v", c.KafkaProperties)
	}
}

func TestErrorsNameFieldAndValue(t *testing.T) {
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"TEST_DURATION": "abc"}, nil, `TEST_DURATION (--test-duration) = "abc": must be an integer`},
		{map[string]string{"TEST_DURATION": "1e-9"}, nil, `TEST_DURATION (--test-duration) = "1e-9": must be an integer`},
		{map[string]string{"TEST_DURATION": "0"}, nil, `TEST_DURATION (--test-duration) = "0": must be between 1 and 86400`},
		{nil, []string{"--markets-per-connection", "0"}, `MARKETS_PER_CONNECTION (--markets-per-connection) = "0": must be between 1 and 1000`},
		{map[string]string{"CONNECT_BATCH": "1.5"}, nil, `CONNECT_BATCH (--connect-batch) = "1.5": must be an integer`},
		{map[string]string{"KAFKA_BOOTSTRAP_SERVERS": "localhost"}, nil, `KAFKA_BOOTSTRAP_SERVERS (--kafka-bootstrap-servers) = "localhost": must be host:port`},
		{map[string]string{"KAFKA_BOOTSTRAP_SERVERS": "a:1,b:65536"}, nil, `KAFKA_BOOTSTRAP_SERVERS (--kafka-bootstrap-servers) = "a:1,b:65536": must be host:port`},
		{map[string]string{"KAFKA_BOOTSTRAP_SERVERS": "a:0"}, nil, `must be host:port`},
		{map[string]string{"KAFKA_TOPIC": "a b"}, nil, `KAFKA_TOPIC (--kafka-topic) = "a b": must be a legal Kafka topic name`},
		{map[string]string{"KAFKA_PROPERTIES": "acks=1,=2"}, nil, `KAFKA_PROPERTIES (--kafka-properties) = "acks=1,=2": "=2" is not key=value`},
		{map[string]string{"KAFKA_PROPERTIES": "novalue"}, nil, `"novalue" is not key=value`},
		{map[string]string{"UPBIT_WS_URL": "http://x"}, nil, `UPBIT_WS_URL (--upbit-ws-url) = "http://x": must be a ws(s) URL`},
		{map[string]string{"UPBIT_REST_URL": "ftp://x"}, nil, `UPBIT_REST_URL (--upbit-rest-url) = "ftp://x": must be an http(s) URL`},
		{map[string]string{"START_MODE": "now"}, nil, `START_MODE (--start-mode) = "now": must be one of auto, stdin`},
		{map[string]string{"CONTENDER": "Rust!"}, nil, `CONTENDER (--contender) = "Rust!"`},
		{nil, []string{"--nope", "1"}, `unknown option --nope`},
		{nil, []string{"--test-duration"}, `option needs a value: --test-duration`},
		{nil, []string{"stray"}, `unexpected argument "stray"`},
	}
	for _, c := range cases {
		wantError(t, c.env, c.args, c.want)
	}
	if _, err := Parse(env(nil), []string{"--help"}, "go"); err != ErrHelp {
		t.Fatalf("--help: %v", err)
	}
}

func TestCheckFilesAndReportDir(t *testing.T) {
	dir := t.TempDir()
	c := mustParse(t, map[string]string{"REPORT_DIR": filepath.Join(dir, "new", "reports")})
	if err := Check(c); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(c.ReportDir); err != nil || !info.IsDir() {
		t.Fatalf("REPORT_DIR not created: %v", err)
	}
	file := filepath.Join(dir, "file")
	_ = os.WriteFile(file, []byte("x"), 0o644)
	for _, bad := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"REPORT_DIR": filepath.Join(file, "under")}, `REPORT_DIR (--report-dir) = "` + filepath.Join(file, "under") + `": cannot be created`},
		{map[string]string{"PRODUCER_SETTINGS": filepath.Join(dir, "missing.json")}, `PRODUCER_SETTINGS (--producer-settings) = "` + filepath.Join(dir, "missing.json") + `": cannot be read`},
		{map[string]string{"PRODUCER_SETTINGS": dir}, `must be a file`},
	} {
		err := Check(mustParse(t, bad.env))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: got %v, want %q", bad.env, err, bad.want)
		}
	}
}
