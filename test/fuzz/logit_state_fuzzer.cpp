// libFuzzer target for the three serialized logit states, told apart by
// their magic (each validator is tried on every input):
//   logit::Step      logit_train's pass (flat bytea): Step::attach, then
//                    logit_irls_step_combine (merge into a copy of itself),
//                    logit_irls_step_trans (more rows into a copy),
//                    logit_irls_update from a fresh progress and from one
//                    that has made a pass, and logit_irls_model on the result;
//   logit::Progress  logit_train's iteration (flat bytea): Progress::attach,
//                    then logit_irls_done, logit_irls_model, a pass at its
//                    coefficients (logit_irls_step_trans) and logit_irls_update;
//   logit::RowsState logit_fit's kept rows (serialize/deserialize):
//                    RowsState::read, written back byte for byte, merged,
//                    then logit_fit_final's finish.
// An input every validator rejects is tried once more with its size made
// what its header says (Step and Progress: the size for their column count;
// kept rows are not repaired, see fuzz::no_repair), so the fuzzer also
// reaches the consumers with arbitrary contents.
// sources: logit.cpp ols.cpp distributions.cpp memory.cpp error.cpp
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "logit.hpp"
#include "state_fuzz.hpp"

namespace logit = eventml::core::logit;
using fuzz::Buffer;

namespace {

// The headers in logit.cpp: both start magic (u32), version (u16), k (u16).
constexpr std::size_t kColumnsOffset = 6;

// Each IRLS pass polls at least once (fit_rows: at its first row), each solve
// once per column: this ends the fits that max_iter = 10000 and step halving
// would stretch to 300,000 passes.
constexpr long kPolls = 3000;

struct Model {
    std::vector<double> coef, std_err, z, p, odds, cov;
    std::vector<char> aliased;
    logit::FitOutput out{};
    explicit Model(int k)
        : coef(k), std_err(k), z(k), p(k), odds(k), cov(static_cast<std::size_t>(k) * k), aliased(k) {
        out.coef = coef.data();
        out.std_err = std_err.data();
        out.z_stat = z.data();
        out.p_value = p.data();
        out.odds_ratio = odds.data();
        out.cov = cov.data();
        out.aliased = reinterpret_cast<bool*>(aliased.data());
    }
};

// Generated rows of a logistic model with k columns (intercept first).
constexpr int kPassRows = 12;
void row_x(int i, int k, double* x) {
    x[0] = 1;
    for (int j = 1; j < k; ++j) x[j] = std::sin(0.3 + 0.7 * i * (j + 1)) * (1 + j % 3);
}
bool row_y(int i) { return (i * 7) % 5 < 2; }

// logit_irls_step_trans for the generated rows at progress at.
void add_rows(logit::Step& step, const logit::Progress& at) {
    const int k = step.columns();
    std::vector<double> x(k);
    for (int i = 0; i < kPassRows; ++i) {
        row_x(i, k, x.data());
        step.add(row_y(i), x.data(), 1 + (i % 3) * 0.5, at);
    }
}

std::optional<logit::Step> attach_step(const Buffer& buffer) {
    std::optional<logit::Step> step;
    if (!fuzz::accepts([&] { step.emplace(logit::Step::attach(buffer.data(), buffer.size())); })) return {};
    FUZZ_CHECK(step->columns() >= 1 && step->columns() <= eventml::core::ols::kMaxColumns);
    FUZZ_CHECK(logit::Step::bytes(step->columns()) == buffer.size());
    return step;
}

std::optional<logit::Progress> attach_progress(const Buffer& buffer) {
    std::optional<logit::Progress> progress;
    if (!fuzz::accepts([&] { progress.emplace(logit::Progress::attach(buffer.data(), buffer.size())); })) return {};
    FUZZ_CHECK(progress->columns() >= 0 && progress->columns() <= eventml::core::ols::kMaxColumns);
    FUZZ_CHECK(logit::Progress::bytes(progress->columns()) == buffer.size());
    return progress;
}

// logit_irls_model, for the progress in buffer.
void model(const Buffer& buffer, const logit::Progress& progress) {
    const int k = progress.columns();
    Model m(k);
    if (fuzz::consume([&] { progress.model(m.out, fuzz::budget(kPolls)); }))
        FUZZ_CHECK(m.out.rank >= 0 && m.out.rank <= k);
}

// logit_irls_update(at, step), then logit_irls_done and logit_irls_model on
// the new progress, which must attach.
void update(const logit::Progress& at, const logit::Step& step) {
    Buffer next(logit::Progress::bytes_after(step));
    if (!fuzz::consume([&] { at.update(step, next.data(), fuzz::budget(kPolls)); })) return;
    const std::optional<logit::Progress> progress = attach_progress(next);
    FUZZ_CHECK(progress.has_value());
    FUZZ_CHECK(progress->columns() == step.columns());
    (void)progress->done();
    model(next, *progress);
}

// A progress of k columns after one pass over the generated rows.
Buffer progress_after_a_pass(int k) {
    Buffer start(logit::Progress::bytes(0)), pass(logit::Step::bytes(k)), next(logit::Progress::bytes(k));
    const logit::Progress at = logit::Progress::create(start.data(), logit::Options{});
    logit::Step step = logit::Step::create(pass.data(), k);
    add_rows(step, at);
    at.update(step, next.data(), eventml::core::StopCheck());
    return next;
}

void run_step(const Buffer& input, const logit::Step& step) {
    const int k = step.columns();
    // logit_irls_step_combine(copy, step).
    {
        Buffer merged(input);
        fuzz::consume([&] { logit::Step::attach(merged.data(), merged.size()).merge(step); });
        FUZZ_CHECK(attach_step(merged).has_value());
    }
    // logit_irls_step_trans(copy, ..., progress) at a fresh progress.
    Buffer start(logit::Progress::bytes(0));
    const logit::Progress fresh = logit::Progress::create(start.data(), logit::Options{});
    {
        Buffer grown(input);
        fuzz::consume([&] {
            logit::Step copy = logit::Step::attach(grown.data(), grown.size());
            add_rows(copy, fresh);
        });
        FUZZ_CHECK(attach_step(grown).has_value());
    }
    // logit_irls_update from the start, and from a progress with a pass made.
    update(fresh, step);
    const Buffer after_a_pass = progress_after_a_pass(k);
    update(logit::Progress::attach(after_a_pass.data(), after_a_pass.size()), step);
    FUZZ_CHECK(attach_step(input).has_value());  // nothing above changes the step
}

void run_progress(const Buffer& input, const logit::Progress& progress) {
    const Buffer before(input);
    const int k = progress.columns();
    (void)progress.done();
    if (k > 0) model(input, progress);
    // A pass at this progress' coefficients, then logit_irls_update.
    const int width = k > 0 ? k : 3;
    Buffer pass(logit::Step::bytes(width));
    logit::Step step = logit::Step::create(pass.data(), width);
    add_rows(step, progress);
    FUZZ_CHECK(attach_step(pass).has_value());
    update(progress, step);
    FUZZ_CHECK(input.same(before));  // the progress is only read
}

void run_rows(const Buffer& input, const logit::RowsState& state) {
    fuzz::check_written_back(state, input);
    if (state.size() == 0) return;  // logit_fit_final: NULL
    const int k = state.params().k;
    Model m(k);
    if (fuzz::consume([&] { state.finish(m.out, fuzz::budget(kPolls)); }))
        FUZZ_CHECK(m.out.rank >= 0 && m.out.rank <= k);
}

// True when some validator accepted the input (and its consumers ran).
bool run(const Buffer& input) {
    if (const std::optional<logit::Step> step = attach_step(input)) {
        run_step(input, *step);
        return true;
    }
    if (const std::optional<logit::Progress> progress = attach_progress(input)) {
        run_progress(input, *progress);
        return true;
    }
    if (const std::optional<logit::RowsState> rows = fuzz::read_state<logit::RowsState>(input)) {
        run_rows(input, *rows);
        return true;
    }
    return false;
}

bool valid(const Buffer& input) {
    return attach_step(input) || attach_progress(input) || fuzz::read_state<logit::RowsState>(input);
}

// The size the header asks for: a step's or a progress's.
bool repair(Buffer& input) {
    if (input.size() < kColumnsOffset + sizeof(std::uint16_t)) return false;
    const int k = input.read<std::uint16_t>(kColumnsOffset);
    if (k < 1 || k > eventml::core::ols::kMaxColumns) return false;
    for (const std::size_t repaired : {logit::Step::bytes(k), logit::Progress::bytes(k)}) {
        if (repaired > fuzz::kMaxInput || repaired == input.size()) continue;
        Buffer copy(input);
        copy.resize(repaired);
        if (valid(copy)) {
            input.resize(repaired);
            return true;
        }
    }
    return false;
}

// ---- seeds ----------------------------------------------------------------

std::vector<unsigned char> bytes_of(const Buffer& buffer) { return {buffer.data(), buffer.data() + buffer.size()}; }

std::vector<unsigned char> rows_bytes(int k, int count, const logit::Options& options) {
    logit::RowsState state(logit::RowsParams{k, options, 1024 * 1024});
    std::vector<double> x(k);
    for (int i = 0; i < count; ++i) {
        row_x(i, k, x.data());
        state.add(row_y(i), x.data(), k, 1 + (i % 4) * 0.25);
    }
    return fuzz::flat_bytes_of(state);
}

fuzz::Seeds seeds() {
    fuzz::Seeds out;
    Buffer start(logit::Progress::bytes(0));
    const logit::Progress fresh = logit::Progress::create(start.data(), logit::Options{});
    out.push_back({"progress-start", bytes_of(start)});
    Buffer quick(logit::Progress::bytes(0));
    logit::Progress::create(quick.data(), logit::Options{3, 1e-3});
    out.push_back({"progress-start-3-iterations", bytes_of(quick)});

    for (int k : {1, 3}) {
        Buffer pass(logit::Step::bytes(k));
        logit::Step step = logit::Step::create(pass.data(), k);
        add_rows(step, fresh);
        out.push_back({"step-k" + std::to_string(k), bytes_of(pass)});
    }
    // logit_train's loop to the end for k = 3: the progress after one pass, a
    // later pass, and the finished progress.
    Buffer progress = progress_after_a_pass(3);
    out.push_back({"progress-k3-one-pass", bytes_of(progress)});
    for (int iteration = 0; iteration < 30; ++iteration) {
        const logit::Progress at = logit::Progress::attach(progress.data(), progress.size());
        if (at.done()) break;
        Buffer pass(logit::Step::bytes(3));
        logit::Step step = logit::Step::create(pass.data(), 3);
        add_rows(step, at);
        if (iteration == 1) out.push_back({"step-k3-later-pass", bytes_of(pass)});
        Buffer next(logit::Progress::bytes(3));
        at.update(step, next.data(), eventml::core::StopCheck());
        std::memcpy(progress.data(), next.data(), next.size());
    }
    out.push_back({"progress-k3-done", bytes_of(progress)});

    out.push_back({"rows-k3", rows_bytes(3, 20, logit::Options{})});
    out.push_back({"rows-k1", rows_bytes(1, 6, logit::Options{5, 1e-4})});
    return out;
}

}  // namespace

FUZZ_STATE_TARGET(seeds, valid, run, repair)
