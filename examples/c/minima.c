/* Share of households at or below 110% of the social minimum, by year. */
#include <armoede.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    armoede_table *t;
    armoede_norms *norms;
    armoede_result *r;
    if (argc < 3 || armoede_table_read_csv(argv[1], NULL, &t) || armoede_norms_read_csv(argv[2], &norms)) {
        fprintf(stderr, "usage: minima DATA.csv[.gz] NORMS.csv (%s)\n", armoede_last_error());
        return 1;
    }
    armoede_norms_map_type(norms, "single_parent", "single");  /* data type -> norm type */
    armoede_norms_map_type(norms, "couple_children", "couple");
    armoede_norms_map_type(norms, "other", "couple");
    armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_ID, "household_id");
    armoede_table_set_role(t, ARMOEDE_ROLE_PERSON_ID, "person_id");
    armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "year");
    armoede_table_set_role(t, ARMOEDE_ROLE_INCOME, "income");
    armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_TYPE, "household_type");
    armoede_table_set_role(t, ARMOEDE_ROLE_AGE_BAND, "head_age_band");

    double p[] = {1.10};
    const char *by[] = {"year"};
    armoede_impact_options o = ARMOEDE_IMPACT_OPTIONS_INIT;
    o.thresholds = p; o.n_thresholds = 1; o.by = by; o.n_by = 1;
    o.units = ARMOEDE_UNIT_HOUSEHOLDS; o.norms = norms;
    if (armoede_minima(t, &o, &r) != ARMOEDE_OK) { fprintf(stderr, "%s\n", armoede_last_error()); return 1; }
    armoede_sdc_apply(r, NULL);  /* disclosure control before anything leaves the program */
    for (size_t i = 0; i < armoede_result_nrows(r); i++)
        printf("%s  %.1f%%\n", armoede_result_key(r, i, 0), 100 * armoede_result_value(r, i, ARMOEDE_FIELD_ESTIMATE));
    armoede_result_free(r);
    armoede_norms_free(norms);
    armoede_table_free(t);
    return 0;
}
