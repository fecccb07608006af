// Ordinary (and weighted) least squares from a streaming, mergeable QR
// factorization.
//
// The state is one flat block of memory that is its own serialized form: a
// header, per-column constant detection, the packed upper triangle of the
// R factor of the augmented matrix [sqrt(w) X | sqrt(w) y], and a buffer of
// up to 16 rows not yet folded into R. Rows are folded in blocks by Householder
// reflections; two states merge by feeding the rows of one R (and its buffer)
// into the other. The normal equations X'X are never formed, so a fit keeps the
// accuracy of Householder QR (see docs/ols.md for the NIST StRD results).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "error.hpp"

namespace eventml::core::ols {

// Widest x accepted: the state holds (k+1)(k+2)/2 doubles and every row costs
// O(k^2), so k = 1000 means a 4 MB state and ~0.5 M flops per row.
// Rows a state may count (far beyond any table; keeps the counters from overflowing).
constexpr std::int64_t kMaxRows = std::int64_t{1} << 60;
constexpr int kMaxColumns = 1000;

// Column-pivoting tolerance for aliased columns, as R's lm (dqrdc2): a column
// whose norm, after removing the earlier kept columns, falls below
// kAliasTolerance times its original norm is reported as aliased.
constexpr double kAliasTolerance = 1e-7;

// Throws InvalidValue naming the value unless every x[j] is finite and the
// weight w is finite and non-negative.
void check_row(const double* x, int k, double w);

// Where a fit's per-coefficient results go: caller-owned arrays of length k
// (cov: k*k, row-major). Aliased coefficients get aliased[j] = true and NaN
// in every array entry that involves them.
struct FitOutput {
    double* coef;
    double* std_err;
    double* t_stat;
    double* p_value;
    double* cov;
    bool* aliased;

    double r2 = 0, adj_r2 = 0, sigma = 0, f_stat = 0, f_p_value = 0;
    double log_likelihood = 0, aic = 0, bic = 0, condition_number = 0;
    std::int64_t n = 0, df_resid = 0;
    int rank = 0;
    bool centered = false;  // R² about the mean: x holds a nonzero constant column
};

// The weighted least-squares solution behind a fit, for callers that build
// their own statistics on it (the IRLS steps of logit).
struct Solution {
    std::vector<double> coef;          // k entries; NaN where aliased
    std::vector<char> aliased;         // k flags
    std::vector<double> unscaled_cov;  // k×k row-major (X'WX)⁻¹ on kept columns; NaN elsewhere
    double rss = 0;                    // Σw·residual²
    double tss = 0;                    // Σw·y², or about the weighted mean when centered
    int rank = 0;
    bool centered = false;             // x holds a nonzero constant column
};

// A view over a state block; it never owns or allocates memory.
class State {
public:
    // Size in bytes of a state for k columns; throws LimitExceeded unless
    // 1 <= k <= kMaxColumns.
    static std::size_t bytes(int k);
    // Lays out an empty state for k columns in memory of bytes(k) bytes,
    // 8-byte aligned.
    static State create(void* memory, int k);
    // Views a block that came from outside; throws CorruptState unless its
    // magic, version, column count and size are consistent.
    static State attach(void* memory, std::size_t size);

    int columns() const;
    std::int64_t rows() const;
    std::size_t size() const { return bytes(columns()); }

    // Adds one row with weight w >= 0 (rows of weight 0 change nothing).
    // x has columns() entries. Throws InvalidValue for non-finite values or a
    // negative weight.
    void add(double y, const double* x, double w);
    // Adds a row the caller has already checked (finite values, w > 0),
    // without the Σlog w that only the Gaussian log-likelihood needs: the
    // working rows of IRLS.
    void add_checked(double y, const double* x, double w);
    // Adds every row of other into this state (same column count).
    void merge(const State& other);
    // Solves the least-squares problem; columns are aliased below
    // alias_tolerance (see kAliasTolerance). The state is left unchanged.
    Solution solve(double alias_tolerance, const StopCheck& stop) const;
    // Ratio of the extreme singular values of sqrt(W) X.
    double condition_number() const;
    // Fits the model with lm's statistics; the state is left unchanged.
    void finish(FitOutput& out, const StopCheck& stop) const;

private:
    explicit State(unsigned char* base) : base_(base) {}
    void push_row(const double* row);
    void fold_buffer();
    unsigned char* base_;
};

}  // namespace eventml::core::ols
