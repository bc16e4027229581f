/* Core: version, status texts, the per-thread error, and the GSL guard.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <armoede.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_version(void **state)
{
    (void)state;
    assert_string_equal(armoede_version(), ARMOEDE_VERSION_STRING);
    assert_int_equal(armoede_version_num(), ARMOEDE_VERSION_NUM);
    char buf[32];
    snprintf(buf, sizeof buf, "%d.%d.%d", ARMOEDE_VERSION_MAJOR, ARMOEDE_VERSION_MINOR, ARMOEDE_VERSION_PATCH);
    assert_string_equal(buf, ARMOEDE_VERSION_STRING);
    assert_int_equal(ARMOEDE_VERSION_NUM,
                     (ARMOEDE_VERSION_MAJOR << 16) | (ARMOEDE_VERSION_MINOR << 8) | ARMOEDE_VERSION_PATCH);
}

static void test_strerror_every_code(void **state)
{
    (void)state;
    const char *seen[16];
    for (int s = 0; s >= ARMOEDE_EINTERNAL; s--) {
        const char *t = armoede_strerror(s);
        assert_non_null(t);
        assert_string_not_equal(t, "unknown status");
        for (int k = 0; k < -s; k++) assert_string_not_equal(t, seen[k]); /* distinct texts */
        seen[-s] = t;
    }
    assert_string_equal(armoede_strerror(-11), "unknown status");
    assert_string_equal(armoede_strerror(5), "unknown status");
}

static void *other_thread(void *arg)
{
    (void)arg;
    /* a fresh thread starts without an error, and its failure stays its own */
    int clean = armoede_last_error()[0] == '\0';
    armoede_table *t = NULL;
    armoede_table_read_csv("/nonexistent/in/thread.csv", NULL, &t);
    return (void *)(intptr_t)(clean && strstr(armoede_last_error(), "in/thread.csv") != NULL);
}

static void test_last_error_per_thread(void **state)
{
    (void)state;
    armoede_table *t = NULL;
    assert_int_equal(armoede_table_read_csv("/nonexistent/main.csv", NULL, &t), ARMOEDE_EIO);
    assert_null(t);
    assert_non_null(strstr(armoede_last_error(), "/nonexistent/main.csv"));
    pthread_t th;
    void *ok = NULL;
    assert_int_equal(pthread_create(&th, NULL, other_thread, NULL), 0);
    assert_int_equal(pthread_join(th, &ok), 0);
    assert_true((intptr_t)ok);
    /* this thread's message is untouched by the other thread */
    assert_non_null(strstr(armoede_last_error(), "/nonexistent/main.csv"));
    armoede_clear_error();
    assert_string_equal(armoede_last_error(), "");
}

/* A weighted indicator uses GSL (the normal quantile for the interval). */
static void weighted_call(void)
{
    armoede_table *t;
    double inc[] = {900, 2000, 800}, norm[] = {1000, 1000, 1000}, w[] = {1.5, 2, 1};
    assert_int_equal(armoede_table_new(3, &t), 0);
    assert_int_equal(armoede_table_add_real(t, "inc", inc, 3, 0), 0);
    assert_int_equal(armoede_table_add_real(t, "norm", norm, 3, 0), 0);
    assert_int_equal(armoede_table_add_real(t, "w", w, 3, 0), 0);
    armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "inc");
    armoede_table_set_role(t, ARMOEDE_ROLE_NORM, "norm");
    armoede_table_set_role(t, ARMOEDE_ROLE_WEIGHT, "w");
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    armoede_result *r = NULL;
    assert_int_equal(armoede_minima(t, &o, &r), 0);
    assert_true(armoede_result_value(r, 0, ARMOEDE_FIELD_SE) > 0);
    armoede_result_free(r);
    armoede_table_free(t);
}

static int app_handler_calls;
static void app_handler(const char *reason, const char *file, int line, int gsl_errno)
{
    (void)reason; (void)file; (void)line; (void)gsl_errno;
    app_handler_calls++;
}

/* In a child process (the guard acts once per process): with GSL's default
 * handler, after a library call a GSL error must not abort. */
static void test_gsl_default_handler_replaced(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        weighted_call();
        gsl_error("provoked", __FILE__, __LINE__, GSL_EDOM); /* aborts under GSL's default */
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* An application's own handler is left alone. */
static void test_gsl_app_handler_kept(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        gsl_set_error_handler(app_handler);
        weighted_call();
        gsl_error("provoked", __FILE__, __LINE__, GSL_EDOM);
        _exit(app_handler_calls == 1 ? 0 : 3);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* One table read from several threads at once (the documented contract:
 * one object from several threads only for reading). */
#define CT_N 5000
static armoede_table *ct_table;
static double ct_want;

static double share_low(void)
{
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    double p[] = {1.1};
    o.thresholds = p;
    o.n_thresholds = 1;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS;
    o.nthreads = 2;
    armoede_result *r = NULL;
    if (armoede_minima(ct_table, &o, &r) != ARMOEDE_OK) return -1;
    double v = armoede_result_value(r, 0, ARMOEDE_FIELD_ESTIMATE);
    armoede_result_free(r);
    return v;
}

static void *ct_worker(void *arg)
{
    (void)arg;
    for (int k = 0; k < 20; k++)
        if (share_low() != ct_want) return (void *)1;
    return NULL;
}

static void test_concurrent_readers(void **state)
{
    (void)state;
    static double inc[CT_N], nrm[CT_N];
    static int64_t hid[CT_N];
    for (int i = 0; i < CT_N; i++) {
        hid[i] = i;
        nrm[i] = 1000;
        inc[i] = (i % 10 < 3) ? 1100 : 1100.01; /* 30% at or below 110% */
    }
    assert_int_equal(armoede_table_new(CT_N, &ct_table), 0);
    assert_int_equal(armoede_table_add_real(ct_table, "inc", inc, CT_N, 0), 0);
    assert_int_equal(armoede_table_add_real(ct_table, "norm", nrm, CT_N, 0), 0);
    assert_int_equal(armoede_table_add_int(ct_table, "hid", hid, CT_N, 0), 0);
    armoede_table_set_role(ct_table, ARMOEDE_ROLE_INCOME, "inc");
    armoede_table_set_role(ct_table, ARMOEDE_ROLE_NORM, "norm");
    armoede_table_set_role(ct_table, ARMOEDE_ROLE_HOUSEHOLD_ID, "hid");
    ct_want = share_low();
    assert_true(fabs(ct_want - 0.3) < 1e-15);
    pthread_t th[4];
    for (int k = 0; k < 4; k++) assert_int_equal(pthread_create(&th[k], NULL, ct_worker, NULL), 0);
    for (int k = 0; k < 4; k++) {
        void *bad = NULL;
        assert_int_equal(pthread_join(th[k], &bad), 0);
        assert_null(bad);
    }
    armoede_table_free(ct_table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_strerror_every_code),
        cmocka_unit_test(test_last_error_per_thread),
        cmocka_unit_test(test_gsl_default_handler_replaced),
        cmocka_unit_test(test_gsl_app_handler_kept),
        cmocka_unit_test(test_concurrent_readers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
