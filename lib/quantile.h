/* Exact (weighted) quantiles, shared by every indicator family (internal).
 * Implemented in lib/quantile.c. SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef ARMOEDE_QUANTILE_H
#define ARMOEDE_QUANTILE_H
#include "internal.h"

/* The rules (the public armoede_quantile_rule enum uses the same numbers):
 *  AM_Q_LAEKEN    smallest x whose cumulative weight share is strictly
 *                 greater than p (laeken's weightedMedian/weightedQuantile)
 *  AM_Q_EUROSTAT  as AM_Q_GE, but the mean of x and the next larger value
 *                 when the cumulative share equals p exactly
 *  AM_Q_GE        smallest x whose cumulative weight share is >= p
 *  AM_Q_LINEAR    R's type 7 (linear interpolation between order
 *                 statistics); unweighted only (w must be NULL)
 * Equal values form one step of the cumulative distribution (ties). */
enum { AM_Q_LAEKEN = 0, AM_Q_EUROSTAT = 1, AM_Q_GE = 2, AM_Q_LINEAR = 3 };

/* out[k] = the p[k]-quantile (0 <= p[k] <= 1) of x[0..n) with weights w
 * (NULL: all 1). x need not be sorted and is not changed. NaN values of x
 * and zero weights are EINVAL (the caller decides what to leave out);
 * n == 0 gives NaN. Exact, deterministic, O(n log n) at worst. */
AM_HIDDEN int am_quantiles(const double *x, const double *w, size_t n, const double *p,
                           size_t np, int rule, double *out);

/* perm[0..n) = the indices of x in ascending order of value; equal values
 * keep their original order (stable). x must hold no NaN; n < 2^32. */
AM_HIDDEN int am_sort_perm(const double *x, size_t n, uint32_t *perm);
/* am_sort_perm with the caller's scratch of at least 20 n bytes, 8-aligned
 * (NULL: allocated here); for callers that sort many times. */
AM_HIDDEN int am_sort_perm_buf(const double *x, size_t n, uint32_t *perm, void *scratch);

/* x as a whole number of cents: 1 and *cents when x == cents / 100 exactly
 * and |100 x| < 2^50, else 0. The test both the sort keys and the Gini by
 * value buckets go by. */
static inline int am_whole_cents(double x, int64_t *cents)
{
    double s = x * 100.0;
    if (!(fabs(s) < 1125899906842624.0)) return 0; /* 2^50 */
    int64_t c = s >= 0 ? (int64_t)(s + 0.5) : -(int64_t)(0.5 - s); /* inline: on the Gini's per-row path */
    if ((double)c / 100.0 != x) return 0;
    *cents = c;
    return 1;
}

/* Memory for a large scratch array (free with free()): asks the kernel for
 * huge pages where it can (Linux, MADV_HUGEPAGE), since the first touch of
 * fresh small pages is what a pass over a new array of 10^7 elements costs
 * most. NULL when out of memory. */
AM_HIDDEN void *am_big_alloc(size_t bytes);
#endif
