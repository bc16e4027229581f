/* armoede-gensurvey: two survey waves for the synthetic Groningen city
 * (docs/survey.md): a district survey (wijkenquete: making ends meet, a
 * valuable life, scheme use) and a client-experience survey (klantervaring:
 * the tactical-goal items of seed 002 among adults who used an income-support
 * scheme in the last 12 months). Respondents are drawn from the city file of
 * armoede-gencity by a stratified two-stage design: strata = wave x district,
 * PSUs = neighbourhoods (buurten) drawn by simple random sampling, adults
 * drawn within them; weights = inverse selection probability adjusted for
 * nonresponse within the neighbourhood; fpc = neighbourhoods in the district.
 * Deterministic: the same city file, seed and waves give the same files.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <armoede.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <errno.h>
#include <sys/stat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WAVES 8

static void usage(FILE *f)
{
    fprintf(f,
            "usage: armoede-gensurvey [--seed N] [--city FILE] [--waves Y1,Y2] -o DIR\n"
            "  --city   the city made by armoede-gencity [data/synthetic/groningen_2016_2024.csv.gz]\n"
            "  --waves  survey years, 1 to %d of them, each a year of the city file [2022,2024]\n"
            "  --seed   random seed [1]\n"
            "  -o DIR   writes DIR/wijkenquete.csv and DIR/klantervaring.csv\n",
            MAX_WAVES);
}

typedef struct {
    const char *wijk, *buurt; /* labels borrowed from the city table */
    double eq;                /* equivalised income, NaN if unknown */
    int minors, low, user, scheme;
} adult;

static int cmp_adult(const void *a, const void *b)
{
    const adult *x = a, *y = b;
    int c = strcmp(x->wijk, y->wijk);
    return c ? c : strcmp(x->buurt, y->buurt);
}
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const char *const schemes[] = {"bijzondere_bijstand", "kwijtschelding", "individuele_inkomenstoeslag",
                                      "stadjerspas", "kindpas"};
static const char *const agree5[] = {"helemaal_oneens", "oneens", "neutraal", "eens", "helemaal_eens"};
static const char *const client_items[] = {"herkend", "serieus", "andere_voorzieningen", "weet_waar", "laagdrempelig",
                                           "passend", "eigen_regie", "barrieres_weg", "lang_genoeg"};
/* base logits of the items (share agreeing about 45-70%) */
static const double client_base[] = {0.3, 0.7, -0.2, 0.4, 0.1, 0.5, 0.0, -0.3, -0.1};

/* A 5-point answer from a latent logit, "weet_niet" 4%, missing 2%. */
static const char *answer5(gsl_rng *r, double eta)
{
    double u = gsl_rng_uniform(r);
    if (u < 0.02) return "";
    if (u < 0.06) return "weet_niet";
    double lat = eta + gsl_ran_logistic(r, 1.0);
    static const double cut[] = {-2.0, -0.9, 0.0, 1.7};
    int k = 0;
    while (k < 4 && lat > cut[k]) k++;
    return agree5[k];
}

static int fail(const char *msg)
{
    fprintf(stderr, "armoede-gensurvey: %s\n", msg);
    return 1;
}

/* Draw k of n indices without replacement, in increasing order, into out. */
static void choose(gsl_rng *r, size_t n, size_t k, size_t *out, size_t *tmp)
{
    for (size_t i = 0; i < n; i++) tmp[i] = i;
    gsl_ran_choose(r, out, k, tmp, n, sizeof *tmp);
}

int main(int argc, char **argv)
{
    unsigned long seed = 1;
    const char *city = "data/synthetic/groningen_2016_2024.csv.gz", *dir = NULL;
    int waves[MAX_WAVES] = {2022, 2024}, nw = 2;
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) { usage(stdout); return 0; }
        if (a + 1 >= argc) { usage(stderr); return 2; }
        if (!strcmp(argv[a], "--seed")) seed = strtoul(argv[++a], NULL, 10);
        else if (!strcmp(argv[a], "--city")) city = argv[++a];
        else if (!strcmp(argv[a], "-o")) dir = argv[++a];
        else if (!strcmp(argv[a], "--waves")) {
            char *s = argv[++a], *e;
            nw = 0;
            while (*s && nw < MAX_WAVES) {
                long y = strtol(s, &e, 10);
                if (e == s || y < 1900 || y > 2100) { usage(stderr); return 2; }
                waves[nw++] = (int)y;
                s = *e == ',' ? e + 1 : e;
                if (*e && *e != ',') { usage(stderr); return 2; }
            }
            if (*s) { usage(stderr); return 2; }
        } else { usage(stderr); return 2; }
    }
    if (!dir || nw < 1) { usage(stderr); return 2; }
    char path[4096];
    /* make the output directory and its parents (mkdir -p) */
    snprintf(path, sizeof path, "%s", dir);
    for (char *q = path + 1;; q++) {
        if (*q == '/' || !*q) {
            char c = *q;
            *q = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST) {
                fprintf(stderr, "armoede-gensurvey: cannot create %s: %s\n", path, strerror(errno));
                return 1;
            }
            *q = c;
            if (!c) break;
        }
    }
    snprintf(path, sizeof path, "%s/wijkenquete.csv", dir);
    FILE *fw = fopen(path, "w");
    snprintf(path, sizeof path, "%s/klantervaring.csv", dir);
    FILE *fk = fopen(path, "w");
    if (!fw || !fk) {
        if (fw) fclose(fw);
        if (fk) fclose(fk);
        snprintf(path, sizeof path, "cannot write into the output directory %s", dir);
        return fail(path);
    }
    static const char *const cols[] = {"year", "birth_year", "wijk", "buurt", "n_persons", "n_minors", "income"};
    armoede_read_options ro = ARMOEDE_READ_OPTIONS_INIT;
    ro.columns = cols;
    ro.n_columns = 7;
    armoede_table *t = NULL;
    if (armoede_table_read_csv(city, &ro, &t)) {
        fclose(fw);
        fclose(fk);
        return fail(armoede_last_error());
    }
    size_t n = armoede_table_nrows(t);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    adult *ad = malloc((n ? n : 1) * sizeof *ad);
    double *eqs = malloc((n ? n : 1) * sizeof *eqs);
    size_t *tmp = malloc((n ? n : 1) * sizeof *tmp), *pick = malloc((n ? n : 1) * sizeof *pick);
    if (!rng || !ad || !eqs || !tmp || !pick) return fail("out of memory"); /* the process ends */
    gsl_rng_set(rng, seed);
    fprintf(fw, "respondent_id,wave,wijk,buurt,stratum,fpc,gewicht,laag_inkomen,regeling_12m,rondkomen,waardevol_leven\n");
    fprintf(fk, "respondent_id,wave,wijk,buurt,stratum,fpc,gewicht,regeling");
    for (size_t q = 0; q < sizeof client_items / sizeof *client_items; q++) fprintf(fk, ",%s", client_items[q]);
    fprintf(fk, "\n");
    long idw = 0, idk = 0;
    /* district effects, one per district label in sorted order, drawn once */
    double deff[256];
    for (int k = 0; k < 256; k++) deff[k] = gsl_ran_gaussian(rng, 0.3);
    for (int w = 0; w < nw; w++) {
        int Y = waves[w];
        size_t na = 0;
        for (size_t i = 0; i < n; i++) {
            int64_t y, by, np, nm;
            double inc;
            if (armoede_table_get_int(t, "year", i, &y) || y != Y) continue;
            if (armoede_table_get_int(t, "birth_year", i, &by) || by == ARMOEDE_NA_INT || Y - by < 18) continue;
            const char *wk = armoede_table_get_label(t, "wijk", i), *bu = armoede_table_get_label(t, "buurt", i);
            if (!wk || !bu) continue;
            armoede_table_get_int(t, "n_persons", i, &np);
            armoede_table_get_int(t, "n_minors", i, &nm);
            armoede_table_get_real(t, "income", i, &inc);
            double adults = (np == ARMOEDE_NA_INT || nm == ARMOEDE_NA_INT) ? 1 : fmax(1, (double)(np - nm));
            double minors = nm == ARMOEDE_NA_INT ? 0 : (double)nm;
            adult *a = &ad[na++];
            a->wijk = wk;
            a->buurt = bu;
            a->eq = inc / (1 + 0.5 * (adults - 1) + 0.3 * minors);
            a->minors = minors > 0;
        }
        if (na == 0) {
            snprintf(path, sizeof path, "the city file has no adults in year %d", Y);
            return fail(path);
        }
        qsort(ad, na, sizeof *ad, cmp_adult);
        size_t ne = 0;
        for (size_t i = 0; i < na; i++) if (!isnan(ad[i].eq)) eqs[ne++] = ad[i].eq;
        qsort(eqs, ne, sizeof *eqs, cmp_double);
        double med = ne ? eqs[ne / 2] : NAN;
        /* scheme use in the last 12 months, from the income position */
        for (size_t i = 0; i < na; i++) {
            adult *a = &ad[i];
            double pu = isnan(a->eq) ? 0.05 : a->eq < 0.6 * med ? 0.55 : a->eq < 0.8 * med ? 0.15 : 0.02;
            a->low = !isnan(a->eq) && a->eq < 0.6 * med;
            a->user = gsl_rng_uniform(rng) < pu;
            a->scheme = (int)gsl_rng_uniform_int(rng, a->minors ? 5 : 4);
        }
        /* districts in sorted order; each a run of rows */
        size_t a0 = 0;
        int dix = 0;
        while (a0 < na) {
            size_t a1 = a0;
            while (a1 < na && !strcmp(ad[a1].wijk, ad[a0].wijk)) a1++;
            double de = deff[dix++ & 255];
            /* neighbourhoods of the district: [bs[j], bs[j+1]) */
            size_t bs[512], nb = 0;
            for (size_t i = a0; i < a1 && nb < 511; i++)
                if (i == a0 || strcmp(ad[i].buurt, ad[i - 1].buurt)) bs[nb++] = i;
            bs[nb] = a1;
            /* district survey: 2 neighbourhoods (all when fewer), 60 adults each, 55% respond */
            size_t kb = nb < 2 ? nb : 2, ch[512];
            choose(rng, nb, kb, ch, tmp);
            for (size_t c = 0; c < kb; c++) {
                size_t b0 = bs[ch[c]], Nb = bs[ch[c] + 1] - b0, m = Nb < 60 ? Nb : 60;
                choose(rng, Nb, m, pick, tmp);
                size_t resp[60], nr = 0;
                for (size_t q = 0; q < m; q++) {
                    adult *a = &ad[b0 + pick[q]];
                    if (gsl_rng_uniform(rng) < (a->low ? 0.45 : 0.58)) resp[nr++] = b0 + pick[q];
                }
                for (size_t q = 0; q < nr; q++) {
                    adult *a = &ad[resp[q]];
                    double wgt = ((double)nb / (double)kb) * ((double)Nb / (double)nr);
                    double u = gsl_ran_gaussian(rng, 0.8);
                    /* making ends meet: difficulty rises with low income; a little easier in later waves */
                    double eta = -1.6 + 1.8 * a->low + 0.6 * a->user + de - 0.1 * w + u;
                    double lat = eta + gsl_ran_logistic(rng, 1.0), v = gsl_rng_uniform(rng);
                    const char *rk = v < 0.02 ? "" : v < 0.05 ? "weet_niet" : lat > 1.2 ? "grote_moeite" : lat > -0.6 ? "enige_moeite" : "geen_moeite";
                    const char *wl = answer5(rng, 0.9 - 0.9 * a->low + de + 0.1 * w - 0.5 * u);
                    fprintf(fw, "%ld,%d,%s,%s,%d-%s,%zu,%.4f,%d,%d,%s,%s\n", ++idw, Y, a->wijk, a->buurt, Y, a->wijk, nb, wgt,
                            a->low, a->user, rk, wl);
                }
            }
            /* client survey: the users of the district; 3 neighbourhoods with users, 25 users each, 50% respond */
            size_t ub[512], nub = 0;
            for (size_t j = 0; j < nb; j++) {
                size_t cnt = 0;
                for (size_t i = bs[j]; i < bs[j + 1]; i++) cnt += ad[i].user;
                if (cnt) ub[nub++] = j;
            }
            size_t ku = nub < 3 ? nub : 3;
            choose(rng, nub, ku, ch, tmp);
            for (size_t c = 0; c < ku; c++) {
                size_t j = ub[ch[c]], users[4096], nu = 0;
                for (size_t i = bs[j]; i < bs[j + 1] && nu < 4096; i++) if (ad[i].user) users[nu++] = i;
                size_t m = nu < 25 ? nu : 25, resp[25], nr = 0;
                choose(rng, nu, m, pick, tmp);
                for (size_t q = 0; q < m; q++) if (gsl_rng_uniform(rng) < 0.5) resp[nr++] = users[pick[q]];
                for (size_t q = 0; q < nr; q++) {
                    adult *a = &ad[resp[q]];
                    double wgt = ((double)nub / (double)ku) * ((double)nu / (double)nr);
                    double u = gsl_ran_gaussian(rng, 0.8);
                    fprintf(fk, "%ld,%d,%s,%s,%d-%s,%zu,%.4f,%s", ++idk, Y, a->wijk, a->buurt, Y, a->wijk, nub, wgt,
                            schemes[a->scheme]);
                    for (size_t it = 0; it < sizeof client_items / sizeof *client_items; it++) {
                        /* later waves better (the programme), kwijtschelding clients less positive */
                        double eta = client_base[it] + de + u + 0.25 * w - 0.3 * (a->scheme == 1) + 0.2 * (a->scheme == 4);
                        fprintf(fk, ",%s", answer5(rng, eta));
                    }
                    fprintf(fk, "\n");
                }
            }
            a0 = a1;
        }
    }
    int bad = ferror(fw) || ferror(fk);
    bad |= fclose(fw) != 0;
    bad |= fclose(fk) != 0;
    printf("armoede-gensurvey: %ld district-survey and %ld client-survey respondents in %d waves -> %s\n", idw, idk, nw, dir);
    gsl_rng_free(rng);
    free(ad); free(eqs); free(tmp); free(pick);
    armoede_table_free(t);
    return bad ? fail("write error") : 0;
}
