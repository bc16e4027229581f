/* Who is in the population and below which thresholds of the social minimum:
 * the row classification shared by the impact indicators (impact.c) and
 * take-up (outcome.c). Internal; never installed.
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef ARMOEDE_ROWCLASS_H
#define ARMOEDE_ROWCLASS_H

#include "internal.h"

/* The bit every row in the population carries beside its threshold bits. */
#define AM_IN_POP (1u << 31)

/* Why a row is left out (AM_SK_NONE: it is in). Callers may number their
 * own reasons from AM_SK_COUNT_ on. */
enum {
    AM_SK_NONE = 0,
    AM_SK_YEAR,          /* year missing */
    AM_SK_RATIO,         /* income (or ratio) missing */
    AM_SK_NORM,          /* norm missing: per-record norm NA or not positive, household type or band NA */
    AM_SK_WHOLE_YEAR,    /* no income for the whole year (CBS filter) */
    AM_SK_STUDENT,       /* student household (CBS filter) */
    AM_SK_INSTITUTIONAL, /* institutional household (CBS filter) */
    AM_SK_NEGATIVE,      /* negative income, left out by negative_income */
    AM_SK_WEIGHT,        /* weight missing, zero or negative */
    AM_SK_COUNT_
};
/* The text of each reason, for the result's notes. */
AM_HIDDEN extern const char *const am_skip_text[AM_SK_COUNT_];

/* Thresholds: one bit each below AM_IN_POP. */
#define AM_ROWCLASS_MAXTHR 31

typedef struct {
    const armoede_table *t;
    int col[ARMOEDE_ROLE_COUNT_];     /* column of each role, -1 = none */
    int whole_year, student, institutional; /* the CBS filters that are on */
    int negative_exclude;             /* negative_income == ARMOEDE_NEGATIVE_EXCLUDE */
    double wealth_limit;              /* > 0: the wealth test is on */
    const armoede_norms *norms;
    int weighted;                     /* a weight column is in use */
    size_t np;                        /* thresholds (at most AM_ROWCLASS_MAXTHR) */
    double thr[AM_ROWCLASS_MAXTHR];   /* as fractions of the norm */
    int64_t thr_pct_micro[AM_ROWCLASS_MAXTHR]; /* the same x 100 in millionths of a percent: llround(thr x 1e8) */
    /* the norm table, when the income is compared with the annual norm of
     * the row's (year, household type, age band): am_rowclass_norms */
    int y0, ny;
    size_t ntype, nband, stride;      /* stride = max(np, 1) */
    int64_t *thr_cents;               /* owned: [cell x stride + j] am_cents(thr[j] x norm); slot 0 INT64_MIN = no norm */
} am_rowclass;

/* What the classification met on the way; norm_err_row starts at SIZE_MAX. */
typedef struct {
    size_t wealth_tested;  /* above the wealth limit: kept, never low */
    size_t wealth_missing; /* no wealth: not tested */
    size_t norm_err_row;   /* the first row whose (year, type, band) has no norm */
} am_rowclass_stats;

/* Set up k from the caller's columns, options and np thresholds (at most
 * AM_ROWCLASS_MAXTHR; copied); weighted when a weight column is mapped;
 * thr_cents is kept: am_rowclass_norms makes it. */
AM_HIDDEN void am_rowclass_bind(am_rowclass *k, const armoede_table *t, const int *col, const armoede_impact_options *o,
                                size_t np, const double *thr);
/* Build k->thr_cents for years ylo..yhi (the range of the year column, which
 * the caller has checked) from k->norms; nothing to do when a ratio
 * or a per-record norm column is in use. The household type (and age band,
 * if any) must be categorical. A combination without a norm is an error only
 * when a row of the population needs it (norm_err_row). */
AM_HIDDEN int am_rowclass_norms(am_rowclass *k, int ylo, int yhi);
AM_HIDDEN void am_rowclass_free(am_rowclass *k);
/* The error for the first row whose norm is missing (the norms' message and
 * where the row is). */
AM_HIDDEN int am_rowclass_norm_error(const am_rowclass *k, size_t row);

static inline __attribute__((always_inline)) int am_rc_flag1(const armoede_table *t, int col, size_t i)
{
    if (col < 0) return 0;
    int64_t v = am_ival(&t->cols[col], i);
    return v != ARMOEDE_NA_INT && v != 0;
}

/* Row i: the bits of the thresholds its income is at or below (income in
 * cents <= am_cents(p x norm), or the ratio in millionths of a percent <=
 * p x 1e8), with AM_IN_POP; or 0 with *why, when the row is not in the
 * population. In this order: year, the CBS filters (whole year, student,
 * institutional), income or ratio, negative income, norm, weight. Above the
 * wealth limit the row stays in with no threshold bit. Reads only. */
static inline __attribute__((always_inline)) uint32_t am_rowclass_row(const am_rowclass *k, size_t i, int *why,
                                                                       am_rowclass_stats *st)
{
    const armoede_table *t = k->t;
    const int *col = k->col;
    *why = AM_SK_NONE;
    if (col[ARMOEDE_ROLE_YEAR] >= 0 && am_ival(&t->cols[col[ARMOEDE_ROLE_YEAR]], i) == ARMOEDE_NA_INT) { *why = AM_SK_YEAR; return 0; }
    if (k->whole_year && col[ARMOEDE_ROLE_WHOLE_YEAR] >= 0 && am_ival(&t->cols[col[ARMOEDE_ROLE_WHOLE_YEAR]], i) == 0) {
        *why = AM_SK_WHOLE_YEAR;
        return 0;
    }
    if (k->student && am_rc_flag1(t, col[ARMOEDE_ROLE_STUDENT], i)) { *why = AM_SK_STUDENT; return 0; }
    if (k->institutional && am_rc_flag1(t, col[ARMOEDE_ROLE_INSTITUTIONAL], i)) { *why = AM_SK_INSTITUTIONAL; return 0; }
    uint32_t low = 0;
    if (col[ARMOEDE_ROLE_RATIO_PCT] >= 0) {
        double r = am_num(&t->cols[col[ARMOEDE_ROLE_RATIO_PCT]], i);
        if (isnan(r)) { *why = AM_SK_RATIO; return 0; }
        if (r < 0 && k->negative_exclude) { *why = AM_SK_NEGATIVE; return 0; }
        int64_t v = fabs(r) < 1e10 ? llround(r * 1e6) : (r < 0 ? INT64_MIN / 2 : INT64_MAX / 2);
        for (size_t j = 0; j < k->np; j++) if (v <= k->thr_pct_micro[j]) low |= 1u << j;
    } else {
        double inc = am_num(&t->cols[col[ARMOEDE_ROLE_INCOME]], i);
        if (isnan(inc)) { *why = AM_SK_RATIO; return 0; }
        if (inc < 0 && k->negative_exclude) { *why = AM_SK_NEGATIVE; return 0; }
        int64_t ic = am_cents(inc);
        if (col[ARMOEDE_ROLE_NORM] >= 0) {
            double norm = am_num(&t->cols[col[ARMOEDE_ROLE_NORM]], i);
            if (!isfinite(norm) || !(norm > 0)) { *why = AM_SK_NORM; return 0; }
            for (size_t j = 0; j < k->np; j++) if (ic <= am_cents(k->thr[j] * norm)) low |= 1u << j;
        } else {
            int64_t y = am_ival(&t->cols[col[ARMOEDE_ROLE_YEAR]], i);
            int32_t ty = t->cols[col[ARMOEDE_ROLE_HOUSEHOLD_TYPE]].v.c[i];
            int32_t band = col[ARMOEDE_ROLE_AGE_BAND] >= 0 ? t->cols[col[ARMOEDE_ROLE_AGE_BAND]].v.c[i] : -2;
            if (y == ARMOEDE_NA_INT || ty < 0 || band == -1) { *why = AM_SK_NORM; return 0; }
            size_t cell = ((size_t)(y - k->y0) * k->ntype + (size_t)ty) * k->nband + (band < 0 ? 0 : (size_t)band + 1);
            const int64_t *tc = &k->thr_cents[cell * k->stride];
            if (tc[0] == INT64_MIN) { /* no norm for this year, type and band: an error */
                if (i < st->norm_err_row) st->norm_err_row = i;
                *why = AM_SK_NORM;
                return 0;
            }
            for (size_t j = 0; j < k->np; j++) if (ic <= tc[j]) low |= 1u << j;
        }
    }
    if (k->weighted) {
        double w = am_num(&t->cols[col[ARMOEDE_ROLE_WEIGHT]], i);
        if (!(w > 0) || !isfinite(w)) { *why = AM_SK_WEIGHT; return 0; }
    }
    if (k->wealth_limit > 0) {
        double w = am_num(&t->cols[col[ARMOEDE_ROLE_WEALTH]], i);
        if (isnan(w)) st->wealth_missing++;
        else if (w > k->wealth_limit) { low = 0; st->wealth_tested++; }
    }
    return low | AM_IN_POP;
}

#endif
