package confluent

import (
	"testing"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

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

// The table is librdkafka's names, as rd_kafka_err2name spells them.
func TestErrNames(t *testing.T) {
	for code, want := range map[int]string{-192: "_MSG_TIMED_OUT", -184: "_QUEUE_FULL", 3: "UNKNOWN_TOPIC_OR_PART", 0: "NO_ERROR", 12345: "ERR_12345?"} {
		if got := ErrName(ck.ErrorCode(code)); got != want {
			t.Errorf("ErrName(%d) = %q, want %q", code, got, want)
		}
	}
}
