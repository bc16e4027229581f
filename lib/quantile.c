/* Exact weighted quantiles (lib/quantile.h) and the value sort they stand on.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sort is a stable least-significant-digit radix sort of an order-
 * preserving integer key, so it is O(n) and never compares doubles:
 *  - when every value is a whole number of cents (x == round(100 x) / 100
 *    exactly, |100 x| < 2^50) the key is the number of cents;
 *  - otherwise it is the IEEE-754 bit pattern mapped so that unsigned order
 *    is numeric order (-0 is taken as +0, so equal values get equal keys).
 * Only the bits in which min and max differ are sorted, in as few passes of
 * at most 11 bits as they need, and a pass whose digit is the same for every
 * key is skipped. Incomes in cents up to 10^6 euro need 27 bits: 3 passes.
 */
/* madvise (MADV_HUGEPAGE) is outside POSIX: glibc declares it with
 * _DEFAULT_SOURCE, which must come before any system header. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif
#include "internal.h"
#include "quantile.h"

#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

void *am_big_alloc(size_t bytes)
{
    if (bytes == 0) bytes = 1;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const size_t huge = (size_t)1 << 21;
    if (bytes >= 2 * huge && bytes <= SIZE_MAX - huge) {
        size_t sz = (bytes + huge - 1) & ~(huge - 1);
        void *p = aligned_alloc(huge, sz);
        if (p) {
            (void)madvise(p, sz, MADV_HUGEPAGE); /* a hint: its failure changes nothing */
            return p;
        }
    }
#endif
    return malloc(bytes);
}

static inline uint64_t bits_key(double x)
{
    uint64_t u;
    if (x == 0.0) x = 0.0; /* -0 -> +0 */
    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : (u | UINT64_C(0x8000000000000000));
}

/* Keys for x into key[]; returns the range max - min (keys are min-shifted). */
static uint64_t make_keys(const double *x, size_t n, uint64_t *key)
{
    /* Try cents first. */
    int cents = 1;
    int64_t cmin = INT64_MAX, cmax = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        int64_t c;
        if (!am_whole_cents(x[i], &c)) { cents = 0; break; }
        key[i] = (uint64_t)c;
        if (c < cmin) cmin = c;
        if (c > cmax) cmax = c;
    }
    if (cents && n > 0) {
        for (size_t i = 0; i < n; i++)
            key[i] = (uint64_t)((int64_t)key[i] - cmin);
        return (uint64_t)(cmax - cmin);
    }
    uint64_t kmin = UINT64_MAX, kmax = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = bits_key(x[i]);
        key[i] = k;
        if (k < kmin) kmin = k;
        if (k > kmax) kmax = k;
    }
    for (size_t i = 0; i < n; i++)
        key[i] -= kmin;
    return n > 0 ? kmax - kmin : 0;
}

/* One stable LSD radix sort of keys k (type KT) carrying perm; ka/kb and
 * pa/pb are the two buffers of each; the result ends in perm. */
#define RADIX_SORT(KT, ka0, kb0)                                                               \
    do {                                                                                       \
        KT *ka = (ka0), *kb = (kb0);                                                           \
        uint32_t *pa = perm, *pb = p2;                                                         \
        size_t nb = (size_t)1 << dbits;                                                        \
        uint64_t mask = nb - 1;                                                                \
        for (size_t i = 0; i < n; i++)                                                         \
            for (int ps = 0; ps < passes; ps++)                                                \
                hist[(size_t)ps * nb + (size_t)(((uint64_t)ka[i] >> (ps * dbits)) & mask)]++;  \
        for (int ps = 0; ps < passes; ps++) {                                                  \
            size_t *h = hist + (size_t)ps * nb;                                                \
            int skip = 0;                                                                      \
            for (size_t b = 0; b < nb; b++)                                                    \
                if (h[b] == n) { skip = 1; break; }                                            \
            if (skip) continue;                                                                \
            size_t sum = 0;                                                                    \
            for (size_t b = 0; b < nb; b++) { size_t c_ = h[b]; h[b] = sum; sum += c_; }      \
            int sh = ps * dbits;                                                               \
            for (size_t i = 0; i < n; i++) {                                                   \
                size_t d = h[((uint64_t)ka[i] >> sh) & mask]++;                                \
                kb[d] = ka[i];                                                                 \
                pb[d] = pa[i];                                                                 \
            }                                                                                  \
            KT *tk = ka; ka = kb; kb = tk;                                                     \
            uint32_t *tp = pa; pa = pb; pb = tp;                                               \
        }                                                                                      \
        if (pa != perm) memcpy(perm, pa, n * sizeof *perm);                                    \
    } while (0)

/* perm[0..n) = the indices of x in ascending order of value; equal values
 * keep their original order (stable). x must hold no NaN. n < 2^32. Keys
 * whose range fits 32 bits (incomes in cents up to 42 million euro) are
 * sorted as uint32: half the memory. */
int am_sort_perm(const double *x, size_t n, uint32_t *perm)
{
    return am_sort_perm_buf(x, n, perm, NULL);
}

/* am_sort_perm with the caller's scratch of at least 20 n bytes, 8-aligned
 * (NULL: allocated here); for callers that sort many times. */
int am_sort_perm_buf(const double *x, size_t n, uint32_t *perm, void *scratch)
{
    if (n > UINT32_MAX)
        return am_fail(ARMOEDE_EINVAL, "sort: %zu values (at most %lu)", n, (unsigned long)UINT32_MAX);
    if (n == 0) return ARMOEDE_OK;
    unsigned char *buf = scratch ? scratch : malloc(n * 20);
    if (!buf) return am_fail(ARMOEDE_ENOMEM, "sort: out of memory for %zu values", n);
    uint64_t *key = (uint64_t *)(void *)buf;          /* 8 n */
    void *key2 = buf + n * 8;                         /* 8 n, or 4 n when narrow */
    uint32_t *p2 = (uint32_t *)(void *)(buf + n * 16); /* 4 n */
    uint64_t range = make_keys(x, n, key);
    for (size_t i = 0; i < n; i++)
        perm[i] = (uint32_t)i;
    int bits = 0;
    while (bits < 64 && (range >> bits) != 0) bits++;
    int passes = (bits + 10) / 11;
    int dbits = passes ? (bits + passes - 1) / passes : 0;
    if (passes == 0) { if (!scratch) free(buf); return ARMOEDE_OK; }
    int narrow = bits <= 32;
    if (narrow) { /* in place: element i moves from byte 8i to byte 4i */
        uint32_t *k32 = (uint32_t *)(void *)key;
        for (size_t i = 0; i < n; i++) k32[i] = (uint32_t)key[i];
    }
    size_t *hist = calloc((size_t)passes << dbits, sizeof *hist);
    if (!hist) {
        if (!scratch) free(buf);
        return am_fail(ARMOEDE_ENOMEM, "sort: out of memory for %zu values", n);
    }
    if (narrow) RADIX_SORT(uint32_t, (uint32_t *)(void *)key, (uint32_t *)key2);
    else RADIX_SORT(uint64_t, key, (uint64_t *)key2);
    if (!scratch) free(buf);
    free(hist);
    return ARMOEDE_OK;
}
#undef RADIX_SORT

int am_quantiles(const double *x, const double *w, size_t n, const double *p, size_t np, int rule,
                 double *out)
{
    if ((n > 0 && !x) || (np > 0 && (!p || !out)))
        return am_fail(ARMOEDE_EINVAL, "quantiles: NULL argument");
    if (rule < AM_Q_LAEKEN || rule > AM_Q_LINEAR)
        return am_fail(ARMOEDE_EINVAL, "quantiles: unknown rule %d", rule);
    if (rule == AM_Q_LINEAR && w)
        return am_fail(ARMOEDE_EINVAL, "quantiles: the linear rule (type 7) takes no weights");
    for (size_t k = 0; k < np; k++)
        if (!(p[k] >= 0.0 && p[k] <= 1.0))
            return am_fail(ARMOEDE_EINVAL, "quantiles: probability %g not in [0, 1]", p[k]);
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            return am_fail(ARMOEDE_EINVAL, "quantiles: value %zu is NaN", i);
        if (w && !(w[i] > 0.0 && isfinite(w[i])))
            return am_fail(ARMOEDE_EINVAL, "quantiles: weight %zu is %g (must be finite and > 0)", i,
                           w[i]);
    }
    if (n == 0) {
        for (size_t k = 0; k < np; k++) out[k] = NAN;
        return ARMOEDE_OK;
    }
    if (np == 0) return ARMOEDE_OK;
    uint32_t *perm = malloc(n * sizeof *perm);
    if (!perm) return am_fail(ARMOEDE_ENOMEM, "quantiles: out of memory for %zu values", n);
    int rc = am_sort_perm(x, n, perm);
    if (rc) { free(perm); return rc; }

    if (rule == AM_Q_LINEAR) {
        for (size_t k = 0; k < np; k++) {
            double h = (double)(n - 1) * p[k];
            size_t lo = (size_t)floor(h);
            if (lo >= n - 1) { out[k] = x[perm[n - 1]]; continue; }
            double a = x[perm[lo]], b = x[perm[lo + 1]];
            out[k] = a + (h - (double)lo) * (b - a);
        }
        free(perm);
        return ARMOEDE_OK;
    }

    /* Distinct values v_j with their cumulative weight C_j (long double, in
     * ascending order of value); share_j = (double)C_j / (double)T, as R's
     * cumsum(w) / sum(w). For each p: the first step j that the rule accepts. */
    long double tot = 0.0L;
    for (size_t i = 0; i < n; i++) tot += w ? w[i] : 1.0;
    double T = (double)tot;
    unsigned char *done = calloc(np, 1);
    if (!done) { free(perm); return am_fail(ARMOEDE_ENOMEM, "quantiles: out of memory"); }
    for (size_t k = 0; k < np; k++) out[k] = NAN;
    size_t left = np;
    long double cum = 0.0L;
    size_t i = 0;
    while (i < n && left > 0) {
        double v = x[perm[i]];
        size_t j = i;
        while (j < n && x[perm[j]] == v) {
            cum += w ? w[perm[j]] : 1.0;
            j++;
        }
        double share = (double)cum / T;
        int last = (j == n);
        for (size_t k = 0; k < np; k++) {
            if (done[k]) continue;
            double pk = p[k];
            int take = 0;
            double val = v;
            switch (rule) {
            case AM_Q_LAEKEN:
                /* laeken returns the smallest value at p == 0, the largest at p == 1 */
                take = pk < 1.0 ? (share > pk) : last;
                break;
            case AM_Q_GE:
                take = share >= pk || last;
                break;
            case AM_Q_EUROSTAT:
                take = share >= pk || last;
                if (take && share == pk && !last)
                    val = (double)(((long double)v + (long double)x[perm[j]]) / 2.0L);
                break;
            default: break;
            }
            if (take) {
                out[k] = val;
                done[k] = 1;
                left--;
            }
        }
        i = j;
    }
    free(done);
    free(perm);
    return ARMOEDE_OK;
}
