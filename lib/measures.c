/* Standard poverty and inequality measures (include/armoede_measures.h,
 * docs/measures.md): equivalence scales, weighted quantiles by group,
 * at-risk-of-poverty threshold and rate, persistent rate, RMPG, S80/S20,
 * Gini, FGT, and the bootstrap.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two ways to the same figures:
 *  - the sorted path (setup + compute): the rows that enter are sorted once
 *    by income (a radix sort, lib/quantile.c) and every figure of every
 *    group is a linear pass over that order: per-group quantiles walk the
 *    blocks of equal incomes keeping each group's cumulative weight, the
 *    Gini accumulates x S (2 C + S) per block (S the block's weight in the
 *    group, C the group's weight below it). Bootstrap replicates only
 *    change the weights, so they reuse the order.
 *  - the streaming path (fast_prepare + fast_compute), when nothing needs
 *    the whole order at once: passes over the table's own columns with
 *    histogram selection of the quantiles (see the section below).
 */
#include "internal.h"
#include "quantile.h"

#include <gsl/gsl_rng.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Public quantiles and equivalence factors
 * ---------------------------------------------------------------------- */
int armoede_quantiles(const double *x, const double *w, size_t n, const double *p, size_t np,
                      armoede_quantile_rule rule, double *out)
{
    return am_quantiles(x, w, n, p, np, (int)rule, out);
}

static const double CBS_2017[2][5] = {{1.00, 1.33, 1.51, 1.76, 1.95}, {1.37, 1.67, 1.88, 2.06, 2.28}};
static const double CBS_2018[2][5] = {{1.00, 1.32, 1.52, 1.73, 1.93}, {1.40, 1.69, 1.91, 2.09, 2.28}};

int armoede_equivalence_factor(armoede_scale scale, int year, int n_under14, int n_14to17,
                               int n_adults, double *factor)
{
    if (!factor) return am_fail(ARMOEDE_EINVAL, "equivalence factor: NULL factor");
    *factor = NAN;
    if (n_under14 < 0 || n_14to17 < 0 || n_adults < 0)
        return am_fail(ARMOEDE_EINVAL, "equivalence factor: negative count (%d, %d, %d)", n_under14,
                       n_14to17, n_adults);
    int n = n_under14 + n_14to17 + n_adults;
    if (n == 0) return am_fail(ARMOEDE_EINVAL, "equivalence factor: empty household");
    switch (scale) {
    case ARMOEDE_SCALE_NONE: *factor = 1.0; return ARMOEDE_OK;
    case ARMOEDE_SCALE_OECD: {
        int older = n_14to17 + n_adults;
        *factor = older > 0 ? 1.0 + 0.5 * (older - 1) + 0.3 * n_under14 : 1.0 + 0.3 * (n_under14 - 1);
        return ARMOEDE_OK;
    }
    case ARMOEDE_SCALE_SQRT: *factor = sqrt((double)n); return ARMOEDE_OK;
    case ARMOEDE_SCALE_CBS:
    case ARMOEDE_SCALE_CBS_2017:
    case ARMOEDE_SCALE_CBS_2018: {
        int minors = n_under14 + n_14to17;
        if (n_adults < 1 || n_adults > 2 || minors > 4)
            return am_fail(ARMOEDE_EDATA,
                           "equivalence factor: CBS has no factor for %d adult(s) and %d minor(s)",
                           n_adults, minors);
        int newt = scale == ARMOEDE_SCALE_CBS_2018 || (scale == ARMOEDE_SCALE_CBS && year >= 2018);
        *factor = (newt ? CBS_2018 : CBS_2017)[n_adults - 1][minors];
        return ARMOEDE_OK;
    }
    }
    return am_fail(ARMOEDE_EINVAL, "equivalence factor: unknown scale %d", (int)scale);
}

void armoede_equivalise_options_init(armoede_equivalise_options *opts)
{
    if (opts) {
        armoede_equivalise_options d = ARMOEDE_EQUIVALISE_OPTIONS_INIT;
        *opts = d;
    }
}

void armoede_measures_options_init(armoede_measures_options *opts)
{
    if (opts) {
        armoede_measures_options d = ARMOEDE_MEASURES_OPTIONS_INIT;
        *opts = d;
    }
}

/* ------------------------------------------------------------------------
 * Column helpers
 * ---------------------------------------------------------------------- */
/* The Gini sums of one block of tied incomes v: acc[G + g] holds the block's
 * weight in group g (for the nt groups in touched); add it to the cumulative
 * weight acc[g] and to the sums acc[2G + g] and acc[3G + g]. One place for the
 * sorted walk and the walk by ranges, so that both give the same bits (the
 * bucket walk, gb_walk, does the same additions for one group at a time). */
static inline void gini_flush(long double *acc, size_t G, const int32_t *touched, size_t nt, double v)
{
    for (size_t a = 0; a < nt; a++) {
        size_t gg = (size_t)touched[a];
        long double Sg = acc[G + gg];
        acc[2 * G + gg] += (long double)v * Sg * (2.0L * acc[gg] + Sg);
        acc[3 * G + gg] += (long double)v * Sg;
        acc[gg] += Sg;
    }
}

static int is_numeric(const am_col *c) { return c->type == ARMOEDE_TYPE_REAL || c->type == ARMOEDE_TYPE_INT; }
static int is_key(const am_col *c) { return c->type == ARMOEDE_TYPE_CAT || c->type == ARMOEDE_TYPE_INT; }

/* Key value of row i (am_key) with *missing set. */
static inline int64_t key_at(const am_col *c, size_t i, int *missing)
{
    int64_t v = am_key(c, i);
    *missing = v == ARMOEDE_NA_INT;
    return v;
}

static int find_col(const armoede_table *t, const char *name, const char *fn, const char *what)
{
    int j = am_table_find(t, name);
    if (j < 0) return am_fail(ARMOEDE_ENOTFOUND, "%s: %s column '%s' is not in the table", fn, what, name);
    return j;
}

static int role_col(const armoede_table *t, int role, const char *fn, const char *why)
{
    int j = t->role[role];
    if (j < 0)
        return am_fail(ARMOEDE_ENOTFOUND, "%s: role %s is not mapped (needed %s)", fn,
                       armoede_role_name((armoede_role)role), why);
    return j;
}

/* A map of (int64, int64) pairs to dense ids in order of first insertion. */
typedef struct {
    int64_t *k;   /* 2 per slot */
    int32_t *v;   /* id + 1, 0 = empty */
    size_t cap, n;
} pairmap;

static int pm_init(pairmap *m, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 16) cap <<= 1;
    m->k = malloc(cap * 2 * sizeof *m->k);
    m->v = calloc(cap, sizeof *m->v);
    m->cap = cap;
    m->n = 0;
    if (!m->k || !m->v) {
        free(m->k); free(m->v);
        m->k = NULL; m->v = NULL;
        return am_fail(ARMOEDE_ENOMEM, "out of memory");
    }
    return 0;
}
static void pm_free(pairmap *m) { free(m->k); free(m->v); }
static inline uint64_t mix64(uint64_t z)
{
    z += UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
/* id of (a, b), inserting it; never fails (capacity fixed at 2n + 16 for n inserts). */
static inline int32_t pm_id(pairmap *m, int64_t a, int64_t b)
{
    size_t mask = m->cap - 1;
    size_t s = (size_t)(mix64((uint64_t)a * 31u + mix64((uint64_t)b))) & mask;
    for (;;) {
        int32_t v = m->v[s];
        if (!v) {
            m->k[2 * s] = a;
            m->k[2 * s + 1] = b;
            m->v[s] = (int32_t)(++m->n);
            return (int32_t)m->n - 1;
        }
        if (m->k[2 * s] == a && m->k[2 * s + 1] == b) return v - 1;
        s = (s + 1) & mask;
    }
}

/* ------------------------------------------------------------------------
 * Equivalence factors per row
 * ---------------------------------------------------------------------- */
typedef struct {
    size_t undefined;    /* rows of households without a factor */
    size_t unknown_age;  /* ... of which because a member's age is unknown */
} eq_stats;

/* fac[i] = the factor of row i's household (NaN: none). */
static int equiv_factors(const armoede_table *t, const armoede_equivalise_options *o, const char *fn,
                         double *fac, eq_stats *st)
{
    if (o->version != ARMOEDE_EQUIVALISE_OPTIONS_VERSION)
        return am_fail(ARMOEDE_EINVAL, "%s: equivalise options version %u (expected %u)", fn,
                       o->version, ARMOEDE_EQUIVALISE_OPTIONS_VERSION);
    if ((int)o->scale < ARMOEDE_SCALE_NONE || o->scale > ARMOEDE_SCALE_CBS_2018)
        return am_fail(ARMOEDE_EINVAL, "%s: unknown equivalence scale %d", fn, (int)o->scale);
    size_t n = t->nrows;
    memset(st, 0, sizeof *st);
    int ycol = t->role[ARMOEDE_ROLE_YEAR];
    if (o->scale == ARMOEDE_SCALE_NONE) {
        for (size_t i = 0; i < n; i++) fac[i] = 1.0;
        return 0;
    }
    int need14 = o->scale == ARMOEDE_SCALE_OECD, need18 = o->scale >= ARMOEDE_SCALE_CBS;
    int cp = -1, c14 = -1, c18 = -1;
    if (o->n_persons || o->n_under14 || o->n_under18) {
        if (!o->n_persons)
            return am_fail(ARMOEDE_EINVAL, "%s: explicit composition needs the n_persons column", fn);
        if ((cp = find_col(t, o->n_persons, fn, "n_persons")) < 0) return cp;
        if (need14) {
            if (!o->n_under14)
                return am_fail(ARMOEDE_EINVAL, "%s: the OECD scale needs the n_under14 column", fn);
            if ((c14 = find_col(t, o->n_under14, fn, "n_under14")) < 0) return c14;
        }
        if (need18) {
            if (!o->n_under18)
                return am_fail(ARMOEDE_EINVAL, "%s: the CBS scale needs the n_under18 column", fn);
            if ((c18 = find_col(t, o->n_under18, fn, "n_under18")) < 0) return c18;
        }
    } else if (t->role[ARMOEDE_ROLE_N_PERSONS] >= 0 && t->role[ARMOEDE_ROLE_PERSON_ID] < 0) {
        cp = t->role[ARMOEDE_ROLE_N_PERSONS];
        if (need18 && (c18 = role_col(t, ARMOEDE_ROLE_N_MINORS, fn, "by the CBS scale")) < 0) return c18;
        if (need14) {
            if (!o->n_under14)
                return am_fail(ARMOEDE_ENOTFOUND,
                               "%s: the OECD scale on a household-year table needs the n_under14 column",
                               fn);
            if ((c14 = find_col(t, o->n_under14, fn, "n_under14")) < 0) return c14;
        }
    }
    if (cp >= 0) {
        const am_col *P = &t->cols[cp], *A = c14 >= 0 ? &t->cols[c14] : NULL,
                     *B = c18 >= 0 ? &t->cols[c18] : NULL;
        if (!is_numeric(P) || (A && !is_numeric(A)) || (B && !is_numeric(B)))
            return am_fail(ARMOEDE_ETYPE, "%s: composition columns must be numeric", fn);
        for (size_t i = 0; i < n; i++) {
            double np = am_num(P, i), a = A ? am_num(A, i) : 0, b = B ? am_num(B, i) : 0;
            double f = NAN;
            if (np == floor(np) && a == floor(a) && b == floor(b) && a >= 0 && b >= 0 && np >= 1 &&
                np < 1000 && (!A || !B || a <= b) && a <= np && b <= np) {
                int y = ycol >= 0 ? (int)am_num(&t->cols[ycol], i) : 2018;
                int rc;
                if (o->scale == ARMOEDE_SCALE_OECD)
                    rc = armoede_equivalence_factor(o->scale, y, (int)a, 0, (int)(np - a), &f);
                else
                    rc = armoede_equivalence_factor(o->scale, y, (int)b, 0, (int)(np - b), &f);
                if (rc) f = NAN;
            }
            fac[i] = f;
            if (isnan(f)) st->undefined++;
        }
        armoede_clear_error();
        return 0;
    }
    /* members of each household-year */
    int hc = role_col(t, ARMOEDE_ROLE_HOUSEHOLD_ID, fn, "to find the members of a household");
    if (hc < 0) return hc;
    int ac = t->role[ARMOEDE_ROLE_AGE], bc = t->role[ARMOEDE_ROLE_BIRTH_YEAR];
    if (ac < 0 && (bc < 0 || ycol < 0))
        return am_fail(ARMOEDE_ENOTFOUND,
                       "%s: the members' ages need the role age, or birth_year and year", fn);
    const am_col *H = &t->cols[hc], *Y = ycol >= 0 ? &t->cols[ycol] : NULL;
    pairmap m;
    int rc = pm_init(&m, n);
    if (rc) return rc;
    int32_t *hid = malloc((n ? n : 1) * sizeof *hid);
    int *cnt = calloc(4 * (n ? n : 1), sizeof *cnt); /* under14, 14-17, adults, unknown */
    if (!hid || !cnt) {
        pm_free(&m); free(hid); free(cnt);
        return am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn);
    }
    for (size_t i = 0; i < n; i++) {
        int miss = 0, my = 0;
        int64_t h = key_at(H, i, &miss);
        int64_t y = Y ? key_at(Y, i, &my) : 0;
        if (miss || my) { hid[i] = -1; continue; }
        int32_t id = pm_id(&m, h, y);
        hid[i] = id;
        double age = NAN;
        if (ac >= 0) age = am_num(&t->cols[ac], i);
        if (isnan(age) && bc >= 0 && Y) {
            double b = am_num(&t->cols[bc], i);
            if (!isnan(b)) age = (double)y - b;
        }
        int cls = isnan(age) || age < 0 ? 3 : age < 14 ? 0 : age < 18 ? 1 : 2;
        cnt[4 * (size_t)id + cls]++;
    }
    for (size_t i = 0; i < n; i++) {
        double f = NAN;
        if (hid[i] >= 0) {
            const int *c = &cnt[4 * (size_t)hid[i]];
            if (c[3] > 0) st->unknown_age++;
            else if (armoede_equivalence_factor(o->scale, Y ? (int)am_num(Y, i) : 2018, c[0], c[1], c[2],
                                                &f))
                f = NAN;
        }
        fac[i] = f;
        if (isnan(f)) st->undefined++;
    }
    armoede_clear_error();
    pm_free(&m);
    free(hid);
    free(cnt);
    return 0;
}

int armoede_equivalise(armoede_table *t, const armoede_equivalise_options *opts, const char *name,
                       size_t *n_missing)
{
    const char *fn = "armoede_equivalise";
    if (!t || !name) return am_fail(ARMOEDE_EINVAL, "%s: NULL argument", fn);
    armoede_equivalise_options d = ARMOEDE_EQUIVALISE_OPTIONS_INIT;
    if (!opts) opts = &d;
    if (am_table_find(t, name) >= 0)
        return am_fail(ARMOEDE_EINVAL, "%s: the table already has a column '%s'", fn, name);
    int ic = role_col(t, ARMOEDE_ROLE_INCOME, fn, "for the income");
    if (ic < 0) return ic;
    if (!is_numeric(&t->cols[ic]))
        return am_fail(ARMOEDE_ETYPE, "%s: the income column must be numeric", fn);
    size_t n = t->nrows;
    double *fac = malloc((n ? n : 1) * sizeof *fac);
    if (!fac) return am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn);
    eq_stats st;
    int rc = equiv_factors(t, opts, fn, fac, &st);
    size_t miss = 0;
    if (!rc) {
        for (size_t i = 0; i < n; i++) {
            fac[i] = am_num(&t->cols[ic], i) / fac[i];
            if (!isfinite(fac[i])) { fac[i] = NAN; miss++; }
        }
        rc = armoede_table_add_real(t, name, fac, n, 1);
    }
    free(fac);
    if (!rc && n_missing) *n_missing = miss;
    return rc;
}

/* Double-double sums (Knuth's TwoSum): about 106 bits, and SSE adds only. */
typedef struct { double hi, lo; } dd;
static inline __attribute__((always_inline)) void dd_add(dd *a, double b)
{
    double s = a->hi + b, bp = s - a->hi;
    a->lo += (a->hi - (s - bp)) + (b - bp);
    a->hi = s;
}
static inline long double dd_val(dd a) { return (long double)a.hi + (long double)a.lo; }

/* ------------------------------------------------------------------------
 * Per-group weighted quantiles over rows in ascending order of x.
 * Rows with w <= 0 or g < 0 are skipped. out[g * np + k]; NaN for a group
 * without weight.
 * ---------------------------------------------------------------------- */
static int grp_quantiles(const double *xs, const double *ws, const int32_t *gs, size_t n, size_t G,
                         const double *p, size_t np, int rule, double *out)
{
    long double *tot = calloc(G, sizeof *tot), *cum = calloc(G, sizeof *cum);
    double *last = malloc(G * sizeof *last), *pend = malloc(G * np * sizeof *pend);
    unsigned char *done = calloc(G * np, 1);
    size_t *ndone = calloc(G, sizeof *ndone), *stamp = calloc(G, sizeof *stamp), *cnt = calloc(G, sizeof *cnt);
    int32_t *touched = malloc(G * sizeof *touched);
    if (!tot || !cum || !last || !pend || !done || !ndone || !stamp || !touched || !cnt) {
        free(tot); free(cum); free(last); free(pend); free(done); free(ndone); free(stamp); free(touched);
        free(cnt);
        return am_fail(ARMOEDE_ENOMEM, "quantiles: out of memory for %zu groups", G);
    }
    for (size_t i = 0; i < n; i++) {
        int32_t g = gs ? gs[i] : 0;
        if (g >= 0 && ws[i] > 0) { tot[g] += ws[i]; cnt[g]++; }
    }
    for (size_t k = 0; k < G * np; k++) out[k] = NAN;
    if (rule == AM_Q_LINEAR) {
        /* order statistics lo and lo + 1 of each group, by counting */
        size_t *c = stamp; /* reuse as running count */
        for (size_t i = 0; i < n; i++) {
            int32_t g = gs ? gs[i] : 0;
            if (g < 0 || !(ws[i] > 0)) continue;
            size_t r = c[g]++;
            for (size_t k = 0; k < np; k++) {
                double h = (double)(cnt[g] - 1) * p[k];
                size_t lo = (size_t)floor(h);
                if (r == lo) out[g * np + k] = pend[g * np + k] = xs[i];
                if (r == lo + 1) out[g * np + k] = pend[g * np + k] + (h - (double)lo) * (xs[i] - pend[g * np + k]);
            }
        }
        goto done_;
    }
    size_t i = 0;
    while (i < n) {
        double v = xs[i];
        size_t j = i, nt = 0;
        for (; j < n && xs[j] == v; j++) {
            int32_t g = gs ? gs[j] : 0;
            if (g < 0 || !(ws[j] > 0)) continue;
            if (stamp[g] != i + 1) { stamp[g] = i + 1; touched[nt++] = g; }
            cum[g] += ws[j];
        }
        for (size_t a = 0; a < nt; a++) {
            int32_t g = touched[a];
            last[g] = v;
            if (ndone[g] == np) continue;
            double share = (double)cum[g] / (double)tot[g];
            for (size_t k = 0; k < np; k++) {
                unsigned char *d = &done[g * np + k];
                if (*d == 1) continue;
                if (*d == 2) { /* Eurostat: mean with the next value */
                    out[g * np + k] = (double)(((long double)pend[g * np + k] + v) / 2.0L);
                    *d = 1; ndone[g]++;
                    continue;
                }
                double pk = p[k];
                int take = rule == AM_Q_LAEKEN ? (pk < 1.0 && share > pk) : share >= pk;
                if (!take) continue;
                if (rule == AM_Q_EUROSTAT && share == pk) {
                    pend[g * np + k] = v;
                    *d = 2;
                } else {
                    out[g * np + k] = v;
                    *d = 1; ndone[g]++;
                }
            }
        }
        i = j;
    }
    for (size_t g = 0; g < G; g++)
        for (size_t k = 0; k < np; k++) {
            if (tot[g] <= 0) continue;
            unsigned char d = done[g * np + k];
            if (d == 2) out[g * np + k] = pend[g * np + k];
            else if (d == 0) out[g * np + k] = last[g];
        }
done_:
    free(tot); free(cum); free(last); free(pend); free(done); free(ndone); free(stamp); free(touched);
    free(cnt);
    return 0;
}

/* ------------------------------------------------------------------------
 * The computation context
 * ---------------------------------------------------------------------- */
enum { M_MEDIAN, M_ARPT, M_ARPR, M_PERSIST, M_RMPG, M_QSR, M_GINI, M_FGT, M_COUNT_ };
static const unsigned M_BIT[M_COUNT_] = {ARMOEDE_MEASURE_MEDIAN, ARMOEDE_MEASURE_ARPT, ARMOEDE_MEASURE_ARPR,
                                         ARMOEDE_MEASURE_PERSISTENT_ARPR, ARMOEDE_MEASURE_RMPG,
                                         ARMOEDE_MEASURE_QSR, ARMOEDE_MEASURE_GINI, ARMOEDE_MEASURE_FGT};
static const char *const M_NAME[M_COUNT_] = {"median", "arpt", "arpr", "persistent_arpr", "rmpg",
                                             "qsr", "gini", "fgt"};

/* group statistics, per group: */
enum { S_W, S_N, S_MED, S_T, S_PW, S_PN, S_MPOOR, S_Q20, S_Q80, S_S20, S_S80, S_GINI, S_PERW, S_PERN,
       S_PERDW, S_PERDN, S_FW, S_FN, S_FPN, S_FPW, S_FGT0 };

typedef struct {
    size_t nlev;
    char **labels;   /* nlev labels (owned when INT) */
    int owned;
    /* the level code of a row: CAT: its code; INT: map[v - imin] over a
     * small range, else the index of v in the sorted distinct values */
    const am_col *col;
    int32_t *map;
    int64_t imin;
    int64_t *vals;
} keydim;

static inline int32_t key_code(const keydim *d, size_t i)
{
    const am_col *c = d->col;
    if (c->type == ARMOEDE_TYPE_CAT) return c->v.c[i];
    int64_t x = am_ival(c, i);
    if (x == ARMOEDE_NA_INT) return -1;
    if (d->map) return d->map[x - d->imin];
    size_t lo = 0, hi = d->nlev;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->vals[mid] < x) lo = mid + 1; else hi = mid;
    }
    return (int32_t)lo;
}

typedef struct {
    int32_t *gs;     /* group of each sorted row */
    size_t G;
    int32_t *codes;  /* G x nk level codes (-2 = Total) */
    int32_t *gyear;  /* year code of each group */
    size_t *order;   /* output order of groups */
} pattern;

typedef struct {
    int measure, alpha, pat;
    int32_t g;
} cellmeta;

typedef struct {
    const armoede_measures_options *o;
    unsigned measures;
    size_t n;          /* rows that enter */
    double *xs, *ws;   /* in ascending order of x */
    uint32_t *rows;    /* table row of each sorted position */
    int32_t *ys;       /* year code of each sorted row (0 without year) */
    size_t nyears;
    size_t nk;         /* key columns: year (if any) + by */
    keydim *dims;
    size_t npat;
    pattern *pats;
    size_t nalpha;
    const double *alpha;
    /* FGT line per sorted row (LINE_NORM) */
    double *fx, *fz;   /* income or ratio, line */
    unsigned char *fpoor, *fhas;
    /* persistent windows */
    size_t nwin;
    uint32_t *wcur, *wprev; /* wprev: nwin x (window - 1) */
    int win;
    /* bootstrap */
    uint32_t *psu;     /* psu of each sorted row */
    size_t npsu, nstrata;
    size_t *sstart;    /* nstrata + 1 offsets into the psu ids (psus of a stratum are consecutive) */
    size_t nst;        /* statistics per group */
    cellmeta *cells;
    size_t ncells;
    /* the streaming path (see fast_prepare) */
    int fast;
    const am_col *fI, *fW;
    size_t N;
    int32_t **direct;          /* per pattern: mixed-radix key -> group */
    uint64_t (*mult)[17];
    unsigned *totmask;
    size_t *goff, Gall;        /* all patterns' groups numbered one after another */
    dd *yhist, *ytot;          /* the years' median histogram, made by fast_prepare */
    dd **gw;                   /* per pattern and group: weight and persons (fast_prepare) */
    double **gn;
    /* arpt + arpr alone: fast_prepare also makes each pattern's histogram
     * over (mixed-radix key, bucket) of weights and persons */
    int arpr2;
    unsigned amb;              /* bucket resolution of yhist (and khist) */
    uint64_t *prange;          /* keys per pattern */
    dd **khist;
    uint32_t **kcnt;
    uint64_t **gkey;           /* per pattern: the key of each group */
    uint64_t *gel;             /* gini: per row that enters, its table row | its group of pattern 0 << 32 */
    size_t ngel;
    const am_col *ycolp;       /* the year column or NULL */
    const am_col *fwy, *fst, *fin; /* population filters that are on (whole_year, student, institutional) */
} mctx;

/* The patterns and the streaming path's state, freed and cleared: by
 * mctx_free, and when fast_prepare gives way to the sorted path. */
static void fast_free(mctx *c)
{
    for (size_t p = 0; p < c->npat; p++) {
        if (c->pats) { free(c->pats[p].gs); free(c->pats[p].codes); free(c->pats[p].gyear); free(c->pats[p].order); }
        if (c->direct) free(c->direct[p]);
        if (c->gw) free(c->gw[p]);
        if (c->gn) free(c->gn[p]);
        if (c->khist) free(c->khist[p]);
        if (c->kcnt) free(c->kcnt[p]);
        if (c->gkey) free(c->gkey[p]);
    }
    free(c->pats); free(c->direct); free(c->mult); free(c->totmask); free(c->goff);
    free(c->yhist); free(c->ytot);
    free(c->gw); free(c->gn); free(c->khist); free(c->kcnt); free(c->gkey); free(c->prange);
    free(c->gel);
    c->pats = NULL; c->direct = NULL; c->mult = NULL; c->totmask = NULL; c->goff = NULL;
    c->yhist = c->ytot = NULL;
    c->gw = NULL; c->gn = NULL; c->khist = NULL; c->kcnt = NULL; c->gkey = NULL; c->prange = NULL;
    c->gel = NULL; c->ngel = 0;
    c->npat = 0;
}

static void mctx_free(mctx *c)
{
    free(c->xs); free(c->ws); free(c->rows); free(c->ys);
    if (c->dims)
        for (size_t k = 0; k < c->nk; k++) {
            if (c->dims[k].owned)
                for (size_t l = 0; l < c->dims[k].nlev; l++) free(c->dims[k].labels[l]);
            free(c->dims[k].labels);
            free(c->dims[k].map);
            free(c->dims[k].vals);
        }
    free(c->dims);
    free(c->fx); free(c->fz); free(c->fpoor); free(c->fhas);
    free(c->wcur); free(c->wprev);
    free(c->psu); free(c->sstart);
    free(c->cells);
    fast_free(c);
}

/* Statistics of every pattern's groups for weights ws (sorted order). st[p]
 * has pats[p].G * nst doubles. Scratch: wpoor (n doubles), poor (n bytes). */
static int compute(const mctx *c, const double *ws, double **st, double *wpoor, unsigned char *poor)
{
    const armoede_measures_options *o = c->o;
    size_t n = c->n, ns = c->nst;
    int rc = 0;
    unsigned m = c->measures;
    int need_t = (m & (ARMOEDE_MEASURE_ARPT | ARMOEDE_MEASURE_ARPR | ARMOEDE_MEASURE_RMPG |
                       ARMOEDE_MEASURE_PERSISTENT_ARPR)) ||
                 ((m & ARMOEDE_MEASURE_FGT) && o->fgt_line == ARMOEDE_LINE_ARPT);
    /* the year thresholds */
    double *tyear = malloc((c->nyears ? c->nyears : 1) * sizeof *tyear);
    if (!tyear) return am_fail(ARMOEDE_ENOMEM, "measures: out of memory");
    double half = 0.5;
    if (need_t) {
        if ((rc = grp_quantiles(c->xs, ws, c->ys, n, c->nyears, &half, 1, o->rule, tyear))) goto out;
        for (size_t y = 0; y < c->nyears; y++) tyear[y] *= o->p;
    }
    /* poverty status against the year threshold (persistent rate) */
    if (m & ARMOEDE_MEASURE_PERSISTENT_ARPR)
        for (size_t k = 0; k < n; k++) {
            double t = tyear[c->ys[k]];
            poor[k] = o->at_or_below ? c->xs[k] <= t : c->xs[k] < t;
        }
    for (size_t pi = 0; pi < c->npat; pi++) {
        const pattern *P = &c->pats[pi];
        size_t G = P->G;
        double *S = st[pi];
        for (size_t k = 0; k < G * ns; k++) S[k] = 0;
        for (size_t g = 0; g < G; g++) {
            S[g * ns + S_MED] = S[g * ns + S_T] = S[g * ns + S_MPOOR] = NAN;
            S[g * ns + S_Q20] = S[g * ns + S_Q80] = S[g * ns + S_GINI] = NAN;
        }
        long double *acc = calloc(G * 6, sizeof *acc);
        double *q = malloc(G * 2 * sizeof *q);
        if (!acc || !q) { free(acc); free(q); rc = am_fail(ARMOEDE_ENOMEM, "measures: out of memory"); goto out; }
        for (size_t k = 0; k < n; k++) {
            int32_t g = P->gs[k];
            if (ws[k] > 0) { acc[g] += ws[k]; S[g * ns + S_N] += 1; }
        }
        for (size_t g = 0; g < G; g++) S[g * ns + S_W] = (double)acc[g];
        if ((m & ARMOEDE_MEASURE_MEDIAN) || (need_t && o->domain_threshold)) {
            if ((rc = grp_quantiles(c->xs, ws, P->gs, n, G, &half, 1, o->rule, q))) { free(acc); free(q); goto out; }
            for (size_t g = 0; g < G; g++) S[g * ns + S_MED] = q[g];
        }
        if (need_t)
            for (size_t g = 0; g < G; g++)
                S[g * ns + S_T] = o->domain_threshold ? o->p * S[g * ns + S_MED] : tyear[P->gyear[g]];
        if (m & (ARMOEDE_MEASURE_ARPR | ARMOEDE_MEASURE_RMPG)) {
            memset(acc, 0, G * sizeof *acc);
            for (size_t k = 0; k < n; k++) {
                int32_t g = P->gs[k];
                double t = S[g * ns + S_T], x = c->xs[k];
                int pr = o->at_or_below ? x <= t : x < t;
                if (wpoor) wpoor[k] = pr ? ws[k] : 0.0;
                if (pr && ws[k] > 0) { acc[g] += ws[k]; S[g * ns + S_PN] += 1; }
            }
            for (size_t g = 0; g < G; g++) S[g * ns + S_PW] = (double)acc[g];
            if (m & ARMOEDE_MEASURE_RMPG) {
                if ((rc = grp_quantiles(c->xs, wpoor, P->gs, n, G, &half, 1, o->rule, q))) { free(acc); free(q); goto out; }
                for (size_t g = 0; g < G; g++) S[g * ns + S_MPOOR] = q[g];
            }
        }
        if (m & ARMOEDE_MEASURE_QSR) {
            const double pq[2] = {0.2, 0.8};
            if ((rc = grp_quantiles(c->xs, ws, P->gs, n, G, pq, 2, o->rule, q))) { free(acc); free(q); goto out; }
            memset(acc, 0, 2 * G * sizeof *acc);
            for (size_t k = 0; k < n; k++) {
                int32_t g = P->gs[k];
                double x = c->xs[k], wx = ws[k] * x;
                if (!(ws[k] > 0)) continue;
                if (x <= q[2 * g]) acc[2 * g] += wx;
                if (x > q[2 * g + 1]) acc[2 * g + 1] += wx;
            }
            for (size_t g = 0; g < G; g++) {
                S[g * ns + S_Q20] = q[2 * g];
                S[g * ns + S_Q80] = q[2 * g + 1];
                S[g * ns + S_S20] = (double)acc[2 * g];
                S[g * ns + S_S80] = (double)acc[2 * g + 1];
            }
        }
        if (m & ARMOEDE_MEASURE_GINI) {
            /* acc: [0,G) C (weight below), [G,2G) block S, [2G,3G) sum x S (2C + S), [3G,4G) sum w x */
            memset(acc, 0, 4 * G * sizeof *acc);
            size_t *stamp = calloc(G, sizeof *stamp);
            int32_t *touched = malloc(G * sizeof *touched);
            if (!stamp || !touched) {
                free(stamp); free(touched); free(acc); free(q);
                rc = am_fail(ARMOEDE_ENOMEM, "measures: out of memory");
                goto out;
            }
            size_t i = 0;
            while (i < n) {
                double v = c->xs[i];
                size_t j = i, nt = 0;
                for (; j < n && c->xs[j] == v; j++) {
                    if (!(ws[j] > 0)) continue;
                    int32_t g = P->gs[j];
                    if (stamp[g] != i + 1) { stamp[g] = i + 1; touched[nt++] = g; acc[G + g] = 0; }
                    acc[G + g] += ws[j];
                }
                gini_flush(acc, G, touched, nt, v);
                i = j;
            }
            for (size_t g = 0; g < G; g++)
                S[g * ns + S_GINI] = (double)(acc[2 * G + g] / (acc[g] * acc[3 * G + g]) - 1.0L);
            free(stamp);
            free(touched);
        }
        if (m & ARMOEDE_MEASURE_FGT) {
            size_t na = c->nalpha;
            long double *f = calloc(G * (na + 2), sizeof *f);
            if (!f) { free(acc); free(q); rc = am_fail(ARMOEDE_ENOMEM, "measures: out of memory"); goto out; }
            for (size_t k = 0; k < n; k++) {
                if (!(ws[k] > 0)) continue;
                int32_t g = P->gs[k];
                double x, z;
                int pr;
                if (o->fgt_line == ARMOEDE_LINE_NORM) {
                    if (!c->fhas[k]) continue;
                    x = c->fx[k]; z = c->fz[k]; pr = c->fpoor[k];
                } else {
                    x = c->xs[k];
                    z = o->fgt_line == ARMOEDE_LINE_FIXED ? o->fgt_value : S[g * ns + S_T];
                    pr = o->at_or_below ? x <= z : x < z;
                }
                f[g * (na + 2)] += ws[k];
                S[g * ns + S_FN] += 1;
                if (!pr) continue;
                S[g * ns + S_FPN] += 1;
                f[g * (na + 2) + 1] += ws[k];
                double gap = (z - x) / z;
                for (size_t a = 0; a < na; a++)
                    f[g * (na + 2) + 2 + a] += ws[k] * (c->alpha[a] == 0 ? 1.0 : pow(gap, c->alpha[a]));
            }
            for (size_t g = 0; g < G; g++) {
                S[g * ns + S_FW] = (double)f[g * (na + 2)];
                S[g * ns + S_FPW] = (double)f[g * (na + 2) + 1];
                for (size_t a = 0; a < na; a++) S[g * ns + S_FGT0 + a] = (double)f[g * (na + 2) + 2 + a];
            }
            free(f);
        }
        if (m & ARMOEDE_MEASURE_PERSISTENT_ARPR) {
            int w1 = c->win - 1;
            memset(acc, 0, 2 * G * sizeof *acc);
            for (size_t e = 0; e < c->nwin; e++) {
                uint32_t k = c->wcur[e];
                if (!(ws[k] > 0)) continue;
                int32_t g = P->gs[k];
                acc[g] += ws[k];
                S[g * ns + S_PERDN] += 1;
                if (!poor[k]) continue;
                int np = 0;
                for (int a = 0; a < w1; a++) np += poor[c->wprev[e * (size_t)w1 + (size_t)a]];
                if (np >= o->persistent_min) { acc[G + g] += ws[k]; S[g * ns + S_PERN] += 1; }
            }
            for (size_t g = 0; g < G; g++) {
                S[g * ns + S_PERDW] = (double)acc[g];
                S[g * ns + S_PERW] = (double)acc[G + g];
            }
        }
        free(acc);
        free(q);
    }
out:
    free(tyear);
    return rc;
}

typedef struct { double est, numw, denw, numn, denn; } cellval;

static cellval cell_value(const mctx *c, double *const *st, const cellmeta *cm)
{
    const double *S = st[cm->pat] + (size_t)cm->g * c->nst;
    cellval v = {NAN, NAN, NAN, NAN, NAN};
    double W = S[S_W], N = S[S_N];
    switch (cm->measure) {
    case M_MEDIAN: v.est = S[S_MED]; v.denw = W; v.denn = N; break;
    case M_ARPT: v.est = S[S_T]; v.denw = W; v.denn = N; break;
    case M_ARPR: v.numw = S[S_PW]; v.denw = W; v.numn = S[S_PN]; v.denn = N; v.est = W > 0 ? v.numw / W : NAN; break;
    case M_PERSIST:
        v.numw = S[S_PERW]; v.denw = S[S_PERDW]; v.numn = S[S_PERN]; v.denn = S[S_PERDN];
        v.est = v.denw > 0 ? v.numw / v.denw : NAN;
        break;
    case M_RMPG:
        v.est = (S[S_T] - S[S_MPOOR]) / S[S_T];
        v.numw = S[S_PW]; v.numn = S[S_PN]; v.denw = W; v.denn = N;
        break;
    case M_QSR: v.est = S[S_S80] / S[S_S20]; v.denw = W; v.denn = N; break;
    case M_GINI: v.est = S[S_GINI]; v.denw = W; v.denn = N; break;
    case M_FGT:
        v.numw = S[S_FGT0 + cm->alpha]; v.denw = S[S_FW]; v.numn = S[S_FPN]; v.denn = S[S_FN];
        v.est = v.denw > 0 ? v.numw / v.denw : NAN;
        break;
    default: break;
    }
    if (W <= 0) v.est = NAN;
    return v;
}

/* ------------------------------------------------------------------------
 * Setup
 * ---------------------------------------------------------------------- */
typedef struct {
    size_t bad_income, bad_equiv, unknown_age, bad_weight, bad_key, bad_design, no_norm, gaps, filtered;
} mnotes;

/* Row i is left out by a population filter that is on. */
static inline int filtered_out(const mctx *c, size_t i)
{
    int m = 0;
    if (c->fwy && key_at(c->fwy, i, &m) == 0 && !m) return 1;
    if (c->fst && key_at(c->fst, i, &m) == 1 && !m) return 1;
    if (c->fin && key_at(c->fin, i, &m) == 1 && !m) return 1;
    return 0;
}

/* The rule that leaves row i out (OUT_IN: it enters), tested in this order:
 * income, equivalised income (income / x[i]; x NULL: none), weight, keys,
 * design columns (S, Cl; NULL: none), population filters. The one place
 * that decides both what enters the sorted path and what the notes count. */
enum { OUT_IN, OUT_INCOME, OUT_EQUIV, OUT_WEIGHT, OUT_KEY, OUT_DESIGN, OUT_FILTER };
static int row_out(const mctx *c, const am_col *I, const am_col *W, const double *x, const am_col *S, const am_col *Cl,
                   size_t i)
{
    double inc = am_num(I, i);
    if (!isfinite(inc)) return OUT_INCOME;
    if (x && !isfinite(inc / x[i])) return OUT_EQUIV;
    if (W) {
        double w = am_num(W, i);
        if (!(w > 0 && isfinite(w))) return OUT_WEIGHT;
    }
    for (size_t k = 0; k < c->nk; k++)
        if (key_code(&c->dims[k], i) < 0) return OUT_KEY;
    if ((S && am_key(S, i) == ARMOEDE_NA_INT) || (Cl && am_key(Cl, i) == ARMOEDE_NA_INT)) return OUT_DESIGN;
    if (filtered_out(c, i)) return OUT_FILTER;
    return OUT_IN;
}

static void note_out(mnotes *nt, int why)
{
    switch (why) {
    case OUT_INCOME: nt->bad_income++; break;
    case OUT_EQUIV: nt->bad_equiv++; break;
    case OUT_WEIGHT: nt->bad_weight++; break;
    case OUT_KEY: nt->bad_key++; break;
    case OUT_DESIGN: nt->bad_design++; break;
    case OUT_FILTER: nt->filtered++; break;
    default: break;
    }
}

/* Dense level codes of a key column (see key_code) and their labels. */
static int make_dim(const am_col *col, size_t nrows, keydim *d)
{
    memset(d, 0, sizeof *d);
    d->col = col;
    if (col->type == ARMOEDE_TYPE_CAT) {
        d->nlev = col->dict.n;
        d->labels = malloc((d->nlev ? d->nlev : 1) * sizeof *d->labels);
        if (!d->labels) return am_fail(ARMOEDE_ENOMEM, "measures: out of memory");
        for (size_t l = 0; l < d->nlev; l++) d->labels[l] = col->dict.labels[l];
        return 0;
    }
    /* INT: distinct values in ascending order; over a small range also a
     * map value - imin -> level */
    int64_t *v = NULL;
    size_t m = 0;
    if (am_int_levels(col, nrows, &v, &m)) return am_fail(ARMOEDE_ENOMEM, "measures: out of memory");
    if (col->imin <= col->imax && (uint64_t)(col->imax - col->imin) < 1000000u) {
        d->map = calloc((size_t)(col->imax - col->imin) + 1, sizeof *d->map);
        if (!d->map) { free(v); return am_fail(ARMOEDE_ENOMEM, "measures: out of memory"); }
        d->imin = col->imin;
        for (size_t l = 0; l < m; l++) d->map[v[l] - col->imin] = (int32_t)l;
    }
    d->owned = 1;
    d->nlev = m;
    d->labels = calloc(m ? m : 1, sizeof *d->labels);
    if (!d->labels) { free(v); return am_fail(ARMOEDE_ENOMEM, "measures: out of memory"); }
    for (size_t l = 0; l < m; l++) {
        char b[32];
        snprintf(b, sizeof b, "%lld", (long long)v[l]);
        if (!(d->labels[l] = am_strdup(b))) { free(v); return am_fail(ARMOEDE_ENOMEM, "measures: out of memory"); }
    }
    if (d->map) free(v);
    else d->vals = v;
    return 0;
}

static _Thread_local const int32_t *g_sort_codes;
static _Thread_local size_t g_sort_nk;
static int cmp_group(const void *a, const void *b)
{
    const int32_t *x = g_sort_codes + *(const size_t *)a * g_sort_nk,
                  *y = g_sort_codes + *(const size_t *)b * g_sort_nk;
    for (size_t k = 0; k < g_sort_nk; k++) {
        uint32_t u = (uint32_t)x[k], v = (uint32_t)y[k]; /* Total (-2) last */
        if (u != v) return u < v ? -1 : 1;
    }
    return 0;
}

typedef struct {
    int64_t pid, year;
    uint32_t k;
} pyrow;
static int cmp_pyrow(const void *a, const void *b)
{
    const pyrow *x = a, *y = b;
    if (x->pid != y->pid) return x->pid < y->pid ? -1 : 1;
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    return (x->k > y->k) - (x->k < y->k);
}

/* The FGT line of each row for ARMOEDE_LINE_NORM (in table row order). */
static int norm_lines(const armoede_table *t, const armoede_measures_options *o, int icol, const char *fn,
                      double *fx, double *fz, unsigned char *fpoor, unsigned char *fhas)
{
    size_t n = t->nrows;
    int rcol = t->role[ARMOEDE_ROLE_RATIO_PCT];
    if (rcol >= 0) {
        const am_col *R = &t->cols[rcol];
        int64_t zz = llround(o->fgt_p * 100.0 * 1e6);
        for (size_t i = 0; i < n; i++) {
            double r = am_num(R, i);
            fhas[i] = isfinite(r) && fabs(r) < 1e9;
            if (!fhas[i]) continue;
            fx[i] = r / 100.0;
            fz[i] = o->fgt_p;
            int64_t rr = llround(r * 1e6);
            fpoor[i] = o->at_or_below ? rr <= zz : rr < zz;
        }
        return 0;
    }
    if (icol < 0) return am_fail(ARMOEDE_ENOTFOUND, "%s: the norm line needs ratio_pct or income", fn);
    const am_col *I = &t->cols[icol];
    int ncol = t->role[ARMOEDE_ROLE_NORM];
    const am_col *Nc = ncol >= 0 ? &t->cols[ncol] : NULL;
    int yc = -1, tc = -1, bc = -1;
    if (!Nc) {
        if (!o->norms)
            return am_fail(ARMOEDE_ENOTFOUND, "%s: the norm line needs ratio_pct, norm, or a norms table", fn);
        if ((yc = role_col(t, ARMOEDE_ROLE_YEAR, fn, "to look up norms")) < 0) return yc;
        if ((tc = role_col(t, ARMOEDE_ROLE_HOUSEHOLD_TYPE, fn, "to look up norms")) < 0) return tc;
        if ((bc = role_col(t, ARMOEDE_ROLE_AGE_BAND, fn, "to look up norms")) < 0) return bc;
    }
    pairmap cache = {0};
    double *cv = NULL;
    if (!Nc) {
        int rc = pm_init(&cache, n);
        if (rc) return rc;
        cv = malloc((n ? n : 1) * sizeof *cv);
        if (!cv) { pm_free(&cache); return am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); }
    }
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        double x = am_num(I, i), norm = NAN;
        if (Nc) norm = am_num(Nc, i);
        else {
            int m1 = 0, m2 = 0, m3 = 0;
            int64_t y = key_at(&t->cols[yc], i, &m1), ty = key_at(&t->cols[tc], i, &m2),
                    ab = key_at(&t->cols[bc], i, &m3);
            if (!m1 && !m2 && !m3 && t->cols[tc].type == ARMOEDE_TYPE_CAT && t->cols[bc].type == ARMOEDE_TYPE_CAT) {
                size_t before = cache.n;
                int32_t id = pm_id(&cache, y, ty * 1000003 + ab);
                if ((size_t)id == before) {
                    rc = armoede_norms_annual(o->norms, (int)y, t->cols[tc].dict.labels[ty],
                                              t->cols[bc].dict.labels[ab], &cv[id]);
                    if (rc) break;
                }
                norm = cv[id];
            }
        }
        fhas[i] = isfinite(x) && isfinite(norm) && norm > 0 && fabs(x) < 1e15 && norm < 1e15;
        if (!fhas[i]) continue;
        double z = o->fgt_p * norm;
        fx[i] = x;
        fz[i] = z;
        int64_t xc = llround(x * 100.0), zc = llround(z * 100.0);
        fpoor[i] = o->at_or_below ? xc <= zc : xc < zc;
    }
    if (!Nc) { pm_free(&cache); free(cv); }
    return rc;
}

static int check_opts(const armoede_measures_options *o, const char *fn)
{
    if (o->version != ARMOEDE_MEASURES_OPTIONS_VERSION)
        return am_fail(ARMOEDE_EINVAL, "%s: options version %u (expected %u)", fn, o->version,
                       ARMOEDE_MEASURES_OPTIONS_VERSION);
    if (o->measures & ~0xffu) return am_fail(ARMOEDE_EINVAL, "%s: unknown measure bits 0x%x", fn, o->measures);
    if (!(o->p > 0 && o->p <= 10)) return am_fail(ARMOEDE_EINVAL, "%s: p = %g not in (0, 10]", fn, o->p);
    if ((int)o->rule < 0 || o->rule > ARMOEDE_QUANTILE_LINEAR)
        return am_fail(ARMOEDE_EINVAL, "%s: unknown quantile rule %d", fn, (int)o->rule);
    if ((o->n_by && !o->by) || (o->n_margins && !o->margins) || (o->n_fgt_alpha && !o->fgt_alpha))
        return am_fail(ARMOEDE_EINVAL, "%s: NULL list with a nonzero length", fn);
    if (o->n_by > 16 || o->n_margins > o->n_by)
        return am_fail(ARMOEDE_EINVAL, "%s: at most 16 by-columns, and margins among them", fn);
    for (size_t a = 0; a < o->n_fgt_alpha; a++)
        if (!(o->fgt_alpha[a] >= 0 && o->fgt_alpha[a] <= 10))
            return am_fail(ARMOEDE_EINVAL, "%s: FGT alpha %g not in [0, 10]", fn, o->fgt_alpha[a]);
    if (o->fgt_line < ARMOEDE_LINE_ARPT || o->fgt_line > ARMOEDE_LINE_FIXED)
        return am_fail(ARMOEDE_EINVAL, "%s: unknown FGT line %d", fn, o->fgt_line);
    if (o->fgt_line == ARMOEDE_LINE_NORM && !(o->fgt_p > 0 && o->fgt_p <= 100))
        return am_fail(ARMOEDE_EINVAL, "%s: fgt_p = %g not in (0, 100]", fn, o->fgt_p);
    if (o->fgt_line == ARMOEDE_LINE_FIXED && !(o->fgt_value > 0 && isfinite(o->fgt_value)))
        return am_fail(ARMOEDE_EINVAL, "%s: fgt_value = %g must be > 0", fn, o->fgt_value);
    if (o->persistent_window < 2 || o->persistent_window > 20 || o->persistent_min < 0 ||
        o->persistent_min > o->persistent_window - 1)
        return am_fail(ARMOEDE_EINVAL, "%s: persistent window %d / minimum %d out of range", fn,
                       o->persistent_window, o->persistent_min);
    if (o->bootstrap < 0 || o->bootstrap > 100000)
        return am_fail(ARMOEDE_EINVAL, "%s: bootstrap = %d not in [0, 100000]", fn, o->bootstrap);
    if (o->bootstrap && !(o->ci_level > 0 && o->ci_level < 1))
        return am_fail(ARMOEDE_EINVAL, "%s: ci_level = %g not in (0, 1)", fn, o->ci_level);
    if (o->nthreads < 0 || o->nthreads > 256)
        return am_fail(ARMOEDE_EINVAL, "%s: nthreads = %d not in [0, 256]", fn, o->nthreads);
    return 0;
}

static int fast_prepare(mctx *c, const armoede_table *t, int icol, int wcol, unsigned marg, mnotes *nt);

static int setup(mctx *c, const armoede_table *t, const armoede_measures_options *o, mnotes *nt)
{
    const char *fn = "armoede_measures";
    size_t N = t->nrows;
    int rc;
    memset(nt, 0, sizeof *nt);
    c->o = o;
    c->measures = o->measures ? o->measures : ARMOEDE_MEASURE_DEFAULT;
    c->win = o->persistent_window;
    static const double def_alpha[3] = {0, 1, 2};
    c->alpha = o->fgt_alpha ? o->fgt_alpha : def_alpha;
    c->nalpha = o->fgt_alpha ? o->n_fgt_alpha : 3;
    if (c->nalpha == 0 && (c->measures & ARMOEDE_MEASURE_FGT))
        return am_fail(ARMOEDE_EINVAL, "%s: FGT without any alpha", fn);
    if (N > UINT32_MAX - 1) return am_fail(ARMOEDE_EINVAL, "%s: more than 2^32 - 2 rows", fn);
    /* income */
    int icol = o->income ? find_col(t, o->income, fn, "income")
                         : role_col(t, ARMOEDE_ROLE_INCOME, fn, "for the income");
    if (icol < 0) return icol;
    if (!is_numeric(&t->cols[icol]))
        return am_fail(ARMOEDE_ETYPE, "%s: income column '%s' is not numeric", fn, t->cols[icol].name);
    int wcol = t->role[ARMOEDE_ROLE_WEIGHT];
    if (wcol >= 0 && !is_numeric(&t->cols[wcol]))
        return am_fail(ARMOEDE_ETYPE, "%s: weight column is not numeric", fn);
    if (o->rule == ARMOEDE_QUANTILE_LINEAR && (wcol >= 0 || o->bootstrap))
        return am_fail(ARMOEDE_EINVAL, "%s: the linear quantile rule takes no weights (nor bootstrap)", fn);
    int ycol = t->role[ARMOEDE_ROLE_YEAR];
    if (ycol >= 0 && t->cols[ycol].type != ARMOEDE_TYPE_INT)
        return am_fail(ARMOEDE_ETYPE, "%s: the year column must be INT", fn);
    /* key columns: year + by */
    c->nk = (ycol >= 0) + o->n_by;
    int kcols[17];
    size_t nk = 0;
    if (ycol >= 0) kcols[nk++] = ycol;
    for (size_t b = 0; b < o->n_by; b++) {
        if (!o->by[b]) return am_fail(ARMOEDE_EINVAL, "%s: NULL by-column", fn);
        int j = find_col(t, o->by[b], fn, "by");
        if (j < 0) return j;
        if (j == ycol)
            return am_fail(ARMOEDE_EINVAL, "%s: '%s' is the year column: every figure is per year already", fn, o->by[b]);
        if (!is_key(&t->cols[j]))
            return am_fail(ARMOEDE_ETYPE, "%s: by-column '%s' must be CAT or INT", fn, o->by[b]);
        for (size_t a = 0; a < nk; a++)
            if (kcols[a] == j) return am_fail(ARMOEDE_EINVAL, "%s: by-column '%s' given twice", fn, o->by[b]);
        kcols[nk++] = j;
    }
    unsigned marg = 0; /* bit k: key k has a Total */
    for (size_t mi = 0; mi < o->n_margins; mi++) {
        size_t b = 0;
        while (b < o->n_by && (!o->margins[mi] || strcmp(o->by[b], o->margins[mi]) != 0)) b++;
        if (b == o->n_by)
            return am_fail(ARMOEDE_EINVAL, "%s: margin '%s' is not a by-column", fn,
                           o->margins[mi] ? o->margins[mi] : "(null)");
        marg |= 1u << (b + (ycol >= 0));
    }
    int scol = -1, ccol = -1;
    if (o->strata) {
        if ((scol = find_col(t, o->strata, fn, "strata")) < 0) return scol;
        if (!is_key(&t->cols[scol])) return am_fail(ARMOEDE_ETYPE, "%s: strata column must be CAT or INT", fn);
    }
    if (o->cluster) {
        if ((ccol = find_col(t, o->cluster, fn, "cluster")) < 0) return ccol;
        if (!is_key(&t->cols[ccol])) return am_fail(ARMOEDE_ETYPE, "%s: cluster column must be CAT or INT", fn);
    }
    int pcol = -1;
    if (c->measures & ARMOEDE_MEASURE_PERSISTENT_ARPR) {
        if ((pcol = role_col(t, ARMOEDE_ROLE_PERSON_ID, fn, "for the persistent rate")) < 0) return pcol;
        if (ycol < 0) return role_col(t, ARMOEDE_ROLE_YEAR, fn, "for the persistent rate");
        if (!is_key(&t->cols[pcol])) return am_fail(ARMOEDE_ETYPE, "%s: person id must be CAT or INT", fn);
    }

    struct { int on, role; const am_col **dst; const char *what; } fl[3] = {
        {o->filter_whole_year, ARMOEDE_ROLE_WHOLE_YEAR, &c->fwy, "whole_year"},
        {o->filter_student, ARMOEDE_ROLE_STUDENT, &c->fst, "student"},
        {o->filter_institutional, ARMOEDE_ROLE_INSTITUTIONAL, &c->fin, "institutional"}};
    for (int f = 0; f < 3; f++) {
        if (!fl[f].on) continue;
        int j = role_col(t, fl[f].role, fn, "by a population filter");
        if (j < 0) return j;
        if (t->cols[j].type != ARMOEDE_TYPE_INT)
            return am_fail(ARMOEDE_ETYPE, "%s: the %s column must be INT 0/1", fn, fl[f].what);
        *fl[f].dst = &t->cols[j];
    }
    /* per-row income (equivalised) and the filter */
    double *x = NULL; /* equivalence factors */
    c->dims = calloc(nk ? nk : 1, sizeof *c->dims);
    if (!c->dims) return am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn);
    rc = 0;
    if (o->equivalise) {
        eq_stats es;
        if (!(x = malloc((N ? N : 1) * sizeof *x))) { rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto fail; }
        if ((rc = equiv_factors(t, o->equivalise, fn, x, &es))) goto fail;
        nt->unknown_age = es.unknown_age;
    }
    for (size_t k = 0; k < nk; k++)
        if ((rc = make_dim(&t->cols[kcols[k]], N, &c->dims[k]))) goto fail;
    c->ycolp = ycol >= 0 ? &t->cols[ycol] : NULL;
    c->nyears = ycol >= 0 ? c->dims[0].nlev : 1;
    c->nst = S_FGT0 + c->nalpha;
    if (c->fast) {
        rc = fast_prepare(c, t, icol, wcol, marg, nt);
        if (rc <= 0) goto fail; /* done (0) or an error */
        /* too many groups for the streaming path: undo, take the general one */
        fast_free(c);
        memset(nt, 0, sizeof *nt);
        c->fast = 0;
        rc = 0;
    }
    /* the rows that enter; while every row so far enters and the income is a
     * REAL column taken as it is, the column itself is the array to sort (no
     * copy: fresh pages are dear) */
    const am_col *I = &t->cols[icol], *Wc = wcol >= 0 ? &t->cols[wcol] : NULL;
    int inplace = !x && I->type == ARMOEDE_TYPE_REAL;
    uint32_t *keep = NULL;
    double *xk = NULL;
    if (!inplace) {
        keep = malloc((N ? N : 1) * sizeof *keep);
        xk = malloc((N ? N : 1) * sizeof *xk);
        if (!keep || !xk) { free(keep); free(xk); rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto fail; }
    }
    size_t n = 0;
    const am_col *Sc = scol >= 0 ? &t->cols[scol] : NULL, *Cc = ccol >= 0 ? &t->cols[ccol] : NULL;
    for (size_t i = 0; i < N; i++) {
        int why = row_out(c, I, Wc, x, Sc, Cc, i);
        if (why) {
            note_out(nt, why);
            if (!keep) { /* the first row left out: from here on, copy */
                keep = malloc((N ? N : 1) * sizeof *keep);
                xk = malloc((N ? N : 1) * sizeof *xk);
                if (!keep || !xk) { free(keep); free(xk); rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto fail; }
                for (size_t j = 0; j < n; j++) { keep[j] = (uint32_t)j; xk[j] = I->v.r[j]; }
            }
            continue;
        }
        if (keep) { keep[n] = (uint32_t)i; xk[n] = x ? am_num(I, i) / x[i] : am_num(I, i); }
        n++;
    }
    const double *xsrc = keep ? xk : I->v.r;
    c->n = n;
    uint32_t *perm = malloc((n ? n : 1) * sizeof *perm);
    c->xs = malloc((n ? n : 1) * sizeof *c->xs);
    c->ws = malloc((n ? n : 1) * sizeof *c->ws);
    c->rows = malloc((n ? n : 1) * sizeof *c->rows);
    c->ys = malloc((n ? n : 1) * sizeof *c->ys);
    if (!perm || !c->xs || !c->ws || !c->rows || !c->ys) {
        free(perm); free(keep); free(xk);
        rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn);
        goto fail;
    }
    if ((rc = am_sort_perm(xsrc, n, perm))) { free(perm); free(keep); free(xk); goto fail; }
    for (size_t k = 0; k < n; k++) {
        uint32_t r = keep ? keep[perm[k]] : perm[k];
        c->rows[k] = r;
        c->xs[k] = xsrc[perm[k]];
        c->ws[k] = Wc ? am_num(Wc, r) : 1.0;
        c->ys[k] = ycol >= 0 ? key_code(&c->dims[0], r) : 0;
    }
    free(perm); free(keep); free(xk);
    c->nyears = ycol >= 0 ? c->dims[0].nlev : 1;

    /* patterns: every subset of the margins */
    size_t nmarg = 0;
    for (size_t k = 0; k < nk; k++) nmarg += (marg >> k) & 1u;
    c->npat = (size_t)1 << nmarg;
    c->pats = calloc(c->npat, sizeof *c->pats);
    if (!c->pats) { rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto fail; }
    for (size_t pi = 0; pi < c->npat; pi++) {
        pattern *P = &c->pats[pi];
        unsigned tot = 0; /* keys set to Total */
        size_t bit = 0;
        for (size_t k = 0; k < nk; k++)
            if ((marg >> k) & 1u) { if ((pi >> bit) & 1u) tot |= 1u << k; bit++; }
        /* mixed radix key */
        uint64_t mult[17], range = 1;
        for (size_t k = 0; k < nk; k++) {
            mult[k] = range;
            uint64_t l = ((tot >> k) & 1u) ? 1 : c->dims[k].nlev;
            if (l == 0) l = 1;
            if (range > (UINT64_C(1) << 62) / l) { rc = am_fail(ARMOEDE_EINVAL, "%s: too many combinations of by-levels", fn); goto fail; }
            range *= l;
        }
        P->gs = malloc((n ? n : 1) * sizeof *P->gs);
        if (!P->gs) { rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto fail; }
        int32_t *direct = NULL;
        pairmap hm = {0};
        if (range <= (UINT64_C(1) << 22)) {
            direct = malloc(range * sizeof *direct);
            if (!direct) { rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto fail; }
            for (uint64_t r = 0; r < range; r++) direct[r] = -1;
        } else if ((rc = pm_init(&hm, n))) goto fail;
        size_t G = 0;
        uint64_t *gkey = malloc((n ? n : 1) * sizeof *gkey);
        if (!gkey) { free(direct); pm_free(&hm); rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto fail; }
        for (size_t s = 0; s < n; s++) {
            uint32_t r = c->rows[s];
            uint64_t key = 0;
            for (size_t k = 0; k < nk; k++)
                if (!((tot >> k) & 1u)) key += (uint64_t)key_code(&c->dims[k], r) * mult[k];
            int32_t g;
            if (direct) {
                if (direct[key] < 0) { direct[key] = (int32_t)G; gkey[G++] = key; }
                g = direct[key];
            } else {
                g = pm_id(&hm, (int64_t)key, 0);
                if ((size_t)g == G) gkey[G++] = key;
            }
            P->gs[s] = g;
        }
        free(direct);
        if (!direct) pm_free(&hm);
        P->G = G;
        P->codes = malloc((G ? G : 1) * (nk ? nk : 1) * sizeof *P->codes);
        P->gyear = malloc((G ? G : 1) * sizeof *P->gyear);
        P->order = malloc((G ? G : 1) * sizeof *P->order);
        if (!P->codes || !P->gyear || !P->order) { free(gkey); rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto fail; }
        for (size_t g = 0; g < G; g++) {
            uint64_t key = gkey[g];
            for (size_t k = nk; k-- > 0;) {
                if ((tot >> k) & 1u) { P->codes[g * nk + k] = -2; continue; }
                P->codes[g * nk + k] = (int32_t)(key / mult[k]);
                key %= mult[k];
            }
            P->gyear[g] = ycol >= 0 ? P->codes[g * nk] : 0;
            P->order[g] = g;
        }
        free(gkey);
        g_sort_codes = P->codes;
        g_sort_nk = nk;
        if (nk) qsort(P->order, G, sizeof *P->order, cmp_group);
    }

    /* FGT against the norm */
    if ((c->measures & ARMOEDE_MEASURE_FGT) && o->fgt_line == ARMOEDE_LINE_NORM) {
        int hic = o->income ? icol : t->role[ARMOEDE_ROLE_INCOME];
        double *fx = malloc((N ? N : 1) * sizeof *fx), *fz = malloc((N ? N : 1) * sizeof *fz);
        unsigned char *fp = calloc(N ? N : 1, 1), *fh = calloc(N ? N : 1, 1);
        c->fx = malloc((n ? n : 1) * sizeof *c->fx);
        c->fz = malloc((n ? n : 1) * sizeof *c->fz);
        c->fpoor = malloc(n ? n : 1);
        c->fhas = malloc(n ? n : 1);
        if (!fx || !fz || !fp || !fh || !c->fx || !c->fz || !c->fpoor || !c->fhas) {
            free(fx); free(fz); free(fp); free(fh);
            rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn);
            goto fail;
        }
        rc = norm_lines(t, o, hic, fn, fx, fz, fp, fh);
        if (!rc)
            for (size_t s = 0; s < n; s++) {
                uint32_t r = c->rows[s];
                c->fx[s] = fx[r]; c->fz[s] = fz[r]; c->fpoor[s] = fp[r]; c->fhas[s] = fh[r];
                if (!fh[r]) nt->no_norm++;
            }
        free(fx); free(fz); free(fp); free(fh);
        if (rc) goto fail;
    }

    /* persistent windows */
    if (c->measures & ARMOEDE_MEASURE_PERSISTENT_ARPR) {
        pyrow *pr = malloc((n ? n : 1) * sizeof *pr);
        if (!pr) { rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto fail; }
        const am_col *Pc = &t->cols[pcol], *Yc = &t->cols[ycol];
        for (size_t s = 0; s < n; s++) {
            int miss = 0;
            pr[s].pid = key_at(Pc, c->rows[s], &miss);
            if (miss) pr[s].pid = INT64_MIN; /* a row without person id: its own gap */
            pr[s].year = am_ival(Yc, c->rows[s]);
            pr[s].k = (uint32_t)s;
        }
        qsort(pr, n, sizeof *pr, cmp_pyrow);
        int w1 = c->win - 1;
        c->wcur = malloc((n ? n : 1) * sizeof *c->wcur);
        c->wprev = malloc((n ? n : 1) * (size_t)w1 * sizeof *c->wprev);
        if (!c->wcur || !c->wprev) { free(pr); rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto fail; }
        for (size_t e = 0; e < n; e++) {
            if (pr[e].pid == INT64_MIN) { nt->gaps++; continue; }
            if (e > 0 && pr[e - 1].pid == pr[e].pid && pr[e - 1].year == pr[e].year) {
                char b1[128], b2[128], lb[64];
                const char *pl = am_col_label(Pc, c->rows[pr[e].k], lb, sizeof lb);
                uint32_t r1 = c->rows[pr[e - 1].k], r2 = c->rows[pr[e].k];
                if (r1 > r2) { uint32_t tmp = r1; r1 = r2; r2 = tmp; }
                rc = am_fail(ARMOEDE_EDATA, "%s: person %s has two rows in year %lld (%s and %s)", fn,
                             pl ? pl : "?", (long long)pr[e].year, am_table_where(t, r1, b1, sizeof b1),
                             am_table_where(t, r2, b2, sizeof b2));
                free(pr);
                goto fail;
            }
            if (e >= (size_t)w1 && pr[e - (size_t)w1].pid == pr[e].pid &&
                pr[e - (size_t)w1].year == pr[e].year - w1) {
                c->wcur[c->nwin] = pr[e].k;
                for (int a = 0; a < w1; a++) c->wprev[c->nwin * (size_t)w1 + (size_t)a] = pr[e - 1 - (size_t)a].k;
                c->nwin++;
            } else
                nt->gaps++;
        }
        free(pr);
    }

    /* bootstrap design: psu = (stratum, cluster or row), psus of a stratum consecutive */
    if (o->bootstrap > 0) {
        pairmap sm, um;
        if ((rc = pm_init(&sm, n))) goto fail;
        if ((rc = pm_init(&um, n))) { pm_free(&sm); goto fail; }
        int32_t *srow = malloc((n ? n : 1) * sizeof *srow), *urow = malloc((n ? n : 1) * sizeof *urow);
        c->psu = malloc((n ? n : 1) * sizeof *c->psu);
        if (!srow || !urow || !c->psu) {
            free(srow); free(urow); pm_free(&sm); pm_free(&um);
            rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn);
            goto fail;
        }
        /* in table row order, so that the design does not depend on the incomes */
        int32_t *pos = malloc((N ? N : 1) * sizeof *pos);
        if (!pos) { free(srow); free(urow); pm_free(&sm); pm_free(&um); rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto fail; }
        for (size_t i = 0; i < N; i++) pos[i] = -1;
        for (size_t s = 0; s < n; s++) pos[c->rows[s]] = (int32_t)s;
        for (size_t i = 0; i < N; i++) {
            if (pos[i] < 0) continue;
            int m = 0;
            int64_t sk = scol >= 0 ? key_at(&t->cols[scol], i, &m) : 0;
            int64_t yk = (ccol < 0 && ycol >= 0) ? am_ival(&t->cols[ycol], i) : 0;
            int32_t h = pm_id(&sm, sk, yk);
            int64_t ck = ccol >= 0 ? key_at(&t->cols[ccol], i, &m) : (int64_t)i;
            int32_t u = pm_id(&um, h, ck);
            srow[pos[i]] = h;
            urow[pos[i]] = u;
        }
        free(pos);
        c->nstrata = sm.n;
        c->npsu = um.n;
        /* renumber psus so that each stratum's are consecutive, in first-appearance order */
        size_t *cnt = calloc(c->nstrata + 1, sizeof *cnt);
        int32_t *ustr = malloc((c->npsu ? c->npsu : 1) * sizeof *ustr), *newid = malloc((c->npsu ? c->npsu : 1) * sizeof *newid);
        if (!cnt || !ustr || !newid) {
            free(cnt); free(ustr); free(newid); free(srow); free(urow); pm_free(&sm); pm_free(&um);
            rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn);
            goto fail;
        }
        for (size_t s = 0; s < n; s++) ustr[urow[s]] = srow[s];
        for (size_t u = 0; u < c->npsu; u++) cnt[ustr[u] + 1]++;
        for (size_t h = 0; h < c->nstrata; h++) cnt[h + 1] += cnt[h];
        c->sstart = malloc((c->nstrata + 1) * sizeof *c->sstart);
        if (!c->sstart) {
            free(cnt); free(ustr); free(newid); free(srow); free(urow); pm_free(&sm); pm_free(&um);
            rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn);
            goto fail;
        }
        memcpy(c->sstart, cnt, (c->nstrata + 1) * sizeof *cnt);
        for (size_t u = 0; u < c->npsu; u++) newid[u] = (int32_t)cnt[ustr[u]]++;
        for (size_t s = 0; s < n; s++) c->psu[s] = (uint32_t)newid[urow[s]];
        free(cnt); free(ustr); free(newid); free(srow); free(urow);
        pm_free(&sm);
        pm_free(&um);
    }
    c->nst = S_FGT0 + c->nalpha;
    free(x);
    return 0;
fail:
    free(x);
    return rc;
}

/* ------------------------------------------------------------------------
 * The streaming path, for the measures that need quantiles but no order
 * (median, arpt, arpr, rmpg, qsr, fgt; no bootstrap, no equivalisation):
 * no sort and no per-row arrays, only passes over the table's columns.
 * A quantile is found by selection: pass A adds each row's weight to a
 * histogram of buckets of its value (bucket 0: x <= 0; then the bit
 * patterns of the positive values, which order like the values, cut into
 * equal ranges), so the bucket where the rule is met is known with the
 * weight below it; pass B collects that bucket's values, which are sorted
 * and walked exactly as grp_quantiles walks the whole order (equal values
 * one step; cumulative weights in long double; share = (double)C / (double)T).
 * ---------------------------------------------------------------------- */
static inline uint64_t pos_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u; /* x > 0: unsigned order of the bits is numeric order */
}

/* Buckets: 0 for x <= 0; for x > 0, 2^mb buckets per octave from 1/2 up
 * (values below 1/2 share bucket 1, values of 2^62 and more the last one):
 * a monotone map, so a bucket holds a range of values. */
static inline size_t f_nb_bits(size_t G, size_t nkind)
{
    int mb = 8;
    while (mb > 0 && G * nkind * ((size_t)64 << mb) > ((size_t)1 << 18)) mb--;
    return (size_t)mb;
}
#define GINI_MB 9u
#define GINI_NB ((size_t)64 << GINI_MB)
static inline size_t f_bucket(double x, unsigned mb, size_t nb)
{
    if (!(x > 0)) return 0;
    int64_t b = (int64_t)(pos_bits(x) >> (52 - mb)) - ((int64_t)1022 << mb);
    if (b < 0) b = 0;
    if (b > (int64_t)nb - 2) b = (int64_t)nb - 2;
    return 1 + (size_t)b;
}

/* Row i enters: finite income, valid weight, every key present. */
static inline __attribute__((always_inline)) int f_row(const mctx *c, size_t i, double *x, double *w, int32_t *codes)
{
    double v = am_num(c->fI, i);
    if (!isfinite(v)) return 0;
    double ww = !c->fW ? 1.0 : am_num(c->fW, i);
    if (!(ww > 0 && isfinite(ww))) return 0;
    for (size_t k = 0; k < c->nk; k++)
        if ((codes[k] = key_code(&c->dims[k], i)) < 0) return 0;
    if ((c->fwy || c->fst || c->fin) && filtered_out(c, i)) return 0;
    *x = v;
    *w = ww;
    return 1;
}

/* The groups of a row: one per pattern, numbered over all patterns. */
static inline __attribute__((always_inline)) void f_groups(const mctx *c, const int32_t *codes, int32_t *g)
{
    for (size_t p = 0; p < c->npat; p++) {
        uint64_t key = 0;
        for (size_t k = 0; k < c->nk; k++)
            if (!((c->totmask[p] >> k) & 1u)) key += (uint64_t)codes[k] * c->mult[p][k];
        g[p] = (int32_t)c->goff[p] + c->direct[p][key];
    }
}

typedef struct { double x, w; } xwpair;
static int cmp_xwpair(const void *a, const void *b)
{
    double x = ((const xwpair *)a)->x, y = ((const xwpair *)b)->x;
    return (x > y) - (x < y);
}

/* The quantile from the values of the bucket where the rule is met (sorted
 * here), the weight below that bucket, the total T, and the smallest value
 * above the bucket (+inf if none). */
static double f_resolve(xwpair *v, size_t m, long double below, long double T, double p, int rule,
                        double nextmin)
{
    if (!(T > 0) || m == 0) return NAN;
    qsort(v, m, sizeof *v, cmp_xwpair);
    size_t i = 0;
    long double cum = below;
    while (i < m) {
        size_t k2 = i;
        double val = v[i].x;
        for (; k2 < m && v[k2].x == val; k2++) cum += v[k2].w;
        double share = (double)cum / (double)T;
        int take = rule == AM_Q_LAEKEN ? (p < 1.0 && share > p) : share >= p;
        if (take) {
            if (rule == AM_Q_EUROSTAT && share == p) {
                double nx = k2 < m ? v[k2].x : nextmin;
                return isinf(nx) && nx > 0 ? val : (double)(((long double)val + nx) / 2.0L);
            }
            return val;
        }
        i = k2;
    }
    return isinf(nextmin) ? v[m - 1].x : nextmin;
}

typedef struct { int poor; double p; } qtarget;

/* Run f on a0 here and on a1 on a thread when two are wanted (here too, after
 * a0, when the thread cannot be made: the same result). */
static void run2(void *(*f)(void *), void *a0, void *a1, int two)
{
    pthread_t th;
    int spawned = two && pthread_create(&th, NULL, f, a1) == 0;
    f(a0);
    if (spawned) pthread_join(th, NULL);
    else f(a1);
}

/* The passes over the rows go in two halves of the table, [0, N/2) and
 * [N/2, N), each with its own sums, joined in that order: on two threads
 * unless nthreads is 1 or the table small, and the same figures either way. */
static inline int two_halves(const mctx *c) { return c->o->nthreads != 1 && c->N >= ((size_t)1 << 16); }

/* a += b for the dd sums of two halves */
static inline void dd_join(dd *a, dd b)
{
    dd_add(a, b.hi);
    a->lo += b.lo;
}

/* One half of f_select's passes. */
typedef struct {
    const mctx *c;
    size_t lo, hi;
    int by_year;
    const double *thr;
    const qtarget *tg;
    size_t ntg, G, ng, nkind, nb;
    unsigned mb;
    dd *hist, *tot;            /* pass A: this half's histogram and totals */
    const size_t *bstar;       /* pass B: the bucket of each (group, target) */
    double *nextmin;           /* pass B: this half's candidates and smallest values above */
    xwpair **cand;
    size_t *ncand, *capc;
    int collect;               /* 0: pass A, 1: pass B */
    int nomem;
} fhalf;

static inline __attribute__((always_inline)) void fh_groups(const fhalf *h, const int32_t *codes, int32_t *g)
{
    if (h->by_year) g[0] = h->c->ycolp ? codes[0] : 0;
    else f_groups(h->c, codes, g);
}

/* Pass A (h->collect 0): the histogram and totals of the weights; pass B
 * (h->collect 1): the candidates of each (group, target) and the smallest
 * value above their bucket. */
static void *f_pass(void *arg)
{
    fhalf *h = arg;
    const mctx *c = h->c;
    const armoede_measures_options *o = c->o;
    size_t G = h->G, nb = h->nb, ntg = h->ntg;
    int32_t codes[17], g[64];
    double x, w;
    for (size_t i = h->lo; i < h->hi; i++) {
        if (!f_row(c, i, &x, &w, codes)) continue;
        fh_groups(h, codes, g);
        size_t b = f_bucket(x, h->mb, nb);
        for (size_t a = 0; a < h->ng; a++) {
            size_t gg = (size_t)g[a];
            int pr = h->nkind == 2 && (o->at_or_below ? x <= h->thr[gg] : x < h->thr[gg]);
            if (!h->collect) {
                dd_add(&h->hist[gg * nb + b], w);
                dd_add(&h->tot[gg], w);
                if (pr) {
                    dd_add(&h->hist[(G + gg) * nb + b], w);
                    dd_add(&h->tot[G + gg], w);
                }
                continue;
            }
            for (size_t j = 0; j < ntg; j++) {
                size_t e = gg * ntg + j;
                if (h->tg[j].poor && !pr) continue;
                if (b == h->bstar[e]) {
                    if (h->ncand[e] == h->capc[e]) {
                        size_t nc = h->capc[e] ? 2 * h->capc[e] : 64;
                        xwpair *np = realloc(h->cand[e], nc * sizeof *np);
                        if (!np) { h->nomem = 1; return NULL; }
                        h->cand[e] = np;
                        h->capc[e] = nc;
                    }
                    h->cand[e][h->ncand[e]++] = (xwpair){x, w};
                } else if (b > h->bstar[e] && h->bstar[e] < nb && x < h->nextmin[e])
                    h->nextmin[e] = x;
            }
        }
    }
    return NULL;
}

static void fhalf_free(fhalf *h, size_t ne)
{
    if (h->cand)
        for (size_t e = 0; e < ne; e++) free(h->cand[e]);
    free(h->cand); free(h->ncand); free(h->capc); free(h->nextmin);
    free(h->hist); free(h->tot);
}

/* Quantiles by selection. by_year: groups are the years (G = nyears), else
 * every pattern's groups (G = Gall). A poor-only target counts the rows with
 * x below thr[g] of their group g (< or <= as at_or_below). out[g * ntg + j].
 * Pass A makes the histogram of the weights over value buckets (or the
 * caller hands it in, and f_select frees it); the bucket where each rule is
 * met is found from it; pass B collects the values of that bucket (and the
 * smallest value above it), and f_resolve finishes exactly on them. Both
 * passes in two halves (two_halves). */
static int f_select(const mctx *c, int by_year, const double *thr, const qtarget *tg, size_t ntg,
                    double *out, dd *prehist, dd *pretot)
{
    const armoede_measures_options *o = c->o;
    int rule = (int)o->rule;
    size_t G = by_year ? c->nyears : c->Gall, ng = by_year ? 1 : c->npat;
    size_t nkind = 1;
    for (size_t j = 0; j < ntg; j++) if (tg[j].poor) nkind = 2;
    unsigned mb = (unsigned)f_nb_bits(G, nkind);
    size_t nb = (size_t)64 << mb;
    size_t ne = G * ntg > 0 ? G * ntg : 1, nh = nkind * G * nb;
    size_t *bstar = malloc(ne * sizeof *bstar);
    long double *below = malloc(ne * sizeof *below);
    fhalf h[2];
    for (int k = 0; k < 2; k++)
        h[k] = (fhalf){c, k ? c->N / 2 : 0, k ? c->N : c->N / 2, by_year, thr, tg, ntg, G, ng, nkind, nb, mb,
                       NULL, NULL, bstar, NULL, NULL, NULL, NULL, 0, 0};
    h[0].hist = prehist;
    h[0].tot = pretot;
    int rc = 0;
    if (!bstar || !below) goto nomem;
    for (int k = 0; k < 2; k++) {
        if (!prehist) {
            h[k].hist = calloc(nh, sizeof *h[k].hist);
            h[k].tot = calloc(nkind * G, sizeof *h[k].tot);
            if (!h[k].hist || !h[k].tot) goto nomem;
        }
        h[k].nextmin = malloc(ne * sizeof *h[k].nextmin);
        h[k].cand = calloc(ne, sizeof *h[k].cand);
        h[k].ncand = calloc(ne, sizeof *h[k].ncand);
        h[k].capc = calloc(ne, sizeof *h[k].capc);
        if (!h[k].nextmin || !h[k].cand || !h[k].ncand || !h[k].capc) goto nomem;
        for (size_t e = 0; e < ne; e++) h[k].nextmin[e] = INFINITY;
    }
    /* pass A (done by the caller when it hands in the histogram) */
    if (!prehist) {
        run2(f_pass, &h[0], &h[1], two_halves(c));
        for (size_t q = 0; q < nh; q++) dd_join(&h[0].hist[q], h[1].hist[q]);
        for (size_t q = 0; q < nkind * G; q++) dd_join(&h[0].tot[q], h[1].tot[q]);
    }
    const dd *hist = h[0].hist, *tot = h[0].tot;
    /* the bucket where each rule is met */
    for (size_t gg = 0; gg < G; gg++)
        for (size_t j = 0; j < ntg; j++) {
            size_t kk = (size_t)tg[j].poor;
            const dd *hb_ = hist + (kk * G + gg) * nb;
            long double T = dd_val(tot[kk * G + gg]), cum = 0;
            size_t e = gg * ntg + j, lastb = nb;
            bstar[e] = nb; /* none */
            below[e] = 0;
            if (!(T > 0)) continue;
            for (size_t b = 0; b < nb; b++) {
                long double hb = dd_val(hb_[b]);
                if (!(hb > 0)) continue;
                double share = (double)(cum + hb) / (double)T;
                int take = rule == AM_Q_LAEKEN ? (tg[j].p < 1.0 && share > tg[j].p) : share >= tg[j].p;
                lastb = b;
                if (take) { bstar[e] = b; below[e] = cum; break; }
                cum += hb;
            }
            if (bstar[e] == nb) { bstar[e] = lastb; below[e] = cum - dd_val(hb_[lastb]); }
        }
    /* pass B; the second half's candidates after the first's: table order */
    h[0].collect = h[1].collect = 1;
    run2(f_pass, &h[0], &h[1], two_halves(c));
    if (h[0].nomem || h[1].nomem) goto nomem;
    for (size_t e = 0; e < G * ntg; e++) {
        if (h[1].nextmin[e] < h[0].nextmin[e]) h[0].nextmin[e] = h[1].nextmin[e];
        size_t m0 = h[0].ncand[e], m1 = h[1].ncand[e];
        if (!m1) continue;
        if (m0 + m1 > h[0].capc[e]) {
            xwpair *np = realloc(h[0].cand[e], (m0 + m1) * sizeof *np);
            if (!np) goto nomem;
            h[0].cand[e] = np;
            h[0].capc[e] = m0 + m1;
        }
        memcpy(h[0].cand[e] + m0, h[1].cand[e], m1 * sizeof(xwpair));
        h[0].ncand[e] = m0 + m1;
    }
    /* resolve */
    for (size_t gg = 0; gg < G; gg++)
        for (size_t j = 0; j < ntg; j++) {
            size_t e = gg * ntg + j, kk = (size_t)tg[j].poor;
            out[e] = f_resolve(h[0].cand[e], h[0].ncand[e], below[e], dd_val(tot[kk * G + gg]), tg[j].p, rule,
                               h[0].nextmin[e]);
        }
    goto out;
nomem:
    rc = am_fail(ARMOEDE_ENOMEM, "measures: out of memory");
out:
    fhalf_free(&h[0], G * ntg);
    fhalf_free(&h[1], G * ntg);
    free(bstar); free(below);
    return rc;
}

/* Discover the groups and the value range (one pass). */
/* A new group of pattern pi with mixed-radix key: numbered next, its
 * weight and persons zero. */
static int new_group(mctx *c, size_t pi, uint64_t key, size_t *gcap, const char *fn)
{
    pattern *P = &c->pats[pi];
    if (P->G == gcap[pi]) {
        size_t nc = gcap[pi] ? 2 * gcap[pi] : 16;
        uint64_t *ng = realloc(c->gkey[pi], nc * sizeof *ng);
        if (ng) c->gkey[pi] = ng;
        dd *nw = realloc(c->gw[pi], nc * sizeof *nw);
        if (nw) c->gw[pi] = nw;
        double *nn = realloc(c->gn[pi], nc * sizeof *nn);
        if (nn) c->gn[pi] = nn;
        if (!ng || !nw || !nn) return am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn);
        gcap[pi] = nc;
    }
    c->gkey[pi][P->G] = key;
    c->gw[pi][P->G] = (dd){0, 0};
    c->gn[pi][P->G] = 0;
    c->direct[pi][key] = (int32_t)P->G++;
    return 0;
}

static int fast_prepare(mctx *c, const armoede_table *t, int icol, int wcol, unsigned marg, mnotes *nt)
{
    const char *fn = "armoede_measures";
    size_t nk = c->nk, N = t->nrows;
    c->N = N;
    c->fI = &t->cols[icol];
    c->fW = wcol >= 0 ? &t->cols[wcol] : NULL;
    size_t nmarg = 0;
    for (size_t k = 0; k < nk; k++) nmarg += (marg >> k) & 1u;
    c->npat = (size_t)1 << nmarg;
    if (c->npat > 64) return 1;
    c->pats = calloc(c->npat, sizeof *c->pats);
    c->direct = calloc(c->npat, sizeof *c->direct);
    c->mult = calloc(c->npat, sizeof *c->mult);
    c->totmask = calloc(c->npat, sizeof *c->totmask);
    c->goff = calloc(c->npat + 1, sizeof *c->goff);
    c->gw = calloc(c->npat, sizeof *c->gw);
    c->gn = calloc(c->npat, sizeof *c->gn);
    c->prange = calloc(c->npat, sizeof *c->prange);
    c->khist = calloc(c->npat, sizeof *c->khist);
    c->kcnt = calloc(c->npat, sizeof *c->kcnt);
    uint64_t **gkeys = c->gkey = calloc(c->npat, sizeof *gkeys);
    size_t *gcap = calloc(c->npat, sizeof *gcap);
    int rc = 0;
    if (!c->pats || !c->direct || !c->mult || !c->totmask || !c->goff || !gkeys || !gcap || !c->gw || !c->gn ||
        !c->prange || !c->khist || !c->kcnt) {
        rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn);
        goto out;
    }
    for (size_t pi = 0; pi < c->npat; pi++) {
        unsigned tot = 0;
        size_t bit = 0;
        for (size_t k = 0; k < nk; k++)
            if ((marg >> k) & 1u) { if ((pi >> bit) & 1u) tot |= 1u << k; bit++; }
        c->totmask[pi] = tot;
        uint64_t range = 1;
        for (size_t k = 0; k < nk; k++) {
            c->mult[pi][k] = range;
            uint64_t l = ((tot >> k) & 1u) ? 1 : c->dims[k].nlev;
            if (l == 0) l = 1;
            if (range > (UINT64_C(1) << 22) / l) { rc = 1; goto out; } /* too many: the general path */
            range *= l;
        }
        c->prange[pi] = range;
        uint64_t all = 0;
        for (size_t q = 0; q <= pi; q++) all += c->prange[q];
        if (all > (UINT64_C(1) << 23)) { rc = 1; goto out; } /* the maps would be too big: the general path */
        c->direct[pi] = malloc(range * sizeof **c->direct);
        if (!c->direct[pi]) { rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto out; }
        for (uint64_t r = 0; r < range; r++) c->direct[pi][r] = -1;
    }
    int32_t codes[17];
    double x, w;
    size_t n = 0;
    const am_col *I = c->fI, *W = c->fW;
    /* the years' histogram for the thresholds, in the same pass */
    unsigned m = c->measures;
    int need_t = (m & (ARMOEDE_MEASURE_ARPT | ARMOEDE_MEASURE_ARPR | ARMOEDE_MEASURE_RMPG)) ||
                 ((m & ARMOEDE_MEASURE_FGT) && c->o->fgt_line == ARMOEDE_LINE_ARPT);
    uint64_t keys = 0;
    for (size_t pi = 0; pi < c->npat; pi++) keys += c->prange[pi];
    c->arpr2 = need_t && !c->o->domain_threshold &&
               !(m & ~(ARMOEDE_MEASURE_ARPT | ARMOEDE_MEASURE_ARPR)) && keys <= 4096;
    unsigned mb = (unsigned)f_nb_bits(c->nyears + (c->arpr2 ? (size_t)keys : 0), 1);
    size_t nb = (size_t)64 << mb;
    c->amb = mb;
    if (need_t) {
        c->yhist = calloc(c->nyears * nb, sizeof *c->yhist);
        c->ytot = calloc(c->nyears, sizeof *c->ytot);
        if (!c->yhist || !c->ytot) { rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto out; }
    }
    if (m & ARMOEDE_MEASURE_GINI) {
        c->gel = am_big_alloc((N ? N : 1) * sizeof *c->gel);
        if (!c->gel) { rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto out; }
    }
    for (size_t pi = 0; c->arpr2 && pi < c->npat; pi++) {
        c->khist[pi] = calloc(c->prange[pi] * nb, sizeof **c->khist);
        c->kcnt[pi] = calloc(c->prange[pi] * nb, sizeof **c->kcnt);
        if (!c->khist[pi] || !c->kcnt[pi]) { rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto out; }
    }
    for (size_t i = 0; i < N; i++) {
        if (!f_row(c, i, &x, &w, codes)) {
            note_out(nt, row_out(c, I, W, NULL, NULL, NULL, i)); /* which rule left it out */
            continue;
        }
        n++;
        size_t bk = f_bucket(x, mb, nb);
        if (need_t) {
            size_t y = c->ycolp ? (size_t)codes[0] : 0;
            dd_add(&c->yhist[y * nb + bk], w);
            dd_add(&c->ytot[y], w);
        }
        /* pattern 0 here; the others' weights and persons are made from
         * pattern 0's groups below (their histograms, for arpr2, here) */
        for (size_t pi = 0; pi < (c->arpr2 ? c->npat : 1); pi++) {
            uint64_t key = 0;
            for (size_t k = 0; k < nk; k++)
                if (!((c->totmask[pi] >> k) & 1u)) key += (uint64_t)codes[k] * c->mult[pi][k];
            if (pi == 0) {
                if (c->direct[0][key] < 0 && (rc = new_group(c, 0, key, gcap, fn))) goto out;
                int32_t g = c->direct[0][key];
                if (c->gel) c->gel[c->ngel++] = (uint64_t)i | ((uint64_t)(uint32_t)g << 32);
                dd_add(&c->gw[0][g], w);
                c->gn[0][g] += 1;
            }
            if (c->arpr2) {
                dd_add(&c->khist[pi][key * nb + bk], w);
                c->kcnt[pi][key * nb + bk]++;
            }
        }
    }
    c->n = n;
    /* the other patterns' groups, weights and persons from pattern 0's
     * groups, taken in the order they appeared (so numbered as if each row
     * had been looked at): the same dd sums, added in another order */
    for (size_t g0 = 0; g0 < c->pats[0].G; g0++) {
        int32_t cd[17];
        uint64_t k0 = gkeys[0][g0];
        for (size_t k = nk; k-- > 0;) {
            cd[k] = (int32_t)(k0 / c->mult[0][k]);
            k0 %= c->mult[0][k];
        }
        for (size_t pi = 1; pi < c->npat; pi++) {
            uint64_t key = 0;
            for (size_t k = 0; k < nk; k++)
                if (!((c->totmask[pi] >> k) & 1u)) key += (uint64_t)cd[k] * c->mult[pi][k];
            if (c->direct[pi][key] < 0 && (rc = new_group(c, pi, key, gcap, fn))) goto out;
            int32_t g = c->direct[pi][key];
            dd_add(&c->gw[pi][g], c->gw[0][g0].hi);
            c->gw[pi][g].lo += c->gw[0][g0].lo;
            c->gn[pi][g] += c->gn[0][g0];
        }
    }
    for (size_t pi = 0; pi < c->npat; pi++) {
        pattern *P = &c->pats[pi];
        size_t G = P->G;
        c->goff[pi + 1] = c->goff[pi] + G;
        P->codes = malloc((G ? G : 1) * (nk ? nk : 1) * sizeof *P->codes);
        P->gyear = malloc((G ? G : 1) * sizeof *P->gyear);
        P->order = malloc((G ? G : 1) * sizeof *P->order);
        if (!P->codes || !P->gyear || !P->order) { rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto out; }
        for (size_t g = 0; g < G; g++) {
            uint64_t key = gkeys[pi][g];
            for (size_t k = nk; k-- > 0;) {
                if ((c->totmask[pi] >> k) & 1u) { P->codes[g * nk + k] = -2; continue; }
                P->codes[g * nk + k] = (int32_t)(key / c->mult[pi][k]);
                key %= c->mult[pi][k];
            }
            P->gyear[g] = c->ycolp ? P->codes[g * nk] : 0;
            P->order[g] = g;
        }
        g_sort_codes = P->codes;
        g_sort_nk = nk;
        if (nk) qsort(P->order, G, sizeof *P->order, cmp_group);
    }
    c->Gall = c->goff[c->npat];
out:
    free(gcap); /* gkeys (c->gkey) are kept for fast_arpr2 */
    return rc;
}

/* The Gini by ranges, when the incomes are not all whole cents (or the full
 * grouping has more groups than the bucket records hold): the buckets are cut
 * into ranges of at most about a million rows (a pass counts the rows per
 * bucket and notes each row's bucket in 2 bytes); for each range in
 * ascending order a scan of those bytes collects its rows, which are sorted
 * and walked exactly as compute() walks the whole order (equal values are
 * one block: they share a bucket, so a block never straddles two ranges).
 * The groups' cumulative weights carry over from range to range. */
static int gini_ranges(const mctx *c, double *S)
{
    size_t G = c->Gall, ns = c->nst, np = c->npat, nbg = GINI_NB;
    uint32_t *gcnt = calloc(nbg, sizeof *gcnt);
    uint16_t *gbk = malloc((c->N ? c->N : 1) * sizeof *gbk);
    if (!gcnt || !gbk) {
        free(gcnt); free(gbk);
        return am_fail(ARMOEDE_ENOMEM, "measures: out of memory");
    }
    for (size_t i = 0; i < c->N; i++) gbk[i] = 0xffff;
    for (size_t k = 0; k < c->ngel; k++) {
        size_t r = (uint32_t)c->gel[k];
        size_t gb = f_bucket(am_num(c->fI, r), GINI_MB, GINI_NB);
        gcnt[gb]++;
        gbk[r] = (uint16_t)gb;
    }
    size_t maxc = 0;
    for (size_t b = 0; b < nbg; b++) if (gcnt[b] > maxc) maxc = gcnt[b];
    /* about 8 ranges, of 2^17 to 2^20 rows: the buffers' fresh pages cost
     * more than the extra scans of the 2-byte buckets */
    size_t cap = c->n / 8;
    if (cap < ((size_t)1 << 17)) cap = (size_t)1 << 17;
    if (cap > ((size_t)1 << 20)) cap = (size_t)1 << 20;
    if (maxc > cap) cap = maxc;
    if (cap > c->n) cap = c->n ? c->n : 1;
    double *bx = malloc(cap * sizeof *bx), *bw = malloc(cap * sizeof *bw);
    int32_t *bg = malloc(cap * np * sizeof *bg);
    uint32_t *perm = malloc(cap * sizeof *perm);
    /* one scratch for the sort of each range and, after it, the range in
     * ascending order (gathered in one tight loop, many loads in flight,
     * rather than inside the walk): fresh pages are dear, so it is reused */
    size_t per = 16 + 4 * np > 20 ? 16 + 4 * np : 20;
    double *scr = malloc(cap * per);
    double *sx = scr, *sw = scr ? scr + cap : NULL;
    int32_t *sg = scr ? (int32_t *)(void *)(scr + 2 * cap) : NULL;
    long double *acc = calloc(4 * (G ? G : 1), sizeof *acc); /* C, block S, A, SX */
    size_t *stamp = calloc(G ? G : 1, sizeof *stamp);
    int32_t *touched = malloc((G ? G : 1) * sizeof *touched);
    int rc = 0;
    if (!bx || !bw || !bg || !perm || !acc || !stamp || !touched || !sx || !sw || !sg) {
        rc = am_fail(ARMOEDE_ENOMEM, "measures: out of memory");
        goto out;
    }
    int32_t codes[17], gr[64];
    double x, w;
    size_t blockid = 0;
    for (size_t b = 0; b < nbg;) {
        size_t e = b, tot = 0;
        while (e < nbg && tot + gcnt[e] <= cap) tot += gcnt[e++];
        if (e == b) e = b + 1; /* cannot happen: cap >= the largest bucket */
        if (tot == 0) { b = e; continue; }
        size_t m = 0;
        for (size_t i = 0; i < c->N && m < cap; i++) {
            size_t bk = gbk[i]; /* 0xffff (left out) is never in a range */
            if (bk < b || bk >= e) continue;
            if (!f_row(c, i, &x, &w, codes)) continue;
            f_groups(c, codes, gr);
            bx[m] = x;
            bw[m] = w;
            memcpy(bg + m * np, gr, np * sizeof *gr);
            m++;
        }
        if ((rc = am_sort_perm_buf(bx, m, perm, scr))) goto out;
        for (size_t k = 0; k < m; k++) {
            uint32_t q = perm[k];
            sx[k] = bx[q];
            sw[k] = bw[q];
            for (size_t p = 0; p < np; p++) sg[k * np + p] = bg[(size_t)q * np + p];
        }
        size_t i = 0;
        while (i < m) {
            double v = sx[i];
            size_t j = i, nt = 0;
            blockid++;
            for (; j < m && sx[j] == v; j++) {
                const int32_t *g = sg + j * np;
                for (size_t p = 0; p < np; p++) {
                    size_t gg = (size_t)g[p];
                    if (stamp[gg] != blockid) { stamp[gg] = blockid; touched[nt++] = (int32_t)gg; acc[G + gg] = 0; }
                    acc[G + gg] += sw[j];
                }
            }
            gini_flush(acc, G, touched, nt, v);
            i = j;
        }
        b = e;
    }
    for (size_t g = 0; g < G; g++)
        S[g * ns + S_GINI] = (double)(acc[2 * G + g] / (acc[g] * acc[3 * G + g]) - 1.0L);
out:
    free(bx); free(bw); free(bg); free(perm); free(acc); free(stamp); free(touched);
    free(scr); free(gcnt); free(gbk);
    return rc;
}

static int nbits(uint64_t v)
{
    int b = 0;
    while (b < 64 && (v >> b) != 0) b++;
    return b;
}

/* ---- The Gini by value buckets ----
 * When every income is a whole number of cents and the full grouping
 * (pattern 0) has at most 8192 groups. A count of the rows per value
 * bucket (512 per octave, f_bucket), then one scatter of (cents, group of
 * pattern 0, weight) records into bucket order, each bucket's rows in table
 * order; then each bucket, in ascending order, is sorted by cents alone
 * (stable: equal incomes stay in table order, as in the sorted path) and,
 * for each pattern, walked whole (a pattern of one group: the Total) or
 * split by the pattern's group (stable again) and walked group by group,
 * each group's sums in registers along its run. Equal incomes share a
 * bucket, so a block of ties is never split. Two threads: the buckets are
 * cut where half the rows lie below; the lower part is sorted and walked
 * while the upper part's buckets are sorted, then the upper part is walked
 * on from the lower part's sums, the patterns (or, with one pattern, its
 * groups) shared out between the two. Every sum gets the same additions in
 * the same order as in the sorted path, so the figures are the sorted path's
 * to the last bit, whatever the number of threads. Records: k = (cents +
 * 2^50) << gb | group of pattern 0 (gb bits), the weight beside it. */
#define GB_OFF INT64_C(1125899906842624)
#define GB_MAXG ((size_t)1 << 13) /* 51 bits of cents + 13 of group */
typedef struct { uint64_t k; double w; } gbrec;

typedef struct {
    const mctx *c;
    size_t lo, hi;      /* gel[lo..hi) */
    size_t *cnt;        /* count: rows per bucket; scatter: next position per bucket */
    gbrec *R;
    int gb;             /* group bits */
    int ok;             /* count: every income is whole cents */
} gbpass;

static void *gb_count(void *arg)
{
    gbpass *p = arg;
    const uint64_t *el = p->c->gel;
    const am_col *I = p->c->fI;
    p->ok = 0;
    for (size_t k = p->lo; k < p->hi; k++) {
        double x = am_num(I, (uint32_t)el[k]);
        int64_t cc;
        if (!am_whole_cents(x, &cc)) return NULL;
        p->cnt[f_bucket(x, GINI_MB, GINI_NB)]++;
    }
    p->ok = 1;
    return NULL;
}

static void *gb_scatter(void *arg)
{
    gbpass *p = arg;
    const uint64_t *el = p->c->gel;
    const am_col *I = p->c->fI, *W = p->c->fW;
    size_t *pos = p->cnt;
    gbrec *R = p->R;
    for (size_t k = p->lo; k < p->hi; k++) {
        uint64_t e = el[k];
        size_t r = (uint32_t)e;
        double x = am_num(I, r);
        int64_t cc = 0;
        (void)am_whole_cents(x, &cc); /* the count pass found every income whole cents */
        double w = !W ? 1.0 : am_num(W, r);
        R[pos[f_bucket(x, GINI_MB, GINI_NB)]++] = (gbrec){((uint64_t)(cc + GB_OFF) << p->gb) | (e >> 32), w};
    }
    return NULL;
}

/* Sort a[0..m) by k >> gb, stable, with scratch t; returns where the sorted
 * records are (a or t). */
static gbrec *gb_sort(gbrec *a, gbrec *t, size_t m, int gb)
{
    if (m <= 32) {
        for (size_t i = 1; i < m; i++) {
            gbrec v = a[i];
            size_t j = i;
            for (; j > 0 && (a[j - 1].k >> gb) > (v.k >> gb); j--) a[j] = a[j - 1];
            a[j] = v;
        }
        return a;
    }
    uint64_t kmin = UINT64_MAX, kmax = 0;
    for (size_t i = 0; i < m; i++) {
        uint64_t v = a[i].k >> gb;
        if (v < kmin) kmin = v;
        if (v > kmax) kmax = v;
    }
    int bits = nbits(kmax - kmin);
    int db = m < 4096 ? 8 : 11, passes = (bits + db - 1) / db;
    if (passes) db = (bits + passes - 1) / passes;
    size_t cnt[1u << 11];
    size_t nb = (size_t)1 << db, mask = nb - 1;
    gbrec *src = a, *dst = t;
    for (int ps = 0; ps < passes; ps++) {
        int sh = ps * db;
        memset(cnt, 0, nb * sizeof *cnt);
        for (size_t i = 0; i < m; i++) cnt[(((src[i].k >> gb) - kmin) >> sh) & mask]++;
        size_t sum = 0;
        for (size_t b = 0; b < nb; b++) { size_t q = cnt[b]; cnt[b] = sum; sum += q; }
        for (size_t i = 0; i < m; i++) dst[cnt[(((src[i].k >> gb) - kmin) >> sh) & mask]++] = src[i];
        gbrec *x = src; src = dst; dst = x;
    }
    return src;
}

/* One walk over sorted records s[0..m) of one group: equal cents are one
 * block. sums: C, A, SX. */
static inline void gb_walk(const gbrec *s, size_t m, int gb, long double *sums)
{
    long double C = sums[0], A = sums[1], SX = sums[2];
    for (size_t i = 0; i < m;) {
        uint64_t key = s[i].k >> gb;
        long double Sg = 0;
        size_t j = i;
        for (; j < m && (s[j].k >> gb) == key; j++) Sg += s[j].w;
        double v = (double)((int64_t)key - GB_OFF) / 100.0;
        A += (long double)v * Sg * (2.0L * C + Sg);
        SX += (long double)v * Sg;
        C += Sg;
        i = j;
    }
    sums[0] = C; sums[1] = A; sums[2] = SX;
}

/* A walk over the buckets [b0, b1): sort each (sort), then walk it for each
 * pattern p in pmask, the pattern's groups [glo, ghi) only. Without sort
 * the buckets must be sorted already; a sort alone (pmask 0) leaves each
 * bucket sorted in place. sums: C, A, SX of every group of every pattern
 * (numbered as c->goff); they go on from where they stand. */
typedef struct {
    const mctx *c;
    gbrec *R;
    const size_t *boff;    /* bucket b: R[boff[b] .. boff[b + 1]) */
    size_t b0, b1, glo, ghi;
    uint64_t pmask;
    int sort, gb;
    const int32_t *pm;     /* [p x G0 + g0]: pattern p's group (0 .. G_p - 1) of pattern 0's group g0 */
    gbrec *tmp;            /* scratch for the largest bucket */
    size_t *gc;            /* G0 counters */
    long double *sums;
} gbpart;

static void *gb_part(void *arg)
{
    gbpart *p = arg;
    const mctx *c = p->c;
    size_t G0 = c->pats[0].G, *gc = p->gc;
    uint64_t gmask = p->gb ? (UINT64_C(1) << p->gb) - 1 : 0;
    for (size_t b = p->b0; b < p->b1; b++) {
        size_t m = p->boff[b + 1] - p->boff[b];
        if (!m) continue;
        gbrec *s = p->R + p->boff[b];
        if (p->sort) {
            gbrec *q = gb_sort(s, p->tmp, m, p->gb);
            if (q != s && !p->pmask) memcpy(s, q, m * sizeof *s); /* a sort alone: in place */
            s = q;
        }
        for (size_t pt = 0; pt < c->npat; pt++) {
            if (!((p->pmask >> pt) & 1u)) continue;
            size_t Gp = c->pats[pt].G, hi = p->ghi < Gp ? p->ghi : Gp;
            long double *sp = p->sums + 3 * c->goff[pt];
            if (p->glo >= hi) continue;
            if (Gp == 1) { gb_walk(s, m, p->gb, sp); continue; }
            /* split by the pattern's group, keeping the order (into the
             * buffer s is not in) */
            gbrec *d = s == p->tmp ? p->R + p->boff[b] : p->tmp;
            memset(gc, 0, Gp * sizeof *gc);
            size_t sum = 0;
            if (pt == 0) { /* pattern 0's group is in the record */
                for (size_t i = 0; i < m; i++) gc[s[i].k & gmask]++;
                for (size_t g = 0; g < Gp; g++) { size_t q = gc[g]; gc[g] = sum; sum += q; }
                for (size_t i = 0; i < m; i++) d[gc[s[i].k & gmask]++] = s[i];
            } else {
                const int32_t *pm = p->pm + pt * G0;
                for (size_t i = 0; i < m; i++) gc[pm[s[i].k & gmask]]++;
                for (size_t g = 0; g < Gp; g++) { size_t q = gc[g]; gc[g] = sum; sum += q; }
                for (size_t i = 0; i < m; i++) d[gc[pm[s[i].k & gmask]]++] = s[i];
            }
            for (size_t g = p->glo; g < hi; g++) { /* gc[g] is now the end of group g's run */
                size_t start = g ? gc[g - 1] : 0;
                if (gc[g] > start) gb_walk(d + start, gc[g] - start, p->gb, sp + 3 * g);
            }
        }
    }
    return NULL;
}

/* *done = 0 when the bucket Gini does not apply (an income that is not
 * whole cents): the caller goes on with the Gini by ranges. */
static int gini_buckets(const mctx *c, double *S, int *done)
{
    size_t n = c->ngel, G0 = c->pats[0].G, ns = c->nst, NB = GINI_NB, np = c->npat, nk = c->nk;
    int two = c->o->nthreads != 1 && n >= ((size_t)1 << 16), gb = nbits(G0 - 1);
    *done = 0;
    size_t *cnt = calloc(3 * NB + 1, sizeof *cnt), *gc = malloc(2 * G0 * sizeof *gc);
    int32_t *pm = malloc(np * G0 * sizeof *pm);
    gbrec *R = NULL, *tmp = NULL;
    long double *sums = calloc(3 * c->Gall, sizeof *sums);
    int rc = 0;
    if (!cnt || !gc || !pm || !sums) { rc = am_fail(ARMOEDE_ENOMEM, "measures: out of memory"); goto out; }
    /* each pattern's group of each group of pattern 0 */
    for (size_t g0 = 0; g0 < G0; g0++) {
        const int32_t *cd = c->pats[0].codes + g0 * nk;
        for (size_t pt = 0; pt < np; pt++) {
            uint64_t key = 0;
            for (size_t k = 0; k < nk; k++)
                if (!((c->totmask[pt] >> k) & 1u)) key += (uint64_t)cd[k] * c->mult[pt][k];
            pm[pt * G0 + g0] = c->direct[pt][key];
        }
    }
    size_t *c0 = cnt, *c1 = cnt + NB, *boff = cnt + 2 * NB;
    gbpass ps[2] = {{c, 0, n / 2, c0, NULL, gb, 0}, {c, n / 2, n, c1, NULL, gb, 0}};
    run2(gb_count, &ps[0], &ps[1], two);
    if (!ps[0].ok || !ps[1].ok) goto out; /* not whole cents */
    R = am_big_alloc((n ? n : 1) * sizeof *R);
    if (!R) { rc = am_fail(ARMOEDE_ENOMEM, "measures: out of memory"); goto out; }
    /* each bucket: the first half's rows, then the second half's */
    size_t sum = 0, maxb[2] = {0, 0}, cut = NB;
    for (size_t b = 0; b < NB; b++) {
        size_t m = c0[b] + c1[b];
        boff[b] = sum;
        c0[b] = sum;
        c1[b] = sum + (c1[b] ? m - c1[b] : m);
        if (cut == NB && sum + m > n / 2) cut = b + 1; /* the lower part ends with the bucket holding the middle row */
        sum += m;
        if (m > maxb[cut != NB && b >= cut]) maxb[cut != NB && b >= cut] = m;
    }
    boff[NB] = sum;
    ps[0].R = ps[1].R = R;
    run2(gb_scatter, &ps[0], &ps[1], two);
    size_t M = maxb[0] > maxb[1] ? maxb[0] : maxb[1];
    if (!M) M = 1;
    tmp = am_big_alloc(2 * M * sizeof *tmp);
    if (!tmp) { rc = am_fail(ARMOEDE_ENOMEM, "measures: out of memory"); goto out; }
    /* first the lower part, whole, while the upper part's buckets are sorted
     * in place; then the upper part is walked on from the lower part's sums,
     * the patterns shared out (with one pattern, its groups): the same
     * additions in the same order as the sorted path */
    uint64_t all = np >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << np) - 1, even = all & UINT64_C(0x5555555555555555);
    gbpart lo = {c, R, boff, 0, cut, 0, SIZE_MAX, all, 1, gb, pm, tmp, gc, sums};
    gbpart up = {c, R, boff, cut, NB, 0, SIZE_MAX, 0, 1, gb, pm, tmp + M, gc + G0, sums};
    run2(gb_part, &lo, &up, two);
    gbpart wa = {c, R, boff, cut, NB, 0, np == 1 ? G0 / 2 : SIZE_MAX, np == 1 ? 1 : even, 0, gb, pm, tmp, gc, sums};
    gbpart wb = {c, R, boff, cut, NB, np == 1 ? G0 / 2 : 0, SIZE_MAX, np == 1 ? 1 : all & ~even, 0, gb, pm, tmp + M,
                 gc + G0, sums};
    run2(gb_part, &wa, &wb, two);
    for (size_t g = 0; g < c->Gall; g++) {
        const long double *a = sums + 3 * g;
        S[g * ns + S_GINI] = (double)(a[1] / (a[0] * a[2]) - 1.0L);
    }
    *done = 1;
out:
    free(cnt); free(gc); free(pm); free(sums); free(R); free(tmp);
    return rc;
}

/* The Gini of every group: by value buckets when the incomes are whole
 * cents and the full grouping has at most 8192 groups, else by ranges. */
static int fast_gini(const mctx *c, double *S)
{
    size_t G0 = c->pats[0].G;
    if (G0 >= 1 && G0 <= GB_MAXG) {
        int done, rc = gini_buckets(c, S, &done);
        if (rc || done) return rc;
    }
    return gini_ranges(c, S);
}

/* arpt and arpr against the year's threshold in two passes: fast_prepare
 * made the years' histogram; this pass collects the median's bucket and,
 * since the threshold t = p x median lies between p x the bounds of that
 * bucket, adds up the rows surely below t and keeps the few rows between
 * those bounds, which are tested once t is known. */
static inline double bits_double(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static int fast_arpr2(mctx *c, double **st)
{
    const armoede_measures_options *o = c->o;
    size_t Y = c->nyears, G = c->Gall, ns = c->nst;
    unsigned mb = c->amb;
    size_t nb = (size_t)64 << mb;
    int rule = (int)o->rule;
    size_t *bs = malloc(Y * sizeof *bs), *ncand = calloc(Y, sizeof *ncand), *capc = calloc(Y, sizeof *capc);
    size_t *blo = malloc(Y * sizeof *blo), *bhi = malloc(Y * sizeof *bhi);
    long double *below = malloc(Y * sizeof *below);
    double *nextmin = malloc(Y * sizeof *nextmin);
    double *ty = malloc(Y * sizeof *ty), *pn = calloc(G ? G : 1, sizeof *pn);
    dd *pw = calloc(G ? G : 1, sizeof *pw);
    xwpair **cand = calloc(Y, sizeof *cand);
    uint32_t *tc = NULL;
    size_t ntc = 0, captc = 0;
    int rc = 0;
    if (!bs || !ncand || !capc || !blo || !bhi || !below || !nextmin || !ty || !pn || !pw || !cand) {
        rc = am_fail(ARMOEDE_ENOMEM, "measures: out of memory");
        goto out;
    }
    for (size_t y = 0; y < Y; y++) {
        const dd *h = c->yhist + y * nb;
        long double T = dd_val(c->ytot[y]), cum = 0;
        size_t lastb = nb;
        bs[y] = nb; /* none: no row in the year */
        blo[y] = nb;
        bhi[y] = 0;
        below[y] = 0;
        nextmin[y] = INFINITY;
        if (!(T > 0)) continue;
        for (size_t b = 0; b < nb; b++) {
            long double hb = dd_val(h[b]);
            if (!(hb > 0)) continue;
            double share = (double)(cum + hb) / (double)T;
            lastb = b;
            if (rule == AM_Q_LAEKEN ? share > 0.5 : share >= 0.5) { bs[y] = b; below[y] = cum; break; }
            cum += hb;
        }
        if (bs[y] == nb) { bs[y] = lastb; below[y] = cum - dd_val(h[lastb]); }
        /* the threshold lies in [p lo, p hi] of the median's bucket; the rows
         * in the buckets of that range are tested once it is known, the
         * buckets below it are all poor */
        size_t b = bs[y];
        double lo, hi;
        if (b == 0) { lo = -INFINITY; hi = 0; }
        else {
            uint64_t k = (uint64_t)(b - 1) + ((uint64_t)1022 << mb);
            lo = b == 1 ? 0 : bits_double(k << (52 - mb));
            hi = b == nb - 1 ? INFINITY : bits_double((k + 1) << (52 - mb));
        }
        blo[y] = f_bucket(o->p * lo, mb, nb);
        bhi[y] = f_bucket(o->p * hi, mb, nb);
        if (isinf(hi)) bhi[y] = nb - 1;
    }
    /* the scan: only the income is read for most rows */
    int32_t codes[17], g[64];
    double x, w;
    const am_col *I = c->fI;
    int ireal = I->type == ARMOEDE_TYPE_REAL, euro = rule == AM_Q_EUROSTAT;
    for (size_t i = 0; i < c->N; i++) {
        double v = ireal ? I->v.r[i] : am_num(I, i);
        if (!isfinite(v)) continue;
        size_t y = c->ycolp ? (size_t)key_code(&c->dims[0], i) : 0;
        if (y >= Y) continue; /* a missing year */
        size_t b = f_bucket(v, mb, nb);
        int med = b == bs[y], thr = b >= blo[y] && b <= bhi[y];
        int nxt = euro && b > bs[y] && v < nextmin[y];
        if (!med && !thr && !nxt) continue;
        if (!f_row(c, i, &x, &w, codes)) continue;
        if (nxt) nextmin[y] = x;
        if (med) {
            if (ncand[y] == capc[y]) {
                size_t nc = capc[y] ? 2 * capc[y] : 1024;
                xwpair *np = realloc(cand[y], nc * sizeof *np);
                if (!np) { rc = am_fail(ARMOEDE_ENOMEM, "measures: out of memory"); goto out; }
                cand[y] = np;
                capc[y] = nc;
            }
            cand[y][ncand[y]++] = (xwpair){x, w};
        }
        if (thr) {
            if (ntc == captc) {
                size_t nc = captc ? 2 * captc : 1024;
                uint32_t *np = realloc(tc, nc * sizeof *np);
                if (!np) { rc = am_fail(ARMOEDE_ENOMEM, "measures: out of memory"); goto out; }
                tc = np;
                captc = nc;
            }
            tc[ntc++] = (uint32_t)i;
        }
    }
    for (size_t y = 0; y < Y; y++)
        ty[y] = o->p * f_resolve(cand[y], ncand[y], below[y], dd_val(c->ytot[y]), 0.5, rule, nextmin[y]);
    /* the rows near the threshold, exactly */
    for (size_t k = 0; k < ntc; k++) {
        if (!f_row(c, tc[k], &x, &w, codes)) continue;
        double t = ty[c->ycolp ? (size_t)codes[0] : 0];
        if (!(o->at_or_below ? x <= t : x < t)) continue;
        f_groups(c, codes, g);
        for (size_t p = 0; p < c->npat; p++) { dd_add(&pw[g[p]], w); pn[g[p]] += 1; }
    }
    for (size_t p = 0; p < c->npat; p++)
        for (size_t gi = 0; gi < c->pats[p].G; gi++) {
            double *S = st[p] + gi * ns;
            size_t gg = c->goff[p] + gi, y = (size_t)c->pats[p].gyear[gi];
            /* the buckets below the threshold's range: all poor */
            const dd *h = c->khist[p] + c->gkey[p][gi] * nb;
            const uint32_t *hc = c->kcnt[p] + c->gkey[p][gi] * nb;
            dd sw = pw[gg];
            double sn = pn[gg];
            for (size_t b = 0; b < blo[y] && b < nb; b++) {
                dd_add(&sw, h[b].hi);
                dd_add(&sw, h[b].lo);
                sn += hc[b];
            }
            for (size_t k = 0; k < ns; k++) S[k] = 0;
            S[S_MED] = S[S_MPOOR] = S[S_Q20] = S[S_Q80] = S[S_GINI] = NAN;
            S[S_W] = (double)dd_val(c->gw[p][gi]);
            S[S_N] = c->gn[p][gi];
            S[S_T] = ty[y];
            S[S_PW] = (double)dd_val(sw);
            S[S_PN] = sn;
        }
out:
    if (cand)
        for (size_t y = 0; y < Y; y++) free(cand[y]);
    free(cand); free(bs); free(ncand); free(capc); free(blo); free(bhi); free(below); free(nextmin);
    free(ty); free(pn); free(pw); free(tc);
    return rc;
}

/* The statistics of every group (layout as compute()). */
/* One half of fast_compute's sums: weight, persons, poor, quintile shares,
 * FGT of each group; acc (dd, 5 + nalpha per group) and cnt (persons,
 * poor, FGT persons, FGT poor per group) start at zero. */
typedef struct {
    const mctx *c;
    size_t lo, hi;
    const double *S, *T; /* the quintiles (S_Q20, S_Q80) and thresholds of each group */
    size_t ns;
    dd *acc;
    double *cnt;
} shalf;

static void *sums_half(void *arg)
{
    shalf *h = arg;
    const mctx *c = h->c;
    const armoede_measures_options *o = c->o;
    unsigned m = c->measures;
    size_t na = c->nalpha, ns = h->ns;
    int fgt = (m & ARMOEDE_MEASURE_FGT) != 0, qsr = (m & ARMOEDE_MEASURE_QSR) != 0;
    int32_t codes[17], gr[64];
    double x, w;
    for (size_t i = h->lo; i < h->hi; i++) {
        if (!f_row(c, i, &x, &w, codes)) continue;
        f_groups(c, codes, gr);
        for (size_t p = 0; p < c->npat; p++) {
            size_t g = (size_t)gr[p];
            const double *s = h->S + g * ns;
            double *n = h->cnt + 4 * g;
            dd *a = h->acc + g * (5 + na);
            dd_add(&a[0], w);
            n[0] += 1;
            double t = h->T[g];
            if (o->at_or_below ? x <= t : x < t) { dd_add(&a[1], w); n[1] += 1; }
            if (qsr) {
                if (x <= s[S_Q20]) dd_add(&a[2], w * x);
                if (x > s[S_Q80]) dd_add(&a[3], w * x);
            }
            if (fgt) {
                double z = o->fgt_line == ARMOEDE_LINE_FIXED ? o->fgt_value : t;
                n[2] += 1;
                dd_add(&a[4], w);
                if (o->at_or_below ? x <= z : x < z) {
                    double gap = (z - x) / z;
                    n[3] += 1;
                    for (size_t k = 0; k < na; k++) dd_add(&a[5 + k], w * (c->alpha[k] == 0 ? 1.0 : pow(gap, c->alpha[k])));
                }
            }
        }
    }
    return NULL;
}

static int fast_compute(mctx *c, double **st)
{
    const armoede_measures_options *o = c->o;
    unsigned m = c->measures;
    if (c->arpr2 && c->yhist) return fast_arpr2(c, st);
    size_t ns = c->nst, G = c->Gall;
    int need_t = (m & (ARMOEDE_MEASURE_ARPT | ARMOEDE_MEASURE_ARPR | ARMOEDE_MEASURE_RMPG)) ||
                 ((m & ARMOEDE_MEASURE_FGT) && o->fgt_line == ARMOEDE_LINE_ARPT);
    double *tyear = malloc((c->nyears ? c->nyears : 1) * sizeof *tyear);
    double *T = malloc((G ? G : 1) * sizeof *T), *q = malloc((G ? G : 1) * 3 * sizeof *q);
    double *S = calloc((G ? G : 1) * ns, sizeof *S);
    size_t na = c->nalpha;
    dd *acc = calloc((G ? G : 1) * (5 + na), sizeof *acc);
    double *cnt = calloc((G ? G : 1) * 4, sizeof *cnt);
    int rc = 0;
    if (!tyear || !T || !q || !S || !acc || !cnt) { rc = am_fail(ARMOEDE_ENOMEM, "measures: out of memory"); goto out; }
    for (size_t g = 0; g < G; g++) {
        double *s = S + g * ns;
        s[S_MED] = s[S_T] = s[S_MPOOR] = s[S_Q20] = s[S_Q80] = s[S_GINI] = NAN;
    }
    const qtarget half = {0, 0.5};
    if (need_t) {
        dd *h = c->yhist, *tt = c->ytot;
        c->yhist = c->ytot = NULL; /* f_select frees them */
        if ((rc = f_select(c, 1, NULL, &half, 1, tyear, h, tt))) goto out;
        for (size_t y = 0; y < c->nyears; y++) tyear[y] *= o->p;
    }
    if ((m & ARMOEDE_MEASURE_MEDIAN) || (need_t && o->domain_threshold)) {
        if ((rc = f_select(c, 0, NULL, &half, 1, q, NULL, NULL))) goto out;
        for (size_t g = 0; g < G; g++) S[g * ns + S_MED] = q[g];
    }
    for (size_t p = 0; p < c->npat; p++)
        for (size_t g = 0; g < c->pats[p].G; g++) {
            size_t gg = c->goff[p] + g;
            T[gg] = !need_t ? NAN : o->domain_threshold ? o->p * S[gg * ns + S_MED] : tyear[c->pats[p].gyear[g]];
            S[gg * ns + S_T] = T[gg];
        }
    if (m & (ARMOEDE_MEASURE_QSR | ARMOEDE_MEASURE_RMPG)) {
        qtarget tg[3];
        size_t ntg = 0;
        if (m & ARMOEDE_MEASURE_QSR) { tg[ntg++] = (qtarget){0, 0.2}; tg[ntg++] = (qtarget){0, 0.8}; }
        if (m & ARMOEDE_MEASURE_RMPG) tg[ntg++] = (qtarget){1, 0.5};
        if ((rc = f_select(c, 0, T, tg, ntg, q, NULL, NULL))) goto out;
        for (size_t g = 0; g < G; g++) {
            size_t j = 0;
            if (m & ARMOEDE_MEASURE_QSR) { S[g * ns + S_Q20] = q[g * ntg]; S[g * ns + S_Q80] = q[g * ntg + 1]; j = 2; }
            if (m & ARMOEDE_MEASURE_RMPG) S[g * ns + S_MPOOR] = q[g * ntg + j];
        }
    }
    /* the sums: weight, persons, poor, quintile shares, FGT */
    /* no measure that needs more than each group's weight and persons (which
     * fast_prepare added up, in the same order): no pass */
    int rows = (m & (ARMOEDE_MEASURE_ARPR | ARMOEDE_MEASURE_RMPG | ARMOEDE_MEASURE_QSR | ARMOEDE_MEASURE_FGT)) != 0;
    if (!rows)
        for (size_t p = 0; p < c->npat; p++)
            for (size_t g = 0; g < c->pats[p].G; g++) {
                size_t gg = c->goff[p] + g;
                acc[gg * (5 + na)] = c->gw[p][g];
                S[gg * ns + S_N] = c->gn[p][g];
            }
    if (rows) {
        shalf h[2];
        for (int k = 0; k < 2; k++) {
            h[k] = (shalf){c, k ? c->N / 2 : 0, k ? c->N : c->N / 2, S, T, ns, k ? NULL : acc,
                           k ? NULL : cnt};
            if (k && (!(h[k].acc = calloc((G ? G : 1) * (5 + na), sizeof *acc)) ||
                      !(h[k].cnt = calloc((G ? G : 1) * 4, sizeof *cnt)))) {
                free(h[k].acc);
                rc = am_fail(ARMOEDE_ENOMEM, "measures: out of memory");
                goto out;
            }
        }
        run2(sums_half, &h[0], &h[1], two_halves(c));
        for (size_t k = 0; k < G * (5 + na); k++) dd_join(&acc[k], h[1].acc[k]);
        for (size_t g = 0; g < G; g++) {
            double *s = S + g * ns, *n0 = cnt + 4 * g, *n1 = h[1].cnt + 4 * g;
            s[S_N] = n0[0] + n1[0];
            s[S_PN] = n0[1] + n1[1];
            s[S_FN] = n0[2] + n1[2];
            s[S_FPN] = n0[3] + n1[3];
        }
        free(h[1].acc);
        free(h[1].cnt);
    }
    for (size_t g = 0; g < G; g++) {
        double *s = S + g * ns;
        const dd *a = acc + g * (5 + na);
        s[S_W] = (double)dd_val(a[0]);
        s[S_PW] = (double)dd_val(a[1]);
        s[S_S20] = (double)dd_val(a[2]);
        s[S_S80] = (double)dd_val(a[3]);
        s[S_FW] = (double)dd_val(a[4]);
        for (size_t k = 0; k < na; k++) s[S_FGT0 + k] = (double)dd_val(a[5 + k]);
    }
    if ((m & ARMOEDE_MEASURE_GINI) && (rc = fast_gini(c, S))) goto out;
    for (size_t p = 0; p < c->npat; p++)
        memcpy(st[p], S + c->goff[p] * ns, c->pats[p].G * ns * sizeof *S);
out:
    free(tyear); free(T); free(q); free(S); free(acc); free(cnt);
    return rc;
}

/* ------------------------------------------------------------------------
 * Bootstrap
 * ---------------------------------------------------------------------- */
typedef struct {
    const mctx *c;
    double *reps;      /* B x ncells */
    int B, nthreads, tid;
    int rc;
    char msg[256];
} bjob;

static void *boot_worker(void *arg)
{
    bjob *j = arg;
    const mctx *c = j->c;
    size_t n = c->n;
    double *wsb = malloc((n ? n : 1) * sizeof *wsb);
    double *wpoor = (c->measures & ARMOEDE_MEASURE_RMPG) ? malloc((n ? n : 1) * sizeof *wpoor) : NULL;
    unsigned char *poor = (c->measures & ARMOEDE_MEASURE_PERSISTENT_ARPR) ? malloc(n ? n : 1) : NULL;
    uint32_t *mult = malloc((c->npsu ? c->npsu : 1) * sizeof *mult);
    double **st = calloc(c->npat, sizeof *st);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int ok = wsb && mult && st && r && (wpoor || !(c->measures & ARMOEDE_MEASURE_RMPG)) &&
             (poor || !(c->measures & ARMOEDE_MEASURE_PERSISTENT_ARPR));
    for (size_t p = 0; ok && p < c->npat; p++)
        ok = (st[p] = malloc((c->pats[p].G ? c->pats[p].G : 1) * c->nst * sizeof **st)) != NULL;
    if (!ok) {
        j->rc = ARMOEDE_ENOMEM;
        snprintf(j->msg, sizeof j->msg, "bootstrap: out of memory");
    }
    for (int b = j->tid; ok && b < j->B; b += j->nthreads) {
        uint64_t sd = mix64((uint64_t)c->o->seed * UINT64_C(0x100000001b3) ^ mix64((uint64_t)b + 1));
        gsl_rng_set(r, (unsigned long)(sd & 0xffffffffu) ? (unsigned long)(sd & 0xffffffffu) : 1);
        memset(mult, 0, (c->npsu ? c->npsu : 1) * sizeof *mult);
        for (size_t h = 0; h < c->nstrata; h++) {
            size_t a = c->sstart[h], nh = c->sstart[h + 1] - a;
            for (size_t d = 0; d < nh; d++) mult[a + gsl_rng_uniform_int(r, nh)]++;
        }
        for (size_t k = 0; k < n; k++) wsb[k] = c->ws[k] * (double)mult[c->psu[k]];
        int rc = compute(c, wsb, st, wpoor, poor);
        if (rc) {
            j->rc = rc;
            snprintf(j->msg, sizeof j->msg, "%s", armoede_last_error());
            break;
        }
        for (size_t e = 0; e < c->ncells; e++)
            j->reps[(size_t)b * c->ncells + e] = cell_value(c, st, &c->cells[e]).est;
    }
    if (st)
        for (size_t p = 0; p < c->npat; p++) free(st[p]);
    free(st); free(wsb); free(wpoor); free(poor); free(mult);
    if (r) gsl_rng_free(r);
    return NULL;
}

static int bootstrap(const mctx *c, int B, int nthreads, double *reps)
{
    if (nthreads < 1) nthreads = 1;
    if (nthreads > B) nthreads = B;
    bjob *jobs = calloc((size_t)nthreads, sizeof *jobs);
    pthread_t *th = calloc((size_t)nthreads, sizeof *th);
    if (!jobs || !th) { free(jobs); free(th); return am_fail(ARMOEDE_ENOMEM, "bootstrap: out of memory"); }
    char *made = calloc((size_t)nthreads, 1);
    if (!made) { free(jobs); free(th); return am_fail(ARMOEDE_ENOMEM, "bootstrap: out of memory"); }
    for (int i = 0; i < nthreads; i++) jobs[i] = (bjob){c, reps, B, nthreads, i, 0, {0}};
    for (int i = 1; i < nthreads; i++) made[i] = pthread_create(&th[i], NULL, boot_worker, &jobs[i]) == 0;
    boot_worker(&jobs[0]);
    /* a thread that could not be started runs its share here: same replicates, same results */
    for (int i = 1; i < nthreads; i++) {
        if (made[i]) pthread_join(th[i], NULL);
        else boot_worker(&jobs[i]);
    }
    free(made);
    int rc = 0;
    for (int i = 0; i < nthreads && !rc; i++)
        if (jobs[i].rc) rc = am_fail(jobs[i].rc, "%s", jobs[i].msg);
    free(jobs);
    free(th);
    return rc;
}

/* ------------------------------------------------------------------------
 * The public function
 * ---------------------------------------------------------------------- */
int armoede_measures(const armoede_table *t, const armoede_measures_options *opts, armoede_result **out)
{
    const char *fn = "armoede_measures";
    if (out) *out = NULL;
    if (!t || !out) return am_fail(ARMOEDE_EINVAL, "%s: NULL argument", fn);
    am_gsl_guard();
    armoede_measures_options d = ARMOEDE_MEASURES_OPTIONS_INIT;
    const armoede_measures_options *o = opts ? opts : &d;
    int rc = check_opts(o, fn);
    if (rc) return rc;
    mctx c;
    memset(&c, 0, sizeof c);
    mnotes nt;
    armoede_result *r = NULL;
    double **st = NULL, *wpoor = NULL, *reps = NULL;
    unsigned char *poor = NULL;
    {
        /* the streaming path when nothing needs the order of the incomes */
        unsigned ms = o->measures ? o->measures : ARMOEDE_MEASURE_DEFAULT;
        c.fast = !(ms & ARMOEDE_MEASURE_PERSISTENT_ARPR) && o->bootstrap == 0 &&
                 o->rule != ARMOEDE_QUANTILE_LINEAR && !o->equivalise && !o->strata && !o->cluster &&
                 !((ms & ARMOEDE_MEASURE_FGT) && o->fgt_line == ARMOEDE_LINE_NORM);
    }
    if ((rc = setup(&c, t, o, &nt))) goto done;
    st = calloc(c.npat ? c.npat : 1, sizeof *st);
    if (!st) { rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto done; }
    for (size_t p = 0; p < c.npat; p++)
        if (!(st[p] = malloc((c.pats[p].G ? c.pats[p].G : 1) * c.nst * sizeof **st))) {
            rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn);
            goto done;
        }
    if (c.fast) {
        if ((rc = fast_compute(&c, st))) goto done;
    } else {
        /* scratch only when a measure needs it (every page of a new array costs) */
        if (c.measures & ARMOEDE_MEASURE_RMPG) wpoor = malloc((c.n ? c.n : 1) * sizeof *wpoor);
        if (c.measures & ARMOEDE_MEASURE_PERSISTENT_ARPR) poor = malloc(c.n ? c.n : 1);
        if (((c.measures & ARMOEDE_MEASURE_RMPG) && !wpoor) ||
            ((c.measures & ARMOEDE_MEASURE_PERSISTENT_ARPR) && !poor)) {
            rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn);
            goto done;
        }
        if ((rc = compute(&c, c.ws, st, wpoor, poor))) goto done;
    }
    /* the cells */
    size_t maxc = 0;
    for (size_t p = 0; p < c.npat; p++) maxc += c.pats[p].G;
    maxc *= (M_COUNT_ + c.nalpha);
    c.cells = malloc((maxc ? maxc : 1) * sizeof *c.cells);
    if (!c.cells) { rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto done; }
    for (int m = 0; m < M_COUNT_; m++) {
        if (!(c.measures & M_BIT[m])) continue;
        int na = m == M_FGT ? (int)c.nalpha : 1;
        for (int a = 0; a < na; a++)
            for (size_t p = 0; p < c.npat; p++)
                for (size_t gi = 0; gi < c.pats[p].G; gi++) {
                    int32_t g = (int32_t)c.pats[p].order[gi];
                    const double *S = st[p] + (size_t)g * c.nst;
                    if (m == M_PERSIST && !(S[S_PERDW] > 0)) continue;
                    if (m == M_FGT && !(S[S_FW] > 0)) continue;
                    c.cells[c.ncells++] = (cellmeta){m, a, (int)p, g};
                }
    }
    /* bootstrap */
    if (o->bootstrap > 0 && c.ncells > 0) {
        reps = malloc((size_t)o->bootstrap * c.ncells * sizeof *reps);
        if (!reps) { rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory for the replicates", fn); goto done; }
        if ((rc = bootstrap(&c, o->bootstrap, o->nthreads ? o->nthreads : 2, reps))) goto done;
    }
    /* the result */
    if (!(r = am_result_new())) { rc = ARMOEDE_ENOMEM; goto done; }
    {
        const char *names[17];
        size_t nk = 0;
        int ycol = t->role[ARMOEDE_ROLE_YEAR];
        if (ycol >= 0) names[nk++] = t->cols[ycol].name;
        for (size_t b = 0; b < o->n_by; b++) names[nk++] = o->by[b];
        if ((rc = am_result_set_keys(r, names, nk))) goto done;
    }
    {
        double *col = reps ? malloc((size_t)o->bootstrap * sizeof *col) : NULL;
        if (reps && !col) { rc = am_fail(ARMOEDE_ENOMEM, "%s: out of memory", fn); goto done; }
        for (size_t e = 0; e < c.ncells && !rc; e++) {
            const cellmeta *cm = &c.cells[e];
            cellval v = cell_value(&c, st, cm);
            double f[ARMOEDE_FIELD_COUNT_];
            am_fields_nan(f);
            f[ARMOEDE_FIELD_ESTIMATE] = v.est;
            f[ARMOEDE_FIELD_NUM_W] = v.numw;
            f[ARMOEDE_FIELD_DEN_W] = v.denw;
            f[ARMOEDE_FIELD_NUM_N] = v.numn;
            f[ARMOEDE_FIELD_DEN_N] = v.denn;
            f[ARMOEDE_FIELD_THRESHOLD] = cm->measure == M_FGT
                                             ? (o->fgt_line == ARMOEDE_LINE_NORM ? o->fgt_p
                                                : o->fgt_line == ARMOEDE_LINE_FIXED ? o->fgt_value : o->p)
                                         : (cm->measure == M_MEDIAN || cm->measure == M_QSR || cm->measure == M_GINI)
                                             ? NAN : o->p;
            if (cm->measure == M_PERSIST) f[ARMOEDE_FIELD_DURATION] = c.win;
            if (reps) {
                size_t m = 0;
                long double s = 0, s2 = 0;
                for (int b = 0; b < o->bootstrap; b++) {
                    double x = reps[(size_t)b * c.ncells + e];
                    if (isnan(x) || isinf(x)) continue;
                    col[m++] = x;
                    s += x;
                }
                if (m >= 2) {
                    long double mean = s / (long double)m;
                    for (size_t i = 0; i < m; i++) s2 += (col[i] - mean) * (col[i] - mean);
                    f[ARMOEDE_FIELD_SE] = (double)sqrtl(s2 / (long double)(m - 1));
                    double pq[2] = {(1 - o->ci_level) / 2, 1 - (1 - o->ci_level) / 2}, qq[2];
                    if ((rc = am_quantiles(col, NULL, m, pq, 2, AM_Q_LINEAR, qq))) break;
                    f[ARMOEDE_FIELD_CI_LOW] = qq[0];
                    f[ARMOEDE_FIELD_CI_HIGH] = qq[1];
                }
            }
            const char *keys[17];
            const pattern *P = &c.pats[cm->pat];
            for (size_t k = 0; k < c.nk; k++) {
                int32_t code = P->codes[(size_t)cm->g * c.nk + k];
                keys[k] = code == -2 ? AM_TOTAL_LABEL : c.dims[k].labels[code];
            }
            char name[32];
            if (cm->measure == M_FGT) snprintf(name, sizeof name, "fgt%g", c.alpha[cm->alpha]);
            else snprintf(name, sizeof name, "%s", M_NAME[cm->measure]);
            rc = am_result_add(r, name, "persons", keys, f);
            /* FGT with alpha > 0: the numerator is a weighted sum of gaps, not a count */
            if (!rc && cm->measure == M_FGT && c.alpha[cm->alpha] != 0) am_result_amounts(r, AM_AMOUNT(ARMOEDE_FIELD_NUM_W));
        }
        free(col);
        if (rc) goto done;
    }
    /* notes */
    {
        size_t left = nt.bad_income + nt.bad_equiv + nt.bad_weight + nt.bad_key + nt.bad_design;
        rc = am_result_note(r, "measures: %zu of %zu rows enter (weighted quantile rule %s, poor when income %s %g x median, %s threshold)",
                            c.n, t->nrows,
                            o->rule == ARMOEDE_QUANTILE_LAEKEN ? "laeken" : o->rule == ARMOEDE_QUANTILE_EUROSTAT ? "eurostat"
                            : o->rule == ARMOEDE_QUANTILE_GE ? "ge" : "linear",
                            o->at_or_below ? "<=" : "<", o->p, o->domain_threshold ? "per-group" : "whole-year");
        if (!rc && nt.bad_income) rc = am_result_note(r, "measures: %zu rows left out: income missing or not finite", nt.bad_income);
        if (!rc && nt.bad_equiv) rc = am_result_note(r, "measures: %zu rows left out: no equivalence factor for the household (%zu with a member of unknown age)", nt.bad_equiv, nt.unknown_age);
        if (!rc && nt.bad_weight) rc = am_result_note(r, "measures: %zu rows left out: weight missing, zero, negative or infinite", nt.bad_weight);
        if (!rc && nt.bad_key) rc = am_result_note(r, "measures: %zu rows left out: a year or by-key missing", nt.bad_key);
        if (!rc && nt.bad_design) rc = am_result_note(r, "measures: %zu rows left out: strata or cluster missing", nt.bad_design);
        if (!rc && nt.filtered) rc = am_result_note(r, "measures: %zu rows left out by the population filters (whole-year income, student, institutional)", nt.filtered);
        if (!rc && nt.no_norm) rc = am_result_note(r, "measures: %zu rows without a social minimum left out of the FGT figures", nt.no_norm);
        if (!rc && (c.measures & ARMOEDE_MEASURE_PERSISTENT_ARPR))
            rc = am_result_note(r, "persistent_arpr: %zu person-years have no row in each of the %d years before (panel gap or start of the panel) and are not in its denominator", nt.gaps, c.win - 1);
        if (!rc && o->bootstrap > 0)
            rc = am_result_note(r, "bootstrap: %d replicates, seed %lu, %zu strata, %zu primary units; percentile intervals at %g", o->bootstrap, o->seed, c.nstrata, c.npsu, o->ci_level);
        (void)left;
    }
done:
    if (st)
        for (size_t p = 0; p < c.npat; p++) free(st[p]);
    free(st); free(wpoor); free(poor); free(reps);
    mctx_free(&c);
    if (rc) {
        armoede_result_free(r);
        return rc;
    }
    *out = r;
    return 0;
}
