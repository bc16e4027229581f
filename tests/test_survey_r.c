/*
 * Survey estimates against R's survey package, live: tests/survey/share.R
 * draws a seeded stratified cluster design (about 4,600 respondents, 14
 * strata, 3-9 PSUs each, fpc, zero weights, missing and "don't know"
 * answers, 8 districts; also read as an unstratified cluster design and as a
 * stratified element sample) and computes svymean / svyciprop (logit, mean, asin,
 * beta) / svyby / svycontrast on it, plus Wilson and Clopper-Pearson from
 * their formulas; this program reads the same data through the C API and
 * asserts agreement to 1e-8 relative. If Rscript fails, the test fails.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp in testutil.h */
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

#ifndef TOL
#define TOL 1e-8
#endif

static armoede_table *g_ref, *g_data, *g_lonely;
static char g_ctx[128]; /* what is being compared, for failure messages */

static int group_setup(void **state)
{
    (void)state;
    if (tu_mkdtemp("survey-r")) return -1;
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "Rscript '%s/tests/survey/share.R' '%s' > '%s/r.log' 2>&1", SOURCE_ROOT, g_dir, g_dir);
    int st = system(cmd);
    if (st != 0) {
        fprintf(stderr, "Rscript failed (status %d); see %s/r.log\n", st, g_dir);
        return -1;
    }
    if (armoede_table_read_csv(tpath("results.csv"), NULL, &g_ref) ||
        armoede_table_read_csv(tpath("data.csv"), NULL, &g_data) ||
        armoede_table_read_csv(tpath("lonely.csv"), NULL, &g_lonely)) {
        fprintf(stderr, "%s\n", armoede_last_error());
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    armoede_table_free(g_ref);
    armoede_table_free(g_data);
    armoede_table_free(g_lonely);
    return tu_rmdtemp();
}

/* Row of R's results for (case, key, method); -1 if none. */
static long ref_row(const char *c, const char *key, const char *method)
{
    size_t n = armoede_table_nrows(g_ref);
    for (size_t i = 0; i < n; i++) {
        const char *a = armoede_table_get_label(g_ref, "case", i), *k = armoede_table_get_label(g_ref, "key", i),
                   *m = armoede_table_get_label(g_ref, "method", i);
        if (a && k && m && strcmp(a, c) == 0 && strcmp(k, key) == 0 && strcmp(m, method) == 0) return (long)i;
    }
    return -1;
}

static double ref(long i, const char *col)
{
    double v;
    assert_int_equal(armoede_table_get_real(g_ref, col, (size_t)i, &v), 0);
    return v;
}

#define assert_rel(a, b)                                                                     \
    do {                                                                                     \
        double x_ = (a), y_ = (b);                                                           \
        if (!(fabs(x_ - y_) <= TOL * fmax(fabs(y_), 1e-300))) {                            \
            print_error("%s: %s = %.17g, R: %.17g (rel. diff %.3g)\n", g_ctx, #a, x_, y_,               \
                        fabs(x_ - y_) / fabs(y_));                                           \
            fail();                                                                          \
        }                                                                                    \
    } while (0)

static const char *const yes[] = {"agree", "strongly_agree"};
static const char *const dk[] = {"dont_know"};
static const char *const district[] = {"district"};
static const char *const used1[] = {"1"};

static armoede_survey_options design(void)
{
    armoede_survey_options o = ARMOEDE_SURVEY_OPTIONS_INIT;
    o.item = "item";
    o.categories = yes;
    o.n_categories = 2;
    o.exclude = dk;
    o.n_exclude = 1;
    o.weight = "weight";
    o.stratum = "stratum";
    o.cluster = "cluster";
    o.fpc = "fpc";
    o.by = district;
    o.n_by = 1;
    o.margins = district;
    o.n_margins = 1;
    return o;
}

/* The share with o, each of its rows (8 districts + Total) against R's row
 * of (rcase, district, o's method); the number of rows compared. */
static size_t compare_with_r(const char *rcase, const armoede_survey_options *o)
{
    size_t compared = 0;
    armoede_result *r = NULL;
    int rc = armoede_survey_share(g_data, o, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    assert_int_equal(armoede_result_nrows(r), 9); /* 8 districts + Total */
    for (size_t i = 0; i < armoede_result_nrows(r); i++) {
        long k = ref_row(rcase, armoede_result_key(r, i, 0), armoede_ci_method_name(o->ci_method));
        assert_true(k >= 0);
        snprintf(g_ctx, sizeof g_ctx, "%s %s %s", rcase, armoede_result_key(r, i, 0),
                 armoede_ci_method_name(o->ci_method));
        assert_rel(armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE), ref(k, "est"));
        assert_rel(armoede_result_value(r, i, ARMOEDE_FIELD_SE), ref(k, "se"));
        assert_rel(armoede_result_value(r, i, ARMOEDE_FIELD_CI_LOW), ref(k, "lo"));
        assert_rel(armoede_result_value(r, i, ARMOEDE_FIELD_CI_HIGH), ref(k, "hi"));
        compared++;
    }
    armoede_result_free(r);
    return compared;
}

/* Every method, every district and the total, for one case. */
static void check_case(const char *rcase, int filtered)
{
    size_t compared = 0;
    for (int m = 0; m < ARMOEDE_CI_METHOD_COUNT_; m++) {
        armoede_survey_options o = design();
        if (filtered) {
            o.filter = "used";
            o.filter_levels = used1;
            o.n_filter_levels = 1;
        }
        o.ci_method = m;
        compared += compare_with_r(rcase, &o);
    }
    assert_int_equal(compared, 9 * ARMOEDE_CI_METHOD_COUNT_);
}

static void test_all_methods(void **state)
{
    (void)state;
    check_case("all", 0);
}

static void test_domain_used(void **state)
{
    (void)state;
    check_case("used", 1);
}


/* The same respondents as other designs: clusters without strata (R: ids =
 * ~psu), and strata of persons without clusters with an fpc in persons (R:
 * ids = ~1, fpc = ~popn). */
static void test_other_designs(void **state)
{
    (void)state;
    static const char *const cases[] = {"nostrata", "elements"};
    static const int methods[] = {ARMOEDE_CI_WALD, ARMOEDE_CI_KORN_GRAUBARD};
    for (int c = 0; c < 2; c++)
        for (int m = 0; m < 2; m++) {
            armoede_survey_options o = design();
            if (c == 0) {
                o.stratum = NULL;
                o.cluster = "psu";
                o.fpc = NULL;
            } else {
                o.cluster = NULL;
                o.fpc = "popn";
            }
            o.ci_method = methods[m];
            compare_with_r(cases[c], &o);
        }
}

static void test_two_breakdowns(void **state)
{
    (void)state;
    armoede_survey_options o = design();
    static const char *const by2[] = {"district", "used"};
    o.by = by2;
    o.n_by = 2;
    o.n_margins = 0;
    armoede_result *r = NULL;
    assert_int_equal(armoede_survey_share(g_data, &o, &r), 0);
    assert_int_equal(armoede_result_nrows(r), 16);
    for (size_t i = 0; i < armoede_result_nrows(r); i++) {
        char key[64];
        snprintf(key, sizeof key, "%s|%s", armoede_result_key(r, i, 0), armoede_result_key(r, i, 1));
        long k = ref_row("by2", key, "wald");
        assert_true(k >= 0);
        assert_rel(armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE), ref(k, "est"));
        assert_rel(armoede_result_value(r, i, ARMOEDE_FIELD_SE), ref(k, "se"));
    }
    armoede_result_free(r);
}

static void test_area_difference(void **state)
{
    (void)state;
    for (int filtered = 0; filtered < 2; filtered++) {
        armoede_survey_options o = design();
        o.n_by = o.n_margins = 0;
        if (filtered) {
            o.filter = "used";
            o.filter_levels = used1;
            o.n_filter_levels = 1;
        }
        armoede_result *r = NULL;
        assert_int_equal(armoede_survey_compare(g_data, &o, "area", "north", "south", &r), 0);
        assert_int_equal(armoede_result_nrows(r), 1);
        long k = ref_row(filtered ? "diff_used" : "diff_all", "Total", "wald");
        assert_true(k >= 0);
        assert_rel(armoede_result_value(r, 0, ARMOEDE_FIELD_ESTIMATE), ref(k, "est"));
        assert_rel(armoede_result_value(r, 0, ARMOEDE_FIELD_SE), ref(k, "se"));
        /* the statistic is d / SE */
        assert_rel(armoede_result_value(r, 0, ARMOEDE_FIELD_STATISTIC), ref(k, "est") / ref(k, "se"));
        armoede_result_free(r);
    }
}

static void test_lonely_rules(void **state)
{
    (void)state;
    static const char *const rules[] = {"remove", "adjust", "average", "certainty"};
    for (size_t q = 0; q < 4; q++) {
        armoede_survey_options o = design();
        o.fpc = NULL;
        o.lonely_psu = armoede_lonely_psu_from_name(rules[q]);
        o.ci_method = ARMOEDE_CI_WALD;
        armoede_result *r = NULL;
        int rc = armoede_survey_share(g_lonely, &o, &r);
        if (rc) print_error("%s\n", armoede_last_error());
        assert_int_equal(rc, 0);
        char c[32];
        snprintf(c, sizeof c, "lonely_%s", rules[q]);
        size_t n = 0;
        for (size_t i = 0; i < armoede_result_nrows(r); i++) {
            long k = ref_row(c, armoede_result_key(r, i, 0), "wald");
            assert_true(k >= 0);
            assert_rel(armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE), ref(k, "est"));
            assert_rel(armoede_result_value(r, i, ARMOEDE_FIELD_SE), ref(k, "se"));
            n++;
        }
        assert_int_equal(n, 9);
        armoede_result_free(r);
    }
    /* R fails by default; so do we, naming the stratum */
    assert_true(ref_row("lonely_fail", "error", "none") >= 0);
    armoede_survey_options o = design();
    o.fpc = NULL;
    armoede_result *r = NULL;
    assert_int_equal(armoede_survey_share(g_lonely, &o, &r), ARMOEDE_EDATA);
    assert_null(r);
    assert_non_null(strstr(armoede_last_error(), "stratum 's01'"));
    assert_non_null(strstr(armoede_last_error(), "lonely.csv line 2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_methods),
        cmocka_unit_test(test_domain_used),
        cmocka_unit_test(test_other_designs),
        cmocka_unit_test(test_two_breakdowns),
        cmocka_unit_test(test_area_difference),
        cmocka_unit_test(test_lonely_rules),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
