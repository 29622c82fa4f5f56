package rdkafka

// The produce vector of one message: the one cgo call per message (producer.go owns the handle).

/*
#include <stdint.h>
#include <stdio.h>
#include <librdkafka/rdkafka.h>

// One produceva call: value, key, the three headers, the seq as the message's opaque (what the
// delivery report hands back). librdkafka copies everything (F_COPY, headers are copied on add).
static int bench_produce(rd_kafka_t *rk, rd_kafka_topic_t *rkt, const void *key, size_t key_len,
                         const void *value, size_t value_len, unsigned long long seq,
                         const char *contender, size_t contender_len, const void *phase, size_t phase_len) {
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%llu", seq);
	rd_kafka_vu_t vu[9];
	vu[0].vtype = RD_KAFKA_VTYPE_RKT;
	vu[0].u.rkt = rkt;
	vu[1].vtype = RD_KAFKA_VTYPE_PARTITION;
	vu[1].u.i32 = RD_KAFKA_PARTITION_UA;
	vu[2].vtype = RD_KAFKA_VTYPE_VALUE;
	vu[2].u.mem.ptr = (void *)value;
	vu[2].u.mem.size = value_len;
	vu[3].vtype = RD_KAFKA_VTYPE_KEY;
	vu[3].u.mem.ptr = (void *)key;
	vu[3].u.mem.size = key_len;
	vu[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
	vu[4].u.i = RD_KAFKA_MSG_F_COPY;
	vu[5].vtype = RD_KAFKA_VTYPE_OPAQUE;
	vu[5].u.ptr = (void *)(uintptr_t)seq;
	vu[6].vtype = RD_KAFKA_VTYPE_HEADER;
	vu[6].u.header.name = "seq";
	vu[6].u.header.val = digits;
	vu[6].u.header.size = n;
	vu[7].vtype = RD_KAFKA_VTYPE_HEADER;
	vu[7].u.header.name = "contender";
	vu[7].u.header.val = contender;
	vu[7].u.header.size = contender_len;
	vu[8].vtype = RD_KAFKA_VTYPE_HEADER;
	vu[8].u.header.name = "phase";
	vu[8].u.header.val = phase;
	vu[8].u.header.size = phase_len;
	rd_kafka_error_t *error = rd_kafka_produceva(rk, vu, 9);
	if (!error)
		return 0;
	int code = rd_kafka_error_code(error);
	rd_kafka_error_destroy(error);
	return code;
}
*/
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
)

// Produce enqueues one message: one cgo call, the slices passed for its duration only (librdkafka
// copies them).
func (p *Producer) Produce(key, value []byte, seq uint64, phase []byte) (ok bool, err error) {
	code := C.bench_produce(p.rk, p.rkt, ptr(key), C.size_t(len(key)), ptr(value), C.size_t(len(value)),
		C.ulonglong(seq), p.contender, p.clen, ptr(phase), C.size_t(len(phase)))
	switch code {
	case 0:
		return true, nil
	case C.RD_KAFKA_RESP_ERR__QUEUE_FULL:
		return false, nil
	}
	name := ErrName(int(code))
	return false, &kafka.ProduceError{ErrName: name, Err: fmt.Errorf("produce to %s: %s", p.topic, errStr(C.rd_kafka_resp_err_t(code)))}
}

func ptr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(&b[0])
}
