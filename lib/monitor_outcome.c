/* Monitor kinds of the outcome family: type = take_up, debt_intake,
 * debt_results (keys in docs/outcome.md). SPDX-License-Identifier: GPL-3.0-or-later */
#include "monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXS 64

typedef struct {
    int kind; /* 0 take_up, 1 debt_intake, 2 debt_results */
    char *table, *national;
    unsigned long table_line, national_line;
    /* take_up */
    armoede_impact_options po;
    armoede_take_up_options o;
    armoede_scheme sch[MAXS];
    char **schemes, **any, **work, **reach_items;
    int nschemes, nany, nwork, nreach;
    am_mon_breakdown bm;
    armoede_reach_group reach[32];
    char *strs[4 * MAXS + 32]; /* owned strings */
    size_t nstrs;
    /* debt */
    armoede_debt_options d;
    char **settle, **comp;
    int nsettle, ncomp;
} oc_item;

static void oc_free(void *state)
{
    oc_item *it = state;
    if (!it) return;
    free(it->table);
    free(it->national);
    am_cfg_list_free(it->schemes, it->nschemes);
    am_cfg_list_free(it->any, it->nany);
    am_mon_breakdown_free(&it->bm);
    am_cfg_list_free(it->work, it->nwork);
    am_cfg_list_free(it->reach_items, it->nreach);
    am_cfg_list_free(it->settle, it->nsettle);
    am_cfg_list_free(it->comp, it->ncomp);
    for (size_t k = 0; k < it->nstrs; k++) free(it->strs[k]);
    free(it);
}

/* A string value kept by the item (NULL when the key is absent). "none"
 * gives NULL too, with *none set. */
static int get_str(am_mon *m, oc_item *it, am_cfg_section *s, const char *key, const char **v, int *none)
{
    unsigned long line;
    const char *x = am_cfg_get(s, key, &line);
    if (none) *none = 0;
    if (!x) return 0;
    if (!strcmp(x, "none")) {
        if (none) *none = 1;
        *v = NULL;
        return 0;
    }
    if (!*x) return am_mon_bad(m, line, "%s is empty", key);
    if (it->nstrs >= sizeof it->strs / sizeof *it->strs) return am_mon_bad(m, line, "too many keys");
    char *c = am_strdup(x);
    if (!c) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    it->strs[it->nstrs++] = c;
    *v = c;
    return 0;
}

static int get_table(am_mon *m, am_cfg_section *s, const char *key, int required, char **name, unsigned long *line)
{
    const char *x = am_cfg_get(s, key, line);
    if (!x) {
        if (required) return am_mon_bad(m, s->at, "type %s needs '%s = NAME' naming a [table NAME] section", "outcome", key);
        return 0;
    }
    if (!(*name = am_strdup(x))) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    return 0;
}

/* The columns a condition names ("COL OP VALUE and ...") must be loaded. */
static int want_condition(am_mon *m, const char *cond, unsigned long line)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", cond);
    char *q = buf;
    int rc = 0;
    while (q && !rc) {
        char *andp = strstr(q, " and ");
        if (andp) *andp = '\0';
        size_t k = strcspn(q, "=!<>");
        if (!q[k]) return am_mon_bad(m, line, "condition '%s': no operator (= != < <= > >=)", cond);
        q[k] = '\0';
        char *e = q + strlen(q);
        while (e > q && e[-1] == ' ') *--e = '\0';
        while (*q == ' ') q++;
        if (!*q) return am_mon_bad(m, line, "condition '%s': a clause without a column", cond);
        rc = am_mon_want(m, q, ARMOEDE_TYPE_AUTO, line);
        q = andp ? andp + 5 : NULL;
    }
    return rc;
}

static int parse_take_up(am_mon *m, am_cfg_section *s, oc_item *it)
{
    int rc, none;
    unsigned long line;
    armoede_take_up_options d = ARMOEDE_TAKE_UP_OPTIONS_INIT;
    it->o = d;
    it->po = *am_mon_population(m);
    it->o.population = &it->po;
    if ((rc = am_mon_want(m, NULL, 0, s->at)) || (rc = get_table(m, s, "registrations", 1, &it->table, &it->table_line)))
        return rc;
    armoede_registration_columns *rc_ = &it->o.registrations;
    if ((rc = get_str(m, it, s, "id", &rc_->id, NULL)) || (rc = get_str(m, it, s, "scheme_column", &rc_->scheme, NULL)))
        return rc;
    const char *start = NULL, *end = NULL, *year = rc_->year;
    if ((rc = get_str(m, it, s, "start_column", &start, NULL)) || (rc = get_str(m, it, s, "end_column", &end, NULL)) ||
        (rc = get_str(m, it, s, "year_column", &year, &none)))
        return rc;
    if ((rc = get_str(m, it, s, "amount_column", &rc_->amount, NULL))) return rc;
    /* start_column with year_column: the year decides, the dates must overlap it */
    if (start) { rc_->start = start; rc_->end = end; rc_->year = am_cfg_get(s, "year_column", &line) ? year : NULL; }
    else if (end) return am_mon_bad(m, s->at, "end_column needs start_column");
    else rc_->year = year;
    const char *lv = am_cfg_get(s, "level", &line);
    if (lv) {
        if (!strcmp(lv, "person")) rc_->level = ARMOEDE_LEVEL_PERSON;
        else if (!strcmp(lv, "household")) rc_->level = ARMOEDE_LEVEL_HOUSEHOLD;
        else return am_mon_bad(m, line, "level must be person or household, not '%s'", lv);
    }
    /* schemes */
    if ((rc = am_mon_list(m, s, "schemes", &it->schemes, &it->nschemes))) return rc;
    if (it->nschemes <= 0 || it->nschemes > MAXS) return am_mon_bad(m, s->at, "schemes = 1 to %d scheme codes", MAXS);
    for (int k = 0; k < it->nschemes; k++) {
        armoede_scheme sc = ARMOEDE_SCHEME_INIT;
        const char *code = it->schemes[k];
        char key[256];
        sc.code = code;
        double p[1];
        size_t np = 0;
        snprintf(key, sizeof key, "%s.threshold", code);
        if ((rc = am_mon_pcts(m, s, key, p, 1, &np))) return rc;
        if (np) sc.threshold = p[0];
        snprintf(key, sizeof key, "%s.duration_threshold", code);
        np = 0;
        if ((rc = am_mon_pcts(m, s, key, p, 1, &np))) return rc;
        if (np) sc.duration_threshold = p[0];
        snprintf(key, sizeof key, "%s.years", code);
        if ((rc = am_mon_int(m, s, key, 1, 50, &sc.min_years))) return rc;
        snprintf(key, sizeof key, "%s.minors", code);
        if ((rc = am_mon_bool(m, s, key, &sc.needs_minors))) return rc;
        snprintf(key, sizeof key, "%s.age", code);
        const char *age = am_cfg_get(s, key, &line);
        if (age) {
            int a = -1, b = -1, used = 0;
            if (sscanf(age, "%d-%d%n", &a, &b, &used) == 2 && !age[used]) {}
            else if (sscanf(age, "%d-%n", &a, &used) == 1 && !age[used]) b = -1;
            else return am_mon_bad(m, line, "%s must be an age band 'FROM-TO' or 'FROM-' (inclusive), not '%s'", key, age);
            if (a < 0 || (b >= 0 && b < a)) return am_mon_bad(m, line, "%s: '%s' is not an age band", key, age);
            sc.age_min = a;
            sc.age_max = b;
        }
        snprintf(key, sizeof key, "%s.condition", code);
        const char *cond = NULL;
        if ((rc = get_str(m, it, s, key, &cond, NULL))) return rc;
        if (cond) {
            sc.condition = cond;
            am_cfg_get(s, key, &line);
            if ((rc = want_condition(m, cond, line))) return rc;
        }
        if (sc.min_years > 1 && !(sc.threshold > 0) && !(sc.duration_threshold > 0))
            return am_mon_bad(m, s->at, "scheme '%s': %s.years needs %s.threshold or %s.duration_threshold", code, code, code, code);
        it->sch[k] = sc;
    }
    it->o.schemes = it->sch;
    it->o.n_schemes = (size_t)it->nschemes;
    if ((rc = am_mon_list(m, s, "any_of", &it->any, &it->nany))) return rc;
    if (it->nany >= 0) {
        it->o.any_of = (const char *const *)it->any;
        it->o.n_any_of = (size_t)it->nany;
    }
    if ((rc = get_str(m, it, s, "any_label", &it->o.any_label, NULL))) return rc;
    /* reach = 130, 110, 110:4 (percent[:years]) or none */
    const char *rv = am_cfg_get(s, "reach", &line);
    if (rv) {
        if (!strcmp(rv, "none")) {
            it->o.reach = it->reach;
            it->o.n_reach = 0;
        } else {
            int k = am_cfg_list(rv, &it->reach_items);
            if (k < 0) return am_fail(ARMOEDE_ENOMEM, "out of memory");
            it->nreach = k;
            if (k == 0 || k > 32) return am_mon_bad(m, line, "reach: 1 to 32 groups 'PERCENT' or 'PERCENT:YEARS'");
            for (int g = 0; g < k; g++) {
                double pct;
                int yrs = 1, used = 0;
                const char *x = it->reach_items[g];
                if (sscanf(x, "%lf%%:%d%n", &pct, &yrs, &used) == 2 && !x[used]) {}
                else if (sscanf(x, "%lf:%d%n", &pct, &yrs, &used) == 2 && !x[used]) {}
                else if (sscanf(x, "%lf%n", &pct, &used) == 1 && (!x[used] || !strcmp(x + used, "%"))) yrs = 1;
                else return am_mon_bad(m, line, "reach group '%s' is not 'PERCENT' or 'PERCENT:YEARS'", x);
                if (!(pct > 0 && pct <= 10000) || yrs < 1 || yrs > 50) return am_mon_bad(m, line, "reach group '%s' is out of range", x);
                it->reach[g].threshold = pct / 100;
                it->reach[g].min_years = yrs;
            }
            it->o.reach = it->reach;
            it->o.n_reach = (size_t)k;
        }
    }
    const char *v = am_cfg_get(s, "units", &line);
    if (v) {
        char **l;
        int k = am_cfg_list(v, &l);
        if (k < 0) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        it->o.units = 0;
        for (int i = 0; i < k && !rc; i++) {
            if (!strcmp(l[i], "households")) it->o.units |= ARMOEDE_UNIT_HOUSEHOLDS;
            else if (!strcmp(l[i], "persons")) it->o.units |= ARMOEDE_UNIT_PERSONS;
            else rc = am_mon_bad(m, line, "unit '%s' is not households or persons", l[i]);
        }
        am_cfg_list_free(l, k);
        if (rc) return rc;
    }
    if ((rc = am_mon_bool(m, s, "take_up", &it->o.take_up)) || (rc = am_mon_bool(m, s, "working_poor", &it->o.work_breakdown)) ||
        (rc = am_mon_list(m, s, "work_sources", &it->work, &it->nwork)))
        return rc;
    if (it->nwork >= 0) {
        it->o.work_sources = (const char *const *)it->work;
        it->o.n_work_sources = (size_t)it->nwork;
    }
    if ((rc = get_str(m, it, s, "holder", &it->o.holder_scheme, NULL)) ||
        (rc = get_str(m, it, s, "holder_child", &it->o.holder_child_scheme, NULL)))
        return rc;
    if (!it->o.holder_scheme != !it->o.holder_child_scheme) return am_mon_bad(m, s->at, "holder and holder_child go together");
    if ((rc = AM_MON_BY(m, s, 1, &it->bm, &it->po))) return rc;
    return am_mon_population_keys(m, s, &it->po);
}

static int parse_debt(am_mon *m, am_cfg_section *s, oc_item *it, int results)
{
    int rc;
    unsigned long line;
    armoede_debt_options d = ARMOEDE_DEBT_OPTIONS_INIT;
    it->d = d;
    if ((rc = get_table(m, s, "cases", 1, &it->table, &it->table_line)) ||
        (rc = get_table(m, s, "national", 0, &it->national, &it->national_line)))
        return rc;
    armoede_case_columns *c = &it->d.columns;
    struct { const char *key; const char **col; } cols[] = {
        {"client_id", &c->client_id}, {"intake", &c->intake}, {"client_type", &c->client_type},
        {"debt", &c->debt}, {"creditors", &c->creditors}, {"first_appointment", &c->first_appointment},
        {"crisis", &c->crisis}, {"closed", &c->closed}, {"outcome", &c->outcome}};
    for (size_t k = 0; k < sizeof cols / sizeof *cols; k++) {
        int none;
        const char *v = *cols[k].col;
        if ((rc = get_str(m, it, s, cols[k].key, &v, &none))) return rc;
        *cols[k].col = v;
    }
    if (results) c->debt = c->creditors = c->first_appointment = c->crisis = NULL;
    else c->closed = c->outcome = NULL;
    if (!results) c->client_id = NULL; /* intake statistics do not follow clients */
    if ((rc = get_str(m, it, s, "private_label", &it->d.private_label, NULL)) ||
        (rc = get_str(m, it, s, "entrepreneur_label", &it->d.entrepreneur_label, NULL)) ||
        (rc = AM_MON_BY(m, s, 0, &it->bm, &it->d)))
        return rc;
    if (!results) {
        int seed = -1;
        double level = 95;
        if ((rc = am_mon_bool(m, s, "include_crisis_days", &it->d.include_crisis_days)) ||
            (rc = am_mon_int(m, s, "bootstrap", 0, 1000000, &it->d.bootstrap)) || (rc = am_mon_int(m, s, "seed", 0, 2147483647, &seed)) ||
            (rc = am_mon_real(m, s, "confidence", 50, 99.99, &level)))
            return rc;
        if (seed >= 0) it->d.seed = (unsigned long)seed;
        it->d.ci_level = level / 100;
    } else {
        if ((rc = am_mon_list(m, s, "settlement_codes", &it->settle, &it->nsettle)) ||
            (rc = am_mon_list(m, s, "completed_codes", &it->comp, &it->ncomp)) ||
            (rc = am_mon_int(m, s, "recidivism_years", 1, 100, &it->d.recidivism_years)))
            return rc;
        if (it->nsettle >= 0) { it->d.settlement_codes = (const char *const *)it->settle; it->d.n_settlement_codes = (size_t)it->nsettle; }
        if (it->ncomp >= 0) { it->d.completed_codes = (const char *const *)it->comp; it->d.n_completed_codes = (size_t)it->ncomp; }
        const char *ou = am_cfg_get(s, "observed_until", &line);
        if (ou) {
            int y, mo, dd, used = 0;
            int32_t day;
            if (sscanf(ou, "%4d-%2d-%2d%n", &y, &mo, &dd, &used) != 3 || ou[used] || armoede_date_from_ymd(y, mo, dd, &day))
                return am_mon_bad(m, line, "observed_until must be a date YYYY-MM-DD, not '%s'", ou);
            it->d.observed_until = day;
        }
    }
    return 0;
}

static int oc_parse(am_mon *m, am_cfg_section *s, int kind, void **state)
{
    oc_item *it = calloc(1, sizeof *it);
    if (!it) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    *state = it;
    it->kind = kind;
    it->nschemes = it->nany = it->nwork = it->nsettle = it->ncomp = -1;
    return kind == 0 ? parse_take_up(m, s, it) : parse_debt(m, s, it, kind == 2);
}


static int oc_run(am_mon *m, void *state, armoede_result **out)
{
    oc_item *it = state;
    armoede_table *t = NULL, *nat = NULL;
    int rc = am_mon_table(m, it->table, it->table_line, &t);
    if (!rc && it->national) rc = am_mon_table(m, it->national, it->national_line, &nat);
    if (rc) return rc;
    if (it->kind == 0) return armoede_take_up(am_mon_input(m), t, &it->o, out);
    it->d.national = nat;
    return it->kind == 1 ? armoede_debt_intake(t, &it->d, out) : armoede_debt_results(t, &it->d, out);
}

const am_mon_kind am_mon_kinds_outcome[] = {
    {"take_up", 0, oc_parse, oc_run, oc_free},
    {"debt_intake", 1, oc_parse, oc_run, oc_free},
    {"debt_results", 2, oc_parse, oc_run, oc_free},
    {NULL, 0, NULL, NULL, NULL},
};
