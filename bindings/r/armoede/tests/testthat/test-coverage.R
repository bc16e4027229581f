# Every public C function (ARMOEDE_API in include/*.h) is callable from R:
# under its C name, and as an idiomatic function when it takes options.
api <- function() {
  l <- readLines(system.file("armoede_api.txt", package = "armoede"))
  l <- l[!startsWith(l, "#")]
  p <- strsplit(l, " ")
  data.frame(name = vapply(p, `[`, "", 1), impl = vapply(p, `[`, "", 2) == "1")
}

test_that("every public function is callable", {
  a <- api()
  expect_gt(nrow(a), 80)
  expect_true(all(a$impl), info = paste(a$name[!a$impl], collapse = ", "))
  exported <- getNamespaceExports("armoede")
  ns <- asNamespace("armoede")
  missing <- a$name[!vapply(a$name, function(n) n %in% exported && exists(n, envir = ns, mode = "function"), TRUE)]
  expect_identical(missing, character())
  expect_true(all(armoede_indicators() %in% exported))
  expect_false(any(c("print", "delete", "assert") %in% exported))  # not SWIG's internals
})

test_that("the list is the headers", {
  inc <- file.path(source_dir(), "include")
  skip_if_not(dir.exists(inc))
  names <- character()
  for (h in list.files(inc, pattern = "^armoede.*\\.h$", full.names = TRUE)) {
    txt <- paste(readLines(h), collapse = "\n")
    txt <- gsub("/\\*.*?\\*/", " ", txt, perl = TRUE)
    m <- gregexpr("ARMOEDE_API\\s+[^;{]*?\\b(armoede_\\w+)\\s*\\(", txt, perl = TRUE)
    hits <- regmatches(txt, m)[[1]]
    names <- c(names, sub("(?s).*\\b(armoede_\\w+)\\s*\\($", "\\1", hits, perl = TRUE))
  }
  expect_setequal(unique(names), api()$name)
})

test_that("every options function has an idiomatic wrapper with help", {
  ind <- armoede_indicators()
  expect_true(all(c("minima", "durations", "flows") %in% ind))
  for (f in ind) {
    expect_true(is.function(get(f, envir = asNamespace("armoede"))), info = f)
    expect_true(length(help(f, package = "armoede")) > 0, info = f)
  }
})
