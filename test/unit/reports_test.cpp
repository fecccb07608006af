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

constexpr std::int64_t kMicrosPerDay = 86400LL * 1000000;
constexpr std::int64_t kPostgresEpochDay = 10957;  // 2000-01-01, in days since 1970-01-01
// Microseconds since 2000-01-01 UTC of `seconds` into day `day` since 1970.
std::int64_t micros(std::int64_t day, double seconds = 0) {
    return (day - kPostgresEpochDay) * kMicrosPerDay + static_cast<std::int64_t>(seconds * 1e6);
}

TEST(Periods, NamesParse) {
    EXPECT_EQ(reports::parse_period("hour", 4), reports::Period::Hour);
    EXPECT_EQ(reports::parse_period("month", 5), reports::Period::Month);
    EXPECT_EQ(state_test::error_kind([] { reports::parse_period("weeks", 5); }), eventml::core::ErrorKind::InvalidValue);
    EXPECT_EQ(state_test::error_kind([] { reports::parse_period("wee", 3); }), eventml::core::ErrorKind::InvalidValue);
}

TEST(Periods, IndexesOfKnownTimes) {
    using reports::Period;
    const std::int64_t monday = 20458;  // 2026-01-05, a Monday: 56 years of 365 days and 14 leap days after 1970, + 4
    EXPECT_EQ(reports::period_index(Period::Day, micros(monday), 0), monday);
    EXPECT_EQ(reports::period_index(Period::Week, micros(monday), 0), 2922);  // (20458 - 4) / 7
    EXPECT_EQ(reports::period_index(Period::Week, micros(monday) - 1, 0), 2921);
    EXPECT_EQ(reports::period_index(Period::Month, micros(monday), 0), 2026 * 12);
    EXPECT_EQ(reports::period_index(Period::Hour, micros(monday), 0), monday * 24);
    // Sunday 23:30 UTC is Monday 00:30 in Berlin (+1 h) and still Sunday in New York (-5 h).
    const std::int64_t late_sunday = micros(monday) - 1800LL * 1000000;
    EXPECT_EQ(reports::period_index(Period::Day, late_sunday, 3600), monday);
    EXPECT_EQ(reports::period_index(Period::Week, late_sunday, 3600), 2922);
    EXPECT_EQ(reports::period_index(Period::Week, late_sunday, -5 * 3600), 2921);
    // India (+5:30): local hours start at :30 UTC.
    EXPECT_EQ(reports::period_index(Period::Hour, micros(monday, 29 * 60 + 59), 19800), monday * 24);
    EXPECT_EQ(reports::period_index(Period::Hour, micros(monday, 30 * 60), 19800), monday * 24 + 1);
    // Half a second before 1970 floors to the periods before it.
    const std::int64_t before_1970 = micros(0) - 500000;
    EXPECT_EQ(reports::period_index(Period::Hour, before_1970, 0), -1);
    EXPECT_EQ(reports::period_index(Period::Day, before_1970, 0), -1);
    EXPECT_EQ(reports::period_index(Period::Week, before_1970, 0), -1);  // Monday 1969-12-29
    EXPECT_EQ(reports::period_index(Period::Month, before_1970, 0), 1969 * 12 + 11);
}

// Walking the calendar one day at a time with its own month lengths and
// leap rule, from 0000-03-01 (day -719468) to 4000-01-01: the month index
// is year * 12 + month - 1 on every day.
TEST(Periods, MonthsFollowTheGregorianCalendar) {
    const auto leap = [](std::int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); };
    const int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    std::int64_t year = 0, month = 3, day_of_month = 1;
    int wrong = 0;
    for (std::int64_t day = -719468; year < 4000; ++day) {
        if (reports::period_index(reports::Period::Month, micros(day, 43200), 0) != year * 12 + month - 1) ++wrong;
        const int length = lengths[month - 1] + (month == 2 && leap(year) ? 1 : 0);
        if (++day_of_month > length) {
            day_of_month = 1;
            if (++month > 12) month = 1, ++year;
        }
    }
    EXPECT_EQ(wrong, 0);
}

// A zone at +1 h, at +2 h from t = 1000 to 5000, and at +1 h again after.
TEST(ZoneOffsets, SpansAnswerWithoutLookingUpAgain) {
    int lookups = 0;
    const auto find = [&](std::int64_t t) {
        ++lookups;
        if (t < 1000) return reports::ZoneOffsets::Span{t, 1000, 3600};
        if (t < 5000) return reports::ZoneOffsets::Span{t, 5000, 7200};
        return reports::ZoneOffsets::Span{t, INT64_MAX, 3600};
    };
    reports::ZoneOffsets offsets;
    int wrong = 0;
    std::uint64_t x = 12345;
    for (int i = 0; i < 100000; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const std::int64_t t = static_cast<std::int64_t>(x >> 33) % 8000 - 1000;
        if (offsets.at(t, find) != (t >= 1000 && t < 5000 ? 7200 : 3600)) ++wrong;
    }
    EXPECT_EQ(wrong, 0);
    // Random times lower a span's start now and then: a few dozen lookups, not one per row.
    EXPECT_LT(lookups, 100);
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

// Cohort 10: entities returning in {10, 11}, {12}, {} and an entity without
// a cohort; cohort 12: one entity returning in {11, 13}. Observed to 12.
reports::RetentionCounts retention(bool cumulative) {
    reports::RetentionCounts counts(reports::RetentionParams{3, static_cast<std::uint8_t>(cumulative)});
    const std::int64_t a[] = {10, 11}, b[] = {12}, c[] = {11, 13};
    counts.add(true, 12, c, 2);
    counts.add(true, 10, a, 2);
    counts.add(true, 10, b, 1);
    counts.add(true, 10, nullptr, 0);
    counts.add(false, 0, a, 2);
    counts.see(11);
    counts.see(12);
    return counts;
}

std::vector<std::vector<std::int64_t>> cells(const reports::RetentionCounts& counts) {
    std::vector<std::vector<std::int64_t>> out;
    for (std::int64_t i = 0; i < counts.cells(); ++i) {
        const auto cell = counts.cell(i);
        out.push_back({cell.cohort, cell.cohort_entities, cell.k, cell.observed ? cell.entities : -1});
    }
    return out;
}

TEST(RetentionCounts, CohortsByPeriodNumber) {
    const std::vector<std::vector<std::int64_t>> expected = {
        {10, 3, 0, 1}, {10, 3, 1, 1}, {10, 3, 2, 1}, {12, 1, 0, 0}, {12, 1, 1, -1}, {12, 1, 2, -1}};
    EXPECT_EQ(cells(retention(false)), expected);
    // Cumulative: a return in k or later (the {12} entity counts for k = 0, 1, 2).
    const std::vector<std::vector<std::int64_t>> cumulative = {
        {10, 3, 0, 2}, {10, 3, 1, 2}, {10, 3, 2, 1}, {12, 1, 0, 1}, {12, 1, 1, -1}, {12, 1, 2, -1}};
    EXPECT_EQ(cells(retention(true)), cumulative);
}

TEST(RetentionCounts, MergeAddsAndChecksParameters) {
    reports::RetentionCounts a = retention(false);
    reports::RetentionCounts b = a.empty_copy();
    b.merge(a);
    b.merge(a);
    const auto twice = cells(b);
    EXPECT_EQ(twice[0], (std::vector<std::int64_t>{10, 6, 0, 2}));
    EXPECT_EQ(twice[3], (std::vector<std::int64_t>{12, 2, 0, 0}));
    reports::RetentionCounts other = retention(true);
    EXPECT_EQ(state_test::error_kind([&] { other.merge(a); }), eventml::core::ErrorKind::InvalidValue);
    const std::int64_t unsorted[] = {3, 2};
    EXPECT_EQ(state_test::error_kind([&] { a.add(true, 1, unsorted, 2); }), eventml::core::ErrorKind::InvalidValue);
    EXPECT_EQ(state_test::error_kind([] { reports::RetentionCounts(reports::RetentionParams{0, 0}); }),
              eventml::core::ErrorKind::InvalidValue);
}

TEST(RetentionCounts, FlatFormIsChecked) {
    state_test::expect_flat_form_checked(retention(true));
    EXPECT_EQ(cells(state_test::reread(retention(false))), cells(retention(false)));
}

// Entities active in {1, 2, 4}, {2, 3} and {4}.
reports::LifecycleCounts lifecycle() {
    reports::LifecycleCounts counts(reports::NoParams{});
    const std::int64_t a[] = {1, 2, 4}, b[] = {2, 3}, c[] = {4};
    counts.add(a, 3);
    counts.add(b, 2);
    counts.add(c, 1);
    return counts;
}

std::vector<std::vector<std::int64_t>> statuses(const reports::LifecycleCounts& counts) {
    std::vector<std::vector<std::int64_t>> out;
    for (std::int64_t p = counts.first(); p <= counts.last(); ++p) {
        std::vector<std::int64_t> row{p};
        for (int s = 0; s < reports::LifecycleCounts::kStatuses; ++s)
            row.push_back(counts.count(p, static_cast<reports::LifecycleCounts::Status>(s)));
        out.push_back(row);
    }
    return out;
}

TEST(LifecycleCounts, PostHogStatuses) {
    // period: new, returning, resurrecting, dormant
    const std::vector<std::vector<std::int64_t>> expected = {
        {1, 1, 0, 0, 0}, {2, 1, 1, 0, 0}, {3, 0, 1, 0, 1}, {4, 1, 0, 1, 1}};
    reports::LifecycleCounts counts = lifecycle();
    EXPECT_EQ(statuses(counts), expected);
    counts.see(5);  // observed to 5: everyone active in 4 is dormant in 5
    EXPECT_EQ(statuses(counts).back(), (std::vector<std::int64_t>{5, 0, 0, 0, 2}));
    counts.see(3);  // an earlier observed period changes nothing
    EXPECT_EQ(counts.last(), 5);
}

TEST(LifecycleCounts, MergeAddsOverTheUnionOfPeriods) {
    reports::LifecycleCounts early(reports::NoParams{});
    const std::int64_t before[] = {-2};
    early.add(before, 1);
    early.merge(lifecycle());
    const auto rows = statuses(early);
    EXPECT_EQ(early.first(), -2);
    EXPECT_EQ(rows.front(), (std::vector<std::int64_t>{-2, 1, 0, 0, 0}));
    EXPECT_EQ(rows[1], (std::vector<std::int64_t>{-1, 0, 0, 0, 1}));
    EXPECT_EQ(rows.back(), (std::vector<std::int64_t>{4, 1, 0, 1, 1}));
    reports::LifecycleCounts empty = early.empty_copy();
    empty.merge(early);
    EXPECT_EQ(statuses(empty), rows);
    const std::int64_t repeated[] = {2, 2};
    EXPECT_EQ(state_test::error_kind([&] { early.add(repeated, 2); }), eventml::core::ErrorKind::InvalidValue);
}

TEST(LifecycleCounts, FlatFormIsChecked) {
    state_test::expect_flat_form_checked(lifecycle());
    EXPECT_EQ(statuses(state_test::reread(lifecycle())), statuses(lifecycle()));
}

}  // namespace
