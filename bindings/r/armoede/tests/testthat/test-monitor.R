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

# The hand-computed cases of tests/test_monitor.c.
DATA_CSV <- paste0("pid,hid,jaar,inkomen,norm,wijk\n",
  "1,1,2023,1000,1000,A\n2,2,2023,1100,1000,A\n3,3,2023,1100.01,1000,A\n4,4,2023,900,1000,A\n",
  "5,5,2023,5000,1000,A\n6,6,2023,5000,1000,A\n7,7,2023,5000,1000,A\n8,8,2023,800,1000,A\n",
  "9,9,2023,800,1000,B\n10,10,2023,5000,1000,B\n")
CFG_HEAD <- paste0("[input]\nfile = data.csv\n\n[columns]\nperson_id = pid\nhousehold_id = hid\nyear = jaar\n",
                   "income = inkomen\nnorm = norm\n\n")
monitor_dir <- function(body) {
  d <- tempfile("mon"); dir.create(d)
  cat(DATA_CSV, file = file.path(d, "data.csv"))
  cat(CFG_HEAD, body, sep = "", file = file.path(d, "m.ini"))
  d
}

test_that("a monitor runs and protects", {
  d <- monitor_dir(paste0("[indicator m]\ntype = minima\nthresholds = 110\nunits = households\nby = wijk\n",
                          "margins = wijk\n\n[disclosure]\nmin_n = 3\n\n[output]\ncsv = out.csv\njson = out.json\n"))
  r <- monitor_run(file.path(d, "m.ini"))
  expect_true(attr(r, "protected"))
  expect_equal(nrow(r), 3)
  expect_identical(setNames(r$status, r$wijk)[c("A", "B", "Total")],
                   c(A = "suppressed_secondary", B = "suppressed_primary", Total = "ok"))
  tot <- r[r$wijk == "Total", ]
  expect_identical(c(tot$numerator_n, tot$denominator_n, tot$estimate), c(5, 10, 0.5))
  expect_match(readLines(file.path(d, "out.csv"), n = 1), "^indicator,unit,threshold,duration,wijk,estimate")
  expect_true(file.exists(file.path(d, "out.json")))
})

test_that("config errors name file and line", {
  d <- monitor_dir("[indicator m]\ntype = minima\nthreshold = 110\n[output]\ncsv = o.csv\n")
  e <- tryCatch(monitor_run(file.path(d, "m.ini")), armoede_error = function(e) e)
  expect_equal(e$status, ARMOEDE_ECONFIG)
  expect_match(conditionMessage(e), "m.ini:13", fixed = TRUE)
  expect_match(conditionMessage(e), "unknown key 'threshold'", fixed = TRUE)
  e <- tryCatch(monitor_run(file.path(d, "none.ini")), armoede_error = function(e) e)
  expect_equal(e$status, ARMOEDE_EIO)
})

test_that("disclosure off is noted", {
  d <- monitor_dir(paste0("[indicator m]   # the minima\ntype = minima # of the city\nthresholds = 110\nby = wijk\n",
                          "[disclosure]\nenabled = no # not for publication\n[output]\ncsv = o.csv\n"))
  r <- monitor_run(file.path(d, "m.ini"))
  expect_false(attr(r, "protected"))
  expect_true(any(grepl("not for publication", attr(r, "notes"))))
})

test_that("a CBS export with the ratio only", {
  d <- tempfile("cbs"); dir.create(d)
  cat("RINHUISHOUDEN;JAAR;INHARMSOC;GEMEENTE\n000000001;2022;95,5;GM0014\n000000002;2022;110,0;GM0014\n",
      "000000003;2022;110,01;GM0014\n000000004;2022;250;GM0014\n000000005;2022;60;GM0014\n",
      sep = "", file = file.path(d, "inhatab.csv"))
  cat("[input]\nfile = inhatab.csv\nseparator = semicolon\ndecimal = comma\n",
      "[columns]\nhousehold_id = RINHUISHOUDEN\nyear = JAAR\nratio_pct = INHARMSOC\n",
      "[indicator m]\ntype = minima\nthresholds = 110\nby = JAAR, GEMEENTE\n[disclosure]\nmin_n = 0\n",
      "[output]\ncsv = new/dir/minima.csv\n", sep = "", file = file.path(d, "cbs.ini"))
  r <- monitor_run(file.path(d, "cbs.ini"))
  expect_equal(nrow(r), 1)
  expect_identical(c(r$unit, r$JAAR, r$GEMEENTE), c("households", "2022", "GM0014"))
  expect_identical(c(r$numerator_n, r$denominator_n), c(3, 5))
  expect_true(file.exists(file.path(d, "new", "dir", "minima.csv")))
  t <- read_table(file.path(d, "inhatab.csv"), separator = ";", decimal = ",",
                  household_id = "RINHUISHOUDEN", year = "JAAR", ratio_pct = "INHARMSOC")
  expect_equal(armoede_table_coltype(t, "RINHUISHOUDEN"), ARMOEDE_TYPE_CAT)
  m <- minima(t, thresholds = 1.1, by = c("JAAR", "GEMEENTE"))
  expect_identical(c(m$numerator_n, m$denominator_n), c(3, 5))
})
