/* A small INI-style configuration reader: [section name] headers and
 * key = value lines, '#' comments. Generic; monitor.c gives it meaning.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = '\0';
    return s;
}

/* Cut a trailing comment: '#' after a blank, outside "quotes" (not ';':
 * "separator = ;" is a value). */
static void cut_comment(char *s)
{
    int inq = 0;
    for (char *p = s; *p; p++) {
        if (*p == '"') inq = !inq;
        else if (!inq && *p == '#' && p > s && (p[-1] == ' ' || p[-1] == '\t')) { *p = '\0'; break; }
    }
}

void am_cfg_free(am_cfg *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->nsec; i++) {
        am_cfg_section *s = &c->sec[i];
        free(s->kind);
        free(s->name);
        for (size_t k = 0; k < s->n; k++) { free(s->key[k]); free(s->val[k]); }
        free(s->key); free(s->val); free(s->line); free(s->used);
    }
    free(c->sec);
    free(c->path);
    free(c->dir);
    free(c);
}

int am_cfg_read(const char *path, am_cfg **out)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f) return am_fail(ARMOEDE_EIO, "cannot open the configuration %s: %s", path, strerror(errno));
    am_cfg *c = calloc(1, sizeof *c);
    if (!c) { fclose(f); return am_fail(ARMOEDE_ENOMEM, "out of memory"); }
    c->path = am_strdup(path);
    const char *slash = strrchr(path, '/');
    c->dir = slash ? am_strndup(path, (size_t)(slash - path) + 1) : am_strdup("");
    int rc = (!c->path || !c->dir) ? am_fail(ARMOEDE_ENOMEM, "out of memory") : 0;
    char buf[4096];
    unsigned long line = 0;
    size_t capsec = 0;
    while (!rc && fgets(buf, sizeof buf, f)) {
        line++;
        if (!strchr(buf, '\n') && !feof(f)) { rc = am_fail(ARMOEDE_ECONFIG, "%s:%lu: line too long", path, line); break; }
        char *s = trim(buf);
        if (line == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF) s = trim(s + 3);
        if (!*s || *s == '#' || *s == ';') continue;
        cut_comment(s);
        s = trim(s);
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (!e || *trim(e + 1)) { rc = am_fail(ARMOEDE_ECONFIG, "%s:%lu: a section header looks like [kind] or [kind name]", path, line); break; }
            *e = '\0';
            char *kind = trim(s + 1), *name = kind;
            while (*name && *name != ' ' && *name != '\t') name++;
            if (*name) { *name++ = '\0'; name = trim(name); }
            if (!*kind) { rc = am_fail(ARMOEDE_ECONFIG, "%s:%lu: empty section name", path, line); break; }
            am_cfg_section *sec = am_grow(c->sec, &capsec, c->nsec + 1, sizeof *sec);
            if (!sec) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
            c->sec = sec;
            am_cfg_section *x = &c->sec[c->nsec++];
            memset(x, 0, sizeof *x);
            x->kind = am_strdup(kind);
            x->name = am_strdup(name);
            x->at = line;
            if (!x->kind || !x->name) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) { rc = am_fail(ARMOEDE_ECONFIG, "%s:%lu: expected 'key = value', got '%s'", path, line, s); break; }
        if (!c->nsec) { rc = am_fail(ARMOEDE_ECONFIG, "%s:%lu: '%s' comes before any [section]", path, line, s); break; }
        *eq = '\0';
        char *key = trim(s), *val = trim(eq + 1);
        am_cfg_section *x = &c->sec[c->nsec - 1];
        for (size_t k = 0; k < x->n; k++)
            if (strcmp(x->key[k], key) == 0) { rc = am_fail(ARMOEDE_ECONFIG, "%s:%lu: '%s' is set twice in [%s%s%s] (first on line %lu)", path, line, key, x->kind, *x->name ? " " : "", x->name, x->line[k]); break; }
        if (rc) break;
        size_t n = x->n + 1;
        char **k2 = realloc(x->key, n * sizeof *k2);
        if (k2) x->key = k2;
        char **v2 = realloc(x->val, n * sizeof *v2);
        if (v2) x->val = v2;
        unsigned long *l2 = realloc(x->line, n * sizeof *l2);
        if (l2) x->line = l2;
        unsigned char *u2 = realloc(x->used, n);
        if (u2) x->used = u2;
        if (!k2 || !v2 || !l2 || !u2) { rc = am_fail(ARMOEDE_ENOMEM, "out of memory"); break; }
        x->key[x->n] = am_strdup(key);
        x->val[x->n] = am_strdup(val);
        x->line[x->n] = line;
        x->used[x->n] = 0;
        x->n++;
        if (!x->key[x->n - 1] || !x->val[x->n - 1]) rc = am_fail(ARMOEDE_ENOMEM, "out of memory");
    }
    if (!rc && ferror(f)) rc = am_fail(ARMOEDE_EIO, "error reading %s", path);
    fclose(f);
    if (rc) { am_cfg_free(c); return rc; }
    *out = c;
    return 0;
}

const char *am_cfg_get(am_cfg_section *s, const char *key, unsigned long *line)
{
    for (size_t k = 0; k < s->n; k++)
        if (strcmp(s->key[k], key) == 0) {
            s->used[k] = 1;
            if (line) *line = s->line[k];
            return s->val[k];
        }
    if (line) *line = s->at;
    return NULL;
}

int am_cfg_unused(const am_cfg *c, const am_cfg_section *s)
{
    for (size_t k = 0; k < s->n; k++)
        if (!s->used[k])
            return am_fail(ARMOEDE_ECONFIG, "%s:%lu: unknown key '%s' in [%s%s%s]", c->path, s->line[k], s->key[k],
                           s->kind, *s->name ? " " : "", s->name);
    return 0;
}

/* Split a comma-separated list; items are trimmed, "..." quotes kept
 * literally without the quotes. Returns count or -1 (ENOMEM). */
int am_cfg_list(const char *v, char ***items)
{
    *items = NULL;
    size_t n = 0, cap = 0;
    char **it = NULL;
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == '\t') p++;
        const char *s, *e;
        char buf[1024];
        size_t len;
        if (*p == '"') {
            s = p + 1;
            e = strchr(s, '"');
            if (!e) e = s + strlen(s);
            len = (size_t)(e - s);
            p = *e ? e + 1 : e;
            while (*p && *p != ',') p++;
        } else {
            s = p;
            while (*p && *p != ',') p++;
            e = p;
            while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
            len = (size_t)(e - s);
        }
        if (len >= sizeof buf) len = sizeof buf - 1;
        memcpy(buf, s, len);
        buf[len] = '\0';
        char **g = am_grow(it, &cap, n + 1, sizeof *g);
        if (!g || !(g[n] = am_strdup(buf))) {
            if (g) it = g;
            for (size_t k = 0; k < n; k++) free(it[k]);
            free(it);
            return -1;
        }
        it = g;
        n++;
        if (*p == ',') {
            p++;
            if (!*p) { /* trailing comma: an empty last item */
                char **g2 = am_grow(it, &cap, n + 1, sizeof *g2);
                if (!g2 || !(g2[n] = am_strdup(""))) { if (g2) it = g2; for (size_t k = 0; k < n; k++) free(it[k]); free(it); return -1; }
                it = g2;
                n++;
            }
        }
    }
    *items = it;
    return (int)n;
}

void am_cfg_list_free(char **items, int n)
{
    for (int k = 0; k < n; k++) free(items[k]);
    free(items);
}
