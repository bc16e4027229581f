/*
 * Tests of the poverty and inequality measures (include/armoede_measures.h):
 * equivalence scales, hand-computed measures (every expected number worked
 * out in the comment beside it), the persistent rate on a hand-built panel,
 * the bad-input rules, agreement with a brute-force reading of each
 * definition on random grouped weighted data, and the bootstrap's
 * reproducibility.
 * SPDX-License-Identifier: GPL-3.0-or-later
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
#include "testutil.h"

#define NA ARMOEDE_NA_INT

static armoede_table *table_xw(const double *x, const double *w, size_t n)
{
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(n, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "inc", x, n, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "inc"), ARMOEDE_OK);
    if (w) {
        assert_int_equal(armoede_table_add_real(t, "w", w, n, 1), ARMOEDE_OK);
        assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_WEIGHT, "w"), ARMOEDE_OK);
    }
    return t;
}

/* Row of indicator ind whose keys equal keys[] (NULL entries: no key or Total). */
static long find_row(const armoede_result *r, const char *ind, const char *const *keys)
{
    size_t n = armoede_result_nrows(r), nk = armoede_result_nkeys(r);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(armoede_result_indicator(r, i), ind) != 0) continue;
        int ok = 1;
        for (size_t k = 0; k < nk && ok; k++) {
            const char *kv = armoede_result_key(r, i, k);
            const char *want = keys ? keys[k] : NULL;
            ok = want ? (kv && strcmp(kv, want) == 0) : (!kv || strcmp(kv, "Total") == 0);
        }
        if (ok) return (long)i;
    }
    return -1;
}

static double val(const armoede_result *r, const char *ind, const char *const *keys, armoede_field f)
{
    long i = find_row(r, ind, keys);
    if (i < 0) {
        print_error("no row for %s\n", ind);
        fail();
    }
    return armoede_result_value(r, (size_t)i, f);
}
#define EST(r, ind, keys) val(r, ind, keys, ARMOEDE_FIELD_ESTIMATE)

static int has_note(const armoede_result *r, const char *s)
{
    for (size_t i = 0; i < armoede_result_nnotes(r); i++)
        if (strstr(armoede_result_note(r, i), s)) return 1;
    return 0;
}

/* ---------------- equivalence scales ---------------- */
static void test_factors(void **state)
{
    (void)state;
    double f;
    /* OECD: 2 adults + a 15-year-old + a 10-year-old: 1 + .5 + .5 + .3 = 2.3 */
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_OECD, 2020, 1, 1, 2, &f), 0);
    assert_close(f, 2.3, 1e-15);
    /* single adult 1; lone child 1; 2 children without anyone 14+: 1 + .3 */
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_OECD, 2020, 0, 0, 1, &f), 0);
    assert_close(f, 1.0, 0);
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_OECD, 2020, 2, 0, 0, &f), 0);
    assert_close(f, 1.3, 1e-15);
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_SQRT, 2020, 1, 1, 2, &f), 0);
    assert_close(f, 2.0, 0);
    /* CBS: 2 adults 2 minors: 1.91 from 2018, 1.88 up to 2017 */
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_CBS, 2018, 1, 1, 2, &f), 0);
    assert_close(f, 1.91, 0);
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_CBS, 2017, 1, 1, 2, &f), 0);
    assert_close(f, 1.88, 0);
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_CBS_2017, 2024, 0, 1, 1, &f), 0);
    assert_close(f, 1.33, 0);
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_CBS_2018, 2010, 0, 1, 1, &f), 0);
    assert_close(f, 1.32, 0);
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_CBS, 2019, 4, 0, 2, &f), 0);
    assert_close(f, 2.28, 0);
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_CBS, 2019, 0, 0, 1, &f), 0);
    assert_close(f, 1.00, 0);
    /* no CBS factor: 3 adults, 5 minors, no adult */
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_CBS, 2019, 0, 0, 3, &f), ARMOEDE_EDATA);
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_CBS, 2019, 5, 0, 1, &f), ARMOEDE_EDATA);
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_CBS, 2019, 1, 0, 0, &f), ARMOEDE_EDATA);
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_OECD, 2019, 0, 0, 0, &f), ARMOEDE_EINVAL);
    assert_int_equal(armoede_equivalence_factor(ARMOEDE_SCALE_OECD, 2019, -1, 0, 1, &f), ARMOEDE_EINVAL);
    assert_int_equal(armoede_equivalence_factor((armoede_scale)9, 2019, 0, 0, 1, &f), ARMOEDE_EINVAL);
}

/* Person-year rows: household 1 in 2020 = adults born 1980, 1982, children born
 * 2005 (15 in 2020) and 2010 (10); household 2 = one adult; household 3 has a
 * member without birth year; household 1 again in 2021 (the child born 2007
 * was 13 in 2020 and is 14 in 2021... not present: keep it simple). */
static armoede_table *persons(void)
{
    const int64_t hid[] = {1, 1, 1, 1, 2, 3, 3, 1, 1, 1, 1};
    const int64_t year[] = {2020, 2020, 2020, 2020, 2020, 2020, 2020, 2017, 2017, 2017, 2017};
    const int64_t birth[] = {1980, 1982, 2005, 2010, 1990, 1970, NA, 1980, 1982, 2005, 2010};
    const double inc[] = {46000, 46000, 46000, 46000, 20000, 30000, 30000, 37600, 37600, 37600, 37600};
    const size_t n = sizeof hid / sizeof hid[0];
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(n, &t), 0);
    assert_int_equal(armoede_table_add_int(t, "hh", hid, n, 1), 0);
    assert_int_equal(armoede_table_add_int(t, "year", year, n, 1), 0);
    assert_int_equal(armoede_table_add_int(t, "born", birth, n, 1), 0);
    assert_int_equal(armoede_table_add_real(t, "inc", inc, n, 1), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_ID, "hh"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "year"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_BIRTH_YEAR, "born"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "inc"), 0);
    return t;
}

static void test_equivalise_members(void **state)
{
    (void)state;
    armoede_table *t = persons();
    armoede_equivalise_options o = ARMOEDE_EQUIVALISE_OPTIONS_INIT;
    size_t miss = 99;
    assert_int_equal(armoede_equivalise(t, &o, "eq_oecd", &miss), 0);
    assert_int_equal(miss, 2); /* household 3: a member of unknown age */
    double v;
    /* household 1 in 2020: 46000 / 2.3 = 20000 */
    assert_int_equal(armoede_table_get_real(t, "eq_oecd", 0, &v), 0);
    assert_close(v, 20000, 1e-9);
    assert_int_equal(armoede_table_get_real(t, "eq_oecd", 4, &v), 0);
    assert_close(v, 20000, 0);
    assert_int_equal(armoede_table_get_real(t, "eq_oecd", 5, &v), 0);
    assert_true(isnan(v));
    /* household 1 in 2017: both children under 14 (12 and 7): 1 + .5 + .3 + .3 = 2.1 */
    assert_int_equal(armoede_table_get_real(t, "eq_oecd", 7, &v), 0);
    assert_close(v, 37600 / 2.1, 1e-9);
    /* CBS by year: 2020 -> 1.91, 2017 -> 1.88 */
    o.scale = ARMOEDE_SCALE_CBS;
    assert_int_equal(armoede_equivalise(t, &o, "eq_cbs", NULL), 0);
    assert_int_equal(armoede_table_get_real(t, "eq_cbs", 1, &v), 0);
    assert_close(v, 46000 / 1.91, 1e-9);
    assert_int_equal(armoede_table_get_real(t, "eq_cbs", 8, &v), 0);
    assert_close(v, 37600 / 1.88, 1e-9);
    o.scale = ARMOEDE_SCALE_SQRT;
    assert_int_equal(armoede_equivalise(t, &o, "eq_sqrt", NULL), 0);
    assert_int_equal(armoede_table_get_real(t, "eq_sqrt", 2, &v), 0);
    assert_close(v, 23000, 1e-9);
    /* an existing name; no age roles */
    assert_int_equal(armoede_equivalise(t, &o, "eq_sqrt", NULL), ARMOEDE_EINVAL);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_BIRTH_YEAR, NULL), 0);
    assert_int_equal(armoede_equivalise(t, &o, "eq2", NULL), ARMOEDE_ENOTFOUND);
    armoede_table_free(t);
}

static void test_equivalise_columns(void **state)
{
    (void)state;
    const int64_t np[] = {4, 1, 3, 2}, u14[] = {1, 0, 0, NA}, u18[] = {2, 0, 0, 1};
    const double inc[] = {46000, 10000, 30000, 20000};
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(4, &t), 0);
    assert_int_equal(armoede_table_add_int(t, "np", np, 4, 1), 0);
    assert_int_equal(armoede_table_add_int(t, "u14", u14, 4, 1), 0);
    assert_int_equal(armoede_table_add_int(t, "u18", u18, 4, 1), 0);
    assert_int_equal(armoede_table_add_real(t, "inc", inc, 4, 1), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "inc"), 0);
    armoede_equivalise_options o = ARMOEDE_EQUIVALISE_OPTIONS_INIT;
    o.n_persons = "np";
    o.n_under14 = "u14";
    o.n_under18 = "u18";
    size_t miss;
    assert_int_equal(armoede_equivalise(t, &o, "e", &miss), 0);
    assert_int_equal(miss, 1); /* row 3: n_under14 missing */
    double v;
    assert_int_equal(armoede_table_get_real(t, "e", 0, &v), 0);
    assert_close(v, 20000, 1e-9); /* 1 + .5 + .5 + .3 */
    assert_int_equal(armoede_table_get_real(t, "e", 2, &v), 0);
    assert_close(v, 15000, 1e-9); /* 3 adults: 2 */
    /* CBS: row 2 (3 adults) has no factor */
    o.scale = ARMOEDE_SCALE_CBS_2018;
    assert_int_equal(armoede_equivalise(t, &o, "c", &miss), 0);
    assert_int_equal(miss, 1);
    assert_int_equal(armoede_table_get_real(t, "c", 3, &v), 0);
    assert_close(v, 20000 / 1.32, 1e-9);
    armoede_table_free(t);
}

/* ---------------- hand-computed measures ---------------- */
/* incomes 1000 2000 3000 5000 5000 6000 7000 8000 9000 10000, unweighted.
 * laeken median: cumulative shares .1 .2 .3 .5 .6 ...: first > .5 is 6000.
 * p = .5: t = 3000; strict: 1000, 2000 -> .2; <=: .3.
 * rmpg: median of {1000, 2000}: shares .5, 1 -> 2000: (3000 - 2000) / 3000 = 1/3.
 * q20: first share > .2 = 3000; q80: first > .8 = 9000 (8000 has .8 exactly);
 * s20 = 1000 + 2000 + 3000 = 6000; s80 = 10000 -> qsr = 5/3.
 * gini: see below.
 * FGT with the fixed line 4000 (strict): poor 1000 2000 3000:
 *   fgt0 .3; fgt1 (.75 + .5 + .25) / 10 = .15; fgt2 (.5625 + .25 + .0625) / 10 = .0875. */
static const double X10[] = {5000, 1000, 9000, 3000, 10000, 2000, 7000, 5000, 8000, 6000};

static double gini_brute(const double *x, const double *w, size_t n)
{
    long double a = 0, W = 0, wx = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1;
        W += wi;
        wx += wi * x[i];
        for (size_t j = 0; j < n; j++) a += (long double)wi * (w ? w[j] : 1) * fabs(x[i] - x[j]);
    }
    return (double)(a / (2 * W * wx));
}

static void test_hand(void **state)
{
    (void)state;
    armoede_table *t = table_xw(X10, NULL, 10);
    armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
    o.measures = ARMOEDE_MEASURE_DEFAULT | ARMOEDE_MEASURE_MEDIAN;
    o.p = 0.5;
    armoede_result *r = NULL;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    assert_close(EST(r, "median", NULL), 6000, 0);
    assert_close(EST(r, "arpt", NULL), 3000, 0);
    assert_close(EST(r, "arpr", NULL), 0.2, 1e-15);
    assert_close(val(r, "arpr", NULL, ARMOEDE_FIELD_NUM_N), 2, 0);
    assert_close(val(r, "arpr", NULL, ARMOEDE_FIELD_DEN_N), 10, 0);
    assert_close(val(r, "arpr", NULL, ARMOEDE_FIELD_THRESHOLD), 0.5, 0);
    assert_close(EST(r, "rmpg", NULL), 1.0 / 3.0, 1e-15);
    assert_close(EST(r, "qsr", NULL), 10000.0 / 6000.0, 1e-15);
    assert_close(EST(r, "gini", NULL), gini_brute(X10, NULL, 10), 1e-15);
    /* gini by hand: sorted x (thousands) 1 2 3 5 5 6 7 8 9 10, sum over pairs
     * i<j of |xi - xj| = sum_i (2i - 11) x_i = -58 + 220 = 162 (thousand);
     * gini = 162000 / (n sum x) = 162000 / (10 * 56000) = 0.2892857... */
    assert_close(EST(r, "gini", NULL), 162000.0 / (10 * 56000.0), 1e-15);
    assert_true(isnan(val(r, "gini", NULL, ARMOEDE_FIELD_SE))); /* no bootstrap */
    armoede_result_free(r);
    /* <= at the threshold */
    o.at_or_below = 1;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    assert_close(EST(r, "arpr", NULL), 0.3, 1e-15);
    /* rmpg: median of {1000, 2000, 3000} = 2000 (first share > .5) */
    assert_close(EST(r, "rmpg", NULL), 1.0 / 3.0, 1e-15);
    armoede_result_free(r);
    /* the other quantile rules: Eurostat median: share .5 exactly at 5000 -> (5000 + 6000) / 2 */
    o.at_or_below = 0;
    o.rule = ARMOEDE_QUANTILE_EUROSTAT;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    assert_close(EST(r, "median", NULL), 5500, 0);
    assert_close(EST(r, "arpt", NULL), 2750, 0);
    /* q20: share .2 exactly at 2000 -> 2500; q80: .8 exactly at 8000 -> 8500:
     * s20 = 3000, s80 = 9000 + 10000 -> 19000 / 3000 */
    assert_close(EST(r, "qsr", NULL), 19000.0 / 3000.0, 1e-15);
    armoede_result_free(r);
    o.rule = ARMOEDE_QUANTILE_GE;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    assert_close(EST(r, "median", NULL), 5000, 0);
    armoede_result_free(r);
    o.rule = ARMOEDE_QUANTILE_LINEAR; /* type 7: h = 4.5 -> (5000 + 6000) / 2 */
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    assert_close(EST(r, "median", NULL), 5500, 0);
    armoede_result_free(r);
    /* FGT against a fixed line */
    o.rule = ARMOEDE_QUANTILE_LAEKEN;
    o.measures = ARMOEDE_MEASURE_FGT;
    o.fgt_line = ARMOEDE_LINE_FIXED;
    o.fgt_value = 4000;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    assert_close(EST(r, "fgt0", NULL), 0.3, 1e-15);
    assert_close(EST(r, "fgt1", NULL), 0.15, 1e-15);
    assert_close(EST(r, "fgt2", NULL), 0.0875, 1e-15);
    assert_int_equal(armoede_result_nrows(r), 3);
    /* rounding to 5: fgt0's numerator is a count (3 -> 5), fgt1's a sum of
     * gaps (1.5 stays) */
    armoede_sdc_options so = ARMOEDE_SDC_OPTIONS_INIT;
    so.min_n = 0;
    so.round_base = 5;
    assert_int_equal(armoede_sdc_apply(r, &so), 0);
    assert_close(val(r, "fgt0", NULL, ARMOEDE_FIELD_NUM_W), 5, 0);
    assert_close(val(r, "fgt1", NULL, ARMOEDE_FIELD_NUM_W), 1.5, 1e-15);
    assert_close(val(r, "fgt1", NULL, ARMOEDE_FIELD_DEN_W), 10, 0);
    armoede_result_free(r);
    /* FGT against the ARPT (p = .5: t = 3000): fgt0 = arpr = .2;
     * fgt1 = (2/3 + 1/3) / 10 = .1 */
    o.fgt_line = ARMOEDE_LINE_ARPT;
    const double alpha[] = {0, 1, 0.5};
    o.fgt_alpha = alpha;
    o.n_fgt_alpha = 3;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    assert_close(EST(r, "fgt0", NULL), 0.2, 1e-15);
    assert_close(EST(r, "fgt1", NULL), 0.1, 1e-15);
    assert_close(EST(r, "fgt0.5", NULL), (sqrt(2.0 / 3) + sqrt(1.0 / 3)) / 10, 1e-15);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* Weights: x = {10, 20, 30, 40}, w = {3, 1, 1, 1}: shares .5 .667 .833 1:
 * laeken median = 20 (first > .5), t (p .6) = 12: poor = {10}: arpr = .5.
 * Zero, negative and missing weights and NaN incomes are left out and counted. */
static void test_weights_and_bad_rows(void **state)
{
    (void)state;
    const double x[] = {10, 20, 30, 40, 5, 6, NAN, 7, INFINITY};
    const double w[] = {3, 1, 1, 1, 0, -2, 1, NAN, 1};
    armoede_table *t = table_xw(x, w, 9);
    armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
    armoede_result *r = NULL;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    assert_close(EST(r, "arpt", NULL), 12, 1e-12);
    assert_close(EST(r, "arpr", NULL), 0.5, 0);
    assert_close(val(r, "arpr", NULL, ARMOEDE_FIELD_DEN_N), 4, 0);
    assert_close(val(r, "arpr", NULL, ARMOEDE_FIELD_DEN_W), 6, 0);
    assert_true(has_note(r, "4 of 9 rows enter"));
    assert_true(has_note(r, "2 rows left out: income missing or not finite"));
    assert_true(has_note(r, "3 rows left out: weight missing, zero, negative or infinite"));
    /* gini against the weighted double sum */
    assert_close(EST(r, "gini", NULL), gini_brute(x, w, 4), 1e-15);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* Negative incomes are kept: below the threshold, in the quintile sums, and
 * the Gini may exceed 1. x = {-1000, 0, 10, 10}: median (first > .5) = 10,
 * t = 6: poor = -1000, 0 -> .5; rmpg: median of poor {-1000, 0} (first > .5) = 0:
 * (6 - 0) / 6 = 1. gini = sum |xi - xj| / (2 n^2 mean), mean = -245. */
static void test_negative(void **state)
{
    (void)state;
    const double x[] = {10, -1000, 0, 10};
    armoede_table *t = table_xw(x, NULL, 4);
    armoede_result *r = NULL;
    armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
    o.measures = ARMOEDE_MEASURE_DEFAULT | ARMOEDE_MEASURE_FGT;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    assert_close(EST(r, "arpr", NULL), 0.5, 0);
    assert_close(EST(r, "rmpg", NULL), 1.0, 0);
    assert_close(EST(r, "gini", NULL), gini_brute(x, NULL, 4), 1e-15);
    assert_true(EST(r, "gini", NULL) < 0); /* negative mean: the sign flips */
    /* fgt1: gaps (6 + 1000) / 6 and 1: (167.667 + 1) / 4 */
    assert_close(EST(r, "fgt1", NULL), ((6.0 + 1000) / 6 + 1) / 4, 1e-12);
    /* q20 = -1000 (share .25 > .2), q80 = 10: s80 = 0 (nothing above 10) -> 0 / -1000 */
    assert_close(EST(r, "qsr", NULL), 0.0, 0);
    armoede_result_free(r);
    armoede_table_free(t);
    /* a positive mean with a negative income: gini above 1 is possible */
    const double y[] = {-500, 1, 1, 600};
    t = table_xw(y, NULL, 4);
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    assert_close(EST(r, "gini", NULL), gini_brute(y, NULL, 4), 1e-15);
    assert_true(EST(r, "gini", NULL) > 1);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* One-person groups and all-equal incomes. */
static void test_degenerate(void **state)
{
    (void)state;
    const double x[] = {500, 500, 500, 500, 700};
    const char *grp[] = {"a", "a", "a", "a", "b"};
    armoede_table *t = table_xw(x, NULL, 5);
    assert_int_equal(armoede_table_add_text(t, "g", grp, 5), 0);
    armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
    o.measures = ARMOEDE_MEASURE_DEFAULT | ARMOEDE_MEASURE_MEDIAN;
    const char *by[] = {"g"};
    o.by = by;
    o.n_by = 1;
    o.domain_threshold = 1;
    armoede_result *r = NULL;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    const char *ka[] = {"a"}, *kb[] = {"b"};
    /* all equal: median 500, t 300, arpr 0, gini exactly 0, qsr 0 (nothing above q80), rmpg NaN */
    assert_close(EST(r, "median", ka), 500, 0);
    assert_close(EST(r, "arpr", ka), 0, 0);
    assert_close(EST(r, "gini", ka), 0, 0);
    assert_close(EST(r, "qsr", ka), 0, 0);
    assert_true(isnan(EST(r, "rmpg", ka)));
    /* one person: median = the income, gini 0 */
    assert_close(EST(r, "median", kb), 700, 0);
    assert_close(EST(r, "arpt", kb), 420, 1e-12);
    assert_close(EST(r, "gini", kb), 0, 0);
    assert_close(val(r, "gini", kb, ARMOEDE_FIELD_DEN_N), 1, 0);
    /* no margins asked: no Total rows */
    assert_int_equal(find_row(r, "arpr", NULL), -1);
    armoede_result_free(r);
    /* all rows out: no rows, no crash */
    const double nan5[] = {NAN, NAN, NAN, NAN, NAN};
    armoede_table *e = table_xw(nan5, NULL, 5);
    o.by = NULL;
    o.n_by = 0;
    assert_int_equal(armoede_measures(e, &o, &r), 0);
    assert_int_equal(armoede_result_nrows(r), 0);
    assert_true(has_note(r, "5 rows left out"));
    armoede_result_free(r);
    armoede_table_free(e);
    armoede_table_free(t);
}

static void test_errors(void **state)
{
    (void)state;
    armoede_table *t = table_xw(X10, NULL, 10);
    armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
    armoede_result *r = (armoede_result *)1;
    o.p = 0;
    assert_int_equal(armoede_measures(t, &o, &r), ARMOEDE_EINVAL);
    assert_null(r);
    o.p = 0.6;
    const char *by[] = {"nope"};
    o.by = by;
    o.n_by = 1;
    assert_int_equal(armoede_measures(t, &o, &r), ARMOEDE_ENOTFOUND);
    o.n_by = 0;
    o.measures = ARMOEDE_MEASURE_PERSISTENT_ARPR;
    assert_int_equal(armoede_measures(t, &o, &r), ARMOEDE_ENOTFOUND);
    o.measures = 0;
    o.version = 99;
    assert_int_equal(armoede_measures(t, &o, &r), ARMOEDE_EINVAL);
    armoede_measures_options_init(&o);
    assert_int_equal(o.version, ARMOEDE_MEASURES_OPTIONS_VERSION);
    assert_close(o.p, 0.6, 0);
    assert_int_equal(armoede_measures(NULL, &o, &r), ARMOEDE_EINVAL);
    /* the linear rule with weights */
    const double w[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 2};
    armoede_table *tw = table_xw(X10, w, 10);
    o.rule = ARMOEDE_QUANTILE_LINEAR;
    assert_int_equal(armoede_measures(tw, &o, &r), ARMOEDE_EINVAL);
    armoede_table_free(tw);
    /* the year column in by */
    o.rule = ARMOEDE_QUANTILE_LAEKEN;
    const int64_t yr[10] = {2020, 2020, 2020, 2020, 2020, 2020, 2020, 2020, 2020, 2020};
    assert_int_equal(armoede_table_add_int(t, "year", yr, 10, 1), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "year"), 0);
    const char *by2[] = {"year"};
    o.by = by2;
    o.n_by = 1;
    assert_int_equal(armoede_measures(t, &o, &r), ARMOEDE_EINVAL);
    assert_non_null(strstr(armoede_last_error(), "year"));
    armoede_table_free(t);
}

/* ---------------- persistent rate on a hand-built panel ----------------
 * Years 2016-2020; persons A B C D tracked, fillers F1-F5 at 10000 every
 * year, so that every year's laeken median is 10000 and t = 6000. Poor =
 * income 3000, not poor = 8000.
 *        2016 2017 2018 2019 2020
 *   A     P    P    P    P    n      2019: P + 3 of 3 before -> persistent
 *   B     P    n    P    P    P      2019: 2 of 3 -> persistent; 2020: 2 of 3 -> persistent
 *   C     n    n    P    P    n      2019: 1 of 3 -> not
 *   D     P    -    P    P    P      gap in 2017: out of 2019 and 2020
 * 2019: denominator A B C F1-F5 = 8, numerator A B = 2 -> .25
 * 2020: denominator 8 (D out), numerator B = 1 -> .125
 * 2016-2018: nobody has 3 years before: no rows.
 * Person-years without a complete window: 9 + 8 + 9 + 1 + 1 = 28. */
static void test_persistent(void **state)
{
    (void)state;
    const char *who[] = {"A", "B", "C", "D", "F1", "F2", "F3", "F4", "F5"};
    const char *pat[] = {"PPPPn", "PnPPP", "nnPPn", "P-PPP", "nnnnn"};
    int64_t pid[64], yr[64];
    double inc[64];
    const char *grp[64];
    size_t n = 0;
    for (int y = 0; y < 5; y++)
        for (int p = 0; p < 9; p++) {
            char c = p < 4 ? pat[p][y] : 'F';
            if (c == '-') continue;
            pid[n] = p + 1;
            yr[n] = 2016 + y;
            inc[n] = c == 'P' ? 3000 : c == 'n' ? 8000 : 10000;
            grp[n] = p < 2 ? "x" : "y";
            n++;
        }
    (void)who;
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(n, &t), 0);
    assert_int_equal(armoede_table_add_int(t, "pid", pid, n, 1), 0);
    assert_int_equal(armoede_table_add_int(t, "jaar", yr, n, 1), 0);
    assert_int_equal(armoede_table_add_real(t, "inc", inc, n, 1), 0);
    assert_int_equal(armoede_table_add_text(t, "grp", grp, n), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_PERSON_ID, "pid"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "jaar"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "inc"), 0);
    armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
    o.measures = ARMOEDE_MEASURE_PERSISTENT_ARPR | ARMOEDE_MEASURE_ARPT;
    const char *by[] = {"grp"};
    o.by = by;
    o.n_by = 1;
    o.margins = by;
    o.n_margins = 1;
    armoede_result *r = NULL;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    const char *k19[] = {"2019", NULL}, *k20[] = {"2020", NULL}, *k18[] = {"2018", NULL};
    assert_close(EST(r, "arpt", k19), 6000, 1e-9);
    assert_close(EST(r, "persistent_arpr", k19), 0.25, 0);
    assert_close(val(r, "persistent_arpr", k19, ARMOEDE_FIELD_DEN_N), 8, 0);
    assert_close(val(r, "persistent_arpr", k19, ARMOEDE_FIELD_DURATION), 4, 0);
    assert_close(EST(r, "persistent_arpr", k20), 0.125, 0);
    assert_int_equal(find_row(r, "persistent_arpr", k18), -1);
    /* by group: x = {A, B}: 2019 2/2, 2020 1/2; y = C + fillers (D out): 0/6 */
    const char *k19x[] = {"2019", "x"}, *k20x[] = {"2020", "x"}, *k19y[] = {"2019", "y"};
    assert_close(EST(r, "persistent_arpr", k19x), 1.0, 0);
    assert_close(EST(r, "persistent_arpr", k20x), 0.5, 0);
    assert_close(EST(r, "persistent_arpr", k19y), 0.0, 0);
    assert_close(val(r, "persistent_arpr", k19y, ARMOEDE_FIELD_DEN_N), 6, 0);
    assert_true(has_note(r, "28 person-years"));
    armoede_result_free(r);
    /* bootstrap over persons (cluster = person id): intervals for the
     * persistent rate too, the same for any number of threads */
    o.bootstrap = 40;
    o.cluster = "pid";
    o.nthreads = 1;
    armoede_result *b1 = NULL, *b2 = NULL;
    assert_int_equal(armoede_measures(t, &o, &b1), 0);
    o.nthreads = 4;
    assert_int_equal(armoede_measures(t, &o, &b2), 0);
    double se = val(b1, "persistent_arpr", k19, ARMOEDE_FIELD_SE);
    assert_true(se > 0 && se < 0.5);
    assert_true(se == val(b2, "persistent_arpr", k19, ARMOEDE_FIELD_SE));
    assert_true(val(b1, "persistent_arpr", k19, ARMOEDE_FIELD_CI_LOW) <= 0.25);
    armoede_result_free(b1);
    armoede_result_free(b2);
    o.bootstrap = 0;
    o.cluster = NULL;
    /* window 2 (this year and the one before), at least 1: B in 2018 (2017 n) not;
     * 2017: A (2016 P) yes; D absent -> den 8 (A B C F1-5), num A = 1/8 */
    o.persistent_window = 2;
    o.persistent_min = 1;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    const char *k17[] = {"2017", NULL};
    assert_close(EST(r, "persistent_arpr", k17), 1.0 / 8, 0);
    armoede_result_free(r);
    armoede_table_free(t);
    /* a person twice in one year is EDATA */
    pid[1] = pid[0];
    assert_int_equal(armoede_table_new(n, &t), 0);
    assert_int_equal(armoede_table_add_int(t, "pid", pid, n, 1), 0);
    assert_int_equal(armoede_table_add_int(t, "jaar", yr, n, 1), 0);
    assert_int_equal(armoede_table_add_real(t, "inc", inc, n, 1), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_PERSON_ID, "pid"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "jaar"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "inc"), 0);
    o.by = NULL;
    o.n_by = o.n_margins = 0;
    o.margins = NULL;
    assert_int_equal(armoede_measures(t, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "row 1"));
    armoede_table_free(t);
}

/* FGT against p x the social minimum per record: income and norm in cents,
 * and CBS's ratio. Norm 10000, fgt_p 1.1 -> line 11000.
 * incomes 5500 (gap .5), 11000 (on the line: not below with <, below with <=),
 * 12000, 9900 (gap .1); a row without norm is left out of FGT. */
static void test_fgt_norm(void **state)
{
    (void)state;
    const double inc[] = {5500, 11000, 12000, 9900, 100};
    const double norm[] = {10000, 10000, 10000, 10000, NAN};
    armoede_table *t = table_xw(inc, NULL, 5);
    assert_int_equal(armoede_table_add_real(t, "norm", norm, 5, 1), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_NORM, "norm"), 0);
    armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
    o.measures = ARMOEDE_MEASURE_FGT;
    o.fgt_line = ARMOEDE_LINE_NORM;
    o.fgt_p = 1.1;
    armoede_result *r = NULL;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    assert_close(EST(r, "fgt0", NULL), 0.5, 0);
    assert_close(EST(r, "fgt1", NULL), (0.5 + 0.1) / 4, 1e-12);
    assert_close(EST(r, "fgt2", NULL), (0.25 + 0.01) / 4, 1e-12);
    assert_close(val(r, "fgt0", NULL, ARMOEDE_FIELD_THRESHOLD), 1.1, 0);
    assert_true(has_note(r, "1 rows without a social minimum"));
    armoede_result_free(r);
    o.at_or_below = 1;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    assert_close(EST(r, "fgt0", NULL), 0.75, 0);
    assert_close(EST(r, "fgt1", NULL), (0.5 + 0.1) / 4, 1e-12);
    armoede_result_free(r);
    /* the same through ratio_pct: 55, 110, 120, 99 */
    const double ratio[] = {55, 110, 120, 99, NAN};
    assert_int_equal(armoede_table_add_real(t, "ratio", ratio, 5, 1), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_RATIO_PCT, "ratio"), 0);
    o.at_or_below = 0;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    assert_close(EST(r, "fgt0", NULL), 0.5, 0);
    assert_close(EST(r, "fgt1", NULL), (0.5 + 0.1) / 4, 1e-12);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* Margins: by region and sex with a Total for both: every combination. */
static void test_margins(void **state)
{
    (void)state;
    const double x[] = {1, 2, 3, 4, 5, 6, 7, 8};
    const char *reg[] = {"n", "n", "n", "n", "s", "s", "s", "s"};
    const char *sex[] = {"m", "f", "m", "f", "m", "f", "m", "f"};
    armoede_table *t = table_xw(x, NULL, 8);
    assert_int_equal(armoede_table_add_text(t, "reg", reg, 8), 0);
    assert_int_equal(armoede_table_add_text(t, "sex", sex, 8), 0);
    armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
    o.measures = ARMOEDE_MEASURE_ARPR;
    const char *by[] = {"reg", "sex"};
    o.by = by;
    o.n_by = 2;
    o.margins = by;
    o.n_margins = 2;
    armoede_result *r = NULL;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    /* 4 cells + 2 region totals + 2 sex totals + 1 grand total */
    assert_int_equal(armoede_result_nrows(r), 9);
    /* median (first share > .5) = 5, t = 3: poor 1, 2 */
    const char *nm[] = {"n", "m"}, *nT[] = {"n", "Total"}, *Tf[] = {"Total", "f"}, *TT[] = {"Total", "Total"};
    assert_close(EST(r, "arpr", nm), 0.5, 0);     /* {1, 3}: 1 poor */
    assert_close(EST(r, "arpr", nT), 0.5, 0);     /* {1..4}: 2 poor */
    assert_close(EST(r, "arpr", Tf), 0.25, 0);    /* {2, 4, 6, 8}: 1 poor */
    assert_close(EST(r, "arpr", TT), 0.25, 0);
    /* rows come in key order, totals last */
    assert_str(armoede_result_key(r, 0, 0), "n");
    assert_str(armoede_result_key(r, 8, 0), "Total");
    armoede_result_free(r);
    armoede_table_free(t);
}

/* ---------------- brute force on random grouped weighted data ---------------- */
typedef struct { double x, w; } xw;
static int cmp_xw(const void *a, const void *b)
{
    double x = ((const xw *)a)->x, y = ((const xw *)b)->x;
    return (x > y) - (x < y);
}
/* laeken's weightedQuantile literally: sort, cumsum(w)/sum(w), first > p */
static double lq(xw *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, cmp_xw);
    long double T = 0, c = 0;
    for (size_t i = 0; i < n; i++) T += v[i].w;
    if (p >= 1) return v[n - 1].x;
    for (size_t i = 0; i < n; i++) {
        c += v[i].w;
        if ((double)c / (double)T > p) return v[i].x;
    }
    return v[n - 1].x;
}

static void test_bruteforce(void **state)
{
    (void)state;
    srand(5);
    const size_t n = 3000;
    double *x = malloc(n * sizeof *x), *w = malloc(n * sizeof *w);
    const char **g = malloc(n * sizeof *g);
    xw *v = malloc(n * sizeof *v);
    double *gx = malloc(n * sizeof *gx), *gw = malloc(n * sizeof *gw);
    assert_true(x && w && g && v && gx && gw);
    const char *labels[] = {"g0", "g1", "g2", "g3", "g4"};
    for (size_t i = 0; i < n; i++) {
        x[i] = (rand() % 7 == 0) ? 1000 * (rand() % 5) : (double)(rand() % 4000000) / 100.0 - 2000;
        w[i] = 0.5 + (double)(rand() % 1000) / 37.0;
        g[i] = labels[rand() % 5];
    }
    armoede_table *t = table_xw(x, w, n);
    assert_int_equal(armoede_table_add_text(t, "g", g, n), 0);
    for (int domain = 0; domain < 2; domain++) {
        armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
        o.measures = ARMOEDE_MEASURE_DEFAULT | ARMOEDE_MEASURE_MEDIAN | ARMOEDE_MEASURE_FGT;
        const char *by[] = {"g"};
        o.by = by;
        o.n_by = 1;
        o.margins = by;
        o.n_margins = 1;
        o.domain_threshold = domain;
        armoede_result *r = NULL;
        assert_int_equal(armoede_measures(t, &o, &r), 0);
        /* the overall threshold */
        for (size_t i = 0; i < n; i++) v[i] = (xw){x[i], w[i]};
        double tall = 0.6 * lq(v, n, 0.5);
        for (int gi = -1; gi < 5; gi++) {
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (gi < 0 || strcmp(g[i], labels[gi]) == 0) { gx[m] = x[i]; gw[m] = w[i]; m++; }
            for (size_t i = 0; i < m; i++) v[i] = (xw){gx[i], gw[i]};
            double med = lq(v, m, 0.5), q20 = lq(v, m, 0.2), q80 = lq(v, m, 0.8);
            double tt = domain ? 0.6 * med : tall;
            long double W = 0, pw = 0, s20 = 0, s80 = 0, f1 = 0, f2 = 0;
            size_t np = 0;
            for (size_t i = 0; i < m; i++) {
                W += gw[i];
                if (gx[i] < tt) {
                    pw += gw[i];
                    v[np++] = (xw){gx[i], gw[i]};
                    f1 += gw[i] * (tt - gx[i]) / tt;
                    f2 += gw[i] * pow((tt - gx[i]) / tt, 2);
                }
                if (gx[i] <= q20) s20 += gw[i] * gx[i];
                if (gx[i] > q80) s80 += gw[i] * gx[i];
            }
            double mp = lq(v, np, 0.5);
            const char *key[1] = {gi < 0 ? NULL : labels[gi]};
            assert_close(EST(r, "median", key), med, 0);
            assert_close(EST(r, "arpt", key), tt, 0);
            assert_close(EST(r, "arpr", key), (double)(pw / W), 1e-14);
            assert_close(EST(r, "rmpg", key), (tt - mp) / tt, 1e-14);
            assert_close(EST(r, "qsr", key), (double)(s80 / s20), 1e-12);
            assert_close(EST(r, "gini", key), gini_brute(gx, gw, m), 1e-12);
            assert_close(EST(r, "fgt0", key), (double)(pw / W), 1e-14);
            assert_close(EST(r, "fgt1", key), (double)(f1 / W), 1e-14);
            assert_close(EST(r, "fgt2", key), (double)(f2 / W), 1e-14);
        }
        armoede_result_free(r);
    }
    armoede_table_free(t);
    free(x); free(w); free(g); free(v); free(gx); free(gw);
}

/* ---------------- the three computation paths agree ----------------
 * arpt + arpr alone (two streaming passes), the quantile measures without
 * the Gini (streaming selection), with the Gini (streaming, by value
 * buckets), and all of them on the sorted path (one sort): the same
 * figures, on data with ties at the quantiles, zeros, negatives, years and
 * margins, for every rule and both comparisons. */
static void compare_results(const armoede_result *a, const armoede_result *b)
{
    size_t na = armoede_result_nrows(a), nk = armoede_result_nkeys(a), hits = 0;
    assert_int_equal(nk, armoede_result_nkeys(b));
    for (size_t i = 0; i < na; i++) {
        const char *keys[4];
        for (size_t k = 0; k < nk; k++) keys[k] = armoede_result_key(a, i, k);
        long j = find_row(b, armoede_result_indicator(a, i), keys);
        if (j < 0) continue;
        for (int f = ARMOEDE_FIELD_ESTIMATE; f <= ARMOEDE_FIELD_DEN_N; f++) {
            double u = armoede_result_value(a, i, (armoede_field)f), v = armoede_result_value(b, (size_t)j, (armoede_field)f);
            if (isnan(u) && isnan(v)) continue;
            assert_close(u, v, 1e-12 * fabs(v));
        }
        hits++;
    }
    assert_true(hits > 0);
}

static void test_paths_agree(void **state)
{
    (void)state;
    srand(99);
    const size_t n = 4000;
    double *x = malloc(n * sizeof *x), *w = malloc(n * sizeof *w);
    int64_t *yr = malloc(n * sizeof *yr);
    const char **g = malloc(n * sizeof *g);
    assert_true(x && w && yr && g);
    const char *labels[] = {"a", "b", "c"};
    for (size_t i = 0; i < n; i++) {
        int k = rand() % 10;
        x[i] = k == 0 ? 0 : k == 1 ? -(double)(rand() % 500) : k < 5 ? 1000.0 * (1 + rand() % 30)
                                                              : (double)(rand() % 5000000) / 100.0;
        w[i] = (rand() % 2) ? (double)(1 + rand() % 3) : 0.25 + (double)(rand() % 1000) / 64.0;
        yr[i] = 2020 + rand() % 3;
        g[i] = labels[rand() % 3];
    }
    for (int weighted = 0; weighted < 2; weighted++) {
        armoede_table *t = table_xw(x, weighted ? w : NULL, n);
        assert_int_equal(armoede_table_add_int(t, "yr", yr, n, 1), 0);
        assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "yr"), 0);
        assert_int_equal(armoede_table_add_text(t, "g", g, n), 0);
        for (int rule = 0; rule < 3; rule++)
            for (int le = 0; le < 2; le++)
                for (int dom = 0; dom < 2; dom++) {
                    armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
                    const char *by[] = {"g"};
                    o.by = by;
                    o.n_by = 1;
                    o.margins = by;
                    o.n_margins = 1;
                    o.rule = (armoede_quantile_rule)rule;
                    o.at_or_below = le;
                    o.domain_threshold = dom;
                    armoede_result *ra = NULL, *rb = NULL, *rc = NULL;
                    o.measures = ARMOEDE_MEASURE_ARPT | ARMOEDE_MEASURE_ARPR;
                    assert_int_equal(armoede_measures(t, &o, &ra), 0);
                    o.measures = ARMOEDE_MEASURE_ARPT | ARMOEDE_MEASURE_ARPR | ARMOEDE_MEASURE_MEDIAN |
                                 ARMOEDE_MEASURE_QSR | ARMOEDE_MEASURE_RMPG | ARMOEDE_MEASURE_FGT;
                    assert_int_equal(armoede_measures(t, &o, &rb), 0);
                    o.measures |= ARMOEDE_MEASURE_GINI;
                    armoede_result *rd = NULL;
                    assert_int_equal(armoede_measures(t, &o, &rd), 0); /* streaming, Gini by value buckets */
                    o.strata = "g"; /* a design column (none missing) takes the sorted path */
                    assert_int_equal(armoede_measures(t, &o, &rc), 0);
                    assert_int_equal(armoede_result_nrows(rc), armoede_result_nrows(rb) + 12);
                    assert_int_equal(armoede_result_nrows(rc), armoede_result_nrows(rd));
                    compare_results(ra, rc);
                    compare_results(rb, rc);
                    compare_results(rd, rc);
                    armoede_result_free(ra);
                    armoede_result_free(rb);
                    armoede_result_free(rc);
                    armoede_result_free(rd);
                }
        armoede_table_free(t);
    }
    free(x); free(w); free(yr); free(g);
}

/* The same options three ways: the streaming path with one thread (r1) and
 * with two (r2), and the sorted path (rs: strata names a design column with
 * none missing, which takes it; still two threads). */
static void run_three_ways(const armoede_table *t, armoede_measures_options o, const char *strata,
                           armoede_result **r1, armoede_result **r2, armoede_result **rs)
{
    o.nthreads = 1;
    assert_int_equal(armoede_measures(t, &o, r1), 0);
    o.nthreads = 2;
    assert_int_equal(armoede_measures(t, &o, r2), 0);
    o.strata = strata;
    assert_int_equal(armoede_measures(t, &o, rs), 0);
}

/* The streaming passes go in two halves of the table, on two threads from
 * 65,536 rows: every figure of every measure is the same with one thread
 * and with two, to the last bit, and agrees with the sorted path; three
 * years (the thresholds' histogram by year), a grouping with its margin. */
static void test_halves_threads(void **state)
{
    (void)state;
    srand(123);
    const size_t n = 150000;
    double *x = malloc(n * sizeof *x), *w = malloc(n * sizeof *w);
    int64_t *yr = malloc(n * sizeof *yr);
    int32_t *g = malloc(n * sizeof *g);
    assert_true(x && w && yr && g);
    for (size_t i = 0; i < n; i++) {
        int k = rand() % 10;
        x[i] = k == 0 ? 0 : k == 1 ? -(double)(rand() % 500) : k < 4 ? 1000.0 * (1 + rand() % 30)
                                                              : (double)(rand() % 5000000) / 100.0;
        w[i] = 0.25 + (double)(rand() % 1000) / 64.0;
        yr[i] = 2020 + rand() % 3;
        g[i] = rand() % 5;
    }
    armoede_table *t = table_xw(x, w, n);
    const char *labels[] = {"a", "b", "c", "d", "e"};
    assert_int_equal(armoede_table_add_int(t, "yr", yr, n, 1), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "yr"), 0);
    assert_int_equal(armoede_table_add_cat(t, "g", g, n, labels, 5), 0);
    unsigned sets[] = {ARMOEDE_MEASURE_ARPT | ARMOEDE_MEASURE_ARPR,
                       ARMOEDE_MEASURE_DEFAULT | ARMOEDE_MEASURE_MEDIAN | ARMOEDE_MEASURE_FGT};
    for (size_t q = 0; q < 2; q++)
        for (int dom = 0; dom < 2; dom++) {
            armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
            const char *by[] = {"g"};
            o.by = by; o.n_by = 1; o.margins = by; o.n_margins = 1;
            o.measures = sets[q];
            o.domain_threshold = dom;
            armoede_result *r1 = NULL, *r2 = NULL, *rs = NULL;
            run_three_ways(t, o, "g", &r1, &r2, &rs);
            size_t nr = armoede_result_nrows(r1);
            assert_true(nr >= 18);
            assert_int_equal(armoede_result_nrows(r2), nr);
            for (size_t i = 0; i < nr; i++) {
                assert_string_equal(armoede_result_indicator(r1, i), armoede_result_indicator(r2, i));
                for (int f = ARMOEDE_FIELD_ESTIMATE; f <= ARMOEDE_FIELD_DEN_N; f++) {
                    double u = armoede_result_value(r1, i, (armoede_field)f), v = armoede_result_value(r2, i, (armoede_field)f);
                    assert_true((isnan(u) && isnan(v)) || u == v);
                }
            }
            compare_results(r1, rs);
            armoede_result_free(r1);
            armoede_result_free(r2);
            armoede_result_free(rs);
        }
    armoede_table_free(t);
    free(x); free(w); free(yr); free(g);
}

/* For incomes that are not whole cents the streaming Gini cuts the buckets
 * into ranges of about half a million rows: on 1.1 million rows (three
 * ranges at least) it equals the sorted path's Gini, overall and by group. */
static void test_gini_ranges(void **state)
{
    (void)state;
    srand(2026);
    const size_t n = 1100000;
    double *x = malloc(n * sizeof *x), *w = malloc(n * sizeof *w);
    int32_t *g = malloc(n * sizeof *g);
    assert_true(x && w && g);
    for (size_t i = 0; i < n; i++) {
        x[i] = (rand() % 50 == 0) ? 0 : ((double)(rand() % 6000000) / 100.0 - 500) / 3.0; /* not whole cents */
        w[i] = 1 + (double)(rand() % 100) / 8.0;
        g[i] = rand() % 4;
    }
    armoede_table *t = table_xw(x, w, n);
    const char *labels[] = {"a", "b", "c", "d"};
    assert_int_equal(armoede_table_add_cat(t, "g", g, n, labels, 4), 0);
    armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
    o.measures = ARMOEDE_MEASURE_GINI | ARMOEDE_MEASURE_QSR;
    const char *by[] = {"g"};
    o.by = by;
    o.n_by = 1;
    o.margins = by;
    o.n_margins = 1;
    armoede_result *ra = NULL, *rb = NULL;
    assert_int_equal(armoede_measures(t, &o, &ra), 0);
    o.strata = "g";
    assert_int_equal(armoede_measures(t, &o, &rb), 0);
    assert_int_equal(armoede_result_nrows(ra), 10);
    compare_results(ra, rb);
    const char *tot[] = {NULL};
    double gi = EST(ra, "gini", tot);
    assert_true(gi > 0.3 && gi < 0.4); /* uniform incomes: about 1/3 */
    armoede_result_free(ra);
    armoede_result_free(rb);
    armoede_table_free(t);
    free(x); free(w); free(g);
}

/* The streaming Gini goes by value buckets when every income is whole
 * cents (by ranges otherwise): the same Gini, to the last bit, as the sorted
 * path, by two groupings with both margins (four patterns) and without
 * (one), with one thread or two, for whole cents and for other incomes,
 * with weights and without. */
static void test_gini_one_sort(void **state)
{
    (void)state;
    srand(5);
    const size_t n = 300000;
    double *x = malloc(n * sizeof *x), *w = malloc(n * sizeof *w);
    int32_t *g = malloc(n * sizeof *g);
    int32_t *h = malloc(n * sizeof *h);
    assert_true(x && w && g && h);
    const char *labels[] = {"a", "b", "c"}, *hl[] = {"u", "v"};
    for (int cents = 0; cents < 2; cents++) {
        for (size_t i = 0; i < n; i++) {
            int k = rand() % 20;
            double v = k == 0 ? 0 : k == 1 ? -(double)(rand() % 500) : k < 6 ? 100.0 * (1 + rand() % 300)
                                                                      : (double)(rand() % 8000000) / 100.0;
            x[i] = cents ? v : v / 7.0;
            w[i] = 1 + (double)(rand() % 1000) / 64.0;
            g[i] = rand() % 3;
            h[i] = rand() % 2;
        }
        for (int weighted = 0; weighted < 4; weighted++) {
            int mg = weighted >= 2; /* margins: four patterns; none: one */
            armoede_table *t = table_xw(x, weighted % 2 ? w : NULL, n);
            assert_int_equal(armoede_table_add_cat(t, "g", g, n, labels, 3), 0);
            assert_int_equal(armoede_table_add_cat(t, "h", h, n, hl, 2), 0);
            armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
            o.measures = ARMOEDE_MEASURE_GINI;
            const char *by[] = {"g", "h"}, *marg[] = {"g", "h"};
            o.by = by;
            o.n_by = 2;
            o.margins = marg;
            o.n_margins = mg ? 2 : 0;
            armoede_result *r1 = NULL, *r2 = NULL, *rs = NULL;
            run_three_ways(t, o, "g", &r1, &r2, &rs);
            size_t nr = armoede_result_nrows(rs);
            assert_int_equal(nr, mg ? 12 : 6); /* (3 + Total) x (2 + Total), or 3 x 2 */
            assert_int_equal(armoede_result_nrows(r1), nr);
            assert_int_equal(armoede_result_nrows(r2), nr);
            for (size_t i = 0; i < nr; i++) {
                const char *keys[2] = {armoede_result_key(rs, i, 0), armoede_result_key(rs, i, 1)};
                long j1 = find_row(r1, "gini", keys), j2 = find_row(r2, "gini", keys);
                assert_true(j1 >= 0 && j2 >= 0);
                double e = armoede_result_value(rs, i, ARMOEDE_FIELD_ESTIMATE);
                assert_true(e > 0.2 && e < 0.9);
                assert_true(armoede_result_value(r1, (size_t)j1, ARMOEDE_FIELD_ESTIMATE) == e);
                assert_true(armoede_result_value(r2, (size_t)j2, ARMOEDE_FIELD_ESTIMATE) == e);
            }
            armoede_result_free(r1);
            armoede_result_free(r2);
            armoede_result_free(rs);
            armoede_table_free(t);
        }
    }
    free(x); free(w); free(g); free(h);
}

/* The bucket Gini (whole cents; one grouping, with or without its Total):
 * against the brute-force double sum on small data;
 * the sorted path's bits on 400,000 rows with many ties across groups, a
 * bucket of about 6,000 rows spread over 2^27 cents (the negative incomes
 * share bucket 0: several sort passes inside one bucket), 1, 7, 256 and 257
 * groups (8 and 9 bits of group) and no grouping, with one thread and with
 * two. */
static void test_gini_buckets(void **state)
{
    (void)state;
    /* brute force: 9 persons, ties across and within 2 groups, a negative */
    {
        double x[] = {100, 250.5, 100, -40, 0, 250.5, 999.99, 100, 12.34};
        double w[] = {1.5, 2, 0.25, 3, 1, 1, 2.5, 4, 0.75};
        int32_t g[] = {0, 1, 1, 0, 1, 0, 1, 0, 0};
        armoede_table *t = table_xw(x, w, 9);
        const char *labels[] = {"a", "b"};
        assert_int_equal(armoede_table_add_cat(t, "g", g, 9, labels, 2), 0);
        armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
        o.measures = ARMOEDE_MEASURE_GINI;
        const char *by[] = {"g"};
        o.by = by; o.n_by = 1; o.margins = by; o.n_margins = 1;
        armoede_result *r = NULL;
        assert_int_equal(armoede_measures(t, &o, &r), 0);
        const char *ka[] = {"a"}, *kb[] = {"b"}, *kt[] = {NULL};
        double xa[9], wa[9], xb[9], wb[9];
        size_t na = 0, nb = 0;
        for (size_t i = 0; i < 9; i++) {
            if (g[i] == 0) { xa[na] = x[i]; wa[na++] = w[i]; }
            else { xb[nb] = x[i]; wb[nb++] = w[i]; }
        }
        assert_close(EST(r, "gini", ka), gini_brute(xa, wa, na), 1e-15);
        assert_close(EST(r, "gini", kb), gini_brute(xb, wb, nb), 1e-15);
        assert_close(EST(r, "gini", kt), gini_brute(x, w, 9), 1e-15);
        armoede_result_free(r);
        armoede_table_free(t);
    }
    /* 300 small random tables (1 to 40 persons, 1 to 4 groups, ties, zeros,
     * negatives, one group left empty now and then): each group and the
     * Total against the brute-force double sum */
    srand(7);
    for (int rep = 0; rep < 300; rep++) {
        size_t m = 1 + (size_t)(rand() % 40);
        int ng = 1 + rand() % 4;
        double xs[40], ws[40];
        int32_t gs[40];
        for (size_t i = 0; i < m; i++) {
            int k = rand() % 6;
            xs[i] = k == 0 ? 0 : k == 1 ? -(double)(rand() % 300) : k == 2 ? 100.0 * (rand() % 4) : (double)(rand() % 100000) / 100.0;
            ws[i] = 0.5 + (double)(rand() % 16) / 4.0;
            gs[i] = rand() % ng;
        }
        armoede_table *t = table_xw(xs, ws, m);
        const char *labels[] = {"a", "b", "c", "d"};
        assert_int_equal(armoede_table_add_cat(t, "g", gs, m, labels, (size_t)ng), 0);
        armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
        o.measures = ARMOEDE_MEASURE_GINI;
        const char *by[] = {"g"};
        o.by = by; o.n_by = 1; o.margins = by; o.n_margins = 1;
        armoede_result *r = NULL;
        assert_int_equal(armoede_measures(t, &o, &r), 0);
        for (int gi = -1; gi < ng; gi++) {
            double gx[40], gw[40];
            size_t gm = 0;
            for (size_t i = 0; i < m; i++)
                if (gi < 0 || gs[i] == gi) { gx[gm] = xs[i]; gw[gm++] = ws[i]; }
            const char *key[] = {gi < 0 ? NULL : labels[gi]};
            long j = find_row(r, "gini", key);
            if (!gm) { assert_true(j < 0); continue; } /* an empty group has no row */
            assert_true(j >= 0);
            double e = armoede_result_value(r, (size_t)j, ARMOEDE_FIELD_ESTIMATE), b = gini_brute(gx, gw, gm);
            if (isnan(b)) assert_true(isnan(e));
            else assert_close(e, b, 1e-12 * (fabs(b) > 1 ? fabs(b) : 1));
        }
        armoede_result_free(r);
        armoede_table_free(t);
    }
    srand(11);
    const size_t n = 400000;
    double *x = malloc(n * sizeof *x), *w = malloc(n * sizeof *w);
    int32_t *g = malloc(n * sizeof *g);
    char **labels = malloc(257 * sizeof *labels);
    assert_true(x && w && g && labels);
    for (int l = 0; l < 257; l++) {
        labels[l] = malloc(8);
        assert_non_null(labels[l]);
        snprintf(labels[l], 8, "g%d", l);
    }
    for (size_t i = 0; i < n; i++) {
        int k = rand() % 64;
        x[i] = k == 0 ? -(double)(rand() % 134217728) / 100.0 /* bucket 0, 2^27 cents */
             : k < 20 ? 100.0 * (rand() % 50)                                     /* ties across groups */
                     : (double)(rand() % 9000000) / 100.0;
        w[i] = 0.5 + (double)(rand() % 1000) / 16.0;
    }
    const int ngs[] = {1, 7, 256, 257, 0};
    for (size_t q = 0; q < sizeof ngs / sizeof ngs[0]; q++) {
        int ng = ngs[q];
        for (size_t i = 0; i < n; i++) g[i] = ng ? rand() % ng : 0;
        armoede_table *t = table_xw(x, w, n);
        if (ng) assert_int_equal(armoede_table_add_cat(t, "g", g, n, (const char *const *)labels, (size_t)ng), 0);
        else assert_int_equal(armoede_table_add_cat(t, "s", g, n, (const char *const *)labels, 1), 0); /* g: all 0 */
        for (int mg = 0; mg < 2; mg++) {
            if (!ng && mg) continue;
            armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
            o.measures = ARMOEDE_MEASURE_GINI;
            const char *by[] = {"g"};
            if (ng) { o.by = by; o.n_by = 1; }
            if (mg) { o.margins = by; o.n_margins = 1; }
            armoede_result *r1 = NULL, *r2 = NULL, *rs = NULL;
            run_three_ways(t, o, ng ? "g" : "s", &r1, &r2, &rs);
            size_t nr = armoede_result_nrows(rs);
            assert_int_equal(nr, (size_t)(ng ? ng : 1) + (size_t)mg);
            assert_int_equal(armoede_result_nrows(r1), nr);
            for (size_t i = 0; i < nr; i++) {
                const char *keys[1] = {ng ? armoede_result_key(rs, i, 0) : NULL};
                long j1 = find_row(r1, "gini", keys), j2 = find_row(r2, "gini", keys);
                assert_true(j1 >= 0 && j2 >= 0);
                double e = armoede_result_value(rs, i, ARMOEDE_FIELD_ESTIMATE);
                double e1 = armoede_result_value(r1, (size_t)j1, ARMOEDE_FIELD_ESTIMATE);
                assert_true(isfinite(e) && e > 0.3);
                assert_true(e1 == e);
                assert_true(armoede_result_value(r2, (size_t)j2, ARMOEDE_FIELD_ESTIMATE) == e1);
            }
            armoede_result_free(r1);
            armoede_result_free(r2);
            armoede_result_free(rs);
        }
        armoede_table_free(t);
    }
    for (int l = 0; l < 257; l++) free(labels[l]);
    free(labels); free(x); free(w); free(g);
}

/* Many level combinations (3000 x 3000 possible groups): the streaming path
 * gives way to the sorted one, with the same figures. */
static void test_many_groups(void **state)
{
    (void)state;
    const size_t n = 3000;
    double *x = malloc(n * sizeof *x);
    int64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    assert_true(x && a && b);
    for (size_t i = 0; i < n; i++) {
        x[i] = 1000.0 + (double)((i * 7919) % 5000);
        a[i] = (int64_t)i;
        b[i] = (int64_t)((i * 13) % n);
    }
    armoede_table *t = table_xw(x, NULL, n);
    assert_int_equal(armoede_table_add_int(t, "a", a, n, 1), 0);
    assert_int_equal(armoede_table_add_int(t, "b", b, n, 1), 0);
    armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
    o.measures = ARMOEDE_MEASURE_ARPT | ARMOEDE_MEASURE_ARPR | ARMOEDE_MEASURE_MEDIAN;
    const char *by[] = {"a", "b"};
    o.by = by;
    o.n_by = 2;
    o.margins = by;
    o.n_margins = 1;
    armoede_result *r1 = NULL, *r2 = NULL;
    assert_int_equal(armoede_measures(t, &o, &r1), 0);
    o.strata = "a";
    assert_int_equal(armoede_measures(t, &o, &r2), 0);
    /* 3000 groups + 3000 totals over a, for three measures */
    assert_int_equal(armoede_result_nrows(r1), 3 * 6000);
    compare_results(r1, r2);
    armoede_result_free(r1);
    armoede_result_free(r2);
    armoede_table_free(t);
    free(x); free(a); free(b);
}

/* ---------------- equivalisation inside the measures ---------------- */
static void test_measures_equivalised(void **state)
{
    (void)state;
    armoede_table *t = persons();
    armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
    armoede_equivalise_options eq = ARMOEDE_EQUIVALISE_OPTIONS_INIT;
    o.equivalise = &eq;
    o.measures = ARMOEDE_MEASURE_MEDIAN;
    armoede_result *r = NULL;
    assert_int_equal(armoede_measures(t, &o, &r), 0);
    /* 2020: household 1 (4 x 20000) and 2 (20000); household 3 out (unknown age) */
    const char *k20[] = {"2020"};
    assert_close(EST(r, "median", k20), 20000, 1e-9);
    assert_close(val(r, "median", k20, ARMOEDE_FIELD_DEN_N), 5, 0);
    assert_true(has_note(r, "2 rows left out: no equivalence factor"));
    armoede_result_free(r);
    armoede_table_free(t);
}

/* ---------------- bootstrap ---------------- */
static void test_bootstrap(void **state)
{
    (void)state;
    srand(11);
    const size_t n = 2000;
    double *x = malloc(n * sizeof *x), *w = malloc(n * sizeof *w);
    int64_t *st = malloc(n * sizeof *st), *cl = malloc(n * sizeof *cl);
    assert_true(x && w && st && cl);
    for (size_t i = 0; i < n; i++) {
        x[i] = 10000 + (double)(rand() % 3000000) / 100.0;
        w[i] = 1 + rand() % 5;
        st[i] = (int64_t)(i % 4);
        cl[i] = (int64_t)(i / 4); /* clusters of 4... split over 4 strata: nested by (stratum, cluster) */
    }
    armoede_table *t = table_xw(x, w, n);
    assert_int_equal(armoede_table_add_int(t, "st", st, n, 1), 0);
    assert_int_equal(armoede_table_add_int(t, "cl", cl, n, 1), 0);
    armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
    o.measures = ARMOEDE_MEASURE_DEFAULT | ARMOEDE_MEASURE_MEDIAN;
    o.bootstrap = 60;
    o.seed = 42;
    o.strata = "st";
    o.cluster = "cl";
    o.nthreads = 1;
    armoede_result *r1 = NULL, *r2 = NULL, *r3 = NULL;
    assert_int_equal(armoede_measures(t, &o, &r1), 0);
    o.nthreads = 3;
    assert_int_equal(armoede_measures(t, &o, &r2), 0);
    o.seed = 43;
    assert_int_equal(armoede_measures(t, &o, &r3), 0);
    assert_int_equal(armoede_result_nrows(r1), armoede_result_nrows(r2));
    int differs = 0;
    for (size_t i = 0; i < armoede_result_nrows(r1); i++) {
        double se1 = armoede_result_value(r1, i, ARMOEDE_FIELD_SE);
        double se2 = armoede_result_value(r2, i, ARMOEDE_FIELD_SE);
        double se3 = armoede_result_value(r3, i, ARMOEDE_FIELD_SE);
        double est = armoede_result_value(r1, i, ARMOEDE_FIELD_ESTIMATE);
        double lo = armoede_result_value(r1, i, ARMOEDE_FIELD_CI_LOW);
        double hi = armoede_result_value(r1, i, ARMOEDE_FIELD_CI_HIGH);
        assert_true(se1 > 0);
        assert_true(se1 == se2); /* bit-identical for any thread count */
        assert_true(lo == armoede_result_value(r2, i, ARMOEDE_FIELD_CI_LOW));
        assert_true(hi == armoede_result_value(r2, i, ARMOEDE_FIELD_CI_HIGH));
        assert_true(lo <= hi);
        assert_true(se1 < fabs(est)); /* sane size */
        differs |= se1 != se3;
    }
    assert_true(differs); /* another seed, other replicates */
    /* the median's se is in the range of the textbook approximation for a
     * uniform(10000, 40000): sd of the sample median ~ 1 / (2 f sqrt(n_eff)) */
    double se = val(r1, "median", NULL, ARMOEDE_FIELD_SE);
    double neff = 0, sw = 0, sw2 = 0;
    for (size_t i = 0; i < n; i++) { sw += w[i]; sw2 += w[i] * w[i]; }
    neff = sw * sw / sw2;
    double approx = 30000 / (2 * sqrt(neff));
    assert_true(se > approx / 2 && se < approx * 2);
    assert_true(has_note(r1, "60 replicates, seed 42, 4 strata, 2000 primary units"));
    armoede_result_free(r1);
    armoede_result_free(r2);
    armoede_result_free(r3);
    armoede_table_free(t);
    free(x); free(w); free(st); free(cl);
}

/* Empty input on every path: a table without rows, and one whose rows are
 * all left out, give an empty result (and the notes), never a crash. */
static void test_empty_paths(void **state)
{
    (void)state;
    const unsigned sets[] = {ARMOEDE_MEASURE_ARPR, ARMOEDE_MEASURE_ARPT | ARMOEDE_MEASURE_ARPR,
                             ARMOEDE_MEASURE_QSR | ARMOEDE_MEASURE_MEDIAN | ARMOEDE_MEASURE_RMPG,
                             ARMOEDE_MEASURE_FGT, ARMOEDE_MEASURE_GINI};
    const double nanv[3] = {NAN, NAN, NAN}, w0[3] = {0, -1, NAN}, x3[3] = {1, 2, 3};
    for (int k = 0; k < 3; k++) {
        armoede_table *t = k == 0 ? table_xw(NULL, NULL, 0) : k == 1 ? table_xw(nanv, NULL, 3) : table_xw(x3, w0, 3);
        const char *lab[3] = {"a", "b", "a"};
        if (k > 0) assert_int_equal(armoede_table_add_text(t, "g", lab, 3), 0);
        for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
            armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
            o.measures = sets[s];
            const char *by[] = {"g"};
            if (k > 0) { o.by = by; o.n_by = 1; o.margins = by; o.n_margins = 1; }
            armoede_result *r = NULL;
            assert_int_equal(armoede_measures(t, &o, &r), 0);
            assert_int_equal(armoede_result_nrows(r), 0);
            if (k > 0) assert_true(has_note(r, "3 rows left out"));
            armoede_result_free(r);
        }
        armoede_table_free(t);
    }
}

/* ---------------- the monitor hook ----------------
 * The ten incomes of X10 as a person file with a filter column: the
 * student row (income 1000) is left out by [population] student = yes,
 * so nine remain: 2000 3000 5000 5000 6000 7000 8000 9000 10000; laeken
 * median (shares k/9: first > .5 is the 5th) = 6000, threshold 50% = 3000;
 * below: 2000 -> 1/9. */
static void test_monitor(void **state)
{
    (void)state;
    assert_int_equal(tu_mkdtemp("measures"), 0);
    write_text("p.csv", "pid,year,inc,student,reg\n"
                        "1,2020,5000,0,n\n2,2020,1000,1,n\n3,2020,9000,0,n\n4,2020,3000,0,s\n"
                        "5,2020,10000,0,s\n6,2020,2000,0,s\n7,2020,7000,0,n\n8,2020,5000,0,s\n"
                        "9,2020,8000,0,n\n10,2020,6000,0,s\n");
    char cfg[2000];
    snprintf(cfg, sizeof cfg,
             "[input]\nfile = p.csv\n\n[columns]\nperson_id = pid\nyear = year\nincome = inc\n"
             "student = student\n\n[population]\nstudent = yes\n\n"
             "[indicator m]\ntype = measures\nmeasures = median, arpt, arpr\nthreshold = 50\n"
             "by = reg\nmargins = reg\n\n"
             "[indicator g]\ntype = fgt\nline = fixed\nline_value = 4000\nalpha = 1\n\n"
             "[disclosure]\nenabled = no\n\n[output]\ncsv = out.csv\n");
    const char *path = write_text("m.ini", cfg);
    armoede_result *r = NULL;
    int rc = armoede_monitor_run(path, NULL, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    const char *tot[] = {"2020", "Total"};
    assert_close(val(r, "median", tot, ARMOEDE_FIELD_ESTIMATE), 6000, 0);
    assert_close(val(r, "arpt", tot, ARMOEDE_FIELD_ESTIMATE), 3000, 0);
    assert_close(val(r, "arpr", tot, ARMOEDE_FIELD_ESTIMATE), 1.0 / 9, 1e-15);
    /* fgt1 with the line 4000: gaps .5 (2000) and .25 (3000) over 9 persons */
    const char *yr[] = {"2020", NULL};
    assert_close(val(r, "fgt1", yr, ARMOEDE_FIELD_ESTIMATE), 0.75 / 9, 1e-15);
    armoede_result_free(r);
    /* a typo in a measure name is an ECONFIG naming the line */
    snprintf(cfg, sizeof cfg,
             "[input]\nfile = p.csv\n\n[columns]\nyear = year\nincome = inc\n\n"
             "[indicator m]\ntype = measures\nmeasures = arpr, ginni\n\n[output]\ncsv = out.csv\n");
    path = write_text("bad.ini", cfg);
    assert_int_equal(armoede_monitor_run(path, NULL, &r), ARMOEDE_ECONFIG);
    assert_non_null(strstr(armoede_last_error(), "ginni"));
    assert_non_null(strstr(armoede_last_error(), ":10:"));
    assert_int_equal(tu_rmdtemp(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_factors),
        cmocka_unit_test(test_equivalise_members),
        cmocka_unit_test(test_equivalise_columns),
        cmocka_unit_test(test_hand),
        cmocka_unit_test(test_weights_and_bad_rows),
        cmocka_unit_test(test_negative),
        cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_persistent),
        cmocka_unit_test(test_fgt_norm),
        cmocka_unit_test(test_margins),
        cmocka_unit_test(test_bruteforce),
        cmocka_unit_test(test_paths_agree),
        cmocka_unit_test(test_halves_threads),
        cmocka_unit_test(test_gini_ranges),
        cmocka_unit_test(test_gini_one_sort),
        cmocka_unit_test(test_gini_buckets),
        cmocka_unit_test(test_many_groups),
        cmocka_unit_test(test_measures_equivalised),
        cmocka_unit_test(test_bootstrap),
        cmocka_unit_test(test_monitor),
        cmocka_unit_test(test_empty_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
