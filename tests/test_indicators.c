/*
 * Hand-computed tests of the impact indicators (armoede_minima, armoede_durations,
 * armoede_flows): include/armoede.h "Impact indicators", indicators.md IMPACT 1-3.
 * Every expected number below is worked out by hand in the comment next to it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Readings of the header chosen where it leaves room (see also the report):
 *  - YEAR is not an implicit key: every multi-year test puts the year column in `by`
 *    itself; durations and flows are then reported by the year-t (exit year s) key.
 *  - Cell matching is strict: a result row matches only when every key column named in
 *    the test has that label and every other key column is NULL.
 *  - Household-year table: for units persons / minors the unweighted counts (num_n,
 *    den_n) are the number of persons / minors, i.e. sums of N_PERSONS / N_MINORS.
 *  - Minor rule: MINOR when present (0 or 1) decides; when MINOR is missing AGE decides;
 *    when AGE is missing too, YEAR - BIRTH_YEAR (test_minor_precedence only).
 *  - The estimate of a share is num_w / den_w; the duration field is NaN for minima,
 *    entry and exit; the threshold field is p.
 *  - A by-column of type REAL is ARMOEDE_ETYPE ("by names any columns (CAT or INT)").
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "armoede.h"

#define NA ARMOEDE_NA_INT
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------
 * Building tables from records
 * ---------------------------------------------------------------------- */
enum {
    C_PID = 1u << 0,
    C_HID = 1u << 1,
    C_YEAR = 1u << 2,
    C_INC = 1u << 3,
    C_NORM = 1u << 4,
    C_RATIO = 1u << 5,
    C_TYPE = 1u << 6,
    C_BAND = 1u << 7,
    C_BIRTH = 1u << 8,
    C_AGE = 1u << 9,
    C_MINOR = 1u << 10,
    C_NPERS = 1u << 11,
    C_NMIN = 1u << 12,
    C_WEIGHT = 1u << 13,
    C_WHOLE = 1u << 14,
    C_STUDENT = 1u << 15,
    C_INST = 1u << 16,
    C_WEALTH = 1u << 17,
    C_DISTRICT = 1u << 18
};

typedef struct rec {
    int64_t pid, hid, year;
    double income, norm, ratio;
    const char *type, *band, *district;
    int64_t birth, age, minor, npers, nmin;
    double weight, wealth;
    int partial, student, inst; /* whole_year column = !partial */
} rec;

static void add_i(armoede_table *t, const char *name, const rec *r, size_t n,
                  int64_t (*get)(const rec *))
{
    int64_t *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = get(&r[i]);
    assert_int_equal(armoede_table_add_int(t, name, v, n, 1), ARMOEDE_OK);
    free(v);
}

static void add_r(armoede_table *t, const char *name, const rec *r, size_t n,
                  double (*get)(const rec *))
{
    double *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = get(&r[i]);
    assert_int_equal(armoede_table_add_real(t, name, v, n, 1), ARMOEDE_OK);
    free(v);
}

static void add_t(armoede_table *t, const char *name, const rec *r, size_t n,
                  const char *(*get)(const rec *))
{
    const char **v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = get(&r[i]);
    assert_int_equal(armoede_table_add_text(t, name, v, n), ARMOEDE_OK);
    free(v);
}

static int64_t g_pid(const rec *r) { return r->pid; }
static int64_t g_hid(const rec *r) { return r->hid; }
static int64_t g_year(const rec *r) { return r->year; }
static int64_t g_birth(const rec *r) { return r->birth; }
static int64_t g_age(const rec *r) { return r->age; }
static int64_t g_minor(const rec *r) { return r->minor; }
static int64_t g_npers(const rec *r) { return r->npers; }
static int64_t g_nmin(const rec *r) { return r->nmin; }
static int64_t g_whole(const rec *r) { return r->partial ? 0 : 1; }
static int64_t g_student(const rec *r) { return r->student; }
static int64_t g_inst(const rec *r) { return r->inst; }
static double g_income(const rec *r) { return r->income; }
static double g_norm(const rec *r) { return r->norm; }
static double g_ratio(const rec *r) { return r->ratio; }
static double g_weight(const rec *r) { return r->weight; }
static double g_wealth(const rec *r) { return r->wealth; }
static const char *g_type(const rec *r) { return r->type; }
static const char *g_band(const rec *r) { return r->band; }
static const char *g_district(const rec *r) { return r->district; }

static void role(armoede_table *t, armoede_role ro, const char *col)
{
    assert_int_equal(armoede_table_set_role(t, ro, col), ARMOEDE_OK);
}

/* A table of the selected columns of r[0..n-1] with their roles mapped. */
static armoede_table *build(const rec *r, size_t n, unsigned cols)
{
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(n, &t), ARMOEDE_OK);
    assert_non_null(t);
    if (cols & C_PID) {
        add_i(t, "pid", r, n, g_pid);
        role(t, ARMOEDE_ROLE_PERSON_ID, "pid");
    }
    if (cols & C_HID) {
        add_i(t, "hid", r, n, g_hid);
        role(t, ARMOEDE_ROLE_HOUSEHOLD_ID, "hid");
    }
    if (cols & C_YEAR) {
        add_i(t, "year", r, n, g_year);
        role(t, ARMOEDE_ROLE_YEAR, "year");
    }
    if (cols & C_INC) {
        add_r(t, "income", r, n, g_income);
        role(t, ARMOEDE_ROLE_INCOME, "income");
    }
    if (cols & C_NORM) {
        add_r(t, "norm", r, n, g_norm);
        role(t, ARMOEDE_ROLE_NORM, "norm");
    }
    if (cols & C_RATIO) {
        add_r(t, "ratio", r, n, g_ratio);
        role(t, ARMOEDE_ROLE_RATIO_PCT, "ratio");
    }
    if (cols & C_TYPE) {
        add_t(t, "hh_type", r, n, g_type);
        role(t, ARMOEDE_ROLE_HOUSEHOLD_TYPE, "hh_type");
    }
    if (cols & C_BAND) {
        add_t(t, "age_band", r, n, g_band);
        role(t, ARMOEDE_ROLE_AGE_BAND, "age_band");
    }
    if (cols & C_BIRTH) {
        add_i(t, "birth_year", r, n, g_birth);
        role(t, ARMOEDE_ROLE_BIRTH_YEAR, "birth_year");
    }
    if (cols & C_AGE) {
        add_i(t, "age", r, n, g_age);
        role(t, ARMOEDE_ROLE_AGE, "age");
    }
    if (cols & C_MINOR) {
        add_i(t, "minor", r, n, g_minor);
        role(t, ARMOEDE_ROLE_MINOR, "minor");
    }
    if (cols & C_NPERS) {
        add_i(t, "n_persons", r, n, g_npers);
        role(t, ARMOEDE_ROLE_N_PERSONS, "n_persons");
    }
    if (cols & C_NMIN) {
        add_i(t, "n_minors", r, n, g_nmin);
        role(t, ARMOEDE_ROLE_N_MINORS, "n_minors");
    }
    if (cols & C_WEIGHT) {
        add_r(t, "weight", r, n, g_weight);
        role(t, ARMOEDE_ROLE_WEIGHT, "weight");
    }
    if (cols & C_WHOLE) {
        add_i(t, "whole_year", r, n, g_whole);
        role(t, ARMOEDE_ROLE_WHOLE_YEAR, "whole_year");
    }
    if (cols & C_STUDENT) {
        add_i(t, "student", r, n, g_student);
        role(t, ARMOEDE_ROLE_STUDENT, "student");
    }
    if (cols & C_INST) {
        add_i(t, "institutional", r, n, g_inst);
        role(t, ARMOEDE_ROLE_INSTITUTIONAL, "institutional");
    }
    if (cols & C_WEALTH) {
        add_r(t, "wealth", r, n, g_wealth);
        role(t, ARMOEDE_ROLE_WEALTH, "wealth");
    }
    if (cols & C_DISTRICT)
        add_t(t, "district", r, n, g_district); /* no role: a breakdown column */
    return t;
}

/* ------------------------------------------------------------------------
 * Finding and checking result cells
 * ---------------------------------------------------------------------- */
#define MAXK 8

/* Parse "year=2021,district=Total" into names/labels (pointers into buf). */
static size_t parse_keys(const char *spec, char *buf, size_t bufsz, const char **names,
                         const char **labels)
{
    size_t nk = 0;
    if (spec == NULL || spec[0] == '\0')
        return 0;
    assert_true(strlen(spec) < bufsz);
    strcpy(buf, spec);
    char *p = buf;
    while (p != NULL && *p != '\0') {
        char *comma = strchr(p, ',');
        if (comma != NULL)
            *comma = '\0';
        char *eq = strchr(p, '=');
        assert_non_null(eq);
        *eq = '\0';
        assert_true(nk < MAXK);
        names[nk] = p;
        labels[nk] = eq + 1;
        nk++;
        p = comma != NULL ? comma + 1 : NULL;
    }
    return nk;
}

static int same_param(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-12;
}

/* Index of the unique row matching (indicator, unit, p, k, keys); -1 if none, -2 if
 * several. */
static long find_cell(const armoede_result *r, const char *ind, const char *unit, double p,
                      double k, const char *keys)
{
    char buf[256];
    const char *names[MAXK], *labels[MAXK];
    size_t nk = parse_keys(keys, buf, sizeof buf, names, labels);
    size_t nkeys = armoede_result_nkeys(r);
    long found = -1;
    for (size_t i = 0; i < armoede_result_nrows(r); i++) {
        const char *ri = armoede_result_indicator(r, i);
        const char *ru = armoede_result_unit(r, i);
        if (ri == NULL || strcmp(ri, ind) != 0 || ru == NULL || strcmp(ru, unit) != 0)
            continue;
        if (!same_param(armoede_result_value(r, i, ARMOEDE_FIELD_THRESHOLD), p) ||
            !same_param(armoede_result_value(r, i, ARMOEDE_FIELD_DURATION), k))
            continue;
        int ok = 1;
        for (size_t c = 0; c < nkeys && ok; c++) {
            const char *kn = armoede_result_key_name(r, c);
            const char *kl = armoede_result_key(r, i, c);
            const char *want = NULL;
            for (size_t j = 0; j < nk; j++)
                if (kn != NULL && strcmp(kn, names[j]) == 0)
                    want = labels[j];
            if (want == NULL)
                ok = kl == NULL;
            else
                ok = kl != NULL && strcmp(kl, want) == 0;
        }
        /* every named key must exist in the result */
        for (size_t j = 0; j < nk && ok; j++) {
            int have = 0;
            for (size_t c = 0; c < nkeys; c++) {
                const char *kn = armoede_result_key_name(r, c);
                if (kn != NULL && strcmp(kn, names[j]) == 0)
                    have = 1;
            }
            ok = have;
        }
        if (!ok)
            continue;
        if (found >= 0)
            return -2;
        found = (long)i;
    }
    return found;
}

static void dump_result(const armoede_result *r)
{
    size_t nk = armoede_result_nkeys(r);
    print_message("result: %zu rows, %zu keys\n", armoede_result_nrows(r), nk);
    for (size_t i = 0; i < armoede_result_nrows(r) && i < 200; i++) {
        print_message("  %s/%s p=%g k=%g", armoede_result_indicator(r, i),
                      armoede_result_unit(r, i),
                      armoede_result_value(r, i, ARMOEDE_FIELD_THRESHOLD),
                      armoede_result_value(r, i, ARMOEDE_FIELD_DURATION));
        for (size_t c = 0; c < nk; c++) {
            const char *l = armoede_result_key(r, i, c);
            print_message(" %s=%s", armoede_result_key_name(r, c), l ? l : "(null)");
        }
        print_message(" : %g / %g (n %g / %g) est %g st %d\n",
                      armoede_result_value(r, i, ARMOEDE_FIELD_NUM_W),
                      armoede_result_value(r, i, ARMOEDE_FIELD_DEN_W),
                      armoede_result_value(r, i, ARMOEDE_FIELD_NUM_N),
                      armoede_result_value(r, i, ARMOEDE_FIELD_DEN_N),
                      armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE),
                      armoede_result_status(r, i));
    }
}

static int close_to(double got, double want)
{
    return fabs(got - want) <= 1e-9 * (fabs(want) > 1.0 ? fabs(want) : 1.0);
}

/* Assert the cell's weighted numerator/denominator, unweighted counts and the estimate
 * num_w / den_w. */
static void check_cell_(const armoede_result *r, const char *ind, const char *unit, double p,
                        double k, const char *keys, double num_w, double den_w, double num_n,
                        double den_n, const char *file, int line)
{
    long i = find_cell(r, ind, unit, p, k, keys);
    if (i < 0) {
        dump_result(r);
        print_error("%s:%d: cell %s/%s p=%g k=%g {%s}: %s\n", file, line, ind, unit, p, k,
                    keys, i == -1 ? "not found" : "found more than once");
        _fail(file, line);
    }
    size_t row = (size_t)i;
    double est = armoede_result_value(r, row, ARMOEDE_FIELD_ESTIMATE);
    double nw = armoede_result_value(r, row, ARMOEDE_FIELD_NUM_W);
    double dw = armoede_result_value(r, row, ARMOEDE_FIELD_DEN_W);
    double nn = armoede_result_value(r, row, ARMOEDE_FIELD_NUM_N);
    double dn = armoede_result_value(r, row, ARMOEDE_FIELD_DEN_N);
    if (!close_to(nw, num_w) || !close_to(dw, den_w) || nn != num_n || dn != den_n ||
        !close_to(est, num_w / den_w) || armoede_result_status(r, row) != ARMOEDE_CELL_OK) {
        print_error("%s:%d: cell %s/%s p=%g k=%g {%s}: expected %.17g/%.17g (n %g/%g) est "
                    "%.17g, got %.17g/%.17g (n %g/%g) est %.17g status %d\n",
                    file, line, ind, unit, p, k, keys, num_w, den_w, num_n, den_n,
                    num_w / den_w, nw, dw, nn, dn, est, armoede_result_status(r, row));
        _fail(file, line);
    }
}
#define CHECK(r, ind, unit, p, k, keys, nw, dw, nn, dn)                                        \
    check_cell_((r), (ind), (unit), (p), (k), (keys), (nw), (dw), (nn), (dn), __FILE__, __LINE__)
/* Unweighted: weighted sums equal the counts. */
#define CHECKN(r, ind, unit, p, k, keys, n, d)                                                 \
    check_cell_((r), (ind), (unit), (p), (k), (keys), (n), (d), (n), (d), __FILE__, __LINE__)

static void check_absent_(const armoede_result *r, const char *ind, const char *unit, double p,
                          double k, const char *keys, const char *file, int line)
{
    long i = find_cell(r, ind, unit, p, k, keys);
    if (i != -1) {
        dump_result(r);
        print_error("%s:%d: cell %s/%s p=%g k=%g {%s} should not be reported\n", file, line,
                    ind, unit, p, k, keys);
        _fail(file, line);
    }
}
#define ABSENT(r, ind, unit, p, k, keys) check_absent_((r), (ind), (unit), (p), (k), (keys), __FILE__, __LINE__)

/* Number of rows of an indicator and unit. */
static size_t count_rows(const armoede_result *r, const char *ind, const char *unit)
{
    size_t n = 0;
    for (size_t i = 0; i < armoede_result_nrows(r); i++)
        if (strcmp(armoede_result_indicator(r, i), ind) == 0 &&
            strcmp(armoede_result_unit(r, i), unit) == 0)
            n++;
    return n;
}

/* Does a result hold a key column of that name? */
static int has_key(const armoede_result *r, const char *name)
{
    for (size_t c = 0; c < armoede_result_nkeys(r); c++)
        if (strcmp(armoede_result_key_name(r, c), name) == 0)
            return 1;
    return 0;
}

typedef int (*indicator_fn)(const armoede_table *, const armoede_impact_options *,
                            armoede_result **);

static armoede_result *run_ok(indicator_fn fn, const armoede_table *t,
                              const armoede_impact_options *o)
{
    armoede_result *r = NULL;
    int rc = fn(t, o, &r);
    if (rc != ARMOEDE_OK)
        print_error("indicator failed: %d %s: %s\n", rc, armoede_strerror(rc),
                    armoede_last_error());
    assert_int_equal(rc, ARMOEDE_OK);
    assert_non_null(r);
    return r;
}

static void expect_status(indicator_fn fn, const armoede_table *t,
                          const armoede_impact_options *o, int want)
{
    armoede_result *r = NULL;
    int rc = fn(t, o, &r);
    if (rc != want)
        print_error("expected status %d, got %d (%s)\n", want, rc, armoede_last_error());
    else if (getenv("TI_VERBOSE") != NULL)
        print_message("status %d as expected: %s\n", rc, armoede_last_error());
    assert_int_equal(rc, want);
    if (want != ARMOEDE_OK) {
        assert_true(armoede_last_error()[0] != '\0');
    }
    armoede_result_free(r);
}

static const char *const BY_YEAR[] = {"year"};
static const char *const BY_YEAR_DISTRICT[] = {"year", "district"};
static const char *const M_DISTRICT[] = {"district"};
static const double P10[] = {1.0};
static const double P11[] = {1.1};

/* ========================================================================
 * Minima with a per-record norm (INCOME + NORM)
 * ====================================================================== */
/* One year, 10 households, 16 persons; minors by AGE (< 18).
 *  H1  1000.00 / 1000.00   ratio 1.0 exactly          p1 40, p2 10(minor)
 *  H2  1100.00 / 1000.00   exactly on 110%            p3 30
 *  H3  1100.01 / 1000.00   one cent above 110%        p4 35, p5 5(m), p6 17(m)
 *  H4 17109.05 / 15553.68  cents(1.1 x 15553.68) = round(1710904.8) = 1710905: at 110%   p7
 *  H5 17109.06 / 15553.68  one cent above 110%; 1.2 x = 18664.416 -> at or below 120%  p8 50, p9 18(not minor)
 *  H6 17109.04 / 15553.68  below 110%                 p10 60
 *  H7  1201.68 / 1001.40   1.2 x 1001.4 = 1201.6799999999998 in binary, exactly 1201.68 in
 *                          cents: at or below 120% (a naive double test says no); 110% = 1101.54: above
 *                                                     p11 30, p12 0(m)
 *  H8  1303.64 / 1002.80   1.3 x 1002.8 = 1303.6399999999999 in binary: at 130%; 120% = 1203.36 above   p13
 *  H9  5000.00 / 1000.00   above every line           p14 40, p15 12(m)
 *  H10    0.00 / 1000.00   zero income is not negative: at or below every line   p16 22
 * Minors (denominator): p2, p5, p6, p12, p15 = 5.
 * p=1.0: H1, H10                 -> households 2/10, persons 2+1 = 3/16, minors p2 = 1/5
 * p=1.1: + H2, H4, H6            -> 5/10, persons 6/16, minors 1/5
 * p=1.2: + H3, H5, H7            -> 8/10, persons 6+3+2+2 = 13/16, minors p2,p5,p6,p12 = 4/5
 * p=1.3: + H8                    -> 9/10, persons 14/16, minors 4/5 */
static const rec MINIMA_REC[] = {
    {.pid = 1, .hid = 1, .year = 2022, .income = 1000.00, .norm = 1000.00, .age = 40},
    {.pid = 2, .hid = 1, .year = 2022, .income = 1000.00, .norm = 1000.00, .age = 10},
    {.pid = 3, .hid = 2, .year = 2022, .income = 1100.00, .norm = 1000.00, .age = 30},
    {.pid = 4, .hid = 3, .year = 2022, .income = 1100.01, .norm = 1000.00, .age = 35},
    {.pid = 5, .hid = 3, .year = 2022, .income = 1100.01, .norm = 1000.00, .age = 5},
    {.pid = 6, .hid = 3, .year = 2022, .income = 1100.01, .norm = 1000.00, .age = 17},
    {.pid = 7, .hid = 4, .year = 2022, .income = 17109.05, .norm = 15553.68, .age = 50},
    {.pid = 8, .hid = 5, .year = 2022, .income = 17109.06, .norm = 15553.68, .age = 50},
    {.pid = 9, .hid = 5, .year = 2022, .income = 17109.06, .norm = 15553.68, .age = 18},
    {.pid = 10, .hid = 6, .year = 2022, .income = 17109.04, .norm = 15553.68, .age = 60},
    {.pid = 11, .hid = 7, .year = 2022, .income = 1201.68, .norm = 1001.40, .age = 30},
    {.pid = 12, .hid = 7, .year = 2022, .income = 1201.68, .norm = 1001.40, .age = 0},
    {.pid = 13, .hid = 8, .year = 2022, .income = 1303.64, .norm = 1002.80, .age = 30},
    {.pid = 14, .hid = 9, .year = 2022, .income = 5000.00, .norm = 1000.00, .age = 40},
    {.pid = 15, .hid = 9, .year = 2022, .income = 5000.00, .norm = 1000.00, .age = 12},
    {.pid = 16, .hid = 10, .year = 2022, .income = 0.00, .norm = 1000.00, .age = 22},
};

static void test_minima_per_record_norm(void **state)
{
    (void)state;
    armoede_table *t =
        build(MINIMA_REC, ARRAY_LEN(MINIMA_REC), C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_AGE);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT; /* thresholds NULL = 1.0..1.3, all units */
    armoede_result *r = run_ok(armoede_minima, t, &o);

    CHECKN(r, "minima", "households", 1.0, NAN, "", 2, 10);
    CHECKN(r, "minima", "persons", 1.0, NAN, "", 3, 16);
    CHECKN(r, "minima", "minors", 1.0, NAN, "", 1, 5);
    CHECKN(r, "minima", "households", 1.1, NAN, "", 5, 10);
    CHECKN(r, "minima", "persons", 1.1, NAN, "", 6, 16);
    CHECKN(r, "minima", "minors", 1.1, NAN, "", 1, 5);
    CHECKN(r, "minima", "households", 1.2, NAN, "", 8, 10);
    CHECKN(r, "minima", "persons", 1.2, NAN, "", 13, 16);
    CHECKN(r, "minima", "minors", 1.2, NAN, "", 4, 5);
    CHECKN(r, "minima", "households", 1.3, NAN, "", 9, 10);
    CHECKN(r, "minima", "persons", 1.3, NAN, "", 14, 16);
    CHECKN(r, "minima", "minors", 1.3, NAN, "", 4, 5);
    /* 4 thresholds x 3 units, no breakdown: exactly 12 cells. */
    assert_int_equal(armoede_result_nrows(r), 12);
    assert_int_equal(armoede_result_nkeys(r), 0);
    /* Register data (no WEIGHT): no sampling error. */
    for (size_t i = 0; i < armoede_result_nrows(r); i++)
        assert_true(isnan(armoede_result_value(r, i, ARMOEDE_FIELD_SE)));
    assert_int_equal(armoede_result_protected(r), 0);
    armoede_result_free(r);

    /* The same with explicit thresholds given in another order, and only households. */
    static const double ps[] = {1.3, 1.1};
    o.thresholds = ps;
    o.n_thresholds = 2;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    r = run_ok(armoede_minima, t, &o);
    assert_int_equal(armoede_result_nrows(r), 2);
    CHECKN(r, "minima", "households", 1.1, NAN, "", 5, 10);
    CHECKN(r, "minima", "households", 1.3, NAN, "", 9, 10);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* A household-year table gives the same household counts (no PERSON_ID, one row a
 * household) and the "exactly on the line" rule works without person rows too:
 *  1100.00 / 1000 at 1.1: cents 110000 <= cents(1100.0000000000002) = 110000 -> in
 *  1100.01 / 1000: 110001 > 110000 -> out
 *  17109.05 / 15553.68: 1710905 <= 1710905 -> in; 17109.06 -> out; 17109.04 -> in
 * households at or below 1.1: 3/5. */
static void test_minima_on_the_line(void **state)
{
    (void)state;
    static const rec rs[] = {
        {.hid = 1, .year = 2022, .income = 1100.00, .norm = 1000.00},
        {.hid = 2, .year = 2022, .income = 1100.01, .norm = 1000.00},
        {.hid = 3, .year = 2022, .income = 17109.05, .norm = 15553.68},
        {.hid = 4, .year = 2022, .income = 17109.06, .norm = 15553.68},
        {.hid = 5, .year = 2022, .income = 17109.04, .norm = 15553.68},
    };
    armoede_table *t = build(rs, ARRAY_LEN(rs), C_HID | C_YEAR | C_INC | C_NORM);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P11;
    o.n_thresholds = 1;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    armoede_result *r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.1, NAN, "", 3, 5);
    armoede_result_free(r);
    armoede_table_free(t);

    /* Each alone, so that an error cannot cancel another. */
    static const int inside[] = {1, 0, 1, 0, 1};
    for (size_t i = 0; i < ARRAY_LEN(rs); i++) {
        t = build(&rs[i], 1, C_HID | C_YEAR | C_INC | C_NORM);
        r = run_ok(armoede_minima, t, &o);
        CHECKN(r, "minima", "households", 1.1, NAN, "", inside[i], 1);
        armoede_result_free(r);
        armoede_table_free(t);
    }
}

/* ========================================================================
 * Minima with a norms table
 * ====================================================================== */
/* Norms: single/"*" 12000 from 2021-01-01, 13200 from 2022-07-01 -> 2021: 12000,
 * 2022: (6 x 12000 + 6 x 13200) / 12 = 12600; couple/21_aow 18000 from 2021-01-01;
 * couple/u21 9000 from 2021-01-01; "single_parent" mapped to "single".
 * Minors by BIRTH_YEAR (year - birth_year < 18).
 * 2022:
 *  H1 single        21_aow  12600.00 = 100% exactly          p1 1980
 *  H2 single_parent 21_aow  13860.00 = 1.1 x 12600 exactly   p2 1990, p3 2010 (12: minor), p4 2004 (18: not)
 *  H3 couple        21_aow  19800.01 = 1.1 x 18000 + 1 cent  p5 1985, p6 1986, p7 2020 (minor)
 *  H4 couple        u21      9900.00 = 1.1 x 9000            p8 2003, p9 2003
 *  H5 couple        21_aow  40000.00 (> 1.3 x 18000 = 23400) p10 1970, p11 1972, p12 2008 (minor)
 *  p=1.0: H1                 -> hh 1/5, persons 1/12, minors 0/3
 *  p=1.1: H1, H2, H4         -> hh 3/5, persons 1+3+2 = 6/12, minors p3 = 1/3
 *  p=1.2: + H3 (<= 21600)    -> hh 4/5, persons 9/12, minors p3, p7 = 2/3
 *  p=1.3: same as 1.2        -> 4/5, 9/12, 2/3
 * 2021:
 *  H6 single 21_aow 12000.00 = 100% of 12000                 p13 1980, p14 2004 (17: minor)
 *  every p: hh 1/1, persons 2/2, minors 1/1 */
static const rec NORMS_REC[] = {
    {.pid = 1, .hid = 1, .year = 2022, .income = 12600.00, .type = "single", .band = "21_aow", .birth = 1980},
    {.pid = 2, .hid = 2, .year = 2022, .income = 13860.00, .type = "single_parent", .band = "21_aow", .birth = 1990},
    {.pid = 3, .hid = 2, .year = 2022, .income = 13860.00, .type = "single_parent", .band = "21_aow", .birth = 2010},
    {.pid = 4, .hid = 2, .year = 2022, .income = 13860.00, .type = "single_parent", .band = "21_aow", .birth = 2004},
    {.pid = 5, .hid = 3, .year = 2022, .income = 19800.01, .type = "couple", .band = "21_aow", .birth = 1985},
    {.pid = 6, .hid = 3, .year = 2022, .income = 19800.01, .type = "couple", .band = "21_aow", .birth = 1986},
    {.pid = 7, .hid = 3, .year = 2022, .income = 19800.01, .type = "couple", .band = "21_aow", .birth = 2020},
    {.pid = 8, .hid = 4, .year = 2022, .income = 9900.00, .type = "couple", .band = "u21", .birth = 2003},
    {.pid = 9, .hid = 4, .year = 2022, .income = 9900.00, .type = "couple", .band = "u21", .birth = 2003},
    {.pid = 10, .hid = 5, .year = 2022, .income = 40000.00, .type = "couple", .band = "21_aow", .birth = 1970},
    {.pid = 11, .hid = 5, .year = 2022, .income = 40000.00, .type = "couple", .band = "21_aow", .birth = 1972},
    {.pid = 12, .hid = 5, .year = 2022, .income = 40000.00, .type = "couple", .band = "21_aow", .birth = 2008},
    {.pid = 13, .hid = 6, .year = 2021, .income = 12000.00, .type = "single", .band = "21_aow", .birth = 1980},
    {.pid = 14, .hid = 6, .year = 2021, .income = 12000.00, .type = "single", .band = "21_aow", .birth = 2004},
};

static armoede_norms *make_norms(void)
{
    armoede_norms *n = NULL;
    assert_int_equal(armoede_norms_new(&n), ARMOEDE_OK);
    assert_int_equal(armoede_norms_add(n, 2021, 1, 1, "single", "*", 12000.0), ARMOEDE_OK);
    assert_int_equal(armoede_norms_add(n, 2022, 7, 1, "single", "*", 13200.0), ARMOEDE_OK);
    assert_int_equal(armoede_norms_add(n, 2021, 1, 1, "couple", "21_aow", 18000.0), ARMOEDE_OK);
    assert_int_equal(armoede_norms_add(n, 2021, 1, 1, "couple", "u21", 9000.0), ARMOEDE_OK);
    assert_int_equal(armoede_norms_map_type(n, "single_parent", "single"), ARMOEDE_OK);
    return n;
}

static void test_minima_norms_table(void **state)
{
    (void)state;
    armoede_norms *n = make_norms();
    double a = 0;
    assert_int_equal(armoede_norms_annual(n, 2022, "single", "21_aow", &a), ARMOEDE_OK);
    assert_true(fabs(a - 12600.0) < 1e-9);
    assert_int_equal(armoede_norms_annual(n, 2021, "single_parent", "u21", &a), ARMOEDE_OK);
    assert_true(fabs(a - 12000.0) < 1e-9);

    armoede_table *t = build(NORMS_REC, ARRAY_LEN(NORMS_REC),
                             C_PID | C_HID | C_YEAR | C_INC | C_TYPE | C_BAND | C_BIRTH);
    armoede_impact_options o;
    armoede_impact_options_init(&o);
    o.norms = n;
    o.by = BY_YEAR;
    o.n_by = 1;
    armoede_result *r = run_ok(armoede_minima, t, &o);

    CHECKN(r, "minima", "households", 1.0, NAN, "year=2022", 1, 5);
    CHECKN(r, "minima", "persons", 1.0, NAN, "year=2022", 1, 12);
    CHECKN(r, "minima", "minors", 1.0, NAN, "year=2022", 0, 3);
    CHECKN(r, "minima", "households", 1.1, NAN, "year=2022", 3, 5);
    CHECKN(r, "minima", "persons", 1.1, NAN, "year=2022", 6, 12);
    CHECKN(r, "minima", "minors", 1.1, NAN, "year=2022", 1, 3);
    CHECKN(r, "minima", "households", 1.2, NAN, "year=2022", 4, 5);
    CHECKN(r, "minima", "persons", 1.2, NAN, "year=2022", 9, 12);
    CHECKN(r, "minima", "minors", 1.2, NAN, "year=2022", 2, 3);
    CHECKN(r, "minima", "households", 1.3, NAN, "year=2022", 4, 5);
    CHECKN(r, "minima", "persons", 1.3, NAN, "year=2022", 9, 12);
    CHECKN(r, "minima", "minors", 1.3, NAN, "year=2022", 2, 3);
    static const double ps[] = {1.0, 1.1, 1.2, 1.3};
    for (size_t i = 0; i < 4; i++) {
        CHECKN(r, "minima", "households", ps[i], NAN, "year=2021", 1, 1);
        CHECKN(r, "minima", "persons", ps[i], NAN, "year=2021", 2, 2);
        CHECKN(r, "minima", "minors", ps[i], NAN, "year=2021", 1, 1);
    }
    assert_int_equal(armoede_result_nrows(r), 24);
    armoede_result_free(r);
    armoede_table_free(t);
    armoede_norms_free(n);
}

/* A household type the norms table does not know, and a year before its first row,
 * are ARMOEDE_ENORM errors (not skipped rows). A missing household type is a row
 * whose ratio cannot be formed: skipped and counted. */
static void test_minima_norms_errors(void **state)
{
    (void)state;
    armoede_norms *n = make_norms();
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.norms = n;
    const unsigned cols = C_PID | C_HID | C_YEAR | C_INC | C_TYPE | C_BAND;

    rec rs[2] = {
        {.pid = 1, .hid = 1, .year = 2022, .income = 100.0, .type = "single", .band = "21_aow"},
        {.pid = 2, .hid = 2, .year = 2022, .income = 100.0, .type = "other", .band = "21_aow"},
    };
    armoede_table *t = build(rs, 2, cols);
    expect_status(armoede_minima, t, &o, ARMOEDE_ENORM);
    armoede_table_free(t);

    rs[1].type = "single";
    rs[1].year = 2020; /* no norm row is valid in any month of 2020 */
    t = build(rs, 2, cols);
    expect_status(armoede_minima, t, &o, ARMOEDE_ENORM);
    armoede_table_free(t);

    /* couple with a band the table does not have for couples: ENORM */
    rs[1].year = 2022;
    rs[1].type = "couple";
    rs[1].band = "aow";
    t = build(rs, 2, cols);
    expect_status(armoede_minima, t, &o, ARMOEDE_ENORM);
    armoede_table_free(t);

    /* missing type: skipped and counted; H1 100 <= 12600 -> 1/1 */
    rs[1].type = NULL;
    t = build(rs, 2, cols);
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    o.thresholds = P10;
    o.n_thresholds = 1;
    armoede_result *r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "", 1, 1);
    assert_true(armoede_result_nnotes(r) > 0);
    armoede_result_free(r);
    armoede_table_free(t);

    /* Income without norm, norms table or ratio: an error. The header allows two
     * readings: a role not mapped (ENOTFOUND) or a missing option (EINVAL). */
    t = build(rs, 2, C_PID | C_HID | C_YEAR | C_INC);
    o.norms = NULL;
    r = NULL;
    int rc = armoede_minima(t, &o, &r);
    armoede_result_free(r);
    assert_true(rc == ARMOEDE_ENOTFOUND || rc == ARMOEDE_EINVAL);
    armoede_table_free(t);
    armoede_norms_free(n);
}

/* ========================================================================
 * Minima from the CBS ratio (RATIO_PCT, INHARMSOC-style percentages)
 * ====================================================================== */
/* Millionths of a percent: p=1.1 -> 110000000.
 *  H1 100.0        -> at every line               p1 (minor 0), p2 (minor 1)
 *  H2 110.0        -> exactly on 110%: in at 1.1  p3
 *  H3 110.000001   -> 110000001 > 110000000: not at 1.1, in at 1.2   p4
 *  H4 110.0000004  -> round(110000000.4) = 110000000: in at 1.1      p5, p6 (minor)
 *  H5 129.9        -> in at 1.3 only             p7
 *  H6 250          -> never                       p8, p9 (minor)
 *  H7 0            -> at every line               p10
 *  H8 NaN          -> skipped, noted              p11
 * denominators: hh 7, persons 10, minors 3 (p2, p6, p9)
 *  p=1.0: H1, H7         -> hh 2, persons 3, minors 1
 *  p=1.1: + H2, H4       -> hh 4, persons 6, minors 2
 *  p=1.2: + H3           -> hh 5, persons 7, minors 2
 *  p=1.3: + H5           -> hh 6, persons 8, minors 2 */
static void test_minima_ratio_pct(void **state)
{
    (void)state;
    static const rec rs[] = {
        {.pid = 1, .hid = 1, .year = 2022, .ratio = 100.0, .minor = 0},
        {.pid = 2, .hid = 1, .year = 2022, .ratio = 100.0, .minor = 1},
        {.pid = 3, .hid = 2, .year = 2022, .ratio = 110.0, .minor = 0},
        {.pid = 4, .hid = 3, .year = 2022, .ratio = 110.000001, .minor = 0},
        {.pid = 5, .hid = 4, .year = 2022, .ratio = 110.0000004, .minor = 0},
        {.pid = 6, .hid = 4, .year = 2022, .ratio = 110.0000004, .minor = 1},
        {.pid = 7, .hid = 5, .year = 2022, .ratio = 129.9, .minor = 0},
        {.pid = 8, .hid = 6, .year = 2022, .ratio = 250.0, .minor = 0},
        {.pid = 9, .hid = 6, .year = 2022, .ratio = 250.0, .minor = 1},
        {.pid = 10, .hid = 7, .year = 2022, .ratio = 0.0, .minor = 0},
        {.pid = 11, .hid = 8, .year = 2022, .ratio = NAN, .minor = 0},
    };
    armoede_table *t = build(rs, ARRAY_LEN(rs), C_PID | C_HID | C_YEAR | C_RATIO | C_MINOR);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    armoede_result *r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "", 2, 7);
    CHECKN(r, "minima", "persons", 1.0, NAN, "", 3, 10);
    CHECKN(r, "minima", "minors", 1.0, NAN, "", 1, 3);
    CHECKN(r, "minima", "households", 1.1, NAN, "", 4, 7);
    CHECKN(r, "minima", "persons", 1.1, NAN, "", 6, 10);
    CHECKN(r, "minima", "minors", 1.1, NAN, "", 2, 3);
    CHECKN(r, "minima", "households", 1.2, NAN, "", 5, 7);
    CHECKN(r, "minima", "persons", 1.2, NAN, "", 7, 10);
    CHECKN(r, "minima", "minors", 1.2, NAN, "", 2, 3);
    CHECKN(r, "minima", "households", 1.3, NAN, "", 6, 7);
    CHECKN(r, "minima", "persons", 1.3, NAN, "", 8, 10);
    CHECKN(r, "minima", "minors", 1.3, NAN, "", 2, 3);
    assert_true(armoede_result_nnotes(r) > 0); /* the NaN ratio was skipped */
    armoede_result_free(r);
    armoede_table_free(t);
}

/* RATIO_PCT wins over INCOME + NORM (rule 1 before rule 2): income 5000 / norm 1000
 * would be above every line, the ratio 100 is at 100%. */
static void test_ratio_wins_over_income(void **state)
{
    (void)state;
    static const rec rs[] = {
        {.pid = 1, .hid = 1, .year = 2022, .income = 5000.0, .norm = 1000.0, .ratio = 100.0},
        {.pid = 2, .hid = 2, .year = 2022, .income = 500.0, .norm = 1000.0, .ratio = 300.0},
    };
    armoede_table *t = build(rs, 2, C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_RATIO);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    armoede_result *r = run_ok(armoede_minima, t, &o);
    /* ratio: H1 100 in, H2 300 out -> 1/2 (income+norm would also give 1/2, so check the
     * row level through single-household tables below) */
    CHECKN(r, "minima", "households", 1.0, NAN, "", 1, 2);
    armoede_result_free(r);
    armoede_table_free(t);
    t = build(rs, 1, C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_RATIO);
    r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "", 1, 1);
    armoede_result_free(r);
    armoede_table_free(t);

    /* A per-record NORM wins over a norms table (rule 2 before rule 3): income 1500
     * with norm 1000 is above 100%; the table's single norm 12000 would put it below. */
    static const rec r2[] = {
        {.pid = 1, .hid = 1, .year = 2022, .income = 1500.0, .norm = 1000.0, .type = "single", .band = "21_aow"},
    };
    armoede_norms *n = make_norms();
    o.norms = n;
    t = build(r2, 1, C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_TYPE | C_BAND);
    r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "", 0, 1);
    armoede_result_free(r);
    armoede_table_free(t);
    armoede_norms_free(n);
}

/* ========================================================================
 * Minors
 * ====================================================================== */
/* MINOR, AGE and BIRTH_YEAR all mapped, year 2022, everyone at or below 100%:
 *  p1 minor 1,  age 30, birth 1990 -> minor (flag)
 *  p2 minor 0,  age 10, birth 2012 -> not a minor (the flag wins over age)
 *  p3 minor NA, age 10, birth 1990 -> minor (age, as the flag is missing)
 *  p4 minor NA, age NA, birth 2012 -> minor (birth year: 2022 - 2012 = 10)
 *  p5 minor NA, age 40, birth 2012 -> not a minor (age before birth year)
 *  p6 minor NA, age NA, birth 2004 -> 2022 - 2004 = 18: not a minor
 * minors 3 (p1, p3, p4). */
static void test_minor_precedence(void **state)
{
    (void)state;
    static const rec rs[] = {
        {.pid = 1, .hid = 1, .year = 2022, .income = 500, .norm = 1000, .minor = 1, .age = 30, .birth = 1990},
        {.pid = 2, .hid = 1, .year = 2022, .income = 500, .norm = 1000, .minor = 0, .age = 10, .birth = 2012},
        {.pid = 3, .hid = 1, .year = 2022, .income = 500, .norm = 1000, .minor = NA, .age = 10, .birth = 1990},
        {.pid = 4, .hid = 2, .year = 2022, .income = 500, .norm = 1000, .minor = NA, .age = NA, .birth = 2012},
        {.pid = 5, .hid = 2, .year = 2022, .income = 500, .norm = 1000, .minor = NA, .age = 40, .birth = 2012},
        {.pid = 6, .hid = 3, .year = 2022, .income = 5000, .norm = 1000, .minor = NA, .age = NA, .birth = 2004},
    };
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    o.units = ARMOEDE_UNIT_MINORS;

    /* First: the flag alone against age (no missing values): p1, p2 only. */
    armoede_table *t = build(rs, 2, C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_MINOR | C_AGE);
    armoede_result *r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "minors", 1.0, NAN, "", 1, 1);
    armoede_result_free(r);
    armoede_table_free(t);

    /* The full cascade. */
    t = build(rs, ARRAY_LEN(rs),
              C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_MINOR | C_AGE | C_BIRTH);
    r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "minors", 1.0, NAN, "", 3, 3);
    assert_int_equal(count_rows(r, "minima", "persons"), 0);
    assert_int_equal(count_rows(r, "minima", "households"), 0);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* ========================================================================
 * Population filters
 * ====================================================================== */
/* One person per household, norm 1000, p = 1.0, households:
 *  H1 900                       in population, at or below
 *  H2 900  whole_year 0         left out (filter_whole_year)
 *  H3 900  student 1            left out (filter_student)
 *  H4 900  institutional 1      left out (filter_institutional)
 *  H5 -50                       left out (negative, default); included: at or below
 *  H6 900  wealth 50000         with wealth_limit 30000: in the denominator only
 *  H7 1500                      in population, above
 *  H8 NaN                       skipped (no ratio), noted
 *  H9 900  wealth 30000         not above the limit: at or below
 * default:                    den H1,H6,H7,H9 = 4, num H1,H6,H9 = 3
 * wealth_limit 30000:         4, num 2
 * filters off:                den + H2,H3,H4 = 7, num 6
 * negative included:          den 5, num 4 */
static const rec FILTER_REC[] = {
    {.pid = 1, .hid = 1, .year = 2022, .income = 900, .norm = 1000},
    {.pid = 2, .hid = 2, .year = 2022, .income = 900, .norm = 1000, .partial = 1},
    {.pid = 3, .hid = 3, .year = 2022, .income = 900, .norm = 1000, .student = 1},
    {.pid = 4, .hid = 4, .year = 2022, .income = 900, .norm = 1000, .inst = 1},
    {.pid = 5, .hid = 5, .year = 2022, .income = -50, .norm = 1000},
    {.pid = 6, .hid = 6, .year = 2022, .income = 900, .norm = 1000, .wealth = 50000},
    {.pid = 7, .hid = 7, .year = 2022, .income = 1500, .norm = 1000},
    {.pid = 8, .hid = 8, .year = 2022, .income = NAN, .norm = 1000},
    {.pid = 9, .hid = 9, .year = 2022, .income = 900, .norm = 1000, .wealth = 30000},
};

static void test_population_filters(void **state)
{
    (void)state;
    armoede_table *t = build(FILTER_REC, ARRAY_LEN(FILTER_REC),
                             C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_WHOLE | C_STUDENT |
                                 C_INST | C_WEALTH);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS | ARMOEDE_UNIT_PERSONS;

    armoede_result *r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "", 3, 4);
    CHECKN(r, "minima", "persons", 1.0, NAN, "", 3, 4);
    assert_true(armoede_result_nnotes(r) > 0); /* H8 skipped for its missing income */
    for (size_t i = 0; i < armoede_result_nnotes(r); i++)
        assert_non_null(armoede_result_note(r, i));
    assert_int_equal(count_rows(r, "minima", "minors"), 0);
    armoede_result_free(r);

    o.wealth_limit = 30000.0;
    r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "", 2, 4);
    CHECKN(r, "minima", "persons", 1.0, NAN, "", 2, 4);
    armoede_result_free(r);
    o.wealth_limit = 0.0;

    o.filter_whole_year = 0;
    o.filter_student = 0;
    o.filter_institutional = 0;
    r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "", 6, 7);
    armoede_result_free(r);

    /* each filter alone: 5/5 (den H1,H6,H7,H9 + the one kept) */
    o.filter_whole_year = 1;
    o.filter_student = 1;
    r = run_ok(armoede_minima, t, &o); /* only institutional off */
    CHECKN(r, "minima", "households", 1.0, NAN, "", 4, 5);
    armoede_result_free(r);
    o.filter_institutional = 1;

    o.negative_income = ARMOEDE_NEGATIVE_INCLUDE;
    r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "", 4, 5);
    armoede_result_free(r);
    /* included negative income is below every line, even a tiny one */
    static const double tiny[] = {0.01};
    o.thresholds = tiny;
    r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 0.01, NAN, "", 1, 5);
    armoede_result_free(r);

    armoede_table_free(t);

    /* Without the flag columns mapped nobody is filtered by them; H5 (negative) is still
     * left out and H8 skipped: den H1,H2,H3,H4,H6,H7,H9 = 7, num all but H7 = 6. */
    t = build(FILTER_REC, ARRAY_LEN(FILTER_REC), C_PID | C_HID | C_YEAR | C_INC | C_NORM);
    o.thresholds = P10;
    o.negative_income = ARMOEDE_NEGATIVE_EXCLUDE;
    r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "", 6, 7);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* ========================================================================
 * Household-year table (no PERSON_ID; N_PERSONS / N_MINORS)
 * ====================================================================== */
/* norm 1000:
 *  H1  900  n 3, minors 1   weight 2.0
 *  H2 1050  n 1, minors 0   weight 1.0
 *  H3 2000  n 4, minors 2   weight 0.5
 *  H4 1000  n 2, minors 2   weight 3.0
 * N_PERSONS / N_MINORS act as weights ("weighted by"), so the unweighted counts num_n /
 * den_n of persons and minors are the household records behind them (those with
 * N > 0): persons den_n 4, minors den_n 3 (H2 has no minors). [Header ambiguity: one
 * could also read num_n as the number of persons; this is the library's choice.]
 * unweighted:
 *  p=1.0: H1, H4      hh 2/4; persons 3+2 = 5/10 (n 2/4); minors 1+2 = 3/5 (n 2/3)
 *  p=1.1: + H2        hh 3/4; persons 6/10 (n 3/4); minors 3/5 (n 2/3)
 * weighted (counts unchanged):
 *  p=1.0: hh 5.0/6.5; persons 2x3 + 3x2 = 12 / (6+1+2+6 = 15); minors 2+6 = 8 / (2+1+6 = 9)
 *  p=1.1: hh 6.0/6.5; persons 13/15; minors 8/9 */
static void test_household_year_table(void **state)
{
    (void)state;
    static const rec rs[] = {
        {.hid = 1, .year = 2022, .income = 900, .norm = 1000, .npers = 3, .nmin = 1, .weight = 2.0},
        {.hid = 2, .year = 2022, .income = 1050, .norm = 1000, .npers = 1, .nmin = 0, .weight = 1.0},
        {.hid = 3, .year = 2022, .income = 2000, .norm = 1000, .npers = 4, .nmin = 2, .weight = 0.5},
        {.hid = 4, .year = 2022, .income = 1000, .norm = 1000, .npers = 2, .nmin = 2, .weight = 3.0},
    };
    static const double ps[] = {1.0, 1.1};
    armoede_table *t =
        build(rs, ARRAY_LEN(rs), C_HID | C_YEAR | C_INC | C_NORM | C_NPERS | C_NMIN);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = ps;
    o.n_thresholds = 2;
    armoede_result *r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "", 2, 4);
    CHECK(r, "minima", "persons", 1.0, NAN, "", 5, 10, 2, 4);
    CHECK(r, "minima", "minors", 1.0, NAN, "", 3, 5, 2, 3);
    CHECKN(r, "minima", "households", 1.1, NAN, "", 3, 4);
    CHECK(r, "minima", "persons", 1.1, NAN, "", 6, 10, 3, 4);
    CHECK(r, "minima", "minors", 1.1, NAN, "", 3, 5, 2, 3);
    armoede_result_free(r);
    armoede_table_free(t);

    t = build(rs, ARRAY_LEN(rs), C_HID | C_YEAR | C_INC | C_NORM | C_NPERS | C_NMIN | C_WEIGHT);
    r = run_ok(armoede_minima, t, &o);
    CHECK(r, "minima", "households", 1.0, NAN, "", 5.0, 6.5, 2, 4);
    CHECK(r, "minima", "persons", 1.0, NAN, "", 12.0, 15.0, 2, 4);
    CHECK(r, "minima", "minors", 1.0, NAN, "", 8.0, 9.0, 2, 3);
    CHECK(r, "minima", "households", 1.1, NAN, "", 6.0, 6.5, 3, 4);
    CHECK(r, "minima", "persons", 1.1, NAN, "", 13.0, 15.0, 3, 4);
    CHECK(r, "minima", "minors", 1.1, NAN, "", 8.0, 9.0, 2, 3);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* ========================================================================
 * Weights
 * ====================================================================== */
/* norm 1000, p = 1.0, person rows with weights:
 *  H1  900  p1 w 2.0 (first row: household weight 2.0), p2 w 3.0 age 10 (minor)
 *  H2 1200  p3 w 1.5
 *  H3  800  p4 w 0     -> skipped
 *  H4  800  p5 w -1    -> skipped
 *  H5  800  p6 w NaN   -> skipped
 *  H6 1000  p7 w 0.5, p8 w 0.25 age 5 (minor)
 * households: den H1 2.0 + H2 1.5 + H6 0.5 = 4.0 (n 3); num H1, H6 = 2.5 (n 2)
 * persons: den 2+3+1.5+0.5+0.25 = 7.25 (n 5); num 2+3+0.5+0.25 = 5.75 (n 4)
 * minors: den p2 3 + p8 0.25 = 3.25 (n 2); num 3.25 (n 2) */
static void test_weights(void **state)
{
    (void)state;
    static const rec rs[] = {
        {.pid = 1, .hid = 1, .year = 2022, .income = 900, .norm = 1000, .weight = 2.0, .age = 40},
        {.pid = 2, .hid = 1, .year = 2022, .income = 900, .norm = 1000, .weight = 3.0, .age = 10},
        {.pid = 3, .hid = 2, .year = 2022, .income = 1200, .norm = 1000, .weight = 1.5, .age = 40},
        {.pid = 4, .hid = 3, .year = 2022, .income = 800, .norm = 1000, .weight = 0.0, .age = 40},
        {.pid = 5, .hid = 4, .year = 2022, .income = 800, .norm = 1000, .weight = -1.0, .age = 40},
        {.pid = 6, .hid = 5, .year = 2022, .income = 800, .norm = 1000, .weight = NAN, .age = 40},
        {.pid = 7, .hid = 6, .year = 2022, .income = 1000, .norm = 1000, .weight = 0.5, .age = 40},
        {.pid = 8, .hid = 6, .year = 2022, .income = 1000, .norm = 1000, .weight = 0.25, .age = 5},
    };
    armoede_table *t =
        build(rs, ARRAY_LEN(rs), C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_AGE | C_WEIGHT);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    armoede_result *r = run_ok(armoede_minima, t, &o);
    CHECK(r, "minima", "households", 1.0, NAN, "", 2.5, 4.0, 2, 3);
    CHECK(r, "minima", "persons", 1.0, NAN, "", 5.75, 7.25, 4, 5);
    CHECK(r, "minima", "minors", 1.0, NAN, "", 3.25, 3.25, 2, 2);
    assert_true(armoede_result_nnotes(r) > 0); /* three rows skipped for their weight */

    /* With weights: a finite SE, and a 95% interval around the estimate inside [0,1]. */
    for (size_t i = 0; i < armoede_result_nrows(r); i++) {
        double se = armoede_result_value(r, i, ARMOEDE_FIELD_SE);
        double est = armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE);
        double lo = armoede_result_value(r, i, ARMOEDE_FIELD_CI_LOW);
        double hi = armoede_result_value(r, i, ARMOEDE_FIELD_CI_HIGH);
        assert_true(isfinite(se));
        assert_true(se >= 0.0);
        assert_true(isfinite(lo) && isfinite(hi));
        assert_true(lo >= 0.0 && hi <= 1.0);
        assert_true(lo <= est + 1e-12 && est <= hi + 1e-12);
    }
    long hh = find_cell(r, "minima", "households", 1.0, NAN, "");
    assert_true(hh >= 0);
    /* Linearised SE of R = num_w / den_w, units independent draws with replacement:
     * z_i = w_i (y_i - R), var = n / (n - 1) * sum z_i^2 / den_w^2 (sum z_i = 0).
     * households: R = 0.625; z = 2 x 0.375 = 0.75, 1.5 x -0.625 = -0.9375,
     * 0.5 x 0.375 = 0.1875; sum z^2 = 1.4765625; var = 1.5 x 1.4765625 / 16
     * = 0.138427734375; SE = 0.372058778118458 */
    assert_true(fabs(armoede_result_value(r, (size_t)hh, ARMOEDE_FIELD_SE) -
                     sqrt(0.138427734375)) < 1e-12);
    /* persons: the same formula over the 5 person rows; the 95% interval is
     * R +- 1.959963984540054 SE clipped to [0,1] (tolerance 1e-8 for the quantile) */
    {
        static const double pw[] = {2.0, 3.0, 1.5, 0.5, 0.25}, py[] = {1, 1, 0, 1, 1};
        double R = 5.75 / 7.25, ss = 0.0;
        for (size_t i = 0; i < 5; i++)
            ss += (pw[i] * (py[i] - R)) * (pw[i] * (py[i] - R));
        double se = sqrt(5.0 / 4.0 * ss / (7.25 * 7.25));
        long pc = find_cell(r, "minima", "persons", 1.0, NAN, "");
        assert_true(pc >= 0);
        assert_true(fabs(armoede_result_value(r, (size_t)pc, ARMOEDE_FIELD_SE) - se) < 1e-12);
        double lo = R - 1.959963984540054 * se, hi = R + 1.959963984540054 * se;
        assert_true(fabs(armoede_result_value(r, (size_t)pc, ARMOEDE_FIELD_CI_LOW) - lo) < 1e-8);
        assert_true(hi > 1.0 && armoede_result_value(r, (size_t)pc, ARMOEDE_FIELD_CI_HIGH) == 1.0);
    }
    armoede_result_free(r);

    /* A higher confidence level gives a wider (or equal, when clipped) interval. */
    o.units = ARMOEDE_UNIT_PERSONS;
    r = run_ok(armoede_minima, t, &o);
    double lo95 = armoede_result_value(r, 0, ARMOEDE_FIELD_CI_LOW);
    armoede_result_free(r);
    o.ci_level = 0.99;
    r = run_ok(armoede_minima, t, &o);
    assert_true(armoede_result_value(r, 0, ARMOEDE_FIELD_CI_LOW) <= lo95);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* ========================================================================
 * Breakdowns and margins
 * ====================================================================== */
/* norm 1000, p = 1.0, by year (INT) x district (CAT):
 * 2021: H1 A  900 (p1, p2)   H2 A 1500 (p3)   H3 B 1000 (p4)
 *       H4 NULL district 800 (p5): skipped (missing key), noted
 *       H5 C 900 student (p6): filtered -> district C never has a unit: not reported
 * 2022: H6 A 1200 (p1, p2)   H7 B 700 (p3, p4, p6)   H8 B 2000 (p7)
 * cells (households num/den; persons num/den):
 *  2021 A      1/2 ; 2/3        2021 B      1/1 ; 1/1      2021 Total  2/3 ; 3/4
 *  2022 A      0/1 ; 0/2        2022 B      1/2 ; 3/4      2022 Total  1/3 ; 3/6
 *  Total A     1/3 ; 2/5        Total B     2/3 ; 4/5      Total Total 3/6 ; 6/10 */
static const rec BREAK_REC[] = {
    {.pid = 1, .hid = 1, .year = 2021, .income = 900, .norm = 1000, .district = "A"},
    {.pid = 2, .hid = 1, .year = 2021, .income = 900, .norm = 1000, .district = "A"},
    {.pid = 3, .hid = 2, .year = 2021, .income = 1500, .norm = 1000, .district = "A"},
    {.pid = 4, .hid = 3, .year = 2021, .income = 1000, .norm = 1000, .district = "B"},
    {.pid = 5, .hid = 4, .year = 2021, .income = 800, .norm = 1000, .district = NULL},
    {.pid = 6, .hid = 5, .year = 2021, .income = 900, .norm = 1000, .district = "C", .student = 1},
    {.pid = 1, .hid = 6, .year = 2022, .income = 1200, .norm = 1000, .district = "A"},
    {.pid = 2, .hid = 6, .year = 2022, .income = 1200, .norm = 1000, .district = "A"},
    {.pid = 3, .hid = 7, .year = 2022, .income = 700, .norm = 1000, .district = "B"},
    {.pid = 4, .hid = 7, .year = 2022, .income = 700, .norm = 1000, .district = "B"},
    {.pid = 6, .hid = 7, .year = 2022, .income = 700, .norm = 1000, .district = "B"},
    {.pid = 7, .hid = 8, .year = 2022, .income = 2000, .norm = 1000, .district = "B"},
};

static void check_break_inner(const armoede_result *r)
{
    CHECKN(r, "minima", "households", 1.0, NAN, "year=2021,district=A", 1, 2);
    CHECKN(r, "minima", "persons", 1.0, NAN, "year=2021,district=A", 2, 3);
    CHECKN(r, "minima", "households", 1.0, NAN, "year=2021,district=B", 1, 1);
    CHECKN(r, "minima", "persons", 1.0, NAN, "year=2021,district=B", 1, 1);
    CHECKN(r, "minima", "households", 1.0, NAN, "year=2022,district=A", 0, 1);
    CHECKN(r, "minima", "persons", 1.0, NAN, "year=2022,district=A", 0, 2);
    CHECKN(r, "minima", "households", 1.0, NAN, "year=2022,district=B", 1, 2);
    CHECKN(r, "minima", "persons", 1.0, NAN, "year=2022,district=B", 3, 4);
    ABSENT(r, "minima", "households", 1.0, NAN, "year=2021,district=C");
    ABSENT(r, "minima", "persons", 1.0, NAN, "year=2021,district=C");
    ABSENT(r, "minima", "households", 1.0, NAN, "year=2021");
}

static void test_breakdowns(void **state)
{
    (void)state;
    armoede_table *t = build(BREAK_REC, ARRAY_LEN(BREAK_REC),
                             C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_STUDENT | C_DISTRICT);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS | ARMOEDE_UNIT_PERSONS;
    o.by = BY_YEAR_DISTRICT;
    o.n_by = 2;

    /* no margins: 4 cells per unit */
    armoede_result *r = run_ok(armoede_minima, t, &o);
    assert_int_equal(armoede_result_nkeys(r), 2);
    assert_true(has_key(r, "year") && has_key(r, "district"));
    check_break_inner(r);
    assert_int_equal(count_rows(r, "minima", "households"), 4);
    assert_int_equal(count_rows(r, "minima", "persons"), 4);
    assert_true(armoede_result_nnotes(r) > 0); /* the row with a missing district */
    armoede_result_free(r);

    /* margins on district: + (year, Total) */
    o.margins = M_DISTRICT;
    o.n_margins = 1;
    r = run_ok(armoede_minima, t, &o);
    check_break_inner(r);
    CHECKN(r, "minima", "households", 1.0, NAN, "year=2021,district=Total", 2, 3);
    CHECKN(r, "minima", "persons", 1.0, NAN, "year=2021,district=Total", 3, 4);
    CHECKN(r, "minima", "households", 1.0, NAN, "year=2022,district=Total", 1, 3);
    CHECKN(r, "minima", "persons", 1.0, NAN, "year=2022,district=Total", 3, 6);
    ABSENT(r, "minima", "households", 1.0, NAN, "year=Total,district=A");
    assert_int_equal(count_rows(r, "minima", "households"), 6);
    assert_int_equal(count_rows(r, "minima", "persons"), 6);
    armoede_result_free(r);

    /* margins on both keys: every combination */
    o.margins = BY_YEAR_DISTRICT;
    o.n_margins = 2;
    r = run_ok(armoede_minima, t, &o);
    check_break_inner(r);
    CHECKN(r, "minima", "households", 1.0, NAN, "year=2021,district=Total", 2, 3);
    CHECKN(r, "minima", "persons", 1.0, NAN, "year=2021,district=Total", 3, 4);
    CHECKN(r, "minima", "households", 1.0, NAN, "year=2022,district=Total", 1, 3);
    CHECKN(r, "minima", "persons", 1.0, NAN, "year=2022,district=Total", 3, 6);
    CHECKN(r, "minima", "households", 1.0, NAN, "year=Total,district=A", 1, 3);
    CHECKN(r, "minima", "persons", 1.0, NAN, "year=Total,district=A", 2, 5);
    CHECKN(r, "minima", "households", 1.0, NAN, "year=Total,district=B", 2, 3);
    CHECKN(r, "minima", "persons", 1.0, NAN, "year=Total,district=B", 4, 5);
    CHECKN(r, "minima", "households", 1.0, NAN, "year=Total,district=Total", 3, 6);
    CHECKN(r, "minima", "persons", 1.0, NAN, "year=Total,district=Total", 6, 10);
    ABSENT(r, "minima", "households", 1.0, NAN, "year=Total,district=C");
    assert_int_equal(count_rows(r, "minima", "households"), 9);
    assert_int_equal(count_rows(r, "minima", "persons"), 9);
    armoede_result_free(r);

    /* by district only (CAT), margin on it: pooled over years */
    o.by = M_DISTRICT;
    o.n_by = 1;
    o.margins = M_DISTRICT;
    o.n_margins = 1;
    r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "district=A", 1, 3);
    CHECKN(r, "minima", "households", 1.0, NAN, "district=B", 2, 3);
    CHECKN(r, "minima", "households", 1.0, NAN, "district=Total", 3, 6);
    assert_int_equal(count_rows(r, "minima", "households"), 3);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* ========================================================================
 * Durations
 * ====================================================================== */
/* Rows from patterns, one char per year from y0: 'L' at or below (900 / 1000),
 * 'H' above (2000 / 1000), 'U' no row, 'S' a row of a student household (900: left out
 * of the population -> unobserved), 'W' whole_year 0 (900: left out). */
typedef struct pat {
    int64_t pid;
    const char *s;
    int64_t birth;
    int64_t hid[8]; /* household per year; 0 = pid * 10 */
} pat;

static size_t from_patterns(const pat *ps, size_t np, int64_t y0, rec *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < np; i++) {
        for (size_t y = 0; ps[i].s[y] != '\0'; y++) {
            char c = ps[i].s[y];
            if (c == 'U')
                continue;
            assert_true(n < cap);
            rec r = {0};
            r.pid = ps[i].pid;
            r.hid = ps[i].hid[y] != 0 ? ps[i].hid[y] : ps[i].pid * 10;
            r.year = y0 + (int64_t)y;
            r.income = c == 'H' ? 2000.0 : 900.0;
            r.norm = 1000.0;
            r.birth = ps[i].birth;
            r.student = c == 'S';
            r.partial = c == 'W';
            out[n++] = r;
        }
    }
    return n;
}

/* Person level, years 2016-2021, p = 1.0:
 *          16 17 18 19 20 21
 *  P1      L  L  L  L  L  L    hh 1                      born 1980
 *  P2      L  L  U  L  L  L    missing year 2018         born 1980
 *  P3      L  L  L  L  H  L    a new household each year born 1980
 *  P4      L  L  L  L  L  L    hh 4, born 2001: minor 2016-2018 (17), adult from 2019 (18)
 *  P5      L  L  L  L  L  L    hh 4, born 2010: minor throughout
 *  P6      L  L  H  L  L  L                              born 1970
 *  P7      L  L  S  L  L  L    2018 student: out of the population -> unobserved
 *  P8      H  H  H  H  H  H                              born 1970
 *  P9      H  H  L  L  L  L    born 2008: minor throughout
 * population: 9 in every year except 2018: 7 (P2, P7 unobserved)
 * at or below in t: 16: 7, 17: 7, 18: P1 P3 P4 P5 P9 = 5, 19: 8 (all but P8), 20: 7 (P3 H),
 *                   21: 8
 * k=4 (no bridging): 19: P1 P3 P4 P5 = 4; 20: P1 P4 P5 = 3; 21: P1 P4 P5 P9 = 4;
 *                    16-18: 0
 * k=4, bridge_gaps=1 (2018 of P2 and P7 neither breaks nor counts):
 *   19: P2 has 19, 17, 16 = 3 years: no -> 4; 20: + P2, P7 (20, 19, 17, 16) = 5;
 *   21: P1 P4 P5 P9 + P2, P7 = 6
 * minors in t: 16: P4 P5 P9 = 3; 17: 3; 18: 3 (P4 is 17); 19-21: P5 P9 = 2
 * minors at or below: 16: P4 P5 = 2; 17: 2; 18: P4 P5 P9 = 3; 19-21: 2
 * minors k=4: 19: P5 (P4 no longer a minor) = 1; 20: 1; 21: P5, P9 = 2; 18: 0 */
static const pat DUR_PAT[] = {
    {1, "LLLLLL", 1980, {1, 1, 1, 1, 1, 1}},
    {2, "LLULLL", 1980, {2, 2, 2, 2, 2, 2}},
    {3, "LLLLHL", 1980, {31, 32, 33, 34, 35, 36}},
    {4, "LLLLLL", 2001, {4, 4, 4, 4, 4, 4}},
    {5, "LLLLLL", 2010, {4, 4, 4, 4, 4, 4}},
    {6, "LLHLLL", 1970, {6, 6, 6, 6, 6, 6}},
    {7, "LLSLLL", 1970, {7, 7, 7, 7, 7, 7}},
    {8, "HHHHHH", 1970, {8, 8, 8, 8, 8, 8}},
    {9, "HHLLLL", 2008, {9, 9, 9, 9, 9, 9}},
};

static armoede_table *duration_table(void)
{
    rec rs[64];
    size_t n = from_patterns(DUR_PAT, ARRAY_LEN(DUR_PAT), 2016, rs, ARRAY_LEN(rs));
    return build(rs, n, C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_BIRTH | C_STUDENT);
}

static void test_durations_person(void **state)
{
    (void)state;
    armoede_table *t = duration_table();
    static const int ks[] = {1, 4};
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    o.durations = ks;
    o.n_durations = 2;
    o.units = ARMOEDE_UNIT_PERSONS | ARMOEDE_UNIT_MINORS;
    o.by = BY_YEAR;
    o.n_by = 1;
    armoede_result *r = run_ok(armoede_durations, t, &o);

    /* k = 1: at or below in t */
    static const char *const years[] = {"year=2016", "year=2017", "year=2018",
                                        "year=2019", "year=2020", "year=2021"};
    static const double low[] = {7, 7, 5, 8, 7, 8}, pop[] = {9, 9, 7, 9, 9, 9};
    static const double mlow[] = {2, 2, 3, 2, 2, 2}, mpop[] = {3, 3, 3, 2, 2, 2};
    for (size_t y = 0; y < 6; y++) {
        CHECKN(r, "duration", "persons", 1.0, 1, years[y], low[y], pop[y]);
        CHECKN(r, "duration_of_minima", "persons", 1.0, 1, years[y], low[y], low[y]);
        CHECKN(r, "duration", "minors", 1.0, 1, years[y], mlow[y], mpop[y]);
        CHECKN(r, "duration_of_minima", "minors", 1.0, 1, years[y], mlow[y], mlow[y]);
    }
    /* k = 4 */
    static const double k4[] = {0, 0, 0, 4, 3, 4}, mk4[] = {0, 0, 0, 1, 1, 2};
    for (size_t y = 0; y < 6; y++) {
        CHECKN(r, "duration", "persons", 1.0, 4, years[y], k4[y], pop[y]);
        CHECKN(r, "duration_of_minima", "persons", 1.0, 4, years[y], k4[y], low[y]);
        CHECKN(r, "duration", "minors", 1.0, 4, years[y], mk4[y], mpop[y]);
        CHECKN(r, "duration_of_minima", "minors", 1.0, 4, years[y], mk4[y], mlow[y]);
    }
    /* 2 indicators x 2 k x 2 units x 6 years */
    assert_int_equal(armoede_result_nrows(r), 48);
    armoede_result_free(r);

    /* bridge_gaps = 1 */
    o.bridge_gaps = 1;
    r = run_ok(armoede_durations, t, &o);
    static const double k4b[] = {0, 0, 0, 4, 5, 6};
    for (size_t y = 0; y < 6; y++) {
        CHECKN(r, "duration", "persons", 1.0, 1, years[y], low[y], pop[y]);
        CHECKN(r, "duration", "persons", 1.0, 4, years[y], k4b[y], pop[y]);
        CHECKN(r, "duration_of_minima", "persons", 1.0, 4, years[y], k4b[y], low[y]);
        CHECKN(r, "duration", "minors", 1.0, 4, years[y], mk4[y], mpop[y]);
    }
    armoede_result_free(r);
    armoede_table_free(t);
}

/* Bridging details, one person each, k = 2, years 2016-2021:
 *  A  L U L H H H   bridge 1: 2018 spell 18,(17),16 = 2 -> in at 2018
 *  B  L U U L H H   gap of 2 > bridge 1: breaks; with bridge 2 -> in at 2019
 *  C  L H U L H H   the gap is not between two years at or below (2017 H): never bridged
 *  D  H H H H U L   gap right after a year above: no spell of 2 at 2021
 * at or below 2018: A; 2019: B, C; 2021: D
 * bridge 0: duration k=2 numerators 0 everywhere
 * bridge 1: 2018: A -> 1; 2019: 0
 * bridge 2: 2018: A; 2019: B -> 1 */
static void test_durations_bridging_rules(void **state)
{
    (void)state;
    static const pat ps[] = {
        {1, "LULHHH", 1980, {0}},
        {2, "LUULHH", 1980, {0}},
        {3, "LHULHH", 1980, {0}},
        {4, "HHHHUL", 1980, {0}},
    };
    rec rs[32];
    size_t n = from_patterns(ps, ARRAY_LEN(ps), 2016, rs, ARRAY_LEN(rs));
    armoede_table *t = build(rs, n, C_PID | C_HID | C_YEAR | C_INC | C_NORM);
    static const int ks[] = {2};
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    o.durations = ks;
    o.n_durations = 1;
    o.units = ARMOEDE_UNIT_PERSONS;
    o.by = BY_YEAR;
    o.n_by = 1;
    /* population per year: 16: 4; 17: B missing, A missing -> C, D = 2; 18: A, D = 2
     * (B, C missing); 19: 4; 20: A B C = 3 (D missing); 21: 4
     * at or below: 16: A B C = 3; 17: 0; 18: A = 1; 19: B C = 2; 20: 0; 21: D = 1 */
    armoede_result *r = run_ok(armoede_durations, t, &o);
    CHECKN(r, "duration_of_minima", "persons", 1.0, 2, "year=2018", 0, 1);
    CHECKN(r, "duration_of_minima", "persons", 1.0, 2, "year=2019", 0, 2);
    CHECKN(r, "duration_of_minima", "persons", 1.0, 2, "year=2021", 0, 1);
    CHECKN(r, "duration", "persons", 1.0, 2, "year=2019", 0, 4);
    armoede_result_free(r);

    o.bridge_gaps = 1;
    r = run_ok(armoede_durations, t, &o);
    CHECKN(r, "duration_of_minima", "persons", 1.0, 2, "year=2018", 1, 1);
    CHECKN(r, "duration", "persons", 1.0, 2, "year=2018", 1, 2);
    CHECKN(r, "duration_of_minima", "persons", 1.0, 2, "year=2019", 0, 2);
    CHECKN(r, "duration_of_minima", "persons", 1.0, 2, "year=2021", 0, 1);
    armoede_result_free(r);

    o.bridge_gaps = 2;
    r = run_ok(armoede_durations, t, &o);
    CHECKN(r, "duration_of_minima", "persons", 1.0, 2, "year=2018", 1, 1);
    CHECKN(r, "duration_of_minima", "persons", 1.0, 2, "year=2019", 1, 2);
    CHECKN(r, "duration", "persons", 1.0, 2, "year=2019", 1, 4);
    CHECKN(r, "duration_of_minima", "persons", 1.0, 2, "year=2021", 0, 1);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* Household level, years 2016-2019, p = 1.0, k = 1, 2, 4:
 *          16 17 18 19
 *  H10     L  L  L  L    persons A, B in 16-17; only A from 2018 (B leaves)
 *  H11     .  .  L  L    B's new household from 2018: starts a fresh spell
 *  H12     H  H  H  H
 *  H13     .  .  .  L    a new household in 2019
 *  H14     L  L  H  L
 *  H15     L  L  W  L    2018 whole_year 0: out of the population
 * population: 16: H10 H12 H14 H15 = 4; 17: 4; 18: H10 H11 H12 H14 = 4; 19: 6
 * at or below: 16: 3; 17: 3; 18: H10 H11 = 2; 19: H10 H11 H13 H14 H15 = 5
 * k=2: 17: H10 H14 H15 = 3; 18: H10 = 1 (H11 new); 19: H10 H11 = 2
 * k=4: 19: H10 = 1; other years 0
 * cbs_denominator: households in the population in t and each of the k-1 years before
 *  k=1 19: 6;  k=2 19: in 18 and 19: H10 H11 H12 H14 = 4;  k=2 18: in 17 and 18:
 *  H10 H12 H14 = 3;  k=4 19: in 16..19: H10 H12 H14 = 3 */
static armoede_table *household_duration_table(void)
{
    static const rec rs[] = {
        {.pid = 1, .hid = 10, .year = 2016, .income = 900, .norm = 1000},
        {.pid = 2, .hid = 10, .year = 2016, .income = 900, .norm = 1000},
        {.pid = 1, .hid = 10, .year = 2017, .income = 900, .norm = 1000},
        {.pid = 2, .hid = 10, .year = 2017, .income = 900, .norm = 1000},
        {.pid = 1, .hid = 10, .year = 2018, .income = 900, .norm = 1000},
        {.pid = 2, .hid = 11, .year = 2018, .income = 900, .norm = 1000},
        {.pid = 1, .hid = 10, .year = 2019, .income = 900, .norm = 1000},
        {.pid = 2, .hid = 11, .year = 2019, .income = 900, .norm = 1000},
        {.pid = 3, .hid = 12, .year = 2016, .income = 2000, .norm = 1000},
        {.pid = 3, .hid = 12, .year = 2017, .income = 2000, .norm = 1000},
        {.pid = 3, .hid = 12, .year = 2018, .income = 2000, .norm = 1000},
        {.pid = 3, .hid = 12, .year = 2019, .income = 2000, .norm = 1000},
        {.pid = 4, .hid = 13, .year = 2019, .income = 900, .norm = 1000},
        {.pid = 5, .hid = 14, .year = 2016, .income = 900, .norm = 1000},
        {.pid = 5, .hid = 14, .year = 2017, .income = 900, .norm = 1000},
        {.pid = 5, .hid = 14, .year = 2018, .income = 2000, .norm = 1000},
        {.pid = 5, .hid = 14, .year = 2019, .income = 900, .norm = 1000},
        {.pid = 6, .hid = 15, .year = 2016, .income = 900, .norm = 1000},
        {.pid = 6, .hid = 15, .year = 2017, .income = 900, .norm = 1000},
        {.pid = 6, .hid = 15, .year = 2018, .income = 900, .norm = 1000, .partial = 1},
        {.pid = 6, .hid = 15, .year = 2019, .income = 900, .norm = 1000},
    };
    return build(rs, ARRAY_LEN(rs), C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_WHOLE);
}

static void test_durations_household(void **state)
{
    (void)state;
    armoede_table *t = household_duration_table();
    static const int ks[] = {1, 2, 4};
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    o.durations = ks;
    o.n_durations = 3;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    o.level = ARMOEDE_LEVEL_HOUSEHOLD;
    o.by = BY_YEAR;
    o.n_by = 1;
    armoede_result *r = run_ok(armoede_durations, t, &o);
    CHECKN(r, "duration", "households", 1.0, 1, "year=2016", 3, 4);
    CHECKN(r, "duration", "households", 1.0, 1, "year=2018", 2, 4);
    CHECKN(r, "duration", "households", 1.0, 1, "year=2019", 5, 6);
    CHECKN(r, "duration", "households", 1.0, 2, "year=2016", 0, 4);
    CHECKN(r, "duration", "households", 1.0, 2, "year=2017", 3, 4);
    CHECKN(r, "duration", "households", 1.0, 2, "year=2018", 1, 4);
    CHECKN(r, "duration", "households", 1.0, 2, "year=2019", 2, 6);
    CHECKN(r, "duration_of_minima", "households", 1.0, 2, "year=2018", 1, 2);
    CHECKN(r, "duration_of_minima", "households", 1.0, 2, "year=2019", 2, 5);
    CHECKN(r, "duration", "households", 1.0, 4, "year=2018", 0, 4);
    CHECKN(r, "duration", "households", 1.0, 4, "year=2019", 1, 6);
    CHECKN(r, "duration_of_minima", "households", 1.0, 4, "year=2019", 1, 5);
    assert_int_equal(count_rows(r, "duration", "persons"), 0);
    armoede_result_free(r);

    /* CBS denominator (facts.md: households in the target population in all k years) */
    o.cbs_denominator = 1;
    r = run_ok(armoede_durations, t, &o);
    CHECKN(r, "duration", "households", 1.0, 1, "year=2019", 5, 6);
    CHECKN(r, "duration", "households", 1.0, 2, "year=2018", 1, 3);
    CHECKN(r, "duration", "households", 1.0, 2, "year=2019", 2, 4);
    CHECKN(r, "duration", "households", 1.0, 4, "year=2019", 1, 3);
    /* duration_of_minima keeps its own denominator */
    CHECKN(r, "duration_of_minima", "households", 1.0, 4, "year=2019", 1, 5);
    CHECKN(r, "duration_of_minima", "households", 1.0, 2, "year=2019", 2, 5);
    armoede_result_free(r);

    /* The same panel at person level: A in 16-19 (k=4 at 19), B in 16-19 too (followed
     * into H11), persons 3 (H12) H, 4 (H13) only 19, 5 (H14) breaks in 18, 6 (H15)
     * unobserved in 18. population 19: 6 persons; at or below: 1 2 4 5 6 = 5
     * k=4 at 2019: persons 1, 2 = 2
     * population 2018: persons 1 2 3 5 = 4 (6 out, 4 absent); k=2 at 2018: 1, 2 = 2 */
    o.cbs_denominator = 0;
    o.level = ARMOEDE_LEVEL_PERSON;
    o.units = ARMOEDE_UNIT_PERSONS;
    r = run_ok(armoede_durations, t, &o);
    CHECKN(r, "duration", "persons", 1.0, 4, "year=2019", 2, 6);
    CHECKN(r, "duration_of_minima", "persons", 1.0, 4, "year=2019", 2, 5);
    CHECKN(r, "duration", "persons", 1.0, 2, "year=2018", 2, 4);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* A person twice in one year is EDATA; durations need a YEAR role. */
static void test_durations_errors(void **state)
{
    (void)state;
    rec rs[64];
    size_t n = from_patterns(DUR_PAT, ARRAY_LEN(DUR_PAT), 2016, rs, ARRAY_LEN(rs) - 1);
    rs[n] = rs[1]; /* P1 in 2017 once more, in another household */
    rs[n].hid = 99;
    n++;
    armoede_table *t = build(rs, n, C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_BIRTH);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.by = BY_YEAR;
    o.n_by = 1;
    o.units = ARMOEDE_UNIT_PERSONS; /* only the error under test can trigger */
    expect_status(armoede_durations, t, &o, ARMOEDE_EDATA);
    armoede_table_free(t);

    /* no YEAR */
    n = from_patterns(DUR_PAT, ARRAY_LEN(DUR_PAT), 2016, rs, ARRAY_LEN(rs));
    t = build(rs, n, C_PID | C_HID | C_INC | C_NORM);
    o.by = NULL;
    o.n_by = 0;
    expect_status(armoede_durations, t, &o, ARMOEDE_ENOTFOUND);
    armoede_table_free(t);

    /* person level without PERSON_ID */
    t = build(rs, n, C_HID | C_YEAR | C_INC | C_NORM);
    expect_status(armoede_durations, t, &o, ARMOEDE_ENOTFOUND);
    armoede_table_free(t);

    /* k = 0 */
    t = build(rs, n, C_PID | C_HID | C_YEAR | C_INC | C_NORM);
    static const int k0[] = {0};
    o.durations = k0;
    o.n_durations = 1;
    expect_status(armoede_durations, t, &o, ARMOEDE_EINVAL);
    armoede_table_free(t);
}

/* ========================================================================
 * Flows
 * ====================================================================== */
/* Person level, years 2016-2021, p = 1.0, relapse m = 2:
 *          16 17 18 19 20 21
 *  Q1      L  H  L  L  H  H    exit 17 then back in 18: relapse; exit 20 (no follow-up)
 *  Q2      L  H  H  H  L  L    exit 17, above in 18 and 19: no relapse (2020 is beyond m)
 *  Q3      L  H  U  L  L  L    exit 17, 2018 unobserved: incomplete follow-up, left out
 *  Q4      H  L  H  H  H  H    entry 17, exit 18: no relapse in 19, 20
 *  Q5      H  H  H  H  H  H
 *  Q6      L  L  L  L  L  L
 *  Q7      L  U  L  H  L  H    exit 19, back in 20: relapse; exit 21
 *  Q8      H  L  U  U  U  U
 * entry / exit per t (units observed in t-1 and t):
 *  2017: both Q1-Q6, Q8. not low in 16: Q4 Q5 Q8 -> entry Q4 Q8 = 2/3
 *        low in 16: Q1 Q2 Q3 Q6 -> exit Q1 Q2 Q3 = 3/4
 *  2018: both Q1 Q2 Q4 Q5 Q6. not low 17: Q1 Q2 Q5 -> entry Q1 = 1/3
 *        low 17: Q4 Q6 -> exit Q4 = 1/2
 *  2019: both Q1 Q2 Q4 Q5 Q6 Q7. not low 18: Q2 Q4 Q5 -> entry 0/3
 *        low 18: Q1 Q6 Q7 -> exit Q7 = 1/3
 *  2020: both Q1-Q7. not low 19: Q2 Q4 Q5 Q7 -> entry Q2 Q7 = 2/4
 *        low 19: Q1 Q3 Q6 -> exit Q1 = 1/3
 *  2021: both Q1-Q7. not low 20: Q1 Q4 Q5 -> entry 0/3
 *        low 20: Q2 Q3 Q6 Q7 -> exit Q7 = 1/4
 *  2016: nobody observed in 2015: not reported
 * relapse (m = 2), by exit year s <= 2019:
 *  2017: exits Q1 Q2 Q3; full follow-up Q1 Q2 -> back: Q1 = 1/2
 *  2018: exit Q4 -> 0/1
 *  2019: exit Q7 -> 2020 L: 1/1
 *  2020, 2021: fewer than m years of follow-up: not reported */
static const pat FLOW_PAT[] = {
    {1, "LHLLHH", 1980, {0}}, {2, "LHHHLL", 1980, {0}}, {3, "LHULLL", 1980, {0}},
    {4, "HLHHHH", 1980, {0}}, {5, "HHHHHH", 1980, {0}}, {6, "LLLLLL", 1980, {0}},
    {7, "LULHLH", 1980, {0}}, {8, "HLUUUU", 1980, {0}},
};

static void test_flows(void **state)
{
    (void)state;
    rec rs[64];
    size_t n = from_patterns(FLOW_PAT, ARRAY_LEN(FLOW_PAT), 2016, rs, ARRAY_LEN(rs));
    armoede_table *t = build(rs, n, C_PID | C_HID | C_YEAR | C_INC | C_NORM);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    o.units = ARMOEDE_UNIT_PERSONS;
    o.relapse_years = 2;
    o.by = BY_YEAR;
    o.n_by = 1;
    armoede_result *r = run_ok(armoede_flows, t, &o);
    CHECKN(r, "entry", "persons", 1.0, NAN, "year=2017", 2, 3);
    CHECKN(r, "exit", "persons", 1.0, NAN, "year=2017", 3, 4);
    CHECKN(r, "entry", "persons", 1.0, NAN, "year=2018", 1, 3);
    CHECKN(r, "exit", "persons", 1.0, NAN, "year=2018", 1, 2);
    CHECKN(r, "entry", "persons", 1.0, NAN, "year=2019", 0, 3);
    CHECKN(r, "exit", "persons", 1.0, NAN, "year=2019", 1, 3);
    CHECKN(r, "entry", "persons", 1.0, NAN, "year=2020", 2, 4);
    CHECKN(r, "exit", "persons", 1.0, NAN, "year=2020", 1, 3);
    CHECKN(r, "entry", "persons", 1.0, NAN, "year=2021", 0, 3);
    CHECKN(r, "exit", "persons", 1.0, NAN, "year=2021", 1, 4);
    ABSENT(r, "entry", "persons", 1.0, NAN, "year=2016");
    ABSENT(r, "exit", "persons", 1.0, NAN, "year=2016");
    CHECKN(r, "relapse", "persons", 1.0, 2, "year=2017", 1, 2);
    CHECKN(r, "relapse", "persons", 1.0, 2, "year=2018", 0, 1);
    CHECKN(r, "relapse", "persons", 1.0, 2, "year=2019", 1, 1);
    ABSENT(r, "relapse", "persons", 1.0, 2, "year=2020");
    ABSENT(r, "relapse", "persons", 1.0, 2, "year=2021");
    assert_int_equal(count_rows(r, "entry", "persons"), 5);
    assert_int_equal(count_rows(r, "exit", "persons"), 5);
    assert_int_equal(count_rows(r, "relapse", "persons"), 3);
    armoede_result_free(r);

    /* m = 1: follow-up year s+1 only; exit years 2017..2020
     *  2017: Q1 (18 L) yes, Q2 (18 H) no, Q3 (18 U) left out -> 1/2
     *  2018: Q4 (19 H) -> 0/1;  2019: Q7 (20 L) -> 1/1;  2020: Q1 (21 H) -> 0/1 */
    o.relapse_years = 1;
    r = run_ok(armoede_flows, t, &o);
    CHECKN(r, "relapse", "persons", 1.0, 1, "year=2017", 1, 2);
    CHECKN(r, "relapse", "persons", 1.0, 1, "year=2018", 0, 1);
    CHECKN(r, "relapse", "persons", 1.0, 1, "year=2019", 1, 1);
    CHECKN(r, "relapse", "persons", 1.0, 1, "year=2020", 0, 1);
    ABSENT(r, "relapse", "persons", 1.0, 1, "year=2021");
    armoede_result_free(r);
    armoede_table_free(t);
}

/* Flows at household level follow HOUSEHOLD_ID (the household table of the duration
 * test, p = 1.0): observed in both years
 *  2017: H10 H12 H14 H15: not low 16: H12 -> entry 0/1; low 16: H10 H14 H15 -> exit 0/3
 *  2018: H10 H12 H14 (H15 out in 18, H11 new): entry 0/1; exit H14 = 1/2
 *  2019: H10 H11 H12 H14: not low 18: H12 H14 -> entry H14 = 1/2; low 18: H10 H11 -> 0/2 */
static void test_flows_household(void **state)
{
    (void)state;
    armoede_table *t = household_duration_table();
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    o.level = ARMOEDE_LEVEL_HOUSEHOLD;
    o.by = BY_YEAR;
    o.n_by = 1;
    armoede_result *r = run_ok(armoede_flows, t, &o);
    CHECKN(r, "entry", "households", 1.0, NAN, "year=2017", 0, 1);
    CHECKN(r, "exit", "households", 1.0, NAN, "year=2017", 0, 3);
    CHECKN(r, "entry", "households", 1.0, NAN, "year=2018", 0, 1);
    CHECKN(r, "exit", "households", 1.0, NAN, "year=2018", 1, 2);
    CHECKN(r, "entry", "households", 1.0, NAN, "year=2019", 1, 2);
    CHECKN(r, "exit", "households", 1.0, NAN, "year=2019", 0, 2);
    armoede_result_free(r);
    armoede_table_free(t);
}


/* ========================================================================
 * More population and breakdown rules
 * ====================================================================== */
/* Rows whose ratio cannot be formed are skipped: missing norm, missing year (norm
 * 1000, p = 1.0): H1 900 in; H2 norm NaN skipped; H3 year NA skipped; H4 1200 out
 * -> households 1/2. An INT breakdown column "grp" (labels are decimal values, NA is a
 * missing key): H1 grp -3, H4 grp 0, H5 (800) grp NA skipped -> "-3": 1/1, "0": 0/1. */
static void test_skipped_rows_and_int_keys(void **state)
{
    (void)state;
    static const rec rs[] = {
        {.pid = 1, .hid = 1, .year = 2022, .income = 900, .norm = 1000, .age = -3},
        {.pid = 2, .hid = 2, .year = 2022, .income = 900, .norm = NAN, .age = 0},
        {.pid = 3, .hid = 3, .year = NA, .income = 900, .norm = 1000, .age = 0},
        {.pid = 4, .hid = 4, .year = 2022, .income = 1200, .norm = 1000, .age = 0},
        {.pid = 5, .hid = 5, .year = 2022, .income = 800, .norm = 1000, .age = NA},
    };
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    armoede_table *t = build(rs, 4, C_PID | C_HID | C_YEAR | C_INC | C_NORM);
    armoede_result *r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "", 1, 2);
    assert_true(armoede_result_nnotes(r) > 0);
    armoede_result_free(r);
    armoede_table_free(t);

    /* the "age" field is used as a plain INT column named grp here (no role) */
    t = build(rs, ARRAY_LEN(rs), C_PID | C_HID | C_YEAR | C_INC | C_NORM);
    int64_t grp[ARRAY_LEN(rs)];
    for (size_t i = 0; i < ARRAY_LEN(rs); i++)
        grp[i] = rs[i].age;
    assert_int_equal(armoede_table_add_int(t, "grp", grp, ARRAY_LEN(rs), 1), ARMOEDE_OK);
    static const char *const by[] = {"grp"};
    o.by = by;
    o.n_by = 1;
    o.margins = by;
    o.n_margins = 1;
    r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "grp=-3", 1, 1);
    CHECKN(r, "minima", "households", 1.0, NAN, "grp=0", 0, 1);
    CHECKN(r, "minima", "households", 1.0, NAN, "grp=Total", 1, 2);
    assert_int_equal(armoede_result_nrows(r), 3);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* A household's attributes, weight and breakdown come from its first row, also when
 * its rows are not next to each other; households whose rows disagree are noted.
 * Rows (norm 1000, p = 1.0, by district):
 *  0: H1 p1  900 w 2.0 A
 *  1: H2 p3 1500 w 1.0 B
 *  2: H1 p2  900 w 5.0 A      (same income: no disagreement)
 * households: A 1 (w 2.0) / 1 (2.0); B 0 / 1 (1.0)
 * Then row 2's income becomes 1500: the household still counts from row 0 (900: at or
 * below), and the disagreement is reported: more notes than without it. */
/* A missing breakdown key leaves the row out of every cell but the unit is
 * still observed that year: person 1 is at or below 100% in 2016-2019 with
 * no district in 2017. k = 4 at 2019: 2016, 2017, 2018, 2019 -> a spell of 4
 * (not broken by the missing key). Person 2 (district A, above the line)
 * keeps the cells populated. 2017 has no cell for person 1. */
static void test_missing_key_still_followed(void **state)
{
    (void)state;
    static const rec rs[] = {
        {.pid = 1, .hid = 1, .year = 2016, .income = 900, .norm = 1000, .district = "A"},
        {.pid = 2, .hid = 2, .year = 2016, .income = 5000, .norm = 1000, .district = "A"},
        {.pid = 1, .hid = 1, .year = 2017, .income = 900, .norm = 1000, .district = NULL},
        {.pid = 2, .hid = 2, .year = 2017, .income = 5000, .norm = 1000, .district = "A"},
        {.pid = 1, .hid = 1, .year = 2018, .income = 900, .norm = 1000, .district = "A"},
        {.pid = 2, .hid = 2, .year = 2018, .income = 5000, .norm = 1000, .district = "A"},
        {.pid = 1, .hid = 1, .year = 2019, .income = 900, .norm = 1000, .district = "A"},
        {.pid = 2, .hid = 2, .year = 2019, .income = 5000, .norm = 1000, .district = "A"},
    };
    armoede_table *t = build(rs, ARRAY_LEN(rs), C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_DISTRICT);
    static const int ks[] = {4};
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    o.durations = ks;
    o.n_durations = 1;
    o.units = ARMOEDE_UNIT_PERSONS;
    o.by = BY_YEAR_DISTRICT;
    o.n_by = 2;
    armoede_result *r = run_ok(armoede_durations, t, &o);
    CHECKN(r, "duration", "persons", 1.0, 4, "year=2019,district=A", 1, 2);
    CHECKN(r, "duration", "persons", 1.0, 4, "year=2018,district=A", 0, 2);
    CHECKN(r, "duration", "persons", 1.0, 4, "year=2017,district=A", 0, 1);
    int noted = 0;
    for (size_t i = 0; i < armoede_result_nnotes(r); i++)
        if (strstr(armoede_result_note(r, i), "rows left out: 1 (a breakdown key missing")) noted = 1;
    assert_true(noted);
    armoede_result_free(r);
    /* minima: the 2017 row is in no cell */
    r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "persons", 1.0, NAN, "year=2017,district=A", 0, 1);
    CHECKN(r, "minima", "persons", 1.0, NAN, "year=2016,district=A", 1, 2);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* Found in review: (1) rows without a household id are persons but no
 * household (they used to be merged into one); (2) an infinite or huge
 * per-record norm (the first skipped, the second never wrongly "above");
 * (3) persons only on rows out of household order (used to crash); (4) a
 * row without a year between later and earlier years does not fool the
 * year-order check of durations. */
static void test_review_cases(void **state)
{
    (void)state;
    /* (1) households: pid 1, 2 without hid (ratios below and above), pid 3 hid 5 */
    static const rec r1[] = {
        {.pid = 1, .hid = NA, .year = 2020, .income = 500, .norm = 1000},
        {.pid = 2, .hid = NA, .year = 2020, .income = 1500, .norm = 1000},
        {.pid = 3, .hid = 5, .year = 2020, .income = 500, .norm = 1000},
    };
    armoede_table *t = build(r1, ARRAY_LEN(r1), C_PID | C_HID | C_YEAR | C_INC | C_NORM);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS | ARMOEDE_UNIT_PERSONS;
    armoede_result *r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "", 1, 1);
    CHECKN(r, "minima", "persons", 1.0, NAN, "", 2, 3);
    int noted = 0;
    for (size_t i = 0; i < armoede_result_nnotes(r); i++)
        if (strstr(armoede_result_note(r, i), "without a household id: 2")) noted = 1;
    assert_true(noted);
    armoede_result_free(r);
    armoede_table_free(t);

    /* (2) norm inf: left out; norm 1e20: income 100 is below; 1e17 vs 1e17: on the line */
    static const rec r2[] = {
        {.pid = 1, .hid = 1, .year = 2020, .income = 100, .norm = 1e20},
        {.pid = 2, .hid = 2, .year = 2020, .income = 100, .norm = INFINITY},
        {.pid = 3, .hid = 3, .year = 2020, .income = 100, .norm = 1000},
        {.pid = 4, .hid = 4, .year = 2020, .income = 1e17, .norm = 1e17},
    };
    t = build(r2, ARRAY_LEN(r2), C_PID | C_HID | C_YEAR | C_INC | C_NORM);
    r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 1.0, NAN, "", 3, 3);
    armoede_result_free(r);
    armoede_table_free(t);

    /* (3) persons only, household ids out of order */
    static const rec r3[] = {
        {.pid = 1, .hid = 2, .year = 2020, .income = 500, .norm = 1000},
        {.pid = 2, .hid = 1, .year = 2020, .income = 1500, .norm = 1000},
        {.pid = 3, .hid = 2, .year = 2020, .income = 500, .norm = 1000},
    };
    t = build(r3, ARRAY_LEN(r3), C_PID | C_HID | C_YEAR | C_INC | C_NORM);
    o.units = ARMOEDE_UNIT_PERSONS;
    r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "persons", 1.0, NAN, "", 2, 3);
    armoede_result_free(r);
    armoede_table_free(t);

    /* (4) rows 2020, (no year), 2019 for one person at or below in both years:
     * a spell of 2 ends in 2020, not in 2019 */
    static const rec r4[] = {
        {.pid = 1, .hid = 1, .year = 2020, .income = 500, .norm = 1000},
        {.pid = 1, .hid = 1, .year = NA, .income = 500, .norm = 1000},
        {.pid = 1, .hid = 1, .year = 2019, .income = 500, .norm = 1000},
    };
    t = build(r4, ARRAY_LEN(r4), C_PID | C_HID | C_YEAR | C_INC | C_NORM);
    static const int k2[] = {2};
    o.durations = k2;
    o.n_durations = 1;
    o.by = BY_YEAR;
    o.n_by = 1;
    r = run_ok(armoede_durations, t, &o);
    CHECKN(r, "duration", "persons", 1.0, 2, "year=2019", 0, 1);
    CHECKN(r, "duration", "persons", 1.0, 2, "year=2020", 1, 1);
    armoede_result_free(r);
    armoede_table_free(t);
}

static void test_household_first_row(void **state)
{
    (void)state;
    rec rs[] = {
        {.pid = 1, .hid = 1, .year = 2022, .income = 900, .norm = 1000, .weight = 2.0, .district = "A"},
        {.pid = 3, .hid = 2, .year = 2022, .income = 1500, .norm = 1000, .weight = 1.0, .district = "B"},
        {.pid = 2, .hid = 1, .year = 2022, .income = 900, .norm = 1000, .weight = 5.0, .district = "A"},
    };
    const unsigned cols = C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_WEIGHT | C_DISTRICT;
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    o.by = M_DISTRICT;
    o.n_by = 1;
    armoede_table *t = build(rs, 3, cols);
    armoede_result *r = run_ok(armoede_minima, t, &o);
    CHECK(r, "minima", "households", 1.0, NAN, "district=A", 2.0, 2.0, 1, 1);
    CHECK(r, "minima", "households", 1.0, NAN, "district=B", 0.0, 1.0, 0, 1);
    size_t notes_agree = armoede_result_nnotes(r);
    armoede_result_free(r);
    armoede_table_free(t);

    /* disagreeing rows next to each other: rows 0, 2, 1 */
    rs[2].income = 1500;
    const rec contiguous[] = {rs[0], rs[2], rs[1]};
    t = build(contiguous, 3, cols);
    r = run_ok(armoede_minima, t, &o);
    CHECK(r, "minima", "households", 1.0, NAN, "district=A", 2.0, 2.0, 1, 1);
    int noted_adjacent = armoede_result_nnotes(r) > notes_agree;
    armoede_result_free(r);
    armoede_table_free(t);
    if (!noted_adjacent)
        fail_msg("a household whose adjacent rows disagree on income is not noted");

    /* the same household with another household's row between its rows */
    t = build(rs, 3, cols);
    r = run_ok(armoede_minima, t, &o);
    CHECK(r, "minima", "households", 1.0, NAN, "district=A", 2.0, 2.0, 1, 1);
    int noted = armoede_result_nnotes(r) > notes_agree;
    if (!noted)
        for (size_t i = 0; i < armoede_result_nnotes(r); i++)
            print_error("note: %s\n", armoede_result_note(r, i));
    armoede_result_free(r);
    armoede_table_free(t);
    if (!noted)
        fail_msg("a household whose rows (0 and 2, not adjacent) disagree on income is not "
                 "noted");
}

/* PERSON_ID and HOUSEHOLD_ID may be CAT columns: the flows of test_flows with text ids
 * give the same result as with integer ids. */
static void test_text_ids(void **state)
{
    (void)state;
    rec rs[64];
    size_t n = from_patterns(FLOW_PAT, ARRAY_LEN(FLOW_PAT), 2016, rs, ARRAY_LEN(rs));
    armoede_table *ti = build(rs, n, C_PID | C_HID | C_YEAR | C_INC | C_NORM);
    armoede_table *tt = build(rs, n, C_YEAR | C_INC | C_NORM);
    char (*pl)[16] = calloc(n, sizeof *pl), (*hl)[16] = calloc(n, sizeof *hl);
    const char **pv = calloc(n, sizeof *pv), **hv = calloc(n, sizeof *hv);
    assert_true(pl && hl && pv && hv);
    for (size_t i = 0; i < n; i++) {
        snprintf(pl[i], sizeof pl[i], "P%03lld", (long long)rs[i].pid);
        snprintf(hl[i], sizeof hl[i], "0%lld", (long long)rs[i].hid);
        pv[i] = pl[i];
        hv[i] = hl[i];
    }
    assert_int_equal(armoede_table_add_text(tt, "pid", pv, n), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_text(tt, "hid", hv, n), ARMOEDE_OK);
    role(tt, ARMOEDE_ROLE_PERSON_ID, "pid");
    role(tt, ARMOEDE_ROLE_HOUSEHOLD_ID, "hid");
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = P10;
    o.n_thresholds = 1;
    o.units = ARMOEDE_UNIT_PERSONS;
    o.relapse_years = 2;
    o.by = BY_YEAR;
    o.n_by = 1;
    armoede_result *a = run_ok(armoede_flows, ti, &o);
    armoede_result *b = run_ok(armoede_flows, tt, &o);
    CHECKN(b, "entry", "persons", 1.0, NAN, "year=2017", 2, 3);
    CHECKN(b, "relapse", "persons", 1.0, 2, "year=2017", 1, 2);
    assert_int_equal(armoede_result_nrows(a), armoede_result_nrows(b));
    for (size_t i = 0; i < armoede_result_nrows(a); i++) {
        assert_string_equal(armoede_result_indicator(a, i), armoede_result_indicator(b, i));
        assert_string_equal(armoede_result_key(a, i, 0), armoede_result_key(b, i, 0));
        for (int f = 0; f < ARMOEDE_FIELD_COUNT_; f++) {
            double x = armoede_result_value(a, i, (armoede_field)f);
            double y = armoede_result_value(b, i, (armoede_field)f);
            assert_true((isnan(x) && isnan(y)) || x == y);
        }
    }
    armoede_result_free(a);
    armoede_result_free(b);
    o.level = ARMOEDE_LEVEL_HOUSEHOLD;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    a = run_ok(armoede_durations, ti, &o);
    b = run_ok(armoede_durations, tt, &o);
    assert_int_equal(armoede_result_nrows(a), armoede_result_nrows(b));
    armoede_result_free(a);
    armoede_result_free(b);
    armoede_table_free(ti);
    armoede_table_free(tt);
    free(pl);
    free(hl);
    free(pv);
    free(hv);
}

/* ========================================================================
 * Bad arguments
 * ====================================================================== */
static void test_bad_arguments(void **state)
{
    (void)state;
    armoede_table *t = build(MINIMA_REC, ARRAY_LEN(MINIMA_REC),
                             C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_AGE);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    armoede_result *r = NULL;
    static const indicator_fn fns[] = {armoede_minima, armoede_durations, armoede_flows};

    for (size_t f = 0; f < ARRAY_LEN(fns); f++) {
        armoede_clear_error();
        r = NULL;
        assert_int_equal(fns[f](NULL, &o, &r), ARMOEDE_EINVAL);
        armoede_result_free(r);
        assert_int_equal(fns[f](t, &o, NULL), ARMOEDE_EINVAL);
        assert_true(armoede_last_error()[0] != '\0');

        armoede_impact_options bad = o;
        bad.version = 0;
        expect_status(fns[f], t, &bad, ARMOEDE_EINVAL);

        static const double zero[] = {1.0, 0.0};
        static const double neg[] = {-1.1};
        static const double big[] = {100.5};
        static const double nan1[] = {NAN};
        bad = o;
        bad.thresholds = zero;
        bad.n_thresholds = 2;
        expect_status(fns[f], t, &bad, ARMOEDE_EINVAL);
        bad.thresholds = neg;
        bad.n_thresholds = 1;
        expect_status(fns[f], t, &bad, ARMOEDE_EINVAL);
        bad.thresholds = big;
        expect_status(fns[f], t, &bad, ARMOEDE_EINVAL);
        bad.thresholds = nan1;
        expect_status(fns[f], t, &bad, ARMOEDE_EINVAL);

        static const char *const nosuch[] = {"nosuch"};
        bad = o;
        bad.by = nosuch;
        bad.n_by = 1;
        expect_status(fns[f], t, &bad, ARMOEDE_ENOTFOUND);

        /* a margin that is not a by-column */
        bad = o;
        bad.by = BY_YEAR;
        bad.n_by = 1;
        bad.margins = nosuch;
        bad.n_margins = 1;
        assert_true(fns[f](t, &bad, &r) < 0);
        armoede_result_free(r);
        r = NULL;

        /* by a REAL column: by names CAT or INT columns */
        static const char *const byreal[] = {"income"};
        bad = o;
        bad.by = byreal;
        bad.n_by = 1;
        expect_status(fns[f], t, &bad, ARMOEDE_ETYPE);
    }
    /* threshold 100 (= 10000%) is the upper end of (0, 100]: allowed */
    static const double hundred[] = {100.0};
    o.thresholds = hundred;
    o.n_thresholds = 1;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    r = run_ok(armoede_minima, t, &o);
    CHECKN(r, "minima", "households", 100.0, NAN, "", 10, 10);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* ========================================================================
 * Results do not depend on nthreads
 * ====================================================================== */
static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static int same_str(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static void assert_identical(const armoede_result *a, const armoede_result *b)
{
    assert_int_equal(armoede_result_nrows(a), armoede_result_nrows(b));
    assert_int_equal(armoede_result_nkeys(a), armoede_result_nkeys(b));
    for (size_t k = 0; k < armoede_result_nkeys(a); k++)
        assert_string_equal(armoede_result_key_name(a, k), armoede_result_key_name(b, k));
    for (size_t i = 0; i < armoede_result_nrows(a); i++) {
        assert_string_equal(armoede_result_indicator(a, i), armoede_result_indicator(b, i));
        assert_string_equal(armoede_result_unit(a, i), armoede_result_unit(b, i));
        for (size_t k = 0; k < armoede_result_nkeys(a); k++)
            assert_true(same_str(armoede_result_key(a, i, k), armoede_result_key(b, i, k)));
        for (int f = 0; f < ARMOEDE_FIELD_COUNT_; f++)
            assert_true(same_bits(armoede_result_value(a, i, (armoede_field)f),
                                  armoede_result_value(b, i, (armoede_field)f)));
        assert_int_equal(armoede_result_status(a, i), armoede_result_status(b, i));
    }
    assert_int_equal(armoede_result_nnotes(a), armoede_result_nnotes(b));
    for (size_t i = 0; i < armoede_result_nnotes(a); i++)
        assert_string_equal(armoede_result_note(a, i), armoede_result_note(b, i));
}

static uint64_t xs_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

static void test_threads_identical(void **state)
{
    (void)state;
    /* 3000 persons x 6 years in households of 1-3, weights and a district */
    enum { NPER = 3000, NY = 6 };
    static const char *const dists[] = {"N", "E", "S", "W", "C"};
    rec *rs = calloc((size_t)NPER * NY, sizeof *rs);
    assert_non_null(rs);
    uint64_t s = 0x9E3779B97F4A7C15u;
    size_t n = 0;
    for (int64_t p = 0; p < NPER; p++) {
        for (int64_t y = 0; y < NY; y++) {
            if (xs_next(&s) % 10 == 0)
                continue;
            int64_t hid = p / 3 + 10000 * (y / 3);
            uint64_t h = (uint64_t)hid * 2654435761u + (uint64_t)y * 40503u;
            rec r = {0};
            r.pid = p;
            r.hid = hid;
            r.year = 2015 + y;
            r.norm = 1000.0;
            r.income = 600.0 + (double)(h % 900);
            r.weight = 0.5 + (double)(h % 7) * 0.37;
            r.district = dists[h % 5];
            r.birth = 1950 + (p * 7) % 70;
            r.student = h % 41 == 0;
            rs[n++] = r;
        }
    }
    armoede_table *t = build(rs, n,
                             C_PID | C_HID | C_YEAR | C_INC | C_NORM | C_WEIGHT | C_DISTRICT |
                                 C_BIRTH | C_STUDENT);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.by = BY_YEAR_DISTRICT;
    o.n_by = 2;
    o.margins = BY_YEAR_DISTRICT;
    o.n_margins = 2;
    static const indicator_fn fns[] = {armoede_minima, armoede_durations, armoede_flows};
    static const unsigned units[] = {0, ARMOEDE_UNIT_PERSONS | ARMOEDE_UNIT_MINORS,
                                     ARMOEDE_UNIT_PERSONS};
    for (size_t f = 0; f < ARRAY_LEN(fns); f++) {
        o.units = units[f];
        o.nthreads = 1;
        armoede_result *a = run_ok(fns[f], t, &o);
        o.nthreads = 2;
        armoede_result *b = run_ok(fns[f], t, &o);
        o.nthreads = 0;
        armoede_result *c = run_ok(fns[f], t, &o);
        o.nthreads = 7;
        armoede_result *d = run_ok(fns[f], t, &o);
        assert_true(armoede_result_nrows(a) > 0);
        assert_identical(a, b);
        assert_identical(a, c);
        assert_identical(a, d);
        armoede_result_free(a);
        armoede_result_free(b);
        armoede_result_free(c);
        armoede_result_free(d);
    }
    armoede_table_free(t);
    free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minima_per_record_norm),
        cmocka_unit_test(test_minima_on_the_line),
        cmocka_unit_test(test_minima_norms_table),
        cmocka_unit_test(test_minima_norms_errors),
        cmocka_unit_test(test_minima_ratio_pct),
        cmocka_unit_test(test_ratio_wins_over_income),
        cmocka_unit_test(test_minor_precedence),
        cmocka_unit_test(test_population_filters),
        cmocka_unit_test(test_household_year_table),
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_breakdowns),
        cmocka_unit_test(test_durations_person),
        cmocka_unit_test(test_durations_bridging_rules),
        cmocka_unit_test(test_durations_household),
        cmocka_unit_test(test_durations_errors),
        cmocka_unit_test(test_flows),
        cmocka_unit_test(test_flows_household),
        cmocka_unit_test(test_skipped_rows_and_int_keys),
        cmocka_unit_test(test_missing_key_still_followed),
        cmocka_unit_test(test_review_cases),
        cmocka_unit_test(test_household_first_row),
        cmocka_unit_test(test_text_ids),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_threads_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
