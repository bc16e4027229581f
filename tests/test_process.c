/* Process indicators: lead times, legal terms, open cases, reach and
 * targets through the programme mapping, budget execution and forecasts,
 * funding, milestones, ratings. Hand-computed cases (the arithmetic is in
 * the comments) and brute-force checks on random data.
 * Matching is strict: a row matches when every key named in the test has
 * that label and every other key is NULL.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>

#include "armoede.h"
#include "testutil.h"

static int32_t D(int y, int m, int d)
{
    int32_t x;
    assert_int_equal(armoede_date_from_ymd(y, m, d, &x), 0);
    return x;
}

/* Row index matching indicator, unit and (name, label) pairs ended by NULL;
 * -1 when none. */
static long vfind(const armoede_result *r, const char *ind, const char *unit, va_list ap)
{
    const char *nm[16], *lab[16];
    size_t n = 0;
    for (;;) {
        const char *k = va_arg(ap, const char *);
        if (!k) break;
        nm[n] = k;
        lab[n] = va_arg(ap, const char *);
        n++;
    }
    for (size_t i = 0; i < armoede_result_nrows(r); i++) {
        if (strcmp(armoede_result_indicator(r, i), ind) || strcmp(armoede_result_unit(r, i), unit)) continue;
        int ok = 1;
        for (size_t k = 0; k < armoede_result_nkeys(r) && ok; k++) {
            const char *kn = armoede_result_key_name(r, k), *kv = armoede_result_key(r, i, k);
            const char *want = NULL;
            for (size_t q = 0; q < n; q++)
                if (!strcmp(nm[q], kn)) want = lab[q];
            ok = want ? (kv && !strcmp(kv, want)) : kv == NULL;
        }
        if (ok) return (long)i;
    }
    return -1;
}

static long find(const armoede_result *r, const char *ind, const char *unit, ...)
{
    va_list ap;
    va_start(ap, unit);
    long i = vfind(r, ind, unit, ap);
    va_end(ap);
    return i;
}

/* The value of field f of the matching row (fails when there is none). */
static double get(const armoede_result *r, armoede_field f, const char *ind, const char *unit, ...)
{
    va_list ap;
    va_start(ap, unit);
    long i = vfind(r, ind, unit, ap);
    va_end(ap);
    if (i < 0) {
        print_error("no row %s / %s\n", ind, unit);
        fail();
    }
    return armoede_result_value(r, (size_t)i, f);
}

static int has_note(const armoede_result *r, const char *needle)
{
    for (size_t i = 0; i < armoede_result_nnotes(r); i++)
        if (strstr(armoede_result_note(r, i), needle)) return 1;
    return 0;
}

#define E ARMOEDE_FIELD_ESTIMATE

static armoede_table *read_csv(const char *name, const char *text)
{
    armoede_table *t = NULL;
    int rc = armoede_table_read_csv(write_text(name, text), NULL, &t);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    return t;
}

/* ---- lead times ---- */
static const char cases_csv[] =
    "case,crisis,district,registration,first_conversation,closure\n"
    /* Thu before Easter 2024 -> Tue after: 5 days, 1 working day */
    "1,1,A,2024-03-28,2024-04-02,2024-05-01\n"
    /* Fri 3 May -> Mon 13 May 2024 (Ascension 9 May): 10 days, 5 working days */
    "2,0,A,2024-05-03,2024-05-13,\n"
    /* Mon 23 Dec -> Fri 27 Dec 2024 (Christmas): 4 days, 2 working days */
    "3,0,B,2024-12-23,2024-12-27,2025-01-10\n"
    /* no first conversation yet */
    "4,0,B,2024-12-02,,\n"
    /* first conversation before the registration: a data error */
    "5,1,B,2024-06-10,2024-06-03,\n";

static void test_lead_times_hand(void **state)
{
    (void)state;
    armoede_table *t = read_csv("cases.csv", cases_csv);
    assert_int_equal(armoede_table_coltype(t, "registration"), ARMOEDE_TYPE_DATE);
    const char *ev[] = {"registration", "first_conversation"};
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.events = ev;
    o.n_events = 2;
    armoede_result *r;
    assert_int_equal(armoede_lead_times(t, &o, &r), 0);
    const char *iv = "registration-first_conversation";
    /* calendar {5, 10, 4}: mean 19/3, median 5, p90 (type 7: h = 1.8) 5 + 0.8 x 5 = 9 */
    assert_close(get(r, E, "lead_time_mean", "calendar_days", "interval", iv, NULL), 19.0 / 3, 1e-12);
    assert_close(get(r, E, "lead_time_median", "calendar_days", "interval", iv, NULL), 5, 1e-12);
    assert_close(get(r, E, "lead_time_p90", "calendar_days", "interval", iv, NULL), 9, 1e-12);
    /* working {1, 5, 2}: mean 8/3, median 2, p90 2 + 0.8 x 3 = 4.4 */
    assert_close(get(r, E, "lead_time_mean", "working_days", "interval", iv, NULL), 8.0 / 3, 1e-12);
    assert_close(get(r, E, "lead_time_median", "working_days", "interval", iv, NULL), 2, 1e-12);
    assert_close(get(r, E, "lead_time_p90", "working_days", "interval", iv, NULL), 4.4, 1e-12);
    assert_close(get(r, ARMOEDE_FIELD_DEN_N, "lead_time_mean", "working_days", "interval", iv, NULL), 3, 0);
    assert_true(has_note(r, "1 cases left out because first_conversation lies before registration"));
    assert_true(has_note(r, "cases.csv line 6"));
    assert_true(has_note(r, "1 cases without both dates"));
    armoede_result_free(r);

    /* by district with a margin; three events give three intervals */
    const char *ev3[] = {"registration", "first_conversation", "closure"};
    const char *by[] = {"district"};
    o.events = ev3;
    o.n_events = 3;
    o.by = by;
    o.n_by = 1;
    o.margins = by;
    o.n_margins = 1;
    assert_int_equal(armoede_lead_times(t, &o, &r), 0);
    assert_close(get(r, E, "lead_time_mean", "calendar_days", "district", "A", "interval", iv, NULL), 7.5, 1e-12);
    assert_close(get(r, E, "lead_time_mean", "calendar_days", "district", "Total", "interval", iv, NULL), 19.0 / 3,
                 1e-12);
    /* first_conversation -> closure: case 1: 2 Apr -> 1 May = 29; case 3: 27 Dec -> 10 Jan = 14 */
    assert_close(get(r, E, "lead_time_mean", "calendar_days", "district", "Total", "interval",
                     "first_conversation-closure", NULL), 21.5, 1e-12);
    /* registration -> closure: 34 and 18 days */
    assert_close(get(r, E, "lead_time_median", "calendar_days", "district", "Total", "interval",
                     "registration-closure", NULL), 26, 1e-12);
    armoede_result_free(r);

    /* strict: the bad row is an error naming file, line, column and value */
    o.strict = 1;
    assert_int_equal(armoede_lead_times(t, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "cases.csv line 6"));
    assert_non_null(strstr(armoede_last_error(), "first_conversation"));
    assert_non_null(strstr(armoede_last_error(), "2024-06-03"));
    armoede_table_free(t);
}

static void test_bad_dates_rejected(void **state)
{
    (void)state;
    armoede_table *t = NULL;
    const char *cols[] = {"case", "registration"};
    armoede_type ty[] = {ARMOEDE_TYPE_INT, ARMOEDE_TYPE_DATE};
    armoede_read_options ro = ARMOEDE_READ_OPTIONS_INIT;
    ro.columns = cols;
    ro.types = ty;
    ro.n_columns = 2;
    int rc = armoede_table_read_csv(write_text("dmy.csv", "case,registration\n1,2024-03-28\n2,28-03-2024\n"), &ro, &t);
    assert_int_equal(rc, ARMOEDE_EPARSE);
    assert_non_null(strstr(armoede_last_error(), "dmy.csv"));
    assert_non_null(strstr(armoede_last_error(), "28-03-2024"));
    assert_non_null(strstr(armoede_last_error(), "registration"));
    rc = armoede_table_read_csv(write_text("time.csv", "case,registration\n1,2024-03-28\n2,2024-03-28 10:15\n"), &ro, &t);
    assert_int_equal(rc, ARMOEDE_EPARSE);
    assert_non_null(strstr(armoede_last_error(), "2024-03-28 10:15"));
    assert_null(t);
}

static void test_within_term(void **state)
{
    (void)state;
    armoede_table *t = read_csv("cases2.csv", cases_csv);
    const char *ev[] = {"registration", "first_conversation"};
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.events = ev;
    o.n_events = 2;
    o.case_class = "crisis"; /* INT 0/1 */
    o.reference_day = D(2025, 1, 31);
    armoede_result *r;
    assert_int_equal(armoede_within_term(t, &o, &r), 0);
    /* crisis case 1: 28 Mar + 3 working days = 4 Apr; conversation 2 Apr: in time.
     * crisis case 5: conversation before registration: left out.
     * regular case 2: 3 May + 4 weeks = 31 May: in time; case 3: in time;
     * case 4: 2 Dec + 4 weeks = 30 Dec, none by 31 Jan 2025: late. */
    assert_close(get(r, E, "within_term", "cases", "case_class", "crisis", NULL), 1.0, 0);
    assert_close(get(r, E, "within_term", "cases", "case_class", "regular", NULL), 2.0 / 3, 1e-15);
    assert_close(get(r, E, "within_term", "cases", "case_class", "Total", NULL), 3.0 / 4, 1e-15);
    assert_close(get(r, ARMOEDE_FIELD_DEN_N, "within_term", "cases", "case_class", "Total", NULL), 4, 0);
    armoede_result_free(r);
    /* on 20 Dec 2024 case 4 is still within its term: pending, left out */
    o.reference_day = D(2024, 12, 20);
    assert_int_equal(armoede_within_term(t, &o, &r), 0);
    assert_close(get(r, E, "within_term", "cases", "case_class", "regular", NULL), 1.0, 0);
    assert_true(has_note(r, "1 cases still within their term"));
    armoede_result_free(r);
    /* referrals handled within 7 calendar days: a custom term, no classes */
    armoede_term t7 = {"*", 7, ARMOEDE_TERM_DAYS, 0};
    o.terms = &t7;
    o.n_terms = 1;
    o.case_class = NULL;
    o.reference_day = D(2025, 1, 31);
    assert_int_equal(armoede_within_term(t, &o, &r), 0);
    /* 5, 10, 4 days and one overdue: 2 of 4 */
    assert_close(get(r, E, "within_term", "cases", "case_class", "regular", NULL), 0.5, 0);
    armoede_result_free(r);
    /* a class without a term */
    armoede_term only = {"crisis", 3, ARMOEDE_TERM_WORKING_DAYS, 1};
    o.terms = &only;
    o.case_class = "district";
    assert_int_equal(armoede_within_term(t, &o, &r), ARMOEDE_EINVAL);
    armoede_table_free(t);
}

static void test_open_cases(void **state)
{
    (void)state;
    armoede_table *t = read_csv("cases3.csv", cases_csv);
    const char *ev[] = {"registration", "first_conversation", "closure"};
    int32_t refs[] = {D(2024, 6, 30), D(2024, 12, 31)};
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.events = ev;
    o.n_events = 3;
    o.reference_days = refs;
    o.n_reference_days = 2;
    armoede_result *r;
    assert_int_equal(armoede_open_cases(t, &o, &r), 0);
    /* 30 Jun 2024: case 2 (58 days), case 5 (20 days); case 1 closed 1 May */
    assert_close(get(r, E, "open_cases", "cases", "reference_date", "2024-06-30", "age_band", "Total", NULL), 2, 0);
    assert_close(get(r, E, "open_cases", "cases", "reference_date", "2024-06-30", "age_band", "0-28", NULL), 1, 0);
    assert_close(get(r, E, "open_cases", "cases", "reference_date", "2024-06-30", "age_band", "29-91", NULL), 1, 0);
    assert_close(get(r, E, "open_age_mean", "calendar_days", "reference_date", "2024-06-30", NULL), 39, 1e-12);
    /* 31 Dec 2024: case 2 (242), 3 (8; closes 10 Jan), 4 (29), 5 (204) */
    assert_close(get(r, E, "open_cases", "cases", "reference_date", "2024-12-31", "age_band", "Total", NULL), 4, 0);
    assert_close(get(r, E, "open_cases", "cases", "reference_date", "2024-12-31", "age_band", "183-365", NULL), 2, 0);
    assert_close(get(r, E, "open_age_median", "calendar_days", "reference_date", "2024-12-31", NULL), 116.5, 1e-12);
    armoede_result_free(r);
    armoede_table_free(t);
}

/* Brute force: random cases, lead times computed day by day. */
static double type7(double *x, size_t n, double p)
{
    qsort(x, n, sizeof *x, tu_cmp_double);
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)h;
    return lo + 1 < n ? x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]) : x[lo];
}

static void test_lead_times_brute_force(void **state)
{
    (void)state;
    enum { N = 6000 };
    int32_t *reg = malloc(N * sizeof *reg), *fc = malloc(N * sizeof *fc);
    const char **grp = malloc(N * sizeof *grp);
    assert_non_null(reg);
    assert_non_null(fc);
    assert_non_null(grp);
    static const char *const G[] = {"north", "south", "east"};
    uint64_t s = 99;
    int32_t base = D(2019, 1, 1);
    for (int i = 0; i < N; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        reg[i] = base + (int32_t)((s >> 33) % 2000);
        fc[i] = (s >> 20) % 13 == 0 ? INT32_MIN : reg[i] + (int32_t)((s >> 40) % 70);
        grp[i] = G[(s >> 50) % 3];
    }
    armoede_table *t;
    assert_int_equal(armoede_table_new(N, &t), 0);
    assert_int_equal(armoede_table_add_date(t, "reg", reg, N), 0);
    assert_int_equal(armoede_table_add_date(t, "fc", fc, N), 0);
    assert_int_equal(armoede_table_add_text(t, "g", grp, N), 0);
    const char *ev[] = {"reg", "fc"}, *by[] = {"g"};
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.events = ev;
    o.n_events = 2;
    o.by = by;
    o.n_by = 1;
    armoede_result *r;
    assert_int_equal(armoede_lead_times(t, &o, &r), 0);
    double *c = malloc(N * sizeof *c), *w = malloc(N * sizeof *w);
    for (int gi = 0; gi < 3; gi++) {
        size_t n = 0;
        double sc = 0, sw = 0;
        for (int i = 0; i < N; i++) {
            if (fc[i] == INT32_MIN || strcmp(grp[i], G[gi])) continue;
            int wd = 0;
            for (int32_t d = reg[i] + 1; d <= fc[i]; d++) wd += armoede_nl_working_day(d);
            c[n] = fc[i] - reg[i];
            w[n] = wd;
            sc += c[n];
            sw += wd;
            n++;
        }
        assert_true(n > 1000);
        assert_close(get(r, E, "lead_time_mean", "calendar_days", "g", G[gi], "interval", "reg-fc", NULL), sc / n, 1e-9);
        assert_close(get(r, E, "lead_time_mean", "working_days", "g", G[gi], "interval", "reg-fc", NULL), sw / n, 1e-9);
        assert_close(get(r, E, "lead_time_p90", "calendar_days", "g", G[gi], "interval", "reg-fc", NULL), type7(c, n, 0.9), 1e-9);
        assert_close(get(r, E, "lead_time_median", "working_days", "g", G[gi], "interval", "reg-fc", NULL), type7(w, n, 0.5), 1e-9);
    }
    free(c);
    free(w);
    armoede_result_free(r);
    armoede_table_free(t);
    free(reg);
    free(fc);
    free(grp);
}

/* One table read by four threads at once gives four identical results. */
typedef struct {
    const armoede_table *t;
    armoede_result *r;
    int rc;
} job;

static void *run_job(void *p)
{
    job *j = p;
    const char *ev[] = {"reg", "fc"}, *by[] = {"g"};
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.events = ev;
    o.n_events = 2;
    o.by = by;
    o.n_by = 1;
    o.margins = by;
    o.n_margins = 1;
    j->rc = armoede_lead_times(j->t, &o, &j->r);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    enum { N = 20000 };
    int32_t *reg = malloc(N * sizeof *reg), *fc = malloc(N * sizeof *fc);
    const char **g = malloc(N * sizeof *g);
    static const char *const G[] = {"x", "y"};
    uint64_t s = 5;
    for (int i = 0; i < N; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        reg[i] = D(2020, 1, 1) + (int32_t)((s >> 33) % 1500);
        fc[i] = reg[i] + (int32_t)((s >> 45) % 40);
        g[i] = G[(s >> 60) & 1];
    }
    armoede_table *t;
    assert_int_equal(armoede_table_new(N, &t), 0);
    assert_int_equal(armoede_table_add_date(t, "reg", reg, N), 0);
    assert_int_equal(armoede_table_add_date(t, "fc", fc, N), 0);
    assert_int_equal(armoede_table_add_text(t, "g", g, N), 0);
    job j[4];
    pthread_t th[4];
    for (int k = 0; k < 4; k++) {
        j[k].t = t;
        j[k].r = NULL;
        assert_int_equal(pthread_create(&th[k], NULL, run_job, &j[k]), 0);
    }
    for (int k = 0; k < 4; k++) assert_int_equal(pthread_join(th[k], NULL), 0);
    for (int k = 0; k < 4; k++) assert_int_equal(j[k].rc, 0);
    for (int k = 1; k < 4; k++) { /* each against the first */
        assert_int_equal(armoede_result_nrows(j[k].r), armoede_result_nrows(j[0].r));
        for (size_t i = 0; i < armoede_result_nrows(j[0].r); i++)
            for (int f = 0; f < ARMOEDE_FIELD_COUNT_; f++) {
                double a = armoede_result_value(j[0].r, i, (armoede_field)f), b = armoede_result_value(j[k].r, i, (armoede_field)f);
                assert_true((isnan(a) && isnan(b)) || a == b);
            }
    }
    assert_true(armoede_result_nrows(j[0].r) == 18); /* 3 groups x 3 statistics x 2 units */
    for (int k = 0; k < 4; k++) armoede_result_free(j[k].r);
    armoede_table_free(t);
    free(reg);
    free(fc);
    free(g);
}

/* ---- output: reach and targets through the mapping ---- */
static const char mapping_csv[] =
    "intervention,line,goal,activity\n"
    "ivA,L1,G1,act1\n"
    "ivA,L1,G2,act1\n"
    "ivB,L1,G2,act1\n"
    "ivC,L2,G3,act2\n";

static const char particip_csv[] =
    "intervention,household,person,start,end\n"
    "ivA,h1,p1,2023-03-01,2024-02-01\n" /* continuing into 2024 */
    "ivA,h2,p2,2023-11-01,\n"           /* ongoing */
    "ivA,h3,p3,2024-01-10,2024-03-01\n"
    "ivA,h4,p4,2024-05-01,2024-06-01\n"
    "ivA,h5,p5,2024-07-01,2024-07-31\n"
    "ivA,h5,p6,2024-08-01,2024-08-31\n" /* second person of h5 */
    "ivB,h4,p4,2024-02-01,\n"
    "ivB,h5,p5,2024-02-01,\n"
    "ivB,h6,p7,2024-02-01,\n"
    "ivB,h7,p8,2024-02-01,\n"
    "ivB,h8,p9,2024-02-01,\n"
    "ivC,h1,p1,2024-09-01,\n"
    "ivC,h9,p10,2024-09-01,\n"
    "ivX,h10,p11,2024-09-01,\n"        /* not in the mapping */
    "ivC,h11,p12,2024-09-01,2024-08-01\n"; /* end before start */

static const char targets_csv[] =
    "intervention,year,unit,target\n"
    "ivA,2024,households,10\n"
    "ivB,2024,households,5\n"
    "ivC,2024,households,4\n";

static void test_reach_targets(void **state)
{
    (void)state;
    armoede_table *t = read_csv("part.csv", particip_csv), *m = read_csv("map.csv", mapping_csv),
                  *tg = read_csv("targets.csv", targets_csv);
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.household_id = "household";
    o.person_id = "person";
    o.end = "end";
    o.mapping = m;
    o.targets = tg;
    o.reference_day = D(2024, 12, 31);
    armoede_result *r;
    assert_int_equal(armoede_reach(t, &o, &r), 0);
    /* 2024, ivA: h1..h5 = 5 households, 6 persons; h1, h2 continuing, 3 new */
    assert_close(get(r, E, "reached", "households", "period", "2024", "intervention", "ivA", NULL), 5, 0);
    assert_close(get(r, E, "reached", "persons", "period", "2024", "intervention", "ivA", NULL), 6, 0);
    assert_close(get(r, E, "reached_continuing", "households", "period", "2024", "intervention", "ivA", NULL), 2, 0);
    assert_close(get(r, E, "reached_new", "households", "period", "2024", "intervention", "ivA", NULL), 3, 0);
    /* the first period has no new/continuing split */
    assert_close(get(r, E, "reached", "households", "period", "2023", "intervention", "ivA", NULL), 2, 0);
    assert_int_equal(find(r, "reached_new", "households", "period", "2023", "intervention", "ivA", NULL), -1);
    /* lines and goals: distinct households. L1 = h1..h8 = 8; L2 = h1, h9 = 2 (h11 left out) */
    assert_close(get(r, E, "reached", "households", "period", "2024", "line", "L1", NULL), 8, 0);
    assert_close(get(r, E, "reached", "households", "period", "2024", "line", "L2", NULL), 2, 0);
    assert_close(get(r, E, "reached", "households", "period", "2024", "goal", "G2", NULL), 8, 0);
    assert_close(get(r, E, "reached", "households", "period", "2024", "goal", "G1", NULL), 5, 0);
    /* targets: A 5/10, B 5/5, C 2/4; L1 (5+5)/(10+5); G2 = A+B = 10/15; G3 2/4 */
    assert_close(get(r, E, "target_attainment", "households", "period", "2024", "intervention", "ivA", NULL), 0.5, 0);
    assert_close(get(r, ARMOEDE_FIELD_REFERENCE, "target_attainment", "households", "period", "2024", "intervention",
                     "ivB", NULL), 5, 0);
    assert_close(get(r, E, "target_attainment", "households", "period", "2024", "line", "L1", NULL), 10.0 / 15, 1e-15);
    assert_close(get(r, E, "target_attainment", "households", "period", "2024", "line", "L2", NULL), 0.5, 0);
    assert_close(get(r, E, "target_attainment", "households", "period", "2024", "goal", "G2", NULL), 10.0 / 15, 1e-15);
    assert_close(get(r, E, "target_attainment", "households", "period", "2024", "goal", "G1", NULL), 0.5, 0);
    assert_true(has_note(r, "intervention 'ivX' is not in the programme mapping"));
    assert_true(has_note(r, "1 records left out because their end lies before their start"));
    /* ivX is still reported alone */
    assert_close(get(r, E, "reached", "households", "period", "2024", "intervention", "ivX", NULL), 1, 0);
    armoede_result_free(r);
    /* quarters: ivB starts in Q1 2024 */
    o.period = ARMOEDE_PERIOD_QUARTER;
    o.targets = NULL;
    assert_int_equal(armoede_reach(t, &o, &r), 0);
    assert_close(get(r, E, "reached", "households", "period", "2024-Q1", "intervention", "ivB", NULL), 5, 0);
    /* ivA in 2024-Q3: h2 (ongoing since 2023) and h5 */
    assert_close(get(r, E, "reached", "households", "period", "2024-Q3", "intervention", "ivA", NULL), 2, 0);
    armoede_result_free(r);
    /* targets in persons without a person id; a target unit that is neither */
    o.person_id = NULL;
    o.period = ARMOEDE_PERIOD_YEAR;
    armoede_table *tg2 = read_csv("targets2.csv", "intervention,year,unit,target\nivA,2024,persons,3\nivB,2024,households,5\n");
    o.targets = tg2;
    assert_int_equal(armoede_reach(t, &o, &r), 0);
    assert_true(has_note(r, "1 targets in a unit without its id column"));
    assert_close(get(r, E, "target_attainment", "households", "period", "2024", "line", "L1", NULL), 1.0, 0);
    armoede_result_free(r);
    armoede_table_free(tg2);
    tg2 = read_csv("targets3.csv", "intervention,year,unit,target\nivA,2024,huishoudens,3\n");
    o.targets = tg2;
    assert_int_equal(armoede_reach(t, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "targets3.csv line 2"));
    assert_non_null(strstr(armoede_last_error(), "huishoudens"));
    armoede_table_free(tg2);
    o.targets = NULL;
    o.person_id = "person";
    /* strict: the unmapped intervention is an error naming its row */
    o.strict = 1;
    o.period = ARMOEDE_PERIOD_YEAR;
    assert_int_equal(armoede_reach(t, &o, &r), ARMOEDE_EDATA);
    armoede_table_free(t);
    armoede_table_free(m);
    armoede_table_free(tg);
}

/* Reach brute force: distinct households per year and intervention. */
static void test_reach_brute_force(void **state)
{
    (void)state;
    enum { N = 4000, H = 900 };
    int32_t *st = malloc(N * sizeof *st), *en = malloc(N * sizeof *en);
    int64_t *hh = malloc(N * sizeof *hh);
    const char **iv = malloc(N * sizeof *iv);
    static const char *const I[] = {"a", "b", "c", "d"};
    uint64_t s = 7;
    for (int i = 0; i < N; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        st[i] = D(2020, 1, 1) + (int32_t)((s >> 33) % 1800);
        en[i] = (s >> 25) % 4 == 0 ? INT32_MIN : st[i] + (int32_t)((s >> 40) % 500);
        hh[i] = (int64_t)((s >> 12) % H);
        iv[i] = I[(s >> 55) % 4];
    }
    armoede_table *t;
    assert_int_equal(armoede_table_new(N, &t), 0);
    assert_int_equal(armoede_table_add_date(t, "start", st, N), 0);
    assert_int_equal(armoede_table_add_date(t, "end", en, N), 0);
    assert_int_equal(armoede_table_add_int(t, "hh", hh, N, 1), 0);
    assert_int_equal(armoede_table_add_text(t, "intervention", iv, N), 0);
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.household_id = "hh";
    o.end = "end";
    o.reference_day = D(2025, 12, 31);
    armoede_result *r;
    assert_int_equal(armoede_reach(t, &o, &r), 0);
    unsigned char *seen = malloc(H);
    unsigned char *prev = malloc(H);
    for (int k = 0; k < 4; k++) {
        memset(prev, 0, H);
        for (int y = 2020; y <= 2025; y++) {
            memset(seen, 0, H);
            int32_t y0 = D(y, 1, 1), y1 = D(y, 12, 31);
            for (int i = 0; i < N; i++)
                if (!strcmp(iv[i], I[k]) && st[i] <= y1 && (en[i] == INT32_MIN || en[i] >= y0)) seen[hh[i]] = 1;
            int n = 0, cont = 0;
            for (int h = 0; h < H; h++) {
                n += seen[h];
                cont += seen[h] && prev[h];
            }
            char yl[8];
            snprintf(yl, sizeof yl, "%d", y);
            assert_close(get(r, E, "reached", "households", "period", yl, "intervention", I[k], NULL), n, 0);
            if (y > 2020)
                assert_close(get(r, E, "reached_continuing", "households", "period", yl, "intervention", I[k], NULL),
                             cont, 0);
            memcpy(prev, seen, H);
        }
    }
    free(seen);
    free(prev);
    armoede_result_free(r);
    armoede_table_free(t);
    free(st);
    free(en);
    free(hh);
    free(iv);
}

/* The default reference day of reach is the latest start date: a planned
 * end (a trajectory booked until the end of 2027) must not make it report
 * reach for years that have not happened. */
static void test_reach_default_reference(void **state)
{
    (void)state;
    armoede_table *t = read_csv("part_planned.csv", "intervention,household,start,end\n"
                                                    "ivA,h1,2024-03-01,2027-12-31\n" /* planned end */
                                                    "ivA,h2,2025-06-01,\n"
                                                    "ivA,h3,2024-01-15,2024-06-30\n");
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.household_id = "household";
    o.end = "end";
    armoede_result *r;
    assert_int_equal(armoede_reach(t, &o, &r), 0);
    /* reference day 2025-06-01: 2024 {h1, h3}, 2025 {h1, h2}; nothing after */
    assert_close(get(r, E, "reached", "households", "period", "2024", "intervention", "ivA", NULL), 2, 0);
    assert_close(get(r, E, "reached", "households", "period", "2025", "intervention", "ivA", NULL), 2, 0);
    assert_int_equal(find(r, "reached", "households", "period", "2026", "intervention", "ivA", NULL), -1);
    assert_int_equal(find(r, "reached", "households", "period", "2027", "intervention", "ivA", NULL), -1);
    assert_true(has_note(r, "records active up to 2025-06-01 (the latest start date"));
    armoede_result_free(r);
    /* months: the last period is the month of the latest start */
    o.period = ARMOEDE_PERIOD_MONTH;
    assert_int_equal(armoede_reach(t, &o, &r), 0);
    assert_close(get(r, E, "reached", "households", "period", "2025-06", "intervention", "ivA", NULL), 2, 0);
    assert_int_equal(find(r, "reached", "households", "period", "2025-07", "intervention", "ivA", NULL), -1);
    armoede_result_free(r);
    /* an explicit reference day still reaches into the planned years */
    o.period = ARMOEDE_PERIOD_YEAR;
    o.reference_day = D(2027, 12, 31);
    assert_int_equal(armoede_reach(t, &o, &r), 0);
    assert_close(get(r, E, "reached", "households", "period", "2027", "intervention", "ivA", NULL), 2, 0);
    assert_false(has_note(r, "the latest start date"));
    armoede_result_free(r);
    armoede_table_free(t);
}

/* The documented defaults of the other reference days, and their notes. */
static void test_default_reference_days(void **state)
{
    (void)state;
    armoede_table *t = read_csv("cases_ref.csv", cases_csv);
    const char *ev[] = {"registration", "first_conversation", "closure"};
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.events = ev;
    o.n_events = 3;
    armoede_result *r;
    /* open cases: the latest registration or closure date, 2025-01-10 (case 3's
     * closure): open then are cases 2, 4 and 5 */
    assert_int_equal(armoede_open_cases(t, &o, &r), 0);
    assert_close(get(r, E, "open_cases", "cases", "reference_date", "2025-01-10", "age_band", "Total", NULL), 3, 0);
    assert_true(has_note(r, "counted on 2025-01-10 (the latest registration or closure date"));
    armoede_result_free(r);
    /* within term: the latest registration or first_conversation date,
     * 2024-12-27; case 4 (2 Dec + 4 weeks = 30 Dec) is still pending on it */
    o.n_events = 2;
    assert_int_equal(armoede_within_term(t, &o, &r), 0);
    assert_true(has_note(r, "judged on 2024-12-27 (the latest registration or first_conversation date"));
    assert_true(has_note(r, "1 cases still within their term on 2024-12-27"));
    armoede_result_free(r);
    armoede_table_free(t);
    /* budget: the last day of the latest month with spending */
    t = read_csv("sp_ref.csv", "year,month,line,amount\n2024,1,L1,10\n2024,5,L1,10\n2023,12,L1,4\n");
    armoede_process_options_init(&o);
    assert_int_equal(armoede_budget(t, NULL, &o, &r), 0);
    assert_true(has_note(r, "months 1..5 of 2024 (through 2024-05, the latest month with spending)"));
    armoede_result_free(r);
    armoede_table_free(t);
    /* milestones: the latest actual date; without actual dates EINVAL */
    t = read_csv("ms_ref.csv", "line,activity,milestone,planned,actual\nL1,a,m1,2024-03-01,2024-02-20\n"
                               "L1,a,m2,2024-02-01,\nL1,a,m3,2024-02-25,\n");
    assert_int_equal(armoede_milestones(t, &o, &r), 0);
    assert_true(has_note(r, "judged on 2024-02-20"));
    /* m1 done in time, m2 overdue, m3 not yet due on 20 Feb */
    assert_close(get(r, E, "milestones_on_schedule", "milestones", "line", "Total", NULL), 2.0 / 3, 1e-15);
    armoede_result_free(r);
    armoede_table_free(t);
    t = read_csv("ms_ref2.csv", "line,activity,milestone,planned\nL1,a,m1,2024-03-01\n");
    assert_int_equal(armoede_milestones(t, &o, &r), ARMOEDE_EINVAL);
    assert_null(r);
    assert_non_null(strstr(armoede_last_error(), "reference day"));
    armoede_table_free(t);
}

/* ---- input: budget execution and the forecast ---- */

/* The seasonal share pools only earlier years with a spending row in all 12
 * months. 2023 complete: Jan 10, Feb 10, Mar-Dec 6 each = 80 (Jan-Feb 20).
 * 2024 starts in March: Mar-Dec 6 each = 60. 2025 through February: 40.
 * Pooling 2024 would give s = 20 / 140 and a forecast 280; 2023 alone gives
 * s = 20 / 80 and 40 / (1/4) = 160. */
static void test_budget_seasonal_complete_years(void **state)
{
    (void)state;
    char csv[8192] = "year,month,line,activity,amount\n";
    char row[128];
    for (int m = 1; m <= 12; m++) {
        snprintf(row, sizeof row, "2023,%d,L1,act1,%d\n", m, m <= 2 ? 10 : 6);
        strcat(csv, row);
        /* act2: a month with an amount of 0 is present: 2023 is complete
         * (Jan-Nov 10 each, Dec 0: 110, Jan-Feb 20) */
        snprintf(row, sizeof row, "2023,%d,L1,act2,%d\n", m, m == 12 ? 0 : 10);
        strcat(csv, row);
    }
    for (int m = 3; m <= 12; m++) {
        snprintf(row, sizeof row, "2024,%d,L1,act1,6\n", m);
        strcat(csv, row);
        /* act3 exists only from March 2024: no complete earlier year */
        snprintf(row, sizeof row, "2024,%d,L1,act3,5\n", m);
        strcat(csv, row);
    }
    strcat(csv, "2025,1,L1,act1,20\n2025,2,L1,act1,20\n2025,1,L1,act2,10\n2025,2,L1,act2,10\n"
                "2025,1,L1,act3,5\n2025,2,L1,act3,5\n");
    armoede_table *t = read_csv("spend_season.csv", csv);
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.reference_day = D(2025, 2, 28);
    armoede_result *r;
    assert_int_equal(armoede_budget(t, NULL, &o, &r), 0);
    assert_close(get(r, E, "forecast_seasonal", "euro", "year", "2025", "line", "L1", "activity", "act1", NULL), 160,
                 1e-9);
    assert_close(get(r, E, "forecast_run_rate", "euro", "year", "2025", "line", "L1", "activity", "act1", NULL), 240,
                 1e-9);
    assert_true(has_note(r, "forecast_seasonal L1 / act1: 1 earlier year with all 12 months used, 1 left out as "
                            "incomplete (2024: 10 of 12 months)"));
    /* act2: 20 / (20 / 110) = 110 */
    assert_close(get(r, E, "forecast_seasonal", "euro", "year", "2025", "line", "L1", "activity", "act2", NULL), 110,
                 1e-9);
    assert_false(has_note(r, "L1 / act2"));
    /* act3: no complete earlier year: no seasonal forecast, a note; run rate still */
    assert_int_equal(find(r, "forecast_seasonal", "euro", "year", "2025", "line", "L1", "activity", "act3", NULL), -1);
    assert_close(get(r, E, "forecast_run_rate", "euro", "year", "2025", "line", "L1", "activity", "act3", NULL), 60,
                 1e-9);
    assert_true(has_note(r, "forecast_seasonal L1 / act3: no earlier year has spending in all 12 months (1 left out: "
                            "2024: 10 of 12 months): no seasonal forecast"));
    /* the line total: 2023 complete (act1 + act2: Jan-Feb 40 of 190), 2024 not;
     * ytd 40 + 20 + 10 = 70 -> 70 / (40 / 190) = 332.5 */
    assert_close(get(r, E, "forecast_seasonal", "euro", "year", "2025", "line", "L1", "activity", "Total", NULL),
                 332.5, 1e-9);
    /* 2023 used by act1, act2, L1 Total and Total Total; 2024 left out of act1, act3, L1 Total and Total Total */
    assert_true(has_note(r, "pools only earlier years with a spending row in each of the 12 months: 4 "
                            "line/activity-years used, 4 left out as incomplete"));
    armoede_result_free(r);
    armoede_table_free(t);
}

static void test_budget_forecast_hand(void **state)
{
    (void)state;
    /* 2023: 50, 50, 50, then 100 x 8 (Apr-Nov), 150 in Dec = 1100; months 1-3 = 150.
     * 2024 through March: 120, 120 and a correction of -20 in February, 80 = 300. */
    char csv[4096] = "year,month,line,activity,source,amount\n";
    const double m23[12] = {50, 50, 50, 100, 100, 100, 100, 100, 100, 100, 100, 150};
    for (int m = 1; m <= 12; m++) {
        char row[128];
        snprintf(row, sizeof row, "2023,%d,L1,act1,rijk,%g\n", m, m23[m - 1]);
        strcat(csv, row);
    }
    strcat(csv, "2024,1,L1,act1,rijk,120\n2024,2,L1,act1,rijk,120\n2024,2,L1,act1,rijk,-20\n2024,3,L1,act1,gemeente,80\n");
    armoede_table *t = read_csv("spend.csv", csv);
    armoede_table *plan = read_csv("plan.csv", "year,line,activity,budget\n2023,L1,act1,1000\n2024,L1,act1,1200\n"
                                               "2025,L1,act1,NA\n");
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.plan = plan;
    o.reference_day = D(2024, 3, 31);
    armoede_result *r;
    assert_int_equal(armoede_budget(t, NULL, &o, &r), 0);
    /* 2023 execution 1100 / 1000 */
    assert_close(get(r, E, "execution", "share", "year", "2023", "line", "L1", "activity", "act1", NULL), 1.1, 1e-15);
    assert_close(get(r, E, "realised", "euro", "year", "2023", "line", "Total", "activity", "Total", NULL), 1100, 0);
    /* ytd 300 against pro rata 1200 x 3/12 = 300 */
    assert_close(get(r, E, "ytd_vs_pro_rata", "share", "year", "2024", "line", "L1", "activity", "act1", NULL), 1.0, 1e-15);
    /* run rate 300 x 12 / 3 = 1200: exactly on budget, flag 0 */
    assert_close(get(r, E, "forecast_run_rate", "euro", "year", "2024", "line", "L1", "activity", "act1", NULL), 1200, 1e-9);
    assert_close(get(r, E, "over_spend_flag_run_rate", "flag", "year", "2024", "line", "L1", "activity", "act1", NULL), 0, 0);
    /* seasonal: 300 / (150 / 1100) = 2200; over by 1000 > 5% of 1200: flag 1 */
    assert_close(get(r, E, "forecast_seasonal", "euro", "year", "2024", "line", "L1", "activity", "act1", NULL), 2200, 1e-9);
    assert_close(get(r, E, "projected_over_spend_seasonal", "euro", "year", "2024", "line", "L1", "activity", "act1",
                     NULL), 1000, 1e-9);
    assert_close(get(r, E, "over_spend_flag_seasonal", "flag", "year", "2024", "line", "L1", "activity", "act1", NULL),
                 1, 0);
    /* per source: rijk 2024 = 120 + 120 - 20 = 220 */
    assert_close(get(r, E, "realised_ytd", "euro", "year", "2024", "source", "rijk", NULL), 220, 0);
    assert_true(has_note(r, "1 negative amounts (corrections, sum -20.00) kept"));
    assert_true(has_note(r, "1 plan rows without a budget ('pm') left out"));
    armoede_result_free(r);
    /* under-spend: a reference at the end of February gives ytd 220 over 2
     * months, run rate 1320 (> 1260: flag 1); seasonal 220 / (100/1100) = 2420 */
    o.reference_day = D(2024, 2, 29);
    assert_int_equal(armoede_budget(t, NULL, &o, &r), 0);
    assert_close(get(r, E, "forecast_run_rate", "euro", "year", "2024", "line", "L1", "activity", "act1", NULL), 1320, 1e-9);
    assert_close(get(r, E, "over_spend_flag_run_rate", "flag", "year", "2024", "line", "L1", "activity", "act1", NULL), 1, 0);
    assert_close(get(r, E, "forecast_seasonal", "euro", "year", "2024", "line", "L1", "activity", "act1", NULL), 2420, 1e-9);
    armoede_result_free(r);
    /* strict: the correction is an error naming the row */
    o.strict = 1;
    assert_int_equal(armoede_budget(t, NULL, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "spend.csv line 16"));
    assert_non_null(strstr(armoede_last_error(), "-20"));
    armoede_table_free(t);
    armoede_table_free(plan);
    /* a month 13 */
    t = read_csv("spend13.csv", "year,month,line,amount\n2024,13,L1,5\n");
    o.strict = 0;
    o.plan = NULL;
    assert_int_equal(armoede_budget(t, NULL, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "line 2"));
    armoede_table_free(t);
}

static void test_cost_per_unit_and_goals(void **state)
{
    (void)state;
    armoede_table *t = read_csv("part2.csv", particip_csv), *m = read_csv("map2.csv", mapping_csv);
    /* 2024 spending: act1 900, act2 100 */
    armoede_table *s = read_csv("spend2.csv", "year,month,line,activity,amount\n2024,6,L1,act1,900\n2024,12,L2,act2,100\n");
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.household_id = "household";
    o.end = "end";
    o.mapping = m;
    o.reference_day = D(2024, 12, 31);
    armoede_result *r;
    assert_int_equal(armoede_budget(s, t, &o, &r), 0);
    /* act1 = ivA + ivB: 8 households -> 112.5 each; act2 = ivC: 2 -> 50 */
    assert_close(get(r, E, "cost_per_unit", "euro per household", "year", "2024", "line", "L1", "activity", "act1", NULL),
                 112.5, 1e-12);
    assert_close(get(r, E, "cost_per_unit", "euro per household", "year", "2024", "line", "L2", "activity", "act2", NULL),
                 50, 1e-12);
    armoede_result_free(r);
    /* ratings (dialogue form) and money per goal:
     * act1 900 over ivA, ivB = 450 each; ivA over G1, G2 = 225 each; ivB all to G2.
     * G1 225, G2 675, G3 100 (ivC). */
    armoede_table *rt = read_csv("ratings.csv", "intervention,goal,score\nivA,G1,4\nivA,G2,2\nivB,G2,3\nivC,G3,5\nivQ,G1,1\n");
    assert_int_equal(armoede_ratings(rt, s, &o, &r), 0);
    assert_close(get(r, E, "rating_mean", "score", "line", "L1", "goal", "G2", NULL), 2.5, 0);
    assert_close(get(r, E, "rating_min", "score", "line", "L1", "goal", "G2", NULL), 2, 0);
    assert_close(get(r, E, "rating_mean", "score", "line", "Total", "goal", "G1", NULL), 4, 0);
    assert_close(get(r, E, "spent_per_goal", "euro", "year", "2024", "goal", "G1", NULL), 225, 1e-12);
    assert_close(get(r, E, "spent_per_goal", "euro", "year", "2024", "goal", "G2", NULL), 675, 1e-12);
    assert_close(get(r, E, "spent_per_goal", "euro", "year", "2024", "goal", "G3", NULL), 100, 1e-12);
    assert_true(has_note(r, "1 ratings of an intervention or goal not in the mapping left out"));
    armoede_result_free(r);
    armoede_table_free(rt);
    armoede_table_free(s);
    armoede_table_free(t);
    armoede_table_free(m);
}

static void test_funding_and_milestones(void **state)
{
    (void)state;
    armoede_table *f = read_csv("funding.csv", "source,year,amount\n"
                                               "structural,2026,1700\nstructural,2027,1700\ncut,2027,-900\n"
                                               "spuk,2026,130\nspuk,2027,NA\n");
    armoede_result *r;
    assert_int_equal(armoede_funding(f, NULL, &r), 0);
    assert_close(get(r, E, "funding", "euro", "year", "2026", "source", "Total", NULL), 1830, 0);
    assert_close(get(r, E, "funding", "euro", "year", "2027", "source", "Total", NULL), 800, 0);
    assert_close(get(r, E, "funding_change", "euro", "year", "2027", "source", "Total", NULL), -1030, 0);
    assert_true(has_note(r, "1 amounts missing"));
    armoede_result_free(r);
    armoede_table_free(f);
    armoede_table *ms = read_csv("ms.csv", "line,activity,milestone,planned,actual\n"
                                           "L1,a,m1,2024-03-01,2024-02-20\n" /* done early: on schedule */
                                           "L1,a,m2,2024-03-01,2024-04-02\n" /* done late */
                                           "L1,b,m3,2024-09-01,\n"           /* not due yet on 1 Jun */
                                           "L2,c,m4,2024-05-01,\n"           /* overdue */
                                           "L2,c,m5,2024-05-01,2024-07-01\n" /* done after the reference day: overdue */);
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.reference_day = D(2024, 6, 1);
    assert_int_equal(armoede_milestones(ms, &o, &r), 0);
    assert_close(get(r, E, "milestones_on_schedule", "milestones", "line", "L1", NULL), 2.0 / 3, 1e-15);
    assert_close(get(r, E, "milestones_on_schedule", "milestones", "line", "L2", NULL), 0, 0);
    assert_close(get(r, E, "milestones_on_schedule", "milestones", "line", "Total", NULL), 0.4, 1e-15);
    armoede_result_free(r);
    armoede_table_free(ms);
}

/* The shipped seed 001 tables: the chapter 7 totals. */
static void test_seed001_data(void **state)
{
    (void)state;
    armoede_table *f = NULL, *plan = NULL;
    assert_int_equal(armoede_table_read_csv(SOURCE_ROOT "/data/groningen/funding.csv", NULL, &f), 0);
    armoede_result *r;
    assert_int_equal(armoede_funding(f, NULL, &r), 0);
    /* Beschikbaar: Totaal 2.380, 2.380, 1.927, 800 (thousands) */
    assert_close(get(r, E, "funding", "euro", "year", "2024", "source", "Total", NULL), 2380, 0);
    assert_close(get(r, E, "funding", "euro", "year", "2025", "source", "Total", NULL), 2380, 0);
    assert_close(get(r, E, "funding", "euro", "year", "2026", "source", "Total", NULL), 1927, 0);
    assert_close(get(r, E, "funding", "euro", "year", "2027", "source", "Total", NULL), 800, 0);
    assert_close(get(r, E, "funding_change", "euro", "year", "2027", "source", "Total", NULL), -1127, 0);
    assert_true(has_note(r, "1 amounts missing")); /* SPUK 2027: pm */
    /* rounding to 10 leaves amounts: 1927 stays 1927 */
    armoede_sdc_options so = ARMOEDE_SDC_OPTIONS_INIT;
    so.min_n = 0;
    so.round_base = 10;
    assert_int_equal(armoede_sdc_apply(r, &so), 0);
    assert_close(get(r, ARMOEDE_FIELD_NUM_W, "funding", "euro", "year", "2026", "source", "Total", NULL), 1927, 0);
    armoede_result_free(r);
    armoede_table_free(f);
    /* Begroting inzet middelen: Totaal 2.380, 2.380, 1.927; lines 650 / 760 / 870 in 2024 */
    assert_int_equal(armoede_table_read_csv(SOURCE_ROOT "/data/groningen/budget_plan.csv", NULL, &plan), 0);
    armoede_table *sp = read_csv("nospend.csv", "year,month,line,activity,amount\n2024,1,Organisatie,organisatie,1\n");
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.plan = plan;
    o.reference_day = D(2024, 12, 31);
    assert_int_equal(armoede_budget(sp, NULL, &o, &r), 0);
    assert_close(get(r, E, "budget", "euro", "year", "2024", "line", "Total", "activity", "Total", NULL), 2380, 0);
    assert_close(get(r, E, "budget", "euro", "year", "2026", "line", "Total", "activity", "Total", NULL), 1927, 0);
    assert_close(get(r, E, "budget", "euro", "year", "2024", "line", "L2 Schulden voorkomen en bestrijden", "activity",
                     "Total", NULL), 760, 0);
    assert_close(get(r, E, "budget", "euro", "year", "2026", "line", "L3 Langdurige armoede doorbreken", "activity",
                     "Total", NULL), 647, 0);
    armoede_result_free(r);
    armoede_table_free(sp);
    armoede_table_free(plan);
    /* the mapping: 19 interventions over 3 lines and 7 goals */
    armoede_table *m = NULL;
    assert_int_equal(armoede_table_read_csv(SOURCE_ROOT "/data/groningen/programme_mapping.csv", NULL, &m), 0);
    assert_int_equal(armoede_table_nlevels(m, "intervention"), 19);
    assert_int_equal(armoede_table_nlevels(m, "line"), 3);
    assert_int_equal(armoede_table_nlevels(m, "goal"), 7);
    armoede_table_free(m);
}

/* The demo: the example process monitor end to end. */
static void test_monitor_example(void **state)
{
    (void)state;
    armoede_result *r;
    int rc = armoede_monitor_run(SOURCE_ROOT "/examples/groningen/processmonitor.ini", g_dir, &r);
    if (rc) print_error("%s\n", armoede_last_error());
    assert_int_equal(rc, 0);
    assert_true(armoede_result_protected(r));
    assert_close(get(r, E, "funding", "thousand euro", "year", "2027", "source", "Total", NULL), 800, 0);
    assert_close(get(r, ARMOEDE_FIELD_REFERENCE, "target_attainment", "households", "period", "2026", "intervention",
                     "kansrijk_groningen", NULL), 150, 0);
    /* Wgs compliance for crisis cases exists and is a share */
    double c = get(r, E, "within_term", "cases", "case_class", "crisis", NULL);
    assert_true(c > 0 && c <= 1);
    armoede_result_free(r);
    FILE *f = fopen(tpath("processmonitor.csv"), "r");
    assert_non_null(f);
    fclose(f);
}

/* Config errors name file and line. */
static void test_monitor_config_errors(void **state)
{
    (void)state;
    char ini[2048];
    snprintf(ini, sizeof ini,
             "[table cases]\nfile = %s/data/groningen/synthetic/cases.csv.gz\n"
             "[indicator t]\ntype = term_compliance\ntable = cases\nfrom = registration\nto = first_conversation\n"
             "terms = crisis: 3 fortnights\n[output]\ncsv = x.csv\n", SOURCE_ROOT);
    armoede_result *r;
    assert_int_equal(armoede_monitor_run(write_text("bad1.ini", ini), g_dir, &r), ARMOEDE_ECONFIG);
    assert_non_null(strstr(armoede_last_error(), "bad1.ini:8"));
    assert_non_null(strstr(armoede_last_error(), "fortnights"));
    snprintf(ini, sizeof ini,
             "[table cases]\nfile = %s/data/groningen/synthetic/cases.csv.gz\n"
             "[indicator o]\ntype = open_cases\ntable = cases\nevents = registration, closure\n"
             "reference_dates = 31-12-2025\n[output]\ncsv = x.csv\n", SOURCE_ROOT);
    assert_int_equal(armoede_monitor_run(write_text("bad2.ini", ini), g_dir, &r), ARMOEDE_ECONFIG);
    assert_non_null(strstr(armoede_last_error(), "bad2.ini:7"));
    assert_non_null(strstr(armoede_last_error(), "31-12-2025"));
}

/* Empty tables and tables of missing values: no rows, no crash. */
static void test_empty_and_missing(void **state)
{
    (void)state;
    armoede_table *t = read_csv("empty.csv", "registration,first_conversation,closure\n");
    /* header only: columns are CAT when nothing is read; declare them as dates */
    armoede_table_free(t);
    const char *cols[] = {"registration", "first_conversation", "closure"};
    armoede_type ty[] = {ARMOEDE_TYPE_DATE, ARMOEDE_TYPE_DATE, ARMOEDE_TYPE_DATE};
    armoede_read_options ro = ARMOEDE_READ_OPTIONS_INIT;
    ro.columns = cols;
    ro.types = ty;
    ro.n_columns = 3;
    assert_int_equal(armoede_table_read_csv(write_text("empty2.csv", "registration,first_conversation,closure\n,,\n,,\n"),
                                            &ro, &t), 0);
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    o.events = cols;
    o.n_events = 3;
    o.reference_day = D(2024, 1, 1);
    armoede_result *r;
    assert_int_equal(armoede_lead_times(t, &o, &r), 0);
    assert_int_equal(armoede_result_nrows(r), 0);
    assert_true(has_note(r, "2 cases without both dates"));
    armoede_result_free(r);
    assert_int_equal(armoede_within_term(t, &o, &r), 0);
    assert_int_equal(armoede_result_nrows(r), 0);
    assert_true(has_note(r, "2 cases without registration"));
    armoede_result_free(r);
    assert_int_equal(armoede_open_cases(t, &o, &r), 0);
    assert_close(get(r, E, "open_cases", "cases", "reference_date", "2024-01-01", "age_band", "Total", NULL), 0, 0);
    armoede_result_free(r);
    armoede_table_free(t);
    /* a date before 1949 in a case is an error naming it */
    t = read_csv("old.csv", "registration,first_conversation\n1900-01-02,1900-01-05\n");
    o.n_events = 2;
    assert_int_equal(armoede_lead_times(t, &o, &r), ARMOEDE_EDATA);
    assert_non_null(strstr(armoede_last_error(), "1900-01-02"));
    armoede_table_free(t);
    /* spending with nothing in it; funding of one pm row */
    /* an amount column of nothing but NA is not numeric: ETYPE naming it */
    t = read_csv("sp00.csv", "year,month,line,amount\n2024,1,L1,NA\n");
    armoede_process_options_init(&o);
    assert_int_equal(armoede_budget(t, NULL, &o, &r), ARMOEDE_ETYPE);
    assert_non_null(strstr(armoede_last_error(), "amount"));
    armoede_table_free(t);
    t = read_csv("sp0.csv", "year,month,line,amount\n2024,1,L1,NA\n2024,2,L1,5.5\n");
    assert_int_equal(armoede_budget(t, NULL, &o, &r), 0);
    assert_close(get(r, E, "realised_ytd", "euro", "year", "2024", "line", "L1", "activity", "Total", NULL), 5.5, 0);
    assert_true(has_note(r, "1 spending rows with a missing"));
    armoede_result_free(r);
    armoede_table_free(t);
    t = read_csv("f0.csv", "source,year,amount\nspuk,2027,NA\nrijk,2026,10\n");
    assert_int_equal(armoede_funding(t, NULL, &r), 0);
    assert_int_equal(armoede_result_nrows(r), 2); /* rijk and Total of 2026; 2027 has no known amount */
    assert_true(has_note(r, "1 amounts missing"));
    armoede_result_free(r);
    armoede_table_free(t);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    armoede_result *r = (armoede_result *)1;
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    assert_int_equal(armoede_lead_times(NULL, &o, &r), ARMOEDE_EINVAL);
    assert_null(r);
    armoede_table *t = read_csv("c4.csv", cases_csv);
    assert_int_equal(armoede_lead_times(t, &o, &r), ARMOEDE_EINVAL); /* no events */
    const char *ev[] = {"registration", "nope"};
    o.events = ev;
    o.n_events = 2;
    assert_int_equal(armoede_lead_times(t, &o, &r), ARMOEDE_ENOTFOUND);
    o.version = 99;
    assert_int_equal(armoede_lead_times(t, &o, &r), ARMOEDE_EINVAL);
    armoede_process_options_init(&o);
    assert_int_equal(o.version, ARMOEDE_PROCESS_OPTIONS_VERSION);
    assert_close(o.margin, 0.05, 0);
    const char *ev2[] = {"district", "registration"};
    o.events = ev2;
    o.n_events = 2;
    assert_int_equal(armoede_lead_times(t, &o, &r), ARMOEDE_ETYPE);
    assert_int_equal(armoede_reach(t, &o, &r), ARMOEDE_EINVAL); /* no ids */
    armoede_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lead_times_hand),
        cmocka_unit_test(test_bad_dates_rejected),
        cmocka_unit_test(test_within_term),
        cmocka_unit_test(test_open_cases),
        cmocka_unit_test(test_lead_times_brute_force),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_reach_targets),
        cmocka_unit_test(test_reach_brute_force),
        cmocka_unit_test(test_reach_default_reference),
        cmocka_unit_test(test_default_reference_days),
        cmocka_unit_test(test_budget_forecast_hand),
        cmocka_unit_test(test_budget_seasonal_complete_years),
        cmocka_unit_test(test_cost_per_unit_and_goals),
        cmocka_unit_test(test_funding_and_milestones),
        cmocka_unit_test(test_seed001_data),
        cmocka_unit_test(test_monitor_example),
        cmocka_unit_test(test_monitor_config_errors),
        cmocka_unit_test(test_empty_and_missing),
        cmocka_unit_test(test_bad_arguments),
    };
    if (tu_mkdtemp("process")) return 1;
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_rmdtemp();
    return rc;
}
