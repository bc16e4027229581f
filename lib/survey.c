/* Survey estimation: weighted shares over a stratified cluster design with
 * Taylor-linearised standard errors, confidence intervals for proportions,
 * differences between domains and between independent samples.
 * The definitions are in include/armoede_survey.h and docs/survey.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <gsl/gsl_cdf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BY 16
#define MAX_GROUPS ((size_t)1 << 24)
#define FPC_CENSUS 1e-7 /* R survey: a stratum with f_h below this has no variance */

static const char *const ci_names[ARMOEDE_CI_METHOD_COUNT_] = {
    "logit", "wald", "asin", "wilson", "clopper_pearson", "korn_graubard"};
static const char *const lonely_names[5] = {"fail", "remove", "adjust", "average", "certainty"};

const char *armoede_ci_method_name(int method)
{
    return method >= 0 && method < ARMOEDE_CI_METHOD_COUNT_ ? ci_names[method] : NULL;
}
int armoede_ci_method_from_name(const char *name)
{
    if (name)
        for (int k = 0; k < ARMOEDE_CI_METHOD_COUNT_; k++)
            if (strcmp(name, ci_names[k]) == 0) return k;
    return am_fail(ARMOEDE_ENOTFOUND, "unknown interval method '%s' (logit, wald, asin, wilson, clopper_pearson, korn_graubard)",
                   name ? name : "(null)");
}
const char *armoede_lonely_psu_name(int rule)
{
    return rule >= 0 && rule < 5 ? lonely_names[rule] : NULL;
}
int armoede_lonely_psu_from_name(const char *name)
{
    if (name)
        for (int k = 0; k < 5; k++)
            if (strcmp(name, lonely_names[k]) == 0) return k;
    return am_fail(ARMOEDE_ENOTFOUND, "unknown lonely-PSU rule '%s' (fail, remove, adjust, average, certainty)",
                   name ? name : "(null)");
}

void armoede_survey_options_init(armoede_survey_options *opts)
{
    if (!opts) return;
    armoede_survey_options d = ARMOEDE_SURVEY_OPTIONS_INIT;
    *opts = d;
}

/* ------------------------------------------------------------------ */
/* Why a row is not in any analysis set (reported in the notes). */
enum { SK_ZERO_WEIGHT, SK_ANSWER_MISSING, SK_ANSWER_EXCLUDED, SK_FILTER_MISSING, SK_OUT_OF_DOMAIN, SK_KEY, SK_COUNT_ };
static const char *const skip_text[SK_COUNT_] = {
    "zero weight (kept in the design, out of every estimate)",
    "answer missing (not in the denominator)",
    "answer in the exclude list, e.g. don't know (not in the denominator)",
    "domain column missing (not in the domain)",
    "outside the domain",
    "a breakdown key missing (not in any cell)"};

typedef struct {
    const armoede_table *t;
    armoede_survey_options o;
    const char *fn;
    size_t n;
    /* design */
    double *w;            /* weight per row (1 without a weight column) */
    uint32_t *psu;        /* PSU index per row */
    uint32_t *psu_str;    /* stratum index per PSU */
    size_t npsu, nstr;
    uint32_t *nh;         /* PSUs per stratum */
    double *fh;           /* f_h per stratum */
    uint8_t *lonely;      /* per stratum: n_h == 1 and f_h >= FPC_CENSUS */
    size_t nlonely;
    /* item */
    int8_t *ans;          /* per row: -1 not in analysis, 0 no, 1 yes */
    size_t skips[SK_COUNT_];
    size_t n_unseen;      /* categories never seen */
    char unseen[256];
    /* breakdowns */
    size_t nby;
    int by_col[MAX_BY];
    int is_margin[MAX_BY];
    size_t nlev[MAX_BY];
    int32_t *code[MAX_BY]; /* level per row, -1 missing */
    char **labels[MAX_BY];
    /* scratch for the variance */
    double *pa, *pb;       /* per PSU and slot: sum w y, sum w ([psu*2 + slot]) */
    uint32_t *pstamp, *sstamp;
    uint32_t *touched, ntouched;
    uint32_t *strl;        /* touched strata */
    long double *s1, *acc; /* extended precision: sums over many PSUs */
    uint32_t *scnt;
    uint32_t stamp;
    double *zbuf;
} sv;

static void sv_free(sv *p)
{
    free(p->w); free(p->psu); free(p->psu_str); free(p->nh); free(p->fh); free(p->lonely);
    free(p->ans);
    for (size_t d = 0; d < p->nby; d++) {
        free(p->code[d]);
        if (p->labels[d])
            for (size_t k = 0; k < p->nlev[d]; k++) free(p->labels[d][k]);
        free(p->labels[d]);
    }
    free(p->pa); free(p->pb); free(p->pstamp); free(p->sstamp); free(p->touched); free(p->strl);
    free(p->s1); free(p->acc); free(p->scnt); free(p->zbuf);
}

static int find_col(const sv *p, const char *name, const char *what, int *j)
{
    *j = am_table_find(p->t, name);
    if (*j < 0) return am_fail(ARMOEDE_ENOTFOUND, "%s: %s column '%s' is not in the table", p->fn, what, name);
    return 0;
}

static int is_key_type(const am_col *c) { return c->type == ARMOEDE_TYPE_CAT || c->type == ARMOEDE_TYPE_INT; }

/* Label of a row's value in a CAT or INT column (NULL when missing). */
static const char *label_of(const am_col *c, size_t i, char *buf, size_t n) { return am_col_label(c, i, buf, n); }

static int bad_row(const sv *p, size_t i, const char *col, const char *what)
{
    char where[512];
    return am_fail(ARMOEDE_EDATA, "%s: %s, column '%s': %s", p->fn, am_table_where(p->t, i, where, sizeof where), col, what);
}

/* ---- design ---- */
/* An open-addressing map from (stratum key, cluster key) to an index. */
typedef struct {
    int64_t *ks, *kc;
    uint32_t *v; /* index + 1; 0 = empty */
    size_t mask;
} pmap;

static int pmap_init(pmap *m, size_t cap)
{
    m->mask = cap - 1;
    m->ks = malloc(cap * sizeof *m->ks);
    m->kc = malloc(cap * sizeof *m->kc);
    m->v = calloc(cap, sizeof *m->v);
    if (!m->ks || !m->kc || !m->v) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    return 0;
}
static void pmap_free(pmap *m) { free(m->ks); free(m->kc); free(m->v); }

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27; x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static inline size_t pmap_slot(const pmap *m, int64_t s, int64_t c)
{
    size_t h = (size_t)mix64((uint64_t)s * 0x9e3779b97f4a7c15ull ^ (uint64_t)c) & m->mask;
    while (m->v[h] && !(m->ks[h] == s && m->kc[h] == c)) h = (h + 1) & m->mask;
    return h;
}

/* Double the capacity (the map starts small so that it stays in cache). */
static int pmap_grow(pmap *m)
{
    pmap n;
    memset(&n, 0, sizeof n);
    int rc = pmap_init(&n, 2 * (m->mask + 1));
    if (rc) { pmap_free(&n); return rc; }
    for (size_t h = 0; h <= m->mask; h++)
        if (m->v[h]) {
            size_t k = pmap_slot(&n, m->ks[h], m->kc[h]);
            n.ks[k] = m->ks[h];
            n.kc[k] = m->kc[h];
            n.v[k] = m->v[h];
        }
    pmap_free(m);
    *m = n;
    return 0;
}

/* The index of (s, c); a new one (*next) when absent (*fresh = 1). */
static inline int pmap_get(pmap *m, int64_t s, int64_t c, uint32_t *next, int *fresh, uint32_t *out)
{
    size_t h = pmap_slot(m, s, c);
    if (m->v[h]) { *fresh = 0; *out = m->v[h] - 1; return 0; }
    if (2 * ((size_t)*next + 1) > m->mask + 1) {
        int rc = pmap_grow(m);
        if (rc) return rc;
        h = pmap_slot(m, s, c);
    }
    m->ks[h] = s;
    m->kc[h] = c;
    m->v[h] = ++*next;
    *fresh = 1;
    *out = m->v[h] - 1;
    return 0;
}

static int setup_design(sv *p)
{
    const armoede_table *t = p->t;
    size_t n = p->n;
    int rc, jw = -1, js = -1, jc = -1, jf = -1;
    const char *wname = p->o.weight;
    if (!wname && t->role[ARMOEDE_ROLE_WEIGHT] >= 0) wname = t->cols[t->role[ARMOEDE_ROLE_WEIGHT]].name;
    if (wname && (rc = find_col(p, wname, "weight", &jw))) return rc;
    if (p->o.stratum && (rc = find_col(p, p->o.stratum, "stratum", &js))) return rc;
    if (p->o.cluster && (rc = find_col(p, p->o.cluster, "cluster", &jc))) return rc;
    if (p->o.fpc && (rc = find_col(p, p->o.fpc, "fpc", &jf))) return rc;
    if (jw >= 0 && t->cols[jw].type != ARMOEDE_TYPE_REAL && t->cols[jw].type != ARMOEDE_TYPE_INT)
        return am_fail(ARMOEDE_ETYPE, "%s: weight column '%s' is not numeric", p->fn, wname);
    if (jf >= 0 && t->cols[jf].type != ARMOEDE_TYPE_REAL && t->cols[jf].type != ARMOEDE_TYPE_INT)
        return am_fail(ARMOEDE_ETYPE, "%s: fpc column '%s' is not numeric", p->fn, p->o.fpc);
    if (js >= 0 && !is_key_type(&t->cols[js]))
        return am_fail(ARMOEDE_ETYPE, "%s: stratum column '%s' must be categorical or integer", p->fn, p->o.stratum);
    if (jc >= 0 && !is_key_type(&t->cols[jc]))
        return am_fail(ARMOEDE_ETYPE, "%s: cluster column '%s' must be categorical or integer", p->fn, p->o.cluster);
    p->w = malloc((n ? n : 1) * sizeof *p->w);
    p->psu = malloc((n ? n : 1) * sizeof *p->psu);
    p->psu_str = malloc((n ? n : 1) * sizeof *p->psu_str);
    p->nh = calloc(n ? n : 1, sizeof *p->nh);
    p->fh = malloc((n ? n : 1) * sizeof *p->fh);
    p->lonely = calloc(n ? n : 1, sizeof *p->lonely);
    uint32_t *first = malloc((n ? n : 1) * sizeof *first); /* the first row of each stratum */
    pmap mp, ms;
    memset(&mp, 0, sizeof mp);
    memset(&ms, 0, sizeof ms);
    if (!p->w || !p->psu || !p->psu_str || !p->nh || !p->fh || !p->lonely || !first) {
        free(first);
        return am_fail(ARMOEDE_ENOMEM, "out of memory");
    }
    if ((rc = pmap_init(&mp, 1024)) || (rc = pmap_init(&ms, 64))) goto done;
    /* strata and PSUs in order of first appearance */
    char buf[160];
    uint32_t nstr = 0, npsu = 0;
    for (size_t i = 0; i < n; i++) {
        double w = 1;
        if (jw >= 0) {
            w = am_num(&t->cols[jw], i);
            if (isnan(w)) { rc = bad_row(p, i, wname, "the weight is missing"); goto done; }
            if (!(w >= 0) || isinf(w)) {
                snprintf(buf, sizeof buf, "weight %g is not a finite number >= 0", w);
                rc = bad_row(p, i, wname, buf);
                goto done;
            }
        }
        p->w[i] = w;
        int64_t sk = js >= 0 ? am_key(&t->cols[js], i) : 0;
        int64_t ck = jc >= 0 ? am_key(&t->cols[jc], i) : (int64_t)i;
        if (sk == ARMOEDE_NA_INT) { rc = bad_row(p, i, p->o.stratum, "the stratum is missing"); goto done; }
        if (ck == ARMOEDE_NA_INT) { rc = bad_row(p, i, p->o.cluster, "the cluster is missing"); goto done; }
        int fresh;
        uint32_t h, j;
        if ((rc = pmap_get(&ms, sk, 0, &nstr, &fresh, &h))) goto done;
        if (fresh) first[h] = (uint32_t)i;
        if ((rc = pmap_get(&mp, sk, ck, &npsu, &fresh, &j))) goto done;
        if (fresh) { p->psu_str[j] = h; p->nh[h]++; }
        p->psu[i] = j;
    }
    p->nstr = nstr;
    p->npsu = npsu;
    size_t h;
    /* fpc: constant within a stratum; all >= 1 (population PSUs) or all in (0, 1] */
    for (h = 0; h < nstr; h++) p->fh[h] = 1;
    if (jf >= 0) {
        const am_col *c = &t->cols[jf];
        int popsize = 0;
        for (size_t i = 0; i < n; i++) if (am_num(c, i) > 1) popsize = 1;
        double *val = malloc((nstr ? nstr : 1) * sizeof *val);
        if (!val) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
        for (h = 0; h < nstr; h++) val[h] = NAN;
        for (size_t i = 0; i < n && !rc; i++) {
            size_t hh = p->psu_str[p->psu[i]];
            double v = am_num(c, i);
            if (isnan(v)) rc = bad_row(p, i, p->o.fpc, "the fpc is missing");
            else if (!(v > 0) || isinf(v) || (popsize && v < 1)) {
                snprintf(buf, sizeof buf, "fpc %g: %s", v, popsize ? "population sizes (> 1 elsewhere) must all be >= 1"
                                                                : "a sampling fraction must be in (0, 1]");
                rc = bad_row(p, i, p->o.fpc, buf);
            } else if (isnan(val[hh])) val[hh] = v;
            else if (val[hh] != v) {
                snprintf(buf, sizeof buf, "fpc %g differs from %g on another row of the same stratum", v, val[hh]);
                rc = bad_row(p, i, p->o.fpc, buf);
            }
        }
        for (h = 0; h < nstr && !rc; h++) {
            double N = popsize ? val[h] : p->nh[h] / val[h];
            if (N < p->nh[h]) {
                snprintf(buf, sizeof buf, "fpc %g implies more than 100%% sampling (%u PSUs in the sample)", val[h], p->nh[h]);
                rc = bad_row(p, first[h], p->o.fpc, buf);
            } else p->fh[h] = (N - p->nh[h]) / N;
        }
        free(val);
        if (rc) goto done;
    }
    for (h = 0; h < nstr; h++) {
        if (p->nh[h] == 1 && !(p->fh[h] < FPC_CENSUS)) {
            p->lonely[h] = 1;
            p->nlonely++;
            if (p->o.lonely_psu == ARMOEDE_LONELY_FAIL) {
                char lab[64], where[512];
                const char *s = js >= 0 ? label_of(&t->cols[js], first[h], lab, sizeof lab) : "(all)";
                rc = am_fail(ARMOEDE_EDATA,
                             "%s: stratum '%s' (%s, column '%s') has only one PSU: its variance cannot be estimated; "
                             "choose a lonely_psu rule (remove, adjust, average, certainty)",
                             p->fn, s ? s : "?", am_table_where(t, first[h], where, sizeof where),
                             p->o.stratum ? p->o.stratum : "");
                goto done;
            }
        }
    }
    /* scratch */
    p->pa = calloc(2 * (npsu ? npsu : 1), sizeof *p->pa);
    p->pb = calloc(2 * (npsu ? npsu : 1), sizeof *p->pb);
    p->pstamp = calloc(npsu ? npsu : 1, sizeof *p->pstamp);
    p->touched = malloc((npsu ? npsu : 1) * sizeof *p->touched);
    p->zbuf = malloc((npsu ? npsu : 1) * sizeof *p->zbuf);
    p->sstamp = calloc(nstr ? nstr : 1, sizeof *p->sstamp);
    p->strl = malloc((nstr ? nstr : 1) * sizeof *p->strl);
    p->s1 = malloc((nstr ? nstr : 1) * sizeof *p->s1);
    p->acc = malloc((nstr ? nstr : 1) * sizeof *p->acc);
    p->scnt = malloc((nstr ? nstr : 1) * sizeof *p->scnt);
    if (!p->pa || !p->pb || !p->pstamp || !p->touched || !p->zbuf || !p->sstamp || !p->strl || !p->s1 ||
        !p->acc || !p->scnt)
        rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
done:
    free(first);
    pmap_free(&mp);
    pmap_free(&ms);
    return rc;
}

/* ---- the item, the domain and the breakdowns ---- */
static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t k = 0; k < n; k++) if (strcmp(s, list[k]) == 0) return 1;
    return 0;
}

/* Which entry of a list of labels row i of a CAT or INT column has: per
 * dictionary code for CAT, by value for INT (a list entry matches an INT
 * value when it is that value's decimal label). */
typedef struct {
    const am_col *c;
    size_t n;
    int32_t *code_idx; /* CAT: list index per code, -1 none */
    int64_t *ival;     /* INT: the entries' values */
    uint8_t *iok;      /* INT: entry k is an integer label */
} lmatch;

static void lm_free(lmatch *m)
{
    free(m->code_idx);
    free(m->ival);
    free(m->iok);
}

static int lm_init(lmatch *m, const am_col *c, const char *const *list, size_t n)
{
    memset(m, 0, sizeof *m);
    m->c = c;
    m->n = n;
    if (c->type == ARMOEDE_TYPE_CAT) {
        m->code_idx = malloc((c->dict.n ? c->dict.n : 1) * sizeof *m->code_idx);
        if (!m->code_idx) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        for (size_t k = 0; k < c->dict.n; k++) {
            m->code_idx[k] = -1;
            for (size_t q = 0; q < n; q++)
                if (strcmp(c->dict.labels[k], list[q]) == 0) { m->code_idx[k] = (int32_t)q; break; }
        }
        return 0;
    }
    m->ival = malloc((n ? n : 1) * sizeof *m->ival);
    m->iok = calloc(n ? n : 1, 1);
    if (!m->ival || !m->iok) { lm_free(m); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    for (size_t q = 0; q < n; q++) {
        char *e;
        errno = 0;
        long long v = strtoll(list[q], &e, 10);
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", v);
        if (errno == 0 && *e == '\0' && strcmp(buf, list[q]) == 0) { m->ival[q] = v; m->iok[q] = 1; }
    }
    return 0;
}

/* Index of row i's label in the list, -1 if none, -2 if missing. */
static inline int lm_at(const lmatch *m, size_t i)
{
    if (m->code_idx) {
        int32_t code = m->c->v.c[i];
        return code < 0 ? -2 : m->code_idx[code];
    }
    int64_t x = am_ival(m->c, i);
    if (x == ARMOEDE_NA_INT) return -2;
    for (size_t q = 0; q < m->n; q++)
        if (m->iok[q] && m->ival[q] == x) return (int)q;
    return -1;
}

/* The answer per row (-1: not in any analysis set, 0 no, 1 yes) and the
 * counts of the rules that left rows out. */
static int setup_item(sv *p)
{
    const armoede_table *t = p->t;
    int rc, ji, jd = -1;
    if ((rc = find_col(p, p->o.item, "item", &ji))) return rc;
    const am_col *c = &t->cols[ji];
    if (!is_key_type(c) || c->date)
        return am_fail(ARMOEDE_ETYPE, "%s: item column '%s' must be categorical or integer codes", p->fn, p->o.item);
    if (p->o.filter) {
        if ((rc = find_col(p, p->o.filter, "domain", &jd))) return rc;
        if (!is_key_type(&t->cols[jd]))
            return am_fail(ARMOEDE_ETYPE, "%s: domain column '%s' must be categorical or integer", p->fn, p->o.filter);
    }
    size_t n = p->n;
    p->ans = malloc((n ? n : 1) * sizeof *p->ans);
    uint8_t *seen = calloc(p->o.n_categories, 1);
    lmatch mc, mx, md;
    memset(&mx, 0, sizeof mx);
    memset(&md, 0, sizeof md);
    if (!p->ans || !seen) { free(seen); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    if ((rc = lm_init(&mc, c, p->o.categories, p->o.n_categories))) { free(seen); return rc; }
    if ((rc = lm_init(&mx, c, p->o.exclude, p->o.n_exclude)) ||
        (jd >= 0 && (rc = lm_init(&md, &t->cols[jd], p->o.filter_levels, p->o.n_filter_levels)))) {
        lm_free(&mc); lm_free(&mx); free(seen);
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        int k = lm_at(&mc, i), v;
        if (k >= 0) seen[k] = 1;
        if (p->w[i] == 0) { v = -1; p->skips[SK_ZERO_WEIGHT]++; }
        else if (k == -2) { v = -1; p->skips[SK_ANSWER_MISSING]++; }
        else if (k < 0 && lm_at(&mx, i) >= 0) { v = -1; p->skips[SK_ANSWER_EXCLUDED]++; }
        else {
            v = k >= 0;
            if (jd >= 0) {
                int in = lm_at(&md, i);
                if (in == -2) { v = -1; p->skips[SK_FILTER_MISSING]++; }
                else if (in < 0) { v = -1; p->skips[SK_OUT_OF_DOMAIN]++; }
            }
        }
        p->ans[i] = (int8_t)v;
    }
    size_t off = 0;
    for (size_t k = 0; k < p->o.n_categories; k++)
        if (!seen[k]) {
            p->n_unseen++;
            int m = snprintf(p->unseen + off, sizeof p->unseen - off, "%s'%s'", off ? ", " : "", p->o.categories[k]);
            if (m > 0 && off + (size_t)m < sizeof p->unseen) off += (size_t)m;
        }
    free(seen);
    lm_free(&mc);
    lm_free(&mx);
    lm_free(&md);
    return 0;
}

static int cmp_label(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Levels of breakdown d: CAT labels sorted by strcmp, INT values ascending. */
static int setup_dim(sv *p, size_t d)
{
    const am_col *c = &p->t->cols[p->by_col[d]];
    size_t n = p->n;
    int32_t *code = malloc((n ? n : 1) * sizeof *code);
    if (!code) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    p->code[d] = code;
    if (c->type == ARMOEDE_TYPE_CAT) {
        size_t m = c->dict.n;
        char **lab = calloc(m ? m : 1, sizeof *lab);
        int32_t *rank = malloc((m ? m : 1) * sizeof *rank);
        if (!lab || !rank) { free(lab); free(rank); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
        p->labels[d] = lab;
        for (size_t k = 0; k < m; k++)
            if (!(lab[k] = am_strdup(c->dict.labels[k]))) { free(rank); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
        p->nlev[d] = m;
        qsort(lab, m, sizeof *lab, cmp_label);
        for (size_t k = 0; k < m; k++) {
            if (p->is_margin[d] && strcmp(lab[k], AM_TOTAL_LABEL) == 0) {
                free(rank);
                return am_fail(ARMOEDE_EDATA, "%s: column '%s' has a level '%s', which is the label of margins", p->fn,
                               c->name, AM_TOTAL_LABEL);
            }
            rank[am_dict_find(&c->dict, lab[k], strlen(lab[k]))] = (int32_t)k;
        }
        for (size_t i = 0; i < n; i++) code[i] = c->v.c[i] < 0 ? -1 : rank[c->v.c[i]];
        free(rank);
        return 0;
    }
    int64_t *v;
    size_t u;
    int rc = am_int_levels(c, n, &v, &u);
    if (rc) return rc;
    char **lab = calloc(u ? u : 1, sizeof *lab);
    if (!lab) { free(v); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    p->labels[d] = lab;
    p->nlev[d] = u;
    char buf[32];
    for (size_t k = 0; k < u; k++) {
        snprintf(buf, sizeof buf, "%" PRId64, v[k]);
        if (!(lab[k] = am_strdup(buf))) { free(v); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    }
    for (size_t i = 0; i < n; i++) {
        int64_t x = am_ival(c, i);
        if (x == ARMOEDE_NA_INT) { code[i] = -1; continue; }
        size_t a = 0, b = u;
        while (a < b) { size_t mid = (a + b) / 2; if (v[mid] < x) a = mid + 1; else b = mid; }
        code[i] = (int32_t)a;
    }
    free(v);
    return 0;
}

/* Validate the options, read the design, the item and the breakdowns.
 * skip_col >= 0: a column that may not be a breakdown (compare). */
static int sv_setup(sv *p, const armoede_table *t, const armoede_survey_options *opts, const char *fn)
{
    memset(p, 0, sizeof *p);
    p->t = t;
    p->fn = fn;
    am_gsl_guard();
    if (!t || !opts) return am_fail(ARMOEDE_EINVAL, "%s: NULL table or options", fn);
    if (opts->version < 1 || opts->version > ARMOEDE_SURVEY_OPTIONS_VERSION)
        return am_fail(ARMOEDE_EINVAL, "%s: armoede_survey_options version %u is not supported", fn, opts->version);
    p->o = *opts;
    const armoede_survey_options *o = &p->o;
    if (!o->item) return am_fail(ARMOEDE_EINVAL, "%s: no item column given", fn);
    if (o->n_categories == 0 || !o->categories) return am_fail(ARMOEDE_EINVAL, "%s: no answer categories given", fn);
    for (size_t k = 0; k < o->n_categories; k++)
        if (!o->categories[k]) return am_fail(ARMOEDE_EINVAL, "%s: category %zu is NULL", fn, k);
    if (o->n_exclude && !o->exclude) return am_fail(ARMOEDE_EINVAL, "%s: exclude is NULL", fn);
    for (size_t k = 0; k < o->n_exclude; k++) {
        if (!o->exclude[k]) return am_fail(ARMOEDE_EINVAL, "%s: exclude %zu is NULL", fn, k);
        if (in_list(o->exclude[k], o->categories, o->n_categories))
            return am_fail(ARMOEDE_EINVAL, "%s: answer '%s' is both a category and excluded", fn, o->exclude[k]);
    }
    if (o->filter && (o->n_filter_levels == 0 || !o->filter_levels))
        return am_fail(ARMOEDE_EINVAL, "%s: domain column '%s' given without levels", fn, o->filter);
    for (size_t k = 0; k < o->n_filter_levels; k++)
        if (!o->filter_levels[k]) return am_fail(ARMOEDE_EINVAL, "%s: domain level %zu is NULL", fn, k);
    if (o->lonely_psu < 0 || o->lonely_psu > ARMOEDE_LONELY_CERTAINTY)
        return am_fail(ARMOEDE_EINVAL, "%s: lonely_psu %d is not an armoede_lonely_psu", fn, o->lonely_psu);
    if (o->ci_method < 0 || o->ci_method >= ARMOEDE_CI_METHOD_COUNT_)
        return am_fail(ARMOEDE_EINVAL, "%s: ci_method %d is not an armoede_ci_method", fn, o->ci_method);
    if (!(o->ci_level > 0 && o->ci_level < 1)) return am_fail(ARMOEDE_EINVAL, "%s: ci_level must be in (0, 1)", fn);
    if (!(o->df >= 0)) return am_fail(ARMOEDE_EINVAL, "%s: df must be 0 (the design's), positive or INFINITY", fn);
    if (o->n_by > MAX_BY) return am_fail(ARMOEDE_EINVAL, "%s: at most %d breakdown columns", fn, MAX_BY);
    if (o->n_by && !o->by) return am_fail(ARMOEDE_EINVAL, "%s: by is NULL", fn);
    if (o->n_margins && !o->margins) return am_fail(ARMOEDE_EINVAL, "%s: margins is NULL", fn);
    if (t->nrows > UINT32_MAX - 1) return am_fail(ARMOEDE_EINVAL, "%s: more than 2^32 - 2 rows", fn);
    p->n = t->nrows;
    int rc;
    p->nby = o->n_by;
    for (size_t k = 0; k < o->n_by; k++) {
        if (!o->by[k]) return am_fail(ARMOEDE_EINVAL, "%s: breakdown %zu is NULL", fn, k);
        int j;
        if ((rc = find_col(p, o->by[k], "breakdown", &j))) return rc;
        if (!is_key_type(&t->cols[j]))
            return am_fail(ARMOEDE_ETYPE, "%s: breakdown column '%s' must be categorical or integer", fn, o->by[k]);
        for (size_t q = 0; q < k; q++)
            if (p->by_col[q] == j) return am_fail(ARMOEDE_EINVAL, "%s: breakdown column '%s' named twice", fn, o->by[k]);
        p->by_col[k] = j;
    }
    for (size_t m = 0; m < o->n_margins; m++) {
        size_t k;
        if (!o->margins[m]) return am_fail(ARMOEDE_EINVAL, "%s: margin %zu is NULL", fn, m);
        for (k = 0; k < o->n_by; k++) if (strcmp(o->by[k], o->margins[m]) == 0) break;
        if (k == o->n_by) return am_fail(ARMOEDE_EINVAL, "%s: margin '%s' is not one of the breakdown columns", fn, o->margins[m]);
        p->is_margin[k] = 1;
    }
    if ((rc = setup_design(p))) return rc;
    if ((rc = setup_item(p))) return rc;
    size_t groups = 1;
    for (size_t d = 0; d < p->nby; d++) {
        if ((rc = setup_dim(p, d))) return rc;
        groups *= p->nlev[d] ? p->nlev[d] : 1;
        if (groups > MAX_GROUPS) return am_fail(ARMOEDE_EINVAL, "%s: the breakdown has more than %zu combinations", fn, MAX_GROUPS);
    }
    /* rows with a missing key are in no cell */
    for (size_t i = 0; i < p->n; i++) {
        if (p->ans[i] < 0) continue;
        for (size_t d = 0; d < p->nby; d++)
            if (p->code[d][i] < 0) { p->ans[i] = -1; p->skips[SK_KEY]++; break; }
    }
    return 0;
}

/* ---- the variance of a linearised total ---- */
/* Z-values zbuf[k] for the touched PSUs touched[k]; returns V and the
 * design degrees of freedom of the touched PSUs. */
static double variance(sv *p, double *df)
{
    uint32_t st = ++p->stamp;
    size_t ns = 0;
    for (uint32_t k = 0; k < p->ntouched; k++) {
        uint32_t h = p->psu_str[p->touched[k]];
        if (p->sstamp[h] != st) {
            p->sstamp[h] = st;
            p->strl[ns++] = h;
            p->s1[h] = 0;
            p->acc[h] = 0;
            p->scnt[h] = 0;
        }
        p->s1[h] += p->zbuf[k];
        p->scnt[h]++;
    }
    for (uint32_t k = 0; k < p->ntouched; k++) {
        uint32_t h = p->psu_str[p->touched[k]];
        long double e = p->zbuf[k] - p->s1[h] / p->nh[h];
        p->acc[h] += e * e;
    }
    double V = 0;
    size_t nok = 0;
    for (size_t a = 0; a < ns; a++) {
        uint32_t h = p->strl[a];
        double f = p->fh[h];
        if (f < FPC_CENSUS) { nok++; continue; }
        if (!p->lonely[h]) {
            double nh = p->nh[h];
            long double m = p->s1[h] / nh;
            V += f * nh / (nh - 1) * (double)(p->acc[h] + (nh - p->scnt[h]) * m * m);
            nok++;
            continue;
        }
        switch (p->o.lonely_psu) {
        case ARMOEDE_LONELY_ADJUST: V += f * (double)(p->s1[h] * p->s1[h]); nok++; break;
        case ARMOEDE_LONELY_AVERAGE: break;
        default: nok++; break; /* remove, certainty */
        }
    }
    if (nok < ns) V = nok ? V * (double)ns / (double)nok : NAN;
    *df = (double)p->ntouched - (double)ns;
    return V;
}

/* ---- cells: rows ordered by group ---- */
typedef struct {
    size_t G;
    uint32_t *start; /* G + 1 */
    uint32_t *rows;
} order_t;

/* Group id of row i for the margin mask (masked dims collapsed). */
static size_t gid_of(const sv *p, size_t i, size_t mask, const size_t *mbit)
{
    size_t g = 0;
    for (size_t d = 0; d < p->nby; d++) {
        size_t k = (mbit[d] != SIZE_MAX && (mask >> mbit[d] & 1)) ? 0 : (size_t)p->code[d][i];
        g = g * (p->nlev[d] ? p->nlev[d] : 1) + k;
    }
    return g;
}

static int order_rows(const sv *p, const int8_t *in, size_t mask, const size_t *mbit, size_t G, order_t *o)
{
    o->G = G;
    o->start = calloc(G + 1, sizeof *o->start);
    o->rows = malloc((p->n ? p->n : 1) * sizeof *o->rows);
    if (!o->start || !o->rows) { free(o->start); free(o->rows); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    for (size_t i = 0; i < p->n; i++) if (in[i] >= 0) o->start[gid_of(p, i, mask, mbit) + 1]++;
    for (size_t g = 0; g < G; g++) o->start[g + 1] += o->start[g];
    uint32_t *pos = malloc((G ? G : 1) * sizeof *pos);
    if (!pos) { free(o->start); free(o->rows); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    memcpy(pos, o->start, G * sizeof *pos);
    for (size_t i = 0; i < p->n; i++) if (in[i] >= 0) o->rows[pos[gid_of(p, i, mask, mbit)]++] = (uint32_t)i;
    free(pos);
    return 0;
}

/* Keys of group g under mask. */
static int group_keys(const sv *p, armoede_result *r, size_t g, size_t mask, const size_t *mbit, const char **keys)
{
    for (size_t d = p->nby; d-- > 0;) {
        size_t nl = p->nlev[d] ? p->nlev[d] : 1, k = g % nl;
        g /= nl;
        int masked = mbit[d] != SIZE_MAX && (mask >> mbit[d] & 1);
        if (!masked && k >= p->nlev[d]) return ARMOEDE_EINTERNAL;
        keys[d] = am_result_intern(r, masked ? AM_TOTAL_LABEL : p->labels[d][k]);
        if (!keys[d]) return ARMOEDE_ENOMEM;
    }
    return 0;
}

/* Is g canonical for mask (masked dims at level 0)? */
static int canonical(const sv *p, size_t g, size_t mask, const size_t *mbit)
{
    for (size_t d = p->nby; d-- > 0;) {
        size_t nl = p->nlev[d] ? p->nlev[d] : 1, k = g % nl;
        g /= nl;
        if (mbit[d] != SIZE_MAX && (mask >> mbit[d] & 1) && k != 0) return 0;
    }
    return 1;
}

/* Sums of the rows of one cell by slot (slot[i] 0 or 1; NULL: all 0), and
 * PSU totals of w y and w per slot. */
typedef struct { double N[2], Y[2]; size_t n[2], ny[2]; } sums_t;

static void cell_sums(sv *p, const uint32_t *rows, size_t nr, const int8_t *slot, sums_t *s)
{
    memset(s, 0, sizeof *s);
    uint32_t st = ++p->stamp;
    p->ntouched = 0;
    for (size_t a = 0; a < nr; a++) {
        uint32_t i = rows[a], j = p->psu[i];
        int sl = slot ? slot[i] : 0;
        double w = p->w[i], y = p->ans[i];
        if (p->pstamp[j] != st) {
            p->pstamp[j] = st;
            p->touched[p->ntouched++] = j;
            p->pa[2 * j] = p->pa[2 * j + 1] = p->pb[2 * j] = p->pb[2 * j + 1] = 0;
        }
        p->pa[2 * j + sl] += w * y;
        p->pb[2 * j + sl] += w;
        s->N[sl] += w;
        s->Y[sl] += w * y;
        s->n[sl]++;
        s->ny[sl] += y > 0;
    }
}

/* ---- intervals ---- */
static double tq(double q, double df)
{
    if (isinf(df)) return gsl_cdf_ugaussian_Pinv(q);
    if (!(df >= 1e-300)) return NAN;
    return gsl_cdf_tdist_Pinv(q, df);
}

/* The q-quantile of Beta(a, b): GSL's inverse as the start (it can fail for
 * large a, b), then Newton steps on GSL's distribution function, safeguarded
 * by bisection on the bracket the signs of F - q give. */
static double qbeta(double q, double a, double b)
{
    if (!(a > 0) || !(b > 0) || !(q >= 0 && q <= 1)) return NAN;
    if (q == 0) return 0;
    if (q == 1) return 1;
    double x = gsl_cdf_beta_Pinv(q, a, b), lo = 0, hi = 1;
    if (!(x > 0 && x < 1)) x = a / (a + b);
    double lbeta = lgamma(a) + lgamma(b) - lgamma(a + b);
    for (int it = 0; it < 300; it++) {
        double F = gsl_cdf_beta_P(x, a, b) - q;
        if (isnan(F)) return NAN;
        if (F == 0) break;
        if (F < 0) lo = x;
        else hi = x;
        double dens = exp((a - 1) * log(x) + (b - 1) * log1p(-x) - lbeta);
        double nx = x - F / dens;
        if (!(nx > lo && nx < hi)) nx = 0.5 * (lo + hi);
        if (fabs(nx - x) <= 4e-16 * x || nx == x) { x = nx; break; }
        x = nx;
    }
    return x;
}

static void beta_ci(double p, double n, double alpha, double *lo, double *hi)
{
    double x = p * n;
    *lo = p <= 0 ? 0 : qbeta(alpha / 2, x, n - x + 1);
    *hi = p >= 1 ? 1 : qbeta(1 - alpha / 2, x + 1, n - x);
}

static double expit(double x) { return 1 / (1 + exp(-x)); }

/* CI of p with variance V, df, n respondents. */
static void interval(int method, double level, double p, double V, double df, double n, double *lo, double *hi)
{
    double alpha = 1 - level, se = sqrt(V);
    double t = tq(1 - alpha / 2, df);
    double neff = V > 0 ? p * (1 - p) / V : n;
    *lo = *hi = NAN;
    switch (method) {
    case ARMOEDE_CI_WALD:
        *lo = p - t * se; *hi = p + t * se;
        break;
    case ARMOEDE_CI_LOGIT:
        if (p <= 0 || p >= 1) { if (!isnan(t)) *lo = *hi = p; break; }
        {
            double l = log(p / (1 - p)), s = se / (p * (1 - p));
            *lo = expit(l - t * s); *hi = expit(l + t * s);
        }
        break;
    case ARMOEDE_CI_ASIN:
        if (p <= 0 || p >= 1) { if (!isnan(t)) *lo = *hi = p; break; }
        {
            double a = asin(sqrt(p)), s = se / (2 * sqrt(p * (1 - p)));
            double al = fmax(0, a - t * s), ah = fmin(1.57079632679489661923, a + t * s);
            *lo = sin(al) * sin(al); *hi = sin(ah) * sin(ah);
        }
        break;
    case ARMOEDE_CI_WILSON: {
        if (isnan(t)) break;
        double t2 = t * t, d = 1 + t2 / neff;
        double c = p + t2 / (2 * neff), h = t * sqrt(p * (1 - p) / neff + t2 / (4 * neff * neff));
        *lo = (c - h) / d; *hi = (c + h) / d;
        break;
    }
    case ARMOEDE_CI_CLOPPER_PEARSON:
        beta_ci(p, n, alpha, lo, hi);
        break;
    case ARMOEDE_CI_KORN_GRAUBARD: {
        double r = tq(alpha / 2, n - 1) / tq(alpha / 2, df);
        if (isinf(df) && isinf(n)) r = 1;
        if (isnan(r)) break;
        beta_ci(p, neff * r * r, alpha, lo, hi);
        break;
    }
    default: break;
    }
}

/* ---- results ---- */
static int result_start(const sv *p, const char *const *names, size_t nk, armoede_result **out)
{
    armoede_result *r = am_result_new();
    if (!r) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    int rc = am_result_set_keys(r, names, nk);
    if (rc) { armoede_result_free(r); return rc; }
    (void)p;
    *out = r;
    return 0;
}

static int add_notes(const sv *p, armoede_result *r, const char *what)
{
    int rc = am_result_note(r, "%s: rows read: %zu", what, p->n);
    for (int k = 0; k < SK_COUNT_ && !rc; k++)
        if (p->skips[k]) rc = am_result_note(r, "%s: rows left out: %zu (%s)", what, p->skips[k], skip_text[k]);
    if (!rc && p->n_unseen)
        rc = am_result_note(r, "%s: answer categories of item '%s' that occur on no row: %s", what, p->o.item, p->unseen);
    if (!rc)
        rc = am_result_note(r, "%s: design: %zu strata, %zu PSUs (stratum %s, cluster %s, weight %s, fpc %s); "
                               "Taylor linearisation, PSUs with replacement within strata",
                            what, p->nstr, p->npsu, p->o.stratum ? p->o.stratum : "none",
                            p->o.cluster ? p->o.cluster : "none (each row a PSU)",
                            p->o.weight ? p->o.weight
                                        : (p->t->role[ARMOEDE_ROLE_WEIGHT] >= 0 ? p->t->cols[p->t->role[ARMOEDE_ROLE_WEIGHT]].name : "none (1)"),
                            p->o.fpc ? p->o.fpc : "none");
    if (!rc && p->nlonely)
        rc = am_result_note(r, "%s: strata with a single PSU: %zu (rule '%s')", what, p->nlonely,
                            armoede_lonely_psu_name(p->o.lonely_psu));
    return rc;
}


/* "a", "a or b", "a, b or c" of the categories, into buf. */
static const char *cat_list(const sv *p, char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < p->o.n_categories && off < n; k++) {
        const char *sep = k == 0 ? "" : k + 1 == p->o.n_categories ? " or " : ", ";
        int m = snprintf(buf + off, n - off, "%s'%s'", sep, p->o.categories[k]);
        if (m < 0) break;
        off += (size_t)m;
    }
    return buf;
}

static int margin_bits(const sv *p, size_t *mbit, size_t *nm)
{
    *nm = 0;
    for (size_t d = 0; d < p->nby; d++) mbit[d] = p->is_margin[d] ? (*nm)++ : SIZE_MAX;
    return 0;
}

static double df_of(const sv *p, double design_df)
{
    return p->o.df > 0 ? p->o.df : design_df;
}

int armoede_survey_share(const armoede_table *t, const armoede_survey_options *opts, armoede_result **out)
{
    if (!out) return am_fail(ARMOEDE_EINVAL, "armoede_survey_share: out is NULL");
    *out = NULL;
    sv p;
    int rc = sv_setup(&p, t, opts, "armoede_survey_share");
    armoede_result *r = NULL;
    if (rc) { sv_free(&p); return rc; }
    const char *names[MAX_BY];
    for (size_t d = 0; d < p.nby; d++) names[d] = t->cols[p.by_col[d]].name;
    if ((rc = result_start(&p, names, p.nby, &r))) { sv_free(&p); return rc; }
    const char *ind = am_result_intern(r, p.o.indicator ? p.o.indicator : "survey_share");
    const char *unit = am_result_intern(r, "respondents");
    if (!ind || !unit) rc = ARMOEDE_ENOMEM;
    size_t mbit[MAX_BY], nm, G = 1;
    margin_bits(&p, mbit, &nm);
    for (size_t d = 0; d < p.nby; d++) G *= p.nlev[d] ? p.nlev[d] : 1;
    size_t cells = 0, nodf = 0;
    char catbuf[512];
    for (size_t mask = 0; mask < ((size_t)1 << nm) && !rc; mask++) {
        order_t o;
        if ((rc = order_rows(&p, p.ans, mask, mbit, G, &o))) break;
        for (size_t g = 0; g < G && !rc; g++) {
            size_t a = o.start[g], b = o.start[g + 1];
            if (a == b || !canonical(&p, g, mask, mbit)) continue;
            sums_t s;
            cell_sums(&p, o.rows + a, b - a, NULL, &s);
            double pr = s.Y[0] / s.N[0];
            for (uint32_t k = 0; k < p.ntouched; k++) {
                uint32_t j = p.touched[k];
                p.zbuf[k] = (p.pa[2 * j] - pr * p.pb[2 * j]) / s.N[0];
            }
            double ddf, V = variance(&p, &ddf);
            double df = df_of(&p, ddf);
            double f[ARMOEDE_FIELD_COUNT_];
            am_fields_nan(f);
            f[ARMOEDE_FIELD_ESTIMATE] = pr;
            f[ARMOEDE_FIELD_NUM_W] = s.Y[0];
            f[ARMOEDE_FIELD_DEN_W] = s.N[0];
            f[ARMOEDE_FIELD_NUM_N] = (double)s.ny[0];
            f[ARMOEDE_FIELD_DEN_N] = (double)s.n[0];
            f[ARMOEDE_FIELD_SE] = sqrt(V);
            interval(p.o.ci_method, p.o.ci_level, pr, V, df, (double)s.n[0], &f[ARMOEDE_FIELD_CI_LOW],
                     &f[ARMOEDE_FIELD_CI_HIGH]);
            if (!(df >= 1)) nodf++;
            const char *keys[MAX_BY];
            if ((rc = group_keys(&p, r, g, mask, mbit, keys))) break;
            rc = am_result_add_interned(r, ind, unit, keys, f);
            cells++;
        }
        free(o.start);
        free(o.rows);
    }
    if (!rc) rc = add_notes(&p, r, ind);
    if (!rc)
        rc = am_result_note(r, "%s: share answering %s to item '%s'; interval '%s' at level %g, %s", ind,
                            cat_list(&p, catbuf, sizeof catbuf), p.o.item,
                            armoede_ci_method_name(p.o.ci_method), p.o.ci_level,
                            p.o.df > 0 ? (isinf(p.o.df) ? "normal quantiles" : "degrees of freedom as given")
                                       : "t with the design's degrees of freedom per cell (PSUs - strata)");
    if (!rc && nodf)
        rc = am_result_note(r, "%s: cells with fewer than 1 degree of freedom (all in one PSU per stratum): %zu (no interval)",
                            ind, nodf);
    sv_free(&p);
    if (rc) { armoede_result_free(r); return rc == ARMOEDE_ENOMEM ? am_fail(rc, "out of memory") : rc; }
    *out = r;
    return 0;
}

static int diff_row(armoede_result *r, const char *ind, const char *unit, const char *const *keys,
                    double d, double se, double q, double df, double pa, double na, double nb, int normal)
{
    double f[ARMOEDE_FIELD_COUNT_];
    am_fields_nan(f);
    f[ARMOEDE_FIELD_ESTIMATE] = d;
    f[ARMOEDE_FIELD_SE] = se;
    f[ARMOEDE_FIELD_CI_LOW] = d - q * se;
    f[ARMOEDE_FIELD_CI_HIGH] = d + q * se;
    f[ARMOEDE_FIELD_REFERENCE] = pa;
    f[ARMOEDE_FIELD_NUM_N] = nb;
    f[ARMOEDE_FIELD_DEN_N] = na + nb;
    double stat = d / se, pv = NAN;
    if (se > 0) pv = normal ? 2 * gsl_cdf_ugaussian_Q(fabs(stat)) : (df >= 1e-300 ? 2 * gsl_cdf_tdist_Q(fabs(stat), df) : NAN);
    f[ARMOEDE_FIELD_STATISTIC] = stat;
    f[ARMOEDE_FIELD_P_VALUE] = pv;
    return am_result_add_interned(r, ind, unit, keys, f);
}

int armoede_survey_compare(const armoede_table *t, const armoede_survey_options *opts, const char *column,
                           const char *level_a, const char *level_b, armoede_result **out)
{
    const char *fn = "armoede_survey_compare";
    if (!out) return am_fail(ARMOEDE_EINVAL, "%s: out is NULL", fn);
    *out = NULL;
    if (!column || !level_a || !level_b) return am_fail(ARMOEDE_EINVAL, "%s: NULL column or level", fn);
    if (strcmp(level_a, level_b) == 0) return am_fail(ARMOEDE_EINVAL, "%s: the two levels are both '%s'", fn, level_a);
    if (opts)
        for (size_t k = 0; k < opts->n_by && opts->by; k++)
            if (opts->by[k] && strcmp(opts->by[k], column) == 0)
                return am_fail(ARMOEDE_EINVAL, "%s: '%s' is both the compared column and a breakdown", fn, column);
    sv p;
    int rc = sv_setup(&p, t, opts, fn);
    armoede_result *r = NULL;
    int8_t *slot = NULL;
    if (rc) { sv_free(&p); return rc; }
    int jc = am_table_find(t, column);
    if (jc < 0) { sv_free(&p); return am_fail(ARMOEDE_ENOTFOUND, "%s: column '%s' is not in the table", fn, column); }
    const am_col *cc = &t->cols[jc];
    if (!is_key_type(cc)) { sv_free(&p); return am_fail(ARMOEDE_ETYPE, "%s: column '%s' must be categorical or integer", fn, column); }
    slot = malloc(p.n ? p.n : 1);
    if (!slot) { sv_free(&p); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    size_t other = 0, seen_a = 0, seen_b = 0;
    const char *const ab[2] = {level_a, level_b};
    lmatch lm;
    if ((rc = lm_init(&lm, cc, ab, 2))) { free(slot); sv_free(&p); return rc; }
    for (size_t i = 0; i < p.n; i++) {
        int k = lm_at(&lm, i);
        slot[i] = (int8_t)(k >= 0 ? k : -1);
        seen_a += k == 0;
        seen_b += k == 1;
        if (p.ans[i] >= 0 && slot[i] < 0) { other++; p.ans[i] = -1; }
    }
    lm_free(&lm);
    const char *names[MAX_BY];
    for (size_t d = 0; d < p.nby; d++) names[d] = t->cols[p.by_col[d]].name;
    if ((rc = result_start(&p, names, p.nby, &r))) { free(slot); sv_free(&p); return rc; }
    const char *base = p.o.indicator ? p.o.indicator : "survey_diff";
    const char *ind = am_result_intern(r, base);
    const char *unit = am_result_intern(r, "respondents");
    if (!ind || !unit) rc = ARMOEDE_ENOMEM;
    size_t mbit[MAX_BY], nm, G = 1;
    margin_bits(&p, mbit, &nm);
    for (size_t d = 0; d < p.nby; d++) G *= p.nlev[d] ? p.nlev[d] : 1;
    size_t onesided = 0;
    char catbuf[512];
    int normal = isinf(p.o.df);
    for (size_t mask = 0; mask < ((size_t)1 << nm) && !rc; mask++) {
        order_t o;
        if ((rc = order_rows(&p, p.ans, mask, mbit, G, &o))) break;
        for (size_t g = 0; g < G && !rc; g++) {
            size_t a = o.start[g], b = o.start[g + 1];
            if (a == b || !canonical(&p, g, mask, mbit)) continue;
            sums_t s;
            cell_sums(&p, o.rows + a, b - a, slot, &s);
            if (s.n[0] == 0 || s.n[1] == 0) { onesided++; continue; }
            double pa = s.Y[0] / s.N[0], pb = s.Y[1] / s.N[1];
            for (uint32_t k = 0; k < p.ntouched; k++) {
                uint32_t j = p.touched[k];
                double za = (p.pa[2 * j] - pa * p.pb[2 * j]) / s.N[0];
                double zb = (p.pa[2 * j + 1] - pb * p.pb[2 * j + 1]) / s.N[1];
                p.zbuf[k] = zb - za;
            }
            double ddf, V = variance(&p, &ddf);
            double df = df_of(&p, ddf);
            double q = normal ? gsl_cdf_ugaussian_Pinv(1 - (1 - p.o.ci_level) / 2) : tq(1 - (1 - p.o.ci_level) / 2, df);
            const char *keys[MAX_BY];
            if ((rc = group_keys(&p, r, g, mask, mbit, keys))) break;
            rc = diff_row(r, ind, unit, keys, pb - pa, sqrt(V), q, df, pa, (double)s.n[0], (double)s.n[1], normal);
        }
        free(o.start);
        free(o.rows);
    }
    if (!rc) rc = add_notes(&p, r, ind);
    if (!rc && other) rc = am_result_note(r, "%s: rows left out: %zu ('%s' neither '%s' nor '%s')", ind, other, column, level_a, level_b);
    if (!rc && (!seen_a || !seen_b))
        rc = am_result_note(r, "%s: level '%s' of '%s' occurs on no row", ind, !seen_a ? level_a : level_b, column);
    if (!rc && onesided)
        rc = am_result_note(r, "%s: cells with respondents of only one of the two levels: %zu (no difference)", ind, onesided);
    if (!rc)
        rc = am_result_note(r, "%s: difference '%s' = %s minus '%s' = %s of the share answering %s to item '%s'; "
                               "SE of the linearised difference (covariance included); two-sided %s test: columns statistic (d / SE) "
                               "and p_value of the same row",
                            ind, column, level_b, column, level_a, cat_list(&p, catbuf, sizeof catbuf), p.o.item,
                            normal ? "z" : "t");
    free(slot);
    sv_free(&p);
    if (rc) { armoede_result_free(r); return rc == ARMOEDE_ENOMEM ? am_fail(rc, "out of memory") : rc; }
    *out = r;
    return 0;
}

static int same_keys(const armoede_result *a, size_t i, const armoede_result *b, size_t j)
{
    for (size_t k = 0; k < a->nkeys; k++) {
        const char *x = a->rows[i].keys[k], *y = b->rows[j].keys[k];
        if (!x || !y || strcmp(x, y) != 0) return 0;
    }
    return 1;
}

int armoede_survey_change(const armoede_table *a, const armoede_table *b, const armoede_survey_options *opts,
                          armoede_result **out)
{
    const char *fn = "armoede_survey_change";
    if (!out) return am_fail(ARMOEDE_EINVAL, "%s: out is NULL", fn);
    *out = NULL;
    if (!a || !b || !opts) return am_fail(ARMOEDE_EINVAL, "%s: NULL table or options", fn);
    am_gsl_guard();
    armoede_survey_options o = *opts;
    const char *base = opts->indicator ? opts->indicator : "survey_change";
    o.indicator = "a";
    armoede_result *ra = NULL, *rb = NULL, *r = NULL;
    int rc = armoede_survey_share(a, &o, &ra);
    if (!rc) { o.indicator = "b"; rc = armoede_survey_share(b, &o, &rb); }
    if (rc) { armoede_result_free(ra); armoede_result_free(rb); return rc; }
    const char *names[MAX_BY];
    for (size_t k = 0; k < ra->nkeys; k++) names[k] = ra->key_names[k];
    r = am_result_new();
    if (!r || am_result_set_keys(r, names, ra->nkeys)) rc = ARMOEDE_ENOMEM;
    const char *ind = NULL, *unit = NULL;
    if (!rc) {
        ind = am_result_intern(r, base);
        unit = am_result_intern(r, "respondents");
        if (!ind || !unit) rc = ARMOEDE_ENOMEM;
    }
    double z = gsl_cdf_ugaussian_Pinv(1 - (1 - o.ci_level) / 2);
    size_t only = 0, matched = 0;
    for (size_t j = 0; j < rb->nrows && !rc; j++) {
        size_t i;
        for (i = 0; i < ra->nrows; i++) if (same_keys(ra, i, rb, j)) break;
        if (i == ra->nrows) { only++; continue; }
        matched++;
        const char *keys[MAX_BY];
        for (size_t k = 0; k < r->nkeys && !rc; k++)
            if (!(keys[k] = am_result_intern(r, rb->rows[j].keys[k]))) rc = ARMOEDE_ENOMEM;
        if (rc) break;
        const double *fa = ra->rows[i].f, *fb = rb->rows[j].f;
        double se = sqrt(fa[ARMOEDE_FIELD_SE] * fa[ARMOEDE_FIELD_SE] + fb[ARMOEDE_FIELD_SE] * fb[ARMOEDE_FIELD_SE]);
        rc = diff_row(r, ind, unit, keys, fb[ARMOEDE_FIELD_ESTIMATE] - fa[ARMOEDE_FIELD_ESTIMATE], se, z, INFINITY,
                      fa[ARMOEDE_FIELD_ESTIMATE], fa[ARMOEDE_FIELD_DEN_N], fb[ARMOEDE_FIELD_DEN_N], 1);
    }
    only += ra->nrows - matched;
    for (size_t k = 0; k < ra->nnotes && !rc; k++) rc = am_result_note(r, "%s: first sample %s", base, ra->notes[k] + 3);
    for (size_t k = 0; k < rb->nnotes && !rc; k++) rc = am_result_note(r, "%s: second sample %s", base, rb->notes[k] + 3);
    if (!rc && only) rc = am_result_note(r, "%s: cells in only one of the two samples: %zu (no difference)", base, only);
    if (!rc)
        rc = am_result_note(r, "%s: difference = second sample minus first (reference = the first's estimate); "
                               "independent samples: SE = sqrt(SE1^2 + SE2^2), two-sided z test (statistic, p_value)", base);
    armoede_result_free(ra);
    armoede_result_free(rb);
    if (rc) { armoede_result_free(r); return rc == ARMOEDE_ENOMEM ? am_fail(rc, "out of memory") : rc; }
    *out = r;
    return 0;
}
