/*
 * limit-producer's latency histograms: HdrHistogram's layout at 2 significant digits (main.c
 * documents what a percentile means). count, min, max and mean are exact.
 */
#include "limit-producer.h"

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

void hist_record(struct hist *h, int64_t value) {
    const uint64_t v = value < 0 ? 0 : (uint64_t)value; /* clocks are monotonic: < 0 only by rounding */
    h->buckets[hist_index(v)]++;
    if (h->count == 0 || v < h->min) h->min = v;
    if (v > h->max) h->max = v;
    h->count++;
    h->sum += v;
}

uint64_t hist_percentile(const struct hist *h, double pct) {
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

