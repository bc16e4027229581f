/*
 * Hand-computed tests of survey estimation (include/armoede_survey.h,
 * docs/survey.md). The tiny design used throughout:
 *
 *   row stratum cluster weight answer district
 *    1    A      1      2     yes     N
 *    2    A      1      1     no      S
 *    3    A      2      3     yes     N
 *    4    B      1      1     no      N
 *    5    B      2      2     yes     S
 *    6    B      3      2     no      N
 *    7    B      3      1     dk      S     "don't know": excluded
 *    8    B      1      0     yes     N     zero weight
 *    9    A      2      1     (NA)    S     missing answer
 *
 * Whole sample: S = rows 1-6, sum w = 11, sum w y = 7, p = 7/11.
 * z_i = w_i (y_i - p) / 11 in units of 1/121: 8, -7, 12, -7, 8, -14.
 * PSU totals: A1 = 1, A2 = 12; B1 = -7, B2 = 8, B3 = -14.
 * Stratum A: mean 6.5, squares 2 x 5.5^2 = 60.5, x n/(n-1) = 2: 121.
 * Stratum B: mean -13/3, deviations -8/3, 37/3, -29/3: squares 2274/9, x 3/2: 379.
 * V = (121 + 379) / 121^2 = 500/14641; df = 5 PSUs - 2 strata = 3.
 * R survey agrees (svymean on the subset design: SE 0.1848).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp in testutil.h */
#include <math.h>
#include <pthread.h>
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

static const char *const yes[] = {"yes"};
static const char *const dk[] = {"dk"};
static const char *const dist[] = {"district"};

/* The tiny design; with_c adds stratum C with one PSU (row 10: C, 1, w 1, yes, N). */
static armoede_table *tiny(int with_c, const double *fpc)
{
    const char *st[] = {"A", "A", "A", "B", "B", "B", "B", "B", "A", "C"};
    const int64_t cl[] = {1, 1, 2, 1, 2, 3, 3, 1, 2, 1};
    const double w[] = {2, 1, 3, 1, 2, 2, 1, 0, 1, 1};
    const char *ans[] = {"yes", "no", "yes", "no", "yes", "no", "dk", "yes", NULL, "yes"};
    const char *di[] = {"N", "S", "N", "N", "S", "N", "S", "N", "S", "N"};
    size_t n = with_c ? 10 : 9;
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(n, &t), 0);
    assert_int_equal(armoede_table_add_text(t, "stratum", st, n), 0);
    assert_int_equal(armoede_table_add_int(t, "cluster", cl, n, 1), 0);
    assert_int_equal(armoede_table_add_real(t, "weight", w, n, 1), 0);
    assert_int_equal(armoede_table_add_text(t, "answer", ans, n), 0);
    assert_int_equal(armoede_table_add_text(t, "district", di, n), 0);
    if (fpc) assert_int_equal(armoede_table_add_real(t, "fpc", fpc, n, 1), 0);
    return t;
}

static armoede_survey_options opts(void)
{
    armoede_survey_options o = ARMOEDE_SURVEY_OPTIONS_INIT;
    o.item = "answer";
    o.categories = yes;
    o.n_categories = 1;
    o.exclude = dk;
    o.n_exclude = 1;
    o.weight = "weight";
    o.stratum = "stratum";
    o.cluster = "cluster";
    return o;
}

static double val(const armoede_result *r, size_t i, armoede_field f) { return armoede_result_value(r, i, f); }

static int has_note(const armoede_result *r, const char *s)
{
    for (size_t i = 0; i < armoede_result_nnotes(r); i++)
        if (strstr(armoede_result_note(r, i), s)) return 1;
    return 0;
}

static void test_whole_sample(void **state)
{
    (void)state;
    armoede_table *t = tiny(0, NULL);
    armoede_survey_options o = opts();
    o.ci_method = ARMOEDE_CI_WALD;
    armoede_result *r = NULL;
    assert_int_equal(armoede_survey_share(t, &o, &r), 0);
    assert_int_equal(armoede_result_nrows(r), 1);
    assert_str(armoede_result_indicator(r, 0), "survey_share");
    assert_str(armoede_result_unit(r, 0), "respondents");
    assert_close(val(r, 0, ARMOEDE_FIELD_ESTIMATE), 7.0 / 11, 1e-15);
    assert_close(val(r, 0, ARMOEDE_FIELD_NUM_W), 7, 1e-12);
    assert_close(val(r, 0, ARMOEDE_FIELD_DEN_W), 11, 1e-12);
    assert_close(val(r, 0, ARMOEDE_FIELD_NUM_N), 3, 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_DEN_N), 6, 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_SE), sqrt(500.0) / 121, 1e-15);
    /* Wald: p -/+ t_{3, 0.975} SE, t = 3.1824463052837078 (R qt) */
    double se = sqrt(500.0) / 121, tq = 3.1824463052837078;
    assert_close(val(r, 0, ARMOEDE_FIELD_CI_LOW), 7.0 / 11 - tq * se, 1e-12);
    assert_close(val(r, 0, ARMOEDE_FIELD_CI_HIGH), 7.0 / 11 + tq * se, 1e-12);
    /* the rules that left rows out are in the notes */
    assert_true(has_note(r, "rows left out: 1 (zero weight"));
    assert_true(has_note(r, "rows left out: 1 (answer missing"));
    assert_true(has_note(r, "rows left out: 1 (answer in the exclude list"));
    assert_true(has_note(r, "2 strata, 5 PSUs"));
    armoede_result_free(r);
    /* the weight role stands in for a weight column; df = infinity: normal quantiles */
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_WEIGHT, "weight"), 0);
    o.weight = NULL;
    o.df = INFINITY;
    assert_int_equal(armoede_survey_share(t, &o, &r), 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_SE), se, 1e-15);
    assert_close(val(r, 0, ARMOEDE_FIELD_CI_LOW), 7.0 / 11 - 1.959963984540054 * se, 1e-12);
    assert_true(has_note(r, "normal quantiles"));
    armoede_result_free(r);
    /* df given: t with 10 degrees of freedom, 2.2281388519862739 (R qt) */
    o.df = 10;
    assert_int_equal(armoede_survey_share(t, &o, &r), 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_CI_HIGH), 7.0 / 11 + 2.2281388519862739 * se, 1e-12);
    armoede_result_free(r);
    /* no design columns at all: weight 1, each row its own PSU, one stratum (9 PSUs) */
    o = opts();
    o.weight = NULL;
    o.stratum = NULL;
    o.cluster = NULL;
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_WEIGHT, NULL), 0);
    assert_int_equal(armoede_survey_share(t, &o, &r), 0);
    /* valid answers: rows 1-6 and 8 (weight 1 now), yes: 1, 3, 5, 8, so p = 4/7; z_i = (y_i - p)/7,
     * sum_j (Z_j - Zbar)^2 over all 9 PSUs (rows 7 and 9 give Z = 0, Zbar = 0) = 7 p(1-p)/49,
     * x 9/8: V = 9/8 x (12/49)/7 */
    assert_close(val(r, 0, ARMOEDE_FIELD_ESTIMATE), 4.0 / 7, 1e-15);
    assert_close(val(r, 0, ARMOEDE_FIELD_SE), sqrt(9.0 / 8 * 12.0 / 49 / 7), 1e-15);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* Every interval method on p = 7/11, V = 500/14641, df = 3, n = 6; the
 * numbers are the formulas of the header evaluated in R (qt, qbeta, plogis). */
static void test_interval_methods(void **state)
{
    (void)state;
    static const struct { int m; double lo, hi; } want[] = {
        {ARMOEDE_CI_WALD, 0.048250721210130743, 1.2244765515171419},
        {ARMOEDE_CI_LOGIT, 0.12111940527287368, 0.95693825041072134},
        {ARMOEDE_CI_ASIN, 0.094357928205846653, 0.99870463668359721},
        /* n* = p(1-p)/V = 6.776 */
        {ARMOEDE_CI_WILSON, 0.17345200833612812, 0.93587145844759634},
        /* x = p n = 42/11, Beta(x, n-x+1) and Beta(x+1, n-x) */
        {ARMOEDE_CI_CLOPPER_PEARSON, 0.2015691511437333, 0.94550673745675284},
        /* n* x (t_{5,0.025} / t_{3,0.025})^2 = 4.4209346606265756 */
        {ARMOEDE_CI_KORN_GRAUBARD, 0.1460808806203735, 0.96810663579833556},
    };
    armoede_table *t = tiny(0, NULL);
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        armoede_survey_options o = opts();
        o.ci_method = want[k].m;
        armoede_result *r = NULL;
        assert_int_equal(armoede_survey_share(t, &o, &r), 0);
        assert_close(val(r, 0, ARMOEDE_FIELD_CI_LOW), want[k].lo, 1e-11);
        assert_close(val(r, 0, ARMOEDE_FIELD_CI_HIGH), want[k].hi, 1e-11);
        armoede_result_free(r);
    }
    /* V = 0 (p = 0: a category nobody gives): n* = n = 6 first, then the
     * t-ratio: n* = 6 x (t_{5,0.025} / t_{3,0.025})^2 = 3.9146410808381722,
     * upper bound B(0.975; 1, n*) = 1 - 0.025^(1/n*) (R qbeta(.975, 1,
     * 3.9146410808381722) = 0.61028084232803448); Clopper-Pearson keeps n = 6;
     * Wilson with n* = n. p = 1 (every answer): lower bound 0.025^(1/n*). */
    static const char *const maybe[] = {"maybe"}, *const yes_no[] = {"yes", "no"};
    armoede_survey_options o0 = opts();
    o0.categories = maybe;
    o0.ci_method = ARMOEDE_CI_KORN_GRAUBARD;
    armoede_result *r0 = NULL;
    assert_int_equal(armoede_survey_share(t, &o0, &r0), 0);
    assert_close(val(r0, 0, ARMOEDE_FIELD_ESTIMATE), 0, 0);
    assert_close(val(r0, 0, ARMOEDE_FIELD_SE), 0, 0);
    assert_close(val(r0, 0, ARMOEDE_FIELD_CI_LOW), 0, 0);
    assert_close(val(r0, 0, ARMOEDE_FIELD_CI_HIGH), 0.61028084232803448, 1e-11);
    armoede_result_free(r0);
    o0.ci_method = ARMOEDE_CI_CLOPPER_PEARSON;
    assert_int_equal(armoede_survey_share(t, &o0, &r0), 0);
    assert_close(val(r0, 0, ARMOEDE_FIELD_CI_HIGH), 1 - pow(0.025, 1.0 / 6), 1e-11);
    armoede_result_free(r0);
    o0.ci_method = ARMOEDE_CI_WILSON; /* n* = 6, t = t_{3,0.975}: upper t^2/n* / (1 + t^2/n*) */
    assert_int_equal(armoede_survey_share(t, &o0, &r0), 0);
    {
        double tq = 3.1824463052837078, q = tq * tq / 6;
        assert_close(val(r0, 0, ARMOEDE_FIELD_CI_HIGH), q / (1 + q), 1e-11);
    }
    armoede_result_free(r0);
    o0.categories = yes_no;
    o0.n_categories = 2;
    o0.ci_method = ARMOEDE_CI_KORN_GRAUBARD;
    assert_int_equal(armoede_survey_share(t, &o0, &r0), 0);
    assert_close(val(r0, 0, ARMOEDE_FIELD_ESTIMATE), 1, 0);
    assert_close(val(r0, 0, ARMOEDE_FIELD_CI_LOW), 0.38971915767196547, 1e-11);
    assert_close(val(r0, 0, ARMOEDE_FIELD_CI_HIGH), 1, 0);
    armoede_result_free(r0);
    assert_str(armoede_ci_method_name(ARMOEDE_CI_KORN_GRAUBARD), "korn_graubard");
    assert_int_equal(armoede_ci_method_from_name("clopper_pearson"), ARMOEDE_CI_CLOPPER_PEARSON);
    assert_int_equal(armoede_ci_method_from_name("beta"), ARMOEDE_ENOTFOUND);
    assert_null(armoede_ci_method_name(ARMOEDE_CI_METHOD_COUNT_));
    armoede_table_free(t);
}

/* fpc: stratum A has 10 PSUs in the population (f = 8/10), B has 6 (f = 1/2):
 * V = (0.8 x 121 + 0.5 x 379) / 14641 = 286.3 / 14641. As fractions
 * (2/10 and 3/6) the same. */
static void test_fpc(void **state)
{
    (void)state;
    const double pop[] = {10, 10, 10, 6, 6, 6, 6, 6, 10};
    const double frac[] = {0.2, 0.2, 0.2, 0.5, 0.5, 0.5, 0.5, 0.5, 0.2};
    for (int k = 0; k < 2; k++) {
        armoede_table *t = tiny(0, k ? frac : pop);
        armoede_survey_options o = opts();
        o.fpc = "fpc";
        armoede_result *r = NULL;
        assert_int_equal(armoede_survey_share(t, &o, &r), 0);
        assert_close(val(r, 0, ARMOEDE_FIELD_SE), sqrt(286.3 / 14641), 1e-15);
        armoede_result_free(r);
        armoede_table_free(t);
    }
    /* a census stratum (fpc = n_h) contributes nothing: only B's 379 x 1/2 left */
    const double census[] = {2, 2, 2, 6, 6, 6, 6, 6, 2};
    armoede_table *t = tiny(0, census);
    armoede_survey_options o = opts();
    o.fpc = "fpc";
    armoede_result *r = NULL;
    assert_int_equal(armoede_survey_share(t, &o, &r), 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_SE), sqrt(189.5 / 14641), 1e-15);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* Domains by district, over the full design.
 * N: rows 1, 3, 4, 6 (row 8 has weight 0): sum w 8, sum w y 5, p = 5/8; z in
 *    1/64: A1 = 6, A2 = 9, B1 = -5, B2 = 0 (no N row), B3 = -10. A: mean
 *    7.5, squares 4.5, x 2 = 9; B: mean -5, squares 0 + 25 + 25, x 3/2 = 75.
 *    V = 84/4096; df = 4 PSUs - 2 strata = 2.
 * S: rows 2, 5 (7 excluded, 9 missing): p = 2/3; z in 1/9: A1 = -2, B2 = 2,
 *    others 0. A: mean -1/9, squares 2/81, x 2; B: mean 2/27, squares
 *    24/729, x 3/2. V = 8/81; df = 2 PSUs - 2 strata = 0: no interval.
 * Cutting the sample instead would give S a variance of 0 in each stratum. */
static void test_domains(void **state)
{
    (void)state;
    armoede_table *t = tiny(0, NULL);
    armoede_survey_options o = opts();
    o.by = dist;
    o.n_by = 1;
    o.margins = dist;
    o.n_margins = 1;
    armoede_result *r = NULL;
    assert_int_equal(armoede_survey_share(t, &o, &r), 0);
    assert_int_equal(armoede_result_nrows(r), 3);
    assert_str(armoede_result_key(r, 0, 0), "N");
    assert_close(val(r, 0, ARMOEDE_FIELD_ESTIMATE), 5.0 / 8, 1e-15);
    assert_close(val(r, 0, ARMOEDE_FIELD_SE), sqrt(84.0) / 64, 1e-15);
    /* logit with t_{2}: t = 4.3026527297494628 */
    double l = log(5.0 / 3), s = sqrt(84.0) / 64 / (5.0 / 8 * 3.0 / 8), tq = 4.3026527297494628;
    assert_close(val(r, 0, ARMOEDE_FIELD_CI_LOW), 1 / (1 + exp(-(l - tq * s))), 1e-12);
    assert_close(val(r, 0, ARMOEDE_FIELD_CI_HIGH), 1 / (1 + exp(-(l + tq * s))), 1e-12);
    assert_str(armoede_result_key(r, 1, 0), "S");
    assert_close(val(r, 1, ARMOEDE_FIELD_ESTIMATE), 2.0 / 3, 1e-15);
    assert_close(val(r, 1, ARMOEDE_FIELD_SE), sqrt(8.0) / 9, 1e-15);
    assert_true(isnan(val(r, 1, ARMOEDE_FIELD_CI_LOW)));
    assert_str(armoede_result_key(r, 2, 0), "Total");
    assert_close(val(r, 2, ARMOEDE_FIELD_SE), sqrt(500.0) / 121, 1e-15);
    assert_true(has_note(r, "fewer than 1 degree of freedom"));
    armoede_result_free(r);
    /* a domain filter: only district N, no breakdown: the N figures */
    o = opts();
    static const char *const n_only[] = {"N"};
    o.filter = "district";
    o.filter_levels = n_only;
    o.n_filter_levels = 1;
    assert_int_equal(armoede_survey_share(t, &o, &r), 0);
    assert_int_equal(armoede_result_nrows(r), 1);
    assert_close(val(r, 0, ARMOEDE_FIELD_SE), sqrt(84.0) / 64, 1e-15);
    assert_true(has_note(r, "rows left out: 2 (outside the domain)")); /* rows 2, 5 */
    armoede_result_free(r);
    armoede_table_free(t);
}

/* Stratum C with a single PSU (row 10: w 1, yes). Whole sample: sum w 12,
 * p = 8/12; z in 1/36: A1 = 2 - 2 = 0, A2 = 3, B1 = -2, B2 = 2, B3 = -4,
 * C1 = 1. A: mean 1.5, squares 4.5, x 2 = 9; B: mean -4/3, squares 168/9,
 * x 3/2 = 28. remove/certainty: V = 37/1296; adjust: + 1^2 = 38/1296;
 * average: 37 x 3 strata / 2 = 55.5/1296. */
static void test_lonely_psu(void **state)
{
    (void)state;
    armoede_table *t = tiny(1, NULL);
    armoede_survey_options o = opts();
    armoede_result *r = NULL;
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_EDATA);
    assert_null(r);
    assert_non_null(strstr(armoede_last_error(), "stratum 'C'"));
    assert_non_null(strstr(armoede_last_error(), "row 9"));
    static const struct { const char *name; double v; } want[] = {
        {"remove", 37}, {"certainty", 37}, {"adjust", 38}, {"average", 55.5}};
    for (size_t k = 0; k < 4; k++) {
        o.lonely_psu = armoede_lonely_psu_from_name(want[k].name);
        assert_true(o.lonely_psu > 0);
        assert_int_equal(armoede_survey_share(t, &o, &r), 0);
        assert_close(val(r, 0, ARMOEDE_FIELD_ESTIMATE), 8.0 / 12, 1e-15);
        assert_close(val(r, 0, ARMOEDE_FIELD_SE), sqrt(want[k].v) / 36, 1e-15);
        assert_true(has_note(r, "strata with a single PSU: 1"));
        armoede_result_free(r);
    }
    assert_int_equal(armoede_lonely_psu_from_name("drop"), ARMOEDE_ENOTFOUND);
    assert_str(armoede_lonely_psu_name(ARMOEDE_LONELY_FAIL), "fail");
    armoede_table_free(t);
}

/* S minus N within the design: d = 2/3 - 5/8 = 1/24. The difference score
 * z_S - z_N per PSU: A1 = -2/9 - 6/64, A2 = -9/64, B1 = 5/64, B2 = 2/9,
 * B3 = 10/64; V = 0.046356577932098755 (R: svyby(covmat) + svycontrast:
 * SE 0.21530577774899295); df = 5 - 2 = 3, p = 2 pt(-|d|/SE, 3). */
static void test_compare(void **state)
{
    (void)state;
    armoede_table *t = tiny(0, NULL);
    armoede_survey_options o = opts();
    armoede_result *r = NULL;
    assert_int_equal(armoede_survey_compare(t, &o, "district", "N", "S", &r), 0);
    assert_int_equal(armoede_result_nrows(r), 1);
    assert_str(armoede_result_indicator(r, 0), "survey_diff");
    assert_close(val(r, 0, ARMOEDE_FIELD_ESTIMATE), 1.0 / 24, 1e-15);
    assert_close(val(r, 0, ARMOEDE_FIELD_SE), 0.21530577774899295, 1e-15);
    assert_close(val(r, 0, ARMOEDE_FIELD_REFERENCE), 5.0 / 8, 1e-15);
    assert_close(val(r, 0, ARMOEDE_FIELD_NUM_N), 2, 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_DEN_N), 6, 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_CI_LOW), 1.0 / 24 - 3.1824463052837078 * 0.21530577774899295, 1e-12);
    assert_close(val(r, 0, ARMOEDE_FIELD_P_VALUE), 0.8589108901129705, 1e-12);
    assert_close(val(r, 0, ARMOEDE_FIELD_STATISTIC), 0.19352321661912089, 1e-12);
    /* the note names the columns of the one row, not a NAME_p row */
    assert_true(has_note(r, "two-sided t test: columns statistic (d / SE) and p_value of the same row"));
    assert_false(has_note(r, "survey_diff_p"));
    armoede_result_free(r);
    assert_int_equal(armoede_survey_compare(t, &o, "district", "N", "N", &r), ARMOEDE_EINVAL);
    o.by = dist;
    o.n_by = 1;
    assert_int_equal(armoede_survey_compare(t, &o, "district", "N", "S", &r), ARMOEDE_EINVAL);
    armoede_table_free(t);
}

/* Two waves: the tiny design (p = 7/11, SE sqrt(500)/121) and one with
 * every answer "yes" except row 2 (p = 10/11 of the 6 rows: sum w y = 10). */
static void test_change(void **state)
{
    (void)state;
    armoede_table *a = tiny(0, NULL);
    const char *st[] = {"A", "A", "B", "B"};
    const int64_t cl[] = {1, 2, 1, 2};
    const double w[] = {1, 1, 1, 1};
    const char *ans[] = {"yes", "no", "yes", "yes"};
    armoede_table *b = NULL;
    assert_int_equal(armoede_table_new(4, &b), 0);
    assert_int_equal(armoede_table_add_text(b, "stratum", st, 4), 0);
    assert_int_equal(armoede_table_add_int(b, "cluster", cl, 4, 1), 0);
    assert_int_equal(armoede_table_add_real(b, "weight", w, 4, 1), 0);
    assert_int_equal(armoede_table_add_text(b, "answer", ans, 4), 0);
    /* wave b: p = 3/4; z = (y - 3/4)/4: A: 1/16, -3/16 -> mean -1/16, squares
     * 2 x (1/8)^2, x 2 = 1/16; B: 1/16, 1/16 -> 0. V_b = 1/16. */
    armoede_survey_options o = opts();
    armoede_result *r = NULL;
    assert_int_equal(armoede_survey_change(a, b, &o, &r), 0);
    assert_int_equal(armoede_result_nrows(r), 1);
    double se = sqrt(500.0 / 14641 + 1.0 / 16), d = 0.75 - 7.0 / 11;
    assert_str(armoede_result_indicator(r, 0), "survey_change");
    assert_close(val(r, 0, ARMOEDE_FIELD_ESTIMATE), d, 1e-15);
    assert_close(val(r, 0, ARMOEDE_FIELD_SE), se, 1e-15);
    assert_close(val(r, 0, ARMOEDE_FIELD_CI_HIGH), d + 1.959963984540054 * se, 1e-12);
    /* p = 2 (1 - Phi(|d| / se)), d/se = 0.3974...: R 2*pnorm(-d/se) */
    assert_close(val(r, 0, ARMOEDE_FIELD_STATISTIC), d / se, 1e-14);
    assert_close(val(r, 0, ARMOEDE_FIELD_P_VALUE), erfc(d / se / sqrt(2.0)), 1e-12);
    assert_true(has_note(r, "independent samples"));
    armoede_result_free(r);
    armoede_table_free(a);
    armoede_table_free(b);
}

/* INT answer codes (labels are decimals), several categories; Clopper-
 * Pearson at x = 0: [0, B(0.975; 1, n)]. */
static void test_int_codes_and_zero(void **state)
{
    (void)state;
    const int64_t code[] = {1, 2, 2, 3, 1, 2, ARMOEDE_NA_INT};
    const double w[] = {1, 1, 1, 1, 1, 1, 1};
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(7, &t), 0);
    assert_int_equal(armoede_table_add_int(t, "q", code, 7, 1), 0);
    assert_int_equal(armoede_table_add_real(t, "w", w, 7, 1), 0);
    armoede_survey_options o = ARMOEDE_SURVEY_OPTIONS_INIT;
    static const char *const c45[] = {"4", "5"}, *const c12[] = {"1", "2"}, *const ex3[] = {"3"};
    o.item = "q";
    o.categories = c45;
    o.n_categories = 2;
    o.exclude = ex3;
    o.n_exclude = 1;
    o.weight = "w";
    o.ci_method = ARMOEDE_CI_CLOPPER_PEARSON;
    armoede_result *r = NULL;
    assert_int_equal(armoede_survey_share(t, &o, &r), 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_ESTIMATE), 0, 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_DEN_N), 5, 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_SE), 0, 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_CI_LOW), 0, 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_CI_HIGH), 0.52182375010498139, 1e-12); /* R qbeta(0.975, 1, 5) */
    assert_true(has_note(r, "occur on no row: '4', '5'"));
    armoede_result_free(r);
    /* categories 1, 2 of 5 valid answers, unweighted SRS: p = 1, all "yes" */
    o.categories = c12;
    o.ci_method = ARMOEDE_CI_LOGIT;
    assert_int_equal(armoede_survey_share(t, &o, &r), 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_ESTIMATE), 1, 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_CI_LOW), 1, 0);
    armoede_result_free(r);
    armoede_table_free(t);
}


/* Beta quantiles with large parameters (GSL's inverse alone fails there):
 * 200,000 unweighted respondents, 60,000 yes, each its own PSU. R:
 * qbeta(c(.025, .975), ...) for Clopper-Pearson, and Korn-Graubard with
 * n* = p(1-p)/V (df = n - 1, so the t ratio is 1). */
static void test_large_beta(void **state)
{
    (void)state;
    size_t n = 200000;
    int64_t *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++) v[i] = i < 60000;
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(n, &t), 0);
    assert_int_equal(armoede_table_add_int(t, "y", v, n, 1), 0);
    free(v);
    static const char *const one[] = {"1"};
    armoede_survey_options o = ARMOEDE_SURVEY_OPTIONS_INIT;
    o.item = "y";
    o.categories = one;
    o.n_categories = 1;
    static const struct { int m; double lo, hi; } want[] = {
        {ARMOEDE_CI_CLOPPER_PEARSON, 0.297992044567433, 0.30201375356003579},
        {ARMOEDE_CI_KORN_GRAUBARD, 0.29799203954858994, 0.30201375860789337},
    };
    for (size_t k = 0; k < 2; k++) {
        o.ci_method = want[k].m;
        armoede_result *r = NULL;
        assert_int_equal(armoede_survey_share(t, &o, &r), 0);
        assert_close(val(r, 0, ARMOEDE_FIELD_SE), 0.0010246976383432578, 1e-15);
        assert_close(val(r, 0, ARMOEDE_FIELD_CI_LOW), want[k].lo, 1e-11);
        assert_close(val(r, 0, ARMOEDE_FIELD_CI_HIGH), want[k].hi, 1e-11);
        armoede_result_free(r);
    }
    armoede_table_free(t);
}


/* Nothing to estimate: an empty table, and a table whose weights are all 0. */
static void test_empty(void **state)
{
    (void)state;
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_read_csv(write_text("e.csv", "stratum,cluster,weight,answer\n"), NULL, &t), 0);
    armoede_survey_options o = opts();
    o.exclude = NULL;
    o.n_exclude = 0;
    armoede_result *r = NULL;
    /* a header without rows gives categorical columns: the weight is not numeric */
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_ETYPE);
    assert_non_null(strstr(armoede_last_error(), "weight column 'weight' is not numeric"));
    armoede_table_free(t);
    /* zero rows with the right types: no cells, no error */
    assert_int_equal(armoede_table_new(0, &t), 0);
    assert_int_equal(armoede_table_add_real(t, "weight", NULL, 0, 1), 0);
    assert_int_equal(armoede_table_add_text(t, "stratum", NULL, 0), 0);
    assert_int_equal(armoede_table_add_text(t, "cluster", NULL, 0), 0);
    assert_int_equal(armoede_table_add_text(t, "answer", NULL, 0), 0);
    assert_int_equal(armoede_survey_share(t, &o, &r), 0);
    assert_int_equal(armoede_result_nrows(r), 0);
    assert_true(has_note(r, "rows read: 0"));
    armoede_result_free(r);
    armoede_table_free(t);
    assert_int_equal(armoede_table_read_csv(write_text("z.csv", "stratum,cluster,weight,answer\nA,1,0,yes\nA,2,0,no\n"),
                                            NULL, &t), 0);
    assert_int_equal(armoede_survey_share(t, &o, &r), 0);
    assert_int_equal(armoede_result_nrows(r), 0);
    assert_true(has_note(r, "rows left out: 2 (zero weight"));
    armoede_result_free(r);
    armoede_table_free(t);
}


/* One table read by four threads at once gives each the same figures. */
typedef struct { const armoede_table *t; double se; int rc; } thr_job;
static void *thr_run(void *arg)
{
    thr_job *j = arg;
    armoede_survey_options o = opts();
    o.by = dist;
    o.n_by = 1;
    armoede_result *r = NULL;
    for (int k = 0; k < 200 && !j->rc; k++) {
        j->rc = armoede_survey_share(j->t, &o, &r);
        if (!j->rc) j->se = armoede_result_value(r, 0, ARMOEDE_FIELD_SE);
        armoede_result_free(r);
        r = NULL;
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    armoede_table *t = tiny(0, NULL);
    pthread_t th[4];
    thr_job j[4];
    for (int k = 0; k < 4; k++) {
        j[k].t = t;
        j[k].rc = 0;
        j[k].se = NAN;
        assert_int_equal(pthread_create(&th[k], NULL, thr_run, &j[k]), 0);
    }
    for (int k = 0; k < 4; k++) {
        assert_int_equal(pthread_join(th[k], NULL), 0);
        assert_int_equal(j[k].rc, 0);
        assert_close(j[k].se, sqrt(84.0) / 64, 0); /* district N */
    }
    armoede_table_free(t);
}

/* Bad input: errors name the file, line, column and value. */
static void test_bad_input(void **state)
{
    (void)state;
    const char *csv = "stratum,cluster,weight,answer,fpc\n"
                      "A,1,2,yes,10\n"
                      "A,2,1,no,10\n"
                      "B,1,,yes,6\n"
                      "B,2,-1,no,6\n"
                      "B,2,1,no,7\n";
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_read_csv(write_text("bad.csv", csv), NULL, &t), 0);
    armoede_survey_options o = opts();
    o.exclude = NULL;
    o.n_exclude = 0;
    armoede_result *r = NULL;
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "bad.csv line 4"));
    assert_non_null(strstr(armoede_last_error(), "column 'weight'"));
    assert_non_null(strstr(armoede_last_error(), "missing"));
    armoede_table_free(t);
    csv = "stratum,cluster,weight,answer,fpc\nA,1,2,yes,10\nA,2,1,no,10\nB,1,-1.5,yes,6\nB,2,1,no,7\n";
    assert_int_equal(armoede_table_read_csv(write_text("bad.csv", csv), NULL, &t), 0);
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "line 4"));
    assert_non_null(strstr(armoede_last_error(), "weight -1.5"));
    /* fpc varying within stratum B */
    o.weight = NULL;
    o.fpc = "fpc";
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "column 'fpc'"));
    assert_non_null(strstr(armoede_last_error(), "fpc 7 differs from 6"));
    armoede_table_free(t);
    /* fpc implying more than 100% sampling; a missing stratum */
    csv = "stratum,cluster,answer,fpc\nA,1,yes,1.5\nA,2,no,1.5\nB,1,yes,6\n,2,no,6\n";
    assert_int_equal(armoede_table_read_csv(write_text("bad.csv", csv), NULL, &t), 0);
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "line 5, column 'stratum'"));
    armoede_table_free(t);
    csv = "stratum,cluster,answer,fpc\nA,1,yes,1.5\nA,2,no,1.5\nB,1,yes,6\nB,2,no,6\n";
    assert_int_equal(armoede_table_read_csv(write_text("bad.csv", csv), NULL, &t), 0);
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "more than 100%"));
    assert_non_null(strstr(armoede_last_error(), "line 2"));
    /* options */
    o.fpc = NULL;
    o.item = "nope";
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_ENOTFOUND);
    o.item = "fpc"; /* real-valued */
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_ETYPE);
    o.item = "answer";
    o.n_categories = 0;
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_EINVAL);
    o.n_categories = 1;
    o.exclude = yes;
    o.n_exclude = 1;
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_EINVAL);
    o.n_exclude = 0;
    o.ci_method = 99;
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_EINVAL);
    o.ci_method = 0;
    o.ci_level = 1;
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_EINVAL);
    o.ci_level = 0.95;
    o.version = 99;
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_EINVAL);
    o.version = ARMOEDE_SURVEY_OPTIONS_VERSION;
    o.df = -1;
    assert_int_equal(armoede_survey_share(t, &o, &r), ARMOEDE_EINVAL);
    o.df = 0;
    assert_int_equal(armoede_survey_share(t, NULL, &r), ARMOEDE_EINVAL);
    assert_int_equal(armoede_survey_share(t, &o, NULL), ARMOEDE_EINVAL);
    assert_int_equal(armoede_survey_share(t, &o, &r), 0);
    assert_close(val(r, 0, ARMOEDE_FIELD_ESTIMATE), 0.5, 0);
    armoede_result_free(r);
    armoede_table_free(t);
    armoede_survey_options d;
    armoede_survey_options_init(&d);
    assert_int_equal(d.version, ARMOEDE_SURVEY_OPTIONS_VERSION);
    assert_close(d.ci_level, 0.95, 0);
    assert_int_equal(d.lonely_psu, ARMOEDE_LONELY_FAIL);
}

/* Writing through the default disclosure control works on survey rows. */
static void test_written(void **state)
{
    (void)state;
    armoede_table *t = tiny(0, NULL);
    armoede_survey_options o = opts();
    armoede_result *r = NULL;
    assert_int_equal(armoede_survey_share(t, &o, &r), 0);
    armoede_write_options w = ARMOEDE_WRITE_OPTIONS_INIT;
    w.unprotected = 1;
    assert_int_equal(armoede_result_write_csv(r, tpath("s.csv"), &w), 0);
    FILE *f = fopen(tpath("s.csv"), "r");
    assert_non_null(f);
    char line[1024];
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "survey_share,respondents"));
    fclose(f);
    armoede_result_free(r);
    armoede_table_free(t);
}


/* The monitor kinds: the tiny design as a [table] section. */
static const char *tiny_csv = "stratum,cluster,weight,answer,district\n"
                              "A,1,2,yes,N\nA,1,1,no,S\nA,2,3,yes,N\nB,1,1,no,N\nB,2,2,yes,S\n"
                              "B,3,2,no,N\nB,3,1,dk,S\nB,1,0,yes,N\nA,2,1,,S\n";

static int run_ini(const char *ini, armoede_result **r)
{
    write_text("tiny.csv", tiny_csv);
    return armoede_monitor_run(write_text("s.ini", ini), NULL, r);
}

static size_t find_row(const armoede_result *r, const char *ind, const char *district)
{
    size_t nk = armoede_result_nkeys(r), kd = nk;
    for (size_t k = 0; k < nk; k++)
        if (!strcmp(armoede_result_key_name(r, k), "district")) kd = k;
    for (size_t i = 0; i < armoede_result_nrows(r); i++) {
        const char *d = kd < nk ? armoede_result_key(r, i, kd) : NULL;
        if (!strcmp(armoede_result_indicator(r, i), ind) &&
            ((!district && !d) || (district && d && !strcmp(d, district))))
            return i;
    }
    return SIZE_MAX;
}

static void test_monitor(void **state)
{
    (void)state;
    const char *head = "[table t]\nfile = tiny.csv\n\n";
    const char *design = "table = t\nitem = answer\ncategories = yes\nexclude = dk\nweight = weight\n"
                         "strata = stratum\ncluster = cluster\n";
    char ini[4096];
    snprintf(ini, sizeof ini,
             "%s[indicator share]\ntype = survey_share\n%sby = district\nmargins = district\nci = wald\n\n"
             "[indicator diff]\ntype = survey_compare\n%scompare = district\nlevels = N, S\n\n"
             "[indicator change]\ntype = survey_change\n%stable_b = t\ndf = normal\n\n"
             "[disclosure]\nmin_n = 0\nsecondary = no\n\n[output]\ncsv = out.csv\n",
             head, design, design, design);
    armoede_result *r = NULL;
    int rc = run_ini(ini, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    size_t i = find_row(r, "share", "N");
    assert_true(i != SIZE_MAX);
    assert_close(val(r, i, ARMOEDE_FIELD_SE), sqrt(84.0) / 64, 1e-15);
    i = find_row(r, "share", "Total");
    assert_true(i != SIZE_MAX);
    assert_close(val(r, i, ARMOEDE_FIELD_CI_HIGH), 1.2244765515171419, 1e-12); /* the Wald bound above */
    i = find_row(r, "diff", NULL);
    assert_true(i != SIZE_MAX);
    assert_close(val(r, i, ARMOEDE_FIELD_SE), 0.21530577774899295, 1e-15);
    assert_close(val(r, i, ARMOEDE_FIELD_P_VALUE), 0.8589108901129705, 1e-12);
    /* a wave against itself: difference 0, SE sqrt(2) x SE */
    i = find_row(r, "change", NULL);
    assert_true(i != SIZE_MAX);
    assert_close(val(r, i, ARMOEDE_FIELD_ESTIMATE), 0, 0);
    assert_close(val(r, i, ARMOEDE_FIELD_SE), sqrt(2.0) * sqrt(500.0) / 121, 1e-15);
    armoede_result_free(r);
    r = NULL;

    /* config errors name the file and line */
    snprintf(ini, sizeof ini, "%s[indicator share]\ntype = survey_share\n%sci = beta\n\n[output]\ncsv = out.csv\n", head,
             design);
    assert_int_equal(run_ini(ini, &r), ARMOEDE_ECONFIG);
    assert_non_null(strstr(armoede_last_error(), "s.ini:13"));
    assert_non_null(strstr(armoede_last_error(), "ci 'beta'"));
    snprintf(ini, sizeof ini, "%s[indicator share]\ntype = survey_share\n%slonely_psu = drop\n\n[output]\ncsv = out.csv\n",
             head, design);
    assert_int_equal(run_ini(ini, &r), ARMOEDE_ECONFIG);
    assert_non_null(strstr(armoede_last_error(), "lonely_psu 'drop'"));
    snprintf(ini, sizeof ini, "%s[indicator d]\ntype = survey_compare\n%scompare = district\nlevels = N\n\n[output]\ncsv = out.csv\n",
             head, design);
    assert_int_equal(run_ini(ini, &r), ARMOEDE_ECONFIG);
    assert_non_null(strstr(armoede_last_error(), "levels = A, B"));
    snprintf(ini, sizeof ini, "%s[indicator s]\ntype = survey_share\nitem = answer\ncategories = yes\n\n[output]\ncsv = out.csv\n",
             head);
    assert_int_equal(run_ini(ini, &r), ARMOEDE_ECONFIG);
    assert_non_null(strstr(armoede_last_error(), "needs table"));
    snprintf(ini, sizeof ini, "%s[indicator s]\ntype = survey_share\n%scolour = blue\n\n[output]\ncsv = out.csv\n", head, design);
    assert_int_equal(run_ini(ini, &r), ARMOEDE_ECONFIG);
    assert_non_null(strstr(armoede_last_error(), "colour"));
    /* a data error while running names the indicator and the file */
    snprintf(ini, sizeof ini, "%s[indicator s]\ntype = survey_share\n%sfpc = weight\n\n[output]\ncsv = out.csv\n", head, design);
    assert_int_equal(run_ini(ini, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "[indicator s]"));
    assert_non_null(strstr(armoede_last_error(), "tiny.csv line"));
    assert_null(r);
}

static int setup(void **state)
{
    (void)state;
    return tu_mkdtemp("survey");
}
static int teardown(void **state)
{
    (void)state;
    return tu_rmdtemp();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_sample),
        cmocka_unit_test(test_interval_methods),
        cmocka_unit_test(test_fpc),
        cmocka_unit_test(test_domains),
        cmocka_unit_test(test_lonely_psu),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_change),
        cmocka_unit_test(test_int_codes_and_zero),
        cmocka_unit_test(test_large_beta),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_written),
        cmocka_unit_test(test_monitor),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
