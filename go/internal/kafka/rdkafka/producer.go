// Package rdkafka is the `go-tuned` contender's Kafka sink: librdkafka through cgo on an
// rd_kafka_t this package creates and owns (no binding in between). Each message is one
// rd_kafka_produceva call; delivery reports, statistics and errors are events on librdkafka's
// main queue, drained in bulk when the queue's io-event pipe wakes the netpoller.
package rdkafka

/*
#cgo pkg-config: rdkafka
#include <stdint.h>
#include <stdlib.h>
#include <librdkafka/rdkafka.h>

// One delivery report as the Go side needs it: the message's seq (its opaque) and error code.
typedef struct {
	unsigned long long seq;
	int err;
} bench_dr_t;

// Serves the queue without blocking: copies up to cap delivery reports into out and returns how
// many. A DR event that does not fit is kept in *pending and resumed on the next call
// (rd_kafka_event_message_next has its own cursor). The first event of another type (stats,
// error) stops the walk and is handed to the caller in *other, to be destroyed by it.
static int bench_serve(rd_kafka_queue_t *q, rd_kafka_event_t **pending, bench_dr_t *out, int cap,
                       rd_kafka_event_t **other) {
	int n = 0;
	*other = NULL;
	for (;;) {
		rd_kafka_event_t *ev = *pending;
		if (!ev) {
			ev = rd_kafka_queue_poll(q, 0);
			if (!ev)
				return n;
		}
		if (rd_kafka_event_type(ev) != RD_KAFKA_EVENT_DR) {
			*pending = NULL;
			*other = ev;
			return n;
		}
		const rd_kafka_message_t *m = NULL;
		while (n < cap && (m = rd_kafka_event_message_next(ev))) {
			out[n].seq = (unsigned long long)(uintptr_t)m->_private;
			out[n].err = m->err;
			n++;
		}
		if (n == cap) {
			*pending = ev;
			return n;
		}
		rd_kafka_event_destroy(ev);
		*pending = NULL;
	}
}
*/
import "C"

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"syscall"
	"unsafe"

	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
)

// drBatch is how many delivery reports one cgo call hands back.
const drBatch = 4096

const errstrSize = 512

// Producer owns its rd_kafka_t, the topic handle and the main queue's event server.
//
// The event server is librdkafka's offer to event-loop programs: rd_kafka_queue_io_event_enable
// makes librdkafka write one byte to a pipe when the queue turns non-empty; the pipe's read end
// sits in Go's netpoller, and each wake-up drains the queue with non-blocking polls, the reports
// of one wake-up handed over in one handler call (one lock acquisition of the pipeline). No
// goroutine is ever parked in a blocking cgo call: one that is holds its P in a syscall, which
// keeps the runtime's sysmon thread polling every 20 µs (docs/performance.md).
type Producer struct {
	rk        *C.rd_kafka_t
	rkt       *C.rd_kafka_topic_t
	q         *C.rd_kafka_queue_t
	topic     string
	contender *C.char
	clen      C.size_t
	settings  map[string]string

	pending *C.rd_kafka_event_t
	r       *os.File
	w       int
	h       kafka.Handlers
	buf     *[drBatch]C.bench_dr_t
	batch   []kafka.Delivery
	done    chan struct{}
	stopped sync.Once
}

// LibraryVersion is librdkafka's version string, e.g. "2.15.1".
func LibraryVersion() string { return C.GoString(C.rd_kafka_version_str()) }

// Binding is the report's runtime.kafkaBinding.
func Binding() string {
	return "librdkafka " + LibraryVersion() + " through cgo (own rd_kafka_t, rd_kafka_produceva, io-event delivery reports)"
}

// ErrName is librdkafka's own name of an error code (rd_kafka_err2name), e.g. "_MSG_TIMED_OUT".
func ErrName(code int) string {
	return C.GoString(C.rd_kafka_err2name(C.rd_kafka_resp_err_t(code)))
}

func errStr(code C.rd_kafka_resp_err_t) string { return C.GoString(C.rd_kafka_err2str(code)) }

// NewProducer creates the producer from the effective settings plus bootstrap.servers. The
// properties are set in name order, so the first refused one (by name) is the one reported.
func NewProducer(bootstrap, topic, contender string, settings map[string]string, h kafka.Handlers) (*Producer, error) {
	errstr := (*C.char)(C.malloc(errstrSize))
	defer C.free(unsafe.Pointer(errstr))
	conf := C.rd_kafka_conf_new()
	set := func(key, value string) error {
		ckey, cvalue := C.CString(key), C.CString(value)
		defer C.free(unsafe.Pointer(ckey))
		defer C.free(unsafe.Pointer(cvalue))
		if C.rd_kafka_conf_set(conf, ckey, cvalue, errstr, errstrSize) != C.RD_KAFKA_CONF_OK {
			return kafka.PropertyError(key, value, C.GoString(errstr))
		}
		return nil
	}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := set(k, settings[k]); err != nil {
			C.rd_kafka_conf_destroy(conf)
			return nil, err
		}
	}
	if err := set("bootstrap.servers", bootstrap); err != nil {
		C.rd_kafka_conf_destroy(conf)
		return nil, err
	}
	// delivery reports, statistics and errors as events on the main queue (no callbacks into Go)
	C.rd_kafka_conf_set_events(conf, C.RD_KAFKA_EVENT_DR|C.RD_KAFKA_EVENT_STATS|C.RD_KAFKA_EVENT_ERROR)
	rk := C.rd_kafka_new(C.RD_KAFKA_PRODUCER, conf, errstr, errstrSize)
	if rk == nil {
		// rd_kafka_new did not take the conf
		C.rd_kafka_conf_destroy(conf)
		return nil, &kafka.ConfigError{Message: "producer settings: " + C.GoString(errstr)}
	}
	ctopic := C.CString(topic)
	defer C.free(unsafe.Pointer(ctopic))
	rkt := C.rd_kafka_topic_new(rk, ctopic, nil)
	if rkt == nil {
		C.rd_kafka_destroy(rk)
		return nil, &kafka.ConfigError{Message: fmt.Sprintf("topic %q: %s", topic, errStr(C.rd_kafka_last_error()))}
	}
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
		C.rd_kafka_topic_destroy(rkt)
		C.rd_kafka_destroy(rk)
		return nil, fmt.Errorf("delivery-report pipe: %w", err)
	}
	p := &Producer{
		rk:        rk,
		rkt:       rkt,
		q:         C.rd_kafka_queue_get_main(rk),
		topic:     topic,
		contender: C.CString(contender),
		clen:      C.size_t(len(contender)),
		settings:  settings,
		r:         os.NewFile(uintptr(fds[0]), "librdkafka-main-queue"),
		w:         fds[1],
		h:         h,
		buf:       (*[drBatch]C.bench_dr_t)(C.calloc(drBatch, C.size_t(unsafe.Sizeof(C.bench_dr_t{})))),
		batch:     make([]kafka.Delivery, 0, drBatch),
		done:      make(chan struct{}),
	}
	payload := C.CString("1")
	defer C.free(unsafe.Pointer(payload))
	C.rd_kafka_queue_io_event_enable(p.q, C.int(p.w), unsafe.Pointer(payload), 1)
	go p.loop()
	return p, nil
}

// Settings are the effective librdkafka properties (without bootstrap.servers).
func (p *Producer) Settings() map[string]string { return p.settings }

// CheckBroker asks for metadata within timeoutMs.
func (p *Producer) CheckBroker(timeoutMs int) error {
	var md *C.struct_rd_kafka_metadata
	code := C.rd_kafka_metadata(p.rk, 0, nil, &md, C.int(timeoutMs))
	if code != C.RD_KAFKA_RESP_ERR_NO_ERROR {
		return fmt.Errorf("no broker answered a metadata request within %d ms (%s)", timeoutMs, errStr(code))
	}
	C.rd_kafka_metadata_destroy(md)
	return nil
}

func (p *Producer) loop() {
	defer close(p.done)
	wake := make([]byte, 64)
	for {
		p.serve()
		// park in the netpoller until librdkafka writes (the queue turned non-empty since the
		// last poll; a byte written before that poll only causes one empty pass)
		if _, err := p.r.Read(wake); err != nil {
			return
		}
	}
}

// serve drains the queue: delivery reports in batches of up to drBatch per cgo call.
func (p *Producer) serve() {
	for {
		var other *C.rd_kafka_event_t
		n := int(C.bench_serve(p.q, &p.pending, &p.buf[0], drBatch, &other))
		batch := p.batch[:0]
		for i := 0; i < n; i++ {
			name := ""
			if err := p.buf[i].err; err != 0 {
				name = ErrName(int(err))
			}
			batch = append(batch, kafka.Delivery{Seq: uint64(p.buf[i].seq), ErrName: name})
		}
		p.h.Deliver(batch)
		if other != nil {
			p.event(other)
			continue
		}
		if n < drBatch {
			return
		}
	}
}

func (p *Producer) event(ev *C.rd_kafka_event_t) {
	defer C.rd_kafka_event_destroy(ev)
	switch C.rd_kafka_event_type(ev) {
	case C.RD_KAFKA_EVENT_STATS:
		if p.h.OnStats != nil {
			p.h.OnStats(C.GoString(C.rd_kafka_event_stats(ev)))
		}
	case C.RD_KAFKA_EVENT_ERROR:
		if p.h.OnError == nil {
			return
		}
		code := C.rd_kafka_event_error(ev)
		text := C.GoString(C.rd_kafka_event_error_string(ev))
		fatal := ""
		if C.rd_kafka_event_error_is_fatal(ev) != 0 {
			// the fatal error's own code and reason, as the binding reports it
			buf := (*C.char)(C.malloc(errstrSize))
			code = C.rd_kafka_fatal_error(p.rk, buf, errstrSize)
			text = C.GoString(buf)
			C.free(unsafe.Pointer(buf))
			fatal = "FATAL "
		}
		p.h.OnError(fmt.Sprintf("%s%s: %s", fatal, ErrName(int(code)), text))
	}
}

// Len is messages (and events) not yet delivered and handled.
func (p *Producer) Len() int { return int(C.rd_kafka_outq_len(p.rk)) }

// Flush waits (rd_kafka_flush: in event mode it only waits, the loop goroutine serves the
// reports) until nothing is in flight or timeoutMs; returns what is left.
func (p *Producer) Flush(timeoutMs int) int {
	if C.rd_kafka_outq_len(p.rk) == 0 {
		return 0
	}
	C.rd_kafka_flush(p.rk, C.int(timeoutMs))
	return int(C.rd_kafka_outq_len(p.rk))
}

// Close ends the loop after the batch it is handling, serves what is still queued, releases the
// queue (after that no handler is called again) and destroys the producer.
func (p *Producer) Close() {
	p.stopped.Do(func() {
		C.rd_kafka_queue_io_event_enable(p.q, -1, nil, 0)
		_ = p.r.Close()
		<-p.done
		p.serve()
		if p.pending != nil {
			C.rd_kafka_event_destroy(p.pending)
			p.pending = nil
		}
		C.rd_kafka_queue_destroy(p.q)
		_ = syscall.Close(p.w)
		C.free(unsafe.Pointer(p.buf))
		C.rd_kafka_topic_destroy(p.rkt)
		C.rd_kafka_destroy(p.rk)
		C.free(unsafe.Pointer(p.contender))
	})
}
