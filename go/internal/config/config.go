// Package config parses the contender's configuration: environment variables, each also
// accepted as a --kebab-case flag (flags win). Names, defaults and validation are the contract
// in docs/contenders.md, shared with the TypeScript contenders (src/config.ts).
package config

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Error is a bad value, named with its field and the value given; the contender exits 2.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

// Config is the typed configuration every other package receives.
type Config struct {
	Contender            string
	TestDurationS        float64
	KafkaBootstrap       string
	Topic                string
	KafkaProperties      string
	ProducerSettingsFile string // empty: the default file
	UpbitRestURL         string
	UpbitWsURL           string
	MarketsLimit         int
	MarketsPerConnection int
	ConnectBatch         int
	ConnectIntervalMs    int
	PingIntervalMs       int
	ReconnectMaxRetries  int
	ReconnectBaseMs      int
	StartMode            string
	FlushTimeoutMs       int
	StartupTimeoutMs     int
	ReportDir            string
}

// EnvNames lists every setting in contract order.
var EnvNames = []string{
	"CONTENDER", "TEST_DURATION", "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPIC", "KAFKA_PROPERTIES",
	"PRODUCER_SETTINGS", "UPBIT_REST_URL", "UPBIT_WS_URL", "MARKETS_LIMIT", "MARKETS_PER_CONNECTION",
	"CONNECT_BATCH", "CONNECT_INTERVAL_MS", "PING_INTERVAL_MS", "RECONNECT_MAX_RETRIES",
	"RECONNECT_BASE_MS", "START_MODE", "FLUSH_TIMEOUT_MS", "STARTUP_TIMEOUT_MS", "REPORT_DIR",
}

// FlagName is the kebab-case flag of an env name: TEST_DURATION → --test-duration.
func FlagName(env string) string {
	return "--" + strings.ReplaceAll(strings.ToLower(env), "_", "-")
}

var (
	bootstrapRe = regexp.MustCompile(`^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$`)
	topicRe     = regexp.MustCompile(`^[A-Za-z0-9._-]{1,249}$`)
	contenders  = []string{"bun", "node", "go"}
)

func flagsToEnv(args []string) (map[string]string, error) {
	byFlag := map[string]string{}
	flags := make([]string, 0, len(EnvNames))
	for _, name := range EnvNames {
		byFlag[FlagName(name)] = name
		flags = append(flags, FlagName(name))
	}
	out := map[string]string{}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		flag, inline, hasInline := strings.Cut(arg, "=")
		name, ok := byFlag[flag]
		if !ok {
			return nil, &Error{fmt.Sprintf("unknown option %s; options: %s", quote(arg), strings.Join(flags, " "))}
		}
		value := inline
		if !hasInline {
			if i+1 >= len(args) {
				return nil, &Error{fmt.Sprintf("option %s needs a value", flag)}
			}
			i++
			value = args[i]
		}
		out[name] = value
	}
	return out, nil
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

type parser struct {
	values map[string]string
	err    error
}

func (p *parser) fail(field, message string) {
	if p.err == nil {
		p.err = &Error{fmt.Sprintf("%s (%s) = %s: %s", field, FlagName(field), quote(p.values[field]), message)}
	}
}

func (p *parser) str(field, def string) (string, bool) {
	v, ok := p.values[field]
	if !ok {
		return def, false
	}
	return v, true
}

func (p *parser) intField(field string, min, def int) int {
	raw, ok := p.values[field]
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		p.fail(field, "must be a number")
		return def
	}
	if f != math.Trunc(f) {
		p.fail(field, "must be an integer")
		return def
	}
	if f < float64(min) {
		p.fail(field, fmt.Sprintf("must be >= %d", min))
		return def
	}
	if f > math.MaxInt32 {
		p.fail(field, fmt.Sprintf("must be <= %d", math.MaxInt32))
		return def
	}
	return int(f)
}

func (p *parser) urlField(field, def string, schemes ...string) string {
	raw, ok := p.values[field]
	if !ok {
		return def
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		p.fail(field, fmt.Sprintf("must be %s URL", urlKind(schemes)))
		return def
	}
	for _, s := range schemes {
		if u.Scheme == s {
			return raw
		}
	}
	p.fail(field, fmt.Sprintf("must be %s URL", urlKind(schemes)))
	return def
}

func urlKind(schemes []string) string {
	if schemes[0] == "http" {
		return "an http(s)"
	}
	return "a ws(s)"
}

// Parse reads env (lookup returns "" for unset) and args; flags win. runtime is the default
// contender name. Errors are *Error naming the field and the offending value.
func Parse(env func(string) string, args []string, runtime string) (Config, error) {
	values := map[string]string{}
	for _, name := range EnvNames {
		if v := env(name); v != "" {
			values[name] = v
		}
	}
	flags, err := flagsToEnv(args)
	if err != nil {
		return Config{}, err
	}
	for k, v := range flags {
		values[k] = v
	}
	p := &parser{values: values}
	c := Config{}

	c.Contender = runtime
	if v, ok := p.str("CONTENDER", ""); ok {
		valid := false
		for _, name := range contenders {
			valid = valid || v == name
		}
		if !valid {
			p.fail("CONTENDER", "must be one of bun, node, go")
		} else {
			c.Contender = v
		}
	}

	c.TestDurationS = 60
	if v, ok := p.str("TEST_DURATION", ""); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		switch {
		case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
			p.fail("TEST_DURATION", "must be a number of seconds")
		case f <= 0:
			p.fail("TEST_DURATION", "must be > 0 seconds")
		case f > 86_400:
			p.fail("TEST_DURATION", "must be at most one day")
		default:
			c.TestDurationS = f
		}
	}

	c.KafkaBootstrap, _ = p.str("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
	if !bootstrapRe.MatchString(c.KafkaBootstrap) {
		p.fail("KAFKA_BOOTSTRAP_SERVERS", "must be host:port[,host:port...]")
	}
	topic, topicSet := p.str("KAFKA_TOPIC", "")
	if topicSet && !topicRe.MatchString(topic) {
		p.fail("KAFKA_TOPIC", "must be a legal Kafka topic name")
	}
	c.KafkaProperties, _ = p.str("KAFKA_PROPERTIES", "")
	c.ProducerSettingsFile, _ = p.str("PRODUCER_SETTINGS", "")
	c.UpbitRestURL = strings.TrimRight(p.urlField("UPBIT_REST_URL", "https://api.upbit.com", "http", "https"), "/")
	c.UpbitWsURL = p.urlField("UPBIT_WS_URL", "wss://api.upbit.com/websocket/v1", "ws", "wss")
	c.MarketsLimit = p.intField("MARKETS_LIMIT", 0, 0)
	c.MarketsPerConnection = p.intField("MARKETS_PER_CONNECTION", 1, 15)
	c.ConnectBatch = p.intField("CONNECT_BATCH", 1, 2)
	c.ConnectIntervalMs = p.intField("CONNECT_INTERVAL_MS", 0, 2000)
	c.PingIntervalMs = p.intField("PING_INTERVAL_MS", 100, 20_000)
	c.ReconnectMaxRetries = p.intField("RECONNECT_MAX_RETRIES", 0, 3)
	c.ReconnectBaseMs = p.intField("RECONNECT_BASE_MS", 1, 1000)
	c.StartMode, _ = p.str("START_MODE", "auto")
	if c.StartMode != "auto" && c.StartMode != "stdin" {
		p.fail("START_MODE", "must be auto or stdin")
	}
	c.FlushTimeoutMs = p.intField("FLUSH_TIMEOUT_MS", 0, 10_000)
	c.StartupTimeoutMs = p.intField("STARTUP_TIMEOUT_MS", 100, 15_000)
	c.ReportDir, _ = p.str("REPORT_DIR", "reports")

	if p.err != nil {
		return Config{}, p.err
	}
	if topicSet {
		c.Topic = topic
	} else {
		c.Topic = "upbit-ticker-" + c.Contender
	}
	return c, nil
}
