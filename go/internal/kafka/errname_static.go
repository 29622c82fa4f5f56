//go:build !dynamic

package kafka

import (
	"fmt"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

var names = map[ck.ErrorCode]string{
	ck.ErrMsgTimedOut:        "_MSG_TIMED_OUT",
	ck.ErrQueueFull:          "_QUEUE_FULL",
	ck.ErrTransport:          "_TRANSPORT",
	ck.ErrAllBrokersDown:     "_ALL_BROKERS_DOWN",
	ck.ErrTimedOut:           "_TIMED_OUT",
	ck.ErrUnknownTopicOrPart: "UNKNOWN_TOPIC_OR_PART",
	ck.ErrMsgSizeTooLarge:    "MSG_SIZE_TOO_LARGE",
	ck.ErrPurgeQueue:         "_PURGE_QUEUE",
	ck.ErrPurgeInflight:      "_PURGE_INFLIGHT",
}

// ErrName names an error code as librdkafka does (a table of the common ones in non-dynamic
// builds, which cannot reach rd_kafka_err2name of the bundled static library).
func ErrName(code ck.ErrorCode) string {
	if name, ok := names[code]; ok {
		return name
	}
	return fmt.Sprintf("ERR_%d", int(code))
}

// CheckProperty is left to NewProducer in non-dynamic builds.
func CheckProperty(key, value string) error { return nil }
