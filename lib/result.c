/* The one result shape, its getters and its writers (tidy CSV, JSON).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

armoede_result *am_result_new(void) { return calloc(1, sizeof(armoede_result)); }

static void row_free(am_row *w)
{
    free(w->keys);
    free(w->reason);
}

/* The result's own copy of s (NULL stays NULL; NULL with ENOMEM set when
 * out of memory: check with *ok). */
static const char *intern(armoede_result *r, const char *s, int *ok)
{
    if (!s) return NULL;
    int32_t c = am_dict_intern(&r->strs, s, strlen(s));
    if (c < 0) { *ok = 0; return NULL; }
    return r->strs.labels[c];
}

void armoede_result_free(armoede_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nrows; i++) row_free(&r->rows[i]);
    free(r->rows);
    am_dict_free(&r->strs);
    for (size_t k = 0; k < r->nkeys; k++) free(r->key_names[k]);
    free(r->key_names);
    for (size_t i = 0; i < r->nnotes; i++) free(r->notes[i]);
    free(r->notes);
    free(r);
}

int am_result_set_keys(armoede_result *r, const char *const *names, size_t n)
{
    r->key_names = calloc(n ? n : 1, sizeof *r->key_names);
    if (!r->key_names) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        if (!(r->key_names[k] = am_strdup(names[k]))) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    r->nkeys = n;
    return ARMOEDE_OK;
}

const char *am_result_intern(armoede_result *r, const char *s)
{
    int ok = 1;
    const char *x = intern(r, s, &ok);
    if (!ok) am_fail(ARMOEDE_ENOMEM, "out of memory");
    return x;
}

int am_result_add_interned(armoede_result *r, const char *indicator, const char *unit,
                           const char *const *keys, const double *f)
{
    am_row *rows = am_grow(r->rows, &r->caprows, r->nrows + 1, sizeof *rows);
    if (!rows) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    r->rows = rows;
    am_row *w = &r->rows[r->nrows];
    memset(w, 0, sizeof *w);
    w->indicator = indicator;
    w->unit = unit;
    w->keys = malloc((r->nkeys ? r->nkeys : 1) * sizeof *w->keys);
    if (!w->keys) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    for (size_t k = 0; k < r->nkeys; k++) w->keys[k] = keys[k];
    memcpy(w->f, f, sizeof w->f);
    w->status = ARMOEDE_CELL_OK;
    w->dom_top[0] = w->dom_top[1] = 0;
    w->dom_total = NAN;
    r->nrows++;
    return ARMOEDE_OK;
}

void am_result_amounts(armoede_result *r, unsigned fields)
{
    if (r->nrows) r->rows[r->nrows - 1].amounts |= fields;
}

int am_result_add(armoede_result *r, const char *indicator, const char *unit,
                  const char *const *keys, const double *f)
{
    int ok = 1;
    const char *ind = intern(r, indicator, &ok), *un = intern(r, unit ? unit : "", &ok);
    const char **k = malloc((r->nkeys ? r->nkeys : 1) * sizeof *k);
    for (size_t x = 0; x < r->nkeys && ok && k; x++) k[x] = keys ? intern(r, keys[x], &ok) : NULL;
    int rc = (!ok || !k) ? am_fail(ARMOEDE_ENOMEM, "out of memory") : am_result_add_interned(r, ind, un, k, f);
    free(k);
    return rc;
}

int am_result_note(armoede_result *r, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **n = am_grow(r->notes, &r->capnotes, r->nnotes + 1, sizeof *n);
    if (!n) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    r->notes = n;
    if (!(n[r->nnotes] = am_strdup(buf))) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    r->nnotes++;
    return ARMOEDE_OK;
}

int am_result_set_reason(am_row *row, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *s = am_strdup(buf);
    if (!s) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    free(row->reason);
    row->reason = s;
    return ARMOEDE_OK;
}

size_t armoede_result_nrows(const armoede_result *r) { return r ? r->nrows : 0; }
size_t armoede_result_nkeys(const armoede_result *r) { return r ? r->nkeys : 0; }
const char *armoede_result_key_name(const armoede_result *r, size_t k)
{
    return (r && k < r->nkeys) ? r->key_names[k] : NULL;
}
const char *armoede_result_key(const armoede_result *r, size_t i, size_t k)
{
    return (r && i < r->nrows && k < r->nkeys) ? r->rows[i].keys[k] : NULL;
}
const char *armoede_result_indicator(const armoede_result *r, size_t i)
{
    return (r && i < r->nrows) ? r->rows[i].indicator : NULL;
}
const char *armoede_result_unit(const armoede_result *r, size_t i)
{
    return (r && i < r->nrows) ? r->rows[i].unit : NULL;
}
double armoede_result_value(const armoede_result *r, size_t i, armoede_field f)
{
    if (!r || i >= r->nrows || (int)f < 0 || f >= ARMOEDE_FIELD_COUNT_) return NAN;
    return r->rows[i].f[f];
}
int armoede_result_status(const armoede_result *r, size_t i)
{
    if (!r || i >= r->nrows) return am_fail(ARMOEDE_EINVAL, "row %zu out of range", i);
    return r->rows[i].status;
}
int armoede_result_rounded(const armoede_result *r, size_t i)
{
    return (r && i < r->nrows) ? r->rows[i].rounded : 0;
}
const char *armoede_result_reason(const armoede_result *r, size_t i)
{
    if (!r || i >= r->nrows) return NULL;
    return r->rows[i].reason ? r->rows[i].reason : "";
}
size_t armoede_result_nnotes(const armoede_result *r) { return r ? r->nnotes : 0; }
const char *armoede_result_note(const armoede_result *r, size_t i)
{
    return (r && i < r->nnotes) ? r->notes[i] : NULL;
}
int armoede_result_protected(const armoede_result *r) { return r ? r->protected_ : 0; }

int armoede_result_append(armoede_result *dst, const armoede_result *src)
{
    if (!dst || !src) return am_fail(ARMOEDE_EINVAL, "armoede_result_append: NULL argument");
    if (dst == src) return am_fail(ARMOEDE_EINVAL, "armoede_result_append: cannot append a result to itself");
    if (dst->nrows && src->nrows && dst->protected_ != src->protected_)
        return am_fail(ARMOEDE_EINVAL, "armoede_result_append: one result is protected, the other is not");
    /* unite key names */
    size_t *map = malloc((src->nkeys ? src->nkeys : 1) * sizeof *map);
    if (!map) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    size_t newk = dst->nkeys;
    char **names = malloc((dst->nkeys + src->nkeys + 1) * sizeof *names);
    if (!names) { free(map); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    for (size_t k = 0; k < dst->nkeys; k++) names[k] = dst->key_names[k];
    for (size_t k = 0; k < src->nkeys; k++) {
        size_t j;
        for (j = 0; j < newk; j++) if (strcmp(names[j], src->key_names[k]) == 0) break;
        if (j == newk) {
            if (!(names[newk] = am_strdup(src->key_names[k]))) {
                for (size_t x = dst->nkeys; x < newk; x++) free(names[x]);
                free(names); free(map);
                return am_fail(ARMOEDE_ENOMEM, "out of memory");
            }
            newk++;
        }
        map[k] = j;
    }
    /* widen existing rows */
    int rc = 0;
    if (newk > dst->nkeys) {
        for (size_t i = 0; i < dst->nrows && !rc; i++) {
            const char **nk = realloc(dst->rows[i].keys, newk * sizeof *nk);
            if (!nk) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
            for (size_t k = dst->nkeys; k < newk; k++) nk[k] = NULL;
            dst->rows[i].keys = nk;
        }
    }
    if (rc) { /* rows partly widened: harmless, key count unchanged */
        for (size_t x = dst->nkeys; x < newk; x++) free(names[x]);
        free(names); free(map);
        return rc;
    }
    free(dst->key_names);
    dst->key_names = names;
    dst->nkeys = newk;
    const char **keys = calloc(newk ? newk : 1, sizeof *keys);
    if (!keys) { free(map); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    for (size_t i = 0; i < src->nrows && !rc; i++) {
        const am_row *s = &src->rows[i];
        for (size_t k = 0; k < newk; k++) keys[k] = NULL;
        for (size_t k = 0; k < src->nkeys; k++) keys[map[k]] = s->keys[k];
        if ((rc = am_result_add(dst, s->indicator, s->unit, keys, s->f))) break;
        am_row *d = &dst->rows[dst->nrows - 1];
        d->status = s->status;
        d->rounded = s->rounded;
        d->amounts = s->amounts;
        d->dom_top[0] = s->dom_top[0];
        d->dom_top[1] = s->dom_top[1];
        d->dom_total = s->dom_total;
        if (s->reason && !(d->reason = am_strdup(s->reason))) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    }
    free(keys);
    free(map);
    for (size_t i = 0; i < src->nnotes && !rc; i++) rc = am_result_note(dst, "%s", src->notes[i]);
    if (!rc && src->nrows) dst->protected_ = src->protected_;
    return rc;
}

armoede_result *am_result_copy(const armoede_result *r)
{
    armoede_result *c = am_result_new();
    if (!c) { am_fail(ARMOEDE_ENOMEM, "out of memory"); return NULL; }
    if (am_result_set_keys(c, (const char *const *)r->key_names, r->nkeys) || armoede_result_append(c, r)) {
        armoede_result_free(c);
        return NULL;
    }
    c->protected_ = r->protected_;
    return c;
}

/* ---------------- writers ---------------- */

static const char *status_name(int s)
{
    switch (s) {
    case ARMOEDE_CELL_OK: return "ok";
    case ARMOEDE_CELL_SUPPRESSED_PRIMARY: return "suppressed_primary";
    case ARMOEDE_CELL_SUPPRESSED_SECONDARY: return "suppressed_secondary";
    case ARMOEDE_CELL_NO_DATA: return "no_data";
    case ARMOEDE_CELL_SUPPRESSED_DOMINANCE: return "suppressed_dominance";
    default: return "unknown";
    }
}

/* Open path's temporary sibling. */
static int open_tmp(const char *path, char **tmp, FILE **f)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* a device or pipe (/dev/stdout): write to it directly */
        *tmp = NULL;
        *f = fopen(path, "wb");
        if (!*f) return am_fail(ARMOEDE_EIO, "cannot write %s: %s", path, strerror(errno));
        return ARMOEDE_OK;
    }
    size_t n = strlen(path) + 32;
    *tmp = malloc(n);
    if (!*tmp) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    snprintf(*tmp, n, "%s.tmp%ld", path, (long)getpid());
    *f = fopen(*tmp, "wb");
    if (!*f) {
        int rc = am_fail(ARMOEDE_EIO, "cannot write %s: %s", path, strerror(errno));
        free(*tmp);
        *tmp = NULL;
        return rc;
    }
    return ARMOEDE_OK;
}

static int close_tmp(FILE *f, char *tmp, const char *path, int rc)
{
    int bad = ferror(f);
    if (fclose(f) != 0) bad = 1;
    if (!rc && bad) rc = am_fail(ARMOEDE_EIO, "error writing %s", path);
    if (!tmp) return rc;
    if (!rc && rename(tmp, path) != 0) rc = am_fail(ARMOEDE_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    if (rc) remove(tmp);
    free(tmp);
    return rc;
}

/* The result to write: r itself, or a protected copy (*own set). */
static int writable(const armoede_result *r, const armoede_write_options *o, const armoede_result **w,
                    armoede_result **own)
{
    *own = NULL;
    *w = r;
    if (o && (o->version < 1 || o->version > ARMOEDE_WRITE_OPTIONS_VERSION))
        return am_fail(ARMOEDE_EINVAL, "armoede_write_options version %u is not supported", o->version);
    if (r->protected_ || (o && o->unprotected)) return ARMOEDE_OK;
    armoede_result *c = am_result_copy(r);
    if (!c) return ARMOEDE_ENOMEM;
    int rc = armoede_sdc_apply(c, NULL);
    if (rc) { armoede_result_free(c); return rc; }
    *own = c;
    *w = c;
    return ARMOEDE_OK;
}

static void csv_str(FILE *f, const char *s, char sep)
{
    if (!s) return;
    if (strchr(s, sep) || strchr(s, '"') || strchr(s, '\n') || strchr(s, '\r')) {
        fputc('"', f);
        for (; *s; s++) { if (*s == '"') fputc('"', f); fputc(*s, f); }
        fputc('"', f);
    } else fputs(s, f);
}

/* The shortest of %.15g, %.16g, %.17g that reads back as exactly v. */
static void num(FILE *f, double v, const char *nan_text)
{
    if (isnan(v)) { fputs(nan_text, f); return; }
    if (isinf(v)) { fputs(nan_text, f); return; } /* cannot arise; JSON has no Inf */
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v) break;
    }
    fputs(buf, f);
}

static const armoede_field csv_fields[] = {
    ARMOEDE_FIELD_ESTIMATE, ARMOEDE_FIELD_NUM_W, ARMOEDE_FIELD_DEN_W, ARMOEDE_FIELD_NUM_N,
    ARMOEDE_FIELD_DEN_N, ARMOEDE_FIELD_SE, ARMOEDE_FIELD_CI_LOW, ARMOEDE_FIELD_CI_HIGH,
    ARMOEDE_FIELD_REFERENCE, ARMOEDE_FIELD_STATISTIC, ARMOEDE_FIELD_P_VALUE};
static const char *const csv_field_names[] = {"estimate", "numerator", "denominator", "numerator_n",
                                              "denominator_n", "se", "ci_low", "ci_high", "reference",
                                              "statistic", "p_value"};
#define N_CSV_FIELDS (sizeof csv_fields / sizeof *csv_fields)

int armoede_result_write_csv(const armoede_result *r, const char *path, const armoede_write_options *opts)
{
    if (!r || !path) return am_fail(ARMOEDE_EINVAL, "armoede_result_write_csv: NULL argument");
    const armoede_result *w;
    armoede_result *own;
    int rc = writable(r, opts, &w, &own);
    if (rc) return rc;
    char sep = (opts && opts->separator) ? opts->separator : ',';
    char *tmp;
    FILE *f;
    if ((rc = open_tmp(path, &tmp, &f))) { armoede_result_free(own); return rc; }
    fprintf(f, "indicator%cunit%cthreshold%cduration", sep, sep, sep);
    for (size_t k = 0; k < w->nkeys; k++) { fputc(sep, f); csv_str(f, w->key_names[k], sep); }
    for (size_t k = 0; k < N_CSV_FIELDS; k++) fprintf(f, "%c%s", sep, csv_field_names[k]);
    fprintf(f, "%cstatus%crounded%creason\n", sep, sep, sep);
    for (size_t i = 0; i < w->nrows; i++) {
        const am_row *x = &w->rows[i];
        csv_str(f, x->indicator, sep);
        fputc(sep, f);
        csv_str(f, x->unit, sep);
        fputc(sep, f);
        num(f, x->f[ARMOEDE_FIELD_THRESHOLD], "");
        fputc(sep, f);
        num(f, x->f[ARMOEDE_FIELD_DURATION], "");
        for (size_t k = 0; k < w->nkeys; k++) { fputc(sep, f); csv_str(f, x->keys[k], sep); }
        for (size_t k = 0; k < N_CSV_FIELDS; k++) { fputc(sep, f); num(f, x->f[csv_fields[k]], ""); }
        fprintf(f, "%c%s%c%d%c", sep, status_name(x->status), sep, x->rounded, sep);
        csv_str(f, x->reason ? x->reason : "", sep);
        fputc('\n', f);
    }
    rc = close_tmp(f, tmp, path, 0);
    armoede_result_free(own);
    return rc;
}

static void json_str(FILE *f, const char *s)
{
    if (!s) { fputs("null", f); return; }
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') { fputc('\\', f); fputc(c, f); }
        else if (c == '\n') fputs("\\n", f);
        else if (c == '\r') fputs("\\r", f);
        else if (c == '\t') fputs("\\t", f);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

int armoede_result_write_json(const armoede_result *r, const char *path, const armoede_write_options *opts)
{
    if (!r || !path) return am_fail(ARMOEDE_EINVAL, "armoede_result_write_json: NULL argument");
    const armoede_result *w;
    armoede_result *own;
    int rc = writable(r, opts, &w, &own);
    if (rc) return rc;
    char *tmp;
    FILE *f;
    if ((rc = open_tmp(path, &tmp, &f))) { armoede_result_free(own); return rc; }
    fputs("{\n  \"library\": \"libarmoede " ARMOEDE_VERSION_STRING "\",\n  \"protected\": ", f);
    fputs(w->protected_ ? "true" : "false", f);
    fputs(",\n  \"keys\": [", f);
    for (size_t k = 0; k < w->nkeys; k++) { if (k) fputs(", ", f); json_str(f, w->key_names[k]); }
    fputs("],\n  \"notes\": [", f);
    for (size_t i = 0; i < w->nnotes; i++) { fputs(i ? ",\n    " : "\n    ", f); json_str(f, w->notes[i]); }
    fputs(w->nnotes ? "\n  ],\n  \"rows\": [" : "],\n  \"rows\": [", f);
    for (size_t i = 0; i < w->nrows; i++) {
        const am_row *x = &w->rows[i];
        fputs(i ? ",\n    {" : "\n    {", f);
        fputs("\"indicator\": ", f); json_str(f, x->indicator);
        fputs(", \"unit\": ", f); json_str(f, x->unit);
        fputs(", \"threshold\": ", f); num(f, x->f[ARMOEDE_FIELD_THRESHOLD], "null");
        fputs(", \"duration\": ", f); num(f, x->f[ARMOEDE_FIELD_DURATION], "null");
        fputs(", \"keys\": {", f);
        int first = 1;
        for (size_t k = 0; k < w->nkeys; k++) {
            if (!x->keys[k]) continue;
            if (!first) fputs(", ", f);
            first = 0;
            json_str(f, w->key_names[k]);
            fputs(": ", f);
            json_str(f, x->keys[k]);
        }
        fputc('}', f);
        for (size_t k = 0; k < N_CSV_FIELDS; k++) {
            fprintf(f, ", \"%s\": ", csv_field_names[k]);
            num(f, x->f[csv_fields[k]], "null");
        }
        fprintf(f, ", \"status\": \"%s\", \"rounded\": %s, \"reason\": ", status_name(x->status),
                x->rounded ? "true" : "false");
        json_str(f, x->reason ? x->reason : "");
        fputc('}', f);
    }
    fputs(w->nrows ? "\n  ]\n}\n" : "]\n}\n", f);
    rc = close_tmp(f, tmp, path, 0);
    armoede_result_free(own);
    return rc;
}
