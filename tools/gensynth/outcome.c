/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * armoede-genoutcome: scheme registrations and debt-assistance cases for the
 * synthetic city made by armoede-gencity (docs/outcome.md, "Synthetic data").
 *
 *   armoede-genoutcome [--seed N] [--norms FILE] -o DIR CITY.csv.gz
 *
 * writes DIR/registrations.csv.gz and DIR/debt_cases.csv.gz. The city is
 * read with the library's reader; the ratio of each household-year's income
 * to its Participatiewet norm (data/norms_participatiewet.csv, the municipal
 * convention, with the household types mapped as in the Groningen monitors)
 * drives eligibility. Everything random comes from one gsl_rng_mt19937
 * seeded with --seed and is drawn in file order, so the same city and seed
 * give byte-identical output.
 *
 * Registrations (one row per household, scheme and year; columns
 * household_id, person_id (the head), scheme, year, start, end, amount):
 *   iit          individuele inkomenstoeslag: income <= 110% for 3+ years
 *                (household followed by its id), base take-up 0.45
 *   kwijtschelding  remission of municipal taxes: <= 100%, take-up 0.60
 *   stadjerspas  <= 120%, take-up 0.50 (start/end: the calendar year)
 *   kindpas      holders of a stadjerspas with minors: 0.70 when they held
 *                the pass the year before, 0.45 when new
 *   bijzondere_bijstand  <= 120%, take-up 0.15, amount by need
 * A household that used a scheme the year before keeps using it with
 * probability 0.85 while eligible (0.35 when its main income is work);
 * households whose main income is work take a scheme up at 0.10 times the
 * base rate, so that fewer than a quarter of them use at least one (seed
 * 004: "not even a quarter of working people up to 110%").
 * About 3% of households between the line and 20 points above it use a
 * scheme anyway (leakage). The awkward cases of real exports: a few
 * registrations of a scheme the monitor does not configure (witgoed), of
 * an id the income file does not know, open-ended stadjerspas rows, and
 * every 5000th registration with a period in the year before its year
 * column (take-up leaves those out with a note).
 *
 * Debt-assistance cases (columns case_id, client_id (person id of the head),
 * household_id, wijk, client_type, intake_date, debt, creditors,
 * first_appointment, crisis, closed_date, outcome): about 3% of
 * households up to 130% and 0.4% above it register each year; 8% are
 * entrepreneurs (self-employed). Debt at intake is lognormal (private:
 * median 26,000, sigma 0.85, mean about 37,000; entrepreneurs: median
 * 60,000, sigma 1.0); creditors 1 + Poisson(12); days to the first
 * appointment 3 + Poisson(8) (crisis cases, 8%: 0-3 days). 75% of cases
 * close after 2-40 months with outcome settlement (35%), completed (25%),
 * stopped (30%) or referred (10%); 15% of closed clients come back within
 * 1-7 years. A handful of export errors: a negative debt, a first
 * appointment before the intake.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "armoede.h"

#define PROG "armoede-genoutcome"

static void usage(FILE *f)
{
    fputs("Usage: " PROG " [--seed N] [--norms FILE] -o DIR CITY.csv[.gz]\n"
          "Writes DIR/registrations.csv.gz (scheme registrations) and DIR/debt_cases.csv.gz\n"
          "(debt-assistance cases) for the synthetic city made by armoede-gencity.\n"
          "  --seed N      random seed (default 20240101)\n"
          "  --norms FILE  Participatiewet norms (default data/norms_participatiewet.csv)\n"
          "  -o DIR        output directory (created if needed)\n",
          f);
}

static int die(const char *what)
{
    fprintf(stderr, PROG ": %s: %s\n", what, armoede_last_error());
    return 1;
}

/* Per household id: state carried over the years. */
typedef struct {
    int last_year;  /* last year seen */
    int run110;     /* consecutive years <= 110% up to last_year */
    uint8_t used;   /* schemes used in last_year (bits) */
} hstate;

enum { S_IIT, S_KW, S_SP, S_KP, S_BB, NS };
static const char *const scheme_code[NS] = {"iit", "kwijtschelding", "stadjerspas", "kindpas", "bijzondere_bijstand"};

static void date_str(int32_t day, char *buf)
{
    int y, m, d;
    armoede_date_to_ymd(day, &y, &m, &d);
    snprintf(buf, 11, "%04d-%02d-%02d", y, m, d);
}

int main(int argc, char **argv)
{
    unsigned long seed = 20240101UL;
    const char *out = NULL, *city = NULL, *norms_path = "data/norms_participatiewet.csv";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { usage(stdout); return 0; }
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            char *e;
            seed = strtoul(argv[++i], &e, 10);
            if (*e) { usage(stderr); return 2; }
        } else if (!strcmp(argv[i], "--norms") && i + 1 < argc) norms_path = argv[++i];
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (argv[i][0] != '-' && !city) city = argv[i];
        else { usage(stderr); return 2; }
    }
    if (!out || !city) { usage(stderr); return 2; }
    mkdir(out, 0777);

    armoede_norms *norms = NULL;
    if (armoede_norms_read_csv(norms_path, &norms)) return die(norms_path);
    armoede_norms_map_type(norms, "single_parent", "single");
    armoede_norms_map_type(norms, "couple_children", "couple");
    armoede_norms_map_type(norms, "other", "couple");
    static const char *const cols[] = {"person_id", "household_id", "year", "birth_year", "wijk", "household_type",
                                       "head_age_band", "income_source", "income", "whole_year", "student", "institutional"};
    armoede_read_options ro = ARMOEDE_READ_OPTIONS_INIT;
    ro.columns = cols;
    ro.n_columns = sizeof cols / sizeof *cols;
    armoede_table *t = NULL;
    if (armoede_table_read_csv(city, &ro, &t)) return die(city);
    size_t n = armoede_table_nrows(t);
    int64_t maxh = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t h;
        armoede_table_get_int(t, "household_id", i, &h);
        if (h != ARMOEDE_NA_INT && h > maxh) maxh = h;
    }
    hstate *hs = calloc((size_t)maxh + 1, sizeof *hs);
    if (!hs) { fprintf(stderr, PROG ": out of memory\n"); return 1; }

    char path[4096];
    snprintf(path, sizeof path, "%s/registrations.csv.gz", out);
    gzFile rg = gzopen(path, "wb6");
    snprintf(path, sizeof path, "%s/debt_cases.csv.gz", out);
    gzFile dc = gzopen(path, "wb6");
    if (!rg || !dc) { fprintf(stderr, PROG ": cannot write into %s\n", out); return 1; }
    gzprintf(rg, "household_id,person_id,scheme,year,start,end,amount\n");
    gzprintf(dc, "case_id,client_id,household_id,wijk,client_type,intake_date,debt,creditors,first_appointment,crisis,closed_date,outcome\n");

    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    long nreg = 0, ncase = 0;
    int32_t last_day;
    armoede_date_from_ymd(2024, 12, 31, &last_day);
    size_t i = 0;
    while (i < n) {
        int64_t h, y, pid;
        armoede_table_get_int(t, "household_id", i, &h);
        armoede_table_get_int(t, "year", i, &y);
        armoede_table_get_int(t, "person_id", i, &pid);
        size_t j = i + 1, minors = 0;
        for (; j < n; j++) {
            int64_t h2, y2;
            armoede_table_get_int(t, "household_id", j, &h2);
            armoede_table_get_int(t, "year", j, &y2);
            if (h2 != h || y2 != y) break;
        }
        for (size_t k = i; k < j; k++) {
            int64_t b;
            armoede_table_get_int(t, "birth_year", k, &b);
            if (b != ARMOEDE_NA_INT && y - b < 18) minors++;
        }
        /* the head: the oldest member */
        int64_t head = pid, oldest = INT64_MAX;
        for (size_t k = i; k < j; k++) {
            int64_t b, p;
            armoede_table_get_int(t, "birth_year", k, &b);
            armoede_table_get_int(t, "person_id", k, &p);
            if (b != ARMOEDE_NA_INT && b < oldest) { oldest = b; head = p; }
        }
        const char *type = armoede_table_get_label(t, "household_type", i);
        const char *band = armoede_table_get_label(t, "head_age_band", i);
        const char *src = armoede_table_get_label(t, "income_source", i);
        const char *wijk = armoede_table_get_label(t, "wijk", i);
        double inc, norm = NAN;
        armoede_table_get_real(t, "income", i, &inc);
        int64_t st, inst;
        armoede_table_get_int(t, "student", i, &st);
        armoede_table_get_int(t, "institutional", i, &inst);
        if (type && band && armoede_norms_annual(norms, (int)y, type, band, &norm)) norm = NAN;
        double ratio = (isnan(inc) || isnan(norm)) ? NAN : inc / norm;
        i = j;
        hstate *s = &hs[h];
        int cont = s->last_year == y - 1;
        int low110 = ratio <= 1.10;
        s->run110 = low110 ? (cont ? s->run110 + 1 : 1) : 0;
        uint8_t prev = cont ? s->used : 0;
        s->last_year = (int)y;
        s->used = 0;
        if (isnan(ratio) || (st != ARMOEDE_NA_INT && st) || (inst != ARMOEDE_NA_INT && inst)) continue;
        int work = src && !strcmp(src, "work");
        double f = work ? 0.10 : 1.0, keep = work ? 0.35 : 0.85;
        int elig[NS] = {s->run110 >= 3, ratio <= 1.00, ratio <= 1.20, 0, ratio <= 1.20};
        static const double base[NS] = {0.45, 0.60, 0.50, 0.0, 0.15};
        uint8_t used = 0;
        for (int k = 0; k < NS; k++) {
            if (k == S_KP) continue;
            double p = 0;
            if (elig[k]) p = (prev >> k & 1) ? keep : base[k] * f;
            else if (ratio <= 1.40 && ratio > 0) p = 0.03; /* leakage: near the line */
            if (gsl_rng_uniform(rng) < p) used |= (uint8_t)(1u << k);
        }
        if ((used >> S_SP & 1) && minors > 0 && gsl_rng_uniform(rng) < ((prev >> S_SP & 1) ? 0.70 : 0.45))
            used |= 1u << S_KP;
        s->used = used;
        for (int k = 0; k < NS; k++) {
            if (!(used >> k & 1)) continue;
            int32_t a, b;
            /* every 5000th row an export slip: its period lies in the year
             * before its year column (no random draw, so the rest of the
             * output does not move) */
            int mon = 1 + (int)gsl_rng_uniform_int(rng, 12), yd = (nreg + 1) % 5000 == 0 ? (int)y - 1 : (int)y;
            armoede_date_from_ymd(yd, mon, 1, &a);
            armoede_date_from_ymd(yd, 12, 31, &b);
            char sa[11], sb[11];
            date_str(a, sa);
            date_str(b, sb);
            double amount = k == S_IIT ? 450 : k == S_KW ? 300 + 200 * gsl_rng_uniform(rng)
                          : k == S_SP ? 0 : k == S_KP ? 75 * (double)minors : 50 + gsl_ran_exponential(rng, 400);
            int open_end = k == S_SP && gsl_rng_uniform(rng) < 0.02;
            gzprintf(rg, "%lld,%lld,%s,%lld,%s,%s,%.2f\n", (long long)h, (long long)head, scheme_code[k], (long long)y, sa,
                     open_end ? "" : sb, amount);
            nreg++;
        }
        if (ratio <= 1.2 && gsl_rng_uniform(rng) < 0.004) { /* a scheme the monitor does not configure */
            gzprintf(rg, "%lld,%lld,witgoed,%lld,%lld-06-01,%lld-06-01,350.00\n", (long long)h, (long long)head, (long long)y,
                     (long long)y, (long long)y);
            nreg++;
        }
        /* debt assistance */
        double pd = ratio <= 1.30 ? 0.030 : 0.004;
        if (gsl_rng_uniform(rng) < pd) {
            int entre = (src && !strcmp(src, "self_employed")) || gsl_rng_uniform(rng) < 0.03;
            int32_t intake;
            armoede_date_from_ymd((int)y, 1, 1, &intake);
            intake += (int32_t)gsl_rng_uniform_int(rng, 365);
            for (int episode = 0; episode < 3 && intake <= last_day; episode++) {
                double debt = entre ? 60000 * exp(gsl_ran_gaussian(rng, 1.0)) : 26000 * exp(gsl_ran_gaussian(rng, 0.85));
                debt = floor(debt * 100 + 0.5) / 100;
                int cred = 1 + (int)gsl_ran_poisson(rng, 12);
                int crisis = gsl_rng_uniform(rng) < 0.08;
                int32_t first = intake + (crisis ? (int32_t)gsl_rng_uniform_int(rng, 4) : 3 + (int32_t)gsl_ran_poisson(rng, 8));
                ncase++;
                if (ncase % 997 == 0) debt = -debt;              /* an export error */
                if (ncase % 1499 == 0) first = intake - 2;       /* another */
                char si[11], sf[11], sc[11] = "";
                date_str(intake, si);
                date_str(first, sf);
                const char *outc = "";
                int32_t closed = 0;
                if (gsl_rng_uniform(rng) < 0.75) {
                    closed = intake + 60 + (int32_t)gsl_rng_uniform_int(rng, 1140);
                    if (closed > last_day) closed = 0;
                }
                if (closed) {
                    double u = gsl_rng_uniform(rng);
                    outc = u < 0.35 ? "settlement" : u < 0.60 ? "completed" : u < 0.90 ? "stopped" : "referred";
                    if (gsl_rng_uniform(rng) < 0.01) outc = "";
                    date_str(closed, sc);
                }
                gzprintf(dc, "%ld,%lld,%lld,%s,%s,%s,%.2f,%d,%s,%d,%s,%s\n", ncase, (long long)head, (long long)h,
                         wijk ? wijk : "", entre ? "entrepreneur" : "private", si, debt, cred, sf, crisis, sc, outc);
                if (!closed || gsl_rng_uniform(rng) >= 0.15) break;
                intake = closed + 365 + (int32_t)gsl_rng_uniform_int(rng, 6 * 365);
            }
        }
    }
    /* ids the income file does not know */
    for (int k = 0; k < 5; k++) {
        gzprintf(rg, "%lld,%lld,kwijtschelding,2020,2020-01-01,2020-12-31,250.00\n", (long long)(maxh + 1000 + k),
                 (long long)(maxh + 1000 + k));
        nreg++;
    }
    gsl_rng_free(rng);
    int bad = gzclose(rg) != Z_OK;
    bad |= gzclose(dc) != Z_OK;
    free(hs);
    armoede_table_free(t);
    armoede_norms_free(norms);
    if (bad) { fprintf(stderr, PROG ": error writing into %s\n", out); return 1; }
    fprintf(stderr, PROG ": %ld registrations, %ld debt-assistance cases in %s\n", nreg, ncase, out);
    return 0;
}
