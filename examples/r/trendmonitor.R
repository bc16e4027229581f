# The Groningen trend monitor and a take-up table, as a notebook user would
# write them with the R bindings (bindings/README.md).
#
#   R_LIBS=build/bindings/r/library Rscript examples/r/trendmonitor.R [CITY.csv.gz] [OUT_DIR]
#
# CITY: made by `build/tools/armoede-gencity -o data/synthetic/groningen_2016_2024.csv.gz`
# (tools/demo.sh does it); OUT_DIR default out/r.
library(armoede)

args <- commandArgs(trailingOnly = TRUE)
file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))
root <- normalizePath(file.path(dirname(file_arg), "..", ".."))
city <- if (length(args) >= 1) args[1] else file.path(root, "data", "synthetic", "groningen_2016_2024.csv.gz")
out <- if (length(args) >= 2) args[2] else file.path(root, "out", "r")
dir.create(out, showWarnings = FALSE, recursive = TRUE)

# 1. The data as analysts have it: a data frame (factors for the breakdowns).
df <- read.csv(gzfile(city), na.strings = c("", "NA", "-"), stringsAsFactors = TRUE)
n <- read_norms(file.path(root, "data", "norms_participatiewet.csv"),
                types = c(single_parent = "single", couple_children = "couple", other = "couple"))
t <- as_armoede_table(df, person_id = "person_id", household_id = "household_id", year = "year",
                      birth_year = "birth_year", income = "income", household_type = "household_type",
                      age_band = "head_age_band", whole_year = "whole_year", student = "student",
                      institutional = "institutional", wealth = "wealth", area = "wijk",
                      income_source = "income_source")

# 2. The trend monitor (seed 000 section 3.1): 110% and 120% of the social minimum, households,
#    persons and minors by year and district / household type / income source, and how long
#    (1+ and 4+ years) by district. Rows without a household type are left out and counted in
#    the notes, as the monitor does (na_keys = "library"; the default is an error).
parts <- lapply(c("wijk", "household_type", "income_source"), function(by)
  minima(t, thresholds = c(1.10, 1.20), units = c("households", "persons", "minors"),
         by = c("year", by), margins = by, norms = n, na_keys = "library"))
parts[[4]] <- durations(t, thresholds = c(1.10, 1.20), durations = c(1, 4), units = c("persons", "minors"),
                        by = c("year", "wijk"), margins = "wijk", norms = n)
hh <- parts[[1]]
print(hh[hh$unit == "households" & hh$threshold == 1.1 & hh$wijk == "Total",
         c("year", "numerator", "denominator", "estimate")], row.names = FALSE)
# Publishing: disclosure control is on when writing (min_n 10, secondary suppression).
for (i in seq_along(parts)) write_result(parts[[i]], file.path(out, sprintf("trendmonitor_part%d.csv", i)))

# The same monitor from its configuration file, as the `armoede` command runs it.
if (file.exists(file.path(root, "data", "synthetic", "groningen_2016_2024.csv.gz"))) {
  published <- monitor_run(file.path(root, "examples", "groningen", "trendmonitor.ini"), out_dir = out)
  cat(sprintf("monitor_run: %d cells, %d suppressed\n", nrow(published), sum(published$status != "ok")))
}

# 3. An outcome table: take-up of the Stadjerspas (a city pass) by households at or below 120%.
#    The registrations are the scheme export that armoede-genoutcome makes beside the city
#    (tools/demo.sh); without it, a stand-in is made up from the household ids.
regs_file <- file.path(dirname(normalizePath(city)), "registrations.csv.gz")
if (file.exists(regs_file)) {
  registrations <- read.csv(gzfile(regs_file))
  registrations <- registrations[registrations$scheme == "stadjerspas", c("household_id", "scheme", "year")]
} else {
  hhy <- unique(df[, c("household_id", "year")])
  registrations <- transform(hhy[(hhy$household_id * 7919 + hhy$year) %% 10 < 4, ], scheme = "stadjerspas")
}
tu <- take_up(t, registrations, units = "households",
              population = list(norms = n, by = "year"),
              registrations = list(id = "household_id", level = ARMOEDE_LEVEL_HOUSEHOLD,
                                   scheme = "scheme", year = "year"),
              schemes = list(list(code = "stadjerspas", threshold = 1.2)))
print(tu[tu$indicator == "take_up", c("scheme", "year", "numerator", "denominator", "estimate")], row.names = FALSE)
write_result(tu, file.path(out, "take_up.csv"))
cat("written to", normalizePath(out), "\n")
