//go:build dynamic

package kafka

// #cgo pkg-config: rdkafka
// #include <librdkafka/rdkafka.h>
import "C"

import ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

// ErrName is librdkafka's own name of an error code (rd_kafka_err2name), e.g. "_MSG_TIMED_OUT".
func ErrName(code ck.ErrorCode) string {
	return C.GoString(C.rd_kafka_err2name(C.rd_kafka_resp_err_t(code)))
}
