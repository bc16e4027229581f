/*
 * libarmoede: Standard poverty and inequality measures: equivalised income, weighted quantiles, at-risk-of-poverty rate, persistence, RMPG, S80/S20, Gini, FGT, bootstrap (issue 5).
 * Part of the public API; included by <armoede.h>, do not include it alone.
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/measures.md puts these definitions side by side with those of R
 * laeken, R convey and Eurostat, measure by measure.
 */
#ifndef ARMOEDE_MEASURES_H
#define ARMOEDE_MEASURES_H
#ifndef ARMOEDE_H
#error "include <armoede.h>, not this header"
#endif

/* ------------------------------------------------------------------------
 * Weighted quantiles
 *
 * Let v_1 < v_2 < ... < v_m be the distinct values (equal values form one
 * step, whatever their order in the input), C_j the sum of the weights of
 * the values <= v_j (accumulated in long double in ascending order), T the
 * total weight, and share_j = (double)C_j / (double)T (as R's
 * cumsum(w) / sum(w)). The p-quantile is:
 *  ARMOEDE_QUANTILE_LAEKEN   the smallest v_j with share_j > p (strictly);
 *                            p = 0 gives v_1 and p = 1 gives v_m. This is
 *                            laeken's weightedQuantile since 0.5.0.
 *  ARMOEDE_QUANTILE_EUROSTAT the smallest v_j with share_j >= p, except that
 *                            when share_j == p exactly the result is
 *                            (v_j + v_{j+1}) / 2 (Eurostat's rule for the
 *                            median of an even-sized sample, weighted).
 *  ARMOEDE_QUANTILE_GE       the smallest v_j with share_j >= p.
 *  ARMOEDE_QUANTILE_LINEAR   R's quantile type 7 (linear interpolation between
 *                            order statistics x_(floor(h)) and x_(floor(h)+1),
 *                            h = (n - 1) p); unweighted only.
 * ---------------------------------------------------------------------- */
typedef enum armoede_quantile_rule {
    ARMOEDE_QUANTILE_LAEKEN = 0,
    ARMOEDE_QUANTILE_EUROSTAT = 1,
    ARMOEDE_QUANTILE_GE = 2,
    ARMOEDE_QUANTILE_LINEAR = 3
} armoede_quantile_rule;

/** out[k] = the p[k]-quantile of x[0..n) with weights w (NULL: all 1) by
 *  `rule` (see above). x is not changed and need not be sorted. Exact and
 *  deterministic; O(n) time (a radix sort of the values; n < 2^32).
 *  Errors: EINVAL for a NULL array, NaN in x, a weight that is not finite
 *  and > 0, p[k] outside [0, 1], an unknown rule, weights with the LINEAR
 *  rule, n >= 2^32; ENOMEM. n == 0 gives NaN. Since 0.1.0. */
ARMOEDE_API int armoede_quantiles(const double *x, const double *w, size_t n, const double *p,
                                  size_t np, armoede_quantile_rule rule, double *out);

/* ------------------------------------------------------------------------
 * Equivalence scales
 *
 * A household's equivalised income is its income divided by its factor:
 *  ARMOEDE_SCALE_OECD  modified OECD: 1 for the first person aged 14 or over,
 *                      0.5 for each further person aged 14 or over, 0.3 for
 *                      each child under 14 (a household without anyone aged
 *                      14+ gets 1 for its first child and 0.3 for the others);
 *  ARMOEDE_SCALE_SQRT  the square root of the number of persons;
 *  ARMOEDE_SCALE_CBS   the CBS factors by adults (18+: 1 or 2) and minors
 *                      (under 18: 0 to 4), the table of the income year: up
 *                      to 2017 one adult 1.00 1.33 1.51 1.76 1.95, two
 *                      adults 1.37 1.67 1.88 2.06 2.28; from 2018 one adult
 *                      1.00 1.32 1.52 1.73 1.93, two adults 1.40 1.69 1.91
 *                      2.09 2.28 (CBS, Materiele welvaart in Nederland,
 *                      appendix; shared/reference/facts.md);
 *  ARMOEDE_SCALE_CBS_2017, ARMOEDE_SCALE_CBS_2018: one of the two tables
 *                      whatever the year.
 * CBS publishes no factor for other compositions (3+ adults, 5+ minors, no
 * adult): there the factor is undefined (ARMOEDE_EDATA from
 * armoede_equivalence_factor; the household's rows are left out and
 * counted by armoede_equivalise and armoede_measures).
 * ---------------------------------------------------------------------- */
typedef enum armoede_scale {
    ARMOEDE_SCALE_NONE = 0, /**< factor 1: the income is used as it is */
    ARMOEDE_SCALE_OECD = 1,
    ARMOEDE_SCALE_SQRT = 2,
    ARMOEDE_SCALE_CBS = 3,
    ARMOEDE_SCALE_CBS_2017 = 4,
    ARMOEDE_SCALE_CBS_2018 = 5
} armoede_scale;

/** The factor of a household of n_under14 children under 14, n_14to17
 *  persons aged 14 to 17 and n_adults persons aged 18 or over, in income
 *  year `year` (used by ARMOEDE_SCALE_CBS only). Errors: EINVAL (negative
 *  count, empty household, unknown scale, NULL), EDATA (no CBS factor for
 *  this composition). Since 0.1.0. */
ARMOEDE_API int armoede_equivalence_factor(armoede_scale scale, int year, int n_under14,
                                           int n_14to17, int n_adults, double *factor);

#define ARMOEDE_EQUIVALISE_OPTIONS_VERSION 1
/** Where a household's composition comes from, by the first that applies:
 *  1. explicit columns (INT, per row: the row's household): n_persons and,
 *     as the scale needs them, n_under14 (OECD) and n_under18 (CBS);
 *  2. a household-year table (ARMOEDE_ROLE_N_PERSONS mapped, no
 *     ARMOEDE_ROLE_PERSON_ID): n_persons from N_PERSONS and n_under18 from
 *     N_MINORS; the OECD scale then also needs the n_under14 column;
 *  3. a person-year table: the rows that share HOUSEHOLD_ID (and YEAR, when
 *     mapped) are the household's members; a member's age is AGE, else
 *     YEAR - BIRTH_YEAR (age reached in the year, as for minors). Every
 *     member must be in the table (the file is not a sample of persons).
 *  A household with a member of unknown age, a missing or inconsistent
 *  count (n_under14 > n_under18 > n_persons) or a composition without a
 *  factor has no equivalised income. */
typedef struct armoede_equivalise_options {
    unsigned int version;
    armoede_scale scale;     /**< default ARMOEDE_SCALE_OECD */
    const char *n_persons;   /**< column names for rule 1; NULL = not given */
    const char *n_under14;
    const char *n_under18;
} armoede_equivalise_options;
#define ARMOEDE_EQUIVALISE_OPTIONS_INIT                                                          \
    {ARMOEDE_EQUIVALISE_OPTIONS_VERSION, ARMOEDE_SCALE_OECD, NULL, NULL, NULL}
ARMOEDE_API void armoede_equivalise_options_init(armoede_equivalise_options *opts);

/** Add to t a REAL column `name` holding each row's equivalised income:
 *  the INCOME of the row (the household's income, repeated on each member)
 *  divided by its household's factor; NaN where the income is missing or
 *  the factor undefined (*n_missing, when not NULL, receives their number).
 *  Negative incomes are divided like any other. Errors: EINVAL (NULL, an
 *  existing column name, bad options), ENOTFOUND (INCOME or what the
 *  composition needs is not mapped), ETYPE, ENOMEM. Since 0.1.0. */
ARMOEDE_API int armoede_equivalise(armoede_table *t, const armoede_equivalise_options *opts,
                                   const char *name, size_t *n_missing);

/* ------------------------------------------------------------------------
 * Poverty and inequality measures (indicators.md IMPACT 6)
 *
 * Population: the rows of t (persons; a person-year table gives one row per
 * person and year). A row is left out, and counted in the result's notes,
 * when its income is missing, NaN or infinite (or its equivalised income is
 * undefined), its weight is missing, zero, negative or infinite, one of
 * its year / by / strata / cluster keys is missing, or a population filter
 * that is on (filter_whole_year, filter_student, filter_institutional)
 * rejects it. Negative incomes are kept (they
 * are real): they are below every positive threshold, enter the medians,
 * the quintile sums and the Gini as they are (the Gini may then exceed 1),
 * and give FGT gaps above 1.
 *
 * Years: when ARMOEDE_ROLE_YEAR is mapped every figure is computed per year
 * (the year is the first key of the result, under the year column's name;
 * do not put it in `by`); otherwise the table is one cross-section.
 *
 * With x the (equivalised) income, w the weight (1 without a weight role),
 * and per group g (a year x by-level combination):
 *  "median"  the weighted median of x (rule `rule`);
 *  "arpt"    at-risk-of-poverty threshold t = p x the weighted median of x
 *            of the whole year (default) or of the group itself
 *            (domain_threshold = 1);
 *  "arpr"    share of the weight with x < t (x <= t with at_or_below = 1);
 *            numerator_n / denominator_n: unweighted persons;
 *  "persistent_arpr"  (needs PERSON_ID and YEAR) among the persons with a
 *            row in year y and in each of the window - 1 years before (the
 *            denominator; a panel gap leaves the person out of y's figure,
 *            counted in the notes), the share below the year's threshold in
 *            y and in at least persistent_min of the window - 1 years before;
 *            each year's test uses that year's whole-year threshold; weight
 *            and breakdown from the year-y row; a person twice in one year
 *            is EDATA. Default window 4, persistent_min 2 (Eurostat);
 *  "rmpg"    relative median poverty gap (t - m) / t, m the weighted median
 *            of x among the group's persons below t (NaN without any);
 *  "qsr"     S80/S20: sum of w x over x > q80 divided by the sum over
 *            x <= q20 (q the group's weighted quantiles, rule `rule`);
 *  "gini"    (2 sum_i w_i x_i c_i - sum_i w_i^2 x_i) / (W sum_i w_i x_i) - 1
 *            with the persons in ascending order of x and c_i the cumulative
 *            weight up to and including i (laeken's formula over 100; it does
 *            not depend on the order among equal incomes);
 *  "fgt<alpha>" (alpha from fgt_alpha, default 0, 1, 2: "fgt0" "fgt1" "fgt2")
 *            sum_i w_i [x_i below z_i] ((z_i - x_i) / z_i)^alpha / W, with
 *            the line z_i: ARMOEDE_LINE_ARPT the threshold t of the group
 *            (x equivalised); ARMOEDE_LINE_FIXED fgt_value; ARMOEDE_LINE_NORM
 *            fgt_p x the row's social minimum, against the household income
 *            (not equivalised) as in armoede_minima: from RATIO_PCT (x/z =
 *            ratio / 100 / fgt_p), else INCOME and NORM, else INCOME and the
 *            norms table; "below" compares whole cents (millionths of a
 *            percent for ratios) with < or, with at_or_below, <=.
 * Shares (arpr, persistent_arpr, rmpg, gini, fgt) are fractions, not
 * percentages (laeken reports 100 times these). The threshold field holds
 * p (fgt_p for the norm line), the duration field the window for
 * persistent_arpr. A group whose weight is zero is not reported. A group
 * of one person, or whose incomes are all equal, has median = that income,
 * gini 0 and qsr 0 (no income above its 80% quantile, as in laeken); its
 * rmpg is NaN when nobody in it is below the threshold. All incomes 0:
 * gini NaN (0 / 0).
 *
 * Bootstrap (bootstrap = B > 0): B replicates; in each, within each stratum
 * (strata column; one stratum when NULL; with no cluster column the year is
 * part of the stratum) n_h primary units (cluster column, else rows) are
 * drawn with replacement from the stratum's n_h units, and a row's weight
 * becomes w times the number of times its unit was drawn. Every figure is
 * recomputed with the replicate weights (thresholds included). se = the
 * standard deviation of the replicate figures (divisor B - 1; NaN figures
 * left out); ci_low/ci_high = their quantiles (1 -+ ci_level) / 2 (R type
 * 7): the percentile interval. Replicate b draws from a GSL mt19937
 * generator seeded from (seed, b) alone, so results are identical for any
 * nthreads.
 * ---------------------------------------------------------------------- */
#define ARMOEDE_MEASURE_ARPT (1u << 0)
#define ARMOEDE_MEASURE_ARPR (1u << 1)
#define ARMOEDE_MEASURE_PERSISTENT_ARPR (1u << 2)
#define ARMOEDE_MEASURE_RMPG (1u << 3)
#define ARMOEDE_MEASURE_QSR (1u << 4)
#define ARMOEDE_MEASURE_GINI (1u << 5)
#define ARMOEDE_MEASURE_FGT (1u << 6)
#define ARMOEDE_MEASURE_MEDIAN (1u << 7)
/** arpt, arpr, rmpg, qsr, gini: laeken's set. */
#define ARMOEDE_MEASURE_DEFAULT                                                                  \
    (ARMOEDE_MEASURE_ARPT | ARMOEDE_MEASURE_ARPR | ARMOEDE_MEASURE_RMPG | ARMOEDE_MEASURE_QSR |  \
     ARMOEDE_MEASURE_GINI)

#define ARMOEDE_LINE_ARPT 0
#define ARMOEDE_LINE_NORM 1
#define ARMOEDE_LINE_FIXED 2

#define ARMOEDE_MEASURES_OPTIONS_VERSION 1
typedef struct armoede_measures_options {
    unsigned int version;
    unsigned int measures;   /**< ARMOEDE_MEASURE_* bits; 0 = ARMOEDE_MEASURE_DEFAULT */
    /** Income column (REAL or INT); NULL = the INCOME role. */
    const char *income;
    /** Equivalise the income first (see armoede_equivalise); NULL = use it as it is. */
    const armoede_equivalise_options *equivalise;
    double p;                /**< threshold as a fraction of the median; default 0.6; (0, 10] */
    armoede_quantile_rule rule; /**< default ARMOEDE_QUANTILE_LAEKEN; LINEAR only unweighted */
    int at_or_below;         /**< 0 (default): poor when x < t (laeken); 1: x <= t */
    int domain_threshold;    /**< 0 (default): the year's threshold in every group; 1: the group's own */
    const char *const *by;
    size_t n_by;
    const char *const *margins;
    size_t n_margins;
    const double *fgt_alpha; /**< NULL = {0, 1, 2}; each in [0, 10] */
    size_t n_fgt_alpha;
    int fgt_line;            /**< ARMOEDE_LINE_ARPT (default), _NORM or _FIXED */
    double fgt_p;            /**< ARMOEDE_LINE_NORM: fraction of the minimum; default 1.0 */
    double fgt_value;        /**< ARMOEDE_LINE_FIXED: the line (> 0) */
    const armoede_norms *norms; /**< ARMOEDE_LINE_NORM from INCOME and a norms table (borrowed) */
    int persistent_window;   /**< default 4 (this year and the 3 before); 2..20 */
    int persistent_min;      /**< default 2 (of the window - 1 years before); 0..window-1 */
    int bootstrap;           /**< replicates; default 0 = none */
    unsigned long seed;      /**< default 1 */
    const char *strata;      /**< column (CAT or INT) or NULL */
    const char *cluster;     /**< column (CAT or INT) or NULL */
    double ci_level;         /**< default 0.95 */
    int nthreads;            /**< bootstrap threads; 0 = 2 */
    /** CBS population filters (default 0: every row, as laeken and Eurostat):
     *  leave out rows with WHOLE_YEAR == 0, STUDENT == 1, INSTITUTIONAL == 1
     *  (the role must be mapped when the filter is on). */
    int filter_whole_year;
    int filter_student;
    int filter_institutional;
} armoede_measures_options;

#define ARMOEDE_MEASURES_OPTIONS_INIT                                                            \
    {ARMOEDE_MEASURES_OPTIONS_VERSION, 0, NULL, NULL, 0.6, ARMOEDE_QUANTILE_LAEKEN, 0, 0, NULL,  \
     0, NULL, 0, NULL, 0, ARMOEDE_LINE_ARPT, 1.0, 0.0, NULL, 4, 2, 0, 1, NULL, NULL, 0.95, 0,    \
     0, 0, 0}
ARMOEDE_API void armoede_measures_options_init(armoede_measures_options *opts);

/** Compute the measures selected in opts (NULL = defaults) for every group
 *  (see above) into a new result *out (unit "persons"; keys: the year
 *  column when YEAR is mapped, then `by`; "Total" on margins, every
 *  combination of the margins). Errors: EINVAL (bad options, LINEAR with
 *  weights or bootstrap, the year column in by), ENOTFOUND (a role or
 *  column not mapped/found), ETYPE, ENORM, EDATA (a person twice in one
 *  year for persistent_arpr), ENOMEM. On error *out is NULL. */
ARMOEDE_API int armoede_measures(const armoede_table *t, const armoede_measures_options *opts,
                                 armoede_result **out);

#endif /* ARMOEDE_MEASURES_H */
