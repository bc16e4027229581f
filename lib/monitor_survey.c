/* Monitor kinds of the survey family: type = survey_share, survey_compare,
 * survey_change (docs/survey.md). Survey data come from [table NAME]
 * sections. SPDX-License-Identifier: GPL-3.0-or-later */
#include "monitor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { K_SHARE = 0, K_COMPARE = 1, K_CHANGE = 2 };

typedef struct {
    int kind;
    armoede_survey_options o;
    char *table, *table_b;     /* [table NAME] sections */
    unsigned long table_line, table_b_line;
    char *item, *weight, *stratum, *cluster, *fpc, *domain, *name;
    char *column, *level_a, *level_b; /* survey_compare */
    char **cats, **excl, **dlev;
    int ncats, nexcl, ndlev;
    am_mon_breakdown bm;
} survey_item;

static void survey_free(void *state)
{
    survey_item *it = state;
    if (!it) return;
    free(it->table); free(it->table_b);
    free(it->item); free(it->weight); free(it->stratum); free(it->cluster); free(it->fpc); free(it->domain);
    free(it->name); free(it->column); free(it->level_a); free(it->level_b);
    am_cfg_list_free(it->cats, it->ncats);
    am_cfg_list_free(it->excl, it->nexcl);
    am_cfg_list_free(it->dlev, it->ndlev);
    am_mon_breakdown_free(&it->bm);
    free(it);
}

/* An optional string key, copied. */
static int str_key(am_cfg_section *s, const char *key, char **out, unsigned long *line)
{
    unsigned long l;
    const char *v = am_cfg_get(s, key, &l);
    if (line) *line = l;
    if (!v) return 0;
    if (!(*out = am_strdup(v))) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    return 0;
}

static int need(am_mon *m, am_cfg_section *s, const char *key, const char *v)
{
    if (v) return 0;
    return am_mon_bad(m, s->at, "[indicator %s] of type survey_* needs %s = ...", s->name ? s->name : "", key);
}

static int survey_parse(am_mon *m, am_cfg_section *s, int kind, void **state)
{
    survey_item *it = calloc(1, sizeof *it);
    if (!it) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    *state = it;
    it->kind = kind;
    armoede_survey_options d = ARMOEDE_SURVEY_OPTIONS_INIT;
    it->o = d;
    it->ncats = it->nexcl = it->ndlev = -1;
    unsigned long line = s->at;
    int rc = 0;
    if ((rc = str_key(s, "table", &it->table, &it->table_line)) || (rc = need(m, s, "table", it->table))) return rc;
    if (kind == K_CHANGE &&
        ((rc = str_key(s, "table_b", &it->table_b, &it->table_b_line)) || (rc = need(m, s, "table_b", it->table_b))))
        return rc;
    if ((rc = str_key(s, "item", &it->item, NULL)) || (rc = need(m, s, "item", it->item))) return rc;
    if ((rc = am_mon_list(m, s, "categories", &it->cats, &it->ncats))) return rc;
    if (it->ncats <= 0) return am_mon_bad(m, s->at, "[indicator %s] needs categories = the answers that count", s->name);
    if ((rc = am_mon_list(m, s, "exclude", &it->excl, &it->nexcl)) ||
        (rc = str_key(s, "weight", &it->weight, NULL)) || (rc = str_key(s, "strata", &it->stratum, NULL)) ||
        (rc = str_key(s, "cluster", &it->cluster, NULL)) || (rc = str_key(s, "fpc", &it->fpc, NULL)) ||
        (rc = str_key(s, "domain", &it->domain, &line)) || (rc = am_mon_list(m, s, "domain_levels", &it->dlev, &it->ndlev)) ||
        (rc = AM_MON_BY(m, s, 0, &it->bm, &it->o)))
        return rc;
    if (it->domain && it->ndlev <= 0)
        return am_mon_bad(m, line, "domain = %s needs domain_levels = the levels in the domain", it->domain);
    if (!it->domain && it->ndlev >= 0) return am_mon_bad(m, s->at, "domain_levels without domain = <column>");
    const char *v = am_cfg_get(s, "lonely_psu", &line);
    if (v) {
        int r = armoede_lonely_psu_from_name(v);
        if (r < 0) return am_mon_bad(m, line, "lonely_psu '%s' is not fail, remove, adjust, average or certainty", v);
        it->o.lonely_psu = r;
    }
    v = am_cfg_get(s, "ci", &line);
    if (v) {
        int r = armoede_ci_method_from_name(v);
        if (r < 0)
            return am_mon_bad(m, line, "ci '%s' is not logit, wald, asin, wilson, clopper_pearson or korn_graubard", v);
        it->o.ci_method = r;
    }
    if ((rc = am_mon_real(m, s, "ci_level", 0.5, 0.9999, &it->o.ci_level))) return rc;
    v = am_cfg_get(s, "df", &line);
    if (v) {
        if (!strcmp(v, "design")) it->o.df = 0;
        else if (!strcmp(v, "normal")) it->o.df = INFINITY;
        else {
            double x;
            if (am_parse_real(v, strlen(v), '.', &x) || !(x > 0) || isinf(x))
                return am_mon_bad(m, line, "df must be design, normal or a positive number, not '%s'", v);
            it->o.df = x;
        }
    }
    if (kind == K_COMPARE) {
        char **lv = NULL;
        int nl = -1;
        if ((rc = str_key(s, "compare", &it->column, &line)) || (rc = need(m, s, "compare", it->column))) return rc;
        if ((rc = am_mon_list(m, s, "levels", &lv, &nl))) return rc;
        if (nl != 2) {
            am_cfg_list_free(lv, nl);
            return am_mon_bad(m, s->at, "[indicator %s] needs levels = A, B (two levels of '%s'; the difference is B - A)",
                              s->name, it->column);
        }
        it->level_a = am_strdup(lv[0]);
        it->level_b = am_strdup(lv[1]);
        am_cfg_list_free(lv, nl);
        if (!it->level_a || !it->level_b) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        for (int b = 0; b < it->bm.nby; b++)
            if (!strcmp(it->bm.by[b], it->column)) return am_mon_bad(m, s->at, "'%s' is both compare and in by", it->column);
    }
    if (!(it->name = am_strdup(s->name ? s->name : "survey"))) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    for (int q = 0; q < it->bm.nmargins; q++) {
        int b;
        for (b = 0; b < it->bm.nby; b++) if (!strcmp(it->bm.by[b], it->bm.margins[q])) break;
        if (b == it->bm.nby) return am_mon_bad(m, s->at, "margin '%s' is not one of the by columns", it->bm.margins[q]);
    }
    armoede_survey_options *o = &it->o;
    o->item = it->item;
    o->categories = (const char *const *)it->cats;
    o->n_categories = (size_t)it->ncats;
    o->exclude = (const char *const *)it->excl;
    o->n_exclude = it->nexcl > 0 ? (size_t)it->nexcl : 0;
    o->weight = it->weight;
    o->stratum = it->stratum;
    o->cluster = it->cluster;
    o->fpc = it->fpc;
    o->filter = it->domain;
    o->filter_levels = (const char *const *)it->dlev;
    o->n_filter_levels = it->ndlev > 0 ? (size_t)it->ndlev : 0;
    o->indicator = it->name;
    return 0;
}


static int survey_run(am_mon *m, void *state, armoede_result **out)
{
    survey_item *it = state;
    armoede_table *t = NULL, *tb = NULL;
    int rc = am_mon_table(m, it->table, it->table_line, &t);
    if (rc) return rc;
    switch (it->kind) {
    case K_SHARE: return armoede_survey_share(t, &it->o, out);
    case K_COMPARE: return armoede_survey_compare(t, &it->o, it->column, it->level_a, it->level_b, out);
    default:
        if ((rc = am_mon_table(m, it->table_b, it->table_b_line, &tb))) return rc;
        return armoede_survey_change(t, tb, &it->o, out);
    }
}

const am_mon_kind am_mon_kinds_survey[] = {
    {"survey_share", K_SHARE, survey_parse, survey_run, survey_free},
    {"survey_compare", K_COMPARE, survey_parse, survey_run, survey_free},
    {"survey_change", K_CHANGE, survey_parse, survey_run, survey_free},
    {NULL, 0, NULL, NULL, NULL},
};
