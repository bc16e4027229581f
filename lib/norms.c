/* Social-minimum norms: valid-from rows and the annual norm of a year.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int date; /* yyyymmdd */
    char *type, *band;
    double amount;
} norm_row;

struct armoede_norms {
    norm_row *rows;
    size_t n, cap;
    char **map_from, **map_to;
    size_t nmap, capmap;
};

int armoede_norms_new(armoede_norms **out)
{
    if (!out) return am_fail(ARMOEDE_EINVAL, "armoede_norms_new: out is NULL");
    *out = calloc(1, sizeof **out);
    return *out ? ARMOEDE_OK : am_fail(ARMOEDE_ENOMEM, "out of memory");
}

void armoede_norms_free(armoede_norms *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->n; i++) { free(n->rows[i].type); free(n->rows[i].band); }
    for (size_t i = 0; i < n->nmap; i++) { free(n->map_from[i]); free(n->map_to[i]); }
    free(n->rows);
    free(n->map_from);
    free(n->map_to);
    free(n);
}

size_t armoede_norms_nrows(const armoede_norms *n) { return n ? n->n : 0; }

int armoede_norms_add(armoede_norms *n, int year, int month, int day, const char *household_type,
                      const char *age_band, double annual_amount)
{
    if (!n || !household_type || !age_band) return am_fail(ARMOEDE_EINVAL, "armoede_norms_add: NULL argument");
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1 ||
        day > mdays[month - 1] + (month == 2 && leap))
        return am_fail(ARMOEDE_EINVAL, "norm valid-from date %04d-%02d-%02d is not a date", year, month, day);
    if (!(annual_amount > 0) || !isfinite(annual_amount))
        return am_fail(ARMOEDE_EDATA, "norm for %s/%s from %04d-%02d-%02d: amount %g is not positive",
                       household_type, age_band, year, month, day, annual_amount);
    int date = year * 10000 + month * 100 + day;
    for (size_t i = 0; i < n->n; i++)
        if (n->rows[i].date == date && strcmp(n->rows[i].type, household_type) == 0 &&
            strcmp(n->rows[i].band, age_band) == 0)
            return am_fail(ARMOEDE_EDATA, "two norms for household type '%s', age band '%s' valid from %04d-%02d-%02d",
                           household_type, age_band, year, month, day);
    norm_row *rows = am_grow(n->rows, &n->cap, n->n + 1, sizeof *rows);
    if (!rows) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    n->rows = rows;
    norm_row *r = &n->rows[n->n];
    r->date = date;
    r->amount = annual_amount;
    r->type = am_strdup(household_type);
    r->band = am_strdup(age_band);
    if (!r->type || !r->band) { free(r->type); free(r->band); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    n->n++;
    return ARMOEDE_OK;
}

int armoede_norms_map_type(armoede_norms *n, const char *data_code, const char *norm_type)
{
    if (!n || !data_code || !norm_type) return am_fail(ARMOEDE_EINVAL, "armoede_norms_map_type: NULL argument");
    for (size_t i = 0; i < n->nmap; i++)
        if (strcmp(n->map_from[i], data_code) == 0) {
            char *t = am_strdup(norm_type);
            if (!t) return am_fail(ARMOEDE_ENOMEM, "out of memory");
            free(n->map_to[i]);
            n->map_to[i] = t;
            return ARMOEDE_OK;
        }
    size_t c1 = n->capmap, c2 = n->capmap;
    char **a = am_grow(n->map_from, &c1, n->nmap + 1, sizeof *a);
    if (!a) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    n->map_from = a;
    char **b = am_grow(n->map_to, &c2, n->nmap + 1, sizeof *b);
    if (!b) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    n->map_to = b;
    n->capmap = c1;
    a[n->nmap] = am_strdup(data_code);
    b[n->nmap] = am_strdup(norm_type);
    if (!a[n->nmap] || !b[n->nmap]) { free(a[n->nmap]); free(b[n->nmap]); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    n->nmap++;
    return ARMOEDE_OK;
}

int armoede_norms_annual(const armoede_norms *n, int year, const char *household_type,
                         const char *age_band, double *amount)
{
    if (!n || !household_type || !amount) return am_fail(ARMOEDE_EINVAL, "armoede_norms_annual: NULL argument");
    if (!age_band) age_band = "";
    const char *type = household_type;
    for (size_t i = 0; i < n->nmap; i++)
        if (strcmp(n->map_from[i], household_type) == 0) { type = n->map_to[i]; break; }
    double sum = 0;
    for (int m = 1; m <= 12; m++) {
        int day = year * 10000 + m * 100 + 1;
        /* the exact band's rows form one series, the "*" rows another: the
         * exact series applies whenever it has a row in force */
        const norm_row *exact = NULL, *wild = NULL;
        for (size_t i = 0; i < n->n; i++) {
            const norm_row *r = &n->rows[i];
            if (r->date > day || strcmp(r->type, type) != 0) continue;
            if (strcmp(r->band, age_band) == 0) { if (!exact || r->date > exact->date) exact = r; }
            else if (strcmp(r->band, "*") == 0) { if (!wild || r->date > wild->date) wild = r; }
        }
        const norm_row *best = exact ? exact : wild;
        if (!best)
            return am_fail(ARMOEDE_ENORM,
                           "no norm for household type '%s'%s%s%s, age band '%s', valid on %04d-%02d-01 (year %d)",
                           household_type, type != household_type ? " (as '" : "",
                           type != household_type ? type : "", type != household_type ? "')" : "",
                           age_band, year, m, year);
        sum += best->amount;
    }
    *amount = sum / 12.0;
    return ARMOEDE_OK;
}

int armoede_norms_read_csv(const char *path, armoede_norms **out)
{
    if (out) *out = NULL;
    if (!path || !out) return am_fail(ARMOEDE_EINVAL, "armoede_norms_read_csv: NULL argument");
    static const char *const cols[] = {"valid_from", "household_type", "age_band", "annual_amount"};
    static const armoede_type types[] = {ARMOEDE_TYPE_CAT, ARMOEDE_TYPE_CAT, ARMOEDE_TYPE_CAT, ARMOEDE_TYPE_REAL};
    static const char *const na[] = {"", "NA"};
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.columns = cols;
    o.types = types;
    o.n_columns = 4;
    o.na_tokens = na;
    o.n_na_tokens = 2;
    armoede_table *t;
    int rc = armoede_table_read_csv(path, &o, &t);
    if (rc) return rc;
    armoede_norms *n;
    if ((rc = armoede_norms_new(&n))) { armoede_table_free(t); return rc; }
    for (size_t i = 0; i < t->nrows && !rc; i++) {
        const char *date = armoede_table_get_label(t, "valid_from", i);
        const char *type = armoede_table_get_label(t, "household_type", i);
        const char *band = armoede_table_get_label(t, "age_band", i);
        double amount;
        armoede_table_get_real(t, "annual_amount", i, &amount);
        int y, m, d;
        char where[512];
        am_table_where(t, i, where, sizeof where);
        if (!date || am_parse_date(date, strlen(date), &y, &m, &d) != 0)
            rc = am_fail(ARMOEDE_EPARSE, "%s, column 'valid_from': value '%s' is not a date (yyyy-mm-dd)", where, date ? date : "");
        else if (!type)
            rc = am_fail(ARMOEDE_EPARSE, "%s, column 'household_type': value missing", where);
        else if (!band)
            rc = am_fail(ARMOEDE_EPARSE, "%s, column 'age_band': value missing (use * for any band)", where);
        else if ((rc = armoede_norms_add(n, y, m, d, type, band, amount))) {
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", armoede_last_error());
            am_fail(rc, "%s: %s", where, msg);
        }
    }
    armoede_table_free(t);
    if (rc) { armoede_norms_free(n); return rc; }
    *out = n;
    return ARMOEDE_OK;
}
