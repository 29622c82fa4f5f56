/*
 * limit-producer's result: one JSON line on stdout (main.c documents every field), from the
 * window the run measured and what the delivery reports counted.
 */
#include "limit-producer.h"

#include <stdio.h>

static int64_t tv_us(struct timeval tv) {
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/*
 * This process's peak resident set, bytes: VmHWM of /proc/self/status, the high-water mark of the
 * address space exec gave it. Not getrusage's ru_maxrss: Linux carries the pre-exec mark across
 * execve, and the bench spawns this through a vfork of its own ~0.5 GB process, so ru_maxrss read
 * the bench's RSS. Falls back to ru_maxrss where /proc is not there.
 */
static long long peak_rss_bytes(const struct rusage *ru) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long long kib = -1;
    while (f && kib < 0 && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %lld kB", &kib) != 1) kib = -1;
    if (f) fclose(f);
    return (kib >= 0 ? kib : (long long)ru->ru_maxrss) * 1024;
}

static void print_hist(const char *name, const struct hist *h) {
    printf(",\"%s\":{\"count\":%llu,\"min\":%llu,\"p50\":%llu,\"p95\":%llu,\"p99\":%llu,\"p999\":%llu,"
           "\"max\":%llu,\"mean\":%.1f}",
           name, (unsigned long long)h->count, (unsigned long long)h->min,
           (unsigned long long)hist_percentile(h, 50), (unsigned long long)hist_percentile(h, 95),
           (unsigned long long)hist_percentile(h, 99), (unsigned long long)hist_percentile(h, 99.9),
           (unsigned long long)h->max, h->count ? (double)h->sum / (double)h->count : 0.0);
}

/* the rate produce() accepted measured messages */
static double send_rate(const struct window *w) {
    if (run.paced) {
        if (w->produced >= 2 && w->last_send > w->first_send)
            return (double)(w->produced - 1) * 1e9 / (double)(w->last_send - w->first_send);
    } else if (w->last_send > w->first_send) {
        return (double)w->produced * 1e9 / (double)(w->last_send - w->first_send);
    }
    return 0;
}

/* counts, throughput and CPU of the window, and the two errors */
static void print_counts(const struct window *w, size_t nframes, double secs, int64_t cpu_user, int64_t cpu_sys) {
    const rd_kafka_resp_err_t produce_err = w->produce_err;
    printf("{\"tool\":\"limit-c\",\"librdkafka\":\"%s\",\"messages\":%llu,\"delivered\":%llu,\"failed\":%llu,"
           "\"bytes\":%llu,\"elapsedMs\":%.3f,\"messagesPerSec\":%.1f,\"mbPerSec\":%.3f,"
           "\"cpuUserUs\":%lld,\"cpuSystemUs\":%lld,\"frames\":%zu,\"queueFullRetries\":%llu,"
           "\"statsEvents\":%llu,\"outstanding\":%d,\"firstError\":%s%s%s,\"produceError\":%s%s%s",
           rd_kafka_version_str(), (unsigned long long)w->produced, (unsigned long long)counts.delivered,
           (unsigned long long)counts.failed, (unsigned long long)counts.bytes, secs * 1e3,
           secs > 0 ? (double)counts.delivered / secs : 0.0,
           secs > 0 ? (double)counts.bytes / (1024.0 * 1024.0) / secs : 0.0, (long long)cpu_user,
           (long long)cpu_sys, nframes, (unsigned long long)w->queue_full, (unsigned long long)counts.stats,
           w->outstanding,
           /* error names are [A-Z_0-9]: no escaping needed */
           counts.failed ? "\"" : "", counts.failed ? rd_kafka_err2name(counts.first_err) : "null",
           counts.failed ? "\"" : "", produce_err ? "\"" : "", produce_err ? rd_kafka_err2name(produce_err) : "null",
           produce_err ? "\"" : "");
}

void print_result(const struct options *o, const struct window *w, size_t nframes) {
    const double secs = (double)(w->end - w->start) / 1e9;
    const int64_t cpu_user = tv_us(w->ru1.ru_utime) - tv_us(w->ru0.ru_utime);
    const int64_t cpu_sys = tv_us(w->ru1.ru_stime) - tv_us(w->ru0.ru_stime);
    const int64_t cpu_app =
        tv_us(w->app1.ru_utime) - tv_us(w->app0.ru_utime) + tv_us(w->app1.ru_stime) - tv_us(w->app0.ru_stime);
    const int behind = run.paced && (hist_percentile(&lag_hist, 99) > BEHIND_LAG_P99_US ||
                                     (w->produced < o->scheduled && !stop_requested && !w->produce_err));
    print_counts(w, nframes, secs, cpu_user, cpu_sys);
    printf(",\"mode\":\"%s\"", run.paced ? "paced" : "ceiling");
    if (run.paced) printf(",\"ratePerSec\":%.17g,\"scheduled\":%llu", o->rate, (unsigned long long)o->scheduled);
    else printf(",\"ratePerSec\":null,\"scheduled\":null");
    printf(",\"warmupSeconds\":%.17g,\"warmupMessages\":%llu,\"warmupDelivered\":%llu,\"warmupFailed\":%llu"
           ",\"sendRatePerSec\":%.1f,\"cpuUsPerMessage\":%.3f,\"coresUsed\":%.4f,\"cpuAppThreadUs\":%lld,\"waits\":%llu,"
           "\"ackUnavailable\":%llu,\"maxRssBytes\":%lld",
           o->warmup_seconds, (unsigned long long)w->warmup_produced, (unsigned long long)counts.warmup_delivered,
           (unsigned long long)counts.warmup_failed, send_rate(w),
           counts.delivered ? (double)(cpu_user + cpu_sys) / (double)counts.delivered : 0.0,
           secs > 0 ? (double)(cpu_user + cpu_sys) / (secs * 1e6) : 0.0, (long long)cpu_app,
           (unsigned long long)w->waits, (unsigned long long)counts.ack_unavailable,
           /* the contenders' RSS max is set beside it */
           peak_rss_bytes(&w->ru1));
    print_hist("ackUs", &ack_hist);
    if (run.paced) {
        print_hist("dueToAckUs", &due_hist);
        print_hist("lagUs", &lag_hist);
        printf(",\"behind\":%s}\n", behind ? "true" : "false");
    } else {
        printf(",\"dueToAckUs\":null,\"lagUs\":null,\"behind\":null}\n");
    }
    fflush(stdout);
}
