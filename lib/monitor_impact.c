/* Monitor kinds of the impact family: type = minima, durations, flows
 * (docs/config.md). SPDX-License-Identifier: GPL-3.0-or-later */
#include "monitor.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int kind; /* 0 minima, 1 durations, 2 flows */
    armoede_impact_options o;
    double thr[32];
    int ks[64];
    am_mon_breakdown bm;
} impact_item;

static void impact_free(void *state)
{
    impact_item *it = state;
    if (!it) return;
    am_mon_breakdown_free(&it->bm);
    free(it);
}

static int impact_parse(am_mon *m, am_cfg_section *s, int kind, void **state)
{
    impact_item *it = calloc(1, sizeof *it);
    if (!it) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    *state = it;
    it->kind = kind;
    it->o = *am_mon_population(m);
    unsigned long line;
    int rc = am_mon_want(m, NULL, 0, s->at);
    size_t n = 0;
    if (!rc && (rc = am_mon_pcts(m, s, "thresholds", it->thr, 30, &n)) == 0 && n) {
        it->o.thresholds = it->thr;
        it->o.n_thresholds = n;
    }
    const char *v = rc ? NULL : am_cfg_get(s, "units", &line);
    if (v) {
        char **l;
        int k = am_cfg_list(v, &l);
        if (k < 0) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        it->o.units = 0;
        for (int i = 0; i < k && !rc; i++) {
            if (!strcmp(l[i], "households")) it->o.units |= ARMOEDE_UNIT_HOUSEHOLDS;
            else if (!strcmp(l[i], "persons")) it->o.units |= ARMOEDE_UNIT_PERSONS;
            else if (!strcmp(l[i], "minors")) it->o.units |= ARMOEDE_UNIT_MINORS;
            else rc = am_mon_bad(m, line, "unit '%s' is not households, persons or minors", l[i]);
        }
        am_cfg_list_free(l, k);
    }
    if (!rc) rc = AM_MON_BY(m, s, 1, &it->bm, &it->o);
    if (rc) return rc;
    v = am_cfg_get(s, "durations", &line);
    if (v) {
        char **l;
        int k = am_cfg_list(v, &l);
        if (k < 0) return am_fail(ARMOEDE_ENOMEM, "out of memory");
        if (k == 0 || k > 64) rc = am_mon_bad(m, line, "durations: 1 to 64 numbers of years");
        for (int i = 0; i < k && !rc; i++) {
            int64_t y;
            if (am_parse_int(l[i], strlen(l[i]), &y) || y < 1 || y > 100)
                rc = am_mon_bad(m, line, "duration '%s' is not a number of years from 1 to 100", l[i]);
            it->ks[i] = (int)y;
        }
        am_cfg_list_free(l, k);
        it->o.durations = it->ks;
        it->o.n_durations = rc ? 0 : (size_t)k;
    }
    v = rc ? NULL : am_cfg_get(s, "level", &line);
    if (v) {
        if (!strcmp(v, "person")) it->o.level = ARMOEDE_LEVEL_PERSON;
        else if (!strcmp(v, "household")) it->o.level = ARMOEDE_LEVEL_HOUSEHOLD;
        else rc = am_mon_bad(m, line, "level must be person or household, not '%s'", v);
    }
    if (!rc && ((rc = am_mon_bool(m, s, "cbs_denominator", &it->o.cbs_denominator)) ||
                (rc = am_mon_int(m, s, "bridge_gaps", 0, 10, &it->o.bridge_gaps)) ||
                (rc = am_mon_int(m, s, "relapse_years", 1, 50, &it->o.relapse_years)) ||
                (rc = am_mon_int(m, s, "threads", 0, 256, &it->o.nthreads)) ||
                (rc = am_mon_population_keys(m, s, &it->o))))
        return rc;
    return rc;
}


static int impact_run(am_mon *m, void *state, armoede_result **out)
{
    impact_item *it = state;
    const armoede_table *t = am_mon_input(m);
    return it->kind == 0 ? armoede_minima(t, &it->o, out)
         : it->kind == 1 ? armoede_durations(t, &it->o, out)
                         : armoede_flows(t, &it->o, out);
}

const am_mon_kind am_mon_kinds_impact[] = {
    {"minima", 0, impact_parse, impact_run, impact_free},
    {"durations", 1, impact_parse, impact_run, impact_free},
    {"flows", 2, impact_parse, impact_run, impact_free},
    {NULL, 0, NULL, NULL, NULL},
};
