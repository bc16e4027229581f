# One round of 17 calls through every kind of conversion (vectors in, string
# vectors, options lists with nested vectors, handles out, outputs, errors):
# used by test-lifetime.R (RSS) and bindings/r/leak_check.R (LeakSanitizer).
.leak_round <- function(x, labels) function(i) {
  t <- armoede_table_new(5)
  armoede_table_add_real(t, "ratio", x, 0L)
  armoede_table_add_int(t, "hid", c(1, 2, 3, 4, 5), 1L)
  armoede_table_add_int32(t, "year", rep(2022L, 5))
  armoede_table_add_text(t, "wijk", labels)
  armoede_table_set_role(t, ARMOEDE_ROLE_HOUSEHOLD_ID, "hid")
  armoede_table_set_role(t, ARMOEDE_ROLE_YEAR, "year")
  armoede_table_set_role(t, ARMOEDE_ROLE_RATIO_PCT, "ratio")
  r <- armoede_minima(t, list(thresholds = c(1.0, 1.2), by = "wijk", margins = "wijk"))
  armoede_result_value(r, 0, 0L)
  armoede_result_key(r, 0, 0)
  armoede_result_note(r, 0)
  try(armoede_minima(t, list(by = "nope")), silent = TRUE)
  try(armoede_minima(t, list(thresholds = "bad")), silent = TRUE)
  armoede_quantiles(x, NULL, 0.5, 0L)
  armoede_impact_options_init()
  if (i %% 3 == 0) armoede_result_free(r)
}
