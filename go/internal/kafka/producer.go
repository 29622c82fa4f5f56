package kafka

import (
	"fmt"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
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

// Deliver hands a batch of reports to whichever delivery handler is set.
func (h Handlers) Deliver(batch []Delivery) {
	switch {
	case len(batch) == 0:
	case h.OnDeliveries != nil:
		h.OnDeliveries(batch)
	case h.OnDelivery != nil:
		for _, r := range batch {
			h.OnDelivery(r.Seq, r.ErrName)
		}
	}
}

// Producer is what the program needs of a Kafka sink. Two sinks implement it: confluent/ (the
// binding as shipped: `go`) and rdkafka/ (librdkafka through cgo on a handle of its own:
// `go-tuned`); the main package picks one by build tag (sink.go, sink_tuned.go). Messages carry
// headers seq, contender and phase; delivery reports, statistics and errors reach the Handlers
// from one goroutine.
type Producer interface {
	// Produce enqueues one message (librdkafka copies key, value and headers). ok is false when
	// the local queue is full (poll/wait and retry); other refusals are *ProduceError.
	Produce(key, value []byte, seq uint64, phase []byte) (ok bool, err error)
	// CheckBroker asks for metadata within timeoutMs.
	CheckBroker(timeoutMs int) error
	// Settings are the effective librdkafka properties (without bootstrap.servers).
	Settings() map[string]string
	// Len is messages (and events) not yet delivered and handled.
	Len() int
	// Flush waits until nothing is in flight or timeoutMs; returns what is left.
	Flush(timeoutMs int) int
	// Close stops serving events (every handler call is over when it returns) and destroys the
	// producer.
	Close()
}

// ConfigError is a property librdkafka rejected (unknown name or bad value): exit 2.
type ConfigError struct{ Message string }

func (e *ConfigError) Error() string { return e.Message }

// PropertyError is the ConfigError of one rejected property, worded alike by both sinks and the
// TypeScript ones: "producer settings: key=value: <librdkafka's message>", a secret's value
// redacted.
func PropertyError(key, value, reason string) *ConfigError {
	if contract.IsSecretProperty(key) {
		value = contract.Redacted()
	}
	return &ConfigError{fmt.Sprintf("producer settings: %s=%s: %s", key, value, reason)}
}

// ProduceError is a produce call librdkafka refused for a reason other than a full queue.
type ProduceError struct {
	ErrName string
	Err     error
}

func (e *ProduceError) Error() string { return e.Err.Error() }

// Header values of the `phase` header.
var (
	PhaseWarmup = []byte("warmup")
	PhaseWindow = []byte("window")
)
