# Reference values for funnel_drivers' statistics in sql/reports.sql, from
# R's fisher.test (two-sided p-value) and p.adjust(method = "BH"), with the
# Wald odds ratio and its 95 % interval computed by formula (0.5 added to
# every cell of a table with a zero cell). Debian's r-base-core. Regenerate
# with:  Rscript test/r/drivers_reference.R  (from the project root); writes
# test/data/drivers/expected.csv (table, a, b, c, d and the statistics; %.17g).
tables <- rbind(
  c(10, 2, 3, 15), c(0, 5, 5, 0), c(0, 0, 0, 0), c(1, 0, 0, 1), c(3, 1, 1, 3),
  c(25, 75, 40, 60), c(120, 880, 95, 905), c(7, 1993, 1, 1999), c(500, 500, 500, 500),
  c(0, 30, 12, 58), c(45, 5, 20, 30), c(2, 998, 0, 1000), c(60, 40, 40, 60),
  c(1, 9, 9, 1), c(13, 87, 13, 87), c(4000, 6000, 3900, 6100), c(250, 3, 240, 17),
  c(33, 0, 0, 0), c(5, 5, 5, 5), c(17, 283, 31, 269))
wald <- function(a, b, c, d) {
  h <- if (min(a, b, c, d) == 0) 0.5 else 0
  a <- a + h; b <- b + h; c <- c + h; d <- d + h
  lor <- log(a) + log(d) - log(b) - log(c)
  se <- sqrt(1 / a + 1 / b + 1 / c + 1 / d)
  z <- qnorm(0.975)
  c(exp(lor), exp(lor - z * se), exp(lor + z * se))
}
p <- apply(tables, 1, function(t) fisher.test(matrix(t, 2, byrow = TRUE))$p.value)
q <- p.adjust(p, method = "BH")
w <- t(apply(tables, 1, function(t) wald(t[1], t[2], t[3], t[4])))
out <- data.frame(id = seq_len(nrow(tables)), a = tables[, 1], b = tables[, 2], c = tables[, 3], d = tables[, 4],
                  odds_ratio = sprintf("%.17g", w[, 1]), ci_low = sprintf("%.17g", w[, 2]),
                  ci_high = sprintf("%.17g", w[, 3]), p_value = sprintf("%.17g", p), q_value = sprintf("%.17g", q))
write.csv(out, "test/data/drivers/expected.csv", row.names = FALSE, quote = FALSE)
