/* Helpers shared by the cmocka test programs: a temporary directory per
 * program, files written into it, assertions on doubles and strings
 * (cmocka 1.1.5 has no double-precision assert), and a qsort comparator
 * for doubles.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef ARMOEDE_TESTUTIL_H
#define ARMOEDE_TESTUTIL_H

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TU_UNUSED __attribute__((unused))

/* The program's temporary directory, made by tu_mkdtemp. */
static char g_dir[256];

/* Make /tmp/armoede-test-<tag>-XXXXXX; 0 on success (a cmocka group setup result). */
static TU_UNUSED int tu_mkdtemp(const char *tag)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/armoede-test-%s-XXXXXX", tag);
    return mkdtemp(g_dir) ? 0 : -1;
}

/* Remove the files in the temporary directory and the directory itself. */
static TU_UNUSED int tu_rmdtemp(void)
{
    DIR *d = opendir(g_dir);
    if (d) {
        struct dirent *e;
        char p[600];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof p, "%s/%s", g_dir, e->d_name);
            remove(p);
        }
        closedir(d);
    }
    return rmdir(g_dir) == 0 ? 0 : -1;
}

/* Path of `name` in the temporary directory (static buffers rotated over 4
 * slots so that a test may hold a few at once). */
static TU_UNUSED const char *tpath(const char *name)
{
    static char buf[4][600];
    static int slot = 0;
    slot = (slot + 1) % 4;
    snprintf(buf[slot], sizeof buf[slot], "%s/%s", g_dir, name);
    return buf[slot];
}

static TU_UNUSED const char *write_bytes(const char *name, const void *data, size_t len)
{
    const char *p = tpath(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    if (len > 0)
        assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return p;
}

static TU_UNUSED const char *write_text(const char *name, const char *text)
{
    return write_bytes(name, text, strlen(text));
}

/* qsort comparator for doubles, ascending. */
static TU_UNUSED int tu_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define assert_close(a, b, tol)                                                        \
    do {                                                                               \
        double a_ = (a), b_ = (b);                                                     \
        if (!(fabs(a_ - b_) <= (tol))) {                                               \
            print_error("%s = %.17g, expected %.17g\n", #a, a_, b_);                 \
            fail();                                                                    \
        }                                                                              \
    } while (0)

#define assert_str(a, b)                                                               \
    do {                                                                               \
        const char *s_ = (a);                                                          \
        if (s_ == NULL) {                                                              \
            print_error("%s is NULL, expected \"%s\"\n", #a, (b));                    \
            fail();                                                                    \
        }                                                                              \
        assert_string_equal(s_, (b));                                                  \
    } while (0)

#endif
