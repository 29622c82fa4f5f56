// Package confluent is the `go` contender's Kafka sink, confluent-kafka-go as its documentation
// shows it: Produce() per message, delivery reports, statistics and errors read from the
// producer's Events() channel. No cgo and no reflection of its own.
package confluent

//go:generate go run errnames_gen.go

import (
	"errors"
	"fmt"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"sync"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
)

// maxBatch bounds how many reports already waiting on the Events channel one handler call takes.
const maxBatch = 1024

// Producer is a confluent-kafka-go producer whose Events channel one goroutine drains.
type Producer struct {
	p         *ck.Producer
	topic     string
	contender []byte
	settings  map[string]string
	drained   sync.WaitGroup
}

// LibraryVersion is librdkafka's version string, e.g. "2.15.1".
func LibraryVersion() string {
	_, v := ck.LibraryVersion()
	return v
}

// Binding is the report's runtime.kafkaBinding: the binding and its version from the build.
func Binding() string {
	version := "v2"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/confluentinc/confluent-kafka-go/v2" {
				version = dep.Version
			}
		}
	}
	return "confluent-kafka-go " + version + " (Produce, Events channel)"
}

// ErrName is librdkafka's own name of an error code (as rd_kafka_err2name), e.g. "_MSG_TIMED_OUT".
func ErrName(code ck.ErrorCode) string {
	if name, ok := errNames[code]; ok {
		return name
	}
	return fmt.Sprintf("ERR_%d?", int(code))
}

// quotedName finds the property librdkafka's rd_kafka_conf_set message names (`No such
// configuration property: "x"`, `Invalid value "v" for configuration property "x"`).
var quotedName = regexp.MustCompile(`property:? "([^"]+)"`)

// NewProducer creates the producer from the effective settings plus bootstrap.servers.
func NewProducer(bootstrap, topic, contender string, settings map[string]string, h kafka.Handlers) (*Producer, error) {
	cm := ck.ConfigMap{}
	for k, v := range settings {
		cm[k] = v
	}
	cm["bootstrap.servers"] = bootstrap
	// the Go client's own options (not librdkafka properties): no key/value copied back into
	// delivery reports, only the opaque (seq) and the error
	cm["go.delivery.report.fields"] = "none"
	cm["go.logs.channel.enable"] = false
	p, err := ck.NewProducer(&cm)
	if err != nil {
		return nil, configError(settings, err)
	}
	out := &Producer{p: p, topic: topic, contender: []byte(contender), settings: settings}
	out.drained.Add(1)
	go out.serve(h)
	return out, nil
}

// configError words the binding's refusal of a property as the contract does (key=value:
// librdkafka's message). The binding sets the properties in map order and stops at the first
// refusal, whose message names the property; when it names it by another name (linger.ms is
// refused as queue.buffering.max.ms), each property is tried alone, in name order, to find it.
func configError(settings map[string]string, err error) error {
	if m := quotedName.FindStringSubmatch(err.Error()); m != nil {
		if value, ok := settings[m[1]]; ok {
			return kafka.PropertyError(m[1], value, err.Error())
		}
	}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		// log_level 0: the probe's own warnings (no bootstrap.servers) stay quiet
		p, alone := ck.NewProducer(&ck.ConfigMap{k: settings[k], "log_level": "0", "go.logs.channel.enable": false})
		if alone != nil {
			return kafka.PropertyError(k, settings[k], alone.Error())
		}
		p.Close()
	}
	return &kafka.ConfigError{Message: fmt.Sprintf("producer settings: %v", err)}
}

// serve drains the Events channel until Close closes it: each report, and those already waiting
// behind it (up to maxBatch), reach the handlers in one call.
func (p *Producer) serve(h kafka.Handlers) {
	defer p.drained.Done()
	batch := make([]kafka.Delivery, 0, maxBatch)
	events := p.p.Events()
	for ev := range events {
		batch = batch[:0]
		for ev != nil {
			m, ok := ev.(*ck.Message)
			if !ok {
				h.Deliver(batch)
				batch = batch[:0]
				forward(ev, h)
				break
			}
			batch = append(batch, delivery(m))
			ev = nil
			if len(batch) < maxBatch {
				select {
				case next, open := <-events:
					if open {
						ev = next
					}
				default:
				}
			}
		}
		h.Deliver(batch)
	}
}

func delivery(m *ck.Message) kafka.Delivery {
	seq, _ := m.Opaque.(uint64)
	name := ""
	if err := m.TopicPartition.Error; err != nil {
		var kerr ck.Error
		if errors.As(err, &kerr) {
			name = ErrName(kerr.Code())
		} else {
			name = "UNKNOWN"
		}
	}
	return kafka.Delivery{Seq: seq, ErrName: name}
}

// forward hands a statistics or error event to the handlers.
func forward(ev ck.Event, h kafka.Handlers) {
	switch e := ev.(type) {
	case *ck.Stats:
		if h.OnStats != nil {
			h.OnStats(e.String())
		}
	case ck.Error:
		if h.OnError != nil {
			fatal := ""
			if e.IsFatal() {
				fatal = "FATAL "
			}
			h.OnError(fatal + ErrName(e.Code()) + ": " + e.String())
		}
	}
}

// Settings are the effective librdkafka properties (without bootstrap.servers).
func (p *Producer) Settings() map[string]string { return p.settings }

// CheckBroker asks for metadata within timeoutMs.
func (p *Producer) CheckBroker(timeoutMs int) error {
	if _, err := p.p.GetMetadata(nil, false, timeoutMs); err != nil {
		return fmt.Errorf("no broker answered a metadata request within %d ms (%v)", timeoutMs, err)
	}
	return nil
}

// Produce enqueues one message, its seq as the message's opaque (it comes back with the report).
func (p *Producer) Produce(key, value []byte, seq uint64, phase []byte) (ok bool, err error) {
	msg := &ck.Message{
		TopicPartition: ck.TopicPartition{Topic: &p.topic, Partition: ck.PartitionAny},
		Key:            key,
		Value:          value,
		Headers: []ck.Header{
			{Key: "seq", Value: strconv.AppendUint(make([]byte, 0, 20), seq, 10)},
			{Key: "contender", Value: p.contender},
			{Key: "phase", Value: phase},
		},
		Opaque: seq,
	}
	if err := p.p.Produce(msg, nil); err != nil {
		var kerr ck.Error
		if errors.As(err, &kerr) {
			if kerr.Code() == ck.ErrQueueFull {
				return false, nil
			}
			return false, &kafka.ProduceError{ErrName: ErrName(kerr.Code()), Err: fmt.Errorf("produce to %s: %w", p.topic, err)}
		}
		return false, &kafka.ProduceError{ErrName: "PRODUCE_ERROR", Err: err}
	}
	return true, nil
}

// Len is messages (and events) not yet delivered and handled.
func (p *Producer) Len() int { return p.p.Len() }

// Flush waits until nothing is in flight or timeoutMs; returns what is left.
func (p *Producer) Flush(timeoutMs int) int {
	if p.p.Len() == 0 {
		return 0
	}
	return p.p.Flush(timeoutMs)
}

// Close destroys the producer; its Events channel closes and the drain ends: every handler call
// is over when it returns.
func (p *Producer) Close() {
	p.p.Close()
	p.drained.Wait()
}
