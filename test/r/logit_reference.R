# Reference values for sql/logit.sql, from R's glm(family = binomial)
# (Debian's r-base-core). Regenerate with:  Rscript test/r/logit_reference.R
# (from the project root). Reads test/data/logit/{infert,binary}.csv, writes
# test/data/logit/weighted.csv (generated rows with integer weights) and
# test/data/logit/expected.csv (model, statistic, index, value; %.17g).
rows <- list()
record <- function(model, stat, values) {
  rows[[length(rows) + 1]] <<- data.frame(model = model, statistic = stat,
                                          idx = seq_along(values), value = unname(values))
}
describe <- function(name, fit) {
  cf <- summary(fit)$coefficients
  record(name, "coef", cf[, 1]); record(name, "std_err", cf[, 2])
  record(name, "z_stat", cf[, 3]); record(name, "p_value", cf[, 4])
  record(name, "odds_ratio", exp(cf[, 1]))
  record(name, "log_likelihood", as.numeric(logLik(fit)))
  record(name, "null_log_likelihood", -fit$null.deviance / 2)
  record(name, "deviance", deviance(fit))
  record(name, "aic", AIC(fit))
  # BIC with n = nobs(fit), the rows of nonzero weight. R's own BIC() for glm
  # takes n from logLik.glm, which also counts zero-weight rows (unlike
  # logLik.lm); eventml uses nobs() for both models.
  record(name, "bic", -2 * as.numeric(logLik(fit)) + log(nobs(fit)) * attr(logLik(fit), "df"))
  record(name, "n", nobs(fit)); record(name, "iterations", fit$iter)
  record(name, "cov", as.vector(t(vcov(fit))))   # row-major
}

# R's own example in ?infert.
infert <- read.csv("test/data/logit/infert.csv")
describe("infert", glm(case ~ spontaneous + induced, data = infert, family = binomial()))

# UCLA's admissions example: rank as a factor (dummies for ranks 2-4).
admissions <- read.csv("test/data/logit/binary.csv")
admissions$rank <- factor(admissions$rank)
describe("admissions", glm(admit ~ gre + gpa + rank, data = admissions, family = binomial()))

# Generated data with integer (frequency) weights, some of them zero.
set.seed(20261123)
n <- 500
d <- data.frame(id = seq_len(n), x1 = rnorm(n), x2 = rbinom(n, 1, 0.4), x3 = runif(n, 0, 5),
                w = sample(0:3, n, replace = TRUE, prob = c(0.05, 0.45, 0.3, 0.2)))
d$y <- rbinom(n, 1, plogis(-0.5 + 0.8 * d$x1 - 1.2 * d$x2 + 0.3 * d$x3))
write.csv(d[, c("id", "y", "x1", "x2", "x3", "w")], "test/data/logit/weighted.csv", row.names = FALSE)
d <- read.csv("test/data/logit/weighted.csv")  # fit the 15-digit values the SQL test loads
describe("weighted", glm(y ~ x1 + x2 + x3, data = d, weights = w, family = binomial()))
describe("unweighted", glm(y ~ x1 + x2 + x3, data = d, family = binomial()))

out <- do.call(rbind, rows)
out$value <- sprintf("%.17g", out$value)
write.csv(out, "test/data/logit/expected.csv", row.names = FALSE, quote = FALSE)
