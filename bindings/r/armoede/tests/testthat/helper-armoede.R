# Helpers of the R binding tests. Environment (set by bindings/run_tests.sh):
# ARMOEDE_BUILD_DIR (tools/armoede-gencity, tools/armoede), ARMOEDE_SOURCE_DIR.
cell <- function(df, ind, unit, p, k = NA, ...) {
  keys <- list(...)
  m <- df$indicator == ind & df$unit == unit & abs(df$threshold - p) < 1e-12
  m <- m & (if (is.na(k)) is.na(df$duration) else (!is.na(df$duration) & df$duration == k))
  for (n in names(keys)) m <- m & !is.na(df[[n]]) & df[[n]] == keys[[n]]
  m[is.na(m)] <- FALSE
  rows <- df[m, ]
  expect_equal(nrow(rows), 1, info = sprintf("%s/%s p=%g k=%g", ind, unit, p, k))
  rows[1, ]
}

# CHECKN of tests/test_indicators.c: unweighted numerator and denominator, estimate.
checkn <- function(df, ind, unit, p, k, num, den, ...) {
  r <- cell(df, ind, unit, p, k, ...)
  expect_equal(r$numerator, num)
  expect_equal(r$denominator, den)
  expect_identical(r$numerator_n, as.numeric(num))
  expect_identical(r$denominator_n, as.numeric(den))
  expect_equal(r$estimate, num / den, tolerance = 1e-12)
  expect_identical(r$status, "ok")
}

source_dir <- function() {
  s <- Sys.getenv("ARMOEDE_SOURCE_DIR")
  if (nzchar(s)) s else normalizePath(file.path(getwd(), "..", "..", "..", "..", ".."), mustWork = FALSE)
}
build_dir <- function() Sys.getenv("ARMOEDE_BUILD_DIR", file.path(source_dir(), "build"))

# The Groningen layout with a small synthetic city (seed 7, 3000 households),
# made once per run (as the Python suite's session fixture).
.city <- new.env()
make_city <- function() {
  if (!is.null(.city$root)) return(.city$root)
  gencity <- file.path(build_dir(), "tools", "armoede-gencity")
  if (!file.exists(gencity)) skip(paste("no", gencity, "(set ARMOEDE_BUILD_DIR)"))
  root <- tempfile("city")
  dir.create(file.path(root, "data", "synthetic"), recursive = TRUE)
  dir.create(file.path(root, "examples", "groningen"), recursive = TRUE)
  file.copy(file.path(source_dir(), "examples", "groningen", "trendmonitor.ini"), file.path(root, "examples", "groningen"))
  file.copy(file.path(source_dir(), "data", "norms_participatiewet.csv"), file.path(root, "data"))
  status <- system2(gencity, c("--seed", "7", "--households", "3000", "-o",
                               file.path(root, "data", "synthetic", "groningen_2016_2024.csv.gz")),
                    stdout = FALSE, stderr = FALSE)
  stopifnot(status == 0)
  .city$root <- root
}
