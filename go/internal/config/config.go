// Package config builds the contender's configuration from the contract's table
// (internal/contract/contender-env.json): one --kebab-case flag per row on a standard FlagSet,
// environment variables underneath, flags win. Types, defaults and bounds are the table's; this
// package only knows how each type is spelled (types.go).
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
)

// Error is a bad value, named with its variable, its flag and the value given; exit 2.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

// ErrHelp is returned for --help; the caller prints Usage and exits 0.
var ErrHelp = flag.ErrHelp

// Config is the typed configuration. Each field names its table row in its `env` tag; Parse fills
// it by that tag, so a row without a field (or a field of the wrong type) fails the tests.
type Config struct {
	Contender             string            `env:"CONTENDER"`
	TestDuration          int               `env:"TEST_DURATION"`
	WarmupSeconds         int               `env:"WARMUP_SECONDS"`
	KafkaBootstrapServers string            `env:"KAFKA_BOOTSTRAP_SERVERS"`
	KafkaTopic            string            `env:"KAFKA_TOPIC"`
	KafkaProperties       map[string]string `env:"KAFKA_PROPERTIES"`
	ProducerSettings      string            `env:"PRODUCER_SETTINGS"`
	UpbitRestURL          string            `env:"UPBIT_REST_URL"`
	UpbitWsURL            string            `env:"UPBIT_WS_URL"`
	UpbitChannel          string            `env:"UPBIT_CHANNEL"`
	WsCompression         string            `env:"WS_COMPRESSION"`
	MarketsLimit          int               `env:"MARKETS_LIMIT"`
	MarketsPerConnection  int               `env:"MARKETS_PER_CONNECTION"`
	ConnectBatch          int               `env:"CONNECT_BATCH"`
	ConnectIntervalMs     int               `env:"CONNECT_INTERVAL_MS"`
	ConnectPhaseMs        int               `env:"CONNECT_PHASE_MS"`
	PingIntervalMs        int               `env:"PING_INTERVAL_MS"`
	HandshakeTimeoutMs    int               `env:"HANDSHAKE_TIMEOUT_MS"`
	SilenceTimeoutMs      int               `env:"SILENCE_TIMEOUT_MS"`
	ReconnectMaxRetries   int               `env:"RECONNECT_MAX_RETRIES"`
	ReconnectBaseMs       int               `env:"RECONNECT_BASE_MS"`
	ReconnectStableMs     int               `env:"RECONNECT_STABLE_MS"`
	MaxFrameBytes         int               `env:"MAX_FRAME_BYTES"`
	StartMode             string            `env:"START_MODE"`
	FlushTimeoutMs        int               `env:"FLUSH_TIMEOUT_MS"`
	StartupTimeoutMs      int               `env:"STARTUP_TIMEOUT_MS"`
	ReportDir             string            `env:"REPORT_DIR"`
}

// FlagName is the row's flag: TEST_DURATION → --test-duration.
func FlagName(env string) string {
	return "--" + strings.ReplaceAll(strings.ToLower(env), "_", "-")
}

// quote renders a value as JSON does (and JSON.stringify on the TypeScript side).
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func badValue(name, value, reason string) *Error {
	return &Error{fmt.Sprintf("%s (%s) = %s: %s", name, FlagName(name), quote(shownValue(name, value)), reason)}
}

// shownValue is a value as an error line may print it: secrets in properties and URLs redacted.
func shownValue(name, value string) string {
	for _, row := range contract.Env() {
		if row.Name != name {
			continue
		}
		switch row.Type {
		case "properties":
			return contract.RedactPropertiesText(value)
		case "http-url", "ws-url":
			return contract.RedactURL(value)
		}
	}
	return value
}

// flagValues parses args with a FlagSet holding one flag per table row; only the flags given
// are returned, keyed by env name.
func flagValues(args []string) (map[string]string, error) {
	fs := flag.NewFlagSet("contender", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	given := map[string]string{}
	for _, row := range contract.Env() {
		fs.Func(strings.TrimPrefix(FlagName(row.Name), "--"), row.Meaning, func(value string) error {
			given[row.Name] = value
			return nil
		})
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, ErrHelp
		}
		// the flag package names the flag with one dash; the contract spells it with two
		msg := strings.Replace(err.Error(), "flag provided but not defined: -", "unknown option --", 1)
		msg = strings.Replace(msg, "flag needs an argument: -", "option needs a value: --", 1)
		return nil, &Error{msg + "; see --help"}
	}
	if fs.NArg() > 0 {
		return nil, &Error{fmt.Sprintf("unexpected argument %s; options are --name value or --name=value", quote(fs.Arg(0)))}
	}
	return given, nil
}

// Parse reads env (a lookup returning "" for unset; empty counts as unset) under args (flags
// win). runtime is the default CONTENDER. Files and directories are not touched: see Check.
func Parse(env func(string) string, args []string, runtime string) (Config, error) {
	given, err := flagValues(args)
	if err != nil {
		return Config{}, err
	}
	c := Config{}
	var computed []contract.EnvVar
	for _, row := range contract.Env() {
		raw, set := given[row.Name]
		if !set {
			raw = env(row.Name)
			set = raw != ""
		}
		if !set && row.Default == nil {
			computed = append(computed, row)
			continue
		}
		if !set {
			raw = *row.Default
		}
		if err := c.set(row, raw); err != nil {
			return Config{}, err
		}
	}
	// defaults the table can only describe (defaultText) depend on the runtime or on other rows
	for _, row := range computed {
		if err := c.set(row, c.computedDefault(row.Name, runtime)); err != nil {
			return Config{}, err
		}
	}
	return c, nil
}

func (c *Config) computedDefault(name, runtime string) string {
	switch name {
	case "CONTENDER":
		return runtime
	case "KAFKA_TOPIC":
		return "upbit-ticker-" + c.Contender
	case "PRODUCER_SETTINGS":
		return DefaultSettingsPath()
	}
	panic(fmt.Sprintf("config: %s has neither a default in the table nor a computed one", name))
}

func (c *Config) set(row contract.EnvVar, raw string) error {
	value, reason := parseValue(row, raw)
	if reason != "" {
		return badValue(row.Name, raw, reason)
	}
	field := fieldByEnv(reflect.ValueOf(c).Elem(), row.Name)
	field.Set(reflect.ValueOf(value))
	return nil
}

// fieldByEnv finds the field tagged with a row's name; a missing or mistyped field is a
// programming error the table test catches.
func fieldByEnv(v reflect.Value, name string) reflect.Value {
	t := v.Type()
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("env") == name {
			return v.Field(i)
		}
	}
	panic(fmt.Sprintf("config: no Config field tagged env:%q", name))
}
