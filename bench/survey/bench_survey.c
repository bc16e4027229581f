/* The libarmoede side of bench/survey: read the benchmark design, time
 * armoede_survey_share over the domains (best of R repeats), compare every
 * domain's estimate and SE with R survey's svyby and print the speed ratio.
 * Usage: bench_survey DIR [REPEATS]   (DIR holds bench.csv, r_results.csv,
 * r_seconds.txt from svyby.R). Exit status 1 if any domain differs by more
 * than 1e-8 relative.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <armoede.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: %s DIR [REPEATS]\n", argv[0]); return 2; }
    int reps = argc > 2 ? atoi(argv[2]) : 10;
    char p[4096];
    armoede_table *t = NULL, *ref = NULL;
    snprintf(p, sizeof p, "%s/bench.csv", argv[1]);
    double t0 = now();
    if (armoede_table_read_csv(p, NULL, &t)) { fprintf(stderr, "%s\n", armoede_last_error()); return 2; }
    double tread = now() - t0;
    snprintf(p, sizeof p, "%s/r_results.csv", argv[1]);
    if (armoede_table_read_csv(p, NULL, &ref)) { fprintf(stderr, "%s\n", armoede_last_error()); return 2; }
    double rsec = NAN;
    snprintf(p, sizeof p, "%s/r_seconds.txt", argv[1]);
    FILE *f = fopen(p, "r");
    if (!f || fscanf(f, "%lf", &rsec) != 1) { fprintf(stderr, "cannot read %s\n", p); return 2; }
    fclose(f);
    static const char *const yes[] = {"yes"}, *const by[] = {"domain"};
    armoede_survey_options o = ARMOEDE_SURVEY_OPTIONS_INIT;
    o.item = "item";
    o.categories = yes;
    o.n_categories = 1;
    o.weight = "weight";
    o.stratum = "stratum";
    o.cluster = "cluster";
    o.by = by;
    o.n_by = 1;
    armoede_result *r = NULL;
    double best = INFINITY;
    for (int k = 0; k < reps; k++) {
        armoede_result_free(r);
        r = NULL;
        double a = now();
        if (armoede_survey_share(t, &o, &r)) { fprintf(stderr, "%s\n", armoede_last_error()); return 2; }
        double s = now() - a;
        if (s < best) best = s;
    }
    size_t n = armoede_result_nrows(r), nref = armoede_table_nrows(ref), bad = 0;
    double worst = 0;
    if (n != nref) { fprintf(stderr, "%zu domains here, %zu in R\n", n, nref); bad++; }
    for (size_t i = 0; i < n && i < nref; i++) { /* both sorted by domain label */
        const char *a = armoede_result_key(r, i, 0), *b = armoede_table_get_label(ref, "domain", i);
        double e, s;
        armoede_table_get_real(ref, "est", i, &e);
        armoede_table_get_real(ref, "se", i, &s);
        double de = fabs(armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE) - e) / fabs(e);
        double ds = fabs(armoede_result_value(r, i, ARMOEDE_FIELD_SE) - s) / fabs(s);
        if (!a || !b || strcmp(a, b) != 0 || !(de <= 1e-8) || !(ds <= 1e-8)) bad++;
        if (de > worst) worst = de;
        if (ds > worst) worst = ds;
    }
    printf("rows %zu, domains %zu; reading the CSV: %.3f s\n", armoede_table_nrows(t), n, tread);
    printf("libarmoede armoede_survey_share: %.4f s (best of %d)\n", best, reps);
    printf("R survey svyby:                  %.2f s\n", rsec);
    printf("ratio: %.0fx faster; largest relative difference from R: %.2g (%zu domains differ by more than 1e-8)\n",
           rsec / best, worst, bad);
    armoede_result_free(r);
    armoede_table_free(t);
    armoede_table_free(ref);
    return bad ? 1 : 0;
}
