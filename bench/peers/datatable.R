#!/usr/bin/env Rscript
# libarmoede benchmark peer: R data.table.
# Copyright (C) 2026 the libarmoede authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Computes what armoede-bench computes, the way an analyst would in data.table:
#   minima:    fread the gzip CSV, join the annual norms written by armoede-bench,
#              CBS population filters, test cents(income) <= cents(p x norm), grouped
#              sums by year x wijk for persons and households (distinct household_id).
#   durations: the same population on a panel; a person is in a spell of k years at t
#              when at or below p in t and in each of the k-1 years before (no gaps
#              bridged); indicators "duration" (denominator: persons in the population
#              in t) and "duration_of_minima" (denominator: persons at or below p in t).
#
# Usage: Rscript datatable.R minima|durations DATA.csv.gz NORMS_ANNUAL.csv OUT.csv
#        [THRESHOLDS=1.1,1.2] [THREADS=2] [REPEATS=3] [DURATIONS=1,4]
# Prints machine-readable lines: step=... tool=datatable seconds=... rows=...

suppressPackageStartupMessages(library(data.table))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 4) {
  cat("usage: datatable.R minima|durations DATA.csv.gz NORMS_ANNUAL.csv OUT.csv",
      "[THRESHOLDS] [THREADS] [REPEATS] [DURATIONS]\n", file = stderr())
  quit(status = 2)
}
mode <- args[1]
data_path <- args[2]
norms_path <- args[3]
out_path <- args[4]
thresholds <- as.numeric(strsplit(if (length(args) >= 5) args[5] else "1.1,1.2", ",")[[1]])
nthreads <- as.integer(if (length(args) >= 6) args[6] else "2")
repeats <- as.integer(if (length(args) >= 7) args[7] else "3")
durations <- as.integer(strsplit(if (length(args) >= 8) args[8] else "1,4", ",")[[1]])
if (!mode %in% c("minima", "durations")) stop("mode must be minima or durations")

setDTthreads(nthreads)
now <- function() as.numeric(Sys.time())  # wall clock, microsecond resolution
fmt <- function(x) formatC(x, digits = 6, format = "f")

# --- read --------------------------------------------------------------------
int_cols <- c("person_id", "household_id", "year", "birth_year", "whole_year", "student",
              "institutional")
chr_cols <- c("wijk", "household_type", "head_age_band")
sel <- c(int_cols, "income", chr_cols)
t0 <- now()
# fread needs the R.utils package for .gz files and then also decompresses to a temporary
# file; reading through zcat is the usual, dependency-free way and costs the same.
src <- if (grepl("\\.gz$", data_path)) {
  list(cmd = paste("zcat", shQuote(data_path)))
} else {
  list(file = data_path)
}
DT <- do.call(fread, c(src, list(select = sel,
  colClasses = list(integer = int_cols, numeric = "income", character = chr_cols),
  na.strings = c("", "NA", "-", "."), showProgress = FALSE)))
t_read <- now() - t0
nrow_all <- nrow(DT)
# Peak resident memory so far (the zcat child excluded), as the other tools print it.
peak_kib <- function() {
  st <- tryCatch(readLines("/proc/self/status"), error = function(e) character())
  h <- grep("^VmHWM:", st, value = TRUE)
  if (length(h)) as.numeric(gsub("[^0-9]", "", h)) else NA_real_
}
cat(sprintf("step=read_%s tool=datatable seconds=%s rows=%d rows_per_s=%.0f peak_rss_kib_after=%.0f\n",
            if (mode == "minima") "national" else "panel", fmt(t_read), nrow_all,
            nrow_all / t_read, peak_kib()))

norms <- fread(norms_path, colClasses = list(integer = "year", numeric = "norm",
                                             character = c("household_type", "head_age_band")))
setnames(norms, "norm", "annual_norm")

cents <- function(x) floor(x * 100 + 0.5)  # half away from zero for x >= 0 (as the library)

population <- function(DT) {
  # CBS filters: whole year, no students, no institutions, income known and >= 0,
  # household type known; the norm comes from the (year, type, band) table.
  pop <- DT[whole_year == 1L & student == 0L & institutional == 0L & !is.na(income) &
              income >= 0 & !is.na(household_type) & !is.na(head_age_band) & !is.na(wijk) &
              !is.na(year)]
  pop[norms, annual_norm := i.annual_norm, on = c("year", "household_type", "head_age_band")]
  if (anyNA(pop$annual_norm)) pop <- pop[!is.na(annual_norm)]  # no norm: not in the population
  pop
}

minima <- function(DT) {
  pop <- population(DT)
  ic <- cents(pop$income)
  poor <- paste0("poor_", seq_along(thresholds))
  for (i in seq_along(thresholds)) set(pop, j = poor[i], value = ic <= cents(thresholds[i] * pop$annual_norm))
  pers <- pop[, c(list(denominator = .N), lapply(.SD, sum)), keyby = .(year, wijk), .SDcols = poor]
  hh <- unique(pop, by = c("year", "household_id"))[
    , c(list(denominator = .N), lapply(.SD, sum)), keyby = .(year, wijk), .SDcols = poor]
  out <- vector("list", 2L * length(thresholds))
  for (i in seq_along(thresholds)) {
    out[[2L * i - 1L]] <- pers[, .(unit = "persons", threshold = thresholds[i], year, wijk,
                                   numerator = get(poor[i]), denominator)]
    out[[2L * i]] <- hh[, .(unit = "households", threshold = thresholds[i], year, wijk,
                            numerator = get(poor[i]), denominator)]
  }
  res <- rbindlist(out, use.names = TRUE)
  res[, `:=`(indicator = "minima", duration = NA_integer_)]
  res
}

spells <- function(DT) {
  pop <- population(DT)
  setkey(pop, person_id, year)
  ic <- cents(pop$income)
  out <- list()
  for (p in thresholds) {
    poor <- ic <= cents(p * pop$annual_norm)
    for (k in durations) {
      spell <- poor
      if (k > 1L) {
        for (j in seq_len(k - 1L)) {
          spell <- spell & shift(poor, j, fill = FALSE) &
            shift(pop$person_id, j, fill = NA_integer_) == pop$person_id &
            shift(pop$year, j, fill = NA_integer_) == pop$year - j
          spell[is.na(spell)] <- FALSE
        }
      }
      pop[, `:=`(in_spell = spell, is_poor = poor)]
      g <- pop[, .(n = sum(in_spell), pop_n = .N, poor_n = sum(is_poor)), keyby = .(year, wijk)]
      out[[length(out) + 1L]] <- g[, .(year, wijk, indicator = "duration", unit = "persons",
                                      threshold = p, duration = k, numerator = n,
                                      denominator = pop_n)]
      out[[length(out) + 1L]] <- g[poor_n > 0, .(year, wijk, indicator = "duration_of_minima",
                                                unit = "persons", threshold = p, duration = k,
                                                numerator = n, denominator = poor_n)]
    }
  }
  rbindlist(out, use.names = TRUE)
}

# --- group (best of `repeats`) ------------------------------------------------
step <- if (mode == "minima") "minima" else "durations"
fun <- if (mode == "minima") minima else spells
best <- Inf
for (r in seq_len(repeats)) {
  t0 <- now()
  res <- fun(DT)
  best <- min(best, now() - t0)
}
cat(sprintf("step=%s tool=datatable seconds=%s rows=%d rows_per_s=%.0f repeats=%d cells=%d\n",
            step, fmt(best), nrow_all, nrow_all / best, repeats, nrow(res)))

setcolorder(res, c("indicator", "unit", "threshold", "duration", "year", "wijk", "numerator",
                   "denominator"))
fwrite(res, out_path)
cat(sprintf("peak_rss_kib=%.0f\n", peak_kib()))
