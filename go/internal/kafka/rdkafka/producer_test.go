package rdkafka

import (
	"testing"

	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/kafka/kafkatest"
)

func newProducer(bootstrap, topic, contender string, settings map[string]string, h kafka.Handlers) (kafka.Producer, error) {
	p, err := NewProducer(bootstrap, topic, contender, settings, h)
	if err != nil {
		return nil, err
	}
	return p, nil
}

func TestBadPropertiesAreConfigErrorsNamingPropertyAndValue(t *testing.T) {
	kafkatest.BadProperties(t, newProducer)
}

func TestProduceToRealBroker(t *testing.T) {
	kafkatest.ProduceToRealBroker(t, newProducer, LibraryVersion)
}

// Names come from librdkafka itself.
func TestErrNames(t *testing.T) {
	for code, want := range map[int]string{-192: "_MSG_TIMED_OUT", -184: "_QUEUE_FULL", 3: "UNKNOWN_TOPIC_OR_PART"} {
		if got := ErrName(code); got != want {
			t.Errorf("ErrName(%d) = %q, want %q", code, got, want)
		}
	}
}
