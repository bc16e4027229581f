/*
 * libarmoede: Survey estimation: weighted shares with design-based standard errors and confidence intervals (issue 3).
 * Part of the public API; included by <armoede.h>, do not include it alone.
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A survey table holds one row per respondent: the answer to an item (CAT,
 * or INT codes whose labels are their decimal values), the design columns
 * (weight, stratum, cluster = primary sampling unit, optional finite
 * population correction), optional domain and breakdown columns. The design
 * is read as R's survey package reads
 *   svydesign(ids = ~cluster, strata = ~stratum, weights = ~weight,
 *             fpc = ~fpc, nest = TRUE)
 * and the estimates agree with svymean / svyciprop / svyby on that design
 * (tests/test_survey_r.c checks it to 1e-8). docs/survey.md has the formulas.
 *
 * Definitions (all functions below):
 *  - Design. A PSU is a distinct (stratum, cluster) pair (clusters are
 *    nested in strata; the same cluster code in two strata is two PSUs).
 *    No stratum column: one stratum. No cluster column: every row is its
 *    own PSU. No weight column (and no ARMOEDE_ROLE_WEIGHT): weight 1.
 *    n_h = the number of PSUs of stratum h in the whole table.
 *  - fpc (optional): per row, constant within a stratum; either all values
 *    >= 1 with at least one > 1: N_h, the number of PSUs in the population
 *    of stratum h; or all in (0, 1]: the sampling fraction n_h / N_h. The
 *    correction is f_h = (N_h - n_h) / N_h (1 without fpc).
 *  - The analysis set of a cell: rows in the cell's group (every by-key
 *    present and equal), in the domain (`filter`), with a positive weight
 *    and a valid answer (not missing, not one of `exclude`). Every other
 *    row still belongs to the design (its PSU counts in n_h) and
 *    contributes zero: domains are estimated over the full design (R:
 *    svyby on a subset() of the design), never by cutting the sample.
 *  - y_i = 1 when row i's answer is one of `categories`, else 0.
 *    Estimate p = sum_S w_i y_i / sum_S w_i over the analysis set S.
 *  - Variance by Taylor linearisation (ultimate cluster, PSUs drawn with
 *    replacement within strata): z_i = w_i (y_i - p) / sum_S w (0 outside
 *    S), Z_hj = the sum of z_i over PSU j of stratum h, and
 *      V = sum_h f_h n_h/(n_h - 1) sum_j (Z_hj - Zbar_h)^2,
 *    Zbar_h = sum_j Z_hj / n_h over all n_h PSUs of h (those without rows
 *    in S have Z_hj = 0). SE = sqrt(V). A stratum with f_h < 1e-7 (fully
 *    sampled) contributes 0.
 *  - A stratum with one PSU (n_h = 1, f_h >= 1e-7) follows lonely_psu, as
 *    R's options(survey.lonely.psu): FAIL (default, as R): ARMOEDE_EDATA
 *    naming the stratum and a row; REMOVE and CERTAINTY: it contributes 0;
 *    ADJUST: it contributes f_h Z_h1^2 (centred at 0, the mean of the
 *    score); AVERAGE: it is left out and V is multiplied by (strata of the
 *    cell) / (strata of the cell that are not lonely), counting strata with
 *    at least one row in S. The number of lonely strata and the rule are
 *    reported in a note.
 *  - Degrees of freedom df = (PSUs with a row in S) - (strata with a row in
 *    S), as R's degf() of the subset design; opts->df overrides it.
 *  - Confidence intervals at level 1 - a (t = the 1 - a/2 quantile of
 *    Student's t with df degrees of freedom; normal when df is infinite;
 *    CI NaN when df < 1), n = respondents in S:
 *      WALD (svyciprop "mean"):  p -/+ t SE.
 *      LOGIT (svyciprop "logit", the default): expit(logit p -/+ t SE /
 *            (p(1-p))); at p = 0 or 1 the interval is [p, p].
 *      ASIN  (svyciprop "asin"): sin^2(asin(sqrt p) -/+ t SE /
 *            (2 sqrt(p(1-p)))), the angle clipped to [0, pi/2].
 *      WILSON (with design effect): the Wilson score interval with the
 *            effective sample size n* = p(1-p)/V (= n / deff) and t:
 *            (p + t^2/(2n*) -/+ t sqrt(p(1-p)/n* + t^2/(4n*^2))) / (1 + t^2/n*).
 *      CLOPPER_PEARSON (design-blind): beta quantiles with n and x = p n:
 *            [B(a/2; x, n-x+1), B(1-a/2; x+1, n-x)].
 *      KORN_GRAUBARD (svyciprop "beta"): as CLOPPER_PEARSON with
 *            n* = p(1-p)/V x (t_{n-1} / t_df)^2 in place of n, where t_k is
 *            the a/2 quantile of t with k degrees of freedom.
 *    When V = 0 (p = 0 or 1, or one PSU) the effective size p(1-p)/V is
 *    undefined and n is used in its place: WILSON uses n* = n; KORN_GRAUBARD
 *    uses n* = n x (t_{n-1} / t_df)^2 (n first, then the same t-ratio
 *    scaling as above, so with df < n - 1 the interval is wider than
 *    CLOPPER_PEARSON's on n). R's svyciprop(method = "beta") gives NaN there.
 *    A bound at x = 0 is 0, at x = n it is 1 (x = p n*).
 *
 * Missing and odd values: a missing answer, or one listed in `exclude`
 * ("don't know"), leaves the row out of the denominator (counted in the
 * notes); a zero weight keeps the row in the design but out of every
 * estimate (counted); a missing, negative or non-finite weight, a missing
 * stratum, cluster or fpc, an fpc that varies within a stratum or implies
 * more than 100% sampling: ARMOEDE_EDATA naming file, line, column and
 * value. A missing by-key leaves the row out of every cell (counted); a
 * missing filter value means "not in the domain" (counted). A category that
 * never occurs in the item is reported in a note.
 * ---------------------------------------------------------------------- */
#ifndef ARMOEDE_SURVEY_H
#define ARMOEDE_SURVEY_H
#ifndef ARMOEDE_H
#error "include <armoede.h>, not this header"
#endif

/** Rules for a stratum with a single PSU (R: options(survey.lonely.psu)). */
typedef enum armoede_lonely_psu {
    ARMOEDE_LONELY_FAIL = 0,     /**< an error (default, as R) */
    ARMOEDE_LONELY_REMOVE = 1,   /**< contributes nothing */
    ARMOEDE_LONELY_ADJUST = 2,   /**< deviation from 0, the score's mean */
    ARMOEDE_LONELY_AVERAGE = 3,  /**< left out, the variance scaled up */
    ARMOEDE_LONELY_CERTAINTY = 4 /**< a certainty PSU: contributes nothing */
} armoede_lonely_psu;

/** Confidence interval methods for a proportion (definitions above). */
typedef enum armoede_ci_method {
    ARMOEDE_CI_LOGIT = 0,
    ARMOEDE_CI_WALD = 1,
    ARMOEDE_CI_ASIN = 2,
    ARMOEDE_CI_WILSON = 3,
    ARMOEDE_CI_CLOPPER_PEARSON = 4,
    ARMOEDE_CI_KORN_GRAUBARD = 5,
    ARMOEDE_CI_METHOD_COUNT_ /**< not a method */
} armoede_ci_method;

/** The method's name as used in config files ("logit", "wald", "asin",
 *  "wilson", "clopper_pearson", "korn_graubard"); NULL if out of range. */
ARMOEDE_API const char *armoede_ci_method_name(int method);
/** The method with that name, or ARMOEDE_ENOTFOUND. */
ARMOEDE_API int armoede_ci_method_from_name(const char *name);
/** The lonely-PSU rule's name ("fail", "remove", "adjust", "average",
 *  "certainty"); NULL if out of range. */
ARMOEDE_API const char *armoede_lonely_psu_name(int rule);
/** The rule with that name, or ARMOEDE_ENOTFOUND. */
ARMOEDE_API int armoede_lonely_psu_from_name(const char *name);

#define ARMOEDE_SURVEY_OPTIONS_VERSION 1
/** What to estimate and the design. Strings and arrays are borrowed for the
 *  call. */
typedef struct armoede_survey_options {
    unsigned int version;
    const char *item;                 /**< column of answers (CAT or INT); required */
    const char *const *categories;    /**< answers that count as "yes" (labels); >= 1 */
    size_t n_categories;
    const char *const *exclude;       /**< answers treated as missing ("don't know") */
    size_t n_exclude;
    const char *weight;               /**< NULL: ARMOEDE_ROLE_WEIGHT if mapped, else 1 */
    const char *stratum;              /**< NULL: one stratum */
    const char *cluster;              /**< NULL: each row its own PSU */
    const char *fpc;                  /**< NULL: no finite population correction */
    const char *filter;               /**< domain column (NULL: everybody) ... */
    const char *const *filter_levels; /**< ... rows whose label is one of these */
    size_t n_filter_levels;
    const char *const *by;            /**< breakdown columns (CAT or INT), as impact */
    size_t n_by;
    const char *const *margins;       /**< by-columns that also get a "Total" */
    size_t n_margins;
    int lonely_psu;                   /**< armoede_lonely_psu; default FAIL */
    int ci_method;                    /**< armoede_ci_method; default LOGIT */
    double ci_level;                  /**< default 0.95 */
    double df;                        /**< 0 (default): the design's df; > 0: this df; INFINITY: normal */
    const char *indicator;            /**< indicator name in the result; NULL = "survey_share" */
} armoede_survey_options;

#define ARMOEDE_SURVEY_OPTIONS_INIT                                                             \
    {ARMOEDE_SURVEY_OPTIONS_VERSION, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL,     \
     NULL, 0, NULL, 0, NULL, 0, ARMOEDE_LONELY_FAIL, ARMOEDE_CI_LOGIT, 0.95, 0.0, NULL}
ARMOEDE_API void armoede_survey_options_init(armoede_survey_options *opts);

/** Weighted share answering one of opts->categories, per cell of the
 *  breakdown (and its margins; the whole sample when n_by is 0), with the
 *  design-based SE and the interval of opts->ci_method. Result rows: unit
 *  "respondents"; estimate p; numerator/denominator = weighted sums
 *  sum_S w y and sum_S w; numerator_n/denominator_n = respondents in S
 *  answering yes / in S; se, ci_low, ci_high. Cells with an empty S are not
 *  reported. Notes: rows read, each rule that left rows out, lonely strata,
 *  categories never seen, the design (strata, PSUs, df) and the method.
 *  Errors: EINVAL (bad options), ENOTFOUND (a column), ETYPE (a column of
 *  the wrong type), EDATA (bad design values, lonely PSU under FAIL),
 *  ENOMEM. The result is new (free with armoede_result_free). */
ARMOEDE_API int armoede_survey_share(const armoede_table *t, const armoede_survey_options *opts,
                                     armoede_result **out);

/** Two domains of one design (e.g. two districts): per cell of opts->by
 *  (which must not contain `column`), the difference d = p_b - p_a between
 *  the rows whose `column` label is level_b and those with level_a, with
 *  SE from the linearised score of the difference (z_b - z_a, so the
 *  covariance of the two estimates is included; R: svyby(covmat = TRUE) and
 *  svycontrast), statistic d / SE and a two-sided p-value from Student's t
 *  with df = (PSUs - strata with a row of either domain) (or opts->df).
 *  Rows: indicator NAME (opts->indicator or "survey_diff"): estimate d,
 *  se, ci_low/ci_high (d -/+ t SE), reference = p_a, numerator_n = n_b,
 *  denominator_n = n_a + n_b, statistic = d / SE, p_value = the two-sided
 *  p-value. ci_method is not used. Errors as
 *  armoede_survey_share, plus EINVAL when level_a equals level_b. */
ARMOEDE_API int armoede_survey_compare(const armoede_table *t, const armoede_survey_options *opts,
                                       const char *column, const char *level_a,
                                       const char *level_b, armoede_result **out);

/** Two independent samples (e.g. two waves): the shares of a and b are
 *  estimated with the same opts, and per cell present in both, d = p_b -
 *  p_a, SE = sqrt(SE_a^2 + SE_b^2), statistic d / SE and a two-sided
 *  p-value from the normal distribution; ci_low/ci_high = d -/+ z SE. Rows
 *  as armoede_survey_compare (indicator default "survey_change"). Cells in
 *  only one sample are counted in a note. Errors as armoede_survey_share. */
ARMOEDE_API int armoede_survey_change(const armoede_table *a, const armoede_table *b,
                                      const armoede_survey_options *opts, armoede_result **out);

#endif /* ARMOEDE_SURVEY_H */
