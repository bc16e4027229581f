/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * armoede-gencity: a deterministic, seeded generator of synthetic person-year
 * income microdata in the form a Dutch municipality receives from CBS (one
 * row per person per year, the household's attributes repeated on every
 * member). The format and the modes are described in docs/synthetic-city.md.
 *
 * Modes
 *   city (default)  a Groningen-like municipality GM0014: about 135,000
 *                   households and 240,000 persons a year in 30 districts,
 *                   2016-2024, as a real panel (moves, splits, new couples,
 *                   births, deaths, children leaving home, migration).
 *   --national      one year of --households households in 342 synthetic
 *                   municipalities; streamed, no state kept between
 *                   households, so memory does not grow with the size.
 *   --panel         --years years of --households households with the
 *                   city's dynamics and the national codes.
 *
 * The model, in short
 *   Every household carries a latent income state:
 *     lvl   permanent log income relative to the couple (21-AOW) norm of the
 *           year, so that income follows the indexation of the norms;
 *     u     an AR(1) deviation (persistence 0.75) with occasional job-loss
 *           and job-gain shocks;
 *     ben   a benefit regime (none / bijstand / UWV) entered with a
 *           probability that rises steeply as the work income approaches the
 *           social minimum, and left with a probability that falls with the
 *           spell's duration (this gives the long low-income spells);
 *     pl    for households with an AOW-age head: log of the income relative
 *           to the household's own AOW norm (AOW-only pensioners sit just
 *           above 100%).
 *   The income of a household-year is a ratio to the annual norm of its year
 *   and type times that norm, rounded to cents. The annual norm is the sum
 *   over the 12 months of the monthly amount (incl. holiday allowance) valid
 *   on the first of the month (= the mean of 12 x monthly), from the
 *   Participatiewet table embedded below.
 *
 * Conventions
 *   - Ages are on 31 December (year - birth_year); minors are under 18.
 *   - The head is the oldest member; head_age_band u21 under 21, aow from 67
 *     (AOW_AGE, fixed, although the real AOW age moved from 65.5 to 67).
 *   - household_type follows the composition only: 1 adult = single (with
 *     minors single_parent), 2 adults = couple (with minors
 *     couple_children), anything else = other. So a parent living with an
 *     adult child is a "couple"; the adult children's earnings count in the
 *     household income.
 *   - Norm type: single/single_parent -> single, the rest -> couple; an aow
 *     head -> *_aow; a u21 head of a single (parent) -> single_18_20. No
 *     household of two or more adults ever has a u21 head (there is no
 *     couple norm under 21).
 *   - Rows: sorted by year, household_id, person_id. Household ids are
 *     handed out in creation order and the household array keeps that
 *     order; members are sorted when written.
 *   - Population size: each year in-migrant households are added until the
 *     number of persons is back on its (slow) growth path.
 *
 * Determinism: one gsl_rng_mt19937 seeded with --seed drives everything that
 * varies with the seed; the geography (district effects and sizes) comes from
 * a second generator with a fixed seed, so that codes and district profiles
 * are the same for every seed. Nothing depends on time or addresses.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <zlib.h>

#define PROG "armoede-gencity"
#define DEFAULT_SEED 20240101UL
#define MAXM 10          /* maximum members of a household */
#define AOW_AGE 67       /* head_age_band aow from this age (on 31 December) */
#define OUTBUF_CAP (8u << 20)

/* ------------------------------------------------------------------------
 * Social-minimum norms (Participatiewet, monthly incl. holiday allowance, in
 * cents), from /work/shared/reference/participatiewet_norms.csv. A row is
 * valid from its date until the next row of the same type. Months before the
 * first row use the first row, so that years before 2015 still get a norm
 * (the library itself has no norm there).
 * ---------------------------------------------------------------------- */
enum { NT_SINGLE, NT_COUPLE, NT_SINGLE_AOW, NT_COUPLE_AOW, NT_SINGLE_U21, NT_COUNT };

typedef struct {
    int year, month, type;
    long cents;
} norm_row;

static const norm_row NORMS[] = {
    {2015, 1, NT_SINGLE, 96083},     {2015, 1, NT_COUPLE, 137262},
    {2015, 1, NT_SINGLE_AOW, 107763}, {2015, 1, NT_COUPLE_AOW, 147168},
    {2015, 1, NT_SINGLE_U21, 23716},
    {2016, 1, NT_SINGLE, 97270},     {2016, 1, NT_COUPLE, 138957},
    {2017, 1, NT_SINGLE, 98279},     {2017, 1, NT_COUPLE, 140398},
    {2017, 1, NT_SINGLE_AOW, 110414}, {2017, 1, NT_COUPLE_AOW, 150806},
    {2017, 1, NT_SINGLE_U21, 24260},
    {2017, 7, NT_SINGLE, 98652},     {2017, 7, NT_COUPLE, 140931},
    {2017, 7, NT_SINGLE_AOW, 110848}, {2017, 7, NT_COUPLE_AOW, 151474},
    {2017, 7, NT_SINGLE_U21, 24352},
    {2018, 1, NT_SINGLE, 99212},     {2018, 1, NT_COUPLE, 141732},
    {2018, 1, NT_SINGLE_AOW, 111548}, {2018, 1, NT_COUPLE_AOW, 152544},
    {2018, 1, NT_SINGLE_U21, 24491},
    {2018, 7, NT_SINGLE, 99656},     {2018, 7, NT_COUPLE, 142366},
    {2018, 7, NT_SINGLE_AOW, 112143}, {2018, 7, NT_COUPLE_AOW, 153318},
    {2018, 7, NT_SINGLE_U21, 24601},
    {2019, 1, NT_SINGLE, 102555},    {2019, 1, NT_COUPLE, 146507},
    {2019, 1, NT_SINGLE_AOW, 114780}, {2019, 1, NT_COUPLE_AOW, 156346},
    {2019, 1, NT_SINGLE_U21, 25317},
    {2019, 7, NT_SINGLE, 103042},    {2019, 7, NT_COUPLE, 147203},
    {2019, 7, NT_SINGLE_AOW, 115403}, {2019, 7, NT_COUPLE_AOW, 157150},
    {2019, 7, NT_SINGLE_U21, 25439},
    {2020, 7, NT_SINGLE, 105903},    {2020, 7, NT_COUPLE, 151290},
    {2020, 7, NT_SINGLE_AOW, 118426}, {2020, 7, NT_COUPLE_AOW, 160688},
    {2020, 7, NT_SINGLE_U21, 26144},
    {2021, 1, NT_SINGLE, 107544},    {2021, 1, NT_COUPLE, 153634},
    {2021, 1, NT_SINGLE_AOW, 119597}, {2021, 1, NT_COUPLE_AOW, 162074},
    {2021, 1, NT_SINGLE_U21, 26549},
    {2021, 7, NT_SINGLE, 107870},    {2021, 7, NT_COUPLE, 154100},
    {2021, 7, NT_SINGLE_AOW, 119998}, {2021, 7, NT_COUPLE_AOW, 162708},
    {2021, 7, NT_SINGLE_U21, 26629},
    {2022, 1, NT_SINGLE, 109171},    {2022, 1, NT_COUPLE, 155958},
    {2022, 1, NT_SINGLE_AOW, 121306}, {2022, 1, NT_COUPLE_AOW, 164254},
    {2022, 1, NT_SINGLE_U21, 26951},
    {2022, 7, NT_SINGLE, 110182},    {2022, 7, NT_COUPLE, 157403},
    {2022, 7, NT_SINGLE_AOW, 122567}, {2022, 7, NT_COUPLE_AOW, 166036},
    {2022, 7, NT_SINGLE_U21, 27202},
    {2023, 1, NT_SINGLE, 119566},    {2023, 1, NT_COUPLE, 170808},
    {2023, 1, NT_SINGLE_AOW, 133067}, {2023, 1, NT_COUPLE_AOW, 180720},
    {2023, 1, NT_SINGLE_U21, 29520},
    {2023, 7, NT_SINGLE, 121662},    {2023, 7, NT_COUPLE, 173802},
    {2023, 7, NT_SINGLE_AOW, 135766}, {2023, 7, NT_COUPLE_AOW, 184360},
    {2023, 7, NT_SINGLE_U21, 30036},
    {2024, 1, NT_SINGLE, 128383},    {2024, 1, NT_COUPLE, 183404},
    {2024, 1, NT_SINGLE_AOW, 142576}, {2024, 1, NT_COUPLE_AOW, 193398},
    {2024, 1, NT_SINGLE_U21, 31694},
    {2024, 7, NT_SINGLE, 130845},    {2024, 7, NT_COUPLE, 186921},
    {2024, 7, NT_SINGLE_AOW, 145685}, {2024, 7, NT_COUPLE_AOW, 197664},
    {2024, 7, NT_SINGLE_U21, 32303},
    {2025, 1, NT_SINGLE, 134545},    {2025, 1, NT_COUPLE, 192207},
    {2025, 1, NT_SINGLE_AOW, 150107}, {2025, 1, NT_COUPLE_AOW, 205348},
    {2025, 1, NT_SINGLE_U21, 33217},
    {2025, 7, NT_SINGLE, 136906},    {2025, 7, NT_COUPLE, 195580},
    {2025, 7, NT_SINGLE_AOW, 153021}, {2025, 7, NT_COUPLE_AOW, 209498},
    {2025, 7, NT_SINGLE_U21, 33798},
};
#define NNORMS (sizeof NORMS / sizeof NORMS[0])

/* Monthly amount (cents) of a type valid on the first of (year, month). */
static long norm_monthly(int type, int year, int month)
{
    long best = -1, first = -1;
    int key = year * 12 + month;
    for (size_t i = 0; i < NNORMS; i++) {
        if (NORMS[i].type != type) continue;
        if (first < 0) first = NORMS[i].cents;
        if (NORMS[i].year * 12 + NORMS[i].month <= key) best = NORMS[i].cents;
    }
    return best >= 0 ? best : first;
}

/* Annual norm in euros: the mean over the 12 months of 12 x monthly. */
static double norm_annual(int type, int year)
{
    long sum = 0;
    for (int m = 1; m <= 12; m++) sum += norm_monthly(type, year, m);
    return (double)sum / 100.0;
}

/* ------------------------------------------------------------------------
 * Codes
 * ---------------------------------------------------------------------- */
enum { HT_SINGLE, HT_SPARENT, HT_COUPLE, HT_CCHILD, HT_OTHER };
static const char *const HT_NAME[] = {"single", "single_parent", "couple", "couple_children",
                                      "other"};
enum { BAND_U21, BAND_MID, BAND_AOW };
static const char *const BAND_NAME[] = {"u21", "21_aow", "aow"};
enum { SRC_WORK, SRC_SELF, SRC_BENEFIT, SRC_PENSION, SRC_OTHER };
static const char *const SRC_NAME[] = {"work", "self_employed", "benefit", "pension", "other"};

/* Household kinds at creation (the composition, not the output type). */
enum { K_SINGLE, K_YSINGLE, K_SPARENT, K_COUPLE, K_CCHILD, K_OTHER, K_STUDENT, K_INST, K_COUNT };

/* ------------------------------------------------------------------------
 * Profiles: the parameters that differ between the city and the country.
 * ---------------------------------------------------------------------- */
typedef struct {
    double kind_w[K_COUNT];       /* kinds of the initial population */
    double migr_w[K_COUNT];       /* kinds of in-migrant households */
    double single_age_w[3];       /* singles: 21-35, 36-66, 67+ */
    double migr_single_age_w[3];  /* in-migrant singles */
    double ratio_med[K_COUNT];    /* median work income / own norm at creation;
                                     students (per member), institutions: / couple norm */
    double lvl_sd;                /* sd of the permanent level */
    double p_out_student, p_out_young, p_out_other, p_out_aow;  /* out-migration */
    double p_move;                /* moves within the municipality (or country) */
    double p_couple;              /* singles 21-60 forming a couple, per pair drawn */
    double p_leave_city;          /* children leaving home who leave the area */
    double p_leaver_student;      /* children leaving home (<=23) who become students */
    double growth;                /* annual growth of the population (persons) */
    double aow_only;              /* share of new pensioners with (almost) only AOW */
} profile_t;

static const profile_t PROFILE_CITY = {
    /*           single  ysing  spar   coup   cchild other  stud   inst */
    .kind_w = {0.460, 0.010, 0.058, 0.192, 0.124, 0.035, 0.092, 0.009},
    .migr_w = {0.190, 0.030, 0.030, 0.110, 0.060, 0.020, 0.550, 0.010},
    .single_age_w = {0.46, 0.30, 0.24},
    .migr_single_age_w = {0.72, 0.24, 0.04},
    .ratio_med = {1.80, 2.20, 1.50, 2.35, 2.20, 2.50, 0.33, 0.45},
    .lvl_sd = 0.32,
    .p_out_student = 0.10, .p_out_young = 0.07, .p_out_other = 0.022, .p_out_aow = 0.008,
    .p_move = 0.08, .p_couple = 0.11, .p_leave_city = 0.30, .p_leaver_student = 0.30,
    .growth = 0.0015, .aow_only = 0.06,
};

static const profile_t PROFILE_NATIONAL = {
    .kind_w = {0.310, 0.005, 0.065, 0.285, 0.268, 0.035, 0.018, 0.012},
    .migr_w = {0.340, 0.020, 0.060, 0.200, 0.190, 0.040, 0.140, 0.010},
    .single_age_w = {0.30, 0.38, 0.32},
    .migr_single_age_w = {0.60, 0.32, 0.08},
    .ratio_med = {1.85, 2.20, 1.55, 2.45, 2.30, 2.60, 0.33, 0.45},
    .lvl_sd = 0.36,
    .p_out_student = 0.06, .p_out_young = 0.03, .p_out_other = 0.010, .p_out_aow = 0.004,
    .p_move = 0.06, .p_couple = 0.25, .p_leave_city = 0.05, .p_leaver_student = 0.10,
    .growth = 0.004, .aow_only = 0.09,
};

/* ------------------------------------------------------------------------
 * State
 * ---------------------------------------------------------------------- */
typedef struct {
    int16_t by;       /* birth year */
    uint8_t child;    /* 1: a child of the household (not a partner) */
    uint8_t seen;     /* written at least once (for the summary) */
} person_t;

enum {
    F_STUDENT = 1u << 0,
    F_INST = 1u << 1,
    F_SELF = 1u << 2,     /* self-employed when working */
    F_PENSION = 1u << 3,  /* in the pension regime (head AOW age) */
    F_FRESH = 1u << 4,    /* came into being this year */
    F_SRCALT = 1u << 5,   /* income source "other" instead of the usual one */
    F_LEFTBEN = 1u << 6,  /* left a benefit during this year */
    F_SEEN = 1u << 7,     /* written at least once */
};

enum { BEN_NONE, BEN_BIJSTAND, BEN_UWV };

typedef struct {
    uint32_t id;          /* household id; never reused */
    uint32_t buurt;       /* global buurt index */
    uint32_t mem[MAXM];   /* person ids */
    float lvl;            /* permanent log income / couple norm (students: per member) */
    float u;              /* AR(1) deviation */
    float pl;             /* pension regime: log income / own norm */
    float zw;             /* wealth quantile (standard normal), persistent */
    uint16_t flags;
    uint8_t n;            /* members */
    uint8_t ben;          /* BEN_* */
    uint8_t bdur;         /* years in the current benefit spell (1 = started this year) */
} hh_t;

typedef struct {
    int n, adults, minors, ncore, head_age, youngest_core, band, type, nt;
} comp_t;

typedef struct {
    gzFile gz;
    FILE *fp;
    const char *path;
    int to_stdout;
    int regular;          /* the output is a regular file (removed after an error) */
    char *buf;
    size_t len;
} out_t;

typedef struct {
    gsl_rng *r;
    const profile_t *pf;
    int national;         /* national codes */
    int stream;           /* national mode: one household at a time */
    int burnin;           /* inside the burn-in of a new household's income */
    int year;
    double norm[NT_COUNT];

    /* geography: wijken in contiguous blocks per region */
    int nwijk, nbuurt, nregion;
    int *wijk_b0;         /* first buurt of a wijk */
    int *wijk_nb;         /* buurten of a wijk */
    int *wijk_region;
    double *wijk_eff;     /* effect on the income level */
    double *wijk_cum;     /* cumulative size weights */
    int *region_w0, *region_nw;
    char (*bcode)[64];    /* "GMgggg,WKggggnn,BUggggnnmm" (room for any int the compiler imagines) */
    int *buurt_wijk;

    /* persons: id = pbase + index */
    person_t *pers;
    size_t npers, pcap;
    uint32_t pbase, next_pid;

    /* households, in id order */
    hh_t *hh;
    size_t nhh, hcap;
    uint32_t next_hid;

    /* summary */
    uint64_t rows, hhyears, distinct_hh, distinct_p;
    out_t out;
} ctx_t;

/* ------------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------- */
static void die(const char *msg)
{
    fprintf(stderr, PROG ": %s\n", msg);
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) die("out of memory");
    return q;
}

static double U(ctx_t *c) { return gsl_rng_uniform(c->r); }
static double N(ctx_t *c, double sd) { return gsl_ran_gaussian_ziggurat(c->r, sd); }
/* Uniform integer in [a, b]. */
static int ri(ctx_t *c, int a, int b)
{
    return a + (int)gsl_rng_uniform_int(c->r, (unsigned long)(b - a + 1));
}
/* Triangular-ish integer in [a, b] (mean of two uniforms). */
static int tri(ctx_t *c, int a, int b) { return a + (int)((b - a + 1) * (U(c) + U(c)) / 2.0); }

static int pick_w(ctx_t *c, const double *w, int n)
{
    double tot = 0;
    for (int i = 0; i < n; i++) tot += w[i];
    double x = U(c) * tot;
    for (int i = 0; i < n - 1; i++) {
        if (x < w[i]) return i;
        x -= w[i];
    }
    return n - 1;
}

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* ------------------------------------------------------------------------
 * Geography
 * ---------------------------------------------------------------------- */
static void geo_init(ctx_t *c)
{
    /* Fixed seed: the same districts for every --seed. */
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    if (!g) die("out of memory");
    gsl_rng_set(g, 14);
    int ngm = c->national ? 342 : 1, wpg = c->national ? 10 : 30;
    c->nwijk = ngm * wpg;
    c->nregion = c->national ? ngm : 2;
    c->wijk_b0 = xrealloc(NULL, sizeof(int) * (size_t)c->nwijk);
    c->wijk_nb = xrealloc(NULL, sizeof(int) * (size_t)c->nwijk);
    c->wijk_region = xrealloc(NULL, sizeof(int) * (size_t)c->nwijk);
    c->wijk_eff = xrealloc(NULL, sizeof(double) * (size_t)c->nwijk);
    c->wijk_cum = xrealloc(NULL, sizeof(double) * (size_t)c->nwijk);
    c->region_w0 = xrealloc(NULL, sizeof(int) * (size_t)c->nregion);
    c->region_nw = xrealloc(NULL, sizeof(int) * (size_t)c->nregion);
    int nb = 0;
    double cum = 0;
    for (int g_ = 0; g_ < ngm; g_++) {
        double gm_eff = c->national ? gsl_ran_gaussian(g, 0.08) : 0.0;
        double gm_size = c->national ? exp(gsl_ran_gaussian(g, 1.0)) : 1.0;
        for (int k = 0; k < wpg; k++) {
            int w = g_ * wpg + k;
            c->wijk_b0[w] = nb;
            c->wijk_nb[w] = 3 + (int)gsl_rng_uniform_int(g, 4); /* 3-6 buurten */
            nb += c->wijk_nb[w];
            if (c->national) {
                c->wijk_region[w] = g_;
                c->wijk_eff[w] = gm_eff + gsl_ran_gaussian(g, 0.10);
            } else {
                /* WK001400..WK001409: the poorer north */
                c->wijk_region[w] = k < 10 ? 0 : 1;
                c->wijk_eff[w] = k < 10 ? -0.22 + gsl_ran_gaussian(g, 0.05)
                                        : 0.06 + gsl_ran_gaussian(g, 0.05);
            }
            cum += gm_size * (0.6 + 0.8 * gsl_rng_uniform(g));
            c->wijk_cum[w] = cum;
        }
    }
    for (int rg = 0; rg < c->nregion; rg++) c->region_nw[rg] = 0;
    for (int w = c->nwijk - 1; w >= 0; w--) {
        c->region_w0[c->wijk_region[w]] = w;
        c->region_nw[c->wijk_region[w]]++;
    }
    c->nbuurt = nb;
    c->bcode = xrealloc(NULL, sizeof *c->bcode * (size_t)nb);
    c->buurt_wijk = xrealloc(NULL, sizeof(int) * (size_t)nb);
    for (int w = 0; w < c->nwijk; w++) {
        int gm = c->national ? w / wpg + 1 : 14, wk = w % wpg;
        for (int m = 0; m < c->wijk_nb[w]; m++) {
            int b = c->wijk_b0[w] + m;
            snprintf(c->bcode[b], sizeof c->bcode[b], "GM%04d,WK%04d%02d,BU%04d%02d%02d", gm, gm,
                     wk, gm, wk, m);
            c->buurt_wijk[b] = w;
        }
    }
    gsl_rng_free(g);
}

/* A wijk drawn by size among wijken lo..hi (inclusive). */
static int draw_wijk_range(ctx_t *c, int lo, int hi)
{
    double a = lo > 0 ? c->wijk_cum[lo - 1] : 0.0, b = c->wijk_cum[hi];
    double x = a + U(c) * (b - a);
    int l = lo, h = hi;
    while (l < h) {
        int m = l + (h - l) / 2;
        if (c->wijk_cum[m] > x) h = m;
        else l = m + 1;
    }
    return l;
}

static int draw_wijk(ctx_t *c) { return draw_wijk_range(c, 0, c->nwijk - 1); }

static int draw_wijk_region(ctx_t *c, int region)
{
    int w0 = c->region_w0[region];
    return draw_wijk_range(c, w0, w0 + c->region_nw[region] - 1);
}

static int draw_buurt(ctx_t *c, int wijk)
{
    return c->wijk_b0[wijk] + ri(c, 0, c->wijk_nb[wijk] - 1);
}

/* Destination of a move or a new household: mostly near the old home. */
static int near_wijk(ctx_t *c, int wijk, double p_same)
{
    double x = U(c);
    if (x < p_same) return wijk;
    if (x < 0.95) return draw_wijk_region(c, c->wijk_region[wijk]);
    return draw_wijk(c);
}

/* ------------------------------------------------------------------------
 * Persons and households
 * ---------------------------------------------------------------------- */
static person_t *P(ctx_t *c, uint32_t id) { return &c->pers[id - c->pbase]; }

static uint32_t person_new(ctx_t *c, int by, int child)
{
    if (c->npers == c->pcap) {
        c->pcap = c->pcap ? c->pcap * 2 : 1024;
        c->pers = xrealloc(c->pers, c->pcap * sizeof *c->pers);
    }
    if (c->next_pid == UINT32_MAX) die("too many persons for 32-bit person ids");
    person_t *p = &c->pers[c->npers++];
    p->by = (int16_t)by;
    p->child = (uint8_t)child;
    p->seen = 0;
    return c->next_pid++;
}

static int age_of(ctx_t *c, uint32_t id) { return c->year - P(c, id)->by; }

/* A new empty household (appended, so ids stay sorted). Returns its index. */
static size_t hh_new(ctx_t *c, int buurt)
{
    if (c->nhh == c->hcap) {
        c->hcap = c->hcap ? c->hcap * 2 : 1024;
        c->hh = xrealloc(c->hh, c->hcap * sizeof *c->hh);
    }
    if (c->next_hid == UINT32_MAX) die("too many households for 32-bit household ids");
    hh_t *h = &c->hh[c->nhh];
    memset(h, 0, sizeof *h);
    h->id = c->next_hid++;
    h->buurt = (uint32_t)buurt;
    h->flags = F_FRESH;
    h->zw = (float)N(c, 1.0);
    return c->nhh++;
}

static int hh_add(ctx_t *c, size_t i, uint32_t pid)
{
    hh_t *h = &c->hh[i];
    if (h->n >= MAXM) return 0;
    h->mem[h->n++] = pid;
    return 1;
}

static void hh_del(hh_t *h, int k)
{
    for (int j = k + 1; j < h->n; j++) h->mem[j - 1] = h->mem[j];
    h->n--;
}

/* Composition in the current year. Head = the oldest member. */
static comp_t comp_of(ctx_t *c, const hh_t *h)
{
    comp_t s = {0};
    s.n = h->n;
    s.head_age = -1;
    s.youngest_core = 999;
    for (int k = 0; k < h->n; k++) {
        const person_t *p = P(c, h->mem[k]);
        int a = c->year - p->by;
        if (a < 18) s.minors++;
        else s.adults++;
        if (a > s.head_age) s.head_age = a;
        if (!p->child && a >= 18) {
            s.ncore++;
            if (a < s.youngest_core) s.youngest_core = a;
        }
    }
    s.band = s.head_age < 21 ? BAND_U21 : s.head_age >= AOW_AGE ? BAND_AOW : BAND_MID;
    if (s.adults == 1) s.type = s.minors ? HT_SPARENT : HT_SINGLE;
    else if (s.adults == 2) s.type = s.minors ? HT_CCHILD : HT_COUPLE;
    else s.type = HT_OTHER;
    int one = s.type == HT_SINGLE || s.type == HT_SPARENT;
    if (s.band == BAND_AOW) s.nt = one ? NT_SINGLE_AOW : NT_COUPLE_AOW;
    else if (s.band == BAND_U21 && one) s.nt = NT_SINGLE_U21;
    else s.nt = one ? NT_SINGLE : NT_COUPLE; /* no couple u21: the fix-up prevents it */
    return s;
}

/* log(own norm / couple norm) of the current year */
static double lnrel(ctx_t *c, int nt) { return log(c->norm[nt] / c->norm[NT_COUPLE]); }

/* Expected earnings of the adult children living at home, relative to the
 * couple norm (they count in the household income, and they turn a single
 * parent into a "couple" or "couple_children" by composition). */
static double kids_income(ctx_t *c, const hh_t *h)
{
    double e = 0;
    for (int k = 0; k < h->n; k++) {
        const person_t *p = P(c, h->mem[k]);
        int a = c->year - p->by;
        if (p->child && a >= 18) e += a < 21 ? 0.25 : 0.45;
    }
    return e;
}

/* Log work ratio (work income / own norm) of a working-age household. */
static double work_x(ctx_t *c, const hh_t *h, const comp_t *s)
{
    return log(exp(h->lvl + h->u) + kids_income(c, h)) - lnrel(c, s->nt);
}

/* Probability per year of entering a benefit at log work ratio x. */
static double p_ben_in(double x) { return 0.0025 + 0.14 / (1.0 + exp((x - 0.10) / 0.08)); }

/* Probability per year of leaving bijstand after dur years, at log work ratio x. */
static double p_ben_out(int dur, double x)
{
    double p = dur <= 1 ? 0.35 : dur <= 3 ? 0.22 : dur <= 6 ? 0.14 : 0.10;
    return p * (x > 0.35 ? 1.3 : 0.85);
}

static void income_step(ctx_t *c, size_t i);

/* Initial income state of a newly made household: a draw near the stationary
 * state, then a burn-in of the yearly process (so that benefit spells have
 * their durations). */
static void income_init(ctx_t *c, size_t i, int kind)
{
    hh_t *h = &c->hh[i];
    comp_t s = comp_of(c, h);
    int w = c->buurt_wijk[h->buurt];
    double eff = c->wijk_eff[w];
    const profile_t *pf = c->pf;
    h->u = (float)N(c, 0.15);
    if (kind == K_STUDENT) {
        h->flags |= F_STUDENT;
        h->lvl = (float)(log(pf->ratio_med[K_STUDENT]) + N(c, 0.35));
        if (U(c) < 0.7) h->flags |= F_SRCALT;
        return;
    }
    if (kind == K_INST) {
        h->flags |= F_INST;
        h->lvl = (float)(log(pf->ratio_med[K_INST]) + N(c, 0.3));
        return;
    }
    /* work level: median ratio to the own (non-AOW) norm, by kind and age */
    int nt_work = s.band == BAND_U21 && (s.type == HT_SINGLE || s.type == HT_SPARENT)
                      ? NT_SINGLE_U21
                      : (s.type == HT_SINGLE || s.type == HT_SPARENT) ? NT_SINGLE : NT_COUPLE;
    double med = log(pf->ratio_med[kind]);
    if (kind == K_SINGLE && s.head_age < 30) med -= 0.12;
    h->lvl = (float)(med + lnrel(c, nt_work) + eff + N(c, pf->lvl_sd));
    if (s.head_age < AOW_AGE && U(c) < 0.09) h->flags |= F_SELF;
    if (U(c) < 0.025) h->flags |= F_SRCALT;
    if (s.band == BAND_AOW) {
        h->flags |= F_PENSION;
        double extra;
        if (U(c) < pf->aow_only * exp(-2.5 * eff)) extra = clampd(0.03 + N(c, 0.03), -0.03, 0.09);
        else extra = 0.55 * exp(N(c, 0.6));
        h->pl = (float)log(1.0 + extra);
        return;
    }
    /* stationary benefit state at the current work ratio */
    double x = work_x(c, h, &s);
    double pin = p_ben_in(x), pout = 0.15;
    if (U(c) < pin / (pin + pout)) {
        h->ben = (x > 0.30 && U(c) < 0.5) ? BEN_UWV : BEN_BIJSTAND;
        h->bdur = (uint8_t)(1 + (int)clampd(gsl_ran_exponential(c->r, 3.0), 0, 30));
    }
    c->burnin = 1;
    for (int k = 0; k < 12; k++) {
        c->hh[i].flags &= (uint16_t)~F_LEFTBEN;
        income_step(c, i);
    }
    c->burnin = 0;
}

static int draw_kids(ctx_t *c)
{
    static const double w[] = {0.38, 0.42, 0.15, 0.05};
    return 1 + pick_w(c, w, 4);
}

static void add_kids(ctx_t *c, size_t i, int parent_age, int nk)
{
    int maxage = parent_age - 19;
    if (maxage > 17) maxage = 17;
    if (maxage < 0) maxage = 0;
    for (int k = 0; k < nk; k++) hh_add(c, i, person_new(c, c->year - ri(c, 0, maxage), 1));
}

static int single_age(ctx_t *c, const double *w)
{
    switch (pick_w(c, w, 3)) {
    case 0: return tri(c, 21, 36);
    case 1: return ri(c, 36, 66);
    default: return AOW_AGE + (int)clampd(gsl_ran_exponential(c->r, 10.0), 0, 34);
    }
}

/* Make a household of a kind in a wijk; returns its index. */
static size_t hh_make(ctx_t *c, int kind, int wijk, int migrant)
{
    size_t i = hh_new(c, draw_buurt(c, wijk));
    int y = c->year;
    switch (kind) {
    case K_SINGLE:
        hh_add(c, i, person_new(c, y - single_age(c, migrant ? c->pf->migr_single_age_w
                                                          : c->pf->single_age_w), 0));
        break;
    case K_YSINGLE: hh_add(c, i, person_new(c, y - ri(c, 18, 20), 0)); break;
    case K_SPARENT: {
        int a = tri(c, 22, 56);
        hh_add(c, i, person_new(c, y - a, 0));
        add_kids(c, i, a, draw_kids(c) > 2 ? 3 : (U(c) < 0.55 ? 1 : 2));
        break;
    }
    case K_COUPLE: {
        double x = U(c);
        int a = x < 0.36   ? ri(c, 22, 35)
                : x < 0.64 ? ri(c, 36, 66)
                           : AOW_AGE + (int)clampd(gsl_ran_exponential(c->r, 8.0), 0, 28);
        int b = a - (int)fabs(N(c, 3.5));
        if (b < 19) b = 19;
        hh_add(c, i, person_new(c, y - a, 0));
        hh_add(c, i, person_new(c, y - b, 0));
        break;
    }
    case K_CCHILD: {
        int b = tri(c, 24, 52), a = b + (int)fabs(N(c, 3.0));
        hh_add(c, i, person_new(c, y - a, 0));
        hh_add(c, i, person_new(c, y - b, 0));
        add_kids(c, i, b, draw_kids(c));
        break;
    }
    case K_OTHER: {
        double x = U(c);
        if (x < 0.75) {
            /* couple with adult children (and sometimes a minor) */
            int b = tri(c, 44, 64), a = b + (int)fabs(N(c, 3.0));
            hh_add(c, i, person_new(c, y - a, 0));
            hh_add(c, i, person_new(c, y - b, 0));
            int na = U(c) < 0.7 ? 1 : 2;
            for (int k = 0; k < na; k++) hh_add(c, i, person_new(c, y - ri(c, 18, 26), 1));
            if (x < 0.15) add_kids(c, i, b, 1);
        } else {
            /* three or four unrelated adults */
            int na = U(c) < 0.7 ? 3 : 4;
            for (int k = 0; k < na; k++) hh_add(c, i, person_new(c, y - tri(c, 21, 45), 0));
        }
        break;
    }
    case K_STUDENT: {
        int na = U(c) < 0.82 ? 1 : ri(c, 2, 5), oldest = 0;
        for (int k = 0; k < na; k++) {
            /* in-migrant students are mostly first-years */
            int a = 18 + (int)clampd(gsl_ran_exponential(c->r, migrant ? 1.3 : 2.6), 0, 12);
            /* no u21 head of 2+ adults (there is no couple norm under 21) */
            if (k == na - 1 && na > 1 && oldest < 21 && a < 21) a = 21;
            if (a > oldest) oldest = a;
            hh_add(c, i, person_new(c, y - a, 0));
        }
        break;
    }
    case K_INST:
    default: {
        int a = U(c) < 0.65 ? 75 + (int)clampd(gsl_ran_exponential(c->r, 8.0), 0, 27)
                            : tri(c, 18, 66);
        hh_add(c, i, person_new(c, y - a, 0));
        break;
    }
    }
    income_init(c, i, kind);
    return i;
}

/* ------------------------------------------------------------------------
 * Output
 * ---------------------------------------------------------------------- */
static void out_fail(ctx_t *c, const char *what)
{
    out_t *o = &c->out;
    const char *msg = what;
    int zerr = 0;
    if (!msg && o->gz) {
        msg = gzerror(o->gz, &zerr);
        size_t pl = strlen(o->path); /* zlib's message starts with "path: " */
        if (msg && strncmp(msg, o->path, pl) == 0 && strncmp(msg + pl, ": ", 2) == 0) msg += pl + 2;
    }
    if (!msg || !*msg) msg = strerror(errno);
    fprintf(stderr, PROG ": error writing %s: %s\n", o->to_stdout ? "standard output" : o->path,
            msg);
    if (o->gz) gzclose(o->gz);
    if (o->fp && !o->to_stdout) fclose(o->fp);
    if (o->regular) remove(o->path); /* never leave a truncated file behind */
    exit(1);
}

static void out_flush(ctx_t *c)
{
    out_t *o = &c->out;
    if (!o->len) return;
    if (o->gz) {
        errno = 0;
        if (gzwrite(o->gz, o->buf, (unsigned)o->len) != (int)o->len) out_fail(c, NULL);
    } else {
        errno = 0;
        if (fwrite(o->buf, 1, o->len, o->fp) != o->len) out_fail(c, NULL);
    }
    o->len = 0;
}

static void out_open(ctx_t *c, const char *path, int level)
{
    out_t *o = &c->out;
    size_t pl = strlen(path);
    o->path = path;
    o->buf = xrealloc(NULL, OUTBUF_CAP);
    o->len = 0;
    if (strcmp(path, "-") == 0) {
        o->to_stdout = 1;
        o->fp = stdout;
    } else if (pl > 3 && strcmp(path + pl - 3, ".gz") == 0) {
        char mode[8];
        snprintf(mode, sizeof mode, "wb%d", level);
        errno = 0;
        o->gz = gzopen(path, mode);
        if (!o->gz) {
            fprintf(stderr, PROG ": cannot open %s: %s\n", path,
                    errno ? strerror(errno) : "gzopen failed");
            exit(1);
        }
        if (gzbuffer(o->gz, 1u << 20) != 0) out_fail(c, "gzbuffer failed");
    } else {
        o->fp = fopen(path, "wb");
        if (!o->fp) {
            fprintf(stderr, PROG ": cannot open %s: %s\n", path, strerror(errno));
            exit(1);
        }
    }
    struct stat st;
    o->regular = !o->to_stdout && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void out_close(ctx_t *c)
{
    out_t *o = &c->out;
    out_flush(c);
    if (o->gz) {
        int rc = gzclose(o->gz);
        o->gz = NULL;
        if (rc != Z_OK) {
            fprintf(stderr, PROG ": error writing %s: %s\n", o->path,
                    rc == Z_ERRNO ? strerror(errno) : "gzclose failed");
            if (o->regular) remove(o->path);
            exit(1);
        }
    } else {
        errno = 0;
        int bad = fflush(o->fp) != 0 || ferror(o->fp);
        if (o->to_stdout) {
            if (bad) out_fail(c, NULL);
        } else {
            if (fclose(o->fp) != 0) bad = 1;
            o->fp = NULL;
            if (bad) {
                fprintf(stderr, PROG ": error writing %s: %s\n", o->path, strerror(errno));
                if (o->regular) remove(o->path);
                exit(1);
            }
        }
    }
    free(o->buf);
    o->buf = NULL;
}

static void out_str(ctx_t *c, const char *s)
{
    size_t n = strlen(s);
    if (c->out.len + n > OUTBUF_CAP) out_flush(c);
    memcpy(c->out.buf + c->out.len, s, n);
    c->out.len += n;
}

/* Decimal digits of v at p; returns the end. */
static char *fmt_u(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) *p++ = tmp[--n];
    return p;
}

/* Euros with two decimals from whole cents. */
static char *fmt_cents(char *p, int64_t cents)
{
    uint64_t a;
    if (cents < 0) {
        *p++ = '-';
        a = (uint64_t)(-(cents + 1)) + 1;
    } else {
        a = (uint64_t)cents;
    }
    p = fmt_u(p, a / 100);
    *p++ = '.';
    *p++ = (char)('0' + a / 10 % 10);
    *p++ = (char)('0' + a % 10);
    return p;
}

static char *put(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

static const char HEADER[] =
    "person_id,household_id,year,birth_year,gemeente,wijk,buurt,household_type,n_persons,"
    "n_minors,head_age_band,income_source,income,whole_year,student,institutional,wealth\n";

/* ------------------------------------------------------------------------
 * Income and wealth of a household-year, and its rows
 * ---------------------------------------------------------------------- */
static void write_household(ctx_t *c, size_t i)
{
    hh_t *h = &c->hh[i];
    /* members in person-id order (insertion sort: at most MAXM) */
    for (int k = 1; k < h->n; k++) {
        uint32_t v = h->mem[k];
        int j = k - 1;
        while (j >= 0 && h->mem[j] > v) {
            h->mem[j + 1] = h->mem[j];
            j--;
        }
        h->mem[j + 1] = v;
    }
    comp_t s = comp_of(c, h);
    double own = c->norm[s.nt], cpl = c->norm[NT_COUPLE];
    int self = (h->flags & F_SELF) != 0, src;
    double inc, kids = kids_income(c, h);
    /* earnings of adult children living at home (never for students or institutions) */
    double kids_eur = kids > 0 ? kids * exp(N(c, 0.3)) * cpl : 0.0;

    if (h->flags & F_STUDENT) {
        inc = exp(h->lvl + N(c, 0.25)) * cpl * h->n;
        src = (h->flags & F_SRCALT) ? SRC_OTHER : SRC_WORK;
    } else if (h->flags & F_INST) {
        inc = exp(h->lvl + N(c, 0.1)) * cpl;
        src = s.band == BAND_AOW ? SRC_PENSION : SRC_BENEFIT;
    } else if (h->flags & F_PENSION) {
        inc = own * exp(h->pl + N(c, 0.02)) + kids_eur;
        src = (h->flags & F_SRCALT) ? SRC_OTHER : SRC_PENSION;
    } else {
        double work = exp(h->lvl + h->u + N(c, self ? 0.22 : 0.05)) * cpl + kids_eur;
        double bij = own * clampd(1.02 + N(c, 0.025), 0.97, 1.09) + kids_eur;
        if (h->ben == BEN_NONE) {
            inc = work;
            if (h->flags & F_LEFTBEN) {
                double f = U(c);
                inc = f * bij + (1 - f) * work;
            }
            src = self ? SRC_SELF : (h->flags & F_SRCALT) ? SRC_OTHER : SRC_WORK;
        } else {
            double b = h->ben == BEN_UWV ? fmax(bij, 0.7 * work) : bij;
            inc = b;
            if (h->bdur <= 1) {
                double f = U(c);
                inc = f * work + (1 - f) * b;
            }
            src = SRC_BENEFIT;
        }
        if (self && h->ben == BEN_NONE && U(c) < 0.04) inc = -exp(log(6000.0) + N(c, 1.0));
    }
    int whole = 1;
    if (((h->flags & F_FRESH) && U(c) < 0.30) || U(c) < 0.008) {
        whole = 0;
        if (inc > 0) inc *= 0.1 + 0.8 * U(c);
    }
    int inc_na = U(c) < 0.001;
    int type_na = U(c) < 0.0005;

    /* wealth: persistent quantile zw, level by situation; '-' for about 2% */
    int wealth_na = U(c) < 0.02;
    double wealth = 0;
    if (!wealth_na) {
        if (h->zw < -1.45f) {
            wealth = -exp(7.8 + N(c, 0.9)); /* debts */
        } else {
            double ratio = inc > 0 ? inc / own : 0.3, med;
            if (h->flags & F_STUDENT) med = 1500;
            else if (h->ben != BEN_NONE && !(h->flags & F_PENSION)) med = 900;
            else med = 3500 * pow(clampd(ratio, 0.3, 8.0), 1.6) *
                       (1 + fmax(0, s.head_age - 25) / 12.0); /* grows with income and age */
            if (self) med *= 2.0;
            wealth = med * exp(1.25 * h->zw + N(c, 0.15));
        }
    }

    /* the household part of the row, shared by all members */
    char hid[48], tail[256], *p = hid;
    p = fmt_u(p, h->id);
    *p++ = ',';
    p = fmt_u(p, (uint64_t)c->year);
    *p++ = ',';
    size_t hid_len = (size_t)(p - hid);
    p = tail;
    *p++ = ',';
    p = put(p, c->bcode[h->buurt]);
    *p++ = ',';
    p = put(p, type_na ? "NA" : HT_NAME[s.type]);
    *p++ = ',';
    p = fmt_u(p, (uint64_t)s.n);
    *p++ = ',';
    p = fmt_u(p, (uint64_t)s.minors);
    *p++ = ',';
    p = put(p, BAND_NAME[s.band]);
    *p++ = ',';
    p = put(p, SRC_NAME[src]);
    *p++ = ',';
    if (inc_na) p = put(p, "NA");
    else p = fmt_cents(p, llround(inc * 100.0));
    *p++ = ',';
    *p++ = whole ? '1' : '0';
    *p++ = ',';
    *p++ = (h->flags & F_STUDENT) ? '1' : '0';
    *p++ = ',';
    *p++ = (h->flags & F_INST) ? '1' : '0';
    *p++ = ',';
    if (wealth_na) *p++ = '-';
    else p = fmt_cents(p, llround(wealth * 100.0));
    *p++ = '\n';
    size_t tail_len = (size_t)(p - tail);

    if (c->out.len + (size_t)h->n * 320 > OUTBUF_CAP) out_flush(c);
    char *o = c->out.buf + c->out.len;
    for (int k = 0; k < h->n; k++) {
        person_t *ps = P(c, h->mem[k]);
        o = fmt_u(o, h->mem[k]);
        *o++ = ',';
        memcpy(o, hid, hid_len);
        o += hid_len;
        o = fmt_u(o, (uint64_t)(int64_t)ps->by);
        memcpy(o, tail, tail_len);
        o += tail_len;
        if (!ps->seen) {
            ps->seen = 1;
            c->distinct_p++;
        }
    }
    c->out.len = (size_t)(o - c->out.buf);
    c->rows += h->n;
    c->hhyears++;
    if (!(h->flags & F_SEEN)) c->distinct_hh++;
    h->flags = (uint16_t)((h->flags | F_SEEN) & ~(F_FRESH | F_LEFTBEN));
}

/* ------------------------------------------------------------------------
 * Panel dynamics: from the state of year-1 to that of c->year
 * ---------------------------------------------------------------------- */
static int is_regular(const hh_t *h) { return h->n && !(h->flags & (F_STUDENT | F_INST)); }

/* Income of a household that lost a partner (death or split): keep share f. */
static void lose_partner(hh_t *h, double f)
{
    if (h->flags & F_PENSION) h->pl = (float)log(1.0 + fmax(0.0, (exp(h->pl) - 1.0) * (0.3 + f)));
    h->lvl += (float)log(f);
}

static void promote_if_no_core(ctx_t *c, hh_t *h)
{
    for (int k = 0; k < h->n; k++)
        if (!P(c, h->mem[k])->child && age_of(c, h->mem[k]) >= 18) return;
    for (int k = 0; k < h->n; k++)
        if (age_of(c, h->mem[k]) >= 18) P(c, h->mem[k])->child = 0;
}

static void step_deaths(ctx_t *c)
{
    size_t n0 = c->nhh;
    for (size_t i = 0; i < n0; i++) {
        hh_t *h = &c->hh[i];
        for (int k = 0; k < h->n; k++) {
            int a = age_of(c, h->mem[k]);
            if (a < 30) continue;
            double q = fmin(0.5, exp(-10.2 + 0.092 * a)) * ((h->flags & F_INST) ? 1.5 : 1.0);
            if (U(c) >= q) continue;
            comp_t s = comp_of(c, h);
            if (s.adults == 1 && s.minors > 0) continue; /* keep a carer for the minors */
            int core = !P(c, h->mem[k])->child;
            hh_del(h, k--);
            if (!h->n) break;
            if (core && s.ncore >= 2 && is_regular(h)) lose_partner(h, 0.45 + 0.3 * U(c));
            promote_if_no_core(c, h);
        }
    }
}

static void step_outmigration(ctx_t *c)
{
    const profile_t *pf = c->pf;
    for (size_t i = 0; i < c->nhh; i++) {
        hh_t *h = &c->hh[i];
        if (!h->n || (h->flags & F_INST)) continue;
        comp_t s = comp_of(c, h);
        double p = (h->flags & F_STUDENT) ? pf->p_out_student
                   : s.band == BAND_AOW     ? pf->p_out_aow
                   : (s.adults == 1 && s.head_age <= 30) ? pf->p_out_young
                                                         : pf->p_out_other;
        if (U(c) < p) h->n = 0;
    }
}

/* A new single household for a person leaving another (same area mostly). */
static size_t leave_to_single(ctx_t *c, size_t from, uint32_t pid, int student)
{
    int w = near_wijk(c, c->buurt_wijk[c->hh[from].buurt], 0.5);
    size_t j = hh_new(c, draw_buurt(c, w));
    hh_add(c, j, pid);
    P(c, pid)->child = 0;
    int a = age_of(c, pid);
    income_init(c, j, student ? K_STUDENT : a < 21 ? K_YSINGLE : K_SINGLE);
    return j;
}

static void step_students(ctx_t *c)
{
    size_t n0 = c->nhh;
    for (size_t i = 0; i < n0; i++) {
        hh_t *h = &c->hh[i];
        if (!h->n || !(h->flags & F_STUDENT)) continue;
        for (int k = 0; k < h->n; k++) {
            int a = age_of(c, h->mem[k]);
            double p = a < 21 ? 0.10 : a < 24 ? 0.24 : 0.45;
            if (U(c) >= p) continue;
            int stays = U(c) < 0.5;
            if (h->n == 1) {
                if (!stays) {
                    h->n = 0;
                    break;
                }
                /* graduated and stays: the household goes on as a young worker */
                h->flags &= (uint16_t)~(F_STUDENT | F_SRCALT);
                h->lvl = (float)(log(1.75) + lnrel(c, NT_SINGLE) +
                                 c->wijk_eff[c->buurt_wijk[h->buurt]] + N(c, 0.30));
                h->u = (float)N(c, 0.15);
                if (U(c) < 0.05) h->flags |= F_SELF;
                break;
            }
            uint32_t pid = h->mem[k];
            hh_del(h, k--);
            if (stays) {
                leave_to_single(c, i, pid, 0);
                h = &c->hh[i]; /* the array may have moved */
            }
        }
    }
}

static void step_splits(ctx_t *c)
{
    size_t n0 = c->nhh;
    for (size_t i = 0; i < n0; i++) {
        hh_t *h = &c->hh[i];
        if (!is_regular(h)) continue;
        comp_t s = comp_of(c, h);
        if (s.ncore != 2) continue;
        if (U(c) >= (s.band == BAND_AOW ? 0.004 : 0.022)) continue;
        /* the leaver: one of the two partners */
        int ks[2], nk = 0;
        for (int k = 0; k < h->n && nk < 2; k++)
            if (!P(c, h->mem[k])->child && age_of(c, h->mem[k]) >= 18) ks[nk++] = k;
        int kl = ks[U(c) < 0.5 ? 0 : 1];
        uint32_t leaver = h->mem[kl];
        int take_minors = s.minors > 0 && U(c) < 0.3;
        int w = near_wijk(c, c->buurt_wijk[h->buurt], 0.6);
        size_t j = hh_new(c, draw_buurt(c, w));
        h = &c->hh[i];
        hh_t *g = &c->hh[j];
        hh_del(h, kl);
        hh_add(c, j, leaver);
        if (take_minors)
            for (int k = 0; k < h->n; k++)
                if (age_of(c, h->mem[k]) < 18) {
                    hh_add(c, j, h->mem[k]);
                    hh_del(h, k--);
                }
        double sh = 0.3 + 0.4 * U(c);
        g->lvl = h->lvl;
        g->u = h->u;
        g->pl = h->pl;
        g->ben = h->ben;
        g->bdur = h->bdur;
        g->flags |= (uint16_t)(h->flags & F_PENSION);
        if (U(c) < 0.07) g->flags |= F_SELF;
        lose_partner(g, sh);
        lose_partner(h, 1.0 - sh + 0.1);
        promote_if_no_core(c, h);
    }
}

static void step_leave_home(ctx_t *c)
{
    const profile_t *pf = c->pf;
    size_t n0 = c->nhh;
    for (size_t i = 0; i < n0; i++) {
        hh_t *h = &c->hh[i];
        if (!is_regular(h)) continue;
        for (int k = 0; k < h->n; k++) {
            person_t *ps = P(c, h->mem[k]);
            int a = age_of(c, h->mem[k]);
            if (!ps->child || a < 18) continue;
            double p = a == 18 ? 0.10 : a <= 19 ? 0.18 : a <= 22 ? 0.22 : a <= 26 ? 0.28 : 0.35;
            if (U(c) >= p) continue;
            comp_t s = comp_of(c, h);
            if (s.adults == 1) continue; /* the only adult stays with the minors */
            uint32_t pid = h->mem[k];
            hh_del(h, k--);
            if (U(c) < pf->p_leave_city) continue; /* leaves the area */
            leave_to_single(c, i, pid, a <= 23 && U(c) < pf->p_leaver_student);
            h = &c->hh[i];
        }
    }
}

static void step_couples(ctx_t *c)
{
    /* eligible: regular households with one adult aged 21-60, not in the pension regime */
    size_t ne = 0;
    size_t *el = xrealloc(NULL, sizeof(size_t) * (c->nhh + 1));
    for (size_t i = 0; i < c->nhh; i++) {
        hh_t *h = &c->hh[i];
        if (!is_regular(h) || (h->flags & F_PENSION)) continue;
        comp_t s = comp_of(c, h);
        if (s.adults == 1 && s.head_age >= 21 && s.head_age <= 60) el[ne++] = i;
    }
    if (ne > 1) gsl_ran_shuffle(c->r, el, ne, sizeof *el);
    for (size_t e = 0; e + 1 < ne; e += 2) {
        if (U(c) >= c->pf->p_couple) continue;
        hh_t *a = &c->hh[el[e]], *b = &c->hh[el[e + 1]];
        if (a->n + b->n > MAXM) continue;
        int aa = comp_of(c, a).head_age, ab = comp_of(c, b).head_age;
        if (abs(aa - ab) > 12) continue;
        if (b->n > a->n) { hh_t *t = a; a = b; b = t; } /* the smaller one moves in */
        double ca = a->ben ? 0.08 * exp(a->lvl) : exp(a->lvl + a->u);
        double cb = b->ben ? 0.08 * exp(b->lvl) : exp(b->lvl + b->u);
        if (a->ben && b->ben) {
            a->lvl = (float)log(exp(a->lvl) + exp(b->lvl));
        } else {
            a->lvl = (float)log(ca + cb);
            a->u = 0;
            if (a->ben) a->flags |= F_LEFTBEN;
            a->ben = BEN_NONE;
            a->bdur = 0;
        }
        for (int k = 0; k < b->n; k++) {
            P(c, b->mem[k])->child = age_of(c, b->mem[k]) < 18 || P(c, b->mem[k])->child;
            a->mem[a->n++] = b->mem[k];
        }
        b->n = 0;
    }
    free(el);
}

static void step_births(ctx_t *c)
{
    for (size_t i = 0; i < c->nhh; i++) {
        hh_t *h = &c->hh[i];
        if (!is_regular(h) || h->n >= MAXM) continue;
        comp_t s = comp_of(c, h);
        int a = s.youngest_core;
        if (a < 20 || a > 44 || s.ncore < 1) continue;
        double p = s.ncore == 2 ? 0.095 : s.ncore == 1 ? 0.006 : 0.01;
        if (a < 25 || a > 38) p *= 0.4;
        if (s.minors >= 3) p *= 0.3;
        if (U(c) < p) hh_add(c, i, person_new(c, c->year, 1));
    }
}

static void step_moves(ctx_t *c)
{
    for (size_t i = 0; i < c->nhh; i++) {
        hh_t *h = &c->hh[i];
        if (!h->n || (h->flags & F_INST) || U(c) >= c->pf->p_move) continue;
        int w = near_wijk(c, c->buurt_wijk[h->buurt], 0.7);
        h->buurt = (uint32_t)draw_buurt(c, w);
    }
    /* the very old moving into an institution */
    for (size_t i = 0; i < c->nhh; i++) {
        hh_t *h = &c->hh[i];
        if (h->n != 1 || (h->flags & (F_INST | F_STUDENT))) continue;
        if (age_of(c, h->mem[0]) >= 80 && U(c) < 0.02) {
            h->flags |= F_INST;
            h->lvl = (float)(log(c->pf->ratio_med[K_INST]) + N(c, 0.3));
        }
    }
}

/* No household of 2+ adults with a head under 21 (there is no couple norm
 * for u21), and no household of minors only. */
static void step_fixup(ctx_t *c)
{
    size_t n0 = c->nhh;
    for (size_t i = 0; i < n0; i++) {
        hh_t *h = &c->hh[i];
        if (!h->n) continue;
        comp_t s = comp_of(c, h);
        if (s.adults == 0) {
            h->n = 0; /* minors go to relatives elsewhere */
            continue;
        }
        if (s.band != BAND_U21 || s.adults < 2) continue;
        int student = (h->flags & F_STUDENT) != 0, kept = 0;
        for (int k = 0; k < h->n; k++) {
            if (age_of(c, h->mem[k]) < 18) continue;
            if (!kept && age_of(c, h->mem[k]) == s.head_age) {
                kept = 1;
                P(c, h->mem[k])->child = 0;
                continue;
            }
            uint32_t pid = h->mem[k];
            hh_del(h, k--);
            leave_to_single(c, i, pid, student);
            h = &c->hh[i];
        }
    }
}

/* One year of the income process of household i: the pension regime from
 * AOW age, otherwise the AR(1) with shocks and the benefit regime. */
static void income_step(ctx_t *c, size_t i)
{
    hh_t *h = &c->hh[i];
    if (!h->n) return;
    if (h->flags & (F_STUDENT | F_INST)) {
        h->lvl += (float)N(c, 0.05);
        return;
    }
    comp_t s = comp_of(c, h);
    if (s.band == BAND_AOW) {
        if (!(h->flags & F_PENSION)) {
            /* reaching AOW age: AOW plus a supplementary pension related to the work income */
            int one = s.type == HT_SINGLE || s.type == HT_SPARENT;
            double xw = exp(h->lvl + h->u - lnrel(c, one ? NT_SINGLE : NT_COUPLE));
            double extra = h->ben ? (U(c) < 0.5 ? 0.0 : 0.10 * exp(N(c, 0.5)))
                                  : fmax(0.0, 0.45 * (xw - 0.70)) * exp(N(c, 0.35));
            if (extra < 0.03 || U(c) < c->pf->aow_only * 0.3)
                extra = clampd(0.03 + N(c, 0.03), -0.03, 0.09); /* (almost) only AOW */
            h->pl = (float)log(1.0 + extra);
            h->flags |= F_PENSION;
            h->flags &= (uint16_t)~F_SELF;
            h->ben = BEN_NONE;
            h->bdur = 0;
        } else {
            h->pl += (float)N(c, 0.01);
        }
        return;
    }
    h->flags &= (uint16_t)~F_PENSION; /* the head is no longer of AOW age */
    /* AR(1) with shocks */
    double u = 0.75 * h->u + N(c, 0.10), v = U(c);
    if (v < 0.02) u -= 0.35;       /* job loss, fewer hours */
    else if (v < 0.04) u += 0.25;  /* job gain, promotion */
    h->u = (float)u;
    /* a young single turning 21: from the youth norm to the adult norm, and adult earnings */
    if (s.head_age == 21 && s.adults == 1 && !c->burnin) {
        double y = log(c->pf->ratio_med[K_SINGLE]) - 0.25 + lnrel(c, NT_SINGLE) +
                   c->wijk_eff[c->buurt_wijk[h->buurt]] + N(c, c->pf->lvl_sd);
        if (y > h->lvl) h->lvl = (float)y;
    }
    double x = work_x(c, h, &s);
    if (h->ben == BEN_NONE) {
        if (U(c) < p_ben_in(x)) {
            h->ben = (x > 0.30 && U(c) < 0.6) ? BEN_UWV : BEN_BIJSTAND;
            h->bdur = 1;
        }
    } else if (h->ben == BEN_BIJSTAND) {
        if (U(c) < p_ben_out(h->bdur, x)) {
            h->ben = BEN_NONE;
            h->bdur = 0;
            h->flags |= F_LEFTBEN;
            if (h->u < 0) h->u = 0;
        } else if (h->bdur < 255) {
            h->bdur++;
        }
    } else { /* UWV: back to work, or after two years into bijstand */
        double w = U(c);
        if (w < 0.45) {
            h->ben = BEN_NONE;
            h->bdur = 0;
            h->flags |= F_LEFTBEN;
            if (h->u < 0) h->u = 0;
        } else {
            if (h->bdur >= 2 && w < 0.70) h->ben = BEN_BIJSTAND;
            if (h->bdur < 255) h->bdur++;
        }
    }
}

static void step_income(ctx_t *c)
{
    for (size_t i = 0; i < c->nhh; i++) income_step(c, i);
}

/* Drop the households that ended (order, and so id order, is kept);
 * returns the number of persons left. */
static uint64_t compact(ctx_t *c)
{
    size_t j = 0;
    uint64_t persons = 0;
    for (size_t i = 0; i < c->nhh; i++)
        if (c->hh[i].n) {
            if (j != i) c->hh[j] = c->hh[i];
            persons += c->hh[i].n;
            j++;
        }
    c->nhh = j;
    return persons;
}

/* In-migrant households until the population reaches its target. */
static void step_inmigration(ctx_t *c, uint64_t persons, uint64_t target)
{
    while (persons < target) {
        int kind = pick_w(c, c->pf->migr_w, K_COUNT);
        size_t i = hh_make(c, kind, draw_wijk(c), 1);
        persons += c->hh[i].n;
    }
}

static void evolve(ctx_t *c, uint64_t target_persons)
{
    step_deaths(c);
    step_outmigration(c);
    step_students(c);
    step_splits(c);
    step_leave_home(c);
    step_couples(c);
    step_births(c);
    step_moves(c);
    step_fixup(c);
    step_inmigration(c, compact(c), target_persons);
    step_income(c);
}

/* ------------------------------------------------------------------------
 * Driver
 * ---------------------------------------------------------------------- */
static void set_year(ctx_t *c, int year)
{
    c->year = year;
    for (int t = 0; t < NT_COUNT; t++) c->norm[t] = norm_annual(t, year);
}

static void usage(FILE *f)
{
    fputs("Usage: " PROG " [--seed N] [--national] [--panel] [--households N] [--years N]\n"
          "                       [--first-year Y] [--level 1-9] -o OUT\n"
          "\n"
          "Deterministic synthetic person-year income microdata (see docs/synthetic-city.md).\n"
          "Same seed and arguments give byte-identical output.\n"
          "\n"
          "  -o, --output OUT   output file; gzip when OUT ends in .gz, plain CSV otherwise,\n"
          "                     '-' for plain CSV on standard output\n"
          "  --seed N           random seed, 0..4294967295 (default 20240101)\n"
          "  --national         one year of --households households (default 8000000) in\n"
          "                     342 synthetic municipalities, first year default 2023\n"
          "  --panel            --years years (default 10) of --households households\n"
          "                     (default 1500000) with the city's dynamics, national codes,\n"
          "                     first year default 2015\n"
          "  (default: city)    a Groningen-like city GM0014, 135000 households,\n"
          "                     9 years from 2016\n"
          "  --households N     households (in the first year)\n"
          "  --years N          years (city and panel)\n"
          "  --first-year Y     first income year\n"
          "  --level L          gzip compression level 1-9 (default 6)\n"
          "  -h, --help         this help\n",
          f);
}

static long long parse_num(const char *opt, const char *s, long long lo, long long hi)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi) {
        fprintf(stderr, PROG ": invalid value '%s' for %s (expected %lld..%lld)\n", s, opt, lo, hi);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    unsigned long seed = DEFAULT_SEED;
    int national = 0, panel = 0, level = 6;
    long long households = -1, years = -1, first_year = -1;
    const char *outpath = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        char name[32];
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        if (eq && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            val = eq + 1;
            a = name;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--national") || !strcmp(a, "--panel")) {
            if (val) {
                fprintf(stderr, PROG ": %s takes no value\n", a);
                return 2;
            }
            if (!strcmp(a, "--national")) national = 1;
            else panel = 1;
            continue;
        }
        int known = !strcmp(a, "--seed") || !strcmp(a, "--households") || !strcmp(a, "--years") ||
                    !strcmp(a, "--first-year") || !strcmp(a, "--level") || !strcmp(a, "-o") ||
                    !strcmp(a, "--output");
        if (!known) {
            fprintf(stderr, PROG ": unknown option '%s' (try --help)\n", argv[i]);
            return 2;
        }
        if (!val) {
            if (i + 1 >= argc) {
                fprintf(stderr, PROG ": %s needs a value\n", a);
                return 2;
            }
            val = argv[++i];
        }
        if (!strcmp(a, "--seed")) seed = (unsigned long)parse_num(a, val, 0, 4294967295LL);
        else if (!strcmp(a, "--households")) households = parse_num(a, val, 1, 200000000LL);
        else if (!strcmp(a, "--years")) years = parse_num(a, val, 1, 100);
        else if (!strcmp(a, "--first-year")) first_year = parse_num(a, val, 1900, 2100);
        else if (!strcmp(a, "--level")) level = (int)parse_num(a, val, 1, 9);
        else outpath = val;
    }
    if (national && panel) {
        fprintf(stderr, PROG ": --national and --panel exclude each other\n");
        return 2;
    }
    if (national && years > 1) {
        fprintf(stderr, PROG ": --national writes one year; use --panel for several\n");
        return 2;
    }
    if (!outpath || !*outpath) {
        fprintf(stderr, PROG ": no output given (-o OUT; try --help)\n");
        return 2;
    }
    if (households < 0) households = national ? 8000000 : panel ? 1500000 : 135000;
    if (years < 0) years = national ? 1 : panel ? 10 : 9;
    if (first_year < 0) first_year = national ? 2023 : panel ? 2015 : 2016;
    if (first_year + years - 1 > 2100) {
        fprintf(stderr, PROG ": years beyond 2100\n");
        return 2;
    }

    ctx_t ctx, *c = &ctx;
    memset(c, 0, sizeof *c);
    c->r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!c->r) die("out of memory");
    gsl_rng_set(c->r, seed);
    c->national = national || panel;
    c->stream = national;
    c->pf = c->national ? &PROFILE_NATIONAL : &PROFILE_CITY;
    c->pbase = 1;
    c->next_pid = 1;
    c->next_hid = 1;
    geo_init(c);
    out_open(c, outpath, level);
    out_str(c, HEADER);

    set_year(c, (int)first_year);
    if (c->stream) {
        /* one household at a time: nothing is kept between households */
        for (long long k = 0; k < households; k++) {
            c->nhh = 0;
            c->npers = 0;
            c->pbase = c->next_pid;
            int kind = pick_w(c, c->pf->kind_w, K_COUNT);
            size_t i = hh_make(c, kind, draw_wijk(c), 0);
            if (U(c) >= 0.07) c->hh[i].flags &= (uint16_t)~F_FRESH;
            write_household(c, i);
        }
    } else {
        uint64_t persons0 = 0;
        for (long long k = 0; k < households; k++) {
            int kind = pick_w(c, c->pf->kind_w, K_COUNT);
            size_t i = hh_make(c, kind, draw_wijk(c), 0);
            /* the first year: some households are new in it, as in later years */
            if (U(c) >= 0.07) c->hh[i].flags &= (uint16_t)~F_FRESH;
            persons0 += c->hh[i].n;
        }
        for (long long t = 0; t < years; t++) {
            if (t > 0) {
                set_year(c, (int)(first_year + t));
                /* migration keeps the population on a slow growth path */
                double target = (double)persons0 * pow(1.0 + c->pf->growth, (double)t);
                evolve(c, (uint64_t)llround(target));
            }
            for (size_t i = 0; i < c->nhh; i++) write_household(c, i);
        }
    }
    out_close(c);
    char span[64];
    if (years == 1) snprintf(span, sizeof span, "%lld", first_year);
    else snprintf(span, sizeof span, "%lld-%lld", first_year, first_year + years - 1);
    fprintf(stderr,
            PROG ": %" PRIu64 " rows, %" PRIu64 " household-years (%" PRIu64
            " distinct households), %" PRIu64 " distinct persons, %lld year%s (%s) -> %s\n",
            c->rows, c->hhyears, c->distinct_hh, c->distinct_p, years, years == 1 ? "" : "s", span,
            c->out.to_stdout ? "stdout" : outpath);

    free(c->hh);
    free(c->pers);
    free(c->wijk_b0);
    free(c->wijk_nb);
    free(c->wijk_region);
    free(c->wijk_eff);
    free(c->wijk_cum);
    free(c->region_w0);
    free(c->region_nw);
    free(c->bcode);
    free(c->buurt_wijk);
    gsl_rng_free(c->r);
    return 0;
}
