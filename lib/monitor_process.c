/* Monitor kinds of the process family (issue 4): type = lead_times,
 * term_compliance, referrals, open_cases, reach, budget, funding,
 * milestones, ratings. Every kind reads [table NAME] sections (no main
 * [input] needed). Keys in docs/process.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { P_LEAD, P_TERM, P_REFERRALS, P_OPEN, P_REACH, P_BUDGET, P_FUNDING, P_MILESTONES, P_RATINGS };

typedef struct {
    int kind;
    armoede_process_options o;
    /* table names and the lines that name them */
    char *table, *mapping, *targets, *plan, *reach, *spending;
    unsigned long l_table, l_mapping, l_targets, l_plan, l_reach, l_spending;
    am_mon_breakdown bm;
    char **events, **ifrom, **ito;
    int nevents, nint;
    char *strs[24]; /* single-valued keys kept */
    int nstrs;
    armoede_term terms[32];
    char *term_class[32];
    int nterms;
    int32_t refs[64];
    int bands[30];
} proc_item;

static void proc_free(void *state)
{
    proc_item *it = state;
    if (!it) return;
    free(it->table);
    free(it->mapping);
    free(it->targets);
    free(it->plan);
    free(it->reach);
    free(it->spending);
    am_mon_breakdown_free(&it->bm);
    am_cfg_list_free(it->events, it->nevents);
    for (int i = 0; i < it->nint; i++) {
        free(it->ifrom[i]);
        free(it->ito[i]);
    }
    free(it->ifrom);
    free(it->ito);
    for (int i = 0; i < it->nstrs; i++) free(it->strs[i]);
    for (int i = 0; i < it->nterms; i++) free(it->term_class[i]);
    free(it);
}

/* A string key kept in the item (NULL when absent). */
static int str_key(am_mon *m, proc_item *it, am_cfg_section *s, const char *key, const char **out,
                   unsigned long *line)
{
    (void)m;
    unsigned long l;
    const char *v = am_cfg_get(s, key, &l);
    if (line) *line = l;
    if (!v) return 0;
    if (it->nstrs == (int)(sizeof it->strs / sizeof *it->strs)) return am_fail(ARMOEDE_EINTERNAL, "too many keys");
    char *x = am_strdup(v);
    if (!x) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    it->strs[it->nstrs++] = x;
    *out = x;
    return 0;
}

static int table_key(am_mon *m, am_cfg_section *s, const char *key, int required, char **name, unsigned long *line)
{
    const char *v = am_cfg_get(s, key, line);
    if (!v) {
        if (required) return am_mon_bad(m, s->at, "this indicator needs %s = <name of a [table NAME] section>", key);
        return 0;
    }
    if (!(*name = am_strdup(v))) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    armoede_table *t;
    return am_mon_table(m, v, *line, &t); /* read now: errors show before any computing */
}

static int date_key(am_mon *m, am_cfg_section *s, const char *key, int32_t *day)
{
    unsigned long line;
    const char *v = am_cfg_get(s, key, &line);
    if (!v) return 0;
    int y, mo, d;
    if (am_parse_iso_date(v, strlen(v), &y, &mo, &d) || armoede_date_from_ymd(y, mo, d, day))
        return am_mon_bad(m, line, "%s must be a date YYYY-MM-DD, not '%s'", key, v);
    return 0;
}

/* "crisis: 3 working days, *: 4 weeks" */
static int parse_terms(am_mon *m, proc_item *it, am_cfg_section *s, int atw)
{
    unsigned long line;
    const char *v = am_cfg_get(s, "terms", &line);
    if (!v) return 0;
    char **l;
    int k = am_cfg_list(v, &l);
    if (k < 0) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    int rc = 0;
    if (k == 0 || k > 32) rc = am_mon_bad(m, line, "terms: 1 to 32 items 'class: N days|weeks|months|working days'");
    for (int i = 0; i < k && !rc; i++) {
        char *c = strchr(l[i], ':');
        char unit[32] = "";
        int n = -1;
        if (!c || sscanf(c + 1, " %d %31[a-z ]", &n, unit) < 2 || n < 0 || n > 100000) {
            rc = am_mon_bad(m, line, "term '%s' is not 'class: N days|weeks|months|working days'", l[i]);
            break;
        }
        size_t ul = strlen(unit);
        while (ul && unit[ul - 1] == ' ') unit[--ul] = '\0';
        int u = !strcmp(unit, "days") || !strcmp(unit, "day") ? ARMOEDE_TERM_DAYS
              : !strcmp(unit, "weeks") || !strcmp(unit, "week") ? ARMOEDE_TERM_WEEKS
              : !strcmp(unit, "months") || !strcmp(unit, "month") ? ARMOEDE_TERM_MONTHS
              : !strcmp(unit, "working days") || !strcmp(unit, "working day") ? ARMOEDE_TERM_WORKING_DAYS : -1;
        if (u < 0) {
            rc = am_mon_bad(m, line, "term '%s': the unit must be days, weeks, months or working days", l[i]);
            break;
        }
        *c = '\0';
        size_t cl = strlen(l[i]);
        while (cl && l[i][cl - 1] == ' ') l[i][--cl] = '\0';
        char *cls = am_strdup(l[i]);
        if (!cls) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
        it->term_class[it->nterms] = cls;
        it->terms[it->nterms] = (armoede_term){cls, n, u, atw};
        it->nterms++;
    }
    am_cfg_list_free(l, k);
    if (!rc) {
        it->o.terms = it->terms;
        it->o.n_terms = (size_t)it->nterms;
    }
    return rc;
}

static int proc_parse(am_mon *m, am_cfg_section *s, int kind, void **state)
{
    proc_item *it = calloc(1, sizeof *it);
    if (!it) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    *state = it;
    it->kind = kind;
    it->nevents = -1;
    armoede_process_options_init(&it->o);
    armoede_process_options *o = &it->o;
    int rc = table_key(m, s, "table", 1, &it->table, &it->l_table);
    if (!rc) rc = am_mon_bool(m, s, "strict", &o->strict);
    if (!rc) rc = date_key(m, s, "reference", &o->reference_day);
    const char *unit = NULL;
    if (rc) return rc;
    switch (kind) {
    case P_LEAD:
    case P_TERM:
    case P_OPEN: {
        if ((rc = AM_MON_BY(m, s, 0, &it->bm, o)) || (rc = am_mon_list(m, s, "events", &it->events, &it->nevents))) return rc;
        o->events = (const char *const *)it->events;
        o->n_events = it->nevents > 0 ? (size_t)it->nevents : 0;
        if (kind == P_LEAD) {
            char **l;
            int k;
            unsigned long line;
            am_cfg_get(s, "intervals", &line);
            if ((rc = am_mon_list(m, s, "intervals", &l, &k))) return rc;
            if (k > 0) {
                it->ifrom = calloc((size_t)k, sizeof *it->ifrom);
                it->ito = calloc((size_t)k, sizeof *it->ito);
                if (!it->ifrom || !it->ito) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
                for (int i = 0; i < k && !rc; i++) {
                    char *dash = strstr(l[i], "->");
                    size_t skip = 2;
                    if (!dash) { dash = strchr(l[i], '-'); skip = 1; }
                    if (!dash || dash == l[i] || !dash[skip]) {
                        rc = am_mon_bad(m, line, "interval '%s' is not 'from -> to'", l[i]);
                        break;
                    }
                    char *a = l[i], *b = dash + skip;
                    *dash = '\0';
                    while (*b == ' ') b++;
                    size_t al = strlen(a);
                    while (al && a[al - 1] == ' ') a[--al] = '\0';
                    it->ifrom[i] = am_strdup(a);
                    it->ito[i] = am_strdup(b);
                    it->nint++;
                    if (!it->ifrom[i] || !it->ito[i]) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
                }
                o->interval_from = (const char *const *)it->ifrom;
                o->interval_to = (const char *const *)it->ito;
                o->n_intervals = (size_t)it->nint;
            }
            am_cfg_list_free(l, k);
            if (!rc) rc = am_mon_bool(m, s, "working_days", &o->working_days);
            if (!rc && !o->n_events && !o->n_intervals)
                rc = am_mon_bad(m, s->at, "lead_times needs events = ... (in process order) or intervals = a -> b");
        } else if (kind == P_TERM) {
            int atw = 1;
            if ((rc = am_mon_bool(m, s, "termijnenwet", &atw)) || (rc = str_key(m, it, s, "class", &o->case_class, NULL)) ||
                (rc = str_key(m, it, s, "from", &o->term_from, NULL)) || (rc = str_key(m, it, s, "to", &o->term_to, NULL)) ||
                (rc = parse_terms(m, it, s, atw)))
                return rc;
            if (!o->term_from && o->n_events < 2)
                rc = am_mon_bad(m, s->at, "term_compliance needs from = and to = (or events = ...)");
        } else {
            char **l;
            int k;
            unsigned long line;
            am_cfg_get(s, "reference_dates", &line);
            if ((rc = am_mon_list(m, s, "reference_dates", &l, &k))) return rc;
            if (k > 64) rc = am_mon_bad(m, line, "reference_dates: at most 64");
            for (int i = 0; i < k && !rc; i++) {
                int y, mo, d;
                if (am_parse_iso_date(l[i], strlen(l[i]), &y, &mo, &d) || armoede_date_from_ymd(y, mo, d, &it->refs[i]))
                    rc = am_mon_bad(m, line, "reference date '%s' is not YYYY-MM-DD", l[i]);
            }
            if (k > 0 && !rc) {
                o->reference_days = it->refs;
                o->n_reference_days = (size_t)k;
            }
            am_cfg_list_free(l, k);
            am_cfg_get(s, "age_bands", &line);
            if (!rc && !(rc = am_mon_list(m, s, "age_bands", &l, &k))) {
                if (k > 30 || k == 0) rc = am_mon_bad(m, line, "age_bands: 1 to 30 numbers of days");
                for (int i = 0; i < k && !rc; i++) {
                    int64_t v;
                    if (am_parse_int(l[i], strlen(l[i]), &v) || v < 0 || v > 100000 || (i && v <= it->bands[i - 1]))
                        rc = am_mon_bad(m, line, "age_bands must be increasing numbers of days, not '%s'", l[i]);
                    else it->bands[i] = (int)v;
                }
                if (k > 0 && !rc) {
                    o->age_bands = it->bands;
                    o->n_age_bands = (size_t)k;
                }
                am_cfg_list_free(l, k);
            }
            if (!rc && o->n_events < 2)
                rc = am_mon_bad(m, s->at, "open_cases needs events = registration, ..., closure (first and last are used)");
        }
        return rc;
    }
    case P_REFERRALS: {
        int days = 14, working = 0;
        if ((rc = AM_MON_BY(m, s, 0, &it->bm, o)) || (rc = str_key(m, it, s, "from", &o->term_from, NULL)) ||
            (rc = str_key(m, it, s, "to", &o->term_to, NULL)) || (rc = am_mon_int(m, s, "within_days", 0, 100000, &days)) ||
            (rc = am_mon_bool(m, s, "working_days", &working)))
            return rc;
        if (!o->term_from || !o->term_to) return am_mon_bad(m, s->at, "referrals needs from = <date column> and to = <date column>");
        it->terms[0] = (armoede_term){"*", days, working ? ARMOEDE_TERM_WORKING_DAYS : ARMOEDE_TERM_DAYS, 0};
        it->nterms = 0;
        o->terms = it->terms;
        o->n_terms = 1;
        return 0;
    }
    case P_REACH:
    case P_BUDGET:
    case P_RATINGS: {
        if ((rc = table_key(m, s, "mapping", kind == P_RATINGS, &it->mapping, &it->l_mapping))) return rc;
        if ((rc = str_key(m, it, s, "unit", &unit, NULL))) return rc;
        o->money_unit = unit;
        if (kind == P_REACH || kind == P_BUDGET) {
            if ((rc = str_key(m, it, s, "intervention", &o->intervention, NULL)) ||
                (rc = str_key(m, it, s, "household_id", &o->household_id, NULL)) ||
                (rc = str_key(m, it, s, "person_id", &o->person_id, NULL)) ||
                (rc = str_key(m, it, s, "start", &o->start, NULL)) || (rc = str_key(m, it, s, "end", &o->end, NULL)))
                return rc;
        }
        if (kind == P_REACH) {
            unsigned long line;
            const char *p = am_cfg_get(s, "period", &line);
            if (p) {
                if (!strcmp(p, "year")) o->period = ARMOEDE_PERIOD_YEAR;
                else if (!strcmp(p, "quarter")) o->period = ARMOEDE_PERIOD_QUARTER;
                else if (!strcmp(p, "month")) o->period = ARMOEDE_PERIOD_MONTH;
                else return am_mon_bad(m, line, "period must be year, quarter or month, not '%s'", p);
            }
            if (!o->household_id && !o->person_id)
                return am_mon_bad(m, s->at, "reach needs household_id = and/or person_id = (columns of the table)");
            return table_key(m, s, "targets", 0, &it->targets, &it->l_targets);
        }
        if ((rc = str_key(m, it, s, "year", &o->spend_year, NULL)) || (rc = str_key(m, it, s, "month", &o->spend_month, NULL)) ||
            (rc = str_key(m, it, s, "date", &o->spend_date, NULL)) || (rc = str_key(m, it, s, "line", &o->line, NULL)) ||
            (rc = str_key(m, it, s, "activity", &o->activity, NULL)) || (rc = str_key(m, it, s, "source", &o->source, NULL)) ||
            (rc = str_key(m, it, s, "amount", &o->amount, NULL)))
            return rc;
        if (kind == P_RATINGS) return table_key(m, s, "spending", 0, &it->spending, &it->l_spending);
        double pct = o->margin * 100;
        if ((rc = am_mon_real(m, s, "margin", 0, 10000, &pct))) return rc;
        o->margin = pct / 100;
        if ((rc = table_key(m, s, "plan", 0, &it->plan, &it->l_plan))) return rc;
        if ((rc = table_key(m, s, "reach", 0, &it->reach, &it->l_reach))) return rc;
        if (it->reach && !it->mapping) return am_mon_bad(m, it->l_reach, "cost per unit (reach = ...) needs mapping = ...");
        return 0;
    }
    case P_FUNDING:
        if ((rc = str_key(m, it, s, "unit", &unit, NULL))) return rc;
        o->money_unit = unit;
        return 0;
    case P_MILESTONES:
        return 0;
    }
    return am_fail(ARMOEDE_EINTERNAL, "unknown process kind %d", kind);
}

static int tab(am_mon *m, const char *name, unsigned long line, armoede_table **t)
{
    *t = NULL;
    return name ? am_mon_table(m, name, line, t) : 0;
}

static int proc_run(am_mon *m, void *state, armoede_result **out)
{
    proc_item *it = state;
    armoede_table *t, *mp, *tg, *pl, *rc_t, *sp;
    int rc;
    if ((rc = tab(m, it->table, it->l_table, &t)) || (rc = tab(m, it->mapping, it->l_mapping, &mp)) ||
        (rc = tab(m, it->targets, it->l_targets, &tg)) || (rc = tab(m, it->plan, it->l_plan, &pl)) ||
        (rc = tab(m, it->reach, it->l_reach, &rc_t)) || (rc = tab(m, it->spending, it->l_spending, &sp)))
        return rc;
    armoede_process_options o = it->o;
    o.mapping = mp;
    o.targets = tg;
    o.plan = pl;
    switch (it->kind) {
    case P_LEAD: return armoede_lead_times(t, &o, out);
    case P_TERM:
    case P_REFERRALS: return armoede_within_term(t, &o, out);
    case P_OPEN: return armoede_open_cases(t, &o, out);
    case P_REACH: return armoede_reach(t, &o, out);
    case P_BUDGET: return armoede_budget(t, rc_t, &o, out);
    case P_FUNDING: return armoede_funding(t, &o, out);
    case P_MILESTONES: return armoede_milestones(t, &o, out);
    default: return armoede_ratings(t, sp, &o, out);
    }
}


const am_mon_kind am_mon_kinds_process[] = {
    {"lead_times", P_LEAD, proc_parse, proc_run, proc_free},
    {"term_compliance", P_TERM, proc_parse, proc_run, proc_free},
    {"referrals", P_REFERRALS, proc_parse, proc_run, proc_free},
    {"open_cases", P_OPEN, proc_parse, proc_run, proc_free},
    {"reach", P_REACH, proc_parse, proc_run, proc_free},
    {"budget", P_BUDGET, proc_parse, proc_run, proc_free},
    {"funding", P_FUNDING, proc_parse, proc_run, proc_free},
    {"milestones", P_MILESTONES, proc_parse, proc_run, proc_free},
    {"ratings", P_RATINGS, proc_parse, proc_run, proc_free},
    {NULL, 0, NULL, NULL, NULL},
};
