# The hand-computed cases of tests/test_indicators.c, with the same values.
MINIMA_REC <- data.frame(
  pid = 1:16, hid = c(1, 1, 2, 3, 3, 3, 4, 5, 5, 6, 7, 7, 8, 9, 9, 10), year = 2022L,
  income = c(1000.00, 1000.00, 1100.00, 1100.01, 1100.01, 1100.01, 17109.05, 17109.06, 17109.06,
             17109.04, 1201.68, 1201.68, 1303.64, 5000.00, 5000.00, 0.00),
  norm = c(1000.00, 1000.00, 1000.00, 1000.00, 1000.00, 1000.00, 15553.68, 15553.68, 15553.68,
           15553.68, 1001.40, 1001.40, 1002.80, 1000.00, 1000.00, 1000.00),
  age = c(40L, 10L, 30L, 35L, 5L, 17L, 50L, 50L, 18L, 60L, 30L, 0L, 30L, 40L, 12L, 22L))

test_that("minima with a per-record norm", {
  t <- as_armoede_table(MINIMA_REC, person_id = "pid", household_id = "hid", year = "year",
                        income = "income", norm = "norm", age = "age")
  r <- minima(t)
  exp <- list(c(1.0, 2, 3, 1), c(1.1, 5, 6, 1), c(1.2, 8, 13, 4), c(1.3, 9, 14, 4))
  for (e in exp) {
    checkn(r, "minima", "households", e[1], NA, e[2], 10)
    checkn(r, "minima", "persons", e[1], NA, e[3], 16)
    checkn(r, "minima", "minors", e[1], NA, e[4], 5)
  }
  expect_equal(nrow(r), 12)
  expect_true(all(is.na(r$se)))
  expect_false(attr(r, "protected"))
  r <- minima(t, thresholds = c(1.3, 1.1), units = "households")
  expect_equal(nrow(r), 2)
  checkn(r, "minima", "households", 1.1, NA, 5, 10)
  checkn(r, "minima", "households", 1.3, NA, 9, 10)
  f <- tempfile(fileext = ".csv")
  write_result(r, f, unprotected = TRUE)
  expect_identical(names(r), strsplit(readLines(f, n = 1), ",")[[1]])  # the CSV writer's columns
  expect_identical(names(r)[1:6], c("indicator", "unit", "threshold", "duration", "estimate", "numerator"))
})

test_that("minima on the line", {
  rs <- data.frame(hid = 1:5, year = 2022L, income = c(1100.00, 1100.01, 17109.05, 17109.06, 17109.04),
                   norm = c(1000.00, 1000.00, 15553.68, 15553.68, 15553.68))
  r <- minima(as_armoede_table(rs, household_id = "hid", year = "year", income = "income", norm = "norm"),
              thresholds = 1.1, units = "households")
  checkn(r, "minima", "households", 1.1, NA, 3, 5)
  inside <- c(1, 0, 1, 0, 1)
  for (i in 1:5) {
    t <- as_armoede_table(rs[i, ], household_id = "hid", year = "year", income = "income", norm = "norm")
    checkn(minima(t, thresholds = 1.1, units = ARMOEDE_UNIT_HOUSEHOLDS), "minima", "households", 1.1, NA, inside[i], 1)
  }
})

NORMS_REC <- data.frame(
  pid = 1:14, hid = c(1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 6, 6), year = c(rep(2022L, 12), 2021L, 2021L),
  income = c(12600.00, 13860.00, 13860.00, 13860.00, 19800.01, 19800.01, 19800.01, 9900.00, 9900.00,
             40000.00, 40000.00, 40000.00, 12000.00, 12000.00),
  hh_type = c("single", rep("single_parent", 3), rep("couple", 8), "single", "single"),
  age_band = c(rep("21_aow", 7), "u21", "u21", rep("21_aow", 5)),
  birth_year = c(1980L, 1990L, 2010L, 2004L, 1985L, 1986L, 2020L, 2003L, 2003L, 1970L, 1972L, 2008L, 1980L, 2004L))

make_norms <- function() norms(data.frame(valid_from = c("2021-01-01", "2022-07-01", "2021-01-01", "2021-01-01"),
                                          household_type = c("single", "single", "couple", "couple"),
                                          age_band = c("*", "*", "21_aow", "u21"),
                                          annual_amount = c(12000, 13200, 18000, 9000)),
                               types = c(single_parent = "single"))

test_that("minima with a norms table", {
  n <- make_norms()
  expect_equal(armoede_norms_annual(n, 2022, "single", "21_aow"), 12600)
  expect_equal(armoede_norms_annual(n, 2021, "single_parent", "u21"), 12000)
  t <- as_armoede_table(NORMS_REC, person_id = "pid", household_id = "hid", year = "year", income = "income",
                        household_type = "hh_type", age_band = "age_band", birth_year = "birth_year")
  r <- minima(t, norms = n, by = "year")
  for (e in list(c(1.0, 1, 1, 0), c(1.1, 3, 6, 1), c(1.2, 4, 9, 2), c(1.3, 4, 9, 2))) {
    checkn(r, "minima", "households", e[1], NA, e[2], 5, year = "2022")
    checkn(r, "minima", "persons", e[1], NA, e[3], 12, year = "2022")
    checkn(r, "minima", "minors", e[1], NA, e[4], 3, year = "2022")
    checkn(r, "minima", "households", e[1], NA, 1, 1, year = "2021")
    checkn(r, "minima", "persons", e[1], NA, 2, 2, year = "2021")
    checkn(r, "minima", "minors", e[1], NA, 1, 1, year = "2021")
  }
  expect_equal(nrow(r), 24)
  t2 <- as_armoede_table(transform(NORMS_REC, year = 2019L), person_id = "pid", household_id = "hid",
                         year = "year", income = "income", household_type = "hh_type", age_band = "age_band")
  e <- tryCatch(minima(t2, norms = n), armoede_error = function(e) e)
  expect_s3_class(e, "armoede_error")
  expect_equal(e$status, ARMOEDE_ENORM)
  expect_match(conditionMessage(e), "2019")
})

from_patterns <- function(pats, y0 = 2016) {
  rows <- list()
  for (p in pats) {
    s <- strsplit(p$s, "")[[1]]
    for (y in seq_along(s)) {
      c <- s[y]
      if (c == "U") next
      hid <- if (!is.null(p$hid)) p$hid[y] else p$pid * 10
      rows[[length(rows) + 1]] <- data.frame(pid = p$pid, hid = hid, year = y0 + y - 1L,
        income = if (c == "H") 2000 else 900, norm = 1000, birth_year = p$birth, student = as.integer(c == "S"))
    }
  }
  do.call(rbind, rows)
}

test_that("durations, person level", {
  pats <- list(list(pid = 1, s = "LLLLLL", birth = 1980L, hid = rep(1, 6)),
               list(pid = 2, s = "LLULLL", birth = 1980L, hid = rep(2, 6)),
               list(pid = 3, s = "LLLLHL", birth = 1980L, hid = 31:36),
               list(pid = 4, s = "LLLLLL", birth = 2001L, hid = rep(4, 6)),
               list(pid = 5, s = "LLLLLL", birth = 2010L, hid = rep(4, 6)),
               list(pid = 6, s = "LLHLLL", birth = 1970L, hid = rep(6, 6)),
               list(pid = 7, s = "LLSLLL", birth = 1970L, hid = rep(7, 6)),
               list(pid = 8, s = "HHHHHH", birth = 1970L, hid = rep(8, 6)),
               list(pid = 9, s = "HHLLLL", birth = 2008L, hid = rep(9, 6)))
  t <- as_armoede_table(from_patterns(pats), person_id = "pid", household_id = "hid", year = "year",
                        income = "income", norm = "norm", birth_year = "birth_year", student = "student")
  r <- durations(t, thresholds = 1.0, durations = c(1, 4), units = c("persons", "minors"), by = "year")
  low <- c(7, 7, 5, 8, 7, 8); pop <- c(9, 9, 7, 9, 9, 9); mlow <- c(2, 2, 3, 2, 2, 2); mpop <- c(3, 3, 3, 2, 2, 2)
  k4 <- c(0, 0, 0, 4, 3, 4); mk4 <- c(0, 0, 0, 1, 1, 2)
  for (i in 1:6) {
    y <- as.character(2015 + i)
    checkn(r, "duration", "persons", 1.0, 1, low[i], pop[i], year = y)
    checkn(r, "duration_of_minima", "minors", 1.0, 1, mlow[i], mlow[i], year = y)
    checkn(r, "duration", "minors", 1.0, 1, mlow[i], mpop[i], year = y)
    checkn(r, "duration", "persons", 1.0, 4, k4[i], pop[i], year = y)
    checkn(r, "duration_of_minima", "persons", 1.0, 4, k4[i], low[i], year = y)
    checkn(r, "duration", "minors", 1.0, 4, mk4[i], mpop[i], year = y)
  }
  expect_equal(nrow(r), 48)
  r <- durations(t, thresholds = 1.0, durations = c(1, 4), units = c("persons", "minors"), by = "year", bridge_gaps = 1)
  k4b <- c(0, 0, 0, 4, 5, 6)
  for (i in 1:6) checkn(r, "duration", "persons", 1.0, 4, k4b[i], pop[i], year = as.character(2015 + i))
})

test_that("flows", {
  pats <- lapply(list(c(1, "LHLLHH"), c(2, "LHHHLL"), c(3, "LHULLL"), c(4, "HLHHHH"), c(5, "HHHHHH"),
                      c(6, "LLLLLL"), c(7, "LULHLH"), c(8, "HLUUUU")),
                 function(x) list(pid = as.numeric(x[1]), s = x[2], birth = 1980L))
  d <- from_patterns(pats)
  t <- as_armoede_table(d[, c("pid", "hid", "year", "income", "norm")], person_id = "pid",
                        household_id = "hid", year = "year", income = "income", norm = "norm")
  r <- flows(t, thresholds = 1.0, units = "persons", relapse_years = 2, by = "year")
  exp <- rbind(c(2017, 2, 3, 3, 4), c(2018, 1, 3, 1, 2), c(2019, 0, 3, 1, 3), c(2020, 2, 4, 1, 3), c(2021, 0, 3, 1, 4))
  for (i in seq_len(nrow(exp))) {
    checkn(r, "entry", "persons", 1.0, NA, exp[i, 2], exp[i, 3], year = as.character(exp[i, 1]))
    checkn(r, "exit", "persons", 1.0, NA, exp[i, 4], exp[i, 5], year = as.character(exp[i, 1]))
  }
  checkn(r, "relapse", "persons", 1.0, 2, 1, 2, year = "2017")
  checkn(r, "relapse", "persons", 1.0, 2, 0, 1, year = "2018")
  checkn(r, "relapse", "persons", 1.0, 2, 1, 1, year = "2019")
  expect_equal(sum(r$indicator == "relapse"), 3)
})

test_that("one table from a data frame, a list of vectors and a file", {
  roles <- list(person_id = "pid", household_id = "hid", year = "year", income = "income", norm = "norm", age = "age")
  f <- tempfile(fileext = ".csv")
  write.csv(MINIMA_REC, f, row.names = FALSE)
  r1 <- minima(do.call(as_armoede_table, c(list(MINIMA_REC), roles)))
  r2 <- minima(do.call(as_armoede_table, c(list(as.list(MINIMA_REC)), roles)))
  r3 <- minima(do.call(read_table, c(list(f), roles)))
  strip <- function(r) { attr(r, "result") <- NULL; r }
  expect_identical(strip(r1), strip(r2))
  expect_identical(strip(r1), strip(r3))
})

test_that("quantiles and the calendar", {
  expect_identical(quantiles(1:4, c(0.5, 0.25), rule = "linear"), c(2.5, 1.75))
  expect_identical(quantiles(c(1, 2, 3, 4), 0.5, w = rep(1, 4), rule = "eurostat"), 2.5)
  expect_identical(easter(2024), as.Date("2024-03-31"))
  expect_identical(nl_holiday("2024-12-25"), "Christmas Day")
  expect_true(is.na(nl_holiday(as.Date("2024-12-27"))))
  expect_equal(nl_working_days("2024-01-01", "2024-01-08"), 5)
  expect_equal(equivalence_factor("oecd", 2024, 1, 0, 2), 1.8)
})
