// Package kafka is the producer side both sinks share: the producer settings, the Producer a
// sink implements (confluent/ as shipped, rdkafka/ tuned) and the librdkafka stats summary.
package kafka

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
)

// SettingsError is a settings file the contract refuses (exit 2); it names PRODUCER_SETTINGS.
type SettingsError struct{ Message string }

func (e *SettingsError) Error() string { return e.Message }

func settingsError(path, format string, args ...any) error {
	return &SettingsError{fmt.Sprintf("PRODUCER_SETTINGS (--producer-settings) = %q: ", path) + fmt.Sprintf(format, args...)}
}

// ReadSettingsFile reads the shared settings: exactly one JSON object whose values are all
// strings, nothing after it. Keys starting with "$" are comments and are dropped. Numbers and
// booleans are refused rather than converted, so every contender hands librdkafka the same text.
func ReadSettingsFile(path string) (map[string]string, error) {
	data, err := readBounded(path, contract.Rules().SettingsFile.MaxBytes)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, settingsError(path, "must hold one JSON object of strings (%v)", err)
	}
	if raw == nil {
		return nil, settingsError(path, "must hold one JSON object of strings, not null")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, settingsError(path, "must hold one JSON object of strings and nothing after it")
	}
	out := map[string]string{}
	for key, value := range raw {
		var s string
		// a JSON null would unmarshal into "" without complaint
		if value[0] != '"' || json.Unmarshal(value, &s) != nil {
			return nil, settingsError(path, "%q must be a string, not %s", key, value)
		}
		if !strings.HasPrefix(key, contract.Rules().SettingsFile.CommentPrefix) {
			out[key] = s
		}
	}
	// a producer accepts a consumer's property and ignores it: the report would state a setting
	// that never took effect
	keys := make([]string, 0, len(out))
	for key := range out {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if contract.IsConsumerOnlyProperty(key) {
			return nil, settingsError(path, "%s is a consumer property: a producer ignores it", key)
		}
	}
	return out, nil
}

// readBounded reads a regular file of at most maxBytes: a FIFO, a device or a huge file named by
// PRODUCER_SETTINGS must not hang the start or take the memory.
func readBounded(path string, maxBytes int64) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, settingsError(path, "cannot be read (%v)", err)
	}
	if !info.Mode().IsRegular() {
		return nil, settingsError(path, "must be a file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, settingsError(path, "cannot be read (%v)", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, settingsError(path, "cannot be read (%v)", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, settingsError(path, "is larger than %d bytes", maxBytes)
	}
	return data, nil
}

// LoadSettings is the effective property set: the file, then the KAFKA_PROPERTIES overrides on
// top (bootstrap.servers is added by the producer, not here, as on every contender).
func LoadSettings(file string, overrides map[string]string) (map[string]string, error) {
	settings, err := ReadSettingsFile(file)
	if err != nil {
		return nil, err
	}
	for k, v := range overrides {
		settings[k] = v
	}
	return settings, nil
}
