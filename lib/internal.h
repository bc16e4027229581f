/* Internal declarations shared by the files of libarmoede. Never installed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef ARMOEDE_INTERNAL_H
#define ARMOEDE_INTERNAL_H

/* POSIX.1-2008 (strtok_r, mkdir, getpid): before any system header. Every
 * library source includes this file first. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "armoede.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AM_HIDDEN __attribute__((visibility("hidden")))

/* ---- errors (error.c) ---- */
/* Set the per-thread message and return status. printf-style. */
AM_HIDDEN int am_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Make sure GSL's default abort handler can never fire (idempotent, thread-safe). */
AM_HIDDEN void am_gsl_guard(void);
/* Write v into buf (size n) as a short printable excerpt for messages. */
AM_HIDDEN const char *am_excerpt(const char *s, size_t len, char *buf, size_t n);

/* ---- small utilities (util.c) ---- */
AM_HIDDEN char *am_strdup(const char *s);
AM_HIDDEN char *am_strndup(const char *s, size_t n);
AM_HIDDEN void *am_grow(void *p, size_t *cap, size_t need, size_t elem);
AM_HIDDEN uint64_t am_hash(const char *s, size_t n);

/* A string -> code dictionary (open addressing), labels kept in insertion order. */
typedef struct am_dict {
    char **labels;
    size_t n, cap;
    int32_t *slots; /* code + 1, 0 = empty */
    size_t nslots;
} am_dict;
AM_HIDDEN void am_dict_free(am_dict *d);
/* Code of s (length n), adding it when absent; -1 on ENOMEM (message set). */
AM_HIDDEN int32_t am_dict_intern(am_dict *d, const char *s, size_t n);
/* Code of s or -1 when absent. */
AM_HIDDEN int32_t am_dict_find(const am_dict *d, const char *s, size_t n);

/* ---- tables (table.c) ---- */
typedef struct am_col {
    char *name;
    int type; /* armoede_type */
    union {
        int64_t *i;
        double *r;
        int32_t *c;
        void *p;
    } v;
    int owned;
    am_dict dict; /* CAT only */
    /* INT only: bytes per value (1, 2, 4 or 8; the type's minimum is the
     * missing value), and the range of the values that are not missing
     * (imin > imax when all are missing) */
    int width;
    int date; /* INT holding day numbers since 1970-01-01 (ARMOEDE_TYPE_DATE) */
    int64_t imin, imax;
} am_col;

/* Value i of an INT column, whatever its width; ARMOEDE_NA_INT if missing. */
static inline int64_t am_ival(const am_col *c, size_t i)
{
    switch (c->width) {
    case 1: { int8_t x = ((const int8_t *)c->v.p)[i]; return x == INT8_MIN ? ARMOEDE_NA_INT : x; }
    case 2: { int16_t x = ((const int16_t *)c->v.p)[i]; return x == INT16_MIN ? ARMOEDE_NA_INT : x; }
    case 4: { int32_t x = ((const int32_t *)c->v.p)[i]; return x == INT32_MIN ? ARMOEDE_NA_INT : x; }
    default: return c->v.i[i];
    }
}

/* Value i of a column as a number: REAL as is, INT converted, missing and
 * CAT -> NaN. */
static inline double am_num(const am_col *c, size_t i)
{
    if (c->type == ARMOEDE_TYPE_REAL) return c->v.r[i];
    if (c->type == ARMOEDE_TYPE_CAT) return NAN;
    int64_t v = am_ival(c, i);
    return v == ARMOEDE_NA_INT ? NAN : (double)v;
}

/* Value i of a key column (CAT code or INT value); ARMOEDE_NA_INT if missing
 * (and for a REAL column, which is no key). */
static inline int64_t am_key(const am_col *c, size_t i)
{
    if (c->type == ARMOEDE_TYPE_CAT) return c->v.c[i] < 0 ? ARMOEDE_NA_INT : c->v.c[i];
    if (c->type == ARMOEDE_TYPE_REAL) return ARMOEDE_NA_INT;
    return am_ival(c, i);
}

/* x in whole cents, halves away from zero, exactly as llround(x * 100)
 * (y - trunc(y) is exact for |y| < 2^52); beyond +-9e18 cents it saturates
 * (no income or norm is near), NaN to the low end. The rule that decides
 * "at or below p x the norm" everywhere. */
static inline int64_t am_cents(double x)
{
    double y = x * 100.0;
    if (!(y < 9e18)) return y > 0 ? INT64_MAX / 2 : INT64_MIN / 2;
    if (y <= -9e18) return INT64_MIN / 2;
    int64_t r = (int64_t)y;
    double f = y - (double)r;
    return r + (f >= 0.5) - (f <= -0.5);
}

/* Compute an INT column's range and, when the library owns the data, store
 * it in the narrowest width that holds it (the reader and the copying
 * add_* functions call this once the column is complete). */
AM_HIDDEN int am_int_finish(am_col *c, size_t n);
/* The distinct values of rows 0..n-1 of INT column c, ascending, into a new
 * array *v (free it) of *m values; missing values are no level. A small
 * range (imin..imax) is marked, a wide one sorted. */
AM_HIDDEN int am_int_levels(const am_col *c, size_t n, int64_t **v, size_t *m);

struct armoede_table {
    size_t nrows;
    am_col *cols;
    size_t ncols, capcols;
    int role[ARMOEDE_ROLE_COUNT_]; /* column index or -1 */
    char *source;                  /* file it was read from, or NULL */
    uint32_t *lines;               /* line of each row when not row + 2, else NULL */
};

/* armoede_table_read_csv of all columns, with the types of the columns named
 * in names[0..ntypes) given (the others inferred); a name not in the header
 * is ENOTFOUND. */
AM_HIDDEN int am_read_csv(const char *path, const armoede_read_options *opts, const char *const *names,
                          const armoede_type *types, size_t ntypes, armoede_table **out);
AM_HIDDEN int am_table_find(const armoede_table *t, const char *name); /* index or -1 */
/* Append a column taking ownership of data (NULL data allowed for nrows == 0). */
AM_HIDDEN int am_table_push(armoede_table *t, const char *name, int type, void *data, int owned,
                            am_dict *dict);
/* Line number of row i in its source file (1-based; the header is line 1). */
AM_HIDDEN unsigned long am_table_line(const armoede_table *t, size_t i);
/* Describe row i for messages: "file.csv line 12" or "row 11". */
AM_HIDDEN const char *am_table_where(const armoede_table *t, size_t i, char *buf, size_t n);
/* Label of row i of column j as text (CAT label, INT decimal); NULL if missing. */
AM_HIDDEN const char *am_col_label(const am_col *c, size_t i, char *buf, size_t n);

/* ---- results (result.c) ---- */
typedef struct am_row {
    const char *indicator; /* interned: points into the result's strs */
    const char *unit;
    const char **keys;     /* nkeys entries, interned; NULL = no such key */
    double f[ARMOEDE_FIELD_COUNT_];
    int status;
    int rounded;
    unsigned amounts;      /* bit f set: field f holds an amount (a sum or mean of money, days or scores),
                            * not a count of units; disclosure rounding leaves it (am_result_amounts) */
    char *reason;
    /* Magnitude cells (sums and means of amounts) for the dominance rule of
     * armoede_sdc_apply: the largest and second largest absolute
     * contribution and the sum of all absolute contributions. dom_total NaN
     * (the default) = not a magnitude cell. Never written to any output;
     * erased when disclosure control is applied. */
    double dom_top[2];
    double dom_total;
} am_row;

struct armoede_result {
    am_row *rows;
    size_t nrows, caprows;
    char **key_names;
    size_t nkeys;
    char **notes;
    size_t nnotes, capnotes;
    int protected_;
    am_dict strs; /* every indicator, unit and key label, stored once */
};

/* Every field of a new row NaN ("not applicable") before the caller fills it. */
static inline void am_fields_nan(double *f)
{
    for (int k = 0; k < ARMOEDE_FIELD_COUNT_; k++) f[k] = NAN;
}
AM_HIDDEN armoede_result *am_result_new(void);
AM_HIDDEN int am_result_set_keys(armoede_result *r, const char *const *names, size_t n);
/* Add a row; keys has r->nkeys entries (copied). */
AM_HIDDEN int am_result_add(armoede_result *r, const char *indicator, const char *unit,
                            const char *const *keys, const double *f);
/* The result's interned copy of s (NULL on ENOMEM, message set). */
AM_HIDDEN const char *am_result_intern(armoede_result *r, const char *s);
/* Mark fields (bit f for field f) of the last row added as amounts. */
AM_HIDDEN void am_result_amounts(armoede_result *r, unsigned fields);
#define AM_AMOUNT(f) (1u << (f))
/* am_result_add for strings that come from am_result_intern (no lookups). */
AM_HIDDEN int am_result_add_interned(armoede_result *r, const char *indicator, const char *unit,
                                     const char *const *keys, const double *f);
AM_HIDDEN int am_result_note(armoede_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
AM_HIDDEN armoede_result *am_result_copy(const armoede_result *r);
AM_HIDDEN int am_result_set_reason(am_row *row, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define AM_TOTAL_LABEL "Total"

/* ---- CSV scanning shared by readers (csv.c) ---- */
AM_HIDDEN int am_parse_int(const char *s, size_t n, int64_t *out);
AM_HIDDEN int am_parse_real(const char *s, size_t n, char decimal, double *out);
/* Strict ISO 8601 calendar date: exactly YYYY-MM-DD (blanks around allowed). */
AM_HIDDEN int am_parse_iso_date(const char *s, size_t n, int *y, int *m, int *d);
/* Day number since 1970-01-01 of a proleptic Gregorian date, and back
 * (H. Hinnant's days_from_civil algorithm). */
static inline int64_t am_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}
static inline void am_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}
AM_HIDDEN int am_parse_date(const char *s, size_t n, int *y, int *m, int *d);

#endif
