/* The INI-style configuration reader (internal). SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef ARMOEDE_CONFIG_H
#define ARMOEDE_CONFIG_H
#include "internal.h"

typedef struct {
    char *kind, *name; /* [kind name] */
    unsigned long at;  /* line of the header */
    char **key, **val;
    unsigned long *line;
    unsigned char *used;
    size_t n;
} am_cfg_section;

typedef struct {
    char *path, *dir; /* dir ends in '/' or is "" */
    am_cfg_section *sec;
    size_t nsec;
} am_cfg;

AM_HIDDEN int am_cfg_read(const char *path, am_cfg **out);
AM_HIDDEN void am_cfg_free(am_cfg *c);
/* Value of key in s (marked used), NULL if absent; *line = its line (or the header's). */
AM_HIDDEN const char *am_cfg_get(am_cfg_section *s, const char *key, unsigned long *line);
/* ECONFIG for the first key of s never asked for (a typo). */
AM_HIDDEN int am_cfg_unused(const am_cfg *c, const am_cfg_section *s);
AM_HIDDEN int am_cfg_list(const char *v, char ***items);
AM_HIDDEN void am_cfg_list_free(char **items, int n);
#endif
