# Reference figures for tests/test_survey_r.c, computed with R's survey
# package: a seeded stratified cluster design, then svymean / svyciprop /
# svyby on it. Usage: Rscript share.R OUTDIR. Writes OUTDIR/data.csv (the
# respondents), OUTDIR/lonely.csv (a design with a single-PSU stratum) and
# OUTDIR/results.csv (case, key, method, est, se, lo, hi).
# SPDX-License-Identifier: GPL-3.0-or-later
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "."
set.seed(20261123)

make <- function(H, psus, per_psu, lonely = FALSE) {
  rows <- list()
  for (h in seq_len(H)) {
    k <- if (lonely && h == 1) 1 else sample(psus, 1)
    Npop <- k * sample(3:20, 1)
    for (j in seq_len(k)) {
      m <- sample(per_psu, 1)
      re <- rnorm(1, 0, 0.6)
      rows[[length(rows) + 1]] <- data.frame(
        stratum = sprintf("s%02d", h), cluster = j, fpc = Npop,
        district = sample(sprintf("d%d", 1:8), m, replace = TRUE, prob = c(3, 2, 2, 1, 1, 1, 1, 0.5)),
        used = rbinom(m, 1, 0.35), re = re)
    }
  }
  d <- do.call(rbind, rows)
  n <- nrow(d)
  d$weight <- round(exp(rnorm(n, 4, 0.5)), 3)
  eta <- -0.4 + d$re + 0.25 * as.integer(substr(d$district, 2, 2)) / 4 + 0.5 * d$used
  cats <- c("strongly_disagree", "disagree", "neutral", "agree", "strongly_agree")
  lat <- eta + rlogis(n)
  d$item <- cats[cut(lat, c(-Inf, -2, -0.8, 0.2, 1.5, Inf), labels = FALSE)]
  d$item[runif(n) < 0.05] <- "dont_know"
  d$item[runif(n) < 0.03] <- NA
  d$area <- ifelse(d$district %in% c("d1", "d2"), "north", ifelse(d$district %in% c("d3", "d4"), "south", "centre"))
  d$re <- NULL
  d$id <- seq_len(n)
  d
}

d <- make(14, 3:9, 20:90)
d$weight[sample(nrow(d), 8)] <- 0
d$psu <- as.integer(substr(d$stratum, 2, 3)) * 100L + d$cluster       # clusters numbered across strata
d$popn <- ave(rep(1, nrow(d)), d$stratum, FUN = length) * 8            # persons in the stratum's population
L <- make(6, 2:5, 15:40, lonely = TRUE)
write.csv(d, file.path(out, "data.csv"), row.names = FALSE, na = "")
write.csv(L, file.path(out, "lonely.csv"), row.names = FALSE, na = "")

yes <- c("agree", "strongly_agree")
prep <- function(d, fpc = TRUE) {
  d$y <- as.numeric(d$item %in% yes)
  des <- if (fpc) svydesign(ids = ~cluster, strata = ~stratum, weights = ~weight, fpc = ~fpc, nest = TRUE, data = d)
         else svydesign(ids = ~cluster, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
  # the analysis set: a valid answer and a positive weight (a subset keeps the full design)
  subset(des, !is.na(item) & item != "dont_know" & weight > 0)
}
res <- list()
put <- function(case, key, method, est, se, lo, hi)
  res[[length(res) + 1]] <<- data.frame(case = case, key = key, method = method,
    est = sprintf("%.17g", est), se = sprintf("%.17g", se), lo = sprintf("%.17g", lo), hi = sprintf("%.17g", hi))

cell <- function(case, key, s) {
  m <- svymean(~y, s)
  p <- unname(coef(m)); v <- unname(vcov(m))[1, 1]; se <- sqrt(v)
  df <- degf(s); n <- nrow(s)
  for (meth in c("logit", "mean", "asin", "beta")) {
    ci <- svyciprop(~y, s, method = meth)
    put(case, key, c(logit = "logit", mean = "wald", asin = "asin", beta = "korn_graubard")[[meth]],
        p, se, attr(ci, "ci")[1], attr(ci, "ci")[2])
  }
  # Wilson with the effective sample size p(1-p)/V and t on the design df
  t <- qt(0.975, df); ne <- if (v > 0) p * (1 - p) / v else n
  c0 <- p + t^2 / (2 * ne); h <- t * sqrt(p * (1 - p) / ne + t^2 / (4 * ne^2)); dd <- 1 + t^2 / ne
  put(case, key, "wilson", p, se, (c0 - h) / dd, (c0 + h) / dd)
  # Clopper-Pearson on the respondents, x = p n
  x <- p * n
  put(case, key, "clopper_pearson", p, se, if (x > 0) qbeta(0.025, x, n - x + 1) else 0,
      if (x < n) qbeta(0.975, x + 1, n - x) else 1)
}

s <- prep(d)
cell("all", "Total", s)
for (lev in sort(unique(d$district))) cell("all", lev, subset(s, district == lev))
su <- subset(s, used == 1)
cell("used", "Total", su)
for (lev in sort(unique(d$district))) cell("used", lev, subset(su, district == lev))

# other designs on the same respondents: clusters without strata; strata of
# persons without clusters, with an fpc in persons
sub <- function(des) subset(des, !is.na(item) & item != "dont_know" & weight > 0)
d$y <- as.numeric(d$item %in% yes)
other <- list(
  nostrata = sub(svydesign(ids = ~psu, weights = ~weight, data = d)),
  elements = sub(svydesign(ids = ~1, strata = ~stratum, weights = ~weight, fpc = ~popn, data = d)))
for (nm in names(other)) {
  s2 <- other[[nm]]
  for (lev in c("Total", sort(unique(d$district)))) {
    s3 <- if (lev == "Total") s2 else subset(s2, district == lev)
    m <- svymean(~y, s3)
    for (meth in c("mean", "beta")) {
      ci <- svyciprop(~y, s3, method = meth)
      put(nm, lev, c(mean = "wald", beta = "korn_graubard")[[meth]], coef(m), SE(m), attr(ci, "ci")[1], attr(ci, "ci")[2])
    }
  }
}

# svyby over district x used (two breakdowns at once)
b <- svyby(~y, ~district + used, s, svymean)
for (i in seq_len(nrow(b)))
  put("by2", paste(b$district[i], b$used[i], sep = "|"), "wald", b$y[i], SE(b)[i], NA, NA)

# difference between two areas of one design: svyby(covmat) + svycontrast
for (case in c("all", "used")) {
  ss <- if (case == "all") s else su
  ba <- svyby(~y, ~area, ss, svymean, covmat = TRUE)
  cc <- svycontrast(ba, c(north = -1, south = 1))
  put(paste0("diff_", case), "Total", "wald", unname(coef(cc)), unname(SE(cc)), NA, NA)
}

# lonely PSU rules (no fpc)
for (rule in c("remove", "adjust", "average", "certainty")) {
  options(survey.lonely.psu = rule)
  sl <- prep(L, fpc = FALSE)
  m <- svymean(~y, sl)
  put(paste0("lonely_", rule), "Total", "wald", coef(m), SE(m), NA, NA)
  b <- svyby(~y, ~district, sl, svymean)
  for (i in seq_len(nrow(b))) put(paste0("lonely_", rule), b$district[i], "wald", b$y[i], SE(b)[i], NA, NA)
}
options(survey.lonely.psu = "fail")
ok <- tryCatch({ svymean(~y, prep(L, fpc = FALSE)); "no error" }, error = function(e) "error")
put("lonely_fail", ok, "none", NA, NA, NA, NA)
write.csv(do.call(rbind, res), file.path(out, "results.csv"), row.names = FALSE, na = "")
cat("rows:", nrow(d), "lonely rows:", nrow(L), "results:", length(res), "\n")
