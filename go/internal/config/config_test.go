package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Parse(env(nil), nil, "go")
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Contender: "go", TestDurationS: 60, KafkaBootstrap: "127.0.0.1:9092", Topic: "upbit-ticker-go",
		UpbitRestURL: "https://api.upbit.com", UpbitWsURL: "wss://api.upbit.com/websocket/v1", MarketsPerConnection: 15,
		ConnectBatch: 2, ConnectIntervalMs: 2000, PingIntervalMs: 20000, ReconnectMaxRetries: 3, ReconnectBaseMs: 1000,
		StartMode: "auto", FlushTimeoutMs: 10000, StartupTimeoutMs: 15000, ReportDir: "reports"}
	if c != want {
		t.Fatalf("defaults\n got %+v\nwant %+v", c, want)
	}
}

func TestFlagsWinOverEnv(t *testing.T) {
	c, err := Parse(env(map[string]string{"TEST_DURATION": "5", "CONTENDER": "bun", "UPBIT_REST_URL": "http://127.0.0.1:1/"}),
		[]string{"--test-duration=7", "--markets-limit", "3"}, "go")
	if err != nil {
		t.Fatal(err)
	}
	if c.TestDurationS != 7 || c.MarketsLimit != 3 || c.Contender != "bun" || c.Topic != "upbit-ticker-bun" || c.UpbitRestURL != "http://127.0.0.1:1" {
		t.Fatalf("%+v", c)
	}
}

func TestErrorsNameFieldAndValue(t *testing.T) {
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"TEST_DURATION": "abc"}, nil, `TEST_DURATION (--test-duration) = "abc": must be a number of seconds`},
		{map[string]string{"TEST_DURATION": "0"}, nil, `TEST_DURATION (--test-duration) = "0": must be > 0 seconds`},
		{nil, []string{"--markets-per-connection", "0"}, `MARKETS_PER_CONNECTION (--markets-per-connection) = "0": must be >= 1`},
		{map[string]string{"CONNECT_BATCH": "1.5"}, nil, `CONNECT_BATCH (--connect-batch) = "1.5": must be an integer`},
		{map[string]string{"PING_INTERVAL_MS": "x"}, nil, `PING_INTERVAL_MS (--ping-interval-ms) = "x": must be a number`},
		{map[string]string{"KAFKA_BOOTSTRAP_SERVERS": "localhost"}, nil, `KAFKA_BOOTSTRAP_SERVERS (--kafka-bootstrap-servers) = "localhost": must be host:port`},
		{map[string]string{"KAFKA_TOPIC": "a b"}, nil, `KAFKA_TOPIC (--kafka-topic) = "a b": must be a legal Kafka topic name`},
		{map[string]string{"UPBIT_WS_URL": "http://x"}, nil, `UPBIT_WS_URL (--upbit-ws-url) = "http://x": must be a ws(s) URL`},
		{map[string]string{"UPBIT_REST_URL": "ftp://x"}, nil, `UPBIT_REST_URL (--upbit-rest-url) = "ftp://x": must be an http(s) URL`},
		{map[string]string{"START_MODE": "now"}, nil, `START_MODE (--start-mode) = "now"`},
		{map[string]string{"CONTENDER": "rust"}, nil, `CONTENDER (--contender) = "rust"`},
		{nil, []string{"--nope", "1"}, `unknown option "--nope"`},
		{nil, []string{"--test-duration"}, `option --test-duration needs a value`},
	}
	for _, c := range cases {
		_, err := Parse(env(c.env), c.args, "go")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: got %v, want %q", c.env, c.args, err, c.want)
		}
		if _, ok := err.(*Error); err != nil && !ok {
			t.Errorf("%T is not *config.Error", err)
		}
	}
}
