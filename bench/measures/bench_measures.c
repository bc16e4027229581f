/*
 * Benchmark driver for the poverty and inequality measures (bench/measures/README.md).
 *
 *   bench-measures gen N SEED DIR    write DIR/inc.bin, DIR/w.bin (doubles) and
 *                                    DIR/reg.bin (int32 region 1..10) for N persons
 *   bench-measures run DIR REPEATS [TASK]
 *                                    time armoede_measures on them (best of REPEATS)
 *                                    and print CSV lines: task,seconds and
 *                                    value,measure,region,estimate (17 digits)
 *
 * Incomes: exp(N(10, 0.6)) rounded to cents, 2% zero and 0.5% negative
 * (self-employed losses); weights uniform in [50, 150) with 6 decimals;
 * region uniform over 10. The generator is splitmix64 + Box-Muller, so the
 * data depend on N and SEED alone.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "armoede.h"

static uint64_t sm_state;
static uint64_t sm_next(void)
{
    uint64_t z = (sm_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
static double unif(void) { return (double)(sm_next() >> 11) * 0x1.0p-53; }

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int die(const char *what)
{
    fprintf(stderr, "bench-measures: %s\n", what);
    return 1;
}

static int writebin(const char *dir, const char *name, const void *p, size_t size, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t k = fwrite(p, size, n, f);
    return (fclose(f) == 0 && k == n) ? 0 : -1;
}

static void *readbin(const char *dir, const char *name, size_t size, size_t *n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = malloc((size_t)len + 1);
    if (p && fread(p, 1, (size_t)len, f) != (size_t)len) { free(p); p = NULL; }
    fclose(f);
    *n = (size_t)len / size;
    return p;
}

static int gen(size_t n, uint64_t seed, const char *dir)
{
    sm_state = seed * UINT64_C(0x2545f4914f6cdd1d);
    double *x = malloc(n * sizeof *x), *w = malloc(n * sizeof *w);
    int32_t *r = malloc(n * sizeof *r);
    if (!x || !w || !r) return die("out of memory");
    for (size_t i = 0; i < n; i++) {
        double u1 = unif(), u2 = unif();
        double z = sqrt(-2.0 * log(u1 > 0 ? u1 : 1e-300)) * cos(6.283185307179586 * u2);
        double inc = exp(10.0 + 0.6 * z);
        double k = unif();
        if (k < 0.02) inc = 0;
        else if (k < 0.025) inc = -inc / 10;
        x[i] = round(inc * 100) / 100;
        w[i] = round((50 + 100 * unif()) * 1e6) / 1e6;
        r[i] = 1 + (int32_t)(unif() * 10);
    }
    if (writebin(dir, "inc.bin", x, sizeof *x, n) || writebin(dir, "w.bin", w, sizeof *w, n) ||
        writebin(dir, "reg.bin", r, sizeof *r, n))
        return die("cannot write the data files");
    free(x); free(w); free(r);
    return 0;
}

static int run(const char *dir, int repeats, const char *only)
{
    size_t n, nw, nr;
    double *x = readbin(dir, "inc.bin", sizeof(double), &n);
    double *w = readbin(dir, "w.bin", sizeof(double), &nw);
    int32_t *r = readbin(dir, "reg.bin", sizeof(int32_t), &nr);
    if (!x || !w || !r || n != nw || n != nr) return die("cannot read the data files (run gen first)");
    armoede_table *t = NULL;
    const char *labels[10] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"};
    for (size_t i = 0; i < n; i++) r[i] -= 1;
    if (armoede_table_new(n, &t) || armoede_table_add_real(t, "inc", x, n, 0) ||
        armoede_table_add_real(t, "w", w, n, 0) || armoede_table_add_cat(t, "reg", r, n, labels, 10) ||
        armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "inc") ||
        armoede_table_set_role(t, ARMOEDE_ROLE_WEIGHT, "w"))
        return die(armoede_last_error());
    struct { const char *task; unsigned m; } tasks[] = {
        {"arpr", ARMOEDE_MEASURE_ARPR},
        {"gini", ARMOEDE_MEASURE_GINI},
        {"all5", ARMOEDE_MEASURE_DEFAULT},
    };
    const char *by[] = {"reg"};
    for (size_t k = 0; k < sizeof tasks / sizeof tasks[0]; k++) {
        if (only && strcmp(only, tasks[k].task) != 0) continue;
        armoede_measures_options o = ARMOEDE_MEASURES_OPTIONS_INIT;
        o.measures = tasks[k].m;
        o.by = by;
        o.n_by = 1;
        o.margins = by;
        o.n_margins = 1;
        double best = 1e300, bestcpu = 1e300;
        armoede_result *res = NULL;
        for (int rep = 0; rep < repeats; rep++) {
            armoede_result_free(res);
            double t0 = now(), c0 = cpu();
            if (armoede_measures(t, &o, &res)) return die(armoede_last_error());
            double dt = now() - t0, dc = cpu() - c0;
            if (dt < best) best = dt;
            if (dc < bestcpu) bestcpu = dc;
        }
        printf("time,%s,%.6f\n", tasks[k].task, best);
        printf("cpu,%s,%.6f\n", tasks[k].task, bestcpu);
        if (k == 2 || only)
            for (size_t i = 0; i < armoede_result_nrows(res); i++)
                printf("value,%s,%s,%.17g\n", armoede_result_indicator(res, i), armoede_result_key(res, i, 0),
                       armoede_result_value(res, i, ARMOEDE_FIELD_ESTIMATE));
        armoede_result_free(res);
    }
    armoede_table_free(t);
    free(x); free(w); free(r);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "gen") == 0)
        return gen((size_t)strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10), argv[4]);
    if ((argc == 4 || argc == 5) && strcmp(argv[1], "run") == 0)
        return run(argv[2], atoi(argv[3]), argc == 5 ? argv[4] : NULL);
    fprintf(stderr, "usage: bench-measures gen N SEED DIR | run DIR REPEATS [arpr|gini|all5]\n");
    return 2;
}
