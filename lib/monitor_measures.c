/* Monitor kinds of the measures family (docs/measures.md, "In a monitor"):
 * type = measures, median, arpt, arpr, persistent_arpr, rmpg, qsr, gini, fgt.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    armoede_measures_options o;
    armoede_equivalise_options eq;
    double alpha[16];
    am_mon_breakdown bm;
    char *income, *strata, *cluster, *np, *n14, *n18;
} ms_item;

static void ms_free(void *state)
{
    ms_item *it = state;
    if (!it) return;
    am_mon_breakdown_free(&it->bm);
    free(it->income); free(it->strata); free(it->cluster);
    free(it->np); free(it->n14); free(it->n18);
    free(it);
}

static const struct { const char *name; unsigned bit; } MEASURES[] = {
    {"median", ARMOEDE_MEASURE_MEDIAN}, {"arpt", ARMOEDE_MEASURE_ARPT},
    {"arpr", ARMOEDE_MEASURE_ARPR},     {"persistent_arpr", ARMOEDE_MEASURE_PERSISTENT_ARPR},
    {"rmpg", ARMOEDE_MEASURE_RMPG},     {"qsr", ARMOEDE_MEASURE_QSR},
    {"gini", ARMOEDE_MEASURE_GINI},     {"fgt", ARMOEDE_MEASURE_FGT},
};
#define NMEASURES (sizeof MEASURES / sizeof MEASURES[0])

/* A column-name key: copied into *dst and loaded from [input]. */
static int col_key(am_mon *m, am_cfg_section *s, const char *key, char **dst)
{
    unsigned long line;
    const char *v = am_cfg_get(s, key, &line);
    if (!v) return 0;
    if (!*v) return am_mon_bad(m, line, "%s: a column name is needed", key);
    if (!(*dst = am_strdup(v))) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    return am_mon_want(m, v, ARMOEDE_TYPE_AUTO, line);
}

/* One of several words: its index in words[], or an error naming them. */
static int word_key(am_mon *m, am_cfg_section *s, const char *key, const char *const *words, int nw, int *v)
{
    unsigned long line;
    const char *x = am_cfg_get(s, key, &line);
    if (!x) return 0;
    for (int i = 0; i < nw; i++)
        if (!strcmp(x, words[i])) { *v = i; return 0; }
    char buf[200];
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < nw && k < sizeof buf; i++) {
        int w = snprintf(buf + k, sizeof buf - k, "%s%s", i ? ", " : "", words[i]);
        if (w < 0) break;
        k += (size_t)w;
    }
    return am_mon_bad(m, line, "%s must be one of %s, not '%s'", key, buf, x);
}

static int ms_parse(am_mon *m, am_cfg_section *s, int arg, void **state)
{
    unsigned measure = (unsigned)arg; /* 0: type = measures, a list */
    ms_item *it = calloc(1, sizeof *it);
    if (!it) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    *state = it;
    armoede_measures_options_init(&it->o);
    armoede_equivalise_options_init(&it->eq);
    unsigned long line;
    int rc = am_mon_want(m, NULL, 0, s->at);
    if (rc) return rc;
    /* which measures: the type, or the list of type = measures */
    it->o.measures = measure;
    const char *v = am_cfg_get(s, "measures", &line);
    if (v && measure) return am_mon_bad(m, line, "measures = ... goes with type = measures");
    if (v) {
        char **l;
        int k = am_cfg_list(v, &l);
        if (k < 0) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        if (k == 0) rc = am_mon_bad(m, line, "measures: name at least one measure");
        for (int i = 0; i < k && !rc; i++) {
            size_t j = 0;
            while (j < NMEASURES && strcmp(l[i], MEASURES[j].name)) j++;
            if (j == NMEASURES)
                rc = am_mon_bad(m, line, "unknown measure '%s' (median, arpt, arpr, persistent_arpr, rmpg, qsr, gini, fgt)", l[i]);
            else it->o.measures |= MEASURES[j].bit;
        }
        am_cfg_list_free(l, k);
        if (rc) return rc;
    }
    /* income and equivalisation */
    if ((rc = col_key(m, s, "income", &it->income))) return rc;
    it->o.income = it->income;
    static const char *const scales[] = {"none", "oecd", "sqrt", "cbs", "cbs2017", "cbs2018"};
    int sc = 0;
    if ((rc = word_key(m, s, "equivalise", scales, 6, &sc))) return rc;
    if ((rc = col_key(m, s, "n_persons", &it->np)) || (rc = col_key(m, s, "n_under14", &it->n14)) ||
        (rc = col_key(m, s, "n_under18", &it->n18)))
        return rc;
    if (sc) {
        it->eq.scale = (armoede_scale)sc;
        it->eq.n_persons = it->np;
        it->eq.n_under14 = it->n14;
        it->eq.n_under18 = it->n18;
        it->o.equivalise = &it->eq;
    } else if (it->np || it->n14 || it->n18)
        return am_mon_bad(m, s->at, "n_persons / n_under14 / n_under18 need equivalise = oecd, sqrt or cbs");
    /* threshold and rules */
    double p[1];
    size_t n = 0;
    if ((rc = am_mon_pcts(m, s, "threshold", p, 1, &n))) return rc;
    if (n) it->o.p = p[0];
    static const char *const rules[] = {"laeken", "eurostat", "ge", "linear"};
    int rule = 0;
    if ((rc = word_key(m, s, "quantile_rule", rules, 4, &rule))) return rc;
    it->o.rule = (armoede_quantile_rule)rule;
    static const char *const below[] = {"below", "at_or_below"};
    if ((rc = word_key(m, s, "poor_when", below, 2, &it->o.at_or_below))) return rc;
    static const char *const thr[] = {"year", "group"};
    if ((rc = word_key(m, s, "threshold_of", thr, 2, &it->o.domain_threshold))) return rc;
    /* breakdowns */
    if ((rc = AM_MON_BY(m, s, 1, &it->bm, &it->o))) return rc;
    /* FGT */
    v = am_cfg_get(s, "alpha", &line);
    if (v) {
        char **l;
        int k = am_cfg_list(v, &l);
        if (k < 0) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        if (k == 0 || k > 16) rc = am_mon_bad(m, line, "alpha: 1 to 16 numbers");
        for (int i = 0; i < k && !rc; i++) {
            char *end;
            double a = strtod(l[i], &end);
            if (end == l[i] || *end || !(a >= 0 && a <= 10))
                rc = am_mon_bad(m, line, "alpha '%s' is not a number from 0 to 10", l[i]);
            it->alpha[i] = a;
        }
        am_cfg_list_free(l, k);
        if (rc) return rc;
        it->o.fgt_alpha = it->alpha;
        it->o.n_fgt_alpha = (size_t)k;
    }
    static const char *const lines[] = {"arpt", "norm", "fixed"};
    if ((rc = word_key(m, s, "line", lines, 3, &it->o.fgt_line))) return rc;
    n = 0;
    if ((rc = am_mon_pcts(m, s, "line_pct", p, 1, &n))) return rc;
    if (n) it->o.fgt_p = p[0];
    if ((rc = am_mon_real(m, s, "line_value", 0, 1e12, &it->o.fgt_value))) return rc;
    if (it->o.fgt_line == ARMOEDE_LINE_NORM) it->o.norms = am_mon_norms(m);
    /* persistence */
    if ((rc = am_mon_int(m, s, "window", 2, 20, &it->o.persistent_window)) ||
        (rc = am_mon_int(m, s, "min_years", 0, 19, &it->o.persistent_min)))
        return rc;
    /* bootstrap */
    int seed = 1;
    if ((rc = am_mon_int(m, s, "bootstrap", 0, 100000, &it->o.bootstrap)) ||
        (rc = am_mon_int(m, s, "seed", 0, 2147483647, &seed)) ||
        (rc = am_mon_real(m, s, "ci_level", 0.5, 0.9999, &it->o.ci_level)) ||
        (rc = am_mon_int(m, s, "threads", 0, 256, &it->o.nthreads)) ||
        (rc = col_key(m, s, "strata", &it->strata)) || (rc = col_key(m, s, "cluster", &it->cluster)))
        return rc;
    it->o.seed = (unsigned long)seed;
    it->o.strata = it->strata;
    it->o.cluster = it->cluster;
    /* the CBS population filters: [population] by default, each only where
     * its column is mapped (checked at run time) */
    const armoede_impact_options *pop = am_mon_population(m);
    it->o.filter_whole_year = pop->filter_whole_year;
    it->o.filter_student = pop->filter_student;
    it->o.filter_institutional = pop->filter_institutional;
    if ((rc = am_mon_bool(m, s, "whole_year", &it->o.filter_whole_year)) ||
        (rc = am_mon_bool(m, s, "student", &it->o.filter_student)) ||
        (rc = am_mon_bool(m, s, "institutional", &it->o.filter_institutional)))
        return rc;
    return 0;
}


static int ms_run(am_mon *m, void *state, armoede_result **out)
{
    ms_item *it = state;
    const armoede_table *t = am_mon_input(m);
    armoede_measures_options o = it->o;
    if (!t) return am_fail(ARMOEDE_ECONFIG, "%s: the measures need an [input]", am_mon_path(m));
    if (o.measures == 0) o.measures = ARMOEDE_MEASURE_DEFAULT;
    /* a population filter applies where its column is mapped */
    if (!armoede_table_role(t, ARMOEDE_ROLE_WHOLE_YEAR)) o.filter_whole_year = 0;
    if (!armoede_table_role(t, ARMOEDE_ROLE_STUDENT)) o.filter_student = 0;
    if (!armoede_table_role(t, ARMOEDE_ROLE_INSTITUTIONAL)) o.filter_institutional = 0;
    return armoede_measures(t, &o, out);
}

const am_mon_kind am_mon_kinds_measures[] = {
    {"measures", 0, ms_parse, ms_run, ms_free},
    {"median", ARMOEDE_MEASURE_MEDIAN, ms_parse, ms_run, ms_free},
    {"arpt", ARMOEDE_MEASURE_ARPT, ms_parse, ms_run, ms_free},
    {"arpr", ARMOEDE_MEASURE_ARPR, ms_parse, ms_run, ms_free},
    {"persistent_arpr", ARMOEDE_MEASURE_PERSISTENT_ARPR, ms_parse, ms_run, ms_free},
    {"rmpg", ARMOEDE_MEASURE_RMPG, ms_parse, ms_run, ms_free},
    {"qsr", ARMOEDE_MEASURE_QSR, ms_parse, ms_run, ms_free},
    {"gini", ARMOEDE_MEASURE_GINI, ms_parse, ms_run, ms_free},
    {"fgt", ARMOEDE_MEASURE_FGT, ms_parse, ms_run, ms_free},
    {NULL, 0, NULL, NULL, NULL},
};
