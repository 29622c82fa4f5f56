// Package kafka is the producer side: the shared producer settings, the confluent-kafka-go
// producer (delivery reports drained by their own goroutine) and the librdkafka stats summary.
package kafka

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// SettingsError is a settings file or KAFKA_PROPERTIES problem (exit 2).
type SettingsError struct{ Message string }

func (e *SettingsError) Error() string { return e.Message }

// DefaultSettingsPath finds config/producer-settings.json of the repository: from the working
// directory (the bench runs contenders from the repository root) up through its parents (go/,
// go/internal/...), then from the executable's directory up (.cache/bin/go-producer).
func DefaultSettingsPath() string {
	rel := filepath.Join("config", "producer-settings.json")
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		starts = append(starts, filepath.Dir(exe))
	}
	for _, dir := range starts {
		for range 6 {
			candidate := filepath.Join(dir, rel)
			if _, err := os.Stat(candidate); err == nil {
				return candidate
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return rel
}

// ReadSettingsFile reads a flat JSON object; keys starting with "$" are comments; numbers
// and booleans become their string form.
func ReadSettingsFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &SettingsError{fmt.Sprintf("PRODUCER_SETTINGS: cannot read %s: %v", path, err)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return nil, &SettingsError{fmt.Sprintf("PRODUCER_SETTINGS: cannot read %s: %v", path, err)}
	}
	out := map[string]string{}
	for key, value := range raw {
		if strings.HasPrefix(key, "$") {
			continue
		}
		switch v := value.(type) {
		case string:
			out[key] = v
		case json.Number:
			out[key] = jsNumber(v)
		case bool:
			out[key] = strconv.FormatBool(v)
		default:
			return nil, &SettingsError{fmt.Sprintf("PRODUCER_SETTINGS: %s must be a flat JSON object of string values (%q is not)", path, key)}
		}
	}
	return out, nil
}

// jsNumber renders a JSON number as JavaScript's String(n) would for ordinary values.
func jsNumber(n json.Number) string {
	if f, err := n.Float64(); err == nil {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return n.String()
}

// ParseOverrides parses `k=v,k=v`; a malformed item names itself.
func ParseOverrides(spec string) (map[string]string, error) {
	out := map[string]string{}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		eq := strings.Index(item, "=")
		if eq <= 0 {
			return nil, &SettingsError{fmt.Sprintf("KAFKA_PROPERTIES: %q is not key=value", item)}
		}
		out[strings.TrimSpace(item[:eq])] = strings.TrimSpace(item[eq+1:])
	}
	return out, nil
}

// LoadSettings is the effective property set: the file, then the overrides on top
// (bootstrap.servers is added by the producer, not here, as in the TypeScript contenders).
func LoadSettings(file, overrides string) (map[string]string, error) {
	if file == "" {
		file = DefaultSettingsPath()
	}
	settings, err := ReadSettingsFile(file)
	if err != nil {
		return nil, err
	}
	extra, err := ParseOverrides(overrides)
	if err != nil {
		return nil, err
	}
	for k, v := range extra {
		settings[k] = v
	}
	return settings, nil
}
