// Tail probabilities and quantiles for model statistics, from Boost.Math,
// and the 2x2 table statistics of funnel_drivers.
// Out-of-domain arguments (NaN, zero degrees of freedom) give NaN, never
// an exception: a statistic that is undefined for a fit is reported as NaN.
#pragma once

#include <cstdint>

#include "error.hpp"

namespace eventml::core {

// P(|T| >= |t|) for Student's t with df degrees of freedom.
double student_t_two_sided_p(double t, double df);
// Quantile q such that P(T <= q) = p.
double student_t_quantile(double p, double df);
// P(F >= f) for the F distribution with (df1, df2) degrees of freedom.
double f_upper_p(double f, double df1, double df2);
// P(|Z| >= |z|) for the standard normal.
double normal_two_sided_p(double z);
// Quantile q such that P(Z <= q) = p.
double normal_quantile(double p);

// A 2x2 table [[a, b], [c, d]] of counts (>= 0): Fisher's exact test's
// two-sided p-value as R's fisher.test computes it (the probability, given
// the margins, of the tables no more likely than this one, with R's relative
// tolerance of 1e-7), and the Wald odds ratio ad/bc with its 95 % interval
// exp(log OR +- z sqrt(1/a + 1/b + 1/c + 1/d)), 0.5 added to every cell when
// one is 0 (Haldane-Anscombe). Reads the hypergeometric support twice, so
// its cost is linear in min(a + b, a + c); polls stop as it goes.
// Counts above this are LimitExceeded (the test reads the support, so a
// bound on it bounds the time).
constexpr std::int64_t kMaxTableCount = std::int64_t{1} << 31;
struct TwoByTwo {
    double odds_ratio, ci_low, ci_high, p_value;
};
TwoByTwo two_by_two(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d, const StopCheck& stop);

}  // namespace eventml::core
