#include "reports.hpp"

#include <string>

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

}  // namespace
