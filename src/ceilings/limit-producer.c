/*
 * limit-producer: the project's own minimal C producer, the "librdkafka alone" limit row.
 *
 * Built by `bun run setup` against the same shared librdkafka every contender links
 * (.cache/librdkafka-<version>), with the same producer settings file, it produces recorded (or
 * generated) ticker frames as fast as librdkafka accepts them: the ceiling any binding of that
 * librdkafka can reach on this machine. librdkafka's own rdkafka_performance is not in the source
 * the npm package ships; this plays its role.
 *
 * Usage:
 *   limit-producer --bootstrap H:P --topic T --settings config/producer-settings.json
 *                  --frames FILE [--messages N] [--seconds S] [--property k=v ...]
 *
 *   --settings  a flat JSON object of librdkafka properties ({"k":"v", ...}); keys starting
 *               with "$" are comments and skipped; values should be strings (numbers and
 *               true/false are taken as written)
 *   --frames    one record per line: KEY <TAB> VALUE <LF>. KEY is the market code (no tab, no
 *               newline), VALUE the frame bytes up to the newline (compact ticker JSON has no raw
 *               newline or tab). Empty lines are skipped. src/ceilings/frames.ts writes this file.
 *   --messages  how many messages to produce; the frames are used round-robin (0 or absent:
 *               unlimited, then --seconds is required)
 *   --seconds   stop producing after S seconds even if N was not reached
 *   --property  an extra librdkafka property applied after the settings file (repeatable)
 *
 * Every message: key = the code, value = the frame (RD_KAFKA_MSG_F_COPY), headers seq (decimal,
 * from 0) and contender="limit-c", like the contenders. On QUEUE_FULL it polls for 1 ms and
 * retries. Delivery reports are counted in dr_msg_cb; stats (statistics.interval.ms) are taken by
 * a stats_cb that only counts them, so the limit pays the same stats cost as the contenders.
 *
 * Output: one JSON line on stdout,
 *   {"tool":"limit-c","librdkafka":"2.15.1","messages":N,"delivered":D,"failed":F,"bytes":B,
 *    "elapsedMs":..,"messagesPerSec":..,"mbPerSec":..,"cpuUserUs":..,"cpuSystemUs":..,...}
 * where messages = produce calls accepted, bytes = value bytes delivered, elapsedMs runs from
 * the first produce to flush complete, messagesPerSec = delivered / elapsed, mbPerSec in MiB/s
 * (2^20 bytes, as Kafka's ProducerPerformance reports "MB/sec"), and the CPU figures are this
 * process's getrusage over that same window (all threads, librdkafka's included).
 *
 * Exit codes: 0 run completed (even with failed deliveries: see "failed"), 1 runtime error
 * (frames file unreadable, producer creation failed, flush timed out), 2 usage or configuration
 * error (librdkafka's errstr is printed on stderr).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
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

struct frame {
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
};

static struct {
    uint64_t delivered;
    uint64_t failed;
    uint64_t bytes;
    uint64_t stats;
    rd_kafka_resp_err_t first_err;
} counts;

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

#define USAGE                                                                          \
    "usage: limit-producer --bootstrap H:P --topic T --settings FILE --frames FILE\n" \
    "                      [--messages N] [--seconds S] [--property k=v ...]\n"

static void usage(const char *why) {
    fprintf(stderr, "limit-producer: %s\n" USAGE, why);
    exit(2);
}

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    (void)opaque;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        counts.delivered++;
        counts.bytes += m->len;
    } else {
        if (counts.failed == 0) counts.first_err = m->err;
        counts.failed++;
    }
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

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int64_t tv_us(struct timeval tv) {
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static uint64_t parse_u64(const char *s, const char *flag) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *s == '\0' || *end != '\0' || *s == '-') {
        char why[128];
        snprintf(why, sizeof why, "%s wants a non-negative integer, got \"%s\"", flag, s);
        usage(why);
    }
    return (uint64_t)v;
}

int main(int argc, char **argv) {
    const char *bootstrap = NULL, *topic = NULL, *settings = NULL, *frames_path = NULL;
    uint64_t messages = 0;
    double seconds = 0;
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
        else if (strcmp(a, "--seconds") == 0) {
            char *end;
            seconds = strtod(v, &end);
            if (*end != '\0' || seconds < 0) usage("--seconds wants a non-negative number");
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

    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    const double t0 = now_ms();
    const double deadline = seconds > 0 ? t0 + seconds * 1e3 : 0;
    uint64_t produced = 0, queue_full = 0;
    rd_kafka_resp_err_t produce_err = RD_KAFKA_RESP_ERR_NO_ERROR;
    char seq[24];

    while ((messages == 0 || produced < messages) && !stop_requested) {
        if (deadline && (produced & 1023) == 0 && now_ms() >= deadline) break;
        const struct frame *f = &frames[produced % nframes];
        int seq_len = snprintf(seq, sizeof seq, "%llu", (unsigned long long)produced);
        rd_kafka_resp_err_t err;
        for (;;) {
            err = rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                    RD_KAFKA_V_KEY(f->key, f->key_len),
                                    RD_KAFKA_V_VALUE((void *)f->value, f->value_len),
                                    RD_KAFKA_V_HEADER("seq", seq, seq_len),
                                    RD_KAFKA_V_HEADER("contender", CONTENDER, (ssize_t)(sizeof CONTENDER - 1)),
                                    RD_KAFKA_V_END);
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
            queue_full++;
            rd_kafka_poll(rk, 1);
            if (stop_requested) break;
        }
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) break; /* interrupted while waiting */
            produce_err = err;
            fprintf(stderr, "limit-producer: produce failed: %s\n", rd_kafka_err2str(err));
            break;
        }
        produced++;
        /* serve delivery reports now and then without a syscall per message */
        if ((produced & 1023) == 0) rd_kafka_poll(rk, 0);
    }

    rd_kafka_resp_err_t flush_err = rd_kafka_flush(rk, FLUSH_TIMEOUT_MS);
    const double elapsed_ms = now_ms() - t0;
    getrusage(RUSAGE_SELF, &ru1);
    const int outstanding = rd_kafka_outq_len(rk);

    const double secs = elapsed_ms / 1e3;
    printf("{\"tool\":\"limit-c\",\"librdkafka\":\"%s\",\"messages\":%llu,\"delivered\":%llu,\"failed\":%llu,"
           "\"bytes\":%llu,\"elapsedMs\":%.3f,\"messagesPerSec\":%.1f,\"mbPerSec\":%.3f,"
           "\"cpuUserUs\":%lld,\"cpuSystemUs\":%lld,\"frames\":%zu,\"queueFullRetries\":%llu,"
           "\"statsEvents\":%llu,\"outstanding\":%d,\"firstError\":%s%s%s,\"produceError\":%s%s%s}\n",
           rd_kafka_version_str(), (unsigned long long)produced, (unsigned long long)counts.delivered,
           (unsigned long long)counts.failed, (unsigned long long)counts.bytes, elapsed_ms,
           secs > 0 ? (double)counts.delivered / secs : 0.0,
           secs > 0 ? (double)counts.bytes / (1024.0 * 1024.0) / secs : 0.0,
           (long long)(tv_us(ru1.ru_utime) - tv_us(ru0.ru_utime)),
           (long long)(tv_us(ru1.ru_stime) - tv_us(ru0.ru_stime)), nframes, (unsigned long long)queue_full,
           (unsigned long long)counts.stats, outstanding,
           /* error names are [A-Z_0-9]: no escaping needed */
           counts.failed ? "\"" : "", counts.failed ? rd_kafka_err2name(counts.first_err) : "null",
           counts.failed ? "\"" : "", produce_err ? "\"" : "", produce_err ? rd_kafka_err2name(produce_err) : "null",
           produce_err ? "\"" : "");
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
