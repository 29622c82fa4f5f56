//go:build dynamic

package kafka

// #cgo pkg-config: rdkafka
// #include <stdlib.h>
// #include <librdkafka/rdkafka.h>
import "C"

import (
	"fmt"
	"unsafe"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
)

// ErrName is librdkafka's own name of an error code (rd_kafka_err2name), e.g. "_MSG_TIMED_OUT".
func ErrName(code ck.ErrorCode) string {
	return C.GoString(C.rd_kafka_err2name(C.rd_kafka_resp_err_t(code)))
}

// CheckProperty asks librdkafka (rd_kafka_conf_set on a scratch conf) whether key=value is
// acceptable; the error is "key=value: <librdkafka's message>", as the TypeScript sinks say it.
func CheckProperty(key, value string) error {
	conf := C.rd_kafka_conf_new()
	defer C.rd_kafka_conf_destroy(conf)
	ckey, cvalue := C.CString(key), C.CString(value)
	defer C.free(unsafe.Pointer(ckey))
	defer C.free(unsafe.Pointer(cvalue))
	errstr := (*C.char)(C.malloc(512))
	defer C.free(unsafe.Pointer(errstr))
	if res := C.rd_kafka_conf_set(conf, ckey, cvalue, errstr, 512); res != C.RD_KAFKA_CONF_OK {
		if contract.IsSecretProperty(key) {
			value = contract.Redacted()
		}
		return fmt.Errorf("%s=%s: %s", key, value, C.GoString(errstr))
	}
	return nil
}
