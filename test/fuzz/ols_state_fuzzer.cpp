// libFuzzer target for the ols_fit state (a flat bytea that is its own
// serialized form): ols::State::attach, then what src/pg/ols.cpp does with an
// attached state it was handed:
//   ols_fit_final    finish() when the state has rows (it must not change the state),
//   ols_fit_trans    add() a row to a copy (the result must attach again),
//   ols_fit_combine  merge() the state into a copy of itself (ditto), then finish().
// An input attach rejects is tried once more cut or zero-extended to the size
// its header's column count needs, so the fuzzer also reaches the consumers
// with arbitrary R factors, buffers and counts.
// sources: ols.cpp distributions.cpp error.cpp
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "ols.hpp"
#include "state_fuzz.hpp"

namespace ols = eventml::core::ols;
using fuzz::Buffer;

namespace {

// The header in ols.cpp: magic (u32), version (u16), k (u16), buffered (u32),
// unused (u32), n (i64), sum_log_w (f64).
constexpr std::size_t kHeaderBytes = 32;
constexpr std::size_t kColumnsOffset = 6;

// solve() polls once per column, so no fit comes near this: it only turns
// runaway work into Cancelled.
constexpr long kPolls = 100000;

struct Fit {
    std::vector<double> coef, std_err, t_stat, p_value, cov;
    std::vector<char> aliased;
    ols::FitOutput out{};
    explicit Fit(int k) : coef(k), std_err(k), t_stat(k), p_value(k), cov(static_cast<std::size_t>(k) * k), aliased(k) {
        out.coef = coef.data();
        out.std_err = std_err.data();
        out.t_stat = t_stat.data();
        out.p_value = p_value.data();
        out.cov = cov.data();
        out.aliased = reinterpret_cast<bool*>(aliased.data());
    }
};

std::optional<ols::State> attach(const Buffer& buffer) {
    std::optional<ols::State> state;
    if (!fuzz::accepts([&] { state.emplace(ols::State::attach(buffer.data(), buffer.size())); })) return {};
    FUZZ_CHECK(state->columns() >= 1 && state->columns() <= ols::kMaxColumns);
    FUZZ_CHECK(ols::State::bytes(state->columns()) == buffer.size());
    FUZZ_CHECK(state->rows() >= 0);
    return state;
}

// ols_fit_final: NULL without rows, else the fit; the state stays as it was.
void final_function(const Buffer& buffer, const ols::State& state) {
    if (state.rows() == 0) return;
    const Buffer before(buffer);
    const int k = state.columns();
    Fit fit(k);
    if (fuzz::consume([&] { state.finish(fit.out, fuzz::budget(kPolls)); })) {
        FUZZ_CHECK(fit.out.rank >= 0 && fit.out.rank <= k);
        FUZZ_CHECK(fit.out.n == state.rows());
    }
    FUZZ_CHECK(buffer.same(before));
}

void run(const Buffer& input) {
    const std::optional<ols::State> state = attach(input);
    if (!state) return;
    const int k = state->columns();
    final_function(input, *state);

    // ols_fit_trans on a copy: two rows (one of weight 0, which changes nothing).
    {
        Buffer grown(input);
        std::vector<double> x(k);
        for (int j = 0; j < k; ++j) x[j] = j == 0 ? 1.0 : std::sin(1.0 + j);
        fuzz::consume([&] {
            ols::State copy = ols::State::attach(grown.data(), grown.size());
            copy.add(2.5, x.data(), 1.5);
            copy.add(-1.0, x.data(), 0.0);
        });
        FUZZ_CHECK(attach(grown).has_value());
    }

    // ols_fit_combine(copy, state), then the final function on the result.
    Buffer merged(input);
    fuzz::consume([&] { ols::State::attach(merged.data(), merged.size()).merge(*state); });
    const std::optional<ols::State> combined = attach(merged);
    FUZZ_CHECK(combined.has_value());
    final_function(merged, *combined);
}

// ---- seeds ----------------------------------------------------------------

std::vector<unsigned char> state_bytes(int k, int rows, int seed, bool weighted) {
    std::vector<double> memory(ols::State::bytes(k) / sizeof(double));
    ols::State state = ols::State::create(memory.data(), k);
    std::vector<double> x(k);
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < k; ++j) x[j] = j == 0 ? 1.0 : std::sin(seed + 0.7 * i * j) * (j + 1);
        const double y = 0.5 + 2 * x[k - 1] + std::cos(seed * i);
        state.add(y, x.data(), weighted ? (i % 4) * 0.5 : 1.0);
    }
    const auto* bytes = reinterpret_cast<const unsigned char*>(memory.data());
    return {bytes, bytes + ols::State::bytes(k)};
}

fuzz::Seeds seeds() {
    fuzz::Seeds out;
    out.push_back({"k1-empty", state_bytes(1, 0, 1, false)});
    out.push_back({"k1-buffered", state_bytes(1, 5, 2, false)});
    out.push_back({"k3-folded", state_bytes(3, 40, 3, false)});
    out.push_back({"k3-weighted", state_bytes(3, 23, 4, true)});
    out.push_back({"k2-one-row", state_bytes(2, 1, 5, false)});  // rank deficient
    out.push_back({"k8", state_bytes(8, 100, 6, false)});
    // Two states merged, as ols_fit_combine leaves them.
    std::vector<unsigned char> a = state_bytes(4, 30, 7, false), b = state_bytes(4, 9, 8, true);
    ols::State::attach(a.data(), a.size()).merge(ols::State::attach(b.data(), b.size()));
    out.push_back({"k4-merged", a});
    return out;
}

bool valid(const Buffer& input) { return attach(input).has_value(); }

// The size the header's column count needs.
bool repair(Buffer& input) {
    if (input.size() < kHeaderBytes) return false;
    const int k = input.read<std::uint16_t>(kColumnsOffset);
    if (k < 1 || k > ols::kMaxColumns || ols::State::bytes(k) > fuzz::kMaxInput) return false;
    input.resize(ols::State::bytes(k));
    return true;
}

}  // namespace

FUZZ_STATE_TARGET(seeds, valid, run, repair)
