/*
 * limit-producer's frames file: one record per line, KEY <TAB> VALUE <LF> (src/ceilings/frames.ts
 * writes it), read whole into memory; the frames point into that text.
 */
#include "limit-producer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct frame *load_frames(const char *path, size_t *count_out) {
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
