#include "ols.hpp"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nist.hpp"

using eventml::core::Error;
using eventml::core::ErrorKind;
using eventml::core::StopCheck;
using eventml::core::ols::FitOutput;
using eventml::core::ols::State;

namespace {

// A state plus the output arrays of one fit.
struct Fitted {
    std::vector<double> coef, std_err, t_stat, p_value, cov;
    std::vector<char> aliased;
    FitOutput out{};
};

Fitted fit_state(const State& state) {
    const int k = state.columns();
    Fitted f;
    f.coef.resize(k); f.std_err.resize(k); f.t_stat.resize(k); f.p_value.resize(k);
    f.cov.resize(k * k);
    f.aliased.resize(k);
    f.out.coef = f.coef.data(); f.out.std_err = f.std_err.data(); f.out.t_stat = f.t_stat.data();
    f.out.p_value = f.p_value.data(); f.out.cov = f.cov.data();
    f.out.aliased = reinterpret_cast<bool*>(f.aliased.data());
    state.finish(f.out, StopCheck());
    return f;
}

class Model {
public:
    explicit Model(int k) : memory_((State::bytes(k) + 7) / 8), state_(State::create(memory_.data(), k)) {}
    void add(double y, const std::vector<double>& x, double w = 1) { state_.add(y, x.data(), w); }
    State& state() { return state_; }
    std::vector<double>& memory() { return memory_; }
    Fitted fit() const { return fit_state(state_); }

private:
    std::vector<double> memory_;
    State state_;
};

// Digits of agreement with a certified value; exact zeros measure |estimate|.
double lre(double estimate, double certified) {
    if (certified == 0) return -std::log10(std::fabs(estimate));
    if (estimate == certified) return 16;
    return -std::log10(std::fabs(estimate - certified) / std::fabs(certified));
}

// Builds x for a NIST row: [1] + columns, or powers of one x for polynomials.
std::vector<double> design(const std::vector<double>& row, bool intercept, int degree) {
    std::vector<double> x;
    if (intercept) x.push_back(1);
    if (degree > 0)
        for (int p = 1; p <= degree; ++p) x.push_back(std::pow(row[1], p));
    else
        x.insert(x.end(), row.begin() + 1, row.end());
    return x;
}

struct NistCase {
    const char* name;
    bool intercept;
    int degree;  // 0: the x columns as given
};

class Nist : public ::testing::TestWithParam<NistCase> {};

TEST_P(Nist, CertifiedValuesToNineDigits) {
    const NistCase& c = GetParam();
    const NistSet set = read_nist(std::string(EVENTML_TEST_DATA) + "/nist-strd/" + c.name + ".dat");
    ASSERT_FALSE(set.rows.empty());
    const int k = static_cast<int>(set.coef.size());
    Model model(k);
    for (const auto& row : set.rows) model.add(row[0], design(row, c.intercept, c.degree));
    const Fitted f = model.fit();
    for (int j = 0; j < k; ++j) {
        EXPECT_GE(lre(f.coef[j], set.coef[j]), 9.0) << "B" << j << " = " << f.coef[j];
        EXPECT_GE(lre(f.std_err[j], set.std_err[j]), 9.0) << "sd(B" << j << ") = " << f.std_err[j];
    }
    EXPECT_GE(lre(f.out.sigma, set.residual_sd), 9.0) << "residual sd = " << f.out.sigma;
    EXPECT_GE(lre(f.out.r2, set.r2), 9.0) << "R² = " << f.out.r2;
    EXPECT_EQ(f.out.centered, c.intercept);
}

INSTANTIATE_TEST_SUITE_P(StRD, Nist,
                         ::testing::Values(NistCase{"Norris", true, 0}, NistCase{"Pontius", true, 2},
                                           NistCase{"NoInt1", false, 0}, NistCase{"NoInt2", false, 0},
                                           NistCase{"Longley", true, 0}, NistCase{"Wampler1", true, 5},
                                           NistCase{"Wampler2", true, 5}),
                         [](const auto& info) { return std::string(info.param.name); });

// Deterministic pseudo-random rows: y = 2 + 3 x1 - x2 + 0.5 x3 + noise.
std::vector<std::pair<double, std::vector<double>>> sample_rows(int n) {
    std::mt19937_64 gen(42);
    std::normal_distribution<double> normal;
    std::vector<std::pair<double, std::vector<double>>> rows;
    for (int i = 0; i < n; ++i) {
        std::vector<double> x{1, normal(gen), normal(gen) * 10, normal(gen) + 5};
        rows.push_back({2 + 3 * x[1] - x[2] + 0.5 * x[3] + normal(gen), x});
    }
    return rows;
}

void expect_same_fit(const Fitted& a, const Fitted& b, double rel) {
    ASSERT_EQ(a.coef.size(), b.coef.size());
    for (size_t j = 0; j < a.coef.size(); ++j) {
        EXPECT_NEAR(a.coef[j], b.coef[j], rel * std::fabs(a.coef[j]));
        EXPECT_NEAR(a.std_err[j], b.std_err[j], rel * std::fabs(a.std_err[j]));
    }
    EXPECT_NEAR(a.out.r2, b.out.r2, rel);
    EXPECT_NEAR(a.out.log_likelihood, b.out.log_likelihood, rel * std::fabs(a.out.log_likelihood));
    EXPECT_EQ(a.out.n, b.out.n);
    EXPECT_EQ(a.out.centered, b.out.centered);
}

TEST(Ols, MergeOfSplitDataEqualsUnsplitFit) {
    const auto rows = sample_rows(3000);
    Model whole(4), part1(4), part2(4), part3(4), empty(4);
    for (size_t i = 0; i < rows.size(); ++i) {
        whole.add(rows[i].first, rows[i].second);
        Model& part = i < 100 ? part1 : (i < 2000 ? part2 : part3);
        part.add(rows[i].first, rows[i].second);
    }
    part2.state().merge(part3.state());
    part2.state().merge(empty.state());
    empty.state().merge(part1.state());
    empty.state().merge(part2.state());
    expect_same_fit(whole.fit(), empty.fit(), 1e-12);
}

TEST(Ols, StateIsItsOwnSerializedForm) {
    const auto rows = sample_rows(500);
    Model model(4);
    for (const auto& [y, x] : rows) model.add(y, x);
    std::vector<double> copy = model.memory();  // the bytes, moved elsewhere
    expect_same_fit(model.fit(), fit_state(State::attach(copy.data(), State::bytes(4))), 0);
}

TEST(Ols, CorruptStatesAreRejected) {
    Model model(3);
    model.add(1, {1, 2, 3});
    std::vector<double> bytes = model.memory();
    auto expect_corrupt = [](void* memory, size_t size) {
        try {
            State::attach(memory, size);
            FAIL() << "accepted a corrupt state";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::CorruptState);
        }
    };
    expect_corrupt(bytes.data(), State::bytes(3) - 8);  // truncated
    expect_corrupt(bytes.data(), 4);                    // shorter than a header
    std::vector<double> wrong = bytes;
    reinterpret_cast<unsigned char*>(wrong.data())[0] ^= 0xff;  // magic
    expect_corrupt(wrong.data(), State::bytes(3));
    wrong = bytes;
    reinterpret_cast<std::uint16_t*>(wrong.data())[3] = 2;  // k = 2 with the size of k = 3
    expect_corrupt(wrong.data(), State::bytes(3));
    wrong = bytes;
    reinterpret_cast<std::uint32_t*>(wrong.data())[2] = 16;  // more buffered rows than the buffer holds
    expect_corrupt(wrong.data(), State::bytes(3));
}

TEST(Ols, AliasedColumnIsReportedAndTheRestFitsAsWithout) {
    const auto rows = sample_rows(200);
    Model with(5), without(4);
    for (const auto& [y, x] : rows) {
        std::vector<double> doubled = x;
        doubled.insert(doubled.begin() + 2, 2 * x[1]);  // column 3 = 2 × column 2
        with.add(y, doubled);
        without.add(y, x);
    }
    const Fitted a = with.fit(), b = without.fit();
    EXPECT_EQ(a.out.rank, 4);
    EXPECT_FALSE(a.aliased[1]);
    EXPECT_TRUE(a.aliased[2]);
    EXPECT_TRUE(std::isnan(a.coef[2]));
    const int map[] = {0, 1, 3, 4};
    for (int c = 0; c < 4; ++c) {
        EXPECT_NEAR(a.coef[map[c]], b.coef[c], 1e-10 * std::fabs(b.coef[c]));
        EXPECT_NEAR(a.std_err[map[c]], b.std_err[c], 1e-10 * std::fabs(b.std_err[c]));
    }
    EXPECT_NEAR(a.out.r2, b.out.r2, 1e-12);
    EXPECT_EQ(a.out.df_resid, b.out.df_resid);
}

TEST(Ols, IntegerWeightsEqualRepeatedRows) {
    const auto rows = sample_rows(300);
    Model weighted(4), repeated(4);
    for (size_t i = 0; i < rows.size(); ++i) {
        const double w = static_cast<double>(i % 3);  // 0, 1 or 2 copies
        weighted.add(rows[i].first, rows[i].second, w);
        for (int c = 0; c < w; ++c) repeated.add(rows[i].first, rows[i].second);
    }
    const Fitted a = weighted.fit(), b = repeated.fit();
    for (int j = 0; j < 4; ++j) EXPECT_NEAR(a.coef[j], b.coef[j], 1e-11 * std::fabs(b.coef[j]));
    EXPECT_NEAR(a.out.r2, b.out.r2, 1e-12);
    EXPECT_EQ(a.out.n, 200);  // zero-weight rows are not counted
}

TEST(Ols, CenteredOnlyWithANonzeroConstantColumn) {
    Model with_constant(2), zero_constant(2), no_constant(1);
    for (int i = 0; i < 10; ++i) {
        with_constant.add(i * 0.5 + (i % 2), {3, double(i)});
        zero_constant.add(i * 0.5 + (i % 2), {0, double(i)});
        no_constant.add(i * 0.5 + (i % 2), {double(i)});
    }
    EXPECT_TRUE(with_constant.fit().out.centered);
    EXPECT_FALSE(zero_constant.fit().out.centered);
    EXPECT_FALSE(no_constant.fit().out.centered);
}

TEST(Ols, BadValuesAreRejectedWithTheValue) {
    Model model(2);
    auto expect_invalid = [&](double y, std::vector<double> x, double w, const std::string& text) {
        try {
            model.add(y, x, w);
            FAIL() << "accepted " << text;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::InvalidValue);
            EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
        }
    };
    expect_invalid(NAN, {1, 2}, 1, "y must be finite, got NaN");
    expect_invalid(1, {1, INFINITY}, 1, "x[2] must be finite, got Infinity");
    expect_invalid(1, {1, 2}, -0.5, "weight must be finite and non-negative, got -0.5");
    EXPECT_EQ(model.state().rows(), 0);
}

TEST(Ols, ColumnLimitIsEnforced) {
    std::vector<double> memory(8);
    EXPECT_THROW(State::create(memory.data(), 0), Error);
    EXPECT_THROW(State::bytes(eventml::core::ols::kMaxColumns + 1), Error);  // before any allocation
}

TEST(Ols, StopCheckCancelsTheFit) {
    Model model(2);
    model.add(1, {1, 2});
    model.add(2, {1, 3});
    Fitted f = model.fit();
    try {
        model.state().finish(f.out, StopCheck([] { return true; }));
        FAIL() << "did not stop";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Cancelled);
    }
}

}  // namespace
