// Logistic regression by iteratively reweighted least squares, as R's
// glm.fit does for family = binomial(link = "logit").
//
// IRLS needs one pass over the data per iteration, so the algorithm is split
// into flat, mergeable pieces that work both in memory (logit_fit keeps the
// rows and iterates in its final function) and as repeated scans
// (logit_train runs one aggregate per iteration):
//   Progress  where the iteration stands: coefficients to evaluate next, the
//             deviance so far, and the weighted least-squares state that
//             produced the current coefficients (for standard errors);
//   Step      one pass at the progress' coefficients: the weighted least-
//             squares problem of the working response (an ols::State) and the
//             deviance there. Steps merge, so a pass can be split.
#pragma once

#include <cstddef>
#include <cstdint>

#include "error.hpp"
#include "flat.hpp"
#include "memory.hpp"
#include "ols.hpp"

namespace eventml::core::logit {

struct Options {
    int max_iter = 25;
    double tolerance = 1e-8;  // on |Δdeviance| / (|deviance| + 0.1), as glm.control
};
constexpr int kMaxIterations = 10000;
// Throws InvalidValue unless 1 <= max_iter <= kMaxIterations and 0 < tolerance < 1.
void check_options(const Options& options);

// Fitted model; per-coefficient arrays are caller-owned, length k (cov k*k).
struct FitOutput {
    double* coef;
    double* std_err;
    double* z_stat;
    double* p_value;
    double* odds_ratio;
    double* cov;
    bool* aliased;

    double log_likelihood = 0, null_log_likelihood = 0, deviance = 0, aic = 0, bic = 0;
    double pseudo_r2 = 0, condition_number = 0;
    std::int64_t n = 0;
    int iterations = 0, rank = 0;
    bool converged = false;      // converged, and none of the problems below
    bool iteration_limit = false;  // stopped at max_iter without converging
    bool separation = false;     // fitted probabilities numerically 0 or 1
    bool constant_y = false;     // y takes one value only
};

class Progress;

// A model's probability at linear predictor eta, as logit_predict scores it
// and model_sql / model_python export it: 1 / (1 + exp(-eta)), not clamped.
// (Fitting uses R's linkinv, which clamps |eta| > 30 to keep IRLS weights
// positive; a score has no such need, and the exported formula must agree.)
double probability(double eta);

// One pass over the rows at a Progress' coefficients (a view over flat memory).
class Step {
public:
    static std::size_t bytes(int k);  // throws LimitExceeded for k outside 1..ols::kMaxColumns
    static Step create(void* memory, int k);
    static Step attach(void* memory, std::size_t size);  // validates; throws CorruptState
    int columns() const;
    // Adds a row with y in {0, 1} and prior weight w >= 0 at the coefficients
    // of at (R's starting values on the first pass).
    void add(bool y, const double* x, double w, const Progress& at);
    // The same for a row already checked (finite x, w > 0).
    void add_checked(bool y, const double* x, double w, const Progress& at);
    void merge(const Step& other);

private:
    friend class Progress;
    Step(unsigned char* base, ols::State wls) : base_(base), wls_(wls) {}
    unsigned char* base_;
    ols::State wls_;  // the weighted least squares of the working response
};

// The state of the iteration (a view over flat memory). Its size depends on
// k, which is 0 before the first pass.
class Progress {
public:
    static std::size_t bytes(int k);
    static Progress create(void* memory, const Options& options);  // k = 0, size bytes(0)
    static Progress attach(void* memory, std::size_t size);        // validates
    int columns() const;
    bool done() const;
    // Size of the progress that update(step) produces.
    static std::size_t bytes_after(const Step& step) { return bytes(step.columns()); }
    // Takes the pass made at this progress; writes the next progress into
    // next (bytes_after(step) bytes). The step must come from this progress.
    void update(const Step& step, void* next, const StopCheck& stop) const;
    // The model at the current coefficients.
    void model(FitOutput& out, const StopCheck& stop) const;
    // Coefficient j to evaluate (aliased: 0); only when columns() > 0.
    double beta(int j) const;

private:
    explicit Progress(unsigned char* base) : base_(base) {}
    unsigned char* base_;
};

// logit_fit's state: the rows kept in memory to iterate over, each y, w,
// x[0..k-1].
struct RowsParams {
    int k;                        // 1..ols::kMaxColumns
    Options options;
    std::int64_t memory_limit_kb;  // the most memory the rows may take (eventml.logit_fit_memory_limit)
};

class RowsState : public FlatForm<RowsState> {
public:
    explicit RowsState(const RowsParams& params);  // validates k and the options
    const RowsParams& params() const { return params_; }
    std::int64_t size() const { return rows_.size() / width(); }
    // A row (x of length n); ArrayShape unless n is k, InvalidValue for a
    // non-finite x or a negative or non-finite w; a row of weight 0 changes
    // nothing and is not kept. LimitExceeded past the memory limit.
    void add(bool y, const double* x, int n, double w);
    // ArrayShape unless other has the same k.
    void merge(const RowsState& other);
    RowsState empty_copy() const { return RowsState(params_); }
    // Runs IRLS to the end over the rows and writes the model (rows > 0).
    void finish(FitOutput& out, const StopCheck& stop) const;

    // The flat form (FlatForm: flat_bytes, write, read).
    static const std::uint32_t kMagic;
    static constexpr const char* kName = "logit_fit";
    explicit RowsState(Unread) {}
    template <typename Self, typename Form>
    static void layout(Self& self, Form& form) {
        form.field(self.params_.k).field(self.params_.options.max_iter).field(self.params_.options.tolerance);
        form.field(self.params_.memory_limit_kb).items(self.rows_);
    }
    void check(const FlatReader& in) const;

private:
    int width() const { return params_.k + 2; }
    void reserve(std::int64_t rows);
    RowsParams params_{};
    Block<double> rows_;
};

}  // namespace eventml::core::logit
