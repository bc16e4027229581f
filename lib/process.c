/* Process and programme indicators (issue 4): throughput (lead times, legal
 * terms, open cases), output (reach, targets through the programme
 * mapping), input (budget execution, forecasts, efficiency, funding),
 * progress against plan and the dialogue-form ratings. Definitions in
 * include/armoede_process.h and docs/process.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"
#include "quantile.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- from lib/calendar.c ---- */
AM_HIDDEN int am_is_working_day(int64_t day);
AM_HIDDEN int64_t am_working_days(int64_t a, int64_t b);
typedef struct {
    int y0, ny;
    int64_t *days;  /* per year 12 slots: the weekday holidays, sorted; INT64_MAX fills */
} am_hcache;
AM_HIDDEN int am_hcache_init(am_hcache *c, int y0, int y1);
AM_HIDDEN void am_hcache_free(am_hcache *c);
AM_HIDDEN int64_t am_working_days_c(const am_hcache *c, int64_t a, int64_t b);
AM_HIDDEN int am_term_end(int64_t start, int n, int unit, int atw, int64_t *end);

#define CAL_LO (-7670)   /* 1949-01-01 */
#define CAL_HI 2932896   /* 9999-12-31 */

void armoede_process_options_init(armoede_process_options *opts)
{
    if (!opts) return;
    armoede_process_options o = ARMOEDE_PROCESS_OPTIONS_INIT;
    *opts = o;
}

static int check_opts(const armoede_process_options *in, armoede_process_options *o, const char *fn)
{
    armoede_process_options d = ARMOEDE_PROCESS_OPTIONS_INIT;
    if (in) {
        if (in->version < 1 || in->version > ARMOEDE_PROCESS_OPTIONS_VERSION)
            return am_fail(ARMOEDE_EINVAL, "%s: armoede_process_options version %u is not supported", fn,
                           in->version);
        d = *in;
    }
    if ((d.n_by && !d.by) || (d.n_margins && !d.margins) || (d.n_events && !d.events) ||
        (d.n_terms && !d.terms) || (d.n_reference_days && !d.reference_days) ||
        (d.n_age_bands && !d.age_bands) || (d.n_intervals && (!d.interval_from || !d.interval_to)))
        return am_fail(ARMOEDE_EINVAL, "%s: a list in the options has a count but no pointer", fn);
    if (!(d.margin >= 0) || d.margin > 100) return am_fail(ARMOEDE_EINVAL, "%s: margin must be in [0, 100]", fn);
    if (d.period < ARMOEDE_PERIOD_YEAR || d.period > ARMOEDE_PERIOD_MONTH)
        return am_fail(ARMOEDE_EINVAL, "%s: period %d is not ARMOEDE_PERIOD_YEAR, _QUARTER or _MONTH", fn, d.period);
    for (size_t i = 0; i < d.n_margins; i++) {
        int found = 0;
        for (size_t j = 0; j < d.n_by; j++) found |= d.by[j] && d.margins[i] && !strcmp(d.by[j], d.margins[i]);
        if (!found)
            return am_fail(ARMOEDE_EINVAL, "%s: margin '%s' is not one of the by-columns", fn,
                           d.margins[i] ? d.margins[i] : "(null)");
    }
    if (d.n_by > 16) return am_fail(ARMOEDE_EINVAL, "%s: at most 16 by-columns", fn);
    *o = d;
    return 0;
}

/* The start every public function shares: the GSL guard, *out cleared, the
 * table present (what names it in the message) and the options checked into o. */
static int begin(const char *fn, const armoede_table *t, const char *what, const armoede_process_options *opts,
                 armoede_process_options *o, armoede_result **out)
{
    am_gsl_guard();
    if (!out) return am_fail(ARMOEDE_EINVAL, "%s: out is NULL", fn);
    *out = NULL;
    if (!t) return am_fail(ARMOEDE_EINVAL, "%s: %s is NULL", fn, what);
    return check_opts(opts, o, fn);
}

/* The end every public function shares: on success r goes out, else it is freed. */
static int finish(int rc, armoede_result *r, armoede_result **out)
{
    if (rc) armoede_result_free(r);
    else *out = r;
    return rc;
}

/* ---- columns ---- */
enum { K_DATE, K_KEY, K_NUM, K_INT };

static int need_col(const armoede_table *t, const char *name, int kind, const char *fn, const am_col **out)
{
    *out = NULL;
    if (!name) return am_fail(ARMOEDE_EINVAL, "%s: a column name is NULL", fn);
    int j = am_table_find(t, name);
    if (j < 0)
        return am_fail(ARMOEDE_ENOTFOUND, "%s: no column '%s'%s%s", fn, name, t->source ? " in " : "",
                       t->source ? t->source : "");
    const am_col *c = &t->cols[j];
    int ok = kind == K_DATE ? c->type == ARMOEDE_TYPE_INT
             : kind == K_KEY ? (c->type == ARMOEDE_TYPE_CAT || c->type == ARMOEDE_TYPE_INT)
             : kind == K_INT ? c->type == ARMOEDE_TYPE_INT
                             : (c->type == ARMOEDE_TYPE_INT || c->type == ARMOEDE_TYPE_REAL);
    if (!ok || (kind != K_DATE && c->date))
        return am_fail(ARMOEDE_ETYPE, "%s: column '%s' must be %s", fn, name,
                       kind == K_DATE ? "a date column (ISO YYYY-MM-DD)"
                       : kind == K_KEY ? "categorical or integer"
                       : kind == K_INT ? "integer" : "numeric");
    *out = c;
    return 0;
}

static const am_col *opt_col(const armoede_table *t, const char *name)
{
    int j = name ? am_table_find(t, name) : -1;
    return j < 0 ? NULL : &t->cols[j];
}

static void day_label(int64_t day, char *buf, size_t n)
{
    int y, m, d;
    am_civil_from_days(day, &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
}

/* EDATA naming file, line, column and value. */
static int row_fail(const armoede_table *t, size_t i, const am_col *c, const char *why)
{
    char w[512], v[64];
    const char *val = am_col_label(c, i, v, sizeof v);
    return am_fail(ARMOEDE_EDATA, "%s, column '%s', value '%s': %s", am_table_where(t, i, w, sizeof w),
                   c->name, val ? val : "", why);
}

/* A date in the calendar's range, or EDATA. */
static int date_ok(const armoede_table *t, size_t i, const am_col *c, int64_t d)
{
    if (d < CAL_LO || d > CAL_HI) return row_fail(t, i, c, "a date outside the years 1949..9999");
    return 0;
}

/* ---- groups: by-columns with margins ---- */
typedef struct {
    size_t nk;
    const am_col *cols[18];
    int crisis[18]; /* INT 0/1 case class: labels "regular" / "crisis" */
    size_t nmask;
    unsigned masks[1u << 6];
    am_dict d;
    char **lab; /* ng * nk */
    size_t ng, capg;
    size_t **rows;
    size_t *nr, *cr;
    size_t skipped, first_skip;
} grp;

static void grp_free(grp *g)
{
    for (size_t k = 0; k < g->ng; k++) {
        for (size_t j = 0; j < g->nk; j++) free(g->lab[k * g->nk + j]);
        free(g->rows[k]);
    }
    free(g->lab);
    free(g->rows);
    free(g->nr);
    free(g->cr);
    am_dict_free(&g->d);
    memset(g, 0, sizeof *g);
}

static const char *key_label(const grp *g, size_t j, size_t i, char *buf, size_t n)
{
    const char *s = am_col_label(g->cols[j], i, buf, n);
    if (s && g->crisis[j]) {
        int64_t v = am_ival(g->cols[j], i);
        return v == 1 ? "crisis" : v == 0 ? "regular" : s;
    }
    return s;
}

/* Set up the key columns: by (+ extra, a margin too when extra_margin). */
static int grp_init(grp *g, const armoede_table *t, const armoede_process_options *o, const char *extra,
                    int extra_margin, const char *fn)
{
    memset(g, 0, sizeof *g);
    unsigned mpos[18];
    size_t nm = 0;
    for (size_t j = 0; j < o->n_by; j++) {
        int rc = need_col(t, o->by[j], K_KEY, fn, &g->cols[g->nk]);
        if (rc) return rc;
        for (size_t k = 0; k < o->n_margins; k++)
            if (!strcmp(o->margins[k], o->by[j])) { mpos[nm++] = (unsigned)g->nk; break; }
        g->nk++;
    }
    if (extra) {
        int rc = need_col(t, extra, K_KEY, fn, &g->cols[g->nk]);
        if (rc) return rc;
        if (g->cols[g->nk]->type == ARMOEDE_TYPE_INT) g->crisis[g->nk] = 1;
        if (extra_margin) mpos[nm++] = (unsigned)g->nk;
        g->nk++;
    }
    if (nm > 6) return am_fail(ARMOEDE_EINVAL, "%s: at most 6 margins", fn);
    g->nmask = (size_t)1 << nm;
    for (size_t s = 0; s < g->nmask; s++) {
        unsigned m = 0;
        for (size_t b = 0; b < nm; b++)
            if (s & ((size_t)1 << b)) m |= 1u << mpos[b];
        g->masks[s] = m;
    }
    return 0;
}

/* Put row i into its groups (one per margin mask). 0, or ENOMEM. */
static int grp_add(grp *g, size_t i)
{
    char buf[18][64];
    const char *lab[18];
    for (size_t j = 0; j < g->nk; j++) {
        lab[j] = key_label(g, j, i, buf[j], sizeof buf[j]);
        if (!lab[j]) {
            if (!g->skipped) g->first_skip = i;
            g->skipped++;
            return 0;
        }
    }
    for (size_t s = 0; s < g->nmask; s++) {
        char key[2048];
        size_t len = 0;
        for (size_t j = 0; j < g->nk; j++) {
            const char *l = (g->masks[s] >> j) & 1u ? AM_TOTAL_LABEL : lab[j];
            int w = snprintf(key + len, sizeof key - len, "%s\x1f", l);
            if (w < 0 || (size_t)w >= sizeof key - len) return am_fail(ARMOEDE_EINVAL, "group labels too long");
            len += (size_t)w;
        }
        int32_t code = am_dict_intern(&g->d, key, len);
        if (code < 0) return ARMOEDE_ENOMEM;
        size_t k = (size_t)code;
        if (k == g->ng) {
            if (g->ng == g->capg) {
                size_t nc = g->capg ? 2 * g->capg : 16;
                char **nl = realloc(g->lab, nc * (g->nk ? g->nk : 1) * sizeof *nl);
                if (nl) g->lab = nl;
                size_t **nrw = realloc(g->rows, nc * sizeof *nrw);
                if (nrw) g->rows = nrw;
                size_t *a = realloc(g->nr, nc * sizeof *a);
                if (a) g->nr = a;
                size_t *b = realloc(g->cr, nc * sizeof *b);
                if (b) g->cr = b;
                if (!nl || !nrw || !a || !b) return am_fail(ARMOEDE_ENOMEM, "out of memory");
                g->capg = nc;
            }
            for (size_t j = 0; j < g->nk; j++) {
                g->lab[k * g->nk + j] = am_strdup((g->masks[s] >> j) & 1u ? AM_TOTAL_LABEL : lab[j]);
                if (!g->lab[k * g->nk + j]) {
                    for (size_t q = 0; q < j; q++) free(g->lab[k * g->nk + q]);
                    return am_fail(ARMOEDE_ENOMEM, "out of memory");
                }
            }
            g->rows[k] = NULL;
            g->nr[k] = g->cr[k] = 0;
            g->ng++;
        }
        if (g->nr[k] == g->cr[k]) {
            size_t nc = g->cr[k] ? 2 * g->cr[k] : 8;
            size_t *nrw = realloc(g->rows[k], nc * sizeof *nrw);
            if (!nrw) return am_fail(ARMOEDE_ENOMEM, "out of memory");
            g->rows[k] = nrw;
            g->cr[k] = nc;
        }
        g->rows[k][g->nr[k]++] = i;
    }
    return 0;
}

static int grp_all(grp *g, size_t nrows)
{
    for (size_t i = 0; i < nrows; i++) {
        int rc = grp_add(g, i);
        if (rc) return rc;
    }
    return 0;
}

static int grp_note(const grp *g, armoede_result *r, const armoede_table *t, const char *fn)
{
    if (!g->skipped) return 0;
    char w[512];
    return am_result_note(r, "%s: %zu rows left out because a breakdown key is missing (first: %s)", fn,
                          g->skipped, am_table_where(t, g->first_skip, w, sizeof w));
}

/* A result with the given key names (NULL: out of memory). */
static armoede_result *keyed_result(const char *const *keys, size_t n)
{
    armoede_result *r = am_result_new();
    if (r && am_result_set_keys(r, keys, n)) {
        armoede_result_free(r);
        return NULL;
    }
    return r;
}

/* Result keys: the by-columns then extra names. */
static armoede_result *new_result(const armoede_process_options *o, const char *const *extra, size_t nextra)
{
    const char *names[32];
    size_t n = 0;
    for (size_t j = 0; j < o->n_by; j++) names[n++] = o->by[j];
    for (size_t j = 0; j < nextra; j++) names[n++] = extra[j];
    return keyed_result(names, n);
}

/* mean, median, p90 of x[0..n) (n > 0); x is reordered. */
static int stats3(double *x, size_t n, double *sum, double *med, double *p90)
{
    double p[2] = {0.5, 0.9}, q[2];
    int rc = am_quantiles(x, NULL, n, p, 2, AM_Q_LINEAR, q);
    if (rc) return rc;
    double s = 0;
    /* whole days: the sum is exact (below 2^53) in any order */
    for (size_t i = 0; i < n; i++) s += x[i];
    *sum = s;
    *med = q[0];
    *p90 = q[1];
    return 0;
}

static int add_stat_rows(armoede_result *r, const char *prefix, const char *unit, const char **keys,
                         double *x, size_t n)
{
    double s, md, p9, f[ARMOEDE_FIELD_COUNT_];
    int rc = stats3(x, n, &s, &md, &p9);
    if (rc) return rc;
    char ind[64];
    am_fields_nan(f);
    f[ARMOEDE_FIELD_ESTIMATE] = s / (double)n;
    f[ARMOEDE_FIELD_NUM_W] = s;
    f[ARMOEDE_FIELD_DEN_W] = (double)n;
    f[ARMOEDE_FIELD_NUM_N] = f[ARMOEDE_FIELD_DEN_N] = (double)n;
    snprintf(ind, sizeof ind, "%s_mean", prefix);
    if ((rc = am_result_add(r, ind, unit, keys, f))) return rc;
    am_result_amounts(r, AM_AMOUNT(ARMOEDE_FIELD_NUM_W)); /* the sum of the durations */
    f[ARMOEDE_FIELD_NUM_W] = NAN;
    f[ARMOEDE_FIELD_ESTIMATE] = md;
    snprintf(ind, sizeof ind, "%s_median", prefix);
    if ((rc = am_result_add(r, ind, unit, keys, f))) return rc;
    f[ARMOEDE_FIELD_ESTIMATE] = p9;
    snprintf(ind, sizeof ind, "%s_p90", prefix);
    return am_result_add(r, ind, unit, keys, f);
}

/* ======================================================================
 * THROUGHPUT
 * ==================================================================== */

/* Latest date over columns (ARMOEDE_NA_INT if none). */
static int64_t latest(const am_col *const *c, size_t nc, size_t nrows)
{
    int64_t best = ARMOEDE_NA_INT;
    for (size_t k = 0; k < nc; k++)
        for (size_t i = 0; i < nrows; i++) {
            int64_t v = am_ival(c[k], i);
            if (v != ARMOEDE_NA_INT && (best == ARMOEDE_NA_INT || v > best)) best = v;
        }
    return best;
}

int armoede_lead_times(const armoede_table *t, const armoede_process_options *opts, armoede_result **out)
{
    static const char fn[] = "armoede_lead_times";
    armoede_process_options o;
    int rc = begin(fn, t, "table", opts, &o, out);
    if (rc) return rc;
    size_t ni = o.n_intervals;
    const char **from = NULL, **to = NULL;
    if (!ni) {
        if (o.n_events < 2) return am_fail(ARMOEDE_EINVAL, "%s: give at least two events or the intervals", fn);
        ni = o.n_events - 1 + (o.n_events > 2);
    }
    from = calloc(ni, sizeof *from);
    to = calloc(ni, sizeof *to);
    const am_col **cf = calloc(ni, sizeof *cf), **ct = calloc(ni, sizeof *ct);
    double *cal = malloc((t->nrows + 1) * sizeof *cal), *wd = malloc((t->nrows + 1) * sizeof *wd);
    armoede_result *r = NULL;
    grp g;
    memset(&g, 0, sizeof g);
    am_hcache hc;
    memset(&hc, 0, sizeof hc);
    if (!from || !to || !cf || !ct || !cal || !wd) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
    if (o.n_intervals) {
        for (size_t k = 0; k < ni; k++) { from[k] = o.interval_from[k]; to[k] = o.interval_to[k]; }
    } else {
        for (size_t k = 0; k + 1 < o.n_events; k++) { from[k] = o.events[k]; to[k] = o.events[k + 1]; }
        if (o.n_events > 2) { from[ni - 1] = o.events[0]; to[ni - 1] = o.events[o.n_events - 1]; }
    }
    for (size_t k = 0; k < ni && !rc; k++) {
        rc = need_col(t, from[k], K_DATE, fn, &cf[k]);
        if (!rc) rc = need_col(t, to[k], K_DATE, fn, &ct[k]);
    }
    if (rc) goto done;
    if ((rc = grp_init(&g, t, &o, NULL, 0, fn))) goto done;
    if ((rc = grp_all(&g, t->nrows))) goto done;
    {
        const am_col *all[64];
        size_t na = 0;
        for (size_t k = 0; k < ni && na + 2 <= 64; k++) { all[na++] = cf[k]; all[na++] = ct[k]; }
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        for (size_t k = 0; k < na; k++)
            for (size_t i = 0; i < t->nrows; i++) {
                int64_t v = am_ival(all[k], i);
                if (v == ARMOEDE_NA_INT || v < CAL_LO || v > CAL_HI) continue;
                if (v < lo) lo = v;
                if (v > hi) hi = v;
            }
        if (lo <= hi) {
            int y0, y1, mm, dd;
            am_civil_from_days(lo, &y0, &mm, &dd);
            am_civil_from_days(hi, &y1, &mm, &dd);
            if ((rc = am_hcache_init(&hc, y0, y1))) goto done;
        }
    }
    static const char *const extra[] = {"interval"};
    r = new_result(&o, extra, 1);
    if (!r) { rc = ARMOEDE_ENOMEM; goto done; }
    if ((rc = grp_note(&g, r, t, fn))) goto done;
    for (size_t k = 0; k < ni; k++) {
        char iv[300];
        snprintf(iv, sizeof iv, "%s-%s", from[k], to[k]);
        /* rule checks once per row */
        size_t neg = 0, miss = 0, first_neg = 0;
        for (size_t i = 0; i < t->nrows; i++) {
            int64_t a = am_ival(cf[k], i), b = am_ival(ct[k], i);
            if (a == ARMOEDE_NA_INT || b == ARMOEDE_NA_INT) { miss++; continue; }
            if ((rc = date_ok(t, i, cf[k], a)) || (rc = date_ok(t, i, ct[k], b))) goto done;
            if (b < a) {
                if (o.strict) {
                    char why[128], ab[16];
                    day_label(a, ab, sizeof ab);
                    snprintf(why, sizeof why, "before %s (%s)", from[k], ab);
                    rc = row_fail(t, i, ct[k], why);
                    goto done;
                }
                if (!neg) first_neg = i;
                neg++;
            }
        }
        if (neg) {
            char w[512];
            if ((rc = am_result_note(r, "%s: interval %s: %zu cases left out because %s lies before %s "
                                        "(first: %s)", fn, iv, neg, to[k], from[k],
                                     am_table_where(t, first_neg, w, sizeof w))))
                goto done;
        }
        if (miss && (rc = am_result_note(r, "%s: interval %s: %zu cases without both dates left out", fn, iv, miss)))
            goto done;
        for (size_t gi = 0; gi < g.ng; gi++) {
            size_t n = 0;
            for (size_t q = 0; q < g.nr[gi]; q++) {
                size_t i = g.rows[gi][q];
                int64_t a = am_ival(cf[k], i), b = am_ival(ct[k], i);
                if (a == ARMOEDE_NA_INT || b == ARMOEDE_NA_INT || b < a) continue;
                cal[n] = (double)(b - a);
                wd[n] = (double)am_working_days_c(&hc, a, b);
                n++;
            }
            if (!n) continue;
            const char *keys[20];
            for (size_t j = 0; j < g.nk; j++) keys[j] = g.lab[gi * g.nk + j];
            keys[g.nk] = iv;
            if ((rc = add_stat_rows(r, "lead_time", "calendar_days", keys, cal, n))) goto done;
            if (o.working_days && (rc = add_stat_rows(r, "lead_time", "working_days", keys, wd, n))) goto done;
        }
    }
done:
    grp_free(&g);
    am_hcache_free(&hc);
    free(from);
    free(to);
    free(cf);
    free(ct);
    free(cal);
    free(wd);
    return finish(rc, r, out);
}

static const armoede_term wgs_terms[] = {
    {"crisis", 3, ARMOEDE_TERM_WORKING_DAYS, 1},
    {"*", 4, ARMOEDE_TERM_WEEKS, 1},
};

static const char *unit_name(int u)
{
    switch (u) {
    case ARMOEDE_TERM_DAYS: return "days";
    case ARMOEDE_TERM_WEEKS: return "weeks";
    case ARMOEDE_TERM_MONTHS: return "months";
    default: return "working days";
    }
}

int armoede_within_term(const armoede_table *t, const armoede_process_options *opts, armoede_result **out)
{
    static const char fn[] = "armoede_within_term";
    armoede_process_options o;
    int rc = begin(fn, t, "table", opts, &o, out);
    if (rc) return rc;
    const char *fromn = o.term_from ? o.term_from : (o.n_events > 0 ? o.events[0] : NULL);
    const char *ton = o.term_to ? o.term_to : (o.n_events > 1 ? o.events[1] : NULL);
    if (!fromn || !ton) return am_fail(ARMOEDE_EINVAL, "%s: give term_from and term_to, or two events", fn);
    const armoede_term *terms = o.terms ? o.terms : wgs_terms;
    size_t nterms = o.terms ? o.n_terms : 2;
    for (size_t k = 0; k < nterms; k++)
        if (!terms[k].case_class || terms[k].n < 0 || terms[k].unit < 0 || terms[k].unit > ARMOEDE_TERM_WORKING_DAYS)
            return am_fail(ARMOEDE_EINVAL, "%s: term %zu is invalid (class NULL, n < 0 or unknown unit)", fn, k);
    const am_col *cf, *ct, *cc = NULL;
    if ((rc = need_col(t, fromn, K_DATE, fn, &cf)) || (rc = need_col(t, ton, K_DATE, fn, &ct))) return rc;
    if (o.case_class && (rc = need_col(t, o.case_class, K_KEY, fn, &cc))) return rc;
    int64_t ref = o.reference_day;
    if (o.reference_day == ARMOEDE_NO_DATE) {
        const am_col *both[2] = {cf, ct};
        ref = latest(both, 2, t->nrows);
    }
    /* per row: status 1 in time, 0 late, -1 left out */
    signed char *st = malloc(t->nrows + 1);
    armoede_result *r = NULL;
    grp g;
    memset(&g, 0, sizeof g);
    if (!st) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    size_t pending = 0, neg = 0, nofrom = 0, first_neg = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        st[i] = -1;
        int64_t a = am_ival(cf, i), b = am_ival(ct, i);
        if (a == ARMOEDE_NA_INT) { nofrom++; continue; }
        if ((rc = date_ok(t, i, cf, a))) goto done;
        if (b != ARMOEDE_NA_INT && (rc = date_ok(t, i, ct, b))) goto done;
        const char *cls = "regular";
        char cb[64];
        if (cc) {
            grp tmp;
            memset(&tmp, 0, sizeof tmp);
            tmp.cols[0] = cc;
            tmp.crisis[0] = cc->type == ARMOEDE_TYPE_INT;
            cls = key_label(&tmp, 0, i, cb, sizeof cb);
            if (!cls) continue; /* counted by the grouping */
        }
        const armoede_term *tm = NULL;
        for (size_t k = 0; k < nterms && !tm; k++)
            if (!strcmp(terms[k].case_class, cls)) tm = &terms[k];
        for (size_t k = 0; k < nterms && !tm; k++)
            if (!strcmp(terms[k].case_class, "*")) tm = &terms[k];
        if (!tm) {
            char w[512];
            rc = am_fail(ARMOEDE_EINVAL, "%s: no term for case class '%s' (%s) and no '*' term", fn, cls,
                         am_table_where(t, i, w, sizeof w));
            goto done;
        }
        int64_t end;
        if ((rc = am_term_end(a, tm->n, tm->unit, tm->atw, &end))) goto done;
        if (b != ARMOEDE_NA_INT && b < a) {
            if (o.strict) {
                rc = row_fail(t, i, ct, "before the date the term runs from");
                goto done;
            }
            if (!neg) first_neg = i;
            neg++;
            continue;
        }
        if (b != ARMOEDE_NA_INT) st[i] = b <= end;
        else if (end < ref) st[i] = 0;
        else pending++;
    }
    if ((rc = grp_init(&g, t, &o, o.case_class, 1, fn))) goto done;
    for (size_t i = 0; i < t->nrows; i++)
        if ((rc = grp_add(&g, i))) goto done;
    static const char *const extra1[] = {"case_class"};
    r = new_result(&o, extra1, 1);
    if (!r) { rc = ARMOEDE_ENOMEM; goto done; }
    if ((rc = grp_note(&g, r, t, fn))) goto done;
    for (size_t k = 0; k < nterms; k++)
        if ((rc = am_result_note(r, "%s: term for class '%s': %d %s from %s to %s%s", fn, terms[k].case_class,
                                 terms[k].n, unit_name(terms[k].unit), fromn, ton,
                                 terms[k].atw ? " (Algemene termijnenwet applied)" : "")))
            goto done;
    char rb[16] = "";
    if (ref != ARMOEDE_NA_INT) day_label(ref, rb, sizeof rb);
    if (ref != ARMOEDE_NA_INT && o.reference_day == ARMOEDE_NO_DATE &&
        (rc = am_result_note(r, "%s: judged on %s (the latest %s or %s date; set the reference day to choose "
                                "another): a case without %s is late when its last day is before it", fn, rb, fromn,
                             ton, ton)))
        goto done;
    if (o.reference_day != ARMOEDE_NO_DATE &&
        (rc = am_result_note(r, "%s: judged on %s: a case without %s is late when its last day is before it", fn, rb,
                             ton)))
        goto done;
    if (pending && (rc = am_result_note(r, "%s: %zu cases still within their term on %s without %s: left out",
                                        fn, pending, rb, ton)))
        goto done;
    if (nofrom && (rc = am_result_note(r, "%s: %zu cases without %s left out", fn, nofrom, fromn))) goto done;
    if (neg) {
        char w[512];
        if ((rc = am_result_note(r, "%s: %zu cases left out because %s lies before %s (first: %s)", fn, neg, ton,
                                 fromn, am_table_where(t, first_neg, w, sizeof w))))
            goto done;
    }
    for (size_t gi = 0; gi < g.ng; gi++) {
        double num = 0, den = 0;
        for (size_t q = 0; q < g.nr[gi]; q++) {
            signed char s = st[g.rows[gi][q]];
            if (s < 0) continue;
            den++;
            num += s;
        }
        if (den == 0) continue;
        const char *keys[20];
        for (size_t j = 0; j < g.nk; j++) keys[j] = g.lab[gi * g.nk + j];
        if (!o.case_class) keys[g.nk] = "regular";
        double f[ARMOEDE_FIELD_COUNT_];
        am_fields_nan(f);
        f[ARMOEDE_FIELD_ESTIMATE] = num / den;
        f[ARMOEDE_FIELD_NUM_W] = f[ARMOEDE_FIELD_NUM_N] = num;
        f[ARMOEDE_FIELD_DEN_W] = f[ARMOEDE_FIELD_DEN_N] = den;
        if ((rc = am_result_add(r, "within_term", "cases", keys, f))) goto done;
    }
done:
    free(st);
    grp_free(&g);
    return finish(rc, r, out);
}

static const int default_bands[] = {28, 91, 182, 365};

int armoede_open_cases(const armoede_table *t, const armoede_process_options *opts, armoede_result **out)
{
    static const char fn[] = "armoede_open_cases";
    armoede_process_options o;
    int rc = begin(fn, t, "table", opts, &o, out);
    if (rc) return rc;
    if (o.n_events < 2) return am_fail(ARMOEDE_EINVAL, "%s: give the events (first = registration, last = closure)", fn);
    const int *bands = o.age_bands ? o.age_bands : default_bands;
    size_t nb = o.age_bands ? o.n_age_bands : 4;
    for (size_t b = 0; b < nb; b++)
        if (bands[b] < 0 || (b && bands[b] <= bands[b - 1]))
            return am_fail(ARMOEDE_EINVAL, "%s: age bands must be increasing and >= 0", fn);
    if (nb > 30) return am_fail(ARMOEDE_EINVAL, "%s: at most 30 age bands", fn);
    const am_col *cr, *cc;
    if ((rc = need_col(t, o.events[0], K_DATE, fn, &cr)) ||
        (rc = need_col(t, o.events[o.n_events - 1], K_DATE, fn, &cc)))
        return rc;
    int64_t one_ref = 0;
    const int32_t *refs = o.reference_days;
    size_t nref = o.n_reference_days;
    if (!refs) {
        one_ref = o.reference_day;
        if (one_ref == ARMOEDE_NO_DATE) {
            const am_col *both[2] = {cr, cc};
            one_ref = latest(both, 2, t->nrows);
        }
        nref = one_ref == ARMOEDE_NA_INT ? 0 : 1;
    }
    unsigned char *bad = calloc(t->nrows + 1, 1);
    double *age = malloc((t->nrows + 1) * sizeof *age);
    armoede_result *r = NULL;
    grp g;
    memset(&g, 0, sizeof g);
    if (!bad || !age) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
    size_t nbad = 0, first_bad = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        int64_t a = am_ival(cr, i), b = am_ival(cc, i);
        if (a != ARMOEDE_NA_INT && b != ARMOEDE_NA_INT && b < a) {
            if (o.strict) { rc = row_fail(t, i, cc, "closure before the registration"); goto done; }
            bad[i] = 1;
            if (!nbad) first_bad = i;
            nbad++;
        }
    }
    if ((rc = grp_init(&g, t, &o, NULL, 0, fn)) || (rc = grp_all(&g, t->nrows))) goto done;
    static const char *const extra[] = {"reference_date", "age_band"};
    r = new_result(&o, extra, 2);
    if (!r) { rc = ARMOEDE_ENOMEM; goto done; }
    if ((rc = grp_note(&g, r, t, fn))) goto done;
    if (nbad) {
        char w[512];
        if ((rc = am_result_note(r, "%s: %zu cases left out because %s lies before %s (first: %s)", fn, nbad,
                                 cc->name, cr->name, am_table_where(t, first_bad, w, sizeof w))))
            goto done;
    }
    if (!refs && o.reference_day == ARMOEDE_NO_DATE) {
        char rl0[16];
        if (nref) day_label(one_ref, rl0, sizeof rl0);
        if ((rc = nref ? am_result_note(r, "%s: counted on %s (the latest %s or %s date; set the reference day to "
                                           "choose another)", fn, rl0, cr->name, cc->name)
                       : am_result_note(r, "%s: no %s or %s dates and no reference day: nothing counted", fn,
                                        cr->name, cc->name)))
            goto done;
    }
    char blab[31][32];
    for (size_t b = 0; b <= nb; b++) {
        int lo = b ? bands[b - 1] + 1 : 0;
        if (b < nb) snprintf(blab[b], sizeof blab[b], "%d-%d", lo, bands[b]);
        else snprintf(blab[b], sizeof blab[b], "%d+", lo);
    }
    for (size_t k = 0; k < nref; k++) {
        int64_t ref = refs ? refs[k] : one_ref;
        char rl[16];
        day_label(ref, rl, sizeof rl);
        for (size_t gi = 0; gi < g.ng; gi++) {
            size_t n = 0, cnt[31] = {0};
            for (size_t q = 0; q < g.nr[gi]; q++) {
                size_t i = g.rows[gi][q];
                if (bad[i]) continue;
                int64_t a = am_ival(cr, i), b = am_ival(cc, i);
                if (a == ARMOEDE_NA_INT || a > ref || (b != ARMOEDE_NA_INT && b <= ref)) continue;
                int64_t ag = ref - a;
                age[n++] = (double)ag;
                size_t bb = 0;
                while (bb < nb && ag > bands[bb]) bb++;
                cnt[bb]++;
            }
            const char *keys[20];
            for (size_t j = 0; j < g.nk; j++) keys[j] = g.lab[gi * g.nk + j];
            keys[g.nk] = rl;
            keys[g.nk + 1] = AM_TOTAL_LABEL;
            double f[ARMOEDE_FIELD_COUNT_];
            am_fields_nan(f);
            f[ARMOEDE_FIELD_ESTIMATE] = f[ARMOEDE_FIELD_NUM_W] = f[ARMOEDE_FIELD_NUM_N] = (double)n;
            if ((rc = am_result_add(r, "open_cases", "cases", keys, f))) goto done;
            for (size_t b = 0; b <= nb; b++) {
                keys[g.nk + 1] = blab[b];
                f[ARMOEDE_FIELD_ESTIMATE] = f[ARMOEDE_FIELD_NUM_W] = f[ARMOEDE_FIELD_NUM_N] = (double)cnt[b];
                if ((rc = am_result_add(r, "open_cases", "cases", keys, f))) goto done;
            }
            keys[g.nk + 1] = NULL;
            if (n && (rc = add_stat_rows(r, "open_age", "calendar_days", keys, age, n))) goto done;
        }
    }
done:
    free(bad);
    free(age);
    grp_free(&g);
    return finish(rc, r, out);
}

/* ======================================================================
 * OUTPUT
 * ==================================================================== */

/* The programme mapping: intervention -> line, goals, activity. */
typedef struct {
    am_dict iv;        /* interventions */
    int32_t *line;     /* per intervention: code in lines, -1 none */
    int32_t *act;      /* per intervention: code in acts, -1 none */
    am_dict lines, goals, acts;
    int32_t *pg_iv, *pg_goal; /* (intervention, goal) pairs */
    size_t npg;
} pmap;

static void pmap_free(pmap *m)
{
    am_dict_free(&m->iv);
    am_dict_free(&m->lines);
    am_dict_free(&m->goals);
    am_dict_free(&m->acts);
    free(m->line);
    free(m->act);
    free(m->pg_iv);
    free(m->pg_goal);
    memset(m, 0, sizeof *m);
}

static int pmap_load(const armoede_table *mt, pmap *m, const char *fn)
{
    memset(m, 0, sizeof *m);
    const am_col *ci, *cl, *cg = NULL, *ca = opt_col(mt, "activity");
    int rc;
    if ((rc = need_col(mt, "intervention", K_KEY, fn, &ci)) || (rc = need_col(mt, "line", K_KEY, fn, &cl)))
        return rc;
    if (am_table_find(mt, "goal") >= 0 && (rc = need_col(mt, "goal", K_KEY, fn, &cg))) return rc;
    if (ca && ca->type != ARMOEDE_TYPE_CAT) ca = NULL;
    size_t n = mt->nrows;
    m->line = malloc((n + 1) * sizeof *m->line);
    m->act = malloc((n + 1) * sizeof *m->act);
    m->pg_iv = malloc((n + 1) * sizeof *m->pg_iv);
    m->pg_goal = malloc((n + 1) * sizeof *m->pg_goal);
    if (!m->line || !m->act || !m->pg_iv || !m->pg_goal) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        char b1[64], b2[64], b3[64];
        const char *iv = am_col_label(ci, i, b1, sizeof b1), *ln = am_col_label(cl, i, b2, sizeof b2);
        if (!iv) return row_fail(mt, i, ci, "the mapping needs an intervention on every row");
        if (!ln) return row_fail(mt, i, cl, "the mapping needs a programme line on every row");
        size_t before = m->iv.n;
        int32_t k = am_dict_intern(&m->iv, iv, strlen(iv));
        int32_t l = am_dict_intern(&m->lines, ln, strlen(ln));
        if (k < 0 || l < 0) return ARMOEDE_ENOMEM;
        const char *ac = ca ? am_col_label(ca, i, b3, sizeof b3) : NULL;
        int32_t a = -1;
        if (ac && (a = am_dict_intern(&m->acts, ac, strlen(ac))) < 0) return ARMOEDE_ENOMEM;
        if (m->iv.n > before) {
            m->line[k] = l;
            m->act[k] = a;
        } else if (m->line[k] != l) {
            return row_fail(mt, i, cl, "the intervention is mapped to two programme lines");
        } else if (a >= 0 && m->act[k] >= 0 && m->act[k] != a) {
            return row_fail(mt, i, ca, "the intervention is mapped to two budget activities");
        } else if (a >= 0) {
            m->act[k] = a;
        }
        const char *gl = cg ? am_col_label(cg, i, b3, sizeof b3) : NULL;
        if (gl) {
            int32_t q = am_dict_intern(&m->goals, gl, strlen(gl));
            if (q < 0) return ARMOEDE_ENOMEM;
            int dup = 0;
            for (size_t p = 0; p < m->npg; p++) dup |= m->pg_iv[p] == k && m->pg_goal[p] == q;
            if (!dup) { m->pg_iv[m->npg] = k; m->pg_goal[m->npg] = q; m->npg++; }
        }
    }
    return 0;
}

/* A (period, group, unit) triple of reach. */
typedef struct {
    int32_t per, grp;
    int32_t unit;
} trip;

static int cmp_trip(const void *a, const void *b)
{
    const trip *x = a, *y = b;
    if (x->grp != y->grp) return x->grp < y->grp ? -1 : 1;
    if (x->per != y->per) return x->per < y->per ? -1 : 1;
    return (x->unit > y->unit) - (x->unit < y->unit);
}

typedef struct {
    trip *v;
    size_t n, cap;
} trips;

static int trips_push(trips *s, int32_t per, int32_t g, int32_t u)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? 2 * s->cap : 1024;
        trip *nv = realloc(s->v, nc * sizeof *nv);
        if (!nv) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        s->v = nv;
        s->cap = nc;
    }
    s->v[s->n++] = (trip){per, g, u};
    return 0;
}

static void trips_unique(trips *s)
{
    if (!s->n) return;
    qsort(s->v, s->n, sizeof *s->v, cmp_trip);
    size_t m = 1;
    for (size_t i = 1; i < s->n; i++)
        if (cmp_trip(&s->v[i], &s->v[m - 1]) != 0) s->v[m++] = s->v[i];
    s->n = m;
}

static int trips_has(const trips *s, int32_t per, int32_t g, int32_t u)
{
    trip k = {per, g, u};
    return bsearch(&k, s->v, s->n, sizeof *s->v, cmp_trip) != NULL;
}

static int64_t period_of(int64_t day, int period)
{
    int y, m, d;
    am_civil_from_days(day, &y, &m, &d);
    return period == ARMOEDE_PERIOD_YEAR ? y : period == ARMOEDE_PERIOD_QUARTER ? (int64_t)y * 4 + (m - 1) / 3
                                                                                : (int64_t)y * 12 + (m - 1);
}

static void period_label(int64_t p, int period, char *buf, size_t n)
{
    if (period == ARMOEDE_PERIOD_YEAR) snprintf(buf, n, "%" PRId64, p);
    else if (period == ARMOEDE_PERIOD_QUARTER) snprintf(buf, n, "%" PRId64 "-Q%d", p / 4, (int)(p % 4) + 1);
    else snprintf(buf, n, "%" PRId64 "-%02d", p / 12, (int)(p % 12) + 1);
}

/* The participation records, read once: per record its intervention code
 * (in the mapping when there is one, else in its own dictionary), unit code
 * and active period range. */
typedef struct {
    size_t n;
    int32_t *iv;    /* intervention code; -1 = skip */
    int32_t *unit;  /* unit code; -1 = missing */
    int64_t *p0, *p1;
    am_dict ivd;    /* interventions as seen */
    am_dict units;
} recs;

static void recs_free(recs *R)
{
    free(R->iv);
    free(R->unit);
    free(R->p0);
    free(R->p1);
    am_dict_free(&R->ivd);
    am_dict_free(&R->units);
    memset(R, 0, sizeof *R);
}

static int recs_load(const armoede_table *t, const armoede_process_options *o, const char *idcol, int period,
                     int64_t ref, recs *R, size_t *bad_order, size_t *first_bad, size_t *no_id, const char *fn)
{
    memset(R, 0, sizeof *R);
    const am_col *ci, *cs, *ce = NULL, *cu;
    int rc;
    if ((rc = need_col(t, o->intervention ? o->intervention : "intervention", K_KEY, fn, &ci)) ||
        (rc = need_col(t, o->start ? o->start : "start", K_DATE, fn, &cs)) ||
        (rc = need_col(t, idcol, K_KEY, fn, &cu)))
        return rc;
    if (o->end && (rc = need_col(t, o->end, K_DATE, fn, &ce))) return rc;
    size_t n = t->nrows;
    R->n = n;
    R->iv = malloc((n + 1) * sizeof *R->iv);
    R->unit = malloc((n + 1) * sizeof *R->unit);
    R->p0 = malloc((n + 1) * sizeof *R->p0);
    R->p1 = malloc((n + 1) * sizeof *R->p1);
    if (!R->iv || !R->unit || !R->p0 || !R->p1) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    *bad_order = *no_id = 0;
    for (size_t i = 0; i < n; i++) {
        char b1[64], b2[64];
        R->iv[i] = -1;
        const char *iv = am_col_label(ci, i, b1, sizeof b1), *u = am_col_label(cu, i, b2, sizeof b2);
        int64_t s = am_ival(cs, i), e = ce ? am_ival(ce, i) : ARMOEDE_NA_INT;
        if (!iv || !u || s == ARMOEDE_NA_INT) { (*no_id)++; continue; }
        if (e != ARMOEDE_NA_INT && e < s) {
            if (o->strict) return row_fail(t, i, ce, "the end of participation lies before its start");
            if (!*bad_order) *first_bad = i;
            (*bad_order)++;
            continue;
        }
        if (s > ref) continue; /* starts after the reference day */
        int32_t k = am_dict_intern(&R->ivd, iv, strlen(iv));
        int32_t uc = am_dict_intern(&R->units, u, strlen(u));
        if (k < 0 || uc < 0) return ARMOEDE_ENOMEM;
        R->iv[i] = k;
        R->unit[i] = uc;
        R->p0[i] = period_of(s, period);
        R->p1[i] = period_of(e == ARMOEDE_NA_INT || e > ref ? ref : e, period);
        if (R->p1[i] - R->p0[i] > 100000) return row_fail(t, i, cs, "participation spans too many periods");
    }
    return 0;
}

/* Triples of records grouped by gmap[iv] (NULL = iv itself); a record whose
 * group list is empty is skipped. For goals an intervention has several
 * groups: pairs (iv, goal). */
static int recs_trips(const recs *R, const int32_t *gmap, const int32_t *pair_iv, const int32_t *pair_g,
                      size_t npairs, trips *out)
{
    for (size_t i = 0; i < R->n; i++) {
        if (R->iv[i] < 0) continue;
        for (int64_t p = R->p0[i]; p <= R->p1[i]; p++) {
            if (pair_iv) {
                for (size_t q = 0; q < npairs; q++)
                    if (pair_iv[q] == R->iv[i]) {
                        int rc = trips_push(out, (int32_t)p, pair_g[q], R->unit[i]);
                        if (rc) return rc;
                    }
            } else {
                int32_t gcode = gmap ? gmap[R->iv[i]] : R->iv[i];
                if (gcode < 0) continue;
                int rc = trips_push(out, (int32_t)p, gcode, R->unit[i]);
                if (rc) return rc;
            }
        }
    }
    trips_unique(out);
    return 0;
}

/* Count per (group, period) of a unique sorted triple set; emit rows. */
static int emit_reach(armoede_result *r, const trips *s, const am_dict *names, int keypos, int period,
                      const char *unit, int64_t first_period)
{
    size_t i = 0;
    while (i < s->n) {
        size_t j = i;
        size_t nnew = 0, ncont = 0;
        while (j < s->n && s->v[j].grp == s->v[i].grp && s->v[j].per == s->v[i].per) {
            if (trips_has(s, s->v[j].per - 1, s->v[j].grp, s->v[j].unit)) ncont++;
            else nnew++;
            j++;
        }
        char pl[32];
        period_label(s->v[i].per, period, pl, sizeof pl);
        const char *keys[4] = {pl, NULL, NULL, NULL};
        keys[keypos] = names->labels[s->v[i].grp];
        double f[ARMOEDE_FIELD_COUNT_];
        am_fields_nan(f);
        double tot = (double)(j - i);
        f[ARMOEDE_FIELD_ESTIMATE] = f[ARMOEDE_FIELD_NUM_W] = f[ARMOEDE_FIELD_NUM_N] = tot;
        int rc = am_result_add(r, "reached", unit, keys, f);
        if (!rc && s->v[i].per > first_period) {
            f[ARMOEDE_FIELD_ESTIMATE] = f[ARMOEDE_FIELD_NUM_W] = f[ARMOEDE_FIELD_NUM_N] = (double)nnew;
            rc = am_result_add(r, "reached_new", unit, keys, f);
            f[ARMOEDE_FIELD_ESTIMATE] = f[ARMOEDE_FIELD_NUM_W] = f[ARMOEDE_FIELD_NUM_N] = (double)ncont;
            if (!rc) rc = am_result_add(r, "reached_continuing", unit, keys, f);
        }
        if (rc) return rc;
        i = j;
    }
    return 0;
}

static size_t count_reached(const trips *s, int32_t per, int32_t g)
{
    /* triples sorted by (grp, per, unit): binary search the first */
    size_t lo = 0, hi = s->n;
    trip k = {per, g, INT32_MIN};
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cmp_trip(&s->v[mid], &k) < 0) lo = mid + 1;
        else hi = mid;
    }
    size_t c = 0;
    while (lo + c < s->n && s->v[lo + c].grp == g && s->v[lo + c].per == per) c++;
    return c;
}

static int reach_unit(const armoede_table *t, const armoede_process_options *o, const char *idcol,
                      const char *unit, int64_t ref, armoede_result *r, const char *fn)
{
    recs R;
    trips ti = {0}, tl = {0}, tg = {0}, ty = {0};
    pmap m;
    memset(&m, 0, sizeof m);
    int32_t *gmap = NULL, *lmap = NULL, *pi = NULL;
    size_t bad = 0, first_bad = 0, noid = 0;
    int rc = recs_load(t, o, idcol, o->period, ref, &R, &bad, &first_bad, &noid, fn);
    if (rc) goto done;
    if (bad) {
        char w[512];
        if ((rc = am_result_note(r, "%s (%s): %zu records left out because their end lies before their start "
                                    "(first: %s)", fn, unit, bad, am_table_where(t, first_bad, w, sizeof w))))
            goto done;
    }
    if (noid && (rc = am_result_note(r, "%s (%s): %zu records without intervention, %s or start left out", fn,
                                     unit, noid, idcol)))
        goto done;
    if ((rc = recs_trips(&R, NULL, NULL, NULL, 0, &ti))) goto done;
    int64_t first = INT64_MAX;
    for (size_t i = 0; i < R.n; i++)
        if (R.iv[i] >= 0 && R.p0[i] < first) first = R.p0[i];
    if ((rc = emit_reach(r, &ti, &R.ivd, 1, o->period, unit, first))) goto done;
    if (o->mapping) {
        if ((rc = pmap_load(o->mapping, &m, fn))) goto done;
        gmap = malloc((R.ivd.n + 1) * sizeof *gmap);
        lmap = malloc((R.ivd.n + 1) * sizeof *lmap);
        pi = malloc((m.npg + 1) * sizeof *pi);
        if (!gmap || !lmap || !pi) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
        for (size_t k = 0; k < R.ivd.n; k++) {
            int32_t mk = am_dict_find(&m.iv, R.ivd.labels[k], strlen(R.ivd.labels[k]));
            gmap[k] = mk;
            lmap[k] = mk >= 0 ? m.line[mk] : -1;
            if (mk < 0) {
                if (o->strict) {
                    for (size_t i = 0; i < R.n; i++)
                        if (R.iv[i] == (int32_t)k) {
                            const am_col *ci = opt_col(t, o->intervention ? o->intervention : "intervention");
                            rc = row_fail(t, i, ci, "an intervention that is not in the programme mapping");
                            goto done;
                        }
                }
                if ((rc = am_result_note(r, "%s (%s): intervention '%s' is not in the programme mapping: reported "
                                            "alone, left out of lines and goals", fn, unit, R.ivd.labels[k])))
                    goto done;
            }
        }
        /* pairs in terms of R's intervention codes */
        size_t np = 0;
        int32_t *pg = malloc((m.npg + 1) * sizeof *pg);
        if (!pg) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
        for (size_t p = 0; p < m.npg; p++) {
            const char *nm = m.iv.labels[m.pg_iv[p]];
            int32_t rk = am_dict_find(&R.ivd, nm, strlen(nm));
            if (rk >= 0) { pi[np] = rk; pg[np] = m.pg_goal[p]; np++; }
        }
        rc = recs_trips(&R, lmap, NULL, NULL, 0, &tl);
        if (!rc) rc = recs_trips(&R, NULL, pi, pg, np, &tg);
        free(pg);
        if (rc) goto done;
        if ((rc = emit_reach(r, &tl, &m.lines, 2, o->period, unit, first)) ||
            (rc = emit_reach(r, &tg, &m.goals, 3, o->period, unit, first)))
            goto done;
    }
    if (o->targets) {
        /* yearly reach per intervention */
        recs RY;
        size_t b2, f2, n2;
        if ((rc = recs_load(t, o, idcol, ARMOEDE_PERIOD_YEAR, ref, &RY, &b2, &f2, &n2, fn))) { recs_free(&RY); goto done; }
        rc = recs_trips(&RY, NULL, NULL, NULL, 0, &ty);
        const armoede_table *tt = o->targets;
        const am_col *ti2, *tyc, *tu, *tv;
        if (!rc && !(rc = need_col(tt, "intervention", K_KEY, fn, &ti2)) && !(rc = need_col(tt, "year", K_INT, fn, &tyc)) &&
            !(rc = need_col(tt, "unit", K_KEY, fn, &tu)) && !(rc = need_col(tt, "target", K_NUM, fn, &tv))) {
            /* per line/goal sums: [year offset][line], computed by scanning targets */
            size_t nl = m.lines.n, ng = m.goals.n;
            int ymin = INT32_MAX, ymax = INT32_MIN;
            for (size_t i = 0; i < tt->nrows; i++) {
                int64_t y = am_ival(tyc, i);
                if (y != ARMOEDE_NA_INT && y >= 1900 && y <= 9999) { ymin = y < ymin ? (int)y : ymin; ymax = y > ymax ? (int)y : ymax; }
            }
            size_t ny = ymax >= ymin ? (size_t)(ymax - ymin + 1) : 0;
            double *lr = calloc(ny * (nl + ng) + 1, sizeof *lr), *lt = calloc(ny * (nl + ng) + 1, sizeof *lt);
            if (!lr || !lt) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
            for (size_t i = 0; i < tt->nrows && !rc; i++) {
                char b1[64], b2b[64];
                const char *iv = am_col_label(ti2, i, b1, sizeof b1), *un = am_col_label(tu, i, b2b, sizeof b2b);
                int64_t y = am_ival(tyc, i);
                double tg2 = am_num(tv, i);
                if (!iv || !un || y == ARMOEDE_NA_INT || isnan(tg2)) {
                    rc = row_fail(tt, i, !iv ? ti2 : !un ? tu : y == ARMOEDE_NA_INT ? tyc : tv,
                                  "a target row needs intervention, year, unit and target");
                    break;
                }
                if (y < 1900 || y > 9999) { rc = row_fail(tt, i, tyc, "a year outside 1900..9999"); break; }
                if (!(tg2 > 0)) { rc = row_fail(tt, i, tv, "a target must be positive"); break; }
                if (strcmp(un, unit) != 0) continue;
                int32_t rk = am_dict_find(&RY.ivd, iv, strlen(iv));
                double got = rk >= 0 ? (double)count_reached(&ty, (int32_t)y, rk) : 0.0;
                char yl[16];
                snprintf(yl, sizeof yl, "%" PRId64, y);
                const char *keys[4] = {yl, iv, NULL, NULL};
                double f[ARMOEDE_FIELD_COUNT_];
                am_fields_nan(f);
                f[ARMOEDE_FIELD_ESTIMATE] = got / tg2;
                f[ARMOEDE_FIELD_NUM_W] = f[ARMOEDE_FIELD_NUM_N] = got;
                f[ARMOEDE_FIELD_DEN_W] = tg2;
                f[ARMOEDE_FIELD_REFERENCE] = tg2;
                if ((rc = am_result_add(r, "target_attainment", unit, keys, f))) break;
                if (o->mapping) {
                    int32_t mk = am_dict_find(&m.iv, iv, strlen(iv));
                    if (mk < 0) continue;
                    size_t yo = (size_t)(y - ymin) * (nl + ng);
                    lr[yo + (size_t)m.line[mk]] += got;
                    lt[yo + (size_t)m.line[mk]] += tg2;
                    for (size_t p = 0; p < m.npg; p++)
                        if (m.pg_iv[p] == mk) {
                            lr[yo + nl + (size_t)m.pg_goal[p]] += got;
                            lt[yo + nl + (size_t)m.pg_goal[p]] += tg2;
                        }
                }
            }
            for (size_t yi = 0; yi < ny && !rc && o->mapping; yi++)
                for (size_t q = 0; q < nl + ng && !rc; q++) {
                    size_t at = yi * (nl + ng) + q;
                    if (lt[at] <= 0) continue;
                    char yl[16];
                    snprintf(yl, sizeof yl, "%d", ymin + (int)yi);
                    const char *keys[4] = {yl, NULL, NULL, NULL};
                    if (q < nl) keys[2] = m.lines.labels[q];
                    else keys[3] = m.goals.labels[q - nl];
                    double f[ARMOEDE_FIELD_COUNT_];
                    am_fields_nan(f);
                    f[ARMOEDE_FIELD_ESTIMATE] = lr[at] / lt[at];
                    f[ARMOEDE_FIELD_NUM_W] = f[ARMOEDE_FIELD_NUM_N] = lr[at];
                    f[ARMOEDE_FIELD_DEN_W] = f[ARMOEDE_FIELD_REFERENCE] = lt[at];
                    rc = am_result_add(r, "target_attainment", unit, keys, f);
                }
            free(lr);
            free(lt);
        }
        recs_free(&RY);
        if (rc) goto done;
    }
done:
    recs_free(&R);
    pmap_free(&m);
    free(ti.v);
    free(tl.v);
    free(tg.v);
    free(ty.v);
    free(gmap);
    free(lmap);
    free(pi);
    return rc;
}

int armoede_reach(const armoede_table *t, const armoede_process_options *opts, armoede_result **out)
{
    static const char fn[] = "armoede_reach";
    armoede_process_options o;
    int rc = begin(fn, t, "table", opts, &o, out);
    if (rc) return rc;
    if (!o.person_id && !o.household_id)
        return am_fail(ARMOEDE_EINVAL, "%s: give person_id and/or household_id", fn);
    if (o.n_by) return am_fail(ARMOEDE_EINVAL, "%s: breakdowns are intervention, line and goal (no by)", fn);
    /* Default reference day: the latest start date, i.e. participation that
     * has begun. Not the latest end date: an end may be planned (a course
     * booked to end in 2027) and would report reach for periods that have
     * not happened yet. */
    int64_t ref = o.reference_day;
    int ref_default = ref == ARMOEDE_NO_DATE;
    if (ref_default) {
        const am_col *cs = opt_col(t, o.start ? o.start : "start");
        ref = cs && cs->type == ARMOEDE_TYPE_INT ? latest(&cs, 1, t->nrows) : ARMOEDE_NA_INT;
    }
    static const char *const keys[] = {"period", "intervention", "line", "goal"};
    armoede_result *r = keyed_result(keys, 4);
    if (!r) return ARMOEDE_ENOMEM;
    char rl[16] = "";
    if (ref != ARMOEDE_NA_INT) day_label(ref, rl, sizeof rl);
    if (ref == ARMOEDE_NA_INT)
        rc = am_result_note(r, "%s: no start dates: nothing reached", fn);
    else
        rc = am_result_note(r, "%s: records active up to %s%s; a unit is new when not reached in the previous period",
                            fn, rl,
                            ref_default ? " (the latest start date; set the reference day to choose another)" : "");
    if (!rc && o.targets) {
        const am_col *tu;
        size_t skipped = 0;
        if (!(rc = need_col(o.targets, "unit", K_KEY, fn, &tu)))
            for (size_t i = 0; i < o.targets->nrows && !rc; i++) {
                char b[64];
                const char *u = am_col_label(tu, i, b, sizeof b);
                if (!u) continue; /* reported with the other columns */
                if (strcmp(u, "households") && strcmp(u, "persons"))
                    rc = row_fail(o.targets, i, tu, "the unit of a target must be households or persons");
                else if ((!strcmp(u, "households") && !o.household_id) || (!strcmp(u, "persons") && !o.person_id))
                    skipped++;
            }
        if (!rc && skipped)
            rc = am_result_note(r, "%s: %zu targets in a unit without its id column (household_id / person_id) "
                                   "left out", fn, skipped);
    }
    if (!rc && o.household_id) rc = reach_unit(t, &o, o.household_id, "households", ref, r, fn);
    if (!rc && o.person_id) rc = reach_unit(t, &o, o.person_id, "persons", ref, r, fn);
    return finish(rc, r, out);
}

/* ======================================================================
 * INPUT
 * ==================================================================== */

/* A money cell: year and line/activity labels (NULL-free: "Total"). */
typedef struct {
    int year;
    const char *line, *act; /* interned in the cells' dict */
    double m[13];           /* m[1..12] spending; m[0] unused */
    double mc[13];          /* their Neumaier compensation terms */
    double budget;          /* NaN: none */
    unsigned months;        /* bit m set: a spending row in month m (1..12); 0: no spending */
} mcell;

typedef struct {
    am_dict keys; /* "year\x1fline\x1fact" */
    am_dict names;
    mcell *c;
    size_t n, cap;
} mcells;

static void mcells_free(mcells *s)
{
    am_dict_free(&s->keys);
    am_dict_free(&s->names);
    free(s->c);
    memset(s, 0, sizeof *s);
}

static int mcell_get(mcells *s, int year, const char *line, const char *act, mcell **out)
{
    char key[600];
    int w = snprintf(key, sizeof key, "%d\x1f%s\x1f%s", year, line, act);
    if (w < 0 || (size_t)w >= sizeof key) return am_fail(ARMOEDE_EINVAL, "budget labels too long");
    int32_t k = am_dict_intern(&s->keys, key, (size_t)w);
    if (k < 0) return ARMOEDE_ENOMEM;
    if ((size_t)k == s->n) {
        if (s->n == s->cap) {
            size_t nc = s->cap ? 2 * s->cap : 64;
            mcell *nv = realloc(s->c, nc * sizeof *nv);
            if (!nv) return am_fail(ARMOEDE_ENOMEM, "out of memory");
            s->c = nv;
            s->cap = nc;
        }
        int32_t a = am_dict_intern(&s->names, line, strlen(line)), b = am_dict_intern(&s->names, act, strlen(act));
        if (a < 0 || b < 0) return ARMOEDE_ENOMEM;
        mcell *c = &s->c[s->n++];
        memset(c, 0, sizeof *c);
        c->year = year;
        c->line = s->names.labels[a];
        c->act = s->names.labels[b];
        c->budget = NAN;
    }
    *out = &s->c[k];
    return 0;
}

/* Read spending rows: year, month, line, activity (or Total), amount. */
typedef struct {
    size_t n;
    int *year, *month;
    const char **line, **act, **src;
    double *amt;
} spend;

static void spend_free(spend *s)
{
    free(s->year);
    free(s->month);
    free(s->line);
    free(s->act);
    free(s->src);
    free(s->amt);
    memset(s, 0, sizeof *s);
}

static int spend_load(const armoede_table *t, const armoede_process_options *o, spend *s, armoede_result *r,
                      const char *fn, int need_act)
{
    memset(s, 0, sizeof *s);
    const am_col *cy = NULL, *cm = NULL, *cd = NULL, *cl, *ca = NULL, *cs = NULL, *cv;
    int rc;
    if (o->spend_date) rc = need_col(t, o->spend_date, K_DATE, fn, &cd);
    else if (!(rc = need_col(t, o->spend_year ? o->spend_year : "year", K_INT, fn, &cy)))
        rc = need_col(t, o->spend_month ? o->spend_month : "month", K_INT, fn, &cm);
    if (rc || (rc = need_col(t, o->line ? o->line : "line", K_KEY, fn, &cl)) ||
        (rc = need_col(t, o->amount ? o->amount : "amount", K_NUM, fn, &cv)))
        return rc;
    const char *an = o->activity ? o->activity : "activity", *sn = o->source ? o->source : "source";
    if ((am_table_find(t, an) >= 0 || need_act) && (rc = need_col(t, an, K_KEY, fn, &ca))) return rc;
    if (am_table_find(t, sn) >= 0 && (rc = need_col(t, sn, K_KEY, fn, &cs))) return rc;
    if (cl->type != ARMOEDE_TYPE_CAT || (ca && ca->type != ARMOEDE_TYPE_CAT) || (cs && cs->type != ARMOEDE_TYPE_CAT))
        return am_fail(ARMOEDE_ETYPE, "%s: the line, activity and source columns of spending must be categorical", fn);
    size_t n = t->nrows;
    s->year = malloc((n + 1) * sizeof *s->year);
    s->month = malloc((n + 1) * sizeof *s->month);
    s->line = malloc((n + 1) * sizeof *s->line);
    s->act = malloc((n + 1) * sizeof *s->act);
    s->src = malloc((n + 1) * sizeof *s->src);
    s->amt = malloc((n + 1) * sizeof *s->amt);
    if (!s->year || !s->month || !s->line || !s->act || !s->src || !s->amt)
        return am_fail(ARMOEDE_ENOMEM, "out of memory");
    size_t nneg = 0, nmiss = 0, first_neg = 0;
    double sneg = 0;
    for (size_t i = 0; i < n; i++) {
        int y, m, d;
        if (cd) {
            int64_t v = am_ival(cd, i);
            if (v == ARMOEDE_NA_INT) { nmiss++; continue; }
            am_civil_from_days(v, &y, &m, &d);
        } else {
            int64_t yv = am_ival(cy, i), mv = am_ival(cm, i);
            if (yv == ARMOEDE_NA_INT || mv == ARMOEDE_NA_INT) { nmiss++; continue; }
            if (yv < 1900 || yv > 9999) return row_fail(t, i, cy, "a year outside 1900..9999");
            if (mv < 1 || mv > 12) return row_fail(t, i, cm, "a month outside 1..12");
            y = (int)yv;
            m = (int)mv;
        }
        double v = am_num(cv, i);
        const char *ln = cl->type == ARMOEDE_TYPE_CAT ? am_col_label(cl, i, NULL, 0) : NULL;
        const char *ac = ca && ca->type == ARMOEDE_TYPE_CAT ? am_col_label(ca, i, NULL, 0) : NULL;
        const char *sr = cs && cs->type == ARMOEDE_TYPE_CAT ? am_col_label(cs, i, NULL, 0) : NULL;
        if (isnan(v) || !ln || (ca && !ac)) { nmiss++; continue; }
        if (v < 0) {
            if (o->strict) return row_fail(t, i, cv, "a negative amount");
            if (!nneg) first_neg = i;
            nneg++;
            sneg += v;
        }
        size_t k = s->n++;
        s->year[k] = y;
        s->month[k] = m;
        s->line[k] = ln;
        s->act[k] = ac;
        s->src[k] = sr;
        s->amt[k] = v;
    }
    if (nneg) {
        char w[512];
        if ((rc = am_result_note(r, "%s: %zu negative amounts (corrections, sum %.2f) kept: they net against the "
                                    "spending of their line (first: %s)", fn, nneg, sneg,
                                 am_table_where(t, first_neg, w, sizeof w))))
            return rc;
    }
    if (nmiss && (rc = am_result_note(r, "%s: %zu spending rows with a missing period, line, activity or amount "
                                         "left out", fn, nmiss)))
        return rc;
    return 0;
}

static int money_row(armoede_result *r, const char *ind, const char *unit, const char *year, const char *line,
                     const char *act, const char *src, double est, double num, double den, double ref)
{
    const char *keys[4] = {year, line, act, src};
    double f[ARMOEDE_FIELD_COUNT_];
    am_fields_nan(f);
    f[ARMOEDE_FIELD_ESTIMATE] = est;
    f[ARMOEDE_FIELD_NUM_W] = num;
    f[ARMOEDE_FIELD_DEN_W] = den;
    f[ARMOEDE_FIELD_REFERENCE] = ref;
    int rc = am_result_add(r, ind, unit, keys, f);
    if (!rc) am_result_amounts(r, AM_AMOUNT(ARMOEDE_FIELD_NUM_W) | AM_AMOUNT(ARMOEDE_FIELD_DEN_W)); /* money */
    return rc;
}

/* Neumaier's compensated addition: sums of amounts with cents (118.3 +
 * 200.1 + ...) come out as the correctly rounded decimal, not 318.09999. */
static void kadd(double *s, double *c, double x)
{
    double t = *s + x;
    if (fabs(*s) >= fabs(x)) *c += (*s - t) + x;
    else *c += (x - t) + *s;
    *s = t;
}

/* Bits 1..12 of mcell.months: a spending row in every month. */
#define SEASON_ALL 0x1FFEu

static double msum(const mcell *c, int m1, int m2)
{
    double s = 0, k = 0;
    for (int m = m1; m <= m2; m++) {
        kadd(&s, &k, c->m[m]);
        kadd(&s, &k, c->mc[m]);
    }
    return s + k;
}

int armoede_budget(const armoede_table *t, const armoede_table *reach, const armoede_process_options *opts,
                   armoede_result **out)
{
    static const char fn[] = "armoede_budget";
    armoede_process_options o;
    int rc = begin(fn, t, "table", opts, &o, out);
    if (rc) return rc;
    const char *unit = o.money_unit ? o.money_unit : "euro";
    static const char *const keys[] = {"year", "line", "activity", "source"};
    armoede_result *r = keyed_result(keys, 4);
    if (!r) return ARMOEDE_ENOMEM;
    spend s;
    mcells C, S; /* cells by line/activity; cells by source (line = source, act = Total) */
    memset(&C, 0, sizeof C);
    memset(&S, 0, sizeof S);
    pmap m;
    memset(&m, 0, sizeof m);
    trips ta = {0};
    recs R;
    memset(&R, 0, sizeof R);
    if ((rc = spend_load(t, &o, &s, r, fn, 0))) goto done;
    int ry = 0, rm = 0;
    if (o.reference_day != ARMOEDE_NO_DATE) {
        int d;
        am_civil_from_days(o.reference_day, &ry, &rm, &d);
        static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int last = mdays[rm - 1] + (rm == 2 && ((ry % 4 == 0 && ry % 100 != 0) || ry % 400 == 0));
        if (d < last) rm--;
        if (rm < 1) rm = 1;
    } else {
        for (size_t i = 0; i < s.n; i++)
            if (s.year[i] > ry || (s.year[i] == ry && s.month[i] > rm)) { ry = s.year[i]; rm = s.month[i]; }
    }
    for (size_t i = 0; i < s.n && !rc; i++) {
        const char *act = s.act[i] ? s.act[i] : AM_TOTAL_LABEL;
        const char *lv[3][2] = {{s.line[i], act}, {s.line[i], AM_TOTAL_LABEL}, {AM_TOTAL_LABEL, AM_TOTAL_LABEL}};
        for (int l = s.act[i] ? 0 : 1; l < 3 && !rc; l++) {
            mcell *c;
            if (!(rc = mcell_get(&C, s.year[i], lv[l][0], lv[l][1], &c))) {
                kadd(&c->m[s.month[i]], &c->mc[s.month[i]], s.amt[i]);
                c->months |= 1u << s.month[i];
            }
        }
        if (!rc && s.src[i]) {
            mcell *c;
            if (!(rc = mcell_get(&S, s.year[i], s.src[i], AM_TOTAL_LABEL, &c))) {
                kadd(&c->m[s.month[i]], &c->mc[s.month[i]], s.amt[i]);
                c->months |= 1u << s.month[i];
            }
        }
    }
    if (rc) goto done;
    if (o.plan) {
        const am_col *py, *pl, *pa = NULL, *pb;
        if ((rc = need_col(o.plan, "year", K_INT, fn, &py)) || (rc = need_col(o.plan, "line", K_KEY, fn, &pl)) ||
            (rc = need_col(o.plan, "budget", K_NUM, fn, &pb)))
            goto done;
        if (am_table_find(o.plan, "activity") >= 0 && (rc = need_col(o.plan, "activity", K_KEY, fn, &pa))) goto done;
        size_t npm = 0, nnegb = 0, first_negb = 0;
        for (size_t i = 0; i < o.plan->nrows; i++) {
            char b1[64], b2[64];
            int64_t y = am_ival(py, i);
            const char *ln = am_col_label(pl, i, b1, sizeof b1);
            const char *ac = pa ? am_col_label(pa, i, b2, sizeof b2) : NULL;
            double b = am_num(pb, i);
            if (y == ARMOEDE_NA_INT || !ln) { rc = row_fail(o.plan, i, y == ARMOEDE_NA_INT ? py : pl, "a plan row needs year and line"); goto done; }
            if (isnan(b)) { npm++; continue; } /* "pm": not budgeted yet */
            if (b < 0) {
                if (o.strict) { rc = row_fail(o.plan, i, pb, "a negative budget"); goto done; }
                if (!nnegb) first_negb = i;
                nnegb++;
            }
            const char *lv[3][2] = {{ln, ac ? ac : AM_TOTAL_LABEL}, {ln, AM_TOTAL_LABEL}, {AM_TOTAL_LABEL, AM_TOTAL_LABEL}};
            for (int l = ac ? 0 : 1; l < 3; l++) {
                mcell *c;
                if ((rc = mcell_get(&C, (int)y, lv[l][0], lv[l][1], &c))) goto done;
                c->budget = isnan(c->budget) ? b : c->budget + b;
            }
        }
        if (npm && (rc = am_result_note(r, "%s: %zu plan rows without a budget ('pm') left out", fn, npm))) goto done;
        if (nnegb) {
            char w[512];
            if ((rc = am_result_note(r, "%s: %zu negative budgets (cuts) kept: they net against their line (first: %s)",
                                     fn, nnegb, am_table_where(o.plan, first_negb, w, sizeof w))))
                goto done;
        }
    }
    char rb[64];
    snprintf(rb, sizeof rb, "%d-%02d", ry, rm);
    if (o.reference_day == ARMOEDE_NO_DATE && s.n == 0) {
        /* no reference day and no spending row: there is no year to date */
        if ((rc = am_result_note(r, "%s: no spending rows and no reference day: no year to date or forecasts", fn)))
            goto done;
    } else if ((rc = am_result_note(r, "%s: year to date = months 1..%d of %d (through %s%s); forecasts for %d; "
                                       "flag margin %.4g of the budget", fn, rm, ry, rb,
                                    o.reference_day == ARMOEDE_NO_DATE ? ", the latest month with spending" : "", ry,
                                    o.margin))) {
        goto done;
    }
    int season_used = 0, season_left = 0;
    for (size_t k = 0; k < C.n; k++) {
        mcell *c = &C.c[k];
        char yl[16];
        snprintf(yl, sizeof yl, "%d", c->year);
        double real = msum(c, 1, 12);
        int partial = c->year == ry && rm < 12;
        if (c->months && (rc = money_row(r, partial ? "realised_ytd" : "realised", unit, yl, c->line, c->act,
                                            NULL, real, real, NAN, c->budget)))
            goto done;
        if (!isnan(c->budget)) {
            if ((rc = money_row(r, "budget", unit, yl, c->line, c->act, NULL, c->budget, NAN, NAN, NAN))) goto done;
            if (c->months && c->budget > 0 && c->year <= ry &&
                (rc = money_row(r, partial ? "execution_ytd" : "execution", "share", yl, c->line, c->act, NULL,
                                real / c->budget, real, c->budget, c->budget)))
                goto done;
        }
        if (c->year != ry || !c->months) continue;
        double ytd = msum(c, 1, rm);
        if (!isnan(c->budget) && c->budget > 0 &&
            (rc = money_row(r, "ytd_vs_pro_rata", "share", yl, c->line, c->act, NULL,
                            ytd / (c->budget * rm / 12.0), ytd, c->budget * rm / 12.0, c->budget)))
            goto done;
        double fc[2] = {ytd * 12.0 / rm, NAN};
        /* seasonal profile of the earlier years of this line/activity: only
         * years with a spending row in each of the 12 months. A year whose
         * data start in March (or stop in October) has no months 1..2 (or
         * 11..12) and would bias the pooled share s. */
        double upto = 0, full = 0, ukc = 0, fkc = 0;
        int nused = 0, nleft = 0;
        char leftl[160] = "";
        size_t leftlen = 0;
        for (size_t q = 0; q < C.n; q++) {
            mcell *e = &C.c[q];
            if (e->year >= ry || !e->months || strcmp(e->line, c->line) || strcmp(e->act, c->act)) continue;
            if ((e->months & SEASON_ALL) != SEASON_ALL) {
                int have = 0;
                for (int mm = 1; mm <= 12; mm++) have += (e->months >> mm) & 1u;
                /* name the first few; "..." for the rest */
                int w = 0;
                if (nleft < 6)
                    w = snprintf(leftl + leftlen, sizeof leftl - leftlen, "%s%d: %d of 12 months", nleft ? ", " : "",
                                 e->year, have);
                else if (nleft == 6)
                    w = snprintf(leftl + leftlen, sizeof leftl - leftlen, ", ...");
                if (w > 0 && (size_t)w < sizeof leftl - leftlen) leftlen += (size_t)w;
                else leftl[leftlen] = '\0';
                nleft++;
                continue;
            }
            kadd(&upto, &ukc, msum(e, 1, rm));
            kadd(&full, &fkc, msum(e, 1, 12));
            nused++;
        }
        upto += ukc;
        full += fkc;
        double share = full != 0 ? upto / full : NAN;
        if (nused && share > 0) fc[1] = ytd / share;
        season_used += nused;
        season_left += nleft;
        if (nleft && nused &&
            (rc = am_result_note(r, "%s: forecast_seasonal %s / %s: %d earlier year%s with all 12 months used, %d "
                                    "left out as incomplete (%s)", fn, c->line, c->act, nused, nused == 1 ? "" : "s",
                                 nleft, leftl)))
            goto done;
        if (nleft && !nused &&
            (rc = am_result_note(r, "%s: forecast_seasonal %s / %s: no earlier year has spending in all 12 months "
                                    "(%d left out: %s): no seasonal forecast", fn, c->line, c->act, nleft, leftl)))
            goto done;
        if (nused && !(share > 0) &&
            (rc = am_result_note(r, "%s: forecast_seasonal %s / %s: the complete earlier years spent %.2f in months "
                                    "1..%d of %.2f: no positive share, no seasonal forecast", fn, c->line, c->act,
                                 upto, rm, full)))
            goto done;
        static const char *const fname[2] = {"forecast_run_rate", "forecast_seasonal"};
        static const char *const oname[2] = {"projected_over_spend_run_rate", "projected_over_spend_seasonal"};
        static const char *const flname[2] = {"over_spend_flag_run_rate", "over_spend_flag_seasonal"};
        for (int mth = 0; mth < 2; mth++) {
            if (isnan(fc[mth])) continue;
            if ((rc = money_row(r, fname[mth], unit, yl, c->line, c->act, NULL, fc[mth], ytd, NAN, c->budget)))
                goto done;
            if (isnan(c->budget)) continue;
            double over = fc[mth] - c->budget;
            double flag = over > o.margin * c->budget ? 1 : over < -o.margin * c->budget ? -1 : 0;
            if ((rc = money_row(r, oname[mth], unit, yl, c->line, c->act, NULL, over, fc[mth], c->budget, c->budget)) ||
                (rc = money_row(r, flname[mth], "flag", yl, c->line, c->act, NULL, flag, NAN, NAN, NAN)))
                goto done;
        }
    }
    if (season_used + season_left > 0 &&
        (rc = am_result_note(r, "%s: forecast_seasonal: the share of the year spent by month %d pools only earlier "
                                "years with a spending row in each of the 12 months: %d line/activity-year%s used, "
                                "%d left out as incomplete", fn, rm, season_used, season_used == 1 ? "" : "s",
                             season_left)))
        goto done;
    for (size_t k = 0; k < S.n; k++) {
        char yl[16];
        snprintf(yl, sizeof yl, "%d", S.c[k].year);
        double real = msum(&S.c[k], 1, 12);
        if ((rc = money_row(r, S.c[k].year == ry && rm < 12 ? "realised_ytd" : "realised", unit, yl, NULL, NULL,
                            S.c[k].line, real, real, NAN, NAN)))
            goto done;
    }
    /* efficiency: euros per unit reached by the activity's interventions */
    if (reach && o.mapping) {
        if ((rc = pmap_load(o.mapping, &m, fn))) goto done;
        if (m.acts.n == 0) {
            rc = am_result_note(r, "%s: the mapping has no activity column: no cost per unit", fn);
            goto done;
        }
        const char *idcol = o.household_id ? o.household_id : o.person_id;
        const char *un = o.household_id ? "households" : "persons";
        if (!idcol) { rc = am_fail(ARMOEDE_EINVAL, "%s: cost per unit needs household_id or person_id", fn); goto done; }
        int64_t ref = am_days_from_civil(rm == 12 ? ry + 1 : ry, rm == 12 ? 1 : rm + 1, 1) - 1;
        size_t b1, f1, n1;
        armoede_process_options ro = o;
        ro.strict = 0;
        if ((rc = recs_load(reach, &ro, idcol, ARMOEDE_PERIOD_YEAR, ref, &R, &b1, &f1, &n1, fn))) goto done;
        int32_t *amap = malloc((R.ivd.n + 1) * sizeof *amap);
        if (!amap) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
        for (size_t k = 0; k < R.ivd.n; k++) {
            int32_t mk = am_dict_find(&m.iv, R.ivd.labels[k], strlen(R.ivd.labels[k]));
            amap[k] = mk >= 0 ? m.act[mk] : -1;
        }
        rc = recs_trips(&R, amap, NULL, NULL, 0, &ta);
        free(amap);
        if (rc) goto done;
        for (size_t k = 0; k < C.n; k++) {
            mcell *c = &C.c[k];
            if (!strcmp(c->act, AM_TOTAL_LABEL) || !c->months) continue;
            int32_t a = am_dict_find(&m.acts, c->act, strlen(c->act));
            if (a < 0) continue;
            size_t units = count_reached(&ta, c->year, a);
            if (!units) continue;
            double real = msum(c, 1, c->year == ry ? rm : 12);
            char yl[16];
            snprintf(yl, sizeof yl, "%d", c->year);
            const char *kk[4] = {yl, c->line, c->act, NULL};
            double f[ARMOEDE_FIELD_COUNT_];
            am_fields_nan(f);
            f[ARMOEDE_FIELD_ESTIMATE] = real / (double)units;
            f[ARMOEDE_FIELD_NUM_W] = real;
            f[ARMOEDE_FIELD_DEN_W] = f[ARMOEDE_FIELD_DEN_N] = (double)units;
            char u2[64];
            snprintf(u2, sizeof u2, "%s per %s", unit, !strcmp(un, "households") ? "household" : "person");
            if ((rc = am_result_add(r, "cost_per_unit", u2, kk, f))) goto done;
            am_result_amounts(r, AM_AMOUNT(ARMOEDE_FIELD_NUM_W));
        }
    }
done:
    spend_free(&s);
    mcells_free(&C);
    mcells_free(&S);
    pmap_free(&m);
    recs_free(&R);
    free(ta.v);
    return finish(rc, r, out);
}

int armoede_funding(const armoede_table *t, const armoede_process_options *opts, armoede_result **out)
{
    static const char fn[] = "armoede_funding";
    armoede_process_options o;
    int rc = begin(fn, t, "table", opts, &o, out);
    if (rc) return rc;
    const char *unit = o.money_unit ? o.money_unit : "euro";
    const am_col *cs, *cy, *ca;
    if ((rc = need_col(t, "source", K_KEY, fn, &cs)) || (rc = need_col(t, "year", K_INT, fn, &cy)) ||
        (rc = need_col(t, "amount", K_NUM, fn, &ca)))
        return rc;
    static const char *const keys[] = {"year", "source"};
    armoede_result *r = keyed_result(keys, 2);
    if (!r) return ARMOEDE_ENOMEM;
    int ymin = INT32_MAX, ymax = INT32_MIN;
    size_t npm = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        int64_t y = am_ival(cy, i);
        if (y == ARMOEDE_NA_INT) { rc = row_fail(t, i, cy, "a funding row needs a year"); goto done; }
        if (y < 1900 || y > 9999) { rc = row_fail(t, i, cy, "a year outside 1900..9999"); goto done; }
        if (!am_col_label(cs, i, (char[64]){0}, 64)) { rc = row_fail(t, i, cs, "a funding row needs a source"); goto done; }
        if (isnan(am_num(ca, i))) { npm++; continue; }
        ymin = y < ymin ? (int)y : ymin;
        ymax = y > ymax ? (int)y : ymax;
    }
    if (npm && (rc = am_result_note(r, "%s: %zu amounts missing (e.g. 'pm': not yet known) left out", fn, npm))) goto done;
    double prev = NAN;
    for (int y = ymin; y <= ymax; y++) {
        char yl[16];
        snprintf(yl, sizeof yl, "%d", y);
        double tot = 0;
        int any = 0;
        /* sources in order of first appearance */
        am_dict seen;
        memset(&seen, 0, sizeof seen);
        double *sums = calloc(t->nrows + 1, sizeof *sums);
        if (!sums) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
        for (size_t i = 0; i < t->nrows && !rc; i++) {
            char b[64];
            if (am_ival(cy, i) != y || isnan(am_num(ca, i))) continue;
            const char *sl = am_col_label(cs, i, b, sizeof b);
            int32_t k = am_dict_intern(&seen, sl, strlen(sl));
            if (k < 0) { rc = ARMOEDE_ENOMEM; break; }
            sums[k] += am_num(ca, i);
        }
        for (size_t k = 0; k < seen.n && !rc; k++) {
            const char *kk[2] = {yl, seen.labels[k]};
            double f[ARMOEDE_FIELD_COUNT_];
            am_fields_nan(f);
            f[ARMOEDE_FIELD_ESTIMATE] = f[ARMOEDE_FIELD_NUM_W] = sums[k];
            rc = am_result_add(r, "funding", unit, kk, f);
            if (!rc) am_result_amounts(r, AM_AMOUNT(ARMOEDE_FIELD_NUM_W));
            tot += sums[k];
            any = 1;
        }
        free(sums);
        am_dict_free(&seen);
        if (rc) goto done;
        if (!any) continue;
        const char *kk[2] = {yl, AM_TOTAL_LABEL};
        double f[ARMOEDE_FIELD_COUNT_];
        am_fields_nan(f);
        f[ARMOEDE_FIELD_ESTIMATE] = f[ARMOEDE_FIELD_NUM_W] = tot;
        if ((rc = am_result_add(r, "funding", unit, kk, f))) goto done;
        am_result_amounts(r, AM_AMOUNT(ARMOEDE_FIELD_NUM_W));
        if (!isnan(prev)) {
            am_fields_nan(f);
            f[ARMOEDE_FIELD_ESTIMATE] = tot - prev;
            f[ARMOEDE_FIELD_NUM_W] = tot;
            f[ARMOEDE_FIELD_REFERENCE] = prev;
            if ((rc = am_result_add(r, "funding_change", unit, kk, f))) goto done;
            am_result_amounts(r, AM_AMOUNT(ARMOEDE_FIELD_NUM_W));
        }
        prev = tot;
    }
done:
    return finish(rc, r, out);
}

int armoede_milestones(const armoede_table *t, const armoede_process_options *opts, armoede_result **out)
{
    static const char fn[] = "armoede_milestones";
    armoede_process_options o;
    int rc = begin(fn, t, "table", opts, &o, out);
    if (rc) return rc;
    const am_col *cl, *cp, *ca = NULL;
    if ((rc = need_col(t, "line", K_KEY, fn, &cl)) || (rc = need_col(t, "planned", K_DATE, fn, &cp))) return rc;
    if (am_table_find(t, "actual") >= 0 && (rc = need_col(t, "actual", K_DATE, fn, &ca))) return rc;
    int64_t ref = o.reference_day;
    if (ref == ARMOEDE_NO_DATE) {
        if (!ca) return am_fail(ARMOEDE_EINVAL, "%s: give a reference day (there is no actual column)", fn);
        const am_col *c1[1] = {ca};
        ref = latest(c1, 1, t->nrows);
        if (ref == ARMOEDE_NA_INT) return am_fail(ARMOEDE_EINVAL, "%s: give a reference day (no actual dates)", fn);
    }
    static const char *const keys[] = {"line"};
    armoede_result *r = keyed_result(keys, 1);
    if (!r) return ARMOEDE_ENOMEM;
    am_dict lines;
    memset(&lines, 0, sizeof lines);
    double *num = calloc(t->nrows + 2, sizeof *num), *den = calloc(t->nrows + 2, sizeof *den);
    if (!num || !den) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
    double tn = 0, td = 0;
    size_t nomiss = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        char b[64];
        const char *ln = am_col_label(cl, i, b, sizeof b);
        int64_t p = am_ival(cp, i), a = ca ? am_ival(ca, i) : ARMOEDE_NA_INT;
        if (!ln || p == ARMOEDE_NA_INT) { nomiss++; continue; }
        if (a != ARMOEDE_NA_INT && a > ref) a = ARMOEDE_NA_INT; /* not done yet on the reference day */
        int ok = a != ARMOEDE_NA_INT ? a <= p : p >= ref;
        int32_t k = am_dict_intern(&lines, ln, strlen(ln));
        if (k < 0) { rc = ARMOEDE_ENOMEM; goto done; }
        num[k] += ok;
        den[k] += 1;
        tn += ok;
        td += 1;
    }
    char rl[16];
    day_label(ref, rl, sizeof rl);
    if ((rc = am_result_note(r, "%s: judged on %s", fn, rl))) goto done;
    if (nomiss && (rc = am_result_note(r, "%s: %zu milestones without line or planned date left out", fn, nomiss)))
        goto done;
    for (size_t k = 0; k <= lines.n && td > 0; k++) {
        const char *kk[1] = {k < lines.n ? lines.labels[k] : AM_TOTAL_LABEL};
        double n1 = k < lines.n ? num[k] : tn, d1 = k < lines.n ? den[k] : td;
        double f[ARMOEDE_FIELD_COUNT_];
        am_fields_nan(f);
        f[ARMOEDE_FIELD_ESTIMATE] = n1 / d1;
        f[ARMOEDE_FIELD_NUM_W] = n1;
        f[ARMOEDE_FIELD_DEN_W] = d1;
        if ((rc = am_result_add(r, "milestones_on_schedule", "milestones", kk, f))) goto done;
    }
done:
    free(num);
    free(den);
    am_dict_free(&lines);
    return finish(rc, r, out);
}

int armoede_ratings(const armoede_table *ratings, const armoede_table *t, const armoede_process_options *opts,
                    armoede_result **out)
{
    static const char fn[] = "armoede_ratings";
    armoede_process_options o;
    int rc = begin(fn, ratings, "ratings table", opts, &o, out);
    if (rc) return rc;
    if (!o.mapping) return am_fail(ARMOEDE_EINVAL, "%s: the programme mapping is needed", fn);
    const am_col *ci, *cg, *cs;
    if ((rc = need_col(ratings, "intervention", K_KEY, fn, &ci)) || (rc = need_col(ratings, "goal", K_KEY, fn, &cg)) ||
        (rc = need_col(ratings, "score", K_INT, fn, &cs)))
        return rc;
    pmap m;
    spend s;
    memset(&s, 0, sizeof s);
    static const char *const keys[] = {"year", "line", "goal"};
    armoede_result *r = keyed_result(keys, 3);
    double *sum = NULL, *cnt = NULL, *mn = NULL, *mx = NULL, *spent = NULL;
    am_dict years;
    memset(&years, 0, sizeof years);
    if (!r) { rc = ARMOEDE_ENOMEM; memset(&m, 0, sizeof m); goto done; }
    if ((rc = pmap_load(o.mapping, &m, fn))) goto done;
    size_t nl = m.lines.n + 1, ng = m.goals.n; /* line index nl-1 = Total */
    sum = calloc(nl * ng + 1, sizeof *sum);
    cnt = calloc(nl * ng + 1, sizeof *cnt);
    mn = malloc((nl * ng + 1) * sizeof *mn);
    mx = malloc((nl * ng + 1) * sizeof *mx);
    if (!sum || !cnt || !mn || !mx) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
    for (size_t k = 0; k < nl * ng; k++) { mn[k] = INFINITY; mx[k] = -INFINITY; }
    size_t unmapped = 0, first_un = 0, nmiss = 0;
    for (size_t i = 0; i < ratings->nrows; i++) {
        char b1[64], b2[64];
        const char *iv = am_col_label(ci, i, b1, sizeof b1), *gl = am_col_label(cg, i, b2, sizeof b2);
        int64_t sc = am_ival(cs, i);
        if (!iv || !gl || sc == ARMOEDE_NA_INT) { nmiss++; continue; }
        int32_t mk = am_dict_find(&m.iv, iv, strlen(iv)), gk = am_dict_find(&m.goals, gl, strlen(gl));
        if (mk < 0 || gk < 0) {
            if (o.strict) {
                rc = row_fail(ratings, i, mk < 0 ? ci : cg, mk < 0 ? "an intervention that is not in the programme mapping"
                                                                   : "an operational goal that is not in the programme mapping");
                goto done;
            }
            if (!unmapped) first_un = i;
            unmapped++;
            continue;
        }
        size_t at[2] = {(size_t)m.line[mk] * ng + (size_t)gk, (nl - 1) * ng + (size_t)gk};
        for (int q = 0; q < 2; q++) {
            sum[at[q]] += (double)sc;
            cnt[at[q]] += 1;
            if (sc < mn[at[q]]) mn[at[q]] = (double)sc;
            if (sc > mx[at[q]]) mx[at[q]] = (double)sc;
        }
    }
    if (unmapped) {
        char w[512];
        if ((rc = am_result_note(r, "%s: %zu ratings of an intervention or goal not in the mapping left out (first: %s)",
                                 fn, unmapped, am_table_where(ratings, first_un, w, sizeof w))))
            goto done;
    }
    if (nmiss && (rc = am_result_note(r, "%s: %zu ratings without intervention, goal or score left out", fn, nmiss)))
        goto done;
    for (size_t l = 0; l < nl; l++)
        for (size_t g = 0; g < ng; g++) {
            size_t at = l * ng + g;
            if (!cnt[at]) continue;
            const char *kk[3] = {NULL, l + 1 < nl ? m.lines.labels[l] : AM_TOTAL_LABEL, m.goals.labels[g]};
            double f[ARMOEDE_FIELD_COUNT_];
            am_fields_nan(f);
            f[ARMOEDE_FIELD_ESTIMATE] = sum[at] / cnt[at];
            f[ARMOEDE_FIELD_NUM_W] = sum[at];
            f[ARMOEDE_FIELD_DEN_W] = cnt[at];
            if ((rc = am_result_add(r, "rating_mean", "score", kk, f))) goto done;
            am_result_amounts(r, AM_AMOUNT(ARMOEDE_FIELD_NUM_W)); /* the sum of the scores */
            am_fields_nan(f);
            f[ARMOEDE_FIELD_DEN_W] = cnt[at];
            f[ARMOEDE_FIELD_ESTIMATE] = mn[at];
            if ((rc = am_result_add(r, "rating_min", "score", kk, f))) goto done;
            f[ARMOEDE_FIELD_ESTIMATE] = mx[at];
            if ((rc = am_result_add(r, "rating_max", "score", kk, f))) goto done;
        }
    if (t) {
        if (m.acts.n == 0) {
            rc = am_result_note(r, "%s: the mapping has no activity column: no money per goal", fn);
            goto done;
        }
        if ((rc = spend_load(t, &o, &s, r, fn, 1))) goto done;
        /* per activity: its interventions; per intervention: its goals */
        size_t na = m.acts.n, ni = m.iv.n;
        double *niv = calloc(na + 1, sizeof *niv), *ngl = calloc(ni + 1, sizeof *ngl);
        if (!niv || !ngl) { free(niv); free(ngl); rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
        for (size_t k = 0; k < ni; k++)
            if (m.act[k] >= 0) niv[m.act[k]] += 1;
        for (size_t p = 0; p < m.npg; p++) ngl[m.pg_iv[p]] += 1;
        int ymin = INT32_MAX, ymax = INT32_MIN;
        for (size_t i = 0; i < s.n; i++) {
            ymin = s.year[i] < ymin ? s.year[i] : ymin;
            ymax = s.year[i] > ymax ? s.year[i] : ymax;
        }
        size_t ny = ymax >= ymin ? (size_t)(ymax - ymin + 1) : 0, w = ng + 1; /* goal ng = unallocated */
        spent = calloc(ny * w + 1, sizeof *spent);
        if (!spent) { free(niv); free(ngl); rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
        for (size_t i = 0; i < s.n; i++) {
            double *row = spent + (size_t)(s.year[i] - ymin) * w;
            int32_t a = am_dict_find(&m.acts, s.act[i], strlen(s.act[i]));
            if (a < 0 || niv[a] == 0) { row[ng] += s.amt[i]; continue; }
            double per_iv = s.amt[i] / niv[a];
            for (size_t k = 0; k < ni; k++) {
                if (m.act[k] != a) continue;
                if (ngl[k] == 0) { row[ng] += per_iv; continue; }
                for (size_t p = 0; p < m.npg; p++)
                    if (m.pg_iv[p] == (int32_t)k) row[m.pg_goal[p]] += per_iv / ngl[k];
            }
        }
        free(niv);
        free(ngl);
        const char *unit = o.money_unit ? o.money_unit : "euro";
        for (size_t y = 0; y < ny && !rc; y++)
            for (size_t g = 0; g <= ng && !rc; g++) {
                double v = spent[y * w + g];
                if (g == ng && v == 0) continue;
                char yl[16];
                snprintf(yl, sizeof yl, "%d", ymin + (int)y);
                const char *kk[3] = {yl, NULL, g < ng ? m.goals.labels[g] : "unallocated"};
                double f[ARMOEDE_FIELD_COUNT_];
                am_fields_nan(f);
                f[ARMOEDE_FIELD_ESTIMATE] = f[ARMOEDE_FIELD_NUM_W] = v;
                rc = am_result_add(r, "spent_per_goal", unit, kk, f);
                if (!rc) am_result_amounts(r, AM_AMOUNT(ARMOEDE_FIELD_NUM_W));
            }
        if (!rc)
            rc = am_result_note(r, "%s: money per goal: each activity's spending split equally over its "
                                   "interventions, and each intervention's share equally over its goals", fn);
    }
done:
    pmap_free(&m);
    spend_free(&s);
    am_dict_free(&years);
    free(sum);
    free(cnt);
    free(mn);
    free(mx);
    free(spent);
    return finish(rc, r, out);
}
