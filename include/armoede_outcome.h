/*
 * libarmoede: Outcome indicators: scheme registrations, take-up and non-take-up, debt at intake against the nation, debt-assistance results (issue 3).
 * Part of the public API; included by <armoede.h>, do not include it alone.
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/outcome.md puts the definitions below side by side for analysts.
 */
#ifndef ARMOEDE_OUTCOME_H
#define ARMOEDE_OUTCOME_H
#ifndef ARMOEDE_H
#error "include <armoede.h>, not this header"
#endif

/* ------------------------------------------------------------------------
 * Scheme registrations (a record type)
 *
 * One row per registration: who (a person or a household id), which scheme
 * (a code), when (a year, or a start date and an optional end date), and
 * optionally an amount. Any armoede_table with such columns will do; the
 * names of its columns are given here (a column is read only when named).
 * A registration "is in use in year Y":
 *  - year named, start/end not: when its year is Y;
 *  - start (and end) named, year not: when its period [start, end] (end
 *    missing = still running) has at least one day in Y;
 *  - year and start and/or end named: a row with a year is in use in that
 *    year only, and only when its period [start, end] (either end missing =
 *    open on that side) has a day in it; a row whose dates do not overlap
 *    its year (year=2022, start=2015-05-01, end=2015-06-01) is left out and
 *    counted in a note naming its file, line, the start (or end) column and
 *    value. A row without a year is in use in the years its period covers.
 * An end before the start is an error in every case. The amount is never
 * used by take-up; where the amount column is named (reader, take-up, the
 * monitor's amount_column) a negative amount is ARMOEDE_EDATA.
 * ---------------------------------------------------------------------- */
#define ARMOEDE_REGISTRATION_COLUMNS_VERSION 1
typedef struct armoede_registration_columns {
    unsigned int version;
    /** The id column (INT or CAT). Matched against the income table's
     *  PERSON_ID (level ARMOEDE_LEVEL_PERSON) or HOUSEHOLD_ID (level
     *  ARMOEDE_LEVEL_HOUSEHOLD) by value: INT against INT, labels against
     *  labels (an INT id is written in decimal to be compared with a CAT one). */
    const char *id;
    int level;             /**< ARMOEDE_LEVEL_PERSON (default) or ARMOEDE_LEVEL_HOUSEHOLD */
    const char *scheme;    /**< the scheme code column (CAT or INT) */
    const char *year;      /**< INT year column; or NULL, and then start (and end) */
    const char *start;     /**< DATE column: first day; with year: checked against it (NULL = none) */
    const char *end;       /**< DATE column: last day (missing = open); optional */
    const char *amount;    /**< numeric column (optional; checked >= 0, not used by take-up) */
} armoede_registration_columns;
#define ARMOEDE_REGISTRATION_COLUMNS_INIT \
    {ARMOEDE_REGISTRATION_COLUMNS_VERSION, "id", ARMOEDE_LEVEL_PERSON, "scheme", "year", NULL, NULL, NULL}
/** Set *cols to ARMOEDE_REGISTRATION_COLUMNS_INIT: id "id" at person level,
 *  scheme "scheme", year "year", no start, end or amount column. NULL: no-op. */
ARMOEDE_API void armoede_registration_columns_init(armoede_registration_columns *cols);

/** Read a registrations CSV with the types the columns need declared (id:
 *  AUTO, scheme: CAT, year: INT, start/end: DATE, amount: REAL; other
 *  columns are not loaded) and check it: a missing scheme or id, a missing
 *  year (and, when a start column is named, start date), an end date before
 *  the start date and a negative amount are ARMOEDE_EDATA errors naming
 *  file, line, column and value; an id with a fraction is ARMOEDE_ETYPE
 *  naming them likewise. A file with a header only gives a table of 0 rows
 *  (take-up then reports zero users). Dates that do not overlap the year are
 *  not an error here: take-up leaves such rows out with a note.
 *  opts as for armoede_table_read_csv (its columns/types fields must be
 *  NULL: they are set here). *out is freed with armoede_table_free.
 *  Errors: EINVAL, the reader's errors (EIO, EPARSE: a date other than
 *  YYYY-MM-DD, ETYPE, ENOTFOUND: a named column missing), EDATA, ENOMEM;
 *  on error *out is NULL. */
ARMOEDE_API int armoede_registrations_read_csv(const char *path,
                                               const armoede_registration_columns *cols,
                                               const armoede_read_options *opts,
                                               armoede_table **out);

/* ------------------------------------------------------------------------
 * Take-up and non-take-up (indicators.md OUTCOME 1 and 5)
 *
 * The population is that of the impact indicators (armoede_impact_options:
 * the ratio to the minimum, the CBS filters, weights, `by` and `margins`),
 * over a person-year table (PERSON_ID mapped) or a household-year table.
 * A unit is a household-year (one per HOUSEHOLD_ID and YEAR, attributes from
 * its first row, as armoede_minima) or a person-year (a row).
 *
 * Eligibility for a scheme in year Y, all parts that are set must hold:
 *  - in the population of Y (CBS filters);
 *  - income test (threshold p > 0): at or below p x the norm, exactly as
 *    armoede_minima ("tot en met", whole cents, or millionths of a percent);
 *  - duration test (min_years d > 1): at or below duration_threshold (0 =
 *    p) in Y and in each of the d-1 years before (d consecutive years; a
 *    year out of the population or absent breaks the run). Persons are
 *    followed by PERSON_ID across households, so a member of a household
 *    that split keeps the years of the old household; a household unit
 *    meets the test when at least one member does (in a household-year
 *    table: followed by HOUSEHOLD_ID). Exactly d years qualifies;
 *  - needs_minors: the household has a member under 18 (as the minors of
 *    armoede_minima; N_MINORS > 0 in a household-year table);
 *  - age band [age_min, age_max] (inclusive, -1 = open; age on 31 December
 *    from AGE, else YEAR - BIRTH_YEAR): the person's age; a household unit
 *    qualifies when at least one member's age is in the band; an unknown age
 *    is not in any band;
 *  - condition: "COLUMN OP VALUE" clauses joined by " and ", OP one of
 *    = != < <= > >= (CAT columns: = and != on labels; numeric columns: all
 *    six on numbers); a missing value fails the clause. The condition is
 *    evaluated per row (person), all clauses on the same row; at household
 *    level it holds when at least one member row satisfies every clause
 *    (the whole AND-condition on one member: "age >= 65 and sex = f" needs
 *    a member who is both, not one member of 65+ and another woman).
 * A unit uses a scheme in Y when a registration of the scheme is in use in
 * Y under the unit's person id (level person) or household id (level
 * household); a household unit uses it when any member does.
 *
 * Indicators, per scheme (key "scheme"), unit and group:
 *  "take_up":     num = eligible units that use it,     den = eligible units;
 *  "non_take_up": num = eligible units that do not,     den = eligible units
 *                 (so non_take_up = 1 - take_up);
 *  "leakage":     num = users in the population who are not eligible,
 *                 den = users in the population.
 * THRESHOLD holds p (NaN without income test), DURATION d (NaN when d <= 1).
 * The set any_of (scheme key any_label, default "any") is a scheme too:
 * eligible when eligible for at least one member scheme, used when at least
 * one is used.
 * "reach" (the CBS local-scan layout): for each reach group (p, d): den =
 * units at or below p in Y and each of the d-1 years before, num = those of
 * them that use the scheme; per scheme and for any_of; THRESHOLD = p,
 * DURATION = d. Default groups: up to 130%, up to 110%, long-term (4 years)
 * up to 110% (CBS armoedescan, see shared/reference/facts.md).
 * work_breakdown adds the key "main_income" (levels "work", "not_work" and
 * "Total"): work when INCOME_SOURCE is one of work_sources (default
 * {"work"}); a missing source leaves the unit out of that breakdown's cells
 * only as any missing key does.
 * "holder_uptake" (Kindpas uptake, OUTCOME 5), when holder_scheme and
 * holder_child_scheme are set: den = units with minors that use
 * holder_scheme in Y (the pass holders; CBS income filters do not apply),
 * num = those that use holder_child_scheme in Y; key "pass_holder": "new"
 * (not a holder in Y-1), "existing" (a holder in Y-1) and "Total"; in the
 * first year of the income table "existing" and "new" cannot be told and
 * only "Total" is reported.
 *
 * Bad input, documented rules (each counted in the result's notes, naming
 * the first file line, column and value): registrations whose scheme code
 * is not a configured scheme are ignored; registrations whose id is not in
 * the income table in a year they are in use are not counted (they cannot
 * be placed); years of a registration outside the years of the income table
 * are ignored; a registration whose year and dates do not overlap is left
 * out (see above); users outside the population (filters, negative income;
 * e.g. a household with income for part of the year under the whole-year
 * filter) are in no take-up, leakage or reach cell and are counted in the
 * note "unit-years that use a scheme are outside the population"; a
 * registrations table without rows gives zero users (noted). A missing id,
 * scheme, year or start date, an end before the start and a negative amount
 * (amount column named) are ARMOEDE_EDATA errors naming the file, line,
 * column and value. A column of the wrong type (a year "2022.5", an id
 * "1.5", a start date that is no date) is ARMOEDE_ETYPE naming the file,
 * line, column and first offending value (the income table's year role
 * takes integer columns only: armoede_table_set_role); a column of the
 * registrations the reader could not type because all its cells are empty
 * counts as missing values (so the rules above apply: an empty year column
 * is EDATA on its first row).
 * ---------------------------------------------------------------------- */
typedef struct armoede_scheme {
    const char *code;          /**< scheme code as in the registrations */
    double threshold;          /**< p (1.10 = 110%); 0 = no income test */
    int min_years;             /**< d: consecutive years at low income; 0 or 1 = no duration test */
    double duration_threshold; /**< threshold of the duration test; 0 = threshold */
    int needs_minors;          /**< 1: household with minors only */
    int age_min, age_max;      /**< age band, inclusive; -1 = open */
    const char *condition;     /**< NULL or "COLUMN OP VALUE [and ...]" */
} armoede_scheme;
#define ARMOEDE_SCHEME_INIT {NULL, 0.0, 1, 0.0, 0, -1, -1, NULL}

typedef struct armoede_reach_group {
    double threshold; /**< p */
    int min_years;    /**< d >= 1 */
} armoede_reach_group;

#define ARMOEDE_TAKE_UP_OPTIONS_VERSION 1
typedef struct armoede_take_up_options {
    unsigned int version;
    /** Population, norms, filters, by, margins, ci_level (thresholds,
     *  durations and units there are ignored). NULL = the defaults. */
    const armoede_impact_options *population;
    armoede_registration_columns registrations;
    const armoede_scheme *schemes; /**< 1..64 schemes, codes distinct */
    size_t n_schemes;
    /** The set for "uses at least one": codes of schemes above; NULL = all
     *  schemes when there are two or more, none otherwise. */
    const char *const *any_of;
    size_t n_any_of;
    const char *any_label;         /**< default "any" */
    /** Reach groups; NULL = {1.3, 1}, {1.1, 1}, {1.1, 4}; a non-NULL pointer
     *  with n_reach 0 = no "reach" rows. */
    const armoede_reach_group *reach;
    size_t n_reach;
    /** ARMOEDE_UNIT_HOUSEHOLDS and/or ARMOEDE_UNIT_PERSONS; 0 = households. */
    unsigned int units;
    int take_up;                   /**< 1 (default): take_up, non_take_up, leakage rows */
    int work_breakdown;            /**< 1: key main_income (default 0) */
    const char *const *work_sources;
    size_t n_work_sources;
    const char *holder_scheme;       /**< e.g. "stadjerspas"; NULL = no holder_uptake */
    const char *holder_child_scheme; /**< e.g. "kindpas" */
} armoede_take_up_options;
#define ARMOEDE_TAKE_UP_OPTIONS_INIT                                                          \
    {ARMOEDE_TAKE_UP_OPTIONS_VERSION, NULL, ARMOEDE_REGISTRATION_COLUMNS_INIT, NULL, 0, NULL, 0, \
     NULL, NULL, 0, 0, 1, 0, NULL, 0, NULL, NULL}
/** Set *opts to ARMOEDE_TAKE_UP_OPTIONS_INIT: default population, the
 *  registration columns of ARMOEDE_REGISTRATION_COLUMNS_INIT, no schemes
 *  (set schemes and n_schemes before use), any_of = all schemes, the CBS
 *  reach groups, households, take-up rows on, no work breakdown, no holder
 *  uptake. NULL: no-op. */
ARMOEDE_API void armoede_take_up_options_init(armoede_take_up_options *opts);

/** Take-up, non-take-up, leakage, reach and holder uptake as described
 *  above, from an income table t (roles as for armoede_minima) and a
 *  registrations table reg (columns named in opts->registrations). Keys:
 *  "scheme", ["pass_holder"], the by-columns, ["main_income"]. Unweighted
 *  counts are units; with a WEIGHT role the weighted sums and the
 *  linearised SE of armoede_minima. Errors: EINVAL (NULL, bad options, a
 *  bad condition, duplicate scheme codes), ENOTFOUND (a role, column or
 *  scheme of any_of/holder missing), ETYPE, ENORM, EDATA (see above; also a
 *  person twice in one year), ENOMEM. On success *out receives a new result
 *  (free it with armoede_result_free); on error *out is NULL. t and reg
 *  are only read (several calls may share them across threads). */
ARMOEDE_API int armoede_take_up(const armoede_table *t, const armoede_table *reg,
                                const armoede_take_up_options *opts, armoede_result **out);

/* ------------------------------------------------------------------------
 * Debt assistance (indicators.md OUTCOME 2 and 4)
 *
 * A case table: one row per case of debt assistance (schuldhulpverlening)
 * with the columns named in armoede_case_columns. The year of a case is the
 * year of its intake date (intake statistics) or of its closing date
 * (results).
 * National figures: a table with the columns indicator, year, value and
 * population (data/national_figures.csv, each row with its source). The
 * figure compared with a cell is the row of the same indicator and the same
 * year whose population stands for the cell's client type: "private
 * persons" for private persons, "entrepreneurs" for entrepreneurs, any
 * other population ("all clients", "ordinary cases (crisis cases
 * excluded)", "settlement proposals") for the Total. Two such rows are
 * EDATA naming both lines. When there is none, the ratio row is reported
 * with status ARMOEDE_CELL_NO_DATA, the reason "no national figure
 * INDICATOR for YEAR (POPULATION)" and a note, and REFERENCE is NaN;
 * another year's figure is never used.
 * Columns: every column named in armoede_case_columns must exist (ENOTFOUND
 * otherwise); set a name to NULL to go without it (its rows are then not
 * produced: no debt, creditors or days rows; no crisis rule; no recidivism
 * without client_id).
 * ---------------------------------------------------------------------- */
#define ARMOEDE_CASE_COLUMNS_VERSION 1
typedef struct armoede_case_columns {
    unsigned int version;
    const char *client_id;         /**< person or household id (INT or CAT); needed for recidivism */
    const char *intake;            /**< DATE of the intake (aanmelding); required */
    const char *client_type;       /**< CAT: private person or entrepreneur */
    const char *debt;              /**< REAL: total debt at intake, euros */
    const char *creditors;         /**< INT: number of creditors at intake */
    const char *first_appointment; /**< DATE of the first conversation */
    const char *crisis;            /**< INT 0/1: crisis case (optional) */
    const char *closed;            /**< DATE the case was closed (missing = open) */
    const char *outcome;           /**< CAT: outcome code of a closed case */
} armoede_case_columns;
#define ARMOEDE_CASE_COLUMNS_INIT                                                             \
    {ARMOEDE_CASE_COLUMNS_VERSION, "client_id", "intake_date", "client_type", "debt",          \
     "creditors", "first_appointment", "crisis", "closed_date", "outcome"}

#define ARMOEDE_DEBT_OPTIONS_VERSION 1
typedef struct armoede_debt_options {
    unsigned int version;
    armoede_case_columns columns;
    const char *private_label;      /**< client_type label of private persons; default "private" */
    const char *entrepreneur_label; /**< default "entrepreneur" */
    /** National figures (borrowed for the call); NULL = no comparison. */
    const armoede_table *national;
    const char *const *by;          /**< further breakdowns: columns of the case table */
    size_t n_by;
    const char *const *margins;
    size_t n_margins;
    int include_crisis_days;        /**< 1: crisis cases in days to first appointment; default 0 (NVVK) */
    int bootstrap;                  /**< replicates for the ratio's interval; default 2000; 0 = none */
    unsigned long seed;             /**< bootstrap seed; default 20240101 */
    double ci_level;                /**< default 0.95 */
    /** Outcome codes meaning "a settlement (schuldregeling) was reached";
     *  NULL = {"settlement"}. */
    const char *const *settlement_codes;
    size_t n_settlement_codes;
    /** Outcome codes meaning "completed successfully"; NULL = {"completed"}. */
    const char *const *completed_codes;
    size_t n_completed_codes;
    int recidivism_years;           /**< default 5 */
    /** Last day covered by the data (day number); INT32_MIN (default) =
     *  the latest intake date in the table. */
    int32_t observed_until;
} armoede_debt_options;
#define ARMOEDE_DEBT_OPTIONS_INIT                                                             \
    {ARMOEDE_DEBT_OPTIONS_VERSION, ARMOEDE_CASE_COLUMNS_INIT, NULL, NULL, NULL, NULL, 0, NULL, \
     0, 0, 2000, 20240101UL, 0.95, NULL, 0, NULL, 0, 5, INT32_MIN}
/** Set *opts to ARMOEDE_DEBT_OPTIONS_INIT: the column names of
 *  ARMOEDE_CASE_COLUMNS_INIT, labels "private" and "entrepreneur", no
 *  national figures, no breakdowns, crisis cases out of the days rows, 2000
 *  bootstrap resamples with seed 20240101 at level 0.95, settlement codes
 *  {"settlement"}, completed codes {"completed"}, 5 years of recidivism
 *  follow-up, observed until the latest intake. NULL: no-op. */
ARMOEDE_API void armoede_debt_options_init(armoede_debt_options *opts);

/** Debt at intake against the nation (OUTCOME 2), by intake year (key
 *  "year"), client type (key "client_type": the two labels and "Total" =
 *  all clients; a case without client type is only in "Total", counted in
 *  a note) and the by-columns; unit "cases". For each of three measures,
 *  debt (national indicator nvvk_mean_debt_at_intake), creditors
 *  (nvvk_mean_creditors) and days from intake to the first appointment
 *  (nvvk_mean_days_to_appointment; crisis cases left out unless
 *  include_crisis_days), three rows:
 *   "<m>_mean":   estimate = mean, NUM_W = sum, DEN_W = NUM_N = DEN_N =
 *                 cases with a value; REFERENCE = the national figure;
 *   "<m>_median": the median (mean of the two middle values when their
 *                 number is even); REFERENCE = the national median
 *                 (indicator nvvk_median_debt_at_intake,
 *                 nvvk_median_creditors, nvvk_median_days_to_appointment)
 *                 where the national table has one, else NaN: a national
 *                 mean is never put next to a local median (none ships in
 *                 data/national_figures.csv; a note counts the cells);
 *   "<m>_ratio":  estimate = local mean / national mean of the same year
 *                 and population; SE and CI_LOW/CI_HIGH by a percentile
 *                 bootstrap: `bootstrap` resamples of the cell's cases
 *                 with replacement (GSL mt19937 seeded with seed + the
 *                 cell's position, so results do not depend on anything
 *                 but the data and the seed), the national figure taken
 *                 as fixed; SE = the replicates' standard deviation.
 *  with m = "debt", "creditors", "days_to_appointment".
 *  Debt rows (mean and ratio) are magnitude cells: disclosure control
 *  applies its dominance rule to them (armoede_sdc_options).
 *  Rules: a negative or missing debt leaves the case out of the debt rows
 *  (the case still counts for creditors and days); a negative or missing
 *  number of creditors likewise for creditors; a first appointment before
 *  the intake, or missing, likewise for days; a missing intake date is
 *  EDATA naming file, line, column and value; an unknown client type label
 *  is EDATA likewise. Each rule that left rows out is counted in the notes
 *  with its first line. Errors: EINVAL, ENOTFOUND (a column missing),
 *  ETYPE, EDATA, ENOMEM. On success *out receives a new result (free it
 *  with armoede_result_free); on error *out is NULL. opts NULL = the
 *  defaults. */
ARMOEDE_API int armoede_debt_intake(const armoede_table *cases, const armoede_debt_options *opts,
                                    armoede_result **out);

/** Debt-assistance results (OUTCOME 4), by closing year (key "year"),
 *  client type and the by-columns; unit "cases":
 *   "settlement_share": num = closed cases with an outcome in
 *                       settlement_codes, den = closed cases with an
 *                       outcome; REFERENCE NaN: NVVK's published share
 *                       (nvvk_settlement_agreed_share) is accepted proposals
 *                       / proposals put to creditors, a different
 *                       denominator the case records cannot reproduce (they
 *                       do not say which cases had a proposal), so it is not
 *                       compared (said in a note); opts->national is not
 *                       used by this function;
 *   "completed_share":  likewise for completed_codes (no national figure
 *                       ships);
 *   "recidivism":       den = closed cases of clients with an id whose
 *                       follow-up (closing date + recidivism_years years, the
 *                       same calendar day; 29 February -> 28 February) ends on
 *                       or before observed_until; num = those of them whose
 *                       client has a new intake after the closing date and on
 *                       or before the end of the follow-up; DURATION = the
 *                       years.
 *  A closing date before the intake date is EDATA. Closed cases without an
 *  outcome are counted in a note. Errors, ownership and opts as
 *  armoede_debt_intake. */
ARMOEDE_API int armoede_debt_results(const armoede_table *cases, const armoede_debt_options *opts,
                                     armoede_result **out);

#endif /* ARMOEDE_OUTCOME_H */
