/*
 * libarmoede bindings: the language-neutral half of the glue that SWIG cannot
 * generate by itself (included into both generated wrappers by armoede.i).
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Options structs cross the language boundary as a dict (Python) or a named
 * list (R). amb_fields.h, generated from the headers by gen_bindings.py,
 * describes every field of every options struct (kind, offset, the size_t
 * count of an array, the nested struct); the converters in armoede.i walk
 * that table. Everything they allocate for one call (copied strings, arrays,
 * nested structs) goes into an arena freed when the call returns, so that
 * nothing leaks and nothing the library borrows dies during the call.
 */
#ifndef AMB_COMMON_H
#define AMB_COMMON_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define AMB_UNUSED __attribute__((unused))
#else
#define AMB_UNUSED
#endif

enum amb_kind {
    AMB_UINT, AMB_INT, AMB_ULONG, AMB_I32, AMB_DOUBLE, AMB_CHAR, AMB_SIZE, /* scalars */
    AMB_STR,                                  /* const char * */
    AMB_STRS, AMB_DOUBLES, AMB_INTS, AMB_I32S, AMB_INTS_E, /* arrays with a size_t count */
    AMB_TABLE, AMB_NORMS,                     /* borrowed handles */
    AMB_PSTRUCT,                              /* const T * (one, or an array with a count) */
    AMB_STRUCT                                /* T embedded */
};

typedef struct amb_struct amb_struct;
typedef struct amb_field {
    const char *name;
    int kind;
    size_t off;
    size_t count_off; /* offset + 1 of the size_t count; 0 = none */
    const amb_struct *sub;
    size_t elem_size; /* one element of an array field, or the struct sub; 0 for a scalar */
} amb_field;
struct amb_struct {
    const char *name;
    size_t size;
    const void *init; /* the *_INIT macro's value */
    const amb_field *fields;
    size_t nfields;
};

typedef struct amb_arena {
    void **p;
    size_t n, cap;
} amb_arena;

/* calloc'd block owned by the arena; NULL when out of memory. */
AMB_UNUSED static void *amb_alloc(amb_arena *a, size_t size)
{
    void *x;
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 16;
        void **p = (void **)realloc(a->p, cap * sizeof *p);
        if (!p)
            return NULL;
        a->p = p;
        a->cap = cap;
    }
    x = calloc(1, size ? size : 1);
    if (x)
        a->p[a->n++] = x;
    return x;
}

AMB_UNUSED static char *amb_strdup(amb_arena *a, const char *s)
{
    size_t len = strlen(s);
    char *c = (char *)amb_alloc(a, len + 1);
    if (c)
        memcpy(c, s, len + 1);
    return c;
}

AMB_UNUSED static void amb_arena_free(amb_arena *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->p[i]);
    free(a->p);
    a->p = NULL;
    a->n = a->cap = 0;
}

AMB_UNUSED static const amb_field *amb_find(const amb_struct *d, const char *name)
{
    for (size_t i = 0; i < d->nfields; i++)
        if (strcmp(d->fields[i].name, name) == 0)
            return &d->fields[i];
    return NULL;
}

/* "a, b, c": the field names of d, for error messages. */
AMB_UNUSED static void amb_known(const amb_struct *d, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < d->nfields && used + 1 < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", d->fields[i].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* The counts set during one fill: two arrays that share a count (columns
 * and types, interval_from and interval_to) must have the same length. */
typedef struct amb_counts {
    size_t off[32], len[32];
    int n;
} amb_counts;

/* Set the count of f to len; 0 when a sibling array of another length set it. */
AMB_UNUSED static int amb_set_count(void *s, const amb_field *f, size_t len, amb_counts *c)
{
    if (!f->count_off)
        return 1;
    for (int i = 0; i < c->n; i++)
        if (c->off[i] == f->count_off)
            return c->len[i] == len;
    if (c->n < 32) {
        c->off[c->n] = f->count_off;
        c->len[c->n++] = len;
    }
    *(size_t *)((char *)s + f->count_off - 1) = len;
    return 1;
}

#endif
