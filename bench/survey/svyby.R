# The R side of bench/survey: draw the benchmark design (seeded), time R
# survey's svyby for a weighted share over the domains, write the data and
# R's results. Usage: Rscript svyby.R OUTDIR [N] [DOMAINS] [STRATA] [PSUS]
# SPDX-License-Identifier: GPL-3.0-or-later
suppressMessages(library(survey))
a <- commandArgs(trailingOnly = TRUE)
out <- a[1]
n <- if (length(a) > 1) as.integer(a[2]) else 200000L
G <- if (length(a) > 2) as.integer(a[3]) else 1000L
H <- if (length(a) > 3) as.integer(a[4]) else 50L
K <- if (length(a) > 4) as.integer(a[5]) else 20L
set.seed(1)
d <- data.frame(stratum = sample.int(H, n, replace = TRUE))
d$cluster <- sample.int(K, n, replace = TRUE)            # PSU = (stratum, cluster)
d$domain <- sprintf("g%04d", sample.int(G, n, replace = TRUE))
d$weight <- round(exp(rnorm(n, 4, 0.4)), 2)
d$item <- ifelse(runif(n) < plogis(-0.5 + d$stratum / H), "yes", "no")
write.csv(d, file.path(out, "bench.csv"), row.names = FALSE)
d$y <- as.numeric(d$item == "yes")
des <- svydesign(ids = ~cluster, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
t0 <- proc.time()[["elapsed"]]
b <- svyby(~y, ~domain, des, svymean)
sec <- proc.time()[["elapsed"]] - t0
write.csv(data.frame(domain = b$domain, est = sprintf("%.17g", b$y), se = sprintf("%.17g", SE(b))),
          file.path(out, "r_results.csv"), row.names = FALSE)
cat(sprintf("R survey svyby: %d domains of %d respondents (%d strata, %d PSUs each): %.2f s\n",
            nrow(b), n, H, K, sec))
writeLines(sprintf("%.6f", sec), file.path(out, "r_seconds.txt"))
