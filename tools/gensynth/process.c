/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * armoede-genprocess: deterministic synthetic process records for the
 * synthetic Groningen city, for the process monitor (issue 4):
 *
 *   cases.csv.gz          debt-assistance cases with event dates
 *                         (registration, first_conversation, plan, decision,
 *                         closure; any may be missing), crisis flag, wijk
 *   referrals.csv.gz      referrals to the credit bank and their handling date
 *   participation.csv.gz  intervention participation (household, person,
 *                         start, end) for the interventions of
 *                         data/groningen/programme_mapping.csv
 *   spending.csv          monthly spending per programme line and budget
 *                         activity, in thousands of euros, around the seed
 *                         001 chapter 7 budget (data/groningen/budget_plan.csv),
 *                         with a few negative corrections
 *   milestones.csv        activity milestones with planned and actual dates
 *   ratings.csv           dialogue-form scores (1-5) per intervention and
 *                         operational goal
 *
 * Usage: armoede-genprocess [--seed N] [-o DIR] [--city FILE]
 *                           [--mapping FILE] [--plan FILE] [--reference DATE]
 *   --city     the synthetic city made by armoede-gencity (default
 *              data/synthetic/groningen_2016_2024.csv.gz); households, their
 *              persons and wijk are drawn from its 2024 population, three in
 *              four from its lowest income quartile. --city none: standalone,
 *              20,000 made-up households with ids from 1.
 *   --reference the last day of the data (default 2026-06-30): later events
 *              have not happened yet and are left empty.
 * Everything that varies comes from one gsl_rng_mt19937 seeded with --seed;
 * the same seed and inputs give byte-identical files. All numbers are
 * synthetic: volumes and lead times are plausible, not Groningen's.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <zlib.h>

#include "armoede.h"

#define PROG "armoede-genprocess"

static void die(const char *what)
{
    fprintf(stderr, PROG ": %s%s%s\n", what, armoede_last_error()[0] ? ": " : "", armoede_last_error());
    exit(1);
}

static void *xcalloc(size_t n, size_t s)
{
    void *p = calloc(n ? n : 1, s);
    if (!p) die("out of memory");
    return p;
}

typedef struct {
    int64_t hid;
    char wijk[16];
    int np;
    int64_t pid[12];
    int birth[12];
    int low;
} hh;

static hh *H;
static size_t NH;
static size_t *LOW;
static size_t NLOW;

static void load_city(const char *path)
{
    const char *cols[] = {"person_id", "household_id", "year", "birth_year", "wijk", "income", "n_persons"};
    armoede_type ty[] = {ARMOEDE_TYPE_INT, ARMOEDE_TYPE_INT, ARMOEDE_TYPE_INT, ARMOEDE_TYPE_INT,
                         ARMOEDE_TYPE_CAT, ARMOEDE_TYPE_REAL, ARMOEDE_TYPE_INT};
    armoede_read_options ro = ARMOEDE_READ_OPTIONS_INIT;
    ro.columns = cols;
    ro.types = ty;
    ro.n_columns = 7;
    armoede_table *t;
    if (armoede_table_read_csv(path, &ro, &t)) die("cannot read the city file");
    size_t n = armoede_table_nrows(t);
    H = xcalloc(n / 2 + 1, sizeof *H);
    double *inc = xcalloc(n / 2 + 1, sizeof *inc);
    int64_t last = -1;
    for (size_t i = 0; i < n; i++) {
        int64_t y, h, p, b, np;
        double x;
        armoede_table_get_int(t, "year", i, &y);
        if (y != 2024) continue;
        armoede_table_get_int(t, "household_id", i, &h);
        armoede_table_get_int(t, "person_id", i, &p);
        armoede_table_get_int(t, "birth_year", i, &b);
        armoede_table_get_int(t, "n_persons", i, &np);
        armoede_table_get_real(t, "income", i, &x);
        if (h != last) {
            if (NH >= n / 2) break;
            hh *q = &H[NH++];
            q->hid = h;
            const char *w = armoede_table_get_label(t, "wijk", i);
            snprintf(q->wijk, sizeof q->wijk, "%s", w ? w : "unknown");
            inc[NH - 1] = np > 0 && !isnan(x) ? x / sqrt((double)np) : 1e12;
            last = h;
        }
        hh *q = &H[NH - 1];
        if (q->np < 12) {
            q->pid[q->np] = p;
            q->birth[q->np] = b == ARMOEDE_NA_INT ? 1980 : (int)b;
            q->np++;
        }
    }
    armoede_table_free(t);
    if (NH == 0) die("the city file has no households in 2024");
    /* the lowest quartile of income per sqrt(persons), by bisection on the count */
    double lo = 0, hi = 1e7;
    for (int it = 0; it < 60; it++) {
        double mid = (lo + hi) / 2;
        size_t c = 0;
        for (size_t i = 0; i < NH; i++) c += inc[i] <= mid;
        if (c < NH / 4) lo = mid;
        else hi = mid;
    }
    LOW = xcalloc(NH, sizeof *LOW);
    for (size_t i = 0; i < NH; i++)
        if (inc[i] <= hi) { H[i].low = 1; LOW[NLOW++] = i; }
    free(inc);
}

static void make_city(gsl_rng *r)
{
    NH = 20000;
    H = xcalloc(NH, sizeof *H);
    LOW = xcalloc(NH, sizeof *LOW);
    int64_t pid = 1;
    for (size_t i = 0; i < NH; i++) {
        hh *q = &H[i];
        q->hid = (int64_t)i + 1;
        snprintf(q->wijk, sizeof q->wijk, "WK0014%02d", (int)gsl_rng_uniform_int(r, 30));
        q->np = 1 + (int)gsl_rng_uniform_int(r, 4);
        for (int k = 0; k < q->np; k++) {
            q->pid[k] = pid++;
            q->birth[k] = k < 2 ? 1950 + (int)gsl_rng_uniform_int(r, 55) : 2000 + (int)gsl_rng_uniform_int(r, 24);
        }
        if (gsl_rng_uniform(r) < 0.25) { q->low = 1; LOW[NLOW++] = i; }
    }
}

static hh *pick(gsl_rng *r)
{
    if (NLOW && gsl_rng_uniform(r) < 0.75) return &H[LOW[gsl_rng_uniform_int(r, NLOW)]];
    return &H[gsl_rng_uniform_int(r, NH)];
}

/* a member born in [b0, b1], or -1 */
static int member_born(const hh *q, int b0, int b1)
{
    for (int k = 0; k < q->np; k++)
        if (q->birth[k] >= b0 && q->birth[k] <= b1) return k;
    return -1;
}

static int32_t day_of(int y, int m, int d)
{
    int32_t x;
    if (armoede_date_from_ymd(y, m, d, &x)) die("bad date");
    return x;
}

static void put_date(gzFile f, int32_t d, int32_t ref)
{
    if (d == INT32_MIN || d > ref) return;
    int y, m, dd;
    armoede_date_to_ymd(d, &y, &m, &dd);
    gzprintf(f, "%04d-%02d-%02d", y, m, dd);
}

static int32_t next_working(int32_t d)
{
    while (armoede_nl_working_day(d) != 1) d++;
    return d;
}

static gzFile open_gz(const char *dir, const char *name)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    /* gzip level 9, no name or time in the header: byte-identical runs */
    gzFile f = gzopen(p, strstr(name, ".gz") ? "wb9" : "wbT");
    if (!f) {
        fprintf(stderr, PROG ": cannot write %s: %s\n", p, strerror(errno));
        exit(1);
    }
    return f;
}

static void close_gz(gzFile f, const char *name)
{
    if (gzclose(f) != Z_OK) {
        fprintf(stderr, PROG ": error writing %s\n", name);
        exit(1);
    }
}

/* ---- the programme: interventions from the mapping ---- */
typedef struct {
    const char *code;
    int persons_young; /* 1: the participant is a young member (16-27) */
    double per_year[4]; /* new participants 2023..2026 (2026: the whole year) */
    int dur_lo, dur_hi; /* days; 0, 0 = one-off */
    int december;      /* 1: Kindpas, handed out in December */
} ivspec;

static const ivspec SPEC[] = {
    {"kappen_regelingenwoud", 0, {1500, 1900, 2100, 2200}, 0, 0, 0},
    {"voorzieningenwijzer", 0, {900, 1100, 1250, 1300}, 0, 0, 0},
    {"kindpas", 0, {3500, 3700, 3900, 4000}, 0, 0, 1},
    {"levensgebeurtenissen", 0, {0, 0, 250, 320}, 30, 90, 0},
    {"specifieke_doelgroepen", 0, {0, 0, 150, 220}, 30, 120, 0},
    {"wij_financiele_dienstverlening", 0, {2000, 2400, 2600, 2700}, 0, 0, 0},
    {"financiele_educatie", 1, {1200, 1500, 1600, 1700}, 0, 0, 0},
    {"ehbg_wij", 0, {1500, 1800, 1900, 2000}, 0, 0, 0},
    {"schuldhulp_jongeren", 1, {100, 140, 160, 170}, 180, 365, 0},
    {"gezinsaanpak_noord", 0, {0, 12, 14, 10}, 300, 900, 0},
    {"bouwdepot", 1, {5, 9, 12, 12}, 365, 365, 0},
    {"kansrijk_groningen", 0, {35, 45, 55, 65}, 365, 730, 0},
    {"buddies_eigen_netwerk", 0, {0, 0, 60, 70}, 180, 365, 0},
    {"doorbraakmethodiek", 0, {200, 240, 260, 270}, 30, 180, 0},
    {"perspectieffonds", 0, {0, 0, 40, 50}, 0, 0, 0},
};

int main(int argc, char **argv)
{
    unsigned long seed = 20240101UL;
    const char *dir = "data/groningen/synthetic", *city = "data/synthetic/groningen_2016_2024.csv.gz";
    const char *mapping = "data/groningen/programme_mapping.csv", *planf = "data/groningen/budget_plan.csv";
    int ry = 2026, rm = 6, rd = 30;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            puts("usage: " PROG " [--seed N] [-o DIR] [--city FILE|none] [--mapping FILE] [--plan FILE] "
                 "[--reference YYYY-MM-DD]");
            return 0;
        }
        if (!v) { fprintf(stderr, PROG ": %s needs a value\n", a); return 2; }
        if (!strcmp(a, "--seed")) {
            char *e;
            seed = strtoul(v, &e, 10);
            if (*e) { fprintf(stderr, PROG ": bad seed %s\n", v); return 2; }
        } else if (!strcmp(a, "-o")) dir = v;
        else if (!strcmp(a, "--city")) city = v;
        else if (!strcmp(a, "--mapping")) mapping = v;
        else if (!strcmp(a, "--plan")) planf = v;
        else if (!strcmp(a, "--reference")) {
            if (sscanf(v, "%d-%d-%d", &ry, &rm, &rd) != 3) { fprintf(stderr, PROG ": bad date %s\n", v); return 2; }
        } else { fprintf(stderr, PROG ": unknown option %s\n", a); return 2; }
        i++;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, PROG ": cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    const int32_t ref = day_of(ry, rm, rd), t0 = day_of(2023, 1, 1);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) die("out of memory");
    gsl_rng_set(r, seed);
    if (!strcmp(city, "none")) make_city(r);
    else load_city(city);

    /* ---- cases ---- */
    gzFile f = open_gz(dir, "cases.csv.gz");
    gzprintf(f, "case_id,household_id,wijk,crisis,registration,first_conversation,plan,decision,closure\n");
    long cid = 0;
    for (int32_t d = t0; d <= ref; d++) {
        if (armoede_nl_working_day(d) != 1) continue;
        unsigned n = gsl_ran_poisson(r, 10.5); /* ~2,650 a year */
        for (unsigned k = 0; k < n; k++) {
            hh *q = pick(r);
            int crisis = gsl_rng_uniform(r) < 0.08;
            int32_t fc, pl = INT32_MIN, de = INT32_MIN, cl = INT32_MIN;
            if (crisis) {
                int w = gsl_rng_uniform(r) < 0.85 ? (int)gsl_rng_uniform_int(r, 4) : 4 + (int)gsl_rng_uniform_int(r, 6);
                if (armoede_nl_add_working_days(d, w, &fc)) die("calendar");
            } else {
                fc = d + (int32_t)lround(exp(gsl_ran_gaussian(r, 0.55) + log(15.0)));
            }
            double u = gsl_rng_uniform(r);
            if (u < 0.06) fc = INT32_MIN; /* dropped out before the first conversation */
            else if (u < 0.063) fc = d - 1 - (int32_t)gsl_rng_uniform_int(r, 20); /* a data error */
            if (fc != INT32_MIN && gsl_rng_uniform(r) < 0.85) {
                pl = next_working((fc > d ? fc : d) + 7 + (int32_t)gsl_rng_uniform_int(r, 35));
                if (gsl_rng_uniform(r) < 0.8) de = next_working(pl + 3 + (int32_t)gsl_rng_uniform_int(r, 50));
            }
            int32_t base = de != INT32_MIN ? de : fc != INT32_MIN ? fc : d;
            if (gsl_rng_uniform(r) < 0.9) cl = base + 20 + (int32_t)gsl_rng_uniform_int(r, 480);
            if (cl != INT32_MIN && gsl_rng_uniform(r) < 0.002) cl = d - 3; /* closure before registration */
            gzprintf(f, "%ld,%lld,%s,%d,", ++cid, (long long)q->hid, q->wijk, crisis);
            put_date(f, d, ref);
            gzputc(f, ',');
            put_date(f, fc, ref);
            gzputc(f, ',');
            put_date(f, pl, ref);
            gzputc(f, ',');
            put_date(f, de, ref);
            gzputc(f, ',');
            put_date(f, cl, ref);
            gzputc(f, '\n');
        }
    }
    close_gz(f, "cases.csv.gz");

    /* ---- referrals ---- */
    f = open_gz(dir, "referrals.csv.gz");
    gzprintf(f, "referral_id,household_id,referred_by,referred,handled\n");
    static const char *const BY[] = {"WIJ", "EHBG", "school", "huisarts"};
    long rid = 0;
    for (int32_t d = t0; d <= ref; d++) {
        if (armoede_nl_working_day(d) != 1) continue;
        unsigned n = gsl_ran_poisson(r, 4.0);
        for (unsigned k = 0; k < n; k++) {
            hh *q = pick(r);
            int32_t h = gsl_rng_uniform(r) < 0.05 ? INT32_MIN : d + (int32_t)gsl_ran_geometric(r, 0.12) - 1;
            gzprintf(f, "%ld,%lld,%s,", ++rid, (long long)q->hid, BY[gsl_rng_uniform_int(r, 4)]);
            put_date(f, d, ref);
            gzputc(f, ',');
            put_date(f, h, ref);
            gzputc(f, '\n');
        }
    }
    close_gz(f, "referrals.csv.gz");

    /* ---- participation ---- */
    f = open_gz(dir, "participation.csv.gz");
    gzprintf(f, "intervention,household_id,person_id,start,end\n");
    for (size_t s = 0; s < sizeof SPEC / sizeof SPEC[0]; s++) {
        const ivspec *sp = &SPEC[s];
        for (int y = 2023; y <= 2026; y++) {
            unsigned n = gsl_ran_poisson(r, sp->per_year[y - 2023]);
            for (unsigned k = 0; k < n; k++) {
                hh *q = pick(r);
                int m = 0;
                if (sp->persons_young) {
                    int tries = 0;
                    while ((m = member_born(q, y - 27, y - 16)) < 0 && tries++ < 200) q = pick(r);
                    if (m < 0) continue;
                }
                int32_t st = sp->december ? day_of(y, 12, 1) + (int32_t)gsl_rng_uniform_int(r, 20)
                                          : day_of(y, 1, 1) + (int32_t)gsl_rng_uniform_int(r, 365);
                if (st > ref) continue;
                int32_t en = sp->december ? day_of(y, 12, 31)
                             : sp->dur_hi == 0 ? st
                                               : st + sp->dur_lo + (int32_t)gsl_rng_uniform_int(r, (unsigned long)(sp->dur_hi - sp->dur_lo + 1));
                if (en > ref) en = INT32_MIN; /* still running */
                gzprintf(f, "%s,%lld,%lld,", sp->code, (long long)q->hid, (long long)q->pid[m]);
                put_date(f, st, ref);
                gzputc(f, ',');
                put_date(f, en, ref);
                gzputc(f, '\n');
            }
        }
    }
    close_gz(f, "participation.csv.gz");

    /* ---- spending, from the plan ---- */
    armoede_table *plan;
    if (armoede_table_read_csv(planf, NULL, &plan)) die("cannot read the budget plan");
    f = open_gz(dir, "spending.csv");
    gzprintf(f, "year,month,line,activity,amount\n");
    static const double prof[12] = {0.6, 0.8, 1.0, 1.0, 1.0, 1.0, 0.7, 0.6, 1.0, 1.1, 1.2, 2.0};
    static const double kprof[12] = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 3.0, 8.0};
    for (size_t i = 0; i < armoede_table_nrows(plan); i++) {
        int64_t y;
        double b;
        armoede_table_get_int(plan, "year", i, &y);
        armoede_table_get_real(plan, "budget", i, &b);
        const char *ln = armoede_table_get_label(plan, "line", i), *ac = armoede_table_get_label(plan, "activity", i);
        if (!ln || !ac || isnan(b)) continue;
        double factor = 1 + gsl_ran_gaussian(r, 0.07);
        if (y == 2026 && !strcmp(ac, "buddy_aanpak")) factor = 1.25;      /* Kansrijk's growth costs more */
        if (y == 2026 && !strcmp(ac, "informatievoorziening")) factor = 0.6; /* slow start */
        const double *p = !strcmp(ac, "kindpas") ? kprof : prof;
        double ps = 0;
        for (int m = 0; m < 12; m++) ps += p[m];
        for (int m = 1; m <= 12; m++) {
            if (y > ry || (y == ry && m > rm)) break;
            double v = b * factor * p[m - 1] / ps * (1 + gsl_ran_gaussian(r, 0.1));
            gzprintf(f, "%d,%d,%s,%s,%.1f\n", (int)y, m, ln, ac, v < 0 ? 0.0 : v);
            if (gsl_rng_uniform(r) < 0.02) /* a correction of an earlier booking */
                gzprintf(f, "%d,%d,%s,%s,%.1f\n", (int)y, m, ln, ac, -(0.5 + 2.5 * gsl_rng_uniform(r)));
        }
    }
    close_gz(f, "spending.csv");

    /* ---- milestones: three per activity of the plan ---- */
    f = open_gz(dir, "milestones.csv");
    gzprintf(f, "line,activity,milestone,planned,actual\n");
    char seen[64][64];
    int nseen = 0;
    for (size_t i = 0; i < armoede_table_nrows(plan); i++) {
        const char *ln = armoede_table_get_label(plan, "line", i), *ac = armoede_table_get_label(plan, "activity", i);
        if (!ln || !ac) continue;
        int dup = 0;
        for (int k = 0; k < nseen; k++) dup |= !strcmp(seen[k], ac);
        if (dup || nseen == 64) continue;
        snprintf(seen[nseen++], sizeof seen[0], "%s", ac);
        static const char *const MS[3] = {"plan van aanpak", "start uitvoering", "evaluatie"};
        int32_t pd = day_of(2024, 3, 1) + (int32_t)gsl_rng_uniform_int(r, 120);
        for (int k = 0; k < 3; k++) {
            int32_t ad = INT32_MIN;
            if (gsl_rng_uniform(r) < 0.85) ad = pd + (int32_t)lround(gsl_ran_gaussian(r, 30) + 5);
            gzprintf(f, "%s,%s,%s,", ln, ac, MS[k]);
            put_date(f, pd, INT32_MAX);
            gzputc(f, ',');
            put_date(f, ad, ref);
            gzputc(f, '\n');
            pd += 180 + (int32_t)gsl_rng_uniform_int(r, 200);
        }
    }
    close_gz(f, "milestones.csv");
    armoede_table_free(plan);

    /* ---- dialogue-form ratings, from the mapping ---- */
    armoede_table *map;
    if (armoede_table_read_csv(mapping, NULL, &map)) die("cannot read the programme mapping");
    f = open_gz(dir, "ratings.csv");
    gzprintf(f, "intervention,goal,score,period\n");
    for (size_t i = 0; i < armoede_table_nrows(map); i++) {
        const char *iv = armoede_table_get_label(map, "intervention", i), *g = armoede_table_get_label(map, "goal", i);
        if (!iv || !g) continue;
        int score = 1 + (int)gsl_ran_binomial(r, 0.6, 4);
        gzprintf(f, "%s,%s,%d,2025\n", iv, g, score);
    }
    close_gz(f, "ratings.csv");
    armoede_table_free(map);
    gsl_rng_free(r);
    free(H);
    free(LOW);
    fprintf(stderr, PROG ": wrote cases, referrals, participation, spending, milestones and ratings to %s\n", dir);
    return 0;
}
