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

/** Whether day (a day number) is a holiday of the Algemene termijnenwet
 *  (the list above). Returns 1 when it is, 0 when it is not, or a negative
 *  status. name may be NULL; otherwise *name receives the holiday's English
 *  name ("New Year's Day", "Good Friday", "Easter Sunday", "Easter Monday",
 *  "King's Day", "Queen's Day", "Liberation Day", "Ascension Day",
 *  "Whit Sunday", "Whit Monday", "Christmas Day", "Boxing Day"), a static
 *  string the caller must not free, or NULL when the day is no holiday or
 *  on error. When 5 May falls on Ascension Day the name is "Liberation Day".
 *  Errors: EINVAL (day outside the years 1949..9999). Since 0.1.0. */
ARMOEDE_API int armoede_nl_holiday(int32_t day, const char **name);

/** Returns 1 when day is a working day (not a Saturday, Sunday or holiday
 *  above), 0 when it is not, or a negative status.
 *  Errors: EINVAL (day outside the years 1949..9999). Since 0.1.0. */
ARMOEDE_API int armoede_nl_working_day(int32_t day);

/** The number of working days between two day numbers into *n: the
 *  working days d with from < d <= to (the start day does not count, the end
 *  day does: Monday to the next Monday is 5; from == to gives 0); when
 *  to < from, minus the number of working days d with to < d <= from, so
 *  that swapping the days changes the sign. O(1) per full year.
 *  Errors: EINVAL (n NULL, from or to outside the years 1949..9999); *n is
 *  not written on error. Since 0.1.0. */
ARMOEDE_API int armoede_nl_working_days(int32_t from, int32_t to, int64_t *n);

/** The n-th working day after day from into *out: the day d on which
 *  armoede_nl_working_days(from, d) first reaches n. n = 0 gives from
 *  itself, even when from is not a working day; for n >= 1 the result is a
 *  working day. Errors: EINVAL (out NULL, n < 0, from outside the years
 *  1949..9999, a result after 9999-12-31); *out is not written on error.
 *  Since 0.1.0. */
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
 *  runs to the next working day). Working-day terms of n >= 1 end on a
 *  working day and contain n working days already.
 *  n = 0 gives start itself in every unit; with atw, art. 1 still applies
 *  (art. 2 does not: the term is shorter than 3 days), so a start on a
 *  Saturday, Sunday or holiday gives the next working day.
 *  Errors: EINVAL (end NULL, n < 0 or n > 100000, unit unknown, start or
 *  the last day outside the years 1949..9999); *end is not written on
 *  error. Since 0.1.0. */
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
 *  - A date outside the calendar's years 1949..9999 in a date column that
 *    armoede_lead_times or armoede_within_term reads (they count working
 *    days or apply legal terms) is EDATA naming file, line, column and
 *    value.
 *  - Ownership: opts and every table are borrowed and not changed; *out
 *    receives a new result, to be freed with armoede_result_free, and is
 *    NULL on error (out itself must not be NULL).
 *  - Errors every function below can give: EINVAL (out or the table NULL;
 *    opts with an unsupported version, a list with a count but no pointer,
 *    margin outside [0, 100], an unknown period, a margin that is not a
 *    by-column, more than 16 by-columns or 6 margins), ENOTFOUND (a column
 *    named by the options or fixed below is missing: the message names it
 *    and the file), ETYPE (a column of the wrong type), ENOMEM. Each
 *    function lists these and its own.
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
     *  term is judged on it, reach counts records up to it, budget
     *  year-to-date ends in its month, milestones are judged on it.
     *  ARMOEDE_NO_DATE (default) = a date that has happened in the input,
     *  per function: armoede_within_term the latest term_from or term_to
     *  date; armoede_open_cases the latest registration or closure date;
     *  armoede_reach the latest start date (never an end date, which may be
     *  planned); armoede_budget the last day of the latest month with
     *  spending; armoede_milestones the latest actual date (EINVAL when
     *  there is none). Each function's notes give the day used. Not read by
     *  armoede_lead_times, armoede_funding and armoede_ratings. */
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
     *  activity (the budget activity funding it). An intervention belongs to
     *  one programme line: its rows must all give the same line, and those
     *  that give an activity the same activity (else EDATA naming the file,
     *  line, column and value of the first row that differs); a missing
     *  intervention or line is EDATA too. Borrowed. NULL = none. */
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
/** Set *opts to the defaults, as ARMOEDE_PROCESS_OPTIONS_INIT does: version
 *  ARMOEDE_PROCESS_OPTIONS_VERSION, every pointer NULL and count 0, strict
 *  0, reference_day ARMOEDE_NO_DATE, working_days 1, period
 *  ARMOEDE_PERIOD_YEAR, margin 0.05 (the NULL column names then mean the
 *  defaults given with each field). opts NULL: nothing happens. Cannot
 *  fail. Since 0.1.0. */
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
 *  out of that interval (counted). No reference day is used.
 *  Errors: EINVAL (as above; fewer than two events and no intervals),
 *  ENOTFOUND (an event, interval or by-column), ETYPE (an event column that
 *  is not a date column, a by-column that is neither CAT nor INT), EDATA (a
 *  date outside 1949..9999; with strict, a to-date before its from-date:
 *  naming file, line, column and value), ENOMEM.
 *  *out: a new result, free with armoede_result_free; NULL on error.
 *  Since 0.1.0. */
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
 *  armoede_lead_times. Referrals handled within N days: the same with
 *  from = referral, to = handled and one term {"*", N, DAYS, 0}.
 *  Reference day: opts->reference_day, or by default the latest term_from
 *  or term_to date in t (a note gives the day used).
 *  Errors: EINVAL (as above; no term_from/term_to and fewer than two
 *  events; a term with class NULL, n < 0 or an unknown unit; a class
 *  without a term and no "*" term, naming the class and the row; a term
 *  whose last day falls after 9999), ENOTFOUND (term_from, term_to, the
 *  class or a by-column), ETYPE (a date column that is not one; a class or
 *  by-column that is neither CAT nor INT), EDATA (a date outside
 *  1949..9999; with strict, a term_to before term_from: naming file, line,
 *  column and value), ENOMEM.
 *  *out: a new result, free with armoede_result_free; NULL on error.
 *  Since 0.1.0. */
ARMOEDE_API int armoede_within_term(const armoede_table *t, const armoede_process_options *opts,
                                    armoede_result **out);

/** Work in progress (THROUGHPUT 3). A case is open on day r when its first
 *  event (registration) <= r and its last event column (closure) is missing
 *  or > r. Its age = r - registration (calendar days). Rows per reference
 *  day (key "reference_date" = YYYY-MM-DD) and group: "open_cases" (count;
 *  key "age_band" "Total" and one row per band), "open_age_mean",
 *  "open_age_median", "open_age_p90" (unit "calendar_days"). A closure
 *  before the registration: the case is left out (note; EDATA if strict).
 *  Reference days: opts->reference_days, else opts->reference_day, else by
 *  default the latest registration or closure date in t (a note gives the
 *  day used; no such date: no rows and a note).
 *  Errors: EINVAL (as above; fewer than two events; age bands negative,
 *  not increasing or more than 30), ENOTFOUND (the first or last event, a
 *  by-column), ETYPE, EDATA (strict: a closure before the registration,
 *  naming file, line, column and value), ENOMEM.
 *  *out: a new result, free with armoede_result_free; NULL on error.
 *  Since 0.1.0. */
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
 *  line and goal.
 *  Reference day: records count up to opts->reference_day (a record
 *  starting after it is left out, an end after it is cut to it); by
 *  default the latest start date in t, i.e. participation that has begun.
 *  End dates never set the default: an end may be planned (a trajectory
 *  booked until 2027-12-31) and would report reach for periods that have
 *  not happened. The first note gives the day used.
 *  Errors: EINVAL (as above; neither person_id nor household_id; by-columns
 *  given), ENOTFOUND (intervention, start, end or an id column in t; a
 *  column of the mapping or the targets), ETYPE, EDATA (naming file, line,
 *  column and value: in the mapping an intervention or line missing, or an
 *  intervention given two lines or two activities; in the targets a row
 *  missing a field, a year outside 1900..9999, a target <= 0, a unit other
 *  than "households"/"persons"; a record spanning more than 100000
 *  periods; with strict, an intervention not in the mapping or an end
 *  before the start), ENOMEM.
 *  *out: a new result, free with armoede_result_free; NULL on error.
 *  Since 0.1.0. */
ARMOEDE_API int armoede_reach(const armoede_table *t, const armoede_process_options *opts,
                              armoede_result **out);

/** Input (INPUT 1-3). t: spending records (year + month or a date, line,
 *  optional activity and source, amount; unit opts->money_unit). Keys
 *  "year", "line", "activity", "source", with "Total" margins over activity
 *  and line. The reference day (default: the last day of the latest month
 *  with spending, so that month counts as complete; without spending rows
 *  and without a reference day there is no year to date: a note) fixes the
 *  reference year and m = the months elapsed (its month when it is the
 *  month's last day, else the month before; at least 1). Rows per year and
 *  line/activity:
 *   "realised" = sum of amounts ("realised_ytd" in the reference year when
 *   m < 12), reference = budget; per source (line and activity NULL) too;
 *   with a plan (columns year, line, activity, budget; a missing budget is
 *   "pm" and skipped): "budget", and for years up to the reference year
 *   "execution" (= realised / budget; "execution_ytd" when m < 12; unit
 *   "share").
 *  For the reference year: "ytd_vs_pro_rata" = realised in months 1..m /
 *  (budget x m / 12); "forecast_run_rate" = realised 1..m x 12 / m;
 *  "forecast_seasonal" = realised 1..m / s, s = the share of the full-year
 *  amount spent in months 1..m in the complete earlier years of the same
 *  line/activity, pooled (sum of their months 1..m / sum of their years).
 *  An earlier year is complete when it has a spending row in each of the
 *  12 months (a row with amount 0 counts: add one for a month without
 *  spending); an incomplete year (data starting in March, say) is left out,
 *  as it would bias s. The notes give the number of years used and left
 *  out, and name the incomplete years of each line/activity. Not reported
 *  (a note says why) when no earlier year is complete or s <= 0. Both
 *  forecasts have numerator = ytd and reference = budget; per method
 *  ("_run_rate", "_seasonal") "projected_over_spend_*" = forecast - budget
 *  and "over_spend_flag_*" = 1 over, -1 under, 0 within margin x budget
 *  (unit "flag").
 *  Efficiency: with opts->mapping holding an activity column and reach (a
 *  participation table as for armoede_reach, household_id or person_id
 *  set; may be NULL, and is not read without a mapping; its records count
 *  up to the end of month m of the reference year): "cost_per_unit" (unit
 *  "<money unit> per household" or "per person") = realised of the
 *  activity in a year (through month m in the reference year) / distinct
 *  households (else persons) reached that year by its interventions;
 *  denominator_n = those units.
 *  Sums are compensated (Neumaier). Rule: negative amounts (corrections)
 *  are kept and net against their line; their number and sum are in a
 *  note (EDATA naming file, line, column and value when strict). Rows
 *  missing period, line, activity (when there is such a column) or amount
 *  are left out (counted). A month outside 1..12 or a year outside
 *  1900..9999 is EDATA naming the row. Money rows carry no unweighted
 *  counts (disclosure control leaves them alone).
 *  Errors: EINVAL (as above; reach and a mapping with activities but
 *  neither household_id nor person_id; labels longer than 600 bytes
 *  together), ENOTFOUND (a spending column, a plan column year, line or
 *  budget, a mapping column, a column of reach), ETYPE (line, activity or
 *  source not categorical; year or month not INT; the date column not a
 *  date; amount or budget not numeric), EDATA (naming file, line, column
 *  and value: a year outside 1900..9999 or a month outside 1..12 in the
 *  spending; a plan row without year or line; the mapping errors of
 *  armoede_reach; with strict, a negative amount or a negative budget),
 *  ENOMEM.
 *  *out: a new result, free with armoede_result_free; NULL on error.
 *  Since 0.1.0. */
ARMOEDE_API int armoede_budget(const armoede_table *t, const armoede_table *reach,
                               const armoede_process_options *opts, armoede_result **out);

/** Funding structure (INPUT 4). t: columns source, year, amount (optional
 *  kind: "structural"/"temporary"; not read). Rows "funding" per year and
 *  source (with a year Total; unit opts->money_unit), and "funding_change"
 *  per year after the first: the total minus the previous year's
 *  (reference = previous year's total). Missing amounts ("pm" in a budget)
 *  are left out and counted. Of the options only version and money_unit
 *  are read (opts may be NULL); there is no reference day.
 *  Errors: EINVAL (as above), ENOTFOUND (source, year or amount), ETYPE
 *  (source neither CAT nor INT, year not INT, amount not numeric), EDATA
 *  (a row without year or source, a year outside 1900..9999: naming file,
 *  line, column and value), ENOMEM.
 *  *out: a new result, free with armoede_result_free; NULL on error.
 *  Since 0.1.0. */
ARMOEDE_API int armoede_funding(const armoede_table *t, const armoede_process_options *opts,
                                armoede_result **out);

/** Progress against plan (seed 000 section 3.3). t: columns line, activity,
 *  milestone, planned (DATE), optional actual (DATE). On the reference day
 *  a milestone is on schedule when done with actual <= planned, or not done
 *  and planned >= reference day; late otherwise; a milestone with an actual
 *  date after the reference day counts as not done. Rows
 *  "milestones_on_schedule" per line (and Total): numerator = on schedule,
 *  denominator = milestones (weighted fields). Milestones without line or
 *  planned date are left out (counted). Reference day: opts->reference_day,
 *  or by default the latest actual date in t (a note gives the day used).
 *  Errors: EINVAL (as above; no reference day given and no actual column
 *  or no actual date), ENOTFOUND (line or planned), ETYPE (planned or
 *  actual not a date column, line neither CAT nor INT), ENOMEM.
 *  *out: a new result, free with armoede_result_free; NULL on error.
 *  Since 0.1.0. */
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
 *  left out (note), or EDATA when strict. Ratings missing intervention,
 *  goal or score are left out (counted). A mapping without an activity
 *  column gives no money per goal (a note). There is no reference day.
 *  Errors: EINVAL (as above, with ratings for the table; no opts->mapping),
 *  ENOTFOUND (intervention, goal or score in ratings; a mapping column; a
 *  spending column as for armoede_budget, activity included), ETYPE (score
 *  not INT, and as for armoede_budget), EDATA (naming file, line, column
 *  and value: the mapping errors of armoede_reach; the spending errors of
 *  armoede_budget; with strict, a rating of an intervention or goal not in
 *  the mapping), ENOMEM.
 *  *out: a new result, free with armoede_result_free; NULL on error.
 *  Since 0.1.0. */
ARMOEDE_API int armoede_ratings(const armoede_table *ratings, const armoede_table *t,
                                const armoede_process_options *opts, armoede_result **out);

#endif /* ARMOEDE_PROCESS_H */
