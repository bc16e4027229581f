/* Status codes, the per-thread error message, the version and the GSL guard.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <gsl/gsl_errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[1024];

const char *armoede_version(void) { return ARMOEDE_VERSION_STRING; }
unsigned armoede_version_num(void) { return ARMOEDE_VERSION_NUM; }

const char *armoede_strerror(int status)
{
    /* A switch without default: the compiler warns about a code without text. */
    switch ((armoede_status)status) {
    case ARMOEDE_OK: return "ok";
    case ARMOEDE_ENOMEM: return "out of memory";
    case ARMOEDE_EINVAL: return "invalid argument";
    case ARMOEDE_EIO: return "input/output error";
    case ARMOEDE_EPARSE: return "malformed input file";
    case ARMOEDE_ENOTFOUND: return "not found";
    case ARMOEDE_ETYPE: return "wrong type";
    case ARMOEDE_ENORM: return "no social-minimum norm";
    case ARMOEDE_ECONFIG: return "error in configuration";
    case ARMOEDE_EDATA: return "inconsistent data";
    case ARMOEDE_EINTERNAL: return "internal error";
    }
    return "unknown status";
}

const char *armoede_last_error(void) { return last_error; }
void armoede_clear_error(void) { last_error[0] = '\0'; }

int am_fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return status;
}

const char *am_excerpt(const char *s, size_t len, char *buf, size_t n)
{
    size_t k = 0;
    if (n == 0) return buf;
    for (size_t i = 0; i < len && k + 4 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[k++] = (c < 32 || c == 127) ? '?' : (char)c;
    }
    if (len > 0 && k + 4 >= n && k >= 3) { buf[k - 3] = '.'; buf[k - 2] = '.'; buf[k - 1] = '.'; }
    buf[k] = '\0';
    return buf;
}

/* GSL calls its error handler, by default one that prints and aborts. We
 * replace that default once per process with "off" (GSL then returns error
 * codes, which the library checks); a handler the application installed
 * itself is left alone. */
static void gsl_guard_once(void)
{
    gsl_error_handler_t *prev = gsl_set_error_handler_off();
    if (prev != NULL) gsl_set_error_handler(prev);
}

void am_gsl_guard(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, gsl_guard_once);
}
