/* The Dutch working-day calendar of the Algemene termijnenwet (BWBR0002448):
 * Easter, the holidays of art. 3, working days, and the end of a legal term
 * with the extensions of art. 1, 2 and 4. See include/armoede_process.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <inttypes.h>
#include <stdlib.h>

/* Shared with lib/process.c (declared there too). */
#define AM_MAX_HOLIDAYS 12
typedef struct {
    int64_t day;
    const char *name;
} am_holiday;
AM_HIDDEN int am_weekday(int64_t day);
AM_HIDDEN int am_holidays(int y, am_holiday *h);
AM_HIDDEN int am_is_working_day(int64_t day);
AM_HIDDEN int64_t am_working_days(int64_t a, int64_t b);
AM_HIDDEN int am_add_working_days(int64_t from, int n, int64_t *out);
AM_HIDDEN int am_term_end(int64_t start, int n, int unit, int atw, int64_t *end);

#define CAL_MIN_YEAR 1949
#define CAL_MAX_YEAR 9999

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

int am_weekday(int64_t day) /* 0 = Monday .. 6 = Sunday; 1970-01-01 was a Thursday */
{
    return (int)(day + 3 - 7 * floordiv(day + 3, 7));
}

static int year_of(int64_t day)
{
    int y, m, d;
    am_civil_from_days(day, &y, &m, &d);
    return y;
}

static int in_range(int64_t day)
{
    int y = year_of(day);
    return y >= CAL_MIN_YEAR && y <= CAL_MAX_YEAR;
}

/* Anonymous Gregorian (Meeus/Jones/Butcher) computus. */
static int64_t easter_day(int y)
{
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, dom = (h + l - 7 * m + 114) % 31 + 1;
    return am_days_from_civil(y, month, dom);
}

int armoede_easter(int year, int32_t *day)
{
    if (!day) return am_fail(ARMOEDE_EINVAL, "armoede_easter: day is NULL");
    if (year < 1583 || year > 9999)
        return am_fail(ARMOEDE_EINVAL, "armoede_easter: year %d outside 1583..9999", year);
    *day = (int32_t)easter_day(year);
    return 0;
}

/* The holidays of year y, sorted by day, duplicates (5 May on Ascension
 * Day) kept once with the first name. Returns the count (<= AM_MAX_HOLIDAYS). */
int am_holidays(int y, am_holiday *h)
{
    am_holiday tmp[AM_MAX_HOLIDAYS];
    int n = 0;
    int64_t e = easter_day(y);
    tmp[n++] = (am_holiday){am_days_from_civil(y, 1, 1), "New Year's Day"};
    tmp[n++] = (am_holiday){e - 2, "Good Friday"};
    tmp[n++] = (am_holiday){e, "Easter Sunday"};
    tmp[n++] = (am_holiday){e + 1, "Easter Monday"};
    if (y >= 2014) {
        int64_t k = am_days_from_civil(y, 4, 27);
        tmp[n++] = (am_holiday){am_weekday(k) == 6 ? k - 1 : k, "King's Day"};
    } else {
        int64_t q = am_days_from_civil(y, 4, 30);
        if (am_weekday(q) == 6) q = y >= 1980 ? q - 1 : q + 1;
        tmp[n++] = (am_holiday){q, "Queen's Day"};
    }
    tmp[n++] = (am_holiday){am_days_from_civil(y, 5, 5), "Liberation Day"};
    tmp[n++] = (am_holiday){e + 39, "Ascension Day"};
    tmp[n++] = (am_holiday){e + 49, "Whit Sunday"};
    tmp[n++] = (am_holiday){e + 50, "Whit Monday"};
    tmp[n++] = (am_holiday){am_days_from_civil(y, 12, 25), "Christmas Day"};
    tmp[n++] = (am_holiday){am_days_from_civil(y, 12, 26), "Boxing Day"};
    /* insertion sort by day; stable, so equal days keep list order */
    for (int i = 1; i < n; i++) {
        am_holiday x = tmp[i];
        int j = i;
        while (j > 0 && tmp[j - 1].day > x.day) { tmp[j] = tmp[j - 1]; j--; }
        tmp[j] = x;
    }
    int m = 0;
    for (int i = 0; i < n; i++)
        if (m == 0 || h[m - 1].day != tmp[i].day) h[m++] = tmp[i];
    return m;
}

static const char *holiday_name(int64_t day)
{
    am_holiday h[AM_MAX_HOLIDAYS];
    int n = am_holidays(year_of(day), h);
    for (int i = 0; i < n; i++)
        if (h[i].day == day) return h[i].name;
    return NULL;
}

int armoede_nl_holiday(int32_t day, const char **name)
{
    if (name) *name = NULL;
    if (!in_range(day))
        return am_fail(ARMOEDE_EINVAL, "day %" PRId32 " is outside the calendar's years %d..%d", day,
                       CAL_MIN_YEAR, CAL_MAX_YEAR);
    const char *nm = holiday_name(day);
    if (name) *name = nm;
    return nm != NULL;
}

int am_is_working_day(int64_t day)
{
    return am_weekday(day) < 5 && holiday_name(day) == NULL;
}

int armoede_nl_working_day(int32_t day)
{
    if (!in_range(day))
        return am_fail(ARMOEDE_EINVAL, "day %" PRId32 " is outside the calendar's years %d..%d", day,
                       CAL_MIN_YEAR, CAL_MAX_YEAR);
    return am_is_working_day(day);
}

/* Monday-to-Friday days d <= x, counted from the Monday that is day -3. */
static int64_t weekdays_upto(int64_t x)
{
    int64_t k = x + 3;
    int64_t w = floordiv(k, 7), r = k - 7 * w;
    return 5 * w + (r + 1 < 5 ? r + 1 : 5);
}

/* Working days d with a < d <= b (a <= b), both within the calendar. */
int64_t am_working_days(int64_t a, int64_t b)
{
    if (b <= a) return 0;
    int64_t n = weekdays_upto(b) - weekdays_upto(a);
    int ya = year_of(a + 1), yb = year_of(b);
    am_holiday h[AM_MAX_HOLIDAYS];
    for (int y = ya; y <= yb; y++) {
        int nh = am_holidays(y, h);
        for (int i = 0; i < nh; i++)
            if (h[i].day > a && h[i].day <= b && am_weekday(h[i].day) < 5) n--;
    }
    return n;
}

/* A cache of the weekday holidays of years y0..y1, for counting working days
 * of many intervals without recomputing Easter (am_working_days_c). */
typedef struct {
    int y0, ny;
    int64_t *days;
} am_hcache;
AM_HIDDEN int am_hcache_init(am_hcache *c, int y0, int y1);
AM_HIDDEN void am_hcache_free(am_hcache *c);
AM_HIDDEN int64_t am_working_days_c(const am_hcache *c, int64_t a, int64_t b);

int am_hcache_init(am_hcache *c, int y0, int y1)
{
    c->y0 = y0;
    c->ny = y1 - y0 + 1;
    c->days = malloc((size_t)c->ny * AM_MAX_HOLIDAYS * sizeof *c->days);
    if (!c->days) return am_fail(ARMOEDE_ENOMEM, "out of memory");
    for (int y = y0; y <= y1; y++) {
        am_holiday h[AM_MAX_HOLIDAYS];
        int n = am_holidays(y, h), k = 0;
        int64_t *d = c->days + (size_t)(y - y0) * AM_MAX_HOLIDAYS;
        for (int i = 0; i < n; i++)
            if (am_weekday(h[i].day) < 5) d[k++] = h[i].day;
        while (k < AM_MAX_HOLIDAYS) d[k++] = INT64_MAX;
    }
    return 0;
}

void am_hcache_free(am_hcache *c)
{
    free(c->days);
    c->days = NULL;
    c->ny = 0;
}

int64_t am_working_days_c(const am_hcache *c, int64_t a, int64_t b)
{
    if (b <= a) return 0;
    int ya = year_of(a + 1), yb = year_of(b);
    if (!c || !c->days || ya < c->y0 || yb >= c->y0 + c->ny) return am_working_days(a, b);
    int64_t n = weekdays_upto(b) - weekdays_upto(a);
    for (int y = ya; y <= yb; y++) {
        const int64_t *d = c->days + (size_t)(y - c->y0) * AM_MAX_HOLIDAYS;
        for (int i = 0; i < AM_MAX_HOLIDAYS && d[i] <= b; i++)
            if (d[i] > a) n--;
    }
    return n;
}

int armoede_nl_working_days(int32_t from, int32_t to, int64_t *n)
{
    if (!n) return am_fail(ARMOEDE_EINVAL, "armoede_nl_working_days: n is NULL");
    if (!in_range(from) || !in_range(to))
        return am_fail(ARMOEDE_EINVAL, "armoede_nl_working_days: a day outside the years %d..%d",
                       CAL_MIN_YEAR, CAL_MAX_YEAR);
    *n = to >= from ? am_working_days(from, to) : -am_working_days(to, from);
    return 0;
}

int am_add_working_days(int64_t from, int n, int64_t *out)
{
    /* n working days take at least n calendar days: refuse early what must
     * run past the calendar's last year */
    if (from + (int64_t)n > am_days_from_civil(CAL_MAX_YEAR, 12, 31))
        return am_fail(ARMOEDE_EINVAL, "a term of %d working days runs past the calendar's last year", n);
    int64_t d = from;
    /* jump by whole weeks first (5 working days per 7 days less holidays),
     * then step; the estimate never overshoots because holidays only lower
     * the count */
    int left = n;
    while (left > 10) {
        int64_t step = 7 * (left / 5) - 7;
        if (step < 7) break;
        int64_t got = am_working_days(d, d + step);
        if (got > left) break;
        d += step;
        left -= (int)got;
        if (!in_range(d)) return am_fail(ARMOEDE_EINVAL, "working-day term runs outside the calendar's years");
    }
    while (left > 0) {
        d++;
        if (!in_range(d)) return am_fail(ARMOEDE_EINVAL, "working-day term runs outside the calendar's years");
        if (am_is_working_day(d)) left--;
    }
    *out = d;
    return 0;
}

int armoede_nl_add_working_days(int32_t from, int n, int32_t *out)
{
    if (!out) return am_fail(ARMOEDE_EINVAL, "armoede_nl_add_working_days: out is NULL");
    if (n < 0) return am_fail(ARMOEDE_EINVAL, "armoede_nl_add_working_days: n = %d < 0", n);
    if (!in_range(from)) return am_fail(ARMOEDE_EINVAL, "day %" PRId32 " is outside the calendar's years", from);
    int64_t d;
    int rc = am_add_working_days(from, n, &d);
    if (rc) return rc;
    *out = (int32_t)d;
    return 0;
}

static int64_t add_months(int64_t day, int n)
{
    int y, m, d;
    am_civil_from_days(day, &y, &m, &d);
    int64_t mm = (int64_t)y * 12 + (m - 1) + n;
    int ny = (int)floordiv(mm, 12), nm = (int)(mm - 12 * (int64_t)ny) + 1;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int last = mdays[nm - 1];
    if (nm == 2 && ((ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0)) last = 29;
    return am_days_from_civil(ny, nm, d > last ? last : d);
}

int am_term_end(int64_t start, int n, int unit, int atw, int64_t *end)
{
    int64_t e;
    int days_len; /* nominal length for art. 2 and 4 */
    int applies;
    switch (unit) {
    case ARMOEDE_TERM_DAYS: e = start + n; days_len = n; applies = n <= 90; break;
    case ARMOEDE_TERM_WEEKS: e = start + 7 * (int64_t)n; days_len = 7 * n; applies = n <= 12; break;
    case ARMOEDE_TERM_MONTHS: e = add_months(start, n); days_len = (int)(e - start); applies = n <= 3; break;
    case ARMOEDE_TERM_WORKING_DAYS: {
        int rc = am_add_working_days(start, n, &e);
        if (rc) return rc;
        days_len = (int)(e - start);
        applies = days_len <= 90;
        break;
    }
    default: return am_fail(ARMOEDE_EINVAL, "unknown term unit %d", unit);
    }
    if (!in_range(e)) return am_fail(ARMOEDE_EINVAL, "term end outside the calendar's years");
    if (atw && applies) {
        if (days_len >= 3)  /* art. 2: at least two working days after the start day */
            while (am_working_days(start, e) < 2) e++;
        while (!am_is_working_day(e)) e++;  /* art. 1 */
        if (!in_range(e)) return am_fail(ARMOEDE_EINVAL, "term end outside the calendar's years");
    }
    *end = e;
    return 0;
}

int armoede_term_end(int32_t start, int n, armoede_term_unit unit, int atw, int32_t *end)
{
    if (!end) return am_fail(ARMOEDE_EINVAL, "armoede_term_end: end is NULL");
    if (n < 0) return am_fail(ARMOEDE_EINVAL, "armoede_term_end: n = %d < 0", n);
    if ((int)unit < 0 || (int)unit > ARMOEDE_TERM_WORKING_DAYS)
        return am_fail(ARMOEDE_EINVAL, "armoede_term_end: unknown unit %d", (int)unit);
    if (n > 100000) return am_fail(ARMOEDE_EINVAL, "armoede_term_end: n = %d is too long", n);
    if (!in_range(start)) return am_fail(ARMOEDE_EINVAL, "day %" PRId32 " is outside the calendar's years", start);
    int64_t e;
    int rc = am_term_end(start, n, (int)unit, atw, &e);
    if (rc) return rc;
    *end = (int32_t)e;
    return 0;
}
