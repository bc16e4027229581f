/*
 * Tests of the shared exact weighted quantiles (lib/quantile.h): hand cases
 * for each rule, ties, weights, errors, and agreement with a brute-force
 * reading of each definition on random data (values with and without whole
 * cents, so that both sort keys are exercised).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "../lib/quantile.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

static double q1(const double *x, const double *w, size_t n, double p, int rule)
{
    double out = -12345.0;
    assert_int_equal(am_quantiles(x, w, n, &p, 1, rule, &out), ARMOEDE_OK);
    return out;
}

/* x = {3, 1, 2, 4}: cumulative shares of 1, 2, 3, 4 are .25 .5 .75 1. */
static void test_rules_unweighted(void **state)
{
    (void)state;
    const double x[] = {3, 1, 2, 4};
    /* p = .5: laeken: first share > .5 is 3; GE: first >= .5 is 2;
     * Eurostat: share == .5 exactly at 2 -> (2 + 3) / 2; type 7: h = 1.5 -> 2.5 */
    assert_close(q1(x, NULL, 4, 0.5, AM_Q_LAEKEN), 3.0, 0);
    assert_close(q1(x, NULL, 4, 0.5, AM_Q_GE), 2.0, 0);
    assert_close(q1(x, NULL, 4, 0.5, AM_Q_EUROSTAT), 2.5, 0);
    assert_close(q1(x, NULL, 4, 0.5, AM_Q_LINEAR), 2.5, 0);
    /* p = .6: no exact hit: laeken, GE, Eurostat all 3; type 7: h = 1.8 -> 2.8 */
    assert_close(q1(x, NULL, 4, 0.6, AM_Q_LAEKEN), 3.0, 0);
    assert_close(q1(x, NULL, 4, 0.6, AM_Q_GE), 3.0, 0);
    assert_close(q1(x, NULL, 4, 0.6, AM_Q_EUROSTAT), 3.0, 0);
    assert_close(q1(x, NULL, 4, 0.6, AM_Q_LINEAR), 2.8, 1e-15);
    /* ends */
    for (int r = 0; r <= AM_Q_LINEAR; r++) {
        assert_close(q1(x, NULL, 4, 0.0, r), 1.0, 0);
        assert_close(q1(x, NULL, 4, 1.0, r), 4.0, 0);
    }
    /* several p at once, in any order */
    const double p[] = {1.0, 0.25, 0.5, 0.0};
    double out[4];
    assert_int_equal(am_quantiles(x, NULL, 4, p, 4, AM_Q_LAEKEN, out), ARMOEDE_OK);
    assert_close(out[0], 4, 0);
    assert_close(out[1], 2, 0);
    assert_close(out[2], 3, 0);
    assert_close(out[3], 1, 0);
}

/* Ties form one step: x = {2, 5, 2, 1, 2}: shares 1 -> .2, 2 -> .8, 5 -> 1. */
static void test_ties(void **state)
{
    (void)state;
    const double x[] = {2, 5, 2, 1, 2};
    assert_close(q1(x, NULL, 5, 0.2, AM_Q_LAEKEN), 2.0, 0);
    assert_close(q1(x, NULL, 5, 0.2, AM_Q_GE), 1.0, 0);
    assert_close(q1(x, NULL, 5, 0.2, AM_Q_EUROSTAT), 1.5, 0);
    assert_close(q1(x, NULL, 5, 0.5, AM_Q_LAEKEN), 2.0, 0);
    assert_close(q1(x, NULL, 5, 0.5, AM_Q_EUROSTAT), 2.0, 0);
    assert_close(q1(x, NULL, 5, 0.8, AM_Q_LAEKEN), 5.0, 0);
    assert_close(q1(x, NULL, 5, 0.8, AM_Q_GE), 2.0, 0);
    assert_close(q1(x, NULL, 5, 0.8, AM_Q_EUROSTAT), 3.5, 0);
    /* -0 and +0 are one value */
    const double z[] = {0.0, -0.0, 1.0, -0.0};
    assert_close(q1(z, NULL, 4, 0.5, AM_Q_LAEKEN), 0.0, 0);
    assert_close(q1(z, NULL, 4, 0.75, AM_Q_LAEKEN), 1.0, 0);
    /* all equal */
    const double e[] = {7, 7, 7};
    for (int r = 0; r <= AM_Q_LINEAR; r++)
        assert_close(q1(e, NULL, 3, 0.5, r), 7.0, 0);
}

/* x = {10, 20, 30}, w = {1, 2, 1}: shares .25 .75 1. */
static void test_weights(void **state)
{
    (void)state;
    const double x[] = {30, 10, 20}, w[] = {1, 1, 2};
    assert_close(q1(x, w, 3, 0.5, AM_Q_LAEKEN), 20, 0);
    assert_close(q1(x, w, 3, 0.5, AM_Q_GE), 20, 0);
    assert_close(q1(x, w, 3, 0.5, AM_Q_EUROSTAT), 20, 0);
    assert_close(q1(x, w, 3, 0.25, AM_Q_LAEKEN), 20, 0);
    assert_close(q1(x, w, 3, 0.25, AM_Q_GE), 10, 0);
    assert_close(q1(x, w, 3, 0.25, AM_Q_EUROSTAT), 15, 0);
    assert_close(q1(x, w, 3, 0.75, AM_Q_LAEKEN), 30, 0);
    assert_close(q1(x, w, 3, 0.75, AM_Q_GE), 20, 0);
    assert_close(q1(x, w, 3, 0.75, AM_Q_EUROSTAT), 25, 0);
    /* fractional weights: shares .1/.4 = .25 (exact), .3/.4 = .75 */
    const double wf[] = {0.1, 0.1, 0.2};
    assert_close(q1(x, wf, 3, 0.25, AM_Q_EUROSTAT), 15, 0);
    assert_close(q1(x, wf, 3, 0.3, AM_Q_LAEKEN), 20, 0);
    /* negative and non-cent values */
    const double y[] = {-1.5, 1.0 / 3.0, -2.25, 1e300};
    assert_close(q1(y, NULL, 4, 0.5, AM_Q_LAEKEN), 1.0 / 3.0, 0);
    assert_close(q1(y, NULL, 4, 0.5, AM_Q_GE), -1.5, 0);
    assert_close(q1(y, NULL, 4, 0.1, AM_Q_LAEKEN), -2.25, 0);
}

static void test_errors(void **state)
{
    (void)state;
    const double x[] = {1, NAN, 3}, y[] = {1, 2, 3};
    const double w0[] = {1, 0, 1}, wn[] = {1, -1, 1}, wi[] = {1, INFINITY, 1}, w[] = {1, 1, 1};
    double p = 0.5, out = 0;
    assert_int_equal(am_quantiles(x, NULL, 3, &p, 1, AM_Q_LAEKEN, &out), ARMOEDE_EINVAL);
    assert_non_null(strstr(armoede_last_error(), "NaN"));
    assert_int_equal(am_quantiles(y, w0, 3, &p, 1, AM_Q_LAEKEN, &out), ARMOEDE_EINVAL);
    assert_int_equal(am_quantiles(y, wn, 3, &p, 1, AM_Q_LAEKEN, &out), ARMOEDE_EINVAL);
    assert_int_equal(am_quantiles(y, wi, 3, &p, 1, AM_Q_LAEKEN, &out), ARMOEDE_EINVAL);
    assert_int_equal(am_quantiles(y, w, 3, &p, 1, AM_Q_LINEAR, &out), ARMOEDE_EINVAL);
    assert_int_equal(am_quantiles(y, w, 3, &p, 1, 17, &out), ARMOEDE_EINVAL);
    double bad[] = {-0.1, 1.1, NAN};
    for (int k = 0; k < 3; k++)
        assert_int_equal(am_quantiles(y, w, 3, &bad[k], 1, AM_Q_GE, &out), ARMOEDE_EINVAL);
    assert_int_equal(am_quantiles(NULL, NULL, 3, &p, 1, AM_Q_GE, &out), ARMOEDE_EINVAL);
    /* n == 0: NaN */
    assert_int_equal(am_quantiles(NULL, NULL, 0, &p, 1, AM_Q_GE, &out), ARMOEDE_OK);
    assert_true(isnan(out));
}

/* ---- brute force: each definition read literally, O(n * distinct) ---- */
static double brute(const double *x, const double *w, size_t n, double p, int rule)
{
    /* the distinct values in ascending order by selection */
    long double T = 0;
    for (size_t i = 0; i < n; i++) T += w ? w[i] : 1.0;
    double prev = -INFINITY;
    int first = 1;
    double maxv = -INFINITY;
    for (size_t i = 0; i < n; i++) if (x[i] > maxv) maxv = x[i];
    for (;;) {
        /* next distinct value above prev */
        double v = INFINITY;
        int found = 0;
        for (size_t i = 0; i < n; i++)
            if ((first || x[i] > prev) && (!found || x[i] < v)) { v = x[i]; found = 1; }
        assert_true(found);
        first = 0;
        long double c = 0;
        for (size_t i = 0; i < n; i++)
            if (x[i] <= v) c += w ? w[i] : 1.0;
        double share = (double)c / (double)T;
        int last = v == maxv;
        if (rule == AM_Q_LAEKEN) {
            if (p == 1.0 ? last : share > p) return v;
        } else if (share >= p || last) {
            if (rule == AM_Q_EUROSTAT && share == p && !last) {
                double nx = INFINITY;
                for (size_t i = 0; i < n; i++) if (x[i] > v && x[i] < nx) nx = x[i];
                return (v + nx) / 2;
            }
            return v;
        }
        prev = v;
    }
}

static void test_bruteforce(void **state)
{
    (void)state;
    srand(20261123);
    const double ps[] = {0, 0.05, 0.1, 0.2, 0.25, 0.3, 0.5, 0.6, 0.75, 0.8, 0.9, 0.95, 1};
    const size_t np = sizeof ps / sizeof ps[0];
    for (int trial = 0; trial < 40; trial++) {
        size_t n = 1 + (size_t)(rand() % 400);
        double *x = malloc(n * sizeof *x), *w = malloc(n * sizeof *w);
        assert_non_null(x);
        assert_non_null(w);
        for (size_t i = 0; i < n; i++) {
            switch (trial % 4) {
            case 0: x[i] = (double)(rand() % 20); break;                 /* many ties */
            case 1: x[i] = (double)(rand() % 200000 - 50000) / 100.0; break; /* cents */
            case 2: x[i] = (double)rand() / 7.0 - 1e8; break;              /* bit keys */
            default: x[i] = (rand() % 3 == 0) ? 0.5 : (double)rand() / 3.0; break;
            }
            w[i] = (trial % 3 == 0) ? (double)(1 + rand() % 4) : 0.1 + (double)rand() / RAND_MAX;
        }
        for (int rule = AM_Q_LAEKEN; rule <= AM_Q_GE; rule++) {
            double out[sizeof ps / sizeof ps[0]];
            assert_int_equal(am_quantiles(x, w, n, ps, np, rule, out), ARMOEDE_OK);
            for (size_t k = 0; k < np; k++)
                assert_close(out[k], brute(x, w, n, ps[k], rule), 0);
            assert_int_equal(am_quantiles(x, NULL, n, ps, np, rule, out), ARMOEDE_OK);
            for (size_t k = 0; k < np; k++)
                assert_close(out[k], brute(x, NULL, n, ps[k], rule), 0);
        }
        /* type 7 against a qsort copy */
        double *s = malloc(n * sizeof *s);
        assert_non_null(s);
        memcpy(s, x, n * sizeof *s);
        qsort(s, n, sizeof *s, tu_cmp_double);
        for (size_t k = 0; k < np; k++) {
            double h = (double)(n - 1) * ps[k];
            size_t lo = (size_t)floor(h);
            double e = lo + 1 < n ? s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]) : s[n - 1];
            assert_close(q1(x, NULL, n, ps[k], AM_Q_LINEAR), e, 0);
        }
        free(s);
        free(x);
        free(w);
    }
}

/* The sort: ascending, stable, on big inputs of both key kinds. */
static void test_sort(void **state)
{
    (void)state;
    srand(7);
    size_t n = 200000;
    double *x = malloc(n * sizeof *x);
    uint32_t *perm = malloc(n * sizeof *perm);
    assert_non_null(x);
    assert_non_null(perm);
    for (int kind = 0; kind < 3; kind++) {
        for (size_t i = 0; i < n; i++)
            x[i] = kind == 0 ? (double)(rand() % 5000000 - 100) / 100.0
                 : kind == 1 ? ((double)rand() - RAND_MAX / 2) * 1.37e-3
                             : (double)(rand() % 50);
        assert_int_equal(am_sort_perm(x, n, perm), ARMOEDE_OK);
        char *seen = calloc(n, 1);
        assert_non_null(seen);
        for (size_t i = 0; i < n; i++) {
            assert_true(perm[i] < n);
            assert_false(seen[perm[i]]);
            seen[perm[i]] = 1;
            if (i > 0) {
                assert_true(x[perm[i - 1]] <= x[perm[i]]);
                if (x[perm[i - 1]] == x[perm[i]]) assert_true(perm[i - 1] < perm[i]);
            }
        }
        free(seen);
    }
    free(x);
    free(perm);
}

/* am_whole_cents: exact cents or nothing; am_big_alloc gives usable memory. */
static void test_cents_and_memory(void **state)
{
    (void)state;
    int64_t c = 0;
    assert_true(am_whole_cents(17109.05, &c) && c == 1710905);
    assert_true(am_whole_cents(-0.01, &c) && c == -1);
    assert_true(am_whole_cents(0.0, &c) && c == 0);
    assert_false(am_whole_cents(1.0 / 3.0, &c));
    assert_false(am_whole_cents(0.005, &c));
    assert_false(am_whole_cents(1e14, &c)); /* 10^16 cents: beyond 2^50 */
    assert_false(am_whole_cents(NAN, &c));
    void *big = am_big_alloc((size_t)5 << 20);
    assert_non_null(big);
    memset(big, 1, (size_t)5 << 20);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_unweighted), cmocka_unit_test(test_ties),
        cmocka_unit_test(test_weights),          cmocka_unit_test(test_errors),
        cmocka_unit_test(test_bruteforce),       cmocka_unit_test(test_sort),
        cmocka_unit_test(test_cents_and_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
