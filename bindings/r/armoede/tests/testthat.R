library(testthat)
library(armoede)
test_check("armoede")
