/* libFuzzer harness for the CSV reader: any bytes, read as a file with the
 * default options and with declared types, must give a table or an error,
 * never a crash, a leak or undefined behaviour. Build and run: tools/fuzz.sh.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <armoede.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/armoede-fuzz-%ld.csv", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    armoede_table *t = NULL;
    if (armoede_table_read_csv(path, NULL, &t) == ARMOEDE_OK) {
        /* use what was read: roles and an indicator over it */
        armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, armoede_table_colname(t, 0));
        armoede_table_set_role(t, ARMOEDE_ROLE_NORM, armoede_table_colname(t, 1));
        armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_ID, armoede_table_colname(t, 2));
        armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
        o.units = ARMOEDE_UNIT_HOUSEHOLDS;
        armoede_result *r = NULL;
        if (armoede_minima(t, &o, &r) == ARMOEDE_OK) armoede_sdc_apply(r, NULL);
        armoede_result_free(r);
        armoede_table_free(t);
    }
    static const char *const cols[] = {"a", "b"};
    static const armoede_type types[] = {ARMOEDE_TYPE_INT, ARMOEDE_TYPE_REAL};
    armoede_read_options ro = ARMOEDE_READ_OPTIONS_INIT;
    ro.columns = cols;
    ro.types = types;
    ro.n_columns = 2;
    ro.separator = ';';
    ro.decimal = ',';
    t = NULL;
    if (armoede_table_read_csv(path, &ro, &t) == ARMOEDE_OK) armoede_table_free(t);
    unlink(path);
    return 0;
}
