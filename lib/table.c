/* The column store: tables built from caller arrays, getters, roles.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_names[ARMOEDE_ROLE_COUNT_] = {
    "person_id", "household_id", "year", "income", "norm", "ratio_pct", "household_type",
    "age_band", "birth_year", "age", "minor", "n_persons", "n_minors", "weight", "whole_year",
    "student", "institutional", "wealth", "area", "income_source"};

const char *armoede_role_name(armoede_role role)
{
    if ((int)role < 0 || role >= ARMOEDE_ROLE_COUNT_) return NULL;
    return role_names[role];
}

int armoede_role_from_name(const char *name)
{
    if (!name) return am_fail(ARMOEDE_EINVAL, "role name is NULL");
    for (int r = 0; r < ARMOEDE_ROLE_COUNT_; r++)
        if (strcmp(role_names[r], name) == 0) return r;
    return am_fail(ARMOEDE_ENOTFOUND, "no role named '%s'", name);
}

int armoede_table_new(size_t nrows, armoede_table **out)
{
    if (!out) return am_fail(ARMOEDE_EINVAL, "armoede_table_new: out is NULL");
    *out = NULL;
    armoede_table *t = calloc(1, sizeof *t);
    if (!t) return am_fail(ARMOEDE_ENOMEM, "out of memory creating a table");
    t->nrows = nrows;
    for (int r = 0; r < ARMOEDE_ROLE_COUNT_; r++) t->role[r] = -1;
    *out = t;
    return ARMOEDE_OK;
}

void armoede_table_free(armoede_table *t)
{
    if (!t) return;
    for (size_t j = 0; j < t->ncols; j++) {
        free(t->cols[j].name);
        if (t->cols[j].owned) free(t->cols[j].v.p);
        am_dict_free(&t->cols[j].dict);
    }
    free(t->cols);
    free(t->source);
    free(t->lines);
    free(t);
}

int am_table_find(const armoede_table *t, const char *name)
{
    if (!t || !name) return -1;
    for (size_t j = 0; j < t->ncols; j++)
        if (strcmp(t->cols[j].name, name) == 0) return (int)j;
    return -1;
}

int am_int_finish(am_col *c, size_t n)
{
    const int64_t *x = c->v.i;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        int64_t v = x[i];
        if (v == ARMOEDE_NA_INT) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
    }
    c->imin = lo;
    c->imax = hi;
    c->width = 8;
    if (!c->owned || n == 0) return 0;
    int w = 8;
    if (lo > hi || (lo > INT8_MIN && hi <= INT8_MAX)) w = 1;
    else if (lo > INT16_MIN && hi <= INT16_MAX) w = 2;
    else if (lo > INT32_MIN && hi <= INT32_MAX) w = 4;
    if (w == 8) return 0;
    /* narrow in place, front to back (each write lands at or before its read) */
    void *d = c->v.p;
    for (size_t i = 0; i < n; i++) {
        int64_t v = x[i];
        switch (w) {
        case 1: ((int8_t *)d)[i] = v == ARMOEDE_NA_INT ? INT8_MIN : (int8_t)v; break;
        case 2: ((int16_t *)d)[i] = v == ARMOEDE_NA_INT ? INT16_MIN : (int16_t)v; break;
        default: ((int32_t *)d)[i] = v == ARMOEDE_NA_INT ? INT32_MIN : (int32_t)v; break;
        }
    }
    void *q = realloc(d, n * (size_t)w);
    if (q) c->v.p = q; /* a failed shrink keeps the larger block: still valid */
    c->width = w;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int am_int_levels(const am_col *c, size_t n, int64_t **out, size_t *nout)
{
    size_t m = 0, u = 0;
    int64_t *v;
    if (c->imin <= c->imax && (uint64_t)(c->imax - c->imin) < 65536) {
        /* a small range: mark the values present */
        size_t span = (size_t)(c->imax - c->imin) + 1;
        uint8_t *seen = calloc(span, 1);
        v = malloc(span * sizeof *v);
        if (!seen || !v) { free(seen); free(v); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
        for (size_t i = 0; i < n; i++) { int64_t x = am_ival(c, i); if (x != ARMOEDE_NA_INT) seen[x - c->imin] = 1; }
        for (size_t k = 0; k < span; k++) if (seen[k]) v[u++] = c->imin + (int64_t)k;
        free(seen);
    } else {
        v = malloc((n ? n : 1) * sizeof *v);
        if (!v) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) if (am_ival(c, i) != ARMOEDE_NA_INT) v[m++] = am_ival(c, i);
        qsort(v, m, sizeof *v, cmp_i64);
        for (size_t i = 0; i < m; i++) if (!u || v[u - 1] != v[i]) v[u++] = v[i];
    }
    *out = v;
    *nout = u;
    return 0;
}

int am_table_push(armoede_table *t, const char *name, int type, void *data, int owned,
                  am_dict *dict)
{
    am_col *cols = am_grow(t->cols, &t->capcols, t->ncols + 1, sizeof *cols);
    if (!cols) return am_fail(ARMOEDE_ENOMEM, "out of memory adding column '%s'", name);
    t->cols = cols;
    am_col *c = &t->cols[t->ncols];
    memset(c, 0, sizeof *c);
    c->name = am_strdup(name);
    if (!c->name) return am_fail(ARMOEDE_ENOMEM, "out of memory adding column '%s'", name);
    c->type = type;
    c->v.p = data;
    c->owned = owned;
    if (dict) { c->dict = *dict; memset(dict, 0, sizeof *dict); }
    c->width = 8; /* INT: int64 until am_int_finish or the reader says otherwise */
    t->ncols++;
    return ARMOEDE_OK;
}

static int check_add(armoede_table *t, const char *name, const void *x, size_t n, const char *fn)
{
    if (!t || !name) return am_fail(ARMOEDE_EINVAL, "%s: table or name is NULL", fn);
    if (!x && n > 0) return am_fail(ARMOEDE_EINVAL, "%s: data for column '%s' is NULL", fn, name);
    if (n != t->nrows)
        return am_fail(ARMOEDE_EINVAL, "%s: column '%s' has %zu values, the table has %zu rows",
                       fn, name, n, t->nrows);
    if (!*name) return am_fail(ARMOEDE_EINVAL, "%s: empty column name", fn);
    if (am_table_find(t, name) >= 0)
        return am_fail(ARMOEDE_EINVAL, "%s: the table already has a column '%s'", fn, name);
    return ARMOEDE_OK;
}

static int add_numeric(armoede_table *t, const char *name, const void *x, size_t n, int copy,
                       int type, const char *fn)
{
    int rc = check_add(t, name, x, n, fn);
    if (rc) return rc;
    void *data = (void *)(uintptr_t)x;
    if (copy && n > 0) {
        data = malloc(n * 8);
        if (!data) return am_fail(ARMOEDE_ENOMEM, "out of memory copying column '%s'", name);
        memcpy(data, x, n * 8);
    }
    rc = am_table_push(t, name, type, data, copy && n > 0, NULL);
    if (rc && copy) free(data);
    if (!rc && type == ARMOEDE_TYPE_INT) am_int_finish(&t->cols[t->ncols - 1], n);
    return rc;
}

int armoede_table_add_real(armoede_table *t, const char *name, const double *x, size_t n, int copy)
{
    return add_numeric(t, name, x, n, copy, ARMOEDE_TYPE_REAL, "armoede_table_add_real");
}

int armoede_table_add_int(armoede_table *t, const char *name, const int64_t *x, size_t n, int copy)
{
    return add_numeric(t, name, x, n, copy, ARMOEDE_TYPE_INT, "armoede_table_add_int");
}

int armoede_table_add_int32(armoede_table *t, const char *name, const int32_t *x, size_t n)
{
    int rc = check_add(t, name, x, n, "armoede_table_add_int32");
    if (rc) return rc;
    int64_t *data = malloc((n ? n : 1) * sizeof *data);
    if (!data) return am_fail(ARMOEDE_ENOMEM, "out of memory copying column '%s'", name);
    for (size_t i = 0; i < n; i++) data[i] = x[i] == INT32_MIN ? ARMOEDE_NA_INT : x[i];
    rc = am_table_push(t, name, ARMOEDE_TYPE_INT, data, 1, NULL);
    if (rc) free(data);
    else am_int_finish(&t->cols[t->ncols - 1], n);
    return rc;
}

int armoede_table_add_date(armoede_table *t, const char *name, const int32_t *days, size_t n)
{
    int rc = check_add(t, name, days, n, "armoede_table_add_date");
    if (rc) return rc;
    int64_t *data = malloc((n ? n : 1) * sizeof *data);
    if (!data) return am_fail(ARMOEDE_ENOMEM, "out of memory copying column '%s'", name);
    for (size_t i = 0; i < n; i++) data[i] = days[i] == INT32_MIN ? ARMOEDE_NA_INT : days[i];
    rc = am_table_push(t, name, ARMOEDE_TYPE_INT, data, 1, NULL);
    if (rc) free(data);
    else {
        t->cols[t->ncols - 1].date = 1;
        am_int_finish(&t->cols[t->ncols - 1], n);
    }
    return rc;
}

/* Days 1 (0001-01-01) .. 9999-12-31 */
#define AM_DAY_MIN (-719162)
#define AM_DAY_MAX 2932896

int armoede_date_from_ymd(int y, int m, int d, int32_t *day)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!day) return am_fail(ARMOEDE_EINVAL, "armoede_date_from_ymd: day is NULL");
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap))
        return am_fail(ARMOEDE_EINVAL, "%04d-%02d-%02d is not a date", y, m, d);
    *day = (int32_t)am_days_from_civil(y, m, d);
    return ARMOEDE_OK;
}

int armoede_date_to_ymd(int32_t day, int *y, int *m, int *d)
{
    if (!y || !m || !d) return am_fail(ARMOEDE_EINVAL, "armoede_date_to_ymd: NULL argument");
    if (day < AM_DAY_MIN || day > AM_DAY_MAX)
        return am_fail(ARMOEDE_EINVAL, "day number %ld is outside the years 1 to 9999", (long)day);
    am_civil_from_days(day, y, m, d);
    return ARMOEDE_OK;
}

int armoede_table_add_cat(armoede_table *t, const char *name, const int32_t *codes, size_t n,
                          const char *const *labels, size_t nlabels)
{
    int rc = check_add(t, name, codes, n, "armoede_table_add_cat");
    if (rc) return rc;
    if (!labels && nlabels > 0)
        return am_fail(ARMOEDE_EINVAL, "armoede_table_add_cat: labels of '%s' are NULL", name);
    if (nlabels >= INT32_MAX)
        return am_fail(ARMOEDE_EINVAL, "armoede_table_add_cat: too many labels for '%s'", name);
    am_dict d = {0};
    for (size_t k = 0; k < nlabels; k++) {
        if (!labels[k]) {
            am_dict_free(&d);
            return am_fail(ARMOEDE_EINVAL, "column '%s': label %zu is NULL", name, k);
        }
        size_t before = d.n;
        if (am_dict_intern(&d, labels[k], strlen(labels[k])) < 0) { am_dict_free(&d); return ARMOEDE_ENOMEM; }
        if (d.n == before) {
            am_dict_free(&d);
            return am_fail(ARMOEDE_EINVAL, "column '%s': label '%s' occurs twice", name, labels[k]);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (codes[i] < -1 || (codes[i] >= 0 && (size_t)codes[i] >= nlabels)) {
            am_dict_free(&d);
            return am_fail(ARMOEDE_EINVAL, "column '%s', row %zu: code %d is not in 0..%zu (or -1 for missing)",
                           name, i, (int)codes[i], nlabels ? nlabels - 1 : 0);
        }
    int32_t *data = malloc((n ? n : 1) * sizeof *data);
    if (!data) { am_dict_free(&d); return am_fail(ARMOEDE_ENOMEM, "out of memory copying column '%s'", name); }
    if (n) memcpy(data, codes, n * sizeof *data);
    rc = am_table_push(t, name, ARMOEDE_TYPE_CAT, data, 1, &d);
    if (rc) { free(data); am_dict_free(&d); }
    return rc;
}

int armoede_table_add_text(armoede_table *t, const char *name, const char *const *values, size_t n)
{
    int rc = check_add(t, name, values, n, "armoede_table_add_text");
    if (rc) return rc;
    am_dict d = {0};
    int32_t *data = malloc((n ? n : 1) * sizeof *data);
    if (!data) return am_fail(ARMOEDE_ENOMEM, "out of memory copying column '%s'", name);
    for (size_t i = 0; i < n; i++) {
        if (!values[i]) { data[i] = -1; continue; }
        int32_t c = am_dict_intern(&d, values[i], strlen(values[i]));
        if (c < 0) { free(data); am_dict_free(&d); return ARMOEDE_ENOMEM; }
        data[i] = c;
    }
    rc = am_table_push(t, name, ARMOEDE_TYPE_CAT, data, 1, &d);
    if (rc) { free(data); am_dict_free(&d); }
    return rc;
}

size_t armoede_table_nrows(const armoede_table *t) { return t ? t->nrows : 0; }
size_t armoede_table_ncols(const armoede_table *t) { return t ? t->ncols : 0; }

const char *armoede_table_colname(const armoede_table *t, size_t j)
{
    return (t && j < t->ncols) ? t->cols[j].name : NULL;
}

int armoede_table_coltype(const armoede_table *t, const char *name)
{
    int j = am_table_find(t, name);
    if (j < 0) return am_fail(ARMOEDE_ENOTFOUND, "no column '%s'", name ? name : "(null)");
    return t->cols[j].date ? ARMOEDE_TYPE_DATE : t->cols[j].type;
}

size_t armoede_table_nmissing(const armoede_table *t, const char *name)
{
    int j = am_table_find(t, name);
    if (j < 0) return 0;
    const am_col *c = &t->cols[j];
    size_t k = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        switch (c->type) {
        case ARMOEDE_TYPE_INT: k += am_ival(c, i) == ARMOEDE_NA_INT; break;
        case ARMOEDE_TYPE_REAL: k += isnan(c->v.r[i]); break;
        default: k += c->v.c[i] < 0; break;
        }
    }
    return k;
}

static const am_col *getcol(const armoede_table *t, const char *name, size_t i, int *rc)
{
    int j = am_table_find(t, name);
    if (j < 0) { *rc = am_fail(ARMOEDE_ENOTFOUND, "no column '%s'", name ? name : "(null)"); return NULL; }
    if (i >= t->nrows) { *rc = am_fail(ARMOEDE_EINVAL, "row %zu out of range (%zu rows)", i, t->nrows); return NULL; }
    *rc = 0;
    return &t->cols[j];
}

int armoede_table_get_real(const armoede_table *t, const char *name, size_t i, double *value)
{
    int rc;
    if (!value) return am_fail(ARMOEDE_EINVAL, "armoede_table_get_real: value is NULL");
    const am_col *c = getcol(t, name, i, &rc);
    if (!c) return rc;
    if (c->type == ARMOEDE_TYPE_REAL) *value = c->v.r[i];
    else if (c->type == ARMOEDE_TYPE_INT) *value = am_ival(c, i) == ARMOEDE_NA_INT ? NAN : (double)am_ival(c, i);
    else return am_fail(ARMOEDE_ETYPE, "column '%s' is categorical, not numeric", name);
    return ARMOEDE_OK;
}

int armoede_table_get_int(const armoede_table *t, const char *name, size_t i, int64_t *value)
{
    int rc;
    if (!value) return am_fail(ARMOEDE_EINVAL, "armoede_table_get_int: value is NULL");
    const am_col *c = getcol(t, name, i, &rc);
    if (!c) return rc;
    if (c->type != ARMOEDE_TYPE_INT) return am_fail(ARMOEDE_ETYPE, "column '%s' is not an integer column", name);
    *value = am_ival(c, i);
    return ARMOEDE_OK;
}

const char *armoede_table_get_label(const armoede_table *t, const char *name, size_t i)
{
    int j = am_table_find(t, name);
    if (j < 0 || i >= t->nrows || t->cols[j].type != ARMOEDE_TYPE_CAT) return NULL;
    int32_t c = t->cols[j].v.c[i];
    return c < 0 ? NULL : t->cols[j].dict.labels[c];
}

size_t armoede_table_nlevels(const armoede_table *t, const char *name)
{
    int j = am_table_find(t, name);
    if (j < 0 || t->cols[j].type != ARMOEDE_TYPE_CAT) return 0;
    return t->cols[j].dict.n;
}

const char *armoede_table_level(const armoede_table *t, const char *name, int32_t code)
{
    int j = am_table_find(t, name);
    if (j < 0 || t->cols[j].type != ARMOEDE_TYPE_CAT || code < 0 || (size_t)code >= t->cols[j].dict.n)
        return NULL;
    return t->cols[j].dict.labels[code];
}

/* Which column types a role may take: bit 1<<type. */
static unsigned role_types(int role)
{
    const unsigned I = 1u << ARMOEDE_TYPE_INT, R = 1u << ARMOEDE_TYPE_REAL, C = 1u << ARMOEDE_TYPE_CAT;
    switch (role) {
    case ARMOEDE_ROLE_PERSON_ID: case ARMOEDE_ROLE_HOUSEHOLD_ID: return I | C;
    case ARMOEDE_ROLE_INCOME: case ARMOEDE_ROLE_NORM: case ARMOEDE_ROLE_RATIO_PCT:
    case ARMOEDE_ROLE_WEIGHT: case ARMOEDE_ROLE_WEALTH: return I | R;
    case ARMOEDE_ROLE_HOUSEHOLD_TYPE: case ARMOEDE_ROLE_AGE_BAND: case ARMOEDE_ROLE_AREA:
    case ARMOEDE_ROLE_INCOME_SOURCE: return C;
    default: return I;
    }
}

static const char *type_name(const am_col *c)
{
    return c->date ? "a date" : c->type == ARMOEDE_TYPE_INT ? "integer" : c->type == ARMOEDE_TYPE_REAL ? "real" : "categorical";
}

int armoede_table_set_role(armoede_table *t, armoede_role role, const char *column)
{
    if (!t) return am_fail(ARMOEDE_EINVAL, "armoede_table_set_role: table is NULL");
    if ((int)role < 0 || role >= ARMOEDE_ROLE_COUNT_) return am_fail(ARMOEDE_EINVAL, "no role number %d", (int)role);
    if (!column) { t->role[role] = -1; return ARMOEDE_OK; }
    int j = am_table_find(t, column);
    if (j < 0) return am_fail(ARMOEDE_ENOTFOUND, "role %s: the table has no column '%s'", role_names[role], column);
    if (!(role_types(role) & (1u << t->cols[j].type)) || t->cols[j].date)
        return am_fail(ARMOEDE_ETYPE, "role %s cannot take column '%s': it is %s", role_names[role],
                       column, type_name(&t->cols[j]));
    t->role[role] = j;
    return ARMOEDE_OK;
}

const char *armoede_table_role(const armoede_table *t, armoede_role role)
{
    if (!t || (int)role < 0 || role >= ARMOEDE_ROLE_COUNT_ || t->role[role] < 0) return NULL;
    return t->cols[t->role[role]].name;
}

unsigned long am_table_line(const armoede_table *t, size_t i)
{
    return t->lines ? t->lines[i] : (unsigned long)i + 2;
}

const char *am_table_where(const armoede_table *t, size_t i, char *buf, size_t n)
{
    if (t->source) snprintf(buf, n, "%s line %lu", t->source, am_table_line(t, i));
    else snprintf(buf, n, "row %zu", i);
    return buf;
}

const char *am_col_label(const am_col *c, size_t i, char *buf, size_t n)
{
    switch (c->type) {
    case ARMOEDE_TYPE_CAT: return c->v.c[i] < 0 ? NULL : c->dict.labels[c->v.c[i]];
    case ARMOEDE_TYPE_INT:
        if (am_ival(c, i) == ARMOEDE_NA_INT) return NULL;
        if (c->date) {
            int y, m, d;
            am_civil_from_days(am_ival(c, i), &y, &m, &d);
            snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
            return buf;
        }
        snprintf(buf, n, "%" PRId64, am_ival(c, i));
        return buf;
    default:
        if (isnan(c->v.r[i])) return NULL;
        snprintf(buf, n, "%.17g", c->v.r[i]);
        return buf;
    }
}
