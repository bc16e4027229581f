/*
 * Brute-force check of the impact indicators: a seeded random person-year panel
 * (> 100,000 rows, 8 years, about 15,000 households, persons moving between
 * households, gaps, incomes near and exactly on the lines, missing incomes, filters,
 * 20 districts, a weight) is counted by a straightforward reference written here from
 * include/armoede.h alone, and every cell of armoede_minima, armoede_durations and
 * armoede_flows is compared with it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Readings of the header used by the reference (see the report):
 *  - "at or below p": cents(income) <= cents(p * norm), cents(x) = llround(x * 100.0)
 *    (half away from zero). The generated norms never put p * norm within rounding
 *    distance of a half cent, so the order of the multiplications cannot matter.
 *  - The population of a row: income present, whole_year != 0, student != 1,
 *    institutional != 1, income >= 0 (negative excluded); for minima by district also
 *    a present district; with weights also a weight > 0.
 *  - Durations and flows are broken down by a district column without missing values
 *    (so the open question whether a row with a missing key still counts as observed in
 *    other years does not arise).
 *  - A cell whose denominator is 0 may be absent or reported with a 0 denominator.
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

#define NPERS 22000
#define NY 8
#define Y0 2015
#define ND 20
#define NTHR 4
#define NK 3
#define MAXHID 40000

static const double THR[NTHR] = {1.0, 1.1, 1.2, 1.3};
static const int KS[NK] = {1, 2, 4};
/* norms in cents; the last digit is never 5, so p x norm (p = 1.0..1.3) is never a
 * half cent */
static const int64_t NORM_CENTS[] = {1555368, 1234567, 1800012, 2100003, 987654, 1432109};
#define NNORMS (sizeof NORM_CENTS / sizeof NORM_CENTS[0])

/* ------------------------------------------------------------------------
 * Deterministic random numbers
 * ---------------------------------------------------------------------- */
static uint64_t splitmix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return x ^ (x >> 31);
}

static uint64_t rng_state = 0x2545F4914F6CDD1Du;
static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1Du;
}
static double unif(void) { return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0); }

/* uniform in [0,1) from a hash of (a, b, salt) */
static double hunif(uint64_t a, uint64_t b, uint64_t salt)
{
    uint64_t h = splitmix(splitmix(splitmix(a) ^ (b * 0x632BE59BD9B4E019u)) ^ salt);
    return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

static int64_t cents(double x) { return llround(x * 100.0); }

/* ------------------------------------------------------------------------
 * The panel
 * ---------------------------------------------------------------------- */
typedef struct panel {
    size_t n;
    int64_t *pid, *hid, *year, *birth, *whole, *student, *inst;
    double *income, *norm, *weight, *wealth;
    int *dist;      /* 0..ND-1, -1 missing */
    int *wijk;      /* 0..ND-1 */
    const char **dist_lab, **wijk_lab;
} panel;

static char LABELS[ND][8];

static void household_year(int64_t hid, int64_t y, double *income, double *norm, int64_t *whole,
                           int64_t *student, int64_t *inst, int *dist, int *wijk, double *weight,
                           double *wealth)
{
    uint64_t h = (uint64_t)hid, yy = (uint64_t)y;
    int64_t nc = NORM_CENTS[(size_t)(hunif(h, 0, 1) * (double)NNORMS)];
    *norm = (double)nc / 100.0;
    double base = 0.75 + 0.85 * hunif(h, 0, 2);
    double ratio = base + (hunif(h, yy, 3) - 0.5) * 0.3;
    double u = hunif(h, yy, 4);
    double pick = hunif(h, yy, 5);
    int64_t ic;
    if (u < 0.08) { /* exactly on a line, in cents */
        ic = cents(THR[(size_t)(pick * NTHR)] * *norm);
    } else if (u < 0.12) { /* one cent either side of a line */
        ic = cents(THR[(size_t)(pick * NTHR)] * *norm) + (hunif(h, yy, 6) < 0.5 ? -1 : 1);
    } else if (u < 0.13) {
        ic = INT64_MIN; /* missing */
    } else if (u < 0.14) {
        ic = -1 - (int64_t)(hunif(h, yy, 7) * 1000000.0); /* negative */
    } else if (u < 0.145) {
        ic = 0;
    } else {
        ic = llround(ratio * (double)nc);
    }
    *income = ic == INT64_MIN ? NAN : (double)ic / 100.0;
    *whole = hunif(h, yy, 8) < 0.03 ? 0 : 1;
    *student = hunif(h, yy, 9) < 0.02 ? 1 : 0;
    *inst = hunif(h, yy, 10) < 0.01 ? 1 : 0;
    *wijk = (int)(hunif(h, 0, 11) * ND);
    if (hunif(h, yy, 12) < 0.1) /* the household moved district this year */
        *wijk = (int)(hunif(h, yy, 13) * ND);
    *dist = hunif(h, yy, 14) < 0.005 ? -1 : *wijk;
    double wu = hunif(h, yy, 15);
    if (wu < 0.003)
        *weight = 0.0;
    else if (wu < 0.006)
        *weight = -1.0;
    else if (wu < 0.009)
        *weight = NAN;
    else
        *weight = 0.3 + 2.7 * hunif(h, yy, 16);
    *wealth = 60000.0 * hunif(h, yy, 18);
}

static void panel_free(panel *p)
{
    free(p->pid);
    free(p->hid);
    free(p->year);
    free(p->birth);
    free(p->whole);
    free(p->student);
    free(p->inst);
    free(p->income);
    free(p->norm);
    free(p->weight);
    free(p->wealth);
    free(p->dist);
    free(p->wijk);
    free(p->dist_lab);
    free(p->wijk_lab);
}

static void make_panel(panel *p)
{
    for (int d = 0; d < ND; d++)
        snprintf(LABELS[d], sizeof LABELS[d], "D%02d", d);
    size_t cap = (size_t)NPERS * NY;
    memset(p, 0, sizeof *p);
    p->pid = malloc(cap * sizeof(int64_t));
    p->hid = malloc(cap * sizeof(int64_t));
    p->year = malloc(cap * sizeof(int64_t));
    p->birth = malloc(cap * sizeof(int64_t));
    p->whole = malloc(cap * sizeof(int64_t));
    p->student = malloc(cap * sizeof(int64_t));
    p->inst = malloc(cap * sizeof(int64_t));
    p->income = malloc(cap * sizeof(double));
    p->norm = malloc(cap * sizeof(double));
    p->weight = malloc(cap * sizeof(double));
    p->wealth = malloc(cap * sizeof(double));
    p->dist = malloc(cap * sizeof(int));
    p->wijk = malloc(cap * sizeof(int));
    p->dist_lab = malloc(cap * sizeof(char *));
    p->wijk_lab = malloc(cap * sizeof(char *));
    assert_true(p->pid && p->hid && p->year && p->birth && p->whole && p->student && p->inst &&
                p->income && p->norm && p->weight && p->wealth && p->dist && p->wijk && p->dist_lab &&
                p->wijk_lab);

    int64_t *cur = malloc(NPERS * sizeof *cur);
    int64_t *birth = malloc(NPERS * sizeof *birth);
    int *first = malloc(NPERS * sizeof *first), *last = malloc(NPERS * sizeof *last);
    assert_true(cur && birth && first && last);
    int64_t next_hid = 1;
    for (int i = 0; i < NPERS;) {
        int size = 1 + (int)(rnd() % 4);
        for (int j = 0; j < size && i < NPERS; j++, i++)
            cur[i] = next_hid;
        next_hid++;
    }
    for (int i = 0; i < NPERS; i++) {
        birth[i] = 1935 + (int64_t)(rnd() % 88); /* some turn 18 inside the panel */
        first[i] = unif() < 0.6 ? 0 : (int)(rnd() % NY);
        last[i] = unif() < 0.6 ? NY - 1 : first[i] + (int)(rnd() % (unsigned)(NY - first[i]));
    }
    size_t n = 0;
    for (int y = 0; y < NY; y++) {
        for (int i = 0; i < NPERS; i++) {
            if (y > 0 && unif() < 0.08) { /* a move */
                if (unif() < 0.5)
                    cur[i] = next_hid++;
                else
                    cur[i] = cur[rnd() % NPERS];
            }
            if (y < first[i] || y > last[i] || unif() < 0.07)
                continue;
            if (Y0 + y < birth[i])
                continue;
            p->pid[n] = 1000000 + i;
            p->hid[n] = cur[i];
            p->year[n] = Y0 + y;
            p->birth[n] = birth[i];
            household_year(cur[i], Y0 + y, &p->income[n], &p->norm[n], &p->whole[n],
                           &p->student[n], &p->inst[n], &p->dist[n], &p->wijk[n],
                           &p->weight[n], &p->wealth[n]);
            /* a valid weight differs between the members of a household (its weight is
             * that of its first row); an invalid one is the household's */
            if (p->weight[n] > 0.0)
                p->weight[n] = 0.3 + 2.7 * hunif((uint64_t)i, (uint64_t)y, 17);
            n++;
        }
    }
    assert_true(next_hid < MAXHID);
    p->n = n;
    /* shuffle the rows: the library must not rely on any order */
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)(rnd() % (i + 1));
#define SWAP(arr, T)                                                                           \
    do {                                                                                       \
        T tmp_ = (arr)[i];                                                                     \
        (arr)[i] = (arr)[j];                                                                   \
        (arr)[j] = tmp_;                                                                       \
    } while (0)
        SWAP(p->pid, int64_t);
        SWAP(p->hid, int64_t);
        SWAP(p->year, int64_t);
        SWAP(p->birth, int64_t);
        SWAP(p->whole, int64_t);
        SWAP(p->student, int64_t);
        SWAP(p->inst, int64_t);
        SWAP(p->income, double);
        SWAP(p->norm, double);
        SWAP(p->weight, double);
        SWAP(p->wealth, double);
        SWAP(p->dist, int);
        SWAP(p->wijk, int);
#undef SWAP
    }
    for (size_t i = 0; i < n; i++) {
        p->dist_lab[i] = p->dist[i] < 0 ? NULL : LABELS[p->dist[i]];
        p->wijk_lab[i] = LABELS[p->wijk[i]];
    }
    free(cur);
    free(birth);
    free(first);
    free(last);
    print_message("panel: %zu rows, %lld household ids\n", n, (long long)(next_hid - 1));
    assert_true(n >= 100000);
}

static armoede_table *panel_table(const panel *p)
{
    armoede_table *t = NULL;
    size_t n = p->n;
    assert_int_equal(armoede_table_new(n, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "person", p->pid, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "household", p->hid, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "year", p->year, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "born", p->birth, n, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "whole", p->whole, n, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "stud", p->student, n, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "inst", p->inst, n, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "inc", p->income, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "nrm", p->norm, n, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "w", p->weight, n, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "vermogen", p->wealth, n, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_text(t, "district", p->dist_lab, n), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_text(t, "wijk", p->wijk_lab, n), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_PERSON_ID, "person"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_ID, "household"),
                     ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "year"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_BIRTH_YEAR, "born"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_WHOLE_YEAR, "whole"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_STUDENT, "stud"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INSTITUTIONAL, "inst"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "inc"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_NORM, "nrm"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_WEALTH, "vermogen"), ARMOEDE_OK);
    return t;
}

/* ------------------------------------------------------------------------
 * Reference cells: a grid (year 0..NY-1, NY = Total) x (district 0..ND-1, ND = Total)
 * ---------------------------------------------------------------------- */
typedef struct cell {
    double nw, dw;
    long nn, dn;
    int seen;
} cell;

#define GRID ((NY + 1) * (ND + 1))

static cell *grid_new(size_t ngrids)
{
    cell *c = calloc(ngrids * GRID, sizeof *c);
    assert_non_null(c);
    return c;
}

/* add to (y, d), (y, Total), (Total, d), (Total, Total) */
static void add4(cell *g, int y, int d, double w, int in_num)
{
    int ys[2] = {y, NY}, ds[2] = {d, ND};
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            cell *c = &g[ys[a] * (ND + 1) + ds[b]];
            c->dw += w;
            c->dn += 1;
            if (in_num) {
                c->nw += w;
                c->nn += 1;
            }
        }
}

/* The population rules of the variant under test (defaults: every filter on, negative
 * incomes left out, no wealth test). */
static int POP_FILTERS = 1, POP_NEGATIVE = 0;
static double POP_WEALTH = 0.0;

static int in_population(const panel *p, size_t i)
{
    if (isnan(p->income[i]))
        return 0;
    if (POP_FILTERS && (p->whole[i] == 0 || p->student[i] == 1 || p->inst[i] == 1))
        return 0;
    if (!POP_NEGATIVE && p->income[i] < 0.0)
        return 0;
    return 1;
}

static int at_or_below(const panel *p, size_t i, double thr)
{
    if (POP_WEALTH > 0.0 && p->wealth[i] > POP_WEALTH)
        return 0;
    return cents(p->income[i]) <= cents(thr * p->norm[i]);
}

static int is_minor(const panel *p, size_t i) { return p->year[i] - p->birth[i] < 18; }

/* ------------------------------------------------------------------------
 * Comparing a result with reference grids
 * ---------------------------------------------------------------------- */
typedef cell *(*grid_lookup)(const char *ind, const char *unit, int ti, int ki, void *ctx);

static int label_index(const char *lab, int total, int is_year)
{
    if (lab == NULL)
        return -1;
    if (strcmp(lab, "Total") == 0)
        return total;
    if (is_year) {
        long y = strtol(lab, NULL, 10);
        return y >= Y0 && y < Y0 + NY ? (int)(y - Y0) : -1;
    }
    if (lab[0] == 'D')
        return atoi(lab + 1);
    return -1;
}

static int thr_index(double p)
{
    for (int i = 0; i < NTHR; i++)
        if (fabs(p - THR[i]) < 1e-12)
            return i;
    return -1;
}

static int rel_close(double a, double b)
{
    double s = fabs(b) > 1.0 ? fabs(b) : 1.0;
    return fabs(a - b) <= 1e-9 * s;
}

/* Compare every row of r with the reference; then check that every reference cell
 * with a positive denominator was reported. `weighted`: weighted sums are compared
 * to 1e-9 relative, else exactly. Returns the number of mismatches. */
static long compare(const armoede_result *r, const char *dkey, grid_lookup look, void *ctx,
                    cell *all, size_t ngrids, int weighted, int year_margin, const char *what)
{
    long bad = 0;
    size_t ky = SIZE_MAX, kd = SIZE_MAX;
    for (size_t k = 0; k < armoede_result_nkeys(r); k++) {
        if (strcmp(armoede_result_key_name(r, k), "year") == 0)
            ky = k;
        else if (strcmp(armoede_result_key_name(r, k), dkey) == 0)
            kd = k;
    }
    assert_true(ky != SIZE_MAX && kd != SIZE_MAX);
    assert_int_equal(armoede_result_nkeys(r), 2);
    for (size_t i = 0; i < armoede_result_nrows(r); i++) {
        const char *ind = armoede_result_indicator(r, i), *unit = armoede_result_unit(r, i);
        int ti = thr_index(armoede_result_value(r, i, ARMOEDE_FIELD_THRESHOLD));
        double kv = armoede_result_value(r, i, ARMOEDE_FIELD_DURATION);
        int ki = -1;
        for (int k = 0; k < NK; k++)
            if (kv == (double)KS[k])
                ki = k;
        int yi = label_index(armoede_result_key(r, i, ky), NY, 1);
        int di = label_index(armoede_result_key(r, i, kd), ND, 0);
        cell *g = ti < 0 ? NULL : look(ind, unit, ti, ki, ctx);
        if (g == NULL || yi < 0 || di < 0 || (!year_margin && yi == NY)) {
            if (bad++ < 20)
                print_error("%s: unexpected row %zu: %s/%s p=%g k=%g %s/%s\n", what, i, ind,
                            unit, armoede_result_value(r, i, ARMOEDE_FIELD_THRESHOLD), kv,
                            armoede_result_key(r, i, ky), armoede_result_key(r, i, kd));
            continue;
        }
        cell *c = &g[yi * (ND + 1) + di];
        double nw = armoede_result_value(r, i, ARMOEDE_FIELD_NUM_W);
        double dw = armoede_result_value(r, i, ARMOEDE_FIELD_DEN_W);
        double nn = armoede_result_value(r, i, ARMOEDE_FIELD_NUM_N);
        double dn = armoede_result_value(r, i, ARMOEDE_FIELD_DEN_N);
        double est = armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE);
        int ok = nn == (double)c->nn && dn == (double)c->dn && !c->seen;
        if (weighted)
            ok = ok && rel_close(nw, c->nw) && rel_close(dw, c->dw);
        else
            ok = ok && nw == c->nw && dw == c->dw;
        if (c->dn > 0)
            ok = ok && fabs(est - c->nw / c->dw) <= 1e-12 &&
                 armoede_result_status(r, i) == ARMOEDE_CELL_OK;
        if (!ok && bad++ < 20)
            print_error("%s: %s/%s p=%g k=%g %s/%s: expected %.17g/%.17g (n %ld/%ld)%s, got "
                        "%.17g/%.17g (n %g/%g) est %.17g status %d\n",
                        what, ind, unit, THR[ti], kv, armoede_result_key(r, i, ky),
                        armoede_result_key(r, i, kd), c->nw, c->dw, c->nn, c->dn,
                        c->seen ? " (row reported twice)" : "", nw, dw, nn, dn, est,
                        armoede_result_status(r, i));
        c->seen = 1;
    }
    long missing = 0;
    for (size_t gi = 0; gi < ngrids; gi++)
        for (int j = 0; j < GRID; j++) {
            cell *c = &all[gi * GRID + (size_t)j];
            if (c->dn > 0 && !c->seen && (year_margin || j / (ND + 1) != NY)) {
                if (missing++ < 10)
                    print_error("%s: reference cell grid %zu y=%d d=%d (%ld/%ld) not reported\n",
                                what, gi, j / (ND + 1), j % (ND + 1), c->nn, c->dn);
            }
            c->seen = 0;
        }
    if (bad || missing)
        print_error("%s: %ld wrong or unexpected rows, %ld cells missing (of %zu rows)\n", what,
                    bad, missing, armoede_result_nrows(r));
    return bad + missing;
}

/* ------------------------------------------------------------------------
 * Minima
 * ---------------------------------------------------------------------- */
static const char *const UNITS[3] = {"households", "persons", "minors"};

static int unit_index(const char *u)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(u, UNITS[i]) == 0)
            return i;
    return -1;
}

typedef struct mctx {
    cell *g; /* [unit][thr] */
} mctx;

static cell *minima_lookup(const char *ind, const char *unit, int ti, int ki, void *ctx)
{
    mctx *m = ctx;
    int u = unit_index(unit);
    if (strcmp(ind, "minima") != 0 || u < 0 || ki != -1)
        return NULL;
    return &m->g[((size_t)u * NTHR + (size_t)ti) * GRID];
}

static cell *minima_reference(const panel *p, int weighted)
{
    cell *g = grid_new(3 * NTHR);
    /* households: first row (in table order) of each (household, year) */
    unsigned char *seen = calloc((size_t)NY * MAXHID, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < p->n; i++) {
        int y = (int)(p->year[i] - Y0);
        int first = !seen[(size_t)y * MAXHID + (size_t)p->hid[i]];
        seen[(size_t)y * MAXHID + (size_t)p->hid[i]] = 1;
        if (!in_population(p, i) || p->dist[i] < 0)
            continue;
        double w = 1.0;
        if (weighted) {
            w = p->weight[i];
            if (!(w > 0.0))
                continue;
        }
        for (int t = 0; t < NTHR; t++) {
            int low = at_or_below(p, i, THR[t]);
            if (first)
                add4(&g[(0 * NTHR + (size_t)t) * GRID], y, p->dist[i], w, low);
            add4(&g[(1 * NTHR + (size_t)t) * GRID], y, p->dist[i], w, low);
            if (is_minor(p, i))
                add4(&g[(2 * NTHR + (size_t)t) * GRID], y, p->dist[i], w, low);
        }
    }
    free(seen);
    return g;
}

static const char *const BY[] = {"year", "district"};
static const char *const BYW[] = {"year", "wijk"};

static panel P;
static armoede_table *T;

static int setup(void **state)
{
    (void)state;
    make_panel(&P);
    T = panel_table(&P);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    armoede_table_free(T);
    panel_free(&P);
    return 0;
}

static armoede_result *run(int (*fn)(const armoede_table *, const armoede_impact_options *,
                                     armoede_result **),
                           const armoede_impact_options *o)
{
    armoede_result *r = NULL;
    int rc = fn(T, o, &r);
    if (rc != ARMOEDE_OK)
        print_error("failed: %d %s\n", rc, armoede_last_error());
    assert_int_equal(rc, ARMOEDE_OK);
    assert_non_null(r);
    return r;
}

static void minima_variant(int weighted, int population, const char *what)
{
    if (weighted)
        assert_int_equal(armoede_table_set_role(T, ARMOEDE_ROLE_WEIGHT, "w"), ARMOEDE_OK);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    if (population) { /* filters off, negative incomes kept, a wealth test */
        POP_FILTERS = 0;
        POP_NEGATIVE = 1;
        POP_WEALTH = 30000.0;
        o.filter_whole_year = 0;
        o.filter_student = 0;
        o.filter_institutional = 0;
        o.negative_income = ARMOEDE_NEGATIVE_INCLUDE;
        o.wealth_limit = POP_WEALTH;
    }
    o.thresholds = THR;
    o.n_thresholds = NTHR;
    o.by = BY;
    o.n_by = 2;
    o.margins = BY;
    o.n_margins = 2;
    armoede_result *r = run(armoede_minima, &o);
    cell *g = minima_reference(&P, weighted);
    mctx m = {g};
    long bad = compare(r, "district", minima_lookup, &m, g, 3 * NTHR, weighted, 1, what);
    /* with weights every cell has a finite SE, without none */
    for (size_t i = 0; i < armoede_result_nrows(r); i++) {
        double se = armoede_result_value(r, i, ARMOEDE_FIELD_SE);
        if (weighted ? !isfinite(se) : !isnan(se)) {
            if (bad++ < 30)
                print_error("row %zu: se %g\n", i, se);
        }
    }
    free(g);
    armoede_result_free(r);
    if (weighted)
        assert_int_equal(armoede_table_set_role(T, ARMOEDE_ROLE_WEIGHT, NULL), ARMOEDE_OK);
    POP_FILTERS = 1;
    POP_NEGATIVE = 0;
    POP_WEALTH = 0.0;
    assert_int_equal(bad, 0);
}

static void test_minima(void **state)
{
    (void)state;
    minima_variant(0, 0, "minima");
}

static void test_minima_weighted(void **state)
{
    (void)state;
    minima_variant(1, 0, "minima weighted");
}

static void test_minima_population_options(void **state)
{
    (void)state;
    minima_variant(0, 1, "minima, filters off, negative included, wealth limit 30000");
}

/* ------------------------------------------------------------------------
 * Person histories for durations and flows
 * ---------------------------------------------------------------------- */
typedef struct hist {
    int st[NPERS][NY];    /* -1 unobserved, else bit t set when at or below THR[t] */
    int wijk[NPERS][NY];
    int minor[NPERS][NY];
} hist;

static hist *histories(const panel *p)
{
    hist *h = malloc(sizeof *h);
    assert_non_null(h);
    for (int i = 0; i < NPERS; i++)
        for (int y = 0; y < NY; y++)
            h->st[i][y] = -1;
    for (size_t i = 0; i < p->n; i++) {
        int pi = (int)(p->pid[i] - 1000000), y = (int)(p->year[i] - Y0);
        h->wijk[pi][y] = p->wijk[i];
        h->minor[pi][y] = is_minor(p, i);
        if (!in_population(p, i))
            continue;
        int bits = 0;
        for (int t = 0; t < NTHR; t++)
            if (at_or_below(p, i, THR[t]))
                bits |= 1 << t;
        h->st[pi][y] = bits;
    }
    return h;
}

/* Is a person with history st in a spell of k years at or below (bit) at t? Runs of at
 * most `bridge` unobserved years between two years at or below are skipped. */
static int in_spell(const int *st, int t, int bit, int k, int bridge)
{
    if (st[t] < 0 || !(st[t] & bit))
        return 0;
    int count = 1, y = t - 1;
    while (count < k) {
        if (y < 0)
            return 0;
        if (st[y] < 0) {
            int run = 0;
            while (y >= 0 && st[y] < 0) {
                run++;
                y--;
            }
            if (run > bridge || y < 0 || !(st[y] & bit))
                return 0;
            continue;
        }
        if (!(st[y] & bit))
            return 0;
        count++;
        y--;
    }
    return 1;
}

typedef struct dctx {
    cell *g; /* [indicator 2][unit 2][thr][k] */
} dctx;

static size_t dur_grid(int ind, int unit, int t, int k)
{
    return ((((size_t)ind * 2 + (size_t)unit) * NTHR + (size_t)t) * NK + (size_t)k) * GRID;
}

static cell *dur_lookup(const char *ind, const char *unit, int ti, int ki, void *ctx)
{
    dctx *d = ctx;
    int ii = strcmp(ind, "duration") == 0 ? 0 : strcmp(ind, "duration_of_minima") == 0 ? 1 : -1;
    int ui = strcmp(unit, "persons") == 0 ? 0 : strcmp(unit, "minors") == 0 ? 1 : -1;
    if (ii < 0 || ui < 0 || ki < 0)
        return NULL;
    return &d->g[dur_grid(ii, ui, ti, ki)];
}

static void durations_variant(int bridge, int year_margin)
{
    hist *h = histories(&P);
    cell *g = grid_new(2 * 2 * NTHR * NK);
    for (int pi = 0; pi < NPERS; pi++)
        for (int y = 0; y < NY; y++) {
            if (h->st[pi][y] < 0)
                continue;
            int d = h->wijk[pi][y];
            for (int t = 0; t < NTHR; t++) {
                int low = (h->st[pi][y] >> t) & 1;
                for (int k = 0; k < NK; k++) {
                    int sp = in_spell(h->st[pi], y, 1 << t, KS[k], bridge);
                    for (int u = 0; u < 2; u++) {
                        if (u == 1 && !h->minor[pi][y])
                            continue;
                        add4(&g[dur_grid(0, u, t, k)], y, d, 1.0, sp);
                        if (low)
                            add4(&g[dur_grid(1, u, t, k)], y, d, 1.0, sp);
                    }
                }
            }
        }
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = THR;
    o.n_thresholds = NTHR;
    o.durations = KS;
    o.n_durations = NK;
    o.units = ARMOEDE_UNIT_PERSONS | ARMOEDE_UNIT_MINORS;
    o.bridge_gaps = bridge;
    o.by = BYW;
    o.n_by = 2;
    /* margins on both keys, or on the district only ("wijk" is the second by-column) */
    o.margins = year_margin ? BYW : BYW + 1;
    o.n_margins = year_margin ? 2 : 1;
    armoede_result *r = run(armoede_durations, &o);
    dctx c = {g};
    long bad = compare(r, "wijk", dur_lookup, &c, g, 2 * 2 * NTHR * NK, 0, year_margin,
                       bridge ? "durations bridge_gaps=1" : "durations");
    armoede_result_free(r);
    free(g);
    free(h);
    assert_int_equal(bad, 0);
}

static void test_durations(void **state)
{
    (void)state;
    durations_variant(0, 1);
}

static void test_durations_bridged(void **state)
{
    (void)state;
    durations_variant(1, 0);
}

/* Flows: entry, exit by year t; relapse (m = 2) by exit year s with s + 2 <= last year.
 * st / wijk: NY entries per unit (persons, or households at household level). */
#define RELAPSE_M 2
typedef struct fctx {
    cell *g; /* [indicator 3][thr] */
    const char *unit;
} fctx;

static cell *flow_lookup(const char *ind, const char *unit, int ti, int ki, void *ctx)
{
    fctx *f = ctx;
    int ii = strcmp(ind, "entry") == 0 ? 0 : strcmp(ind, "exit") == 0 ? 1
             : strcmp(ind, "relapse") == 0 ? 2 : -1;
    if (ii < 0 || strcmp(unit, f->unit) != 0)
        return NULL;
    if ((ii == 2) != (ki == 1)) /* duration field: m = 2 = KS[1] for relapse, NaN else */
        return NULL;
    return &f->g[((size_t)ii * NTHR + (size_t)ti) * GRID];
}

static cell *flows_reference(const int *st, const int *wijk, size_t nunits)
{
    cell *g = grid_new(3 * NTHR);
    for (size_t u = 0; u < nunits; u++) {
        const int *h = &st[u * NY];
        for (int y = 1; y < NY; y++) {
            if (h[y] < 0 || h[y - 1] < 0)
                continue;
            int d = wijk[u * NY + (size_t)y];
            for (int t = 0; t < NTHR; t++) {
                int before = (h[y - 1] >> t) & 1, now = (h[y] >> t) & 1;
                if (!before)
                    add4(&g[(0 * NTHR + (size_t)t) * GRID], y, d, 1.0, now);
                else
                    add4(&g[(1 * NTHR + (size_t)t) * GRID], y, d, 1.0, !now);
                if (before && !now && y + RELAPSE_M <= NY - 1) {
                    int complete = 1, back = 0;
                    for (int s = y + 1; s <= y + RELAPSE_M; s++) {
                        if (h[s] < 0)
                            complete = 0;
                        else if ((h[s] >> t) & 1)
                            back = 1;
                    }
                    if (complete)
                        add4(&g[(2 * NTHR + (size_t)t) * GRID], y, d, 1.0, back);
                }
            }
        }
    }
    return g;
}

static long flows_check(const int *st, const int *wijk, size_t nunits, int level)
{
    cell *g = flows_reference(st, wijk, nunits);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = THR;
    o.n_thresholds = NTHR;
    o.units = level == ARMOEDE_LEVEL_PERSON ? ARMOEDE_UNIT_PERSONS : ARMOEDE_UNIT_HOUSEHOLDS;
    o.level = level;
    o.relapse_years = RELAPSE_M;
    o.by = BYW;
    o.n_by = 2;
    o.margins = BYW;
    o.n_margins = 2;
    armoede_result *r = run(armoede_flows, &o);
    fctx c = {g, level == ARMOEDE_LEVEL_PERSON ? "persons" : "households"};
    long bad = compare(r, "wijk", flow_lookup, &c, g, 3 * NTHR, 0, 1,
                       level == ARMOEDE_LEVEL_PERSON ? "flows" : "flows, household level");
    armoede_result_free(r);
    free(g);
    return bad;
}

static void test_flows(void **state)
{
    (void)state;
    hist *h = histories(&P);
    long bad = flows_check(&h->st[0][0], &h->wijk[0][0], NPERS, ARMOEDE_LEVEL_PERSON);
    free(h);
    assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------------------
 * Household level: histories by HOUSEHOLD_ID
 * ---------------------------------------------------------------------- */
typedef struct hhist {
    int st[MAXHID][NY];
    int wijk[MAXHID][NY];
} hhist;

static hhist *household_histories(const panel *p)
{
    hhist *h = malloc(sizeof *h);
    assert_non_null(h);
    for (int i = 0; i < MAXHID; i++)
        for (int y = 0; y < NY; y++) {
            h->st[i][y] = -1;
            h->wijk[i][y] = 0;
        }
    /* every row of a household-year carries the same attributes */
    for (size_t i = 0; i < p->n; i++) {
        int64_t hid = p->hid[i];
        int y = (int)(p->year[i] - Y0);
        h->wijk[hid][y] = p->wijk[i];
        if (!in_population(p, i))
            continue;
        int bits = 0;
        for (int t = 0; t < NTHR; t++)
            if (at_or_below(p, i, THR[t]))
                bits |= 1 << t;
        h->st[hid][y] = bits;
    }
    return h;
}

static cell *hh_dur_lookup(const char *ind, const char *unit, int ti, int ki, void *ctx)
{
    dctx *d = ctx;
    int ii = strcmp(ind, "duration") == 0 ? 0 : strcmp(ind, "duration_of_minima") == 0 ? 1 : -1;
    if (ii < 0 || ki < 0 || strcmp(unit, "households") != 0)
        return NULL;
    return &d->g[dur_grid(ii, 0, ti, ki)];
}

static void household_durations(int cbs)
{
    hhist *h = household_histories(&P);
    cell *g = grid_new(2 * 2 * NTHR * NK);
    for (int hid = 0; hid < MAXHID; hid++)
        for (int y = 0; y < NY; y++) {
            const int *st = h->st[hid];
            if (st[y] < 0)
                continue;
            int d = h->wijk[hid][y];
            for (int k = 0; k < NK; k++) {
                int all_years = y - KS[k] + 1 >= 0;
                for (int z = y - KS[k] + 1; z <= y && all_years; z++)
                    if (st[z] < 0)
                        all_years = 0;
                for (int t = 0; t < NTHR; t++) {
                    int sp = in_spell(st, y, 1 << t, KS[k], 0);
                    if (!cbs || all_years)
                        add4(&g[dur_grid(0, 0, t, k)], y, d, 1.0, sp);
                    if ((st[y] >> t) & 1)
                        add4(&g[dur_grid(1, 0, t, k)], y, d, 1.0, sp);
                }
            }
        }
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = THR;
    o.n_thresholds = NTHR;
    o.durations = KS;
    o.n_durations = NK;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    o.level = ARMOEDE_LEVEL_HOUSEHOLD;
    o.cbs_denominator = cbs;
    o.by = BYW;
    o.n_by = 2;
    o.margins = BYW;
    o.n_margins = 2;
    armoede_result *r = run(armoede_durations, &o);
    dctx c = {g};
    long bad = compare(r, "wijk", hh_dur_lookup, &c, g, 2 * 2 * NTHR * NK, 0, 1,
                       cbs ? "household durations, cbs_denominator" : "household durations");
    armoede_result_free(r);
    free(g);
    free(h);
    assert_int_equal(bad, 0);
}

static void test_durations_household(void **state)
{
    (void)state;
    household_durations(0);
}

static void test_durations_household_cbs(void **state)
{
    (void)state;
    household_durations(1);
}

static void test_flows_household(void **state)
{
    (void)state;
    hhist *h = household_histories(&P);
    long bad = flows_check(&h->st[0][0], &h->wijk[0][0], MAXHID, ARMOEDE_LEVEL_HOUSEHOLD);
    free(h);
    assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------------------
 * The same panel as a household-year table (no PERSON_ID; N_PERSONS, N_MINORS; the
 * weight of the household's first person row). Persons and minors are weighted by
 * N_PERSONS / N_MINORS; their unweighted counts are the household records with N > 0.
 * ---------------------------------------------------------------------- */
static void test_minima_household_file(void **state)
{
    (void)state;
    size_t cap = P.n;
    int64_t *hid = malloc(cap * sizeof *hid), *year = malloc(cap * sizeof *year);
    int64_t *whole = malloc(cap * sizeof *whole), *stud = malloc(cap * sizeof *stud);
    int64_t *inst = malloc(cap * sizeof *inst), *np = calloc(cap, sizeof *np);
    int64_t *nm = calloc(cap, sizeof *nm);
    double *inc = malloc(cap * sizeof *inc), *nrm = malloc(cap * sizeof *nrm);
    double *w = malloc(cap * sizeof *w);
    int *dist = malloc(cap * sizeof *dist);
    const char **lab = malloc(cap * sizeof *lab);
    int32_t *idx = malloc((size_t)NY * MAXHID * sizeof *idx);
    assert_true(hid && year && whole && stud && inst && np && nm && inc && nrm && w && dist &&
                lab && idx);
    for (size_t i = 0; i < (size_t)NY * MAXHID; i++)
        idx[i] = -1;
    size_t n = 0;
    for (size_t i = 0; i < P.n; i++) {
        size_t key = (size_t)(P.year[i] - Y0) * MAXHID + (size_t)P.hid[i];
        if (idx[key] < 0) {
            idx[key] = (int32_t)n;
            hid[n] = P.hid[i];
            year[n] = P.year[i];
            whole[n] = P.whole[i];
            stud[n] = P.student[i];
            inst[n] = P.inst[i];
            inc[n] = P.income[i];
            nrm[n] = P.norm[i];
            w[n] = P.weight[i];
            dist[n] = P.dist[i];
            lab[n] = P.dist_lab[i];
            n++;
        }
        np[idx[key]]++;
        if (is_minor(&P, i))
            nm[idx[key]]++;
    }
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(n, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "hh", hid, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "year", year, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "whole", whole, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "stud", stud, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "inst", inst, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "np", np, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "nm", nm, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "inc", inc, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "nrm", nrm, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "w", w, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_text(t, "district", lab, n), ARMOEDE_OK);
    static const struct {
        armoede_role role;
        const char *col;
    } roles[] = {{ARMOEDE_ROLE_HOUSEHOLD_ID, "hh"}, {ARMOEDE_ROLE_YEAR, "year"},
                 {ARMOEDE_ROLE_WHOLE_YEAR, "whole"}, {ARMOEDE_ROLE_STUDENT, "stud"},
                 {ARMOEDE_ROLE_INSTITUTIONAL, "inst"}, {ARMOEDE_ROLE_N_PERSONS, "np"},
                 {ARMOEDE_ROLE_N_MINORS, "nm"}, {ARMOEDE_ROLE_INCOME, "inc"},
                 {ARMOEDE_ROLE_NORM, "nrm"}, {ARMOEDE_ROLE_WEIGHT, "w"}};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        assert_int_equal(armoede_table_set_role(t, roles[i].role, roles[i].col), ARMOEDE_OK);

    /* reference, from the household rows */
    cell *g = grid_new(3 * NTHR);
    for (size_t i = 0; i < n; i++) {
        int y = (int)(year[i] - Y0);
        if (isnan(inc[i]) || whole[i] == 0 || stud[i] == 1 || inst[i] == 1 || inc[i] < 0.0 ||
            dist[i] < 0 || !(w[i] > 0.0))
            continue;
        for (int k = 0; k < NTHR; k++) {
            int low = cents(inc[i]) <= cents(THR[k] * nrm[i]);
            add4(&g[(0 * NTHR + (size_t)k) * GRID], y, dist[i], w[i], low);
            if (np[i] > 0)
                add4(&g[(1 * NTHR + (size_t)k) * GRID], y, dist[i], w[i] * (double)np[i], low);
            if (nm[i] > 0)
                add4(&g[(2 * NTHR + (size_t)k) * GRID], y, dist[i], w[i] * (double)nm[i], low);
        }
    }
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = THR;
    o.n_thresholds = NTHR;
    o.by = BY;
    o.n_by = 2;
    o.margins = BY;
    o.n_margins = 2;
    armoede_result *r = NULL;
    int rc = armoede_minima(t, &o, &r);
    if (rc != ARMOEDE_OK)
        print_error("household file: %d %s\n", rc, armoede_last_error());
    assert_int_equal(rc, ARMOEDE_OK);
    mctx m = {g};
    long bad = compare(r, "district", minima_lookup, &m, g, 3 * NTHR, 1, 1,
                       "minima, household-year table");
    armoede_result_free(r);
    armoede_table_free(t);
    free(g);
    free(hid);
    free(year);
    free(whole);
    free(stud);
    free(inst);
    free(np);
    free(nm);
    free(inc);
    free(nrm);
    free(w);
    free(dist);
    free(lab);
    free(idx);
    assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------------------
 * nthreads 1 and 2 give bit-identical results
 * ---------------------------------------------------------------------- */
static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static long diff_results(const armoede_result *a, const armoede_result *b)
{
    long bad = 0;
    if (armoede_result_nrows(a) != armoede_result_nrows(b) ||
        armoede_result_nkeys(a) != armoede_result_nkeys(b))
        return 1;
    for (size_t i = 0; i < armoede_result_nrows(a); i++) {
        int ok = strcmp(armoede_result_indicator(a, i), armoede_result_indicator(b, i)) == 0 &&
                 strcmp(armoede_result_unit(a, i), armoede_result_unit(b, i)) == 0 &&
                 armoede_result_status(a, i) == armoede_result_status(b, i);
        for (size_t k = 0; k < armoede_result_nkeys(a); k++) {
            const char *x = armoede_result_key(a, i, k), *y = armoede_result_key(b, i, k);
            ok = ok && ((x == NULL && y == NULL) || (x && y && strcmp(x, y) == 0));
        }
        for (int f = 0; f < ARMOEDE_FIELD_COUNT_; f++)
            ok = ok && same_bits(armoede_result_value(a, i, (armoede_field)f),
                                 armoede_result_value(b, i, (armoede_field)f));
        if (!ok && bad++ < 5)
            print_error("row %zu differs between nthreads 1 and 2\n", i);
    }
    return bad;
}

/* The same comparisons on the panel sorted by (year, household), stable: the
 * order of real exports, in which the library takes its one-pass path for
 * minima (the shuffled panel above takes the general path). Runs last: it
 * reorders the shared panel. */
static const panel *SORT_P;
static int cmp_year_household(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const panel *p = SORT_P;
    if (p->year[i] != p->year[j]) return p->year[i] < p->year[j] ? -1 : 1;
    if (p->hid[i] != p->hid[j]) return p->hid[i] < p->hid[j] ? -1 : 1;
    return (i > j) - (i < j); /* stable */
}

#define PERMUTE(arr, T)                                                                        \
    do {                                                                                       \
        T *tmp_ = malloc(n * sizeof *tmp_);                                                    \
        assert_non_null(tmp_);                                                                 \
        for (size_t k = 0; k < n; k++) tmp_[k] = (arr)[idx[k]];                                \
        memcpy((arr), tmp_, n * sizeof *tmp_);                                                 \
        free(tmp_);                                                                            \
    } while (0)

static void test_minima_sorted_rows(void **state)
{
    (void)state;
    size_t n = P.n;
    size_t *idx = malloc(n * sizeof *idx);
    assert_non_null(idx);
    for (size_t k = 0; k < n; k++) idx[k] = k;
    SORT_P = &P;
    qsort(idx, n, sizeof *idx, cmp_year_household);
    PERMUTE(P.pid, int64_t);
    PERMUTE(P.hid, int64_t);
    PERMUTE(P.year, int64_t);
    PERMUTE(P.birth, int64_t);
    PERMUTE(P.whole, int64_t);
    PERMUTE(P.student, int64_t);
    PERMUTE(P.inst, int64_t);
    PERMUTE(P.income, double);
    PERMUTE(P.norm, double);
    PERMUTE(P.weight, double);
    PERMUTE(P.wealth, double);
    PERMUTE(P.dist, int);
    PERMUTE(P.wijk, int);
    PERMUTE(P.dist_lab, const char *);
    PERMUTE(P.wijk_lab, const char *);
    free(idx);
    armoede_table_free(T);
    T = panel_table(&P);
    minima_variant(0, 0, "minima, sorted rows");
    minima_variant(1, 0, "minima weighted, sorted rows");
    minima_variant(0, 1, "minima, filters off, negative included, wealth limit 30000, sorted rows");
    /* durations on rows in year order: the one-pass path without sorting */
    durations_variant(0, 1);
    durations_variant(1, 0);
    household_durations(0);
    household_durations(1);
}

static void test_threads(void **state)
{
    (void)state;
    assert_int_equal(armoede_table_set_role(T, ARMOEDE_ROLE_WEIGHT, "w"), ARMOEDE_OK);
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.by = BYW;
    o.n_by = 2;
    o.margins = BYW;
    o.n_margins = 1;
    o.durations = KS;
    o.n_durations = NK;
    o.bridge_gaps = 1;
    o.relapse_years = RELAPSE_M;
    int (*fns[3])(const armoede_table *, const armoede_impact_options *, armoede_result **) = {
        armoede_minima, armoede_durations, armoede_flows};
    static const unsigned units[3] = {0, ARMOEDE_UNIT_PERSONS | ARMOEDE_UNIT_MINORS,
                                      ARMOEDE_UNIT_PERSONS};
    long bad = 0;
    for (int f = 0; f < 3; f++) {
        o.units = units[f];
        o.nthreads = 1;
        armoede_result *a = run(fns[f], &o);
        o.nthreads = 2;
        armoede_result *b = run(fns[f], &o);
        bad += diff_results(a, b);
        armoede_result_free(a);
        armoede_result_free(b);
    }
    assert_int_equal(armoede_table_set_role(T, ARMOEDE_ROLE_WEIGHT, NULL), ARMOEDE_OK);
    assert_int_equal(bad, 0);
}

/* The library works in chunks of rows; the panel alone fits in one. Stacked COPIES
 * times (ids offset, rows interleaved so that every household spans chunks) it needs
 * several: nthreads 1 and 2 must still agree bit for bit, and the unweighted counts of
 * every minima cell must be COPIES times those of the panel. */
#define COPIES 12
static void test_threads_large(void **state)
{
    (void)state;
    size_t n = P.n * COPIES;
    int64_t *pid = malloc(n * sizeof *pid), *hid = malloc(n * sizeof *hid);
    int64_t *year = malloc(n * sizeof *year), *born = malloc(n * sizeof *born);
    int64_t *flag = malloc(n * sizeof *flag);
    double *inc = malloc(n * sizeof *inc), *nrm = malloc(n * sizeof *nrm);
    double *w = malloc(n * sizeof *w);
    const char **dl = malloc(n * sizeof *dl), **wl = malloc(n * sizeof *wl);
    assert_true(pid && hid && year && born && flag && inc && nrm && w && dl && wl);
    for (size_t i = 0; i < P.n; i++)
        for (size_t c = 0; c < COPIES; c++) {
            size_t j = i * COPIES + c;
            pid[j] = P.pid[i] + (int64_t)c * 10000000;
            hid[j] = P.hid[i] + (int64_t)c * 1000000;
            year[j] = P.year[i];
            born[j] = P.birth[i];
            /* one flag column for all three filters: excluded when any is set */
            flag[j] = P.whole[i] == 0 || P.student[i] == 1 || P.inst[i] == 1;
            inc[j] = P.income[i];
            nrm[j] = P.norm[i];
            w[j] = P.weight[i];
            dl[j] = P.dist_lab[i];
            wl[j] = P.wijk_lab[i];
        }
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(n, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "person", pid, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "household", hid, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "year", year, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "born", born, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "inst", flag, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "inc", inc, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "nrm", nrm, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "w", w, n, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_text(t, "district", dl, n), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_text(t, "wijk", wl, n), ARMOEDE_OK);
    free(dl);
    free(wl);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_PERSON_ID, "person"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_ID, "household"),
                     ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "year"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_BIRTH_YEAR, "born"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INSTITUTIONAL, "inst"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "inc"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_NORM, "nrm"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_WEIGHT, "w"), ARMOEDE_OK);

    int (*fns[3])(const armoede_table *, const armoede_impact_options *, armoede_result **) = {
        armoede_minima, armoede_durations, armoede_flows};
    static const unsigned units[3] = {0, ARMOEDE_UNIT_PERSONS | ARMOEDE_UNIT_MINORS,
                                      ARMOEDE_UNIT_PERSONS};
    long bad = 0;
    for (int f = 0; f < 3; f++) {
        armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
        o.thresholds = THR;
        o.n_thresholds = NTHR;
        o.by = f == 0 ? BY : BYW;
        o.n_by = 2;
        o.margins = o.by;
        o.n_margins = 2;
        o.durations = KS;
        o.n_durations = NK;
        o.bridge_gaps = 1;
        o.relapse_years = RELAPSE_M;
        o.units = units[f];
        armoede_result *a = NULL, *b = NULL;
        o.nthreads = 1;
        int rc = fns[f](t, &o, &a);
        if (rc == ARMOEDE_OK) {
            o.nthreads = 2;
            rc = fns[f](t, &o, &b);
        }
        if (rc != ARMOEDE_OK)
            print_error("large table, indicator %d: %d %s\n", f, rc, armoede_last_error());
        assert_int_equal(rc, ARMOEDE_OK);
        long d = diff_results(a, b);
        if (d)
            print_error("large table, indicator %d: %ld rows differ between nthreads 1 and 2\n",
                        f, d);
        bad += d;
        if (f == 0) { /* counts: COPIES x the panel's */
            cell *g = minima_reference(&P, 1);
            for (size_t i = 0; i < 3 * NTHR * GRID; i++) {
                g[i].nn *= COPIES;
                g[i].dn *= COPIES;
            }
            size_t ky = 0, kd = 1;
            if (strcmp(armoede_result_key_name(a, 0), "year") != 0) {
                ky = 1;
                kd = 0;
            }
            long wrong = 0;
            for (size_t i = 0; i < armoede_result_nrows(a); i++) {
                int u = unit_index(armoede_result_unit(a, i));
                int ti = thr_index(armoede_result_value(a, i, ARMOEDE_FIELD_THRESHOLD));
                int yi = label_index(armoede_result_key(a, i, ky), NY, 1);
                int di = label_index(armoede_result_key(a, i, kd), ND, 0);
                if (u < 0 || ti < 0 || yi < 0 || di < 0) {
                    wrong++;
                    continue;
                }
                cell *c = &g[((size_t)u * NTHR + (size_t)ti) * GRID +
                             (size_t)(yi * (ND + 1) + di)];
                if (armoede_result_value(a, i, ARMOEDE_FIELD_NUM_N) != (double)c->nn ||
                    armoede_result_value(a, i, ARMOEDE_FIELD_DEN_N) != (double)c->dn) {
                    if (wrong++ < 10)
                        print_error("large table: %s p=%g %s/%s: n %g/%g, expected %ld/%ld\n",
                                    armoede_result_unit(a, i), THR[ti],
                                    armoede_result_key(a, i, ky), armoede_result_key(a, i, kd),
                                    armoede_result_value(a, i, ARMOEDE_FIELD_NUM_N),
                                    armoede_result_value(a, i, ARMOEDE_FIELD_DEN_N), c->nn,
                                    c->dn);
                }
            }
            free(g);
            bad += wrong;
        }
        armoede_result_free(a);
        armoede_result_free(b);
    }
    armoede_table_free(t);
    free(pid);
    free(hid);
    free(year);
    free(born);
    free(flag);
    free(inc);
    free(nrm);
    free(w);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minima),
        cmocka_unit_test(test_minima_weighted),
        cmocka_unit_test(test_minima_population_options),
        cmocka_unit_test(test_minima_household_file),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_durations_bridged),
        cmocka_unit_test(test_durations_household),
        cmocka_unit_test(test_durations_household_cbs),
        cmocka_unit_test(test_flows),
        cmocka_unit_test(test_flows_household),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_threads_large),
        cmocka_unit_test(test_minima_sorted_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
