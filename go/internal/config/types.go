package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
)

// The spelling of each type, as docs/contenders.md ("Value syntax") defines it for every
// contender. Bounds, enum values and defaults are not here: they come from the table.
var (
	integerRe = regexp.MustCompile(`^-?[0-9]+$`)
	portRe    = regexp.MustCompile(`^[0-9]+$`)
	topicRe   = regexp.MustCompile(`^[A-Za-z0-9._-]{1,249}$`)
)

// parseValue turns raw into the row's Go value (int, string or map[string]string); a non-empty
// reason is why raw is refused.
func parseValue(row contract.EnvVar, raw string) (any, string) {
	switch row.Type {
	case "int":
		return parseInt(row, raw)
	case "enum":
		if !slices.Contains(row.Values, raw) {
			return nil, "must be one of " + strings.Join(row.Values, ", ")
		}
		return raw, ""
	case "string", "file", "dir":
		// file and dir are checked on disk by Check, once the whole configuration parsed
		if raw == "" {
			return nil, "must not be empty"
		}
		return raw, ""
	case "name":
		if !regexp.MustCompile(row.Pattern).MatchString(raw) {
			return nil, "must match " + row.Pattern
		}
		return raw, ""
	case "hostports":
		return parseHostports(raw)
	case "topic":
		// Kafka's own rule (kafka.common.internals.Topic): also not "." or ".."
		if !topicRe.MatchString(raw) || raw == "." || raw == ".." {
			return nil, "must be a legal Kafka topic name ([A-Za-z0-9._-], 1 to 249 characters, not . or ..)"
		}
		return raw, ""
	case "properties":
		props, err := ParseProperties(raw)
		if err != nil {
			return nil, err.Error()
		}
		return props, ""
	case "http-url":
		return parseURL(raw, "an http(s) URL", "http", "https")
	case "ws-url":
		return parseURL(raw, "a ws(s) URL", "ws", "wss")
	}
	panic(fmt.Sprintf("config: %s has type %q, which this contender does not know", row.Name, row.Type))
}

func parseInt(row contract.EnvVar, raw string) (any, string) {
	if !integerRe.MatchString(raw) {
		return nil, "must be an integer"
	}
	between := fmt.Sprintf("must be between %d and %d", *row.Min, *row.Max)
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < *row.Min || n > *row.Max {
		return nil, between // err is only ever out of int64's range: out of bounds all the same
	}
	return int(n), ""
}

func parseHostports(raw string) (any, string) {
	const reason = "must be host:port[,host:port...] with every port 1-65535"
	for _, hp := range strings.Split(raw, ",") {
		host, port, err := net.SplitHostPort(hp)
		if err != nil || host == "" || strings.ContainsAny(host, " \t") || !portRe.MatchString(port) {
			return nil, reason
		}
		if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
			return nil, reason
		}
	}
	return raw, ""
}

func parseURL(raw, kind string, schemes ...string) (any, string) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || !slices.Contains(schemes, u.Scheme) {
		return nil, "must be " + kind
	}
	// a base URL: `{base}/v1/market/all` must not become `//v1`
	return strings.TrimRight(raw, "/"), ""
}

// ParseProperties parses `k=v[,k=v...]` (spaces around items, keys and values trimmed; empty
// items skipped); every key must be non-empty.
func ParseProperties(spec string) (map[string]string, error) {
	out := map[string]string{}
	var keys []string
	for i, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, value, ok := strings.Cut(item, "=")
		if key = strings.TrimSpace(key); !ok || key == "" {
			return nil, errors.New(contract.NotKeyValueReason(spec, i))
		}
		out[key] = strings.TrimSpace(value)
		keys = append(keys, key)
	}
	// librdkafka would accept a consumer's property and ignore it: the report would state a
	// setting that never took effect
	for _, key := range keys {
		if contract.IsConsumerOnlyProperty(key) {
			return nil, fmt.Errorf("%s is a consumer property: a producer ignores it", key)
		}
	}
	return out, nil
}
