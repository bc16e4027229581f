/* Disclosure control: primary and secondary suppression, rounding.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void armoede_sdc_options_init(armoede_sdc_options *opts)
{
    if (!opts) return;
    armoede_sdc_options d = ARMOEDE_SDC_OPTIONS_INIT;
    *opts = d;
}

static int suppressed(const am_row *w)
{
    return w->status == ARMOEDE_CELL_SUPPRESSED_PRIMARY || w->status == ARMOEDE_CELL_SUPPRESSED_SECONDARY ||
           w->status == ARMOEDE_CELL_SUPPRESSED_DOMINANCE;
}

static int same_num(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }
static int same_str(const char *a, const char *b)
{
    if (a == b) return 1;
    if (!a || !b) return 0;
    return strcmp(a, b) == 0;
}

/* Sorting context (qsort has none: a per-call struct reached through the
 * index array would need qsort_r, which is not C11; so we sort an array of
 * pairs that carry the context pointer). */
typedef struct {
    const armoede_result *r;
    size_t row;
    size_t skip; /* key excluded from the comparison */
} sref;

static int cmp_str(const char *a, const char *b)
{
    if (a == b) return 0; /* labels are interned: equal strings are one pointer */
    if (!a || !b) return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int cmp_sref(const void *pa, const void *pb)
{
    const sref *a = pa, *b = pb;
    const am_row *x = &a->r->rows[a->row], *y = &b->r->rows[b->row];
    int c = cmp_str(x->indicator, y->indicator);
    if (c) return c;
    if ((c = cmp_str(x->unit, y->unit))) return c;
    for (int f = ARMOEDE_FIELD_THRESHOLD; f <= ARMOEDE_FIELD_DURATION; f++) {
        double u = x->f[f], v = y->f[f];
        if (isnan(u) != isnan(v)) return isnan(u) ? -1 : 1;
        if (!isnan(u) && u != v) return u < v ? -1 : 1;
    }
    for (size_t k = 0; k < a->r->nkeys; k++) {
        if (k == a->skip) continue;
        if ((c = cmp_str(x->keys[k], y->keys[k]))) return c;
    }
    return a->row < b->row ? -1 : a->row > b->row;
}

static int same_line(const armoede_result *r, size_t i, size_t j, size_t skip)
{
    const am_row *x = &r->rows[i], *y = &r->rows[j];
    if (!same_str(x->indicator, y->indicator) || !same_str(x->unit, y->unit)) return 0;
    if (!same_num(x->f[ARMOEDE_FIELD_THRESHOLD], y->f[ARMOEDE_FIELD_THRESHOLD]) ||
        !same_num(x->f[ARMOEDE_FIELD_DURATION], y->f[ARMOEDE_FIELD_DURATION]))
        return 0;
    for (size_t k = 0; k < r->nkeys; k++)
        if (k != skip && !same_str(x->keys[k], y->keys[k])) return 0;
    return 1;
}

static double size_of(const am_row *w)
{
    return isnan(w->f[ARMOEDE_FIELD_DEN_N]) ? w->f[ARMOEDE_FIELD_NUM_N] : w->f[ARMOEDE_FIELD_DEN_N];
}

/* One pass over all lines along key k; returns the number of cells newly
 * suppressed, or a negative status. */
/* The lines along key k: rows sorted so that each line is a run, and the
 * start of every run (nlines + 1 entries, the last = n). Sorted once: the
 * lines do not change while cells are suppressed. */
typedef struct {
    sref *refs;
    size_t *start;
    size_t nlines;
} lines;

static int lines_make(armoede_result *r, size_t k, lines *l)
{
    size_t n = r->nrows;
    l->refs = malloc(n * sizeof *l->refs);
    l->start = malloc((n + 1) * sizeof *l->start);
    if (!l->refs || !l->start) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) { l->refs[i].r = r; l->refs[i].row = i; l->refs[i].skip = k; }
    qsort(l->refs, n, sizeof *l->refs, cmp_sref);
    l->nlines = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && same_line(r, l->refs[a].row, l->refs[b].row, k)) b++;
        l->start[l->nlines++] = a;
        a = b;
    }
    l->start[l->nlines] = n;
    return 0;
}

static long secondary_pass(armoede_result *r, size_t k, const lines *l)
{
    const sref *refs = l->refs;
    long added = 0;
    for (size_t li = 0; li < l->nlines; li++) {
        size_t a = l->start[li], b = l->start[li + 1];
        /* line refs[a..b): children carry a label on key k; a row with
         * "Total" or no key k (a table not broken down by k) is a total */
        size_t nsup = 0, nchild = 0;
        int lone_is_total = 0, any_total = 0;
        for (size_t x = a; x < b; x++) {
            am_row *w = &r->rows[refs[x].row];
            int tot = !w->keys[k] || strcmp(w->keys[k], AM_TOTAL_LABEL) == 0;
            any_total |= tot;
            if (!tot) nchild++;
            if (suppressed(w)) { nsup++; lone_is_total = tot; }
        }
        if (nsup == 1 && nchild >= 1) {
            size_t pick = SIZE_MAX;
            for (size_t x = a; x < b; x++) {
                size_t row = refs[x].row;
                am_row *w = &r->rows[row];
                if (!w->keys[k] || strcmp(w->keys[k], AM_TOTAL_LABEL) == 0 || suppressed(w)) continue;
                if (pick == SIZE_MAX || size_of(w) < size_of(&r->rows[pick]) ||
                    (size_of(w) == size_of(&r->rows[pick]) && row < pick))
                    pick = row;
            }
            if (pick != SIZE_MAX) {
                am_row *w = &r->rows[pick];
                w->status = ARMOEDE_CELL_SUPPRESSED_SECONDARY;
                if (am_result_set_reason(w, "secondary: hidden so that a suppressed cell cannot be recomputed from a total over '%s'",
                                         r->key_names[k]))
                    return ARMOEDE_ENOMEM;
                added++;
            } else if (!lone_is_total && any_total) {
                /* the suppressed cell is the only child: it equals the total */
                for (size_t x = a; x < b; x++) {
                    am_row *w = &r->rows[refs[x].row];
                    if ((w->keys[k] && strcmp(w->keys[k], AM_TOTAL_LABEL) != 0) || suppressed(w)) continue;
                    w->status = ARMOEDE_CELL_SUPPRESSED_SECONDARY;
                    if (am_result_set_reason(w, "secondary: the total over '%s' equals a suppressed cell", r->key_names[k]))
                        return ARMOEDE_ENOMEM;
                    added++;
                }
            }
        }
    }
    return added;
}

int armoede_sdc_apply(armoede_result *r, const armoede_sdc_options *opts)
{
    if (!r) return am_fail(ARMOEDE_EINVAL, "armoede_sdc_apply: result is NULL");
    armoede_sdc_options o = ARMOEDE_SDC_OPTIONS_INIT;
    if (opts) {
        if (opts->version < 1 || opts->version > ARMOEDE_SDC_OPTIONS_VERSION)
            return am_fail(ARMOEDE_EINVAL, "armoede_sdc_options version %u is not supported", opts->version);
        /* a version-1 struct ends after round_base: the later fields keep their defaults */
        o.min_n = opts->min_n;
        o.secondary = opts->secondary;
        o.round_base = opts->round_base;
        if (opts->version >= 2) {
            o.dominance_n = opts->dominance_n;
            o.dominance_k = opts->dominance_k;
        }
    }
    if (r->protected_) return am_fail(ARMOEDE_EINVAL, "disclosure control was already applied to this result");
    if (o.min_n < 0) return am_fail(ARMOEDE_EINVAL, "min_n must be >= 0");
    if (o.round_base != 0 && o.round_base != 5 && o.round_base != 10)
        return am_fail(ARMOEDE_EINVAL, "round_base must be 0, 5 or 10 (got %d)", o.round_base);
    if (o.dominance_n < 0 || o.dominance_n > 2)
        return am_fail(ARMOEDE_EINVAL, "dominance_n must be 0 (off), 1 or 2 (got %d)", o.dominance_n);
    if (o.dominance_n && !(o.dominance_k > 0 && o.dominance_k <= 1))
        return am_fail(ARMOEDE_EINVAL, "dominance_k must be in (0, 1] (got %g)", o.dominance_k);
    double m = o.min_n;
    /* primary */
    for (size_t i = 0; i < r->nrows && o.min_n > 1; i++) {
        am_row *w = &r->rows[i];
        if (w->status != ARMOEDE_CELL_OK) continue;
        double nn = w->f[ARMOEDE_FIELD_NUM_N], dn = w->f[ARMOEDE_FIELD_DEN_N];
        const char *why = NULL;
        if (!isnan(dn) && dn < m) why = "primary: the group has fewer than %d units";
        else if (nn >= 1 && nn < m) why = "primary: fewer than %d units in the numerator";
        else if (!isnan(dn) && dn - nn >= 1 && dn - nn < m) why = "primary: fewer than %d units of the group outside the numerator";
        if (why) {
            w->status = ARMOEDE_CELL_SUPPRESSED_PRIMARY;
            if (am_result_set_reason(w, why, o.min_n)) return ARMOEDE_ENOMEM;
        }
    }
    /* dominance: magnitude cells whose n largest contributions make up
     * more than k of the total */
    for (size_t i = 0; i < r->nrows && o.dominance_n; i++) {
        am_row *w = &r->rows[i];
        if (w->status != ARMOEDE_CELL_OK || isnan(w->dom_total) || !(w->dom_total > 0)) continue;
        double top = w->dom_top[0] + (o.dominance_n == 2 ? w->dom_top[1] : 0);
        if (top > o.dominance_k * w->dom_total) {
            w->status = ARMOEDE_CELL_SUPPRESSED_DOMINANCE;
            if (am_result_set_reason(w, "dominance: %s more than %g%% of the cell",
                                     o.dominance_n == 2 ? "the two largest contributions make up" : "the largest contribution makes up",
                                     100 * o.dominance_k))
                return ARMOEDE_ENOMEM;
        }
    }
    /* secondary */
    if (o.secondary && r->nrows > 1 && r->nkeys > 0) {
        lines *ls = calloc(r->nkeys, sizeof *ls);
        int rc = ls ? 0 : am_fail(ARMOEDE_ENOMEM, "out of memory");
        for (size_t k = 0; k < r->nkeys && !rc; k++) rc = lines_make(r, k, &ls[k]);
        while (!rc) {
            long added = 0;
            for (size_t k = 0; k < r->nkeys && !rc; k++) {
                long a = secondary_pass(r, k, &ls[k]);
                if (a < 0) rc = (int)a;
                else added += a;
            }
            if (!added) break;
        }
        if (ls) for (size_t k = 0; k < r->nkeys; k++) { free(ls[k].refs); free(ls[k].start); }
        free(ls);
        if (rc) return rc;
    }
    /* erase and round */
    for (size_t i = 0; i < r->nrows; i++) {
        am_row *w = &r->rows[i];
        w->dom_top[0] = w->dom_top[1] = 0; /* what the dominance rule read is not kept */
        w->dom_total = NAN;
        if (suppressed(w)) {
            for (int f = 0; f < ARMOEDE_FIELD_COUNT_; f++)
                if (f != ARMOEDE_FIELD_THRESHOLD && f != ARMOEDE_FIELD_DURATION && f != ARMOEDE_FIELD_REFERENCE)
                    w->f[f] = NAN; /* parameters and outside figures stay */
        } else if (o.round_base && w->status == ARMOEDE_CELL_OK) {
            /* counts only: a field the producer marked as an amount stays */
            static const armoede_field cf[] = {ARMOEDE_FIELD_NUM_W, ARMOEDE_FIELD_DEN_W, ARMOEDE_FIELD_NUM_N, ARMOEDE_FIELD_DEN_N};
            for (size_t k = 0; k < 4; k++) {
                double v = w->f[cf[k]];
                if (!isnan(v) && !((w->amounts >> cf[k]) & 1u)) w->f[cf[k]] = floor(v / o.round_base + 0.5) * o.round_base;
            }
            w->rounded = 1;
        }
    }
    r->protected_ = 1;
    char dom[96];
    if (o.dominance_n) snprintf(dom, sizeof dom, "(%d, %g%%)", o.dominance_n, 100 * o.dominance_k);
    else snprintf(dom, sizeof dom, "off");
    return am_result_note(r, "disclosure control: min_n %d, dominance rule %s, secondary suppression %s, rounding %s",
                          o.min_n, dom, o.secondary ? "on" : "off",
                          o.round_base ? (o.round_base == 5 ? "to 5" : "to 10") : "off");
}
