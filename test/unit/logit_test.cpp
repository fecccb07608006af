#include "logit.hpp"

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "state_test.hpp"

using eventml::core::Error;
using eventml::core::ErrorKind;
using eventml::core::StopCheck;
namespace logit = eventml::core::logit;

namespace {

// Rows (y, w, x...) of a logistic model with k = 3 (intercept, two regressors).
std::vector<double> sample_rows(int n, bool separable = false) {
    std::mt19937_64 gen(7);
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> uniform;
    std::vector<double> rows;
    for (int i = 0; i < n; ++i) {
        const double x1 = normal(gen), x2 = uniform(gen) * 4;
        const double p = 1 / (1 + std::exp(-(-0.5 + 1.2 * x1 - 0.4 * x2)));
        const bool y = separable ? x1 > 0 : uniform(gen) < p;
        rows.insert(rows.end(), {y ? 1.0 : 0.0, 1.0 + (i % 3 == 0), 1.0, x1, x2});
    }
    return rows;
}

struct Model {
    std::vector<double> coef, std_err, z, p, odds, cov;
    std::vector<char> aliased;
    logit::FitOutput out{};
    explicit Model(int k) : coef(k), std_err(k), z(k), p(k), odds(k), cov(k * k), aliased(k) {
        out.coef = coef.data(); out.std_err = std_err.data(); out.z_stat = z.data(); out.p_value = p.data();
        out.odds_ratio = odds.data(); out.cov = cov.data(); out.aliased = reinterpret_cast<bool*>(aliased.data());
    }
};

// logit_fit's state over rows (y, w, x...) of k regressors.
logit::RowsState rows_state(const std::vector<double>& rows, int k = 3, logit::Options options = {},
                            std::int64_t memory_limit_kb = 1 << 20) {
    logit::RowsState state(logit::RowsParams{k, options, memory_limit_kb});
    for (std::size_t i = 0; i < rows.size(); i += k + 2) state.add(rows[i] != 0, &rows[i + 2], k, rows[i + 1]);
    return state;
}

Model fit(const std::vector<double>& rows, int k = 3, logit::Options options = {}) {
    Model m(k);
    rows_state(rows, k, options).finish(m.out, StopCheck());
    return m;
}

// Runs the multi-pass form with every pass split in two merged halves, the
// progress moved through byte copies as logit_train moves it through SQL.
Model fit_in_passes(const std::vector<double>& rows, int k = 3) {
    const std::int64_t n = static_cast<std::int64_t>(rows.size()) / (k + 2);
    std::vector<double> progress(logit::Progress::bytes(0) / 8);
    logit::Progress::create(progress.data(), logit::Options{});
    for (;;) {
        logit::Progress at = logit::Progress::attach(progress.data(), progress.size() * 8);
        if (at.done()) break;
        std::vector<double> a(logit::Step::bytes(k) / 8), b(logit::Step::bytes(k) / 8);
        logit::Step first = logit::Step::create(a.data(), k), second = logit::Step::create(b.data(), k);
        for (std::int64_t i = 0; i < n; ++i) {
            const double* row = &rows[i * (k + 2)];
            (i < n / 3 ? first : second).add(row[0] != 0, row + 2, row[1], at);
        }
        std::vector<double> copy = b;  // a pass crosses processes as bytes
        first.merge(logit::Step::attach(copy.data(), copy.size() * 8));
        std::vector<double> next(logit::Progress::bytes_after(first) / 8);
        at.update(first, next.data(), StopCheck());
        progress = next;
    }
    Model m(k);
    logit::Progress::attach(progress.data(), progress.size() * 8).model(m.out, StopCheck());
    return m;
}

TEST(Logit, SplitPassesEqualTheInMemoryFit) {
    const std::vector<double> rows = sample_rows(2000);
    const Model whole = fit(rows), parts = fit_in_passes(rows);
    ASSERT_TRUE(whole.out.converged);
    EXPECT_EQ(whole.out.iterations, parts.out.iterations);
    for (int j = 0; j < 3; ++j) {
        EXPECT_NEAR(whole.coef[j], parts.coef[j], 1e-10 * std::fabs(whole.coef[j]));
        EXPECT_NEAR(whole.std_err[j], parts.std_err[j], 1e-10 * whole.std_err[j]);
    }
    EXPECT_NEAR(whole.out.deviance, parts.out.deviance, 1e-10 * whole.out.deviance);
    EXPECT_EQ(whole.out.n, 2000);
}

TEST(Logit, IntegerWeightsEqualRepeatedRows) {
    const std::vector<double> rows = sample_rows(600);
    std::vector<double> repeated;
    for (size_t i = 0; i < rows.size(); i += 5)
        for (int c = 0; c < rows[i + 1]; ++c) repeated.insert(repeated.end(), {rows[i], 1.0, rows[i + 2], rows[i + 3], rows[i + 4]});
    // Their starting values differ (R's mustart uses w), so converge both fully.
    const logit::Options tight{50, 1e-15};
    const Model a = fit(rows, 3, tight), b = fit(repeated, 3, tight);
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(a.coef[j], b.coef[j], 1e-9 * std::fabs(b.coef[j]));
    EXPECT_NEAR(a.out.log_likelihood, b.out.log_likelihood, 1e-9 * std::fabs(b.out.log_likelihood));
}

TEST(Logit, SeparationIsReportedAsNotConverged) {
    const Model m = fit(sample_rows(200, true));
    EXPECT_TRUE(m.out.separation);
    EXPECT_FALSE(m.out.converged);
}

TEST(Logit, ConstantOutcomeIsReportedAsNotConverged) {
    std::vector<double> rows = sample_rows(100);
    for (size_t i = 0; i < rows.size(); i += 5) rows[i] = 1;
    const Model m = fit(rows);
    EXPECT_TRUE(m.out.constant_y);
    EXPECT_FALSE(m.out.converged);
}

TEST(Logit, CollinearColumnIsAliased) {
    std::vector<double> rows;
    const std::vector<double> base = sample_rows(300);
    for (size_t i = 0; i < base.size(); i += 5)
        rows.insert(rows.end(), {base[i], base[i + 1], base[i + 2], base[i + 3], base[i + 4], 3 * base[i + 3]});
    const Model m = fit(rows, 4), without = fit(base);
    EXPECT_EQ(m.out.rank, 3);
    EXPECT_TRUE(m.aliased[3]);
    EXPECT_NEAR(m.coef[1], without.coef[1], 1e-9 * std::fabs(without.coef[1]));
}

TEST(Logit, CorruptPiecesAreRejected) {
    std::vector<double> step(logit::Step::bytes(3) / 8);
    logit::Step::create(step.data(), 3);
    EXPECT_THROW(logit::Step::attach(step.data(), step.size() * 8 - 8), Error);
    std::vector<double> progress(logit::Progress::bytes(0) / 8);
    logit::Progress::create(progress.data(), logit::Options{});
    EXPECT_THROW(logit::Progress::attach(progress.data(), progress.size() * 8 + 8), Error);
    reinterpret_cast<unsigned char*>(progress.data())[0] ^= 1;
    EXPECT_THROW(logit::Progress::attach(progress.data(), progress.size() * 8), Error);

    state_test::expect_flat_form_checked(rows_state(sample_rows(2)));
    auto bytes = state_test::flat(rows_state(sample_rows(2)));
    const std::int32_t k = 4;  // the rows no longer divide into rows of k + 2
    std::memcpy(bytes.data() + 4, &k, sizeof k);
    EXPECT_EQ(state_test::error_kind([&] { logit::RowsState::read(bytes.data(), bytes.size()); }),
              ErrorKind::CorruptState);
    // The fixed fields (RowsState::layout): magic 4, k 4, max_iter 4, tolerance 8, memory limit 8,
    // then the count 8 of the doubles of the rows (k + 2 a row).
    constexpr std::size_t kK = 4, kMaxIter = 8, kTolerance = 12, kLimit = 20, kCount = 28;
    const logit::RowsState state = rows_state(sample_rows(2));
    EXPECT_EQ(state_test::read_with(state, kMaxIter, std::int32_t{5}), state_test::kAccepted);  // the offsets are right
    EXPECT_EQ(state_test::read_with(state, kLimit, std::int64_t{64}), state_test::kAccepted);
    EXPECT_EQ(state_test::read_with(state, kK, std::int32_t{0}), ErrorKind::CorruptState);
    EXPECT_EQ(state_test::read_with(state, kK, std::int32_t{eventml::core::ols::kMaxColumns + 1}),
              ErrorKind::CorruptState);
    EXPECT_EQ(state_test::read_with(state, kMaxIter, std::int32_t{0}), ErrorKind::CorruptState);
    EXPECT_EQ(state_test::read_with(state, kMaxIter, std::int32_t{logit::kMaxIterations + 1}),
              ErrorKind::CorruptState);
    for (double tolerance : {0.0, 1.0, -1e-8, double(NAN)})
        EXPECT_EQ(state_test::read_with(state, kTolerance, tolerance), ErrorKind::CorruptState) << tolerance;
    EXPECT_EQ(state_test::read_with(state, kLimit, std::int64_t{-1}), ErrorKind::CorruptState);
    state_test::expect_count_checked(state, kCount);
    state_test::expect_count_checked(rows_state({}), kCount);
    // Each kept row (y, w, x...) after the count: a y other than 0 or 1, a weight that add()
    // would not keep, a non-finite x.
    constexpr std::size_t kY = kCount + 8, kWeight = kY + 8, kX = kWeight + 8;
    EXPECT_EQ(state_test::read_with(state, kY, 1.0), state_test::kAccepted);
    EXPECT_EQ(state_test::read_with(state, kWeight, 2.5), state_test::kAccepted);
    for (double y : {0.5, -1.0, 2.0, double(NAN)})
        EXPECT_EQ(state_test::read_with(state, kY, y), ErrorKind::CorruptState) << y;
    for (double w : {0.0, -1.0, double(INFINITY), double(NAN)})
        EXPECT_EQ(state_test::read_with(state, kWeight, w), ErrorKind::CorruptState) << w;
    for (double x : {double(INFINITY), double(NAN)})
        EXPECT_EQ(state_test::read_with(state, kX + 8, x), ErrorKind::CorruptState) << x;
}

TEST(Logit, KeptRowsMergeAndRespectTheMemoryLimit) {
    const std::vector<double> rows = sample_rows(300);
    const Model whole = fit(rows);
    for (std::size_t cut : {std::size_t{0}, std::size_t{5 * 100}, rows.size()}) {
        logit::RowsState merged = rows_state({}).empty_copy();
        merged.merge(rows_state({rows.begin(), rows.begin() + cut}));
        merged.merge(state_test::reread(rows_state({rows.begin() + cut, rows.end()})));
        Model m(3);
        merged.finish(m.out, StopCheck());
        for (int j = 0; j < 3; ++j) EXPECT_EQ(m.coef[j], whole.coef[j]) << cut;
    }
    EXPECT_EQ(state_test::error_kind([&] { rows_state(rows).merge(rows_state({}, 4)); }), ErrorKind::ArrayShape);
    // 64 kB holds 1638 rows of 3 regressors (40 bytes each); a weight-0 row is not kept.
    logit::RowsState limited = rows_state({}, 3, {}, 64);
    const double x[] = {1, 2, 3};
    limited.add(true, x, 3, 0);
    EXPECT_EQ(limited.size(), 0);
    std::int64_t added = 0;
    try {
        for (; added < 2000; ++added) limited.add(added % 2 == 0, x, 3, 1);
        ADD_FAILURE() << "no limit";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::LimitExceeded);
        EXPECT_NE(e.hint(), nullptr);
    }
    EXPECT_EQ(added, 1638);
    EXPECT_EQ(state_test::error_kind([&] { limited.add(true, x, 2, 1); }), ErrorKind::ArrayShape);
    const double bad[] = {1, NAN, 3};
    EXPECT_EQ(state_test::error_kind([&] { rows_state({}).add(true, bad, 3, 1); }), ErrorKind::InvalidValue);
    // A state read back may carry any limit: one far past what an int64 of rows
    // can count still grows as usual (found by the fuzzer; UBSan checks the cast).
    logit::RowsState unlimited = rows_state({}, 3, {}, INT64_MAX);
    for (int i = 0; i < 20; ++i) unlimited.add(i % 2 == 0, x, 3, 1);
    EXPECT_EQ(unlimited.size(), 20);
}

TEST(Logit, OptionsAreChecked) {
    EXPECT_THROW(logit::check_options(logit::Options{0, 1e-8}), Error);
    EXPECT_THROW(logit::check_options(logit::Options{25, 0}), Error);
    EXPECT_THROW(logit::check_options(logit::Options{25, NAN}), Error);
}

TEST(Logit, StopCheckCancelsTheFit) {
    const std::vector<double> rows = sample_rows(100);
    Model m(3);
    try {
        rows_state(rows).finish(m.out, StopCheck([] { return true; }));
        FAIL() << "did not stop";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Cancelled);
    }
}

}  // namespace
