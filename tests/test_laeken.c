/*
 * Agreement with R laeken, live: tests/laeken/eusilc.R exports laeken's own
 * data (data(eusilc), weights rb050) and laeken's own figures (arpt, median,
 * arpr overall / by db040 region / by rb090 sex, qsr, rmpg, gini, per-domain
 * thresholds, unweighted figures, weightedQuantile). This program computes
 * the same through the C API and asserts 1e-9 relative agreement. If
 * Rscript or laeken fails, the test fails: it never skips.
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

#define REL 1e-9

static armoede_table *g_data, *g_fig;

static int setup(void **state)
{
    (void)state;
    if (tu_mkdtemp("laeken")) return -1;
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "Rscript '%s/tests/laeken/eusilc.R' '%s' > '%s/r.log' 2>&1", SOURCE_ROOT, g_dir,
             g_dir);
    int st = system(cmd);
    if (st != 0) {
        fprintf(stderr, "Rscript failed (%d): see %s/r.log\n", st, g_dir);
        return -1;
    }
    const char *cols[] = {"eqIncome", "rb050", "db040", "rb090", "db030"};
    const armoede_type types[] = {ARMOEDE_TYPE_REAL, ARMOEDE_TYPE_REAL, ARMOEDE_TYPE_CAT, ARMOEDE_TYPE_CAT,
                                  ARMOEDE_TYPE_INT};
    armoede_read_options ro = ARMOEDE_READ_OPTIONS_INIT;
    ro.columns = cols;
    ro.types = types;
    ro.n_columns = 5;
    if (armoede_table_read_csv(tpath("eusilc.csv"), &ro, &g_data)) {
        fprintf(stderr, "%s\n", armoede_last_error());
        return -1;
    }
    const char *fc[] = {"measure", "by", "group", "value"};
    const armoede_type ft[] = {ARMOEDE_TYPE_CAT, ARMOEDE_TYPE_CAT, ARMOEDE_TYPE_CAT, ARMOEDE_TYPE_REAL};
    armoede_read_options fo = ARMOEDE_READ_OPTIONS_INIT;
    const char *const none[] = {"NA"};
    fo.na_tokens = none; /* "" is a label here (no breakdown) */
    fo.n_na_tokens = 1;
    fo.columns = fc;
    fo.types = ft;
    fo.n_columns = 4;
    if (armoede_table_read_csv(tpath("figures.csv"), &fo, &g_fig)) {
        fprintf(stderr, "%s\n", armoede_last_error());
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    armoede_table_free(g_data);
    armoede_table_free(g_fig);
    return tu_rmdtemp();
}

/* laeken's figure (measure, by, group); fails when absent. */
static double fig(const char *measure, const char *by, const char *group)
{
    size_t n = armoede_table_nrows(g_fig);
    for (size_t i = 0; i < n; i++) {
        const char *m = armoede_table_get_label(g_fig, "measure", i);
        const char *b = armoede_table_get_label(g_fig, "by", i);
        const char *g = armoede_table_get_label(g_fig, "group", i);
        if (m && strcmp(m, measure) == 0 && strcmp(b ? b : "", by) == 0 && strcmp(g ? g : "", group) == 0) {
            double v;
            assert_int_equal(armoede_table_get_real(g_fig, "value", i, &v), ARMOEDE_OK);
            return v;
        }
    }
    print_error("laeken figure %s/%s/%s not exported\n", measure, by, group);
    fail();
    return NAN;
}

/* Our estimate for indicator ind with key column `by` (NULL: none) = group. */
static double ours(const armoede_result *r, const char *ind, const char *by, const char *group)
{
    size_t n = armoede_result_nrows(r), nk = armoede_result_nkeys(r);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(armoede_result_indicator(r, i), ind) != 0) continue;
        int ok = 1;
        for (size_t k = 0; k < nk && ok; k++) {
            const char *kv = armoede_result_key(r, i, k);
            if (by && strcmp(armoede_result_key_name(r, k), by) == 0) ok = kv && strcmp(kv, group) == 0;
            else ok = !kv || strcmp(kv, "Total") == 0;
        }
        if (ok) return armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE);
    }
    print_error("no row %s %s=%s\n", ind, by ? by : "", group ? group : "");
    fail();
    return NAN;
}

#define assert_rel(a, b)                                                                   \
    do {                                                                                   \
        double a__ = (a), b__ = (b);                                                       \
        if (!(fabs(a__ - b__) <= REL * fabs(b__))) {                                       \
            print_error("%s = %.17g, laeken %.17g (rel %.3g)\n", #a, a__, b__,           \
                        fabs(a__ - b__) / fabs(b__));                                      \
            fail();                                                                        \
        }                                                                                  \
    } while (0)

static const char *g_strata; /* set: a design column, which takes the sorted path */

static armoede_result *run_m(const char *by, int domain, unsigned measures)
{
    assert_int_equal(armoede_table_set_role(g_data, ARMOEDE_ROLE_INCOME, "eqIncome"), ARMOEDE_OK);
    armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
    o.measures = measures;
    const char *b[1] = {by};
    if (by) {
        o.by = b;
        o.n_by = 1;
        o.margins = b;
        o.n_margins = 1;
    }
    o.domain_threshold = domain;
    o.strata = g_strata;
    armoede_result *r = NULL;
    int rc = armoede_measures(g_data, &o, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, ARMOEDE_OK);
    return r;
}

/* The five measures and the median (streaming, or sorted with g_strata). */
static armoede_result *run(const char *by, int domain)
{
    return run_m(by, domain, ARMOEDE_MEASURE_DEFAULT | ARMOEDE_MEASURE_MEDIAN);
}

static void check_breakdown(const char *by)
{
    assert_int_equal(armoede_table_set_role(g_data, ARMOEDE_ROLE_WEIGHT, "rb050"), ARMOEDE_OK);
    armoede_result *r = run(by, 0);
    assert_rel(ours(r, "arpt", NULL, NULL), fig("arpt", "", ""));
    assert_rel(ours(r, "median", NULL, NULL), fig("median", "", ""));
    assert_rel(100 * ours(r, "arpr", NULL, NULL), fig("arpr", "", ""));
    assert_rel(ours(r, "qsr", NULL, NULL), fig("qsr", "", ""));
    assert_rel(100 * ours(r, "rmpg", NULL, NULL), fig("rmpg", "", ""));
    assert_rel(100 * ours(r, "gini", NULL, NULL), fig("gini", "", ""));
    size_t nl = armoede_table_nlevels(g_data, by);
    assert_true(nl >= 2);
    for (size_t l = 0; l < nl; l++) {
        const char *g = armoede_table_level(g_data, by, (int32_t)l);
        assert_rel(100 * ours(r, "arpr", by, g), fig("arpr", by, g));
        assert_rel(ours(r, "qsr", by, g), fig("qsr", by, g));
        assert_rel(100 * ours(r, "rmpg", by, g), fig("rmpg", by, g));
        assert_rel(100 * ours(r, "gini", by, g), fig("gini", by, g));
        /* breakdowns reuse the overall threshold, as laeken does */
        assert_rel(ours(r, "arpt", by, g), fig("arpt", "", ""));
    }
    armoede_result_free(r);
}

/* Without the Gini: the streaming paths (arpt + arpr alone take the
 * two-pass one). */
static void check_streaming(const char *by)
{
    assert_int_equal(armoede_table_set_role(g_data, ARMOEDE_ROLE_WEIGHT, "rb050"), ARMOEDE_OK);
    armoede_result *r = run_m(by, 0, ARMOEDE_MEASURE_ARPT | ARMOEDE_MEASURE_ARPR);
    armoede_result *q = run_m(by, 0, ARMOEDE_MEASURE_MEDIAN | ARMOEDE_MEASURE_QSR | ARMOEDE_MEASURE_RMPG);
    assert_rel(ours(r, "arpt", NULL, NULL), fig("arpt", "", ""));
    assert_rel(100 * ours(r, "arpr", NULL, NULL), fig("arpr", "", ""));
    assert_rel(ours(q, "median", NULL, NULL), fig("median", "", ""));
    assert_rel(ours(q, "qsr", NULL, NULL), fig("qsr", "", ""));
    assert_rel(100 * ours(q, "rmpg", NULL, NULL), fig("rmpg", "", ""));
    size_t nl = armoede_table_nlevels(g_data, by);
    for (size_t l = 0; l < nl; l++) {
        const char *g = armoede_table_level(g_data, by, (int32_t)l);
        assert_rel(100 * ours(r, "arpr", by, g), fig("arpr", by, g));
        assert_rel(ours(q, "qsr", by, g), fig("qsr", by, g));
        assert_rel(100 * ours(q, "rmpg", by, g), fig("rmpg", by, g));
    }
    armoede_result_free(r);
    armoede_result_free(q);
    r = run_m(by, 1, ARMOEDE_MEASURE_ARPT | ARMOEDE_MEASURE_ARPR);
    if (strcmp(by, "db040") == 0)
        for (size_t l = 0; l < nl; l++) {
            const char *g = armoede_table_level(g_data, by, (int32_t)l);
            assert_rel(100 * ours(r, "arpr", by, g), fig("arpr_domain", by, g));
        }
    armoede_result_free(r);
}

static void test_streaming(void **state)
{
    (void)state;
    check_streaming("db040");
    check_streaming("rb090");
}

static void test_by_region(void **state)
{
    (void)state;
    check_breakdown("db040");
    g_strata = "db040"; /* the sorted path */
    check_breakdown("db040");
    g_strata = NULL;
}

static void test_by_sex(void **state)
{
    (void)state;
    check_breakdown("rb090");
    g_strata = "rb090";
    check_breakdown("rb090");
    g_strata = NULL;
}

/* Per-domain thresholds: laeken's arpr/arpt on the region's own rows. */
static void test_domain_threshold(void **state)
{
    (void)state;
    assert_int_equal(armoede_table_set_role(g_data, ARMOEDE_ROLE_WEIGHT, "rb050"), ARMOEDE_OK);
    armoede_result *r = run("db040", 1);
    size_t nl = armoede_table_nlevels(g_data, "db040");
    for (size_t l = 0; l < nl; l++) {
        const char *g = armoede_table_level(g_data, "db040", (int32_t)l);
        assert_rel(100 * ours(r, "arpr", "db040", g), fig("arpr_domain", "db040", g));
        assert_rel(ours(r, "arpt", "db040", g), fig("arpt_domain", "db040", g));
    }
    /* and the per-domain figure differs from the overall-threshold one somewhere */
    assert_true(fabs(fig("arpr_domain", "db040", "Carinthia") - fig("arpr", "db040", "Carinthia")) > 0.1);
    armoede_result_free(r);
}

static void test_unweighted(void **state)
{
    (void)state;
    assert_int_equal(armoede_table_set_role(g_data, ARMOEDE_ROLE_WEIGHT, NULL), ARMOEDE_OK);
    armoede_result *r = run(NULL, 0);
    assert_rel(100 * ours(r, "arpr", NULL, NULL), fig("arpr_unweighted", "", ""));
    assert_rel(100 * ours(r, "gini", NULL, NULL), fig("gini_unweighted", "", ""));
    armoede_result_free(r);
}

/* armoede_quantiles (laeken rule) against laeken's weightedQuantile. */
static void test_quantiles(void **state)
{
    (void)state;
    size_t n = armoede_table_nrows(g_data);
    assert_true(n > 10000);
    double *x = malloc(n * sizeof *x), *w = malloc(n * sizeof *w);
    assert_non_null(x);
    assert_non_null(w);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(armoede_table_get_real(g_data, "eqIncome", i, &x[i]), ARMOEDE_OK);
        assert_int_equal(armoede_table_get_real(g_data, "rb050", i, &w[i]), ARMOEDE_OK);
    }
    const double ps[] = {0.1, 0.2, 0.25, 0.5, 0.8, 0.9};
    const char *pl[] = {"0.1", "0.2", "0.25", "0.5", "0.8", "0.9"};
    double q[6];
    assert_int_equal(armoede_quantiles(x, w, n, ps, 6, ARMOEDE_QUANTILE_LAEKEN, q), ARMOEDE_OK);
    for (int k = 0; k < 6; k++)
        assert_rel(q[k], fig("quantile", "", pl[k]));
    free(x);
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_region),        cmocka_unit_test(test_by_sex),
        cmocka_unit_test(test_domain_threshold), cmocka_unit_test(test_unweighted),
        cmocka_unit_test(test_quantiles),        cmocka_unit_test(test_streaming),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
