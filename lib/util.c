/* Small utilities: strings, growth, hashing, dictionaries.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

char *am_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *am_strdup(const char *s) { return s ? am_strndup(s, strlen(s)) : NULL; }

void *am_grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return p;
    size_t nc = *cap ? *cap : 16;
    while (nc < need) {
        if (nc > SIZE_MAX / 2 / elem) return NULL;
        nc *= 2;
    }
    void *q = realloc(p, nc * elem);
    if (!q) return NULL;
    *cap = nc;
    return q;
}

uint64_t am_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a, then a final mix */
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ULL; }
    h ^= h >> 33; h *= 0xff51afd7ed558ccdULL; h ^= h >> 33;
    return h;
}

void am_dict_free(am_dict *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) free(d->labels[i]);
    free(d->labels);
    free(d->slots);
    memset(d, 0, sizeof *d);
}

int32_t am_dict_find(const am_dict *d, const char *s, size_t n)
{
    if (!d->nslots) return -1;
    size_t mask = d->nslots - 1, i = (size_t)am_hash(s, n) & mask;
    for (;;) {
        int32_t v = d->slots[i];
        if (v == 0) return -1;
        const char *l = d->labels[v - 1];
        if (strncmp(l, s, n) == 0 && l[n] == '\0') return v - 1;
        i = (i + 1) & mask;
    }
}

static int dict_rehash(am_dict *d, size_t nslots)
{
    int32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots) return -1;
    for (size_t k = 0; k < d->n; k++) {
        size_t i = (size_t)am_hash(d->labels[k], strlen(d->labels[k])) & (nslots - 1);
        while (slots[i]) i = (i + 1) & (nslots - 1);
        slots[i] = (int32_t)(k + 1);
    }
    free(d->slots);
    d->slots = slots;
    d->nslots = nslots;
    return 0;
}

int32_t am_dict_intern(am_dict *d, const char *s, size_t n)
{
    int32_t c = am_dict_find(d, s, n);
    if (c >= 0) return c;
    if (d->n >= INT32_MAX - 1) {
        am_fail(ARMOEDE_EINVAL, "too many distinct labels (over 2^31) in one column");
        return -1;
    }
    if ((d->n + 1) * 2 > d->nslots && dict_rehash(d, d->nslots ? d->nslots * 2 : 64) != 0) goto nomem;
    char **labels = am_grow(d->labels, &d->cap, d->n + 1, sizeof *labels);
    if (!labels) goto nomem;
    d->labels = labels;
    char *l = am_strndup(s, n);
    if (!l) goto nomem;
    d->labels[d->n] = l;
    size_t i = (size_t)am_hash(s, n) & (d->nslots - 1);
    while (d->slots[i]) i = (i + 1) & (d->nslots - 1);
    d->slots[i] = (int32_t)(d->n + 1);
    return (int32_t)d->n++;
nomem:
    am_fail(ARMOEDE_ENOMEM, "out of memory building a dictionary of labels");
    return -1;
}
