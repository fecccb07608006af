#include "sessions.hpp"

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

using eventml::core::Error;
using eventml::core::StopCheck;
namespace sessions = eventml::core::sessions;

namespace {

constexpr std::int64_t kMinute = 60'000'000;

std::vector<std::int64_t> number(const std::vector<std::int64_t>& times, sessions::Rule rule) {
    sessions::Numberer numberer(rule);
    std::vector<std::int64_t> ids;
    for (std::int64_t t : times) ids.push_back(numberer.next(t));
    return ids;
}

TEST(Sessions, GapEqualToTheLimitStaysInTheSession) {
    const sessions::Rule rule{30 * kMinute, sessions::kNoMaxLength};
    EXPECT_EQ(number({0, 30 * kMinute, 60 * kMinute + 1, 60 * kMinute + 1, 200 * kMinute}, rule),
              (std::vector<std::int64_t>{1, 1, 2, 2, 3}));
}

TEST(Sessions, MaxLengthSplitsLongSessions) {
    // Events every 10 minutes; sessions may last at most 25 minutes.
    const sessions::Rule rule{30 * kMinute, 25 * kMinute};
    EXPECT_EQ(number({0, 10 * kMinute, 20 * kMinute, 30 * kMinute, 40 * kMinute, 50 * kMinute, 60 * kMinute}, rule),
              (std::vector<std::int64_t>{1, 1, 1, 2, 2, 2, 3}));
    // Exactly max_length after the start stays in.
    EXPECT_EQ(number({0, 25 * kMinute, 26 * kMinute}, rule), (std::vector<std::int64_t>{1, 1, 2}));
}

TEST(Sessions, OutOfOrderEventsAreAnError) {
    sessions::Numberer numberer({kMinute, sessions::kNoMaxLength});
    numberer.next(10);
    EXPECT_THROW(numberer.next(5), Error);
}

TEST(Sessions, SummaryOfUnorderedTimes) {
    std::vector<std::int64_t> times{100 * kMinute, 0, 5 * kMinute, 101 * kMinute, 300 * kMinute, 2 * kMinute};
    const sessions::Summary s =
        sessions::summarize(times.data(), static_cast<std::int64_t>(times.size()), {30 * kMinute, sessions::kNoMaxLength},
                            StopCheck());
    EXPECT_EQ(s.sessions, 3);  // {0, 2, 5}, {100, 101}, {300}
    EXPECT_EQ(s.events, 6);
    EXPECT_EQ(s.first_start, 0);
    EXPECT_EQ(s.first_duration, 5 * kMinute);
    EXPECT_EQ(s.last_end, 300 * kMinute);
    EXPECT_EQ(s.total_duration, 6 * kMinute);
    EXPECT_EQ(s.mean_duration, 2 * kMinute);
    EXPECT_EQ(s.max_duration, 5 * kMinute);
}

TEST(Sessions, RulesAndStatesAreChecked) {
    EXPECT_THROW(sessions::check_rule({-1, sessions::kNoMaxLength}), Error);
    EXPECT_THROW(sessions::check_rule({0, -5}), Error);
    std::vector<std::int64_t> blob(sizeof(sessions::TimesHeader) / 8 + 3);
    sessions::write_times_header(*reinterpret_cast<sessions::TimesHeader*>(blob.data()), {kMinute, 0}, 3);
    EXPECT_NO_THROW(sessions::check_times(blob.data(), blob.size() * 8));
    EXPECT_THROW(sessions::check_times(blob.data(), blob.size() * 8 - 8), Error);
    EXPECT_THROW(sessions::check_times(blob.data(), 4), Error);
    reinterpret_cast<sessions::TimesHeader*>(blob.data())->gap = -1;
    EXPECT_THROW(sessions::check_times(blob.data(), blob.size() * 8), Error);
}

}  // namespace
