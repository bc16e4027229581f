/*
 * libarmoede: Process and programme indicators: Dutch working-day calendar, throughput, output, input (issue 4).
 * Part of the public API; included by <armoede.h>, do not include it alone.
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dates are day numbers: days since 1970-01-01 in the proleptic Gregorian
 * calendar (as ARMOEDE_TYPE_DATE columns hold them; armoede_date_from_ymd and
 * armoede_date_to_ymd convert). The long-form definitions, rules and config
 * keys are in docs/process.md.
 */
#ifndef ARMOEDE_PROCESS_H
#define ARMOEDE_PROCESS_H
#ifndef ARMOEDE_H
#error "include <armoede.h>, not this header"
#endif

/* ------------------------------------------------------------------------
 * The Dutch working-day calendar (Algemene termijnenwet, BWBR0002448)
 *
 * Holidays (art. 3, and Good Friday by art. 3(2)): New Year's Day (1 Jan),
 * Good Friday (Easter - 2), Easter Sunday and Monday (Easter, Easter + 1),
 * the King's or Queen's birthday as celebrated, 5 May, Ascension Day
 * (Easter + 39), Whit Sunday and Monday (Easter + 49, + 50), Christmas Day
 * and Boxing Day (25, 26 Dec). Easter Sunday by the anonymous Gregorian
 * (Meeus/Jones/Butcher) computus. The royal birthday: from 2014 King's Day
 * 27 April, or 26 April when the 27th is a Sunday; 1980-2013 Queen's Day
 * 30 April, or 29 April when the 30th is a Sunday; 1949-1979 30 April, or
 * 1 May when the 30th is a Sunday. Years from 2014 on all use the King's Day
 * rule (a later monarch's birthday would change it). The calendar covers the
 * years 1949..9999; a day outside them is EINVAL.
 * A working day is a day that is neither a Saturday, a Sunday nor such a
 * holiday. Days the government equates with holidays by royal decree (the
 * "bridge days") are not included.
 * ---------------------------------------------------------------------- */

/** Easter Sunday of year (1583..9999) as a day number into *day.
 *  Errors: EINVAL (NULL, year out of range). Since 0.1.0. */
ARMOEDE_API int armoede_easter(int year, int32_t *day);

/** 1 when day is a holiday of the Algemene termijnenwet (above), 0 when it is
 *  not; name (may be NULL) receives a static English name ("Good Friday",
 *  "King's Day", ...) or NULL. Errors: EINVAL (year outside 1949..9999).
 *  Since 0.1.0. */
ARMOEDE_API int armoede_nl_holiday(int32_t day, const char **name);

/** 1 when day is a working day (not Saturday, Sunday or holiday), else 0.
 *  Errors: EINVAL (year outside 1949..9999). Since 0.1.0. */
ARMOEDE_API int armoede_nl_working_day(int32_t day);

/** The number of working days d with from < d <= to into *n (the start day
 *  does not count, the end day does: Monday to the next Monday is 5); when
 *  to < from, minus the number of working days d with to < d <= from.
 *  O(1) per full year. Errors: EINVAL (NULL, a day outside 1949..9999). */
ARMOEDE_API int armoede_nl_working_days(int32_t from, int32_t to, int64_t *n);

/** The n-th working day after from (n >= 0; n = 0 gives from itself) into
 *  *out. Errors: EINVAL (NULL, n < 0, a result outside 1949..9999). */
ARMOEDE_API int armoede_nl_add_working_days(int32_t from, int n, int32_t *out);

/** Units of a term. */
typedef enum armoede_term_unit {
    ARMOEDE_TERM_DAYS = 0,         /**< calendar days */
    ARMOEDE_TERM_WEEKS = 1,        /**< 7 calendar days each */
    ARMOEDE_TERM_MONTHS = 2,       /**< calendar months (same day of month, or the month's last day) */
    ARMOEDE_TERM_WORKING_DAYS = 3  /**< working days as armoede_nl_add_working_days */
} armoede_term_unit;

/** The last day of a legal term of n units that starts on day `start` (the
 *  day of the event; it does not count) into *end. Without atw: start + n
 *  days, + 7n days, n months later (31 Jan + 1 month = 28/29 Feb), or the
 *  n-th working day after start. With atw != 0 the extensions of the
 *  Algemene termijnenwet apply to a term of at most 90 days, 12 weeks or
 *  3 months (art. 4: not to longer terms): art. 2 first (a term of at least
 *  3 days is extended until it contains at least two working days after the
 *  start day), then art. 1 (a term ending on a Saturday, Sunday or holiday
 *  runs to the next working day). Working-day terms end on a working day
 *  and contain n working days already.
 *  Errors: EINVAL (NULL, n < 0, unit unknown, a day outside 1949..9999). */
ARMOEDE_API int armoede_term_end(int32_t start, int n, armoede_term_unit unit, int atw,
                                 int32_t *end);

/* ------------------------------------------------------------------------
 * Process indicators: options shared by every function below. Each field
 * says which functions read it; the others ignore it.
 *
 * Common rules:
 *  - Date columns are DATE columns (ISO YYYY-MM-DD in a file; see
 *    armoede_read_options) or INT columns of day numbers.
 *  - Breakdowns `by` (CAT or INT columns) and `margins` as for
 *    armoede_impact_options: rows with a missing key are left out and
 *    counted in the notes; every combination of margins gets "Total".
 *  - Counts of cases, persons and households carry their unweighted counts
 *    in numerator_n / denominator_n (so that disclosure control applies);
 *    money, milestones and ratings carry them in the weighted fields only
 *    (numerator, denominator): they are not persons.
 *  - Quantiles (median, 90th percentile) are R's type 7 (linear
 *    interpolation between order statistics), exact.
 *  - A date outside the calendar's years 1949..9999 in a case table is
 *    EDATA naming file, line, column and value.
 *  - Label columns of spending (line, activity, source) must be
 *    categorical; the small tables (mapping, targets, plan, funding,
 *    milestones, ratings) have the fixed column names given below.
 * ---------------------------------------------------------------------- */

/** A legal term for one case class. */
typedef struct armoede_term {
    const char *case_class; /**< label of the class column; "*" = every other class */
    int n;                  /**< length in units (>= 0) */
    int unit;               /**< armoede_term_unit */
    int atw;                /**< 1: apply the Algemene termijnenwet (armoede_term_end) */
} armoede_term;

/** Period lengths for output. */
#define ARMOEDE_PERIOD_YEAR 0
#define ARMOEDE_PERIOD_QUARTER 1
#define ARMOEDE_PERIOD_MONTH 2

/** No date (a missing day number). */
#define ARMOEDE_NO_DATE INT32_MIN

#define ARMOEDE_PROCESS_OPTIONS_VERSION 1
typedef struct armoede_process_options {
    unsigned int version;
    /* ---- all ---- */
    const char *const *by;
    size_t n_by;
    const char *const *margins;
    size_t n_margins;
    /** 1: a rule violation in the data (an event before the one it follows,
     *  an intervention missing from the mapping, a negative amount) is an
     *  EDATA error naming file, line, column and value instead of a rule
     *  applied and reported in the notes. Default 0. */
    int strict;
    /** Reference day (day number): open cases are counted on it, a pending
     *  term is judged on it, budget year-to-date ends in its month,
     *  milestones are judged on it. ARMOEDE_NO_DATE (default) = the latest
     *  date in the input. */
    int32_t reference_day;

    /* ---- armoede_lead_times, armoede_open_cases, armoede_within_term ---- */
    /** Event date columns of a case in process order (e.g. registration,
     *  first_conversation, plan, decision, closure); at least 2 for lead
     *  times. The first is the registration. */
    const char *const *events;
    size_t n_events;
    /** armoede_lead_times: interval i runs from column interval_from[i] to
     *  interval_to[i]; NULL = each consecutive pair of events and the first
     *  to the last. */
    const char *const *interval_from;
    const char *const *interval_to;
    size_t n_intervals;
    /** armoede_lead_times: 1 (default) also working days, 0 calendar only. */
    int working_days;

    /* ---- armoede_within_term ---- */
    /** Case class column (CAT, or INT 0/1 read as "regular"/"crisis");
     *  NULL = every case has class "regular". */
    const char *case_class;
    /** Terms per class; NULL = the Wgs defaults: "crisis" 3 working days,
     *  "*" 4 weeks, both with the Algemene termijnenwet. */
    const armoede_term *terms;
    size_t n_terms;
    /** The term runs from column term_from to column term_to; NULL = the
     *  first and second events. */
    const char *term_from;
    const char *term_to;

    /* ---- armoede_open_cases ---- */
    /** Reference days (day numbers); NULL = reference_day alone. */
    const int32_t *reference_days;
    size_t n_reference_days;
    /** Upper bounds (calendar days, increasing) of the age bands of open
     *  cases; NULL = {28, 91, 182, 365} (bands 0-28, 29-91, 92-182,
     *  183-365, 366+). */
    const int *age_bands;
    size_t n_age_bands;

    /* ---- armoede_reach ---- */
    const char *intervention; /**< CAT column; default "intervention" */
    const char *person_id;    /**< INT or CAT; NULL = no person counts */
    const char *household_id; /**< INT or CAT; NULL = no household counts */
    const char *start;        /**< DATE column: start of participation; default "start" */
    const char *end;          /**< DATE column or NULL: end (missing = ongoing) */
    int period;               /**< ARMOEDE_PERIOD_*; default YEAR */
    /** Mapping table: columns intervention, line, goal (one row per
     *  intervention and operational goal; goal may be missing) and optional
     *  activity (the budget activity funding it). Borrowed. NULL = none. */
    const armoede_table *mapping;
    /** Targets: columns intervention, year, unit ("households" or
     *  "persons"), target. Borrowed; NULL = none. */
    const armoede_table *targets;

    /* ---- armoede_budget ---- */
    /** Spending columns: year and month (INT) or a date column; amount. */
    const char *spend_year;   /**< default "year" */
    const char *spend_month;  /**< default "month" */
    const char *spend_date;   /**< NULL (default): year + month */
    const char *amount;       /**< default "amount" */
    const char *line;         /**< default "line" */
    const char *activity;     /**< default "activity"; the column may be absent */
    const char *source;       /**< default "source"; the column may be absent */
    /** Budget plan: columns year, line, activity, budget (source optional).
     *  Borrowed; NULL = no execution against plan. */
    const armoede_table *plan;
    /** Over/under-spend flag when |forecast - budget| > margin x budget;
     *  default 0.05. */
    double margin;
    /** Currency unit written in the unit column; default "euro". */
    const char *money_unit;
} armoede_process_options;

#define ARMOEDE_PROCESS_OPTIONS_INIT                                                              \
    {ARMOEDE_PROCESS_OPTIONS_VERSION, NULL, 0, NULL, 0, 0, ARMOEDE_NO_DATE, NULL, 0, NULL, NULL,   \
     0, 1, NULL, NULL, 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL,            \
     ARMOEDE_PERIOD_YEAR, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0.05, NULL}
ARMOEDE_API void armoede_process_options_init(armoede_process_options *opts);

/** Lead times (THROUGHPUT 1). For each interval (from, to) and group: the
 *  cases with both dates present and to >= from give d = to - from calendar
 *  days and w = armoede_nl_working_days(from, to) working days. Rows:
 *  "lead_time_mean" (numerator = sum of days, denominator = cases),
 *  "lead_time_median", "lead_time_p90" (R type 7), each with unit
 *  "calendar_days" and "working_days"; key "interval" = "from-to";
 *  numerator_n = denominator_n = cases. Rule (strict = 0): a case whose
 *  to-date lies before its from-date is left out of that interval (counted
 *  in a note naming the first such row); a case missing either date is left
 *  out of that interval (counted). Errors: EINVAL, ENOTFOUND, ETYPE, EDATA
 *  (strict), ENOMEM. *out: a new result (free with armoede_result_free). */
ARMOEDE_API int armoede_lead_times(const armoede_table *t, const armoede_process_options *opts,
                                   armoede_result **out);

/** Compliance with legal terms (THROUGHPUT 2, 4). For each case with a
 *  term_from date: its class's term gives the last day (armoede_term_end);
 *  the case is "in time" when term_to is present and <= that day, "late"
 *  when term_to is later, or missing while the last day is before the
 *  reference day; a case still within its term without term_to is pending
 *  and left out (counted in a note). Row "within_term": numerator = in
 *  time, denominator = in time + late, per group and case class (key
 *  "case_class", with a Total). A term_to before term_from: as in
 *  armoede_lead_times. A class without a term and no "*" term: EINVAL
 *  naming it. Referrals handled within N days: the same with from =
 *  referral, to = handled and one term {"*", N, DAYS, 0}. */
ARMOEDE_API int armoede_within_term(const armoede_table *t, const armoede_process_options *opts,
                                    armoede_result **out);

/** Work in progress (THROUGHPUT 3). A case is open on day r when its first
 *  event (registration) <= r and its last event column (closure) is missing
 *  or > r. Its age = r - registration (calendar days). Rows per reference
 *  day (key "reference_date" = YYYY-MM-DD) and group: "open_cases" (count;
 *  key "age_band" "Total" and one row per band), "open_age_mean",
 *  "open_age_median", "open_age_p90" (unit "calendar_days"). A closure
 *  before the registration: the case is left out (note; EDATA if strict). */
ARMOEDE_API int armoede_open_cases(const armoede_table *t, const armoede_process_options *opts,
                                   armoede_result **out);

/** Output (OUTPUT 1-2). t: participation records (intervention, person and/
 *  or household id, start date, optional end date). A unit is reached by
 *  an intervention in a period when one of its records is active in it
 *  (start <= last day of the period and end missing or >= first day).
 *  Rows per period (key "period": "2024", "2024-Q1" or "2024-01") and
 *  intervention: "reached" (distinct units; unit "persons"/"households"),
 *  "reached_new" (not reached by it in the previous period) and
 *  "reached_continuing" (reached in the previous period; both not reported
 *  for the first period of the data, which has no previous one).
 *  With a mapping: the same per programme line (key "line") and per
 *  operational goal (key "goal"): distinct units reached by any of its
 *  interventions. With targets (yearly; period = year): "target_attainment"
 *  per intervention (estimate = reached / target, numerator = reached,
 *  reference = target) and per line and goal (sum of reached over its
 *  interventions with a target / sum of their targets). Rule (strict = 0):
 *  an intervention not in the mapping is reported alone and left out of
 *  lines and goals (a note names it); a record whose end is before its
 *  start is left out (note); records missing intervention, id or start are
 *  left out (counted). No `by` (EINVAL): the breakdowns are intervention,
 *  line and goal. */
ARMOEDE_API int armoede_reach(const armoede_table *t, const armoede_process_options *opts,
                              armoede_result **out);

/** Input (INPUT 1-3). t: spending records (year + month or a date, line,
 *  optional activity and source, amount; unit opts->money_unit). Keys
 *  "year", "line", "activity", "source", with "Total" margins over activity
 *  and line. The reference day (default: the last day of the latest month
 *  with spending) fixes the reference year and m = the months elapsed (its
 *  month when it is the month's last day, else the month before; at least
 *  1). Rows per year and line/activity:
 *   "realised" = sum of amounts ("realised_ytd" in the reference year when
 *   m < 12), reference = budget; per source (line and activity NULL) too;
 *   with a plan (columns year, line, activity, budget; a missing budget is
 *   "pm" and skipped): "budget", and for years up to the reference year
 *   "execution" (= realised / budget; "execution_ytd" when m < 12; unit
 *   "share").
 *  For the reference year: "ytd_vs_pro_rata" = realised in months 1..m /
 *  (budget x m / 12); "forecast_run_rate" = realised 1..m x 12 / m;
 *  "forecast_seasonal" = realised 1..m / s, s = the share of the full-year
 *  amount spent in months 1..m in the earlier years of the same
 *  line/activity, pooled (sum of their months 1..m / sum of their years;
 *  not reported without an earlier year or with s <= 0); both with
 *  numerator = ytd and reference = budget; and per method ("_run_rate",
 *  "_seasonal") "projected_over_spend_*" = forecast - budget and
 *  "over_spend_flag_*" = 1 over, -1 under, 0 within margin x budget (unit
 *  "flag").
 *  Efficiency: with opts->mapping holding an activity column and reach (a
 *  participation table as for armoede_reach, household_id or person_id
 *  set; may be NULL): "cost_per_unit" (unit "<money unit> per household" or
 *  "per person") = realised of the activity in a year (through month m in
 *  the reference year) / distinct households (else persons) reached that
 *  year by its interventions; denominator_n = those units.
 *  Sums are compensated (Neumaier). Rule: negative amounts (corrections)
 *  are kept and net against their line; their number and sum are in a
 *  note (EDATA naming file, line, column and value when strict). Rows
 *  missing period, line, activity (when there is such a column) or amount
 *  are left out (counted). A month outside 1..12 or a year outside
 *  1900..9999 is EDATA naming the row. Money rows carry no unweighted
 *  counts (disclosure control leaves them alone). */
ARMOEDE_API int armoede_budget(const armoede_table *t, const armoede_table *reach,
                               const armoede_process_options *opts, armoede_result **out);

/** Funding structure (INPUT 4). t: columns source, year, amount (optional
 *  kind: "structural"/"temporary"). Rows "funding" per year and source
 *  (with a year Total), and "funding_change" per year after the first: the
 *  total minus the previous year's (reference = previous year's total).
 *  Missing amounts ("pm" in a budget) are left out and counted. */
ARMOEDE_API int armoede_funding(const armoede_table *t, const armoede_process_options *opts,
                                armoede_result **out);

/** Progress against plan (seed 000 section 3.3). t: columns line, activity,
 *  milestone, planned (DATE), optional actual (DATE). On the reference day
 *  a milestone is on schedule when done with actual <= planned, or not done
 *  and planned >= reference day; late otherwise; a milestone with an actual
 *  date after the reference day counts as not done. Rows
 *  "milestones_on_schedule" per line (and Total): numerator = on schedule,
 *  denominator = milestones (weighted fields). */
ARMOEDE_API int armoede_milestones(const armoede_table *t, const armoede_process_options *opts,
                                   armoede_result **out);

/** The dialogue form (seed 000 appendix 3). ratings: columns intervention,
 *  goal, score (INT ordinal, e.g. 1..5; optional period). Rows per line and
 *  goal (via opts->mapping): "rating_mean" (numerator = sum of scores,
 *  denominator = ratings) and "rating_min", "rating_max"; with spending t
 *  (may be NULL; columns as armoede_budget, activity needed) and a mapping
 *  with activity: "spent_per_goal" per year and goal = each activity's
 *  realised amount split equally over its interventions and each
 *  intervention's share equally over its goals, so that the goals sum to
 *  the spending. A rating of an intervention or goal not in the mapping:
 *  left out (note), or EDATA when strict. */
ARMOEDE_API int armoede_ratings(const armoede_table *ratings, const armoede_table *t,
                                const armoede_process_options *opts, armoede_result **out);

#endif /* ARMOEDE_PROCESS_H */
