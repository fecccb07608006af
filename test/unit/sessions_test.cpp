#include "sessions.hpp"

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "state_test.hpp"

using eventml::core::Error;
using eventml::core::ErrorKind;
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

sessions::TimesState state_of(const std::vector<std::int64_t>& times, sessions::Rule rule) {
    sessions::TimesState state(rule);
    for (std::int64_t t : times) state.add(t);
    return state;
}

const std::vector<std::int64_t> kTimes{100 * kMinute, 0, 5 * kMinute, 101 * kMinute, 300 * kMinute, 2 * kMinute};
const sessions::Rule kRule{30 * kMinute, sessions::kNoMaxLength};

TEST(Sessions, SummaryOfUnorderedTimes) {
    const sessions::Summary s = state_of(kTimes, kRule).finish(StopCheck());
    EXPECT_EQ(s.sessions, 3);  // {0, 2, 5}, {100, 101}, {300}
    EXPECT_EQ(s.events, 6);
    EXPECT_EQ(s.first_start, 0);
    EXPECT_EQ(s.first_duration, 5 * kMinute);
    EXPECT_EQ(s.last_end, 300 * kMinute);
    EXPECT_EQ(s.total_duration, 6 * kMinute);
    EXPECT_EQ(s.mean_duration, 2 * kMinute);
    EXPECT_EQ(s.max_duration, 5 * kMinute);
    EXPECT_EQ(s.bounces, 1);  // {300}
    const sessions::Summary one = state_of({7}, kRule).finish(StopCheck());
    EXPECT_EQ(one.bounces, 1);
    // Two events at the same time are one session of two events, not a bounce.
    EXPECT_EQ(state_of({7, 7}, kRule).finish(StopCheck()).bounces, 0);
}

bool same(const sessions::Summary& a, const sessions::Summary& b) {
    return a.sessions == b.sessions && a.events == b.events && a.first_start == b.first_start &&
           a.first_duration == b.first_duration && a.last_end == b.last_end && a.total_duration == b.total_duration &&
           a.mean_duration == b.mean_duration && a.max_duration == b.max_duration && a.bounces == b.bounces;
}

TEST(Sessions, MergedPartsSummarizeAsTheWhole) {
    const sessions::Summary whole = state_of(kTimes, kRule).finish(StopCheck());
    for (std::size_t cut = 0; cut <= kTimes.size(); ++cut) {
        sessions::TimesState left = state_of({kTimes.begin(), kTimes.begin() + cut}, kRule);
        sessions::TimesState merged = left.empty_copy();
        merged.merge(left);
        merged.merge(state_of({kTimes.begin() + cut, kTimes.end()}, kRule));
        EXPECT_TRUE(same(merged.finish(StopCheck()), whole)) << cut;
    }
    sessions::TimesState other(sessions::Rule{kMinute, sessions::kNoMaxLength});
    EXPECT_EQ(state_test::error_kind([&] { state_of(kTimes, kRule).merge(other); }), ErrorKind::InvalidValue);
}

TEST(Sessions, RulesAndStatesAreChecked) {
    EXPECT_THROW(sessions::check_rule({-1, sessions::kNoMaxLength}), Error);
    EXPECT_THROW(sessions::check_rule({0, -5}), Error);
    EXPECT_THROW(sessions::TimesState({0, -5}), Error);
    const sessions::TimesState state = state_of({kMinute, 0, 3 * kMinute}, {kMinute, 0});
    state_test::expect_flat_form_checked(state);
    EXPECT_TRUE(same(state_test::reread(state).finish(StopCheck()), state_of({kMinute, 0, 3 * kMinute}, {kMinute, 0}).finish(StopCheck())));
    // A form of no times (sessionize never ships one) and a negative gap.
    EXPECT_EQ(state_test::error_kind([] {
                  const auto bytes = state_test::flat(sessions::TimesState(kRule));
                  sessions::TimesState::read(bytes.data(), bytes.size());
              }),
              ErrorKind::CorruptState);
    auto bytes = state_test::flat(state);
    const std::int64_t negative = -1;
    std::memcpy(bytes.data() + 4, &negative, sizeof negative);  // the gap, after the magic
    EXPECT_EQ(state_test::error_kind([&] { sessions::TimesState::read(bytes.data(), bytes.size()); }),
              ErrorKind::CorruptState);
    // The fixed fields (TimesState::layout): magic 4, gap 8, max_length 8, then the times' count 8.
    constexpr std::size_t kGap = 4, kMaxLength = 12, kCount = 20;
    EXPECT_EQ(state_test::read_with(state, kGap, std::int64_t{5}), state_test::kAccepted);  // the offsets are right
    EXPECT_EQ(state_test::read_with(state, kMaxLength, sessions::kNoMaxLength), state_test::kAccepted);
    EXPECT_EQ(state_test::read_with(state, kMaxLength, std::int64_t{-2}), ErrorKind::CorruptState);
    state_test::expect_count_checked(state, kCount);
}

}  // namespace

// The sessions report's state, on a hand-worked entity: 10:00 b, 10:00 a,
// 10:20 c, 10:20 d (one session: ties keep the order of arrival), a NULL at
// 12:00 and e and a NULL at 12:10 (the second session), arriving shuffled
// and in two partial states.
TEST(Sessions, SessionListSplitsNamedEvents) {
    const sessions::Rule rule{30 * kMinute, sessions::kNoMaxLength};
    sessions::SessionListState first(rule), second(rule);
    first.add(130 * kMinute, "e", 1);
    first.add(0, "b", 1);
    first.add(20 * kMinute, "c", 1);
    second.add(0, "a", 1);
    second.add(130 * kMinute, nullptr, 0);
    second.add(120 * kMinute, nullptr, 0);
    second.add(20 * kMinute, "d", 1);
    sessions::SessionListState merged = first.empty_copy();
    merged.merge(first);
    merged.merge(state_test::reread(second));
    ASSERT_EQ(merged.size(), 7);
    std::vector<sessions::Session> list(7);
    ASSERT_EQ(merged.split(list.data(), StopCheck()), 2);
    const auto name = [](const sessions::Session::Name& n) { return n.name == nullptr ? std::string("NULL") : std::string(n.name, n.length); };
    EXPECT_EQ(list[0].start, 0);
    EXPECT_EQ(list[0].end, 20 * kMinute);
    EXPECT_EQ(list[0].events, 4);
    EXPECT_EQ(name(list[0].first), "b");
    EXPECT_EQ(name(list[0].last), "d");
    EXPECT_EQ(list[1].start, 120 * kMinute);
    EXPECT_EQ(list[1].end, 130 * kMinute);
    EXPECT_EQ(list[1].events, 3);
    EXPECT_EQ(name(list[1].first), "NULL");
    EXPECT_EQ(name(list[1].last), "NULL");
    // With a maximum length of 15 minutes the first session splits at 10:20.
    sessions::SessionListState capped({30 * kMinute, 15 * kMinute});
    for (std::int64_t t : {std::int64_t{0}, 20 * kMinute}) capped.add(t, "x", 1);
    EXPECT_EQ(capped.split(list.data(), StopCheck()), 2);
    EXPECT_EQ(state_test::error_kind([&] { merged.merge(capped); }), ErrorKind::InvalidValue);
    EXPECT_THROW(sessions::SessionListState({-1, sessions::kNoMaxLength}), Error);
    state_test::expect_flat_form_checked(merged);
    // A name past the stored names: the offset of the first event, after the
    // magic 4, gap 8, max_length 8 and the events' count 8, and its time 8.
    EXPECT_EQ(state_test::read_with(merged, 36, std::uint32_t{1000}), ErrorKind::CorruptState);
    EXPECT_EQ(state_test::read_with(merged, 36, std::uint32_t{0}), state_test::kAccepted);
}
