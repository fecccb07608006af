# Reference values for sql/ols_r.sql, from R's lm (Debian's r-base-core).
# Regenerate with:  Rscript test/r/ols_reference.R   (from the project root)
# Writes test/data/r/ols_data.csv (the generated rows) and
# test/data/r/ols_expected.csv (model, statistic, index, value; %.17g).
set.seed(20261123)
n <- 300
d <- data.frame(id = seq_len(n),
                g = sample(c("a", "b", "c"), n, replace = TRUE),
                x1 = rnorm(n, 10, 3),
                x2 = runif(n, -1, 1),
                x3 = rpois(n, 4),
                w = c(rexp(n - 10, 1), rep(0, 10)))   # 10 zero weights
d$y <- 3 + 0.5 * d$x1 - 2 * d$x2 + 0.25 * d$x3 + rnorm(n, 0, 1.5)
write.csv(d[, c("id", "g", "y", "x1", "x2", "x3", "w")], "test/data/r/ols_data.csv",
          row.names = FALSE)
# Fit what the SQL test loads: the CSV's 15-digit values, not R's in-memory ones.
d <- read.csv("test/data/r/ols_data.csv")

rows <- list()
record <- function(model, stat, values) {
  rows[[length(rows) + 1]] <<- data.frame(model = model, statistic = stat,
                                          idx = seq_along(values), value = unname(values))
}
describe <- function(name, fit) {
  s <- summary(fit)
  cf <- s$coefficients
  record(name, "coef", cf[, 1]); record(name, "std_err", cf[, 2])
  record(name, "t_stat", cf[, 3]); record(name, "p_value", cf[, 4])
  record(name, "r2", s$r.squared); record(name, "adj_r2", s$adj.r.squared)
  record(name, "sigma", s$sigma)
  f <- s$fstatistic
  record(name, "f_stat", f[1])
  record(name, "f_p_value", pf(f[1], f[2], f[3], lower.tail = FALSE))
  record(name, "n", nobs(fit)); record(name, "df_resid", df.residual(fit))
  record(name, "log_likelihood", as.numeric(logLik(fit)))
  record(name, "aic", AIC(fit)); record(name, "bic", BIC(fit))
  record(name, "cov", as.vector(t(vcov(fit))))   # row-major
}
describe("plain", lm(y ~ x1 + x2 + x3, data = d))
describe("weighted", lm(y ~ x1 + x2 + x3, data = d, weights = w))
describe("no_intercept", lm(y ~ 0 + x1 + x2, data = d))
for (grp in c("a", "b", "c"))
  describe(paste0("group_", grp), lm(y ~ x1 + x2 + x3, data = d[d$g == grp, ]))
out <- do.call(rbind, rows)
out$value <- sprintf("%.17g", out$value)
write.csv(out, "test/data/r/ols_expected.csv", row.names = FALSE, quote = FALSE)
