/*
 * armoede-bench: the libarmoede benchmark driver (not a test; it prints figures).
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage:
 *   armoede-bench minima    --data F.csv.gz --norms NORMS.csv --out RESULT.csv
 *                           [--norms-out ANNUAL.csv] [--thresholds 1.1,1.2] [--threads 2]
 *                           [--repeats 5]
 *   armoede-bench durations --data F.csv.gz --norms NORMS.csv --out RESULT.csv
 *                           [--norms-out ANNUAL.csv] [--thresholds 1.1,1.2] [--threads 2]
 *                           [--repeats 5] [--durations 1,4]
 *   armoede-bench rawbytes  --data F.csv.gz
 *
 * minima / durations: read the gzip CSV with armoede_table_read_csv (only the columns the
 * indicators use, with declared types), map roles, load the norms (data household types
 * single_parent -> single, couple_children -> couple, other -> couple), write the annual
 * norm of every (year, household_type, head_age_band) of the data to --norms-out (for the
 * peers to join on: one source of truth), then time armoede_minima (units households and
 * persons, by year x wijk) or armoede_durations (person level, units persons, by year x
 * wijk), best of --repeats, and write the unprotected result as CSV for comparison.
 * rawbytes: one pass over the (decompressed) file counting the bytes of the fields of the
 * used columns: the "raw bytes" of the memory target.
 *
 * Output: machine-readable lines on stdout, e.g.
 *   step=read_national tool=armoede seconds=3.1 rows=18000000 rows_per_s=5800000 ...
 *   step=minima tool=armoede seconds=0.02 rows=18000000 rows_per_s=... repeats=5 cells=6840
 *   peak_rss_kib=...
 * Diagnostics go to stderr, prefixed with '#'.
 */
#include "armoede.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>

#define MAX_LIST 16

static const char *const used_columns[] = {
    "person_id", "household_id", "year",           "birth_year",
    "wijk",      "household_type", "head_age_band", "income",
    "whole_year", "student",     "institutional",
};
#define N_USED (sizeof used_columns / sizeof used_columns[0])
static const armoede_type used_types[N_USED] = {
    ARMOEDE_TYPE_INT, ARMOEDE_TYPE_INT, ARMOEDE_TYPE_INT,  ARMOEDE_TYPE_INT,
    ARMOEDE_TYPE_CAT, ARMOEDE_TYPE_CAT, ARMOEDE_TYPE_CAT,  ARMOEDE_TYPE_REAL,
    ARMOEDE_TYPE_INT, ARMOEDE_TYPE_INT, ARMOEDE_TYPE_INT,
};

/* Household types of the data that the norms table does not hold itself. */
static const char *const type_map[][2] = {
    {"single_parent", "single"},
    {"couple_children", "couple"},
    {"other", "couple"},
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss; /* KiB on Linux */
}

static int fail(const char *what, int st)
{
    fprintf(stderr, "armoede-bench: %s: %s: %s\n", what, armoede_strerror(st),
            armoede_last_error());
    return 1;
}

static void usage(void)
{
    fputs("usage: armoede-bench minima|durations --data FILE --norms NORMS.csv --out RESULT.csv\n"
          "                     [--norms-out ANNUAL.csv] [--thresholds 1.1,1.2] [--threads 2]\n"
          "                     [--repeats 5] [--durations 1,4]\n"
          "       armoede-bench rawbytes --data FILE\n",
          stderr);
}

/* Parse "a,b,c" into at most MAX_LIST doubles; returns the count or -1. */
static int parse_list(const char *s, double *out)
{
    int n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno != 0 || n == MAX_LIST)
            return -1;
        out[n++] = v;
        p = end;
        if (*p == ',')
            p++;
        else if (*p)
            return -1;
    }
    return n;
}

/* ---------------------------------------------------------------------------------------
 * rawbytes: bytes of the fields of the used columns in the uncompressed CSV (field text
 * without separators, quotes or line ends).
 * ------------------------------------------------------------------------------------- */
static int cmd_rawbytes(const char *path)
{
    gzFile gz = gzopen(path, "rb"); /* reads plain files as they are too */
    if (!gz) {
        fprintf(stderr, "armoede-bench: cannot open %s\n", path);
        return 1;
    }
    gzbuffer(gz, 1u << 20);
    enum { BUFSZ = 1 << 20, MAXCOLS = 256 };
    static unsigned char buf[BUFSZ];
    int col_to_used[MAXCOLS];
    for (int i = 0; i < MAXCOLS; i++)
        col_to_used[i] = -1;
    char name[256];
    size_t namelen = 0;
    enum { OUT, INQ, QEND } state = OUT;
    int header = 1, col = 0, ncols_header = 0, found = 0, line_has_data = 0;
    unsigned long long rows = 0, bytes_all = 0, total = 0;
    unsigned long long per_col[N_USED] = {0};
    for (;;) {
        int n = gzread(gz, buf, BUFSZ);
        if (n < 0) {
            int e;
            fprintf(stderr, "armoede-bench: %s: %s\n", path, gzerror(gz, &e));
            gzclose(gz);
            return 1;
        }
        if (n == 0)
            break;
        int start = 0;
        if (bytes_all == 0 && n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
            start = 3; /* UTF-8 byte-order mark */
        bytes_all += (unsigned long long)n;
        for (int i = start; i < n; i++) {
            unsigned char c = buf[i];
            if (state == INQ) {
                if (c == '"') {
                    state = QEND;
                    continue;
                }
            } else if (state == QEND && c == '"') {
                state = INQ; /* a doubled quote is one quote character */
            } else {
                state = OUT;
                if (c == '"') {
                    state = INQ;
                    line_has_data = 1;
                    continue;
                }
                if (c == ',' || c == '\n') {
                    if (header) {
                        name[namelen] = 0;
                        for (size_t u = 0; u < N_USED && col < MAXCOLS; u++)
                            if (strcmp(name, used_columns[u]) == 0) {
                                col_to_used[col] = (int)u;
                                found++;
                            }
                        namelen = 0;
                    }
                    if (c == ',') {
                        col++;
                        line_has_data = 1;
                    } else {
                        if (header) {
                            header = 0;
                            ncols_header = col + 1;
                        } else if (line_has_data) {
                            rows++;
                        }
                        col = 0;
                        line_has_data = 0;
                    }
                    continue;
                }
                if (c == '\r')
                    continue;
            }
            line_has_data = 1;
            if (header) {
                if (namelen < sizeof name - 1)
                    name[namelen++] = (char)c;
            } else if (col < MAXCOLS && col_to_used[col] >= 0) {
                per_col[col_to_used[col]]++;
            }
        }
    }
    gzclose(gz);
    if (!header && line_has_data)
        rows++; /* a last line without a line end */
    if ((size_t)found != N_USED) {
        fprintf(stderr, "armoede-bench: %s: %d of the %zu used columns found in the header\n",
                path, found, N_USED);
        return 1;
    }
    for (size_t u = 0; u < N_USED; u++)
        total += per_col[u];
    printf("step=rawbytes file=%s rows=%llu columns=%d used_columns=%zu raw_bytes=%llu "
           "csv_bytes=%llu\n",
           path, rows, ncols_header, N_USED, total, bytes_all);
    for (size_t u = 0; u < N_USED; u++)
        printf("rawbytes_column=%s bytes=%llu\n", used_columns[u], per_col[u]);
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * The annual norms table for the peers.
 * ------------------------------------------------------------------------------------- */
static int write_norms_annual(const armoede_table *t, const armoede_norms *norms,
                              const char *path, int *n_missing)
{
    size_t n = armoede_table_nrows(t);
    int64_t ymin = INT64_MAX, ymax = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        int64_t y;
        if (armoede_table_get_int(t, "year", i, &y) != ARMOEDE_OK || y == ARMOEDE_NA_INT)
            continue;
        if (y < ymin)
            ymin = y;
        if (y > ymax)
            ymax = y;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "armoede-bench: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    fputs("year,household_type,head_age_band,norm\n", f);
    size_t ntypes = armoede_table_nlevels(t, "household_type");
    size_t nbands = armoede_table_nlevels(t, "head_age_band");
    *n_missing = 0;
    for (int64_t y = ymin; ymin <= ymax && y <= ymax; y++)
        for (size_t a = 0; a < ntypes; a++)
            for (size_t b = 0; b < nbands; b++) {
                const char *ht = armoede_table_level(t, "household_type", (int32_t)a);
                const char *band = armoede_table_level(t, "head_age_band", (int32_t)b);
                double amount;
                int st = armoede_norms_annual(norms, (int)y, ht, band, &amount);
                if (st == ARMOEDE_OK) {
                    fprintf(f, "%lld,%s,%s,%.17g\n", (long long)y, ht, band, amount);
                } else {
                    /* Combinations that do not occur (couple, u21) have no norm: fine
                     * unless the data hold them, when armoede_minima says ENORM. */
                    if ((*n_missing)++ < 3)
                        fprintf(stderr, "# no norm: %s\n", armoede_last_error());
                }
            }
    if (fclose(f) != 0) {
        fprintf(stderr, "armoede-bench: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage();
        return 2;
    }
    const char *mode = argv[1];
    const char *data = NULL, *norms_path = NULL, *out = NULL, *norms_out = NULL;
    double thresholds[MAX_LIST] = {1.1, 1.2}, dur_d[MAX_LIST] = {1, 4};
    int n_thresholds = 2, n_durations = 2, nthreads = 2, repeats = 5;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            usage();
            return 2;
        }
        if (strcmp(a, "--data") == 0)
            data = v;
        else if (strcmp(a, "--norms") == 0)
            norms_path = v;
        else if (strcmp(a, "--out") == 0)
            out = v;
        else if (strcmp(a, "--norms-out") == 0)
            norms_out = v;
        else if (strcmp(a, "--thresholds") == 0)
            n_thresholds = parse_list(v, thresholds);
        else if (strcmp(a, "--durations") == 0)
            n_durations = parse_list(v, dur_d);
        else if (strcmp(a, "--threads") == 0)
            nthreads = atoi(v);
        else if (strcmp(a, "--repeats") == 0)
            repeats = atoi(v);
        else {
            usage();
            return 2;
        }
        i++;
    }
    if (strcmp(mode, "rawbytes") == 0) {
        if (!data) {
            usage();
            return 2;
        }
        return cmd_rawbytes(data);
    }
    int is_minima = strcmp(mode, "minima") == 0;
    if ((!is_minima && strcmp(mode, "durations") != 0) || !data || !norms_path || !out ||
        n_thresholds < 1 || n_durations < 1 || nthreads < 1 || repeats < 1) {
        usage();
        return 2;
    }
    int durations[MAX_LIST];
    for (int i = 0; i < n_durations; i++) {
        if (!(dur_d[i] >= 1) || dur_d[i] != floor(dur_d[i])) {
            usage();
            return 2;
        }
        durations[i] = (int)dur_d[i];
    }

    fprintf(stderr, "# libarmoede %s, mode %s, %d thread(s), %d repeat(s)\n", armoede_version(),
            mode, nthreads, repeats);

    /* --- read ------------------------------------------------------------------- */
    armoede_read_options ro = ARMOEDE_READ_OPTIONS_INIT;
    ro.columns = used_columns;
    ro.types = used_types;
    ro.n_columns = N_USED;
    armoede_table *t = NULL;
    double t0 = now_s();
    int st = armoede_table_read_csv(data, &ro, &t);
    double t_read = now_s() - t0;
    if (st != ARMOEDE_OK)
        return fail("reading the data", st);
    size_t nrows = armoede_table_nrows(t);
    long rss_read = peak_rss_kib();
    printf("step=read_%s tool=armoede seconds=%.6f rows=%zu rows_per_s=%.0f "
           "peak_rss_kib_after=%ld\n",
           is_minima ? "national" : "panel", t_read, nrows, (double)nrows / t_read, rss_read);
    fflush(stdout);

    /* --- roles and norms (not timed) ------------------------------------------------ */
    static const struct {
        armoede_role role;
        const char *col;
    } roles[] = {
        {ARMOEDE_ROLE_PERSON_ID, "person_id"},
        {ARMOEDE_ROLE_HOUSEHOLD_ID, "household_id"},
        {ARMOEDE_ROLE_YEAR, "year"},
        {ARMOEDE_ROLE_BIRTH_YEAR, "birth_year"},
        {ARMOEDE_ROLE_AREA, "wijk"},
        {ARMOEDE_ROLE_HOUSEHOLD_TYPE, "household_type"},
        {ARMOEDE_ROLE_AGE_BAND, "head_age_band"},
        {ARMOEDE_ROLE_INCOME, "income"},
        {ARMOEDE_ROLE_WHOLE_YEAR, "whole_year"},
        {ARMOEDE_ROLE_STUDENT, "student"},
        {ARMOEDE_ROLE_INSTITUTIONAL, "institutional"},
    };
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        st = armoede_table_set_role(t, roles[i].role, roles[i].col);
        if (st != ARMOEDE_OK) {
            char what[128];
            snprintf(what, sizeof what, "mapping role %s to column %s",
                     armoede_role_name(roles[i].role), roles[i].col);
            armoede_table_free(t);
            return fail(what, st);
        }
    }
    armoede_norms *norms = NULL;
    st = armoede_norms_read_csv(norms_path, &norms);
    if (st != ARMOEDE_OK) {
        armoede_table_free(t);
        return fail("reading the norms", st);
    }
    for (size_t i = 0; i < sizeof type_map / sizeof type_map[0]; i++) {
        st = armoede_norms_map_type(norms, type_map[i][0], type_map[i][1]);
        if (st != ARMOEDE_OK) {
            armoede_norms_free(norms);
            armoede_table_free(t);
            return fail("mapping household types", st);
        }
    }
    if (norms_out) {
        int n_missing = 0;
        double tn = now_s();
        if (write_norms_annual(t, norms, norms_out, &n_missing) != 0) {
            armoede_norms_free(norms);
            armoede_table_free(t);
            return 1;
        }
        fprintf(stderr, "# annual norms written to %s in %.3f s (%d combination(s) without a norm)\n",
                norms_out, now_s() - tn, n_missing);
    }

    /* --- the indicator, best of `repeats` ------------------------------------------- */
    static const char *const by[] = {"year", "wijk"};
    armoede_impact_options io = ARMOEDE_IMPACT_OPTIONS_INIT;
    io.thresholds = thresholds;
    io.n_thresholds = (size_t)n_thresholds;
    io.units = is_minima ? (ARMOEDE_UNIT_HOUSEHOLDS | ARMOEDE_UNIT_PERSONS) : ARMOEDE_UNIT_PERSONS;
    io.by = by;
    io.n_by = 2;
    io.norms = norms;
    io.durations = durations;
    io.n_durations = (size_t)n_durations;
    io.level = ARMOEDE_LEVEL_PERSON;
    io.nthreads = nthreads;
    armoede_result *res = NULL;
    double best = INFINITY, worst = 0.0, sum = 0.0;
    for (int r = 0; r < repeats; r++) {
        armoede_result_free(res);
        res = NULL;
        t0 = now_s();
        st = is_minima ? armoede_minima(t, &io, &res) : armoede_durations(t, &io, &res);
        double dt = now_s() - t0;
        if (st != ARMOEDE_OK) {
            armoede_norms_free(norms);
            armoede_table_free(t);
            return fail(is_minima ? "armoede_minima" : "armoede_durations", st);
        }
        if (dt < best)
            best = dt;
        if (dt > worst)
            worst = dt;
        sum += dt;
    }
    printf("step=%s tool=armoede seconds=%.6f rows=%zu rows_per_s=%.0f repeats=%d "
           "mean_seconds=%.6f worst_seconds=%.6f cells=%zu threads=%d\n",
           mode, best, nrows, (double)nrows / best, repeats, sum / repeats, worst,
           armoede_result_nrows(res), nthreads);
    for (size_t i = 0; i < armoede_result_nnotes(res); i++)
        fprintf(stderr, "# note: %s\n", armoede_result_note(res, i));

    armoede_write_options wo = ARMOEDE_WRITE_OPTIONS_INIT;
    wo.unprotected = 1; /* counts are compared with the peers; nothing is published */
    st = armoede_result_write_csv(res, out, &wo);
    armoede_result_free(res);
    armoede_norms_free(norms);
    armoede_table_free(t);
    if (st != ARMOEDE_OK)
        return fail("writing the result", st);
    printf("peak_rss_kib=%ld\n", peak_rss_kib());
    return 0;
}
