/* The CSV reader: plain or gzip (zlib, told apart by the magic bytes), one
 * thread inflating while the calling thread parses.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define BLOCK (4u << 20)   /* bytes inflated per block */
#define PREFIX (1u << 20)  /* room before a block for the carried partial record */
#define NSLOTS 3
#define SAMPLE_ROWS 1000

/* ------------------------------------------------------------------ */
/* The feeder: a thread that reads (and inflates) blocks into a ring.   */
typedef struct {
    char *buf; /* PREFIX + BLOCK bytes */
    size_t len;
    int eof;
} slot;

typedef struct {
    gzFile gz;
    slot slots[NSLOTS];
    int head, count; /* next slot to consume; filled slots */
    int done, err, stop;
    char errmsg[256];
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    int started;
} feeder;

static void *feeder_main(void *arg)
{
    feeder *f = arg;
    int tail = 0;
    for (;;) {
        pthread_mutex_lock(&f->mu);
        while (f->count == NSLOTS && !f->stop) pthread_cond_wait(&f->cv, &f->mu);
        if (f->stop) { pthread_mutex_unlock(&f->mu); return NULL; }
        pthread_mutex_unlock(&f->mu);
        slot *s = &f->slots[tail];
        size_t got = 0;
        int eof = 0, err = 0;
        while (got < BLOCK) {
            int n = gzread(f->gz, s->buf + PREFIX + got, (unsigned)(BLOCK - got));
            if (n < 0) { err = 1; break; }
            if (n == 0) { eof = 1; break; }
            got += (size_t)n;
        }
        if (eof) {
            int zerr;
            const char *m = gzerror(f->gz, &zerr);
            if (zerr == Z_BUF_ERROR || (zerr != Z_OK && zerr != Z_STREAM_END)) {
                err = 1;
                snprintf(f->errmsg, sizeof f->errmsg, "%s", zerr == Z_BUF_ERROR ?
                         "the gzip stream is truncated (unexpected end of file)" : m);
            }
        } else if (err) {
            int zerr;
            snprintf(f->errmsg, sizeof f->errmsg, "%s", gzerror(f->gz, &zerr));
        }
        pthread_mutex_lock(&f->mu);
        s->len = got;
        s->eof = eof || err;
        if (err) f->err = 1;
        f->count++;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
        tail = (tail + 1) % NSLOTS;
        if (eof || err) return NULL;
    }
}

static slot *feeder_next(feeder *f)
{
    pthread_mutex_lock(&f->mu);
    while (f->count == 0) pthread_cond_wait(&f->cv, &f->mu);
    slot *s = &f->slots[f->head];
    pthread_mutex_unlock(&f->mu);
    return s;
}

static void feeder_release(feeder *f)
{
    pthread_mutex_lock(&f->mu);
    f->head = (f->head + 1) % NSLOTS;
    f->count--;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

static void feeder_close(feeder *f)
{
    if (f->started) {
        pthread_mutex_lock(&f->mu);
        f->stop = 1;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
        pthread_join(f->th, NULL);
        pthread_mutex_destroy(&f->mu);
        pthread_cond_destroy(&f->cv);
    }
    for (int i = 0; i < NSLOTS; i++) free(f->slots[i].buf);
}

/* ------------------------------------------------------------------ */
/* Columns being built.                                                */
typedef struct {
    int file_col;   /* index in the file */
    char *name;
    int type;       /* current type; AUTO while sampling */
    int declared;   /* type was given by the caller */
    int date;       /* an INT column of ISO dates as day numbers */
    void *data;     /* int64_t* / double* / int32_t* */
    am_dict dict;
    int32_t last_code; /* CAT: code of the previous value, to skip hashing repeats */
    int width;         /* INT: bytes per stored value, widened as values need */
    int64_t imin, imax;
    char *last_str; size_t last_len, last_cap;
    /* sampling (AUTO only) */
    char **sample; /* SAMPLE_ROWS strings, NULL = missing */
} bcol;

typedef struct {
    const char *path;
    char sep, dec;
    const char *const *na; size_t nna;
    size_t na_len[64];
    size_t na_maxlen;
    int na_digit; /* some missing-value token starts with a digit */
    size_t nfile;        /* fields per record */
    int *sel;            /* file column -> bcol index or -1 */
    bcol *bc; size_t nbc;
    size_t nrows, cap;
    uint32_t *lines; size_t lines_cap; int need_lines;
    unsigned long line;  /* current line number (1-based) */
    char *unq; size_t unq_cap; /* unquoting scratch */
    size_t sampled;      /* rows stored as text while sampling */
    unsigned long *sample_line;
    int sampling;
    char **header; size_t nheader;
    /* types by column name, for a read of all columns (am_read_csv) */
    const char *const *ov_names; const armoede_type *ov_types; size_t n_ov;
} reader;

static const char *const default_na[] = {"", "NA", "-", "."};

static int is_na(const reader *r, const char *s, size_t n)
{
    if (n && (*s == ' ' || *s == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')) {
        while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    }
    if (n > r->na_maxlen) return 0;
    for (size_t k = 0; k < r->nna; k++)
        if (r->na_len[k] == n && memcmp(r->na[k], s, n) == 0) return 1;
    return 0;
}

static int fail_value(const reader *r, unsigned long line, const char *col, const char *s, size_t n,
                      int status, const char *what)
{
    char ex[96];
    return am_fail(status, "%s line %lu, column '%s': value '%s' %s", r->path, line, col,
                   am_excerpt(s, n, ex, sizeof ex), what);
}

static size_t elsize(const bcol *c)
{
    return c->type == ARMOEDE_TYPE_CAT ? 4 : c->type == ARMOEDE_TYPE_INT ? (size_t)c->width : 8;
}

static int grow_rows(reader *r)
{
    size_t nc = r->cap ? r->cap * 2 : 65536;
    for (size_t k = 0; k < r->nbc; k++) {
        bcol *c = &r->bc[k];
        if (c->type == ARMOEDE_TYPE_AUTO) continue;
        void *p = realloc(c->data, nc * elsize(c));
        if (!p) return am_fail(ARMOEDE_ENOMEM, "out of memory reading %s (%zu rows)", r->path, r->nrows);
        c->data = p;
    }
    if (r->need_lines) {
        uint32_t *l = realloc(r->lines, nc * sizeof *l);
        if (!l) return am_fail(ARMOEDE_ENOMEM, "out of memory reading %s", r->path);
        r->lines = l;
    }
    r->cap = nc;
    return 0;
}

static int inferred_int(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
    size_t i = (n && (*s == '-' || *s == '+')) ? 1 : 0;
    if (i >= n) return 0;
    if (s[i] == '0' && n - i > 1) return 0; /* "0014" is a code */
    int64_t v;
    return am_parse_int(s, n, &v) == 0;
}

static int inferred_real(const reader *r, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
    size_t i = (n && (*s == '-' || *s == '+')) ? 1 : 0;
    if (i + 1 < n && s[i] == '0' && s[i + 1] >= '0' && s[i + 1] <= '9') return 0;
    double v;
    return am_parse_real(s, n, r->dec, &v) == 0;
}


static inline int64_t get_narrow(const void *d, int w, size_t i)
{
    switch (w) {
    case 1: { int8_t x = ((const int8_t *)d)[i]; return x == INT8_MIN ? ARMOEDE_NA_INT : x; }
    case 2: { int16_t x = ((const int16_t *)d)[i]; return x == INT16_MIN ? ARMOEDE_NA_INT : x; }
    case 4: { int32_t x = ((const int32_t *)d)[i]; return x == INT32_MIN ? ARMOEDE_NA_INT : x; }
    default: return ((const int64_t *)d)[i];
    }
}

static inline void set_narrow(void *d, int w, size_t i, int64_t v)
{
    switch (w) {
    case 1: ((int8_t *)d)[i] = v == ARMOEDE_NA_INT ? INT8_MIN : (int8_t)v; break;
    case 2: ((int16_t *)d)[i] = v == ARMOEDE_NA_INT ? INT16_MIN : (int16_t)v; break;
    case 4: ((int32_t *)d)[i] = v == ARMOEDE_NA_INT ? INT32_MIN : (int32_t)v; break;
    default: ((int64_t *)d)[i] = v; break;
    }
}

/* Store an integer, widening the column (back to front, in place after a
 * realloc) when the value does not fit its current width. */
static int put_int(reader *r, bcol *c, size_t row, int64_t v)
{
    if (v != ARMOEDE_NA_INT) {
        if (v < c->imin) c->imin = v;
        if (v > c->imax) c->imax = v;
        int w = c->width;
        int fits = w == 8 || (w == 1 && v > INT8_MIN && v <= INT8_MAX) ||
                   (w == 2 && v > INT16_MIN && v <= INT16_MAX) || (w == 4 && v > INT32_MIN && v <= INT32_MAX);
        if (!fits) {
            int nw = (v > INT16_MIN && v <= INT16_MAX) ? 2 : (v > INT32_MIN && v <= INT32_MAX) ? 4 : 8;
            if (nw <= w) nw = w * 2;
            void *d = realloc(c->data, (r->cap ? r->cap : 1) * (size_t)nw);
            if (!d) return am_fail(ARMOEDE_ENOMEM, "out of memory reading %s", r->path);
            for (size_t i = row; i-- > 0;) set_narrow(d, nw, i, get_narrow(d, w, i));
            c->data = d;
            c->width = nw;
        }
    }
    set_narrow(c->data, c->width, row, v);
    return 0;
}

/* Store the value (s, n) of row `row` into column c. */
static int store(reader *r, bcol *c, size_t row, const char *s, size_t n, unsigned long line)
{
    /* fast paths: plain digits (and for REAL one '.' decimal part), when no
     * missing-value token starts with a digit */
    if (s && n && n <= 15 && !r->na_digit && !c->date && (unsigned)(s[0] - '0') <= 9 &&
        (c->declared || s[0] != '0' || n == 1 || s[1] == r->dec)) {
        if (c->type == ARMOEDE_TYPE_INT) {
            int64_t v = 0;
            size_t i = 0;
            while (i < n && (unsigned)(s[i] - '0') <= 9) v = v * 10 + (s[i++] - '0');
            if (i == n) return put_int(r, c, row, v);
        } else if (c->type == ARMOEDE_TYPE_REAL) {
            uint64_t m = 0;
            size_t i = 0;
            int frac = 0;
            while (i < n && (unsigned)(s[i] - '0') <= 9) m = m * 10 + (uint64_t)(s[i++] - '0');
            if (i < n && s[i] == r->dec) {
                i++;
                while (i < n && (unsigned)(s[i] - '0') <= 9) { m = m * 10 + (uint64_t)(s[i++] - '0'); frac++; }
            }
            if (i == n) {
                static const double p10[16] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
                ((double *)c->data)[row] = (double)m / p10[frac]; /* m < 10^15 < 2^53: exact, one rounding */
                return 0;
            }
        }
    }
    int na = s == NULL || is_na(r, s, n);
    if (!na && !c->declared && !c->date && (c->type == ARMOEDE_TYPE_INT || c->type == ARMOEDE_TYPE_REAL)) {
        /* "0014" made the column a code during inference: later it is a misfit too */
        size_t a = 0;
        while (a < n && (s[a] == ' ' || s[a] == '\t')) a++;
        if (a < n && (s[a] == '-' || s[a] == '+')) a++;
        if (a + 1 < n && s[a] == '0' && (unsigned)(s[a + 1] - '0') <= 9)
            return fail_value(r, line, c->name, s, n, ARMOEDE_ETYPE,
                              "has a leading zero, so it is a code, but the column was inferred to be numeric from its first 1000 rows (declare its type as categorical)");
    }
    if (c->date) {
        int y, m, d;
        if (na) return put_int(r, c, row, ARMOEDE_NA_INT);
        if (am_parse_iso_date(s, n, &y, &m, &d) != 0)
            return fail_value(r, line, c->name, s, n, ARMOEDE_EPARSE,
                              c->declared ? "is not a date of the form YYYY-MM-DD (no other order, no time part)" :
                              "is not a date of the form YYYY-MM-DD, but the column was inferred to hold dates from its first 1000 rows (declare its type as categorical)");
        return put_int(r, c, row, am_days_from_civil(y, m, d));
    }
    switch (c->type) {
    case ARMOEDE_TYPE_INT: {
        int64_t v = ARMOEDE_NA_INT;
        if (!na && am_parse_int(s, n, &v) != 0) {
            double d;
            if (!c->declared && am_parse_real(s, n, r->dec, &d) == 0) {
                /* promote INT -> REAL, exactly (back to front: doubles are at least as wide) */
                double *dv = realloc(c->data, (r->cap ? r->cap : 1) * sizeof *dv);
                if (!dv) return am_fail(ARMOEDE_ENOMEM, "out of memory reading %s", r->path);
                for (size_t i = row; i-- > 0;) {
                    int64_t x = get_narrow(dv, c->width, i);
                    dv[i] = x == ARMOEDE_NA_INT ? NAN : (double)x;
                }
                c->data = dv;
                c->type = ARMOEDE_TYPE_REAL;
                dv[row] = d;
                return 0;
            }
            return fail_value(r, line, c->name, s, n, ARMOEDE_ETYPE,
                              c->declared ? "is not an integer" :
                              "is not a number, but the column was inferred to be numeric from its first 1000 rows (declare its type as categorical)");
        }
        return put_int(r, c, row, v);
    }
    case ARMOEDE_TYPE_REAL: {
        double v = NAN;
        if (!na && am_parse_real(s, n, r->dec, &v) != 0)
            return fail_value(r, line, c->name, s, n, ARMOEDE_ETYPE,
                              c->declared ? "is not a number" :
                              "is not a number, but the column was inferred to be numeric from its first 1000 rows (declare its type as categorical)");
        ((double *)c->data)[row] = v;
        return 0;
    }
    default: {
        int32_t code = -1;
        if (!na) {
            while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
            while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
            if (c->last_code >= 0 && n == c->last_len && memcmp(s, c->last_str, n) == 0) code = c->last_code;
            else {
                code = am_dict_intern(&c->dict, s, n);
                if (code < 0) return ARMOEDE_ENOMEM;
                if (n + 1 > c->last_cap) {
                    char *p = realloc(c->last_str, n + 64);
                    if (!p) return am_fail(ARMOEDE_ENOMEM, "out of memory");
                    c->last_str = p;
                    c->last_cap = n + 64;
                }
                memcpy(c->last_str, s, n);
                c->last_len = n;
                c->last_code = code;
            }
        }
        ((int32_t *)c->data)[row] = code;
        return 0;
    }
    }
}

/* End of sampling: decide the types of AUTO columns and convert the sample. */
static int end_sampling(reader *r)
{
    r->sampling = 0;
    r->sampled = r->nrows;
    for (size_t k = 0; k < r->nbc; k++) {
        bcol *c = &r->bc[k];
        if (c->type != ARMOEDE_TYPE_AUTO) continue;
        int is_int = 1, is_real = 1, is_date = 1, any = 0;
        for (size_t i = 0; i < r->sampled; i++) {
            const char *s = c->sample[i];
            if (!s) continue;
            any = 1;
            size_t n = strlen(s);
            int y, m, d;
            if (is_int && !inferred_int(s, n)) is_int = 0;
            if (!is_int && is_real && !inferred_real(r, s, n)) is_real = 0;
            if (is_date && am_parse_iso_date(s, n, &y, &m, &d) != 0) is_date = 0;
            if (!is_real && !is_date) break;
        }
        c->date = any && !is_real && is_date;
        c->type = !any ? ARMOEDE_TYPE_CAT : is_int || c->date ? ARMOEDE_TYPE_INT : is_real ? ARMOEDE_TYPE_REAL : ARMOEDE_TYPE_CAT;
        c->data = malloc((r->cap ? r->cap : 1) * elsize(c));
        if (!c->data) return am_fail(ARMOEDE_ENOMEM, "out of memory reading %s", r->path);
        for (size_t i = 0; i < r->sampled; i++) {
            const char *s = c->sample[i];
            int rc = store(r, c, i, s, s ? strlen(s) : 0, r->sample_line[i]);
            if (rc) return rc;
        }
        for (size_t i = 0; i < r->sampled; i++) free(c->sample[i]);
        free(c->sample);
        c->sample = NULL;
    }
    return 0;
}

/* Handle one field of a data record. */
static int field(reader *r, size_t j, const char *s, size_t n, unsigned long line)
{
    int k = r->sel[j];
    if (k < 0) return 0;
    bcol *c = &r->bc[k];
    if (c->type == ARMOEDE_TYPE_AUTO) {
        free(c->sample[r->nrows]); /* a record re-parsed after a block boundary */
        c->sample[r->nrows] = NULL;
        if (is_na(r, s, n)) return 0;
        else if (!(c->sample[r->nrows] = am_strndup(s, n)))
            return am_fail(ARMOEDE_ENOMEM, "out of memory reading %s", r->path);
        return 0;
    }
    return store(r, c, r->nrows, s, n, line);
}

/* Line numbers no longer follow from row numbers (a quoted newline or a
 * blank line came before): keep them per row from now on. */
static int keep_lines(reader *r)
{
    r->need_lines = 1;
    uint32_t *l = malloc((r->cap ? r->cap : 1) * sizeof *l);
    if (!l) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    for (size_t i = 0; i < r->nrows; i++) l[i] = (uint32_t)(i + 2);
    r->lines = l;
    return 0;
}

/* Parse records in buf[0..len). Returns bytes consumed (whole records), or
 * (size_t)-1 on error. At eof the final record needs no newline. */
static size_t parse_block(reader *r, const char *buf, size_t len, int eof, int header, int *err)
{
    const char *p = buf, *end = buf + len;
    const char sep = r->sep;
    *err = 0;
    while (p < end) {
        const char *rec = p;
        unsigned long line0 = r->line, nl = 0;
        size_t j = 0;
        int complete = 0;
        if (!header && r->nrows == r->cap && (*err = grow_rows(r))) return (size_t)-1;
        if (!header && r->sampling && r->nrows == SAMPLE_ROWS) {
            if ((*err = end_sampling(r))) return (size_t)-1;
        }
        /* blank line */
        if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
            p += *p == '\r' ? 2 : 1;
            r->line++;
            continue;
        }
        if (!header) {
            /* fast path: a record without quotes, split with memchr */
            const char *nlp = memchr(p, '\n', (size_t)(end - p));
            if (!nlp && !eof) goto incomplete;
            const char *re = nlp ? nlp : end;
            if (!memchr(p, '"', (size_t)(re - p))) {
                const char *fe_rec = (re > p && re[-1] == '\r') ? re - 1 : re;
                if (memchr(p, '\r', (size_t)(fe_rec - p))) {
                    *err = am_fail(ARMOEDE_EPARSE, "%s line %lu: a carriage return (CR) inside the line: line ends must be LF or CRLF (CR-only files: convert them first)",
                                   r->path, line0);
                    return (size_t)-1;
                }
                const char *fs = p;
                for (;;) {
                    const char *fe = memchr(fs, sep, (size_t)(fe_rec - fs));
                    const char *stop = fe ? fe : fe_rec;
                    if (j < r->nfile && r->sel[j] >= 0 && (*err = field(r, j, fs, (size_t)(stop - fs), line0)))
                        return (size_t)-1;
                    j++;
                    if (!fe) break;
                    fs = fe + 1;
                }
                p = nlp ? nlp + 1 : end;
                complete = 1;
                goto record_done;
            }
        }
        for (;;) {
            const char *fs, *fe;
            if (p < end && *p == '"') {
                /* quoted field */
                const char *q = p + 1;
                size_t un = 0;
                int closed = 0;
                for (;;) {
                    const char *qq = memchr(q, '"', (size_t)(end - q));
                    if (!qq) break;
                    if (qq + 1 < end && qq[1] == '"') { q = qq + 2; continue; }
                    if (qq + 1 == end && !eof) break; /* might be a doubled quote across blocks */
                    closed = 1;
                    q = qq;
                    break;
                }
                if (!closed) {
                    if (eof) {
                        *err = am_fail(ARMOEDE_EPARSE, "%s line %lu: a quoted field is not closed before the end of the file",
                                       r->path, line0);
                        return (size_t)-1;
                    }
                    goto incomplete;
                }
                /* unescape p+1 .. q */
                size_t raw = (size_t)(q - (p + 1));
                if (raw + 1 > r->unq_cap) {
                    char *u = realloc(r->unq, raw + 64);
                    if (!u) { *err = am_fail(ARMOEDE_ENOMEM, "out of memory"); return (size_t)-1; }
                    r->unq = u;
                    r->unq_cap = raw + 64;
                }
                for (const char *x = p + 1; x < q; x++) {
                    if (*x == '"') x++;
                    if (*x == '\n') nl++;
                    r->unq[un++] = *x;
                }
                fs = r->unq;
                fe = r->unq + un;
                p = q + 1;
                /* after the closing quote: separator, newline or end */
                if (p < end && *p != sep && *p != '\n' && *p != '\r') {
                    char ex[64];
                    *err = am_fail(ARMOEDE_EPARSE, "%s line %lu: unexpected '%s' after a closing quote in field %zu",
                                   r->path, line0 + nl, am_excerpt(p, 1, ex, sizeof ex), j + 1);
                    return (size_t)-1;
                }
            } else {
                fs = p;
                while (p < end && *p != sep && *p != '\n') p++;
                fe = p;
                if (p == end && !eof) goto incomplete;
                if (fe > fs && fe[-1] == '\r' && (p == end || *p == '\n')) fe--;
            }
            if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n') p++;
            else if (p < end && *p == '\r' && p + 1 == end && !eof) goto incomplete;
            /* field [fs, fe) */
            if (header) {
                char **h = realloc(r->header, (r->nheader + 1) * sizeof *h);
                if (!h || !(h[r->nheader] = am_strndup(fs, (size_t)(fe - fs)))) {
                    if (h) r->header = h;
                    *err = am_fail(ARMOEDE_ENOMEM, "out of memory");
                    return (size_t)-1;
                }
                r->header = h;
                r->nheader++;
            } else if (j < r->nfile) {
                if ((*err = field(r, j, fs, (size_t)(fe - fs), line0))) return (size_t)-1;
            }
            j++;
            if (p == end) { complete = 1; break; }
            if (*p == sep) { p++; if (p == end && !eof) goto incomplete; if (p == end) { /* trailing separator at eof */
                    if (!header && j < r->nfile && (*err = field(r, j, "", 0, line0))) return (size_t)-1;
                    j++; complete = 1; break; }
                continue; }
            /* newline */
            p++;
            complete = 1;
            break;
        }
        if (!complete) goto incomplete;
    record_done:
        r->line += 1 + nl;
        if (header) return (size_t)(p - buf);
        if (j != r->nfile) {
            *err = am_fail(ARMOEDE_EPARSE, "%s line %lu: %zu fields, but the header has %zu (ragged row)",
                           r->path, line0, j, r->nfile);
            return (size_t)-1;
        }
        if (r->sampling) r->sample_line[r->nrows] = line0;
        if ((nl || line0 != r->nrows + 2) && !r->need_lines && (*err = keep_lines(r))) return (size_t)-1;
        if (r->need_lines) r->lines[r->nrows] = (uint32_t)line0;
        r->nrows++;
        continue;
    incomplete:
        r->line = line0;
        if (header) {
            for (size_t i = 0; i < r->nheader; i++) free(r->header[i]);
            r->nheader = 0;
        }
        return (size_t)(rec - buf);
    }
    return (size_t)(p - buf);
}

static void reader_free(reader *r)
{
    for (size_t k = 0; k < r->nbc; k++) {
        bcol *c = &r->bc[k];
        free(c->name);
        free(c->data);
        am_dict_free(&c->dict);
        free(c->last_str);
        if (c->sample) {
            for (size_t i = 0; i < SAMPLE_ROWS; i++) free(c->sample[i]);
            free(c->sample);
        }
    }
    free(r->bc);
    free(r->sel);
    free(r->lines);
    free(r->unq);
    free(r->sample_line);
    for (size_t i = 0; i < r->nheader; i++) free(r->header[i]);
    free(r->header);
}

void armoede_read_options_init(armoede_read_options *opts)
{
    if (!opts) return;
    armoede_read_options d = ARMOEDE_READ_OPTIONS_INIT;
    *opts = d;
}

static char detect_sep(const char *s, size_t n)
{
    size_t c[3] = {0, 0, 0};
    int inq = 0;
    for (size_t i = 0; i < n && s[i] != '\n'; i++) {
        if (s[i] == '"') inq = !inq;
        else if (!inq) c[0] += s[i] == ',', c[1] += s[i] == ';', c[2] += s[i] == '\t';
    }
    if (c[1] > c[0] && c[1] >= c[2]) return ';';
    if (c[2] > c[0] && c[2] > c[1]) return '\t';
    return ',';
}

/* Set up the columns once the header is known. */
static int setup_columns(reader *r, const armoede_read_options *o)
{
    r->nfile = r->nheader;
    for (size_t j = 0; j < r->nheader; j++)
        if (strchr(r->header[j], '\r'))
            return am_fail(ARMOEDE_EPARSE, "%s line 1: a carriage return (CR) inside the header: line ends must be LF or CRLF (CR-only files: convert them first)",
                           r->path);
    for (size_t j = 0; j < r->nheader; j++) {
        /* trim names; name empty ones */
        char *h = r->header[j];
        size_t n = strlen(h);
        size_t a = 0;
        while (a < n && (h[a] == ' ' || h[a] == '\t')) a++;
        while (n > a && (h[n - 1] == ' ' || h[n - 1] == '\t')) n--;
        memmove(h, h + a, n - a);
        h[n - a] = '\0';
        if (!*h) {
            char *nh = malloc(32);
            if (!nh) return am_fail(ARMOEDE_ENOMEM, "out of memory");
            snprintf(nh, 32, "column%zu", j + 1);
            free(h);
            r->header[j] = nh;
        }
        for (size_t i = 0; i < j; i++)
            if (strcmp(r->header[i], r->header[j]) == 0)
                return am_fail(ARMOEDE_EPARSE, "%s line 1: column name '%s' occurs twice in the header",
                               r->path, r->header[j]);
    }
    r->sel = malloc(r->nfile * sizeof *r->sel);
    size_t want = o->columns ? o->n_columns : r->nfile;
    r->bc = calloc(want ? want : 1, sizeof *r->bc);
    if (!r->sel || !r->bc) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    for (size_t j = 0; j < r->nfile; j++) r->sel[j] = -1;
    for (size_t k = 0; k < want; k++) {
        size_t j;
        if (o->columns) {
            if (!o->columns[k]) return am_fail(ARMOEDE_EINVAL, "column name %zu is NULL", k);
            for (j = 0; j < r->nfile; j++) if (strcmp(r->header[j], o->columns[k]) == 0) break;
            if (j == r->nfile) return am_fail(ARMOEDE_ENOTFOUND, "%s: no column '%s' in the header", r->path, o->columns[k]);
            if (r->sel[j] >= 0) return am_fail(ARMOEDE_EINVAL, "column '%s' requested twice", o->columns[k]);
        } else j = k;
        bcol *c = &r->bc[r->nbc++];
        c->file_col = (int)j;
        c->name = am_strdup(r->header[j]);
        if (!c->name) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        c->type = (o->columns && o->types) ? (int)o->types[k] : ARMOEDE_TYPE_AUTO;
        for (size_t v = 0; !o->columns && v < r->n_ov; v++)
            if (!strcmp(r->ov_names[v], r->header[j])) c->type = (int)r->ov_types[v];
        if (c->type < ARMOEDE_TYPE_AUTO || c->type > ARMOEDE_TYPE_DATE)
            return am_fail(ARMOEDE_EINVAL, "column '%s': type %d does not exist", c->name, c->type);
        c->declared = c->type != ARMOEDE_TYPE_AUTO;
        if (c->type == ARMOEDE_TYPE_DATE) { c->type = ARMOEDE_TYPE_INT; c->date = 1; }
        c->last_code = -1;
        c->width = 1;
        c->imin = INT64_MAX;
        c->imax = INT64_MIN;
        r->sel[j] = (int)k;
        if (c->type == ARMOEDE_TYPE_AUTO) {
            r->sampling = 1;
            c->sample = calloc(SAMPLE_ROWS, sizeof *c->sample);
            if (!c->sample) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        }
    }
    for (size_t v = 0; v < r->n_ov; v++) {
        size_t j;
        for (j = 0; j < r->nfile; j++) if (!strcmp(r->ov_names[v], r->header[j])) break;
        if (j == r->nfile) return am_fail(ARMOEDE_ENOTFOUND, "%s: no column '%s' in the header", r->path, r->ov_names[v]);
    }
    if (r->sampling) {
        r->sample_line = calloc(SAMPLE_ROWS, sizeof *r->sample_line);
        if (!r->sample_line) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    }
    return 0;
}

int armoede_table_read_csv(const char *path, const armoede_read_options *opts, armoede_table **out)
{
    return am_read_csv(path, opts, NULL, NULL, 0, out);
}

int am_read_csv(const char *path, const armoede_read_options *opts, const char *const *names,
                const armoede_type *types, size_t ntypes, armoede_table **out)
{
    if (out) *out = NULL;
    if (!path || !out) return am_fail(ARMOEDE_EINVAL, "armoede_table_read_csv: path or out is NULL");
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    if (opts) {
        if (opts->version < 1 || opts->version > ARMOEDE_READ_OPTIONS_VERSION)
            return am_fail(ARMOEDE_EINVAL, "armoede_read_options version %u is not supported", opts->version);
        o = *opts;
    }
    if (o.separator && o.separator != ',' && o.separator != ';' && o.separator != '\t')
        return am_fail(ARMOEDE_EINVAL, "separator must be ',', ';' or tab");
    if (o.decimal && o.decimal != '.' && o.decimal != ',')
        return am_fail(ARMOEDE_EINVAL, "decimal mark must be '.' or ','");
    if (!o.na_tokens && o.n_na_tokens) return am_fail(ARMOEDE_EINVAL, "na_tokens is NULL but n_na_tokens > 0");
    if (o.columns == NULL && o.types) return am_fail(ARMOEDE_EINVAL, "types given without columns");

    if (ntypes && (o.columns || !names || !types)) return am_fail(ARMOEDE_EINVAL, "am_read_csv: types by name are for a read of all columns");
    reader r;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.ov_names = names;
    r.ov_types = types;
    r.n_ov = ntypes;
    r.dec = o.decimal ? o.decimal : '.';
    if (o.na_tokens) { r.na = o.na_tokens; r.nna = o.n_na_tokens; }
    else { r.na = default_na; r.nna = 4; }
    if (r.nna > 64) return am_fail(ARMOEDE_EINVAL, "at most 64 missing-value tokens");
    for (size_t k = 0; k < r.nna; k++) {
        if (!r.na[k]) return am_fail(ARMOEDE_EINVAL, "missing-value token %zu is NULL", k);
        r.na_len[k] = strlen(r.na[k]);
        if ((unsigned)(r.na[k][0] - '0') <= 9) r.na_digit = 1;
        if (r.na_len[k] > r.na_maxlen) r.na_maxlen = r.na_len[k];
    }
    r.line = 1;

    feeder f;
    memset(&f, 0, sizeof f);
    int rc = 0;
    FILE *probe = fopen(path, "rb");
    if (!probe) return am_fail(ARMOEDE_EIO, "cannot open %s: %s", path, strerror(errno));
    fclose(probe);
    f.gz = gzopen(path, "rb");
    if (!f.gz) return am_fail(ARMOEDE_EIO, "cannot open %s", path);
    gzbuffer(f.gz, 1u << 18);
    for (int i = 0; i < NSLOTS; i++)
        if (!(f.slots[i].buf = malloc(PREFIX + BLOCK))) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
    pthread_mutex_init(&f.mu, NULL);
    pthread_cond_init(&f.cv, NULL);
    if (pthread_create(&f.th, NULL, feeder_main, &f) != 0) {
        pthread_mutex_destroy(&f.mu);
        pthread_cond_destroy(&f.cv);
        rc = am_fail(ARMOEDE_EINTERNAL, "cannot start the reading thread");
        goto done;
    }
    f.started = 1;

    char *big = NULL; /* fallback when a partial record exceeds PREFIX */
    size_t carry_len = 0;
    char *carry = NULL; size_t carry_cap = 0;
    int state = 0; /* 0: before header, 1: data */
    int first = 1;
    for (;;) {
        slot *s = feeder_next(&f);
        if (f.err && s->eof) {
            rc = am_fail(ARMOEDE_EPARSE, "%s: %s (after line %lu)", path, f.errmsg[0] ? f.errmsg : "read error", r.line);
            feeder_release(&f);
            break;
        }
        char *data = s->buf + PREFIX;
        size_t len = s->len;
        if (first) {
            first = 0;
            if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB && (unsigned char)data[2] == 0xBF) { data += 3; len -= 3; }
            if (len == 0 && s->eof) {
                feeder_release(&f);
                rc = am_fail(ARMOEDE_EPARSE, "%s: the file is empty (no header row)", path);
                break;
            }
        }
        if (carry_len) {
            if (carry_len <= PREFIX) {
                data -= carry_len;
                memcpy(data, carry, carry_len);
                len += carry_len;
            } else {
                char *nb = realloc(big, carry_len + len);
                if (!nb) { feeder_release(&f); rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
                big = nb;
                memcpy(big, carry, carry_len);
                memcpy(big + carry_len, data, len);
                data = big;
                len += carry_len;
            }
            carry_len = 0;
        }
        size_t pos = 0;
        int err = 0;
        if (state == 0) {
            if (!r.sep) r.sep = o.separator ? o.separator : detect_sep(data, len);
            if (r.dec == ',' && r.sep == ',') { feeder_release(&f); rc = am_fail(ARMOEDE_EINVAL, "decimal comma needs a separator other than ','"); break; }
            size_t used = parse_block(&r, data, len, s->eof, 1, &err);
            if (err) { feeder_release(&f); rc = err; break; }
            if (r.nheader == 0) {
                if (s->eof) { feeder_release(&f); rc = am_fail(ARMOEDE_EPARSE, "%s: no header row", path); break; }
            } else {
                pos = used;
                state = 1;
                if ((rc = setup_columns(&r, &o))) { feeder_release(&f); break; }
            }
        }
        if (state == 1) {
            size_t used = parse_block(&r, data + pos, len - pos, s->eof, 0, &err);
            if (err) { feeder_release(&f); rc = err; break; }
            pos += used;
        }
        if (pos < len) {
            if (s->eof) { feeder_release(&f); rc = am_fail(ARMOEDE_EINTERNAL, "%s: unparsed bytes at the end", path); break; }
            carry_len = len - pos;
            if (carry_len > carry_cap) {
                char *nc = realloc(carry, carry_len);
                if (!nc) { feeder_release(&f); rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
                carry = nc;
                carry_cap = carry_len;
            }
            memmove(carry, data + pos, carry_len);
        }
        int eof = s->eof;
        feeder_release(&f);
        if (eof) break;
    }
    free(big);
    free(carry);
    if (!rc && r.sampling) rc = end_sampling(&r);

done:
    feeder_close(&f);
    {
        int zc = gzclose(f.gz);
        if (!rc && zc != Z_OK)
            rc = am_fail(ARMOEDE_EPARSE, "%s: the gzip stream is truncated or corrupt", path);
    }
    if (rc) { reader_free(&r); return rc; }

    armoede_table *t;
    if ((rc = armoede_table_new(r.nrows, &t))) { reader_free(&r); return rc; }
    t->source = am_strdup(path);
    if (!t->source) { reader_free(&r); armoede_table_free(t); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    for (size_t k = 0; k < r.nbc; k++) {
        bcol *c = &r.bc[k];
        if (!c->data) {
            c->data = malloc(8);
            if (!c->data) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
        }
        if (r.nrows) { /* give back the capacity beyond the last row */
            void *q = realloc(c->data, r.nrows * elsize(c));
            if (q) c->data = q;
        }
        if ((rc = am_table_push(t, c->name, c->type, c->data, 1, &c->dict))) break;
        if (c->type == ARMOEDE_TYPE_INT) { /* already narrow, its range known */
            am_col *tc = &t->cols[t->ncols - 1];
            tc->width = c->width;
            tc->imin = c->imin;
            tc->imax = c->imax;
            tc->date = c->date;
        }
        c->data = NULL;
    }
    if (!rc && r.need_lines) { t->lines = r.lines; r.lines = NULL; }
    reader_free(&r);
    if (rc) { armoede_table_free(t); return rc; }
    *out = t;
    return ARMOEDE_OK;
}
