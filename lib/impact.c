/* Impact indicators: minima by threshold, duration cohorts, flows.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"
#include "rowclass.h"

#include <gsl/gsl_cdf.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THRESHOLDS 30
#define IN_POP AM_IN_POP
#define CHUNK ((size_t)1 << 20)
#define MAX_GROUPS ((size_t)1 << 24)
#define HOT static inline __attribute__((always_inline))

void armoede_impact_options_init(armoede_impact_options *opts)
{
    if (!opts) return;
    armoede_impact_options d = ARMOEDE_IMPACT_OPTIONS_INIT;
    *opts = d;
}

/* Why a row is not in the population (reported in the notes): the reasons
 * of rowclass.h, and a breakdown key missing. */
enum { SK_KEY = AM_SK_COUNT_, SK_COUNT_ };
static const char *skip_text(int k)
{
    return k == SK_KEY ? "a breakdown key missing (not in any cell; still followed over the years by durations and flows)"
                       : am_skip_text[k];
}

/* ------------------------------------------------------------------ */
typedef struct {
    const armoede_table *t;
    armoede_impact_options o;
    double thr[MAX_THRESHOLDS];
    size_t np;
    int col[ARMOEDE_ROLE_COUNT_];
    /* breakdowns */
    size_t nby;
    int by_col[16];
    int is_margin[16];
    size_t nlev[16];     /* levels per dim (without Total) */
    int32_t *code[16];   /* INT columns of wide range: per-row level code (owned) */
    int32_t *imap[16];   /* INT columns of small range: value - ilo -> level code (owned) */
    int64_t ilo[16];
    int32_t *rank[16];   /* CAT: dictionary code -> sorted rank */
    char **labels[16];   /* level labels in sorted order (borrowed for CAT, owned for INT) */
    int own_labels[16];
    size_t ngroups;
    am_rowclass k;       /* who is in the population, below which thresholds (norm table built once) */
    /* per row */
    uint32_t *cls; /* low bits per threshold | IN_POP */
    int32_t *gid;  /* group id, -1 = skipped */
    uint8_t *first;/* first row of its household-year */
    uint8_t *minor;
    size_t skips[SK_COUNT_];
    size_t wealth_tested, wealth_missing, conflicts, hh_missing;
    int household_file; /* no person id: one row per household */
    int weighted;
} prep;

static void prep_free(prep *p)
{
    for (size_t d = 0; d < p->nby; d++) {
        free(p->code[d]);
        free(p->imap[d]);
        free(p->rank[d]);
        if (p->own_labels[d] && p->labels[d])
            for (size_t k = 0; k < p->nlev[d]; k++) free(p->labels[d][k]);
        free(p->labels[d]);
    }
    am_rowclass_free(&p->k);
    free(p->cls);
    free(p->gid);
    free(p->first);
    free(p->minor);
}

static int cmp_label(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}
static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Levels of breakdown dim d. */
static int setup_dim(prep *p, size_t d)
{
    const armoede_table *t = p->t;
    const am_col *c = &t->cols[p->by_col[d]];
    if (c->type == ARMOEDE_TYPE_CAT) {
        size_t n = c->dict.n;
        char **lab = malloc((n ? n : 1) * sizeof *lab);
        int32_t *rank = malloc((n ? n : 1) * sizeof *rank);
        if (!lab || !rank) { free(lab); free(rank); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
        for (size_t k = 0; k < n; k++) lab[k] = c->dict.labels[k];
        qsort(lab, n, sizeof *lab, cmp_label);
        for (size_t k = 0; k < n; k++) {
            /* find the dictionary code of lab[k] */
            int32_t code = am_dict_find(&c->dict, lab[k], strlen(lab[k]));
            rank[code] = (int32_t)k;
        }
        for (size_t k = 0; k < n; k++)
            if (strcmp(lab[k], AM_TOTAL_LABEL) == 0 && p->is_margin[d]) {
                free(lab); free(rank);
                return am_fail(ARMOEDE_EDATA, "column '%s' has a level '%s', which is the label of margins", c->name, AM_TOTAL_LABEL);
            }
        p->labels[d] = lab;
        p->rank[d] = rank;
        p->nlev[d] = n;
        return 0;
    }
    if (c->type != ARMOEDE_TYPE_INT)
        return am_fail(ARMOEDE_ETYPE, "breakdown column '%s' is real-valued: use a categorical or integer column", c->name);
    size_t n = t->nrows;
    int64_t *v = malloc((n > 4096 ? n : 4096) * sizeof *v);
    if (!v) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    size_t m = 0;
    /* levels: every value of a small range (values without units give no
     * rows), else the distinct values, sorted */
    int64_t lo = c->imin, hi = c->imax;
    if (lo <= hi && (uint64_t)(hi - lo) < 4096) {
        for (int64_t x = lo; x <= hi; x++) v[m++] = x;
    } else if (lo <= hi) {
        for (size_t i = 0; i < n; i++) if (am_ival(c, i) != ARMOEDE_NA_INT) v[m++] = am_ival(c, i);
        qsort(v, m, sizeof *v, cmp_i64);
        size_t u = 0;
        for (size_t i = 0; i < m; i++) if (!u || v[u - 1] != v[i]) v[u++] = v[i];
        m = u;
    }
    int small = lo <= hi && (uint64_t)(hi - lo) < 4096;
    char **lab = calloc(m ? m : 1, sizeof *lab);
    int32_t *code = small ? calloc((size_t)(hi - lo) + 1, sizeof *code) : malloc((n ? n : 1) * sizeof *code);
    if (!lab || !code) { free(v); free(lab); free(code); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    p->labels[d] = lab;
    p->own_labels[d] = 1;
    p->nlev[d] = m;
    for (size_t k = 0; k < m; k++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%" PRId64, v[k]);
        if (!(lab[k] = am_strdup(buf))) { free(v); free(code); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    }
    if (small) {
        /* a lookup by value: no per-row array */
        for (size_t k = 0; k < m; k++) code[v[k] - lo] = (int32_t)k;
        p->imap[d] = code;
        p->ilo[d] = lo;
    } else {
        p->code[d] = code;
        for (size_t i = 0; i < n; i++) {
            int64_t x = am_ival(c, i);
            if (x == ARMOEDE_NA_INT) { code[i] = -1; continue; }
            size_t a = 0, b = m;
            while (a < b) { size_t mid = (a + b) / 2; if (v[mid] < x) a = mid + 1; else b = mid; }
            code[i] = (int32_t)a;
        }
    }
    free(v);
    return 0;
}

static int need_role(const prep *p, int role, const char *why)
{
    if (p->col[role] >= 0) return 0;
    return am_fail(ARMOEDE_ENOTFOUND, "%s needs the role '%s' to be mapped to a column",
                   why, armoede_role_name((armoede_role)role));
}

/* Validate options and roles, set up breakdowns. */
static int prep_setup(prep *p, const armoede_table *t, const armoede_impact_options *opts, const char *fn)
{
    memset(p, 0, sizeof *p);
    p->t = t;
    armoede_impact_options d = ARMOEDE_IMPACT_OPTIONS_INIT;
    if (opts) {
        if (opts->version < 1 || opts->version > ARMOEDE_IMPACT_OPTIONS_VERSION)
            return am_fail(ARMOEDE_EINVAL, "%s: armoede_impact_options version %u is not supported", fn, opts->version);
        d = *opts;
    }
    p->o = d;
    static const double def_thr[] = {1.0, 1.1, 1.2, 1.3};
    const double *thr = d.thresholds ? d.thresholds : def_thr;
    p->np = d.thresholds ? d.n_thresholds : 4;
    if (p->np == 0 || p->np > MAX_THRESHOLDS)
        return am_fail(ARMOEDE_EINVAL, "%s: between 1 and %d thresholds, got %zu", fn, MAX_THRESHOLDS, p->np);
    for (size_t j = 0; j < p->np; j++) {
        if (!(thr[j] > 0 && thr[j] <= 100))
            return am_fail(ARMOEDE_EINVAL, "%s: threshold %g is not in (0, 100] (1.10 means 110%%)", fn, thr[j]);
        p->thr[j] = thr[j];
    }
    if (d.units == 0) {
        /* households and persons, and minors when the table can tell them */
        int person_file = t->role[ARMOEDE_ROLE_PERSON_ID] >= 0;
        p->o.units = ARMOEDE_UNIT_HOUSEHOLDS;
        if (person_file || t->role[ARMOEDE_ROLE_N_PERSONS] >= 0) p->o.units |= ARMOEDE_UNIT_PERSONS;
        if ((person_file && (t->role[ARMOEDE_ROLE_MINOR] >= 0 || t->role[ARMOEDE_ROLE_AGE] >= 0 ||
                             (t->role[ARMOEDE_ROLE_BIRTH_YEAR] >= 0 && t->role[ARMOEDE_ROLE_YEAR] >= 0))) ||
            (!person_file && t->role[ARMOEDE_ROLE_N_MINORS] >= 0))
            p->o.units |= ARMOEDE_UNIT_MINORS;
    }
    if (p->o.units & ~7u) return am_fail(ARMOEDE_EINVAL, "%s: unknown unit bits 0x%x", fn, p->o.units);
    if (d.n_by > 16) return am_fail(ARMOEDE_EINVAL, "%s: at most 16 breakdown columns", fn);
    if (d.n_by && !d.by) return am_fail(ARMOEDE_EINVAL, "%s: by is NULL", fn);
    if (d.n_margins && !d.margins) return am_fail(ARMOEDE_EINVAL, "%s: margins is NULL", fn);
    if (d.negative_income != ARMOEDE_NEGATIVE_EXCLUDE && d.negative_income != ARMOEDE_NEGATIVE_INCLUDE)
        return am_fail(ARMOEDE_EINVAL, "%s: negative_income must be ARMOEDE_NEGATIVE_EXCLUDE or _INCLUDE", fn);
    if (d.level != ARMOEDE_LEVEL_PERSON && d.level != ARMOEDE_LEVEL_HOUSEHOLD)
        return am_fail(ARMOEDE_EINVAL, "%s: level must be ARMOEDE_LEVEL_PERSON or _HOUSEHOLD", fn);
    if (d.bridge_gaps < 0 || d.relapse_years < 1 || d.nthreads < 0 || d.nthreads > 256)
        return am_fail(ARMOEDE_EINVAL, "%s: bridge_gaps >= 0, relapse_years >= 1, nthreads in 0..256", fn);
    if (!(d.ci_level > 0 && d.ci_level < 1)) return am_fail(ARMOEDE_EINVAL, "%s: ci_level must be in (0, 1)", fn);
    if (isnan(d.wealth_limit)) return am_fail(ARMOEDE_EINVAL, "%s: wealth_limit is NaN", fn);
    if (p->o.nthreads == 0) p->o.nthreads = 2;
    for (int r = 0; r < ARMOEDE_ROLE_COUNT_; r++) p->col[r] = t->role[r];
    p->household_file = p->col[ARMOEDE_ROLE_PERSON_ID] < 0;
    p->weighted = p->col[ARMOEDE_ROLE_WEIGHT] >= 0;
    int rc;
    /* ratio source */
    if (p->col[ARMOEDE_ROLE_RATIO_PCT] < 0) {
        if ((rc = need_role(p, ARMOEDE_ROLE_INCOME, "the ratio to the minimum (without ratio_pct)"))) return rc;
        if (p->col[ARMOEDE_ROLE_NORM] < 0) {
            if (!d.norms)
                return am_fail(ARMOEDE_EINVAL, "%s: no ratio_pct or norm column is mapped and no norms table was given", fn);
            if ((rc = need_role(p, ARMOEDE_ROLE_YEAR, "a norms-table lookup")) ||
                (rc = need_role(p, ARMOEDE_ROLE_HOUSEHOLD_TYPE, "a norms-table lookup")))
                return rc;
        }
    }
    if (p->household_file && (rc = need_role(p, ARMOEDE_ROLE_HOUSEHOLD_ID, fn)) != 0) {
        /* a household file without household id: every row is its own household */
        armoede_clear_error();
    }
    if (d.wealth_limit > 0 && (rc = need_role(p, ARMOEDE_ROLE_WEALTH, "the wealth test"))) return rc;
    p->nby = d.n_by;
    size_t groups = 1;
    for (size_t k = 0; k < d.n_by; k++) {
        if (!d.by[k]) return am_fail(ARMOEDE_EINVAL, "%s: breakdown %zu is NULL", fn, k);
        int j = am_table_find(t, d.by[k]);
        if (j < 0) return am_fail(ARMOEDE_ENOTFOUND, "%s: breakdown column '%s' is not in the table", fn, d.by[k]);
        for (size_t q = 0; q < k; q++)
            if (p->by_col[q] == j) return am_fail(ARMOEDE_EINVAL, "%s: breakdown column '%s' named twice", fn, d.by[k]);
        p->by_col[k] = j;
    }
    for (size_t m = 0; m < d.n_margins; m++) {
        size_t k;
        if (!d.margins[m]) return am_fail(ARMOEDE_EINVAL, "%s: margin %zu is NULL", fn, m);
        for (k = 0; k < d.n_by; k++) if (strcmp(d.by[k], d.margins[m]) == 0) break;
        if (k == d.n_by) return am_fail(ARMOEDE_EINVAL, "%s: margin '%s' is not one of the breakdown columns", fn, d.margins[m]);
        p->is_margin[k] = 1;
    }
    for (size_t k = 0; k < d.n_by; k++) {
        if ((rc = setup_dim(p, k))) return rc;
        groups *= p->nlev[k] ? p->nlev[k] : 1;
        if (groups > MAX_GROUPS)
            return am_fail(ARMOEDE_EINVAL, "%s: the breakdown has more than %zu combinations", fn, MAX_GROUPS);
    }
    p->ngroups = groups;
    return 0;
}

typedef struct {
    size_t skips[SK_COUNT_];
    am_rowclass_stats rs; /* wealth tested and missing, the first row needing a norm the table lacks */
    size_t minor_unknown, conflicts, hh_missing;
} chunk_stats;

/* Classify one row (rowclass.h): the bits of the thresholds it is at or
 * below, with IN_POP, or 0 (out of the population, *why says why). */
HOT uint32_t classify(const prep *p, size_t i, int *why, chunk_stats *st)
{
    return am_rowclass_row(&p->k, i, why, &st->rs);
}

/* Group id of row i, or -1 when a key is missing. */
HOT int32_t group_of(const prep *p, size_t i)
{
    size_t g = 0;
    for (size_t d = 0; d < p->nby; d++) {
        const am_col *c = &p->t->cols[p->by_col[d]];
        int32_t k;
        if (p->imap[d]) { int64_t x = am_ival(c, i); k = x == ARMOEDE_NA_INT ? -1 : p->imap[d][x - p->ilo[d]]; }
        else if (p->code[d]) k = p->code[d][i];
        else { int32_t code = c->v.c[i]; k = code < 0 ? -1 : p->rank[d][code]; }
        if (k < 0) return -1;
        g = g * p->nlev[d] + (size_t)k;
    }
    return (int32_t)g;
}

/* Household-key equality of rows i and j (same household id and year). */
HOT int same_household(const prep *p, size_t i, size_t j)
{
    const armoede_table *t = p->t;
    int hc = p->col[ARMOEDE_ROLE_HOUSEHOLD_ID], yc = p->col[ARMOEDE_ROLE_YEAR];
    if (hc < 0) return 0;
    int64_t a = am_key(&t->cols[hc], i);
    if (a == ARMOEDE_NA_INT || a != am_key(&t->cols[hc], j)) return 0; /* a missing id joins nothing */
    if (yc >= 0 && am_ival(&t->cols[yc], i) != am_ival(&t->cols[yc], j)) return 0;
    return 1;
}

/* ---- sorting rows by a 64-bit key (LSD radix, stable) ---- */
typedef struct { uint64_t key; uint32_t row; uint32_t pad; } krow;

static int radix_sort(krow *a, size_t n)
{
    krow *b = malloc((n ? n : 1) * sizeof *b);
    if (!b) return am_fail(ARMOEDE_ENOMEM, "out of memory sorting %zu rows", n);
    uint64_t all_or = 0, all_and = ~(uint64_t)0;
    for (size_t i = 0; i < n; i++) { all_or |= a[i].key; all_and &= a[i].key; }
    for (int shift = 0; shift < 64; shift += 8) {
        if ((((all_or ^ all_and) >> shift) & 0xff) == 0) continue; /* byte constant */
        size_t cnt[257] = {0};
        for (size_t i = 0; i < n; i++) cnt[((a[i].key >> shift) & 0xff) + 1]++;
        for (int k = 0; k < 256; k++) cnt[k + 1] += cnt[k];
        for (size_t i = 0; i < n; i++) b[cnt[(a[i].key >> shift) & 0xff]++] = a[i];
        krow *tmp = a; a = b; b = tmp;
        /* keep the data in the caller's array at the end */
        memcpy(b, a, n * sizeof *a);
        tmp = a; a = b; b = tmp;
    }
    free(b);
    return 0;
}

static inline uint64_t ukey(int64_t v) { return (uint64_t)v ^ ((uint64_t)1 << 63); }

/* Mark the first row of every household-year (person files). */
static int mark_households(prep *p)
{
    const armoede_table *t = p->t;
    size_t n = t->nrows;
    p->first = calloc(n ? n : 1, 1);
    if (!p->first) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    int hc = p->col[ARMOEDE_ROLE_HOUSEHOLD_ID];
    if (hc < 0 || p->household_file) {
        if (!p->household_file)
            return am_fail(ARMOEDE_ENOTFOUND, "counting households needs the role 'household_id' to be mapped");
        memset(p->first, 1, n); /* a household-year table: every row is a household */
        return 0;
    }
    int yc = p->col[ARMOEDE_ROLE_YEAR];
    /* fast path: rows of one household-year contiguous and in (year, household) order */
    int sorted = 1;
    for (size_t i = 1; i < n && sorted; i++) {
        int64_t y0 = yc >= 0 ? am_ival(&t->cols[yc], i - 1) : 0, y1 = yc >= 0 ? am_ival(&t->cols[yc], i) : 0;
        int64_t h0 = am_key(&t->cols[hc], i - 1), h1 = am_key(&t->cols[hc], i);
        if (y1 < y0 || (y1 == y0 && h1 < h0)) sorted = 0;
    }
    if (sorted) {
        size_t head = 0, counted = SIZE_MAX;
        for (size_t i = 0; i < n; i++) {
            p->first[i] = i == 0 || !same_household(p, i, i - 1);
            if (am_key(&t->cols[hc], i) == ARMOEDE_NA_INT) {
                p->first[i] = 0;
                if (p->cls[i] && p->gid[i] >= 0) p->hh_missing++;
                continue;
            }
            if (p->first[i]) head = i;
            else if ((p->cls[i] != p->cls[head] || p->gid[i] != p->gid[head]) && counted != head) {
                p->conflicts++;
                counted = head;
            }
        }
    } else {
        krow *a = malloc((n ? n : 1) * sizeof *a);
        if (!a) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        /* sort by household, then (stable) rows of one household stay in row order;
         * years are told apart afterwards by a second sort key */
        for (size_t i = 0; i < n; i++) { a[i].key = ukey(yc >= 0 ? am_ival(&t->cols[yc], i) : 0); a[i].row = (uint32_t)i; }
        int rc = radix_sort(a, n);
        if (!rc) {
            for (size_t i = 0; i < n; i++) a[i].key = ukey(am_key(&t->cols[hc], a[i].row));
            rc = radix_sort(a, n);
        }
        if (rc) { free(a); return rc; }
        /* now sorted by household, then year, then row */
        size_t head = 0, counted = SIZE_MAX;
        for (size_t k = 0; k < n; k++) {
            size_t i = a[k].row;
            p->first[i] = k == 0 || !same_household(p, i, a[k - 1].row);
            if (am_key(&t->cols[hc], i) == ARMOEDE_NA_INT) {
                p->first[i] = 0;
                if (p->cls[i] && p->gid[i] >= 0) p->hh_missing++;
                continue;
            }
            if (p->first[i]) head = i;
            else if ((p->cls[i] != p->cls[head] || p->gid[i] != p->gid[head]) && counted != head) {
                p->conflicts++;
                counted = head;
            }
        }
        free(a);
    }
    return 0;
}

/* Every unit (person in a person file, household in a household file) may
 * appear once per year: a duplicate would be counted twice. Dense ids are
 * checked with one bitmap per year; sparse ones by sorting. */
static int check_unique(prep *p)
{
    const armoede_table *t = p->t;
    int uc = p->household_file ? p->col[ARMOEDE_ROLE_HOUSEHOLD_ID] : p->col[ARMOEDE_ROLE_PERSON_ID];
    int yc = p->col[ARMOEDE_ROLE_YEAR];
    if (uc < 0) return 0;
    const am_col *c = &t->cols[uc];
    size_t n = t->nrows;
    int64_t lo = INT64_MAX, hi = INT64_MIN, ylo = INT64_MAX, yhi = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        int64_t v = am_key(c, i), y = yc >= 0 ? am_ival(&t->cols[yc], i) : 0;
        if (v == ARMOEDE_NA_INT || y == ARMOEDE_NA_INT) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        if (y < ylo) ylo = y;
        if (y > yhi) yhi = y;
    }
    if (lo > hi) return 0;
    uint64_t range = (uint64_t)hi - (uint64_t)lo + 1, years = (uint64_t)yhi - (uint64_t)ylo + 1;
    size_t dup_a = SIZE_MAX, dup_b = SIZE_MAX;
    if (range <= ((uint64_t)1 << 34) / years && range / 64 <= (uint64_t)n + 1024) {
        size_t words = (size_t)((range + 63) / 64);
        uint64_t *bits = calloc(words * (size_t)years, sizeof *bits);
        if (!bits) return am_fail(ARMOEDE_ENOMEM, "out of memory checking for duplicate ids");
        for (size_t i = 0; i < n; i++) {
            int64_t v = am_key(c, i);
            if (v == ARMOEDE_NA_INT || (yc >= 0 && am_ival(&t->cols[yc], i) == ARMOEDE_NA_INT)) continue;
            uint64_t y = yc >= 0 ? (uint64_t)(am_ival(&t->cols[yc], i) - ylo) : 0, b = (uint64_t)v - (uint64_t)lo;
            uint64_t *w = &bits[y * words + b / 64], m = (uint64_t)1 << (b % 64);
            if (*w & m) { dup_b = i; break; }
            *w |= m;
        }
        free(bits);
        if (dup_b != SIZE_MAX) /* find the first row of that id and year */
            for (size_t i = 0; i < dup_b; i++)
                if (am_key(c, i) == am_key(c, dup_b) &&
                    (yc < 0 || am_ival(&t->cols[yc], i) == am_ival(&t->cols[yc], dup_b))) { dup_a = i; break; }
    } else {
        krow *a = malloc((n ? n : 1) * sizeof *a);
        if (!a) return am_fail(ARMOEDE_ENOMEM, "out of memory checking for duplicate ids");
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (am_key(c, i) == ARMOEDE_NA_INT || (yc >= 0 && am_ival(&t->cols[yc], i) == ARMOEDE_NA_INT)) continue;
            a[m].key = ukey(yc >= 0 ? am_ival(&t->cols[yc], i) : 0);
            a[m++].row = (uint32_t)i;
        }
        int rc = radix_sort(a, m);
        if (!rc) {
            for (size_t k = 0; k < m; k++) a[k].key = ukey(am_key(c, a[k].row));
            rc = radix_sort(a, m);
        }
        if (rc) { free(a); return rc; }
        for (size_t k = 1; k < m; k++)
            if (a[k].key == a[k - 1].key && (yc < 0 || am_ival(&t->cols[yc], a[k].row) == am_ival(&t->cols[yc], a[k - 1].row))) {
                dup_a = a[k - 1].row;
                dup_b = a[k].row;
                break;
            }
        free(a);
    }
    if (dup_b == SIZE_MAX) return 0;
    char w1[512], w2[512], idb[32];
    const char *lab = c->type == ARMOEDE_TYPE_CAT ? c->dict.labels[c->v.c[dup_b]] : NULL;
    if (!lab) { snprintf(idb, sizeof idb, "%" PRId64, am_ival(c, dup_b)); lab = idb; }
    char yb[48] = "";
    if (yc >= 0) snprintf(yb, sizeof yb, " in year %" PRId64, am_ival(&t->cols[yc], dup_b));
    return am_fail(ARMOEDE_EDATA, "%s '%s' (column '%s') appears twice%s (%s and %s): it would be counted twice",
                   p->household_file ? "household" : "person", lab, c->name, yb,
                   dup_a != SIZE_MAX ? am_table_where(t, dup_a, w1, sizeof w1) : "an earlier row",
                   am_table_where(t, dup_b, w2, sizeof w2));
}

HOT int is_minor(const prep *p, size_t i)
{
    const armoede_table *t = p->t;
    const int *col = p->col;
    if (col[ARMOEDE_ROLE_MINOR] >= 0) {
        int64_t v = am_ival(&t->cols[col[ARMOEDE_ROLE_MINOR]], i);
        if (v != ARMOEDE_NA_INT) return v != 0;
    }
    if (col[ARMOEDE_ROLE_AGE] >= 0) {
        int64_t v = am_ival(&t->cols[col[ARMOEDE_ROLE_AGE]], i);
        if (v != ARMOEDE_NA_INT) return v < 18;
    }
    if (col[ARMOEDE_ROLE_BIRTH_YEAR] >= 0 && col[ARMOEDE_ROLE_YEAR] >= 0) {
        int64_t b = am_ival(&t->cols[col[ARMOEDE_ROLE_BIRTH_YEAR]], i), y = am_ival(&t->cols[col[ARMOEDE_ROLE_YEAR]], i);
        if (b != ARMOEDE_NA_INT && y != ARMOEDE_NA_INT) return y - b < 18;
    }
    return -1; /* unknown */
}

/* ---- running fixed chunks of rows on threads ----
 * Chunk k is always rows [k*CHUNK, (k+1)*CHUNK): what a chunk computes, and
 * the order in which chunk results are merged, never depend on the thread
 * count, so results are bit-identical for any nthreads. */
typedef void (*chunk_fn)(void *ctx, size_t k, size_t tid);
typedef struct {
    chunk_fn fn;
    void *ctx;
    size_t nchunks, next;
    pthread_mutex_t mu;
} chunk_run;

typedef struct {
    chunk_run *c;
    size_t tid;
} chunk_thread;

static void *chunk_worker(void *arg)
{
    chunk_thread *w = arg;
    chunk_run *c = w->c;
    for (;;) {
        pthread_mutex_lock(&c->mu);
        size_t k = c->next++;
        pthread_mutex_unlock(&c->mu);
        if (k >= c->nchunks) return NULL;
        c->fn(c->ctx, k, w->tid);
    }
}

/* Run fn on every chunk; tid (0..nthreads-1) tells which thread runs it. */
static void run_chunks(int nthreads, size_t nchunks, chunk_fn fn, void *ctx)
{
    chunk_run c = {fn, ctx, nchunks, 0, PTHREAD_MUTEX_INITIALIZER};
    size_t nt = (size_t)(nthreads > 0 ? nthreads : 1);
    if (nt > nchunks) nt = nchunks;
    if (nt > 256) nt = 256;
    pthread_t th[256];
    chunk_thread w[256];
    size_t started = 0;
    for (size_t k = 1; k < nt; k++) {
        w[k].c = &c;
        w[k].tid = k;
        if (pthread_create(&th[started], NULL, chunk_worker, &w[k]) != 0) break; /* fewer threads: same result */
        started++;
    }
    w[0].c = &c;
    w[0].tid = 0;
    chunk_worker(&w[0]);
    for (size_t k = 0; k < started; k++) pthread_join(th[k], NULL);
    pthread_mutex_destroy(&c.mu);
}

static inline size_t nchunks_of(size_t n) { return n ? (n + CHUNK - 1) / CHUNK : 1; }

/* The row classifier (rowclass.h) of p, and its norm table for the years of
 * the year column. */
static int setup_norm_cache(prep *p)
{
    const armoede_table *t = p->t;
    am_rowclass_bind(&p->k, t, p->col, &p->o, p->np, p->thr);
    if (p->col[ARMOEDE_ROLE_RATIO_PCT] >= 0 || p->col[ARMOEDE_ROLE_NORM] >= 0) return 0;
    const am_col *yc = &t->cols[p->col[ARMOEDE_ROLE_YEAR]];
    if (yc->type != ARMOEDE_TYPE_INT) return am_fail(ARMOEDE_ETYPE, "year column must be integer");
    int64_t lo = yc->imin, hi = yc->imax;
    if (lo > hi) { lo = hi = 2000; }
    if (lo < 1900 || hi > 2999) {
        for (size_t i = 0; i < t->nrows; i++) {
            int64_t y = am_ival(yc, i);
            if (y != ARMOEDE_NA_INT && (y < 1900 || y > 2999)) {
                char where[512];
                return am_fail(ARMOEDE_EDATA, "%s, column '%s': year %" PRId64 " is not a plausible year",
                               am_table_where(t, i, where, sizeof where), yc->name, y);
            }
        }
    }
    return am_rowclass_norms(&p->k, (int)lo, (int)hi);
}

/* Add up the per-chunk statistics; the errors they hold come out here, the
 * first in row order. */
static int merge_stats(prep *p, const chunk_stats *st, size_t nch)
{
    size_t minor_unknown = 0, norm_err = SIZE_MAX;
    for (size_t k = 0; k < nch; k++) {
        for (int w = 0; w < SK_COUNT_; w++) p->skips[w] += st[k].skips[w];
        p->wealth_tested += st[k].rs.wealth_tested;
        p->wealth_missing += st[k].rs.wealth_missing;
        p->conflicts += st[k].conflicts;
        p->hh_missing += st[k].hh_missing;
        minor_unknown += st[k].minor_unknown;
        if (st[k].rs.norm_err_row < norm_err) norm_err = st[k].rs.norm_err_row;
    }
    if (norm_err != SIZE_MAX) return am_rowclass_norm_error(&p->k, norm_err);
    if (minor_unknown && (p->o.units & ARMOEDE_UNIT_MINORS))
        return am_fail(ARMOEDE_ENOTFOUND, "counting minors needs a minor flag, an age or a birth year (roles 'minor', 'age', 'birth_year' with 'year'); %zu rows in the population have none of them (not mapped, or missing values)", minor_unknown);
    return 0;
}

/* Per-row classification, group and minor flag, in parallel chunks. */
typedef struct {
    prep *p;
    chunk_stats *st; /* per chunk */
    int need_minor;
} rows_job;

static void rows_chunk(void *ctx, size_t k, size_t tid)
{
    (void)tid;
    rows_job *j = ctx;
    prep *p = j->p;
    chunk_stats *st = &j->st[k];
    size_t a = k * CHUNK, b = a + CHUNK < p->t->nrows ? a + CHUNK : p->t->nrows;
    for (size_t i = a; i < b; i++) {
        int why;
        uint32_t cls = classify(p, i, &why, st);
        int32_t g = group_of(p, i);
        if (cls && g < 0) why = SK_KEY; /* stays observed (durations, flows); left out of the cells */
        st->skips[why]++;
        p->cls[i] = cls;
        p->gid[i] = g;
        int m = is_minor(p, i);
        if (m < 0) { m = 0; if (j->need_minor && cls && g >= 0 && !p->household_file) st->minor_unknown++; }
        p->minor[i] = (uint8_t)m;
    }
}

static int prep_rows(prep *p, int need_minor_info)
{
    const armoede_table *t = p->t;
    size_t n = t->nrows;
    int rc;
    if (!p->k.thr_cents && (rc = setup_norm_cache(p))) return rc;
    p->cls = malloc((n ? n : 1) * sizeof *p->cls);
    p->gid = malloc((n ? n : 1) * sizeof *p->gid);
    p->minor = malloc(n ? n : 1);
    size_t nch = nchunks_of(n);
    rows_job j = {p, calloc(nch, sizeof(chunk_stats)), need_minor_info};
    if (!p->cls || !p->gid || !p->minor || !j.st) { free(j.st); return am_fail(ARMOEDE_ENOMEM, "out of memory (%zu rows)", n); }
    for (size_t k = 0; k < nch; k++) j.st[k].rs.norm_err_row = SIZE_MAX;
    run_chunks(p->o.nthreads, nch, rows_chunk, &j);
    rc = merge_stats(p, j.st, nch);
    free(j.st);
    return rc;
}

static int add_notes(prep *p, armoede_result *r, size_t rows_in)
{
    int rc = am_result_note(r, "rows read: %zu", rows_in);
    for (int k = 1; k < SK_COUNT_ && !rc; k++)
        if (p->skips[k]) rc = am_result_note(r, "rows left out: %zu (%s)", p->skips[k], skip_text(k));
    if (!rc && p->wealth_tested)
        rc = am_result_note(r, "wealth test: %zu rows above the wealth limit %.2f kept in the population, never counted as low",
                            p->wealth_tested, p->o.wealth_limit);
    if (!rc && p->wealth_missing)
        rc = am_result_note(r, "wealth test: %zu rows without wealth were not tested", p->wealth_missing);
    if (!rc && p->hh_missing)
        rc = am_result_note(r, "rows without a household id: %zu (counted as persons, not as households)", p->hh_missing);
    if (!rc && p->conflicts)
        rc = am_result_note(r, "households whose member rows disagree on income, norm, filters or group: %zu (the first row of each is used)",
                            p->conflicts);
    return rc;
}

/* ---- accumulation into cells ---- */
/* Per (group, unit): den_w, den_n, den_x2; per (group, unit, p): num_w, num_n, num_x2. */
typedef struct {
    size_t ng, nu, np;
    double *den; /* [g][u][3] */
    double *num; /* [g][u][p][3] */
} cells;

static int cells_new(cells *c, size_t ng, size_t nu, size_t np)
{
    c->ng = ng; c->nu = nu; c->np = np;
    c->den = calloc(ng * nu * 3, sizeof *c->den);
    c->num = calloc(ng * nu * np * 3, sizeof *c->num);
    if (!c->den || !c->num) { free(c->den); free(c->num); return am_fail(ARMOEDE_ENOMEM, "out of memory (%zu groups)", ng); }
    return 0;
}
static void cells_free(cells *c) { free(c->den); free(c->num); }

HOT void cell_add(cells *c, size_t g, size_t u, double x, int in_den, uint32_t lowbits)
{
    double *d = &c->den[(g * c->nu + u) * 3];
    if (in_den) { d[0] += x; d[1] += 1; d[2] += x * x; }
    if (!lowbits) return;
    double *nm = &c->num[(g * c->nu + u) * c->np * 3];
    for (size_t j = 0; j < c->np; j++)
        if (lowbits >> j & 1u) { nm[j * 3] += x; nm[j * 3 + 1] += 1; nm[j * 3 + 2] += x * x; }
}

static void cells_merge(cells *into, const cells *from)
{
    size_t nd = into->ng * into->nu * 3, nn = nd * into->np;
    for (size_t k = 0; k < nd; k++) into->den[k] += from->den[k];
    for (size_t k = 0; k < nn; k++) into->num[k] += from->num[k];
}

static const char *const unit_names[3] = {"households", "persons", "minors"};

/* Units active in opts, as indices 0..2. */
static size_t active_units(const prep *p, int idx[3])
{
    size_t nu = 0;
    for (int u = 0; u < 3; u++) if (p->o.units & (1u << u)) idx[nu++] = u;
    return nu;
}

/* Emit rows for every group and margin combination. num_index selects the
 * numerator slot, indicator per call; den from den slot unless den_from_num
 * >= 0 (then the numerator of that threshold is the denominator). */
typedef struct {
    const char *indicator;
    double duration;
    int den_is_minima; /* denominator = numerator cells of `den_cells` */
    const cells *den_cells;
} emit_spec;

static double zval(double level)
{
    am_gsl_guard();
    return gsl_cdf_ugaussian_Pinv(1 - (1 - level) / 2);
}

static int emit(prep *p, armoede_result *r, const cells *c, const emit_spec *s)
{
    int uidx[3];
    size_t nu = active_units(p, uidx);
    size_t nby = p->nby;
    size_t nmarg = 0, mdims[16];
    for (size_t d = 0; d < nby; d++) if (p->is_margin[d]) mdims[nmarg++] = d;
    const char *keys[16];
    size_t dig[16];
    double z = zval(p->o.ci_level);
    const char *ind = am_result_intern(r, s->indicator), *units[3] = {NULL, NULL, NULL};
    if (!ind) return ARMOEDE_ENOMEM;
    for (size_t u = 0; u < nu; u++)
        if (!(units[u] = am_result_intern(r, unit_names[uidx[u]]))) return ARMOEDE_ENOMEM;
    /* aggregate buffers for a margin combination */
    size_t nd = c->ng * c->nu * 3;
    cells agg;
    int rc = cells_new(&agg, c->ng, c->nu, c->np);
    if (rc) return rc;
    cells aggd = {0};
    if (s->den_is_minima && (rc = cells_new(&aggd, c->ng, c->nu, c->np))) { cells_free(&agg); return rc; }
    for (size_t mask = 0; mask < ((size_t)1 << nmarg) && !rc; mask++) {
        /* sum cells into agg with the masked dims set to level 0 */
        memset(agg.den, 0, nd * sizeof *agg.den);
        memset(agg.num, 0, nd * c->np * sizeof *agg.num);
        if (s->den_is_minima) memset(aggd.num, 0, nd * c->np * sizeof *aggd.num);
        for (size_t g = 0; g < c->ng; g++) {
            size_t rem = g, tgt = 0, mult = 1;
            for (size_t d = nby; d-- > 0;) {
                size_t k = rem % p->nlev[d];
                rem /= p->nlev[d];
                int masked = 0;
                for (size_t m = 0; m < nmarg; m++) if (mdims[m] == d && (mask >> m & 1)) masked = 1;
                tgt += (masked ? 0 : k) * mult;
                mult *= p->nlev[d];
            }
            for (size_t k = 0; k < c->nu * 3; k++) agg.den[tgt * c->nu * 3 + k] += c->den[g * c->nu * 3 + k];
            for (size_t k = 0; k < c->nu * c->np * 3; k++) agg.num[tgt * c->nu * c->np * 3 + k] += c->num[g * c->nu * c->np * 3 + k];
            if (s->den_is_minima)
                for (size_t k = 0; k < c->nu * c->np * 3; k++)
                    aggd.num[tgt * c->nu * c->np * 3 + k] += s->den_cells->num[g * c->nu * c->np * 3 + k];
        }
        for (size_t g = 0; g < c->ng && !rc; g++) {
            /* skip target groups that are not canonical for this mask */
            size_t rem = g;
            int ok = 1;
            for (size_t d = nby; d-- > 0;) {
                dig[d] = rem % p->nlev[d];
                rem /= p->nlev[d];
            }
            for (size_t m = 0; m < nmarg; m++) if ((mask >> m & 1) && dig[mdims[m]] != 0) ok = 0;
            if (!ok) continue;
            for (size_t d = 0; d < nby; d++) {
                int masked = 0;
                for (size_t m = 0; m < nmarg; m++) if (mdims[m] == d && (mask >> m & 1)) masked = 1;
                keys[d] = am_result_intern(r, masked ? AM_TOTAL_LABEL : p->labels[d][dig[d]]);
                if (!keys[d]) rc = ARMOEDE_ENOMEM;
            }
            for (size_t j = 0; j < c->np && !rc; j++) {
                for (size_t u = 0; u < nu && !rc; u++) {
                    const double *nm = &agg.num[((g * c->nu + u) * c->np + j) * 3];
                    const double *dn = s->den_is_minima ? &aggd.num[((g * c->nu + u) * c->np + j) * 3]
                                                        : &agg.den[(g * c->nu + u) * 3];
                    if (dn[1] == 0) continue; /* empty group */
                    double f[ARMOEDE_FIELD_COUNT_];
                    am_fields_nan(f);
                    double R = nm[0] / dn[0];
                    f[ARMOEDE_FIELD_ESTIMATE] = R;
                    f[ARMOEDE_FIELD_NUM_W] = nm[0];
                    f[ARMOEDE_FIELD_DEN_W] = dn[0];
                    f[ARMOEDE_FIELD_NUM_N] = nm[1];
                    f[ARMOEDE_FIELD_DEN_N] = dn[1];
                    if (p->weighted && dn[1] > 1) {
                        /* y = x * low, so sum y^2 = sum xy = num x2 */
                        double sz = nm[2] - 2 * R * nm[2] + R * R * dn[2];
                        if (sz < 0) sz = 0;
                        double se = sqrt(dn[1] / (dn[1] - 1) * sz) / dn[0];
                        f[ARMOEDE_FIELD_SE] = se;
                        f[ARMOEDE_FIELD_CI_LOW] = fmax(0, R - z * se);
                        f[ARMOEDE_FIELD_CI_HIGH] = fmin(1, R + z * se);
                    }
                    f[ARMOEDE_FIELD_THRESHOLD] = p->thr[j];
                    f[ARMOEDE_FIELD_DURATION] = s->duration;
                    rc = am_result_add_interned(r, ind, units[u], keys, f);
                }
            }
        }
    }
    cells_free(&agg);
    if (s->den_is_minima) cells_free(&aggd);
    return rc;
}

static int result_start(prep *p, armoede_result **out)
{
    armoede_result *r = am_result_new();
    if (!r) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    const char *names[16];
    for (size_t d = 0; d < p->nby; d++) names[d] = p->t->cols[p->by_col[d]].name;
    int rc = am_result_set_keys(r, names, p->nby);
    if (rc) { armoede_result_free(r); return rc; }
    *out = r;
    return 0;
}

/* ---- minima ---- */
/* Count row i (weight w, group g) as each active unit: a household at its
 * first row, a person, a minor; in a household-year table persons and
 * minors weighted by N_PERSONS and N_MINORS. */
HOT void add_units(const prep *p, cells *c, const int *uidx, size_t nu, size_t i, size_t g, double w,
                   int first, int minor, uint32_t low, const am_col *npc, const am_col *nmc)
{
    for (size_t u = 0; u < nu; u++) {
        switch (uidx[u]) {
        case 0:
            if (first) cell_add(c, g, u, w, 1, low);
            break;
        case 1:
            if (p->household_file) {
                double m = npc ? am_num(npc, i) : NAN;
                if (m > 0) cell_add(c, g, u, w * m, 1, low);
            } else cell_add(c, g, u, w, 1, low);
            break;
        default:
            if (p->household_file) {
                double m = nmc ? am_num(nmc, i) : NAN;
                if (m > 0) cell_add(c, g, u, w * m, 1, low);
            } else if (minor) cell_add(c, g, u, w, 1, low);
            break;
        }
    }
}

typedef struct {
    prep *p;
    cells *parts;
    size_t nchunks;
    int uidx[3];
    size_t nu;
} minima_job;

static void minima_chunk(void *ctx, size_t k, size_t tid)
{
    (void)tid;
    minima_job *j = ctx;
    prep *p = j->p;
    const armoede_table *t = p->t;
    cells *c = &j->parts[k];
    size_t a = k * CHUNK, b = a + CHUNK < t->nrows ? a + CHUNK : t->nrows;
    const am_col *wc = p->weighted ? &t->cols[p->col[ARMOEDE_ROLE_WEIGHT]] : NULL;
    const am_col *npc = p->col[ARMOEDE_ROLE_N_PERSONS] >= 0 ? &t->cols[p->col[ARMOEDE_ROLE_N_PERSONS]] : NULL;
    const am_col *nmc = p->col[ARMOEDE_ROLE_N_MINORS] >= 0 ? &t->cols[p->col[ARMOEDE_ROLE_N_MINORS]] : NULL;
    for (size_t i = a; i < b; i++) {
        uint32_t cls = p->cls[i];
        if (!cls || p->gid[i] < 0) continue;
        uint32_t low = cls & ~IN_POP;
        add_units(p, c, j->uidx, j->nu, i, (size_t)p->gid[i], wc ? am_num(wc, i) : 1.0, p->first ? p->first[i] : 0,
                  p->minor[i], low, npc, nmc);
    }
}

/* The fast path when the rows of each household-year are contiguous and in
 * (year, household) order (every export we have seen, and the generator's):
 * one pass per chunk classifies, groups and counts, with no per-row arrays.
 * Counts are accumulated per thread when unweighted (integer sums: the
 * order does not matter) and per chunk when weighted (merged in chunk
 * order), so results are bit-identical for any thread count. */
typedef struct {
    prep *p;
    cells *parts;
    uint64_t **counts; /* unweighted: per thread [g][u][1 + np] (den, num per threshold) */
    chunk_stats *st;
    int per_thread;
    int uidx[3];
    size_t nu;
} fused_job;

/* Unweighted unit counts: integers, so any order of addition is exact. */
HOT void count_add(uint64_t *cnt, size_t np, size_t nu, size_t g, size_t u, uint32_t low)
{
    uint64_t *x = &cnt[(g * nu + u) * (1 + np)];
    x[0]++;
    while (low) {
        unsigned j = (unsigned)__builtin_ctz(low);
        x[1 + j]++;
        low &= low - 1;
    }
}

static void fused_chunk(void *ctx, size_t k, size_t tid)
{
    fused_job *j = ctx;
    prep *p = j->p;
    const armoede_table *t = p->t;
    chunk_stats *st = &j->st[k];
    cells *c = &j->parts[j->per_thread ? tid : k];
    uint64_t *cnt = j->counts ? j->counts[tid] : NULL;
    size_t np = p->np, nu = j->nu;
    size_t a = k * CHUNK, b = a + CHUNK < t->nrows ? a + CHUNK : t->nrows;
    const am_col *wc = p->weighted ? &t->cols[p->col[ARMOEDE_ROLE_WEIGHT]] : NULL;
    const am_col *npc = p->col[ARMOEDE_ROLE_N_PERSONS] >= 0 ? &t->cols[p->col[ARMOEDE_ROLE_N_PERSONS]] : NULL;
    const am_col *nmc = p->col[ARMOEDE_ROLE_N_MINORS] >= 0 ? &t->cols[p->col[ARMOEDE_ROLE_N_MINORS]] : NULL;
    int hh_rows = !p->household_file && p->col[ARMOEDE_ROLE_HOUSEHOLD_ID] >= 0;
    uint32_t head_cls = 0;
    int32_t head_gid = -1;
    int conflict_counted = 0;
    if (hh_rows && a > 0 && same_household(p, a, a - 1)) {
        /* the chunk starts inside a household: find and classify its head */
        size_t h = a - 1;
        while (h > 0 && same_household(p, h, h - 1)) h--;
        chunk_stats scratch = {0};
        scratch.rs.norm_err_row = SIZE_MAX;
        int why;
        head_cls = classify(p, h, &why, &scratch);
        head_gid = group_of(p, h);
        /* a conflict already seen before this chunk is not counted again */
        for (size_t i = h + 1; i < a && !conflict_counted; i++) {
            uint32_t ci = classify(p, i, &why, &scratch);
            if (ci != head_cls || group_of(p, i) != head_gid) conflict_counted = 1;
        }
    }
    for (size_t i = a; i < b; i++) {
        int why;
        uint32_t cls = classify(p, i, &why, st);
        int32_t g = group_of(p, i);
        if (cls && g < 0) why = SK_KEY;
        st->skips[why]++;
        int first = !hh_rows || i == 0 || !same_household(p, i, i - 1);
        if (hh_rows && am_key(&t->cols[p->col[ARMOEDE_ROLE_HOUSEHOLD_ID]], i) == ARMOEDE_NA_INT) {
            first = 0; /* no household id: a person, but no household */
            if (cls && g >= 0) st->hh_missing++;
        } else if (first) { head_cls = cls; head_gid = g; conflict_counted = 0; }
        else if ((cls != head_cls || g != head_gid) && !conflict_counted) { st->conflicts++; conflict_counted = 1; }
        if (!cls || g < 0) continue;
        uint32_t low = cls & ~IN_POP;
        int minor = p->household_file ? 0 : is_minor(p, i);
        if (minor < 0) { st->minor_unknown++; minor = 0; }
        if (cnt) { /* person file, unweighted */
            for (size_t u = 0; u < nu; u++) {
                int unit = j->uidx[u];
                if (unit == 1 || (unit == 0 && first) || (unit == 2 && minor))
                    count_add(cnt, np, nu, (size_t)g, u, low);
            }
            continue;
        }
        add_units(p, c, j->uidx, j->nu, i, (size_t)g, wc ? am_num(wc, i) : 1.0, first, minor, low, npc, nmc);
    }
}

/* Are the rows in (year, household) order, so that each household-year is contiguous? */
typedef struct {
    prep *p;
    unsigned char *bad; /* per chunk */
} order_job;

static void order_chunk(void *ctx, size_t k, size_t tid)
{
    (void)tid;
    order_job *j = ctx;
    const prep *p = j->p;
    const armoede_table *t = p->t;
    int hc = p->col[ARMOEDE_ROLE_HOUSEHOLD_ID], yc = p->col[ARMOEDE_ROLE_YEAR];
    size_t a = k * CHUNK, b = a + CHUNK < t->nrows ? a + CHUNK : t->nrows;
    for (size_t i = a ? a : 1; i < b; i++) {
        int64_t y0 = yc >= 0 ? am_ival(&t->cols[yc], i - 1) : 0, y1 = yc >= 0 ? am_ival(&t->cols[yc], i) : 0;
        int64_t h0 = am_key(&t->cols[hc], i - 1), h1 = am_key(&t->cols[hc], i);
        if (y1 < y0 || (y1 == y0 && h1 < h0)) { j->bad[k] = 1; return; }
    }
}

static int rows_in_household_order(prep *p)
{
    if (p->household_file || p->col[ARMOEDE_ROLE_HOUSEHOLD_ID] < 0) return 1;
    size_t nch = nchunks_of(p->t->nrows);
    order_job j = {p, calloc(nch, 1)};
    if (!j.bad) return -1;
    run_chunks(p->o.nthreads, nch, order_chunk, &j);
    int ok = 1;
    for (size_t k = 0; k < nch; k++) if (j.bad[k]) ok = 0;
    free(j.bad);
    return ok;
}

static int minima_fused(prep *p, armoede_result **out)
{
    const armoede_table *t = p->t;
    size_t nch = nchunks_of(t->nrows);
    fused_job j;
    memset(&j, 0, sizeof j);
    j.p = p;
    j.nu = active_units(p, j.uidx);
    j.per_thread = !p->weighted;
    size_t nt = (size_t)p->o.nthreads < nch ? (size_t)p->o.nthreads : nch;
    size_t nparts = j.per_thread ? nt : nch;
    j.parts = calloc(nparts, sizeof *j.parts);
    j.st = calloc(nch, sizeof *j.st);
    int rc = (!j.parts || !j.st) ? am_fail(ARMOEDE_ENOMEM, "out of memory") : 0;
    for (size_t k = 0; k < nparts && !rc; k++) rc = cells_new(&j.parts[k], p->ngroups, j.nu, p->np);
    size_t ncount = p->ngroups * j.nu * (1 + p->np);
    if (!rc && !p->weighted && !p->household_file) {
        j.counts = calloc(nt, sizeof *j.counts);
        if (!j.counts) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
        for (size_t k = 0; k < nt && !rc; k++)
            if (!(j.counts[k] = calloc(ncount, sizeof **j.counts))) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < nch && !rc; k++) j.st[k].rs.norm_err_row = SIZE_MAX;
    if (!rc) run_chunks((int)nt, nch, fused_chunk, &j);
    if (!rc) rc = merge_stats(p, j.st, nch);
    armoede_result *r = NULL;
    if (!rc) {
        for (size_t k = 1; k < nparts; k++) cells_merge(&j.parts[0], &j.parts[k]);
        if (j.counts) { /* counts -> cells: x = 1, so sum x = sum x^2 = n */
            cells *c = &j.parts[0];
            for (size_t q = 0; q < p->ngroups * j.nu; q++) {
                uint64_t den = 0, num[MAX_THRESHOLDS] = {0};
                for (size_t k = 0; k < nt; k++) {
                    const uint64_t *x = &j.counts[k][q * (1 + p->np)];
                    den += x[0];
                    for (size_t jj = 0; jj < p->np; jj++) num[jj] += x[1 + jj];
                }
                c->den[q * 3] = c->den[q * 3 + 1] = c->den[q * 3 + 2] = (double)den;
                for (size_t jj = 0; jj < p->np; jj++)
                    c->num[(q * p->np + jj) * 3] = c->num[(q * p->np + jj) * 3 + 1] =
                        c->num[(q * p->np + jj) * 3 + 2] = (double)num[jj];
            }
        }
        rc = result_start(p, &r);
    }
    if (!rc) {
        emit_spec s = {"minima", NAN, 0, NULL};
        rc = emit(p, r, &j.parts[0], &s);
    }
    if (!rc) rc = add_notes(p, r, t->nrows);
    if (j.parts) for (size_t k = 0; k < nparts; k++) cells_free(&j.parts[k]);
    if (j.counts) for (size_t k = 0; k < nt; k++) free(j.counts[k]);
    free(j.counts);
    free(j.parts);
    free(j.st);
    if (rc) { armoede_result_free(r); return rc; }
    *out = r;
    return 0;
}

int armoede_minima(const armoede_table *t, const armoede_impact_options *opts, armoede_result **out)
{
    if (out) *out = NULL;
    if (!t || !out) return am_fail(ARMOEDE_EINVAL, "armoede_minima: table or out is NULL");
    prep p;
    int rc = prep_setup(&p, t, opts, "armoede_minima");
    if (!rc && p.household_file && (p.o.units & (ARMOEDE_UNIT_PERSONS | ARMOEDE_UNIT_MINORS))) {
        if (p.col[ARMOEDE_ROLE_N_PERSONS] < 0 && (p.o.units & ARMOEDE_UNIT_PERSONS))
            rc = am_fail(ARMOEDE_ENOTFOUND, "a table without person_id counts persons through the role 'n_persons', which is not mapped");
        else if (p.col[ARMOEDE_ROLE_N_MINORS] < 0 && (p.o.units & ARMOEDE_UNIT_MINORS))
            rc = am_fail(ARMOEDE_ENOTFOUND, "a table without person_id counts minors through the role 'n_minors', which is not mapped");
    }
    if (!rc && !p.household_file && (p.o.units & ARMOEDE_UNIT_HOUSEHOLDS) && p.col[ARMOEDE_ROLE_HOUSEHOLD_ID] < 0)
        rc = am_fail(ARMOEDE_ENOTFOUND, "counting households needs the role 'household_id' to be mapped");
    if (!rc) rc = check_unique(&p);
    if (!rc) rc = setup_norm_cache(&p);
    int ordered = rc ? 0 : rows_in_household_order(&p);
    if (!rc && ordered < 0) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    if (!rc && ordered) {
        rc = minima_fused(&p, out);
        prep_free(&p);
        return rc;
    }
    if (!rc) rc = prep_rows(&p, 1);
    if (!rc && (p.o.units & ARMOEDE_UNIT_HOUSEHOLDS)) rc = mark_households(&p);
    if (rc) { prep_free(&p); return rc; }
    minima_job j;
    memset(&j, 0, sizeof j);
    j.p = &p;
    j.nu = active_units(&p, j.uidx);
    j.nchunks = nchunks_of(t->nrows);
    /* bound the memory of per-chunk partial sums: fewer, larger chunks would
     * change the summation order, so instead merge in fixed order with the
     * same chunk size whatever the thread count. */
    j.parts = calloc(j.nchunks, sizeof *j.parts);
    if (!j.parts) { prep_free(&p); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    for (size_t k = 0; k < j.nchunks && !rc; k++) rc = cells_new(&j.parts[k], p.ngroups, j.nu, p.np);
    if (!rc) run_chunks(p.o.nthreads, j.nchunks, minima_chunk, &j);
    armoede_result *r = NULL;
    if (!rc) {
        for (size_t k = 1; k < j.nchunks; k++) cells_merge(&j.parts[0], &j.parts[k]);
        rc = result_start(&p, &r);
    }
    if (!rc) {
        emit_spec s = {"minima", NAN, 0, NULL};
        rc = emit(&p, r, &j.parts[0], &s);
    }
    if (!rc) rc = add_notes(&p, r, t->nrows);
    for (size_t k = 0; k < j.nchunks; k++) cells_free(&j.parts[k]);
    free(j.parts);
    prep_free(&p);
    if (rc) { armoede_result_free(r); return rc; }
    *out = r;
    return 0;
}

/* ---- longitudinal: units followed over the years ---- */
/* Sort the rows of units (persons or households) by (unit, year). Only rows
 * that are units: at household level the first row of each household-year. */
/* Rows of each unit grouped together (units in key order) and, within a
 * unit, in year order. Dense keys (integer ids of a range at most a few
 * times the number of rows, or categorical codes) are placed by counting;
 * others are radix-sorted. */
static int unit_order_dense(prep *p, int household_level, int uc, int yc, uint64_t range,
                            int64_t lo, uint32_t **order, size_t *norder)
{
    const armoede_table *t = p->t;
    const am_col *kc = &t->cols[uc], *ycol = &t->cols[yc];
    size_t n = t->nrows;
    uint32_t *start = calloc((size_t)range + 1, sizeof *start);
    if (!start) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (household_level && !p->first[i]) continue;
        int64_t v = am_key(kc, i);
        if (v == ARMOEDE_NA_INT || am_ival(ycol, i) == ARMOEDE_NA_INT) continue;
        start[(uint64_t)(v - lo) + 1]++;
        m++;
    }
    for (uint64_t k = 0; k < range; k++) start[k + 1] += start[k];
    uint32_t *o = malloc((m ? m : 1) * sizeof *o);
    if (!o) { free(start); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    int year_sorted = 1;
    int64_t prev_y = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        if (household_level && !p->first[i]) continue;
        int64_t v = am_key(kc, i), y = am_ival(ycol, i);
        if (v == ARMOEDE_NA_INT || y == ARMOEDE_NA_INT) continue;
        if (y < prev_y) year_sorted = 0;
        prev_y = y;
        o[start[(uint64_t)(v - lo)]++] = (uint32_t)i; /* start[k] ends as the end of unit k */
    }
    free(start);
    if (!year_sorted) {
        /* rows of a unit are few: insertion sort each by year (stable) */
        size_t a = 0;
        while (a < m) {
            size_t b = a + 1;
            while (b < m && am_key(kc, o[b]) == am_key(kc, o[a])) b++;
            for (size_t k = a + 1; k < b; k++) {
                uint32_t x = o[k];
                int64_t yx = am_ival(ycol, x);
                size_t q = k;
                while (q > a && am_ival(ycol, o[q - 1]) > yx) { o[q] = o[q - 1]; q--; }
                o[q] = x;
            }
            a = b;
        }
    }
    *order = o;
    *norder = m;
    return 0;
}

static int unit_order(prep *p, int household_level, uint32_t **order, size_t *norder)
{
    const armoede_table *t = p->t;
    int uc = household_level ? p->col[ARMOEDE_ROLE_HOUSEHOLD_ID] : p->col[ARMOEDE_ROLE_PERSON_ID];
    int yc = p->col[ARMOEDE_ROLE_YEAR];
    size_t n = t->nrows, m = 0;
    if (n > UINT32_MAX) return am_fail(ARMOEDE_EINVAL, "more than 2^32 rows");
    const am_col *kc = &t->cols[uc];
    int64_t lo = kc->type == ARMOEDE_TYPE_CAT ? 0 : kc->imin;
    int64_t hi = kc->type == ARMOEDE_TYPE_CAT ? (int64_t)kc->dict.n - 1 : kc->imax;
    int rc;
    if (lo <= hi && (uint64_t)hi - (uint64_t)lo < 4 * (uint64_t)n + 1024) {
        if ((rc = unit_order_dense(p, household_level, uc, yc, (uint64_t)hi - (uint64_t)lo + 1, lo, order, norder)))
            return rc;
    } else {
        krow *a = malloc((n ? n : 1) * sizeof *a);
        if (!a) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            if (household_level && !p->first[i]) continue;
            if (am_key(kc, i) == ARMOEDE_NA_INT || am_ival(&t->cols[yc], i) == ARMOEDE_NA_INT) continue;
            a[m].key = ukey(am_ival(&t->cols[yc], i));
            a[m].row = (uint32_t)i;
            m++;
        }
        rc = radix_sort(a, m);
        if (!rc) {
            for (size_t k = 0; k < m; k++) a[k].key = ukey(am_key(kc, a[k].row));
            rc = radix_sort(a, m);
        }
        if (rc) { free(a); return rc; }
        uint32_t *o = malloc((m ? m : 1) * sizeof *o);
        if (!o) { free(a); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
        for (size_t k = 0; k < m; k++) o[k] = a[k].row;
        free(a);
        *order = o;
        *norder = m;
    }
    /* a unit twice in one year */
    uint32_t *o = *order;
    m = *norder;
    for (size_t k = 1; k < m; k++) {
        if (am_key(kc, o[k]) != am_key(kc, o[k - 1]) || am_ival(&t->cols[yc], o[k]) != am_ival(&t->cols[yc], o[k - 1]))
            continue;
        char w1[512], w2[512], idb[32];
        const char *lab = kc->type == ARMOEDE_TYPE_CAT ? kc->dict.labels[kc->v.c[o[k]]] : NULL;
        if (!lab) { snprintf(idb, sizeof idb, "%" PRId64, am_ival(kc, o[k])); lab = idb; }
        rc = am_fail(ARMOEDE_EDATA, "%s %s appears twice in year %" PRId64 " (%s and %s)",
                     household_level ? "household" : "person", lab, am_ival(&t->cols[yc], o[k]),
                     am_table_where(t, o[k - 1], w1, sizeof w1), am_table_where(t, o[k], w2, sizeof w2));
        free(o);
        *order = NULL;
        return rc;
    }
    return 0;
}

/* Options and roles of a longitudinal indicator. */
static int long_check(prep *p, const armoede_table *t, const armoede_impact_options *opts, const char *fn)
{
    int rc = prep_setup(p, t, opts, fn);
    if (rc) return rc;
    int hh = p->o.level == ARMOEDE_LEVEL_HOUSEHOLD;
    if ((rc = need_role(p, ARMOEDE_ROLE_YEAR, fn))) return rc;
    if (t->cols[p->col[ARMOEDE_ROLE_YEAR]].type != ARMOEDE_TYPE_INT) return am_fail(ARMOEDE_ETYPE, "year column must be integer");
    if ((rc = need_role(p, hh ? ARMOEDE_ROLE_HOUSEHOLD_ID : ARMOEDE_ROLE_PERSON_ID,
                        hh ? "household-level durations and flows" : "person-level durations and flows (following persons)")))
        return rc;
    if (hh) p->o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    else p->o.units &= ~ARMOEDE_UNIT_HOUSEHOLDS;
    if (!p->o.units) return am_fail(ARMOEDE_EINVAL, "%s: at person level the units are persons and/or minors", fn);
    return 0;
}

/* Per-row arrays and the units' rows in order, after long_check. */
static int long_rows(prep *p, uint32_t **order, size_t *norder)
{
    int rc;
    int hh = p->o.level == ARMOEDE_LEVEL_HOUSEHOLD;
    if ((rc = prep_rows(p, 1))) return rc;
    if (hh && (rc = mark_households(p))) return rc;
    return unit_order(p, hh, order, norder);
}

static int long_setup(prep *p, const armoede_table *t, const armoede_impact_options *opts, const char *fn,
                      uint32_t **order, size_t *norder)
{
    int rc = long_check(p, t, opts, fn);
    return rc ? rc : long_rows(p, order, norder);
}

/* Unit index u (0..2) of this longitudinal call for row i, or -1 if the row
 * does not count as that unit. */
static inline int counts_as(const prep *p, int unit, size_t i)
{
    if (unit == 0) return 1;
    if (unit == 1) return 1;
    return p->minor[i];
}

/* The duration walk over the units' rows, in chunks of whole units. The
 * cells of a thread (pop: "duration", low: its numerators for
 * "duration_of_minima", now: units at or below p in t) receive the units of
 * the chunks it runs. Unweighted sums are sums of ones, exact in any order;
 * weighted runs use one thread, so chunks are summed in order: the result is
 * the same for every thread count. */
typedef struct {
    cells *pop, *low, now;
} dur_cells;

typedef struct {
    prep *p;
    const uint32_t *order;
    size_t m, nk, nu, nchunks;
    const int *ks;
    int uidx[3];
    int hh, uc;
    dur_cells *parts; /* per thread */
} dur_job;

/* First position at or after pos that starts a unit. */
static size_t unit_start(const dur_job *j, size_t pos)
{
    const am_col *kc = &j->p->t->cols[j->uc];
    while (pos > 0 && pos < j->m && am_key(kc, j->order[pos]) == am_key(kc, j->order[pos - 1])) pos++;
    return pos < j->m ? pos : j->m;
}

static void dur_chunk(void *ctx, size_t k, size_t tid)
{
    dur_job *j = ctx;
    const prep *p = j->p;
    const armoede_table *t = p->t;
    const am_col *yc = &t->cols[p->col[ARMOEDE_ROLE_YEAR]];
    const am_col *wc = p->weighted ? &t->cols[p->col[ARMOEDE_ROLE_WEIGHT]] : NULL;
    const am_col *kc = &t->cols[j->uc];
    dur_cells *dc = &j->parts[tid];
    size_t per = (j->m + j->nchunks - 1) / j->nchunks;
    size_t a = unit_start(j, k * per), end = unit_start(j, (k + 1) * per);
    while (a < end) {
        size_t b = a + 1;
        int64_t key = am_key(kc, j->order[a]);
        while (b < j->m && am_key(kc, j->order[b]) == key) b++;
        int run[MAX_THRESHOLDS] = {0};
        int64_t last_low[MAX_THRESHOLDS];
        int64_t last_pop = INT64_MIN;
        int pop_run = 0;
        for (size_t q = 0; q < p->np; q++) last_low[q] = INT64_MIN;
        for (size_t x = a; x < b; x++) {
            size_t i = j->order[x];
            int64_t y = am_ival(yc, i);
            uint32_t cls = p->cls[i];
            if (!cls) continue; /* unobserved this year */
            pop_run = (last_pop != INT64_MIN && y == last_pop + 1) ? pop_run + 1 : 1;
            last_pop = y;
            uint32_t low_now = cls & ~IN_POP;
            for (size_t q = 0; q < p->np; q++) {
                if (low_now >> q & 1u) {
                    int64_t gap = last_low[q] == INT64_MIN ? INT64_MAX : y - last_low[q] - 1;
                    run[q] = (run[q] > 0 && gap <= p->o.bridge_gaps) ? run[q] + 1 : 1;
                    last_low[q] = y;
                } else run[q] = 0;
            }
            if (p->gid[i] < 0) continue; /* a breakdown key missing: followed, not reported */
            size_t g = (size_t)p->gid[i];
            double w = wc ? am_num(wc, i) : 1.0;
            for (size_t u = 0; u < j->nu; u++)
                if (counts_as(p, j->uidx[u], i)) cell_add(&dc->now, g, u, w, 0, low_now);
            for (size_t q = 0; q < j->nk; q++) {
                uint32_t bits = 0;
                for (size_t jj = 0; jj < p->np; jj++) if (run[jj] >= j->ks[q]) bits |= 1u << jj;
                int in_den = !(j->hh && p->o.cbs_denominator) || pop_run >= j->ks[q];
                for (size_t u = 0; u < j->nu; u++) {
                    if (!counts_as(p, j->uidx[u], i)) continue;
                    if (in_den) cell_add(&dc->pop[q], g, u, w, 1, bits);
                    cell_add(&dc->low[q], g, u, w, 0, bits);
                }
            }
        }
        a = b;
    }
}

static int dur_cells_alloc(dur_cells *d, size_t nk, size_t ng, size_t nu, size_t np)
{
    d->pop = calloc(nk, sizeof *d->pop);
    d->low = calloc(nk, sizeof *d->low);
    if (!d->pop || !d->low) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t q = 0; q < nk && !rc; q++) {
        rc = cells_new(&d->pop[q], ng, nu, np);
        if (!rc) rc = cells_new(&d->low[q], ng, nu, np);
    }
    return rc ? rc : cells_new(&d->now, ng, nu, np);
}

static void dur_cells_free(dur_cells *d, size_t nk)
{
    for (size_t q = 0; q < nk; q++) {
        if (d->pop) cells_free(&d->pop[q]);
        if (d->low) cells_free(&d->low[q]);
    }
    free(d->pop);
    free(d->low);
    cells_free(&d->now);
}

/* Person-level durations without sorting, for unweighted tables whose rows
 * are in year order and whose person ids are dense: one pass over the rows
 * in year order keeps, per person, the last year seen, the run of years in
 * the population and the run at or below each threshold. Each thread owns a
 * contiguous range of person ids (and so every row of its persons, in
 * order); its sums are sums of ones, exact in any order. Returns 1 when the
 * table does not qualify (the caller takes the general path, which also
 * names a person seen twice in a year). */
typedef struct {
    prep *p;
    const int *ks;
    size_t nk, nt, nu;
    int uidx[3];
    int64_t lo;
    uint64_t range;
    int16_t *last_seen, *last_pop, *last_low; /* year - y0; -1 = never */
    uint8_t *pop_run, *run;                   /* capped at 255 */
    dur_cells *parts;
    chunk_stats *st;
    int dup; /* a person twice in one year: give up */
} stream_job;

static void stream_thread(void *ctx, size_t k, size_t tid)
{
    (void)tid;
    stream_job *j = ctx;
    const prep *p = j->p;
    const armoede_table *t = p->t;
    const am_col *kc = &t->cols[p->col[ARMOEDE_ROLE_PERSON_ID]], *yc = &t->cols[p->col[ARMOEDE_ROLE_YEAR]];
    uint64_t ua = j->range * k / j->nt, ub = j->range * (k + 1) / j->nt;
    dur_cells *dc = &j->parts[k];
    chunk_stats *st = &j->st[k];
    size_t np = p->np;
    int y0 = (int)yc->imin;
    for (size_t i = 0; i < t->nrows; i++) {
        int64_t v = am_key(kc, i);
        if (v == ARMOEDE_NA_INT) {
            if (k == 0) { int why; classify(p, i, &why, st); st->skips[why]++; } /* counted once */
            continue;
        }
        uint64_t u = (uint64_t)(v - j->lo);
        if (u < ua || u >= ub) continue;
        int why;
        uint32_t cls = classify(p, i, &why, st);
        int32_t g = group_of(p, i);
        if (cls && g < 0) why = SK_KEY;
        st->skips[why]++;
        int64_t yy = am_ival(yc, i);
        if (yy == ARMOEDE_NA_INT) continue; /* not observed: year unknown */
        int16_t y = (int16_t)(yy - y0);
        if (j->last_seen[u] >= y) { j->dup = 1; return; } /* twice in a year: the general path names it */
        j->last_seen[u] = y;
        if (!cls) continue; /* unobserved this year */
        j->pop_run[u] = (j->last_pop[u] >= 0 && y == j->last_pop[u] + 1) ? (uint8_t)(j->pop_run[u] < 255 ? j->pop_run[u] + 1 : 255) : 1;
        j->last_pop[u] = y;
        uint32_t low_now = cls & ~IN_POP;
        uint8_t *run = &j->run[u * np];
        int16_t *last_low = &j->last_low[u * np];
        for (size_t q = 0; q < np; q++) {
            if (low_now >> q & 1u) {
                int gap = last_low[q] < 0 ? INT32_MAX : y - last_low[q] - 1;
                run[q] = (run[q] > 0 && gap <= p->o.bridge_gaps) ? (uint8_t)(run[q] < 255 ? run[q] + 1 : 255) : 1;
                last_low[q] = y;
            } else run[q] = 0;
        }
        if (g < 0) continue; /* followed, not reported */
        int minor = is_minor(p, i);
        if (minor < 0) { st->minor_unknown++; minor = 0; }
        for (size_t uu = 0; uu < j->nu; uu++) {
            if (j->uidx[uu] == 2 && !minor) continue;
            cell_add(&dc->now, (size_t)g, uu, 1.0, 0, low_now);
            for (size_t q = 0; q < j->nk; q++) {
                uint32_t bits = 0;
                for (size_t jj = 0; jj < np; jj++) if (run[jj] >= j->ks[q]) bits |= 1u << jj;
                cell_add(&dc->pop[q], (size_t)g, uu, 1.0, 1, bits);
                cell_add(&dc->low[q], (size_t)g, uu, 1.0, 0, bits);
            }
        }
    }
}

static int durations_stream(prep *p, const int *ks, size_t nk, dur_cells **parts_out, size_t *nparts)
{
    const armoede_table *t = p->t;
    if (p->weighted || p->o.level != ARMOEDE_LEVEL_PERSON) return 1;
    for (size_t q = 0; q < nk; q++) if (ks[q] > 255) return 1;
    const am_col *kc = &t->cols[p->col[ARMOEDE_ROLE_PERSON_ID]], *yc = &t->cols[p->col[ARMOEDE_ROLE_YEAR]];
    int64_t lo = kc->type == ARMOEDE_TYPE_CAT ? 0 : kc->imin;
    int64_t hi = kc->type == ARMOEDE_TYPE_CAT ? (int64_t)kc->dict.n - 1 : kc->imax;
    if (lo > hi || (uint64_t)hi - (uint64_t)lo >= 4 * (uint64_t)t->nrows + 1024) return 1;
    if (yc->imin > yc->imax || yc->imax - yc->imin > 30000) return 1;
    int64_t prev = INT64_MIN; /* rows in year order (rows without a year aside)? */
    for (size_t i = 0; i < t->nrows; i++) {
        int64_t y = am_ival(yc, i);
        if (y == ARMOEDE_NA_INT) continue;
        if (y < prev) return 1;
        prev = y;
    }
    int rc = 0;
    if (!p->k.thr_cents && (rc = setup_norm_cache(p))) return rc;
    stream_job j;
    memset(&j, 0, sizeof j);
    j.p = p;
    j.ks = ks;
    j.nk = nk;
    j.nu = active_units(p, j.uidx);
    j.lo = lo;
    j.range = (uint64_t)hi - (uint64_t)lo + 1;
    j.nt = (size_t)p->o.nthreads;
    if (j.nt > j.range) j.nt = (size_t)j.range;
    size_t r = (size_t)j.range, np = p->np;
    j.last_seen = malloc(r * sizeof *j.last_seen);
    j.last_pop = malloc(r * sizeof *j.last_pop);
    j.last_low = malloc(r * np * sizeof *j.last_low);
    j.pop_run = calloc(r, 1);
    j.run = calloc(r * np, 1);
    j.parts = calloc(j.nt, sizeof *j.parts);
    j.st = calloc(j.nt, sizeof *j.st);
    if (!j.last_seen || !j.last_pop || !j.last_low || !j.pop_run || !j.run || !j.parts || !j.st)
        rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    if (!rc) {
        memset(j.last_seen, 0xff, r * sizeof *j.last_seen); /* -1 */
        memset(j.last_pop, 0xff, r * sizeof *j.last_pop);
        memset(j.last_low, 0xff, r * np * sizeof *j.last_low);
    }
    for (size_t k = 0; k < j.nt && !rc; k++) {
        j.st[k].rs.norm_err_row = SIZE_MAX;
        rc = dur_cells_alloc(&j.parts[k], nk, p->ngroups, j.nu, np);
    }
    if (!rc) run_chunks((int)j.nt, j.nt, stream_thread, &j); /* one "chunk" per id range */
    if (!rc && j.dup) rc = 1;
    if (!rc) rc = merge_stats(p, j.st, j.nt);
    free(j.last_seen); free(j.last_pop); free(j.last_low); free(j.pop_run); free(j.run); free(j.st);
    if (rc) {
        if (j.parts) for (size_t k = 0; k < j.nt; k++) dur_cells_free(&j.parts[k], nk);
        free(j.parts); /* rc 1: nothing was merged into p, the general path counts afresh */
        return rc;
    }
    *parts_out = j.parts;
    *nparts = j.nt;
    return 0;
}

int armoede_durations(const armoede_table *t, const armoede_impact_options *opts, armoede_result **out)
{
    if (out) *out = NULL;
    if (!t || !out) return am_fail(ARMOEDE_EINVAL, "armoede_durations: table or out is NULL");
    prep p;
    uint32_t *order = NULL;
    size_t m = 0;
    int rc = long_check(&p, t, opts, "armoede_durations");
    static const int def_k[] = {1, 4};
    const int *ks = p.o.durations ? p.o.durations : def_k;
    size_t nk = p.o.durations ? p.o.n_durations : 2;
    if (!rc && (nk == 0 || nk > 64)) rc = am_fail(ARMOEDE_EINVAL, "armoede_durations: between 1 and 64 durations");
    for (size_t q = 0; q < nk && !rc; q++)
        if (ks[q] < 1 || ks[q] > 100) rc = am_fail(ARMOEDE_EINVAL, "armoede_durations: duration %d is not in 1..100", ks[q]);
    dur_job j;
    memset(&j, 0, sizeof j);
    size_t nt = 0;
    int streamed = 0;
    if (!rc) {
        rc = durations_stream(&p, ks, nk, &j.parts, &nt);
        if (rc == 0) streamed = 1;
        else if (rc == 1) rc = 0; /* the general path */
    }
    if (!rc && !streamed) rc = long_rows(&p, &order, &m);
    if (rc) { free(order); prep_free(&p); return rc; }
    j.p = &p;
    j.order = order;
    j.m = m;
    j.ks = ks;
    j.nk = nk;
    j.nu = active_units(&p, j.uidx);
    j.hh = p.o.level == ARMOEDE_LEVEL_HOUSEHOLD;
    j.uc = j.hh ? p.col[ARMOEDE_ROLE_HOUSEHOLD_ID] : p.col[ARMOEDE_ROLE_PERSON_ID];
    j.nchunks = nchunks_of(m);
    if (!streamed) {
        nt = p.weighted ? 1 : ((size_t)p.o.nthreads < j.nchunks ? (size_t)p.o.nthreads : j.nchunks);
        j.parts = calloc(nt, sizeof *j.parts);
        if (!j.parts) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < nt && !rc && !streamed; k++) rc = dur_cells_alloc(&j.parts[k], nk, p.ngroups, j.nu, p.np);
    if (!rc && !streamed) run_chunks((int)nt, j.nchunks, dur_chunk, &j);
    if (!rc)
        for (size_t k = 1; k < nt; k++) {
            for (size_t q = 0; q < nk; q++) {
                cells_merge(&j.parts[0].pop[q], &j.parts[k].pop[q]);
                cells_merge(&j.parts[0].low[q], &j.parts[k].low[q]);
            }
            cells_merge(&j.parts[0].now, &j.parts[k].now);
        }
    armoede_result *r = NULL;
    if (!rc) rc = result_start(&p, &r);
    for (size_t q = 0; q < nk && !rc; q++) {
        emit_spec s1 = {"duration", ks[q], 0, NULL};
        rc = emit(&p, r, &j.parts[0].pop[q], &s1);
        if (!rc) {
            emit_spec s2 = {"duration_of_minima", ks[q], 1, &j.parts[0].now};
            rc = emit(&p, r, &j.parts[0].low[q], &s2);
        }
    }
    if (!rc) rc = add_notes(&p, r, t->nrows);
    if (!rc && j.hh && p.o.cbs_denominator)
        rc = am_result_note(r, "household durations: denominator = households in the population in each of the k years (CBS)");
    if (!rc && p.o.bridge_gaps)
        rc = am_result_note(r, "spells bridge up to %d unobserved year(s); bridged years do not count towards k", p.o.bridge_gaps);
    if (j.parts) for (size_t k = 0; k < nt; k++) dur_cells_free(&j.parts[k], nk);
    free(j.parts);
    free(order);
    prep_free(&p);
    if (rc) { armoede_result_free(r); return rc; }
    *out = r;
    return 0;
}

int armoede_flows(const armoede_table *t, const armoede_impact_options *opts, armoede_result **out)
{
    if (out) *out = NULL;
    if (!t || !out) return am_fail(ARMOEDE_EINVAL, "armoede_flows: table or out is NULL");
    prep p;
    uint32_t *order = NULL;
    size_t m = 0;
    int rc = long_setup(&p, t, opts, "armoede_flows", &order, &m);
    if (rc) { free(order); prep_free(&p); return rc; }
    int uidx[3];
    size_t nu = active_units(&p, uidx);
    /* entry: den = not low in t-1, num = low in t; exit: den = low in t-1,
     * num = not low in t; relapse: den = exits in s with full follow-up, num =
     * low again within M years. Denominators differ per threshold, so they
     * are kept in the numerator slots of separate cells. */
    cells entry = {0}, exitc = {0}, relapse = {0}, entry_den = {0}, exit_den = {0}, relapse_den = {0};
    rc = cells_new(&entry, p.ngroups, nu, p.np);
    if (!rc) rc = cells_new(&exitc, p.ngroups, nu, p.np);
    if (!rc) rc = cells_new(&relapse, p.ngroups, nu, p.np);
    if (!rc) rc = cells_new(&entry_den, p.ngroups, nu, p.np);
    if (!rc) rc = cells_new(&exit_den, p.ngroups, nu, p.np);
    if (!rc) rc = cells_new(&relapse_den, p.ngroups, nu, p.np);
    const am_col *yc = &t->cols[p.col[ARMOEDE_ROLE_YEAR]];
    const am_col *wc = p.weighted ? &t->cols[p.col[ARMOEDE_ROLE_WEIGHT]] : NULL;
    int hh = p.o.level == ARMOEDE_LEVEL_HOUSEHOLD;
    int uc = hh ? p.col[ARMOEDE_ROLE_HOUSEHOLD_ID] : p.col[ARMOEDE_ROLE_PERSON_ID];
    int M = p.o.relapse_years;
    uint32_t all = p.np >= 32 ? ~0u : ((1u << p.np) - 1);
    size_t a = 0;
    while (a < m && !rc) {
        size_t b = a + 1;
        int64_t key = am_key(&t->cols[uc], order[a]);
        while (b < m && am_key(&t->cols[uc], order[b]) == key) b++;
        for (size_t k = a + 1; k < b; k++) {
            size_t i = order[k], h = order[k - 1];
            int64_t y = am_ival(yc, i);
            if (!p.cls[i] || !p.cls[h] || am_ival(yc, h) != y - 1) continue; /* observed in t-1 and t */
            uint32_t low = p.cls[i] & ~IN_POP, prev = p.cls[h] & ~IN_POP;
            if (p.gid[i] < 0) continue; /* a breakdown key missing: followed, not reported */
            double w = wc ? am_num(wc, i) : 1.0;
            size_t g = (size_t)p.gid[i];
            uint32_t exited = prev & ~low, back = 0;
            int full = exited != 0;
            /* exits in s = y: observed in every year y+1..y+M? low again in any? */
            size_t kk = k + 1;
            for (int64_t fy = y + 1; full && fy <= y + M; fy++) {
                while (kk < b && am_ival(yc, order[kk]) < fy) kk++;
                if (kk >= b || am_ival(yc, order[kk]) != fy || !p.cls[order[kk]]) full = 0;
                else back |= p.cls[order[kk]] & ~IN_POP;
            }
            for (size_t u = 0; u < nu; u++) {
                if (!counts_as(&p, uidx[u], i)) continue;
                cell_add(&entry_den, g, u, w, 0, all & ~prev);
                cell_add(&entry, g, u, w, 0, low & ~prev);
                cell_add(&exit_den, g, u, w, 0, prev);
                cell_add(&exitc, g, u, w, 0, exited);
                if (full) {
                    cell_add(&relapse_den, g, u, w, 0, exited);
                    cell_add(&relapse, g, u, w, 0, exited & back);
                }
            }
        }
        a = b;
    }
    armoede_result *r = NULL;
    if (!rc) rc = result_start(&p, &r);
    if (!rc) { emit_spec s = {"entry", NAN, 1, &entry_den}; rc = emit(&p, r, &entry, &s); }
    if (!rc) { emit_spec s = {"exit", NAN, 1, &exit_den}; rc = emit(&p, r, &exitc, &s); }
    if (!rc) { emit_spec s = {"relapse", (double)M, 1, &relapse_den}; rc = emit(&p, r, &relapse, &s); }
    if (!rc) rc = add_notes(&p, r, t->nrows);
    cells_free(&entry); cells_free(&exitc); cells_free(&relapse); cells_free(&relapse_den);
    cells_free(&entry_den); cells_free(&exit_den);
    free(order);
    prep_free(&p);
    if (rc) { armoede_result_free(r); return rc; }
    *out = r;
    return 0;
}
