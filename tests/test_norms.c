/*
 * Unit tests of the social-minimum norms (armoede_norms_*), include/armoede.h.
 * Expected values are computed by hand in the comments.
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
#include <unistd.h>

#include "armoede.h"
#include "testutil.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

static int group_setup(void **state)
{
    (void)state;
    return tu_mkdtemp("norms");
}

static int group_teardown(void **state)
{
    (void)state;
    return tu_rmdtemp();
}



#define assert_msg_has(needle)                                                         \
    do {                                                                               \
        const char *m_ = armoede_last_error();                                         \
        if (m_ == NULL || strstr(m_, (needle)) == NULL) {                              \
            print_error("last error \"%s\" does not contain \"%s\"\n",               \
                        m_ ? m_ : "(null)", (needle));                                 \
            fail();                                                                    \
        }                                                                              \
    } while (0)

static armoede_norms *new_norms(void)
{
    armoede_norms *n = NULL;
    assert_int_equal(armoede_norms_new(&n), ARMOEDE_OK);
    assert_non_null(n);
    assert_int_equal(armoede_norms_nrows(n), 0);
    return n;
}

static void add(armoede_norms *n, int y, int m, int d, const char *type, const char *band,
                double amount)
{
    int rc = armoede_norms_add(n, y, m, d, type, band, amount);
    if (rc != ARMOEDE_OK) {
        print_error("norms_add(%d-%d-%d %s %s %g) = %d: %s\n", y, m, d, type, band, amount, rc,
                    armoede_last_error());
        fail();
    }
}

static double annual(const armoede_norms *n, int year, const char *type, const char *band)
{
    double a = -1.0;
    int rc = armoede_norms_annual(n, year, type, band, &a);
    if (rc != ARMOEDE_OK) {
        print_error("norms_annual(%d, %s, %s) = %d: %s\n", year, type, band, rc,
                    armoede_last_error());
        fail();
    }
    return a;
}

static armoede_norms *read_ok(const char *path)
{
    armoede_norms *n = NULL;
    int rc = armoede_norms_read_csv(path, &n);
    if (rc != ARMOEDE_OK) {
        print_error("norms_read_csv(%s) = %d: %s\n", path, rc, armoede_last_error());
        fail();
    }
    assert_non_null(n);
    return n;
}

static void read_fails(const char *path, int want)
{
    armoede_norms *n = (armoede_norms *)&n; /* poison: must become NULL */
    int rc = armoede_norms_read_csv(path, &n);
    if (rc != want) {
        print_error("norms_read_csv(%s) = %d, expected %d (%s)\n", path, rc, want,
                    armoede_last_error());
        if (rc == ARMOEDE_OK)
            armoede_norms_free(n);
        fail();
    }
    assert_null(n);
}

/* ------------------------------------------------------------------------ */

static void test_norms_half_year_change(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    add(n, 2017, 1, 1, "single", "21_aow", 12000.0);
    add(n, 2017, 7, 1, "single", "21_aow", 12600.0);
    assert_int_equal(armoede_norms_nrows(n), 2);
    /* 2017: Jan-Jun 12000, Jul-Dec 12600 -> (6*12000 + 6*12600)/12 = 12300 */
    assert_close(annual(n, 2017, "single", "21_aow"), 12300.0, 1e-9);
    /* 2018 and later: 12600 all year */
    assert_close(annual(n, 2018, "single", "21_aow"), 12600.0, 1e-9);
    assert_close(annual(n, 2030, "single", "21_aow"), 12600.0, 1e-9);
    armoede_norms_free(n);
}

static void test_norms_rows_added_out_of_order(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    add(n, 2017, 7, 1, "single", "21_aow", 12600.0);
    add(n, 2017, 1, 1, "single", "21_aow", 12000.0);
    assert_close(annual(n, 2017, "single", "21_aow"), 12300.0, 1e-9);
    armoede_norms_free(n);
}

static void test_norms_quarter_change(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    add(n, 2019, 1, 1, "couple", "21_aow", 12000.0);
    add(n, 2019, 4, 1, "couple", "21_aow", 13200.0);
    /* Jan-Mar 12000 (3 months), Apr-Dec 13200 (9): (36000 + 118800)/12 = 12900 */
    assert_close(annual(n, 2019, "couple", "21_aow"), 12900.0, 1e-9);
    armoede_norms_free(n);
}

static void test_norms_mid_month_date(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    add(n, 2020, 1, 1, "single", "aow", 1200.0);
    add(n, 2020, 3, 15, "single", "aow", 2400.0);
    /* valid on 1 Jan, 1 Feb, 1 Mar: 1200; 1 Apr .. 1 Dec: 2400
     * -> (3*1200 + 9*2400)/12 = (3600 + 21600)/12 = 2100 */
    assert_close(annual(n, 2020, "single", "aow"), 2100.0, 1e-9);
    assert_close(annual(n, 2021, "single", "aow"), 2400.0, 1e-9);
    armoede_norms_free(n);
}

static void test_norms_change_on_december_first(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    add(n, 2021, 1, 1, "single", "aow", 1200.0);
    add(n, 2021, 12, 1, "single", "aow", 2400.0);
    add(n, 2021, 12, 2, "single", "aow", 3600.0); /* not valid on any 1st of 2021 */
    /* 11 x 1200 + 1 x 2400 = 15600 / 12 = 1300 */
    assert_close(annual(n, 2021, "single", "aow"), 1300.0, 1e-9);
    assert_close(annual(n, 2022, "single", "aow"), 3600.0, 1e-9);
    armoede_norms_free(n);
}

static void test_norms_year_before_first_row_enorm(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    add(n, 2017, 1, 1, "single", "21_aow", 12000.0);
    double a = 42.0;
    assert_int_equal(armoede_norms_annual(n, 2016, "single", "21_aow", &a), ARMOEDE_ENORM);
    assert_msg_has("2016");
    assert_msg_has("single");
    assert_msg_has("21_aow");
    armoede_norms_free(n);
}

static void test_norms_first_row_mid_year_enorm(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    add(n, 2017, 7, 1, "single", "21_aow", 12600.0);
    double a = 0;
    /* Jan-Jun 2017 have no valid row: never a partial mean or a zero */
    assert_int_equal(armoede_norms_annual(n, 2017, "single", "21_aow", &a), ARMOEDE_ENORM);
    assert_msg_has("2017");
    assert_close(annual(n, 2018, "single", "21_aow"), 12600.0, 1e-9);
    armoede_norms_free(n);
}

static void test_norms_unknown_type_enorm(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    add(n, 2017, 1, 1, "single", "21_aow", 12000.0);
    double a = 0;
    assert_int_equal(armoede_norms_annual(n, 2018, "alien", "21_aow", &a), ARMOEDE_ENORM);
    assert_msg_has("alien");
    assert_msg_has("2018");
    /* a known type with a band that has no row (and no "*" row) */
    assert_int_equal(armoede_norms_annual(n, 2018, "single", "u21", &a), ARMOEDE_ENORM);
    assert_msg_has("u21");
    armoede_norms_free(n);
}

static void test_norms_age_band_exact(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    add(n, 2020, 1, 1, "single", "21_aow", 12000.0);
    add(n, 2020, 1, 1, "single", "aow", 13200.0);
    add(n, 2020, 7, 1, "single", "aow", 13800.0);
    add(n, 2020, 1, 1, "single", "u21", 3000.0);
    /* a row is valid until the next row of the SAME (type, band): the
     * 2020-07-01 aow row does not end the 21_aow row */
    assert_close(annual(n, 2020, "single", "21_aow"), 12000.0, 1e-9);
    assert_close(annual(n, 2020, "single", "aow"), 13500.0, 1e-9); /* (6*13200+6*13800)/12 */
    assert_close(annual(n, 2020, "single", "u21"), 3000.0, 1e-9);
    armoede_norms_free(n);
}

static void test_norms_age_band_wildcard(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    add(n, 2020, 1, 1, "couple", "*", 18000.0);
    add(n, 2020, 7, 1, "couple", "*", 18600.0);
    /* "*" matches any band: (6*18000 + 6*18600)/12 = 18300 */
    assert_close(annual(n, 2020, "couple", "21_aow"), 18300.0, 1e-9);
    assert_close(annual(n, 2020, "couple", "aow"), 18300.0, 1e-9);
    assert_close(annual(n, 2020, "couple", "u21"), 18300.0, 1e-9);
    assert_close(annual(n, 2021, "couple", "anything"), 18600.0, 1e-9);
    double a = 0;
    assert_int_equal(armoede_norms_annual(n, 2019, "couple", "aow", &a), ARMOEDE_ENORM);
    armoede_norms_free(n);
}

/* The exact band's rows and the "*" rows are two series: a later "*" row
 * does not override an exact row still in force. aow: 2020 exact 15000
 * all year although "*" changes on 2020-07-01; 21_aow follows "*":
 * (6 * 18000 + 6 * 18600) / 12 = 18300. */
static void test_norms_exact_band_series_wins(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    add(n, 2019, 1, 1, "couple", "*", 18000.0);
    add(n, 2020, 7, 1, "couple", "*", 18600.0);
    add(n, 2020, 1, 1, "couple", "aow", 15000.0);
    assert_close(annual(n, 2020, "couple", "aow"), 15000.0, 1e-9);
    assert_close(annual(n, 2020, "couple", "21_aow"), 18300.0, 1e-9);
    /* before the exact series starts, the "*" series applies */
    assert_close(annual(n, 2019, "couple", "aow"), 18000.0, 1e-9);
    armoede_norms_free(n);
}

/* 29 February exists only in leap years. */
static void test_norms_february_29(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    assert_int_equal(armoede_norms_add(n, 2023, 2, 29, "single", "21_aow", 1.0), ARMOEDE_EINVAL);
    assert_int_equal(armoede_norms_add(n, 1900, 2, 29, "single", "21_aow", 1.0), ARMOEDE_EINVAL);
    assert_int_equal(armoede_norms_add(n, 2024, 2, 29, "single", "21_aow", 1.0), ARMOEDE_OK);
    assert_int_equal(armoede_norms_add(n, 2000, 2, 29, "single", "21_aow", 1.0), ARMOEDE_OK);
    armoede_norms_free(n);
}

static void test_norms_map_type(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    add(n, 2018, 1, 1, "single", "21_aow", 12000.0);
    add(n, 2018, 1, 1, "couple", "21_aow", 17000.0);
    assert_int_equal(armoede_norms_map_type(n, "single_parent", "single"), ARMOEDE_OK);
    assert_int_equal(armoede_norms_map_type(n, "couple_children", "couple"), ARMOEDE_OK);
    assert_close(annual(n, 2018, "single_parent", "21_aow"), 12000.0, 1e-9);
    assert_close(annual(n, 2018, "couple_children", "21_aow"), 17000.0, 1e-9);
    /* unmapped codes are looked up as they are */
    assert_close(annual(n, 2018, "single", "21_aow"), 12000.0, 1e-9);
    assert_close(annual(n, 2018, "couple", "21_aow"), 17000.0, 1e-9);
    double a = 0;
    assert_int_equal(armoede_norms_annual(n, 2018, "other", "21_aow", &a), ARMOEDE_ENORM);
    assert_msg_has("other");
    /* mapping rows count nothing */
    assert_int_equal(armoede_norms_nrows(n), 2);
    armoede_norms_free(n);
}

static void test_norms_map_type_to_missing_type_enorm(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    add(n, 2018, 1, 1, "single", "21_aow", 12000.0);
    assert_int_equal(armoede_norms_map_type(n, "other", "nobody"), ARMOEDE_OK);
    double a = 0;
    assert_int_equal(armoede_norms_annual(n, 2018, "other", "21_aow", &a), ARMOEDE_ENORM);
    armoede_norms_free(n);
}

static void test_norms_add_copies_strings(void **state)
{
    (void)state;
    armoede_norms *n = new_norms();
    char type[16] = "single", band[16] = "21_aow";
    add(n, 2018, 1, 1, type, band, 12000.0);
    strcpy(type, "XXXX");
    strcpy(band, "YYYY");
    assert_close(annual(n, 2018, "single", "21_aow"), 12000.0, 1e-9);
    armoede_norms_free(n);
}

static void test_norms_bad_args_einval(void **state)
{
    (void)state;
    assert_int_equal(armoede_norms_new(NULL), ARMOEDE_EINVAL);
    armoede_norms *n = new_norms();
    assert_int_equal(armoede_norms_add(n, 2018, 1, 1, NULL, "21_aow", 1.0), ARMOEDE_EINVAL);
    assert_int_equal(armoede_norms_add(n, 2018, 1, 1, "single", NULL, 1.0), ARMOEDE_EINVAL);
    assert_int_equal(armoede_norms_add(n, 2018, 13, 1, "single", "21_aow", 1.0), ARMOEDE_EINVAL);
    assert_int_equal(armoede_norms_add(n, 2018, 0, 1, "single", "21_aow", 1.0), ARMOEDE_EINVAL);
    assert_int_equal(armoede_norms_add(n, 2018, 2, 30, "single", "21_aow", 1.0), ARMOEDE_EINVAL);
    assert_int_equal(armoede_norms_add(NULL, 2018, 1, 1, "single", "21_aow", 1.0), ARMOEDE_EINVAL);
    assert_int_equal(armoede_norms_nrows(n), 0);
    add(n, 2018, 1, 1, "single", "21_aow", 12000.0);
    assert_int_equal(armoede_norms_annual(n, 2018, "single", "21_aow", NULL), ARMOEDE_EINVAL);
    double a = 0;
    assert_int_equal(armoede_norms_annual(NULL, 2018, "single", "21_aow", &a), ARMOEDE_EINVAL);
    assert_int_equal(armoede_norms_map_type(n, NULL, "single"), ARMOEDE_EINVAL);
    armoede_norms_free(n);
}

static void test_norms_read_csv_extra_columns(void **state)
{
    (void)state;
    /* columns in another order, plus extra ones (one quoted with a comma) */
    const char *p = write_text("norms_extra.csv",
                               "note,annual_amount,household_type,valid_from,age_band,source\n"
                               "\"first, half\",12000,single,2017-01-01,21_aow,x\n"
                               "second,12600.00,single,2017-07-01,21_aow,y\n"
                               ",17000.5,couple,2017-01-01,*,z\n");
    armoede_norms *n = read_ok(p);
    assert_int_equal(armoede_norms_nrows(n), 3);
    assert_close(annual(n, 2017, "single", "21_aow"), 12300.0, 1e-9);
    assert_close(annual(n, 2018, "single", "21_aow"), 12600.0, 1e-9);
    assert_close(annual(n, 2018, "couple", "aow"), 17000.5, 1e-9);
    double a = 0;
    assert_int_equal(armoede_norms_annual(n, 2016, "single", "21_aow", &a), ARMOEDE_ENORM);
    armoede_norms_free(n);
}

static void test_norms_read_csv_same_date_other_key_ok(void **state)
{
    (void)state;
    const char *p = write_text("norms_keys.csv", "valid_from,household_type,age_band,annual_amount\n"
                                                 "2017-01-01,single,21_aow,12000\n"
                                                 "2017-01-01,single,aow,13000\n"
                                                 "2017-01-01,couple,21_aow,17000\n");
    armoede_norms *n = read_ok(p);
    assert_int_equal(armoede_norms_nrows(n), 3);
    assert_close(annual(n, 2017, "single", "aow"), 13000.0, 1e-9);
    armoede_norms_free(n);
}

static void test_norms_read_csv_duplicate_edata(void **state)
{
    (void)state;
    const char *p = write_text("norms_dup.csv", "valid_from,household_type,age_band,annual_amount\n"
                                                "2017-01-01,single,21_aow,12000\n"
                                                "2017-07-01,single,21_aow,12600\n"
                                                "2017-01-01,single,21_aow,12100\n");
    read_fails(p, ARMOEDE_EDATA);
    assert_msg_has("norms_dup.csv");
}

static void test_norms_read_csv_zero_amount_edata(void **state)
{
    (void)state;
    const char *p = write_text("norms_zero.csv", "valid_from,household_type,age_band,annual_amount\n"
                                                 "2017-01-01,single,21_aow,12000\n"
                                                 "2017-07-01,single,21_aow,0\n");
    read_fails(p, ARMOEDE_EDATA);
    assert_msg_has("norms_zero.csv");
}

static void test_norms_read_csv_negative_amount_edata(void **state)
{
    (void)state;
    const char *p = write_text("norms_neg.csv", "valid_from,household_type,age_band,annual_amount\n"
                                                "2017-01-01,single,21_aow,-12000\n");
    read_fails(p, ARMOEDE_EDATA);
}

static void test_norms_read_csv_missing_column_enotfound(void **state)
{
    (void)state;
    const char *p = write_text("norms_nocol.csv", "valid_from,household_type,amount\n"
                                                  "2017-01-01,single,12000\n");
    read_fails(p, ARMOEDE_ENOTFOUND);
}

static void test_norms_read_csv_bad_date_fails(void **state)
{
    (void)state;
    /* the documented errors do not fix the code of a malformed date; it must
     * be an error all the same */
    const char *p = write_text("norms_baddate.csv", "valid_from,household_type,age_band,annual_amount\n"
                                                    "2017-13-01,single,21_aow,12000\n");
    armoede_norms *n = (armoede_norms *)&n;
    int rc = armoede_norms_read_csv(p, &n);
    assert_true(rc < 0);
    assert_null(n);
}

static void test_norms_read_csv_ragged_eparse(void **state)
{
    (void)state;
    const char *p = write_text("norms_ragged.csv", "valid_from,household_type,age_band,annual_amount\n"
                                                   "2017-01-01,single,21_aow\n");
    read_fails(p, ARMOEDE_EPARSE);
}

static void test_norms_read_csv_missing_file_eio(void **state)
{
    (void)state;
    char p[600];
    snprintf(p, sizeof p, "%s/no-such-norms.csv", g_dir);
    read_fails(p, ARMOEDE_EIO);
}

static void test_norms_shipped_participatiewet(void **state)
{
    (void)state;
    const char *path = SOURCE_ROOT "/data/norms_participatiewet.csv";
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        print_message("%s not there yet: skipped\n", path);
        skip();
    }
    fclose(f);
    armoede_norms *n = read_ok(path);
    assert_true(armoede_norms_nrows(n) >= 10);
    /* 2024 single 21_aow: monthly incl. holiday allowance 1283.83 from
     * 2024-01-01 and 1308.45 from 2024-07-01 (reference/participatiewet_norms.csv):
     * (6*12*1283.83 + 6*12*1308.45)/12 = (15405.96 + 15701.40)/2 = 15553.68 */
    assert_close(annual(n, 2024, "single", "21_aow"), 15553.68, 1e-9);
    /* couple: 1834.04 and 1869.21 -> (22008.48 + 22430.52)/2 = 22219.50 */
    assert_close(annual(n, 2024, "couple", "21_aow"), 22219.50, 1e-9);
    /* 2017 single 21_aow: 982.79 and 986.52 -> (11793.48 + 11838.24)/2 = 11815.86 */
    assert_close(annual(n, 2017, "single", "21_aow"), 11815.86, 1e-9);
    /* 2016: only the 2016-01-01 row (972.70 x 12 = 11672.40) */
    assert_close(annual(n, 2016, "single", "21_aow"), 11672.40, 1e-9);
    /* 2016 single aow: the 2015-01-01 row (1077.63 x 12 = 12931.56) is still
     * valid, as the next single/aow row is 2017-01-01 */
    assert_close(annual(n, 2016, "single", "aow"), 12931.56, 1e-9);
    /* before the first row (2015-01-01) there is no norm */
    double a = 0;
    assert_int_equal(armoede_norms_annual(n, 2014, "single", "21_aow", &a), ARMOEDE_ENORM);
    assert_msg_has("2014");
    armoede_norms_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_norms_half_year_change),
        cmocka_unit_test(test_norms_rows_added_out_of_order),
        cmocka_unit_test(test_norms_quarter_change),
        cmocka_unit_test(test_norms_mid_month_date),
        cmocka_unit_test(test_norms_change_on_december_first),
        cmocka_unit_test(test_norms_year_before_first_row_enorm),
        cmocka_unit_test(test_norms_first_row_mid_year_enorm),
        cmocka_unit_test(test_norms_unknown_type_enorm),
        cmocka_unit_test(test_norms_age_band_exact),
        cmocka_unit_test(test_norms_age_band_wildcard),
        cmocka_unit_test(test_norms_exact_band_series_wins),
        cmocka_unit_test(test_norms_february_29),
        cmocka_unit_test(test_norms_map_type),
        cmocka_unit_test(test_norms_map_type_to_missing_type_enorm),
        cmocka_unit_test(test_norms_add_copies_strings),
        cmocka_unit_test(test_norms_bad_args_einval),
        cmocka_unit_test(test_norms_read_csv_extra_columns),
        cmocka_unit_test(test_norms_read_csv_same_date_other_key_ok),
        cmocka_unit_test(test_norms_read_csv_duplicate_edata),
        cmocka_unit_test(test_norms_read_csv_zero_amount_edata),
        cmocka_unit_test(test_norms_read_csv_negative_amount_edata),
        cmocka_unit_test(test_norms_read_csv_missing_column_enotfound),
        cmocka_unit_test(test_norms_read_csv_bad_date_fails),
        cmocka_unit_test(test_norms_read_csv_ragged_eparse),
        cmocka_unit_test(test_norms_read_csv_missing_file_eio),
        cmocka_unit_test(test_norms_shipped_participatiewet),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
