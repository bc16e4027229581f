/* The Dutch working-day calendar: Easter, holidays, working days and legal
 * terms, against published dates and an independent brute force.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "armoede.h"
#include "testutil.h"

static int32_t D(int y, int m, int d)
{
    int32_t x;
    assert_int_equal(armoede_date_from_ymd(y, m, d, &x), 0);
    return x;
}

static void check_day(int32_t day, int y, int m, int d)
{
    int yy, mm, dd;
    assert_int_equal(armoede_date_to_ymd(day, &yy, &mm, &dd), 0);
    if (yy != y || mm != m || dd != d) {
        print_error("got %04d-%02d-%02d, expected %04d-%02d-%02d\n", yy, mm, dd, y, m, d);
        fail();
    }
}

/* Easter Sunday 2000-2040 as published (e.g. the tables of the Dutch
 * almanacs; 2024-03-31, 2025-04-20 and 2038-04-25 in facts.md). */
static const int easter_tab[][3] = {
    {2000, 4, 23}, {2001, 4, 15}, {2002, 3, 31}, {2003, 4, 20}, {2004, 4, 11}, {2005, 3, 27},
    {2006, 4, 16}, {2007, 4, 8},  {2008, 3, 23}, {2009, 4, 12}, {2010, 4, 4},  {2011, 4, 24},
    {2012, 4, 8},  {2013, 3, 31}, {2014, 4, 20}, {2015, 4, 5},  {2016, 3, 27}, {2017, 4, 16},
    {2018, 4, 1},  {2019, 4, 21}, {2020, 4, 12}, {2021, 4, 4},  {2022, 4, 17}, {2023, 4, 9},
    {2024, 3, 31}, {2025, 4, 20}, {2026, 4, 5},  {2027, 3, 28}, {2028, 4, 16}, {2029, 4, 1},
    {2030, 4, 21}, {2031, 4, 13}, {2032, 3, 28}, {2033, 4, 17}, {2034, 4, 9},  {2035, 3, 25},
    {2036, 4, 13}, {2037, 4, 5},  {2038, 4, 25}, {2039, 4, 10}, {2040, 4, 1}};

static void test_easter_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof easter_tab / sizeof easter_tab[0]; i++) {
        int32_t e;
        assert_int_equal(armoede_easter(easter_tab[i][0], &e), 0);
        check_day(e, easter_tab[i][0], easter_tab[i][1], easter_tab[i][2]);
    }
}

/* Knuth's Easter algorithm (TAOCP 1.3.2 ex. 14), an independent route. */
static void knuth_easter(int y, int *m, int *d)
{
    int g = y % 19 + 1, c = y / 100 + 1, x = 3 * c / 4 - 12, z = (8 * c + 5) / 25 - 5;
    int dd = 5 * y / 4 - x - 10, e = (11 * g + 20 + z - x) % 30;
    if (e < 0) e += 30;
    if ((e == 25 && g > 11) || e == 24) e++;
    int n = 44 - e;
    if (n < 21) n += 30;
    n = n + 7 - (dd + n) % 7;
    if (n > 31) { *m = 4; *d = n - 31; } else { *m = 3; *d = n; }
}

static void test_easter_vs_knuth(void **state)
{
    (void)state;
    for (int y = 1583; y <= 9999; y++) {
        int m, d;
        int32_t e;
        knuth_easter(y, &m, &d);
        assert_int_equal(armoede_easter(y, &e), 0);
        check_day(e, y, m, d);
    }
    int32_t e;
    assert_int_equal(armoede_easter(1582, &e), ARMOEDE_EINVAL);
    assert_int_equal(armoede_easter(2024, NULL), ARMOEDE_EINVAL);
}

static void test_holidays_named(void **state)
{
    (void)state;
    const char *nm;
    assert_int_equal(armoede_nl_holiday(D(2024, 3, 29), &nm), 1);
    assert_str(nm, "Good Friday");
    assert_int_equal(armoede_nl_holiday(D(2024, 4, 1), &nm), 1);
    assert_str(nm, "Easter Monday");
    assert_int_equal(armoede_nl_holiday(D(2024, 5, 9), &nm), 1);
    assert_str(nm, "Ascension Day");
    assert_int_equal(armoede_nl_holiday(D(2024, 5, 20), &nm), 1);
    assert_str(nm, "Whit Monday");
    assert_int_equal(armoede_nl_holiday(D(2024, 4, 27), &nm), 1);
    assert_str(nm, "King's Day");
    assert_int_equal(armoede_nl_holiday(D(2024, 12, 26), &nm), 1);
    assert_str(nm, "Boxing Day");
    assert_int_equal(armoede_nl_holiday(D(2024, 4, 26), &nm), 0);
    assert_null(nm);
    /* King's Day's Sunday rule: 27 April 2014, 2025 and 2031 are Sundays */
    assert_int_equal(armoede_nl_holiday(D(2014, 4, 26), &nm), 1);
    assert_str(nm, "King's Day");
    assert_int_equal(armoede_nl_holiday(D(2014, 4, 27), NULL), 0); /* a plain Sunday */
    assert_int_equal(armoede_nl_holiday(D(2025, 4, 26), &nm), 1);
    assert_str(nm, "King's Day");
    assert_int_equal(armoede_nl_working_day(D(2025, 4, 28)), 1);
    assert_int_equal(armoede_nl_holiday(D(2031, 4, 26), &nm), 1);
    assert_int_equal(armoede_nl_holiday(D(2031, 4, 27), &nm), 0);
    /* Queen's Day before 2014: 30 April; 29 April when the 30th is a Sunday */
    assert_int_equal(armoede_nl_holiday(D(2013, 4, 30), &nm), 1);
    assert_str(nm, "Queen's Day");
    assert_int_equal(armoede_nl_holiday(D(2013, 4, 27), &nm), 0);
    assert_int_equal(armoede_nl_holiday(D(2006, 4, 29), &nm), 1);
    assert_str(nm, "Queen's Day");
    assert_int_equal(armoede_nl_holiday(D(2006, 4, 30), &nm), 0); /* a plain Sunday */
    assert_int_equal(armoede_nl_working_day(D(2013, 4, 30)), 0);  /* Tuesday, holiday */
    assert_int_equal(armoede_nl_working_day(D(2014, 4, 30)), 1);  /* Wednesday, no longer */
    /* 5 May on Ascension Day 2005: one holiday, still not a working day */
    assert_int_equal(armoede_nl_holiday(D(2005, 5, 5), &nm), 1);
    assert_str(nm, "Liberation Day"); /* the name the header documents */
    assert_int_equal(armoede_nl_working_day(D(2005, 5, 5)), 0);
    /* out of range */
    assert_int_equal(armoede_nl_holiday(D(1948, 12, 31), &nm), ARMOEDE_EINVAL);
    assert_int_equal(armoede_nl_working_day(D(1948, 12, 31)), ARMOEDE_EINVAL);
}

/* Brute force: the weekday by Zeller-free counting from a known Monday, and
 * the holiday list written out from facts.md. */
static int bf_weekday(int32_t day) /* 0 = Monday */
{
    int32_t monday = D(2024, 1, 1); /* a Monday */
    int64_t k = (int64_t)day - monday;
    return (int)(((k % 7) + 7) % 7);
}

static int bf_holiday(int32_t day)
{
    int y, m, d;
    armoede_date_to_ymd(day, &y, &m, &d);
    int em, ed;
    knuth_easter(y, &em, &ed);
    int32_t e = D(y, em, ed);
    if ((m == 1 && d == 1) || (m == 5 && d == 5) || (m == 12 && (d == 25 || d == 26))) return 1;
    if (day == e - 2 || day == e || day == e + 1 || day == e + 39 || day == e + 49 || day == e + 50) return 1;
    if (y >= 2014) {
        int32_t k = D(y, 4, 27);
        if (bf_weekday(k) == 6) k--;
        if (day == k) return 1;
    } else {
        int32_t q = D(y, 4, 30);
        if (bf_weekday(q) == 6) q = y >= 1980 ? q - 1 : q + 1;
        if (day == q) return 1;
    }
    return 0;
}

static int bf_working(int32_t day) { return bf_weekday(day) < 5 && !bf_holiday(day); }

static void test_working_days_brute_force(void **state)
{
    (void)state;
    int32_t a = D(2000, 1, 1), b = D(2040, 12, 31);
    int holidays = 0;
    for (int32_t x = a; x <= b; x++) {
        int h = armoede_nl_holiday(x, NULL);
        assert_int_equal(h, bf_holiday(x));
        holidays += h;
        assert_int_equal(armoede_nl_working_day(x), bf_working(x));
    }
    assert_true(holidays > 41 * 9);
    /* cumulative counts: working days in (a, x] for every x, and random pairs */
    int64_t *cum = malloc(sizeof *cum * (size_t)(b - a + 1));
    assert_non_null(cum);
    cum[0] = 0;
    for (int32_t x = a + 1; x <= b; x++) cum[x - a] = cum[x - 1 - a] + bf_working(x);
    uint64_t s = 12345;
    for (int i = 0; i < 20000; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        int32_t u = a + (int32_t)((s >> 33) % (uint64_t)(b - a + 1));
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        int32_t v = a + (int32_t)((s >> 33) % (uint64_t)(b - a + 1));
        if (i % 3 == 0) v = u + (int32_t)((s >> 40) % 60); /* short spans too */
        if (v > b) v = b;
        int64_t n;
        assert_int_equal(armoede_nl_working_days(u, v, &n), 0);
        assert_int_equal(n, cum[v - a] - cum[u - a]);
        /* the n-th working day after u is the first day w with count n */
        if (v >= u && n > 0) {
            int32_t w;
            assert_int_equal(armoede_nl_add_working_days(u, (int)n, &w), 0);
            assert_true(w <= v);
            assert_int_equal(cum[w - a] - cum[u - a], n);
            assert_int_equal(bf_working(w), 1);
        }
    }
    free(cum);
}

static void test_working_days_hand(void **state)
{
    (void)state;
    int64_t n;
    /* Thursday 28 March 2024 to Tuesday 2 April: Good Friday, the weekend
     * and Easter Monday leave one working day */
    assert_int_equal(armoede_nl_working_days(D(2024, 3, 28), D(2024, 4, 2), &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(armoede_nl_working_days(D(2024, 4, 2), D(2024, 3, 28), &n), 0);
    assert_int_equal(n, -1);
    /* Monday to next Monday: 5 */
    assert_int_equal(armoede_nl_working_days(D(2024, 6, 3), D(2024, 6, 10), &n), 0);
    assert_int_equal(n, 5);
    assert_int_equal(armoede_nl_working_days(D(2024, 6, 3), D(2024, 6, 3), &n), 0);
    assert_int_equal(n, 0);
    /* the whole of 2024: 262 weekdays less 7 weekday holidays (1 Jan, Good
     * Friday, Easter Monday, Ascension, Whit Monday, 25 and 26 Dec; King's
     * Day is a Saturday and 5 May a Sunday) */
    assert_int_equal(armoede_nl_working_days(D(2023, 12, 31), D(2024, 12, 31), &n), 0);
    assert_int_equal(n, 255);
    int32_t w;
    assert_int_equal(armoede_nl_add_working_days(D(2024, 3, 28), 3, &w), 0);
    check_day(w, 2024, 4, 4);
    assert_int_equal(armoede_nl_add_working_days(D(2024, 3, 28), 0, &w), 0);
    check_day(w, 2024, 3, 28);
    assert_int_equal(armoede_nl_add_working_days(D(2024, 3, 28), -1, &w), ARMOEDE_EINVAL);
    /* a term that runs past 9999 is refused at once (not counted day by day) */
    assert_int_equal(armoede_nl_add_working_days(D(2024, 3, 28), 2147483647, &w), ARMOEDE_EINVAL);
    assert_int_equal(armoede_nl_add_working_days(D(9999, 12, 30), 5, &w), ARMOEDE_EINVAL);
    /* long spans in closed form: 1949-01-01 to 9999-12-31 agrees with the sum per year */
    int64_t total = 0, part;
    for (int y = 1949; y < 9999; y += 50) {
        int y2 = y + 50 > 9999 ? 9999 : y + 50;
        assert_int_equal(armoede_nl_working_days(D(y, 1, 1), D(y2, 1, 1), &part), 0);
        total += part;
    }
    assert_int_equal(armoede_nl_working_days(D(1949, 1, 1), D(9999, 1, 1), &n), 0);
    assert_int_equal(n, total);
    assert_int_equal(armoede_nl_working_days(D(2024, 3, 28), D(2024, 4, 2), NULL), ARMOEDE_EINVAL);
}

static void term(int32_t start, int n, int unit, int atw, int y, int m, int d)
{
    int32_t e;
    assert_int_equal(armoede_term_end(start, n, (armoede_term_unit)unit, atw, &e), 0);
    check_day(e, y, m, d);
}

static void test_term_end(void **state)
{
    (void)state;
    /* crisis: 3 working days from Thursday 28 March 2024 */
    term(D(2024, 3, 28), 3, ARMOEDE_TERM_WORKING_DAYS, 1, 2024, 4, 4);
    /* 4 weeks from Saturday 6 April 2024 end on Saturday 4 May; art. 1 -> Monday 6 May */
    term(D(2024, 4, 6), 4, ARMOEDE_TERM_WEEKS, 1, 2024, 5, 6);
    term(D(2024, 4, 6), 4, ARMOEDE_TERM_WEEKS, 0, 2024, 5, 4);
    /* 28 days from 27 Nov 2024 end on Christmas Day -> Friday 27 Dec */
    term(D(2024, 11, 27), 28, ARMOEDE_TERM_DAYS, 1, 2024, 12, 27);
    /* art. 2: 3 days from Thursday 28 March 2024 end on Easter Sunday with no
     * working day in them; extended to Wednesday 3 April (two working days) */
    term(D(2024, 3, 28), 3, ARMOEDE_TERM_DAYS, 1, 2024, 4, 3);
    term(D(2024, 3, 28), 3, ARMOEDE_TERM_DAYS, 0, 2024, 3, 31);
    /* 3 days from an ordinary Thursday: ends Sunday, extended to Monday */
    term(D(2024, 6, 6), 3, ARMOEDE_TERM_DAYS, 1, 2024, 6, 10);
    /* a 2-day term is not subject to art. 2, only art. 1 */
    term(D(2024, 3, 28), 2, ARMOEDE_TERM_DAYS, 1, 2024, 4, 2);
    /* art. 4: 13 weeks not extended, 12 weeks are */
    term(D(2024, 1, 6), 13, ARMOEDE_TERM_WEEKS, 1, 2024, 4, 6);
    term(D(2024, 1, 13), 12, ARMOEDE_TERM_WEEKS, 1, 2024, 4, 8);
    term(D(2024, 1, 6), 91, ARMOEDE_TERM_DAYS, 1, 2024, 4, 6);
    /* months: the same day, or the month's last day */
    term(D(2024, 1, 31), 1, ARMOEDE_TERM_MONTHS, 0, 2024, 2, 29);
    term(D(2023, 1, 31), 1, ARMOEDE_TERM_MONTHS, 0, 2023, 2, 28);
    term(D(2023, 11, 30), 3, ARMOEDE_TERM_MONTHS, 0, 2024, 2, 29);
    /* 8 weeks (Awb decision term) from 1 Nov 2024 -> 27 Dec (Friday) */
    term(D(2024, 11, 1), 8, ARMOEDE_TERM_WEEKS, 1, 2024, 12, 27);
    int32_t e;
    assert_int_equal(armoede_term_end(D(2024, 1, 1), -1, ARMOEDE_TERM_DAYS, 1, &e), ARMOEDE_EINVAL);
    assert_int_equal(armoede_term_end(D(2024, 1, 1), 1, (armoede_term_unit)9, 1, &e), ARMOEDE_EINVAL);
    assert_int_equal(armoede_term_end(D(2024, 1, 1), 1, ARMOEDE_TERM_DAYS, 1, NULL), ARMOEDE_EINVAL);
}

/* n = 0, as the header documents: the start day itself; with the
 * termijnenwet art. 1 still moves a start on a Saturday, Sunday or holiday
 * to the next working day (art. 2 needs a term of at least 3 days). */
static void test_term_zero(void **state)
{
    (void)state;
    for (int unit = ARMOEDE_TERM_DAYS; unit <= ARMOEDE_TERM_WORKING_DAYS; unit++) {
        /* Saturday 6 April 2024 */
        term(D(2024, 4, 6), 0, unit, 0, 2024, 4, 6);
        term(D(2024, 4, 6), 0, unit, 1, 2024, 4, 8);
        /* Good Friday 29 March 2024: Easter Monday too is a holiday */
        term(D(2024, 3, 29), 0, unit, 0, 2024, 3, 29);
        term(D(2024, 3, 29), 0, unit, 1, 2024, 4, 2);
        /* an ordinary Tuesday */
        term(D(2024, 4, 2), 0, unit, 0, 2024, 4, 2);
        term(D(2024, 4, 2), 0, unit, 1, 2024, 4, 2);
    }
    int32_t w;
    assert_int_equal(armoede_nl_add_working_days(D(2024, 4, 6), 0, &w), 0);
    check_day(w, 2024, 4, 6);
    /* the documented limit on n */
    assert_int_equal(armoede_term_end(D(2024, 1, 1), 100001, ARMOEDE_TERM_DAYS, 0, &w), ARMOEDE_EINVAL);
    assert_int_equal(armoede_term_end(D(2024, 1, 1), 100000, ARMOEDE_TERM_DAYS, 0, &w), 0);
    assert_int_equal(w, D(2024, 1, 1) + 100000);
    /* holiday and working-day queries outside 1949..9999 */
    const char *nm = "x";
    assert_int_equal(armoede_nl_holiday(D(1948, 12, 25), &nm), ARMOEDE_EINVAL);
    assert_null(nm);
    assert_int_equal(armoede_nl_holiday(D(2024, 12, 25), NULL), 1);
    assert_int_equal(armoede_nl_working_day(D(1948, 12, 27)), ARMOEDE_EINVAL);
    int64_t n;
    assert_int_equal(armoede_nl_working_days(D(1948, 12, 31), D(2024, 1, 1), &n), ARMOEDE_EINVAL);
}

/* Every short term over 2000-2040 against a brute force of art. 1 and 2. */
static void test_term_brute_force(void **state)
{
    (void)state;
    for (int32_t s = D(2000, 1, 1); s <= D(2040, 11, 30); s += 3) {
        for (int n = 0; n <= 30; n += (n < 10 ? 1 : 7)) {
            int32_t e;
            assert_int_equal(armoede_term_end(s, n, ARMOEDE_TERM_DAYS, 1, &e), 0);
            int32_t x = s + n;
            if (n >= 3)
                for (;;) {
                    int c = 0;
                    for (int32_t q = s + 1; q <= x; q++) c += bf_working(q);
                    if (c >= 2) break;
                    x++;
                }
            while (!bf_working(x)) x++;
            assert_int_equal(e, x);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_easter_table),
        cmocka_unit_test(test_easter_vs_knuth),
        cmocka_unit_test(test_holidays_named),
        cmocka_unit_test(test_working_days_brute_force),
        cmocka_unit_test(test_working_days_hand),
        cmocka_unit_test(test_term_end),
        cmocka_unit_test(test_term_zero),
        cmocka_unit_test(test_term_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
