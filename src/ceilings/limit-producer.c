/*
 * limit-producer: the project's own minimal C producer, the "librdkafka alone" rows.
 *
 * Built by `bun run setup` against the same shared librdkafka every contender links
 * (.cache/librdkafka-<version>), with the same producer settings file, it produces recorded (or
 * generated) ticker frames in one of two modes:
 *  - ceiling (no --rate): as fast as librdkafka accepts them, the most any binding of that
 *    librdkafka can reach on this machine. librdkafka's own rdkafka_performance is not in the
 *    source the npm package ships; this plays its role.
 *  - paced (--rate N): an open-loop schedule, the "floor": what librdkafka alone costs (CPU per
 *    message, ack latency) at the rate a contender is asked to carry.
 *
 * Usage:
 *   limit-producer --bootstrap H:P --topic T --settings config/producer-settings.json
 *                  --frames FILE [--rate N [--warmup-seconds W]] [--messages N] [--seconds S]
 *                  [--property k=v ...]
 *
 *   --settings  a flat JSON object of librdkafka properties ({"k":"v", ...}); keys starting
 *               with "$" are comments and skipped; values should be strings (numbers and
 *               true/false are taken as written)
 *   --frames    one record per line: KEY <TAB> VALUE <LF>. KEY is the market code (no tab, no
 *               newline), VALUE the frame bytes up to the newline (compact ticker JSON has no raw
 *               newline or tab). Empty lines are skipped. src/ceilings/frames.ts writes this file.
 *   --messages  how many messages to produce (measured ones; warm-up comes on top); the frames are
 *               used round-robin (0 or absent: unlimited, then --seconds is required)
 *   --seconds   stop producing after S seconds even if N was not reached (paced: the schedule
 *               holds round(rate x S) measured messages; any still unsent 10 ms after the window's
 *               scheduled end are not sent, and make the run "behind")
 *   --rate      paced mode, messages per second (a positive number). Message i is due at
 *               t0 + i/rate; it is produced at its due time or, if the sender is late, as soon as
 *               it can (never skipped, never bunched ahead of time)
 *   --warmup-seconds  paced mode only (default 0): first produce round(rate x W) messages on the
 *               same schedule that count in no figure (CPU, latency, counts), so the idempotent
 *               producer's PID, metadata and first connections are not in the measured window
 *   --property  an extra librdkafka property applied after the settings file (repeatable)
 *
 * Every message is what a contender sends: key = the code, value = the frame (RD_KAFKA_MSG_F_COPY),
 * and the contract's three headers: seq (decimal, 1, 2, 3, ... across warm-up and measured
 * messages), contender="limit-c", and phase ("warmup" before the measured messages, "window"
 * after). Its msg_opaque is the 0-based index, so the delivery report knows its due time and
 * whether it is warm-up. On
 * QUEUE_FULL it polls for 1 ms and retries. Stats (statistics.interval.ms) go to a stats_cb that
 * only counts them, so the tool pays the same stats cost as the contenders.
 *
 * Delivery reports, as librdkafka documents for a producer: a dr_msg_cb, served by rd_kafka_poll()
 * on this (the application's) thread. INTRODUCTION.md (2.15.1), "Threads and callbacks": "A
 * poll-based API is used to provide signaling back to the application, the application should
 * call rd_kafka_poll() at regular intervals"; rdkafka.h, rd_kafka_conf_set_dr_msg_cb(): "An
 * application must call rd_kafka_poll() at regular intervals to serve queued delivery report
 * callbacks"; INTRODUCTION.md "Producer message delivery success": acked messages "will be passed
 * to the application on the next invocation rd_kafka_poll()". Paced mode polls with timeout 0
 * after every produce, and while idle waits in rd_kafka_poll() with a timeout of the whole
 * milliseconds left until the next due message (it returns early when a report is served). A gap
 * under 1 ms cannot be a poll timeout (its unit is ms), so it is slept with clock_nanosleep() to
 * the due time, reports then being served by the poll(0) after the next produce. Ceiling mode
 * polls(0) every 1024 messages, as before. rd_kafka_flush() serves the rest at the end.
 *
 * Latency (in the delivery report, i.e. when rd_kafka_poll() serves it, as an application sees
 * it; successful deliveries of measured messages only):
 *   ackUs       produce() call -> delivery report: rd_kafka_message_latency() ("latency for a
 *               produced message measured from the produce() call", CLOCK_MONOTONIC µs at the
 *               moment it is called, which is inside dr_msg_cb)
 *   dueToAckUs  (paced) due time -> delivery report, measured from when the message SHOULD have
 *               been sent, not when it was, so a stalled sender cannot hide the queueing it caused
 *               (coordinated omission; cf. wrk2, OMB's intended-send time)
 *   lagUs       (paced) due time -> produce() accepted the message: how far behind schedule the
 *               sender was. behind = lagUs.p99 > 10 ms, or the --seconds window closed with
 *               scheduled messages unsent (then at least those were > 10 ms late)
 * Each is a log-linear histogram (HdrHistogram's layout at 2 significant digits): values 0..255 µs
 * are exact, above that each power of two is split into 128 buckets, so a bucket spans < 1/128 of
 * its value. A percentile is reported as the highest value of its bucket (as HdrHistogram does),
 * capped by the exact max: at most 0.78% above the true sample, never below. count, min, max and
 * mean are exact.
 *
 * Output: one JSON line on stdout,
 *   {"tool":"limit-c","librdkafka":"2.15.1","messages":N,"delivered":D,"failed":F,"bytes":B,
 *    "elapsedMs":..,"messagesPerSec":..,"mbPerSec":..,"cpuUserUs":..,"cpuSystemUs":..,"frames":..,
 *    "queueFullRetries":..,"statsEvents":..,"outstanding":..,"firstError":..,"produceError":..,
 *    "mode":"paced","ratePerSec":..,"scheduled":..,"warmupSeconds":..,"warmupMessages":..,
 *    "warmupDelivered":..,"warmupFailed":..,"sendRatePerSec":..,"cpuUsPerMessage":..,
 *    "coresUsed":..,"cpuAppThreadUs":..,"waits":..,"ackUnavailable":..,"ackUs":{H},"dueToAckUs":{H}|null,
 *    "lagUs":{H}|null,"behind":bool|null}
 * with {H} = {"count":..,"min":..,"p50":..,"p95":..,"p99":..,"p999":..,"max":..,"mean":..} in µs.
 *   messages, delivered, failed, bytes  the measured window only (warm-up excluded): produce
 *               calls accepted, successful and failed delivery reports, value bytes delivered
 *   elapsedMs   the measured window: from the first measured produce (paced: the moment the first
 *               measured message is sent, on time) to flush complete
 *   messagesPerSec = delivered / elapsed; mbPerSec in MiB/s (2^20 bytes, as Kafka's
 *               ProducerPerformance reports "MB/sec")
 *   cpuUserUs, cpuSystemUs  getrusage(RUSAGE_SELF) over that window: all threads, librdkafka's
 *               included, and the pacing loop's own wake-ups (any real producer is woken at its
 *               message rate too)
 *   cpuUsPerMessage = (user + system) / delivered; coresUsed = (user + system) / elapsed
 *   cpuAppThreadUs  user + system of this one thread over the window (getrusage RUSAGE_THREAD):
 *               pacing waits, produce() calls and the delivery reports poll serves; the rest of
 *               cpuUser+SystemUs is librdkafka's own threads (broker I/O, main, compression)
 *   mode        "ceiling" or "paced"; ratePerSec the asked rate (null in ceiling mode)
 *   scheduled   measured messages the schedule held (null in ceiling mode)
 *   warmup*     the warm-up's seconds, accepted produce calls and delivery reports
 *   sendRatePerSec  the rate produce() accepted measured messages: paced, (messages - 1) /
 *               (last accept - first accept); ceiling, messages / producing time
 *   waits       idle waits of the pacing loop (poll with timeout or nanosleep); 0 in ceiling mode
 *   ackUnavailable  delivery reports for which rd_kafka_message_latency() returned -1
 *   dueToAckUs, lagUs, behind  null in ceiling mode
 *
 * Exit codes: 0 run completed (even with failed deliveries: see "failed"), 1 runtime error
 * (frames file unreadable, producer creation failed, flush timed out), 2 usage or configuration
 * error, naming the flag (librdkafka's errstr is printed on stderr for a property).
 */
/* _GNU_SOURCE for RUSAGE_THREAD (Linux), which splits the application thread's CPU from librdkafka's */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

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

struct frame {
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
};

/* ---- latency histogram (see the header: HdrHistogram's layout at 2 significant digits) ---- */

#define H_SUB_BITS 7
#define H_SUB (UINT64_C(1) << H_SUB_BITS)
/* 0..255 exact, then 128 buckets for each power of two up to 2^63 */
#define H_BUCKETS ((size_t)(64 - H_SUB_BITS) * H_SUB + H_SUB)

struct hist {
    uint64_t count, sum, min, max;
    uint64_t buckets[H_BUCKETS];
};

static size_t hist_index(uint64_t v) {
    if (v < 2 * H_SUB) return (size_t)v;
    const int shift = 63 - __builtin_clzll(v) - H_SUB_BITS; /* keeps v's top 8 bits */
    return (size_t)(shift + 1) * H_SUB + (size_t)((v >> shift) - H_SUB);
}

/* the highest value that lands in bucket i */
static uint64_t hist_highest(size_t i) {
    if (i < 2 * H_SUB) return i;
    const int shift = (int)(i / H_SUB) - 1;
    const uint64_t top = i % H_SUB + H_SUB;
    return ((top + 1) << shift) - 1;
}

static void hist_record(struct hist *h, int64_t value) {
    const uint64_t v = value < 0 ? 0 : (uint64_t)value; /* clocks are monotonic: < 0 only by rounding */
    h->buckets[hist_index(v)]++;
    if (h->count == 0 || v < h->min) h->min = v;
    if (v > h->max) h->max = v;
    h->count++;
    h->sum += v;
}

static uint64_t hist_percentile(const struct hist *h, double pct) {
    if (h->count == 0) return 0;
    /* the smallest value with at least pct% of the samples at or below it */
    const double want = pct / 100.0 * (double)h->count;
    uint64_t rank = (uint64_t)want;
    if ((double)rank < want) rank++;
    if (rank < 1) rank = 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < H_BUCKETS; i++) {
        seen += h->buckets[i];
        if (seen >= rank) {
            const uint64_t v = hist_highest(i);
            return v > h->max ? h->max : v;
        }
    }
    return h->max;
}

static void print_hist(const char *name, const struct hist *h) {
    printf(",\"%s\":{\"count\":%llu,\"min\":%llu,\"p50\":%llu,\"p95\":%llu,\"p99\":%llu,\"p999\":%llu,"
           "\"max\":%llu,\"mean\":%.1f}",
           name, (unsigned long long)h->count, (unsigned long long)h->min,
           (unsigned long long)hist_percentile(h, 50), (unsigned long long)hist_percentile(h, 95),
           (unsigned long long)hist_percentile(h, 99), (unsigned long long)hist_percentile(h, 99.9),
           (unsigned long long)h->max, h->count ? (double)h->sum / (double)h->count : 0.0);
}

/* ---- run state, shared with the delivery report callback (same thread: it runs inside poll) ---- */

static struct {
    uint64_t delivered;
    uint64_t failed;
    uint64_t bytes;
    uint64_t stats;
    uint64_t ack_unavailable;
    uint64_t warmup_delivered;
    uint64_t warmup_failed;
    rd_kafka_resp_err_t first_err;
} counts;

static struct {
    int paced;
    double rate;             /* messages per second (paced) */
    int64_t t0_ns;           /* due time of message 0 (paced) */
    uint64_t warmup_count;   /* seqs below this are warm-up: counted in no figure */
} run;

static struct hist ack_hist, due_hist, lag_hist;

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

#define USAGE                                                                                \
    "usage: limit-producer --bootstrap H:P --topic T --settings FILE --frames FILE\n"       \
    "                      [--rate N [--warmup-seconds W]] [--messages N] [--seconds S]\n" \
    "                      [--property k=v ...]\n"

static void usage(const char *why) {
    fprintf(stderr, "limit-producer: %s\n" USAGE, why);
    exit(2);
}

static int64_t now_ns(void) {
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

static char *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        fclose(f);
        return NULL;
    }
    for (;;) {
        if (len == cap) {
            cap *= 2;
            char *grown = realloc(buf, cap + 1);
            if (!grown) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    *len_out = len;
    return buf;
}

/* ---- a tiny parser for a flat JSON object {"k":"v", ...} ---- */

static const char *skip_ws(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

static void put_utf8(char **out, unsigned cp) {
    char *o = *out;
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    *out = o;
}

/* Parses a JSON string at p (at the opening quote), unescaping in place into a fresh buffer.
 * Returns the position after the closing quote, or NULL. (\u escapes outside the BMP are
 * written as two 3-byte sequences: fine for property names and values, which are ASCII.) */
static const char *parse_string(const char *p, char **out) {
    if (*p != '"') return NULL;
    p++;
    const char *end = p;
    while (*end && *end != '"') end += (*end == '\\' && end[1]) ? 2 : 1;
    if (*end != '"') return NULL;
    char *buf = malloc((size_t)(end - p) + 1), *o = buf;
    if (!buf) return NULL;
    while (p < end) {
        if (*p != '\\') {
            *o++ = *p++;
            continue;
        }
        p++;
        switch (*p) {
        case 'n': *o++ = '\n'; p++; break;
        case 't': *o++ = '\t'; p++; break;
        case 'r': *o++ = '\r'; p++; break;
        case 'b': *o++ = '\b'; p++; break;
        case 'f': *o++ = '\f'; p++; break;
        case 'u': {
            unsigned cp = 0;
            int i;
            for (i = 1; i <= 4; i++) {
                char c = p[i];
                cp <<= 4;
                if (c >= '0' && c <= '9') cp |= (unsigned)(c - '0');
                else if (c >= 'a' && c <= 'f') cp |= (unsigned)(c - 'a' + 10);
                else if (c >= 'A' && c <= 'F') cp |= (unsigned)(c - 'A' + 10);
                else break;
            }
            if (i <= 4) {
                free(buf);
                return NULL;
            }
            put_utf8(&o, cp);
            p += 5;
            break;
        }
        default: *o++ = *p++; break; /* \" \\ \/ */
        }
    }
    *o = '\0';
    *out = buf;
    return end + 1;
}

/* A bare scalar (number, true, false): taken as written. null is rejected. */
static const char *parse_bare(const char *p, char **out) {
    const char *start = p;
    while (*p && *p != ',' && *p != '}' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') p++;
    if (p == start || (p - start == 4 && strncmp(start, "null", 4) == 0)) return NULL;
    if (*start == '{' || *start == '[') return NULL;
    size_t n = (size_t)(p - start);
    *out = malloc(n + 1);
    if (!*out) return NULL;
    memcpy(*out, start, n);
    (*out)[n] = '\0';
    return p;
}

static void conf_set_or_die(rd_kafka_conf_t *conf, const char *key, const char *value, const char *origin) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "limit-producer: %s: cannot set %s=%s: %s\n", origin, key, value, errstr);
        exit(2);
    }
}

static void apply_settings(rd_kafka_conf_t *conf, const char *path) {
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        fprintf(stderr, "limit-producer: cannot read settings %s: %s\n", path, strerror(errno));
        exit(2);
    }
    const char *p = skip_ws(text);
    if (*p != '{') goto bad;
    p = skip_ws(p + 1);
    if (*p == '}') goto done;
    for (;;) {
        char *key = NULL, *value = NULL;
        p = parse_string(skip_ws(p), &key);
        if (!p) goto bad;
        p = skip_ws(p);
        if (*p != ':') goto bad;
        p = skip_ws(p + 1);
        p = *p == '"' ? parse_string(p, &value) : parse_bare(p, &value);
        if (!p) {
            fprintf(stderr, "limit-producer: %s: value of \"%s\" must be a string, number or boolean\n", path, key);
            exit(2);
        }
        if (key[0] != '$') conf_set_or_die(conf, key, value, path);
        free(key);
        free(value);
        p = skip_ws(p);
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '}') break;
        goto bad;
    }
done:
    if (*skip_ws(p + 1) != '\0') goto bad;
    free(text);
    return;
bad:
    fprintf(stderr, "limit-producer: %s: not a flat JSON object of properties (near byte %ld)\n", path,
            (long)(p ? p - text : -1));
    exit(2);
}

/* ---- frames ---- */

static struct frame *load_frames(const char *path, size_t *count_out) {
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        fprintf(stderr, "limit-producer: cannot read frames %s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t cap = 1024, n = 0, line_no = 0;
    struct frame *frames = malloc(cap * sizeof *frames);
    char *p = text, *end = text + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *line_end = nl ? nl : end;
        line_no++;
        if (line_end > p) {
            char *tab = memchr(p, '\t', (size_t)(line_end - p));
            if (!tab || tab == p) {
                fprintf(stderr, "limit-producer: %s line %zu: expected KEY<TAB>VALUE\n", path, line_no);
                exit(1);
            }
            if (n == cap) {
                cap *= 2;
                frames = realloc(frames, cap * sizeof *frames);
            }
            if (!frames) {
                fputs("limit-producer: out of memory\n", stderr);
                exit(1);
            }
            frames[n].key = p;
            frames[n].key_len = (size_t)(tab - p);
            frames[n].value = tab + 1;
            frames[n].value_len = (size_t)(line_end - tab - 1);
            n++;
        }
        p = line_end + 1;
    }
    if (n == 0) {
        fprintf(stderr, "limit-producer: %s holds no frames\n", path);
        exit(1);
    }
    *count_out = n; /* text stays allocated: the frames point into it */
    return frames;
}

static int64_t tv_us(struct timeval tv) {
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static uint64_t parse_u64(const char *s, const char *flag) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *s == '\0' || *end != '\0' || *s == '-') {
        char why[160];
        snprintf(why, sizeof why, "%s wants a non-negative integer, got \"%s\"", flag, s);
        usage(why);
    }
    return (uint64_t)v;
}

/* A finite number; positive if `positive`, else non-negative. Names the flag when it is not. */
static double parse_number(const char *s, const char *flag, int positive) {
    char *end;
    errno = 0;
    const double v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !isfinite(v) || v < 0 || (positive && v == 0)) {
        char why[160];
        snprintf(why, sizeof why, "%s wants a %s number, got \"%s\"", flag, positive ? "positive" : "non-negative", s);
        usage(why);
    }
    return v;
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

/* Idles until `due`, serving delivery reports meanwhile when the gap allows (see the header). */
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

int main(int argc, char **argv) {
    const char *bootstrap = NULL, *topic = NULL, *settings = NULL, *frames_path = NULL;
    uint64_t messages = 0;
    double seconds = 0, rate = 0, warmup_seconds = 0;
    int warmup_given = 0;
    const char *props[256];
    int nprops = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(USAGE, stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            char why[128];
            snprintf(why, sizeof why, "%s needs a value (or is unknown)", a);
            usage(why);
        }
        const char *v = argv[++i];
        if (strcmp(a, "--bootstrap") == 0) bootstrap = v;
        else if (strcmp(a, "--topic") == 0) topic = v;
        else if (strcmp(a, "--settings") == 0) settings = v;
        else if (strcmp(a, "--frames") == 0) frames_path = v;
        else if (strcmp(a, "--messages") == 0) messages = parse_u64(v, "--messages");
        else if (strcmp(a, "--seconds") == 0) seconds = parse_number(v, "--seconds", 0);
        else if (strcmp(a, "--rate") == 0) rate = parse_number(v, "--rate", 1);
        else if (strcmp(a, "--warmup-seconds") == 0) {
            warmup_seconds = parse_number(v, "--warmup-seconds", 0);
            warmup_given = 1;
        } else if (strcmp(a, "--property") == 0) {
            if (!strchr(v, '=') || v[0] == '=') usage("--property wants k=v");
            if (nprops == (int)(sizeof props / sizeof props[0])) usage("too many --property");
            props[nprops++] = v;
        } else {
            char why[128];
            snprintf(why, sizeof why, "unknown option %s", a);
            usage(why);
        }
    }
    if (!bootstrap || !topic || !settings || !frames_path) usage("--bootstrap, --topic, --settings and --frames are required");
    if (messages == 0 && seconds <= 0) usage("give --messages N, --seconds S, or both");
    if (warmup_given && rate == 0) usage("--warmup-seconds needs --rate (a warm-up is paced)");

    /* paced: the measured messages the schedule holds, and the warm-up's before them */
    uint64_t scheduled = 0;
    if (rate > 0) {
        run.paced = 1;
        run.rate = rate;
        run.warmup_count = (uint64_t)(rate * warmup_seconds + 0.5);
        scheduled = messages;
        if (seconds > 0) {
            const uint64_t in_window = (uint64_t)(rate * seconds + 0.5);
            if (scheduled == 0 || in_window < scheduled) scheduled = in_window;
        }
        if (scheduled == 0) usage("--rate x --seconds schedules no message: raise either");
    }

    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    apply_settings(conf, settings);
    for (int i = 0; i < nprops; i++) {
        char *kv = strdup(props[i]);
        char *eq = strchr(kv, '=');
        *eq = '\0';
        conf_set_or_die(conf, kv, eq + 1, "--property");
        free(kv);
    }
    conf_set_or_die(conf, "bootstrap.servers", bootstrap, "--bootstrap");
    rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
    rd_kafka_conf_set_stats_cb(conf, stats_cb);
    rd_kafka_conf_set_error_cb(conf, error_cb);

    size_t nframes;
    struct frame *frames = load_frames(frames_path, &nframes);

    char errstr[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "limit-producer: cannot create producer: %s\n", errstr);
        return 1;
    }
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    if (!rkt) {
        fprintf(stderr, "limit-producer: cannot create topic handle %s: %s\n", topic,
                rd_kafka_err2str(rd_kafka_last_error()));
        rd_kafka_destroy(rk);
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    /* connect and learn the topic's leaders before the clock starts, so the timed window measures
     * producing, not start-up (a missing topic is auto-created by the first produce, if allowed) */
    const struct rd_kafka_metadata *md = NULL;
    if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_metadata_destroy(md);

    struct rusage ru0, ru1, app0, app1;
    int64_t window_start = 0, first_send = 0, last_send = 0;
    uint64_t produced = 0, warmup_produced = 0, queue_full = 0, waits = 0;
    rd_kafka_resp_err_t produce_err = RD_KAFKA_RESP_ERR_NO_ERROR;

    if (!run.paced) {
        getrusage(RUSAGE_SELF, &ru0);
        getrusage(RUSAGE_THREAD, &app0);
        window_start = now_ns();
        const int64_t deadline = seconds > 0 ? window_start + (int64_t)(seconds * 1e9) : 0;
        while ((messages == 0 || produced < messages) && !stop_requested) {
            if (deadline && (produced & 1023) == 0 && now_ns() >= deadline) break;
            produce_err = produce_one(rk, rkt, frames, nframes, produced, &queue_full);
            if (produce_err != RD_KAFKA_RESP_ERR_NO_ERROR) break;
            produced++;
            /* serve delivery reports now and then without a syscall per message */
            if ((produced & 1023) == 0) rd_kafka_poll(rk, 0);
        }
        first_send = window_start;
        last_send = now_ns();
    } else {
        const uint64_t total = run.warmup_count + scheduled;
        int64_t deadline = 0;
        run.t0_ns = now_ns();
        for (uint64_t seq = 0; seq < total && !stop_requested;) {
            const int64_t due = due_ns(seq);
            const int64_t now = now_ns();
            if (now < due) {
                wait_until(rk, due);
                waits++;
                continue;
            }
            const int measured = seq >= run.warmup_count;
            if (seq == run.warmup_count) {
                /* the measured window opens with its first message, warm-up behind it */
                getrusage(RUSAGE_SELF, &ru0);
                getrusage(RUSAGE_THREAD, &app0);
                window_start = now;
                /* a message a little late at the window's end is still sent: only one later than
                 * "behind" allows is cut, so a cut run is a behind run */
                if (seconds > 0) deadline = due + (int64_t)(seconds * 1e9) + BEHIND_LAG_P99_US * INT64_C(1000);
            }
            if (measured && deadline && now >= deadline) break;
            produce_err = produce_one(rk, rkt, frames, nframes, seq, &queue_full);
            if (produce_err != RD_KAFKA_RESP_ERR_NO_ERROR) break;
            if (measured) {
                /* lag ends when librdkafka holds the message: QUEUE_FULL waits count as late */
                last_send = now_ns();
                if (produced == 0) first_send = last_send;
                hist_record(&lag_hist, (last_send - due) / 1000);
                produced++;
            } else {
                warmup_produced++;
            }
            seq++;
            rd_kafka_poll(rk, 0);
        }
        if (window_start == 0) { /* stopped during the warm-up: an empty window */
            getrusage(RUSAGE_SELF, &ru0);
            getrusage(RUSAGE_THREAD, &app0);
            window_start = now_ns();
        }
    }
    if (produce_err == RD_KAFKA_RESP_ERR__QUEUE_FULL) produce_err = RD_KAFKA_RESP_ERR_NO_ERROR; /* interrupted while waiting */
    if (produce_err != RD_KAFKA_RESP_ERR_NO_ERROR) fprintf(stderr, "limit-producer: produce failed: %s\n", rd_kafka_err2str(produce_err));

    rd_kafka_resp_err_t flush_err = rd_kafka_flush(rk, FLUSH_TIMEOUT_MS);
    const int64_t window_end = now_ns();
    getrusage(RUSAGE_SELF, &ru1);
    getrusage(RUSAGE_THREAD, &app1);
    const int outstanding = rd_kafka_outq_len(rk);

    const double secs = (double)(window_end - window_start) / 1e9;
    const int64_t cpu_user = tv_us(ru1.ru_utime) - tv_us(ru0.ru_utime);
    const int64_t cpu_sys = tv_us(ru1.ru_stime) - tv_us(ru0.ru_stime);
    const int64_t cpu_app = tv_us(app1.ru_utime) - tv_us(app0.ru_utime) + tv_us(app1.ru_stime) - tv_us(app0.ru_stime);
    double send_rate = 0;
    if (run.paced) {
        if (produced >= 2 && last_send > first_send) send_rate = (double)(produced - 1) * 1e9 / (double)(last_send - first_send);
    } else if (last_send > first_send) {
        send_rate = (double)produced * 1e9 / (double)(last_send - first_send);
    }
    const int behind = run.paced && (hist_percentile(&lag_hist, 99) > BEHIND_LAG_P99_US ||
                                     (produced < scheduled && !stop_requested && !produce_err));

    printf("{\"tool\":\"limit-c\",\"librdkafka\":\"%s\",\"messages\":%llu,\"delivered\":%llu,\"failed\":%llu,"
           "\"bytes\":%llu,\"elapsedMs\":%.3f,\"messagesPerSec\":%.1f,\"mbPerSec\":%.3f,"
           "\"cpuUserUs\":%lld,\"cpuSystemUs\":%lld,\"frames\":%zu,\"queueFullRetries\":%llu,"
           "\"statsEvents\":%llu,\"outstanding\":%d,\"firstError\":%s%s%s,\"produceError\":%s%s%s",
           rd_kafka_version_str(), (unsigned long long)produced, (unsigned long long)counts.delivered,
           (unsigned long long)counts.failed, (unsigned long long)counts.bytes, secs * 1e3,
           secs > 0 ? (double)counts.delivered / secs : 0.0,
           secs > 0 ? (double)counts.bytes / (1024.0 * 1024.0) / secs : 0.0, (long long)cpu_user,
           (long long)cpu_sys, nframes, (unsigned long long)queue_full, (unsigned long long)counts.stats, outstanding,
           /* error names are [A-Z_0-9]: no escaping needed */
           counts.failed ? "\"" : "", counts.failed ? rd_kafka_err2name(counts.first_err) : "null",
           counts.failed ? "\"" : "", produce_err ? "\"" : "", produce_err ? rd_kafka_err2name(produce_err) : "null",
           produce_err ? "\"" : "");
    printf(",\"mode\":\"%s\"", run.paced ? "paced" : "ceiling");
    if (run.paced) printf(",\"ratePerSec\":%.17g,\"scheduled\":%llu", rate, (unsigned long long)scheduled);
    else printf(",\"ratePerSec\":null,\"scheduled\":null");
    printf(",\"warmupSeconds\":%.17g,\"warmupMessages\":%llu,\"warmupDelivered\":%llu,\"warmupFailed\":%llu"
           ",\"sendRatePerSec\":%.1f,\"cpuUsPerMessage\":%.3f,\"coresUsed\":%.4f,\"cpuAppThreadUs\":%lld,\"waits\":%llu,"
           "\"ackUnavailable\":%llu",
           warmup_seconds, (unsigned long long)warmup_produced, (unsigned long long)counts.warmup_delivered,
           (unsigned long long)counts.warmup_failed, send_rate,
           counts.delivered ? (double)(cpu_user + cpu_sys) / (double)counts.delivered : 0.0,
           secs > 0 ? (double)(cpu_user + cpu_sys) / (secs * 1e6) : 0.0, (long long)cpu_app, (unsigned long long)waits,
           (unsigned long long)counts.ack_unavailable);
    print_hist("ackUs", &ack_hist);
    if (run.paced) {
        print_hist("dueToAckUs", &due_hist);
        print_hist("lagUs", &lag_hist);
        printf(",\"behind\":%s}\n", behind ? "true" : "false");
    } else {
        printf(",\"dueToAckUs\":null,\"lagUs\":null,\"behind\":null}\n");
    }
    fflush(stdout);

    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    if (flush_err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "limit-producer: flush did not complete in %d ms: %d message(s) outstanding\n",
                FLUSH_TIMEOUT_MS, outstanding);
        return 1;
    }
    return produce_err ? 1 : 0;
}
