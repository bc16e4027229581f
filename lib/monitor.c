/* The monitor: a configuration file run end to end (read, compute,
 * protect, write). The sections of the language are handled here; the
 * `type = ...` of each [indicator NAME] by its family's kinds (monitor.h).
 * See docs/config.md for the language.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "monitor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    char *name;
    armoede_table *t;
} mon_table;

struct am_mon {
    am_cfg *cfg;
    const char *out_dir;
    char **strs; /* strings handed out (resolved paths) */
    size_t nstrs, capstrs;
    armoede_norms *norms;
    armoede_impact_options pop;
    am_cfg_section *in, *colsec;
    char **want; /* main [input] columns asked for, and their types */
    armoede_type *want_type;
    size_t nwant, capwant;
    armoede_table *input;
    mon_table *tables;
    size_t ntables, captables;
};

/* The families, in the order their kinds are looked up. */
static const am_mon_kind *const families[] = {
    am_mon_kinds_impact,
#ifdef AM_HAVE_MONITOR_MEASURES
    am_mon_kinds_measures,
#endif
#ifdef AM_HAVE_MONITOR_SURVEY
    am_mon_kinds_survey,
#endif
#ifdef AM_HAVE_MONITOR_OUTCOME
    am_mon_kinds_outcome,
#endif
#ifdef AM_HAVE_MONITOR_PROCESS
    am_mon_kinds_process,
#endif
};
#define NFAMILIES (sizeof families / sizeof *families)

static const char *const sections_known[] = {"monitor", "input", "columns", "types", "norms", "norm_types",
                                             "population", "table", "indicator", "disclosure", "output"};

static const char *sec_label(const am_cfg_section *s, char *buf, size_t n)
{
    snprintf(buf, n, "[%s%s%s]", s->kind, *s->name ? " " : "", s->name);
    return buf;
}

int am_mon_bad(am_mon *m, unsigned long line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return am_fail(ARMOEDE_ECONFIG, "%s:%lu: %s", m->cfg->path, line, msg);
}

const char *am_mon_path(const am_mon *m) { return m->cfg->path; }

/* Make the directories above path (mkdir -p of its dirname). */
static int make_parents(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *q = buf + 1; *q; q++) {
        if (*q != '/') continue;
        *q = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return am_fail(ARMOEDE_EIO, "cannot create the directory %s for %s: %s", buf, path, strerror(errno));
        *q = '/';
    }
    return 0;
}

/* Collapse "x/../" and "./" in a path, lexically (for messages and notes). */
static void tidy_path(char *s)
{
    char *seg[512];
    size_t ns = 0;
    int abs = s[0] == '/';
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", s);
    char *save = NULL;
    for (char *t = strtok_r(tmp, "/", &save); t && ns < 512; t = strtok_r(NULL, "/", &save)) {
        if (!strcmp(t, ".")) continue;
        if (!strcmp(t, "..") && ns > 0 && strcmp(seg[ns - 1], "..") != 0) { ns--; continue; }
        seg[ns++] = t;
    }
    char out[4096];
    size_t k = 0;
    out[0] = '\0';
    if (abs) out[k++] = '/';
    for (size_t i = 0; i < ns && k < sizeof out - 1; i++) {
        int w = snprintf(out + k, sizeof out - k, "%s%s", i ? "/" : "", seg[i]);
        if (w < 0) break;
        k += (size_t)w;
        if (k >= sizeof out) { k = sizeof out - 1; break; }
    }
    out[k] = '\0';
    if (k == 0) snprintf(out, sizeof out, ".");
    strcpy(s, out);
}

/* Grow array p to hold need elements: 1 on success, 0 (p unchanged) without memory. */
static int grow_(void **p, size_t *cap, size_t need, size_t elem)
{
    void *q = am_grow(*p, cap, need, elem);
    if (!q) return 0;
    *p = q;
    return 1;
}
#define GROW(p, cap, need) grow_((void **)&(p), &(cap), (need), sizeof *(p))

static const char *keep(am_mon *m, const char *s)
{
    char *x = am_strdup(s);
    if (!x || !GROW(m->strs, m->capstrs, m->nstrs + 1)) {
        free(x);
        am_fail(ARMOEDE_ENOMEM, "out of memory");
        return NULL;
    }
    m->strs[m->nstrs++] = x;
    return x;
}

/* Path relative to the config file's directory. */
const char *am_mon_resolve(am_mon *m, const char *p)
{
    char buf[4096];
    if (p[0] == '/') snprintf(buf, sizeof buf, "%s", p);
    else snprintf(buf, sizeof buf, "%s%s", m->cfg->dir, p);
    tidy_path(buf);
    return keep(m, buf);
}

/* An output path: resolved, or moved into out_dir when one is given. */
static const char *resolve_out(am_mon *m, const char *p)
{
    if (!m->out_dir) return am_mon_resolve(m, p);
    const char *base = strrchr(p, '/');
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", m->out_dir, base ? base + 1 : p);
    return keep(m, buf);
}

int am_mon_bool(am_mon *m, am_cfg_section *s, const char *key, int *v)
{
    unsigned long line;
    const char *x = am_cfg_get(s, key, &line);
    if (!x) return 0;
    if (!strcmp(x, "yes") || !strcmp(x, "true") || !strcmp(x, "on") || !strcmp(x, "1")) *v = 1;
    else if (!strcmp(x, "no") || !strcmp(x, "false") || !strcmp(x, "off") || !strcmp(x, "0")) *v = 0;
    else return am_mon_bad(m, line, "%s must be yes or no, not '%s'", key, x);
    return 0;
}

int am_mon_int(am_mon *m, am_cfg_section *s, const char *key, int lo, int hi, int *v)
{
    unsigned long line;
    const char *x = am_cfg_get(s, key, &line);
    if (!x) return 0;
    int64_t y;
    if (am_parse_int(x, strlen(x), &y) || y < lo || y > hi)
        return am_mon_bad(m, line, "%s must be a whole number from %d to %d, not '%s'", key, lo, hi, x);
    *v = (int)y;
    return 0;
}

int am_mon_real(am_mon *m, am_cfg_section *s, const char *key, double lo, double hi, double *v)
{
    unsigned long line;
    const char *x = am_cfg_get(s, key, &line);
    if (!x) return 0;
    double y;
    if (am_parse_real(x, strlen(x), '.', &y) || !(y >= lo && y <= hi))
        return am_mon_bad(m, line, "%s must be a number from %g to %g, not '%s'", key, lo, hi, x);
    *v = y;
    return 0;
}

int am_mon_list(am_mon *m, am_cfg_section *s, const char *key, char ***items, int *n)
{
    (void)m;
    *items = NULL;
    *n = -1;
    const char *x = am_cfg_get(s, key, NULL);
    if (!x) return 0;
    if ((*n = am_cfg_list(x, items)) < 0) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    return 0;
}

int am_mon_breakdown_read(am_mon *m, am_cfg_section *s, int want, am_mon_breakdown *b,
                          const char *const **by, size_t *n_by, const char *const **margins, size_t *n_margins)
{
    int rc = am_mon_list(m, s, "by", &b->by, &b->nby);
    if (!rc) rc = am_mon_list(m, s, "margins", &b->margins, &b->nmargins);
    if (rc) return rc;
    *by = (const char *const *)b->by;
    *n_by = b->nby > 0 ? (size_t)b->nby : 0;
    *margins = (const char *const *)b->margins;
    *n_margins = b->nmargins > 0 ? (size_t)b->nmargins : 0;
    for (int k = 0; want && k < b->nby && !rc; k++) rc = am_mon_want(m, b->by[k], ARMOEDE_TYPE_AUTO, s->at);
    return rc;
}

void am_mon_breakdown_free(am_mon_breakdown *b)
{
    am_cfg_list_free(b->by, b->nby);
    am_cfg_list_free(b->margins, b->nmargins);
}

int am_mon_pcts(am_mon *m, am_cfg_section *s, const char *key, double *v, size_t max, size_t *n)
{
    unsigned long line;
    const char *x = am_cfg_get(s, key, &line);
    if (!x) return 0;
    char **l;
    int k = am_cfg_list(x, &l);
    if (k < 0) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    int rc = 0;
    if (k == 0 || (size_t)k > max)
        rc = am_mon_bad(m, line, "%s: 1 to %zu percentages, e.g. 110, 120", key, max);
    for (int i = 0; i < k && !rc; i++) {
        size_t len = strlen(l[i]);
        if (len && l[i][len - 1] == '%') len--;
        double pct;
        if (am_parse_real(l[i], len, '.', &pct) || !(pct > 0 && pct <= 10000))
            rc = am_mon_bad(m, line, "%s: '%s' is not a percentage (e.g. 110)", key, l[i]);
        v[i] = pct / 100.0;
    }
    am_cfg_list_free(l, k);
    if (!rc) *n = (size_t)k;
    return rc;
}

static am_cfg_section *find_sec(am_cfg *c, const char *kind, const char *name)
{
    for (size_t i = 0; i < c->nsec; i++)
        if (!strcmp(c->sec[i].kind, kind) && (!name || !strcmp(c->sec[i].name, name))) return &c->sec[i];
    return NULL;
}

int am_mon_want(am_mon *m, const char *col, int type, unsigned long line)
{
    if (!m->in) return am_mon_bad(m, line, "this indicator reads the main data: the config needs an [input] section");
    if (!col) return 0;
    for (size_t i = 0; i < m->nwant; i++)
        if (!strcmp(m->want[i], col)) {
            if (m->want_type[i] == ARMOEDE_TYPE_AUTO) m->want_type[i] = (armoede_type)type;
            return 0;
        }
    if (!GROW(m->want, m->capwant, m->nwant + 1)) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    armoede_type *wt = realloc(m->want_type, m->capwant * sizeof *wt);
    if (!wt) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    m->want_type = wt;
    if (!(m->want[m->nwant] = am_strdup(col))) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    m->want_type[m->nwant++] = (armoede_type)type;
    return 0;
}

armoede_table *am_mon_input(am_mon *m) { return m->input; }
const armoede_norms *am_mon_norms(const am_mon *m) { return m->norms; }
const armoede_impact_options *am_mon_population(const am_mon *m) { return &m->pop; }

/* separator, decimal and na of [input] or [table NAME] into ro; *na holds
 * the token list (free with am_cfg_list_free(*na, *nna)). */
static int read_format(am_mon *m, am_cfg_section *s, armoede_read_options *ro, char ***na, int *nna)
{
    unsigned long line;
    const char *v = am_cfg_get(s, "separator", &line);
    if (v) {
        if (!strcmp(v, "auto")) ro->separator = 0;
        else if (!strcmp(v, ",") || !strcmp(v, "comma")) ro->separator = ',';
        else if (!strcmp(v, ";") || !strcmp(v, "semicolon")) ro->separator = ';';
        else if (!strcmp(v, "tab")) ro->separator = '\t';
        else return am_mon_bad(m, line, "separator must be auto, comma, semicolon or tab, not '%s'", v);
    }
    v = am_cfg_get(s, "decimal", &line);
    if (v) {
        if (!strcmp(v, ".") || !strcmp(v, "point")) ro->decimal = '.';
        else if (!strcmp(v, ",") || !strcmp(v, "comma")) ro->decimal = ',';
        else return am_mon_bad(m, line, "decimal must be point or comma, not '%s'", v);
    }
    v = am_cfg_get(s, "na", &line);
    if (v) {
        if ((*nna = am_cfg_list(v, na)) < 0) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        static const char *const none[] = {NULL};
        ro->na_tokens = *na ? (const char *const *)*na : none;
        ro->n_na_tokens = (size_t)*nna;
    }
    return 0;
}

static int type_of(const char *v, armoede_type *ty)
{
    if (!strcmp(v, "integer")) *ty = ARMOEDE_TYPE_INT;
    else if (!strcmp(v, "real")) *ty = ARMOEDE_TYPE_REAL;
    else if (!strcmp(v, "categorical")) *ty = ARMOEDE_TYPE_CAT;
    else if (!strcmp(v, "date")) *ty = ARMOEDE_TYPE_DATE;
    else return -1;
    return 0;
}

/* A read error said again with the config line that named the file. */
static int at_line(am_mon *m, int rc, unsigned long line)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", armoede_last_error());
    return am_fail(rc, "%s:%lu: %s", m->cfg->path, line, msg);
}

int am_mon_table(am_mon *m, const char *name, unsigned long line, armoede_table **t)
{
    *t = NULL;
    for (size_t i = 0; i < m->ntables; i++)
        if (!strcmp(m->tables[i].name, name)) { *t = m->tables[i].t; return 0; }
    am_cfg_section *s = find_sec(m->cfg, "table", name);
    if (!s) return am_mon_bad(m, line, "there is no [table %s] section", name);
    unsigned long fl;
    const char *file = am_cfg_get(s, "file", &fl);
    if (!file) return am_mon_bad(m, s->at, "[table %s] needs file = <csv or csv.gz>", name);
    armoede_read_options ro = ARMOEDE_READ_OPTIONS_INIT;
    char **na = NULL;
    int nna = -1, rc = read_format(m, s, &ro, &na, &nna);
    /* integer = a, b / real = ... / categorical = ... / date = ... */
    static const char *const tkeys[] = {"integer", "real", "categorical", "date"};
    const char **names = NULL;
    armoede_type *types = NULL;
    size_t nt = 0, cap = 0;
    for (size_t k = 0; k < 4 && !rc; k++) {
        char **l;
        int n;
        if ((rc = am_mon_list(m, s, tkeys[k], &l, &n))) break;
        for (int i = 0; i < n && !rc; i++) {
            size_t c2 = cap;
            if (!GROW(names, cap, nt + 1)) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
            if (cap != c2) {
                armoede_type *q = realloc(types, cap * sizeof *q);
                if (!q) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
                types = q;
            }
            names[nt] = keep(m, l[i]);
            if (!names[nt]) { rc = ARMOEDE_ENOMEM; break; }
            type_of(tkeys[k], &types[nt++]);
        }
        am_cfg_list_free(l, n);
    }
    const char *path = rc ? NULL : am_mon_resolve(m, file);
    if (!rc && !path) rc = ARMOEDE_ENOMEM;
    if (!rc && (rc = am_cfg_unused(m->cfg, s)) == 0) {
        armoede_table *x = NULL;
        rc = am_read_csv(path, &ro, names, types, nt, &x);
        if (rc) rc = at_line(m, rc, fl);
        else if (!GROW(m->tables, m->captables, m->ntables + 1) ||
                 !(m->tables[m->ntables].name = am_strdup(name))) {
            armoede_table_free(x);
            rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
        } else {
            m->tables[m->ntables++].t = x;
            *t = x;
        }
    }
    if (nna > 0) am_cfg_list_free(na, nna);
    free(names);
    free(types);
    return rc;
}

/* Population rules shared by [population] and each impact [indicator]. */
int am_mon_population_keys(am_mon *m, am_cfg_section *s, armoede_impact_options *o)
{
    int rc;
    if ((rc = am_mon_bool(m, s, "whole_year", &o->filter_whole_year)) ||
        (rc = am_mon_bool(m, s, "student", &o->filter_student)) ||
        (rc = am_mon_bool(m, s, "institutional", &o->filter_institutional)))
        return rc;
    unsigned long line;
    const char *x = am_cfg_get(s, "negative_income", &line);
    if (x) {
        if (!strcmp(x, "exclude")) o->negative_income = ARMOEDE_NEGATIVE_EXCLUDE;
        else if (!strcmp(x, "include")) o->negative_income = ARMOEDE_NEGATIVE_INCLUDE;
        else return am_mon_bad(m, line, "negative_income must be exclude or include, not '%s'", x);
    }
    return am_mon_real(m, s, "wealth_limit", 0, 1e15, &o->wealth_limit);
}

/* The main [input], with the columns of [columns] (typed by role), those
 * the indicators asked for, and [types]. */
static int load_input(am_mon *m)
{
    am_cfg *c = m->cfg;
    unsigned long fl;
    const char *file = am_cfg_get(m->in, "file", &fl);
    if (!file) return am_mon_bad(m, m->in->at, "[input] needs file = <csv or csv.gz>");
    armoede_read_options ro = ARMOEDE_READ_OPTIONS_INIT;
    char **na = NULL;
    int nna = -1, rc = read_format(m, m->in, &ro, &na, &nna);
    if (!rc) rc = am_cfg_unused(c, m->in);
    am_cfg_section *ts = find_sec(c, "types", NULL);
    size_t cap = m->colsec->n + m->nwant + (ts ? ts->n : 0) + 1, ncols = 0;
    const char **cols = calloc(cap, sizeof *cols);
    armoede_type *types = calloc(cap, sizeof *types);
    if (!rc && (!cols || !types)) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    for (size_t k = 0; k < m->colsec->n && !rc; k++) {
        m->colsec->used[k] = 1;
        int role = armoede_role_from_name(m->colsec->key[k]);
        if (role < 0) {
            rc = am_mon_bad(m, m->colsec->line[k], "'%s' is not a role (see docs/config.md: person_id, household_id, year, income, ...)", m->colsec->key[k]);
            break;
        }
        size_t j;
        for (j = 0; j < ncols; j++) if (!strcmp(cols[j], m->colsec->val[k])) break;
        if (j < ncols) continue;
        armoede_type ty = ARMOEDE_TYPE_AUTO;
        switch (role) {
        case ARMOEDE_ROLE_INCOME: case ARMOEDE_ROLE_NORM: case ARMOEDE_ROLE_RATIO_PCT:
        case ARMOEDE_ROLE_WEIGHT: case ARMOEDE_ROLE_WEALTH: ty = ARMOEDE_TYPE_REAL; break;
        case ARMOEDE_ROLE_HOUSEHOLD_TYPE: case ARMOEDE_ROLE_AGE_BAND: case ARMOEDE_ROLE_AREA:
        case ARMOEDE_ROLE_INCOME_SOURCE: ty = ARMOEDE_TYPE_CAT; break;
        case ARMOEDE_ROLE_PERSON_ID: case ARMOEDE_ROLE_HOUSEHOLD_ID: ty = ARMOEDE_TYPE_AUTO; break;
        default: ty = ARMOEDE_TYPE_INT; break;
        }
        cols[ncols] = m->colsec->val[k];
        types[ncols++] = ty;
    }
    for (size_t i = 0; i < m->nwant && !rc; i++) {
        size_t j;
        for (j = 0; j < ncols; j++) if (!strcmp(cols[j], m->want[i])) break;
        if (j == ncols) { cols[ncols] = m->want[i]; types[ncols++] = m->want_type[i]; }
        else if (types[j] == ARMOEDE_TYPE_AUTO) types[j] = m->want_type[i];
    }
    for (size_t k = 0; ts && k < ts->n && !rc; k++) {
        ts->used[k] = 1;
        armoede_type ty;
        if (type_of(ts->val[k], &ty)) { rc = am_mon_bad(m, ts->line[k], "type must be integer, real, categorical or date, not '%s'", ts->val[k]); break; }
        size_t j;
        for (j = 0; j < ncols; j++) if (!strcmp(cols[j], ts->key[k])) break;
        if (j == ncols) cols[ncols++] = ts->key[k];
        types[j] = ty;
    }
    if (!rc) {
        ro.columns = cols;
        ro.types = types;
        ro.n_columns = ncols;
        const char *path = am_mon_resolve(m, file);
        if (!path) rc = ARMOEDE_ENOMEM;
        else if ((rc = armoede_table_read_csv(path, &ro, &m->input))) rc = at_line(m, rc, fl);
    }
    for (size_t k = 0; k < m->colsec->n && !rc; k++) {
        rc = armoede_table_set_role(m->input, (armoede_role)armoede_role_from_name(m->colsec->key[k]), m->colsec->val[k]);
        if (rc) rc = at_line(m, rc, m->colsec->line[k]);
    }
    if (nna > 0) am_cfg_list_free(na, nna);
    free(cols);
    free(types);
    return rc;
}

typedef struct {
    const char *name;
    const am_mon_kind *kind;
    void *state;
} item;

/* Every known type, for the message about an unknown one. */
static void kind_list(char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t f = 0; f < NFAMILIES; f++)
        for (const am_mon_kind *x = families[f]; x->type && k < n; x++) {
            int w = snprintf(buf + k, n - k, "%s%s", k ? ", " : "", x->type);
            if (w < 0) break;
            k += (size_t)w;
        }
}

static const am_mon_kind *kind_of(const char *type)
{
    for (size_t f = 0; f < NFAMILIES; f++)
        for (const am_mon_kind *x = families[f]; x->type; x++)
            if (!strcmp(x->type, type)) return x;
    return NULL;
}

int armoede_monitor_run(const char *path, const char *out_dir, armoede_result **out)
{
    if (out) *out = NULL;
    if (!path) return am_fail(ARMOEDE_EINVAL, "armoede_monitor_run: path is NULL");
    am_gsl_guard();
    am_mon mon, *m = &mon;
    memset(m, 0, sizeof *m);
    m->out_dir = out_dir;
    armoede_impact_options_init(&m->pop);
    int rc = am_cfg_read(path, &m->cfg);
    if (rc) return rc;
    am_cfg *c = m->cfg;
    char lab[256];
    armoede_result *all = NULL;
    item *items = NULL;
    size_t nitems = 0;

    for (size_t i = 0; i < c->nsec && !rc; i++) {
        size_t k;
        for (k = 0; k < sizeof sections_known / sizeof *sections_known; k++)
            if (!strcmp(c->sec[i].kind, sections_known[k])) break;
        if (k == sizeof sections_known / sizeof *sections_known)
            rc = am_mon_bad(m, c->sec[i].at, "unknown section %s", sec_label(&c->sec[i], lab, sizeof lab));
        else
            for (size_t j = 0; j < i && !rc; j++)
                if (!strcmp(c->sec[j].kind, c->sec[i].kind) && !strcmp(c->sec[j].name, c->sec[i].name))
                    rc = am_mon_bad(m, c->sec[i].at, "section %s appears twice", sec_label(&c->sec[i], lab, sizeof lab));
    }
    if (rc) goto done;
    m->in = find_sec(c, "input", NULL);
    m->colsec = find_sec(c, "columns", NULL);
    if (m->in && !m->colsec) { rc = am_fail(ARMOEDE_ECONFIG, "%s: [input] without a [columns] section (it maps your column names to roles)", c->path); goto done; }
    if (!m->in && m->colsec) { rc = am_mon_bad(m, m->colsec->at, "[columns] without an [input] section (it names the data file)"); goto done; }
    if (!find_sec(c, "output", NULL)) { rc = am_fail(ARMOEDE_ECONFIG, "%s: no [output] section (csv = ..., json = ...)", c->path); goto done; }

    /* [monitor] */
    am_cfg_section *ms = find_sec(c, "monitor", NULL);
    if (ms) { am_cfg_get(ms, "title", NULL); am_cfg_get(ms, "description", NULL); if ((rc = am_cfg_unused(c, ms))) goto done; }

    /* the impact defaults of [population] */
    am_cfg_section *ps = find_sec(c, "population", NULL);
    if (ps && ((rc = am_mon_population_keys(m, ps, &m->pop)) || (rc = am_cfg_unused(c, ps)))) goto done;

    /* [norms] and [norm_types] */
    am_cfg_section *ns = find_sec(c, "norms", NULL);
    if (ns) {
        unsigned long line;
        const char *f = am_cfg_get(ns, "file", &line);
        if (!f) { rc = am_mon_bad(m, ns->at, "[norms] needs file = <norms csv>"); goto done; }
        const char *p = am_mon_resolve(m, f);
        if (!p) { rc = ARMOEDE_ENOMEM; goto done; }
        if ((rc = armoede_norms_read_csv(p, &m->norms))) { rc = at_line(m, rc, line); goto done; }
        if ((rc = am_cfg_unused(c, ns))) goto done;
        m->pop.norms = m->norms;
    }
    am_cfg_section *nts = find_sec(c, "norm_types", NULL);
    if (nts) {
        if (!m->norms) { rc = am_mon_bad(m, nts->at, "[norm_types] needs a [norms] section"); goto done; }
        for (size_t k = 0; k < nts->n && !rc; k++) {
            nts->used[k] = 1;
            if ((rc = armoede_norms_map_type(m->norms, nts->key[k], nts->val[k]))) rc = at_line(m, rc, nts->line[k]);
        }
        if (rc) goto done;
    }

    /* [indicator ...]: parse them all before reading any data */
    for (size_t i = 0; i < c->nsec; i++) if (!strcmp(c->sec[i].kind, "indicator")) nitems++;
    if (!nitems) { rc = am_fail(ARMOEDE_ECONFIG, "%s: no [indicator NAME] section: nothing to compute", c->path); goto done; }
    items = calloc(nitems, sizeof *items);
    if (!items) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
    nitems = 0;
    for (size_t i = 0; i < c->nsec && !rc; i++) {
        am_cfg_section *s = &c->sec[i];
        if (strcmp(s->kind, "indicator")) continue;
        if (!*s->name) { rc = am_mon_bad(m, s->at, "an [indicator] needs a name: [indicator NAME]"); break; }
        unsigned long line;
        const char *ty = am_cfg_get(s, "type", &line);
        char known[1024];
        kind_list(known, sizeof known);
        if (!ty) { rc = am_mon_bad(m, s->at, "%s needs type = one of: %s", sec_label(s, lab, sizeof lab), known); break; }
        item *it = &items[nitems++];
        it->name = s->name;
        it->kind = kind_of(ty);
        if (!it->kind) { rc = am_mon_bad(m, line, "type '%s' is not one of: %s", ty, known); break; }
        if ((rc = it->kind->parse(m, s, it->kind->arg, &it->state)) == 0) rc = am_cfg_unused(c, s);
    }
    if (rc) goto done;
    for (size_t i = 0; i < c->nsec && !rc; i++)
        if (!strcmp(c->sec[i].kind, "table") && !am_cfg_get(&c->sec[i], "file", NULL))
            rc = am_mon_bad(m, c->sec[i].at, "[table %s] needs file = <csv or csv.gz>", c->sec[i].name);
    if (rc) goto done;

    if (m->in && (rc = load_input(m))) goto done;

    /* compute */
    all = am_result_new();
    if (!all || (rc = am_result_set_keys(all, NULL, 0))) { rc = rc ? rc : am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
    for (size_t i = 0; i < nitems && !rc; i++) {
        armoede_result *r = NULL;
        item *it = &items[i];
        if ((rc = it->kind->run(m, it->state, &r))) {
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", armoede_last_error());
            rc = am_fail(rc, "[indicator %s]: %s", it->name, msg);
            break;
        }
        /* say which indicator each note is about */
        for (size_t k = 0; k < r->nnotes && !rc; k++) {
            size_t len = strlen(it->name) + strlen(r->notes[k]) + 16;
            char *x = malloc(len);
            if (!x) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
            snprintf(x, len, "[indicator %s] %s", it->name, r->notes[k]);
            free(r->notes[k]);
            r->notes[k] = x;
        }
        if (!rc) rc = armoede_result_append(all, r);
        armoede_result_free(r);
    }
    if (rc) goto done;
    /* a [table] no indicator used is a mistake in the config */
    for (size_t i = 0; i < c->nsec && !rc; i++) {
        if (strcmp(c->sec[i].kind, "table")) continue;
        size_t j;
        for (j = 0; j < m->ntables; j++) if (!strcmp(m->tables[j].name, c->sec[i].name)) break;
        if (j == m->ntables) rc = am_mon_bad(m, c->sec[i].at, "no indicator uses [table %s]", c->sec[i].name);
    }
    if (rc) goto done;

    /* [disclosure] */
    {
        armoede_sdc_options so = ARMOEDE_SDC_OPTIONS_INIT;
        double dom_k = so.dominance_k * 100.0; /* a percentage in the config */
        int enabled = 1;
        am_cfg_section *ds = find_sec(c, "disclosure", NULL);
        if (ds && ((rc = am_mon_bool(m, ds, "enabled", &enabled)) || (rc = am_mon_int(m, ds, "min_n", 0, 1000000, &so.min_n)) ||
                   (rc = am_mon_bool(m, ds, "secondary", &so.secondary)) || (rc = am_mon_int(m, ds, "round", 0, 10, &so.round_base)) ||
                   (rc = am_mon_int(m, ds, "dominance_n", 0, 2, &so.dominance_n)) ||
                   (rc = am_mon_real(m, ds, "dominance_k", 1, 100, &dom_k)) || (rc = am_cfg_unused(c, ds))))
            goto done;
        so.dominance_k = dom_k / 100.0;
        if (so.round_base != 0 && so.round_base != 5 && so.round_base != 10) {
            unsigned long line;
            am_cfg_get(ds, "round", &line);
            rc = am_mon_bad(m, line, "round must be 0, 5 or 10");
            goto done;
        }
        if (enabled) { if ((rc = armoede_sdc_apply(all, &so))) goto done; }
        else if ((rc = am_result_note(all, "disclosure control switched off in %s: not for publication", c->path))) goto done;
    }

    /* [output] */
    {
        am_cfg_section *os = find_sec(c, "output", NULL);
        armoede_write_options wo = ARMOEDE_WRITE_OPTIONS_INIT;
        wo.unprotected = 1; /* protection was decided above */
        unsigned long line;
        const char *f = am_cfg_get(os, "csv", &line);
        const char *g = am_cfg_get(os, "json", &line);
        if (!f && !g) { rc = am_mon_bad(m, os->at, "[output] names no file: set csv = ... and/or json = ..."); goto done; }
        if ((rc = am_cfg_unused(c, os))) goto done;
        const char *fp = f ? resolve_out(m, f) : NULL, *gp = g ? resolve_out(m, g) : NULL;
        if ((f && !fp) || (g && !gp)) { rc = ARMOEDE_ENOMEM; goto done; }
        if (fp && (rc = am_result_note(all, "output: %s", fp))) goto done;
        if (gp && (rc = am_result_note(all, "output: %s", gp))) goto done;
        if (fp && ((rc = make_parents(fp)) || (rc = armoede_result_write_csv(all, fp, &wo)))) goto done;
        if (gp && ((rc = make_parents(gp)) || (rc = armoede_result_write_json(all, gp, &wo)))) goto done;
    }

done:
    for (size_t i = 0; i < nitems; i++)
        if (items[i].kind && items[i].kind->free) items[i].kind->free(items[i].state);
    free(items);
    for (size_t i = 0; i < m->nwant; i++) free(m->want[i]);
    free(m->want);
    free(m->want_type);
    for (size_t i = 0; i < m->ntables; i++) { free(m->tables[i].name); armoede_table_free(m->tables[i].t); }
    free(m->tables);
    armoede_table_free(m->input);
    armoede_norms_free(m->norms);
    for (size_t i = 0; i < m->nstrs; i++) free(m->strs[i]);
    free(m->strs);
    am_cfg_free(m->cfg);
    if (rc) { armoede_result_free(all); return rc; }
    if (out) *out = all;
    else armoede_result_free(all);
    return 0;
}
