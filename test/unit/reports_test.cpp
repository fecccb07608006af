#include "reports.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "state_test.hpp"

namespace reports = eventml::core::reports;

namespace {

reports::EarliestValue earliest(std::initializer_list<std::pair<std::int64_t, std::string>> rows) {
    reports::EarliestValue state(reports::NoParams{});
    for (const auto& [ts, value] : rows) state.add(ts, value.data(), static_cast<std::int64_t>(value.size()));
    return state;
}

std::string value(const reports::EarliestValue& state) { return std::string(state.value(), state.length()); }

TEST(EarliestValue, TheEarliestRowWinsAndTiesKeepTheFirst) {
    EXPECT_EQ(value(earliest({{5, "web"}, {3, "ios"}, {9, "android"}})), "ios");
    EXPECT_EQ(value(earliest({{3, "web"}, {3, "ios"}})), "web");  // tie: the row seen first
    EXPECT_EQ(value(earliest({{3, "a longer value first"}, {1, ""}})), "");
}

TEST(EarliestValue, MergeKeepsTheEarlierAndThisStateOnTies) {
    reports::EarliestValue a = earliest({{5, "web"}});
    a.merge(earliest({{2, "ios"}}));
    EXPECT_EQ(value(a), "ios");
    reports::EarliestValue b = earliest({{2, "web"}});
    b.merge(earliest({{2, "ios"}}));
    EXPECT_EQ(value(b), "web");
    reports::EarliestValue empty = b.empty_copy();
    empty.merge(b);
    EXPECT_EQ(value(empty), "web");
}

TEST(EarliestValue, FlatFormIsChecked) {
    state_test::expect_flat_form_checked(earliest({{7, "android"}}));
    EXPECT_EQ(value(state_test::reread(earliest({{7, "android"}}))), "android");
    // A state that never saw a row is not a valid flat form (the aggregate never writes one).
    const reports::EarliestValue none(reports::NoParams{});
    EXPECT_EQ(state_test::error_kind([&] { state_test::reread(none); }), eventml::core::ErrorKind::CorruptState);
}

std::vector<std::int64_t> periods(reports::PeriodSet& state) {
    state.compact();
    return std::vector<std::int64_t>(state.data(), state.data() + state.size());
}

reports::PeriodSet period_set(std::initializer_list<std::int64_t> values) {
    reports::PeriodSet state(reports::NoParams{});
    for (std::int64_t v : values) state.add(v);
    return state;
}

TEST(PeriodSet, DistinctAndAscendingInAnyOrder) {
    reports::PeriodSet state = period_set({5, 5, -3, 9, 5, -3, 0, 9, 9});
    EXPECT_EQ(periods(state), (std::vector<std::int64_t>{-3, 0, 5, 9}));
    reports::PeriodSet none(reports::NoParams{});
    EXPECT_TRUE(periods(none).empty());
}

TEST(PeriodSet, StaysWithinTwiceItsDistinctValues) {
    // 100,000 rows over 10 periods, interleaved so that no row repeats the last.
    reports::PeriodSet state(reports::NoParams{});
    for (int i = 0; i < 100000; ++i) state.add(i % 10);
    EXPECT_LE(state.size(), 64);
    EXPECT_EQ(periods(state), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(PeriodSet, MergeIsTheUnion) {
    reports::PeriodSet a = period_set({1, 4, 7});
    a.merge(period_set({7, 2, 1}));
    EXPECT_EQ(periods(a), (std::vector<std::int64_t>{1, 2, 4, 7}));
    reports::PeriodSet empty = a.empty_copy();
    empty.merge(a);
    EXPECT_EQ(periods(empty), (std::vector<std::int64_t>{1, 2, 4, 7}));
}

TEST(PeriodSet, FlatFormIsChecked) {
    state_test::expect_flat_form_checked(period_set({3, 1, 2}));
    reports::PeriodSet again = state_test::reread(period_set({3, 1, 2, 3}));
    EXPECT_EQ(periods(again), (std::vector<std::int64_t>{1, 2, 3}));
}

}  // namespace
