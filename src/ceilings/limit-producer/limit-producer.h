/*
 * limit-producer: what its parts share (main.c documents the tool). One process, one producer;
 * the run state is written by the producing loop and by the delivery report callback, which runs
 * on the same thread inside rd_kafka_poll().
 */
#ifndef LIMIT_PRODUCER_H
#define LIMIT_PRODUCER_H

/* _GNU_SOURCE for RUSAGE_THREAD (Linux), which splits the application thread's CPU from librdkafka's */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

/* rdkafka.h 2.15.1 declares one `const int` return (rd_kafka_TopicPartitionInfo_partition), which
 * -Wextra flags; keep our own build warning-clean without touching the shared header */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-qualifiers"
#include <librdkafka/rdkafka.h>
#pragma GCC diagnostic pop

#define CONTENDER "limit-c"
#define FLUSH_TIMEOUT_MS 120000
#define NS_PER_MS INT64_C(1000000)
#define NS_PER_S INT64_C(1000000000)
/* a sender whose p99 lag exceeds this is "behind": its due-time latencies measure its own queue */
#define BEHIND_LAG_P99_US 10000
/* the longest single idle poll, so a signal or a far-off due time is re-checked now and then */
#define MAX_IDLE_POLL_MS 100
#define MAX_PROPERTIES 256

/* ---- options (args.c) ---- */

struct options {
    const char *bootstrap, *topic, *frames_path;
    uint64_t messages;
    double seconds, rate, warmup_seconds;
    /* -X k=v, in the order given: the harness's producer settings, then its overrides */
    const char *props[MAX_PROPERTIES];
    int nprops;
    /* paced: the measured messages the schedule holds (0 in ceiling mode) */
    uint64_t scheduled;
};

void parse_args(int argc, char **argv, struct options *o);
/* prints why and the usage on stderr, exits 2 */
void usage(const char *why);

/* ---- frames (frames.c) ---- */

struct frame {
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
};

/* the frames file's records; exits 1 when it cannot be read or holds none */
struct frame *load_frames(const char *path, size_t *count_out);

/* ---- latency histogram (hist.c: HdrHistogram's layout at 2 significant digits) ---- */

#define H_SUB_BITS 7
#define H_SUB (UINT64_C(1) << H_SUB_BITS)
/* 0..255 exact, then 128 buckets for each power of two up to 2^63 */
#define H_BUCKETS ((size_t)(64 - H_SUB_BITS) * H_SUB + H_SUB)

struct hist {
    uint64_t count, sum, min, max;
    uint64_t buckets[H_BUCKETS];
};

void hist_record(struct hist *h, int64_t value);
uint64_t hist_percentile(const struct hist *h, double pct);

/* ---- the run (run.c) ---- */

/* what the delivery reports and stats counted */
struct counts {
    uint64_t delivered;
    uint64_t failed;
    uint64_t bytes;
    uint64_t stats;
    uint64_t ack_unavailable;
    uint64_t warmup_delivered;
    uint64_t warmup_failed;
    rd_kafka_resp_err_t first_err;
};

/* the schedule, read by the delivery report callback */
struct schedule {
    int paced;
    double rate;           /* messages per second (paced) */
    int64_t t0_ns;         /* due time of message 0 (paced) */
    uint64_t warmup_count; /* seqs below this are warm-up: counted in no figure */
};

/* the measured window, as the producing loop saw it */
struct window {
    int64_t start, end, first_send, last_send;
    uint64_t produced, warmup_produced, queue_full, waits;
    rd_kafka_resp_err_t produce_err, flush_err;
    int outstanding;
    struct rusage ru0, ru1, app0, app1;
};

extern struct counts counts;
extern struct schedule run;
extern struct hist ack_hist, due_hist, lag_hist;
extern volatile sig_atomic_t stop_requested;

int64_t now_ns(void);
/* sets the producer's callbacks (delivery reports, stats, errors) on conf */
void set_callbacks(rd_kafka_conf_t *conf);
/* produces until the count, the time or a signal ends it, then flushes */
void run_window(rd_kafka_t *rk, rd_kafka_topic_t *rkt, const struct frame *frames, size_t nframes,
                const struct options *o, struct window *w);

/* ---- the result line (report.c) ---- */

void print_result(const struct options *o, const struct window *w, size_t nframes);

#endif
