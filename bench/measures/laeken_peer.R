# The laeken side of the measures benchmark (bench/measures/README.md).
# Usage: Rscript laeken_peer.R DIR REPEATS
# Reads DIR/inc.bin, DIR/w.bin (doubles) and DIR/reg.bin (int32 1..10) written by
# bench-measures gen, times laeken's arpr and gini by region (best of REPEATS, each
# call as a user makes it: the threshold, the overall and the per-region figures)
# and all five measures once, and prints CSV lines like the C driver:
# time,TASK,SECONDS, cpu,TASK,SECONDS (user + system) and value,MEASURE,REGION,ESTIMATE (laeken's percentages / 100).
# SPDX-License-Identifier: GPL-3.0-or-later
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
reps <- as.integer(args[2])
suppressPackageStartupMessages(library(laeken))
rd <- function(name, what, size) {
    f <- file.path(dir, name)
    readBin(f, what, n = file.size(f) / size, size = size)
}
inc <- rd("inc.bin", "double", 8)
w <- rd("w.bin", "double", 8)
reg <- factor(rd("reg.bin", "integer", 4), levels = 1:10)
best <- function(f) {
    t <- Inf
    cpu <- Inf
    for (i in seq_len(reps)) {
        gc()
        s <- system.time(r <- f())
        t <- min(t, s[["elapsed"]])
        cpu <- min(cpu, s[["user.self"]] + s[["sys.self"]])
    }
    list(t = t, cpu = cpu, r = r)
}
a <- best(function() arpr(inc, w, breakdown = reg))
cat(sprintf("time,arpr,%.6f\ncpu,arpr,%.6f\n", a$t, a$cpu))
g <- best(function() gini(inc, w, breakdown = reg))
cat(sprintf("time,gini,%.6f\ncpu,gini,%.6f\n", g$t, g$cpu))
s5 <- system.time({
    a <- arpr(inc, w, breakdown = reg)
    g <- gini(inc, w, breakdown = reg)
    q <- qsr(inc, w, breakdown = reg)
    r <- rmpg(inc, w, breakdown = reg)
    t <- arpt(inc, w)
})
cat(sprintf("time,all5,%.6f\ncpu,all5,%.6f\n", s5[["elapsed"]], s5[["user.self"]] + s5[["sys.self"]]))
out <- function(m, v, s, scale) {
    cat(sprintf("value,%s,Total,%.17g\n", m, v$value / scale))
    for (i in seq_len(nrow(s)))
        cat(sprintf("value,%s,%s,%.17g\n", m, as.character(s$stratum[i]), s$value[i] / scale))
}
cat(sprintf("value,arpt,Total,%.17g\n", t))
out("arpr", a, a$valueByStratum, 100)
out("rmpg", r, r$valueByStratum, 100)
out("qsr", q, q$valueByStratum, 1)
out("gini", g, g$valueByStratum, 100)
