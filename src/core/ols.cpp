#include "ols.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "eigen.hpp"

#include "distributions.hpp"

namespace eventml::core::ols {
namespace {

constexpr std::uint32_t kMagic = 0x534c4f45;  // "EOLS" little-endian
constexpr std::uint16_t kVersion = 1;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Rows are collected in a small buffer and folded into R a block at a time
// with Householder reflections: one square root per column per block instead
// of one per column per row (Givens), which is what bounds the row rate.
constexpr int kBlockRows = 16;

// The block starts with this header; then first_x[k] (doubles), constant[k]
// (bytes, padded to 8), the packed upper triangle of R, row by row, and the
// row buffer, column-major: buffer[c * kBlockRows + i] is column c of row i.
struct Header {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t k;
    std::uint32_t buffered;  // rows waiting in the buffer
    std::uint32_t unused;
    std::int64_t n;          // rows with positive weight
    double sum_log_w;        // Σlog(w), for the weighted log-likelihood
};
static_assert(sizeof(Header) % 8 == 0, "doubles after the header stay aligned");

std::size_t pad8(std::size_t n) { return (n + 7) & ~std::size_t{7}; }
std::size_t triangle(int m) { return static_cast<std::size_t>(m) * (m + 1) / 2; }
// Offset of row j in the packed upper triangle of an m×m matrix.
std::size_t row_offset(int m, int j) {
    return static_cast<std::size_t>(j) * m - static_cast<std::size_t>(j) * (j - 1) / 2;
}

struct Layout {
    Header* header;
    double* first_x;
    unsigned char* constant;
    double* r;
    double* buffer;

    Layout(unsigned char* base, int k)
        : header(reinterpret_cast<Header*>(base)),
          first_x(reinterpret_cast<double*>(base + sizeof(Header))),
          constant(base + sizeof(Header) + sizeof(double) * k),
          r(reinterpret_cast<double*>(base + sizeof(Header) + sizeof(double) * k + pad8(k))),
          buffer(r + triangle(k + 1)) {}
};

}  // namespace

void check_row(const double* x, int k, double w) {
    if (!std::isfinite(w) || w < 0)
        fail(ErrorKind::InvalidValue, "weight must be finite and non-negative, got %s", value_text(w).c_str());
    double probe = 0;  // NaN exactly when some x[j] is NaN or infinite
    for (int j = 0; j < k; ++j) probe += x[j] * 0.0;
    if (probe != 0)
        for (int j = 0; j < k; ++j)
            if (!std::isfinite(x[j]))
                fail(ErrorKind::InvalidValue, "x[%d] must be finite, got %s", j + 1, value_text(x[j]).c_str());
}

std::size_t State::bytes(int k) {
    if (k < 1 || k > kMaxColumns)
        fail(ErrorKind::LimitExceeded, "x has length %d; lengths 1 to %d are supported", k, kMaxColumns);
    return sizeof(Header) + sizeof(double) * k + pad8(k) +
           sizeof(double) * (triangle(k + 1) + static_cast<std::size_t>(kBlockRows) * (k + 1));
}

State State::create(void* memory, int k) {
    std::memset(memory, 0, bytes(k));
    auto* header = static_cast<Header*>(memory);
    header->magic = kMagic;
    header->version = kVersion;
    header->k = static_cast<std::uint16_t>(k);
    return State(static_cast<unsigned char*>(memory));
}

State State::attach(void* memory, std::size_t size) {
    if (size < sizeof(Header)) fail(ErrorKind::CorruptState, "ols state is truncated (%zu bytes)", size);
    const auto* header = static_cast<const Header*>(memory);
    if (header->magic != kMagic || header->version != kVersion)
        fail(ErrorKind::CorruptState, "not an ols state of version %d", kVersion);
    if (header->k < 1 || header->k > kMaxColumns || size != bytes(header->k) || header->n < 0 || header->n > kMaxRows ||
        header->buffered >= kBlockRows)
        fail(ErrorKind::CorruptState, "ols state for %d columns has an inconsistent size (%zu bytes)",
             static_cast<int>(header->k), size);
    return State(static_cast<unsigned char*>(memory));
}

int State::columns() const { return reinterpret_cast<const Header*>(base_)->k; }

std::int64_t State::rows() const { return reinterpret_cast<const Header*>(base_)->n; }

// Queues one augmented row (k x-values then y, scaled by sqrt(w)); a full
// buffer is folded into R.
void State::push_row(const double* row) {
    const int m = columns() + 1;
    Layout layout(base_, m - 1);
    const std::uint32_t i = layout.header->buffered;
    for (int c = 0; c < m; ++c) layout.buffer[c * kBlockRows + i] = row[c];
    if (++layout.header->buffered == kBlockRows) fold_buffer();
}

// Folds the buffered rows into R: for each column j, one Householder
// reflection (LAPACK's dlarfg/dlarf on the structured stack [R; buffer])
// zeroes column j of the buffer against R's diagonal entry.
void State::fold_buffer() {
    const int m = columns() + 1;
    Layout layout(base_, m - 1);
    const int rows = static_cast<int>(layout.header->buffered);
    for (int j = 0; j < m; ++j) {
        double* rj = layout.r + row_offset(m, j);
        double* vj = layout.buffer + j * kBlockRows;
        double sigma = 0;
        for (int i = 0; i < rows; ++i) sigma += vj[i] * vj[i];
        if (sigma == 0) continue;
        const double alpha = rj[0];
        double norm = std::sqrt(alpha * alpha + sigma);
        if (!std::isfinite(norm)) {  // squares overflowed: rescale
            double scale = std::fabs(alpha);
            for (int i = 0; i < rows; ++i) scale = std::max(scale, std::fabs(vj[i]));
            double sum = (alpha / scale) * (alpha / scale);
            for (int i = 0; i < rows; ++i) sum += (vj[i] / scale) * (vj[i] / scale);
            norm = scale * std::sqrt(sum);
        }
        const double beta = alpha >= 0 ? -norm : norm;
        const double v0 = alpha - beta;  // no cancellation: alpha and -beta share a sign
        const double tau = -v0 / beta;
        const double inv_v0 = 1 / v0;
        for (int i = 0; i < rows; ++i) vj[i] *= inv_v0;
        rj[0] = beta;
        for (int c = j + 1; c < m; ++c) {
            double* bc = layout.buffer + c * kBlockRows;
            double w = rj[c - j];
            for (int i = 0; i < rows; ++i) w += vj[i] * bc[i];
            w *= tau;
            rj[c - j] -= w;
            for (int i = 0; i < rows; ++i) bc[i] -= w * vj[i];
        }
    }
    layout.header->buffered = 0;
}

void State::add(double y, const double* x, double w) {
    const int k = columns();
    if (!std::isfinite(y)) fail(ErrorKind::InvalidValue, "y must be finite, got %s", value_text(y).c_str());
    check_row(x, k, w);
    if (w == 0) return;
    if (w != 1) reinterpret_cast<Header*>(base_)->sum_log_w += std::log(w);
    add_checked(y, x, w);
}

void State::add_checked(double y, const double* x, double w) {
    const int k = columns();
    Layout layout(base_, k);
    Header& h = *layout.header;
    if (h.n == 0) {
        std::memcpy(layout.first_x, x, sizeof(double) * k);
        std::memset(layout.constant, 1, k);
    } else {
        for (int j = 0; j < k; ++j)
            if (x[j] != layout.first_x[j]) layout.constant[j] = 0;
    }
    if (h.n == kMaxRows) fail(ErrorKind::LimitExceeded, "ols_fit: more than %lld rows", static_cast<long long>(kMaxRows));
    h.n += 1;
    double row[kMaxColumns + 1];
    if (w == 1) {
        std::memcpy(row, x, sizeof(double) * k);
        row[k] = y;
    } else {
        const double root_w = std::sqrt(w);
        for (int j = 0; j < k; ++j) row[j] = root_w * x[j];
        row[k] = root_w * y;
    }
    push_row(row);
}

void State::merge(const State& other) {
    const int k = columns();
    if (other.columns() != k)
        fail(ErrorKind::ArrayShape, "cannot merge ols states with %d and %d columns", k, other.columns());
    Layout to(base_, k), from(other.base_, k);
    const Header& b = *from.header;
    if (b.n == 0) return;
    Header& a = *to.header;
    if (a.n == 0) {
        std::memcpy(to.first_x, from.first_x, sizeof(double) * k);
        std::memcpy(to.constant, from.constant, k);
    } else {
        for (int j = 0; j < k; ++j)
            to.constant[j] = to.constant[j] && from.constant[j] && to.first_x[j] == from.first_x[j];
    }
    if (b.n > kMaxRows - a.n) fail(ErrorKind::LimitExceeded, "ols_fit: more than %lld rows", static_cast<long long>(kMaxRows));
    a.n += b.n;
    a.sum_log_w += b.sum_log_w;

    // R's rows and the buffered rows of other are rows like any other.
    const int m = k + 1;
    double row[kMaxColumns + 1];
    for (int j = 0; j < m; ++j) {
        std::fill(row, row + j, 0.0);
        std::memcpy(row + j, from.r + row_offset(m, j), sizeof(double) * (m - j));
        push_row(row);
    }
    for (std::uint32_t i = 0; i < b.buffered; ++i) {
        for (int c = 0; c < m; ++c) row[c] = from.buffer[c * kBlockRows + i];
        push_row(row);
    }
}

namespace {

// R stacked on the rows still in the buffer, as a dense (m + buffered) × m matrix.
Eigen::MatrixXd stacked_factor(const unsigned char* base, int k) {
    const int m = k + 1;
    Layout layout(const_cast<unsigned char*>(base), k);
    const int rows = m + static_cast<int>(layout.header->buffered);
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(rows, m);
    for (int j = 0; j < m; ++j)
        for (int i = j; i < m; ++i) a(j, i) = layout.r[row_offset(m, j) + (i - j)];
    for (int i = m; i < rows; ++i)
        for (int c = 0; c < m; ++c) a(i, c) = layout.buffer[c * kBlockRows + (i - m)];
    return a;
}

}  // namespace

Solution State::solve(double alias_tolerance, const StopCheck& stop) const {
    const int k = columns();
    const int m = k + 1;
    Layout layout(base_, k);
    Eigen::MatrixXd a = stacked_factor(base_, k);
    const int rows = static_cast<int>(a.rows());

    Solution out;
    // Total sum of squares: about zero, or, with a nonzero constant column j,
    // about the weighted mean — the residual of y after projecting out column j.
    out.tss = a.col(k).squaredNorm();
    for (int j = 0; j < k && !out.centered; ++j) {
        if (!layout.constant[j] || layout.first_x[j] == 0) continue;
        out.centered = true;
        Eigen::MatrixXd pair(rows, 2);
        pair << a.col(j), a.col(k);
        Eigen::VectorXd essential(rows - 1);
        double tau = 0, beta = 0;
        pair.col(0).makeHouseholder(essential, tau, beta);
        double scratch[2];
        pair.rightCols(1).applyHouseholderOnTheLeft(essential, tau, scratch);
        out.tss = pair.col(1).tail(rows - 1).squaredNorm();
    }

    // Re-triangularize column by column in order, skipping aliased columns,
    // as R's dqrdc2 does: rank and kept columns match lm's.
    out.aliased.assign(k, 0);
    std::vector<int> kept;
    kept.reserve(k);
    Eigen::VectorXd workspace(rows);
    int p = 0;
    for (int j = 0; j < k; ++j) {
        stop.poll();
        const double original = a.col(j).norm();  // reflections keep column norms
        auto rest = a.col(j).segment(p, rows - p);
        const double remaining = rest.norm();
        out.aliased[j] = !(original > 0 && remaining > alias_tolerance * original);
        if (out.aliased[j]) continue;
        if (rows - p > 1) {
            Eigen::VectorXd essential(rows - p - 1);
            double tau = 0, beta = 0;
            rest.makeHouseholder(essential, tau, beta);
            a.block(p, j + 1, rows - p, m - j - 1).applyHouseholderOnTheLeft(essential, tau, workspace.data());
            a(p, j) = beta;
            a.col(j).segment(p + 1, rows - p - 1).setZero();
        }
        kept.push_back(j);
        ++p;
    }
    out.rank = p;
    Eigen::MatrixXd t(out.rank, out.rank);
    for (int c = 0; c < out.rank; ++c) t.col(c) = a.col(kept[c]).head(out.rank);
    const Eigen::VectorXd z = a.col(k).head(out.rank);
    out.rss = a.col(k).segment(out.rank, rows - out.rank).squaredNorm();

    const auto upper = t.triangularView<Eigen::Upper>();
    const Eigen::VectorXd beta = upper.solve(z);
    const Eigen::MatrixXd t_inv = upper.solve(Eigen::MatrixXd::Identity(out.rank, out.rank));
    const Eigen::MatrixXd unscaled_cov = t_inv * t_inv.transpose();
    out.coef.assign(k, kNaN);
    out.unscaled_cov.assign(static_cast<std::size_t>(k) * k, kNaN);
    for (int c = 0; c < out.rank; ++c) {
        out.coef[kept[c]] = beta(c);
        for (int d = 0; d < out.rank; ++d)
            out.unscaled_cov[static_cast<std::size_t>(kept[c]) * k + kept[d]] = unscaled_cov(c, d);
    }
    return out;
}

double State::condition_number() const {
    const int k = columns();
    Eigen::BDCSVD<Eigen::MatrixXd> svd(stacked_factor(base_, k).leftCols(k));
    if (svd.info() != Eigen::Success) return std::numeric_limits<double>::quiet_NaN();  // Inf/NaN entries
    const auto& sv = svd.singularValues();
    return sv(0) / sv(k - 1);
}

void State::finish(FitOutput& out, const StopCheck& stop) const {
    const int k = columns();
    const Header& h = *reinterpret_cast<const Header*>(base_);
    const Solution fit = solve(kAliasTolerance, stop);
    out.condition_number = condition_number();

    const double n = static_cast<double>(h.n);
    const double df = n - fit.rank;
    const double sigma2 = df > 0 ? fit.rss / df : kNaN;
    for (int j = 0; j < k; ++j) {
        out.aliased[j] = fit.aliased[j];
        out.coef[j] = fit.coef[j];
        out.std_err[j] = std::sqrt(sigma2 * fit.unscaled_cov[static_cast<std::size_t>(j) * k + j]);
        out.t_stat[j] = out.coef[j] / out.std_err[j];
        out.p_value[j] = fit.aliased[j] ? kNaN : student_t_two_sided_p(out.t_stat[j], df);
    }
    for (std::size_t i = 0; i < static_cast<std::size_t>(k) * k; ++i) out.cov[i] = sigma2 * fit.unscaled_cov[i];

    const double rss = fit.rss, tss = fit.tss;
    const double df_model = fit.rank - (fit.centered ? 1 : 0);
    out.centered = fit.centered;
    out.n = h.n;
    out.df_resid = h.n - fit.rank;
    out.rank = fit.rank;
    out.sigma = std::sqrt(sigma2);
    out.r2 = 1 - rss / tss;
    out.adj_r2 = df > 0 ? 1 - (1 - out.r2) * ((n - (fit.centered ? 1 : 0)) / df) : kNaN;
    out.f_stat = df_model > 0 && df > 0 ? ((tss - rss) / df_model) / (rss / df) : kNaN;
    out.f_p_value = f_upper_p(out.f_stat, df_model, df);
    // R's logLik.lm, with zero-weight rows already left out of n.
    out.log_likelihood =
        0.5 * (h.sum_log_w - n * (std::log(2 * M_PI) + 1 - std::log(n) + std::log(rss)));
    out.aic = -2 * out.log_likelihood + 2 * (fit.rank + 1);
    out.bic = -2 * out.log_likelihood + std::log(n) * (fit.rank + 1);
}

}  // namespace eventml::core::ols
