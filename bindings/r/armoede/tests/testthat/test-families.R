# Hand-computed cases of the other families' C tests (test_measures.c
# test_hand, test_survey.c test_whole_sample, test_outcome.c
# test_take_up_hand, test_process.c test_lead_times_hand), same values.
row_of <- function(df, ind, ...) {
  keys <- list(...)
  m <- df$indicator == ind
  for (k in names(keys)) m <- m & !is.na(df[[k]]) & df[[k]] == keys[[k]]
  expect_equal(sum(m), 1, info = ind)
  df[m, ][1, ]
}

X10 <- c(5000, 1000, 9000, 3000, 10000, 2000, 7000, 5000, 8000, 6000)

test_that("measures by hand", {
  t <- as_armoede_table(list(inc = X10), income = "inc")
  r <- measures(t, measures = c("arpt", "arpr", "rmpg", "qsr", "gini", "median"), p = 0.5)
  expect_equal(row_of(r, "median")$estimate, 6000)
  expect_equal(row_of(r, "arpt")$estimate, 3000)
  a <- row_of(r, "arpr")
  expect_equal(c(a$estimate, a$numerator_n, a$denominator_n, a$threshold), c(0.2, 2, 10, 0.5), tolerance = 1e-15)
  expect_equal(row_of(r, "rmpg")$estimate, 1 / 3, tolerance = 1e-15)
  expect_equal(row_of(r, "qsr")$estimate, 10000 / 6000, tolerance = 1e-15)
  expect_equal(row_of(r, "gini")$estimate, 162000 / (10 * 56000), tolerance = 1e-15)
  expect_true(is.na(row_of(r, "gini")$se))
  expect_equal(row_of(measures(t, measures = "arpr", p = 0.5, at_or_below = 1), "arpr")$estimate, 0.3, tolerance = 1e-15)
  r <- measures(t, measures = c("median", "arpt", "qsr"), p = 0.5, rule = "eurostat")
  expect_equal(c(row_of(r, "median")$estimate, row_of(r, "arpt")$estimate), c(5500, 2750))
  expect_equal(row_of(r, "qsr")$estimate, 19000 / 3000, tolerance = 1e-15)
  expect_equal(measures(t, measures = "median", rule = "linear")$estimate, 5500)
  r <- measures(t, measures = "fgt", fgt_line = ARMOEDE_LINE_FIXED, fgt_value = 4000)
  expect_equal(nrow(r), 3)
  expect_equal(vapply(c("fgt0", "fgt1", "fgt2"), function(i) row_of(r, i)$estimate, 0),
               c(fgt0 = 0.3, fgt1 = 0.15, fgt2 = 0.0875), tolerance = 1e-15)
  r <- measures(t, measures = "fgt", p = 0.5, fgt_alpha = c(0, 1, 0.5))
  expect_equal(row_of(r, "fgt0.5")$estimate, (sqrt(2 / 3) + sqrt(1 / 3)) / 10, tolerance = 1e-15)
})

test_that("a survey share over the whole sample", {
  tiny <- data.frame(stratum = c("A", "A", "A", "B", "B", "B", "B", "B", "A"),
                     cluster = c(1L, 1L, 2L, 1L, 2L, 3L, 3L, 1L, 2L),
                     weight = c(2, 1, 3, 1, 2, 2, 1, 0, 1),
                     answer = c("yes", "no", "yes", "no", "yes", "no", "dk", "yes", NA),
                     district = c("N", "S", "N", "N", "S", "N", "S", "N", "S"))
  t <- as_armoede_table(tiny)
  r <- survey_share(t, item = "answer", categories = "yes", exclude = "dk", weight = "weight",
                    stratum = "stratum", cluster = "cluster", ci_method = "wald")
  expect_equal(nrow(r), 1)
  se <- sqrt(500) / 121; tq <- 3.1824463052837078
  expect_identical(c(r$indicator, r$unit), c("survey_share", "respondents"))
  expect_equal(r$estimate, 7 / 11, tolerance = 1e-15)
  expect_equal(c(r$numerator, r$denominator, r$numerator_n, r$denominator_n), c(7, 11, 3, 6))
  expect_equal(r$se, se, tolerance = 1e-15)
  expect_equal(c(r$ci_low, r$ci_high), c(7 / 11 - tq * se, 7 / 11 + tq * se), tolerance = 1e-12)
  expect_true(any(grepl("2 strata, 5 PSUs", attr(r, "notes"))))
  r <- survey_share(t, item = "answer", categories = "yes", exclude = "dk", weight = "weight",
                    stratum = "stratum", cluster = "cluster", ci_method = "wald", df = Inf)
  expect_equal(r$ci_low, 7 / 11 - 1.959963984540054 * se, tolerance = 1e-12)
})

test_that("take-up by hand", {
  d <- tempfile(); dir.create(d)
  cat("pid,hid,year,age,income,norm,whole_year,source\n1,1,2023,40,10000,10000,1,work\n",
      "2,1,2023,10,10000,10000,1,work\n3,2,2023,50,11000,10000,1,benefit\n",
      "4,3,2023,30,11000.01,10000,1,work\n5,4,2023,30,20000,10000,1,work\n",
      "6,5,2023,30,5000,10000,0,benefit\n", sep = "", file = file.path(d, "inc1.csv"))
  cat("id,scheme,year\n1,a,2023\n4,a,2023\n6,a,2023\n2,kp,2023\n99,a,2023\n3,zz,2023\n",
      file = file.path(d, "reg1.csv"))
  t <- read_table(file.path(d, "inc1.csv"), person_id = "pid", household_id = "hid", year = "year",
                  income = "income", norm = "norm", age = "age", whole_year = "whole_year", income_source = "source")
  reg <- read_table(file.path(d, "reg1.csv"))
  r <- take_up(t, reg, population = list(by = "year"), units = c("households", "persons"),
               schemes = list(list(code = "a", threshold = 1.10),
                              list(code = "kp", threshold = 1.30, needs_minors = 1)))
  share <- function(ind, unit, scheme, num, den, p = NA) {
    m <- r$indicator == ind & r$unit == unit & r$scheme == scheme & r$year == "2023"
    if (!is.na(p)) m <- m & abs(r$threshold - p) < 1e-12 & !is.na(r$duration) & r$duration == 1
    m[is.na(m)] <- FALSE
    expect_equal(sum(m), 1, info = paste(ind, unit, scheme))
    expect_identical(c(r$numerator_n[m], r$denominator_n[m]), c(num, den), info = paste(ind, unit, scheme))
  }
  share("take_up", "households", "a", 1, 2)
  share("non_take_up", "households", "a", 1, 2)
  share("leakage", "households", "a", 1, 2)
  share("take_up", "households", "kp", 1, 1)
  share("leakage", "households", "kp", 0, 1)
  share("take_up", "households", "any", 1, 2)
  share("reach", "households", "a", 2, 3, p = 1.3)
  share("reach", "households", "kp", 1, 3, p = 1.3)
  share("reach", "households", "a", 1, 2, p = 1.1)
  share("take_up", "persons", "a", 1, 3)
  share("take_up", "persons", "kp", 1, 2)
  share("leakage", "persons", "a", 1, 2)
  expect_true(any(grepl("reg1.csv line 7, column 'scheme', value 'zz'", attr(r, "notes"), fixed = TRUE)))
})

test_that("lead times by hand", {
  f <- tempfile(fileext = ".csv")
  cat("case,crisis,district,registration,first_conversation,closure\n",
      "1,1,A,2024-03-28,2024-04-02,2024-05-01\n2,0,A,2024-05-03,2024-05-13,\n",
      "3,0,B,2024-12-23,2024-12-27,2025-01-10\n4,0,B,2024-12-02,,\n5,1,B,2024-06-10,2024-06-03,\n",
      sep = "", file = f)
  t <- read_table(f)
  expect_equal(armoede_table_coltype(t, "registration"), ARMOEDE_TYPE_DATE)
  r <- lead_times(t, events = c("registration", "first_conversation"))
  iv <- "registration-first_conversation"
  e <- function(ind, unit) row_of(r[r$unit == unit, ], ind, interval = iv)$estimate
  expect_equal(e("lead_time_mean", "calendar_days"), 19 / 3, tolerance = 1e-12)
  expect_equal(e("lead_time_median", "calendar_days"), 5)
  expect_equal(e("lead_time_p90", "calendar_days"), 9, tolerance = 1e-12)
  expect_equal(e("lead_time_mean", "working_days"), 8 / 3, tolerance = 1e-12)
  expect_equal(e("lead_time_p90", "working_days"), 4.4, tolerance = 1e-12)
  # the same cases from a data frame with Date columns
  df <- read.csv(f, colClasses = c(registration = "Date", first_conversation = "Date", closure = "Date"))
  r2 <- lead_times(df, events = c("registration", "first_conversation", "closure"), by = "district",
                   margins = "district")
  cal <- r2[r2$unit == "calendar_days", ]
  expect_equal(row_of(cal, "lead_time_mean", interval = iv, district = "A")$estimate, 7.5)
  expect_equal(row_of(cal, "lead_time_median", interval = "registration-closure", district = "Total")$estimate, 26)
  e <- tryCatch(lead_times(t, events = c("registration", "first_conversation"), strict = 1),
                armoede_error = function(e) e)
  expect_equal(e$status, ARMOEDE_EDATA)
  expect_match(conditionMessage(e), "2024-06-03", fixed = TRUE)
})
