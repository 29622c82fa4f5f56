//go:build dynamic

package kafka

/*
#cgo pkg-config: rdkafka
#include <stdlib.h>
#include <string.h>
#include <librdkafka/rdkafka.h>

// One delivery report as the Go side needs it: the message's seq (from its "seq" header) and
// its error code.
typedef struct {
	unsigned long long seq;
	int err;
} bench_dr_t;

static unsigned long long bench_seq_of(const rd_kafka_message_t *m) {
	rd_kafka_headers_t *hdrs;
	const void *value;
	size_t size;
	unsigned long long seq = 0;
	if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR)
		return 0;
	if (rd_kafka_header_get_last(hdrs, "seq", &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR || !value)
		return 0;
	for (size_t i = 0; i < size; i++) {
		unsigned char d = ((const unsigned char *)value)[i] - '0';
		if (d > 9)
			return 0;
		seq = seq * 10 + d;
	}
	return seq;
}

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
			out[n].seq = bench_seq_of(m);
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
	"errors"
	"fmt"
	"os"
	"reflect"
	"sync"
	"syscall"
	"unsafe"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// seqInOpaque: this build reads each report's seq back from the message's own `seq` header, so
// nothing is registered per message in the binding's opaque map (whose entries only the
// binding's own poller would remove).
const seqInOpaque = false

// drBatch is how many delivery reports one cgo call hands back.
const drBatch = 4096

// deliveries serves librdkafka's main queue (delivery reports, statistics, errors) the way
// librdkafka offers to event-loop programs: rd_kafka_queue_io_event_enable makes librdkafka write
// one byte to a pipe when the queue turns non-empty; the pipe's read end sits in Go's netpoller,
// and each wake-up drains the queue with non-blocking polls.
//
// Why not the binding's own poller: confluent-kafka-go serves the queue from a goroutine parked in
// a cgo call (rd_kafka_queue_poll with a 100 ms timeout). A goroutine blocked in cgo holds its P
// in a syscall; the runtime's sysmon thread retakes such a P after 10 ms and then, having "done
// something", drops back to its 20 µs polling period. At 2,000 msg/s that kept sysmon waking
// ~3,000 times a second: the largest single cost of the Go contender (docs/performance.md).
type deliveries struct {
	rk      *C.rd_kafka_t
	q       *C.rd_kafka_queue_t
	pending *C.rd_kafka_event_t
	r       *os.File
	w       int
	h       Handlers
	buf     *[drBatch]C.bench_dr_t
	batch   []Delivery
	done    chan struct{}
	stopped sync.Once
}

// binding reaches the two unexported fields of a confluent-kafka-go v2 Producer this needs: the
// librdkafka handle (handle.rk) and the channel that stops the binding's poller (pollerTermChan).
// go.mod pins the binding; a test checks the fields are where this expects them.
func binding(p *ck.Producer) (rk unsafe.Pointer, pollerTerm *chan bool, err error) {
	v := reflect.ValueOf(p).Elem()
	handle := v.FieldByName("handle")
	if !handle.IsValid() || handle.Kind() != reflect.Struct {
		return nil, nil, errors.New("confluent-kafka-go Producer has no handle field")
	}
	rkField := handle.FieldByName("rk")
	term := v.FieldByName("pollerTermChan")
	if !rkField.IsValid() || rkField.Kind() != reflect.Pointer || !term.IsValid() || term.Type() != reflect.TypeOf((chan bool)(nil)) {
		return nil, nil, errors.New("confluent-kafka-go Producer: handle.rk or pollerTermChan not as expected")
	}
	return unsafe.Pointer(rkField.Pointer()), (*chan bool)(unsafe.Pointer(term.UnsafeAddr())), nil
}

// startDeliveries stops the binding's poller (before anything is produced: it can only have seen
// statistics or errors, which are forwarded) and serves the queue through the pipe instead.
func startDeliveries(p *ck.Producer, h Handlers) (*deliveries, error) {
	rk, term, err := binding(p)
	if err != nil {
		return nil, err
	}
	// the poller takes this between two polls (at most its 100 ms timeout from now) and returns
	*term <- true
	for drained := false; !drained; {
		select {
		case ev := <-p.Events():
			forward(ev, h)
		default:
			drained = true
		}
	}
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
		return nil, fmt.Errorf("delivery-report pipe: %w", err)
	}
	d := &deliveries{
		rk:    (*C.rd_kafka_t)(rk),
		r:     os.NewFile(uintptr(fds[0]), "librdkafka-main-queue"),
		w:     fds[1],
		h:     h,
		buf:   (*[drBatch]C.bench_dr_t)(C.calloc(drBatch, C.size_t(unsafe.Sizeof(C.bench_dr_t{})))),
		batch: make([]Delivery, 0, drBatch),
		done:  make(chan struct{}),
	}
	d.q = C.rd_kafka_queue_get_main(d.rk)
	payload := C.CString("1")
	defer C.free(unsafe.Pointer(payload))
	C.rd_kafka_queue_io_event_enable(d.q, C.int(d.w), unsafe.Pointer(payload), 1)
	go d.loop()
	return d, nil
}

func (d *deliveries) loop() {
	defer close(d.done)
	wake := make([]byte, 64)
	for {
		d.serve()
		// park in the netpoller until librdkafka writes (the queue turned non-empty since the
		// last poll; a byte written before that poll only causes one empty pass)
		if _, err := d.r.Read(wake); err != nil {
			return
		}
	}
}

// serve drains the queue: delivery reports in batches of up to drBatch per cgo call.
func (d *deliveries) serve() {
	for {
		var other *C.rd_kafka_event_t
		n := int(C.bench_serve(d.q, &d.pending, &d.buf[0], drBatch, &other))
		batch := d.batch[:0]
		for i := 0; i < n; i++ {
			name := ""
			if err := d.buf[i].err; err != 0 {
				name = ErrName(ck.ErrorCode(err))
			}
			batch = append(batch, Delivery{Seq: uint64(d.buf[i].seq), ErrName: name})
		}
		switch {
		case n == 0:
		case d.h.OnDeliveries != nil:
			d.h.OnDeliveries(batch)
		case d.h.OnDelivery != nil:
			for _, r := range batch {
				d.h.OnDelivery(r.Seq, r.ErrName)
			}
		}
		if other != nil {
			d.event(other)
			continue
		}
		if n < drBatch {
			return
		}
	}
}

func (d *deliveries) event(ev *C.rd_kafka_event_t) {
	defer C.rd_kafka_event_destroy(ev)
	switch C.rd_kafka_event_type(ev) {
	case C.RD_KAFKA_EVENT_STATS:
		if d.h.OnStats != nil {
			d.h.OnStats(C.GoString(C.rd_kafka_event_stats(ev)))
		}
	case C.RD_KAFKA_EVENT_ERROR:
		if d.h.OnError == nil {
			return
		}
		code := C.rd_kafka_event_error(ev)
		text := C.GoString(C.rd_kafka_event_error_string(ev))
		fatal := ""
		if C.rd_kafka_event_error_is_fatal(ev) != 0 {
			// as the binding does: the fatal error's own code and reason
			buf := (*C.char)(C.malloc(512))
			code = C.rd_kafka_fatal_error(d.rk, buf, 512)
			text = C.GoString(buf)
			C.free(unsafe.Pointer(buf))
			fatal = "FATAL "
		}
		d.h.OnError(fmt.Sprintf("%s%s: %s", fatal, ErrName(ck.ErrorCode(code)), text))
	}
}

// flush waits (rd_kafka_flush: in event mode it only waits, the loop goroutine serves the
// reports) until nothing is in flight or timeoutMs; returns what is left.
func (d *deliveries) flush(timeoutMs int) int {
	if C.rd_kafka_outq_len(d.rk) == 0 {
		return 0
	}
	C.rd_kafka_flush(d.rk, C.int(timeoutMs))
	return int(C.rd_kafka_outq_len(d.rk))
}

func (d *deliveries) outqLen() int { return int(C.rd_kafka_outq_len(d.rk)) }

// stop ends the loop after the batch it is handling, serves what is still queued, and releases
// the queue: after it returns no handler is called again. Before the binding's Close.
func (d *deliveries) stop() {
	d.stopped.Do(func() {
		C.rd_kafka_queue_io_event_enable(d.q, -1, nil, 0)
		_ = d.r.Close()
		<-d.done
		d.serve()
		if d.pending != nil {
			C.rd_kafka_event_destroy(d.pending)
			d.pending = nil
		}
		C.rd_kafka_queue_destroy(d.q)
		_ = syscall.Close(d.w)
		C.free(unsafe.Pointer(d.buf))
	})
}

func (d *deliveries) closed() {}
