/*
 * libarmoede: indicators of municipal poverty policy.
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This header is the reference manual of the public C API. Every function
 * says what it computes, its exact definition, its errors and who owns what.
 *
 * Conventions (all functions):
 *  - Fallible calls return an int status: ARMOEDE_OK (0) or a negative
 *    armoede_status. The detail is in armoede_last_error(), a per-thread
 *    message naming file, line, column and value where they apply.
 *  - Every object the library creates has a *_free function; *_free(NULL)
 *    is a no-op. Strings returned as `const char *` are borrowed from the
 *    object they came from and stay valid until it is freed or changed.
 *  - Options structs carry a `version` field first; initialise them with the
 *    *_OPTIONS_INIT macro or the *_options_init() function so that fields
 *    added later get their defaults.
 *  - The library never aborts, exits or prints, and holds no mutable global
 *    state (the per-thread error message excepted): distinct objects may be
 *    used from distinct threads at once; one object from several threads only
 *    for reading. GSL's abort-on-error handler is replaced (once, only if it
 *    is still GSL's default) before any GSL call the library makes.
 */
#ifndef ARMOEDE_H
#define ARMOEDE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(ARMOEDE_BUILDING) && defined(__GNUC__)
#define ARMOEDE_API __attribute__((visibility("default")))
#else
#define ARMOEDE_API
#endif

/* ------------------------------------------------------------------------
 * Version
 * ---------------------------------------------------------------------- */
#define ARMOEDE_VERSION_MAJOR 0
#define ARMOEDE_VERSION_MINOR 1
#define ARMOEDE_VERSION_PATCH 0
#define ARMOEDE_VERSION_STRING "0.1.0"
/** 0xMMmmpp: major, minor, patch. */
#define ARMOEDE_VERSION_NUM 0x000100

/** The run-time library version as "major.minor.patch". Since 0.1.0. */
ARMOEDE_API const char *armoede_version(void);
/** The run-time library version as ARMOEDE_VERSION_NUM. Since 0.1.0. */
ARMOEDE_API unsigned armoede_version_num(void);

/* ------------------------------------------------------------------------
 * Status codes and errors. Codes are never renumbered.
 * ---------------------------------------------------------------------- */
typedef enum armoede_status {
    ARMOEDE_OK = 0,
    ARMOEDE_ENOMEM = -1,    /**< out of memory */
    ARMOEDE_EINVAL = -2,    /**< bad argument (NULL, out of range, wrong version) */
    ARMOEDE_EIO = -3,       /**< a file could not be opened, read or written */
    ARMOEDE_EPARSE = -4,    /**< malformed input file (ragged row, bad quote, truncated gzip) */
    ARMOEDE_ENOTFOUND = -5, /**< a column, role or key is not there */
    ARMOEDE_ETYPE = -6,     /**< a value or column of the wrong type */
    ARMOEDE_ENORM = -7,     /**< no social-minimum norm for a year / household type */
    ARMOEDE_ECONFIG = -8,   /**< error in a monitor configuration file */
    ARMOEDE_EDATA = -9,     /**< inconsistent data, e.g. a person twice in one year */
    ARMOEDE_EINTERNAL = -10 /**< a bug in libarmoede: please report it */
} armoede_status;

/** A fixed English text for a status code; never NULL ("unknown status" for
 *  codes that do not exist). Since 0.1.0. */
ARMOEDE_API const char *armoede_strerror(int status);

/** The message of the last failed call on this thread; "" if none failed.
 *  Never NULL. Valid until the next libarmoede call on this thread. */
ARMOEDE_API const char *armoede_last_error(void);

/** Forget the last error of this thread. */
ARMOEDE_API void armoede_clear_error(void);

/* ------------------------------------------------------------------------
 * Tables of unit records (a column store)
 *
 * Column types: INT (int64; missing = ARMOEDE_NA_INT), REAL (double;
 * missing = NaN), CAT (categorical text kept as int32 codes into a
 * dictionary of labels in order of first appearance; missing = -1), DATE
 * (a calendar date kept as an INT day number, days since 1970-01-01 in the
 * proleptic Gregorian calendar, so that differences are days; missing =
 * ARMOEDE_NA_INT; read with armoede_table_get_int, converted with
 * armoede_date_to_ymd).
 * ---------------------------------------------------------------------- */
typedef struct armoede_table armoede_table;

typedef enum armoede_type {
    ARMOEDE_TYPE_AUTO = 0, /**< infer (reader only) */
    ARMOEDE_TYPE_INT = 1,
    ARMOEDE_TYPE_REAL = 2,
    ARMOEDE_TYPE_CAT = 3,
    ARMOEDE_TYPE_DATE = 4  /**< since 0.1.0: ISO dates as day numbers */
} armoede_type;

#define ARMOEDE_NA_INT INT64_MIN
#define ARMOEDE_NA_CODE (-1)

#define ARMOEDE_READ_OPTIONS_VERSION 1
/** How a CSV file is read.
 *
 * Format: RFC 4180 with a header row. A UTF-8 byte-order mark is skipped;
 * lines may end in LF or CRLF; fields may be quoted with '"' (a doubled quote
 * inside is one quote; quoted fields may hold separators and newlines).
 * Plain or gzip-compressed files are told apart by their first two bytes
 * (1f 8b), never by the name; multi-member gzip is read whole; a truncated or
 * corrupt gzip stream is an ARMOEDE_EPARSE error.
 *
 * Numbers: optional sign, digits, optional decimal mark and digits, optional
 * exponent (REAL only). With decimal ',' a '.' between digit groups of three
 * ("1.234,50") is a thousands separator; with decimal '.', ',' is not
 * accepted inside unquoted numbers (it is the separator). Leading and trailing
 * spaces are ignored. A field equal to a missing-value token is missing.
 *
 * Type inference (ARMOEDE_TYPE_AUTO): from the first 1000 data rows a column
 * is INT if every non-missing value is an integer without a leading zero
 * ("0014" is a code, not 14), REAL if every value is a number, CAT otherwise.
 * A later value that does not fit is promoted INT -> REAL (exactly, for
 * integers up to 2^53); any other misfit, a later "0014" included, is an
 * ARMOEDE_ETYPE error naming file, line, column and value (declare the
 * column's type to avoid it). A declared type is strict; a declared INT
 * accepts leading zeros.
 *
 * Dates (ARMOEDE_TYPE_DATE): exactly YYYY-MM-DD (ISO 8601), a real calendar
 * day; any other form ("31-12-2024", "2024/12/31", "2024-12-31 10:00",
 * "2024-02-30") is an ARMOEDE_EPARSE error naming file, line, column and
 * value, never a guess between day-month orders. An AUTO column is DATE when
 * every non-missing value of its first 1000 rows is such a date.
 * Line ends are LF or CRLF; a bare CR outside quotes is an EPARSE error.
 */
typedef struct armoede_read_options {
    unsigned int version;
    /** ',' ';' or '\t'; 0 = detect: the one of the three that occurs most
     *  often outside quotes in the header line. */
    char separator;
    /** '.' (default when 0) or ','. ',' needs a separator other than ','. */
    char decimal;
    /** Missing-value tokens, compared after trimming spaces. NULL = the
     *  default set {"", "NA", "-", "."}; to have none, pass n_na_tokens = 0
     *  with a non-NULL pointer. */
    const char *const *na_tokens;
    size_t n_na_tokens;
    /** Columns to load (others are skipped cheaply); NULL = all. A name not
     *  in the header is ARMOEDE_ENOTFOUND. */
    const char *const *columns;
    /** Types of `columns` (same length), NULL = all AUTO. */
    const armoede_type *types;
    size_t n_columns;
} armoede_read_options;

#define ARMOEDE_READ_OPTIONS_INIT {ARMOEDE_READ_OPTIONS_VERSION, 0, 0, NULL, 0, NULL, NULL, 0}
ARMOEDE_API void armoede_read_options_init(armoede_read_options *opts);

/** Read a CSV or gzip-compressed CSV file into a new table (*out; free with
 *  armoede_table_free). opts may be NULL for the defaults.
 *  Errors: EINVAL, EIO (cannot open/read), EPARSE (ragged row, unterminated
 *  quote, truncated gzip, no header, duplicate column name), ETYPE (a value
 *  that does not fit its column), ENOTFOUND (a requested column is missing),
 *  ENOMEM. The message names file, line, column and value. On error *out is
 *  NULL. */
ARMOEDE_API int armoede_table_read_csv(const char *path, const armoede_read_options *opts,
                                       armoede_table **out);

/** A new empty table of nrows rows, to which columns are added with the
 *  armoede_table_add_* functions. */
ARMOEDE_API int armoede_table_new(size_t nrows, armoede_table **out);

/** Add a REAL column of n (== nrows) values. copy = 0 borrows x: the caller
 *  guarantees that x stays valid and unchanged until the table is freed;
 *  copy != 0 copies it. NaN is missing. Errors: EINVAL (NULL, n != nrows,
 *  duplicate name), ENOMEM. */
ARMOEDE_API int armoede_table_add_real(armoede_table *t, const char *name, const double *x,
                                       size_t n, int copy);
/** Add an INT column; ARMOEDE_NA_INT is missing. Borrowing as for REAL. */
ARMOEDE_API int armoede_table_add_int(armoede_table *t, const char *name, const int64_t *x,
                                      size_t n, int copy);
/** Add an INT column from int32 values (always copied); INT32_MIN is missing. */
ARMOEDE_API int armoede_table_add_int32(armoede_table *t, const char *name, const int32_t *x,
                                        size_t n);
/** Add a DATE column of day numbers (days since 1970-01-01; copied;
 *  INT32_MIN is missing). Errors as for REAL. */
ARMOEDE_API int armoede_table_add_date(armoede_table *t, const char *name, const int32_t *days,
                                       size_t n);
/** The day number (days since 1970-01-01, proleptic Gregorian calendar) of
 *  the date y-m-d into *day. Errors: EINVAL for an impossible date (month
 *  outside 1..12, day outside the month) or a year outside 1..9999. */
ARMOEDE_API int armoede_date_from_ymd(int y, int m, int d, int32_t *day);
/** The calendar date of day number day. Errors: EINVAL (NULL pointer, or a
 *  day outside the years 1..9999). */
ARMOEDE_API int armoede_date_to_ymd(int32_t day, int *y, int *m, int *d);
/** Add a CAT column from codes 0..nlabels-1 (or -1 for missing) and their
 *  labels (copied; labels must be distinct). A code out of range is EINVAL
 *  naming the row. */
ARMOEDE_API int armoede_table_add_cat(armoede_table *t, const char *name, const int32_t *codes,
                                      size_t n, const char *const *labels, size_t nlabels);
/** Add a CAT column from strings (copied; NULL is missing). Codes are given in
 *  order of first appearance. */
ARMOEDE_API int armoede_table_add_text(armoede_table *t, const char *name,
                                       const char *const *values, size_t n);

ARMOEDE_API void armoede_table_free(armoede_table *t);

ARMOEDE_API size_t armoede_table_nrows(const armoede_table *t);
ARMOEDE_API size_t armoede_table_ncols(const armoede_table *t);
/** Name of column j (0-based), NULL if out of range. */
ARMOEDE_API const char *armoede_table_colname(const armoede_table *t, size_t j);
/** Type of the named column (ARMOEDE_TYPE_INT, REAL, CAT or DATE), or
 *  ARMOEDE_ENOTFOUND. */
ARMOEDE_API int armoede_table_coltype(const armoede_table *t, const char *name);
/** Number of missing values in the named column (0 if there is none such). */
ARMOEDE_API size_t armoede_table_nmissing(const armoede_table *t, const char *name);
/** Value of row i of a numeric column as double (INT converted; missing ->
 *  NaN). Errors: ENOTFOUND, ETYPE (CAT column), EINVAL (i out of range). */
ARMOEDE_API int armoede_table_get_real(const armoede_table *t, const char *name, size_t i,
                                       double *value);
/** Value of row i of an INT column (missing -> ARMOEDE_NA_INT). */
ARMOEDE_API int armoede_table_get_int(const armoede_table *t, const char *name, size_t i,
                                      int64_t *value);
/** Label of row i of a CAT column; NULL for missing, an unknown column, a
 *  non-CAT column or i out of range. */
ARMOEDE_API const char *armoede_table_get_label(const armoede_table *t, const char *name,
                                                size_t i);
/** Number of labels in the dictionary of a CAT column (0 otherwise). */
ARMOEDE_API size_t armoede_table_nlevels(const armoede_table *t, const char *name);
/** Label of dictionary code `code` of a CAT column, NULL if out of range. */
ARMOEDE_API const char *armoede_table_level(const armoede_table *t, const char *name,
                                            int32_t code);

/* Roles: what a column means to the indicators. The user maps their own
 * column names to roles; no indicator reads a column by a fixed name. */
typedef enum armoede_role {
    ARMOEDE_ROLE_PERSON_ID = 0,  /**< INT or CAT; needed for person durations */
    ARMOEDE_ROLE_HOUSEHOLD_ID,   /**< INT or CAT; rows of one household-year are one household */
    ARMOEDE_ROLE_YEAR,           /**< INT: reporting year */
    ARMOEDE_ROLE_INCOME,         /**< REAL/INT: the household's disposable income for the year */
    ARMOEDE_ROLE_NORM,           /**< REAL/INT: the household's annual norm (instead of a norms table) */
    ARMOEDE_ROLE_RATIO_PCT,      /**< REAL/INT: income as a percentage of the minimum (CBS INHARMSOC) */
    ARMOEDE_ROLE_HOUSEHOLD_TYPE, /**< CAT: household type, looked up in the norms table */
    ARMOEDE_ROLE_AGE_BAND,       /**< CAT: age band of the head, looked up in the norms table */
    ARMOEDE_ROLE_BIRTH_YEAR,     /**< INT: minor when year - birth_year < 18 */
    ARMOEDE_ROLE_AGE,            /**< INT: age on 31 December; minor when < 18 */
    ARMOEDE_ROLE_MINOR,          /**< INT 0/1: explicit minor flag (wins over age) */
    ARMOEDE_ROLE_N_PERSONS,      /**< INT: persons in the household (household files) */
    ARMOEDE_ROLE_N_MINORS,       /**< INT: minors in the household (household files) */
    ARMOEDE_ROLE_WEIGHT,         /**< REAL: weight; absent = 1 */
    ARMOEDE_ROLE_WHOLE_YEAR,     /**< INT 0/1: income for the whole year */
    ARMOEDE_ROLE_STUDENT,        /**< INT 0/1: student household */
    ARMOEDE_ROLE_INSTITUTIONAL,  /**< INT 0/1: institutional household */
    ARMOEDE_ROLE_WEALTH,         /**< REAL: household wealth, for the optional wealth test */
    ARMOEDE_ROLE_AREA,           /**< CAT: area code (for later indicators) */
    ARMOEDE_ROLE_INCOME_SOURCE,  /**< CAT: primary income source */
    ARMOEDE_ROLE_COUNT_          /**< number of roles; not a role */
} armoede_role;

/** Map role to a column of t (by name), or unmap it when column is NULL.
 *  Errors: EINVAL (bad role), ENOTFOUND (no such column), ETYPE (a column of
 *  a type the role cannot take). */
ARMOEDE_API int armoede_table_set_role(armoede_table *t, armoede_role role, const char *column);
/** The column mapped to role, or NULL. */
ARMOEDE_API const char *armoede_table_role(const armoede_table *t, armoede_role role);
/** The role's name as used in config files ("person_id", "ratio_pct", ...). */
ARMOEDE_API const char *armoede_role_name(armoede_role role);
/** The role with that name, or ARMOEDE_ENOTFOUND. */
ARMOEDE_API int armoede_role_from_name(const char *name);

/* ------------------------------------------------------------------------
 * Social-minimum norms
 *
 * A norms table holds rows (valid_from date, household_type, age_band,
 * annual_amount). A row is valid from its date until the next row of the
 * same (household_type, age_band). The norm of year Y is the mean of the 12
 * annual amounts valid on the first day of each month of Y (so half-yearly
 * changes count for six months each). An age_band of "*" matches any band:
 * the rows of the exact band form one series and the "*" rows another, and
 * the exact series applies whenever it has a row in force.
 * The shipped data/norms_participatiewet.csv holds the Participatiewet
 * (bijstand) norms incl. holiday allowance, annualised (12 x monthly): the
 * municipal eligibility convention. CBS's policy minimum also counts
 * allowances; to use it, pass the CBS ratio (ARMOEDE_ROLE_RATIO_PCT) or a
 * per-record norm (ARMOEDE_ROLE_NORM).
 * ---------------------------------------------------------------------- */
typedef struct armoede_norms armoede_norms;

ARMOEDE_API int armoede_norms_new(armoede_norms **out);
/** Read a norms CSV with at least the columns valid_from (yyyy-mm-dd),
 *  household_type, age_band and annual_amount (others are ignored).
 *  Errors as armoede_table_read_csv, plus EDATA for two rows with the same
 *  key and date, and a non-positive amount. */
ARMOEDE_API int armoede_norms_read_csv(const char *path, armoede_norms **out);
/** Add one row. household_type and age_band are copied. */
ARMOEDE_API int armoede_norms_add(armoede_norms *n, int year, int month, int day,
                                  const char *household_type, const char *age_band,
                                  double annual_amount);
/** Map a household-type code of the data (e.g. "single_parent") to a
 *  household type of the norms table (e.g. "single"). Unmapped codes are
 *  looked up as they are. */
ARMOEDE_API int armoede_norms_map_type(armoede_norms *n, const char *data_code,
                                       const char *norm_type);
/** The annual norm of `year` for a household type (mapped) and age band.
 *  Errors: ENORM naming the year, type and band when some month of the year
 *  has no valid row (a missing year or type is never a zero). */
ARMOEDE_API int armoede_norms_annual(const armoede_norms *n, int year,
                                     const char *household_type, const char *age_band,
                                     double *amount);
ARMOEDE_API size_t armoede_norms_nrows(const armoede_norms *n);
ARMOEDE_API void armoede_norms_free(armoede_norms *n);

/* ------------------------------------------------------------------------
 * Results: one shape for every indicator
 *
 * A result is a list of rows (cells). Each row has an indicator name, a unit
 * ("households", "persons", "minors"), parameters (threshold as a fraction of
 * the norm, duration k), group keys (one label per key column of the result;
 * "Total" on a margin; NULL where the indicator has no such key), and the
 * numbers below. estimate = numerator / denominator for shares.
 * ---------------------------------------------------------------------- */
typedef struct armoede_result armoede_result;

typedef enum armoede_field {
    ARMOEDE_FIELD_ESTIMATE = 0, /**< the figure: a share (0..1) or a count */
    ARMOEDE_FIELD_NUM_W,        /**< weighted numerator */
    ARMOEDE_FIELD_DEN_W,        /**< weighted denominator */
    ARMOEDE_FIELD_NUM_N,        /**< unweighted units behind the numerator */
    ARMOEDE_FIELD_DEN_N,        /**< unweighted units behind the denominator */
    ARMOEDE_FIELD_SE,           /**< standard error (NaN: no sampling error) */
    ARMOEDE_FIELD_CI_LOW,
    ARMOEDE_FIELD_CI_HIGH,
    ARMOEDE_FIELD_THRESHOLD,    /**< p (1.10 = 110% of the norm); NaN if none */
    ARMOEDE_FIELD_DURATION,     /**< k years, or m years for relapse; NaN if none */
    ARMOEDE_FIELD_REFERENCE,    /**< the figure compared with (a national figure, a target); NaN if none */
    ARMOEDE_FIELD_STATISTIC,    /**< a test statistic (t or z) of a difference; NaN if none */
    ARMOEDE_FIELD_P_VALUE,      /**< its two-sided p-value; NaN if none */
    ARMOEDE_FIELD_COUNT_        /**< number of fields; not a field */
} armoede_field;

typedef enum armoede_cell_status {
    ARMOEDE_CELL_OK = 0,
    ARMOEDE_CELL_SUPPRESSED_PRIMARY = 1,   /**< fewer than min_n units */
    ARMOEDE_CELL_SUPPRESSED_SECONDARY = 2, /**< hidden so that a primary cell cannot be recomputed */
    ARMOEDE_CELL_NO_DATA = 3,              /**< empty group (denominator 0), or nothing to compare with */
    /** a magnitude cell (a debt sum or mean) dominated by one or two
     *  contributions (the dominance rule of armoede_sdc_options) */
    ARMOEDE_CELL_SUPPRESSED_DOMINANCE = 4
} armoede_cell_status;

ARMOEDE_API size_t armoede_result_nrows(const armoede_result *r);
ARMOEDE_API size_t armoede_result_nkeys(const armoede_result *r);
ARMOEDE_API const char *armoede_result_key_name(const armoede_result *r, size_t k);
/** Label of key k in row i; NULL when the row has no such key or out of range. */
ARMOEDE_API const char *armoede_result_key(const armoede_result *r, size_t i, size_t k);
ARMOEDE_API const char *armoede_result_indicator(const armoede_result *r, size_t i);
ARMOEDE_API const char *armoede_result_unit(const armoede_result *r, size_t i);
/** A number of row i; NaN when out of range or hidden by disclosure control. */
ARMOEDE_API double armoede_result_value(const armoede_result *r, size_t i, armoede_field f);
/** armoede_cell_status of row i (ARMOEDE_EINVAL out of range). */
ARMOEDE_API int armoede_result_status(const armoede_result *r, size_t i);
/** 1 if the counts of row i were rounded by disclosure control. */
ARMOEDE_API int armoede_result_rounded(const armoede_result *r, size_t i);
/** Why row i has its status ("" when ok). */
ARMOEDE_API const char *armoede_result_reason(const armoede_result *r, size_t i);
/** Notes on the data behind the result: rows skipped and why, rules applied. */
ARMOEDE_API size_t armoede_result_nnotes(const armoede_result *r);
ARMOEDE_API const char *armoede_result_note(const armoede_result *r, size_t i);
/** 1 once disclosure control has been applied (armoede_sdc_apply). */
ARMOEDE_API int armoede_result_protected(const armoede_result *r);
/** Append the rows and notes of src to dst (key columns are united by name).
 *  Both must be unprotected or both protected. src is unchanged. */
ARMOEDE_API int armoede_result_append(armoede_result *dst, const armoede_result *src);
ARMOEDE_API void armoede_result_free(armoede_result *r);

/* ------------------------------------------------------------------------
 * Disclosure control
 *
 * Primary suppression: a cell is suppressed when its unweighted denominator
 * count is below min_n, or when its unweighted numerator count is between 1
 * and min_n - 1 (a zero is published), or when fewer than min_n units of the
 * group are outside the numerator (den_n - num_n between 1 and min_n - 1:
 * everyone in the group would be known to be in it). Count indicators (no
 * denominator) use the numerator rule only.
 * Dominance: cells of amounts (sums and means, e.g. debt at intake) whose one
 * or two largest contributions make up most of the cell are suppressed too
 * (the (n, k) rule; see dominance_n and dominance_k below).
 * Secondary suppression: within each table (same indicator, unit, threshold
 * and duration), cells that differ in one key and share all others form a
 * line, together with the cells that are totals over that key (labelled
 * "Total", or without that key because they come from a coarser breakdown).
 * Every line is treated as if its total were published somewhere, whether
 * or not the result holds it. While any line holds exactly one suppressed
 * cell, the unsuppressed non-total cell of that line with the smallest
 * denominator (numerator for counts; ties: first in row order) is suppressed
 * too; when the suppressed cell is the only child, its totals are
 * suppressed. This prevents recomputing a suppressed cell from a margin and
 * its siblings along any one key.
 * Rounding (round_base 5 or 10): published counts are rounded to the nearest
 * multiple (halves up): numerator_n, denominator_n, and numerator_w and
 * denominator_w where they are (weighted) counts. Where they hold amounts (a
 * sum or mean of money, days or scores: debt at intake, lead times, budgets,
 * spending, funding, ratings; the gaps of FGT with alpha > 0) they are left
 * as they are. The estimate is computed before rounding. Rounding does not
 * hide the count of a mean's row (numerator / estimate gives it back): small
 * groups are protected by min_n, not by rounding.
 * Suppressed cells have their numbers erased (NaN) and a reason recorded.
 * ---------------------------------------------------------------------- */
#define ARMOEDE_SDC_OPTIONS_VERSION 2
typedef struct armoede_sdc_options {
    unsigned int version;
    int min_n;      /**< default 10; 0 or 1 turns primary suppression off */
    int secondary;  /**< default 1 */
    int round_base; /**< 0 (default, none), 5 or 10 */
    /* Since version 2 (a caller passing version 1 gets the defaults below). */
    /** Dominance (n, k) rule for magnitude cells (sums and means of amounts,
     *  such as debt at intake): a cell is suppressed, status
     *  ARMOEDE_CELL_SUPPRESSED_DOMINANCE, when its dominance_n largest
     *  contributions make up more than dominance_k of its total (absolute
     *  contributions; one unit's contributions to a cell are summed by the
     *  indicator before the rule sees them). dominance_n: 1 or 2, default
     *  2; 0 turns the rule off. dominance_k in (0, 1], default 0.5 ("one or
     *  two cases may not make up most of the cell"). The rule runs after the
     *  min_n rule; secondary suppression treats its cells as primary. The
     *  contributions it reads are never written to any output and are
     *  erased from the result when disclosure control is applied. */
    int dominance_n;
    double dominance_k;
} armoede_sdc_options;
#define ARMOEDE_SDC_OPTIONS_INIT {ARMOEDE_SDC_OPTIONS_VERSION, 10, 1, 0, 2, 0.5}
ARMOEDE_API void armoede_sdc_options_init(armoede_sdc_options *opts);

/** Apply disclosure control to r in place and mark it protected. Applying it
 *  twice is EINVAL. opts NULL = defaults. */
ARMOEDE_API int armoede_sdc_apply(armoede_result *r, const armoede_sdc_options *opts);

/* ------------------------------------------------------------------------
 * Writers. Output goes to a temporary file beside path that is renamed over
 * path only when complete: no partial file is ever left as if complete.
 *
 * Disclosure control is on by default: an unprotected result is protected
 * with the default armoede_sdc_options (min_n 10, secondary on, no rounding,
 * dominance (2, 50%))
 * on a copy before writing, unless opts->unprotected is set to 1 explicitly.
 * ---------------------------------------------------------------------- */
#define ARMOEDE_WRITE_OPTIONS_VERSION 1
typedef struct armoede_write_options {
    unsigned int version;
    int unprotected; /**< 1: write an unprotected result as it is (you take the risk) */
    char separator;  /**< CSV only; 0 = ',' */
} armoede_write_options;
#define ARMOEDE_WRITE_OPTIONS_INIT {ARMOEDE_WRITE_OPTIONS_VERSION, 0, 0}

/** Tidy CSV: one row per cell with columns indicator, unit, threshold,
 *  duration, the key columns, estimate, numerator, denominator, numerator_n,
 *  denominator_n, se, ci_low, ci_high, reference, statistic, p_value, status
 *  (ok, suppressed_primary, suppressed_secondary, no_data,
 *  suppressed_dominance), rounded (0/1), reason. Numbers are written
 *  in the shortest of 15, 16 or 17 significant digits that reads back as
 *  exactly the same double (C locale); empty where NaN or hidden. */
ARMOEDE_API int armoede_result_write_csv(const armoede_result *r, const char *path,
                                         const armoede_write_options *opts);
/** JSON: {"keys": [...], "notes": [...], "rows": [{...}, ...]}; hidden
 *  numbers are null. */
ARMOEDE_API int armoede_result_write_json(const armoede_result *r, const char *path,
                                          const armoede_write_options *opts);

/* ------------------------------------------------------------------------
 * Impact indicators (indicators.md IMPACT 1-3)
 *
 * Input: a person-year table (one row per person per year, household
 * attributes repeated on each member; ARMOEDE_ROLE_PERSON_ID mapped) or a
 * household-year table (one row per household per year; no person id;
 * persons and minors from ARMOEDE_ROLE_N_PERSONS / N_MINORS).
 *
 * Ratio to the minimum, per row, by the first that applies:
 *  1. ARMOEDE_ROLE_RATIO_PCT mapped: r = value (a percentage);
 *  2. INCOME and NORM mapped: r from income and the per-record norm;
 *  3. INCOME mapped and opts->norms given: norm looked up by (YEAR,
 *     HOUSEHOLD_TYPE, AGE_BAND) as armoede_norms_annual().
 * "At or below p" (tot en met p): with income and norm, both are taken in
 * whole cents (rounded half away from zero) and the test is
 * cents(income) <= cents(p x norm); with a percentage, both sides are taken
 * in millionths of a percent and compared the same way. A value exactly on
 * the line is therefore at or below it, whatever the binary rounding of p.
 *
 * Population (CBS filters; each rule's effect is reported in the notes):
 *  - rows whose ratio cannot be formed (missing income, norm, year,
 *    household type) are skipped and counted; a household type or year
 *    missing from the norms table is an ARMOEDE_ENORM error;
 *  - filter_whole_year: rows with WHOLE_YEAR == 0 are left out;
 *  - filter_student / filter_institutional: rows with the flag 1 left out;
 *  - negative_income: ARMOEDE_NEGATIVE_EXCLUDE (default: households with a
 *    negative income are left out, as CBS does), or ARMOEDE_NEGATIVE_INCLUDE
 *    (kept, and then below every line);
 *  - wealth_limit > 0: households with WEALTH above it stay in the
 *    population but are never counted as at or below a line.
 *
 * Units: households (one per distinct HOUSEHOLD_ID and YEAR; its attributes
 * from its first row, and households whose rows disagree on income or type
 * are counted in the notes), persons (rows), minors (rows with MINOR == 1,
 * else AGE < 18, else YEAR - BIRTH_YEAR < 18). In a household-year table
 * persons and minors are weighted by N_PERSONS and N_MINORS, and their
 * unweighted counts (numerator_n, denominator_n) are numbers of household
 * records with at least one such member.
 * Weights: WEIGHT per row (a household's weight is that of its first row);
 * a missing, zero or negative weight skips the row (counted in the notes).
 * Standard errors: NaN without a weight role (register data). With weights,
 * the linearised SE of the ratio num_w/den_w treating units as independent
 * draws (with replacement, one stratum), and a normal interval clipped to
 * [0,1].
 * Breakdowns: `by` names any columns (CAT or INT; an INT's label is its
 * decimal value); rows with a missing key are left out of every cell and
 * counted, but durations and flows still follow the unit through that year.
 * `margins`
 * names the by-columns that also get a "Total" level; every combination of
 * them is produced. Groups without any unit are not reported.
 * Results are bit-identical whatever nthreads is.
 * ---------------------------------------------------------------------- */
#define ARMOEDE_UNIT_HOUSEHOLDS 1u
#define ARMOEDE_UNIT_PERSONS 2u
#define ARMOEDE_UNIT_MINORS 4u

#define ARMOEDE_NEGATIVE_EXCLUDE 0
#define ARMOEDE_NEGATIVE_INCLUDE 1

#define ARMOEDE_LEVEL_PERSON 0
#define ARMOEDE_LEVEL_HOUSEHOLD 1

#define ARMOEDE_IMPACT_OPTIONS_VERSION 1
typedef struct armoede_impact_options {
    unsigned int version;
    /** Thresholds as fractions of the norm (1.10 = 110%); NULL = {1.0, 1.1,
     *  1.2, 1.3}. Each must be in (0, 100]. */
    const double *thresholds;
    size_t n_thresholds;
    /** ARMOEDE_UNIT_* bits; 0 = what the table can tell: households always,
     *  persons in a person-year table or with N_PERSONS mapped, minors when
     *  MINOR, AGE or BIRTH_YEAR is mapped (N_MINORS in a household-year
     *  table). */
    unsigned int units;
    const char *const *by;
    size_t n_by;
    const char *const *margins;
    size_t n_margins;
    /** Norms table for rule 3 above (borrowed for the call). */
    const armoede_norms *norms;
    int filter_whole_year;     /**< default 1 */
    int filter_student;        /**< default 1 */
    int filter_institutional;  /**< default 1 */
    int negative_income;       /**< default ARMOEDE_NEGATIVE_EXCLUDE */
    double wealth_limit;       /**< default 0 = no wealth test */
    /** Durations k (years) for armoede_durations; NULL = {1, 4}. k >= 1. */
    const int *durations;
    size_t n_durations;
    int level;                 /**< durations and flows: ARMOEDE_LEVEL_PERSON (default) or _HOUSEHOLD */
    int cbs_denominator;       /**< household durations: denominator = households in the population in all k years */
    int bridge_gaps;           /**< longest run of unobserved years a spell may bridge; default 0 */
    int relapse_years;         /**< m for relapse; default 5 */
    double ci_level;           /**< default 0.95 */
    int nthreads;              /**< 0 = 2 */
} armoede_impact_options;

#define ARMOEDE_IMPACT_OPTIONS_INIT                                                              \
    {ARMOEDE_IMPACT_OPTIONS_VERSION, NULL, 0, 0, NULL, 0, NULL, 0, NULL, 1, 1, 1,              \
     ARMOEDE_NEGATIVE_EXCLUDE, 0.0, NULL, 0, ARMOEDE_LEVEL_PERSON, 0, 0, 5, 0.95, 0}
ARMOEDE_API void armoede_impact_options_init(armoede_impact_options *opts);

/** Minima by threshold (IMPACT 1). For each threshold p, unit and group:
 *  indicator "minima": numerator = units at or below p, denominator = units
 *  in the population; estimate = share. A person (in a household-year
 *  table: a household) on two rows of one year is EDATA naming both rows
 *  (it would be counted twice). Errors: EINVAL, ENOTFOUND (a role or by-column not
 *  mapped/found), ETYPE, ENORM, EDATA, ENOMEM. */
ARMOEDE_API int armoede_minima(const armoede_table *t, const armoede_impact_options *opts,
                               armoede_result **out);

/** Duration cohorts (IMPACT 2). A unit (person, or household at
 *  ARMOEDE_LEVEL_HOUSEHOLD) is in a spell of k years at t when it is at or
 *  below p in t and in each of the k-1 years before (a year in which it is
 *  not in the population is unobserved: it breaks the spell, unless it lies
 *  in a run of at most bridge_gaps unobserved years between two years at or
 *  below p, in which case it neither breaks nor counts). Persons are
 *  followed by PERSON_ID across households. Two indicators per (p, k, unit,
 *  group of year t): "duration" (denominator: the population in t, or with
 *  cbs_denominator at household level: households in the population in t
 *  and each of the k-1 years before) and "duration_of_minima" (denominator:
 *  units at or below p in t). Breakdowns are taken from the year-t row.
 *  Needs YEAR, and PERSON_ID (person level) or HOUSEHOLD_ID. Units minors
 *  counts persons who are minors in t. A person twice in one year is EDATA. */
ARMOEDE_API int armoede_durations(const armoede_table *t, const armoede_impact_options *opts,
                                  armoede_result **out);

/** Flows (IMPACT 3), per unit observed in the population in both t-1 and t,
 *  reported by the group of year t:
 *  "entry": numerator = not at or below p in t-1 and at or below in t,
 *           denominator = not at or below p in t-1;
 *  "exit":  numerator = at or below p in t-1 and not in t,
 *           denominator = at or below p in t-1;
 *  "relapse" (duration field = m), reported by exit year s and the group of
 *  year s: denominator = units that exited in s and are observed in every
 *  year s+1..s+m; numerator = those of them at or below p in any of those
 *  years. Exit years without m years of follow-up are not reported. */
ARMOEDE_API int armoede_flows(const armoede_table *t, const armoede_impact_options *opts,
                              armoede_result **out);

/* ------------------------------------------------------------------------
 * Monitors: the config-file driven run behind the `armoede` command
 * ---------------------------------------------------------------------- */
/** Run the monitor described by the config file at path (see
 *  docs/config.md) and write its outputs. Relative paths in the file are
 *  taken relative to the file's directory; out_dir, when not NULL, replaces
 *  the directory of every output. On success *out (if out is not NULL)
 *  receives the combined, protected result. Errors: ECONFIG naming file,
 *  line and key, and every error of the steps it runs. */
ARMOEDE_API int armoede_monitor_run(const char *path, const char *out_dir,
                                    armoede_result **out);

/* The indicator families, one header each (all part of this API). */
#include "armoede_measures.h"
#include "armoede_survey.h"
#include "armoede_outcome.h"
#include "armoede_process.h"

#ifdef __cplusplus
}
#endif
#endif /* ARMOEDE_H */
