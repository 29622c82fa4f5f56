/*
 * limit-producer's command line (main.c documents each flag): every value checked before any
 * connection, a bad one named with its flag (exit 2), --help printed on stdout (exit 0).
 */
#include "limit-producer.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USAGE                                                                                \
    "usage: limit-producer --bootstrap H:P --topic T --frames FILE [-X k=v ...]\n"           \
    "                      [--rate N [--warmup-seconds W]] [--messages N] [--seconds S]\n"

void usage(const char *why) {
    fprintf(stderr, "limit-producer: %s\n" USAGE, why);
    exit(2);
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


static void add_property(struct options *o, const char *kv) {
    if (!strchr(kv, '=') || kv[0] == '=') usage("-X wants k=v");
    if (o->nprops == MAX_PROPERTIES) usage("too many -X");
    o->props[o->nprops++] = kv;
}

/* One flag and its value; 0 when the flag is unknown. */
static int take(struct options *o, const char *a, const char *v, int *warmup_given) {
    if (strcmp(a, "--bootstrap") == 0) o->bootstrap = v;
    else if (strcmp(a, "--topic") == 0) o->topic = v;
    else if (strcmp(a, "--frames") == 0) o->frames_path = v;
    else if (strcmp(a, "--messages") == 0) o->messages = parse_u64(v, "--messages");
    else if (strcmp(a, "--seconds") == 0) o->seconds = parse_number(v, "--seconds", 0);
    else if (strcmp(a, "--rate") == 0) o->rate = parse_number(v, "--rate", 1);
    else if (strcmp(a, "--warmup-seconds") == 0) {
        o->warmup_seconds = parse_number(v, "--warmup-seconds", 0);
        *warmup_given = 1;
    } else if (strcmp(a, "-X") == 0) add_property(o, v);
    else return 0;
    return 1;
}

/* paced: the measured messages the schedule holds, the fewer of --messages and rate x --seconds */
static uint64_t scheduled(const struct options *o) {
    uint64_t n = o->messages;
    if (o->seconds > 0) {
        const uint64_t in_window = (uint64_t)(o->rate * o->seconds + 0.5);
        if (n == 0 || in_window < n) n = in_window;
    }
    return n;
}

void parse_args(int argc, char **argv, struct options *o) {
    int warmup_given = 0;
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(USAGE, stdout);
            exit(0);
        }
        char why[128];
        if (i + 1 >= argc) {
            snprintf(why, sizeof why, "%s needs a value (or is unknown)", a);
            usage(why);
        }
        if (!take(o, a, argv[++i], &warmup_given)) {
            snprintf(why, sizeof why, "unknown option %s", a);
            usage(why);
        }
    }
    if (!o->bootstrap || !o->topic || !o->frames_path) usage("--bootstrap, --topic and --frames are required");
    if (o->messages == 0 && o->seconds <= 0) usage("give --messages N, --seconds S, or both");
    if (warmup_given && o->rate == 0) usage("--warmup-seconds needs --rate (a warm-up is paced)");
    if (o->rate > 0) {
        o->scheduled = scheduled(o);
        if (o->scheduled == 0) usage("--rate x --seconds schedules no message: raise either");
    }
}
