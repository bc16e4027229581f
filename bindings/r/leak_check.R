# 100,000 calls (tests/testthat/helper-leak.R) for a run under
# LeakSanitizer (bindings/run_tests.sh with an ASan build): R leaves blocks
# allocated at exit; run_tests.sh fails when a leak report names the
# bindings or libarmoede (amb_*, armoede_*, am_*, armoede.so).
suppressMessages(library(armoede))
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "helper-leak.R"))
one <- .leak_round(c(90, 100, 120, 150, 80), c("A", "B", NA, "A", "B"))
rounds <- ceiling(100000 / 17)
for (i in seq_len(rounds)) one(i)
invisible(gc())
cat(sprintf("leak_check: %d calls done\n", rounds * 17))
