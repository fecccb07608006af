#include "logit.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "distributions.hpp"
#include "flat.hpp"
#include "ols.hpp"

namespace eventml::core::logit {
namespace {

constexpr std::uint32_t kStepMagic = 0x54534c45;      // "ELST"
constexpr std::uint32_t kProgressMagic = 0x50474c45;  // "ELGP"
constexpr std::uint16_t kVersion = 1;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxHalvings = 30;
constexpr double kNoiseFloor = 1e-10;  // relative deviance change below rounding noise

// R's binomial()$linkinv and mu.eta (dμ/dη) at once, sharing one exp().
constexpr double kEtaThreshold = 30;
struct Link {
    double mu, mu_eta;
};
Link logit_link(double eta) {
    if (eta < -kEtaThreshold) return {DBL_EPSILON / (1 + DBL_EPSILON), DBL_EPSILON};
    if (eta > kEtaThreshold) return {(1 / DBL_EPSILON) / (1 + 1 / DBL_EPSILON), DBL_EPSILON};
    const double e = std::exp(eta), d = 1 + e;
    return {e / d, e / (d * d)};
}
// The test of R's warning "fitted probabilities numerically 0 or 1 occurred".
bool at_boundary(double mu) { return mu > 1 - 10 * DBL_EPSILON || mu < 10 * DBL_EPSILON; }
// Σ binomial deviance residuals 2w(y log(y/μ) + (1-y) log((1-y)/(1-μ))) for
// a total weight sum_w with weighted successes sum_wy, all at one μ.
double deviance_at(double sum_wy, double sum_w, double mu) {
    double dev = 0;
    if (sum_wy > 0) dev -= 2 * sum_wy * std::log(mu);
    if (sum_w - sum_wy > 0) dev -= 2 * (sum_w - sum_wy) * std::log(1 - mu);
    return dev;
}

struct StepHeader {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t k;
    std::int64_t n;         // rows with positive weight
    std::int64_t boundary;  // rows whose fitted probability is numerically 0 or 1
    double sum_w, sum_wy, deviance;
};
static_assert(sizeof(StepHeader) % 8 == 0, "the ols state after it stays aligned");

enum Status : std::uint32_t { kRunning = 0, kConverged = 1, kStopped = 2 };

struct ProgressHeader {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t k;  // 0 before the first pass
    std::int32_t max_iter;
    std::int32_t iteration;  // WLS solves so far
    std::int32_t halvings;   // consecutive step halvings
    std::uint32_t status;
    double tolerance;
    double previous_deviance;  // at the coefficients before the current ones
    // From the last pass:
    double deviance, sum_w, sum_wy;
    std::int64_t n, boundary;
};
static_assert(sizeof(ProgressHeader) % 8 == 0, "arrays after it stay aligned");
// After the header: beta[k] (evaluated next), previous_beta[k], and the
// ols::State of the weighted least squares that produced beta.

double* progress_beta(unsigned char* base) { return reinterpret_cast<double*>(base + sizeof(ProgressHeader)); }
unsigned char* progress_wls(unsigned char* base, int k) {
    return base + sizeof(ProgressHeader) + 2 * sizeof(double) * k;
}

double alias_tolerance(double tolerance) { return std::min(1e-7, tolerance / 1000); }  // glm.fit's

}  // namespace

void check_options(const Options& options) {
    if (options.max_iter < 1 || options.max_iter > kMaxIterations)
        fail(ErrorKind::InvalidValue, "max_iter must be between 1 and %d, got %d", kMaxIterations, options.max_iter);
    if (!(options.tolerance > 0 && options.tolerance < 1))
        fail(ErrorKind::InvalidValue, "tolerance must be between 0 and 1, got %s",
             value_text(options.tolerance).c_str());
}

// ---- Step -------------------------------------------------------------

std::size_t Step::bytes(int k) { return sizeof(StepHeader) + ols::State::bytes(k); }

Step Step::create(void* memory, int k) {
    std::memset(memory, 0, sizeof(StepHeader));
    auto* header = static_cast<StepHeader*>(memory);
    header->magic = kStepMagic;
    header->version = kVersion;
    header->k = static_cast<std::uint16_t>(k);
    auto* base = static_cast<unsigned char*>(memory);
    return Step(base, ols::State::create(base + sizeof(StepHeader), k));
}

Step Step::attach(void* memory, std::size_t size) {
    if (size < sizeof(StepHeader)) fail(ErrorKind::CorruptState, "logit step is truncated (%zu bytes)", size);
    const auto* header = static_cast<const StepHeader*>(memory);
    if (header->magic != kStepMagic || header->version != kVersion)
        fail(ErrorKind::CorruptState, "not a logit step of version %d", kVersion);
    if (header->k < 1 || header->k > ols::kMaxColumns || header->n < 0 || header->boundary < 0 ||
        header->n > ols::kMaxRows || header->boundary > header->n)
        fail(ErrorKind::CorruptState, "logit step has a bad header");
    auto* base = static_cast<unsigned char*>(memory);
    const ols::State wls = ols::State::attach(base + sizeof(StepHeader), size - sizeof(StepHeader));
    if (wls.columns() != header->k) fail(ErrorKind::CorruptState, "logit step has inconsistent column counts");
    return Step(base, wls);
}

int Step::columns() const { return reinterpret_cast<const StepHeader*>(base_)->k; }

void Step::add(bool y, const double* x, double w, const Progress& at) {
    ols::check_row(x, columns(), w);
    if (w > 0) add_checked(y, x, w, at);
}

void Step::add_checked(bool y, const double* x, double w, const Progress& at) {
    const int k = columns();
    double eta;
    if (at.columns() == 0) {  // R's mustart for binomial: (w y + 1/2) / (w + 1)
        const double mu = (w * y + 0.5) / (w + 1);
        eta = std::log(mu / (1 - mu));
    } else {
        eta = 0;
        for (int j = 0; j < k; ++j) eta += x[j] * at.beta(j);
    }
    const Link link = logit_link(eta);
    const double mu = link.mu, d = link.mu_eta;
    const double variance = mu * (1 - mu);
    auto& header = *reinterpret_cast<StepHeader*>(base_);
    if (header.n == ols::kMaxRows)
        fail(ErrorKind::LimitExceeded, "logit: more than %lld rows", static_cast<long long>(ols::kMaxRows));
    header.n += 1;
    header.sum_w += w;
    header.sum_wy += y ? w : 0;
    header.deviance += -2 * w * std::log(y ? mu : 1 - mu);
    header.boundary += at_boundary(mu);
    // The working response and weight of glm.fit.
    const double z = eta + ((y ? 1.0 : 0.0) - mu) / d;
    wls_.add_checked(z, x, w * d * d / variance);
}

void Step::merge(const Step& other) {
    const int k = columns();
    if (other.columns() != k)
        fail(ErrorKind::ArrayShape, "cannot merge logit steps with %d and %d columns", k, other.columns());
    auto& a = *reinterpret_cast<StepHeader*>(base_);
    const auto& b = *reinterpret_cast<const StepHeader*>(other.base_);
    if (b.n > ols::kMaxRows - a.n)
        fail(ErrorKind::LimitExceeded, "logit: more than %lld rows", static_cast<long long>(ols::kMaxRows));
    a.n += b.n;
    a.boundary += b.boundary;
    a.sum_w += b.sum_w;
    a.sum_wy += b.sum_wy;
    a.deviance += b.deviance;
    wls_.merge(other.wls_);
}

// ---- Progress ---------------------------------------------------------

std::size_t Progress::bytes(int k) {
    return k == 0 ? sizeof(ProgressHeader) : sizeof(ProgressHeader) + 2 * sizeof(double) * k + ols::State::bytes(k);
}

Progress Progress::create(void* memory, const Options& options) {
    check_options(options);
    std::memset(memory, 0, sizeof(ProgressHeader));
    auto* header = static_cast<ProgressHeader*>(memory);
    header->magic = kProgressMagic;
    header->version = kVersion;
    header->max_iter = options.max_iter;
    header->tolerance = options.tolerance;
    return Progress(static_cast<unsigned char*>(memory));
}

Progress Progress::attach(void* memory, std::size_t size) {
    if (size < sizeof(ProgressHeader))
        fail(ErrorKind::CorruptState, "logit progress is truncated (%zu bytes)", size);
    const auto* header = static_cast<const ProgressHeader*>(memory);
    if (header->magic != kProgressMagic || header->version != kVersion)
        fail(ErrorKind::CorruptState, "not a logit progress of version %d", kVersion);
    if (header->k > ols::kMaxColumns || header->status > kStopped || header->max_iter < 1 ||
        header->max_iter > kMaxIterations || header->iteration < 0 || header->iteration > header->max_iter + 1 ||
        !(header->tolerance > 0 && header->tolerance < 1))
        fail(ErrorKind::CorruptState, "logit progress has a bad header");
    if (size != bytes(header->k)) fail(ErrorKind::CorruptState, "logit progress has an inconsistent size");
    auto* base = static_cast<unsigned char*>(memory);
    if (header->k > 0) ols::State::attach(progress_wls(base, header->k), ols::State::bytes(header->k));
    return Progress(base);
}

int Progress::columns() const { return reinterpret_cast<const ProgressHeader*>(base_)->k; }

bool Progress::done() const { return reinterpret_cast<const ProgressHeader*>(base_)->status != kRunning; }

double Progress::beta(int j) const {
    const double b = progress_beta(base_)[j];
    return std::isnan(b) ? 0.0 : b;  // aliased coefficients take no part
}

void Progress::update(const Step& step, void* next_memory, const StopCheck& stop) const {
    const auto& current = *reinterpret_cast<const ProgressHeader*>(base_);
    const auto& pass = *reinterpret_cast<const StepHeader*>(step.base_);
    const int k = step.columns();
    if (current.k != 0 && current.k != k)
        fail(ErrorKind::ArrayShape, "x has length %d, but the fit so far has length %d", k, current.k);
    if (current.status != kRunning) fail(ErrorKind::InvalidValue, "the fit has already finished");

    auto* next = static_cast<unsigned char*>(next_memory);
    auto& header = *reinterpret_cast<ProgressHeader*>(next);
    double* beta = progress_beta(next);
    double* previous_beta = beta + k;
    unsigned char* wls = progress_wls(next, k);
    const std::size_t wls_bytes = ols::State::bytes(k);
    if (current.k == 0) {
        header = current;
        header.k = static_cast<std::uint16_t>(k);
        header.previous_deviance = kNaN;
    } else {
        std::memcpy(next, base_, bytes(k));
    }
    header.deviance = pass.deviance;
    header.sum_w = pass.sum_w;
    header.sum_wy = pass.sum_wy;
    header.n = pass.n;
    header.boundary = pass.boundary;

    auto solve_next = [&] {  // a new iterate from this pass' least squares
        if (current.k != 0) std::memcpy(previous_beta, beta, sizeof(double) * k);
        std::memcpy(wls, step.base_ + sizeof(StepHeader), wls_bytes);
        const ols::Solution solution =
            ols::State::attach(wls, wls_bytes).solve(alias_tolerance(current.tolerance), stop);
        std::copy(solution.coef.begin(), solution.coef.end(), beta);
        header.iteration += 1;
        header.halvings = 0;
        header.previous_deviance = pass.deviance;
    };
    if (pass.n == 0) fail(ErrorKind::InvalidValue, "no rows with a positive weight");
    if (current.k == 0) {  // the pass at R's starting values
        solve_next();
        return;
    }
    const double dev = pass.deviance, old = current.previous_deviance;
    if (std::fabs(dev - old) / (std::fabs(dev) + 0.1) < current.tolerance) {
        header.status = kConverged;
        return;
    }
    // Step halving (R halves only on a non-finite deviance; we also halve
    // when it grew, from the second iterate on, so the likelihood never drops).
    // Rises within rounding noise of the deviance sum are not rises: halving
    // there would pull a converged iterate back toward a less converged one.
    const bool rose = current.iteration >= 2 && dev - old > kNoiseFloor * (std::fabs(dev) + 0.1);
    if ((!std::isfinite(dev) || rose) && current.halvings < kMaxHalvings) {
        for (int j = 0; j < k; ++j) beta[j] = (beta[j] + previous_beta[j]) / 2;
        header.halvings += 1;
        return;
    }
    if (current.iteration >= current.max_iter || !std::isfinite(dev)) {
        header.status = kStopped;
        return;
    }
    solve_next();
}

void Progress::model(FitOutput& out, const StopCheck& stop) const {
    const auto& h = *reinterpret_cast<const ProgressHeader*>(base_);
    const int k = h.k;
    if (k == 0) fail(ErrorKind::InvalidValue, "the fit has not started");
    const std::size_t wls_bytes = ols::State::bytes(k);
    const ols::State wls = ols::State::attach(progress_wls(base_, k), wls_bytes);
    const ols::Solution solution = wls.solve(alias_tolerance(h.tolerance), stop);
    const double* beta = progress_beta(base_);
    for (int j = 0; j < k; ++j) {
        out.aliased[j] = solution.aliased[j];
        out.coef[j] = solution.aliased[j] ? kNaN : beta[j];
        out.std_err[j] = std::sqrt(solution.unscaled_cov[static_cast<std::size_t>(j) * k + j]);
        out.z_stat[j] = out.coef[j] / out.std_err[j];
        out.p_value[j] = normal_two_sided_p(out.z_stat[j]);
        out.odds_ratio[j] = std::exp(out.coef[j]);
    }
    std::copy(solution.unscaled_cov.begin(), solution.unscaled_cov.end(), out.cov);
    out.rank = solution.rank;
    out.condition_number = wls.condition_number();
    out.n = h.n;
    out.iterations = h.iteration;
    out.deviance = h.deviance;
    out.log_likelihood = -h.deviance / 2;  // y is 0/1: the saturated model has likelihood 1
    // glm.fit's null model: the weighted mean with an intercept, else μ = 1/2.
    const double null_mu = solution.centered ? h.sum_wy / h.sum_w : 0.5;
    out.null_log_likelihood = -deviance_at(h.sum_wy, h.sum_w, null_mu) / 2;
    out.aic = h.deviance + 2 * solution.rank;
    out.bic = h.deviance + std::log(static_cast<double>(h.n)) * solution.rank;
    out.pseudo_r2 = 1 - out.log_likelihood / out.null_log_likelihood;
    out.constant_y = h.sum_wy == 0 || h.sum_wy == h.sum_w;
    out.separation = h.boundary > 0;
    out.iteration_limit = h.status != kConverged;
    out.converged = h.status == kConverged && !out.separation && !out.constant_y;
}

double probability(double eta) { return 1 / (1 + std::exp(-eta)); }

// ---- In memory --------------------------------------------------------

RowsState::RowsState(const RowsParams& params) : params_(params) {
    (void)ols::State::bytes(params.k);  // checks the column limit
    check_options(params.options);
}

void RowsState::reserve(std::int64_t rows) {
    const double row_bytes = sizeof(double) * width();
    const double limit = 1024.0 * static_cast<double>(params_.memory_limit_kb);
    if (rows * row_bytes > limit)
        fail_with_hint(ErrorKind::LimitExceeded,
                       "Raise eventml.logit_fit_memory_limit, or fit with logit_train(), which scans the data once "
                       "per iteration instead of keeping it in memory.",
                       "keeping %lld rows of %d columns needs more than eventml.logit_fit_memory_limit (%lld kB)",
                       static_cast<long long>(rows), params_.k, static_cast<long long>(params_.memory_limit_kb));
    // The limit in rows, clamped (2^40 rows: petabytes) before the conversion,
    // since a state read back may carry any limit at all.
    const double most_rows = std::min(limit / row_bytes, 0x1p40);
    rows_.reserve(rows * width(), static_cast<std::int64_t>(most_rows) * width());
}

void RowsState::add(bool y, const double* x, int n, double w) {
    if (n != params_.k)
        fail(ErrorKind::ArrayShape, "x has length %d, but earlier rows had length %d", n, params_.k);
    ols::check_row(x, n, w);
    if (w == 0) return;
    if (rows_.size() + width() > rows_.capacity()) reserve(size() + 1);
    rows_.push(y ? 1 : 0);
    rows_.push(w);
    rows_.append(x, n);
}

void RowsState::merge(const RowsState& other) {
    if (other.params_.k != params_.k)
        fail(ErrorKind::ArrayShape, "cannot combine rows of %d and %d columns", params_.k, other.params_.k);
    reserve(size() + other.size());
    rows_.append(other.rows_.data(), other.rows_.size());
}

const std::uint32_t RowsState::kMagic = 0x32524c45;  // "ELR2": logit_fit's rows, version 2

void RowsState::check(const FlatReader& in) const {
    const Options& options = params_.options;
    in.require(params_.k >= 1 && params_.k <= ols::kMaxColumns && params_.memory_limit_kb >= 0 &&
               options.max_iter >= 1 && options.max_iter <= kMaxIterations && options.tolerance > 0 &&
               options.tolerance < 1 && rows_.size() % width() == 0);
    // Each row as add() keeps it: y 0 or 1, a finite positive weight, finite x.
    const int k = params_.k, width = this->width();
    for (std::int64_t at = 0; at < rows_.size(); at += width) {
        const double* row = rows_.data() + at;
        in.require((row[0] == 0 || row[0] == 1) && std::isfinite(row[1]) && row[1] > 0);
        for (int j = 0; j < k; ++j) in.require(std::isfinite(row[2 + j]));
    }
}

void RowsState::finish(FitOutput& out, const StopCheck& stop) const {
    const int k = params_.k, width = this->width();
    const double* rows = rows_.data();
    const std::int64_t count = size();
    std::vector<double> progress_memory(Progress::bytes(0) / sizeof(double));
    std::vector<double> next_memory(Progress::bytes(k) / sizeof(double));
    std::vector<double> step_memory(Step::bytes(k) / sizeof(double));
    Progress progress = Progress::create(progress_memory.data(), params_.options);
    // A row costs O(k^2): poll about every 4 M operations, so a cancel is seen in milliseconds.
    const std::int64_t poll_every = std::clamp<std::int64_t>((std::int64_t{1} << 22) / (std::int64_t{k} * k), 1, 65536);
    while (!progress.done()) {
        Step step = Step::create(step_memory.data(), k);
        for (std::int64_t i = 0; i < count; ++i) {
            if (i % poll_every == 0) stop.poll();
            const double* row = rows + i * width;
            step.add_checked(row[0] != 0, row + 2, row[1], progress);  // checked when kept
        }
        progress.update(step, next_memory.data(), stop);
        progress_memory.swap(next_memory);
        next_memory.resize(Progress::bytes(k) / sizeof(double));
        progress = Progress::attach(progress_memory.data(), Progress::bytes(k));
    }
    progress.model(out, stop);
}

}  // namespace eventml::core::logit
