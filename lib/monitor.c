/* The monitor: a configuration file run end to end (read, compute,
 * protect, write). See docs/config.md for the language.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    am_cfg *cfg;
    const char *out_dir;
    char pathbuf[4096];
} mon;

static const char *sec_label(const am_cfg_section *s, char *buf, size_t n)
{
    snprintf(buf, n, "[%s%s%s]", s->kind, *s->name ? " " : "", s->name);
    return buf;
}

static int bad(mon *m, unsigned long line, const char *fmt, const char *a, const char *b)
{
    char msg[1024];
    snprintf(msg, sizeof msg, fmt, a, b);
    return am_fail(ARMOEDE_ECONFIG, "%s:%lu: %s", m->cfg->path, line, msg);
}

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

/* Path relative to the config file's directory. */
static const char *resolve(mon *m, const char *p, char *buf, size_t n)
{
    if (p[0] == '/') snprintf(buf, n, "%s", p);
    else snprintf(buf, n, "%s%s", m->cfg->dir, p);
    if (n >= 4096) tidy_path(buf);
    return buf;
}

static const char *resolve_out(mon *m, const char *p, char *buf, size_t n)
{
    if (!m->out_dir) return resolve(m, p, buf, n);
    const char *base = strrchr(p, '/');
    base = base ? base + 1 : p;
    snprintf(buf, n, "%s/%s", m->out_dir, base);
    return buf;
}

static int get_bool(mon *m, am_cfg_section *s, const char *key, int *v)
{
    unsigned long line;
    const char *x = am_cfg_get(s, key, &line);
    if (!x) return 0;
    if (!strcmp(x, "yes") || !strcmp(x, "true") || !strcmp(x, "on") || !strcmp(x, "1")) *v = 1;
    else if (!strcmp(x, "no") || !strcmp(x, "false") || !strcmp(x, "off") || !strcmp(x, "0")) *v = 0;
    else return bad(m, line, "%s must be yes or no, not '%s'", key, x);
    return 0;
}

static int get_int(mon *m, am_cfg_section *s, const char *key, int lo, int hi, int *v)
{
    unsigned long line;
    const char *x = am_cfg_get(s, key, &line);
    if (!x) return 0;
    int64_t y;
    if (am_parse_int(x, strlen(x), &y) || y < lo || y > hi) {
        char range[64];
        snprintf(range, sizeof range, "a whole number from %d to %d", lo, hi);
        char msg[256];
        snprintf(msg, sizeof msg, "%s must be %s", key, range);
        return bad(m, line, "%s, not '%s'", msg, x);
    }
    *v = (int)y;
    return 0;
}

static am_cfg_section *find_sec(am_cfg *c, const char *kind)
{
    for (size_t i = 0; i < c->nsec; i++) if (!strcmp(c->sec[i].kind, kind)) return &c->sec[i];
    return NULL;
}

/* Population rules shared by [population] and each [indicator]. */
static int population(mon *m, am_cfg_section *s, armoede_impact_options *o)
{
    int rc;
    if ((rc = get_bool(m, s, "whole_year", &o->filter_whole_year)) ||
        (rc = get_bool(m, s, "student", &o->filter_student)) ||
        (rc = get_bool(m, s, "institutional", &o->filter_institutional)))
        return rc;
    unsigned long line;
    const char *x = am_cfg_get(s, "negative_income", &line);
    if (x) {
        if (!strcmp(x, "exclude")) o->negative_income = ARMOEDE_NEGATIVE_EXCLUDE;
        else if (!strcmp(x, "include")) o->negative_income = ARMOEDE_NEGATIVE_INCLUDE;
        else return bad(m, line, "%s must be exclude or include, not '%s'", "negative_income", x);
    }
    x = am_cfg_get(s, "wealth_limit", &line);
    if (x && (am_parse_real(x, strlen(x), '.', &o->wealth_limit) || o->wealth_limit < 0))
        return bad(m, line, "%s must be a number >= 0, not '%s'", "wealth_limit", x);
    return 0;
}

typedef struct {
    char *name;
    int kind; /* 0 minima, 1 durations, 2 flows */
    armoede_impact_options o;
    double thr[32];
    int ks[64];
    char **by, **margins;
    int nby, nmargins;
} item;

static const char *const sections_known[] = {"monitor", "input", "columns", "types", "norms", "norm_types",
                                             "population", "indicator", "disclosure", "output"};

int armoede_monitor_run(const char *path, const char *out_dir, armoede_result **out)
{
    if (out) *out = NULL;
    if (!path) return am_fail(ARMOEDE_EINVAL, "armoede_monitor_run: path is NULL");
    am_gsl_guard();
    mon m;
    memset(&m, 0, sizeof m);
    m.out_dir = out_dir;
    int rc = am_cfg_read(path, &m.cfg);
    if (rc) return rc;
    am_cfg *c = m.cfg;
    char lab[256], buf[4096];
    armoede_table *t = NULL;
    armoede_norms *norms = NULL;
    armoede_result *all = NULL;
    item *items = NULL;
    size_t nitems = 0;
    char **na = NULL;
    int nna = -1;
    const char **cols = NULL;
    armoede_type *types = NULL;
    size_t ncols = 0;

    for (size_t i = 0; i < c->nsec && !rc; i++) {
        size_t k;
        for (k = 0; k < sizeof sections_known / sizeof *sections_known; k++)
            if (!strcmp(c->sec[i].kind, sections_known[k])) break;
        if (k == sizeof sections_known / sizeof *sections_known)
            rc = bad(&m, c->sec[i].at, "unknown section %s%s", sec_label(&c->sec[i], lab, sizeof lab), "");
        else if (strcmp(c->sec[i].kind, "indicator") != 0)
            for (size_t j = 0; j < i && !rc; j++)
                if (!strcmp(c->sec[j].kind, c->sec[i].kind))
                    rc = bad(&m, c->sec[i].at, "section [%s] appears twice%s", c->sec[i].kind, "");
    }
    am_cfg_section *in = rc ? NULL : find_sec(c, "input");
    if (!rc && !in) rc = am_fail(ARMOEDE_ECONFIG, "%s: no [input] section (it names the data file)", c->path);
    am_cfg_section *colsec = rc ? NULL : find_sec(c, "columns");
    if (!rc && !colsec) rc = am_fail(ARMOEDE_ECONFIG, "%s: no [columns] section (it maps your column names to roles)", c->path);
    if (rc) goto done;

    if (!find_sec(c, "output")) { rc = am_fail(ARMOEDE_ECONFIG, "%s: no [output] section (csv = ..., json = ...)", c->path); goto done; }

    /* [monitor] */
    am_cfg_section *ms = find_sec(c, "monitor");
    if (ms) { am_cfg_get(ms, "title", NULL); am_cfg_get(ms, "description", NULL); if ((rc = am_cfg_unused(c, ms))) goto done; }

    /* the impact defaults of [population] */
    armoede_impact_options base = ARMOEDE_IMPACT_OPTIONS_INIT;
    am_cfg_section *ps = find_sec(c, "population");
    if (ps && ((rc = population(&m, ps, &base)) || (rc = am_cfg_unused(c, ps)))) goto done;

    /* [norms] and [norm_types] */
    am_cfg_section *ns = find_sec(c, "norms");
    if (ns) {
        unsigned long line;
        const char *f = am_cfg_get(ns, "file", &line);
        if (!f) { rc = bad(&m, ns->at, "[norms] needs file = <norms csv>%s%s", "", ""); goto done; }
        if ((rc = armoede_norms_read_csv(resolve(&m, f, buf, sizeof buf), &norms))) goto done;
        if ((rc = am_cfg_unused(c, ns))) goto done;
    }
    am_cfg_section *nts = find_sec(c, "norm_types");
    if (nts) {
        if (!norms) { rc = bad(&m, nts->at, "[norm_types] needs a [norms] section%s%s", "", ""); goto done; }
        for (size_t k = 0; k < nts->n && !rc; k++) {
            nts->used[k] = 1;
            rc = armoede_norms_map_type(norms, nts->key[k], nts->val[k]);
        }
        if (rc) goto done;
    }

    /* [indicator ...] */
    for (size_t i = 0; i < c->nsec; i++) if (!strcmp(c->sec[i].kind, "indicator")) nitems++;
    if (!nitems) { rc = am_fail(ARMOEDE_ECONFIG, "%s: no [indicator NAME] section: nothing to compute", c->path); goto done; }
    items = calloc(nitems, sizeof *items);
    if (!items) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
    nitems = 0;
    for (size_t i = 0; i < c->nsec && !rc; i++) {
        am_cfg_section *s = &c->sec[i];
        if (strcmp(s->kind, "indicator")) continue;
        item *it = &items[nitems++];
        it->name = s->name;
        it->o = base;
        it->o.norms = norms;
        unsigned long line;
        const char *ty = am_cfg_get(s, "type", &line);
        if (!ty) { rc = bad(&m, s->at, "%s needs type = minima, durations or flows%s", sec_label(s, lab, sizeof lab), ""); break; }
        if (!strcmp(ty, "minima")) it->kind = 0;
        else if (!strcmp(ty, "durations")) it->kind = 1;
        else if (!strcmp(ty, "flows")) it->kind = 2;
        else { rc = bad(&m, line, "type must be minima, durations or flows, not '%s'%s", ty, ""); break; }
        const char *v = am_cfg_get(s, "thresholds", &line);
        if (v) {
            char **l;
            int n = am_cfg_list(v, &l);
            if (n < 0) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
            if (n == 0 || n > 30) { am_cfg_list_free(l, n); rc = bad(&m, line, "thresholds: 1 to 30 percentages, e.g. 110, 120%s%s", "", ""); break; }
            for (int k = 0; k < n && !rc; k++) {
                size_t len = strlen(l[k]);
                if (len && l[k][len - 1] == '%') len--;
                double pct;
                if (am_parse_real(l[k], len, '.', &pct) || !(pct > 0 && pct <= 10000))
                    rc = bad(&m, line, "threshold '%s' is not a percentage of the minimum (e.g. 110)%s", l[k], "");
                it->thr[k] = pct / 100.0;
            }
            am_cfg_list_free(l, n);
            if (rc) break;
            it->o.thresholds = it->thr;
            it->o.n_thresholds = (size_t)n;
        }
        v = am_cfg_get(s, "units", &line);
        if (v) {
            char **l;
            int n = am_cfg_list(v, &l);
            if (n < 0) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
            it->o.units = 0;
            for (int k = 0; k < n && !rc; k++) {
                if (!strcmp(l[k], "households")) it->o.units |= ARMOEDE_UNIT_HOUSEHOLDS;
                else if (!strcmp(l[k], "persons")) it->o.units |= ARMOEDE_UNIT_PERSONS;
                else if (!strcmp(l[k], "minors")) it->o.units |= ARMOEDE_UNIT_MINORS;
                else rc = bad(&m, line, "unit '%s' is not households, persons or minors%s", l[k], "");
            }
            am_cfg_list_free(l, n);
            if (rc) break;
        }
        v = am_cfg_get(s, "by", &line);
        if (v && (it->nby = am_cfg_list(v, &it->by)) < 0) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
        v = am_cfg_get(s, "margins", &line);
        if (v && (it->nmargins = am_cfg_list(v, &it->margins)) < 0) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
        it->o.by = (const char *const *)it->by;
        it->o.n_by = it->nby > 0 ? (size_t)it->nby : 0;
        it->o.margins = (const char *const *)it->margins;
        it->o.n_margins = it->nmargins > 0 ? (size_t)it->nmargins : 0;
        v = am_cfg_get(s, "durations", &line);
        if (v) {
            char **l;
            int n = am_cfg_list(v, &l);
            if (n < 0) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
            if (n == 0 || n > 64) { am_cfg_list_free(l, n); rc = bad(&m, line, "durations: 1 to 64 numbers of years%s%s", "", ""); break; }
            for (int k = 0; k < n && !rc; k++) {
                int64_t y;
                if (am_parse_int(l[k], strlen(l[k]), &y) || y < 1 || y > 100)
                    rc = bad(&m, line, "duration '%s' is not a number of years from 1 to 100%s", l[k], "");
                it->ks[k] = (int)y;
            }
            am_cfg_list_free(l, n);
            if (rc) break;
            it->o.durations = it->ks;
            it->o.n_durations = (size_t)n;
        }
        v = am_cfg_get(s, "level", &line);
        if (v) {
            if (!strcmp(v, "person")) it->o.level = ARMOEDE_LEVEL_PERSON;
            else if (!strcmp(v, "household")) it->o.level = ARMOEDE_LEVEL_HOUSEHOLD;
            else { rc = bad(&m, line, "level must be person or household, not '%s'%s", v, ""); break; }
        }
        if ((rc = get_bool(&m, s, "cbs_denominator", &it->o.cbs_denominator)) ||
            (rc = get_int(&m, s, "bridge_gaps", 0, 10, &it->o.bridge_gaps)) ||
            (rc = get_int(&m, s, "relapse_years", 1, 50, &it->o.relapse_years)) ||
            (rc = get_int(&m, s, "threads", 0, 256, &it->o.nthreads)) ||
            (rc = population(&m, s, &it->o)) || (rc = am_cfg_unused(c, s)))
            break;
    }
    if (rc) goto done;

    /* [input], [columns], [types]: load only the columns needed */
    {
        unsigned long line;
        const char *file = am_cfg_get(in, "file", &line);
        if (!file) { rc = bad(&m, in->at, "[input] needs file = <csv or csv.gz>%s%s", "", ""); goto done; }
        armoede_read_options ro = ARMOEDE_READ_OPTIONS_INIT;
        const char *v = am_cfg_get(in, "separator", &line);
        if (v) {
            if (!strcmp(v, "auto")) ro.separator = 0;
            else if (!strcmp(v, ",") || !strcmp(v, "comma")) ro.separator = ',';
            else if (!strcmp(v, ";") || !strcmp(v, "semicolon")) ro.separator = ';';
            else if (!strcmp(v, "tab")) ro.separator = '\t';
            else { rc = bad(&m, line, "separator must be auto, comma, semicolon or tab, not '%s'%s", v, ""); goto done; }
        }
        v = am_cfg_get(in, "decimal", &line);
        if (v) {
            if (!strcmp(v, ".") || !strcmp(v, "point")) ro.decimal = '.';
            else if (!strcmp(v, ",") || !strcmp(v, "comma")) ro.decimal = ',';
            else { rc = bad(&m, line, "decimal must be point or comma, not '%s'%s", v, ""); goto done; }
        }
        v = am_cfg_get(in, "na", &line);
        if (v) {
            if ((nna = am_cfg_list(v, &na)) < 0) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
            ro.na_tokens = (const char *const *)na;
            ro.n_na_tokens = (size_t)nna;
            if (!na) { static const char *const none[] = {NULL}; ro.na_tokens = none; }
        }
        if ((rc = am_cfg_unused(c, in))) goto done;
        /* columns: roles first, then breakdowns */
        size_t cap = colsec->n + 64;
        for (size_t i = 0; i < nitems; i++) cap += (size_t)(items[i].nby > 0 ? items[i].nby : 0);
        cols = calloc(cap, sizeof *cols);
        types = calloc(cap, sizeof *types);
        if (!cols || !types) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
        am_cfg_section *ts = find_sec(c, "types");
        for (size_t k = 0; k < colsec->n && !rc; k++) {
            colsec->used[k] = 1;
            int role = armoede_role_from_name(colsec->key[k]);
            if (role < 0) {
                rc = bad(&m, colsec->line[k], "'%s' is not a role (see docs/config.md: person_id, household_id, year, income, ...)%s", colsec->key[k], "");
                break;
            }
            size_t j;
            for (j = 0; j < ncols; j++) if (!strcmp(cols[j], colsec->val[k])) break;
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
            cols[ncols] = colsec->val[k];
            types[ncols++] = ty;
        }
        if (rc) goto done;
        for (size_t i = 0; i < nitems; i++)
            for (int b = 0; b < items[i].nby; b++) {
                size_t j;
                for (j = 0; j < ncols; j++) if (!strcmp(cols[j], items[i].by[b])) break;
                if (j == ncols) { cols[ncols] = items[i].by[b]; types[ncols++] = ARMOEDE_TYPE_AUTO; }
            }
        if (ts) {
            for (size_t k = 0; k < ts->n; k++) {
                ts->used[k] = 1;
                armoede_type ty;
                if (!strcmp(ts->val[k], "integer")) ty = ARMOEDE_TYPE_INT;
                else if (!strcmp(ts->val[k], "real")) ty = ARMOEDE_TYPE_REAL;
                else if (!strcmp(ts->val[k], "categorical")) ty = ARMOEDE_TYPE_CAT;
                else { rc = bad(&m, ts->line[k], "type must be integer, real or categorical, not '%s'%s", ts->val[k], ""); goto done; }
                size_t j;
                for (j = 0; j < ncols; j++) if (!strcmp(cols[j], ts->key[k])) break;
                if (j == ncols) { cols[ncols] = ts->key[k]; ncols++; }
                types[j] = ty;
            }
        }
        ro.columns = cols;
        ro.types = types;
        ro.n_columns = ncols;
        if ((rc = armoede_table_read_csv(resolve(&m, file, buf, sizeof buf), &ro, &t))) goto done;
        for (size_t k = 0; k < colsec->n && !rc; k++) {
            rc = armoede_table_set_role(t, (armoede_role)armoede_role_from_name(colsec->key[k]), colsec->val[k]);
            if (rc) {
                char msg[1024];
                snprintf(msg, sizeof msg, "%s", armoede_last_error());
                rc = am_fail(rc, "%s:%lu: %s", c->path, colsec->line[k], msg);
            }
        }
        if (rc) goto done;
    }

    /* compute */
    all = am_result_new();
    if (!all || (rc = am_result_set_keys(all, NULL, 0))) { rc = rc ? rc : am_fail(ARMOEDE_ENOMEM, "out of memory"); goto done; }
    for (size_t i = 0; i < nitems && !rc; i++) {
        armoede_result *r = NULL;
        item *it = &items[i];
        rc = it->kind == 0 ? armoede_minima(t, &it->o, &r) : it->kind == 1 ? armoede_durations(t, &it->o, &r)
                                                                          : armoede_flows(t, &it->o, &r);
        if (rc) {
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

    /* [disclosure] */
    {
        armoede_sdc_options so = ARMOEDE_SDC_OPTIONS_INIT;
        int enabled = 1;
        am_cfg_section *ds = find_sec(c, "disclosure");
        if (ds && ((rc = get_bool(&m, ds, "enabled", &enabled)) || (rc = get_int(&m, ds, "min_n", 0, 1000000, &so.min_n)) ||
                   (rc = get_bool(&m, ds, "secondary", &so.secondary)) || (rc = get_int(&m, ds, "round", 0, 10, &so.round_base)) ||
                   (rc = am_cfg_unused(c, ds))))
            goto done;
        if (so.round_base != 0 && so.round_base != 5 && so.round_base != 10) {
            unsigned long line;
            am_cfg_get(ds, "round", &line);
            rc = bad(&m, line, "round must be 0, 5 or 10%s%s", "", "");
            goto done;
        }
        if (enabled) { if ((rc = armoede_sdc_apply(all, &so))) goto done; }
        else if ((rc = am_result_note(all, "disclosure control switched off in %s: not for publication", c->path))) goto done;
    }

    /* [output] */
    {
        am_cfg_section *os = find_sec(c, "output");
        if (!os) { rc = am_fail(ARMOEDE_ECONFIG, "%s: no [output] section (csv = ..., json = ...)", c->path); goto done; }
        armoede_write_options wo = ARMOEDE_WRITE_OPTIONS_INIT;
        wo.unprotected = 1; /* protection was decided above */
        unsigned long line;
        const char *f = am_cfg_get(os, "csv", &line);
        const char *g = am_cfg_get(os, "json", &line);
        char b2[4096];
        if (f && (rc = am_result_note(all, "output: %s", resolve_out(&m, f, b2, sizeof b2)))) goto done;
        if (g && (rc = am_result_note(all, "output: %s", resolve_out(&m, g, b2, sizeof b2)))) goto done;
        if (f && ((rc = make_parents(resolve_out(&m, f, buf, sizeof buf))) ||
                  (rc = armoede_result_write_csv(all, buf, &wo)))) goto done;
        if (g && ((rc = make_parents(resolve_out(&m, g, buf, sizeof buf))) ||
                  (rc = armoede_result_write_json(all, buf, &wo)))) goto done;
        if (!f && !g) { rc = bad(&m, os->at, "[output] names no file: set csv = ... and/or json = ...%s%s", "", ""); goto done; }
        if ((rc = am_cfg_unused(c, os))) goto done;
    }

done:
    if (items) {
        for (size_t i = 0; i < nitems; i++) {
            am_cfg_list_free(items[i].by, items[i].nby);
            am_cfg_list_free(items[i].margins, items[i].nmargins);
        }
        free(items);
    }
    if (nna > 0) am_cfg_list_free(na, nna);
    free(cols);
    free(types);
    armoede_table_free(t);
    armoede_norms_free(norms);
    am_cfg_free(m.cfg);
    if (rc) { armoede_result_free(all); return rc; }
    if (out) *out = all;
    else armoede_result_free(all);
    return 0;
}
