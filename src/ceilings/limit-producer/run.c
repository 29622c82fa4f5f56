/*
 * limit-producer's run (main.c documents the modes and what each figure means): the delivery
 * report, stats and error callbacks served by rd_kafka_poll() on this thread, and the producing
 * loop of either mode, from the window's start to the flush.
 */
#include "limit-producer.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

struct counts counts;
struct schedule run;
struct hist ack_hist, due_hist, lag_hist;
volatile sig_atomic_t stop_requested = 0;

int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* Message seq's due time. Computed from seq, not accumulated, so rounding never drifts. */
static int64_t due_ns(uint64_t seq) {
    return run.t0_ns + (int64_t)((double)seq * 1e9 / run.rate);
}

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    (void)opaque;
    const uint64_t seq = (uint64_t)(uintptr_t)m->_private;
    if (seq < run.warmup_count) {
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) counts.warmup_delivered++;
        else counts.warmup_failed++;
        return;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (counts.failed == 0) counts.first_err = m->err;
        counts.failed++;
        return;
    }
    counts.delivered++;
    counts.bytes += m->len;
    /* both latencies end now, while poll serves the report: when the application learns of it */
    const int64_t ack_us = rd_kafka_message_latency(m);
    if (ack_us >= 0) hist_record(&ack_hist, ack_us);
    else counts.ack_unavailable++;
    if (run.paced) hist_record(&due_hist, (now_ns() - due_ns(seq)) / 1000);
}

static int stats_cb(rd_kafka_t *rk, char *json, size_t json_len, void *opaque) {
    (void)rk;
    (void)json;
    (void)json_len;
    (void)opaque;
    counts.stats++;
    return 0; /* librdkafka frees the JSON */
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
    (void)rk;
    (void)opaque;
    fprintf(stderr, "limit-producer: librdkafka error %s: %s\n", rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
}

void set_callbacks(rd_kafka_conf_t *conf) {
    rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
    rd_kafka_conf_set_stats_cb(conf, stats_cb);
    rd_kafka_conf_set_error_cb(conf, error_cb);
}

/* Hands message seq to librdkafka, waiting out QUEUE_FULL (1 ms polls, counted). */
static rd_kafka_resp_err_t produce_one(rd_kafka_t *rk, rd_kafka_topic_t *rkt, const struct frame *frames,
                                       size_t nframes, uint64_t seq, uint64_t *queue_full) {
    const struct frame *f = &frames[seq % nframes];
    char seq_text[24];
    /* the contract's seq counts from 1; the index (the opaque) from 0 */
    const int seq_len = snprintf(seq_text, sizeof seq_text, "%llu", (unsigned long long)seq + 1);
    const int warmup = seq < run.warmup_count;
    const char *phase = warmup ? "warmup" : "window";
    for (;;) {
        const rd_kafka_resp_err_t err =
            rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_KEY(f->key, f->key_len), RD_KAFKA_V_VALUE((void *)f->value, f->value_len),
                              RD_KAFKA_V_HEADER("seq", seq_text, seq_len),
                              RD_KAFKA_V_HEADER("contender", CONTENDER, (ssize_t)(sizeof CONTENDER - 1)),
                              RD_KAFKA_V_HEADER("phase", phase, (ssize_t)strlen(phase)),
                              RD_KAFKA_V_OPAQUE((void *)(uintptr_t)seq), RD_KAFKA_V_END);
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || stop_requested) return err;
        (*queue_full)++;
        rd_kafka_poll(rk, 1);
    }
}

/* Idles until `due`, serving delivery reports meanwhile when the gap allows (main.c says why). */
static void wait_until(rd_kafka_t *rk, int64_t due) {
    const int64_t left = due - now_ns();
    if (left >= NS_PER_MS) {
        const int64_t ms = left / NS_PER_MS; /* whole ms: wake at or before the due time, never after */
        rd_kafka_poll(rk, ms > MAX_IDLE_POLL_MS ? MAX_IDLE_POLL_MS : (int)ms);
    } else if (left > 0) {
        const struct timespec ts = {.tv_sec = (time_t)(due / NS_PER_S), .tv_nsec = (long)(due % NS_PER_S)};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL); /* EINTR: the loop re-checks */
    }
}


/* The measured window opens: CPU so far is not its own. */
static void open_window(struct window *w, int64_t at) {
    getrusage(RUSAGE_SELF, &w->ru0);
    getrusage(RUSAGE_THREAD, &w->app0);
    w->start = at;
}

/* Ceiling: as fast as librdkafka accepts messages, polling every 1024. */
static void run_ceiling(rd_kafka_t *rk, rd_kafka_topic_t *rkt, const struct frame *frames, size_t nframes,
                        const struct options *o, struct window *w) {
    open_window(w, now_ns());
    const int64_t deadline = o->seconds > 0 ? w->start + (int64_t)(o->seconds * 1e9) : 0;
    while ((o->messages == 0 || w->produced < o->messages) && !stop_requested) {
        if (deadline && (w->produced & 1023) == 0 && now_ns() >= deadline) break;
        w->produce_err = produce_one(rk, rkt, frames, nframes, w->produced, &w->queue_full);
        if (w->produce_err != RD_KAFKA_RESP_ERR_NO_ERROR) break;
        w->produced++;
        /* serve delivery reports now and then without a syscall per message */
        if ((w->produced & 1023) == 0) rd_kafka_poll(rk, 0);
    }
    w->first_send = w->start;
    w->last_send = now_ns();
}

/* Paced: every message at its due time or, late, as soon as it can; warm-up first, in no figure. */
static void run_paced(rd_kafka_t *rk, rd_kafka_topic_t *rkt, const struct frame *frames, size_t nframes,
                      const struct options *o, struct window *w) {
    const uint64_t total = run.warmup_count + o->scheduled;
    int64_t deadline = 0;
    run.t0_ns = now_ns();
    for (uint64_t seq = 0; seq < total && !stop_requested;) {
        const int64_t due = due_ns(seq);
        const int64_t now = now_ns();
        if (now < due) {
            wait_until(rk, due);
            w->waits++;
            continue;
        }
        const int measured = seq >= run.warmup_count;
        if (seq == run.warmup_count) {
            /* the measured window opens with its first message, warm-up behind it */
            open_window(w, now);
            /* a message a little late at the window's end is still sent: only one later than
             * "behind" allows is cut, so a cut run is a behind run */
            if (o->seconds > 0) deadline = due + (int64_t)(o->seconds * 1e9) + BEHIND_LAG_P99_US * INT64_C(1000);
        }
        if (measured && deadline && now >= deadline) break;
        w->produce_err = produce_one(rk, rkt, frames, nframes, seq, &w->queue_full);
        if (w->produce_err != RD_KAFKA_RESP_ERR_NO_ERROR) break;
        if (measured) {
            /* lag ends when librdkafka holds the message: QUEUE_FULL waits count as late */
            w->last_send = now_ns();
            if (w->produced == 0) w->first_send = w->last_send;
            hist_record(&lag_hist, (w->last_send - due) / 1000);
            w->produced++;
        } else {
            w->warmup_produced++;
        }
        seq++;
        rd_kafka_poll(rk, 0);
    }
    if (w->start == 0) open_window(w, now_ns()); /* stopped during the warm-up: an empty window */
}

void run_window(rd_kafka_t *rk, rd_kafka_topic_t *rkt, const struct frame *frames, size_t nframes,
                const struct options *o, struct window *w) {
    memset(w, 0, sizeof *w);
    run.paced = o->rate > 0;
    run.rate = o->rate;
    run.warmup_count = run.paced ? (uint64_t)(o->rate * o->warmup_seconds + 0.5) : 0;
    if (run.paced) run_paced(rk, rkt, frames, nframes, o, w);
    else run_ceiling(rk, rkt, frames, nframes, o, w);
    if (w->produce_err == RD_KAFKA_RESP_ERR__QUEUE_FULL) w->produce_err = RD_KAFKA_RESP_ERR_NO_ERROR; /* interrupted while waiting */
    if (w->produce_err != RD_KAFKA_RESP_ERR_NO_ERROR)
        fprintf(stderr, "limit-producer: produce failed: %s\n", rd_kafka_err2str(w->produce_err));
    w->flush_err = rd_kafka_flush(rk, FLUSH_TIMEOUT_MS);
    w->end = now_ns();
    getrusage(RUSAGE_SELF, &w->ru1);
    getrusage(RUSAGE_THREAD, &w->app1);
    w->outstanding = rd_kafka_outq_len(rk);
}
