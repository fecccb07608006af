#include "distributions.hpp"

#include <algorithm>
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

TwoByTwo two_by_two(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d, const StopCheck& stop) {
    // The top-left cell x given the margins is hypergeometric; log weights
    // relative to x = lo follow from the ratio of consecutive probabilities,
    // so no factorial of a large count is ever formed.
    const std::int64_t m = a + c, n = b + d, k = a + b;
    const std::int64_t lo = std::max<std::int64_t>(0, k - n), hi = std::min(k, m);
    if (a > kMaxTableCount || b > kMaxTableCount || c > kMaxTableCount || d > kMaxTableCount)
        fail(ErrorKind::LimitExceeded, "a 2x2 table takes counts up to %lld, got %lld, %lld, %lld, %lld",
             static_cast<long long>(kMaxTableCount), static_cast<long long>(a), static_cast<long long>(b),
             static_cast<long long>(c), static_cast<long long>(d));
    const auto step = [&](std::int64_t x) {  // log P(x + 1) - log P(x)
        return std::log(static_cast<double>(m - x)) + std::log(static_cast<double>(k - x)) -
               std::log(static_cast<double>(x + 1)) - std::log(static_cast<double>(n - k + x + 1));
    };
    double w = 0, top = 0, observed = 0;
    for (std::int64_t x = lo; x <= hi; ++x) {
        if (((x - lo) & 0xfffff) == 0) stop.poll();
        if (x == a) observed = w;
        top = std::max(top, w);
        if (x < hi) w += step(x);
    }
    const double bound = observed + std::log1p(1e-7);
    double total = 0, tail = 0;
    w = 0;
    for (std::int64_t x = lo; x <= hi; ++x) {
        if (((x - lo) & 0xfffff) == 0) stop.poll();
        const double p = std::exp(w - top);
        total += p;
        if (w <= bound) tail += p;
        if (x < hi) w += step(x);
    }
    TwoByTwo out{};
    out.p_value = std::min(1.0, tail / total);
    const double h = (a == 0 || b == 0 || c == 0 || d == 0) ? 0.5 : 0.0;
    const double ca = a + h, cb = b + h, cc = c + h, cd = d + h;
    const double log_or = std::log(ca) + std::log(cd) - std::log(cb) - std::log(cc);
    const double se = std::sqrt(1 / ca + 1 / cb + 1 / cc + 1 / cd);
    const double z = normal_quantile(0.975);
    out.odds_ratio = std::exp(log_or);
    out.ci_low = std::exp(log_or - z * se);
    out.ci_high = std::exp(log_or + z * se);
    return out;
}

}  // namespace eventml::core
