# Export laeken's own data (data(eusilc)) and laeken's own figures for
# tests/test_laeken.c. Usage: Rscript eusilc.R OUTDIR
# Writes OUTDIR/eusilc.csv (person rows: eqIncome, rb050, db040, rb090, db030)
# and OUTDIR/figures.csv (measure, by, group, value) with 17 significant digits.
# SPDX-License-Identifier: GPL-3.0-or-later
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript eusilc.R OUTDIR")
out <- args[1]
suppressPackageStartupMessages(library(laeken))
data(eusilc, package = "laeken")
d <- eusilc
num <- function(x) sprintf("%.17g", x)
write.csv(data.frame(eqIncome = num(d$eqIncome), rb050 = num(d$rb050),
                     db040 = as.character(d$db040), rb090 = as.character(d$rb090),
                     db030 = d$db030),
          file.path(out, "eusilc.csv"), row.names = FALSE, quote = TRUE)
rows <- list()
add <- function(measure, by, group, value)
    rows[[length(rows) + 1]] <<- data.frame(measure = measure, by = by, group = group,
                                            value = num(value))
add("arpt", "", "", arpt("eqIncome", weights = "rb050", data = d))
add("median", "", "", incMedian("eqIncome", weights = "rb050", data = d))
for (b in c("db040", "rb090")) {
    a <- arpr("eqIncome", weights = "rb050", breakdown = b, data = d)
    add("arpr", "", "", a$value)
    add("arpr", b, as.character(a$valueByStratum$stratum), a$valueByStratum$value)
    q <- qsr("eqIncome", weights = "rb050", breakdown = b, data = d)
    add("qsr", "", "", q$value)
    add("qsr", b, as.character(q$valueByStratum$stratum), q$valueByStratum$value)
    r <- rmpg("eqIncome", weights = "rb050", breakdown = b, data = d)
    add("rmpg", "", "", r$value)
    add("rmpg", b, as.character(r$valueByStratum$stratum), r$valueByStratum$value)
    g <- gini("eqIncome", weights = "rb050", breakdown = b, data = d)
    add("gini", "", "", g$value)
    add("gini", b, as.character(g$valueByStratum$stratum), g$valueByStratum$value)
}
# per-domain thresholds (laeken: arpr on the domain's own rows)
for (reg in levels(d$db040)) {
    s <- d[d$db040 == reg, ]
    add("arpr_domain", "db040", reg, arpr("eqIncome", weights = "rb050", data = s)$value)
    add("arpt_domain", "db040", reg, arpt("eqIncome", weights = "rb050", data = s))
}
# unweighted, and quantiles of every rule's reference (laeken's weightedQuantile)
add("arpr_unweighted", "", "", arpr("eqIncome", data = d)$value)
add("gini_unweighted", "", "", gini("eqIncome", data = d)$value)
for (p in c(0.1, 0.2, 0.25, 0.5, 0.8, 0.9))
    add("quantile", "", sprintf("%g", p), weightedQuantile(d$eqIncome, d$rb050, probs = p))
write.csv(do.call(rbind, rows), file.path(out, "figures.csv"), row.names = FALSE, quote = TRUE)
