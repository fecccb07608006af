#include "distributions.hpp"

#include <cmath>
#include <limits>

#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace eventml::core {
namespace {

namespace bm = boost::math;
// Report every Boost error as a value (NaN or the limit), never a throw.
using Quiet = bm::policies::policy<
    bm::policies::domain_error<bm::policies::ignore_error>,
    bm::policies::pole_error<bm::policies::ignore_error>,
    bm::policies::overflow_error<bm::policies::ignore_error>,
    bm::policies::underflow_error<bm::policies::ignore_error>,
    bm::policies::evaluation_error<bm::policies::ignore_error>>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool valid_df(double df) { return std::isfinite(df) && df > 0; }

}  // namespace

double student_t_two_sided_p(double t, double df) {
    if (std::isnan(t) || !valid_df(df)) return kNaN;
    if (std::isinf(t)) return 0.0;
    bm::students_t_distribution<double, Quiet> dist(df);
    return 2.0 * bm::cdf(bm::complement(dist, std::fabs(t)));
}

double student_t_quantile(double p, double df) {
    if (!(p > 0 && p < 1) || !valid_df(df)) return kNaN;
    bm::students_t_distribution<double, Quiet> dist(df);
    return bm::quantile(dist, p);
}

double f_upper_p(double f, double df1, double df2) {
    if (std::isnan(f) || f < 0 || !valid_df(df1) || !valid_df(df2)) return kNaN;
    if (std::isinf(f)) return 0.0;
    bm::fisher_f_distribution<double, Quiet> dist(df1, df2);
    return bm::cdf(bm::complement(dist, f));
}
double normal_two_sided_p(double z) {
    if (std::isnan(z)) return kNaN;
    if (std::isinf(z)) return 0.0;
    bm::normal_distribution<double, Quiet> dist;
    return 2.0 * bm::cdf(bm::complement(dist, std::fabs(z)));
}

double normal_quantile(double p) {
    if (!(p > 0 && p < 1)) return kNaN;
    bm::normal_distribution<double, Quiet> dist;
    return bm::quantile(dist, p);
}

}  // namespace eventml::core
