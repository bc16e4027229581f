/* The monitor's plug-in interface (internal): how an indicator family adds
 * its `type = ...` values to the config language of armoede_monitor_run.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A family (lib/monitor_<family>.c) defines an array of am_mon_kind ended by
 * an entry whose type is NULL, named am_mon_kinds_<family>. The monitor
 * parses every [indicator NAME] section by the kind its `type =` names:
 *
 *   parse  gets the kind's arg; checks the section's keys (read each with am_cfg_get or the
 *          helpers below; a key never read is reported as a typo after
 *          parse), declares the columns it needs from the main [input] with
 *          am_mon_want, may load [table NAME] sections with am_mon_table, and
 *          keeps what run needs in *state. Errors: am_mon_bad (file:line).
 *   run    computes; *out receives a new result (the monitor prefixes its
 *          notes with "[indicator NAME]", appends it to the monitor's result,
 *          applies disclosure control and writes the outputs).
 *   free   releases *state (also when parse failed half way; may get NULL).
 *
 * The context gives: the main [input] table (with the roles of [columns]),
 * named [table NAME] sections (loaded once, whole, on first use), the norms
 * of [norms], the population defaults of [population] and path resolution
 * relative to the config file.
 */
#ifndef ARMOEDE_MONITOR_H
#define ARMOEDE_MONITOR_H
#include "config.h"

typedef struct am_mon am_mon;

typedef struct {
    const char *type; /* the value of type = ...; NULL ends the array */
    int arg;          /* handed to parse: which of the family's kinds this is */
    int (*parse)(am_mon *m, am_cfg_section *s, int arg, void **state);
    int (*run)(am_mon *m, void *state, armoede_result **out);
    void (*free)(void *state);
} am_mon_kind;

/* ECONFIG "config-path:line: message". */
AM_HIDDEN int am_mon_bad(am_mon *m, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The config file's path (for messages). */
AM_HIDDEN const char *am_mon_path(const am_mon *m);
/* A path named in the config, resolved against the config's directory. The
 * string is owned by the monitor and stays valid until the run ends. NULL
 * (ENOMEM set) on failure. */
AM_HIDDEN const char *am_mon_resolve(am_mon *m, const char *path);

/* Typed keys of a section. Absent keys leave *v unchanged and return 0. */
AM_HIDDEN int am_mon_bool(am_mon *m, am_cfg_section *s, const char *key, int *v);
AM_HIDDEN int am_mon_int(am_mon *m, am_cfg_section *s, const char *key, int lo, int hi, int *v);
AM_HIDDEN int am_mon_real(am_mon *m, am_cfg_section *s, const char *key, double lo, double hi,
                          double *v);
/* A comma-separated list: *n = -1 when the key is absent (then *items = NULL).
 * Free with am_cfg_list_free(*items, *n). */
AM_HIDDEN int am_mon_list(am_mon *m, am_cfg_section *s, const char *key, char ***items, int *n);
/* The breakdown keys of a section, by = and margins = (column lists as
 * am_mon_list gives them: n = -1 when the key is absent). */
typedef struct {
    char **by, **margins;
    int nby, nmargins;
} am_mon_breakdown;
/* Read by and margins of s into *b and point an options struct's by, n_by,
 * margins and n_margins at them (AM_MON_BY passes those four fields of *o);
 * with want, the main [input] must load each by column. Free b with
 * am_mon_breakdown_free (also after a failure). */
AM_HIDDEN int am_mon_breakdown_read(am_mon *m, am_cfg_section *s, int want, am_mon_breakdown *b,
                                    const char *const **by, size_t *n_by, const char *const **margins,
                                    size_t *n_margins);
#define AM_MON_BY(m, s, want, b, o) \
    am_mon_breakdown_read((m), (s), (want), (b), &(o)->by, &(o)->n_by, &(o)->margins, &(o)->n_margins)
AM_HIDDEN void am_mon_breakdown_free(am_mon_breakdown *b);
/* Percentages "110, 120%" -> fractions 1.10, 1.20 (1 to max values). */
AM_HIDDEN int am_mon_pcts(am_mon *m, am_cfg_section *s, const char *key, double *v, size_t max,
                          size_t *n);

/* During parse: the main [input] must load column col (type ARMOEDE_TYPE_*;
 * AUTO lets the reader infer it; a column asked for twice keeps the first
 * explicit type). An error if the config has no [input]. */
AM_HIDDEN int am_mon_want(am_mon *m, const char *col, int type, unsigned long line);
/* During run: the main [input] table (NULL when the config has none). */
AM_HIDDEN armoede_table *am_mon_input(am_mon *m);
/* The table of section [table NAME], read whole on first use (keys: file,
 * separator, decimal, na, and integer/real/categorical/date = column lists
 * overriding inference). line is where the caller's config names it (for
 * the error when there is no such section). The table is owned by the
 * monitor. */
AM_HIDDEN int am_mon_table(am_mon *m, const char *name, unsigned long line, armoede_table **t);
/* The norms of [norms] (NULL when there are none). */
AM_HIDDEN const armoede_norms *am_mon_norms(const am_mon *m);
/* The impact options of [population] (filters, norms set), as the defaults
 * of every impact-style indicator. */
AM_HIDDEN const armoede_impact_options *am_mon_population(const am_mon *m);

/* The population keys (whole_year, student, institutional, negative_income,
 * wealth_limit) of section s into o: [population] and impact indicators. */
AM_HIDDEN int am_mon_population_keys(am_mon *m, am_cfg_section *s, armoede_impact_options *o);

/* The families. */
AM_HIDDEN extern const am_mon_kind am_mon_kinds_impact[];
#ifdef AM_HAVE_MONITOR_MEASURES
AM_HIDDEN extern const am_mon_kind am_mon_kinds_measures[];
#endif
#ifdef AM_HAVE_MONITOR_SURVEY
AM_HIDDEN extern const am_mon_kind am_mon_kinds_survey[];
#endif
#ifdef AM_HAVE_MONITOR_OUTCOME
AM_HIDDEN extern const am_mon_kind am_mon_kinds_outcome[];
#endif
#ifdef AM_HAVE_MONITOR_PROCESS
AM_HIDDEN extern const am_mon_kind am_mon_kinds_process[];
#endif
#endif
