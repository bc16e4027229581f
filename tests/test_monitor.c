/* Tests of the configuration language and armoede_monitor_run.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <armoede.h>
#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>



/* Ten households in two districts; A has 8 (4 at or below 110% of a norm of
 * 1000), B has 2 (suppressed: fewer than 10 units). */
static const char *data_csv =
    "pid,hid,jaar,inkomen,norm,wijk\n"
    "1,1,2023,1000,1000,A\n2,2,2023,1100,1000,A\n3,3,2023,1100.01,1000,A\n4,4,2023,900,1000,A\n"
    "5,5,2023,5000,1000,A\n6,6,2023,5000,1000,A\n7,7,2023,5000,1000,A\n8,8,2023,800,1000,A\n"
    "9,9,2023,800,1000,B\n10,10,2023,5000,1000,B\n";

static const char *cfg_head =
    "[input]\nfile = data.csv\n\n[columns]\nperson_id = pid\nhousehold_id = hid\nyear = jaar\n"
    "income = inkomen\nnorm = norm\n\n";

static int setup(void **state)
{
    (void)state;
    if (tu_mkdtemp("monitor")) return -1;
    write_text("data.csv", data_csv);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_cfg(const char *body)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s%s", cfg_head, body);
    write_text("m.ini", buf);
}

static void test_runs_and_protects(void **state)
{
    (void)state;
    write_cfg("[indicator m]\ntype = minima\nthresholds = 110\nunits = households\nby = wijk\nmargins = wijk\n\n"
              "[disclosure]\nmin_n = 3\n\n[output]\ncsv = out.csv\njson = out.json\n");
    armoede_result *r = NULL;
    assert_int_equal(armoede_monitor_run(tpath("m.ini"), NULL, &r), ARMOEDE_OK);
    assert_true(armoede_result_protected(r));
    /* rows: wijk A, wijk B, Total; B has 2 units < 3: primary; then A is the
     * only other child of the Total line: secondary. */
    size_t n = armoede_result_nrows(r);
    assert_int_equal(n, 3);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        const char *w = armoede_result_key(r, i, 0);
        if (!strcmp(w, "B")) { assert_int_equal(armoede_result_status(r, i), ARMOEDE_CELL_SUPPRESSED_PRIMARY); seen |= 1; }
        if (!strcmp(w, "A")) { assert_int_equal(armoede_result_status(r, i), ARMOEDE_CELL_SUPPRESSED_SECONDARY); seen |= 2; }
        if (!strcmp(w, "Total")) {
            assert_int_equal(armoede_result_status(r, i), ARMOEDE_CELL_OK);
            /* 1000, 1100, 900, 800, 800 are at or below 1100; 1100.01 is not */
            assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_NUM_N), 5, 0);
            assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_DEN_N), 10, 0);
            assert_close(armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE), 0.5, 1e-15);
            seen |= 4;
        }
    }
    assert_int_equal(seen, 7);
    armoede_result_free(r);
    assert_int_equal(access(tpath("out.csv"), R_OK), 0);
    assert_int_equal(access(tpath("out.json"), R_OK), 0);
    FILE *f = fopen(tpath("out.csv"), "r");
    char line[1024];
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "indicator,unit,threshold,duration,wijk,estimate"));
    fclose(f);
}

static void test_out_dir(void **state)
{
    (void)state;
    write_cfg("[indicator m]\ntype = minima\nthresholds = 110\n\n[output]\ncsv = somewhere/else.csv\n");
    char od[700];
    snprintf(od, sizeof od, "%s", tpath("od"));
    char cmd[800];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", od);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(armoede_monitor_run(tpath("m.ini"), od, NULL), ARMOEDE_OK);
    assert_int_equal(access(tpath("od/else.csv"), R_OK), 0);
}

static void expect_config_error(const char *body, const char *needle1, const char *needle2)
{
    write_cfg(body);
    armoede_result *r = (armoede_result *)1;
    int rc = armoede_monitor_run(tpath("m.ini"), NULL, &r);
    assert_int_not_equal(rc, ARMOEDE_OK);
    assert_null(r);
    const char *msg = armoede_last_error();
    if (!strstr(msg, needle1) || (needle2 && !strstr(msg, needle2)))
        fail_msg("message '%s' lacks '%s' / '%s'", msg, needle1, needle2 ? needle2 : "");
}

static void test_config_errors(void **state)
{
    (void)state;
    /* cfg_head has 10 lines; the body starts on line 11 */
    expect_config_error("[indicator m]\ntype = minima\nthreshold = 110\n[output]\ncsv = o.csv\n", "m.ini:13", "unknown key 'threshold'");
    expect_config_error("[indicator m]\ntype = minimum\n[output]\ncsv = o.csv\n", "m.ini:12", "minimum");
    expect_config_error("[indicator m]\ntype = minima\nthresholds = 110, abc\n[output]\ncsv = o.csv\n", "m.ini:13", "'abc'");
    expect_config_error("[indicatr m]\ntype = minima\n", "m.ini:11", "unknown section");
    expect_config_error("[indicator m]\ntype = minima\nby = gemeente\n[output]\ncsv = o.csv\n", "gemeente", NULL);
    expect_config_error("[indicator m]\ntype = minima\n", "no [output]", NULL);
    expect_config_error("[indicator m]\ntype = minima\n[disclosure]\nround = 3\n[output]\ncsv = o.csv\n", "round", NULL);
    expect_config_error("[indicator m]\ntype = minima\nunits = people\n[output]\ncsv = o.csv\n", "people", NULL);
    /* a missing data file names the file */
    write_text("m.ini", "[input]\nfile = nothere.csv\n[columns]\nincome = x\n[indicator m]\ntype = minima\n[output]\ncsv = o.csv\n");
    assert_int_equal(armoede_monitor_run(tpath("m.ini"), NULL, NULL), ARMOEDE_EIO);
    assert_non_null(strstr(armoede_last_error(), "nothere.csv"));
    /* a role that is not a role */
    write_text("m.ini", "[input]\nfile = data.csv\n[columns]\ninkomen = inkomen\n[indicator m]\ntype = minima\n[output]\ncsv = o.csv\n");
    assert_int_equal(armoede_monitor_run(tpath("m.ini"), NULL, NULL), ARMOEDE_ECONFIG);
    assert_non_null(strstr(armoede_last_error(), "m.ini:4"));
    assert_int_equal(armoede_monitor_run(NULL, NULL, NULL), ARMOEDE_EINVAL);
    assert_int_equal(armoede_monitor_run(tpath("none.ini"), NULL, NULL), ARMOEDE_EIO);
    /* an unknown type lists the known ones */
    expect_config_error("[indicator m]\ntype = minimum\n[output]\ncsv = o.csv\n", "minima, durations, flows", NULL);
    /* [table NAME] sections: without file; never used by an indicator */
    expect_config_error("[table regs]\nseparator = comma\n[indicator m]\ntype = minima\n[output]\ncsv = o.csv\n", "m.ini:11", "needs file");
    expect_config_error("[table regs]\nfile = data.csv\n[indicator m]\ntype = minima\n[output]\ncsv = o.csv\n", "m.ini:11", "no indicator uses [table regs]");
    /* a section twice, an indicator without a name */
    expect_config_error("[disclosure]\n[disclosure]\n[indicator m]\ntype = minima\n[output]\ncsv = o.csv\n", "m.ini:12", "twice");
    expect_config_error("[indicator]\ntype = minima\n[output]\ncsv = o.csv\n", "m.ini:11", "needs a name");
    /* [columns] without [input]; an impact indicator without [input] */
    write_text("m.ini", "[columns]\nincome = x\n[indicator m]\ntype = minima\n[output]\ncsv = o.csv\n");
    assert_int_equal(armoede_monitor_run(tpath("m.ini"), NULL, NULL), ARMOEDE_ECONFIG);
    assert_non_null(strstr(armoede_last_error(), "m.ini:1"));
    write_text("m.ini", "[indicator m]\ntype = minima\n[output]\ncsv = o.csv\n");
    assert_int_equal(armoede_monitor_run(tpath("m.ini"), NULL, NULL), ARMOEDE_ECONFIG);
    assert_non_null(strstr(armoede_last_error(), "m.ini:1: "));
    assert_non_null(strstr(armoede_last_error(), "[input]"));
    /* the dominance rule's keys are checked */
    expect_config_error("[indicator m]\ntype = minima\n[disclosure]\ndominance_n = 3\n[output]\ncsv = o.csv\n", "m.ini:14", "dominance_n");
    expect_config_error("[indicator m]\ntype = minima\n[disclosure]\ndominance_k = 0.5\n[output]\ncsv = o.csv\n", "m.ini:14", "dominance_k");
    /* [types] accepts date; another word is an error naming the line */
    expect_config_error("[indicator m]\ntype = minima\n[types]\nwijk = datum\n[output]\ncsv = o.csv\n", "m.ini:14", "datum");
}

static void test_disclosure_off_is_noted(void **state)
{
    (void)state;
    /* comments after values and headers are cut */
    write_cfg("[indicator m]   # the minima\ntype = minima # of the city\nthresholds = 110\nby = wijk\n[disclosure]\nenabled = no # not for publication\n[output]\ncsv = o.csv\n");
    armoede_result *r = NULL;
    assert_int_equal(armoede_monitor_run(tpath("m.ini"), NULL, &r), ARMOEDE_OK);
    assert_false(armoede_result_protected(r));
    int noted = 0;
    for (size_t i = 0; i < armoede_result_nnotes(r); i++)
        if (strstr(armoede_result_note(r, i), "not for publication")) noted = 1;
    assert_true(noted);
    armoede_result_free(r);
}

/* A CBS household income export: semicolon separated, decimal comma, only
 * the ratio to the policy minimum (INHARMSOC, a percentage). Households at
 * or below 110%: 95,5; 110,0 (on the line); 60 -> 3 of 5; 110,01 is above.
 * The output directory does not exist yet. */
static void test_cbs_ratio_only(void **state)
{
    (void)state;
    write_text("inhatab.csv",
               "RINHUISHOUDEN;JAAR;INHARMSOC;GEMEENTE\n"
               "000000001;2022;95,5;GM0014\n"
               "000000002;2022;110,0;GM0014\n"
               "000000003;2022;110,01;GM0014\n"
               "000000004;2022;250;GM0014\n"
               "000000005;2022;60;GM0014\n");
    write_text("cbs.ini",
               "[input]\nfile = inhatab.csv\nseparator = semicolon\ndecimal = comma\n"
               "[columns]\nhousehold_id = RINHUISHOUDEN\nyear = JAAR\nratio_pct = INHARMSOC\n"
               "[indicator m]\ntype = minima\nthresholds = 110\nby = JAAR, GEMEENTE\n"
               "[disclosure]\nmin_n = 0\n"
               "[output]\ncsv = new/dir/minima.csv\n");
    armoede_result *r = NULL;
    int rc = armoede_monitor_run(tpath("cbs.ini"), NULL, &r);
    if (rc) fail_msg("%s", armoede_last_error());
    assert_int_equal(armoede_result_nrows(r), 1); /* households only: no persons in a household file */
    assert_string_equal(armoede_result_unit(r, 0), "households");
    assert_string_equal(armoede_result_key(r, 0, 0), "2022");
    assert_string_equal(armoede_result_key(r, 0, 1), "GM0014");
    assert_close(armoede_result_value(r, 0, ARMOEDE_FIELD_NUM_N), 3, 0);
    assert_close(armoede_result_value(r, 0, ARMOEDE_FIELD_DEN_N), 5, 0);
    armoede_result_free(r);
    assert_int_equal(access(tpath("new/dir/minima.csv"), R_OK), 0);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s/new'", g_dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_and_protects),
        cmocka_unit_test(test_out_dir),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_disclosure_off_is_noted),
        cmocka_unit_test(test_cbs_ratio_only),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
