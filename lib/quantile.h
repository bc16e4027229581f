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
#endif
