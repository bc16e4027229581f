# Memory and lifetime: borrowed vectors outlive the caller's reference,
# objects are freed once by the garbage collector, no growth over 100,000 calls.
rss_kib <- function() {
  l <- grep("^VmRSS:", readLines("/proc/self/status"), value = TRUE)
  as.numeric(strsplit(trimws(sub("VmRSS:", "", l)), " +")[[1]][1])
}

test_that("a table from an R vector stays valid after the caller drops it", {
  make <- function() {
    ratio <- c(90, 100, 120, 150) + 0  # a fresh double vector, borrowed without a copy
    as_armoede_table(list(hid = 1:4, year = rep(2022L, 4), ratio = ratio),
                     household_id = "hid", year = "year", ratio_pct = "ratio")
  }
  t <- make()
  gc(); junk <- lapply(1:2000, function(i) runif(4)); gc()
  r <- minima(t, thresholds = 1.0, units = "households")
  expect_equal(c(r$numerator_n, r$denominator_n), c(2, 4))
})

test_that("objects are freed once by the garbage collector", {
  for (i in 1:2000) {
    t <- armoede_table_new(3)
    armoede_table_add_real(t, "x", c(1, 2, 3), 0L)
    n <- armoede_norms_new()
    if (i %% 2 == 0) { armoede_table_free(t); armoede_norms_free(n) }
  }
  rm(t, n); gc(); gc()
  # a result outlives its table
  t <- as_armoede_table(list(hid = 1:4, year = rep(2022L, 4), r = rep(90, 4)), household_id = "hid",
                        year = "year", ratio_pct = "r")
  res <- armoede_minima(t, list(thresholds = 1.0))
  rm(t); gc()
  expect_equal(armoede_result_nrows(res), 1)
  expect_equal(armoede_result_value(res, 0, 3L), 4)
})

test_that("no growth over 100,000 calls", {
  x <- c(90, 100, 120, 150, 80)
  labels <- c("A", "B", NA, "A", "B")
  one <- function(i) {
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
  for (i in 1:300) one(i)
  gc(); gc()
  before <- rss_kib()
  rounds <- ceiling(100000 / 17)
  for (i in seq_len(rounds)) one(i)
  gc(); gc()
  grown <- rss_kib() - before
  expect_lt(grown, 2048)  # KiB; a leak of 16 bytes a call would be 1.6 MB
})
