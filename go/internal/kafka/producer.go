package kafka

import (
	"errors"
	"fmt"
	"sort"
	"strconv"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// Delivery is one delivery report: ErrName is "" on success, librdkafka's error name otherwise.
type Delivery struct {
	Seq     uint64
	ErrName string
}

// Handlers are called from the producer's event goroutine (one goroutine, in order).
type Handlers struct {
	// OnDeliveries, when set, gets the delivery reports served by one wake-up together (the
	// slice is reused once it returns); otherwise OnDelivery gets them one by one.
	OnDeliveries func(batch []Delivery)
	// OnDelivery: errName is "" on success, librdkafka's error name otherwise.
	OnDelivery func(seq uint64, errName string)
	OnStats    func(json string)
	OnError    func(message string)
}

// ConfigError is a property librdkafka rejected (unknown name or bad value): exit 2.
type ConfigError struct{ Message string }

func (e *ConfigError) Error() string { return e.Message }

// ProduceError is a produce call librdkafka refused for a reason other than a full queue.
type ProduceError struct {
	ErrName string
	Err     error
}

func (e *ProduceError) Error() string { return e.Err.Error() }

// Producer wraps a confluent-kafka-go producer: messages carry headers seq, contender and
// phase; delivery reports, statistics and errors reach the Handlers from one goroutine
// (delivery_dynamic.go, delivery_static.go).
type Producer struct {
	p         *ck.Producer
	topic     string
	contender []byte
	settings  map[string]string
	dr        *deliveries
}

// LibraryVersion is librdkafka's version string, e.g. "2.15.1".
func LibraryVersion() string {
	_, v := ck.LibraryVersion()
	return v
}

// NewProducer creates the producer from the effective settings plus bootstrap.servers.
func NewProducer(bootstrap, topic, contender string, settings map[string]string, h Handlers) (*Producer, error) {
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	cm := ck.ConfigMap{}
	for _, k := range keys {
		if err := CheckProperty(k, settings[k]); err != nil {
			return nil, &ConfigError{fmt.Sprintf("producer settings: %v", err)}
		}
		cm[k] = settings[k]
	}
	cm["bootstrap.servers"] = bootstrap
	// the Go client's own options (not librdkafka properties): no key/value copied back into
	// delivery reports, only the opaque (seq) and the error
	cm["go.delivery.report.fields"] = "none"
	cm["go.logs.channel.enable"] = false
	p, err := ck.NewProducer(&cm)
	if err != nil {
		return nil, &ConfigError{fmt.Sprintf("producer settings: %v", err)}
	}
	dr, err := startDeliveries(p, h)
	if err != nil {
		p.Close()
		return nil, err
	}
	return &Producer{p: p, topic: topic, contender: []byte(contender), settings: settings, dr: dr}, nil
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

// Header values of the `phase` header.
var (
	PhaseWarmup = []byte("warmup")
	PhaseWindow = []byte("window")
)

// Produce enqueues one message (librdkafka copies key, value and headers). ok is false when
// the local queue is full (poll/wait and retry); other refusals are *ProduceError.
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
	}
	if seqInOpaque {
		msg.Opaque = seq
	}
	if err := p.p.Produce(msg, nil); err != nil {
		var kerr ck.Error
		if errors.As(err, &kerr) {
			if kerr.Code() == ck.ErrQueueFull {
				return false, nil
			}
			return false, &ProduceError{ErrName: ErrName(kerr.Code()), Err: fmt.Errorf("produce to %s: %w", p.topic, err)}
		}
		return false, &ProduceError{ErrName: "PRODUCE_ERROR", Err: err}
	}
	return true, nil
}

// Len is messages (and events) not yet delivered and handled.
func (p *Producer) Len() int { return p.dr.outqLen() }

// Flush waits until nothing is in flight or timeoutMs; returns what is left.
func (p *Producer) Flush(timeoutMs int) int { return p.dr.flush(timeoutMs) }

// Close stops serving events (every handler call is over when it returns) and destroys the
// producer.
func (p *Producer) Close() {
	p.dr.stop()
	p.p.Close()
	p.dr.closed()
}
