/*
 * Unit tests of armoede_table_read_csv and the table API (include/armoede.h).
 * Every expected value is computed by hand in the comments.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "armoede.h"
#include "testutil.h"

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "."
#endif

/* ------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------- */
static int group_setup(void **state)
{
    (void)state;
    return tu_mkdtemp("reader");
}

static int group_teardown(void **state)
{
    (void)state;
    return tu_rmdtemp();
}


/* Write text as one gzip member; mode "wb" (new file) or "ab" (append a
 * second member). */
static const char *write_gz(const char *name, const char *text, const char *mode)
{
    const char *p = tpath(name);
    gzFile g = gzopen(p, mode);
    assert_non_null(g);
    assert_int_equal(gzwrite(g, text, (unsigned)strlen(text)), (int)strlen(text));
    assert_int_equal(gzclose(g), Z_OK);
    return p;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1024, n = 0;
    unsigned char *buf = malloc(cap);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* A growable string for generated CSV text. */
typedef struct {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    char tmp[512];
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert_true(k >= 0 && (size_t)k < sizeof tmp);
    if (b->n + (size_t)k + 1 > b->cap) {
        b->cap = (b->cap + (size_t)k + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    memcpy(b->s + b->n, tmp, (size_t)k + 1);
    b->n += (size_t)k;
}



/* The last error message must contain needle. */
#define assert_msg_has(needle)                                                         \
    do {                                                                               \
        const char *m_ = armoede_last_error();                                         \
        if (m_ == NULL || strstr(m_, (needle)) == NULL) {                              \
            print_error("last error \"%s\" does not contain \"%s\"\n",               \
                        m_ ? m_ : "(null)", (needle));                                 \
            fail();                                                                    \
        }                                                                              \
    } while (0)

static double getr(const armoede_table *t, const char *col, size_t i)
{
    double v = -12345.0;
    assert_int_equal(armoede_table_get_real(t, col, i, &v), ARMOEDE_OK);
    return v;
}

static int64_t geti(const armoede_table *t, const char *col, size_t i)
{
    int64_t v = -12345;
    assert_int_equal(armoede_table_get_int(t, col, i, &v), ARMOEDE_OK);
    return v;
}

/* Read expecting success. */
static armoede_table *read_ok(const char *path, const armoede_read_options *o)
{
    armoede_table *t = NULL;
    int rc = armoede_table_read_csv(path, o, &t);
    if (rc != ARMOEDE_OK) {
        print_error("read_csv(%s) = %d: %s\n", path, rc, armoede_last_error());
        fail();
    }
    assert_non_null(t);
    return t;
}

/* Read expecting error `want`; *out must be NULL afterwards. */
static void read_fails(const char *path, const armoede_read_options *o, int want)
{
    armoede_table *t = (armoede_table *)&t; /* poison: must be set to NULL */
    int rc = armoede_table_read_csv(path, o, &t);
    if (rc != want) {
        print_error("read_csv(%s) = %d, expected %d (%s)\n", path ? path : "(null)", rc, want,
                    armoede_last_error());
        if (rc == ARMOEDE_OK)
            armoede_table_free(t);
        fail();
    }
    assert_null(t);
}

/* ------------------------------------------------------------------------
 * Separators
 * ---------------------------------------------------------------------- */
static void test_read_comma_separator_detected(void **state)
{
    (void)state;
    const char *p = write_text("comma.csv", "a,b\n1,2\n3,4\n");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_nrows(t), 2);
    assert_int_equal(armoede_table_ncols(t), 2);
    assert_str(armoede_table_colname(t, 0), "a");
    assert_str(armoede_table_colname(t, 1), "b");
    assert_int_equal(geti(t, "a", 1), 3);
    assert_int_equal(geti(t, "b", 0), 2);
    armoede_table_free(t);
}

static void test_read_semicolon_separator_detected(void **state)
{
    (void)state;
    const char *p = write_text("semi.csv", "a;b;c\n1;2;x\n3;4;y\n");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_ncols(t), 3);
    assert_int_equal(armoede_table_nrows(t), 2);
    assert_int_equal(geti(t, "b", 1), 4);
    assert_str(armoede_table_get_label(t, "c", 1), "y");
    armoede_table_free(t);
}

static void test_read_tab_separator_detected(void **state)
{
    (void)state;
    const char *p = write_text("tab.tsv", "a\tb\n1\t2.5\n3\t4\n");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_ncols(t), 2);
    assert_str(armoede_table_colname(t, 1), "b");
    assert_int_equal(armoede_table_coltype(t, "b"), ARMOEDE_TYPE_REAL);
    assert_close(getr(t, "b", 0), 2.5, 0);
    assert_close(getr(t, "b", 1), 4.0, 0);
    armoede_table_free(t);
}

static void test_read_separator_detect_most_frequent(void **state)
{
    (void)state;
    /* header "a,b;c;d": ';' occurs twice, ',' once -> ';' is the separator and
     * the first column is named "a,b". */
    const char *p = write_text("mostfreq.csv", "a,b;c;d\nx,y;1;2\n");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_ncols(t), 3);
    assert_str(armoede_table_colname(t, 0), "a,b");
    assert_str(armoede_table_get_label(t, "a,b", 0), "x,y");
    assert_int_equal(geti(t, "d", 0), 2);
    armoede_table_free(t);
}

static void test_read_separator_detect_ignores_quoted(void **state)
{
    (void)state;
    /* Outside quotes the header has one ',' and no ';' -> ','. */
    const char *p = write_text("detquote.csv", "\"x;y;z\",w\n1,2\n");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_ncols(t), 2);
    assert_str(armoede_table_colname(t, 0), "x;y;z");
    assert_str(armoede_table_colname(t, 1), "w");
    assert_int_equal(geti(t, "x;y;z", 0), 1);
    armoede_table_free(t);
}

static void test_read_explicit_separator(void **state)
{
    (void)state;
    /* Detection would pick ',' (2 vs 1) but ';' is set explicitly. */
    const char *p = write_text("explicit.csv", "a,b,c;d\n1,5;7\n");
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.separator = ';';
    armoede_table *t = read_ok(p, &o);
    assert_int_equal(armoede_table_ncols(t), 2);
    assert_str(armoede_table_colname(t, 0), "a,b,c");
    /* "1,5" with decimal '.' is not a number -> CAT */
    assert_int_equal(armoede_table_coltype(t, "a,b,c"), ARMOEDE_TYPE_CAT);
    assert_str(armoede_table_get_label(t, "a,b,c", 0), "1,5");
    assert_int_equal(geti(t, "d", 0), 7);
    armoede_table_free(t);
}

/* ------------------------------------------------------------------------
 * Numbers
 * ---------------------------------------------------------------------- */
static void test_read_decimal_comma_thousands_dot(void **state)
{
    (void)state;
    const char *p = write_text("deccomma.csv", "id;amount\n"
                                               "1;1.234,50\n"     /* 1234.5 */
                                               "2;2,5\n"          /* 2.5 */
                                               "3;-3\n"           /* -3 */
                                               "4;1.234.567,25\n" /* 1234567.25 */
                                               "5; 0,75 \n");     /* 0.75, spaces trimmed */
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.separator = ';';
    o.decimal = ',';
    armoede_table *t = read_ok(p, &o);
    assert_int_equal(armoede_table_nrows(t), 5);
    assert_int_equal(armoede_table_coltype(t, "id"), ARMOEDE_TYPE_INT);
    assert_int_equal(armoede_table_coltype(t, "amount"), ARMOEDE_TYPE_REAL);
    assert_close(getr(t, "amount", 0), 1234.5, 0);
    assert_close(getr(t, "amount", 1), 2.5, 0);
    assert_close(getr(t, "amount", 2), -3.0, 0);
    assert_close(getr(t, "amount", 3), 1234567.25, 0);
    assert_close(getr(t, "amount", 4), 0.75, 0);
    armoede_table_free(t);
}

static void test_read_decimal_comma_needs_other_separator(void **state)
{
    (void)state;
    const char *p = write_text("deccomma2.csv", "a,b\n1,2\n");
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.separator = ',';
    o.decimal = ',';
    read_fails(p, &o, ARMOEDE_EINVAL);
}

static void test_read_bad_separator_or_decimal_einval(void **state)
{
    (void)state;
    const char *p = write_text("badsep.csv", "a,b\n1,2\n");
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.separator = '|';
    read_fails(p, &o, ARMOEDE_EINVAL);
    armoede_read_options_init(&o);
    o.decimal = 'x';
    read_fails(p, &o, ARMOEDE_EINVAL);
}

static void test_read_type_inference(void **state)
{
    (void)state;
    const char *p = write_text("types.csv", "i,r,c,e,z\n"
                                            "1,1.5,abc,1e3,0\n"
                                            "-2,2,def,2.5E-1,+5\n"
                                            " 7 ,-0.25,1,3,10\n");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_nrows(t), 3);
    assert_int_equal(armoede_table_coltype(t, "i"), ARMOEDE_TYPE_INT);
    assert_int_equal(armoede_table_coltype(t, "r"), ARMOEDE_TYPE_REAL);
    assert_int_equal(armoede_table_coltype(t, "c"), ARMOEDE_TYPE_CAT);
    assert_int_equal(armoede_table_coltype(t, "e"), ARMOEDE_TYPE_REAL);
    /* "0", "+5", "10": integers without a leading zero */
    assert_int_equal(armoede_table_coltype(t, "z"), ARMOEDE_TYPE_INT);
    assert_int_equal(geti(t, "i", 0), 1);
    assert_int_equal(geti(t, "i", 1), -2);
    assert_int_equal(geti(t, "i", 2), 7); /* spaces trimmed */
    assert_close(getr(t, "r", 0), 1.5, 0);
    assert_close(getr(t, "r", 1), 2.0, 0);
    assert_close(getr(t, "r", 2), -0.25, 0);
    assert_close(getr(t, "e", 0), 1000.0, 0);
    assert_close(getr(t, "e", 1), 0.25, 0);
    assert_close(getr(t, "e", 2), 3.0, 0);
    assert_int_equal(geti(t, "z", 0), 0);
    assert_int_equal(geti(t, "z", 1), 5);
    assert_str(armoede_table_get_label(t, "c", 0), "abc");
    assert_str(armoede_table_get_label(t, "c", 2), "1");
    /* get_real of an INT column converts */
    assert_close(getr(t, "i", 1), -2.0, 0);
    armoede_table_free(t);
}

static void test_read_leading_zero_stays_cat(void **state)
{
    (void)state;
    const char *p = write_text("lead0.csv", "code,n\n0014,1\n0363,2\n14,3\n");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_coltype(t, "code"), ARMOEDE_TYPE_CAT);
    assert_str(armoede_table_get_label(t, "code", 0), "0014");
    assert_str(armoede_table_get_label(t, "code", 1), "0363");
    assert_str(armoede_table_get_label(t, "code", 2), "14");
    assert_int_equal(armoede_table_nlevels(t, "code"), 3);
    armoede_table_free(t);
}

/* 1000 integer rows, then row 1001 holds `last` in column v. */
static const char *write_1001(const char *name, const char *last, int other_ok)
{
    sbuf b = {0};
    sb_add(&b, "id,vcol,w\n");
    for (int i = 1; i <= 1000; i++)
        sb_add(&b, "%d,%d,%d\n", i, i, i);
    sb_add(&b, "1001,%s,%s\n", last, other_ok ? "1001" : "zzz");
    const char *p = write_bytes(name, b.s, b.n);
    free(b.s);
    return p;
}

/* Integers are stored in the narrowest width that holds them, widened as
 * larger values arrive (the smallest value of each width is its missing
 * value, so -128 needs 16 bits); every value must come back exactly. */
static void test_read_int_widths_exact(void **state)
{
    (void)state;
    const char *p = write_text("widths.csv",
                               "a,b,c,d\n"
                               "1,1,1,1\n"
                               "-127,-128,300,NA\n"
                               "127,NA,70000,-9223372036854775807\n"
                               "NA,32767,-2147483647,9223372036854775807\n"
                               "0,-32768,5000000000,0\n");
    armoede_table *t = read_ok(p, NULL);
    int64_t v;
    static const int64_t want[4][5] = {
        {1, -127, 127, ARMOEDE_NA_INT, 0},
        {1, -128, ARMOEDE_NA_INT, 32767, -32768},
        {1, 300, 70000, -2147483647, 5000000000LL},
        {1, ARMOEDE_NA_INT, -9223372036854775807LL, 9223372036854775807LL, 0}};
    static const char *const cols[4] = {"a", "b", "c", "d"};
    for (int c = 0; c < 4; c++) {
        assert_int_equal(armoede_table_coltype(t, cols[c]), ARMOEDE_TYPE_INT);
        for (size_t i = 0; i < 5; i++) {
            assert_int_equal(armoede_table_get_int(t, cols[c], i, &v), ARMOEDE_OK);
            assert_true(v == want[c][i]);
        }
    }
    assert_int_equal(armoede_table_nmissing(t, "a"), 1);
    assert_int_equal(armoede_table_nmissing(t, "b"), 1);
    assert_int_equal(armoede_table_nmissing(t, "d"), 1);
    armoede_table_free(t);
    /* the same through armoede_table_add_int with a copy */
    int64_t x[5] = {1, -128, ARMOEDE_NA_INT, 32767, -32768};
    assert_int_equal(armoede_table_new(5, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "x", x, 5, 1), ARMOEDE_OK);
    x[0] = 99; /* copied: the table keeps 1 */
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(armoede_table_get_int(t, "x", i, &v), ARMOEDE_OK);
        assert_true(v == (i == 0 ? 1 : x[i]));
    }
    armoede_table_free(t);
}

static void test_read_int_promoted_to_real_after_1000_rows(void **state)
{
    (void)state;
    const char *p = write_1001("promote.csv", "2.5", 1);
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_nrows(t), 1001);
    assert_int_equal(armoede_table_coltype(t, "vcol"), ARMOEDE_TYPE_REAL);
    assert_int_equal(armoede_table_coltype(t, "w"), ARMOEDE_TYPE_INT);
    assert_int_equal(armoede_table_coltype(t, "id"), ARMOEDE_TYPE_INT);
    assert_close(getr(t, "vcol", 0), 1.0, 0);
    assert_close(getr(t, "vcol", 999), 1000.0, 0);
    assert_close(getr(t, "vcol", 1000), 2.5, 0);
    assert_int_equal(armoede_table_nmissing(t, "vcol"), 0);
    armoede_table_free(t);
}

static void test_read_int_promoted_by_late_exponent(void **state)
{
    (void)state;
    /* "1e3" fits REAL only: the INT column becomes REAL, values exact */
    const char *p = write_1001("promote_exp.csv", "1e3", 1);
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_coltype(t, "vcol"), ARMOEDE_TYPE_REAL);
    assert_close(getr(t, "vcol", 1000), 1000.0, 0);
    assert_close(getr(t, "vcol", 41), 42.0, 0);
    armoede_table_free(t);
}

/* A later "0014" in a column inferred as numeric is a code, not 14. */
static void test_read_late_leading_zero_etype(void **state)
{
    (void)state;
    const char *p = write_1001("latezero.csv", "0014", 1);
    read_fails(p, NULL, ARMOEDE_ETYPE);
    assert_msg_has("1002");
    assert_msg_has("0014");
    assert_msg_has("leading zero");
}

/* CR-only line ends (old Mac files) are refused, not read as one line;
 * a CR inside quotes is data. */
static void test_read_cr_only_line_ends_eparse(void **state)
{
    (void)state;
    read_fails(write_text("cr.csv", "a,b\r1,2\r3,4\r"), NULL, ARMOEDE_EPARSE);
    assert_msg_has("carriage return");
    read_fails(write_text("cr2.csv", "a,b\n1,2\r3,4\n"), NULL, ARMOEDE_EPARSE);
    assert_msg_has("line 2");
    armoede_table *t = read_ok(write_text("cr3.csv", "a,b\n\"x\ry\",2\n"), NULL);
    assert_str(armoede_table_get_label(t, "a", 0), "x\ry");
    armoede_table_free(t);
}

static void test_read_late_text_in_int_column_etype(void **state)
{
    (void)state;
    /* header = line 1, data row k = line k + 1: row 1001 is line 1002 */
    const char *p = write_1001("latetext.csv", "oops", 1);
    read_fails(p, NULL, ARMOEDE_ETYPE);
    assert_msg_has("latetext.csv");
    assert_msg_has("1002");
    assert_msg_has("vcol");
    assert_msg_has("oops");
}

static void test_read_late_text_in_real_column_etype(void **state)
{
    (void)state;
    sbuf b = {0};
    sb_add(&b, "id,amount_x\n");
    for (int i = 1; i <= 1000; i++)
        sb_add(&b, "%d,%d.5\n", i, i);
    sb_add(&b, "1001,n/a\n");
    const char *p = write_bytes("latereal.csv", b.s, b.n);
    free(b.s);
    read_fails(p, NULL, ARMOEDE_ETYPE);
    assert_msg_has("latereal.csv");
    assert_msg_has("1002");
    assert_msg_has("amount_x");
    assert_msg_has("n/a");
}

static void test_read_late_number_in_cat_column_ok(void **state)
{
    (void)state;
    sbuf b = {0};
    sb_add(&b, "id,lab\n");
    for (int i = 1; i <= 1000; i++)
        sb_add(&b, "%d,x%d\n", i, i % 3);
    sb_add(&b, "1001,42\n");
    const char *p = write_bytes("latecat.csv", b.s, b.n);
    free(b.s);
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_coltype(t, "lab"), ARMOEDE_TYPE_CAT);
    assert_str(armoede_table_get_label(t, "lab", 1000), "42");
    /* labels in order of first appearance: x1 (row 1), x2, x0, 42 */
    assert_int_equal(armoede_table_nlevels(t, "lab"), 4);
    assert_str(armoede_table_level(t, "lab", 0), "x1");
    assert_str(armoede_table_level(t, "lab", 3), "42");
    armoede_table_free(t);
}

static void test_read_declared_types(void **state)
{
    (void)state;
    const char *p = write_text("declared.csv", "code,amount,other\n0014,3,x\n15,4.5,y\n");
    const char *cols[] = {"code", "amount"};
    const armoede_type types[] = {ARMOEDE_TYPE_CAT, ARMOEDE_TYPE_REAL};
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.columns = cols;
    o.types = types;
    o.n_columns = 2;
    armoede_table *t = read_ok(p, &o);
    assert_int_equal(armoede_table_ncols(t), 2);
    assert_int_equal(armoede_table_coltype(t, "code"), ARMOEDE_TYPE_CAT);
    assert_int_equal(armoede_table_coltype(t, "amount"), ARMOEDE_TYPE_REAL);
    assert_int_equal(armoede_table_coltype(t, "other"), ARMOEDE_ENOTFOUND);
    assert_str(armoede_table_get_label(t, "code", 1), "15");
    assert_close(getr(t, "amount", 0), 3.0, 0);
    assert_close(getr(t, "amount", 1), 4.5, 0);
    armoede_table_free(t);
}

static void test_read_declared_int_is_strict(void **state)
{
    (void)state;
    /* A declared INT column is not promoted: "2.5" on line 13 is ETYPE
     * (header line 1, integer rows on lines 2-12). */
    sbuf b = {0};
    sb_add(&b, "n_kids,name\n");
    for (int i = 0; i < 11; i++)
        sb_add(&b, "%d,a\n", i);
    sb_add(&b, "2.5,b\n");
    const char *p = write_bytes("strict.csv", b.s, b.n);
    free(b.s);
    const char *cols[] = {"n_kids"};
    const armoede_type types[] = {ARMOEDE_TYPE_INT};
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.columns = cols;
    o.types = types;
    o.n_columns = 1;
    read_fails(p, &o, ARMOEDE_ETYPE);
    assert_msg_has("strict.csv");
    assert_msg_has("13");
    assert_msg_has("n_kids");
    assert_msg_has("2.5");
}

static void test_read_declared_real_rejects_text(void **state)
{
    (void)state;
    const char *p = write_text("strictreal.csv", "inc\n10.5\nabc\n");
    const char *cols[] = {"inc"};
    const armoede_type types[] = {ARMOEDE_TYPE_REAL};
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.columns = cols;
    o.types = types;
    o.n_columns = 1;
    read_fails(p, &o, ARMOEDE_ETYPE);
    assert_msg_has("strictreal.csv");
    assert_msg_has("inc");
    assert_msg_has("abc");
}

static void test_read_declared_int_accepts_int(void **state)
{
    (void)state;
    const char *p = write_text("declint.csv", "v\n1\nNA\n-3\n");
    const char *cols[] = {"v"};
    const armoede_type types[] = {ARMOEDE_TYPE_INT};
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.columns = cols;
    o.types = types;
    o.n_columns = 1;
    armoede_table *t = read_ok(p, &o);
    assert_int_equal(armoede_table_nrows(t), 3);
    assert_int_equal(geti(t, "v", 0), 1);
    assert_true(geti(t, "v", 1) == ARMOEDE_NA_INT);
    assert_int_equal(geti(t, "v", 2), -3);
    armoede_table_free(t);
}

/* ------------------------------------------------------------------------
 * Missing values
 * ---------------------------------------------------------------------- */
static void test_read_na_default_tokens(void **state)
{
    (void)state;
    const char *p = write_text("na.csv", "a,b,c\n"
                                         "1,x,1.5\n"
                                         "NA,y,NA\n"
                                         "-,NA,-\n"
                                         ".,z,.\n"
                                         ",,\n"
                                         " NA ,w, 2.5\n");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_nrows(t), 6);
    assert_int_equal(armoede_table_coltype(t, "a"), ARMOEDE_TYPE_INT);
    assert_int_equal(armoede_table_coltype(t, "b"), ARMOEDE_TYPE_CAT);
    assert_int_equal(armoede_table_coltype(t, "c"), ARMOEDE_TYPE_REAL);
    /* a: NA, -, ., "", " NA " -> 5 missing */
    assert_int_equal(armoede_table_nmissing(t, "a"), 5);
    assert_true(geti(t, "a", 1) == ARMOEDE_NA_INT);
    assert_int_equal(geti(t, "a", 0), 1);
    /* b: row 2 "NA" and row 4 "" missing */
    assert_int_equal(armoede_table_nmissing(t, "b"), 2);
    assert_null(armoede_table_get_label(t, "b", 2));
    assert_null(armoede_table_get_label(t, "b", 4));
    assert_str(armoede_table_get_label(t, "b", 5), "w");
    assert_int_equal(armoede_table_nlevels(t, "b"), 4); /* x y z w */
    /* c: NA, -, ., "" -> 4 missing */
    assert_int_equal(armoede_table_nmissing(t, "c"), 4);
    assert_true(isnan(getr(t, "c", 3)));
    assert_close(getr(t, "c", 5), 2.5, 0);
    armoede_table_free(t);
}

static void test_read_na_custom_tokens(void **state)
{
    (void)state;
    const char *p = write_text("nacustom.csv", "a,b\n1,NA\n999,2\n3,-\n");
    const char *na[] = {"999"};
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.na_tokens = na;
    o.n_na_tokens = 1;
    armoede_table *t = read_ok(p, &o);
    assert_int_equal(armoede_table_coltype(t, "a"), ARMOEDE_TYPE_INT);
    assert_int_equal(armoede_table_nmissing(t, "a"), 1);
    assert_true(geti(t, "a", 1) == ARMOEDE_NA_INT);
    /* "NA" and "-" are ordinary values now -> b is CAT with 3 labels */
    assert_int_equal(armoede_table_coltype(t, "b"), ARMOEDE_TYPE_CAT);
    assert_int_equal(armoede_table_nmissing(t, "b"), 0);
    assert_str(armoede_table_get_label(t, "b", 0), "NA");
    assert_str(armoede_table_get_label(t, "b", 2), "-");
    armoede_table_free(t);
}

static void test_read_na_none(void **state)
{
    (void)state;
    const char *p = write_text("nanone.csv", "b\nNA\nx\n.\n");
    const char *dummy[] = {"unused"};
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.na_tokens = dummy;
    o.n_na_tokens = 0; /* non-NULL pointer, zero tokens: nothing is missing */
    armoede_table *t = read_ok(p, &o);
    assert_int_equal(armoede_table_nmissing(t, "b"), 0);
    assert_str(armoede_table_get_label(t, "b", 0), "NA");
    assert_str(armoede_table_get_label(t, "b", 2), ".");
    armoede_table_free(t);
}

/* ------------------------------------------------------------------------
 * Column selection
 * ---------------------------------------------------------------------- */
static void test_read_column_subset(void **state)
{
    (void)state;
    const char *p = write_text("subset.csv", "a,b,c\n1,x,2.5\n2,y,3.5\n");
    const char *cols[] = {"c", "a"};
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.columns = cols;
    o.n_columns = 2;
    armoede_table *t = read_ok(p, &o);
    assert_int_equal(armoede_table_ncols(t), 2);
    assert_int_equal(armoede_table_nrows(t), 2);
    assert_int_equal(armoede_table_coltype(t, "b"), ARMOEDE_ENOTFOUND);
    assert_int_equal(armoede_table_coltype(t, "a"), ARMOEDE_TYPE_INT);
    assert_int_equal(armoede_table_coltype(t, "c"), ARMOEDE_TYPE_REAL);
    assert_int_equal(geti(t, "a", 1), 2);
    assert_close(getr(t, "c", 1), 3.5, 0);
    armoede_table_free(t);
}

static void test_read_missing_requested_column(void **state)
{
    (void)state;
    const char *p = write_text("subset2.csv", "a,b\n1,2\n");
    const char *cols[] = {"a", "no_such_col"};
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.columns = cols;
    o.n_columns = 2;
    read_fails(p, &o, ARMOEDE_ENOTFOUND);
    assert_msg_has("no_such_col");
}

static void test_read_subset_skips_other_columns(void **state)
{
    (void)state;
    /* column w holds "zzz" in row 1001 (would be ETYPE), but only id and
     * vcol are loaded. */
    const char *p = write_1001("skipw.csv", "1001", 0);
    const char *cols[] = {"id", "vcol"};
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.columns = cols;
    o.n_columns = 2;
    armoede_table *t = read_ok(p, &o);
    assert_int_equal(armoede_table_nrows(t), 1001);
    assert_int_equal(geti(t, "vcol", 1000), 1001);
    armoede_table_free(t);
    /* and without the subset it is the documented ETYPE */
    read_fails(p, NULL, ARMOEDE_ETYPE);
    assert_msg_has("zzz");
}

/* ------------------------------------------------------------------------
 * Quoting, header, line ends
 * ---------------------------------------------------------------------- */
static void test_read_quoted_fields(void **state)
{
    (void)state;
    const char *p = write_text("quoted.csv", "name,note,v\n"
                                             "\"Smith, J.\",\"He said \"\"hi\"\"\",1\n"
                                             "\"multi\nline\",plain,2\n"
                                             "z,\"a;b\",3\n");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_nrows(t), 3);
    assert_int_equal(armoede_table_ncols(t), 3);
    assert_str(armoede_table_get_label(t, "name", 0), "Smith, J.");
    assert_str(armoede_table_get_label(t, "note", 0), "He said \"hi\"");
    assert_str(armoede_table_get_label(t, "name", 1), "multi\nline");
    assert_str(armoede_table_get_label(t, "note", 2), "a;b");
    assert_str(armoede_table_get_label(t, "name", 2), "z");
    assert_int_equal(armoede_table_coltype(t, "v"), ARMOEDE_TYPE_INT);
    assert_int_equal(geti(t, "v", 2), 3);
    armoede_table_free(t);
}

static void test_read_error_line_after_embedded_newline(void **state)
{
    (void)state;
    /* Line numbers are lines of the file: header line 1, rows on lines
     * 2-10, a quoted field spanning lines 11-12, the ragged row on line 13
     * (it is the 11th record, so a record count would say 12). */
    sbuf b = {0};
    sb_add(&b, "a,b\n");
    for (int i = 0; i < 9; i++)
        sb_add(&b, "r%d,%d\n", i, i);
    sb_add(&b, "\"x\ny\",1\nonly_one\n");
    const char *p = write_bytes("embedded_nl.csv", b.s, b.n);
    free(b.s);
    read_fails(p, NULL, ARMOEDE_EPARSE);
    assert_msg_has("embedded_nl.csv");
    assert_msg_has("13");
}

static void test_read_header_names(void **state)
{
    (void)state;
    const char *p = write_text("hdr.csv", "person_id,household id,\"in,come\"\n1,2,3\n");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_ncols(t), 3);
    assert_str(armoede_table_colname(t, 0), "person_id");
    assert_str(armoede_table_colname(t, 1), "household id");
    assert_str(armoede_table_colname(t, 2), "in,come");
    assert_null(armoede_table_colname(t, 3));
    armoede_table_free(t);
}

static void test_read_utf8_bom(void **state)
{
    (void)state;
    const char *p = write_text("bom.csv", "\xEF\xBB\xBF" "a,b\n1,2\n");
    armoede_table *t = read_ok(p, NULL);
    assert_str(armoede_table_colname(t, 0), "a");
    assert_int_equal(armoede_table_coltype(t, "a"), ARMOEDE_TYPE_INT);
    assert_int_equal(geti(t, "a", 0), 1);
    armoede_table_free(t);
}

static void test_read_crlf(void **state)
{
    (void)state;
    const char *p = write_text("crlf.csv", "a,b\r\n1,x\r\n2,\"y\"\r\n");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_nrows(t), 2);
    assert_str(armoede_table_colname(t, 1), "b");
    assert_int_equal(armoede_table_coltype(t, "a"), ARMOEDE_TYPE_INT);
    assert_str(armoede_table_get_label(t, "b", 0), "x");
    assert_str(armoede_table_get_label(t, "b", 1), "y");
    assert_int_equal(geti(t, "a", 1), 2);
    armoede_table_free(t);
}

static void test_read_no_trailing_newline(void **state)
{
    (void)state;
    const char *p = write_text("nonl.csv", "a\n1\n2");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_nrows(t), 2);
    assert_int_equal(geti(t, "a", 1), 2);
    armoede_table_free(t);
}

static void test_read_empty_file_eparse(void **state)
{
    (void)state;
    /* no header row at all */
    const char *p = write_bytes("empty.csv", "", 0);
    read_fails(p, NULL, ARMOEDE_EPARSE);
}

static void test_read_header_only(void **state)
{
    (void)state;
    const char *p = write_text("hdronly.csv", "a,b,c\n");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_nrows(t), 0);
    assert_int_equal(armoede_table_ncols(t), 3);
    assert_str(armoede_table_colname(t, 2), "c");
    armoede_table_free(t);
}

static void test_read_duplicate_column_eparse(void **state)
{
    (void)state;
    const char *p = write_text("dupcol.csv", "a,b,a\n1,2,3\n");
    read_fails(p, NULL, ARMOEDE_EPARSE);
    assert_msg_has("dupcol.csv");
    assert_msg_has("a");
}

static void test_read_ragged_short_row_eparse(void **state)
{
    (void)state;
    /* header line 1, good rows on lines 2-11, the short row on line 12 */
    sbuf b = {0};
    sb_add(&b, "a,b,c\n");
    for (int i = 0; i < 10; i++)
        sb_add(&b, "%d,2,3\n", i);
    sb_add(&b, "4,5\n");
    const char *p = write_bytes("ragged_short.csv", b.s, b.n);
    free(b.s);
    read_fails(p, NULL, ARMOEDE_EPARSE);
    assert_msg_has("ragged_short.csv");
    assert_msg_has("12");
}

static void test_read_ragged_long_row_eparse(void **state)
{
    (void)state;
    /* header line 1, good rows on lines 2-14, the long row on line 15 */
    sbuf b = {0};
    sb_add(&b, "a,b\n");
    for (int i = 0; i < 13; i++)
        sb_add(&b, "%d,2\n", i);
    sb_add(&b, "5,6,7\n");
    const char *p = write_bytes("ragged_long.csv", b.s, b.n);
    free(b.s);
    read_fails(p, NULL, ARMOEDE_EPARSE);
    assert_msg_has("ragged_long.csv");
    assert_msg_has("15");
}

static void test_read_unterminated_quote_eparse(void **state)
{
    (void)state;
    const char *p = write_text("unterm.csv", "a,b\n1,\"abc\n2,3\n");
    read_fails(p, NULL, ARMOEDE_EPARSE);
    assert_msg_has("unterm.csv");
}

/* ------------------------------------------------------------------------
 * gzip
 * ---------------------------------------------------------------------- */
static void test_read_gzip_named_csv(void **state)
{
    (void)state;
    /* gzip content under a .csv name: told apart by the magic bytes */
    const char *p = write_gz("zipped.csv", "a,b\n1,x\n2,y\n", "wb");
    size_t len;
    unsigned char *raw = slurp(p, &len);
    assert_true(len > 2 && raw[0] == 0x1f && raw[1] == 0x8b);
    free(raw);
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_nrows(t), 2);
    assert_int_equal(geti(t, "a", 1), 2);
    assert_str(armoede_table_get_label(t, "b", 0), "x");
    armoede_table_free(t);
}

static void test_read_plain_named_gz(void **state)
{
    (void)state;
    const char *p = write_text("plain.csv.gz", "a,b\n1,x\n2,y\n3,z\n");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_nrows(t), 3);
    assert_str(armoede_table_get_label(t, "b", 2), "z");
    armoede_table_free(t);
}

static void test_read_multi_member_gzip(void **state)
{
    (void)state;
    write_gz("multi.csv.gz", "a,b\n1,x\n2,y\n", "wb");
    const char *p = write_gz("multi.csv.gz", "3,z\n4,w\n", "ab"); /* second member */
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_nrows(t), 4);
    assert_int_equal(geti(t, "a", 2), 3);
    assert_int_equal(geti(t, "a", 3), 4);
    assert_str(armoede_table_get_label(t, "b", 3), "w");
    armoede_table_free(t);
}

static const char *write_big_gz(const char *name)
{
    sbuf b = {0};
    sb_add(&b, "id,value,label\n");
    for (int i = 0; i < 3000; i++)
        sb_add(&b, "%d,%d.25,lab%d\n", i, i * 7, i % 13);
    const char *p = write_gz(name, b.s, "wb");
    free(b.s);
    return p;
}

static void test_read_truncated_gzip_eparse(void **state)
{
    (void)state;
    const char *p = write_big_gz("trunc.csv.gz");
    size_t len;
    unsigned char *raw = slurp(p, &len);
    assert_true(len > 100);
    write_bytes("trunc.csv.gz", raw, len / 2); /* cut in the middle */
    free(raw);
    read_fails(p, NULL, ARMOEDE_EPARSE);
    assert_msg_has("trunc.csv.gz");
}

static void test_read_gzip_missing_trailer_eparse(void **state)
{
    (void)state;
    /* all compressed data but the 8-byte CRC/length trailer */
    const char *p = write_big_gz("notrailer.csv.gz");
    size_t len;
    unsigned char *raw = slurp(p, &len);
    write_bytes("notrailer.csv.gz", raw, len - 8);
    free(raw);
    read_fails(p, NULL, ARMOEDE_EPARSE);
}

static void test_read_corrupt_gzip_crc_eparse(void **state)
{
    (void)state;
    const char *p = write_big_gz("badcrc.csv.gz");
    size_t len;
    unsigned char *raw = slurp(p, &len);
    raw[len - 8] ^= 0xff; /* first byte of the CRC32 trailer */
    write_bytes("badcrc.csv.gz", raw, len);
    free(raw);
    read_fails(p, NULL, ARMOEDE_EPARSE);
}

static void test_read_gzip_big_roundtrip(void **state)
{
    (void)state;
    const char *p = write_big_gz("big.csv.gz");
    armoede_table *t = read_ok(p, NULL);
    assert_int_equal(armoede_table_nrows(t), 3000);
    assert_int_equal(armoede_table_coltype(t, "value"), ARMOEDE_TYPE_REAL);
    assert_close(getr(t, "value", 2999), 2999 * 7 + 0.25, 0);
    assert_str(armoede_table_get_label(t, "label", 2999), "lab9"); /* 2999 % 13 = 9 */
    armoede_table_free(t);
}

/* ------------------------------------------------------------------------
 * Argument errors
 * ---------------------------------------------------------------------- */
static void test_read_missing_file_eio(void **state)
{
    (void)state;
    read_fails(tpath("does-not-exist.csv"), NULL, ARMOEDE_EIO);
    assert_msg_has("does-not-exist.csv");
}

static void test_read_bad_args_einval(void **state)
{
    (void)state;
    const char *p = write_text("args.csv", "a\n1\n");
    read_fails(NULL, NULL, ARMOEDE_EINVAL);
    assert_int_equal(armoede_table_read_csv(p, NULL, NULL), ARMOEDE_EINVAL);
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.version = 9999;
    read_fails(p, &o, ARMOEDE_EINVAL);
}

static void test_read_options_init(void **state)
{
    (void)state;
    armoede_read_options o;
    memset(&o, 0x5a, sizeof o);
    armoede_read_options_init(&o);
    assert_int_equal(o.version, ARMOEDE_READ_OPTIONS_VERSION);
    assert_int_equal(o.separator, 0);
    assert_int_equal(o.decimal, 0);
    assert_null(o.na_tokens);
    assert_null(o.columns);
    assert_null(o.types);
    assert_int_equal(o.n_columns, 0);
}

/* ------------------------------------------------------------------------
 * Table API
 * ---------------------------------------------------------------------- */
static void test_table_new_and_dims(void **state)
{
    (void)state;
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(3, &t), ARMOEDE_OK);
    assert_non_null(t);
    assert_int_equal(armoede_table_nrows(t), 3);
    assert_int_equal(armoede_table_ncols(t), 0);
    assert_null(armoede_table_colname(t, 0));
    armoede_table_free(t);
    assert_int_equal(armoede_table_new(3, NULL), ARMOEDE_EINVAL);
}

static void test_table_add_real_borrow(void **state)
{
    (void)state;
    /* heap array freed after the table: a table that freed it would be a
     * double free under ASan/valgrind */
    double *x = malloc(3 * sizeof *x);
    assert_non_null(x);
    x[0] = 1.5;
    x[1] = NAN;
    x[2] = -2.25;
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(3, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "x", x, 3, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_ncols(t), 1);
    assert_str(armoede_table_colname(t, 0), "x");
    assert_int_equal(armoede_table_coltype(t, "x"), ARMOEDE_TYPE_REAL);
    assert_close(getr(t, "x", 0), 1.5, 0);
    assert_true(isnan(getr(t, "x", 1)));
    assert_close(getr(t, "x", 2), -2.25, 0);
    assert_int_equal(armoede_table_nmissing(t, "x"), 1);
    armoede_table_free(t);
    free(x);
}

static void test_table_add_real_copy(void **state)
{
    (void)state;
    double x[2] = {3.0, 4.0};
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(2, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "x", x, 2, 1), ARMOEDE_OK);
    x[0] = 99.0; /* the table holds its own copy */
    assert_close(getr(t, "x", 0), 3.0, 0);
    assert_close(getr(t, "x", 1), 4.0, 0);
    assert_int_equal(armoede_table_nmissing(t, "x"), 0);
    armoede_table_free(t);
}

static void test_table_add_int_borrow_and_missing(void **state)
{
    (void)state;
    int64_t *v = malloc(4 * sizeof *v);
    assert_non_null(v);
    v[0] = 7;
    v[1] = ARMOEDE_NA_INT;
    v[2] = -3;
    v[3] = INT64_C(1) << 40;
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(4, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "v", v, 4, 0), ARMOEDE_OK);
    assert_int_equal(armoede_table_coltype(t, "v"), ARMOEDE_TYPE_INT);
    assert_int_equal(geti(t, "v", 0), 7);
    assert_true(geti(t, "v", 1) == ARMOEDE_NA_INT);
    assert_true(geti(t, "v", 3) == (INT64_C(1) << 40));
    assert_true(isnan(getr(t, "v", 1)));
    assert_close(getr(t, "v", 2), -3.0, 0);
    assert_int_equal(armoede_table_nmissing(t, "v"), 1);
    armoede_table_free(t);
    free(v);
}

static void test_table_add_int_copy(void **state)
{
    (void)state;
    int64_t v[2] = {10, 20};
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(2, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "v", v, 2, 1), ARMOEDE_OK);
    v[1] = 0;
    assert_int_equal(geti(t, "v", 1), 20);
    armoede_table_free(t);
}

static void test_table_add_bad_args_einval(void **state)
{
    (void)state;
    double x[3] = {1, 2, 3};
    int64_t v[3] = {1, 2, 3};
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(3, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "x", x, 2, 1), ARMOEDE_EINVAL); /* n != nrows */
    assert_int_equal(armoede_table_add_real(t, NULL, x, 3, 1), ARMOEDE_EINVAL);
    assert_int_equal(armoede_table_add_real(t, "x", NULL, 3, 1), ARMOEDE_EINVAL);
    assert_int_equal(armoede_table_add_real(NULL, "x", x, 3, 1), ARMOEDE_EINVAL);
    assert_int_equal(armoede_table_add_int(t, "v", v, 4, 1), ARMOEDE_EINVAL);
    assert_int_equal(armoede_table_ncols(t), 0);
    assert_int_equal(armoede_table_add_real(t, "x", x, 3, 1), ARMOEDE_OK);
    /* duplicate name, whatever the type */
    assert_int_equal(armoede_table_add_real(t, "x", x, 3, 1), ARMOEDE_EINVAL);
    assert_int_equal(armoede_table_add_int(t, "x", v, 3, 1), ARMOEDE_EINVAL);
    const char *vals[3] = {"a", "b", "c"};
    assert_int_equal(armoede_table_add_text(t, "x", vals, 3), ARMOEDE_EINVAL);
    assert_int_equal(armoede_table_ncols(t), 1);
    armoede_table_free(t);
}

static void test_table_add_int32_missing(void **state)
{
    (void)state;
    int32_t v[3] = {5, INT32_MIN, -7};
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(3, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int32(t, "v", v, 3), ARMOEDE_OK);
    v[0] = 0; /* always copied */
    assert_int_equal(armoede_table_coltype(t, "v"), ARMOEDE_TYPE_INT);
    assert_int_equal(geti(t, "v", 0), 5);
    assert_true(geti(t, "v", 1) == ARMOEDE_NA_INT);
    assert_int_equal(geti(t, "v", 2), -7);
    assert_int_equal(armoede_table_nmissing(t, "v"), 1);
    assert_int_equal(armoede_table_add_int32(t, "w", v, 2), ARMOEDE_EINVAL);
    armoede_table_free(t);
}

static void test_table_add_cat(void **state)
{
    (void)state;
    int32_t codes[4] = {1, 0, -1, 1};
    char l0[8] = "low", l1[8] = "high";
    const char *labels[2] = {l0, l1};
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(4, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_cat(t, "lvl", codes, 4, labels, 2), ARMOEDE_OK);
    strcpy(l0, "XXX"); /* labels are copied */
    assert_int_equal(armoede_table_coltype(t, "lvl"), ARMOEDE_TYPE_CAT);
    assert_str(armoede_table_get_label(t, "lvl", 0), "high");
    assert_str(armoede_table_get_label(t, "lvl", 1), "low");
    assert_null(armoede_table_get_label(t, "lvl", 2));
    assert_str(armoede_table_get_label(t, "lvl", 3), "high");
    assert_int_equal(armoede_table_nlevels(t, "lvl"), 2);
    assert_str(armoede_table_level(t, "lvl", 0), "low");
    assert_str(armoede_table_level(t, "lvl", 1), "high");
    assert_null(armoede_table_level(t, "lvl", 2));
    assert_null(armoede_table_level(t, "lvl", -1));
    assert_int_equal(armoede_table_nmissing(t, "lvl"), 1);
    armoede_table_free(t);
}

static void test_table_add_cat_code_out_of_range(void **state)
{
    (void)state;
    int32_t codes[3] = {0, 1, 2}; /* 2 is out of range for 2 labels */
    const char *labels[2] = {"a", "b"};
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(3, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_cat(t, "c", codes, 3, labels, 2), ARMOEDE_EINVAL);
    assert_true(strlen(armoede_last_error()) > 0);
    assert_int_equal(armoede_table_ncols(t), 0);
    int32_t neg[3] = {0, -2, 1}; /* only -1 means missing */
    assert_int_equal(armoede_table_add_cat(t, "c", neg, 3, labels, 2), ARMOEDE_EINVAL);
    assert_int_equal(armoede_table_coltype(t, "c"), ARMOEDE_ENOTFOUND);
    armoede_table_free(t);
}

static void test_table_add_cat_duplicate_labels_einval(void **state)
{
    (void)state;
    int32_t codes[2] = {0, 1};
    const char *labels[2] = {"same", "same"};
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(2, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_cat(t, "c", codes, 2, labels, 2), ARMOEDE_EINVAL);
    armoede_table_free(t);
}

static void test_table_add_text_dictionary_order(void **state)
{
    (void)state;
    char v0[8] = "north";
    const char *vals[5] = {v0, "south", NULL, "north", "east"};
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(5, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_text(t, "region", vals, 5), ARMOEDE_OK);
    strcpy(v0, "XXXXX"); /* copied */
    assert_int_equal(armoede_table_coltype(t, "region"), ARMOEDE_TYPE_CAT);
    /* dictionary in order of first appearance: north=0, south=1, east=2 */
    assert_int_equal(armoede_table_nlevels(t, "region"), 3);
    assert_str(armoede_table_level(t, "region", 0), "north");
    assert_str(armoede_table_level(t, "region", 1), "south");
    assert_str(armoede_table_level(t, "region", 2), "east");
    assert_str(armoede_table_get_label(t, "region", 0), "north");
    assert_str(armoede_table_get_label(t, "region", 3), "north");
    assert_str(armoede_table_get_label(t, "region", 4), "east");
    assert_null(armoede_table_get_label(t, "region", 2));
    assert_int_equal(armoede_table_nmissing(t, "region"), 1);
    armoede_table_free(t);
}

static void test_table_getter_errors(void **state)
{
    (void)state;
    double x[2] = {1.0, 2.0};
    const char *vals[2] = {"a", "b"};
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(2, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "x", x, 2, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_text(t, "c", vals, 2), ARMOEDE_OK);
    double d = 0;
    int64_t iv = 0;
    assert_null(armoede_table_colname(t, 2));
    assert_int_equal(armoede_table_coltype(t, "nope"), ARMOEDE_ENOTFOUND);
    assert_int_equal(armoede_table_nmissing(t, "nope"), 0);
    assert_int_equal(armoede_table_get_real(t, "nope", 0, &d), ARMOEDE_ENOTFOUND);
    assert_int_equal(armoede_table_get_real(t, "c", 0, &d), ARMOEDE_ETYPE);
    assert_int_equal(armoede_table_get_real(t, "x", 2, &d), ARMOEDE_EINVAL);
    assert_int_equal(armoede_table_get_int(t, "nope", 0, &iv), ARMOEDE_ENOTFOUND);
    assert_int_equal(armoede_table_get_int(t, "x", 0, &iv), ARMOEDE_ETYPE); /* REAL column */
    assert_null(armoede_table_get_label(t, "nope", 0));
    assert_null(armoede_table_get_label(t, "x", 0));
    assert_null(armoede_table_get_label(t, "c", 2));
    assert_int_equal(armoede_table_nlevels(t, "x"), 0);
    assert_int_equal(armoede_table_nlevels(t, "nope"), 0);
    assert_null(armoede_table_level(t, "x", 0));
    armoede_table_free(t);
}

/* a table with columns id (INT), inc (REAL), hh (CAT) */
static armoede_table *role_table(void)
{
    int64_t id[2] = {1, 2};
    double inc[2] = {100.0, 200.0};
    const char *hh[2] = {"single", "couple"};
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(2, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_int(t, "id", id, 2, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_real(t, "inc", inc, 2, 1), ARMOEDE_OK);
    assert_int_equal(armoede_table_add_text(t, "hh", hh, 2), ARMOEDE_OK);
    return t;
}

static void test_table_set_role(void **state)
{
    (void)state;
    armoede_table *t = role_table();
    assert_null(armoede_table_role(t, ARMOEDE_ROLE_YEAR));
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_PERSON_ID, "id"), ARMOEDE_OK);
    assert_str(armoede_table_role(t, ARMOEDE_ROLE_PERSON_ID), "id");
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_ID, "hh"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "id"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "inc"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_NORM, "id"), ARMOEDE_OK); /* INT ok */
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_TYPE, "hh"), ARMOEDE_OK);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_WEIGHT, "inc"), ARMOEDE_OK);
    assert_str(armoede_table_role(t, ARMOEDE_ROLE_HOUSEHOLD_TYPE), "hh");
    /* remap */
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_PERSON_ID, "hh"), ARMOEDE_OK);
    assert_str(armoede_table_role(t, ARMOEDE_ROLE_PERSON_ID), "hh");
    /* unmap */
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, NULL), ARMOEDE_OK);
    assert_null(armoede_table_role(t, ARMOEDE_ROLE_YEAR));
    armoede_table_free(t);
}

static void test_table_set_role_wrong_type_etype(void **state)
{
    (void)state;
    armoede_table *t = role_table();
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "inc"), ARMOEDE_ETYPE);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "hh"), ARMOEDE_ETYPE);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_PERSON_ID, "inc"), ARMOEDE_ETYPE);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "hh"), ARMOEDE_ETYPE);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_TYPE, "id"), ARMOEDE_ETYPE);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_AGE_BAND, "inc"), ARMOEDE_ETYPE);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_BIRTH_YEAR, "hh"), ARMOEDE_ETYPE);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_WEIGHT, "hh"), ARMOEDE_ETYPE);
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_AREA, "inc"), ARMOEDE_ETYPE);
    assert_null(armoede_table_role(t, ARMOEDE_ROLE_YEAR));
    armoede_table_free(t);
}

static void test_table_set_role_unknown_column_or_role(void **state)
{
    (void)state;
    armoede_table *t = role_table();
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "jaar"), ARMOEDE_ENOTFOUND);
    assert_msg_has("jaar");
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_COUNT_, "id"), ARMOEDE_EINVAL);
    assert_int_equal(armoede_table_set_role(t, (armoede_role)-1, "id"), ARMOEDE_EINVAL);
    assert_int_equal(armoede_table_set_role(NULL, ARMOEDE_ROLE_YEAR, "id"), ARMOEDE_EINVAL);
    armoede_table_free(t);
}

static void test_role_names_round_trip(void **state)
{
    (void)state;
    static const char *const names[ARMOEDE_ROLE_COUNT_] = {
        "person_id", "household_id", "year",      "income",     "norm",
        "ratio_pct", "household_type", "age_band", "birth_year", "age",
        "minor",     "n_persons",    "n_minors",  "weight",     "whole_year",
        "student",   "institutional", "wealth",   "area",       "income_source"};
    assert_int_equal(ARMOEDE_ROLE_COUNT_, 20);
    for (int r = 0; r < ARMOEDE_ROLE_COUNT_; r++) {
        assert_str(armoede_role_name((armoede_role)r), names[r]);
        assert_int_equal(armoede_role_from_name(names[r]), r);
    }
    assert_int_equal(armoede_role_from_name("no_such_role"), ARMOEDE_ENOTFOUND);
    assert_int_equal(armoede_role_from_name(""), ARMOEDE_ENOTFOUND);
}

static void test_free_null_is_noop(void **state)
{
    (void)state;
    armoede_table_free(NULL);
    armoede_norms_free(NULL);
    armoede_result_free(NULL);
}

static void test_strerror_codes(void **state)
{
    (void)state;
    const char *seen[11];
    for (int c = 0; c >= -10; c--) {
        const char *s = armoede_strerror(c);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        assert_string_not_equal(s, "unknown status");
        for (int k = 0; k < -c; k++)
            assert_string_not_equal(s, seen[k]);
        seen[-c] = s;
    }
    assert_str(armoede_strerror(-11), "unknown status");
    assert_str(armoede_strerror(1), "unknown status");
    assert_str(armoede_strerror(12345), "unknown status");
    assert_str(armoede_strerror(INT32_MIN), "unknown status");
}

static void test_version(void **state)
{
    (void)state;
    assert_str(armoede_version(), ARMOEDE_VERSION_STRING);
    assert_str(armoede_version(), "0.1.0");
    assert_int_equal(armoede_version_num(), ARMOEDE_VERSION_NUM);
}

static void test_last_error_and_clear(void **state)
{
    (void)state;
    armoede_clear_error();
    assert_str(armoede_last_error(), "");
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_read_csv(tpath("nothing-here.csv"), NULL, &t), ARMOEDE_EIO);
    assert_true(strlen(armoede_last_error()) > 0);
    armoede_clear_error();
    assert_str(armoede_last_error(), "");
}

/* ------------------------------------------------------------------------
 * Dates
 * ---------------------------------------------------------------------- */
static void test_date_declared_and_inferred(void **state)
{
    (void)state;
    const char *p = write_text("dates.csv",
                               "id,start,end\n"
                               "1,1970-01-01,2024-02-29\n"
                               "2,1969-12-31,NA\n"
                               "3,2000-03-01,2038-04-25\n");
    const char *cols[] = {"start", "end"};
    armoede_type ty[] = {ARMOEDE_TYPE_DATE, ARMOEDE_TYPE_AUTO};
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    o.columns = cols;
    o.types = ty;
    o.n_columns = 2;
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_read_csv(p, &o, &t), ARMOEDE_OK);
    assert_int_equal(armoede_table_coltype(t, "start"), ARMOEDE_TYPE_DATE);
    assert_int_equal(armoede_table_coltype(t, "end"), ARMOEDE_TYPE_DATE); /* inferred */
    int64_t v;
    assert_int_equal(armoede_table_get_int(t, "start", 0, &v), ARMOEDE_OK);
    assert_int_equal(v, 0);
    assert_int_equal(armoede_table_get_int(t, "start", 1, &v), ARMOEDE_OK);
    assert_int_equal(v, -1);
    /* 2000-03-01: 30 years of 365 days + 7 leap days (72..96) + 31 + 29 = 11017 */
    assert_int_equal(armoede_table_get_int(t, "start", 2, &v), ARMOEDE_OK);
    assert_int_equal(v, 11017);
    /* 2024-02-29: 54 * 365 + 13 leap days (1972..2020) + 31 + 28 = 19782 */
    assert_int_equal(armoede_table_get_int(t, "end", 0, &v), ARMOEDE_OK);
    assert_int_equal(v, 19782);
    assert_int_equal(armoede_table_get_int(t, "end", 1, &v), ARMOEDE_OK);
    assert_true(v == ARMOEDE_NA_INT);
    assert_int_equal(armoede_table_nmissing(t, "end"), 1);
    armoede_table_free(t);
}

static void check_bad_date(const char *name, const char *cell, int declared)
{
    char text[256];
    snprintf(text, sizeof text, "d\n2024-01-01\n%s\n", cell);
    const char *p = write_text(name, text);
    const char *cols[] = {"d"};
    armoede_type ty[] = {ARMOEDE_TYPE_DATE};
    armoede_read_options o = ARMOEDE_READ_OPTIONS_INIT;
    if (declared) { o.columns = cols; o.types = ty; o.n_columns = 1; }
    armoede_table *t = NULL;
    int rc = armoede_table_read_csv(p, &o, &t);
    if (!declared) {
        /* one bad cell among the sampled rows: the column is categorical */
        assert_int_equal(rc, ARMOEDE_OK);
        assert_int_equal(armoede_table_coltype(t, "d"), ARMOEDE_TYPE_CAT);
        armoede_table_free(t);
        return;
    }
    assert_int_equal(rc, ARMOEDE_EPARSE);
    assert_null(t);
    const char *msg = armoede_last_error();
    assert_non_null(strstr(msg, name));
    assert_non_null(strstr(msg, "line 3"));
    assert_non_null(strstr(msg, "'d'"));
    assert_non_null(strstr(msg, cell));
    assert_non_null(strstr(msg, "YYYY-MM-DD"));
}

static void test_date_bad_forms_are_errors(void **state)
{
    (void)state;
    check_bad_date("bad1.csv", "31-12-2024", 1);
    check_bad_date("bad2.csv", "2024-12-31 10:00", 1);
    check_bad_date("bad3.csv", "2024-12-31T10:00:00", 1);
    check_bad_date("bad4.csv", "2024/12/31", 1);
    check_bad_date("bad5.csv", "2023-02-29", 1);
    check_bad_date("bad6.csv", "2024-13-01", 1);
    check_bad_date("bad7.csv", "20241231", 1);
    check_bad_date("bad8.csv", "31-12-2024", 0);
}

static void test_date_late_misfit_after_inference(void **state)
{
    (void)state;
    /* 1000 dates infer DATE; a dd-mm-yyyy value on line 1003 is an error */
    size_t cap = 1100 * 16;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t k = (size_t)snprintf(text, cap, "d\n");
    for (int i = 0; i < 1000; i++) k += (size_t)snprintf(text + k, cap - k, "2020-01-%02d\n", 1 + i % 28);
    k += (size_t)snprintf(text + k, cap - k, "2020-02-01\n05-03-2020\n");
    const char *p = write_text("late.csv", text);
    free(text);
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_read_csv(p, NULL, &t), ARMOEDE_EPARSE);
    assert_non_null(strstr(armoede_last_error(), "line 1003"));
    assert_non_null(strstr(armoede_last_error(), "05-03-2020"));
}

static void test_date_ymd_round_trip(void **state)
{
    (void)state;
    /* walk every day from 1600-01-01 to 2400-12-31 by hand-counted calendar */
    static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int32_t first;
    assert_int_equal(armoede_date_from_ymd(1600, 1, 1, &first), ARMOEDE_OK);
    int32_t day = first;
    for (int y = 1600; y <= 2400; y++) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= md[m - 1] + (m == 2 && leap); d++, day++) {
                int32_t z;
                int yy, mm, dd;
                assert_int_equal(armoede_date_from_ymd(y, m, d, &z), ARMOEDE_OK);
                if (z != day) fail_msg("%04d-%02d-%02d: %d, expected %d", y, m, d, (int)z, (int)day);
                assert_int_equal(armoede_date_to_ymd(z, &yy, &mm, &dd), ARMOEDE_OK);
                if (yy != y || mm != m || dd != d) fail_msg("day %d back to %d-%d-%d", (int)z, yy, mm, dd);
            }
    }
    /* 1970-01-01 is day 0; 2024-03-31 (Easter) is 19813 = 19782 + 31 */
    int32_t z;
    assert_int_equal(armoede_date_from_ymd(1970, 1, 1, &z), ARMOEDE_OK);
    assert_int_equal(z, 0);
    assert_int_equal(armoede_date_from_ymd(2024, 3, 31, &z), ARMOEDE_OK);
    assert_int_equal(z, 19813);
    assert_int_equal(armoede_date_from_ymd(2023, 2, 29, &z), ARMOEDE_EINVAL);
    assert_int_equal(armoede_date_from_ymd(2024, 0, 1, &z), ARMOEDE_EINVAL);
    assert_int_equal(armoede_date_from_ymd(0, 1, 1, &z), ARMOEDE_EINVAL);
    int y, m, d;
    assert_int_equal(armoede_date_to_ymd(INT32_MAX, &y, &m, &d), ARMOEDE_EINVAL);
    assert_int_equal(armoede_date_to_ymd(0, NULL, &m, &d), ARMOEDE_EINVAL);
}

static void test_date_add_column(void **state)
{
    (void)state;
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_new(3, &t), ARMOEDE_OK);
    int32_t days[3] = {19782, INT32_MIN, -1};
    assert_int_equal(armoede_table_add_date(t, "d", days, 3), ARMOEDE_OK);
    assert_int_equal(armoede_table_coltype(t, "d"), ARMOEDE_TYPE_DATE);
    int64_t v;
    assert_int_equal(armoede_table_get_int(t, "d", 2, &v), ARMOEDE_OK);
    assert_int_equal(v, -1);
    assert_int_equal(armoede_table_nmissing(t, "d"), 1);
    /* a date cannot play a numeric role */
    assert_int_equal(armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "d"), ARMOEDE_ETYPE);
    assert_int_equal(armoede_table_add_date(t, "e", days, 2), ARMOEDE_EINVAL);
    armoede_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_comma_separator_detected),
        cmocka_unit_test(test_read_semicolon_separator_detected),
        cmocka_unit_test(test_read_tab_separator_detected),
        cmocka_unit_test(test_read_separator_detect_most_frequent),
        cmocka_unit_test(test_read_separator_detect_ignores_quoted),
        cmocka_unit_test(test_read_explicit_separator),
        cmocka_unit_test(test_read_decimal_comma_thousands_dot),
        cmocka_unit_test(test_read_decimal_comma_needs_other_separator),
        cmocka_unit_test(test_read_bad_separator_or_decimal_einval),
        cmocka_unit_test(test_read_type_inference),
        cmocka_unit_test(test_read_leading_zero_stays_cat),
        cmocka_unit_test(test_read_int_widths_exact),
        cmocka_unit_test(test_read_int_promoted_to_real_after_1000_rows),
        cmocka_unit_test(test_read_int_promoted_by_late_exponent),
        cmocka_unit_test(test_read_late_leading_zero_etype),
        cmocka_unit_test(test_read_cr_only_line_ends_eparse),
        cmocka_unit_test(test_read_late_text_in_int_column_etype),
        cmocka_unit_test(test_read_late_text_in_real_column_etype),
        cmocka_unit_test(test_read_late_number_in_cat_column_ok),
        cmocka_unit_test(test_read_declared_types),
        cmocka_unit_test(test_read_declared_int_is_strict),
        cmocka_unit_test(test_read_declared_real_rejects_text),
        cmocka_unit_test(test_read_declared_int_accepts_int),
        cmocka_unit_test(test_read_na_default_tokens),
        cmocka_unit_test(test_read_na_custom_tokens),
        cmocka_unit_test(test_read_na_none),
        cmocka_unit_test(test_read_column_subset),
        cmocka_unit_test(test_read_missing_requested_column),
        cmocka_unit_test(test_read_subset_skips_other_columns),
        cmocka_unit_test(test_read_quoted_fields),
        cmocka_unit_test(test_read_error_line_after_embedded_newline),
        cmocka_unit_test(test_read_header_names),
        cmocka_unit_test(test_read_utf8_bom),
        cmocka_unit_test(test_read_crlf),
        cmocka_unit_test(test_read_no_trailing_newline),
        cmocka_unit_test(test_read_empty_file_eparse),
        cmocka_unit_test(test_read_header_only),
        cmocka_unit_test(test_read_duplicate_column_eparse),
        cmocka_unit_test(test_read_ragged_short_row_eparse),
        cmocka_unit_test(test_read_ragged_long_row_eparse),
        cmocka_unit_test(test_read_unterminated_quote_eparse),
        cmocka_unit_test(test_read_gzip_named_csv),
        cmocka_unit_test(test_read_plain_named_gz),
        cmocka_unit_test(test_read_multi_member_gzip),
        cmocka_unit_test(test_read_truncated_gzip_eparse),
        cmocka_unit_test(test_read_gzip_missing_trailer_eparse),
        cmocka_unit_test(test_read_corrupt_gzip_crc_eparse),
        cmocka_unit_test(test_read_gzip_big_roundtrip),
        cmocka_unit_test(test_read_missing_file_eio),
        cmocka_unit_test(test_read_bad_args_einval),
        cmocka_unit_test(test_read_options_init),
        cmocka_unit_test(test_table_new_and_dims),
        cmocka_unit_test(test_table_add_real_borrow),
        cmocka_unit_test(test_table_add_real_copy),
        cmocka_unit_test(test_table_add_int_borrow_and_missing),
        cmocka_unit_test(test_table_add_int_copy),
        cmocka_unit_test(test_table_add_bad_args_einval),
        cmocka_unit_test(test_table_add_int32_missing),
        cmocka_unit_test(test_table_add_cat),
        cmocka_unit_test(test_table_add_cat_code_out_of_range),
        cmocka_unit_test(test_table_add_cat_duplicate_labels_einval),
        cmocka_unit_test(test_table_add_text_dictionary_order),
        cmocka_unit_test(test_table_getter_errors),
        cmocka_unit_test(test_table_set_role),
        cmocka_unit_test(test_table_set_role_wrong_type_etype),
        cmocka_unit_test(test_table_set_role_unknown_column_or_role),
        cmocka_unit_test(test_role_names_round_trip),
        cmocka_unit_test(test_free_null_is_noop),
        cmocka_unit_test(test_strerror_codes),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_last_error_and_clear),
        cmocka_unit_test(test_date_declared_and_inferred),
        cmocka_unit_test(test_date_bad_forms_are_errors),
        cmocka_unit_test(test_date_late_misfit_after_inference),
        cmocka_unit_test(test_date_ymd_round_trip),
        cmocka_unit_test(test_date_add_column),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
