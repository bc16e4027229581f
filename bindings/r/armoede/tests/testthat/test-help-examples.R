# Every help page's examples run (the pages of the indicator functions are
# generated from the C headers by bindings/r/gen_rd.py).
test_that("the examples of every help page run", {
  db <- tools::Rd_db("armoede")
  expect_gt(length(db), 20)
  for (page in names(db)) {
    topic <- sub("\\.Rd$", "", page)
    res <- tryCatch({
      suppressWarnings(capture.output(
        example(topic, package = "armoede", character.only = TRUE, echo = FALSE, ask = FALSE)))
      "ok"
    }, error = function(e) conditionMessage(e))
    expect_identical(res, "ok", info = page)
  }
})

test_that("NULL strings are NULL in C", {
  t <- as_armoede_table(data.frame(hid = 1:2, year = 2024L), household_id = "hid", year = "year")
  set_roles(t, year = NULL)  # unmaps the role
  expect_null(armoede_table_role(t, ARMOEDE_ROLE_YEAR))
})
