# The Groningen trend monitor on a small synthetic city: the same file as
# the `armoede` command, and the same figures from an R data frame.
test_that("monitor_run writes what the armoede command writes", {
  city <- make_city()
  ini <- file.path(city, "examples", "groningen", "trendmonitor.ini")
  out_r <- file.path(city, "out_r"); out_c <- file.path(city, "out_c")
  df <- monitor_run(ini, out_dir = out_r)
  status <- system2(file.path(build_dir(), "tools", "armoede"), c("--quiet", ini, "--out", out_c))
  expect_equal(status, 0)
  expect_identical(readBin(file.path(out_r, "trendmonitor.csv"), "raw", 1e8),
                   readBin(file.path(out_c, "trendmonitor.csv"), "raw", 1e8))
  csv <- read.csv(file.path(out_c, "trendmonitor.csv"), colClasses = c(year = "character", reason = "character"),
                  na.strings = "")
  expect_identical(names(df), names(csv))
  expect_gt(nrow(df), 1000)
  expect_true(attr(df, "protected"))
  for (col in c("estimate", "numerator", "denominator", "numerator_n", "denominator_n"))
    expect_identical(df[[col]], as.numeric(csv[[col]]))  # read.csv reads the shortest round-trip digits exactly
  expect_identical(df$status, csv$status)
  expect_true(any(df$status == "suppressed_primary"))
})

test_that("the trend monitor's figures from a data frame", {
  city <- make_city()
  ini <- file.path(city, "examples", "groningen", "trendmonitor.ini")
  mon <- monitor_run(ini, out_dir = file.path(city, "out"))
  d <- read.csv(gzfile(file.path(city, "data", "synthetic", "groningen_2016_2024.csv.gz")),
                na.strings = c("", "NA", "-"), stringsAsFactors = TRUE)
  n <- read_norms(file.path(city, "data", "norms_participatiewet.csv"),
                  types = c(single_parent = "single", couple_children = "couple", other = "couple"))
  t <- as_armoede_table(d, person_id = "person_id", household_id = "household_id", year = "year",
                        birth_year = "birth_year", income = "income", household_type = "household_type",
                        age_band = "head_age_band", whole_year = "whole_year", student = "student",
                        institutional = "institutional", wealth = "wealth", area = "wijk",
                        income_source = "income_source")
  mine <- rbind(
    minima(t, thresholds = c(1.10, 1.20), units = c("households", "persons", "minors"),
           by = c("year", "wijk"), margins = "wijk", norms = n),
    durations(t, thresholds = c(1.10, 1.20), durations = c(1, 4), units = c("persons", "minors"),
              by = c("year", "wijk"), margins = "wijk", norms = n))
  sel <- mon[is.na(mon$household_type) & is.na(mon$income_source) & mon$status == "ok" &
             mon$indicator %in% c("minima", "duration", "duration_of_minima"), ]
  expect_gt(nrow(sel), 500)
  key <- function(x) paste(x$indicator, x$unit, x$threshold, x$duration, x$year, x$wijk)
  m <- match(key(sel), key(mine))
  expect_false(anyNA(m))
  expect_identical(sel$numerator, mine$numerator[m])
  expect_identical(sel$denominator, mine$denominator[m])
  expect_identical(sel$estimate, mine$estimate[m])
  prot <- minima(t, thresholds = 1.10, units = "minors", by = c("year", "wijk"), norms = n, protect = TRUE)
  expect_true(attr(prot, "protected"))
  expect_true(any(prot$status != "ok"))
  expect_true(all(is.na(prot$estimate[prot$status != "ok"])))
})
