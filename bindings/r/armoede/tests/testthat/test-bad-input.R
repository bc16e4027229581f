# Bad input: a clear R error naming the column or option, never a crash.
DF <- data.frame(hid = 1:4, year = 2022L, ratio = c(90, 100, 120, 150), wijk = c("A", "A", "B", "B"))
tab <- function(df = DF, ...) {
  roles <- list(...)
  if (!length(roles)) roles <- list(household_id = "hid", year = "year", ratio_pct = "ratio")
  do.call(as_armoede_table, c(list(df), roles))
}

test_that("a wrong column name", {
  e <- tryCatch(minima(tab(), by = "district"), armoede_error = function(e) e)
  expect_s3_class(e, "armoede_error")
  expect_equal(e$status, ARMOEDE_ENOTFOUND)
  expect_match(conditionMessage(e), "district")
  expect_error(tab(household_id = "hid", year = "jaar"), "jaar", class = "armoede_error")
  expect_error(as_armoede_table(DF, columns = c("hid", "nope")), "nope")
})

test_that("a column of the wrong type", {
  expect_error(tab(household_id = "hid", year = "wijk"), "wijk", class = "armoede_error")
  expect_error(tab(transform(DF, hid = hid + 0.5)), "column 'hid'")
  expect_error(as_armoede_table(data.frame(z = complex(real = 1:2, imaginary = 0))), "column 'z'")
  expect_error(minima(tab(), thresholds = "high"), "thresholds")
  expect_error(minima(tab(), treshold = 1.1), "treshold")
  expect_error(minima(tab(), units = "people"), "units")
  expect_error(minima(list(1, 2)), "armoede_table")
})

test_that("NA in a key column", {
  na <- transform(DF, hid = c(1L, NA, 3L, 4L))
  expect_error(minima(tab(na)), "column 'hid' has 1 missing value")
  r <- minima(tab(na), na_keys = "library", units = "households", thresholds = 1.0)
  expect_equal(r$denominator_n, 4)
  cat_na <- transform(DF, wijk = factor(c("A", NA, "B", "B")))
  expect_error(minima(tab(cat_na), by = "wijk"), "column 'wijk'")
  yr <- transform(DF, year = c(2022, NA, 2022, 2022))  # a double year with NA: INT with a missing year
  expect_error(minima(tab(yr)), "column 'year'")
})

test_that("a data frame with zero rows", {
  expect_error(tab(DF[0, ]), "zero rows")
})

test_that("a factor with unused levels", {
  used <- minima(tab(transform(DF, wijk = factor(wijk))), by = "wijk", margins = "wijk")
  unused <- transform(DF, wijk = factor(wijk, levels = c("Z", "B", "A", "C")))
  r <- minima(tab(unused), by = "wijk", margins = "wijk")
  strip <- function(x) { attr(x, "result") <- NULL; x[order(x$unit, x$threshold, x$wijk), ] }
  a <- strip(used); b <- strip(r)
  rownames(a) <- rownames(b) <- NULL
  expect_identical(a, b)
  expect_setequal(unique(r$wijk), c("A", "B", "Total"))
})

test_that("errors carry the status and the library's message", {
  e <- tryCatch(read_table("/nonexistent/file.csv"), armoede_error = function(e) e)
  expect_equal(e$status, ARMOEDE_EIO)
  expect_match(conditionMessage(e), "/nonexistent/file.csv", fixed = TRUE)
  expect_identical(e$name, armoede_strerror(ARMOEDE_EIO))
})

test_that("freed objects are errors, not crashes", {
  t <- tab()
  armoede_table_free(t)
  expect_error(minima(t), "freed")
  armoede_table_free(t)  # twice: a no-op
  expect_error(armoede_table_nrows(armoede_norms_new()), "not an armoede_table")
  expect_error(armoede_table_nrows(42), "not an armoede_table")
})
