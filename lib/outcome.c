/* Outcome indicators: take-up and non-take-up of schemes (OUTCOME 1, 5),
 * debt at intake against the nation (OUTCOME 2), debt-assistance results
 * (OUTCOME 4). Definitions: include/armoede_outcome.h, docs/outcome.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"
#include "rowclass.h"
#include "quantile.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXD 18            /* breakdown dims incl. derived ones */
#define MAXTHR AM_ROWCLASS_MAXTHR /* one bit each below IN_POP */
#define MAXSCHEMES 64
#define MAXCELLS ((size_t)1 << 24)
#define IN_POP AM_IN_POP

void armoede_registration_columns_init(armoede_registration_columns *cols)
{
    if (!cols) return;
    armoede_registration_columns d = ARMOEDE_REGISTRATION_COLUMNS_INIT;
    *cols = d;
}
void armoede_take_up_options_init(armoede_take_up_options *opts)
{
    if (!opts) return;
    armoede_take_up_options d = ARMOEDE_TAKE_UP_OPTIONS_INIT;
    *opts = d;
}
void armoede_debt_options_init(armoede_debt_options *opts)
{
    if (!opts) return;
    armoede_debt_options d = ARMOEDE_DEBT_OPTIONS_INIT;
    *opts = d;
}

/* ================================================================== */
/* Small tools                                                          */
/* ================================================================== */

/* (id, year) -> value, open addressing. */
typedef struct {
    int64_t id;
    int32_t year;
    uint32_t val;
} hslot;
typedef struct {
    hslot *s;
    size_t cap, n;
} hmap;

static uint64_t hmix(int64_t id, int32_t year)
{
    uint64_t h = (uint64_t)id * UINT64_C(0x9E3779B97F4A7C15) ^ ((uint64_t)(uint32_t)year * UINT64_C(0xC2B2AE3D27D4EB4F));
    h ^= h >> 29;
    h *= UINT64_C(0xBF58476D1CE4E5B9);
    return h ^ (h >> 32);
}
static int hmap_init(hmap *m, size_t n)
{
    size_t cap = 16;
    while (cap < n + n / 2 + 16) cap <<= 1; /* load at most 2/3 */
    m->s = malloc(cap * sizeof *m->s);
    if (!m->s) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    for (size_t i = 0; i < cap; i++) m->s[i].id = ARMOEDE_NA_INT;
    m->cap = cap;
    m->n = 0;
    return 0;
}
static void hmap_free(hmap *m) { free(m->s); m->s = NULL; }
/* Slot of (id, year): existing (*found = 1) or the empty one to fill. The
 * map never fills: it is sized for its keys up front. */
static hslot *hmap_slot(const hmap *m, int64_t id, int32_t year, int *found)
{
    size_t mask = m->cap - 1, i = (size_t)hmix(id, year) & mask;
    for (;;) {
        hslot *s = &m->s[i];
        if (s->id == ARMOEDE_NA_INT) { *found = 0; return s; }
        if (s->id == id && s->year == year) { *found = 1; return s; }
        i = (i + 1) & mask;
    }
}
static long hmap_get(const hmap *m, int64_t id, int32_t year)
{
    if (!m->s || id == ARMOEDE_NA_INT) return -1;
    int f;
    hslot *s = hmap_slot(m, id, year, &f);
    return f ? (long)s->val : -1;
}

/* (id, year) -> value: a dense array over the id range and the years when
 * that is small (ids of one export are usually dense), else a hash map. */
typedef struct {
    hmap h;
    uint32_t *dense; /* value + 1; 0 = empty */
    int64_t lo, hi;
    int32_t y0;
    size_t ny;
} idmap;

static int idmap_init(idmap *m, const am_col *c, int32_t ymin, int32_t ymax, size_t n)
{
    memset(m, 0, sizeof *m);
    m->y0 = ymin;
    m->ny = ymax >= ymin ? (size_t)(ymax - ymin) + 1 : 1;
    int64_t lo = 0, hi = -1;
    if (c && c->type == ARMOEDE_TYPE_CAT) { lo = 0; hi = (int64_t)c->dict.n - 1; }
    else if (c && c->type == ARMOEDE_TYPE_INT) { lo = c->imin; hi = c->imax; }
    if (hi >= lo && (uint64_t)(hi - lo) < ((uint64_t)1 << 31) && ((uint64_t)(hi - lo) + 1) * m->ny <= 4 * (uint64_t)n + 4096) {
        m->lo = lo;
        m->hi = hi;
        m->dense = calloc((size_t)(hi - lo + 1) * m->ny, sizeof *m->dense);
        if (!m->dense) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        return 0;
    }
    return hmap_init(&m->h, n);
}
static void idmap_free(idmap *m) { free(m->dense); m->dense = NULL; hmap_free(&m->h); }
static long idmap_get(const idmap *m, int64_t id, int32_t year)
{
    if (id == ARMOEDE_NA_INT) return -1;
    if (m->dense) {
        if (id < m->lo || id > m->hi || year < m->y0 || (size_t)(year - m->y0) >= m->ny) return -1;
        return (long)m->dense[(size_t)(id - m->lo) * m->ny + (size_t)(year - m->y0)] - 1;
    }
    return hmap_get(&m->h, id, year);
}
/* Store val under (id, year); when there is a value already, keep it and
 * return it (>= 0); -1 when stored. */
static long idmap_put(idmap *m, int64_t id, int32_t year, uint32_t val)
{
    if (m->dense) {
        uint32_t *s = &m->dense[(size_t)(id - m->lo) * m->ny + (size_t)(year - m->y0)];
        if (*s) return (long)*s - 1;
        *s = val + 1;
        return -1;
    }
    int f;
    hslot *s = hmap_slot(&m->h, id, year, &f);
    if (f) return (long)s->val;
    s->id = id; s->year = year; s->val = val;
    return -1;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t k = 0; k < n; k++) if (list[k] && !strcmp(list[k], s)) return 1;
    return 0;
}

static int col_of(const armoede_table *t, const char *name, const char *what, int *j)
{
    *j = -1;
    if (!name) return 0;
    *j = am_table_find(t, name);
    if (*j < 0) return am_fail(ARMOEDE_ENOTFOUND, "%s: column '%s' is not in %s (set its name to NULL to go without it)", what, name,
                               t->source ? t->source : "the table");
    return 0;
}

/* A value of row i of column c for messages (numbers in the shortest form
 * that reads back exactly, as the writers use). */
static const char *valtext(const am_col *c, size_t i, char *buf, size_t n)
{
    if (c->type == ARMOEDE_TYPE_REAL && !isnan(c->v.r[i])) {
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(buf, n, "%.*g", prec, c->v.r[i]);
            if (strtod(buf, NULL) == c->v.r[i]) break;
        }
        return buf;
    }
    const char *s = am_col_label(c, i, buf, n);
    return s ? s : "(missing)";
}

/* Value i of an INT (or DATE) column; missing for a column of another type
 * (one that type_check let through because it holds no value at all). */
static int64_t col_int(const am_col *c, size_t i)
{
    return c && c->type == ARMOEDE_TYPE_INT ? am_ival(c, i) : ARMOEDE_NA_INT;
}

static int has_value(const am_col *c, size_t i)
{
    if (c->type == ARMOEDE_TYPE_CAT) return c->v.c[i] >= 0;
    if (c->type == ARMOEDE_TYPE_REAL) return !isnan(c->v.r[i]);
    return am_ival(c, i) != ARMOEDE_NA_INT;
}

#define T_INT (1u << ARMOEDE_TYPE_INT)
#define T_REAL (1u << ARMOEDE_TYPE_REAL)
#define T_CAT (1u << ARMOEDE_TYPE_CAT)
/* Column c of table t must be of a type in `ok` (T_* bits). Otherwise
 * ARMOEDE_ETYPE naming file, line, column and the first value that does
 * not fit (where an integer is wanted: the first value with a fraction or
 * a label that is no integer, else the first value); `what` says what was
 * expected. A column of another type that holds no value at all (an empty
 * table, or every cell empty, which the reader cannot type) passes: its
 * cells count as missing, and the missing-value rules apply to them. */
static int type_check(const armoede_table *t, const am_col *c, unsigned ok, const char *what)
{
    if (ok >> c->type & 1u) return 0;
    size_t first = SIZE_MAX;
    for (size_t i = 0; i < t->nrows; i++) {
        if (!has_value(c, i)) continue;
        if (first == SIZE_MAX) first = i;
        if (!(ok & T_INT)) break;
        /* an integer wanted: name the first value that is not one */
        int64_t x;
        const char *l = c->type == ARMOEDE_TYPE_CAT ? c->dict.labels[c->v.c[i]] : NULL;
        if (c->type == ARMOEDE_TYPE_REAL ? c->v.r[i] != floor(c->v.r[i]) : !l || am_parse_int(l, strlen(l), &x)) { first = i; break; }
    }
    if (first == SIZE_MAX) return 0;
    char where[512], v[128];
    return am_fail(ARMOEDE_ETYPE, "%s, column '%s', value '%s': %s", am_table_where(t, first, where, sizeof where), c->name,
                   valtext(c, first, v, sizeof v), what);
}

/* ================================================================== */
/* Groups: breakdown dims with margins; a cell is one level or Total    */
/* per dim (mixed radix, Total = nlev).                                 */
/* ================================================================== */
typedef struct {
    size_t nd;
    const am_col *col[MAXD]; /* NULL: derived (the caller gives the code) */
    char **lab[MAXD];
    int own[MAXD];
    size_t nlev[MAXD];
    int margin[MAXD];
    int miss_total[MAXD];    /* a missing level is counted in Total only */
    int32_t *rank[MAXD];     /* CAT code -> level */
    int64_t *ival[MAXD];     /* INT: sorted values */
    size_t mult[MAXD];       /* place value of dim d in a cell index */
    size_t ncells;
} grp;

static void grp_free(grp *g)
{
    for (size_t d = 0; d < g->nd; d++) {
        if (g->own[d] && g->lab[d])
            for (size_t k = 0; k < g->nlev[d]; k++) free(g->lab[d][k]);
        free(g->lab[d]);
        free(g->rank[d]);
        free(g->ival[d]);
    }
    g->nd = 0;
}

static int grp_add_col(grp *g, const armoede_table *t, int j, int margin, const char *fn)
{
    if (g->nd >= MAXD) return am_fail(ARMOEDE_EINVAL, "%s: too many breakdowns", fn);
    size_t d = g->nd++;
    const am_col *c = &t->cols[j];
    g->col[d] = c;
    g->margin[d] = margin;
    if (c->type == ARMOEDE_TYPE_CAT) {
        size_t n = c->dict.n;
        g->lab[d] = malloc((n ? n : 1) * sizeof(char *));
        g->rank[d] = malloc((n ? n : 1) * sizeof(int32_t));
        if (!g->lab[d] || !g->rank[d]) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        for (size_t k = 0; k < n; k++) g->lab[d][k] = c->dict.labels[k];
        qsort(g->lab[d], n, sizeof(char *), cmp_str);
        for (size_t k = 0; k < n; k++) {
            g->rank[d][am_dict_find(&c->dict, g->lab[d][k], strlen(g->lab[d][k]))] = (int32_t)k;
            if (margin && !strcmp(g->lab[d][k], AM_TOTAL_LABEL))
                return am_fail(ARMOEDE_EDATA, "column '%s' has a level '%s', which is the label of margins", c->name,
                               AM_TOTAL_LABEL);
        }
        g->nlev[d] = n;
        return 0;
    }
    if (c->type != ARMOEDE_TYPE_INT)
        return am_fail(ARMOEDE_ETYPE, "%s: breakdown column '%s' is real-valued: use a categorical or integer column",
                       fn, c->name);
    size_t u;
    int64_t *v;
    int rc = am_int_levels(c, t->nrows, &v, &u);
    if (rc) return rc;
    g->ival[d] = v;
    g->nlev[d] = u;
    g->own[d] = 1;
    g->lab[d] = calloc(u ? u : 1, sizeof(char *));
    if (!g->lab[d]) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    for (size_t k = 0; k < u; k++) {
        char buf[64];
        if (c->date) {
            int y, mo, dd;
            am_civil_from_days(v[k], &y, &mo, &dd);
            snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, dd);
        } else snprintf(buf, sizeof buf, "%" PRId64, v[k]);
        if (!(g->lab[d][k] = am_strdup(buf))) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    }
    return 0;
}

static int grp_add_derived(grp *g, const char *const *labels, size_t n, int margin, int miss_total)
{
    if (g->nd >= MAXD) return am_fail(ARMOEDE_EINVAL, "too many breakdowns");
    size_t d = g->nd++;
    g->col[d] = NULL;
    g->margin[d] = margin;
    g->miss_total[d] = miss_total;
    g->own[d] = 1;
    g->nlev[d] = n;
    g->lab[d] = calloc(n ? n : 1, sizeof(char *));
    if (!g->lab[d]) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        if (!(g->lab[d][k] = am_strdup(labels[k]))) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    return 0;
}

static int grp_finish(grp *g, const char *fn)
{
    size_t c = 1;
    for (size_t d = g->nd; d-- > 0;) {
        g->mult[d] = c;
        c *= g->nlev[d] + 1;
        if (c > MAXCELLS) return am_fail(ARMOEDE_EINVAL, "%s: the breakdown has more than %zu combinations", fn, MAXCELLS);
    }
    g->ncells = c;
    return 0;
}

/* Level of row i in column dim d, -1 when missing. */
static int32_t grp_code(const grp *g, size_t d, size_t i)
{
    const am_col *c = g->col[d];
    if (c->type == ARMOEDE_TYPE_CAT) return c->v.c[i] < 0 ? -1 : g->rank[d][c->v.c[i]];
    int64_t x = am_ival(c, i);
    if (x == ARMOEDE_NA_INT) return -1;
    size_t a = 0, b = g->nlev[d];
    while (a < b) { size_t mid = (a + b) / 2; if (g->ival[d][mid] < x) a = mid + 1; else b = mid; }
    return (int32_t)a;
}

/* The cells a unit with level codes code[] falls in (its own, and the
 * margins); returns their number, 0 when a key is missing (left out). */
static size_t grp_cells(const grp *g, const int32_t *code, size_t *out)
{
    size_t n = 1;
    out[0] = 0;
    for (size_t d = 0; d < g->nd; d++) {
        size_t tot = g->nlev[d], mult = g->mult[d];
        if (code[d] < 0) {
            if (!g->miss_total[d]) return 0;
            for (size_t k = 0; k < n; k++) out[k] += tot * mult;
            continue;
        }
        if (g->margin[d]) {
            for (size_t k = 0; k < n; k++) { out[n + k] = out[k] + tot * mult; out[k] += (size_t)code[d] * mult; }
            n *= 2;
        } else
            for (size_t k = 0; k < n; k++) out[k] += (size_t)code[d] * mult;
    }
    return n;
}

/* Labels of cell c (interned in r) into keys[0..nd). */
static int grp_keys(const grp *g, size_t c, armoede_result *r, const char **keys)
{
    for (size_t d = g->nd; d-- > 0;) {
        size_t k = c % (g->nlev[d] + 1);
        c /= g->nlev[d] + 1;
        keys[d] = am_result_intern(r, k == g->nlev[d] ? AM_TOTAL_LABEL : g->lab[d][k]);
        if (!keys[d]) return ARMOEDE_ENOMEM;
    }
    return 0;
}

/* Share accumulator: weighted and unweighted numerator and denominator,
 * and the sums of squared weights for the linearised SE. */
typedef struct {
    double nw, dw, nn, dn, n2, d2;
} acc;

static inline void acc_add(acc *a, double w, int in_num)
{
    a->dw += w; a->dn += 1; a->d2 += w * w;
    if (in_num) { a->nw += w; a->nn += 1; a->n2 += w * w; }
}

static double zval(double level)
{
    am_gsl_guard();
    return gsl_cdf_ugaussian_Pinv(1 - (1 - level) / 2);
}

static void share_fields(const acc *a, int weighted, double z, double *f)
{
    am_fields_nan(f);
    double R = a->nw / a->dw;
    f[ARMOEDE_FIELD_ESTIMATE] = R;
    f[ARMOEDE_FIELD_NUM_W] = a->nw;
    f[ARMOEDE_FIELD_DEN_W] = a->dw;
    f[ARMOEDE_FIELD_NUM_N] = a->nn;
    f[ARMOEDE_FIELD_DEN_N] = a->dn;
    if (weighted && a->dn > 1) {
        double sz = a->n2 * (1 - 2 * R) + R * R * a->d2;
        if (sz < 0) sz = 0;
        double se = sqrt(a->dn / (a->dn - 1) * sz) / a->dw;
        f[ARMOEDE_FIELD_SE] = se;
        f[ARMOEDE_FIELD_CI_LOW] = fmax(0, R - z * se);
        f[ARMOEDE_FIELD_CI_HIGH] = fmin(1, R + z * se);
    }
}

/* ================================================================== */
/* Take-up and non-take-up                                              */
/* ================================================================== */
enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };
typedef struct {
    int col;
    int op;
    double num;   /* numeric columns */
    int32_t code; /* CAT columns: dictionary code of the value, -1 = absent */
} clause;
#define MAXCLAUSES 8

typedef struct {
    const armoede_table *t;
    const armoede_take_up_options *o;
    armoede_impact_options po;
    int col[ARMOEDE_ROLE_COUNT_];
    int household_file, weighted;
    size_t nrows;
    /* thresholds (distinct) and runs */
    double thr[MAXTHR];
    size_t nthr;
    int run_thr[MAXTHR]; /* run slot -> threshold index */
    size_t nruns;
    size_t nsch;
    int s_thr[MAXSCHEMES], s_run[MAXSCHEMES], s_years[MAXSCHEMES];
    clause cl[MAXSCHEMES][MAXCLAUSES];
    size_t ncl[MAXSCHEMES];
    uint64_t anymask;
    int has_any;
    size_t nreach;
    double r_p[MAXTHR];
    int r_thr[MAXTHR], r_run[MAXTHR], r_years[MAXTHR];
    int holder, child; /* scheme indices or -1 */
    am_rowclass k;      /* who is in the population, below which thresholds (rowclass.h) */
    /* per row */
    uint32_t *cls;
    uint8_t *run;       /* nrows x nruns */
    uint8_t *minor;
    uint64_t *agemask, *condmask, *rowused;
    int32_t *hh;        /* household of the row, -1 none */
    int32_t *year;
    /* households */
    size_t nhh;
    uint32_t *mem_start, *mem;
    uint64_t *hh_used;
    uint8_t *hh_minor;
    idmap follow;       /* (pid or hid in a household file, year) -> row */
    idmap hhm;          /* (hid, year) -> household */
    int32_t ymin, ymax;
    size_t skips[AM_SK_COUNT_];
    size_t wealth_tested;
} tu;

static void tu_free(tu *p)
{
    am_rowclass_free(&p->k);
    free(p->cls); free(p->run); free(p->minor); free(p->agemask); free(p->condmask);
    free(p->rowused); free(p->hh); free(p->year); free(p->mem_start); free(p->mem); free(p->hh_used);
    free(p->hh_minor);
    idmap_free(&p->follow);
    idmap_free(&p->hhm);
}

static int add_thr(tu *p, double x, const char *fn)
{
    if (!(x > 0 && x <= 100)) return am_fail(ARMOEDE_EINVAL, "%s: threshold %g is not in (0, 100] (1.10 means 110%%)", fn, x);
    for (size_t k = 0; k < p->nthr; k++) if (p->thr[k] == x) return (int)k;
    if (p->nthr >= MAXTHR) return am_fail(ARMOEDE_EINVAL, "%s: more than %d distinct thresholds", fn, MAXTHR);
    p->thr[p->nthr] = x;
    return (int)p->nthr++;
}
static int add_run(tu *p, int thr)
{
    for (size_t k = 0; k < p->nruns; k++) if (p->run_thr[k] == thr) return (int)k;
    p->run_thr[p->nruns] = thr;
    return (int)p->nruns++;
}

/* Parse "COL OP VALUE [and ...]" for scheme s. */
static int parse_condition(tu *p, size_t s, const char *cond, const char *fn)
{
    const armoede_table *t = p->t;
    char buf[1024];
    if (strlen(cond) >= sizeof buf) return am_fail(ARMOEDE_EINVAL, "%s: condition too long", fn);
    snprintf(buf, sizeof buf, "%s", cond);
    char *q = buf;
    p->ncl[s] = 0;
    for (;;) {
        char *andp = strstr(q, " and ");
        if (andp) *andp = '\0';
        if (p->ncl[s] >= MAXCLAUSES) return am_fail(ARMOEDE_EINVAL, "%s: condition '%s': at most %d clauses", fn, cond, MAXCLAUSES);
        clause *c = &p->cl[s][p->ncl[s]++];
        static const char *const ops[] = {"<=", ">=", "!=", "==", "=", "<", ">"};
        static const int opv[] = {OP_LE, OP_GE, OP_NE, OP_EQ, OP_EQ, OP_LT, OP_GT};
        char *at = NULL;
        size_t k, oplen = 0;
        for (k = 0; k < 7; k++) if ((at = strstr(q, ops[k]))) { oplen = strlen(ops[k]); break; }
        if (!at) return am_fail(ARMOEDE_EINVAL, "%s: condition '%s': no operator (= != < <= > >=) in '%s'", fn, cond, q);
        c->op = opv[k];
        char *name = q, *val = at + oplen;
        *at = '\0';
        while (*name == ' ') name++;
        for (char *e = name + strlen(name); e > name && e[-1] == ' ';) *--e = '\0';
        while (*val == ' ') val++;
        for (char *e = val + strlen(val); e > val && e[-1] == ' ';) *--e = '\0';
        if (!*name || !*val) return am_fail(ARMOEDE_EINVAL, "%s: condition '%s': a clause needs a column and a value", fn, cond);
        c->col = am_table_find(t, name);
        if (c->col < 0) return am_fail(ARMOEDE_ENOTFOUND, "%s: condition '%s': column '%s' is not in the table", fn, cond, name);
        const am_col *col = &t->cols[c->col];
        if (col->type == ARMOEDE_TYPE_CAT) {
            if (c->op != OP_EQ && c->op != OP_NE)
                return am_fail(ARMOEDE_EINVAL, "%s: condition '%s': column '%s' is categorical: only = and != apply", fn, cond, name);
            c->code = am_dict_find(&col->dict, val, strlen(val));
        } else {
            if (am_parse_real(val, strlen(val), '.', &c->num))
                return am_fail(ARMOEDE_EINVAL, "%s: condition '%s': '%s' is not a number (column '%s' is numeric)", fn, cond, val, name);
        }
        if (!andp) break;
        q = andp + 5;
    }
    return 0;
}

static int clause_ok(const tu *p, const clause *c, size_t i)
{
    const am_col *col = &p->t->cols[c->col];
    if (col->type == ARMOEDE_TYPE_CAT) {
        int32_t v = col->v.c[i];
        if (v < 0) return 0;
        return c->op == OP_EQ ? v == c->code : v != c->code;
    }
    double v = am_num(col, i);
    if (isnan(v)) return 0;
    switch (c->op) {
    case OP_EQ: return v == c->num;
    case OP_NE: return v != c->num;
    case OP_LT: return v < c->num;
    case OP_LE: return v <= c->num;
    case OP_GT: return v > c->num;
    default: return v >= c->num;
    }
}

/* The row classifier (rowclass.h) and its norm table for the data's years. */
static int setup_norms(tu *p)
{
    am_rowclass_bind(&p->k, p->t, p->col, &p->po, p->nthr, p->thr);
    if (p->col[ARMOEDE_ROLE_RATIO_PCT] >= 0 || p->col[ARMOEDE_ROLE_NORM] >= 0) return 0;
    if (p->ymax >= p->ymin && p->ymax - p->ymin + 1 > 1000)
        return am_fail(ARMOEDE_EDATA, "years %d to %d: not a plausible range of years", (int)p->ymin, (int)p->ymax);
    return am_rowclass_norms(&p->k, p->ymin, p->ymax);
}

static int row_age(const tu *p, size_t i)
{
    const armoede_table *t = p->t;
    if (p->col[ARMOEDE_ROLE_AGE] >= 0) {
        int64_t a = am_ival(&t->cols[p->col[ARMOEDE_ROLE_AGE]], i);
        if (a != ARMOEDE_NA_INT) return a < -1000 || a > 1000 ? INT32_MIN : (int)a;
    }
    if (p->col[ARMOEDE_ROLE_BIRTH_YEAR] >= 0 && p->year[i] != INT32_MIN) {
        int64_t b = am_ival(&t->cols[p->col[ARMOEDE_ROLE_BIRTH_YEAR]], i);
        if (b != ARMOEDE_NA_INT && b > -100000 && b < 100000) return (int)(p->year[i] - b);
    }
    return INT32_MIN;
}

static int row_minor(const tu *p, size_t i)
{
    if (p->col[ARMOEDE_ROLE_MINOR] >= 0) {
        int64_t m = am_ival(&p->t->cols[p->col[ARMOEDE_ROLE_MINOR]], i);
        if (m != ARMOEDE_NA_INT) return m != 0;
    }
    int a = row_age(p, i);
    return a != INT32_MIN && a < 18;
}

static int dup_error(const tu *p, const char *what, size_t a, size_t b)
{
    char w1[512], w2[512];
    return am_fail(ARMOEDE_EDATA, "%s twice in year %d: %s and %s", what, (int)p->year[a],
                   am_table_where(p->t, a, w1, sizeof w1), am_table_where(p->t, b, w2, sizeof w2));
}

/* Households, the follow map and runs of years at low income. */
static int build_rows(tu *p)
{
    const armoede_table *t = p->t;
    size_t n = p->nrows;
    int rc;
    int hc = p->col[ARMOEDE_ROLE_HOUSEHOLD_ID], pc = p->col[ARMOEDE_ROLE_PERSON_ID];
    p->hh = malloc((n ? n : 1) * sizeof *p->hh);
    p->mem_start = calloc(n + 2, sizeof *p->mem_start);
    p->mem = malloc((n ? n : 1) * sizeof *p->mem);
    if (!p->hh || !p->mem_start || !p->mem) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    if ((rc = idmap_init(&p->hhm, hc >= 0 ? &t->cols[hc] : NULL, p->ymin, p->ymax, n))) return rc;
    p->nhh = 0;
    for (size_t i = 0; i < n; i++) {
        p->hh[i] = -1;
        if (p->year[i] == INT32_MIN) continue;
        int64_t h = hc >= 0 ? am_key(&t->cols[hc], i) : ARMOEDE_NA_INT;
        if (h == ARMOEDE_NA_INT) { p->hh[i] = (int32_t)p->nhh++; continue; } /* its own household */
        long was = idmap_put(&p->hhm, h, p->year[i], (uint32_t)p->nhh);
        if (was >= 0) {
            if (p->household_file) return dup_error(p, "a household", p->mem[was], i);
            p->hh[i] = (int32_t)was;
            continue;
        }
        p->mem[p->nhh] = (uint32_t)i; /* temporarily: first row of the household */
        p->hh[i] = (int32_t)p->nhh++;
    }
    /* members, in row order */
    for (size_t i = 0; i < n; i++) if (p->hh[i] >= 0) p->mem_start[p->hh[i] + 2]++;
    for (size_t h = 0; h < p->nhh; h++) p->mem_start[h + 2] += p->mem_start[h + 1];
    for (size_t i = 0; i < n; i++) if (p->hh[i] >= 0) p->mem[p->mem_start[p->hh[i] + 1]++] = (uint32_t)i;
    /* now mem_start[h] .. mem_start[h+1] */
    /* follow map: persons (person file) or households (household file) */
    int fc = p->household_file ? hc : pc;
    if ((rc = idmap_init(&p->follow, fc >= 0 ? &t->cols[fc] : NULL, p->ymin, p->ymax, n))) return rc;
    if (fc >= 0)
        for (size_t i = 0; i < n; i++) {
            if (p->year[i] == INT32_MIN) continue;
            int64_t id = am_key(&t->cols[fc], i);
            if (id == ARMOEDE_NA_INT) continue;
            long was = idmap_put(&p->follow, id, p->year[i], (uint32_t)i);
            if (was >= 0) return dup_error(p, p->household_file ? "a household" : "a person", (size_t)was, i);
        }
    /* runs, in year order */
    if (p->nruns && fc >= 0) {
        size_t ny = (size_t)(p->ymax - p->ymin + 1);
        size_t *ys = calloc(ny + 1, sizeof *ys);
        uint32_t *ord = malloc((n ? n : 1) * sizeof *ord);
        if (!ys || !ord) { free(ys); free(ord); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
        for (size_t i = 0; i < n; i++) if (p->year[i] != INT32_MIN) ys[p->year[i] - p->ymin + 1]++;
        for (size_t y = 0; y < ny; y++) ys[y + 1] += ys[y];
        size_t no = ys[ny];
        for (size_t i = 0; i < n; i++) if (p->year[i] != INT32_MIN) ord[ys[p->year[i] - p->ymin]++] = (uint32_t)i;
        for (size_t q = 0; q < no; q++) {
            size_t i = ord[q];
            int64_t id = am_key(&t->cols[fc], i);
            long prev = idmap_get(&p->follow, id, p->year[i] - 1);
            for (size_t k = 0; k < p->nruns; k++) {
                int low = (p->cls[i] & IN_POP) && (p->cls[i] >> p->run_thr[k] & 1u);
                unsigned r = 0;
                if (low) {
                    r = 1 + (prev >= 0 ? p->run[(size_t)prev * p->nruns + k] : 0);
                    if (r > 255) r = 255;
                }
                p->run[i * p->nruns + k] = (uint8_t)r;
            }
        }
        free(ys);
        free(ord);
    } else if (p->nruns) {
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < p->nruns; k++)
                p->run[i * p->nruns + k] = (p->cls[i] & IN_POP) && (p->cls[i] >> p->run_thr[k] & 1u);
    }
    /* minors per household */
    p->hh_minor = calloc(p->nhh ? p->nhh : 1, 1);
    if (!p->hh_minor) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    int nmc = p->col[ARMOEDE_ROLE_N_MINORS];
    for (size_t i = 0; i < n; i++) {
        if (p->hh[i] < 0) continue;
        int m = p->household_file ? (nmc >= 0 && am_ival(&t->cols[nmc], i) != ARMOEDE_NA_INT && am_ival(&t->cols[nmc], i) > 0)
                                  : p->minor[i];
        if (m) p->hh_minor[p->hh[i]] = 1;
    }
    return 0;
}

/* Registration id of row i in the income table's key space of column ic.
 * 0 ok, 1 not there. cache maps CAT codes of the registration column. */
static int reg_key(const am_col *rc, const am_col *ic, size_t i, int32_t *cache, int64_t *key)
{
    if (rc->type == ARMOEDE_TYPE_CAT) {
        int32_t c = rc->v.c[i];
        if (ic->type == ARMOEDE_TYPE_CAT) {
            if (cache[c] == INT32_MIN) cache[c] = am_dict_find(&ic->dict, rc->dict.labels[c], strlen(rc->dict.labels[c]));
            if (cache[c] < 0) return 1;
            *key = cache[c];
            return 0;
        }
        const char *s = rc->dict.labels[c];
        if (am_parse_int(s, strlen(s), key)) return 1;
        return 0;
    }
    int64_t v = am_ival(rc, i);
    if (ic->type != ARMOEDE_TYPE_CAT) { *key = v; return 0; }
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    int32_t c = am_dict_find(&ic->dict, buf, strlen(buf));
    if (c < 0) return 1;
    *key = c;
    return 0;
}

typedef struct {
    size_t unknown, unknown_row, notfound, notfound_row, outside, outside_row, rows;
    size_t mismatch, mismatch_row; /* a year whose dates do not overlap it */
    const am_col *mismatch_col;
    char unknown_code[128];
} regstats;

static int reg_fail(const armoede_table *r, size_t i, const am_col *c, const char *why)
{
    char where[512], v[128];
    return am_fail(ARMOEDE_EDATA, "%s, column '%s', value '%s': %s", am_table_where(r, i, where, sizeof where), c->name,
                   valtext(c, i, v, sizeof v), why);
}

static int read_registrations(tu *p, const armoede_table *reg, regstats *st, const char *fn)
{
    const armoede_registration_columns *rcol = &p->o->registrations;
    const armoede_table *t = p->t;
    int ji, js, jy = -1, ja = -1, jb = -1, jm = -1, rc;
    if (!rcol->id || !rcol->scheme) return am_fail(ARMOEDE_EINVAL, "%s: the registrations need an id and a scheme column", fn);
    if (!rcol->year && !rcol->start) return am_fail(ARMOEDE_EINVAL, "%s: the registrations need a year or a start column", fn);
    if ((rc = col_of(reg, rcol->id, "registrations", &ji)) || (rc = col_of(reg, rcol->scheme, "registrations", &js)) ||
        (rc = col_of(reg, rcol->year, "registrations", &jy)) || (rc = col_of(reg, rcol->start, "registrations", &ja)) ||
        (rc = col_of(reg, rcol->end, "registrations", &jb)) || (rc = col_of(reg, rcol->amount, "registrations", &jm)))
        return rc;
    const am_col *ci = &reg->cols[ji], *cs = &reg->cols[js];
    const am_col *cy = jy >= 0 ? &reg->cols[jy] : NULL, *ca = ja >= 0 ? &reg->cols[ja] : NULL, *cb = jb >= 0 ? &reg->cols[jb] : NULL;
    const am_col *cm = jm >= 0 ? &reg->cols[jm] : NULL;
    if ((rc = type_check(reg, ci, T_INT | T_CAT, "an id must be a whole number or a code")) ||
        (rc = type_check(reg, cs, T_INT | T_CAT, "a scheme must be a code")) ||
        (cy && (rc = type_check(reg, cy, T_INT, "a year must be a whole number (the year column must be integer)"))) ||
        (ca && (rc = type_check(reg, ca, T_INT, "a start date must be a date YYYY-MM-DD"))) ||
        (cb && (rc = type_check(reg, cb, T_INT, "an end date must be a date YYYY-MM-DD"))) ||
        (cm && (rc = type_check(reg, cm, T_INT | T_REAL, "an amount must be a number"))))
        return rc;
    int household = rcol->level == ARMOEDE_LEVEL_HOUSEHOLD;
    int icol = household ? p->col[ARMOEDE_ROLE_HOUSEHOLD_ID] : p->col[ARMOEDE_ROLE_PERSON_ID];
    if (icol < 0)
        return am_fail(ARMOEDE_ENOTFOUND, "%s: registrations by %s id need the role '%s' in the income table", fn,
                       household ? "household" : "person", household ? "household_id" : "person_id");
    if (!household && p->household_file) return am_fail(ARMOEDE_EINVAL, "%s: person registrations need a person-year table", fn);
    const am_col *ic = &t->cols[icol];
    const idmap *map = household ? &p->hhm : &p->follow;
    int32_t *cache = NULL;
    if (ci->type == ARMOEDE_TYPE_CAT) {
        cache = malloc((ci->dict.n ? ci->dict.n : 1) * sizeof *cache);
        if (!cache) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        for (size_t k = 0; k < ci->dict.n; k++) cache[k] = INT32_MIN;
    }
    /* scheme code -> index, per dictionary code of a CAT column */
    int32_t *smap = NULL;
    if (cs->type == ARMOEDE_TYPE_CAT) {
        smap = malloc((cs->dict.n ? cs->dict.n : 1) * sizeof *smap);
        if (!smap) { free(cache); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
        for (size_t k = 0; k < cs->dict.n; k++) {
            smap[k] = -1;
            for (size_t s = 0; s < p->nsch; s++) if (!strcmp(p->o->schemes[s].code, cs->dict.labels[k])) smap[k] = (int32_t)s;
        }
    }
    rc = 0;
    st->rows = reg->nrows;
    for (size_t i = 0; i < reg->nrows && !rc; i++) {
        char buf[64];
        if (am_key(ci, i) == ARMOEDE_NA_INT) { rc = reg_fail(reg, i, ci, "a registration without an id"); break; }
        if (am_key(cs, i) == ARMOEDE_NA_INT) { rc = reg_fail(reg, i, cs, "a registration without a scheme"); break; }
        int64_t a = col_int(ca, i), b = col_int(cb, i), yr = col_int(cy, i);
        if (a != ARMOEDE_NA_INT && b != ARMOEDE_NA_INT && b < a) { rc = reg_fail(reg, i, cb, "the end date is before the start date"); break; }
        if (cm && am_num(cm, i) < 0) { rc = reg_fail(reg, i, cm, "a negative amount"); break; }
        int64_t y0, y1;
        int mismatch = 0;
        const am_col *mcol = NULL;
        if (yr != ARMOEDE_NA_INT) {
            /* the year decides; named dates must overlap it */
            y0 = y1 = yr;
            if (yr >= -100000 && yr <= 100000) {
                if (a != ARMOEDE_NA_INT && a > am_days_from_civil(yr, 12, 31)) { mismatch = 1; mcol = ca; }
                else if (b != ARMOEDE_NA_INT && b < am_days_from_civil(yr, 1, 1)) { mismatch = 1; mcol = cb; }
            }
        } else if (cy && !ca) {
            rc = reg_fail(reg, i, cy, "a registration without a year");
            break;
        } else {
            if (a == ARMOEDE_NA_INT) {
                rc = cy ? reg_fail(reg, i, cy, "a registration without a year or a start date")
                        : reg_fail(reg, i, ca, "a registration without a start date");
                break;
            }
            int yy, mm, dd;
            am_civil_from_days(a, &yy, &mm, &dd);
            y0 = yy;
            if (b == ARMOEDE_NA_INT) y1 = p->ymax > y0 ? p->ymax : y0;
            else { am_civil_from_days(b, &yy, &mm, &dd); y1 = yy; }
        }
        int32_t s;
        if (smap) s = smap[cs->v.c[i]];
        else {
            snprintf(buf, sizeof buf, "%" PRId64, am_ival(cs, i));
            s = -1;
            for (size_t k = 0; k < p->nsch; k++) if (!strcmp(p->o->schemes[k].code, buf)) s = (int32_t)k;
        }
        if (s < 0) {
            if (!st->unknown++) {
                st->unknown_row = i;
                snprintf(st->unknown_code, sizeof st->unknown_code, "%s", valtext(cs, i, buf, sizeof buf));
            }
            continue;
        }
        if (mismatch) {
            if (!st->mismatch++) { st->mismatch_row = i; st->mismatch_col = mcol; }
            continue;
        }
        int64_t key = 0;
        int missing = reg_key(ci, ic, i, cache, &key);
        /* years outside the income years are counted, not walked */
        int64_t lo = y0 > p->ymin ? y0 : p->ymin, hi = y1 < p->ymax ? y1 : p->ymax;
        size_t outside = lo > hi ? (size_t)(y1 - y0 + 1) : (size_t)((lo - y0) + (y1 - hi));
        if (outside) {
            if (!st->outside) st->outside_row = i;
            st->outside += outside;
        }
        for (int64_t y = lo; y <= hi; y++) {
            long u = missing ? -1 : idmap_get(map, key, (int32_t)y);
            if (u < 0) {
                if (!st->notfound++) st->notfound_row = i;
                continue;
            }
            if (household) p->hh_used[u] |= UINT64_C(1) << s;
            else p->rowused[u] |= UINT64_C(1) << s;
        }
    }
    free(cache);
    free(smap);
    return rc;
}

/* One unit level (households or persons): units, accumulation, rows. */
typedef struct {
    grp g;
    size_t nsets;     /* schemes + any */
    acc *take, *leak; /* [set][cell] */
    acc *reach;       /* [group][set][cell] */
    acc *hold;        /* [pass_holder 0 existing 1 new 2 Total][cell] */
    size_t users_out, key_missing, nunits;
} lev;

static void lev_free(lev *L)
{
    free(L->take); free(L->leak); free(L->reach); free(L->hold);
}

static int emit_set(armoede_result *r, const tu *p, const lev *L, const char *ind, const char *unit, const char *scheme,
                    const acc *a, double thr, double dur, int complement, const char *ph)
{
    double z = zval(p->po.ci_level);
    const char *keys[MAXD + 2];
    const char *ii = am_result_intern(r, ind), *uu = am_result_intern(r, unit), *ss = am_result_intern(r, scheme);
    const char *pp = ph ? am_result_intern(r, ph) : NULL;
    if (!ii || !uu || !ss || (ph && !pp)) return ARMOEDE_ENOMEM;
    keys[0] = ss;
    keys[1] = pp;
    for (size_t c = 0; c < L->g.ncells; c++) {
        if (a[c].dn == 0) continue;
        acc x = a[c];
        if (complement) { x.nw = x.dw - x.nw; x.nn = x.dn - x.nn; x.n2 = x.d2 - x.n2; }
        double f[ARMOEDE_FIELD_COUNT_];
        share_fields(&x, p->weighted, z, f);
        f[ARMOEDE_FIELD_THRESHOLD] = thr;
        f[ARMOEDE_FIELD_DURATION] = dur;
        int rc = grp_keys(&L->g, c, r, keys + 2);
        if (!rc) rc = am_result_add_interned(r, ii, uu, keys, f);
        if (rc) return rc;
    }
    return 0;
}

static int run_level(tu *p, int persons, armoede_result *r, const char *fn)
{
    const armoede_table *t = p->t;
    const armoede_take_up_options *o = p->o;
    lev L;
    memset(&L, 0, sizeof L);
    int rc = 0;
    /* groups: by columns, then main_income */
    for (size_t k = 0; k < p->po.n_by && !rc; k++) {
        int j = am_table_find(t, p->po.by[k]), mg = 0;
        for (size_t m = 0; m < p->po.n_margins; m++) if (!strcmp(p->po.margins[m], p->po.by[k])) mg = 1;
        rc = grp_add_col(&L.g, t, j, mg, fn);
    }
    static const char *const work_labels[] = {"work", "not_work"};
    if (!rc && o->work_breakdown) rc = grp_add_derived(&L.g, work_labels, 2, 1, 0);
    if (!rc) rc = grp_finish(&L.g, fn);
    size_t nc = L.g.ncells;
    L.nsets = p->nsch + (p->has_any ? 1 : 0);
    if (!rc) {
        L.take = calloc(L.nsets * nc, sizeof(acc));
        L.leak = calloc(L.nsets * nc, sizeof(acc));
        L.reach = calloc((p->nreach ? p->nreach : 1) * L.nsets * nc, sizeof(acc));
        L.hold = calloc(3 * nc, sizeof(acc));
        if (!L.take || !L.leak || !L.reach || !L.hold) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    }
    size_t nu = persons ? p->nrows : p->nhh;
    uint64_t *uused = NULL;
    if (!rc && !(uused = calloc(nu ? nu : 1, sizeof *uused))) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    /* used mask per unit (needed for the previous year of holders) */
    for (size_t u = 0; u < nu && !rc; u++) {
        if (persons) {
            if (p->hh[u] < 0) continue;
            uused[u] = p->rowused[u] | p->hh_used[p->hh[u]];
        } else {
            uint64_t m = p->hh_used[u];
            for (uint32_t q = p->mem_start[u]; q < p->mem_start[u + 1]; q++) m |= p->rowused[p->mem[q]];
            uused[u] = m;
        }
    }
    int wc = p->col[ARMOEDE_ROLE_WEIGHT], isc = p->col[ARMOEDE_ROLE_INCOME_SOURCE];
    int hc = p->col[ARMOEDE_ROLE_HOUSEHOLD_ID], pc = p->col[ARMOEDE_ROLE_PERSON_ID];
    size_t nmarg = 0;
    for (size_t d = 0; d < L.g.nd; d++) nmarg += L.g.margin[d] != 0;
    size_t *cells = rc ? NULL : malloc(((size_t)1 << nmarg) * sizeof *cells);
    if (!rc && !cells) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    int32_t code[MAXD];
    uint8_t run[MAXTHR];
    for (size_t u = 0; u < nu && !rc; u++) {
        size_t f0;
        uint64_t agem, condm;
        if (persons) {
            if (p->hh[u] < 0) continue; /* no year */
            f0 = u;
            agem = p->agemask[u];
            condm = p->condmask[u];
            for (size_t k = 0; k < p->nruns; k++) run[k] = p->run[u * p->nruns + k];
        } else {
            f0 = p->mem[p->mem_start[u]];
            agem = condm = 0;
            for (size_t k = 0; k < p->nruns; k++) run[k] = 0;
            for (uint32_t q = p->mem_start[u]; q < p->mem_start[u + 1]; q++) {
                size_t i = p->mem[q];
                agem |= p->agemask[i];
                condm |= p->condmask[i];
                for (size_t k = 0; k < p->nruns; k++) if (p->run[i * p->nruns + k] > run[k]) run[k] = p->run[i * p->nruns + k];
            }
        }
        L.nunits++;
        uint32_t cls = p->cls[f0];
        int minors = p->hh_minor[p->hh[f0]];
        uint64_t used = uused[u];
        double w = wc >= 0 ? am_num(&t->cols[wc], f0) : 1.0;
        /* group of the unit */
        size_t d = 0;
        for (; d < p->po.n_by; d++) code[d] = grp_code(&L.g, d, f0);
        if (o->work_breakdown) {
            int32_t sc = isc >= 0 && t->cols[isc].type == ARMOEDE_TYPE_CAT ? t->cols[isc].v.c[f0] : -1;
            static const char *const def_work[] = {"work"};
            const char *const *ws = o->work_sources ? o->work_sources : def_work;
            size_t nws = o->work_sources ? o->n_work_sources : 1;
            code[d++] = sc < 0 ? -1 : in_list(t->cols[isc].dict.labels[sc], ws, nws) ? 0 : 1;
        }
        size_t ncl = grp_cells(&L.g, code, cells);
        if (!ncl) { L.key_missing++; continue; }
        /* holders: outside the CBS population rules, needs a valid weight */
        if (p->holder >= 0 && (used >> p->holder & 1) && minors && w > 0 && isfinite(w)) {
            int child = (int)(used >> p->child & 1);
            int ph = -1;
            if (p->year[f0] > p->ymin) {
                int fc = persons ? pc : hc;
                int64_t id = fc >= 0 ? am_key(&t->cols[fc], f0) : ARMOEDE_NA_INT;
                long prev = idmap_get(persons ? &p->follow : &p->hhm, id, p->year[f0] - 1);
                if (id != ARMOEDE_NA_INT) ph = prev >= 0 && (uused[prev] >> p->holder & 1) ? 0 : 1;
            }
            for (size_t k = 0; k < ncl; k++) {
                if (ph >= 0) acc_add(&L.hold[(size_t)ph * nc + cells[k]], w, child);
                acc_add(&L.hold[2 * nc + cells[k]], w, child);
            }
        }
        if (!(cls & IN_POP)) {
            if (used) L.users_out++;
            continue;
        }
        /* eligibility per scheme */
        uint64_t elig = 0;
        for (size_t s = 0; s < p->nsch; s++) {
            const armoede_scheme *sc = &o->schemes[s];
            if (p->s_thr[s] >= 0 && !(cls >> p->s_thr[s] & 1u)) continue;
            if (p->s_run[s] >= 0 && run[p->s_run[s]] < p->s_years[s]) continue;
            if (sc->needs_minors && !minors) continue;
            if ((sc->age_min >= 0 || sc->age_max >= 0) && !(agem >> s & 1)) continue;
            if (p->ncl[s] && !(condm >> s & 1)) continue;
            elig |= UINT64_C(1) << s;
        }
        for (size_t s = 0; s < L.nsets; s++) {
            int e, us;
            if (s < p->nsch) { e = (int)(elig >> s & 1); us = (int)(used >> s & 1); }
            else { e = (elig & p->anymask) != 0; us = (used & p->anymask) != 0; }
            for (size_t k = 0; k < ncl; k++) {
                if (e) acc_add(&L.take[s * nc + cells[k]], w, us);
                if (us) acc_add(&L.leak[s * nc + cells[k]], w, !e);
            }
            for (size_t gi = 0; gi < p->nreach; gi++) {
                int in = (cls >> p->r_thr[gi] & 1u) && (p->r_run[gi] < 0 || run[p->r_run[gi]] >= p->r_years[gi]);
                if (!in) continue;
                for (size_t k = 0; k < ncl; k++) acc_add(&L.reach[(gi * L.nsets + s) * nc + cells[k]], w, us);
            }
        }
    }
    free(uused);
    free(cells);
    const char *unit = persons ? "persons" : "households";
    for (size_t s = 0; s < L.nsets && !rc && o->take_up; s++) {
        const char *code_s = s < p->nsch ? o->schemes[s].code : (o->any_label ? o->any_label : "any");
        double thr = s < p->nsch && o->schemes[s].threshold > 0 ? o->schemes[s].threshold : NAN;
        double dur = s < p->nsch && p->s_years[s] > 1 ? p->s_years[s] : NAN;
        rc = emit_set(r, p, &L, "take_up", unit, code_s, &L.take[s * nc], thr, dur, 0, NULL);
        if (!rc) rc = emit_set(r, p, &L, "non_take_up", unit, code_s, &L.take[s * nc], thr, dur, 1, NULL);
        if (!rc) rc = emit_set(r, p, &L, "leakage", unit, code_s, &L.leak[s * nc], thr, dur, 0, NULL);
    }
    for (size_t gi = 0; gi < p->nreach && !rc; gi++)
        for (size_t s = 0; s < L.nsets && !rc; s++) {
            const char *code_s = s < p->nsch ? o->schemes[s].code : (o->any_label ? o->any_label : "any");
            rc = emit_set(r, p, &L, "reach", unit, code_s, &L.reach[(gi * L.nsets + s) * nc], p->r_p[gi],
                          p->r_years[gi], 0, NULL);
        }
    static const char *const phl[3] = {"existing", "new", AM_TOTAL_LABEL};
    for (int ph = 0; ph < 3 && !rc && p->holder >= 0; ph++)
        rc = emit_set(r, p, &L, "holder_uptake", unit, o->schemes[p->child].code, &L.hold[(size_t)ph * nc], NAN, NAN, 0,
                      phl[ph]);
    if (!rc && L.users_out)
        rc = am_result_note(r, "%s: %zu unit-years that use a scheme are outside the population (CBS filters, negative or missing income): in no take-up, leakage or reach cell",
                            unit, L.users_out);
    if (!rc && L.key_missing)
        rc = am_result_note(r, "%s: %zu unit-years left out of every cell: a breakdown key missing", unit, L.key_missing);
    lev_free(&L);
    grp_free(&L.g);
    return rc;
}

int armoede_take_up(const armoede_table *t, const armoede_table *reg, const armoede_take_up_options *opts,
                    armoede_result **out)
{
    static const char fn[] = "armoede_take_up";
    if (out) *out = NULL;
    if (!t || !reg || !opts || !out) return am_fail(ARMOEDE_EINVAL, "%s: NULL argument", fn);
    if (opts->version < 1 || opts->version > ARMOEDE_TAKE_UP_OPTIONS_VERSION)
        return am_fail(ARMOEDE_EINVAL, "%s: armoede_take_up_options version %u is not supported", fn, opts->version);
    if (opts->registrations.version < 1 || opts->registrations.version > ARMOEDE_REGISTRATION_COLUMNS_VERSION)
        return am_fail(ARMOEDE_EINVAL, "%s: armoede_registration_columns version %u is not supported", fn, opts->registrations.version);
    am_gsl_guard();
    tu *p = calloc(1, sizeof *p);
    if (!p) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    armoede_result *r = NULL;
    int rc = 0;
    p->t = t;
    p->o = opts;
    p->nrows = t->nrows;
    armoede_impact_options dpo = ARMOEDE_IMPACT_OPTIONS_INIT;
    if (opts->population) {
        if (opts->population->version < 1 || opts->population->version > ARMOEDE_IMPACT_OPTIONS_VERSION) {
            rc = am_fail(ARMOEDE_EINVAL, "%s: armoede_impact_options version %u is not supported", fn, opts->population->version);
            goto done;
        }
        dpo = *opts->population;
    }
    p->po = dpo;
    if (!(dpo.ci_level > 0 && dpo.ci_level < 1)) { rc = am_fail(ARMOEDE_EINVAL, "%s: ci_level must be in (0, 1)", fn); goto done; }
    if (dpo.negative_income != ARMOEDE_NEGATIVE_EXCLUDE && dpo.negative_income != ARMOEDE_NEGATIVE_INCLUDE) {
        rc = am_fail(ARMOEDE_EINVAL, "%s: negative_income must be ARMOEDE_NEGATIVE_EXCLUDE or _INCLUDE", fn);
        goto done;
    }
    if ((dpo.n_by && !dpo.by) || (dpo.n_margins && !dpo.margins) || dpo.n_by > 16) {
        rc = am_fail(ARMOEDE_EINVAL, "%s: bad by or margins (at most 16 breakdowns)", fn);
        goto done;
    }
    for (size_t k = 0; k < dpo.n_by && !rc; k++) {
        if (!dpo.by[k] || am_table_find(t, dpo.by[k]) < 0)
            rc = am_fail(dpo.by[k] ? ARMOEDE_ENOTFOUND : ARMOEDE_EINVAL, "%s: breakdown column '%s' is not in the table", fn,
                         dpo.by[k] ? dpo.by[k] : "(null)");
        for (size_t q = 0; q < k && !rc; q++)
            if (!strcmp(dpo.by[q], dpo.by[k])) rc = am_fail(ARMOEDE_EINVAL, "%s: breakdown column '%s' named twice", fn, dpo.by[k]);
    }
    for (size_t m = 0; m < dpo.n_margins && !rc; m++)
        if (!dpo.margins[m] || !in_list(dpo.margins[m], dpo.by, dpo.n_by))
            rc = am_fail(ARMOEDE_EINVAL, "%s: margin '%s' is not one of the breakdown columns", fn,
                         dpo.margins[m] ? dpo.margins[m] : "(null)");
    if (rc) goto done;
    for (int k = 0; k < ARMOEDE_ROLE_COUNT_; k++) p->col[k] = t->role[k];
    p->household_file = p->col[ARMOEDE_ROLE_PERSON_ID] < 0;
    p->weighted = p->col[ARMOEDE_ROLE_WEIGHT] >= 0;
    if (p->col[ARMOEDE_ROLE_YEAR] < 0) { rc = am_fail(ARMOEDE_ENOTFOUND, "%s needs the role 'year' to be mapped to a column", fn); goto done; }
    if ((rc = type_check(t, &t->cols[p->col[ARMOEDE_ROLE_YEAR]], T_INT, "a year must be a whole number (the year column must be integer)")))
        goto done;
    if (p->col[ARMOEDE_ROLE_RATIO_PCT] < 0) {
        if (p->col[ARMOEDE_ROLE_INCOME] < 0) { rc = am_fail(ARMOEDE_ENOTFOUND, "%s needs the role 'income' (or 'ratio_pct') to be mapped", fn); goto done; }
        if (p->col[ARMOEDE_ROLE_NORM] < 0 && !dpo.norms) { rc = am_fail(ARMOEDE_EINVAL, "%s: no ratio_pct or norm column is mapped and no norms table was given", fn); goto done; }
        if (p->col[ARMOEDE_ROLE_NORM] < 0 && p->col[ARMOEDE_ROLE_HOUSEHOLD_TYPE] < 0) { rc = am_fail(ARMOEDE_ENOTFOUND, "%s needs the role 'household_type' for a norms-table lookup", fn); goto done; }
    }
    if (dpo.wealth_limit > 0 && p->col[ARMOEDE_ROLE_WEALTH] < 0) { rc = am_fail(ARMOEDE_ENOTFOUND, "%s needs the role 'wealth' for the wealth test", fn); goto done; }
    unsigned units = opts->units ? opts->units : ARMOEDE_UNIT_HOUSEHOLDS;
    if (units & ~(unsigned)(ARMOEDE_UNIT_HOUSEHOLDS | ARMOEDE_UNIT_PERSONS)) { rc = am_fail(ARMOEDE_EINVAL, "%s: units may be households and persons only", fn); goto done; }
    if ((units & ARMOEDE_UNIT_PERSONS) && p->household_file) { rc = am_fail(ARMOEDE_EINVAL, "%s: persons need a person-year table (role person_id)", fn); goto done; }
    if ((units & ARMOEDE_UNIT_HOUSEHOLDS) && !p->household_file && p->col[ARMOEDE_ROLE_HOUSEHOLD_ID] < 0) { rc = am_fail(ARMOEDE_ENOTFOUND, "%s: households need the role 'household_id'", fn); goto done; }
    if (opts->work_breakdown && p->col[ARMOEDE_ROLE_INCOME_SOURCE] < 0) { rc = am_fail(ARMOEDE_ENOTFOUND, "%s: work_breakdown needs the role 'income_source'", fn); goto done; }
    /* schemes */
    if (!opts->schemes || opts->n_schemes == 0 || opts->n_schemes > MAXSCHEMES) { rc = am_fail(ARMOEDE_EINVAL, "%s: between 1 and %d schemes", fn, MAXSCHEMES); goto done; }
    p->nsch = opts->n_schemes;
    for (size_t s = 0; s < p->nsch && !rc; s++) {
        const armoede_scheme *sc = &opts->schemes[s];
        if (!sc->code || !*sc->code) { rc = am_fail(ARMOEDE_EINVAL, "%s: scheme %zu has no code", fn, s); break; }
        for (size_t q = 0; q < s; q++)
            if (!strcmp(opts->schemes[q].code, sc->code)) rc = am_fail(ARMOEDE_EINVAL, "%s: scheme '%s' given twice", fn, sc->code);
        if (rc) break;
        if (sc->min_years < 0 || sc->min_years > 50 || sc->threshold < 0 || isnan(sc->threshold) || sc->duration_threshold < 0 ||
            isnan(sc->duration_threshold) || sc->age_min < -1 || sc->age_max < -1 || (sc->age_max >= 0 && sc->age_min > sc->age_max)) {
            rc = am_fail(ARMOEDE_EINVAL, "%s: scheme '%s': min_years 0..50, thresholds >= 0, age band -1 or 0 <= age_min <= age_max", fn, sc->code);
            break;
        }
        p->s_thr[s] = p->s_run[s] = -1;
        p->s_years[s] = sc->min_years > 1 ? sc->min_years : 1;
        if (sc->threshold > 0 && (p->s_thr[s] = add_thr(p, sc->threshold, fn)) < 0) { rc = p->s_thr[s]; break; }
        if (sc->min_years > 1) {
            double dt = sc->duration_threshold > 0 ? sc->duration_threshold : sc->threshold;
            if (!(dt > 0)) { rc = am_fail(ARMOEDE_EINVAL, "%s: scheme '%s': a duration test needs a threshold", fn, sc->code); break; }
            int k = add_thr(p, dt, fn);
            if (k < 0) { rc = k; break; }
            p->s_run[s] = add_run(p, k);
        }
        if (sc->condition && *sc->condition) rc = parse_condition(p, s, sc->condition, fn);
        if (!rc && (sc->age_min >= 0 || sc->age_max >= 0) && p->col[ARMOEDE_ROLE_AGE] < 0 && p->col[ARMOEDE_ROLE_BIRTH_YEAR] < 0)
            rc = am_fail(ARMOEDE_ENOTFOUND, "%s: scheme '%s': an age band needs the role 'age' or 'birth_year'", fn, sc->code);
    }
    if (rc) goto done;
    /* the set "at least one" */
    if (opts->any_of) {
        for (size_t k = 0; k < opts->n_any_of && !rc; k++) {
            size_t s;
            for (s = 0; s < p->nsch; s++) if (opts->any_of[k] && !strcmp(opts->any_of[k], opts->schemes[s].code)) break;
            if (s == p->nsch) rc = am_fail(ARMOEDE_ENOTFOUND, "%s: any_of names '%s', which is not a scheme", fn, opts->any_of[k] ? opts->any_of[k] : "(null)");
            else p->anymask |= UINT64_C(1) << s;
        }
        p->has_any = opts->n_any_of > 0;
    } else if (p->nsch >= 2) {
        p->has_any = 1;
        p->anymask = p->nsch == 64 ? ~UINT64_C(0) : (UINT64_C(1) << p->nsch) - 1;
    }
    if (!rc && p->has_any && opts->any_label)
        for (size_t s = 0; s < p->nsch; s++)
            if (!strcmp(opts->any_label, opts->schemes[s].code)) rc = am_fail(ARMOEDE_EINVAL, "%s: any_label '%s' is also a scheme code", fn, opts->any_label);
    /* reach groups */
    static const armoede_reach_group cbs[3] = {{1.3, 1}, {1.1, 1}, {1.1, 4}};
    const armoede_reach_group *rg = opts->reach ? opts->reach : cbs;
    p->nreach = opts->reach ? opts->n_reach : 3;
    if (!rc && p->nreach > MAXTHR) rc = am_fail(ARMOEDE_EINVAL, "%s: at most %d reach groups", fn, MAXTHR);
    for (size_t g = 0; g < p->nreach && !rc; g++) {
        if (rg[g].min_years < 1 || rg[g].min_years > 50) { rc = am_fail(ARMOEDE_EINVAL, "%s: reach group %zu: min_years must be 1..50", fn, g); break; }
        int k = add_thr(p, rg[g].threshold, fn);
        if (k < 0) { rc = k; break; }
        p->r_p[g] = rg[g].threshold;
        p->r_thr[g] = k;
        p->r_years[g] = rg[g].min_years;
        p->r_run[g] = rg[g].min_years > 1 ? add_run(p, k) : -1;
    }
    /* holders */
    p->holder = p->child = -1;
    if (!rc && (opts->holder_scheme || opts->holder_child_scheme)) {
        for (size_t s = 0; s < p->nsch; s++) {
            if (opts->holder_scheme && !strcmp(opts->holder_scheme, opts->schemes[s].code)) p->holder = (int)s;
            if (opts->holder_child_scheme && !strcmp(opts->holder_child_scheme, opts->schemes[s].code)) p->child = (int)s;
        }
        if (p->holder < 0 || p->child < 0)
            rc = am_fail(ARMOEDE_ENOTFOUND, "%s: holder_scheme and holder_child_scheme must both name schemes", fn);
    }
    if (rc) goto done;
    /* rows: years, classification, attributes */
    size_t n = t->nrows;
    p->year = malloc((n ? n : 1) * sizeof *p->year);
    p->cls = calloc(n ? n : 1, sizeof *p->cls);
    p->run = calloc((n ? n : 1) * (p->nruns ? p->nruns : 1), 1);
    p->minor = calloc(n ? n : 1, 1);
    p->agemask = calloc(n ? n : 1, sizeof *p->agemask);
    p->condmask = calloc(n ? n : 1, sizeof *p->condmask);
    p->rowused = calloc(n ? n : 1, sizeof *p->rowused);
    if (!p->year || !p->cls || !p->run || !p->minor || !p->agemask || !p->condmask || !p->rowused) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
    const am_col *yc = &t->cols[p->col[ARMOEDE_ROLE_YEAR]];
    p->ymin = INT32_MAX;
    p->ymax = INT32_MIN;
    for (size_t i = 0; i < n; i++) {
        int64_t y = col_int(yc, i);
        if (y != ARMOEDE_NA_INT && (y < 1000 || y > 9999)) {
            char where[512];
            rc = am_fail(ARMOEDE_EDATA, "%s, column '%s': year %" PRId64 " is not a plausible year", am_table_where(t, i, where, sizeof where), yc->name, y);
            goto done;
        }
        p->year[i] = y == ARMOEDE_NA_INT ? INT32_MIN : (int32_t)y;
        if (y != ARMOEDE_NA_INT) {
            if (y < p->ymin) p->ymin = (int32_t)y;
            if (y > p->ymax) p->ymax = (int32_t)y;
        }
    }
    if (p->ymin > p->ymax) p->ymin = p->ymax = 2000;
    if ((rc = setup_norms(p))) goto done;
    am_rowclass_stats rs = {0, 0, SIZE_MAX};
    for (size_t i = 0; i < n; i++) {
        int why;
        p->cls[i] = am_rowclass_row(&p->k, i, &why, &rs);
        p->skips[why]++;
        p->minor[i] = (uint8_t)row_minor(p, i);
        int age = (p->col[ARMOEDE_ROLE_AGE] >= 0 || p->col[ARMOEDE_ROLE_BIRTH_YEAR] >= 0) ? row_age(p, i) : INT32_MIN;
        for (size_t s = 0; s < p->nsch; s++) {
            const armoede_scheme *sc = &opts->schemes[s];
            if ((sc->age_min >= 0 || sc->age_max >= 0) && age != INT32_MIN && (sc->age_min < 0 || age >= sc->age_min) &&
                (sc->age_max < 0 || age <= sc->age_max))
                p->agemask[i] |= UINT64_C(1) << s;
            int ok = p->ncl[s] > 0;
            for (size_t c = 0; c < p->ncl[s] && ok; c++) ok = clause_ok(p, &p->cl[s][c], i);
            if (ok) p->condmask[i] |= UINT64_C(1) << s;
        }
    }
    p->wealth_tested = rs.wealth_tested;
    if (rs.norm_err_row != SIZE_MAX) { rc = am_rowclass_norm_error(&p->k, rs.norm_err_row); goto done; }
    if ((rc = build_rows(p))) goto done;
    p->hh_used = calloc(p->nhh ? p->nhh : 1, sizeof *p->hh_used);
    if (!p->hh_used) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
    regstats st;
    memset(&st, 0, sizeof st);
    if ((rc = read_registrations(p, reg, &st, fn))) goto done;
    /* the result */
    if (!(r = am_result_new())) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
    {
        const char *names[MAXD + 2];
        size_t nk = 0;
        names[nk++] = "scheme";
        names[nk++] = "pass_holder";
        for (size_t k = 0; k < dpo.n_by; k++) names[nk++] = dpo.by[k];
        if (opts->work_breakdown) names[nk++] = "main_income";
        if ((rc = am_result_set_keys(r, names, nk))) goto done;
    }
    if (units & ARMOEDE_UNIT_HOUSEHOLDS) rc = run_level(p, 0, r, fn);
    if (!rc && (units & ARMOEDE_UNIT_PERSONS)) rc = run_level(p, 1, r, fn);
    if (rc) goto done;
    rc = am_result_note(r, "income rows read: %zu; registrations read: %zu", n, st.rows);
    for (int k = 1; k < AM_SK_COUNT_ && !rc; k++)
        if (p->skips[k]) rc = am_result_note(r, "income rows out of the population: %zu (%s)", p->skips[k], am_skip_text[k]);
    if (!rc && p->wealth_tested)
        rc = am_result_note(r, "wealth test: %zu rows above the wealth limit %.2f kept in the population, never counted as low", p->wealth_tested, dpo.wealth_limit);
    char where[512];
    const am_col *ci = &reg->cols[am_table_find(reg, opts->registrations.id)];
    const am_col *cs = &reg->cols[am_table_find(reg, opts->registrations.scheme)];
    char vb[128];
    if (!rc && st.unknown)
        rc = am_result_note(r, "registrations ignored: %zu with a scheme code that is not a configured scheme (first: %s, column '%s', value '%s')",
                            st.unknown, am_table_where(reg, st.unknown_row, where, sizeof where), cs->name, st.unknown_code);
    if (!rc && st.notfound)
        rc = am_result_note(r, "registration-years not counted: %zu whose id is not in the income table in that year (first: %s, column '%s', value '%s')",
                            st.notfound, am_table_where(reg, st.notfound_row, where, sizeof where), ci->name, valtext(ci, st.notfound_row, vb, sizeof vb));
    if (!rc && st.outside)
        rc = am_result_note(r, "registration-years ignored: %zu outside the years %d-%d of the income table (first: %s)", st.outside,
                            (int)p->ymin, (int)p->ymax, am_table_where(reg, st.outside_row, where, sizeof where));
    if (!rc && st.mismatch)
        rc = am_result_note(r, "registrations left out: %zu whose start and end dates do not overlap their year (first: %s, column '%s', value '%s')",
                            st.mismatch, am_table_where(reg, st.mismatch_row, where, sizeof where), st.mismatch_col->name,
                            valtext(st.mismatch_col, st.mismatch_row, vb, sizeof vb));
    if (!rc && !reg->nrows)
        rc = am_result_note(r, "registrations: %s has no rows: no unit uses a scheme (take-up 0; no leakage cells)",
                            reg->source ? reg->source : "the table");
done:
    tu_free(p);
    free(p);
    if (rc) { armoede_result_free(r); return rc; }
    *out = r;
    return 0;
}

/* ================================================================== */
/* Debt assistance                                                      */
/* ================================================================== */
typedef struct {
    const armoede_table *t;
    armoede_debt_options o;
    int j_id, j_in, j_ct, j_debt, j_cred, j_first, j_crisis, j_closed, j_out;
    grp g;
    int32_t *ct;     /* client type per case: 0 private, 1 entrepreneur, -1 missing */
    size_t ct_missing;
    int32_t *yr;     /* year level per case, -1 none */
    int64_t *years;  /* year of each year level */
    size_t *cells;   /* scratch */
} dbt;

static void dbt_free(dbt *d)
{
    grp_free(&d->g);
    free(d->ct); free(d->yr); free(d->years); free(d->cells);
}

static int date_col(const armoede_table *t, int j, const char *what)
{
    if (j < 0) return 0;
    if (t->cols[j].type != ARMOEDE_TYPE_INT)
        return am_fail(ARMOEDE_ETYPE, "cases: %s column '%s' must hold dates (YYYY-MM-DD)", what, t->cols[j].name);
    return 0;
}

static int dbt_setup(dbt *d, const armoede_table *t, const armoede_debt_options *opts, int by_closing, const char *fn)
{
    memset(d, 0, sizeof *d);
    d->t = t;
    armoede_debt_options o = ARMOEDE_DEBT_OPTIONS_INIT;
    if (opts) {
        if (opts->version < 1 || opts->version > ARMOEDE_DEBT_OPTIONS_VERSION)
            return am_fail(ARMOEDE_EINVAL, "%s: armoede_debt_options version %u is not supported", fn, opts->version);
        o = *opts;
    }
    if (o.columns.version < 1 || o.columns.version > ARMOEDE_CASE_COLUMNS_VERSION)
        return am_fail(ARMOEDE_EINVAL, "%s: armoede_case_columns version %u is not supported", fn, o.columns.version);
    if (!o.private_label) o.private_label = "private";
    if (!o.entrepreneur_label) o.entrepreneur_label = "entrepreneur";
    if (!(o.ci_level > 0 && o.ci_level < 1) || o.bootstrap < 0 || o.bootstrap > 1000000 || o.recidivism_years < 1 ||
        o.recidivism_years > 100 || (o.n_by && !o.by) || (o.n_margins && !o.margins) || o.n_by > 16)
        return am_fail(ARMOEDE_EINVAL, "%s: ci_level in (0, 1), bootstrap 0..1000000, recidivism_years 1..100, at most 16 by", fn);
    d->o = o;
    const armoede_case_columns *c = &o.columns;
    int rc;
    if (!c->intake) return am_fail(ARMOEDE_EINVAL, "%s: the intake date column is required", fn);
    if ((rc = col_of(t, c->intake, "cases", &d->j_in)) || (rc = col_of(t, c->client_type, "cases", &d->j_ct)) ||
        (rc = date_col(t, d->j_in, "intake")))
        return rc;
    d->j_id = d->j_debt = d->j_cred = d->j_first = d->j_closed = d->j_out = d->j_crisis = -1;
    if (!by_closing) {
        if ((rc = col_of(t, c->crisis, "cases", &d->j_crisis)) || (rc = col_of(t, c->debt, "cases", &d->j_debt)) || (rc = col_of(t, c->creditors, "cases", &d->j_cred)) ||
            (rc = col_of(t, c->first_appointment, "cases", &d->j_first)) || (rc = date_col(t, d->j_first, "first appointment")))
            return rc;
    } else {
        if (!c->closed || !c->outcome) return am_fail(ARMOEDE_EINVAL, "%s: the closing date and outcome columns are required", fn);
        if ((rc = col_of(t, c->closed, "cases", &d->j_closed)) || (rc = col_of(t, c->outcome, "cases", &d->j_out)) ||
            (rc = col_of(t, c->client_id, "cases", &d->j_id)) || (rc = date_col(t, d->j_closed, "closing")))
            return rc;
        if (t->cols[d->j_out].type != ARMOEDE_TYPE_CAT)
            return am_fail(ARMOEDE_ETYPE, "cases: outcome column '%s' must be categorical", t->cols[d->j_out].name);
        if (d->j_id >= 0 && t->cols[d->j_id].type == ARMOEDE_TYPE_REAL)
            return am_fail(ARMOEDE_ETYPE, "cases: client id column '%s' must be integer or categorical", t->cols[d->j_id].name);
    }
    if (d->j_debt >= 0 && t->cols[d->j_debt].type == ARMOEDE_TYPE_CAT) return am_fail(ARMOEDE_ETYPE, "cases: debt column '%s' must be numeric", t->cols[d->j_debt].name);
    if (d->j_cred >= 0 && t->cols[d->j_cred].type == ARMOEDE_TYPE_CAT) return am_fail(ARMOEDE_ETYPE, "cases: creditors column '%s' must be numeric", t->cols[d->j_cred].name);
    if (d->j_crisis >= 0 && t->cols[d->j_crisis].type != ARMOEDE_TYPE_INT) return am_fail(ARMOEDE_ETYPE, "cases: crisis column '%s' must be 0/1", t->cols[d->j_crisis].name);
    size_t n = t->nrows;
    d->ct = malloc((n ? n : 1) * sizeof *d->ct);
    d->yr = malloc((n ? n : 1) * sizeof *d->yr);
    d->years = malloc((n ? n : 1) * sizeof *d->years);
    if (!d->ct || !d->yr || !d->years) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    /* client types */
    const am_col *cc = d->j_ct >= 0 ? &t->cols[d->j_ct] : NULL;
    if (cc && cc->type != ARMOEDE_TYPE_CAT) return am_fail(ARMOEDE_ETYPE, "cases: client type column '%s' must be categorical", cc->name);
    for (size_t i = 0; i < n; i++) {
        d->ct[i] = -1;
        if (!cc || cc->v.c[i] < 0) { d->ct_missing++; continue; }
        const char *l = cc->dict.labels[cc->v.c[i]];
        if (!strcmp(l, o.private_label)) d->ct[i] = 0;
        else if (!strcmp(l, o.entrepreneur_label)) d->ct[i] = 1;
        else {
            char where[512];
            return am_fail(ARMOEDE_EDATA, "%s, column '%s', value '%s': not a client type (expected '%s' or '%s')",
                           am_table_where(t, i, where, sizeof where), cc->name, l, o.private_label, o.entrepreneur_label);
        }
    }
    /* years of the intake (or closing) date */
    const am_col *dc = &t->cols[by_closing ? d->j_closed : d->j_in];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t v = am_ival(dc, i);
        if (v == ARMOEDE_NA_INT) {
            if (!by_closing) {
                char where[512];
                return am_fail(ARMOEDE_EDATA, "%s, column '%s', value '(missing)': a case without an intake date",
                               am_table_where(t, i, where, sizeof where), dc->name);
            }
            continue;
        }
        int y, mo, dd;
        am_civil_from_days(v, &y, &mo, &dd);
        d->years[m++] = y;
    }
    qsort(d->years, m, sizeof *d->years, cmp_i64);
    size_t u = 0;
    for (size_t i = 0; i < m; i++) if (!u || d->years[u - 1] != d->years[i]) d->years[u++] = d->years[i];
    char **lab = malloc((u ? u : 1) * sizeof *lab);
    if (!lab) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    char (*buf)[16] = malloc((u ? u : 1) * sizeof *buf);
    if (!buf) { free(lab); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    for (size_t k = 0; k < u; k++) { snprintf(buf[k], 16, "%d", (int)d->years[k]); lab[k] = buf[k]; }
    rc = grp_add_derived(&d->g, (const char *const *)lab, u, 0, 0);
    free(lab);
    free(buf);
    for (size_t i = 0; i < n && !rc; i++) {
        int64_t v = am_ival(dc, i);
        d->yr[i] = -1;
        if (v == ARMOEDE_NA_INT) continue;
        int y, mo, dd;
        am_civil_from_days(v, &y, &mo, &dd);
        size_t a = 0, b = u;
        while (a < b) { size_t mid = (a + b) / 2; if (d->years[mid] < y) a = mid + 1; else b = mid; }
        d->yr[i] = (int32_t)a;
    }
    const char *ctl[2] = {o.private_label, o.entrepreneur_label};
    if (!rc) rc = grp_add_derived(&d->g, ctl, 2, 1, 1);
    for (size_t k = 0; k < o.n_by && !rc; k++) {
        int j, mg = 0;
        if (!o.by[k]) return am_fail(ARMOEDE_EINVAL, "%s: breakdown %zu is NULL", fn, k);
        if ((rc = col_of(t, o.by[k], "cases", &j))) return rc;
        for (size_t q = 0; q < k; q++) if (!strcmp(o.by[q], o.by[k])) return am_fail(ARMOEDE_EINVAL, "%s: breakdown column '%s' named twice", fn, o.by[k]);
        for (size_t q = 0; q < o.n_margins; q++) if (o.margins[q] && !strcmp(o.margins[q], o.by[k])) mg = 1;
        rc = grp_add_col(&d->g, t, j, mg, fn);
    }
    for (size_t q = 0; q < o.n_margins && !rc; q++)
        if (!o.margins[q] || !in_list(o.margins[q], o.by, o.n_by))
            rc = am_fail(ARMOEDE_EINVAL, "%s: margin '%s' is not one of the breakdown columns", fn, o.margins[q] ? o.margins[q] : "(null)");
    if (!rc) rc = grp_finish(&d->g, fn);
    if (!rc) {
        size_t nm = 0;
        for (size_t k = 0; k < d->g.nd; k++) nm += d->g.margin[k] != 0;
        if (!(d->cells = malloc(((size_t)1 << nm) * sizeof *d->cells))) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    }
    return rc;
}

/* Cells of case i; 0 when left out (no year, or a by key missing). */
static size_t dbt_cells(const dbt *d, size_t i, size_t *key_missing)
{
    int32_t code[MAXD];
    if (d->yr[i] < 0) return 0;
    code[0] = d->yr[i];
    code[1] = d->ct[i];
    for (size_t k = 2; k < d->g.nd; k++) code[k] = grp_code(&d->g, k, i);
    size_t n = grp_cells(&d->g, code, d->cells);
    if (!n) (*key_missing)++;
    return n;
}

static int dbt_keys(armoede_result *r, const dbt *d, const char *extra_first)
{
    const char *names[MAXD];
    size_t nk = 0;
    (void)extra_first;
    names[nk++] = "year";
    names[nk++] = "client_type";
    for (size_t k = 0; k < d->o.n_by; k++) names[nk++] = d->o.by[k];
    return am_result_set_keys(r, names, nk);
}

static const char *pop_label(size_t ct)
{
    return ct == 0 ? "private persons" : ct == 1 ? "entrepreneurs" : "all clients";
}

/* Client type (0 private, 1 entrepreneur, 2 all) a national row's
 * population stands for: "private persons", "entrepreneurs", anything else
 * (all clients, ordinary cases, settlement proposals) the Total. */
static size_t pop_class(const char *pop)
{
    return !strcmp(pop, "private persons") ? 0 : !strcmp(pop, "entrepreneurs") ? 1 : 2;
}

/* The national figure of indicator and year for client type ct; NaN when
 * there is none. *pop gets the row's population label. */
static int national(const armoede_table *nat, const char *ind, int year, size_t ct, double *v, const char **pop)
{
    *v = NAN;
    if (pop) *pop = pop_label(ct);
    if (!nat) return 0;
    int ji = am_table_find(nat, "indicator"), jy = am_table_find(nat, "year"), jv = am_table_find(nat, "value"),
        jp = am_table_find(nat, "population");
    if (ji < 0 || jy < 0 || jv < 0 || jp < 0)
        return am_fail(ARMOEDE_ENOTFOUND, "national figures%s%s: the columns indicator, year, value and population are needed",
                       nat->source ? " " : "", nat->source ? nat->source : "");
    const am_col *ci = &nat->cols[ji], *cy = &nat->cols[jy], *cv = &nat->cols[jv], *cp = &nat->cols[jp];
    if (ci->type != ARMOEDE_TYPE_CAT || cp->type != ARMOEDE_TYPE_CAT || cy->type != ARMOEDE_TYPE_INT || cv->type == ARMOEDE_TYPE_CAT)
        return am_fail(ARMOEDE_ETYPE, "national figures: indicator and population must be text, year integer, value numeric");
    size_t found = SIZE_MAX;
    for (size_t i = 0; i < nat->nrows; i++) {
        if (ci->v.c[i] < 0 || cp->v.c[i] < 0 || am_ival(cy, i) != year) continue;
        if (strcmp(ci->dict.labels[ci->v.c[i]], ind) || pop_class(cp->dict.labels[cp->v.c[i]]) != ct) continue;
        if (found != SIZE_MAX) {
            char w1[512], w2[512];
            return am_fail(ARMOEDE_EDATA, "national figures: %s %d (%s) on two rows: %s and %s", ind, year, pop_label(ct),
                           am_table_where(nat, found, w1, sizeof w1), am_table_where(nat, i, w2, sizeof w2));
        }
        found = i;
        *v = am_num(cv, i);
        if (pop) *pop = cp->dict.labels[cp->v.c[i]];
    }
    return 0;
}

/* A (cell, value) pair; sorted by cell, then case order. */
typedef struct {
    size_t cell;
    size_t row;
    double v;
} cv_pair;
static int cmp_pair(const void *a, const void *b)
{
    const cv_pair *x = a, *y = b;
    if (x->cell != y->cell) return x->cell < y->cell ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

typedef struct {
    size_t cell;
    double n, sum, median, top1, top2, ratio, se, lo, hi, nat, natmed;
} cstat;

static int year_ct_of(const dbt *d, size_t cell, int *year, size_t *ct)
{
    size_t rest = cell;
    for (size_t k = d->g.nd; k-- > 0;) {
        size_t dig = rest % (d->g.nlev[k] + 1);
        rest /= d->g.nlev[k] + 1;
        if (k == 0) *year = (int)d->years[dig];
        if (k == 1) *ct = dig;
    }
    return 0;
}

/* The rows of measure m: "<m>_mean" against the national mean nat_ind,
 * "<m>_median" against the national median med_ind (NaN when the national
 * table has no such row: a mean is never a median's reference),
 * "<m>_ratio". */
static int measure(armoede_result *r, dbt *d, const char *m, const char *nat_ind, const char *med_ind, const double *val,
                   int magnitude, gsl_rng *rng)
{
    const armoede_table *t = d->t;
    size_t n = t->nrows, np = 0, cap = 0, miss = 0;
    cv_pair *pr = NULL;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(val[i])) continue;
        size_t nc = dbt_cells(d, i, &miss);
        if (np + nc > cap) {
            cv_pair *q = am_grow(pr, &cap, np + nc, sizeof *pr);
            if (!q) { free(pr); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
            pr = q;
        }
        for (size_t k = 0; k < nc; k++) { pr[np].cell = d->cells[k]; pr[np].row = i; pr[np].v = val[i]; np++; }
    }
    if (np) qsort(pr, np, sizeof *pr, cmp_pair);
    size_t ncs = 0;
    for (size_t a = 0; a < np; a++) if (!a || pr[a].cell != pr[a - 1].cell) ncs++;
    cstat *cs = calloc(ncs ? ncs : 1, sizeof *cs);
    double *x = malloc((np ? np : 1) * sizeof *x);
    size_t B = (size_t)d->o.bootstrap;
    double *rep = malloc((B ? B : 1) * sizeof *rep);
    if (!cs || !x || !rep) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto out; }
    size_t ci = 0;
    for (size_t a = 0; a < np && !rc;) {
        size_t b = a;
        while (b < np && pr[b].cell == pr[a].cell) b++;
        size_t k = b - a;
        cstat *s = &cs[ci];
        s->cell = pr[a].cell;
        s->n = (double)k;
        s->top1 = s->top2 = 0;
        for (size_t q = 0; q < k; q++) {
            x[q] = pr[a + q].v;
            s->sum += x[q];
            double ax = fabs(x[q]);
            if (ax > s->top1) { s->top2 = s->top1; s->top1 = ax; }
            else if (ax > s->top2) s->top2 = ax;
        }
        double half = 0.5;
        if ((rc = am_quantiles(x, NULL, k, &half, 1, AM_Q_EUROSTAT, &s->median))) break;
        int year = 0;
        size_t ct = 2;
        year_ct_of(d, s->cell, &year, &ct);
        if ((rc = national(d->o.national, nat_ind, year, ct, &s->nat, NULL))) break;
        if ((rc = national(d->o.national, med_ind, year, ct, &s->natmed, NULL))) break;
        double mean = s->sum / s->n;
        s->ratio = s->se = s->lo = s->hi = NAN;
        if (!isnan(s->nat) && s->nat != 0) {
            s->ratio = mean / s->nat;
            if (B >= 2 && k >= 2) {
                gsl_rng_set(rng, d->o.seed + (unsigned long)ci);
                double m1 = 0, m2 = 0;
                for (size_t bb = 0; bb < B; bb++) {
                    double sm = 0;
                    for (size_t q = 0; q < k; q++) sm += x[gsl_rng_uniform_int(rng, (unsigned long)k)];
                    rep[bb] = sm / (double)k / s->nat;
                    double dl = rep[bb] - m1;
                    m1 += dl / (double)(bb + 1);
                    m2 += dl * (rep[bb] - m1);
                }
                s->se = sqrt(m2 / (double)(B - 1));
                double pq[2] = {(1 - d->o.ci_level) / 2, 1 - (1 - d->o.ci_level) / 2}, qq[2];
                if ((rc = am_quantiles(rep, NULL, B, pq, 2, AM_Q_LINEAR, qq))) break;
                s->lo = qq[0];
                s->hi = qq[1];
            }
        }
        ci++;
        a = b;
    }
    const char *keys[MAXD];
    char ind[64];
    for (int kind = 0; kind < 3 && !rc; kind++) {
        snprintf(ind, sizeof ind, "%s_%s", m, kind == 0 ? "mean" : kind == 1 ? "median" : "ratio");
        const char *ii = am_result_intern(r, ind), *uu = am_result_intern(r, "cases");
        if (!ii || !uu) { rc = ARMOEDE_ENOMEM; break; }
        for (size_t c = 0; c < ncs && !rc; c++) {
            const cstat *s = &cs[c];
            double f[ARMOEDE_FIELD_COUNT_];
            am_fields_nan(f);
            f[ARMOEDE_FIELD_NUM_N] = f[ARMOEDE_FIELD_DEN_N] = s->n;
            f[ARMOEDE_FIELD_REFERENCE] = kind == 1 ? s->natmed : s->nat;
            if (kind == 0) {
                f[ARMOEDE_FIELD_ESTIMATE] = s->sum / s->n;
                f[ARMOEDE_FIELD_NUM_W] = s->sum;
                f[ARMOEDE_FIELD_DEN_W] = s->n;
            } else if (kind == 1) {
                f[ARMOEDE_FIELD_ESTIMATE] = s->median;
            } else {
                f[ARMOEDE_FIELD_ESTIMATE] = s->ratio;
                if (!isnan(s->ratio)) { f[ARMOEDE_FIELD_NUM_W] = s->sum / s->n; f[ARMOEDE_FIELD_DEN_W] = s->nat; }
                f[ARMOEDE_FIELD_SE] = s->se;
                f[ARMOEDE_FIELD_CI_LOW] = s->lo;
                f[ARMOEDE_FIELD_CI_HIGH] = s->hi;
            }
            if ((rc = grp_keys(&d->g, s->cell, r, keys))) break;
            if ((rc = am_result_add_interned(r, ii, uu, keys, f))) break;
            /* the mean's sum, the ratio's two means: amounts, not counts */
            if (kind == 0) am_result_amounts(r, AM_AMOUNT(ARMOEDE_FIELD_NUM_W));
            else if (kind == 2) am_result_amounts(r, AM_AMOUNT(ARMOEDE_FIELD_NUM_W) | AM_AMOUNT(ARMOEDE_FIELD_DEN_W));
            am_row *w = &r->rows[r->nrows - 1];
            if (magnitude && kind != 1) {
                w->dom_top[0] = s->top1;
                w->dom_top[1] = s->top2;
                w->dom_total = 0;
                /* the sum of |contributions|: values are >= 0 here */
                w->dom_total = s->sum;
            }
            if (kind == 2 && isnan(s->ratio)) {
                int year = 0;
                size_t ct = 2;
                year_ct_of(d, s->cell, &year, &ct);
                w->status = ARMOEDE_CELL_NO_DATA;
                rc = am_result_set_reason(w, "no national figure %s for %d (%s)", nat_ind, year, pop_label(ct));
            }
        }
    }
    /* notes: years without a national figure */
    if (!rc && d->o.national) {
        char list[600];
        size_t len = 0, cnt = 0;
        list[0] = '\0';
        for (size_t c = 0; c < ncs; c++) {
            if (!isnan(cs[c].nat)) continue;
            int year = 0;
            size_t ct = 2;
            year_ct_of(d, cs[c].cell, &year, &ct);
            int dup = 0;
            for (size_t q = 0; q < c && !dup; q++) {
                int y2 = 0;
                size_t ct2 = 2;
                year_ct_of(d, cs[q].cell, &y2, &ct2);
                dup = isnan(cs[q].nat) && y2 == year && ct2 == ct;
            }
            if (dup) continue;
            cnt++;
            if (len < sizeof list - 64) {
                int w = snprintf(list + len, sizeof list - len, "%s%d (%s)", len ? ", " : "", year, pop_label(ct));
                if (w > 0) len += (size_t)w;
            }
        }
        if (cnt)
            rc = am_result_note(r, "%s_ratio: no national figure %s for %s: not compared (never with another year's figure)", m,
                                nat_ind, list);
        if (!rc) {
            size_t nomed = 0;
            for (size_t c = 0; c < ncs; c++) nomed += isnan(cs[c].natmed);
            if (nomed)
                rc = am_result_note(r, "%s_median: REFERENCE empty in %zu cells: no national median %s for their year and client type "
                                       "(a national mean is never the reference of a median)", m, nomed, med_ind);
        }
    } else if (!rc)
        rc = am_result_note(r, "%s_ratio: no national figures given: not compared", m);
out:
    free(pr); free(cs); free(x); free(rep);
    return rc;
}

int armoede_debt_intake(const armoede_table *cases, const armoede_debt_options *opts, armoede_result **out)
{
    static const char fn[] = "armoede_debt_intake";
    if (out) *out = NULL;
    if (!cases || !out) return am_fail(ARMOEDE_EINVAL, "%s: NULL argument", fn);
    am_gsl_guard();
    dbt d;
    armoede_result *r = NULL;
    double *val = NULL;
    gsl_rng *rng = NULL;
    int rc = dbt_setup(&d, cases, opts, 0, fn);
    size_t n = cases->nrows;
    if (!rc && !(r = am_result_new())) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    if (!rc) rc = dbt_keys(r, &d, NULL);
    if (!rc && !(val = calloc(n ? n : 1, sizeof *val))) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    if (!rc && !(rng = gsl_rng_alloc(gsl_rng_mt19937))) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    if (rc) goto done;
    char where[512], vb[128];
    size_t key_missing = 0;
    for (size_t i = 0; i < n; i++) dbt_cells(&d, i, &key_missing);
    if (d.j_debt >= 0) {
        const am_col *c = &cases->cols[d.j_debt];
        size_t neg = 0, negrow = 0, miss = 0;
        for (size_t i = 0; i < n; i++) {
            val[i] = am_num(c, i);
            if (isnan(val[i])) miss++;
            else if (val[i] < 0) { if (!neg++) negrow = i; val[i] = NAN; }
        }
        if ((rc = measure(r, &d, "debt", "nvvk_mean_debt_at_intake", "nvvk_median_debt_at_intake", val, 1, rng))) goto done;
        if (neg && (rc = am_result_note(r, "debt: %zu cases with a negative debt left out of the debt rows (first: %s, column '%s', value '%s')",
                                        neg, am_table_where(cases, negrow, where, sizeof where), c->name, valtext(c, negrow, vb, sizeof vb))))
            goto done;
        if (miss && (rc = am_result_note(r, "debt: %zu cases without a debt left out of the debt rows", miss))) goto done;
    }
    if (d.j_cred >= 0) {
        const am_col *c = &cases->cols[d.j_cred];
        size_t neg = 0, negrow = 0, miss = 0;
        for (size_t i = 0; i < n; i++) {
            val[i] = am_num(c, i);
            if (isnan(val[i])) miss++;
            else if (val[i] < 0) { if (!neg++) negrow = i; val[i] = NAN; }
        }
        if ((rc = measure(r, &d, "creditors", "nvvk_mean_creditors", "nvvk_median_creditors", val, 0, rng))) goto done;
        if (neg && (rc = am_result_note(r, "creditors: %zu cases with a negative number of creditors left out (first: %s, column '%s', value '%s')",
                                        neg, am_table_where(cases, negrow, where, sizeof where), c->name, valtext(c, negrow, vb, sizeof vb))))
            goto done;
        if (miss && (rc = am_result_note(r, "creditors: %zu cases without a number of creditors left out", miss))) goto done;
    }
    if (d.j_first >= 0) {
        const am_col *c = &cases->cols[d.j_first], *ci = &cases->cols[d.j_in];
        size_t neg = 0, negrow = 0, miss = 0, crisis = 0;
        for (size_t i = 0; i < n; i++) {
            int64_t a = am_ival(ci, i), b = am_ival(c, i);
            val[i] = NAN;
            if (!d.o.include_crisis_days && d.j_crisis >= 0) {
                int64_t k = am_ival(&cases->cols[d.j_crisis], i);
                if (k != ARMOEDE_NA_INT && k != 0) { crisis++; continue; }
            }
            if (b == ARMOEDE_NA_INT) { miss++; continue; }
            if (b < a) { if (!neg++) negrow = i; continue; }
            val[i] = (double)(b - a);
        }
        if ((rc = measure(r, &d, "days_to_appointment", "nvvk_mean_days_to_appointment", "nvvk_median_days_to_appointment", val, 0, rng))) goto done;
        if (crisis && (rc = am_result_note(r, "days_to_appointment: %zu crisis cases left out (NVVK reports ordinary cases only)", crisis))) goto done;
        if (neg && (rc = am_result_note(r, "days_to_appointment: %zu cases with a first appointment before the intake left out (first: %s, column '%s', value '%s')",
                                        neg, am_table_where(cases, negrow, where, sizeof where), c->name, valtext(c, negrow, vb, sizeof vb))))
            goto done;
        if (miss && (rc = am_result_note(r, "days_to_appointment: %zu cases without a first appointment left out", miss))) goto done;
    }
    if (d.ct_missing && (rc = am_result_note(r, "%zu cases without a client type: in the Total (all clients) cells only", d.ct_missing))) goto done;
    if (key_missing && (rc = am_result_note(r, "%zu cases left out of every cell: a breakdown key missing", key_missing))) goto done;
    if (d.o.bootstrap) rc = am_result_note(r, "ratio intervals: percentile bootstrap, %d resamples of the cell's cases, seed %lu, national figure fixed",
                                           d.o.bootstrap, d.o.seed);
done:
    gsl_rng_free(rng);
    free(val);
    dbt_free(&d);
    if (rc) { armoede_result_free(r); return rc; }
    *out = r;
    return 0;
}

/* Day number of the same calendar day `years` later (29 February -> 28). */
static int64_t add_years(int64_t day, int years)
{
    int y, m, dd;
    am_civil_from_days(day, &y, &m, &dd);
    y += years;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && dd == 29 && !leap) dd = 28;
    return am_days_from_civil(y, m, dd);
}

typedef struct {
    int64_t id, day;
} intake_t;
static int cmp_intake(const void *a, const void *b)
{
    const intake_t *x = a, *y = b;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    return (x->day > y->day) - (x->day < y->day);
}

int armoede_debt_results(const armoede_table *cases, const armoede_debt_options *opts, armoede_result **out)
{
    static const char fn[] = "armoede_debt_results";
    if (out) *out = NULL;
    if (!cases || !out) return am_fail(ARMOEDE_EINVAL, "%s: NULL argument", fn);
    am_gsl_guard();
    dbt d;
    armoede_result *r = NULL;
    acc *A = NULL;
    intake_t *in = NULL;
    int rc = dbt_setup(&d, cases, opts, 1, fn);
    size_t n = cases->nrows, nc = d.g.ncells;
    if (!rc && !(r = am_result_new())) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    if (!rc) rc = dbt_keys(r, &d, NULL);
    if (!rc && !(A = calloc(3 * (nc ? nc : 1), sizeof *A))) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    if (!rc && !(in = malloc((n ? n : 1) * sizeof *in))) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    if (rc) goto done;
    const am_col *ci = &cases->cols[d.j_in], *cc = &cases->cols[d.j_closed], *co = &cases->cols[d.j_out];
    const am_col *cid = d.j_id >= 0 ? &cases->cols[d.j_id] : NULL;
    const char *const def_set[] = {"settlement"}, *const def_comp[] = {"completed"};
    const char *const *sset = d.o.settlement_codes ? d.o.settlement_codes : def_set;
    size_t nset = d.o.settlement_codes ? d.o.n_settlement_codes : 1;
    const char *const *cset = d.o.completed_codes ? d.o.completed_codes : def_comp;
    size_t ncomp = d.o.completed_codes ? d.o.n_completed_codes : 1;
    /* intakes per client, for recidivism */
    size_t nin = 0;
    int64_t last = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        int64_t a = am_ival(ci, i);
        if (a == ARMOEDE_NA_INT) {
            char where[512];
            rc = am_fail(ARMOEDE_EDATA, "%s, column '%s', value '(missing)': a case without an intake date", am_table_where(cases, i, where, sizeof where), ci->name);
            goto done;
        }
        if (a > last) last = a;
        int64_t b = am_ival(cc, i);
        if (b != ARMOEDE_NA_INT && b < a) {
            char where[512], vb[64];
            rc = am_fail(ARMOEDE_EDATA, "%s, column '%s', value '%s': the case is closed before its intake", am_table_where(cases, i, where, sizeof where),
                         cc->name, valtext(cc, i, vb, sizeof vb));
            goto done;
        }
        if (cid && am_key(cid, i) != ARMOEDE_NA_INT) { in[nin].id = am_key(cid, i); in[nin].day = a; nin++; }
    }
    qsort(in, nin, sizeof *in, cmp_intake);
    int64_t until = d.o.observed_until == INT32_MIN ? last : d.o.observed_until;
    size_t no_outcome = 0, key_missing = 0, no_follow = 0, no_id = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t b = am_ival(cc, i);
        if (b == ARMOEDE_NA_INT) continue;
        size_t k = dbt_cells(&d, i, &key_missing);
        if (!k) continue;
        int32_t oc = co->v.c[i];
        if (oc < 0) no_outcome++;
        else {
            const char *l = co->dict.labels[oc];
            int s = in_list(l, sset, nset), c = in_list(l, cset, ncomp);
            for (size_t q = 0; q < k; q++) { acc_add(&A[d.cells[q]], 1, s); acc_add(&A[nc + d.cells[q]], 1, c); }
        }
        if (!cid) continue;
        int64_t id = am_key(cid, i);
        if (id == ARMOEDE_NA_INT) { no_id++; continue; }
        int64_t end = add_years(b, d.o.recidivism_years);
        if (end > until) { no_follow++; continue; }
        /* first intake of the client after the closing date */
        size_t lo = 0, hi = nin;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (in[mid].id < id || (in[mid].id == id && in[mid].day <= b)) lo = mid + 1;
            else hi = mid;
        }
        int again = lo < nin && in[lo].id == id && in[lo].day <= end;
        for (size_t q = 0; q < k; q++) acc_add(&A[2 * nc + d.cells[q]], 1, again);
    }
    const char *keys[MAXD];
    static const char *const names[3] = {"settlement_share", "completed_share", "recidivism"};
    for (int kind = 0; kind < 3 && !rc; kind++) {
        if (kind == 2 && !cid) break;
        const char *ii = am_result_intern(r, names[kind]), *uu = am_result_intern(r, "cases");
        if (!ii || !uu) { rc = ARMOEDE_ENOMEM; break; }
        for (size_t c = 0; c < nc && !rc; c++) {
            const acc *a = &A[(size_t)kind * nc + c];
            if (a->dn == 0) continue;
            double f[ARMOEDE_FIELD_COUNT_];
            share_fields(a, 0, 0, f);
            if (kind == 2) f[ARMOEDE_FIELD_DURATION] = d.o.recidivism_years;
            /* REFERENCE stays NaN: no national figure has these
             * denominators (see the note below) */
            if ((rc = grp_keys(&d.g, c, r, keys))) break;
            rc = am_result_add_interned(r, ii, uu, keys, f);
        }
    }
    if (!rc && no_outcome) rc = am_result_note(r, "%zu closed cases without an outcome left out of the result shares", no_outcome);
    if (!rc && key_missing) rc = am_result_note(r, "%zu closed cases left out of every cell: a breakdown key missing", key_missing);
    if (!rc && no_follow)
        rc = am_result_note(r, "recidivism: %zu closed cases whose %d-year follow-up ends after the data (observed until the latest intake) left out",
                            no_follow, d.o.recidivism_years);
    if (!rc && no_id) rc = am_result_note(r, "recidivism: %zu closed cases without a client id left out", no_id);
    if (!rc && d.ct_missing) rc = am_result_note(r, "%zu cases without a client type: in the Total (all clients) cells only", d.ct_missing);
    if (!rc)
        rc = am_result_note(r, "settlement_share: no national reference. NVVK's nvvk_settlement_agreed_share is accepted settlement proposals / "
                               "proposals made; settlement_share is settlements / closed cases with an outcome, and the case records do not say "
                               "which cases had a proposal put to the creditors, so the comparable share cannot be computed and the two are not compared");
done:
    free(A);
    free(in);
    dbt_free(&d);
    if (rc) { armoede_result_free(r); return rc; }
    *out = r;
    return 0;
}

/* ================================================================== */
/* Reading registrations                                                */
/* ================================================================== */
int armoede_registrations_read_csv(const char *path, const armoede_registration_columns *cols,
                                   const armoede_read_options *opts, armoede_table **out)
{
    if (out) *out = NULL;
    if (!path || !cols || !out) return am_fail(ARMOEDE_EINVAL, "armoede_registrations_read_csv: NULL argument");
    if (cols->version < 1 || cols->version > ARMOEDE_REGISTRATION_COLUMNS_VERSION)
        return am_fail(ARMOEDE_EINVAL, "armoede_registration_columns version %u is not supported", cols->version);
    if (!cols->id || !cols->scheme || (!cols->year && !cols->start))
        return am_fail(ARMOEDE_EINVAL, "armoede_registrations_read_csv: an id, a scheme and a year or start column are needed");
    if (opts && (opts->columns || opts->types))
        return am_fail(ARMOEDE_EINVAL, "armoede_registrations_read_csv: opts->columns and opts->types must be NULL");
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    if (opts) {
        if (opts->version < 1 || opts->version > ARMOEDE_READ_OPTIONS_VERSION)
            return am_fail(ARMOEDE_EINVAL, "armoede_read_options version %u is not supported", opts->version);
        o = *opts;
    }
    const char *names[6];
    armoede_type types[6];
    size_t k = 0;
    names[k] = cols->id; types[k++] = ARMOEDE_TYPE_AUTO;
    names[k] = cols->scheme; types[k++] = ARMOEDE_TYPE_CAT;
    if (cols->year) { names[k] = cols->year; types[k++] = ARMOEDE_TYPE_INT; }
    if (cols->start) { names[k] = cols->start; types[k++] = ARMOEDE_TYPE_DATE; }
    if (cols->end) { names[k] = cols->end; types[k++] = ARMOEDE_TYPE_DATE; }
    if (cols->amount) { names[k] = cols->amount; types[k++] = ARMOEDE_TYPE_REAL; }
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < a; b++)
            if (!strcmp(names[a], names[b])) return am_fail(ARMOEDE_EINVAL, "armoede_registrations_read_csv: column '%s' named for two roles", names[a]);
    o.columns = names;
    o.types = types;
    o.n_columns = k;
    armoede_table *t = NULL;
    int rc = armoede_table_read_csv(path, &o, &t);
    if (rc) return rc;
    int ji = am_table_find(t, cols->id), js = am_table_find(t, cols->scheme);
    int jy = cols->year ? am_table_find(t, cols->year) : -1, ja = cols->start ? am_table_find(t, cols->start) : -1;
    int jb = cols->end ? am_table_find(t, cols->end) : -1, jm = cols->amount ? am_table_find(t, cols->amount) : -1;
    rc = type_check(t, &t->cols[ji], T_INT | T_CAT, "an id must be a whole number or a code");
    for (size_t i = 0; i < t->nrows && !rc; i++) {
        if (am_key(&t->cols[ji], i) == ARMOEDE_NA_INT) rc = reg_fail(t, i, &t->cols[ji], "a registration without an id");
        else if (t->cols[js].v.c[i] < 0) rc = reg_fail(t, i, &t->cols[js], "a registration without a scheme");
        else if (jy >= 0 && am_ival(&t->cols[jy], i) == ARMOEDE_NA_INT && (ja < 0 || am_ival(&t->cols[ja], i) == ARMOEDE_NA_INT))
            rc = reg_fail(t, i, &t->cols[jy], "a registration without a year");
        else if (jy < 0 && am_ival(&t->cols[ja], i) == ARMOEDE_NA_INT) rc = reg_fail(t, i, &t->cols[ja], "a registration without a start date");
        else if (ja >= 0 && jb >= 0 && am_ival(&t->cols[jb], i) != ARMOEDE_NA_INT && am_ival(&t->cols[ja], i) != ARMOEDE_NA_INT &&
                 am_ival(&t->cols[jb], i) < am_ival(&t->cols[ja], i))
            rc = reg_fail(t, i, &t->cols[jb], "the end date is before the start date");
        else if (jm >= 0 && t->cols[jm].v.r[i] < 0) rc = reg_fail(t, i, &t->cols[jm], "a negative amount");
    }
    if (rc) { armoede_table_free(t); return rc; }
    *out = t;
    return 0;
}
