/*
 * limit-producer: the project's own minimal C producer, the "librdkafka alone" rows.
 *
 * Built by `bun run setup` against the same shared librdkafka every contender links
 * (.cache/librdkafka-<version>), with the same producer settings (the harness reads the settings
 * file and passes each property with -X: src/ceilings/c-producer.ts), it produces recorded (or
 * generated) ticker frames in one of two modes:
 *  - ceiling (no --rate): as fast as librdkafka accepts them, the most any binding of that
 *    librdkafka can reach on this machine. librdkafka's own rdkafka_performance is not in the
 *    source the npm package ships; this plays its role.
 *  - paced (--rate N): an open-loop schedule, the "floor": what librdkafka alone costs (CPU per
 *    message, ack latency) at the rate a contender is asked to carry.
 *
 * Usage:
 *   limit-producer --bootstrap H:P --topic T --frames FILE [-X k=v ...]
 *                  [--rate N [--warmup-seconds W]] [--messages N] [--seconds S]
 *
 *   -X          a librdkafka property (repeatable), set in the order given: the harness passes
 *               the producer settings file's properties, then its overrides (as kcat and
 *               rdkafka_performance take them)
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
 * The parts: args.c (the command line), frames.c (the frames file), run.c (callbacks and the
 * ceiling and paced loops), hist.c (latency histograms), report.c (the JSON line), this file
 * (the producer and the order of it all); limit-producer.h what they share.
 *
 * Exit codes: 0 run completed (even with failed deliveries: see "failed"), 1 runtime error
 * (frames file unreadable, producer creation failed, flush timed out), 2 usage or configuration
 * error, naming the flag (librdkafka's errstr is printed on stderr for a property).
 */
#include "limit-producer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

static void conf_set_or_die(rd_kafka_conf_t *conf, const char *key, const char *value, const char *origin) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "limit-producer: %s: cannot set %s=%s: %s\n", origin, key, value, errstr);
        exit(2);
    }
}

/* The conf: every -X in order, then the bootstrap and the callbacks; a rejected property exits 2. */
static rd_kafka_conf_t *make_conf(const struct options *o) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    for (int i = 0; i < o->nprops; i++) {
        char *kv = strdup(o->props[i]);
        char *eq = strchr(kv, '=');
        *eq = '\0';
        conf_set_or_die(conf, kv, eq + 1, "-X");
        free(kv);
    }
    conf_set_or_die(conf, "bootstrap.servers", o->bootstrap, "--bootstrap");
    set_callbacks(conf);
    return conf;
}

/* The producer and its topic handle, connected and knowing the topic's leaders; exits 1 when it cannot. */
static rd_kafka_t *open_producer(rd_kafka_conf_t *conf, const char *topic, rd_kafka_topic_t **rkt_out) {
    char errstr[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "limit-producer: cannot create producer: %s\n", errstr);
        exit(1);
    }
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    if (!rkt) {
        fprintf(stderr, "limit-producer: cannot create topic handle %s: %s\n", topic,
                rd_kafka_err2str(rd_kafka_last_error()));
        rd_kafka_destroy(rk);
        exit(1);
    }
    /* connect and learn the topic's leaders before the clock starts, so the timed window measures
     * producing, not start-up (a missing topic is auto-created by the first produce, if allowed) */
    const struct rd_kafka_metadata *md = NULL;
    if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_metadata_destroy(md);
    *rkt_out = rkt;
    return rk;
}

int main(int argc, char **argv) {
    struct options o;
    parse_args(argc, argv, &o);
    rd_kafka_conf_t *conf = make_conf(&o);
    size_t nframes;
    struct frame *frames = load_frames(o.frames_path, &nframes);
    rd_kafka_topic_t *rkt;
    rd_kafka_t *rk = open_producer(conf, o.topic, &rkt);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    struct window w;
    run_window(rk, rkt, frames, nframes, &o, &w);
    print_result(&o, &w, nframes);

    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    if (w.flush_err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "limit-producer: flush did not complete in %d ms: %d message(s) outstanding\n",
                FLUSH_TIMEOUT_MS, w.outstanding);
        return 1;
    }
    return w.produce_err ? 1 : 0;
}
