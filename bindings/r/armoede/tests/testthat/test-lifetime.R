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
  skip_if(Sys.getenv("ARMOEDE_ASAN") == "1", "AddressSanitizer keeps freed memory in quarantine; leak_check.R runs instead")
  x <- c(90, 100, 120, 150, 80)
  labels <- c("A", "B", NA, "A", "B")
  one <- .leak_round(x, labels)
  for (i in 1:300) one(i)
  gc(); gc()
  before <- rss_kib()
  rounds <- ceiling(100000 / 17)
  for (i in seq_len(rounds)) one(i)
  gc(); gc()
  grown <- rss_kib() - before
  expect_lt(grown, 2048)  # KiB; a leak of 16 bytes a call would be 1.6 MB
})
