// Tail probabilities and quantiles for model statistics, from Boost.Math.
// Out-of-domain arguments (NaN, zero degrees of freedom) give NaN, never
// an exception: a statistic that is undefined for a fit is reported as NaN.
#pragma once

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

}  // namespace eventml::core
