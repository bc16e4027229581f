/*
 * Tests of the outcome indicators (include/armoede_outcome.h; indicators.md
 * OUTCOME 1, 2, 4, 5): take-up, non-take-up, leakage, reach, holder uptake,
 * debt at intake against the national figure, debt-assistance results, and
 * the dominance rule of disclosure control on debt cells. Every expected
 * number is worked out by hand in the comment next to it; a brute force on
 * random data checks take-up cell by cell.
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

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------- */

/* Row of r with this indicator and unit whose keys are exactly spec
 * ("scheme=a,year=2023"): the named keys have those labels, all others are
 * NULL. -1 when there is none; a second match fails the test. */
/* g_p, g_d: the threshold and duration a row must have (ANY: not checked;
 * NAN matches NaN). */
#define ANY (-1.0)
static double g_p = ANY, g_d = ANY;
static int same(double want, double have) { return want == ANY || (isnan(want) && isnan(have)) || want == have; }
static long find(const armoede_result *r, const char *ind, const char *unit, const char *spec)
{
    long found = -1;
    for (size_t i = 0; i < armoede_result_nrows(r); i++) {
        if (strcmp(armoede_result_indicator(r, i), ind) || strcmp(armoede_result_unit(r, i), unit)) continue;
        if (!same(g_p, armoede_result_value(r, i, ARMOEDE_FIELD_THRESHOLD)) ||
            !same(g_d, armoede_result_value(r, i, ARMOEDE_FIELD_DURATION)))
            continue;
        int ok = 1;
        for (size_t k = 0; k < armoede_result_nkeys(r) && ok; k++) {
            const char *name = armoede_result_key_name(r, k), *v = armoede_result_key(r, i, k);
            char want[128] = "";
            int named = 0;
            const char *s = spec;
            while (s && *s) {
                const char *eq = strchr(s, '='), *end = strchr(s, ',');
                if (!end) end = s + strlen(s);
                if (eq && eq < end && (size_t)(eq - s) == strlen(name) && !strncmp(s, name, strlen(name))) {
                    snprintf(want, sizeof want, "%.*s", (int)(end - eq - 1), eq + 1);
                    named = 1;
                }
                s = *end ? end + 1 : NULL;
            }
            if (named) ok = v && !strcmp(v, want);
            else ok = v == NULL;
        }
        if (!ok) continue;
        if (found >= 0) {
            print_error("two rows match %s %s %s\n", ind, unit, spec);
            fail();
        }
        found = (long)i;
    }
    return found;
}

/* Assert a share cell: num_n / den_n and the estimate. */
static void check_share(const armoede_result *r, const char *ind, const char *unit, const char *spec, double num,
                        double den)
{
    long i = find(r, ind, unit, spec);
    if (i < 0) {
        print_error("no row %s %s %s\n", ind, unit, spec);
        fail();
    }
    assert_close(armoede_result_value(r, (size_t)i, ARMOEDE_FIELD_NUM_N), num, 0);
    assert_close(armoede_result_value(r, (size_t)i, ARMOEDE_FIELD_DEN_N), den, 0);
    assert_close(armoede_result_value(r, (size_t)i, ARMOEDE_FIELD_ESTIMATE), num / den, 1e-15);
}

static double val(const armoede_result *r, const char *ind, const char *unit, const char *spec, armoede_field f)
{
    long i = find(r, ind, unit, spec);
    if (i < 0) {
        print_error("no row %s %s %s\n", ind, unit, spec);
        fail();
    }
    return armoede_result_value(r, (size_t)i, f);
}

static int has_note(const armoede_result *r, const char *part)
{
    for (size_t i = 0; i < armoede_result_nnotes(r); i++)
        if (strstr(armoede_result_note(r, i), part)) return 1;
    return 0;
}

static void expect_note(const armoede_result *r, const char *part)
{
    if (!has_note(r, part)) {
        for (size_t i = 0; i < armoede_result_nnotes(r); i++) print_error("note: %s\n", armoede_result_note(r, i));
        print_error("no note containing '%s'\n", part);
        fail();
    }
}

static armoede_table *read_csv(const char *name, const char *text)
{
    armoede_table *t = NULL;
    int rc = armoede_table_read_csv(write_text(name, text), NULL, &t);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, ARMOEDE_OK);
    return t;
}

static void roles_income(armoede_table *t)
{
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_PERSON_ID, "pid"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_ID, "hid"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "year"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "income"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_NORM, "norm"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_AGE, "age"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_WHOLE_YEAR, "whole_year"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INCOME_SOURCE, "source"), 0);
}

/* The roles of a household-year table (no person ids): hid, year, income, norm. */
static void roles_household(armoede_table *t)
{
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_ID, "hid"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "year"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "income"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_NORM, "norm"), 0);
}

/* ------------------------------------------------------------------------
 * Take-up: one year, hand-computed
 * ---------------------------------------------------------------------- */
/* Households in 2023 (norm 10000 per record):
 *   H1: persons 1 (40) and 2 (age 10): income 10000 = 100%, work
 *   H2: person 3: income 11000 = exactly 110% (on the line: at or below)
 *   H3: person 4: income 11000.01 (above 110%, at or below 130%), work
 *   H4: person 5: income 20000 (above every line)
 *   H5: person 6: income 5000 but whole_year 0: outside the population
 * Schemes: a (<= 110%), kp (<= 130%, minors only).
 * Registrations: 1:a, 4:a, 6:a, 2:kp, 99:a (no such person), 3:zz (unknown). */
static const char *INCOME1 =
    "pid,hid,year,age,income,norm,whole_year,source\n"
    "1,1,2023,40,10000,10000,1,work\n"
    "2,1,2023,10,10000,10000,1,work\n"
    "3,2,2023,50,11000,10000,1,benefit\n"
    "4,3,2023,30,11000.01,10000,1,work\n"
    "5,4,2023,30,20000,10000,1,work\n"
    "6,5,2023,30,5000,10000,0,benefit\n";
static const char *REG1 =
    "id,scheme,year\n"
    "1,a,2023\n"
    "4,a,2023\n"
    "6,a,2023\n"
    "2,kp,2023\n"
    "99,a,2023\n"
    "3,zz,2023\n";

static void test_take_up_hand(void **state)
{
    (void)state;
    armoede_table *t = read_csv("inc1.csv", INCOME1), *reg = read_csv("reg1.csv", REG1);
    roles_income(t);
    armoede_scheme s[2] = {ARMOEDE_SCHEME_INIT, ARMOEDE_SCHEME_INIT};
    s[0].code = "a";
    s[0].threshold = 1.10;
    s[1].code = "kp";
    s[1].threshold = 1.30;
    s[1].needs_minors = 1;
    armoede_impact_options po = ARMOEDE_IMPACT_OPTIONS_INIT;
    const char *by[] = {"year"};
    po.by = by;
    po.n_by = 1;
    armoede_take_up_options o = ARMOEDE_TAKE_UP_OPTIONS_INIT;
    o.population = &po;
    o.schemes = s;
    o.n_schemes = 2;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS | ARMOEDE_UNIT_PERSONS;
    armoede_result *r = NULL;
    int rc = armoede_take_up(t, reg, &o, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    const char *H = "households", *P = "persons";
    /* a: eligible H1, H2; used by H1 -> 1/2; non-take-up 1/2 */
    check_share(r, "take_up", H, "scheme=a,year=2023", 1, 2);
    check_share(r, "non_take_up", H, "scheme=a,year=2023", 1, 2);
    assert_close(val(r, "take_up", H, "scheme=a,year=2023", ARMOEDE_FIELD_THRESHOLD), 1.10, 0);
    assert_true(isnan(val(r, "take_up", H, "scheme=a,year=2023", ARMOEDE_FIELD_DURATION)));
    /* leakage a: users in the population H1, H3; H3 not eligible -> 1/2 (H5 is outside) */
    check_share(r, "leakage", H, "scheme=a,year=2023", 1, 2);
    /* kp: eligible H1 (minor, 100%) and used -> 1/1; leakage 0/1 */
    check_share(r, "take_up", H, "scheme=kp,year=2023", 1, 1);
    check_share(r, "leakage", H, "scheme=kp,year=2023", 0, 1);
    /* any: eligible H1, H2; users H1 -> 1/2; users H1, H3, H3 eligible for none -> 1/2 */
    check_share(r, "take_up", H, "scheme=any,year=2023", 1, 2);
    check_share(r, "leakage", H, "scheme=any,year=2023", 1, 2);
    /* reach, <= 130%: H1, H2, H3; a used by H1, H3 -> 2/3; kp by H1 -> 1/3; any 2/3 */
    g_p = 1.3;
    g_d = 1;
    check_share(r, "reach", H, "scheme=a,year=2023", 2, 3);
    check_share(r, "reach", H, "scheme=kp,year=2023", 1, 3);
    check_share(r, "reach", H, "scheme=any,year=2023", 2, 3);
    /* reach, <= 110%: H1, H2; a 1/2, kp 1/2 */
    g_p = 1.1;
    check_share(r, "reach", H, "scheme=a,year=2023", 1, 2);
    check_share(r, "reach", H, "scheme=kp,year=2023", 1, 2);
    /* long-term (4 years) <= 110%: one year of data, nobody: no row */
    g_d = 4;
    assert_int_equal(find(r, "reach", H, "scheme=a,year=2023"), -1);
    g_p = g_d = ANY;
    /* persons: in the population 1..5; a eligible 1, 2, 3 (<= 110%); users:
     * person 1 (own registration) -> 1/3. kp: the household has a minor:
     * persons 1 and 2 eligible; user person 2 -> 1/2. Leakage a: users 1, 4 ->
     * 4 not eligible -> 1/2. */
    check_share(r, "take_up", P, "scheme=a,year=2023", 1, 3);
    check_share(r, "take_up", P, "scheme=kp,year=2023", 1, 2);
    check_share(r, "leakage", P, "scheme=a,year=2023", 1, 2);
    /* the rules that left registrations out, with file, line, column, value */
    expect_note(r, "1 with a scheme code that is not a configured scheme (first: ");
    expect_note(r, "reg1.csv line 7, column 'scheme', value 'zz'");
    expect_note(r, "registration-years not counted: 1 whose id is not in the income table");
    expect_note(r, "reg1.csv line 6, column 'id', value '99'");
    expect_note(r, "households: 1 unit-years that use a scheme are outside the population");
    /* no holder rows without holder schemes */
    assert_int_equal(find(r, "holder_uptake", H, "scheme=kp,pass_holder=Total,year=2023"), -1);
    armoede_result_free(r);
    armoede_table_free(t);
    armoede_table_free(reg);
}

/* Weights: two eligible households (weights 2 and 3), the first uses the
 * scheme: take-up 2/5 = 0.4; linearised SE with n = 2:
 * sum (w (y - R))^2 = (2 * 0.6)^2 + (3 * -0.4)^2 = 1.44 + 1.44 = 2.88,
 * se = sqrt(2 / 1 * 2.88) / 5 = 2.4 / 5 = 0.48; 95% interval clipped to [0, 1].
 * A third household with weight 0 is left out. */
static void test_take_up_weighted(void **state)
{
    (void)state;
    armoede_table *t = read_csv("incw.csv", "pid,hid,year,age,income,norm,whole_year,source,w\n"
                                            "1,1,2023,40,9000,10000,1,work,2\n"
                                            "2,2,2023,40,9000,10000,1,work,3\n"
                                            "3,3,2023,40,9000,10000,1,work,0\n");
    armoede_table *reg = read_csv("regw.csv", "id,scheme,year\n1,a,2023\n");
    roles_income(t);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_WEIGHT, "w"), 0);
    armoede_scheme s = ARMOEDE_SCHEME_INIT;
    s.code = "a";
    s.threshold = 1.0;
    armoede_take_up_options o = ARMOEDE_TAKE_UP_OPTIONS_INIT;
    o.schemes = &s;
    o.n_schemes = 1;
    armoede_result *r = NULL;
    assert_int_equal(armoede_take_up(t, reg, &o, &r), 0);
    assert_close(val(r, "take_up", "households", "scheme=a", ARMOEDE_FIELD_ESTIMATE), 0.4, 1e-15);
    assert_close(val(r, "take_up", "households", "scheme=a", ARMOEDE_FIELD_NUM_W), 2, 0);
    assert_close(val(r, "take_up", "households", "scheme=a", ARMOEDE_FIELD_DEN_W), 5, 0);
    assert_close(val(r, "take_up", "households", "scheme=a", ARMOEDE_FIELD_DEN_N), 2, 0);
    assert_close(val(r, "take_up", "households", "scheme=a", ARMOEDE_FIELD_SE), 0.48, 1e-12);
    assert_close(val(r, "take_up", "households", "scheme=a", ARMOEDE_FIELD_CI_LOW), 0, 0);
    assert_close(val(r, "take_up", "households", "scheme=a", ARMOEDE_FIELD_CI_HIGH), 1, 0); /* 0.4 + 1.96 x 0.48 > 1 */
    /* non-take-up: 3/5, same SE */
    assert_close(val(r, "non_take_up", "households", "scheme=a", ARMOEDE_FIELD_ESTIMATE), 0.6, 1e-15);
    assert_close(val(r, "non_take_up", "households", "scheme=a", ARMOEDE_FIELD_SE), 0.48, 1e-12);
    expect_note(r, "income rows out of the population: 1 (weight missing, zero or negative)");
    armoede_result_free(r);
    armoede_table_free(t);
    armoede_table_free(reg);
}

/* Each distinct threshold takes one bit of the row's classification, below
 * the population bit: 31 distinct thresholds work (the row at 100% is under
 * every one of them), a 32nd is EINVAL with a message (it used to take the
 * population bit itself). */
static void test_take_up_many_thresholds(void **state)
{
    (void)state;
    armoede_table *t = read_csv("incm.csv", "pid,hid,year,age,income,norm,whole_year,source\n"
                                            "1,1,2023,40,10000,10000,1,work\n");
    armoede_table *reg = read_csv("regm.csv", "id,scheme,year\n1,s0,2023\n");
    roles_income(t);
    armoede_scheme s[32];
    char codes[32][8];
    for (int k = 0; k < 32; k++) {
        armoede_scheme d = ARMOEDE_SCHEME_INIT;
        s[k] = d;
        snprintf(codes[k], sizeof codes[k], "s%d", k);
        s[k].code = codes[k];
        s[k].threshold = 1.0 + 0.01 * k;
    }
    armoede_take_up_options o = ARMOEDE_TAKE_UP_OPTIONS_INIT;
    o.schemes = s;
    o.n_schemes = 31;
    armoede_result *r = NULL;
    assert_int_equal(armoede_take_up(t, reg, &o, &r), 0);
    assert_close(val(r, "take_up", "households", "scheme=s0", ARMOEDE_FIELD_ESTIMATE), 1, 0);
    assert_close(val(r, "take_up", "households", "scheme=s30", ARMOEDE_FIELD_DEN_N), 1, 0);
    assert_close(val(r, "take_up", "households", "scheme=s30", ARMOEDE_FIELD_ESTIMATE), 0, 0);
    armoede_result_free(r);
    r = NULL;
    o.n_schemes = 32;
    assert_int_equal(armoede_take_up(t, reg, &o, &r), ARMOEDE_EINVAL);
    assert_null(r);
    assert_non_null(strstr(armoede_last_error(), "more than 31 distinct thresholds"));
    armoede_table_free(t);
    armoede_table_free(reg);
}

/* A household-year table (no person ids): households followed by their id,
 * minors from n_minors. kp: <= 120%, minors; d2: <= 110% two years running.
 *   10: 2022 and 2023 at 100%, two minors, uses kp in 2023 -> kp and d2 eligible
 *   11: 2023 at 115%, no minors -> neither; uses kp (leakage)
 *   12: 2022 at 150%, 2023 at 105%, one minor -> kp eligible, d2 not (1 year)
 * A person-level registration needs person ids: EINVAL. */
static void test_take_up_household_file(void **state)
{
    (void)state;
    armoede_table *t = read_csv("hh.csv", "hid,year,income,norm,n_minors\n"
                                          "10,2022,10000,10000,2\n"
                                          "10,2023,10000,10000,2\n"
                                          "12,2022,15000,10000,1\n"
                                          "11,2023,11500,10000,0\n"
                                          "12,2023,10500,10000,1\n");
    armoede_table *reg = read_csv("hhreg.csv", "hid,scheme,year\n10,kp,2023\n11,kp,2023\n");
    roles_household(t);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_N_MINORS, "n_minors"), 0);
    armoede_scheme s[2] = {ARMOEDE_SCHEME_INIT, ARMOEDE_SCHEME_INIT};
    s[0].code = "kp";
    s[0].threshold = 1.2;
    s[0].needs_minors = 1;
    s[1].code = "d2";
    s[1].threshold = 1.1;
    s[1].min_years = 2;
    armoede_impact_options po = ARMOEDE_IMPACT_OPTIONS_INIT;
    const char *by[] = {"year"};
    po.by = by;
    po.n_by = 1;
    armoede_take_up_options o = ARMOEDE_TAKE_UP_OPTIONS_INIT;
    o.population = &po;
    o.schemes = s;
    o.n_schemes = 2;
    o.registrations.id = "hid";
    o.registrations.level = ARMOEDE_LEVEL_HOUSEHOLD;
    armoede_result *r = NULL;
    int rc = armoede_take_up(t, reg, &o, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    check_share(r, "take_up", "households", "scheme=kp,year=2023", 1, 2);
    check_share(r, "leakage", "households", "scheme=kp,year=2023", 1, 2);
    check_share(r, "take_up", "households", "scheme=d2,year=2023", 0, 1);
    check_share(r, "take_up", "households", "scheme=any,year=2023", 1, 2);
    armoede_result_free(r);
    o.registrations.level = ARMOEDE_LEVEL_PERSON;
    assert_int_equal(armoede_take_up(t, reg, &o, &r), ARMOEDE_ENOTFOUND); /* no person_id role */
    o.registrations.level = ARMOEDE_LEVEL_HOUSEHOLD;
    o.units = ARMOEDE_UNIT_PERSONS;
    assert_int_equal(armoede_take_up(t, reg, &o, &r), ARMOEDE_EINVAL);
    /* a household twice in a year */
    armoede_table *dup = read_csv("hhdup.csv", "hid,year,income,norm,n_minors\n10,2023,1,10000,0\n10,2023,2,10000,0\n");
    roles_household(dup);
    o.units = 0;
    assert_int_equal(armoede_take_up(dup, reg, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "hhdup.csv line 2 and"));
    armoede_table_free(dup);
    armoede_table_free(t);
    armoede_table_free(reg);
}

/* ------------------------------------------------------------------------
 * Durations, a household that splits, registrations by date
 * ---------------------------------------------------------------------- */
/* Years 2020-2022, norm 10000, iit: <= 110% for at least 3 consecutive years.
 *   A (pid 1): household 10 in 2020 and 2021 (low), in 2022 moves out to a new
 *     household 11 (low): a run of exactly 3 years -> household 11 eligible.
 *   B (pid 2): household 10 all years, 2022 income high.
 *   C (pid 3): household 12, low in 2021 and 2022 only (2 years): not eligible.
 *   D (pid 4): household 13, low 2020, absent 2021, low 2022: the gap breaks
 *     the run -> not eligible.
 * Registrations by date: A 2022-03-01..2022-05-31 (in use 2022 only);
 *   C from 2021-11-01, open (in use 2021 and 2022); D 2015-01-01..2015-12-31
 *   (outside the income years). */
static const char *INCOME2 =
    "pid,hid,year,age,income,norm,whole_year,source\n"
    "1,10,2020,40,9000,10000,1,benefit\n"
    "2,10,2020,45,9000,10000,1,benefit\n"
    "1,10,2021,41,9000,10000,1,benefit\n"
    "2,10,2021,46,9000,10000,1,benefit\n"
    "2,10,2022,47,30000,10000,1,work\n"
    "1,11,2022,42,10500,10000,1,benefit\n"
    "3,12,2020,30,30000,10000,1,work\n"
    "3,12,2021,31,9000,10000,1,benefit\n"
    "3,12,2022,32,9000,10000,1,benefit\n"
    "4,13,2020,60,9000,10000,1,pension\n"
    "4,13,2022,62,9000,10000,1,pension\n";
static const char *REG2 =
    "id,scheme,start,end\n"
    "1,iit,2022-03-01,2022-05-31\n"
    "3,iit,2021-11-01,\n"
    "4,iit,2015-01-01,2015-12-31\n"
    "5,iit,0900-01-01,9999-12-31\n";

static void test_take_up_duration_split(void **state)
{
    (void)state;
    armoede_table *t = read_csv("inc2.csv", INCOME2), *reg = read_csv("reg2.csv", REG2);
    roles_income(t);
    assert_int_equal(armoede_table_coltype(reg, "start"), ARMOEDE_TYPE_DATE);
    armoede_scheme s = ARMOEDE_SCHEME_INIT;
    s.code = "iit";
    s.threshold = 1.10;
    s.min_years = 3;
    armoede_impact_options po = ARMOEDE_IMPACT_OPTIONS_INIT;
    const char *by[] = {"year"};
    po.by = by;
    po.n_by = 1;
    armoede_take_up_options o = ARMOEDE_TAKE_UP_OPTIONS_INIT;
    o.population = &po;
    o.schemes = &s;
    o.n_schemes = 1;
    o.registrations.year = NULL;
    o.registrations.start = "start";
    o.registrations.end = "end";
    armoede_reach_group rg[1] = {{1.10, 3}};
    o.reach = rg;
    o.n_reach = 1;
    armoede_result *r = NULL;
    int rc = armoede_take_up(t, reg, &o, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    const char *H = "households";
    /* 2022: eligible: household 11 only (A: exactly 3 years, across the split) */
    check_share(r, "take_up", H, "scheme=iit,year=2022", 1, 1);
    assert_close(val(r, "take_up", H, "scheme=iit,year=2022", ARMOEDE_FIELD_DURATION), 3, 0);
    /* 2022 users: 11 (A, eligible) and 12 (C, not eligible) -> leakage 1/2 */
    check_share(r, "leakage", H, "scheme=iit,year=2022", 1, 2);
    /* 2021: nobody eligible (A has 2 years): no take-up row; C uses it -> leakage 1/1 */
    assert_int_equal(find(r, "take_up", H, "scheme=iit,year=2021"), -1);
    check_share(r, "leakage", H, "scheme=iit,year=2021", 1, 1);
    /* reach, 3 years <= 110% in 2022: household 11 (A) only; B's household
     * 10 is high in 2022, D's run is broken, C has 2 years -> 1/1 */
    check_share(r, "reach", H, "scheme=iit,year=2022", 1, 1);
    /* persons 2022: A eligible and user -> 1/1 */
    o.units = ARMOEDE_UNIT_PERSONS;
    armoede_result *rp = NULL;
    assert_int_equal(armoede_take_up(t, reg, &o, &rp), 0);
    check_share(rp, "take_up", "persons", "scheme=iit,year=2022", 1, 1);
    armoede_result_free(rp);
    /* D's registration lies before the income years */
    /* 2015, and 900-2019 with 2023-9999 of id 5's: 1 + 1120 + 7977; id 5 is
     * not in the income table in 2020-2022 */
    expect_note(r, "registration-years not counted: 3 whose id is not in the income table");
    expect_note(r, "registration-years ignored: 9098 outside the years 2020-2022 of the income table (first: ");
    expect_note(r, "reg2.csv line 4");
    armoede_result_free(r);
    /* the same with d = 4: nobody eligible anywhere */
    s.min_years = 4;
    assert_int_equal(armoede_take_up(t, reg, &o, &r), 0);
    assert_int_equal(find(r, "take_up", "persons", "scheme=iit,year=2022"), -1);
    armoede_result_free(r);
    armoede_table_free(t);
    armoede_table_free(reg);
}

/* ------------------------------------------------------------------------
 * Conditions, age bands, the working poor, holder (Kindpas) uptake
 * ---------------------------------------------------------------------- */
static void test_take_up_conditions_work(void **state)
{
    (void)state;
    armoede_table *t = read_csv("inc1b.csv", INCOME1), *reg = read_csv("reg1b.csv", REG1);
    roles_income(t);
    /* b: <= 130% and age 25..45 and source = work:
     *   H1 (person 1 aged 40, work) yes; H2 (50, benefit) no; H3 (30, work, 110.0001%) yes.
     * c: no income test, condition "income > 10500 and source != benefit": H3 (11000.01, work), H4 (20000, work). */
    armoede_scheme s[3] = {ARMOEDE_SCHEME_INIT, ARMOEDE_SCHEME_INIT, ARMOEDE_SCHEME_INIT};
    s[0].code = "a";
    s[0].threshold = 1.1;
    s[1].code = "b";
    s[1].threshold = 1.3;
    s[1].age_min = 25;
    s[1].age_max = 45;
    s[1].condition = "source = work";
    s[2].code = "c";
    s[2].condition = "income > 10500 and source != benefit";
    armoede_impact_options po = ARMOEDE_IMPACT_OPTIONS_INIT;
    armoede_take_up_options o = ARMOEDE_TAKE_UP_OPTIONS_INIT;
    o.population = &po;
    o.schemes = s;
    o.n_schemes = 3;
    const char *set[] = {"a"};
    o.any_of = set;
    o.n_any_of = 1;
    o.any_label = "at_least_one";
    o.work_breakdown = 1;
    armoede_result *r = NULL;
    int rc = armoede_take_up(t, reg, &o, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    const char *H = "households";
    /* b eligible: H1 (user of a, not b), H3: 0/2 by Total; work: both work -> 0/2 */
    check_share(r, "take_up", H, "scheme=b,main_income=Total", 0, 2);
    check_share(r, "take_up", H, "scheme=b,main_income=work", 0, 2);
    assert_int_equal(find(r, "take_up", H, "scheme=b,main_income=not_work"), -1);
    /* c eligible: H3, H4: nobody uses c */
    check_share(r, "take_up", H, "scheme=c,main_income=Total", 0, 2);
    /* the set {a} labelled at_least_one: same as a: 1/2 */
    check_share(r, "take_up", H, "scheme=at_least_one,main_income=Total", 1, 2);
    /* the working poor: reach <= 110% among work: H1 (work, uses a) -> 1/1;
     * not_work: H2 (benefit, no scheme) -> 0/1 */
    g_p = 1.1;
    g_d = 1;
    check_share(r, "reach", H, "scheme=at_least_one,main_income=work", 1, 1);
    check_share(r, "reach", H, "scheme=at_least_one,main_income=not_work", 0, 1);
    check_share(r, "reach", H, "scheme=at_least_one,main_income=Total", 1, 2);
    g_p = g_d = ANY;
    armoede_result_free(r);

    /* a bad condition: unknown column, no operator, <= on a categorical column */
    s[2].condition = "nosuch = 1";
    assert_int_equal(armoede_take_up(t, reg, &o, &r), ARMOEDE_ENOTFOUND);
    assert_non_null(strstr(armoede_last_error(), "nosuch"));
    s[2].condition = "income 5";
    assert_int_equal(armoede_take_up(t, reg, &o, &r), ARMOEDE_EINVAL);
    s[2].condition = "source <= work";
    assert_int_equal(armoede_take_up(t, reg, &o, &r), ARMOEDE_EINVAL);
    assert_null(r);
    armoede_table_free(t);
    armoede_table_free(reg);
}

/* Holders of a pass (stadjerspas) with minors, uptake of the Kindpas.
 *   2022: H1 (minor) holder, no kindpas.
 *   2023: H1 holder again (existing) with kindpas; H2 (minor) new holder, no
 *   kindpas; H3 holder without minors (not counted); H4 (minor) holder with
 *   a high income (holders are not filtered by income) and kindpas, new. */
static void test_holder_uptake(void **state)
{
    (void)state;
    armoede_table *t = read_csv("inc3.csv",
                                "pid,hid,year,age,income,norm,whole_year,source\n"
                                "1,1,2022,40,9000,10000,1,work\n"
                                "2,1,2022,5,9000,10000,1,work\n"
                                "1,1,2023,41,9000,10000,1,work\n"
                                "2,1,2023,6,9000,10000,1,work\n"
                                "3,2,2023,30,9000,10000,1,benefit\n"
                                "4,2,2023,3,9000,10000,1,benefit\n"
                                "5,3,2023,30,9000,10000,1,benefit\n"
                                "6,4,2023,30,50000,10000,1,work\n"
                                "7,4,2023,12,50000,10000,1,work\n");
    armoede_table *reg = read_csv("reg3.csv",
                                  "hid,scheme,year\n"
                                  "1,stadjerspas,2022\n"
                                  "1,stadjerspas,2023\n"
                                  "1,kindpas,2023\n"
                                  "2,stadjerspas,2023\n"
                                  "3,stadjerspas,2023\n"
                                  "4,stadjerspas,2023\n"
                                  "4,kindpas,2023\n");
    roles_income(t);
    armoede_scheme s[2] = {ARMOEDE_SCHEME_INIT, ARMOEDE_SCHEME_INIT};
    s[0].code = "stadjerspas";
    s[0].threshold = 1.2;
    s[1].code = "kindpas";
    s[1].threshold = 1.2;
    s[1].needs_minors = 1;
    armoede_impact_options po = ARMOEDE_IMPACT_OPTIONS_INIT;
    const char *by[] = {"year"};
    po.by = by;
    po.n_by = 1;
    armoede_take_up_options o = ARMOEDE_TAKE_UP_OPTIONS_INIT;
    o.population = &po;
    o.schemes = s;
    o.n_schemes = 2;
    o.registrations.id = "hid";
    o.registrations.level = ARMOEDE_LEVEL_HOUSEHOLD;
    o.holder_scheme = "stadjerspas";
    o.holder_child_scheme = "kindpas";
    armoede_result *r = NULL;
    int rc = armoede_take_up(t, reg, &o, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    const char *H = "households";
    check_share(r, "holder_uptake", H, "scheme=kindpas,pass_holder=existing,year=2023", 1, 1);
    check_share(r, "holder_uptake", H, "scheme=kindpas,pass_holder=new,year=2023", 1, 2);
    check_share(r, "holder_uptake", H, "scheme=kindpas,pass_holder=Total,year=2023", 2, 3);
    /* 2022, the first year: only Total */
    check_share(r, "holder_uptake", H, "scheme=kindpas,pass_holder=Total,year=2022", 0, 1);
    assert_int_equal(find(r, "holder_uptake", H, "scheme=kindpas,pass_holder=new,year=2022"), -1);
    /* kindpas take-up 2023 among eligible (<= 120%, minors): H1, H2 -> 1/2;
     * leakage: users H1, H4 (income 500%) -> 1/2 */
    check_share(r, "take_up", H, "scheme=kindpas,year=2023", 1, 2);
    check_share(r, "leakage", H, "scheme=kindpas,year=2023", 1, 2);
    armoede_result_free(r);
    /* household registrations count for every member: persons eligible for
     * the kindpas in 2023: H1 (1, 2) and H2 (3, 4); users H1's -> 2/4 */
    o.units = ARMOEDE_UNIT_PERSONS;
    assert_int_equal(armoede_take_up(t, reg, &o, &r), 0);
    check_share(r, "take_up", "persons", "scheme=kindpas,year=2023", 2, 4);
    check_share(r, "holder_uptake", "persons", "scheme=kindpas,pass_holder=existing,year=2023", 2, 2);
    armoede_result_free(r);
    armoede_table_free(t);
    armoede_table_free(reg);
}

/* ------------------------------------------------------------------------
 * Bad registrations: errors naming file, line, column and value
 * ---------------------------------------------------------------------- */
static void test_registrations_bad(void **state)
{
    (void)state;
    armoede_registration_columns c = ARMOEDE_REGISTRATION_COLUMNS_INIT;
    c.year = NULL;
    c.start = "start";
    c.end = "end";
    c.amount = "amount";
    armoede_table *t = NULL;
    /* a good file */
    assert_int_equal(armoede_registrations_read_csv(write_text("r_ok.csv", "id,scheme,start,end,amount,other\n"
                                                                           "1,a,2023-01-01,2023-12-31,12.50,x\n"
                                                                           "2,b,2023-02-01,,0,y\n"),
                                                    &c, NULL, &t),
                     0);
    assert_int_equal(armoede_table_nrows(t), 2);
    assert_int_equal(armoede_table_ncols(t), 5); /* 'other' not loaded */
    assert_int_equal(armoede_table_coltype(t, "end"), ARMOEDE_TYPE_DATE);
    armoede_table_free(t);
    /* end before start */
    assert_int_equal(armoede_registrations_read_csv(write_text("r_end.csv", "id,scheme,start,end,amount\n"
                                                                            "1,a,2023-01-01,2023-12-31,1\n"
                                                                            "2,a,2023-05-01,2023-04-30,1\n"),
                                                    &c, NULL, &t),
                     ARMOEDE_EDATA);
    assert_null(t);
    const char *e = armoede_last_error();
    assert_non_null(strstr(e, "r_end.csv line 3"));
    assert_non_null(strstr(e, "column 'end'"));
    assert_non_null(strstr(e, "2023-04-30"));
    /* a Dutch date is not guessed */
    assert_int_equal(armoede_registrations_read_csv(write_text("r_nl.csv", "id,scheme,start,end,amount\n"
                                                                           "1,a,01-05-2023,,1\n"),
                                                    &c, NULL, &t),
                     ARMOEDE_EPARSE);
    assert_non_null(strstr(armoede_last_error(), "01-05-2023"));
    /* a missing scheme, a negative amount */
    assert_int_equal(armoede_registrations_read_csv(write_text("r_sch.csv", "id,scheme,start,end,amount\n"
                                                                            "1,,2023-01-01,,1\n"),
                                                    &c, NULL, &t),
                     ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "r_sch.csv line 2, column 'scheme'"));
    assert_int_equal(armoede_registrations_read_csv(write_text("r_amt.csv", "id,scheme,start,end,amount\n"
                                                                            "1,a,2023-01-01,,-5\n"),
                                                    &c, NULL, &t),
                     ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "value '-5'"));
    /* take-up sees an end before the start in a table built otherwise */
    armoede_table *inc = read_csv("inc1c.csv", INCOME1);
    roles_income(inc);
    armoede_table *reg = read_csv("r_bad2.csv", "id,scheme,start,end\n1,a,2023-05-01,2023-04-30\n");
    armoede_scheme s = ARMOEDE_SCHEME_INIT;
    s.code = "a";
    s.threshold = 1.1;
    armoede_take_up_options o = ARMOEDE_TAKE_UP_OPTIONS_INIT;
    o.schemes = &s;
    o.n_schemes = 1;
    o.registrations.year = NULL;
    o.registrations.start = "start";
    o.registrations.end = "end";
    armoede_result *r = NULL;
    assert_int_equal(armoede_take_up(inc, reg, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "r_bad2.csv line 2, column 'end', value '2023-04-30'"));
    /* bad options */
    o.registrations.start = "nosuch";
    assert_int_equal(armoede_take_up(inc, reg, &o, &r), ARMOEDE_ENOTFOUND);
    o.registrations.start = "start";
    o.n_schemes = 0;
    assert_int_equal(armoede_take_up(inc, reg, &o, &r), ARMOEDE_EINVAL);
    armoede_scheme two[2] = {s, s};
    o.schemes = two;
    o.n_schemes = 2;
    assert_int_equal(armoede_take_up(inc, reg, &o, &r), ARMOEDE_EINVAL); /* duplicate code */
    assert_int_equal(armoede_take_up(NULL, reg, &o, &r), ARMOEDE_EINVAL);
    o.version = 99;
    assert_int_equal(armoede_take_up(inc, reg, &o, &r), ARMOEDE_EINVAL);
    armoede_table_free(inc);
    armoede_table_free(reg);
}


/* ------------------------------------------------------------------------
 * A person eligible for part of the year (issue 3, tests): income data are
 * annual; a household with income for part of a year is outside the CBS
 * population (whole-year filter) that year, and its registration is counted
 * in the note on users outside the population (docs/outcome.md).
 *   person 1, household 1: 2022 whole year at 90%; 2023 part of the year
 *     (whole_year 0) at 90%; a registration 2022-07-01..2023-03-31.
 *   person 2, household 2: 2023 whole year at 90%; a registration for 2023.
 * Scheme a: <= 100%.
 * ---------------------------------------------------------------------- */
static void test_take_up_part_year(void **state)
{
    (void)state;
    armoede_table *t = read_csv("inc_py.csv", "pid,hid,year,age,income,norm,whole_year,source\n"
                                              "1,1,2022,40,9000,10000,1,benefit\n"
                                              "1,1,2023,41,9000,10000,0,benefit\n"
                                              "2,2,2023,30,9000,10000,1,benefit\n");
    armoede_table *reg = read_csv("reg_py.csv", "id,scheme,start,end\n"
                                                "1,a,2022-07-01,2023-03-31\n"
                                                "2,a,2023-01-01,2023-12-31\n");
    roles_income(t);
    armoede_scheme s = ARMOEDE_SCHEME_INIT;
    s.code = "a";
    s.threshold = 1.0;
    armoede_impact_options po = ARMOEDE_IMPACT_OPTIONS_INIT;
    const char *by[] = {"year"};
    po.by = by;
    po.n_by = 1;
    po.filter_whole_year = 1;
    armoede_take_up_options o = ARMOEDE_TAKE_UP_OPTIONS_INIT;
    o.population = &po;
    o.schemes = &s;
    o.n_schemes = 1;
    o.registrations.year = NULL;
    o.registrations.start = "start";
    o.registrations.end = "end";
    o.units = ARMOEDE_UNIT_HOUSEHOLDS | ARMOEDE_UNIT_PERSONS;
    armoede_result *r = NULL;
    int rc = armoede_take_up(t, reg, &o, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    /* 2022: household 1 in the population, eligible, uses a: 1/1 */
    check_share(r, "take_up", "households", "scheme=a,year=2022", 1, 1);
    /* 2023: household 1 is outside (part of the year): only household 2 */
    check_share(r, "take_up", "households", "scheme=a,year=2023", 1, 1);
    check_share(r, "leakage", "households", "scheme=a,year=2023", 0, 1);
    check_share(r, "take_up", "persons", "scheme=a,year=2023", 1, 1);
    /* its 2023 registration-year is in the note, for households and persons */
    expect_note(r, "households: 1 unit-years that use a scheme are outside the population");
    expect_note(r, "persons: 1 unit-years that use a scheme are outside the population");
    expect_note(r, "income rows out of the population: 1 (no income for the whole year (CBS filter))");
    armoede_result_free(r);
    /* the filter off: household 1 is in the 2023 population and uses a */
    po.filter_whole_year = 0;
    assert_int_equal(armoede_take_up(t, reg, &o, &r), 0);
    check_share(r, "take_up", "households", "scheme=a,year=2023", 2, 2);
    assert_false(has_note(r, "outside the population"));
    armoede_result_free(r);
    armoede_table_free(t);
    armoede_table_free(reg);
}

/* ------------------------------------------------------------------------
 * A year column and dates (issue 3, bad input "dates outside the year"):
 * with both named, the year decides and the dates must overlap it.
 * Income: INCOME1 (2023). Scheme a (<= 110%): eligible households H1
 * (persons 1, 2) and H2 (person 3).
 *   line 2: person 1, year 2023, 2015-05-01..2015-06-01: no overlap (end)
 *   line 3: person 2, year 2023, from 2023-03-01, open: in use 2023
 *   line 4: person 3, year 2023, 2024-01-01..2024-02-01: no overlap (start)
 *   line 5: person 4, no year, 2023-02-01..2023-02-28: its dates, 2023
 * Households: take-up H1 (via person 2) of H1, H2 = 1/2 (2/2 if the dates
 * were ignored); leakage H1, H3 -> H3 not eligible = 1/2.
 * ---------------------------------------------------------------------- */
static const char *REGYD =
    "id,scheme,year,start,end\n"
    "1,a,2023,2015-05-01,2015-06-01\n"
    "2,a,2023,2023-03-01,\n"
    "3,a,2023,2024-01-01,2024-02-01\n"
    "4,a,,2023-02-01,2023-02-28\n";

static void test_take_up_year_and_dates(void **state)
{
    (void)state;
    armoede_table *t = read_csv("inc_yd.csv", INCOME1), *reg = read_csv("reg_yd.csv", REGYD);
    roles_income(t);
    armoede_scheme s = ARMOEDE_SCHEME_INIT;
    s.code = "a";
    s.threshold = 1.10;
    armoede_take_up_options o = ARMOEDE_TAKE_UP_OPTIONS_INIT;
    o.schemes = &s;
    o.n_schemes = 1;
    o.registrations.start = "start";
    o.registrations.end = "end";
    o.units = ARMOEDE_UNIT_HOUSEHOLDS | ARMOEDE_UNIT_PERSONS;
    armoede_result *r = NULL;
    int rc = armoede_take_up(t, reg, &o, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    check_share(r, "take_up", "households", "scheme=a", 1, 2);
    check_share(r, "leakage", "households", "scheme=a", 1, 2);
    check_share(r, "take_up", "persons", "scheme=a", 1, 3); /* person 2 of 1, 2, 3 */
    expect_note(r, "registrations left out: 2 whose start and end dates do not overlap their year (first: ");
    expect_note(r, "reg_yd.csv line 2, column 'end', value '2015-06-01'");
    armoede_result_free(r);
    /* the same file through the reader: the rows are read (the rule is take-up's) */
    armoede_registration_columns c = ARMOEDE_REGISTRATION_COLUMNS_INIT;
    c.start = "start";
    c.end = "end";
    armoede_table *rr = NULL;
    assert_int_equal(armoede_registrations_read_csv(tpath("reg_yd.csv"), &c, NULL, &rr), 0);
    assert_int_equal(armoede_take_up(t, rr, &o, &r), 0);
    check_share(r, "take_up", "households", "scheme=a", 1, 2);
    armoede_result_free(r);
    armoede_table_free(rr);
    /* an end before the start is an error with a year too; and a row
     * without a year and without a start date */
    armoede_table *bad = read_csv("reg_yd2.csv", "id,scheme,year,start,end\n1,a,2023,2023-05-01,2023-04-30\n");
    assert_int_equal(armoede_take_up(t, bad, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "reg_yd2.csv line 2, column 'end', value '2023-04-30'"));
    armoede_table_free(bad);
    bad = read_csv("reg_yd3.csv", "id,scheme,year,start,end\n1,a,2023,2023-05-01,\n2,a,,,2023-04-30\n");
    assert_int_equal(armoede_take_up(t, bad, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "reg_yd3.csv line 3, column 'year', value '(missing)'"));
    armoede_table_free(bad);
    armoede_table_free(t);
    armoede_table_free(reg);
}

/* Empty and mistyped registrations, read as a plain table (the monitor's
 * path), and the amount where it is named. */
static void test_registrations_types(void **state)
{
    (void)state;
    armoede_table *t = read_csv("inc_ty.csv", INCOME1);
    roles_income(t);
    armoede_scheme s = ARMOEDE_SCHEME_INIT;
    s.code = "a";
    s.threshold = 1.10;
    armoede_take_up_options o = ARMOEDE_TAKE_UP_OPTIONS_INIT;
    o.schemes = &s;
    o.n_schemes = 1;
    armoede_result *r = NULL;
    /* a header only: zero users, with a note (H1, H2 eligible: 0/2) */
    armoede_table *reg = read_csv("reg_empty.csv", "id,scheme,year\n");
    int rc = armoede_take_up(t, reg, &o, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    check_share(r, "take_up", "households", "scheme=a", 0, 2);
    assert_int_equal(find(r, "leakage", "households", "scheme=a"), -1);
    expect_note(r, "reg_empty.csv has no rows: no unit uses a scheme");
    armoede_result_free(r);
    armoede_table_free(reg);
    /* the same through the registrations reader */
    armoede_registration_columns c = ARMOEDE_REGISTRATION_COLUMNS_INIT;
    assert_int_equal(armoede_registrations_read_csv(tpath("reg_empty.csv"), &c, NULL, &reg), 0);
    assert_int_equal(armoede_table_nrows(reg), 0);
    assert_int_equal(armoede_take_up(t, reg, &o, &r), 0);
    check_share(r, "take_up", "households", "scheme=a", 0, 2);
    armoede_result_free(r);
    armoede_table_free(reg);
    /* a year with a fraction: ETYPE naming file, line, column and value */
    reg = read_csv("reg_frac.csv", "id,scheme,year\n1,a,2023\n2,a,2022.5\n");
    assert_int_equal(armoede_take_up(t, reg, &o, &r), ARMOEDE_ETYPE);
    assert_null(r);
    assert_non_null(strstr(armoede_last_error(), "reg_frac.csv line 3, column 'year', value '2022.5'"));
    armoede_table_free(reg);
    /* a year column with no value at all: EDATA on its first row */
    reg = read_csv("reg_noyear.csv", "id,scheme,year\n1,a,\n2,a,\n");
    assert_int_equal(armoede_take_up(t, reg, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "reg_noyear.csv line 2, column 'year', value '(missing)': a registration without a year"));
    armoede_table_free(reg);
    /* a categorical year */
    reg = read_csv("reg_catyear.csv", "id,scheme,year\n1,a,2023\n2,a,last year\n");
    assert_int_equal(armoede_take_up(t, reg, &o, &r), ARMOEDE_ETYPE);
    assert_non_null(strstr(armoede_last_error(), "reg_catyear.csv line 3, column 'year', value 'last year'"));
    armoede_table_free(reg);
    /* an id with a fraction: in take-up and in the reader */
    reg = read_csv("reg_fracid.csv", "id,scheme,year\n1,a,2023\n1.5,a,2023\n");
    assert_int_equal(armoede_take_up(t, reg, &o, &r), ARMOEDE_ETYPE);
    assert_non_null(strstr(armoede_last_error(), "reg_fracid.csv line 3, column 'id', value '1.5'"));
    armoede_table_free(reg);
    assert_int_equal(armoede_registrations_read_csv(tpath("reg_fracid.csv"), &c, NULL, &reg), ARMOEDE_ETYPE);
    assert_null(reg);
    assert_non_null(strstr(armoede_last_error(), "reg_fracid.csv line 3, column 'id', value '1.5'"));
    /* a negative amount, where the amount column is named */
    reg = read_csv("reg_amt.csv", "id,scheme,year,amount\n1,a,2023,10\n2,a,2023,-5\n");
    assert_int_equal(armoede_take_up(t, reg, &o, &r), 0); /* not named: not read */
    armoede_result_free(r);
    o.registrations.amount = "amount";
    assert_int_equal(armoede_take_up(t, reg, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "reg_amt.csv line 3, column 'amount', value '-5': a negative amount"));
    o.registrations.amount = "nosuch";
    assert_int_equal(armoede_take_up(t, reg, &o, &r), ARMOEDE_ENOTFOUND);
    o.registrations.amount = NULL;
    armoede_table_free(reg);
    armoede_table_free(t);
}

/* ------------------------------------------------------------------------
 * Brute force: random panel, take-up per scheme, year and household
 * ---------------------------------------------------------------------- */
#define BF_P 1500
#define BF_Y 5
#define BF_Y0 2018
static uint64_t bf_state = 88172645463325252ULL;
static uint64_t bf_next(void)
{
    bf_state ^= bf_state << 13;
    bf_state ^= bf_state >> 7;
    bf_state ^= bf_state << 17;
    return bf_state;
}
static double bf_unif(void) { return (double)(bf_next() >> 11) / 9007199254740992.0; }

typedef struct {
    int present, hid, age, whole;
    double income, norm; /* of the household */
    int reg0, reg1;      /* registrations of the person */
} bf_py;

static void test_take_up_bruteforce(void **state)
{
    (void)state;
    static bf_py py[BF_P][BF_Y];
    int base_age[BF_P];
    for (int i = 0; i < BF_P; i++) base_age[i] = (int)(bf_unif() * 80);
    int hid = 1;
    size_t nrows = 0;
    for (int y = 0; y < BF_Y; y++) {
        int i = 0;
        while (i < BF_P) {
            int size = 1 + (int)(bf_unif() * 4);
            double norm = 10000 + (int)(bf_unif() * 10000);
            /* incomes in whole cents, many near the lines */
            double income = floor((0.8 + bf_unif() * 0.6) * norm * 100) / 100;
            if (bf_unif() < 0.05) income = floor(1.1 * norm * 100 + 0.5) / 100; /* exactly on 110% */
            int whole = bf_unif() < 0.95;
            for (int k = 0; k < size && i < BF_P; k++, i++) {
                bf_py *q = &py[i][y];
                q->present = bf_unif() < 0.9;
                if (!q->present) continue;
                q->hid = hid;
                q->age = base_age[i] + y;
                q->whole = whole;
                q->income = income;
                q->norm = norm;
                q->reg0 = bf_unif() < 0.3;
                q->reg1 = bf_unif() < 0.2;
                nrows++;
            }
            hid++;
        }
    }
    int64_t *pid = malloc(nrows * sizeof *pid), *hh = malloc(nrows * sizeof *hh), *yr = malloc(nrows * sizeof *yr),
            *age = malloc(nrows * sizeof *age), *wh = malloc(nrows * sizeof *wh);
    double *inc = malloc(nrows * sizeof *inc), *nrm = malloc(nrows * sizeof *nrm);
    size_t nreg = 0;
    int64_t *rid = malloc(3 * nrows * sizeof *rid), *ryr = malloc(3 * nrows * sizeof *ryr);
    const char **rsc = malloc(3 * nrows * sizeof *rsc);
    assert_true(pid && hh && yr && age && wh && inc && nrm && rid && ryr && rsc);
    size_t n = 0;
    for (int y = 0; y < BF_Y; y++)
        for (int i = 0; i < BF_P; i++) {
            bf_py *q = &py[i][y];
            if (!q->present) continue;
            pid[n] = i + 1; hh[n] = (int64_t)q->hid * 1000003; /* sparse: the hash path */ yr[n] = BF_Y0 + y; age[n] = q->age; wh[n] = q->whole;
            inc[n] = q->income; nrm[n] = q->norm;
            n++;
            if (q->reg0) { rid[nreg] = i + 1; ryr[nreg] = BF_Y0 + y; rsc[nreg++] = "s0"; }
            if (q->reg1) { rid[nreg] = i + 1; ryr[nreg] = BF_Y0 + y; rsc[nreg++] = "s1"; }
        }
    /* registrations of persons absent that year, and of unknown ids */
    for (int k = 0; k < 50; k++) { rid[nreg] = 100000 + k; ryr[nreg] = BF_Y0; rsc[nreg++] = "s0"; }
    armoede_table *t = NULL, *reg = NULL;
    assert_int_equal(armoede_table_new(nrows, &t), 0);
    assert_int_equal(armoede_table_add_int(t, "pid", pid, nrows, 1), 0);
    assert_int_equal(armoede_table_add_int(t, "hid", hh, nrows, 1), 0);
    assert_int_equal(armoede_table_add_int(t, "year", yr, nrows, 1), 0);
    assert_int_equal(armoede_table_add_int(t, "age", age, nrows, 1), 0);
    assert_int_equal(armoede_table_add_int(t, "whole_year", wh, nrows, 1), 0);
    assert_int_equal(armoede_table_add_real(t, "income", inc, nrows, 1), 0);
    assert_int_equal(armoede_table_add_real(t, "norm", nrm, nrows, 1), 0);
    assert_int_equal(armoede_table_new(nreg, &reg), 0);
    assert_int_equal(armoede_table_add_int(reg, "id", rid, nreg, 1), 0);
    assert_int_equal(armoede_table_add_int(reg, "year", ryr, nreg, 1), 0);
    assert_int_equal(armoede_table_add_text(reg, "scheme", rsc, nreg), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_PERSON_ID, "pid"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_ID, "hid"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "year"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_AGE, "age"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_WHOLE_YEAR, "whole_year"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "income"), 0);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_NORM, "norm"), 0);

    armoede_scheme s[2] = {ARMOEDE_SCHEME_INIT, ARMOEDE_SCHEME_INIT};
    s[0].code = "s0";
    s[0].threshold = 1.2;
    s[1].code = "s1";
    s[1].threshold = 1.1;
    s[1].min_years = 2;
    s[1].needs_minors = 1;
    armoede_impact_options po = ARMOEDE_IMPACT_OPTIONS_INIT;
    const char *by[] = {"year"};
    po.by = by;
    po.n_by = 1;
    armoede_take_up_options o = ARMOEDE_TAKE_UP_OPTIONS_INIT;
    o.population = &po;
    o.schemes = s;
    o.n_schemes = 2;
    armoede_result *r = NULL;
    int rc = armoede_take_up(t, reg, &o, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);

    /* brute force, household by household */
    static int low12[BF_P][BF_Y], low11[BF_P][BF_Y], inpop[BF_P][BF_Y];
    for (int y = 0; y < BF_Y; y++)
        for (int i = 0; i < BF_P; i++) {
            bf_py *q = &py[i][y];
            inpop[i][y] = q->present && q->whole;
            low12[i][y] = inpop[i][y] && llround(q->income * 100) <= llround(1.2 * q->norm * 100);
            low11[i][y] = inpop[i][y] && llround(q->income * 100) <= llround(1.1 * q->norm * 100);
        }
    size_t checked = 0;
    for (int y = 0; y < BF_Y; y++) {
        double te[3] = {0}, tu[3] = {0}, lu[3] = {0}, ln[3] = {0};
        /* households of year y: ids in increasing order of appearance */
        for (int h = 1; h < hid; h++) {
            int any = 0, pop = 0, l12 = 0, l11 = 0, minors = 0, run2 = 0, u0 = 0, u1 = 0;
            double ratio = 0;
            for (int i = 0; i < BF_P; i++) {
                bf_py *q = &py[i][y];
                if (!q->present || q->hid != h) continue;
                any = 1;
                pop = inpop[i][y];
                l12 = low12[i][y];
                l11 = low11[i][y];
                ratio = q->income / q->norm;
                if (q->age < 18) minors = 1;
                if (y > 0 && low11[i][y] && low11[i][y - 1]) run2 = 1;
                u0 |= q->reg0;
                u1 |= q->reg1;
            }
            if (!any || !pop) continue;
            (void)ratio;
            int e0 = l12, e1 = l11 && run2 && minors;
            int e[3] = {e0, e1, e0 || e1}, u[3] = {u0, u1, u0 || u1};
            for (int k = 0; k < 3; k++) {
                if (e[k]) { te[k]++; tu[k] += u[k]; }
                if (u[k]) { lu[k]++; ln[k] += !e[k]; }
            }
        }
        char spec[64];
        static const char *const code[3] = {"s0", "s1", "any"};
        for (int k = 0; k < 3; k++) {
            snprintf(spec, sizeof spec, "scheme=%s,year=%d", code[k], BF_Y0 + y);
            if (te[k] > 0) { check_share(r, "take_up", "households", spec, tu[k], te[k]); checked++; }
            else assert_int_equal(find(r, "take_up", "households", spec), -1);
            if (lu[k] > 0) { check_share(r, "leakage", "households", spec, ln[k], lu[k]); checked++; }
        }
    }
    assert_true(checked >= 28); /* s1 has no eligible household in the first year */
    /* reach <= 130% households per year = armoede_minima's households at 130% */
    armoede_impact_options mo = ARMOEDE_IMPACT_OPTIONS_INIT;
    double thr[] = {1.3};
    mo.thresholds = thr;
    mo.n_thresholds = 1;
    mo.units = ARMOEDE_UNIT_HOUSEHOLDS;
    mo.by = by;
    mo.n_by = 1;
    armoede_result *m = NULL;
    assert_int_equal(armoede_minima(t, &mo, &m), 0);
    for (int y = 0; y < BF_Y; y++) {
        char spec[64];
        snprintf(spec, sizeof spec, "year=%d", BF_Y0 + y);
        double minima = val(m, "minima", "households", spec, ARMOEDE_FIELD_NUM_N);
        snprintf(spec, sizeof spec, "scheme=s0,year=%d", BF_Y0 + y);
        g_p = 1.3;
        g_d = 1;
        assert_close(val(r, "reach", "households", spec, ARMOEDE_FIELD_DEN_N), minima, 0);
        g_p = g_d = ANY;
        assert_true(minima > 100);
    }
    expect_note(r, "registration-years not counted: 50 whose id is not in the income table");
    armoede_result_free(m);
    armoede_result_free(r);
    armoede_table_free(t);
    armoede_table_free(reg);
    free(pid); free(hh); free(yr); free(age); free(wh); free(inc); free(nrm); free(rid); free(ryr); free(rsc);
}

/* ------------------------------------------------------------------------
 * Debt at intake against the nation
 * ---------------------------------------------------------------------- */
static armoede_table *national_table(void)
{
    armoede_table *n = NULL;
    int rc = armoede_table_read_csv(SOURCE_ROOT "/data/national_figures.csv", NULL, &n);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    return n;
}

/* 2022: private debts 10000..40000 (mean 25000, median 25000), creditors
 * 10, 12, 14, 16; days 5, 10, 15 and 20 (the last a crisis case, left out);
 * one private case with debt -500 (left out of debt), 8 creditors, a first
 * appointment before its intake (left out of days); one entrepreneur
 * 100000, 20 creditors, 30 days.
 * 2023: private 5000, 7000; entrepreneur 80000. */
static const char *CASES1 =
    "case,client_id,intake_date,client_type,debt,creditors,first_appointment,crisis,wijk\n"
    "1,1,2022-01-10,private,10000,10,2022-01-15,0,A\n"
    "2,2,2022-02-01,private,20000,12,2022-02-11,0,A\n"
    "3,3,2022-03-01,private,30000,14,2022-03-16,0,B\n"
    "4,4,2022-04-01,private,40000,16,2022-04-21,1,B\n"
    "5,5,2022-05-01,entrepreneur,100000,20,2022-05-31,0,A\n"
    "6,6,2022-06-01,private,-500,8,2022-05-30,0,B\n"
    "7,7,2023-01-01,private,5000,5,2023-01-02,0,A\n"
    "8,8,2023-02-01,private,7000,7,2023-02-03,0,A\n"
    "9,9,2023-03-01,entrepreneur,80000,30,,0,B\n";

static void test_debt_intake_hand(void **state)
{
    (void)state;
    armoede_table *c = read_csv("cases1.csv", CASES1), *nat = national_table();
    assert_int_equal(armoede_table_coltype(c, "intake_date"), ARMOEDE_TYPE_DATE);
    armoede_debt_options o = ARMOEDE_DEBT_OPTIONS_INIT;
    o.national = nat;
    o.bootstrap = 0;
    armoede_result *r = NULL;
    int rc = armoede_debt_intake(c, &o, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    const char *U = "cases";
    const char *p22 = "year=2022,client_type=private", *e22 = "year=2022,client_type=entrepreneur",
               *t22 = "year=2022,client_type=Total";
    assert_close(val(r, "debt_mean", U, p22, ARMOEDE_FIELD_ESTIMATE), 25000, 0);
    assert_close(val(r, "debt_mean", U, p22, ARMOEDE_FIELD_NUM_W), 100000, 0);
    assert_close(val(r, "debt_mean", U, p22, ARMOEDE_FIELD_DEN_N), 4, 0);
    assert_close(val(r, "debt_mean", U, p22, ARMOEDE_FIELD_REFERENCE), 37485, 0);
    assert_close(val(r, "debt_median", U, p22, ARMOEDE_FIELD_ESTIMATE), 25000, 0);
    /* a median is not compared with the national mean: no national median ships */
    assert_true(isnan(val(r, "debt_median", U, p22, ARMOEDE_FIELD_REFERENCE)));
    assert_true(isnan(val(r, "creditors_median", U, t22, ARMOEDE_FIELD_REFERENCE)));
    assert_true(isnan(val(r, "days_to_appointment_median", U, t22, ARMOEDE_FIELD_REFERENCE)));
    assert_close(val(r, "days_to_appointment_mean", U, t22, ARMOEDE_FIELD_REFERENCE), 11, 0);
    expect_note(r, "debt_median: REFERENCE empty in ");
    assert_close(val(r, "debt_ratio", U, p22, ARMOEDE_FIELD_ESTIMATE), 25000.0 / 37485, 1e-15);
    assert_true(isnan(val(r, "debt_ratio", U, p22, ARMOEDE_FIELD_CI_LOW))); /* bootstrap off */
    assert_close(val(r, "debt_mean", U, t22, ARMOEDE_FIELD_ESTIMATE), 40000, 0);
    assert_close(val(r, "debt_median", U, t22, ARMOEDE_FIELD_ESTIMATE), 30000, 0);
    assert_close(val(r, "debt_ratio", U, t22, ARMOEDE_FIELD_ESTIMATE), 40000.0 / 40170, 1e-15);
    assert_close(val(r, "debt_ratio", U, e22, ARMOEDE_FIELD_ESTIMATE), 100000.0 / 74000, 1e-15);
    /* creditors: private 10, 12, 14, 16, 8 -> 12; no national figure for private persons */
    assert_close(val(r, "creditors_mean", U, p22, ARMOEDE_FIELD_ESTIMATE), 12, 0);
    assert_close(val(r, "creditors_median", U, p22, ARMOEDE_FIELD_ESTIMATE), 12, 0);
    long i = find(r, "creditors_ratio", U, p22);
    assert_true(i >= 0);
    assert_int_equal(armoede_result_status(r, (size_t)i), ARMOEDE_CELL_NO_DATA);
    assert_non_null(strstr(armoede_result_reason(r, (size_t)i), "no national figure nvvk_mean_creditors for 2022 (private persons)"));
    assert_true(isnan(armoede_result_value(r, (size_t)i, ARMOEDE_FIELD_ESTIMATE)));
    /* creditors total: 80 / 6 against 13 (all clients 2022) */
    assert_close(val(r, "creditors_ratio", U, t22, ARMOEDE_FIELD_ESTIMATE), 80.0 / 6 / 13, 1e-15);
    assert_close(val(r, "creditors_median", U, t22, ARMOEDE_FIELD_ESTIMATE), 13, 0); /* 8 10 12 14 16 20 */
    /* days: ordinary cases 5, 10, 15 (private) and 30 (entrepreneur): total 15 against 11 */
    assert_close(val(r, "days_to_appointment_mean", U, p22, ARMOEDE_FIELD_ESTIMATE), 10, 0);
    assert_close(val(r, "days_to_appointment_mean", U, t22, ARMOEDE_FIELD_ESTIMATE), 15, 0);
    assert_close(val(r, "days_to_appointment_median", U, t22, ARMOEDE_FIELD_ESTIMATE), 12.5, 0);
    assert_close(val(r, "days_to_appointment_ratio", U, t22, ARMOEDE_FIELD_ESTIMATE), 15.0 / 11, 1e-15);
    /* 2023: only the entrepreneurs have a national figure (72244); never 2022's */
    const char *p23 = "year=2023,client_type=private", *t23 = "year=2023,client_type=Total";
    assert_close(val(r, "debt_mean", U, p23, ARMOEDE_FIELD_ESTIMATE), 6000, 0);
    assert_true(isnan(val(r, "debt_mean", U, p23, ARMOEDE_FIELD_REFERENCE)));
    i = find(r, "debt_ratio", U, p23);
    assert_int_equal(armoede_result_status(r, (size_t)i), ARMOEDE_CELL_NO_DATA);
    assert_non_null(strstr(armoede_result_reason(r, (size_t)i), "for 2023 (private persons)"));
    i = find(r, "debt_ratio", U, t23);
    assert_int_equal(armoede_result_status(r, (size_t)i), ARMOEDE_CELL_NO_DATA);
    assert_close(val(r, "debt_ratio", U, "year=2023,client_type=entrepreneur", ARMOEDE_FIELD_ESTIMATE), 80000.0 / 72244, 1e-15);
    expect_note(r, "debt_ratio: no national figure nvvk_mean_debt_at_intake for 2023 (private persons), 2023 (all clients)");
    /* the rules */
    expect_note(r, "debt: 1 cases with a negative debt left out of the debt rows (first: ");
    expect_note(r, "cases1.csv line 7, column 'debt', value '-500'");
    expect_note(r, "days_to_appointment: 1 crisis cases left out");
    expect_note(r, "days_to_appointment: 1 cases with a first appointment before the intake left out");
    expect_note(r, "days_to_appointment: 1 cases without a first appointment left out");
    /* rounding to 5 rounds the counts, not the amounts: the creditors' ratio
     * keeps 80 / 6 and the national 13, its 6 cases become 5 */
    armoede_sdc_options so = ARMOEDE_SDC_OPTIONS_INIT;
    so.min_n = 1;
    so.secondary = 0;
    so.dominance_n = 0;
    so.round_base = 5;
    assert_int_equal(armoede_sdc_apply(r, &so), 0);
    assert_close(val(r, "creditors_ratio", U, t22, ARMOEDE_FIELD_NUM_W), 80.0 / 6, 1e-15);
    assert_close(val(r, "creditors_ratio", U, t22, ARMOEDE_FIELD_DEN_W), 13, 0);
    assert_close(val(r, "creditors_ratio", U, t22, ARMOEDE_FIELD_DEN_N), 5, 0);
    assert_close(val(r, "days_to_appointment_ratio", U, t22, ARMOEDE_FIELD_DEN_W), 11, 0);
    assert_close(val(r, "creditors_mean", U, t22, ARMOEDE_FIELD_DEN_W), 5, 0); /* a count of cases */
    assert_close(val(r, "creditors_ratio", U, t22, ARMOEDE_FIELD_ESTIMATE), 80.0 / 6 / 13, 1e-15);
    armoede_result_free(r);

    /* a national median, where the table has one, is the median's reference */
    armoede_table *natm = read_csv("nat_median.csv", "indicator,year,value,unit,population,source,note\n"
                                                     "nvvk_mean_debt_at_intake,2022,37485,EUR,private persons,x,\n"
                                                     "nvvk_median_debt_at_intake,2022,21000,EUR,private persons,x,\n");
    o.national = natm;
    assert_int_equal(armoede_debt_intake(c, &o, &r), 0);
    assert_close(val(r, "debt_median", U, p22, ARMOEDE_FIELD_REFERENCE), 21000, 0);
    assert_close(val(r, "debt_mean", U, p22, ARMOEDE_FIELD_REFERENCE), 37485, 0);
    assert_true(isnan(val(r, "debt_median", U, t22, ARMOEDE_FIELD_REFERENCE)));
    armoede_result_free(r);
    o.national = nat;
    armoede_table_free(natm);

    /* a by column with a margin */
    const char *by[] = {"wijk"};
    o.by = by;
    o.n_by = 1;
    o.margins = by;
    o.n_margins = 1;
    assert_int_equal(armoede_debt_intake(c, &o, &r), 0);
    assert_close(val(r, "debt_mean", U, "year=2022,client_type=private,wijk=A", ARMOEDE_FIELD_ESTIMATE), 15000, 0);
    assert_close(val(r, "debt_mean", U, "year=2022,client_type=Total,wijk=Total", ARMOEDE_FIELD_ESTIMATE), 40000, 0);
    assert_close(val(r, "debt_mean", U, "year=2022,client_type=Total,wijk=B", ARMOEDE_FIELD_ESTIMATE), 35000, 0);
    armoede_result_free(r);

    /* an unknown client type: an error naming file, line, column and value */
    armoede_table *bad = read_csv("cases_bad.csv", "client_id,intake_date,client_type,debt\n1,2022-01-01,private,5\n2,2022-01-01,zzp,5\n");
    o.by = o.margins = NULL;
    o.n_by = o.n_margins = 0;
    o.columns.creditors = o.columns.first_appointment = o.columns.crisis = NULL;
    assert_int_equal(armoede_debt_intake(bad, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "cases_bad.csv line 3, column 'client_type', value 'zzp'"));
    armoede_table_free(bad);
    /* a case without intake date */
    bad = read_csv("cases_bad2.csv", "client_id,intake_date,client_type,debt\n1,2022-01-01,private,5\n2,,private,5\n");
    assert_int_equal(armoede_debt_intake(bad, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "cases_bad2.csv line 3, column 'intake_date'"));
    armoede_table_free(bad);
    armoede_table_free(c);
    armoede_table_free(nat);
}

/* The bootstrap interval: reproducible, and its SE close to the analytic
 * standard error of a mean (sd / sqrt(n), population sd) divided by the
 * national figure. */
static void test_debt_bootstrap(void **state)
{
    (void)state;
    char buf[8192];
    size_t len = (size_t)snprintf(buf, sizeof buf, "client_id,intake_date,client_type,debt\n");
    double sum = 0, sum2 = 0;
    for (int i = 0; i < 60; i++) {
        double d = 1000 + (i * 7919 % 97) * 900.0; /* a spread of values */
        sum += d;
        sum2 += d * d;
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%d,2022-03-01,private,%.0f\n", i, d);
    }
    armoede_table *c = read_csv("cases_bs.csv", buf), *nat = national_table();
    armoede_debt_options o = ARMOEDE_DEBT_OPTIONS_INIT;
    o.columns.creditors = o.columns.first_appointment = o.columns.crisis = NULL;
    o.national = nat;
    o.bootstrap = 20000;
    armoede_result *r1 = NULL, *r2 = NULL, *r3 = NULL;
    assert_int_equal(armoede_debt_intake(c, &o, &r1), 0);
    assert_int_equal(armoede_debt_intake(c, &o, &r2), 0);
    o.seed = 7;
    assert_int_equal(armoede_debt_intake(c, &o, &r3), 0);
    const char *p22 = "year=2022,client_type=private";
    double mean = sum / 60, sdp = sqrt(sum2 / 60 - mean * mean);
    double ratio = val(r1, "debt_ratio", "cases", p22, ARMOEDE_FIELD_ESTIMATE);
    double se = val(r1, "debt_ratio", "cases", p22, ARMOEDE_FIELD_SE);
    double lo = val(r1, "debt_ratio", "cases", p22, ARMOEDE_FIELD_CI_LOW), hi = val(r1, "debt_ratio", "cases", p22, ARMOEDE_FIELD_CI_HIGH);
    assert_close(ratio, mean / 37485, 1e-14);
    assert_close(se, sdp / sqrt(60) / 37485, 0.03 * sdp / sqrt(60) / 37485);
    assert_true(lo < ratio && ratio < hi);
    /* a normal interval is close to the percentile one for n = 60 */
    assert_close(hi - lo, 2 * 1.959964 * se, 0.06 * (hi - lo));
    /* reproducible with the same seed, different with another */
    assert_true(lo == val(r2, "debt_ratio", "cases", p22, ARMOEDE_FIELD_CI_LOW));
    assert_true(hi == val(r2, "debt_ratio", "cases", p22, ARMOEDE_FIELD_CI_HIGH));
    assert_true(lo != val(r3, "debt_ratio", "cases", p22, ARMOEDE_FIELD_CI_LOW));
    expect_note(r1, "percentile bootstrap, 20000 resamples");
    armoede_result_free(r1);
    armoede_result_free(r2);
    armoede_result_free(r3);
    armoede_table_free(c);
    armoede_table_free(nat);
}

/* ------------------------------------------------------------------------
 * Debt-assistance results
 * ---------------------------------------------------------------------- */
/* Closed in 2015: X (client 1, settlement, new intake exactly 5 years
 * later: relapse), Y (client 2, completed, new intake 5 years and a day
 * later: none), W (client 4, stopped), V (client 5, no outcome).
 * Closed in 2016: Z (client 3, settlement). The data are observed until the
 * latest intake, 2020-06-02: the follow-ups of W, V and Z end later. */
static const char *CASES2 =
    "client_id,intake_date,client_type,closed_date,outcome\n"
    "1,2014-01-10,private,2015-06-01,settlement\n"
    "2,2014-02-01,private,2015-06-01,completed\n"
    "3,2015-01-01,private,2016-01-01,settlement\n"
    "4,2015-03-01,private,2015-09-01,stopped\n"
    "5,2015-04-01,private,2015-10-01,\n"
    "1,2020-06-01,private,,\n"
    "2,2020-06-02,private,,\n";

static void test_debt_results_hand(void **state)
{
    (void)state;
    armoede_table *c = read_csv("cases2.csv", CASES2), *nat = national_table();
    armoede_debt_options o = ARMOEDE_DEBT_OPTIONS_INIT;
    o.national = nat;
    armoede_result *r = NULL;
    int rc = armoede_debt_results(c, &o, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    const char *U = "cases", *t15 = "year=2015,client_type=Total";
    check_share(r, "settlement_share", U, t15, 1, 3);
    /* NVVK's 0.37 for 2015 is accepted proposals / proposals: another
     * denominator, so no reference */
    assert_true(isnan(val(r, "settlement_share", U, t15, ARMOEDE_FIELD_REFERENCE)));
    assert_true(isnan(val(r, "settlement_share", U, "year=2015,client_type=private", ARMOEDE_FIELD_REFERENCE)));
    expect_note(r, "settlement_share: no national reference");
    check_share(r, "completed_share", U, t15, 1, 3);
    /* follow-up to 2020-06-02: X (to 2020-06-01) and Y only; W and V end in autumn 2020 */
    check_share(r, "recidivism", U, t15, 1, 2);
    assert_close(val(r, "recidivism", U, t15, ARMOEDE_FIELD_DURATION), 5, 0);
    check_share(r, "settlement_share", U, "year=2016,client_type=Total", 1, 1);
    assert_true(isnan(val(r, "settlement_share", U, "year=2016,client_type=Total", ARMOEDE_FIELD_REFERENCE)));
    assert_int_equal(find(r, "recidivism", U, "year=2016,client_type=Total"), -1);
    expect_note(r, "recidivism: 3 closed cases whose 5-year follow-up ends after the data");
    expect_note(r, "1 closed cases without an outcome");
    armoede_result_free(r);
    /* observed until 2021-01-01: W, V and Z get their follow-up (no relapse) */
    int32_t day;
    assert_int_equal(armoede_date_from_ymd(2021, 1, 1, &day), 0);
    o.observed_until = day;
    assert_int_equal(armoede_debt_results(c, &o, &r), 0);
    check_share(r, "recidivism", U, "year=2016,client_type=Total", 0, 1);
    check_share(r, "recidivism", U, t15, 1, 4);
    armoede_result_free(r);
    /* a case closed before its intake */
    armoede_table *bad = read_csv("cases_bad3.csv", "client_id,intake_date,client_type,closed_date,outcome\n1,2015-01-01,private,2014-12-31,settlement\n");
    assert_int_equal(armoede_debt_results(bad, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "cases_bad3.csv line 2, column 'closed_date', value '2014-12-31'"));
    armoede_table_free(bad);
    armoede_table_free(c);
    armoede_table_free(nat);
}

/* ------------------------------------------------------------------------
 * Brute force: debt at intake and results on random cases
 * ---------------------------------------------------------------------- */
#define BD_N 3000
static void test_debt_bruteforce(void **state)
{
    (void)state;
    static int32_t in[BD_N], cl[BD_N];
    static double debt[BD_N];
    static int64_t cid[BD_N];
    static const char *type[BD_N], *wijk[BD_N], *outc[BD_N];
    static const char *const W[5] = {"A", "B", "C", "D", "E"};
    static const char *const O[4] = {"settlement", "completed", "stopped", NULL};
    int32_t d0;
    assert_int_equal(armoede_date_from_ymd(2016, 1, 1, &d0), 0);
    for (int i = 0; i < BD_N; i++) {
        in[i] = d0 + (int32_t)(bf_unif() * 365.25 * 8); /* 2016-2023 */
        double u = bf_unif();
        cl[i] = u < 0.7 ? in[i] + 30 + (int32_t)(bf_unif() * 1500) : INT32_MIN;
        debt[i] = bf_unif() < 0.02 ? -100 : floor(exp(9 + 1.2 * bf_unif() * 2) * 100) / 100;
        cid[i] = 1 + (int64_t)(bf_unif() * 2000); /* clients come back */
        type[i] = bf_unif() < 0.1 ? "entrepreneur" : bf_unif() < 0.02 ? NULL : "private";
        wijk[i] = W[(int)(bf_unif() * 5)];
        outc[i] = cl[i] == INT32_MIN ? NULL : O[(int)(bf_unif() * 4)];
    }
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(BD_N, &t), 0);
    assert_int_equal(armoede_table_add_date(t, "intake_date", in, BD_N), 0);
    assert_int_equal(armoede_table_add_date(t, "closed_date", cl, BD_N), 0);
    assert_int_equal(armoede_table_add_real(t, "debt", debt, BD_N, 1), 0);
    assert_int_equal(armoede_table_add_int(t, "client_id", cid, BD_N, 1), 0);
    assert_int_equal(armoede_table_add_text(t, "client_type", type, BD_N), 0);
    assert_int_equal(armoede_table_add_text(t, "wijk", wijk, BD_N), 0);
    assert_int_equal(armoede_table_add_text(t, "outcome", outc, BD_N), 0);
    armoede_debt_options o = ARMOEDE_DEBT_OPTIONS_INIT;
    o.columns.creditors = o.columns.first_appointment = o.columns.crisis = NULL;
    o.bootstrap = 0;
    const char *by[] = {"wijk"};
    o.by = by;
    o.n_by = 1;
    o.margins = by;
    o.n_margins = 1;
    armoede_result *r = NULL, *res = NULL;
    assert_int_equal(armoede_debt_intake(t, &o, &r), 0);
    assert_int_equal(armoede_debt_results(t, &o, &res), 0);
    int32_t last = INT32_MIN;
    for (int i = 0; i < BD_N; i++) if (in[i] > last) last = in[i];
    static double x[BD_N];
    size_t checked = 0;
    for (int y = 2016; y <= 2023; y++)
        for (int ct = 0; ct < 3; ct++)
            for (int w = 0; w <= 5; w++) {
                const char *ctl = ct == 0 ? "private" : ct == 1 ? "entrepreneur" : "Total";
                const char *wl = w < 5 ? W[w] : "Total";
                size_t nx = 0;
                double sn = 0, sd = 0, cn = 0, cd = 0, rn = 0, rd = 0;
                for (int i = 0; i < BD_N; i++) {
                    int yy, mm, dd;
                    if (ct < 2 && (!type[i] || strcmp(type[i], ctl))) continue;
                    if (w < 5 && strcmp(wijk[i], wl)) continue;
                    armoede_date_to_ymd(in[i], &yy, &mm, &dd);
                    if (yy == y && debt[i] >= 0) x[nx++] = debt[i];
                    if (cl[i] == INT32_MIN) continue;
                    armoede_date_to_ymd(cl[i], &yy, &mm, &dd);
                    if (yy != y) continue;
                    if (outc[i]) {
                        sd++; cd++;
                        sn += !strcmp(outc[i], "settlement");
                        cn += !strcmp(outc[i], "completed");
                    }
                    int32_t end;
                    assert_int_equal(armoede_date_from_ymd(yy + 5, mm, mm == 2 && dd == 29 ? 28 : dd, &end), 0);
                    if (end > last) continue;
                    rd++;
                    int again = 0;
                    for (int k = 0; k < BD_N; k++) again |= cid[k] == cid[i] && in[k] > cl[i] && in[k] <= end;
                    rn += again;
                }
                char spec[96];
                snprintf(spec, sizeof spec, "year=%d,client_type=%s,wijk=%s", y, ctl, wl);
                if (nx) {
                    double sum = 0;
                    for (size_t k = 0; k < nx; k++) sum += x[k];
                    qsort(x, nx, sizeof *x, tu_cmp_double);
                    double med = nx % 2 ? x[nx / 2] : (x[nx / 2 - 1] + x[nx / 2]) / 2;
                    assert_close(val(r, "debt_mean", "cases", spec, ARMOEDE_FIELD_ESTIMATE), sum / (double)nx, 1e-9 * sum);
                    assert_close(val(r, "debt_mean", "cases", spec, ARMOEDE_FIELD_DEN_N), (double)nx, 0);
                    assert_close(val(r, "debt_median", "cases", spec, ARMOEDE_FIELD_ESTIMATE), med, 0);
                    checked++;
                } else
                    assert_int_equal(find(r, "debt_mean", "cases", spec), -1);
                if (sd) { check_share(res, "settlement_share", "cases", spec, sn, sd); check_share(res, "completed_share", "cases", spec, cn, cd); }
                else assert_int_equal(find(res, "settlement_share", "cases", spec), -1);
                if (rd) { check_share(res, "recidivism", "cases", spec, rn, rd); checked++; }
            }
    assert_true(checked > 150);
    armoede_result_free(r);
    armoede_result_free(res);
    armoede_table_free(t);
}

/* ------------------------------------------------------------------------
 * The dominance rule on debt cells
 * ---------------------------------------------------------------------- */
static void test_debt_dominance(void **state)
{
    (void)state;
    /* 2022: private 11 x 1000 and one 100000 (two largest 101000 of 111000:
     * 91% > 50%: dominated); entrepreneurs 12 x 50000 (2 of 12 = 17%). The
     * Total: 711000, two largest 150000 = 21%: fine. */
    char buf[4096];
    size_t len = (size_t)snprintf(buf, sizeof buf, "client_id,intake_date,client_type,debt\n");
    for (int i = 0; i < 11; i++) len += (size_t)snprintf(buf + len, sizeof buf - len, "%d,2022-01-01,private,1000\n", i);
    len += (size_t)snprintf(buf + len, sizeof buf - len, "99,2022-01-01,private,100000\n");
    for (int i = 0; i < 12; i++) len += (size_t)snprintf(buf + len, sizeof buf - len, "%d,2022-01-01,entrepreneur,50000\n", 100 + i);
    armoede_table *c = read_csv("cases_dom.csv", buf), *nat = national_table();
    armoede_debt_options o = ARMOEDE_DEBT_OPTIONS_INIT;
    o.columns.creditors = o.columns.first_appointment = o.columns.crisis = NULL;
    o.national = nat;
    o.bootstrap = 0;
    armoede_result *r = NULL;
    assert_int_equal(armoede_debt_intake(c, &o, &r), 0);
    const char *p22 = "year=2022,client_type=private", *e22 = "year=2022,client_type=entrepreneur",
               *t22 = "year=2022,client_type=Total";
    armoede_sdc_options so = ARMOEDE_SDC_OPTIONS_INIT;
    assert_int_equal(armoede_sdc_apply(r, &so), 0);
    long i = find(r, "debt_mean", "cases", p22);
    assert_int_equal(armoede_result_status(r, (size_t)i), ARMOEDE_CELL_SUPPRESSED_DOMINANCE);
    assert_non_null(strstr(armoede_result_reason(r, (size_t)i), "two largest contributions make up more than 50%"));
    assert_true(isnan(armoede_result_value(r, (size_t)i, ARMOEDE_FIELD_ESTIMATE)));
    assert_true(isnan(armoede_result_value(r, (size_t)i, ARMOEDE_FIELD_NUM_W)));
    i = find(r, "debt_ratio", "cases", p22);
    assert_int_equal(armoede_result_status(r, (size_t)i), ARMOEDE_CELL_SUPPRESSED_DOMINANCE);
    /* the median is not a magnitude cell */
    assert_int_equal(armoede_result_status(r, (size_t)find(r, "debt_median", "cases", p22)), ARMOEDE_CELL_OK);
    /* secondary: the only sibling along client_type is hidden too */
    i = find(r, "debt_mean", "cases", e22);
    assert_int_equal(armoede_result_status(r, (size_t)i), ARMOEDE_CELL_SUPPRESSED_SECONDARY);
    assert_int_equal(armoede_result_status(r, (size_t)find(r, "debt_mean", "cases", t22)), ARMOEDE_CELL_OK);
    expect_note(r, "dominance rule (2, 50%)");
    armoede_result_free(r);
    /* (1, 90%): 100000 / 111000 = 90.09% > 90%: still dominated; (1, 95%): not */
    so.dominance_n = 1;
    so.dominance_k = 0.90;
    assert_int_equal(armoede_debt_intake(c, &o, &r), 0);
    assert_int_equal(armoede_sdc_apply(r, &so), 0);
    assert_int_equal(armoede_result_status(r, (size_t)find(r, "debt_mean", "cases", p22)), ARMOEDE_CELL_SUPPRESSED_DOMINANCE);
    armoede_result_free(r);
    so.dominance_k = 0.95;
    assert_int_equal(armoede_debt_intake(c, &o, &r), 0);
    assert_int_equal(armoede_sdc_apply(r, &so), 0);
    assert_int_equal(armoede_result_status(r, (size_t)find(r, "debt_mean", "cases", p22)), ARMOEDE_CELL_OK);
    armoede_result_free(r);
    /* written with the default protection: the dominating amount appears
     * nowhere in the output (mean, sum and ratio hidden; median 1000) */
    assert_int_equal(armoede_debt_intake(c, &o, &r), 0);
    const char *path = tpath("dom.csv");
    assert_int_equal(armoede_result_write_csv(r, path, NULL), 0);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char out[65536];
    size_t nr = fread(out, 1, sizeof out - 1, f);
    out[nr] = '\0';
    fclose(f);
    assert_non_null(strstr(out, "suppressed_dominance"));
    assert_null(strstr(out, "100000"));
    assert_null(strstr(out, "111000"));
    assert_null(strstr(out, "9250")); /* the private mean 111000 / 12 */
    armoede_result_free(r);
    armoede_table_free(c);
    armoede_table_free(nat);
}

/* ------------------------------------------------------------------------
 * The monitor: type = take_up, debt_intake, debt_results
 * ---------------------------------------------------------------------- */
#define MON_TABLES                                                                  \
    "[table cases]\nfile = mon_cases.csv\n"                                           \
    "[table national]\nfile = " SOURCE_ROOT "/data/national_figures.csv\n"
static const char *MON_HEAD =
    "[input]\nfile = mon_inc.csv\n"
    "[columns]\nperson_id = pid\nhousehold_id = hid\nyear = year\nage = age\nincome = income\nnorm = norm\n"
    "whole_year = whole_year\nincome_source = source\n"
    "[table regs]\nfile = mon_reg.csv\n" MON_TABLES;

static void test_monitor_outcome(void **state)
{
    (void)state;
    write_text("mon_inc.csv", INCOME1);
    write_text("mon_reg.csv", REG1);
    write_text("mon_cases.csv", CASES1);
    char ini[4096];
    snprintf(ini, sizeof ini,
             "%s"
             "[indicator tu]\ntype = take_up\nregistrations = regs\nid = id\nschemes = a, kp\n"
             "a.threshold = 110\nkp.threshold = 130%%\nkp.minors = yes\nby = year\nunits = households, persons\n"
             "reach = 130, 110:4\nworking_poor = yes\n"
             "[indicator debt]\ntype = debt_intake\ncases = cases\nnational = national\nbootstrap = 200\nseed = 5\n"
             "[disclosure]\nmin_n = 0\n"
             "[output]\ncsv = mon_out.csv\n",
             MON_HEAD);
    const char *path = write_text("mon.ini", ini);
    armoede_result *r = NULL;
    int rc = armoede_monitor_run(path, NULL, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    /* the same cells as test_take_up_hand and test_debt_intake_hand */
    check_share(r, "take_up", "households", "scheme=a,year=2023,main_income=Total", 1, 2);
    check_share(r, "take_up", "persons", "scheme=kp,year=2023,main_income=Total", 1, 2);
    g_p = 1.3;
    check_share(r, "reach", "households", "scheme=a,year=2023,main_income=Total", 2, 3);
    g_p = ANY;
    assert_close(val(r, "debt_median", "cases", "year=2022,client_type=private", ARMOEDE_FIELD_ESTIMATE), 25000, 0);
    assert_true(val(r, "creditors_ratio", "cases", "year=2022,client_type=Total", ARMOEDE_FIELD_CI_LOW) > 0);
    /* the monitor protects with the default dominance rule: four private
     * debts of 10000..40000, the two largest 70% of the sum */
    assert_int_equal(armoede_result_status(r, (size_t)find(r, "debt_mean", "cases", "year=2022,client_type=private")),
                     ARMOEDE_CELL_SUPPRESSED_DOMINANCE);
    armoede_result_free(r);

    /* results */
    write_text("mon_cases.csv", CASES2);
    snprintf(ini, sizeof ini,
             "%s[indicator res]\ntype = debt_results\ncases = cases\nnational = national\nobserved_until = 2021-01-01\n"
             "settlement_codes = settlement\n[disclosure]\nmin_n = 0\n[output]\ncsv = mon_out.csv\n",
             MON_TABLES); /* no [input]: the debt indicators do not read it */
    path = write_text("mon2.ini", ini);
    rc = armoede_monitor_run(path, NULL, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    check_share(r, "recidivism", "cases", "year=2015,client_type=Total", 1, 4);
    armoede_result_free(r);

    /* a typo in a scheme key, an unknown scheme key, a bad reach group, a missing table */
    snprintf(ini, sizeof ini, "%s[indicator tu]\ntype = take_up\nregistrations = regs\nid = id\nschemes = a\na.treshold = 110\n[output]\ncsv = o.csv\n",
             MON_HEAD);
    path = write_text("mon3.ini", ini);
    assert_int_equal(armoede_monitor_run(path, NULL, &r), ARMOEDE_ECONFIG);
    assert_non_null(strstr(armoede_last_error(), "a.treshold"));
    snprintf(ini, sizeof ini, "%s[indicator tu]\ntype = take_up\nregistrations = regs\nschemes = a\nreach = 110:x\n[output]\ncsv = o.csv\n",
             MON_HEAD);
    path = write_text("mon4.ini", ini);
    assert_int_equal(armoede_monitor_run(path, NULL, &r), ARMOEDE_ECONFIG);
    assert_non_null(strstr(armoede_last_error(), "110:x"));
    snprintf(ini, sizeof ini, "%s[indicator tu]\ntype = take_up\nregistrations = nosuch\nschemes = a\n[output]\ncsv = o.csv\n", MON_HEAD);
    path = write_text("mon5.ini", ini);
    assert_int_equal(armoede_monitor_run(path, NULL, &r), ARMOEDE_ECONFIG);
    assert_null(r);

    /* year_column with start_column and end_column: the dates must overlap
     * the year (test_take_up_year_and_dates); amount_column: checked */
    static const char *HEAD_REGS =
        "[input]\nfile = mon_inc.csv\n"
        "[columns]\nperson_id = pid\nhousehold_id = hid\nyear = year\nage = age\nincome = income\nnorm = norm\n"
        "whole_year = whole_year\nincome_source = source\n"
        "[table regs]\nfile = mon_reg.csv\n";
    write_text("mon_reg.csv", "id,scheme,year,start,end,amount\n"
                              "1,a,2023,2015-05-01,2015-06-01,10\n"
                              "2,a,2023,2023-03-01,,10\n"
                              "3,a,2023,2024-01-01,2024-02-01,10\n"
                              "4,a,,2023-02-01,2023-02-28,10\n");
    snprintf(ini, sizeof ini,
             "%s[indicator tu]\ntype = take_up\nregistrations = regs\nid = id\nschemes = a\na.threshold = 110\n"
             "year_column = year\nstart_column = start\nend_column = end\namount_column = amount\nreach = none\n"
             "[disclosure]\nmin_n = 0\n[output]\ncsv = mon_out.csv\n",
             HEAD_REGS);
    path = write_text("mon6.ini", ini);
    rc = armoede_monitor_run(path, NULL, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    check_share(r, "take_up", "households", "scheme=a", 1, 2);
    expect_note(r, "registrations left out: 2 whose start and end dates do not overlap their year");
    armoede_result_free(r);
    /* a negative amount in the monitor path: an error naming file, line, column and value */
    write_text("mon_reg.csv", "id,scheme,year,start,end,amount\n2,a,2023,2023-03-01,,-5\n");
    assert_int_equal(armoede_monitor_run(path, NULL, &r), ARMOEDE_EDATA);
    assert_null(r);
    assert_non_null(strstr(armoede_last_error(), "mon_reg.csv line 2, column 'amount', value '-5'"));
    /* an empty registrations file: zero users */
    write_text("mon_reg.csv", "id,scheme,year,start,end,amount\n");
    rc = armoede_monitor_run(path, NULL, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    check_share(r, "take_up", "households", "scheme=a", 0, 2);
    expect_note(r, "has no rows: no unit uses a scheme");
    armoede_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_take_up_hand),
        cmocka_unit_test(test_take_up_weighted),
        cmocka_unit_test(test_take_up_many_thresholds),
        cmocka_unit_test(test_take_up_household_file),
        cmocka_unit_test(test_take_up_duration_split),
        cmocka_unit_test(test_take_up_conditions_work),
        cmocka_unit_test(test_holder_uptake),
        cmocka_unit_test(test_registrations_bad),
        cmocka_unit_test(test_take_up_part_year),
        cmocka_unit_test(test_take_up_year_and_dates),
        cmocka_unit_test(test_registrations_types),
        cmocka_unit_test(test_take_up_bruteforce),
        cmocka_unit_test(test_debt_intake_hand),
        cmocka_unit_test(test_debt_bootstrap),
        cmocka_unit_test(test_debt_results_hand),
        cmocka_unit_test(test_debt_bruteforce),
        cmocka_unit_test(test_debt_dominance),
        cmocka_unit_test(test_monitor_outcome),
    };
    if (tu_mkdtemp("outcome")) return 1;
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_rmdtemp();
    return rc;
}
