/*
 * Unit tests of disclosure control (armoede_sdc_apply), include/armoede.h.
 * The results come from armoede_minima on small hand-built household tables
 * whose every cell count is known; expected suppression patterns are worked
 * out by hand in the comments.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armoede.h"
#include "testutil.h"

/* ------------------------------------------------------------------------
 * Building inputs
 *
 * One row per household (household-year table; HOUSEHOLD_ID unique, YEAR
 * 2024, RATIO_PCT mapped). In a group, n_low households have a ratio of 50%,
 * n_mid 120% and n_high 200%. At threshold 1.0 (100%) the numerator is
 * n_low and the denominator n_low + n_mid + n_high; at 1.3 the numerator is
 * n_low + n_mid.
 * ---------------------------------------------------------------------- */
typedef struct {
    const char *g; /* key "g" */
    const char *h; /* key "h" (NULL: the table has no column h) */
    int n_low, n_mid, n_high;
} grp;

static armoede_table *make_table(const grp *gs, size_t ng)
{
    size_t n = 0;
    for (size_t k = 0; k < ng; k++)
        n += (size_t)(gs[k].n_low + gs[k].n_mid + gs[k].n_high);
    int64_t *id = malloc(n * sizeof *id);
    int64_t *year = malloc(n * sizeof *year);
    double *ratio = malloc(n * sizeof *ratio);
    const char **g = malloc(n * sizeof *g);
    const char **h = malloc(n * sizeof *h);
    assert_true(id && year && ratio && g && h);
    size_t i = 0;
    for (size_t k = 0; k < ng; k++) {
        int m = gs[k].n_low + gs[k].n_mid + gs[k].n_high;
        for (int j = 0; j < m; j++, i++) {
            id[i] = (int64_t)i + 1;
            year[i] = 2024;
            ratio[i] = j < gs[k].n_low ? 50.0 : j < gs[k].n_low + gs[k].n_mid ? 120.0 : 200.0;
            g[i] = gs[k].g;
            h[i] = gs[k].h;
        }
    }
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(n, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "hh", id, n, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "jaar", year, n, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "pct", ratio, n, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_text(t, "g", g, n), ARMOEDE_OK);
    if (ng > 0 && gs[0].h != NULL)
        assert_int_equal(armoede_table_add_text(t, "h", h, n), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_ID, "hh"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "jaar"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_RATIO_PCT, "pct"), ARMOEDE_OK);
    free(id);
    free(year);
    free(ratio);
    free(g);
    free(h);
    return t;
}

/* minima for households by `by` with `margins`; thresholds default {1.0} */
static armoede_result *minima(const grp *gs, size_t ng, const char *const *by, size_t nby,
                              const char *const *margins, size_t nmargins,
                              const double *thr, size_t nthr)
{
    static const double one[] = {1.0};
    armoede_table *t = make_table(gs, ng);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = thr ? thr : one;
    o.n_thresholds = thr ? nthr : 1;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    o.by = by;
    o.n_by = nby;
    o.margins = margins;
    o.n_margins = nmargins;
    o.filter_whole_year = 0;
    o.filter_student = 0;
    o.filter_institutional = 0;
    armoede_result *r = NULL;
    int rc = armoede_minima(t, &o, &r);
    if (rc != ARMOEDE_OK) {
        print_error("armoede_minima = %d: %s\n", rc, armoede_last_error());
        fail();
    }
    assert_non_null(r);
    armoede_table_free(t);
    assert_int_equal(armoede_result_protected(r), 0);
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

/* The row with threshold thr, key g == gl and (when hl != NULL) key h == hl. */
static size_t row_of(const armoede_result *r, double thr, const char *gl, const char *hl)
{
    long kg = key_index(r, "g"), kh = hl ? key_index(r, "h") : -1;
    assert_true(kg >= 0);
    if (hl)
        assert_true(kh >= 0);
    size_t found = (size_t)-1;
    int nfound = 0;
    for (size_t i = 0; i < armoede_result_nrows(r); i++) {
        double th = armoede_result_value(r, i, ARMOEDE_FIELD_THRESHOLD);
        if (!(fabs(th - thr) < 1e-12))
            continue;
        const char *a = armoede_result_key(r, i, (size_t)kg);
        if (!a || strcmp(a, gl) != 0)
            continue;
        if (hl) {
            const char *b = armoede_result_key(r, i, (size_t)kh);
            if (!b || strcmp(b, hl) != 0)
                continue;
        }
        found = i;
        nfound++;
    }
    if (nfound != 1) {
        print_error("%d rows for threshold %g, g=%s, h=%s\n", nfound, thr, gl, hl ? hl : "-");
        fail();
    }
    return found;
}


static const char *status_name(int s)
{
    switch (s) {
    case ARMOEDE_CELL_OK: return "ok";
    case ARMOEDE_CELL_SUPPRESSED_PRIMARY: return "primary";
    case ARMOEDE_CELL_SUPPRESSED_SECONDARY: return "secondary";
    case ARMOEDE_CELL_NO_DATA: return "no_data";
    default: return "?";
    }
}

/* Check the status of the cell (g, h) at threshold thr and its numbers:
 * published cells keep num/den (before rounding: exact counts), suppressed
 * cells have every number NaN and a reason. */
static void check_cell_at(const armoede_result *r, double thr, const char *gl, const char *hl,
                          int want_status, double num, double den, int line)
{
    size_t i = row_of(r, thr, gl, hl);
    int st = armoede_result_status(r, i);
    if (st != want_status) {
        print_error("line %d: cell g=%s h=%s (thr %g): status %s, expected %s (reason \"%s\")\n",
                    line, gl, hl ? hl : "-", thr, status_name(st), status_name(want_status),
                    armoede_result_reason(r, i) ? armoede_result_reason(r, i) : "(null)");
        fail();
    }
    const char *reason = armoede_result_reason(r, i);
    assert_non_null(reason);
    if (want_status == ARMOEDE_CELL_OK) {
        assert_string_equal(reason, "");
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_NUM_N), num, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_DEN_N), den, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_NUM_W), num, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_DEN_W), den, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE), num / den, 1e-15);
    } else {
        assert_true(strlen(reason) > 0);
        assert_true(isnan(armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE)));
        assert_true(isnan(armoede_result_value(r, i, ARMOEDE_FIELD_NUM_W)));
        assert_true(isnan(armoede_result_value(r, i, ARMOEDE_FIELD_DEN_W)));
        assert_true(isnan(armoede_result_value(r, i, ARMOEDE_FIELD_NUM_N)));
        assert_true(isnan(armoede_result_value(r, i, ARMOEDE_FIELD_DEN_N)));
        assert_true(isnan(armoede_result_value(r, i, ARMOEDE_FIELD_SE)));
        assert_true(isnan(armoede_result_value(r, i, ARMOEDE_FIELD_CI_LOW)));
        assert_true(isnan(armoede_result_value(r, i, ARMOEDE_FIELD_CI_HIGH)));
    }
}

#define CELL(r, g, h, st, num, den) check_cell_at((r), 1.0, (g), (h), (st), (num), (den), __LINE__)
#define OK_ ARMOEDE_CELL_OK
#define PRI ARMOEDE_CELL_SUPPRESSED_PRIMARY
#define SEC ARMOEDE_CELL_SUPPRESSED_SECONDARY

static void apply(armoede_result *r, int min_n, int secondary, int round_base)
{
    armoede_sdc_options o = ARMOEDE_SDC_OPTIONS_INIT;
    o.min_n = min_n;
    o.secondary = secondary;
    o.round_base = round_base;
    int rc = armoede_sdc_apply(r, &o);
    if (rc != ARMOEDE_OK) {
        print_error("armoede_sdc_apply = %d: %s\n", rc, armoede_last_error());
        fail();
    }
    assert_int_equal(armoede_result_protected(r), 1);
}

static const char *const BY_G[] = {"g"};
static const char *const BY_GH[] = {"g", "h"};

/* ------------------------------------------------------------------------ */

static void test_sdc_options_init_defaults(void **state)
{
    (void)state;
    armoede_sdc_options o;
    memset(&o, 0x5a, sizeof o);
    armoede_sdc_options_init(&o);
    assert_int_equal(o.version, ARMOEDE_SDC_OPTIONS_VERSION);
    assert_int_equal(o.min_n, 10);
    assert_int_equal(o.secondary, 1);
    assert_int_equal(o.round_base, 0);
    armoede_sdc_options m = ARMOEDE_SDC_OPTIONS_INIT;
    assert_int_equal(m.min_n, 10);
    assert_int_equal(m.secondary, 1);
    assert_int_equal(m.round_base, 0);
}

static void test_sdc_input_counts_as_built(void **state)
{
    (void)state;
    /* sanity of the construction before any disclosure control */
    const grp gs[] = {{"A", NULL, 5, 0, 15}, {"B", NULL, 12, 3, 30}};
    armoede_result *r = minima(gs, 2, BY_G, 1, NULL, 0, NULL, 0);
    assert_int_equal(armoede_result_nrows(r), 2);
    CELL(r, "A", NULL, OK_, 5, 20);
    CELL(r, "B", NULL, OK_, 12, 45);
    size_t a = row_of(r, 1.0, "A", NULL);
    assert_string_equal(armoede_result_indicator(r, a), "minima");
    assert_string_equal(armoede_result_unit(r, a), "households");
    armoede_result_free(r);
}

static void test_sdc_primary_denominator_below_min_n(void **state)
{
    (void)state;
    /* A: den 9, num 0 -> den < 10: primary (even with a zero numerator)
     * B: den 10, num 0 -> den = 10, num 0, den-num = 10: ok */
    const grp gs[] = {{"A", NULL, 0, 0, 9}, {"B", NULL, 0, 0, 10}};
    armoede_result *r = minima(gs, 2, BY_G, 1, NULL, 0, NULL, 0);
    apply(r, 10, 0, 0);
    CELL(r, "A", NULL, PRI, 0, 9);
    CELL(r, "B", NULL, OK_, 0, 10);
    armoede_result_free(r);
}

static void test_sdc_primary_small_numerator(void **state)
{
    (void)state;
    /* A: num 9 of 30 -> 1 <= 9 <= 9: primary
     * B: num 1 of 30 -> primary
     * C: num 10 of 30 (den-num 20) -> ok
     * D: num 0 of 30 -> a zero is published: ok */
    const grp gs[] = {{"A", NULL, 9, 0, 21}, {"B", NULL, 1, 0, 29},
                      {"C", NULL, 10, 0, 20}, {"D", NULL, 0, 0, 30}};
    armoede_result *r = minima(gs, 4, BY_G, 1, NULL, 0, NULL, 0);
    apply(r, 10, 0, 0);
    CELL(r, "A", NULL, PRI, 9, 30);
    CELL(r, "B", NULL, PRI, 1, 30);
    CELL(r, "C", NULL, OK_, 10, 30);
    CELL(r, "D", NULL, OK_, 0, 30);
    armoede_result_free(r);
}

static void test_sdc_primary_small_complement(void **state)
{
    (void)state;
    /* A: num 15 of 20 -> den-num = 5 in 1..9: primary
     * B: num 11 of 20 -> den-num = 9: primary
     * C: num 10 of 20 -> den-num = 10: ok
     * D: num 20 of 20 -> den-num = 0 (not in 1..9): ok */
    const grp gs[] = {{"A", NULL, 15, 0, 5}, {"B", NULL, 11, 0, 9},
                      {"C", NULL, 10, 0, 10}, {"D", NULL, 20, 0, 0}};
    armoede_result *r = minima(gs, 4, BY_G, 1, NULL, 0, NULL, 0);
    apply(r, 10, 0, 0);
    CELL(r, "A", NULL, PRI, 15, 20);
    CELL(r, "B", NULL, PRI, 11, 20);
    CELL(r, "C", NULL, OK_, 10, 20);
    CELL(r, "D", NULL, OK_, 20, 20);
    armoede_result_free(r);
}

static void test_sdc_zero_numerator_published(void **state)
{
    (void)state;
    const grp gs[] = {{"A", NULL, 0, 0, 25}};
    armoede_result *r = minima(gs, 1, BY_G, 1, NULL, 0, NULL, 0);
    apply(r, 10, 1, 0);
    CELL(r, "A", NULL, OK_, 0, 25);
    size_t i = row_of(r, 1.0, "A", NULL);
    assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE), 0.0, 0);
    armoede_result_free(r);
}

static void test_sdc_custom_min_n(void **state)
{
    (void)state;
    /* min_n 5: A num 4 of 20 -> primary; B num 5 of 20 -> ok;
     * C den 4 -> primary; D num 16 of 20 -> den-num 4: primary */
    const grp gs[] = {{"A", NULL, 4, 0, 16}, {"B", NULL, 5, 0, 15},
                      {"C", NULL, 0, 0, 4}, {"D", NULL, 16, 0, 4}};
    armoede_result *r = minima(gs, 4, BY_G, 1, NULL, 0, NULL, 0);
    apply(r, 5, 0, 0);
    CELL(r, "A", NULL, PRI, 4, 20);
    CELL(r, "B", NULL, OK_, 5, 20);
    CELL(r, "C", NULL, PRI, 0, 4);
    CELL(r, "D", NULL, PRI, 16, 20);
    armoede_result_free(r);
}

static void test_sdc_min_n_zero_disables_primary(void **state)
{
    (void)state;
    /* A: den 3 num 1 would fail every rule at min_n 10 */
    const grp gs[] = {{"A", NULL, 1, 0, 2}, {"B", NULL, 2, 0, 40}};
    armoede_result *r = minima(gs, 2, BY_G, 1, BY_G, 1, NULL, 0);
    apply(r, 0, 1, 0);
    CELL(r, "A", NULL, OK_, 1, 3);
    CELL(r, "B", NULL, OK_, 2, 42);
    CELL(r, "Total", NULL, OK_, 3, 45);
    armoede_result_free(r);
}

static void test_sdc_min_n_one_disables_primary(void **state)
{
    (void)state;
    const grp gs[] = {{"A", NULL, 1, 0, 2}};
    armoede_result *r = minima(gs, 1, BY_G, 1, NULL, 0, NULL, 0);
    apply(r, 1, 1, 0);
    CELL(r, "A", NULL, OK_, 1, 3);
    armoede_result_free(r);
}

static void test_sdc_secondary_off(void **state)
{
    (void)state;
    const grp gs[] = {{"A", NULL, 5, 0, 15}, {"B", NULL, 20, 0, 20}, {"C", NULL, 15, 0, 15}};
    armoede_result *r = minima(gs, 3, BY_G, 1, BY_G, 1, NULL, 0);
    apply(r, 10, 0, 0);
    CELL(r, "A", NULL, PRI, 5, 20);
    CELL(r, "B", NULL, OK_, 20, 40);
    CELL(r, "C", NULL, OK_, 15, 30);
    CELL(r, "Total", NULL, OK_, 40, 90);
    armoede_result_free(r);
}

static void test_sdc_secondary_one_key_with_total(void **state)
{
    (void)state;
    /* line {A, B, C, D, Total}:
     *   A: 5/20 primary; B: 20/40; C: 15/30; D: 10/35; Total 50/125.
     * A is the only suppressed cell -> the unsuppressed non-total cell with
     * the smallest denominator, C (30 < 35 < 40), is suppressed too. Then the
     * line holds two suppressed cells: done. */
    const grp gs[] = {{"A", NULL, 5, 0, 15}, {"B", NULL, 20, 0, 20},
                      {"C", NULL, 15, 0, 15}, {"D", NULL, 10, 0, 25}};
    armoede_result *r = minima(gs, 4, BY_G, 1, BY_G, 1, NULL, 0);
    assert_int_equal(armoede_result_nrows(r), 5);
    apply(r, 10, 1, 0);
    CELL(r, "A", NULL, PRI, 5, 20);
    CELL(r, "B", NULL, OK_, 20, 40);
    CELL(r, "C", NULL, SEC, 15, 30);
    CELL(r, "D", NULL, OK_, 10, 35);
    CELL(r, "Total", NULL, OK_, 50, 125);
    armoede_result_free(r);
}

static void test_sdc_secondary_one_key_without_total(void **state)
{
    (void)state;
    /* same cells, no margin: still one line {A, B, C, D} -> C secondary */
    const grp gs[] = {{"A", NULL, 5, 0, 15}, {"B", NULL, 20, 0, 20},
                      {"C", NULL, 15, 0, 15}, {"D", NULL, 10, 0, 25}};
    armoede_result *r = minima(gs, 4, BY_G, 1, NULL, 0, NULL, 0);
    assert_int_equal(armoede_result_nrows(r), 4);
    apply(r, 10, 1, 0);
    CELL(r, "A", NULL, PRI, 5, 20);
    CELL(r, "B", NULL, OK_, 20, 40);
    CELL(r, "C", NULL, SEC, 15, 30);
    CELL(r, "D", NULL, OK_, 10, 35);
    armoede_result_free(r);
}

static void test_sdc_secondary_two_primaries_need_nothing_more(void **state)
{
    (void)state;
    /* A 5/20 and B 3/25 primary: the line already holds two suppressed cells */
    const grp gs[] = {{"A", NULL, 5, 0, 15}, {"B", NULL, 3, 0, 22},
                      {"C", NULL, 15, 0, 15}, {"D", NULL, 10, 0, 25}};
    armoede_result *r = minima(gs, 4, BY_G, 1, BY_G, 1, NULL, 0);
    apply(r, 10, 1, 0);
    CELL(r, "A", NULL, PRI, 5, 20);
    CELL(r, "B", NULL, PRI, 3, 25);
    CELL(r, "C", NULL, OK_, 15, 30);
    CELL(r, "D", NULL, OK_, 10, 35);
    CELL(r, "Total", NULL, OK_, 33, 110); /* 5+3+15+10 of 20+25+30+35 */
    armoede_result_free(r);
}

static void test_sdc_secondary_two_keys_both_margins(void **state)
{
    (void)state;
    /* keys g in {A, B, C} and h in {x, y}, margins on both.
     *            x         y         Total
     *   A      5/20 P   10/30     15/50
     *   B      0/15     10/25     10/40
     *   C     20/40     25/50     45/90
     *   Total 25/75     45/105    70/180
     * Ax is the only primary cell (num 5).
     * Line g@x {Ax,Bx,Cx,Tx}: Ax alone -> smallest den of Bx 15, Cx 40: Bx.
     * Line h@A {Ax,Ay,AT}:    Ax alone -> the only child left: Ay.
     * Line h@B {Bx,By,BT}:    Bx alone -> By.
     * Line g@y {Ay,By,Cy,Ty}: Ay and By: done. (Any order gives the same:
     * if g@y is visited with Ay alone it picks By (25 < 50), then h@B
     * picks Bx, and g@x is then done.)
     * Final: Ax primary; Ay, Bx, By secondary; every total and C published. */
    const grp gs[] = {{"A", "x", 5, 0, 15},  {"A", "y", 10, 0, 20}, {"B", "x", 0, 0, 15},
                      {"B", "y", 10, 0, 15}, {"C", "x", 20, 0, 20}, {"C", "y", 25, 0, 25}};
    armoede_result *r = minima(gs, 6, BY_GH, 2, BY_GH, 2, NULL, 0);
    assert_int_equal(armoede_result_nrows(r), 12);
    apply(r, 10, 1, 0);
    CELL(r, "A", "x", PRI, 5, 20);
    CELL(r, "A", "y", SEC, 10, 30);
    CELL(r, "B", "x", SEC, 0, 15);
    CELL(r, "B", "y", SEC, 10, 25);
    CELL(r, "C", "x", OK_, 20, 40);
    CELL(r, "C", "y", OK_, 25, 50);
    CELL(r, "A", "Total", OK_, 15, 50);
    CELL(r, "B", "Total", OK_, 10, 40);
    CELL(r, "C", "Total", OK_, 45, 90);
    CELL(r, "Total", "x", OK_, 25, 75);
    CELL(r, "Total", "y", OK_, 45, 105);
    CELL(r, "Total", "Total", OK_, 70, 180);
    armoede_result_free(r);
}

static void test_sdc_secondary_total_suppressed_alone(void **state)
{
    (void)state;
    /* keys g in {A, B} with a Total margin and h in {p, q, r} without one.
     *            p          q          r
     *   A      3/50 P     0/15       3/45 P
     *   B      0/12       0/40      12/25
     *   Total  3/62 P     0/55      15/70
     * Primary: Ap, Ar (num 3) and Tp (num 3).
     * Lines along g (with Total): g@p {Ap,Bp,Tp}, g@q {Aq,Bq,Tq}, g@r {Ar,Br,Tr}.
     * Lines along h (no total):   h@A {Ap,Aq,Ar}, h@B {Bp,Bq,Br}, h@T {Tp,Tq,Tr}.
     *  g@p: Ap, Tp: two, done.  h@A: Ap, Ar: two, done.
     *  g@r: Ar alone -> Br (the only unsuppressed child).
     *  h@B: Br alone -> smallest of Bp 12, Bq 40: Bp.   (g@p then has three)
     *  h@T: Tp alone -> smallest of Tq 55, Tr 70: Tq.
     *  g@q: only its Total Tq is suppressed -> the smallest child, Aq (15 < 40).
     *  Every line now holds 0 or >= 2 suppressed cells. The result is the
     *  same in any order of visiting lines. Without the "only the total"
     *  rule Aq would stay published and Tq = Aq + Bq would give Aq away. */
    const grp gs[] = {{"A", "p", 3, 0, 47}, {"A", "q", 0, 0, 15},  {"A", "r", 3, 0, 42},
                      {"B", "p", 0, 0, 12}, {"B", "q", 0, 0, 40},  {"B", "r", 12, 0, 13}};
    const char *const margins[] = {"g"};
    armoede_result *r = minima(gs, 6, BY_GH, 2, margins, 1, NULL, 0);
    assert_int_equal(armoede_result_nrows(r), 9);
    apply(r, 10, 1, 0);
    CELL(r, "A", "p", PRI, 3, 50);
    CELL(r, "A", "r", PRI, 3, 45);
    CELL(r, "Total", "p", PRI, 3, 62);
    CELL(r, "B", "r", SEC, 12, 25);
    CELL(r, "B", "p", SEC, 0, 12);
    CELL(r, "Total", "q", SEC, 0, 55);
    CELL(r, "A", "q", SEC, 0, 15);
    CELL(r, "B", "q", OK_, 0, 40);
    CELL(r, "Total", "r", OK_, 15, 70);
    armoede_result_free(r);
}

static void test_sdc_secondary_per_threshold_table(void **state)
{
    (void)state;
    /* thresholds 1.0 and 1.3 are separate tables.
     *          at 1.0    at 1.3
     *   A      5/30 P    15/30
     *   B     15/40      15/40
     *   C     20/50      20/50
     *   Total 40/120     50/120
     * At 1.0: A primary -> B secondary (40 < 50). At 1.3 nothing is
     * suppressed: the suppressions at 1.0 do not spread to the 1.3 table. */
    const grp gs[] = {{"A", NULL, 5, 10, 15}, {"B", NULL, 15, 0, 25}, {"C", NULL, 20, 0, 30}};
    const double thr[] = {1.0, 1.3};
    armoede_result *r = minima(gs, 3, BY_G, 1, BY_G, 1, thr, 2);
    assert_int_equal(armoede_result_nrows(r), 8);
    apply(r, 10, 1, 0);
    check_cell_at(r, 1.0, "A", NULL, PRI, 5, 30, __LINE__);
    check_cell_at(r, 1.0, "B", NULL, SEC, 15, 40, __LINE__);
    check_cell_at(r, 1.0, "C", NULL, OK_, 20, 50, __LINE__);
    check_cell_at(r, 1.0, "Total", NULL, OK_, 40, 120, __LINE__);
    check_cell_at(r, 1.3, "A", NULL, OK_, 15, 30, __LINE__);
    check_cell_at(r, 1.3, "B", NULL, OK_, 15, 40, __LINE__);
    check_cell_at(r, 1.3, "C", NULL, OK_, 20, 50, __LINE__);
    check_cell_at(r, 1.3, "Total", NULL, OK_, 50, 120, __LINE__);
    armoede_result_free(r);
}

static void test_sdc_suppressed_reasons_differ_from_ok(void **state)
{
    (void)state;
    const grp gs[] = {{"A", NULL, 5, 0, 15}, {"B", NULL, 20, 0, 20}, {"C", NULL, 15, 0, 15}};
    armoede_result *r = minima(gs, 3, BY_G, 1, BY_G, 1, NULL, 0);
    apply(r, 10, 1, 0);
    size_t a = row_of(r, 1.0, "A", NULL), c = row_of(r, 1.0, "C", NULL);
    size_t b = row_of(r, 1.0, "B", NULL);
    assert_int_equal(armoede_result_status(r, a), PRI);
    assert_int_equal(armoede_result_status(r, c), SEC); /* 30 < 40 */
    assert_int_equal(armoede_result_status(r, b), OK_);
    assert_true(strlen(armoede_result_reason(r, a)) > 0);
    assert_true(strlen(armoede_result_reason(r, c)) > 0);
    assert_string_equal(armoede_result_reason(r, b), "");
    /* primary and secondary reasons say different things */
    assert_string_not_equal(armoede_result_reason(r, a), armoede_result_reason(r, c));
    /* status of a row out of range */
    assert_int_equal(armoede_result_status(r, armoede_result_nrows(r)), ARMOEDE_EINVAL);
    armoede_result_free(r);
}

static void test_sdc_rounding_base5(void **state)
{
    (void)state;
    /* A: 12/22 -> num 10, den 20, estimate 12/22 (before rounding)
     * B: 13/23 -> 15, 25, estimate 13/23
     * C: 11/24 -> 10, 25, estimate 11/24
     * D:  0/21 ->  0, 20, estimate 0 */
    const grp gs[] = {{"A", NULL, 12, 0, 10}, {"B", NULL, 13, 0, 10},
                      {"C", NULL, 11, 0, 13}, {"D", NULL, 0, 0, 21}};
    armoede_result *r = minima(gs, 4, BY_G, 1, NULL, 0, NULL, 0);
    apply(r, 10, 1, 5);
    const struct { const char *g; double num, den, est; } want[] = {
        {"A", 10, 20, 12.0 / 22}, {"B", 15, 25, 13.0 / 23},
        {"C", 10, 25, 11.0 / 24}, {"D", 0, 20, 0.0}};
    for (size_t k = 0; k < 4; k++) {
        size_t i = row_of(r, 1.0, want[k].g, NULL);
        assert_int_equal(armoede_result_status(r, i), OK_);
        assert_int_equal(armoede_result_rounded(r, i), 1);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_NUM_N), want[k].num, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_DEN_N), want[k].den, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_NUM_W), want[k].num, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_DEN_W), want[k].den, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE), want[k].est, 1e-15);
    }
    armoede_result_free(r);
}

static void test_sdc_rounding_base10_halves_up(void **state)
{
    (void)state;
    /* A: 15/25 -> 20, 30 (both halves, up); estimate 0.6
     * B: 10/35 -> 10, 40 (35 half up); estimate 10/35
     * C: 14/44 -> 10, 40; estimate 14/44
     * D: 25/46 -> 30, 50; estimate 25/46 */
    const grp gs[] = {{"A", NULL, 15, 0, 10}, {"B", NULL, 10, 0, 25},
                      {"C", NULL, 14, 0, 30}, {"D", NULL, 25, 0, 21}};
    armoede_result *r = minima(gs, 4, BY_G, 1, NULL, 0, NULL, 0);
    apply(r, 10, 1, 10);
    const struct { const char *g; double num, den, est; } want[] = {
        {"A", 20, 30, 0.6}, {"B", 10, 40, 10.0 / 35},
        {"C", 10, 40, 14.0 / 44}, {"D", 30, 50, 25.0 / 46}};
    for (size_t k = 0; k < 4; k++) {
        size_t i = row_of(r, 1.0, want[k].g, NULL);
        assert_int_equal(armoede_result_status(r, i), OK_);
        assert_int_equal(armoede_result_rounded(r, i), 1);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_NUM_N), want[k].num, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_DEN_N), want[k].den, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_NUM_W), want[k].num, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_DEN_W), want[k].den, 0);
        assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE), want[k].est, 1e-15);
    }
    armoede_result_free(r);
}

static void test_sdc_rounding_uses_unrounded_counts_for_suppression(void **state)
{
    (void)state;
    /* A: 9/24: num 9 is primary although it would round to 10 (base 10);
     * B: 12/31 -> 10, 30; C: 20/52 -> 20, 50; Total 41/107 -> 40, 110.
     * Line {A, B, C, Total}: A alone -> B (31 < 52) secondary. */
    const grp gs[] = {{"A", NULL, 9, 0, 15}, {"B", NULL, 12, 0, 19}, {"C", NULL, 20, 0, 32}};
    armoede_result *r = minima(gs, 3, BY_G, 1, BY_G, 1, NULL, 0);
    apply(r, 10, 1, 10);
    size_t a = row_of(r, 1.0, "A", NULL), b = row_of(r, 1.0, "B", NULL);
    size_t c = row_of(r, 1.0, "C", NULL), t = row_of(r, 1.0, "Total", NULL);
    assert_int_equal(armoede_result_status(r, a), PRI);
    assert_int_equal(armoede_result_status(r, b), SEC);
    assert_int_equal(armoede_result_status(r, c), OK_);
    assert_int_equal(armoede_result_status(r, t), OK_);
    assert_true(isnan(armoede_result_value(r, a, ARMOEDE_FIELD_NUM_N)));
    assert_true(isnan(armoede_result_value(r, b, ARMOEDE_FIELD_NUM_N)));
    assert_close(armoede_result_value(r, c, ARMOEDE_FIELD_NUM_N), 20, 0);
    assert_close(armoede_result_value(r, c, ARMOEDE_FIELD_DEN_N), 50, 0);
    assert_close(armoede_result_value(r, c, ARMOEDE_FIELD_ESTIMATE), 20.0 / 52, 1e-15);
    assert_close(armoede_result_value(r, t, ARMOEDE_FIELD_NUM_N), 40, 0);
    assert_close(armoede_result_value(r, t, ARMOEDE_FIELD_DEN_N), 110, 0);
    assert_close(armoede_result_value(r, t, ARMOEDE_FIELD_ESTIMATE), 41.0 / 107, 1e-15);
    armoede_result_free(r);
}

static void test_sdc_no_rounding_flag_zero(void **state)
{
    (void)state;
    const grp gs[] = {{"A", NULL, 12, 0, 11}};
    armoede_result *r = minima(gs, 1, BY_G, 1, NULL, 0, NULL, 0);
    size_t i = row_of(r, 1.0, "A", NULL);
    assert_int_equal(armoede_result_rounded(r, i), 0);
    apply(r, 10, 1, 0);
    assert_int_equal(armoede_result_rounded(r, i), 0);
    CELL(r, "A", NULL, OK_, 12, 23);
    armoede_result_free(r);
}

static void test_sdc_apply_twice_einval(void **state)
{
    (void)state;
    const grp gs[] = {{"A", NULL, 12, 0, 11}};
    armoede_result *r = minima(gs, 1, BY_G, 1, NULL, 0, NULL, 0);
    assert_int_equal(armoede_sdc_apply(r, NULL), ARMOEDE_OK); /* NULL = defaults */
    assert_int_equal(armoede_result_protected(r), 1);
    assert_int_equal(armoede_sdc_apply(r, NULL), ARMOEDE_EINVAL);
    assert_int_equal(armoede_result_protected(r), 1);
    CELL(r, "A", NULL, OK_, 12, 23);
    armoede_result_free(r);
}

static void test_sdc_defaults_when_opts_null(void **state)
{
    (void)state;
    /* defaults: min_n 10, secondary on, no rounding:
     * A 5/20 primary, B 12/31 secondary (31 < 52), C 20/52 and Total 37/103
     * published, unrounded */
    const grp gs[] = {{"A", NULL, 5, 0, 15}, {"B", NULL, 12, 0, 19}, {"C", NULL, 20, 0, 32}};
    armoede_result *r = minima(gs, 3, BY_G, 1, BY_G, 1, NULL, 0);
    assert_int_equal(armoede_sdc_apply(r, NULL), ARMOEDE_OK);
    CELL(r, "A", NULL, PRI, 5, 20);
    CELL(r, "B", NULL, SEC, 12, 31);
    CELL(r, "C", NULL, OK_, 20, 52);
    CELL(r, "Total", NULL, OK_, 37, 103);
    assert_int_equal(armoede_result_rounded(r, row_of(r, 1.0, "C", NULL)), 0);
    armoede_result_free(r);
}

static void test_sdc_bad_args_einval(void **state)
{
    (void)state;
    assert_int_equal(armoede_sdc_apply(NULL, NULL), ARMOEDE_EINVAL);
    const grp gs[] = {{"A", NULL, 12, 0, 11}};
    armoede_result *r = minima(gs, 1, BY_G, 1, NULL, 0, NULL, 0);
    armoede_sdc_options o = ARMOEDE_SDC_OPTIONS_INIT;
    o.round_base = 3; /* only 0, 5 or 10 */
    assert_int_equal(armoede_sdc_apply(r, &o), ARMOEDE_EINVAL);
    assert_int_equal(armoede_result_protected(r), 0);
    armoede_sdc_options_init(&o);
    o.version = 0; /* wrong version */
    assert_int_equal(armoede_sdc_apply(r, &o), ARMOEDE_EINVAL);
    assert_int_equal(armoede_result_protected(r), 0);
    /* after the failed calls it can still be protected once */
    apply(r, 10, 1, 0);
    armoede_result_free(r);
}

/* ------------------------------------------------------------------------
 * The dominance rule (magnitude cells: debt at intake)
 *
 * Cases of 2022, all private, in districts A and B: A holds 10 debts of
 * 1000 and two of d1 and d2; B holds 12 debts of 4000. The debt_mean cell of
 * A has total 10000 + d1 + d2 and two largest d1 + d2.
 * ---------------------------------------------------------------------- */
static armoede_result *debt_cells(double d1, double d2)
{
    const size_t n = 24;
    int32_t day[24];
    double debt[24];
    const char *type[24], *wijk[24];
    int32_t d0;
    assert_int_equal(armoede_date_from_ymd(2022, 3, 1, &d0), 0);
    for (size_t i = 0; i < n; i++) {
        day[i] = d0;
        type[i] = "private";
        wijk[i] = i < 12 ? "A" : "B";
        debt[i] = i < 10 ? 1000 : i == 10 ? d1 : i == 11 ? d2 : 4000;
    }
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(n, &t), 0);
    assert_int_equal(armoede_table_add_date(t, "intake_date", day, n), 0);
    assert_int_equal(armoede_table_add_real(t, "debt", debt, n, 1), 0);
    assert_int_equal(armoede_table_add_text(t, "client_type", type, n), 0);
    assert_int_equal(armoede_table_add_text(t, "wijk", wijk, n), 0);
    armoede_debt_options o = ARMOEDE_DEBT_OPTIONS_INIT;
    o.columns.client_id = o.columns.creditors = o.columns.first_appointment = o.columns.crisis = NULL;
    o.bootstrap = 0;
    const char *by[] = {"wijk"};
    o.by = by;
    o.n_by = 1;
    o.margins = by;
    o.n_margins = 1;
    armoede_result *r = NULL;
    int rc = armoede_debt_intake(t, &o, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    armoede_table_free(t);
    return r;
}

/* Status of the debt_mean cell (client type private) of district w. */
static int debt_status(const armoede_result *r, const char *w)
{
    for (size_t i = 0; i < armoede_result_nrows(r); i++) {
        if (strcmp(armoede_result_indicator(r, i), "debt_mean")) continue;
        const char *ct = NULL, *wk = NULL;
        for (size_t k = 0; k < armoede_result_nkeys(r); k++) {
            if (!strcmp(armoede_result_key_name(r, k), "client_type")) ct = armoede_result_key(r, i, k);
            if (!strcmp(armoede_result_key_name(r, k), "wijk")) wk = armoede_result_key(r, i, k);
        }
        if (ct && wk && !strcmp(ct, "private") && !strcmp(wk, w)) return armoede_result_status(r, i);
    }
    fail_msg("no debt_mean cell for %s", w);
    return -1;
}

static void test_sdc_dominance(void **state)
{
    (void)state;
    /* d1 = 20000, d2 = 5000: A total 35000, two largest 25000 = 71% > 50% */
    armoede_result *r = debt_cells(20000, 5000);
    assert_int_equal(armoede_sdc_apply(r, NULL), 0); /* on by default */
    assert_int_equal(debt_status(r, "A"), ARMOEDE_CELL_SUPPRESSED_DOMINANCE);
    /* treated as primary by secondary suppression: B, the other child of
     * the line over wijk, goes too; the Total (83000, two largest 25000) stays */
    assert_int_equal(debt_status(r, "B"), ARMOEDE_CELL_SUPPRESSED_SECONDARY);
    assert_int_equal(debt_status(r, "Total"), ARMOEDE_CELL_OK);
    armoede_result_free(r);

    /* exactly 50% is not "more than": d1 = d2 = 5000: 10000 of 20000 */
    r = debt_cells(5000, 5000);
    assert_int_equal(armoede_sdc_apply(r, NULL), 0);
    assert_int_equal(debt_status(r, "A"), ARMOEDE_CELL_OK);
    armoede_result_free(r);
    /* one cent more is */
    r = debt_cells(5000.01, 5000);
    assert_int_equal(armoede_sdc_apply(r, NULL), 0);
    assert_int_equal(debt_status(r, "A"), ARMOEDE_CELL_SUPPRESSED_DOMINANCE);
    armoede_result_free(r);

    /* a version-1 options struct gets the default rule */
    r = debt_cells(20000, 5000);
    armoede_sdc_options v1 = ARMOEDE_SDC_OPTIONS_INIT;
    v1.version = 1;
    v1.dominance_n = 0; /* not read in a version-1 struct */
    assert_int_equal(armoede_sdc_apply(r, &v1), 0);
    assert_int_equal(debt_status(r, "A"), ARMOEDE_CELL_SUPPRESSED_DOMINANCE);
    armoede_result_free(r);
    /* off */
    r = debt_cells(20000, 5000);
    armoede_sdc_options off = ARMOEDE_SDC_OPTIONS_INIT;
    off.dominance_n = 0;
    assert_int_equal(armoede_sdc_apply(r, &off), 0);
    assert_int_equal(debt_status(r, "A"), ARMOEDE_CELL_OK);
    assert_int_equal(debt_status(r, "B"), ARMOEDE_CELL_OK);
    armoede_result_free(r);
    /* (1, 50%): the largest alone, 20000 of 35000 = 57%: dominated */
    r = debt_cells(20000, 5000);
    armoede_sdc_options one = ARMOEDE_SDC_OPTIONS_INIT;
    one.dominance_n = 1;
    assert_int_equal(armoede_sdc_apply(r, &one), 0);
    assert_int_equal(debt_status(r, "A"), ARMOEDE_CELL_SUPPRESSED_DOMINANCE);
    armoede_result_free(r);
    /* bad parameters */
    r = debt_cells(20000, 5000);
    armoede_sdc_options bad = ARMOEDE_SDC_OPTIONS_INIT;
    bad.dominance_n = 3;
    assert_int_equal(armoede_sdc_apply(r, &bad), ARMOEDE_EINVAL);
    bad.dominance_n = 2;
    bad.dominance_k = 0;
    assert_int_equal(armoede_sdc_apply(r, &bad), ARMOEDE_EINVAL);
    bad.dominance_k = 1.5;
    assert_int_equal(armoede_sdc_apply(r, &bad), ARMOEDE_EINVAL);
    /* a count result has no magnitude cells: the rule changes nothing there
     * (covered by every other test in this file running with the default) */
    armoede_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sdc_options_init_defaults),
        cmocka_unit_test(test_sdc_input_counts_as_built),
        cmocka_unit_test(test_sdc_primary_denominator_below_min_n),
        cmocka_unit_test(test_sdc_primary_small_numerator),
        cmocka_unit_test(test_sdc_primary_small_complement),
        cmocka_unit_test(test_sdc_zero_numerator_published),
        cmocka_unit_test(test_sdc_custom_min_n),
        cmocka_unit_test(test_sdc_min_n_zero_disables_primary),
        cmocka_unit_test(test_sdc_min_n_one_disables_primary),
        cmocka_unit_test(test_sdc_secondary_off),
        cmocka_unit_test(test_sdc_secondary_one_key_with_total),
        cmocka_unit_test(test_sdc_secondary_one_key_without_total),
        cmocka_unit_test(test_sdc_secondary_two_primaries_need_nothing_more),
        cmocka_unit_test(test_sdc_secondary_two_keys_both_margins),
        cmocka_unit_test(test_sdc_secondary_total_suppressed_alone),
        cmocka_unit_test(test_sdc_secondary_per_threshold_table),
        cmocka_unit_test(test_sdc_suppressed_reasons_differ_from_ok),
        cmocka_unit_test(test_sdc_rounding_base5),
        cmocka_unit_test(test_sdc_rounding_base10_halves_up),
        cmocka_unit_test(test_sdc_rounding_uses_unrounded_counts_for_suppression),
        cmocka_unit_test(test_sdc_no_rounding_flag_zero),
        cmocka_unit_test(test_sdc_apply_twice_einval),
        cmocka_unit_test(test_sdc_defaults_when_opts_null),
        cmocka_unit_test(test_sdc_bad_args_einval),
        cmocka_unit_test(test_sdc_dominance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
