/*
 * Unit tests of results: getters, armoede_result_append and the CSV / JSON
 * writers (include/armoede.h), incl. default disclosure control on write.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "armoede.h"
#include "testutil.h"

/* ------------------------------------------------------------------------
 * Temporary directories
 * ---------------------------------------------------------------------- */
static char g_dir[256];

static int group_setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/armoede-test-result-XXXXXX");
    return mkdtemp(g_dir) ? 0 : -1;
}

static void remove_tree(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char p[1024];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            struct stat st;
            if (depth < 4 && lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(p, depth + 1);
            else
                remove(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

static int group_teardown(void **state)
{
    (void)state;
    remove_tree(g_dir, 0);
    return 0;
}

/* A fresh empty directory (static buffers rotated over 4 slots). */
static const char *fresh_dir(void)
{
    static char buf[4][512];
    static int slot = 0;
    slot = (slot + 1) % 4;
    snprintf(buf[slot], sizeof buf[slot], "%s/wXXXXXX", g_dir);
    assert_non_null(mkdtemp(buf[slot]));
    return buf[slot];
}

static const char *join(const char *dir, const char *name)
{
    static char buf[4][600];
    static int slot = 0;
    slot = (slot + 1) % 4;
    snprintf(buf[slot], sizeof buf[slot], "%s/%s", dir, name);
    return buf[slot];
}

/* Number of entries of dir; *only receives the name when there is one. */
static int count_entries(const char *dir, char *only, size_t only_size)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (only && n == 0)
            snprintf(only, only_size, "%s", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* ------------------------------------------------------------------------
 * A small CSV parser for checking written files (RFC 4180 quoting).
 * ---------------------------------------------------------------------- */
typedef struct {
    size_t nrows;
    size_t nf[64];
    char *f[64][64];
} csv_t;

static void csv_free(csv_t *c)
{
    for (size_t i = 0; i < c->nrows; i++)
        for (size_t j = 0; j < c->nf[i]; j++)
            free(c->f[i][j]);
    free(c);
}

static csv_t *csv_parse(const char *path, char sep)
{
    char *text = slurp(path);
    csv_t *c = calloc(1, sizeof *c);
    assert_non_null(c);
    const char *s = text;
    size_t len = strlen(text);
    char *field = malloc(len + 1);
    assert_non_null(field);
    while (*s) {
        assert_true(c->nrows < 64);
        size_t row = c->nrows++;
        for (;;) {
            size_t k = 0;
            if (*s == '"') {
                s++;
                for (;;) {
                    assert_true(*s != '\0'); /* unterminated quote */
                    if (*s == '"' && s[1] == '"') {
                        field[k++] = '"';
                        s += 2;
                    } else if (*s == '"') {
                        s++;
                        break;
                    } else {
                        field[k++] = *s++;
                    }
                }
            } else {
                while (*s && *s != sep && *s != '\n' && *s != '\r')
                    field[k++] = *s++;
            }
            field[k] = '\0';
            assert_true(c->nf[row] < 64);
            c->f[row][c->nf[row]++] = strdup(field);
            if (*s == sep) {
                s++;
                continue;
            }
            if (*s == '\r')
                s++;
            if (*s == '\n')
                s++;
            break;
        }
    }
    free(field);
    free(text);
    return c;
}

static long csv_col(const csv_t *c, const char *name)
{
    for (size_t j = 0; j < c->nf[0]; j++)
        if (strcmp(c->f[0][j], name) == 0)
            return (long)j;
    print_error("no column %s in the CSV header\n", name);
    fail();
    return -1;
}

/* The data row whose column `col` equals `val` (exactly one). */
static size_t csv_row(const csv_t *c, const char *col, const char *val)
{
    long j = csv_col(c, col);
    size_t found = 0;
    int n = 0;
    for (size_t i = 1; i < c->nrows; i++)
        if ((size_t)j < c->nf[i] && strcmp(c->f[i][j], val) == 0) {
            found = i;
            n++;
        }
    if (n != 1) {
        print_error("%d CSV rows with %s = %s\n", n, col, val);
        fail();
    }
    return found;
}

static const char *csv_get(const csv_t *c, size_t row, const char *col)
{
    long j = csv_col(c, col);
    assert_true((size_t)j < c->nf[row]);
    return c->f[row][j];
}

/* ------------------------------------------------------------------------
 * Results from armoede_minima on a hand-built household table.
 *
 *   region htype   low(50%) high(200%)
 *   A      single      5        5
 *   A      couple      0       10
 *   B      single      5       10
 *   B      couple      5       10
 *   C      single     10       10
 *   C      couple     10       15
 * At threshold 1.0, by region: A 5/20, B 10/30, C 20/45, Total 35/95;
 * by htype: single 20/45, couple 15/50, Total 35/95.
 * Default protection by region: A primary (num 5 < 10); line {A,B,C,Total}
 * has A alone -> B (den 30 < 45) secondary. By htype nothing is suppressed.
 * ---------------------------------------------------------------------- */
static armoede_table *make_table(void)
{
    static const struct { const char *region, *htype; int low, high; } g[] = {
        {"A", "single", 5, 5},   {"A", "couple", 0, 10}, {"B", "single", 5, 10},
        {"B", "couple", 5, 10},  {"C", "single", 10, 10}, {"C", "couple", 10, 15}};
    size_t n = 0;
    for (size_t k = 0; k < 6; k++)
        n += (size_t)(g[k].low + g[k].high);
    int64_t *id = malloc(n * sizeof *id), *year = malloc(n * sizeof *year);
    double *pct = malloc(n * sizeof *pct);
    const char **region = malloc(n * sizeof *region), **htype = malloc(n * sizeof *htype);
    assert_true(id && year && pct && region && htype);
    size_t i = 0;
    for (size_t k = 0; k < 6; k++)
        for (int j = 0; j < g[k].low + g[k].high; j++, i++) {
            id[i] = (int64_t)i + 100;
            year[i] = 2023;
            pct[i] = j < g[k].low ? 50.0 : 200.0;
            region[i] = g[k].region;
            htype[i] = g[k].htype;
        }
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(n, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "hh", id, n, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "jaar", year, n, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "pct", pct, n, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_text(t, "region", region, n), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_text(t, "htype", htype, n), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_ID, "hh"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "jaar"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_RATIO_PCT, "pct"), ARMOEDE_OK);
    free(id);
    free(year);
    free(pct);
    free(region);
    free(htype);
    return t;
}

static armoede_result *minima_by(const char *by_col)
{
    static const double thr[] = {1.0};
    const char *by[1] = {by_col};
    armoede_table *t = make_table();
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = thr;
    o.n_thresholds = 1;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    o.by = by;
    o.n_by = 1;
    o.margins = by;
    o.n_margins = 1;
    o.filter_whole_year = 0;
    o.filter_student = 0;
    o.filter_institutional = 0;
    armoede_result *r = NULL;
    int rc = armoede_minima(t, &o, &r);
    if (rc != ARMOEDE_OK) {
        print_error("armoede_minima = %d: %s\n", rc, armoede_last_error());
        fail();
    }
    armoede_table_free(t);
    assert_non_null(r);
    return r;
}

static long key_index(const armoede_result *r, const char *name)
{
    for (size_t k = 0; k < armoede_result_nkeys(r); k++) {
        const char *kn = armoede_result_key_name(r, k);
        if (kn && strcmp(kn, name) == 0)
            return (long)k;
    }
    return -1;
}

static size_t row_with(const armoede_result *r, const char *key, const char *label)
{
    long k = key_index(r, key);
    assert_true(k >= 0);
    size_t found = 0;
    int n = 0;
    for (size_t i = 0; i < armoede_result_nrows(r); i++) {
        const char *l = armoede_result_key(r, i, (size_t)k);
        if (l && strcmp(l, label) == 0) {
            found = i;
            n++;
        }
    }
    if (n != 1) {
        print_error("%d rows with %s = %s\n", n, key, label);
        fail();
    }
    return found;
}



static void write_csv_ok(const armoede_result *r, const char *path, const armoede_write_options *o)
{
    int rc = armoede_result_write_csv(r, path, o);
    if (rc != ARMOEDE_OK) {
        print_error("write_csv(%s) = %d: %s\n", path, rc, armoede_last_error());
        fail();
    }
}

static void write_json_ok(const armoede_result *r, const char *path, const armoede_write_options *o)
{
    int rc = armoede_result_write_json(r, path, o);
    if (rc != ARMOEDE_OK) {
        print_error("write_json(%s) = %d: %s\n", path, rc, armoede_last_error());
        fail();
    }
}

static char *fmt17(double v)
{
    static char buf[4][40];
    static int slot = 0;
    slot = (slot + 1) % 4;
    snprintf(buf[slot], sizeof buf[slot], "%.17g", v);
    return buf[slot];
}

/* ------------------------------------------------------------------------
 * Getters
 * ---------------------------------------------------------------------- */
static void test_result_getters(void **state)
{
    (void)state;
    armoede_result *r = minima_by("region");
    assert_int_equal(armoede_result_nrows(r), 4); /* A, B, C, Total */
    assert_true(key_index(r, "region") >= 0);
    assert_int_equal(armoede_result_protected(r), 0);
    const struct { const char *l; double num, den; } want[] = {
        {"A", 5, 20}, {"B", 10, 30}, {"C", 20, 45}, {"Total", 35, 95}};
    for (size_t k = 0; k < 4; k++) {
        size_t i = row_with(r, "region", want[k].l);
        assert_str(armoede_result_indicator(r, i), "minima");
        assert_str(armoede_result_unit(r, i), "households");
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_THRESHOLD), 1.0, 0);
        assert_true(isnan(armoede_result_value(r, i, ARMOEDE_FIELD_DURATION)));
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_NUM_W), want[k].num, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_DEN_W), want[k].den, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_NUM_N), want[k].num, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_DEN_N), want[k].den, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE),
                     want[k].num / want[k].den, 1e-15);
        /* register data (no weight role): no sampling error */
        assert_true(isnan(armoede_result_value(r, i, ARMOEDE_FIELD_SE)));
        assert_int_equal(armoede_result_status(r, i), ARMOEDE_CELL_OK);
        assert_int_equal(armoede_result_rounded(r, i), 0);
        assert_str(armoede_result_reason(r, i), "");
    }
    for (size_t i = 0; i < armoede_result_nnotes(r); i++)
        assert_non_null(armoede_result_note(r, i));
    armoede_result_free(r);
}

static void test_result_out_of_range(void **state)
{
    (void)state;
    armoede_result *r = minima_by("region");
    size_t n = armoede_result_nrows(r), nk = armoede_result_nkeys(r);
    assert_true(isnan(armoede_result_value(r, n, ARMOEDE_FIELD_ESTIMATE)));
    assert_true(isnan(armoede_result_value(r, 0, ARMOEDE_FIELD_COUNT_)));
    assert_int_equal(armoede_result_status(r, n), ARMOEDE_EINVAL);
    assert_null(armoede_result_key(r, n, 0));
    assert_null(armoede_result_key(r, 0, nk));
    armoede_result_free(r);
}

/* ------------------------------------------------------------------------
 * Append
 * ---------------------------------------------------------------------- */
static void test_result_append_unites_keys(void **state)
{
    (void)state;
    armoede_result *dst = minima_by("region");
    armoede_result *src = minima_by("htype");
    size_t nd = armoede_result_nrows(dst), ns = armoede_result_nrows(src);
    assert_int_equal(nd, 4);
    assert_int_equal(ns, 3);
    /* the united key set: names of both, each once */
    size_t n_union = armoede_result_nkeys(dst);
    for (size_t k = 0; k < armoede_result_nkeys(src); k++)
        if (key_index(dst, armoede_result_key_name(src, k)) < 0)
            n_union++;
    assert_int_equal(armoede_result_append(dst, src), ARMOEDE_OK);
    assert_int_equal(armoede_result_nrows(dst), 7);
    assert_int_equal(armoede_result_nkeys(dst), n_union);
    long kr = key_index(dst, "region"), kt = key_index(dst, "htype");
    assert_true(kr >= 0 && kt >= 0);
    /* rows from src have no region key, rows of dst no htype key */
    size_t single = row_with(dst, "htype", "single");
    assert_null(armoede_result_key(dst, single, (size_t)kr));
    assert_close(armoede_result_value(dst, single, ARMOEDE_FIELD_NUM_N), 20, 0);
    assert_close(armoede_result_value(dst, single, ARMOEDE_FIELD_DEN_N), 45, 0);
    size_t b = row_with(dst, "region", "B");
    assert_null(armoede_result_key(dst, b, (size_t)kt));
    assert_close(armoede_result_value(dst, b, ARMOEDE_FIELD_DEN_N), 30, 0);
    /* both Totals are there, each under its own key */
    size_t tr = row_with(dst, "region", "Total"), tt = row_with(dst, "htype", "Total");
    assert_true(tr != tt);
    /* src is unchanged */
    assert_int_equal(armoede_result_nrows(src), 3);
    assert_int_equal(key_index(src, "region"), -1);
    armoede_result_free(dst);
    armoede_result_free(src);
}

static void test_result_append_mixed_protection_einval(void **state)
{
    (void)state;
    armoede_result *a = minima_by("region");
    armoede_result *b = minima_by("htype");
    assert_int_equal(armoede_sdc_apply(b, NULL), ARMOEDE_OK);
    assert_int_equal(armoede_result_append(a, b), ARMOEDE_EINVAL);
    assert_int_equal(armoede_result_nrows(a), 4);
    assert_int_equal(armoede_result_append(b, a), ARMOEDE_EINVAL);
    assert_int_equal(armoede_result_nrows(b), 3);
    armoede_result_free(a);
    armoede_result_free(b);
}

static void test_result_append_protected_both_ok(void **state)
{
    (void)state;
    armoede_result *a = minima_by("region");
    armoede_result *b = minima_by("htype");
    assert_int_equal(armoede_sdc_apply(a, NULL), ARMOEDE_OK);
    assert_int_equal(armoede_sdc_apply(b, NULL), ARMOEDE_OK);
    assert_int_equal(armoede_result_append(a, b), ARMOEDE_OK);
    assert_int_equal(armoede_result_nrows(a), 7);
    assert_int_equal(armoede_result_protected(a), 1);
    /* statuses travel with the rows: A primary, B secondary */
    assert_int_equal(armoede_result_status(a, row_with(a, "region", "A")),
                     ARMOEDE_CELL_SUPPRESSED_PRIMARY);
    assert_int_equal(armoede_result_status(a, row_with(a, "region", "B")),
                     ARMOEDE_CELL_SUPPRESSED_SECONDARY);
    assert_true(isnan(armoede_result_value(a, row_with(a, "region", "A"), ARMOEDE_FIELD_ESTIMATE)));
    assert_int_equal(armoede_result_status(a, row_with(a, "htype", "single")), ARMOEDE_CELL_OK);
    armoede_result_free(a);
    armoede_result_free(b);
}

static void test_result_append_null_einval(void **state)
{
    (void)state;
    armoede_result *a = minima_by("region");
    assert_int_equal(armoede_result_append(a, NULL), ARMOEDE_EINVAL);
    assert_int_equal(armoede_result_append(NULL, a), ARMOEDE_EINVAL);
    assert_int_equal(armoede_result_nrows(a), 4);
    armoede_result_free(a);
}

/* ------------------------------------------------------------------------
 * CSV writer
 * ---------------------------------------------------------------------- */
static void check_header(const csv_t *c, const armoede_result *r)
{
    /* indicator, unit, threshold, duration, <keys>, estimate, numerator,
     * denominator, numerator_n, denominator_n, se, ci_low, ci_high, reference,
     * statistic, p_value, status, rounded, reason */
    static const char *const head[] = {"indicator", "unit", "threshold", "duration"};
    static const char *const tail[] = {"estimate", "numerator", "denominator", "numerator_n",
                                       "denominator_n", "se", "ci_low", "ci_high",
                                       "reference", "statistic", "p_value", "status", "rounded", "reason"};
    size_t nk = armoede_result_nkeys(r);
    assert_int_equal(c->nf[0], 4 + nk + 14);
    for (size_t j = 0; j < 4; j++)
        assert_string_equal(c->f[0][j], head[j]);
    for (size_t k = 0; k < nk; k++)
        assert_string_equal(c->f[0][4 + k], armoede_result_key_name(r, k));
    for (size_t j = 0; j < 14; j++)
        assert_string_equal(c->f[0][4 + nk + j], tail[j]);
    for (size_t i = 1; i < c->nrows; i++)
        assert_int_equal(c->nf[i], c->nf[0]);
}

static void test_write_csv_header_and_values_unprotected(void **state)
{
    (void)state;
    armoede_result *r = minima_by("region");
    const char *dir = fresh_dir();
    const char *p = join(dir, "out.csv");
    armoede_write_options o = ARMOEDE_WRITE_OPTIONS_INIT;
    o.unprotected = 1;
    write_csv_ok(r, p, &o);
    csv_t *c = csv_parse(p, ',');
    check_header(c, r);
    assert_int_equal(c->nrows, 1 + 4);
    size_t a = csv_row(c, "region", "A");
    assert_string_equal(csv_get(c, a, "indicator"), "minima");
    assert_string_equal(csv_get(c, a, "unit"), "households");
    assert_close(strtod(csv_get(c, a, "threshold"), NULL), 1.0, 0);
    assert_string_equal(csv_get(c, a, "duration"), ""); /* NaN: no duration */
    assert_close(strtod(csv_get(c, a, "estimate"), NULL), 0.25, 0);
    assert_close(strtod(csv_get(c, a, "numerator"), NULL), 5, 0);
    assert_close(strtod(csv_get(c, a, "denominator"), NULL), 20, 0);
    assert_close(strtod(csv_get(c, a, "numerator_n"), NULL), 5, 0);
    assert_close(strtod(csv_get(c, a, "denominator_n"), NULL), 20, 0);
    assert_string_equal(csv_get(c, a, "se"), "");
    assert_string_equal(csv_get(c, a, "ci_low"), "");
    assert_string_equal(csv_get(c, a, "ci_high"), "");
    assert_string_equal(csv_get(c, a, "reference"), ""); /* NaN: nothing compared with */
    assert_true(strlen(csv_get(c, a, "status")) > 0);
    assert_true(strlen(csv_get(c, a, "rounded")) > 0);
    assert_string_equal(csv_get(c, a, "reason"), "");
    size_t t = csv_row(c, "region", "Total");
    assert_close(strtod(csv_get(c, t, "denominator_n"), NULL), 95, 0);
    /* in memory it is still unprotected */
    assert_int_equal(armoede_result_protected(r), 0);
    csv_free(c);
    armoede_result_free(r);
}

static void test_write_csv_numbers_round_trip(void **state)
{
    (void)state;
    armoede_result *r = minima_by("region");
    const char *dir = fresh_dir();
    const char *p = join(dir, "rt.csv");
    armoede_write_options o = ARMOEDE_WRITE_OPTIONS_INIT;
    o.unprotected = 1;
    write_csv_ok(r, p, &o);
    csv_t *c = csv_parse(p, ',');
    /* B: 10/30 = 1/3, C: 20/45 = 4/9, Total: 35/95 = 7/19, read back exactly */
    const char *labels[] = {"A", "B", "C", "Total"};
    for (size_t k = 0; k < 4; k++) {
        size_t i = row_with(r, "region", labels[k]);
        size_t row = csv_row(c, "region", labels[k]);
        double v = armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE);
        const char *s = csv_get(c, row, "estimate");
        if (strtod(s, NULL) != v) {
            print_error("estimate of %s written as %s, which is not %.17g\n", labels[k], s, v);
            fail();
        }
    }
    csv_free(c);
    armoede_result_free(r);
}

static void test_write_csv_numbers_shortest_round_trip(void **state)
{
    (void)state;
    armoede_result *r = minima_by("region");
    const char *dir = fresh_dir();
    const char *p = join(dir, "sig.csv");
    armoede_write_options o = ARMOEDE_WRITE_OPTIONS_INIT;
    o.unprotected = 1;
    write_csv_ok(r, p, &o);
    csv_t *c = csv_parse(p, ',');
    size_t b = csv_row(c, "region", "B"), t = csv_row(c, "region", "Total");
    char eb[64], et[64], db[64];
    snprintf(eb, sizeof eb, "%s", csv_get(c, b, "estimate"));
    snprintf(et, sizeof et, "%s", csv_get(c, t, "estimate"));
    snprintf(db, sizeof db, "%s", csv_get(c, b, "denominator"));
    csv_free(c); /* freed before the checks: a failure leaks nothing */
    armoede_result_free(r);
    /* "the shortest of 15, 16 or 17 significant digits that reads back
     * exactly": 1/3 -> 0.3333333333333333 (16 digits; 15 would not round-trip),
     * 35/95 -> 0.3684210526315789 */
    assert_string_equal(eb, "0.3333333333333333");
    assert_string_equal(et, "0.3684210526315789");
    assert_true(strtod(eb, NULL) == 10.0 / 30.0);
    assert_true(strtod(et, NULL) == 35.0 / 95.0);
    /* integral counts print as integers */
    assert_string_equal(db, "30");
}

static void test_write_csv_default_protection(void **state)
{
    (void)state;
    armoede_result *r = minima_by("region");
    const char *dir = fresh_dir();
    const char *p = join(dir, "prot.csv");
    write_csv_ok(r, p, NULL); /* NULL options: protection on */
    csv_t *c = csv_parse(p, ',');
    check_header(c, r);
    const char *hidden[] = {"estimate", "numerator", "denominator", "numerator_n",
                            "denominator_n", "se", "ci_low", "ci_high"};
    /* A primary, B secondary: every number empty, a reason given */
    size_t rows[2] = {csv_row(c, "region", "A"), csv_row(c, "region", "B")};
    for (size_t k = 0; k < 2; k++) {
        for (size_t j = 0; j < 8; j++)
            assert_string_equal(csv_get(c, rows[k], hidden[j]), "");
        assert_true(strlen(csv_get(c, rows[k], "reason")) > 0);
    }
    /* C and Total published */
    size_t cc = csv_row(c, "region", "C"), t = csv_row(c, "region", "Total");
    assert_close(strtod(csv_get(c, cc, "estimate"), NULL), 20.0 / 45.0, 1e-15);
    assert_close(strtod(csv_get(c, t, "numerator_n"), NULL), 35, 0);
    assert_string_equal(csv_get(c, cc, "reason"), "");
    /* the statuses of A, B and C are three different values */
    assert_string_not_equal(csv_get(c, rows[0], "status"), csv_get(c, rows[1], "status"));
    assert_string_not_equal(csv_get(c, rows[0], "status"), csv_get(c, cc, "status"));
    assert_string_not_equal(csv_get(c, rows[1], "status"), csv_get(c, cc, "status"));
    /* the in-memory result is untouched */
    assert_int_equal(armoede_result_protected(r), 0);
    size_t a = row_with(r, "region", "A");
    assert_int_equal(armoede_result_status(r, a), ARMOEDE_CELL_OK);
    assert_close(armoede_result_value(r, a, ARMOEDE_FIELD_ESTIMATE), 0.25, 0);
    assert_close(armoede_result_value(r, a, ARMOEDE_FIELD_NUM_N), 5, 0);
    csv_free(c);
    armoede_result_free(r);
}

static void test_write_csv_explicit_unprotected_zero_protects(void **state)
{
    (void)state;
    armoede_result *r = minima_by("region");
    const char *dir = fresh_dir();
    const char *p = join(dir, "prot0.csv");
    armoede_write_options o = ARMOEDE_WRITE_OPTIONS_INIT; /* unprotected = 0 */
    write_csv_ok(r, p, &o);
    csv_t *c = csv_parse(p, ',');
    assert_string_equal(csv_get(c, csv_row(c, "region", "A"), "estimate"), "");
    csv_free(c);
    armoede_result_free(r);
}

static void test_write_csv_protected_result_written_as_is(void **state)
{
    (void)state;
    /* protected with min_n 0: nothing suppressed; writing must not protect
     * it a second time with the defaults */
    armoede_result *r = minima_by("region");
    armoede_sdc_options so = ARMOEDE_SDC_OPTIONS_INIT;
    so.min_n = 0;
    assert_int_equal(armoede_sdc_apply(r, &so), ARMOEDE_OK);
    const char *dir = fresh_dir();
    const char *p = join(dir, "asis.csv");
    write_csv_ok(r, p, NULL);
    csv_t *c = csv_parse(p, ',');
    size_t a = csv_row(c, "region", "A");
    assert_close(strtod(csv_get(c, a, "estimate"), NULL), 0.25, 0);
    assert_close(strtod(csv_get(c, a, "numerator_n"), NULL), 5, 0);
    csv_free(c);
    armoede_result_free(r);
}

static void test_write_csv_rounded_counts(void **state)
{
    (void)state;
    /* round to 10 with min_n 0: A 5/20 -> 10/20 (5 is a half: up),
     * B 10/30, C 20/45 -> 20/50, Total 35/95 -> 40/100; estimates unrounded */
    armoede_result *r = minima_by("region");
    armoede_sdc_options so = ARMOEDE_SDC_OPTIONS_INIT;
    so.min_n = 0;
    so.round_base = 10;
    assert_int_equal(armoede_sdc_apply(r, &so), ARMOEDE_OK);
    const char *dir = fresh_dir();
    const char *p = join(dir, "round.csv");
    write_csv_ok(r, p, NULL);
    csv_t *c = csv_parse(p, ',');
    size_t a = csv_row(c, "region", "A"), cc = csv_row(c, "region", "C");
    size_t t = csv_row(c, "region", "Total");
    assert_close(strtod(csv_get(c, a, "numerator_n"), NULL), 10, 0);
    assert_close(strtod(csv_get(c, a, "denominator_n"), NULL), 20, 0);
    assert_close(strtod(csv_get(c, a, "estimate"), NULL), 0.25, 0);
    assert_close(strtod(csv_get(c, cc, "denominator"), NULL), 50, 0);
    assert_close(strtod(csv_get(c, cc, "estimate"), NULL), 20.0 / 45.0, 1e-15);
    assert_close(strtod(csv_get(c, t, "numerator_n"), NULL), 40, 0);
    assert_close(strtod(csv_get(c, t, "denominator_n"), NULL), 100, 0);
    assert_string_not_equal(csv_get(c, a, "rounded"), "");
    csv_free(c);
    armoede_result_free(r);
}

static void test_write_csv_separator_option(void **state)
{
    (void)state;
    armoede_result *r = minima_by("region");
    const char *dir = fresh_dir();
    const char *p = join(dir, "semi.csv");
    armoede_write_options o = ARMOEDE_WRITE_OPTIONS_INIT;
    o.unprotected = 1;
    o.separator = ';';
    write_csv_ok(r, p, &o);
    char *text = slurp(p);
    assert_true(strncmp(text, "indicator;unit;threshold;duration;", 34) == 0);
    free(text);
    csv_t *c = csv_parse(p, ';');
    check_header(c, r);
    assert_close(strtod(csv_get(c, csv_row(c, "region", "B"), "denominator"), NULL), 30, 0);
    csv_free(c);
    armoede_result_free(r);
}

static void test_write_csv_overwrites_and_leaves_no_temp_file(void **state)
{
    (void)state;
    armoede_result *r = minima_by("region");
    const char *dir = fresh_dir();
    const char *p = join(dir, "out.csv");
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("old content\n", f);
    fclose(f);
    write_csv_ok(r, p, NULL);
    char only[256] = "";
    assert_int_equal(count_entries(dir, only, sizeof only), 1);
    assert_string_equal(only, "out.csv");
    char *text = slurp(p);
    assert_null(strstr(text, "old content"));
    assert_true(strncmp(text, "indicator,", 10) == 0);
    free(text);
    armoede_result_free(r);
}

static void test_write_csv_unwritable_eio(void **state)
{
    (void)state;
    armoede_result *r = minima_by("region");
    const char *dir = fresh_dir();
    /* a directory that does not exist */
    assert_int_equal(armoede_result_write_csv(r, join(dir, "no/such/dir/out.csv"), NULL),
                     ARMOEDE_EIO);
    assert_true(strlen(armoede_last_error()) > 0);
    assert_int_equal(count_entries(dir, NULL, 0), 0);
    /* a path that is a directory: nothing may be left beside it */
    const char *sub = join(dir, "sub");
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(armoede_result_write_csv(r, sub, NULL), ARMOEDE_EIO);
    char only[256] = "";
    assert_int_equal(count_entries(dir, only, sizeof only), 1);
    assert_string_equal(only, "sub");
    assert_int_equal(count_entries(sub, NULL, 0), 0);
    armoede_result_free(r);
}

static void test_write_csv_bad_args_einval(void **state)
{
    (void)state;
    armoede_result *r = minima_by("region");
    const char *dir = fresh_dir();
    const char *p = join(dir, "x.csv");
    assert_int_equal(armoede_result_write_csv(NULL, p, NULL), ARMOEDE_EINVAL);
    assert_int_equal(armoede_result_write_csv(r, NULL, NULL), ARMOEDE_EINVAL);
    armoede_write_options o = ARMOEDE_WRITE_OPTIONS_INIT;
    o.version = 0;
    assert_int_equal(armoede_result_write_csv(r, p, &o), ARMOEDE_EINVAL);
    assert_int_equal(count_entries(dir, NULL, 0), 0);
    armoede_result_free(r);
}

/* ------------------------------------------------------------------------
 * JSON writer
 * ---------------------------------------------------------------------- */
static int have_python(void)
{
    return access("/usr/bin/python3", X_OK) == 0;
}

/* Check the JSON at path with python: top level {"keys": [...], "notes":
 * [...], "rows": [...]}, keys == the result's key names, nrows rows; for the
 * row holding the label `label` (anywhere in it), the "estimate" field
 * (searched anywhere in the row) is null (want == NULL) or the number want. */
static void check_json(const char *path, const armoede_result *r, const char *label,
                       const char *want)
{
    const char *dir = fresh_dir();
    const char *script = join(dir, "check.py");
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fputs("import json, sys\n"
          "d = json.load(open(sys.argv[1]))\n"
          "assert isinstance(d, dict), 'top level'\n"
          "assert isinstance(d.get('keys'), list), 'keys'\n"
          "assert isinstance(d.get('notes'), list), 'notes'\n"
          "assert isinstance(d.get('rows'), list), 'rows'\n"
          "keys = [k for k in sys.argv[3].split('|') if k]\n"
          "assert d['keys'] == keys, (d['keys'], keys)\n"
          "assert len(d['rows']) == int(sys.argv[2]), len(d['rows'])\n"
          "def vals(x):\n"
          "    if isinstance(x, dict):\n"
          "        for v in x.values(): yield from vals(v)\n"
          "    elif isinstance(x, list):\n"
          "        for v in x: yield from vals(v)\n"
          "    else: yield x\n"
          "def find(x, name):\n"
          "    if isinstance(x, dict):\n"
          "        for k, v in x.items():\n"
          "            if k == name: return [v]\n"
          "        for v in x.values():\n"
          "            got = find(v, name)\n"
          "            if got: return got\n"
          "    return []\n"
          "rows = [row for row in d['rows'] if sys.argv[4] in list(vals(row))]\n"
          "assert len(rows) == 1, ('rows with label', len(rows))\n"
          "est = find(rows[0], 'estimate')\n"
          "assert len(est) == 1, 'estimate field'\n"
          "if sys.argv[5] == 'null':\n"
          "    assert est[0] is None, est[0]\n"
          "else:\n"
          "    assert est[0] == float(sys.argv[5]), est[0]\n",
          f);
    fclose(f);
    char keys[512] = "";
    for (size_t k = 0; k < armoede_result_nkeys(r); k++) {
        strncat(keys, armoede_result_key_name(r, k), sizeof keys - strlen(keys) - 2);
        strcat(keys, "|");
    }
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s' %zu '%s' '%s' '%s'", script, path,
             armoede_result_nrows(r), keys, label, want ? want : "null");
    int st = system(cmd);
    if (!(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
        print_error("JSON check failed: %s\n", cmd);
        fail();
    }
    remove(script);
}

static void test_write_json_structure_unprotected(void **state)
{
    (void)state;
    armoede_result *r = minima_by("region");
    const char *dir = fresh_dir();
    const char *p = join(dir, "out.json");
    armoede_write_options o = ARMOEDE_WRITE_OPTIONS_INIT;
    o.unprotected = 1;
    write_json_ok(r, p, &o);
    char *text = slurp(p);
    assert_non_null(strstr(text, "\"keys\""));
    assert_non_null(strstr(text, "\"notes\""));
    assert_non_null(strstr(text, "\"rows\""));
    assert_non_null(strstr(text, "\"region\""));
    assert_non_null(strstr(text, "\"Total\""));
    assert_non_null(strstr(text, "\"minima\""));
    free(text);
    if (have_python())
        check_json(p, r, "A", "0.25");
    char only[256] = "";
    assert_int_equal(count_entries(dir, only, sizeof only), 1);
    assert_string_equal(only, "out.json");
    armoede_result_free(r);
}

static void test_write_json_default_protection_null(void **state)
{
    (void)state;
    armoede_result *r = minima_by("region");
    const char *dir = fresh_dir();
    const char *p = join(dir, "prot.json");
    write_json_ok(r, p, NULL);
    char *text = slurp(p);
    assert_non_null(strstr(text, "null"));
    free(text);
    if (have_python()) {
        check_json(p, r, "A", NULL);           /* primary: hidden */
        check_json(p, r, "B", NULL);           /* secondary: hidden */
        check_json(p, r, "C", fmt17(20.0 / 45.0));
    }
    assert_int_equal(armoede_result_protected(r), 0);
    assert_close(armoede_result_value(r, row_with(r, "region", "A"), ARMOEDE_FIELD_ESTIMATE), 0.25,
                 0);
    armoede_result_free(r);
}

static void test_write_json_appended_result(void **state)
{
    (void)state;
    /* an appended result (keys region and htype, rows without one of them)
     * is still valid JSON; couple: 15/50 */
    armoede_result *r = minima_by("region");
    armoede_result *s = minima_by("htype");
    assert_int_equal(armoede_result_append(r, s), ARMOEDE_OK);
    const char *dir = fresh_dir();
    const char *p = join(dir, "both.json");
    armoede_write_options o = ARMOEDE_WRITE_OPTIONS_INIT;
    o.unprotected = 1;
    write_json_ok(r, p, &o);
    if (have_python())
        check_json(p, r, "couple", fmt17(15.0 / 50.0));
    armoede_result_free(r);
    armoede_result_free(s);
}

static void test_write_json_unwritable_eio(void **state)
{
    (void)state;
    armoede_result *r = minima_by("region");
    const char *dir = fresh_dir();
    assert_int_equal(armoede_result_write_json(r, join(dir, "missing/out.json"), NULL),
                     ARMOEDE_EIO);
    assert_int_equal(count_entries(dir, NULL, 0), 0);
    const char *sub = join(dir, "sub.json");
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(armoede_result_write_json(r, sub, NULL), ARMOEDE_EIO);
    assert_int_equal(count_entries(dir, NULL, 0), 1);
    assert_int_equal(armoede_result_write_json(NULL, join(dir, "x.json"), NULL), ARMOEDE_EINVAL);
    assert_int_equal(count_entries(dir, NULL, 0), 1);
    armoede_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_result_getters),
        cmocka_unit_test(test_result_out_of_range),
        cmocka_unit_test(test_result_append_unites_keys),
        cmocka_unit_test(test_result_append_mixed_protection_einval),
        cmocka_unit_test(test_result_append_protected_both_ok),
        cmocka_unit_test(test_result_append_null_einval),
        cmocka_unit_test(test_write_csv_header_and_values_unprotected),
        cmocka_unit_test(test_write_csv_numbers_round_trip),
        cmocka_unit_test(test_write_csv_numbers_shortest_round_trip),
        cmocka_unit_test(test_write_csv_default_protection),
        cmocka_unit_test(test_write_csv_explicit_unprotected_zero_protects),
        cmocka_unit_test(test_write_csv_protected_result_written_as_is),
        cmocka_unit_test(test_write_csv_rounded_counts),
        cmocka_unit_test(test_write_csv_separator_option),
        cmocka_unit_test(test_write_csv_overwrites_and_leaves_no_temp_file),
        cmocka_unit_test(test_write_csv_unwritable_eio),
        cmocka_unit_test(test_write_csv_bad_args_einval),
        cmocka_unit_test(test_write_json_structure_unprotected),
        cmocka_unit_test(test_write_json_default_protection_null),
        cmocka_unit_test(test_write_json_appended_result),
        cmocka_unit_test(test_write_json_unwritable_eio),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
