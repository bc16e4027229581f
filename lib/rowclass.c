/* The row classification shared by impact.c and outcome.c (rowclass.h).
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rowclass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const am_skip_text[AM_SK_COUNT_] = {
    "", "year missing", "income (or ratio) missing", "norm missing (no per-record norm, household type or age band)",
    "no income for the whole year (CBS filter)", "student household (CBS filter)",
    "institutional household (CBS filter)", "negative income (left out; see negative_income)",
    "weight missing, zero or negative"};

void am_rowclass_bind(am_rowclass *k, const armoede_table *t, const int *col, const armoede_impact_options *o,
                      size_t np, const double *thr)
{
    k->t = t;
    memcpy(k->col, col, sizeof k->col);
    k->whole_year = o->filter_whole_year != 0;
    k->student = o->filter_student != 0;
    k->institutional = o->filter_institutional != 0;
    k->negative_exclude = o->negative_income == ARMOEDE_NEGATIVE_EXCLUDE;
    k->wealth_limit = o->wealth_limit;
    k->norms = o->norms;
    k->weighted = col[ARMOEDE_ROLE_WEIGHT] >= 0;
    if (np > AM_ROWCLASS_MAXTHR) np = AM_ROWCLASS_MAXTHR; /* the callers allow no more */
    k->np = np;
    k->stride = np ? np : 1;
    for (size_t j = 0; j < np; j++) {
        k->thr[j] = thr[j];
        k->thr_pct_micro[j] = llround(thr[j] * 1e8);
    }
}

int am_rowclass_norms(am_rowclass *k, int ylo, int yhi)
{
    const armoede_table *t = k->t;
    const int *col = k->col;
    if (col[ARMOEDE_ROLE_RATIO_PCT] >= 0 || col[ARMOEDE_ROLE_NORM] >= 0) return 0;
    const am_col *tc = &t->cols[col[ARMOEDE_ROLE_HOUSEHOLD_TYPE]];
    if (tc->type != ARMOEDE_TYPE_CAT) return am_fail(ARMOEDE_ETYPE, "household type column '%s' must be categorical", tc->name);
    const am_col *bc = col[ARMOEDE_ROLE_AGE_BAND] >= 0 ? &t->cols[col[ARMOEDE_ROLE_AGE_BAND]] : NULL;
    if (bc && bc->type != ARMOEDE_TYPE_CAT) return am_fail(ARMOEDE_ETYPE, "age band column '%s' must be categorical", bc->name);
    if (yhi < ylo) ylo = yhi = 2000;
    k->y0 = ylo;
    k->ny = yhi - ylo + 1;
    k->ntype = tc->dict.n;
    k->nband = 1 + (bc ? bc->dict.n : 0);
    size_t n = (size_t)k->ny * (k->ntype ? k->ntype : 1) * k->nband;
    size_t stride = k->stride; /* with no threshold, slot 0 still tells whether there is a norm */
    free(k->thr_cents);
    k->thr_cents = malloc(n * stride * sizeof *k->thr_cents);
    if (!k->thr_cents) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    for (int y = 0; y < k->ny; y++)
        for (size_t ty = 0; ty < k->ntype; ty++)
            for (size_t bi = 0; bi < k->nband; bi++) {
                size_t cell = ((size_t)y * k->ntype + ty) * k->nband + bi;
                double v;
                int rc = armoede_norms_annual(k->norms, k->y0 + y, tc->dict.labels[ty], bi ? bc->dict.labels[bi - 1] : "", &v);
                if (rc == ARMOEDE_ENORM) v = NAN;
                else if (rc) return rc;
                k->thr_cents[cell * stride] = isnan(v) ? INT64_MIN : 0;
                for (size_t j = 0; j < k->np; j++) k->thr_cents[cell * stride + j] = isnan(v) ? INT64_MIN : am_cents(k->thr[j] * v);
            }
    armoede_clear_error();
    return 0;
}

void am_rowclass_free(am_rowclass *k)
{
    free(k->thr_cents);
    k->thr_cents = NULL;
}

int am_rowclass_norm_error(const am_rowclass *k, size_t row)
{
    const armoede_table *t = k->t;
    const int *col = k->col;
    int64_t y = am_ival(&t->cols[col[ARMOEDE_ROLE_YEAR]], row);
    int32_t ty = t->cols[col[ARMOEDE_ROLE_HOUSEHOLD_TYPE]].v.c[row];
    int32_t band = col[ARMOEDE_ROLE_AGE_BAND] >= 0 ? t->cols[col[ARMOEDE_ROLE_AGE_BAND]].v.c[row] : -2;
    const char *tl = t->cols[col[ARMOEDE_ROLE_HOUSEHOLD_TYPE]].dict.labels[ty];
    const char *bl = band < 0 ? "" : t->cols[col[ARMOEDE_ROLE_AGE_BAND]].dict.labels[band];
    double v;
    int rc = armoede_norms_annual(k->norms, (int)y, tl, bl, &v);
    if (!rc) return am_fail(ARMOEDE_EINTERNAL, "norm lookup changed between calls");
    char msg[900], where[512];
    snprintf(msg, sizeof msg, "%s", armoede_last_error());
    return am_fail(rc, "%s (first needed at %s)", msg, am_table_where(t, row, where, sizeof where));
}
