/* Locale-independent number and date parsing used by every reader.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) { (*s)++; (*n)--; }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) (*n)--;
}

/* Decimal integer: optional sign, digits. 0 on success, -1 otherwise. */
int am_parse_int(const char *s, size_t n, int64_t *out)
{
    trim(&s, &n);
    if (!n) return -1;
    int neg = 0;
    if (*s == '-' || *s == '+') { neg = *s == '-'; s++; n--; }
    if (!n) return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d > 9) return -1;
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX) return -1; /* INT64_MIN is the missing value */
        *out = -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX) return -1;
        *out = (int64_t)v;
    }
    return 0;
}

/* mant * 10 + 9 stays below 2^53 */
#define MANT_LIMIT ((((uint64_t)1 << 53) - 10) / 10)

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Real number: optional sign, digits with optional thousands separators
 * (only when decimal is ','), optional decimal mark and digits, optional
 * exponent. Exactly rounded: mantissas below 2^53 with at most 22 decimals
 * are divided exactly; anything else goes through strtod on a normalised
 * copy ('.' decimal). 0 on success, -1 when not a number. */
int am_parse_real(const char *s, size_t n, char decimal, double *out)
{
    trim(&s, &n);
    if (!n) return -1;
    size_t i = 0;
    int neg = 0;
    if (s[i] == '-' || s[i] == '+') { neg = s[i] == '-'; i++; }
    uint64_t mant = 0;
    int frac = 0, seen_digit = 0, exact = 1, groups = 0;
    size_t group_start = i;
    char norm[128];
    size_t k = 0;
    if (neg) norm[k++] = '-';
    for (; i < n; i++) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9') {
            seen_digit = 1;
            if (mant <= MANT_LIMIT) mant = mant * 10 + (uint64_t)(ch - '0');
            else exact = 0;
            if (k < sizeof norm - 8) norm[k++] = ch; else return -1;
        } else if (decimal == ',' && ch == '.') {
            /* thousands separator: must follow 1-3 digits (first group) or exactly 3 */
            size_t len = i - group_start;
            if (!seen_digit || (groups == 0 ? (len < 1 || len > 3) : len != 3)) return -1;
            groups++;
            group_start = i + 1;
        } else break;
    }
    if (groups && i - group_start != 3) return -1;
    if (i < n && s[i] == decimal) {
        i++;
        if (k < sizeof norm - 8) norm[k++] = '.';
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            seen_digit = 1;
            if (mant <= MANT_LIMIT) { mant = mant * 10 + (uint64_t)(s[i] - '0'); frac++; }
            else if (s[i] != '0') exact = 0;
            if (k < sizeof norm - 8) norm[k++] = s[i]; else return -1;
        }
    }
    if (!seen_digit) return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        exact = 0;
        norm[k++] = 'e';
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+')) norm[k++] = s[i++];
        size_t e0 = i;
        for (; i < n && s[i] >= '0' && s[i] <= '9' && k < sizeof norm - 2; i++) norm[k++] = s[i];
        if (i == e0) return -1;
    }
    if (i != n) return -1;
    if (exact && frac <= 22) {
        double v = (double)mant / pow10_exact[frac];
        *out = neg ? -v : v;
        return 0;
    }
    norm[k] = '\0';
    errno = 0;
    char *end;
    double v = strtod(norm, &end);
    if (*end != '\0') return -1;
    *out = v;
    return 0;
}

/* yyyy-mm-dd (also yyyy/mm/dd) or dd-mm-yyyy (also dd/mm/yyyy); an
 * optional time part after a space or 'T' is ignored. Validates the day. */
int am_parse_iso_date(const char *s, size_t n, int *y, int *m, int *d)
{
    trim(&s, &n);
    if (n != 10 || s[4] != '-' || s[7] != '-') return -1;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (unsigned)(s[i] - '0') > 9) return -1;
    int yy = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int mm = (s[5] - '0') * 10 + (s[6] - '0'), dd = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mm < 1 || mm > 12 || dd < 1) return -1;
    int leap = (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0;
    if (dd > mdays[mm - 1] + (mm == 2 && leap)) return -1;
    *y = yy; *m = mm; *d = dd;
    return 0;
}

int am_parse_date(const char *s, size_t n, int *y, int *m, int *d)
{
    trim(&s, &n);
    for (size_t i = 0; i < n; i++) if (s[i] == ' ' || s[i] == 'T') { n = i; break; }
    int a[3] = {0, 0, 0}, len[3] = {0, 0, 0}, part = 0;
    char sep = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9') {
            if (len[part] >= 4) return -1;
            a[part] = a[part] * 10 + (ch - '0');
            len[part]++;
        } else if ((ch == '-' || ch == '/') && part < 2 && (sep == 0 || sep == ch) && len[part]) {
            sep = ch;
            part++;
        } else return -1;
    }
    if (part != 2 || !len[2]) return -1;
    int yy, mm, dd;
    if (len[0] == 4) { yy = a[0]; mm = a[1]; dd = a[2]; if (len[1] > 2 || len[2] > 2) return -1; }
    else if (len[2] == 4) { dd = a[0]; mm = a[1]; yy = a[2]; if (len[0] > 2 || len[1] > 2) return -1; }
    else return -1;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mm < 1 || mm > 12 || dd < 1) return -1;
    int leap = (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0;
    if (dd > mdays[mm - 1] + (mm == 2 && leap)) return -1;
    *y = yy; *m = mm; *d = dd;
    return 0;
}
