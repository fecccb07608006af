#include "funnel.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "state_test.hpp"

using eventml::core::Error;
using eventml::core::ErrorKind;
namespace funnel = eventml::core::funnel;

namespace {

// Rows of (time, step flags), added to a funnel state as funnel() adds them.
struct Row {
    std::int64_t time;
    std::vector<bool> holds;
};

int steps_of(const std::vector<Row>& rows) { return rows.empty() ? 1 : static_cast<int>(rows[0].holds.size()); }

void add_rows(funnel::FunnelState& state, const std::vector<Row>& rows, std::size_t from, std::size_t to) {
    for (std::size_t r = from; r < to; ++r) {
        bool holds[funnel::kMaxSteps];
        for (std::size_t i = 0; i < rows[r].holds.size(); ++i) holds[i] = rows[r].holds[i];
        state.add(rows[r].time, holds, static_cast<int>(rows[r].holds.size()));
    }
}

funnel::FunnelState state_of(const std::vector<Row>& rows, std::int64_t window, unsigned modes = 0) {
    funnel::FunnelState state(funnel::Params{window, modes, steps_of(rows)});
    add_rows(state, rows, 0, rows.size());
    return state;
}

funnel::Chain run(const std::vector<Row>& rows, std::int64_t window, unsigned modes = 0) {
    return state_of(rows, window, modes).finish(eventml::core::StopCheck());
}

// Letters at times start, start+1, ...; a step holds where the letter matches.
std::vector<Row> letters(const std::string& seq, const std::string& steps, std::int64_t start = 1) {
    std::vector<Row> rows;
    for (std::size_t i = 0; i < seq.size(); ++i) {
        Row row{start + static_cast<std::int64_t>(i), {}};
        for (char step : steps) row.holds.push_back(seq[i] == step);
        rows.push_back(row);
    }
    return rows;
}

int level(const std::string& seq, const std::string& steps, const char* modes = "", std::int64_t window = 86400) {
    return run(letters(seq, steps), window, funnel::parse_modes(modes)).level;
}

// ClickHouse's test 00632 (strict_order table; window 86400, steps a, b, c).
TEST(Funnel, ClickHouseStrictOrderCases) {
    const char* seqs[] = {"abc", "adbc", "aabbcc", "aaaabbcc", "aabbdcc", "ccbbaa"};
    const int plain[] = {3, 3, 3, 3, 3, 1}, order[] = {3, 1, 3, 3, 2, 1}, dedup_order[] = {3, 1, 2, 2, 2, 1};
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(level(seqs[i], "abc"), plain[i]) << seqs[i];
        EXPECT_EQ(level(seqs[i], "abc", "strict_order"), order[i]) << seqs[i];
        EXPECT_EQ(level(seqs[i], "abc", "strict_deduplication, strict_order"), dedup_order[i]) << seqs[i];
    }
    EXPECT_EQ(level("acb", "abc", "strict_order", 10), 1);
}

TEST(Funnel, WindowIsInclusiveFromTheChainStart) {
    // Test 00632: events 1000..1008 at times 0..8; steps 1003..1007.
    std::vector<Row> rows;
    for (int t = 0; t <= 8; ++t) {
        Row row{t, {}};
        for (int e = 1003; e <= 1007; ++e) row.holds.push_back(1000 + t == e);
        rows.push_back(row);
    }
    EXPECT_EQ(run(rows, 2).level, 3);
    EXPECT_EQ(run(rows, 3).level, 4);
    EXPECT_EQ(run(rows, 4).level, 5);
    // A later step-1 event starts a new chain; level 2 keeps the older one.
    EXPECT_EQ(run({{0, {1, 0, 0}}, {5, {0, 1, 0}}, {8, {1, 0, 0}}, {12, {0, 0, 1}}}, 10).level, 2);
    EXPECT_EQ(run({{0, {1, 0, 0}}, {5, {0, 1, 0}}, {8, {1, 0, 0}}, {9, {0, 1, 0}}, {12, {0, 0, 1}}}, 10).level, 3);
}

TEST(Funnel, DeduplicationIncreaseAndOnce) {
    // a b c b d (test 00632, strict_BiteTheDDDD) and issue #40263's data.
    EXPECT_EQ(level("abcbd", "abcd", "strict_deduplication"), 3);
    EXPECT_EQ(run({{0, {1, 0, 0, 0}}, {600, {0, 1, 0, 0}}, {1800, {0, 0, 0, 1}}, {2400, {0, 1, 0, 0}}}, 1800,
                  funnel::kStrictDeduplication).level, 2);
    // (0,1000) (1,1001) (1,1002) (1,1003) (2,1004): one row may fill several steps.
    std::vector<Row> rows;
    const std::pair<int, int> data[] = {{0, 1000}, {1, 1001}, {1, 1002}, {1, 1003}, {2, 1004}};
    for (auto [t, e] : data) {
        Row row{t, {}};
        for (int s = 1000; s <= 1004; ++s) row.holds.push_back(e == s);
        rows.push_back(row);
    }
    EXPECT_EQ(run(rows, 10000).level, 5);
    EXPECT_EQ(run(rows, 10000, funnel::kStrictIncrease).level, 2);
    std::vector<Row> same_step;
    for (auto [t, e] : data) same_step.push_back({t, {e == 1004, e == 1004, e == 1004}});
    EXPECT_EQ(run(same_step, 10000).level, 3);
    EXPECT_EQ(run(same_step, 10000, funnel::kStrictOnce).level, 1);
    EXPECT_EQ(run(same_step, 10000, funnel::kStrictIncrease).level, 1);
}

TEST(Funnel, AllowReentry) {
    EXPECT_EQ(level("aabac", "abac", "strict_order", 100), 1);
    EXPECT_EQ(level("aabac", "abac", "strict_order, allow_reentry", 100), 4);
    EXPECT_EQ(level("acbc", "abc", "strict_order", 100), 1);
    EXPECT_EQ(level("acbc", "abc", "strict_order,allow_reentry", 100), 3);
}

TEST(Funnel, TimesComeFromOneChain) {
    // Chain 1: a@0 b@5; chain 2: a@8 b@9 c@12. The deepest chain is chain 2.
    const funnel::Chain chain = run({{0, {1, 0, 0}}, {5, {0, 1, 0}}, {8, {1, 0, 0}}, {9, {0, 1, 0}}, {12, {0, 0, 1}}}, 10);
    ASSERT_EQ(chain.level, 3);
    EXPECT_EQ(chain.times[0], 8);
    EXPECT_EQ(chain.times[1], 9);
    EXPECT_EQ(chain.times[2], 12);
}

TEST(Funnel, TimesAreTheFirstEventsThatReachedEachStep) {
    // a@0 b@5 b@7 c@10: the chain reached b at 5 s (PostHog's rule); the
    // second b neither restarts it nor moves its time.
    const funnel::Chain chain = run({{0, {1, 0, 0}}, {5, {0, 1, 0}}, {7, {0, 1, 0}}, {10, {0, 0, 1}}}, 20);
    ASSERT_EQ(chain.level, 3);
    EXPECT_EQ(chain.times[0], 0);
    EXPECT_EQ(chain.times[1], 5);
    EXPECT_EQ(chain.times[2], 10);
    // A new step-1 event starts a new chain, whose b is its own: a@0 b@5 a@6 b@8 c@15
    // within 10 s: only the chain of a@6 reaches c, and it reached b at 8 s.
    const funnel::Chain later = run({{0, {1, 0, 0}}, {5, {0, 1, 0}}, {6, {1, 0, 0}}, {8, {0, 1, 0}}, {15, {0, 0, 1}}}, 10);
    ASSERT_EQ(later.level, 3);
    EXPECT_EQ(later.times[0], 6);
    EXPECT_EQ(later.times[1], 8);
    // strict_increase still reads the latest event of the chain, as ClickHouse does:
    // a@0 b@5 b@7 c@7 reaches 2 (the chain's last step is at 7 s, and c is not after it).
    EXPECT_EQ(run({{0, {1, 0, 0}}, {5, {0, 1, 0}}, {7, {0, 1, 0}}, {7, {0, 0, 1}}}, 20, funnel::kStrictIncrease).level,
              2);
    // strict_once keeps every chain; the first to reach c is the one through b@5.
    const funnel::Chain once = run({{0, {1, 0, 0}}, {5, {0, 1, 0}}, {7, {0, 1, 0}}, {10, {0, 0, 1}}}, 20,
                                   funnel::kStrictOnce);
    EXPECT_EQ(once.times[1], 5);
}

TEST(Funnel, ModesAreParsed) {
    EXPECT_EQ(funnel::parse_modes(""), 0u);
    EXPECT_EQ(funnel::parse_modes(" strict_order , strict_increase "), funnel::kStrictOrder | funnel::kStrictIncrease);
    EXPECT_THROW(funnel::parse_modes("strict"), Error);
    EXPECT_THROW(funnel::parse_modes("strict_ordr"), Error);
    EXPECT_THROW(funnel::parse_modes("allow_reentry"), Error);
}

bool same(const funnel::Chain& a, const funnel::Chain& b) {
    if (a.level != b.level) return false;
    for (int i = 0; i < a.level; ++i)
        if (a.times[i] != b.times[i]) return false;
    return true;
}

// Every split of the rows into two partial states, merged (as combine does),
// gives the unsplit chain: in strict_once the rows are renumbered, so two
// rows of one partial state never count as one.
TEST(Funnel, MergedPartsGiveTheWholeChain) {
    const std::vector<Row> rows = letters("abzaabcbcbd", "abcd");
    std::vector<Row> same_step;  // three steps on the same event: strict_once counts rows
    for (std::int64_t t = 0; t < 6; ++t) same_step.push_back({t, {t % 2 == 0, t % 2 == 0, t % 2 == 0}});
    const char* modes[] = {"", "strict_order", "strict_order, allow_reentry", "strict_deduplication",
                           "strict_increase", "strict_once"};
    const std::vector<Row>* datasets[] = {&rows, &same_step};
    for (const std::vector<Row>* data : datasets)
        for (const char* mode : modes) {
            const unsigned bits = funnel::parse_modes(mode);
            const funnel::Chain whole = run(*data, 4, bits);
            for (std::size_t cut = 0; cut <= data->size(); ++cut) {
                funnel::FunnelState left(funnel::Params{4, bits, steps_of(*data)}), right = left.empty_copy();
                add_rows(left, *data, 0, cut);
                add_rows(right, *data, cut, data->size());
                funnel::FunnelState merged = left.empty_copy();
                merged.merge(left);
                merged.merge(right);
                EXPECT_TRUE(same(merged.finish(eventml::core::StopCheck()), whole)) << mode << " cut " << cut;
            }
        }
    EXPECT_EQ(run(same_step, 10, funnel::kStrictOnce).level, 3);
    funnel::FunnelState other(funnel::Params{5, 0, 4});
    EXPECT_EQ(state_test::error_kind([&] { state_of(rows, 4).merge(other); }), ErrorKind::InvalidValue);
}

TEST(Funnel, ParametersAndRowsAreChecked) {
    EXPECT_EQ(state_test::error_kind([] { funnel::FunnelState(funnel::Params{-1, 0, 2}); }), ErrorKind::InvalidValue);
    EXPECT_EQ(state_test::error_kind([] { funnel::FunnelState(funnel::Params{1, 0, 33}); }), ErrorKind::ArrayShape);
    funnel::FunnelState state(funnel::Params{1, 0, 2});
    const bool three[] = {true, false, true};
    EXPECT_EQ(state_test::error_kind([&] { state.add(0, three, 3); }), ErrorKind::ArrayShape);
}

TEST(Funnel, CorruptStatesAreRejected) {
    const funnel::FunnelState state = state_of(letters("abxc", "abc"), 100, funnel::kStrictOrder);
    state_test::expect_flat_form_checked(state);
    EXPECT_TRUE(same(state_test::reread(state).finish(eventml::core::StopCheck()),
                     run(letters("abxc", "abc"), 100, funnel::kStrictOrder)));
    // The last event's step (4 bytes after its time, at the end of the form): beyond the 3 steps.
    auto bytes = state_test::flat(state);
    const std::int32_t step = 4;
    std::memcpy(bytes.data() + bytes.size() - sizeof(funnel::Event) + sizeof(std::int64_t), &step, sizeof step);
    EXPECT_EQ(state_test::error_kind([&] { funnel::FunnelState::read(bytes.data(), bytes.size()); }),
              ErrorKind::CorruptState);
    // The fixed fields (FunnelState::layout): magic 4, window 8, modes 4, steps 4, exclusion from 4
    // and to 4, rows 8, then the events' count 8. The 4 rows' events: a (step 1, row 0), b (2, 1),
    // x (placeholder, 2), c (3, 3).
    constexpr std::size_t kWindow = 4, kModes = 12, kSteps = 16, kFrom = 20, kTo = 24, kRows = 28, kCount = 36;
    EXPECT_EQ(state_test::read_with(state, kWindow, std::int64_t{5}), state_test::kAccepted);  // the offsets are right
    EXPECT_EQ(state_test::read_with(state, kRows, std::int64_t{9}), state_test::kAccepted);
    EXPECT_EQ(state_test::read_with(state, kWindow, std::int64_t{-1}), ErrorKind::CorruptState);
    EXPECT_EQ(state_test::read_with(state, kModes, 64u), ErrorKind::CorruptState);  // no such mode
    EXPECT_EQ(state_test::read_with(state, kModes, 34u), ErrorKind::CorruptState);  // unordered with another
    EXPECT_EQ(state_test::read_with(state, kFrom, std::int32_t{1}), ErrorKind::CorruptState);  // from without to
    EXPECT_EQ(state_test::read_with(state, kTo, std::int32_t{3}), ErrorKind::CorruptState);    // to without from
    EXPECT_EQ(state_test::read_with(state, kModes, unsigned{funnel::kStrictOrder}), state_test::kAccepted);
    EXPECT_EQ(state_test::read_with(state, kModes, 0u), ErrorKind::CorruptState);  // x's placeholder needs strict_order
    EXPECT_EQ(state_test::read_with(state, kSteps, std::int32_t{0}), ErrorKind::CorruptState);
    EXPECT_EQ(state_test::read_with(state, kSteps, std::int32_t{33}), ErrorKind::CorruptState);
    EXPECT_EQ(state_test::read_with(state, kSteps, std::int32_t{2}), ErrorKind::CorruptState);  // c is step 3
    EXPECT_EQ(state_test::read_with(state, kRows, std::int64_t{3}), ErrorKind::CorruptState);   // c is row 3
    EXPECT_EQ(state_test::read_with(state, kRows, std::int64_t{-1}), ErrorKind::CorruptState);
    EXPECT_EQ(state_test::read_with(state, kRows, std::int64_t{1} << 31), ErrorKind::CorruptState);
    state_test::expect_count_checked(state, kCount);
    state_test::expect_count_checked(state_of({}, 100, funnel::kStrictOnce), kCount);  // no events
}

// ---- exclusions and the any-order funnel (PostHog's funnel UDF) -----------------

// Rows of (seconds, steps met, excluded): the UDF's step arrays, with the
// exclusion as its own flag.
struct Marked {
    std::int64_t seconds;
    std::vector<int> steps;  // 1-based
    bool excluded = false;
};

funnel::Chain marked(const std::vector<Marked>& rows, int steps, std::int64_t window, unsigned modes = 0,
                     int from = 0, int to = 0) {
    funnel::FunnelState state(funnel::Params{window * 1000000, modes, steps, from, to});
    for (const Marked& row : rows) {
        bool holds[funnel::kMaxSteps] = {};
        for (int s : row.steps) holds[s - 1] = true;
        state.add(row.seconds * 1000000, holds, steps, row.excluded);
    }
    return state.finish(eventml::core::StopCheck());
}
int marked_level(const std::vector<Marked>& rows, int steps, std::int64_t window, unsigned modes = 0, int from = 1,
                 int to = 0) {
    return marked(rows, steps, window, modes, from, to == 0 ? steps : to).level;
}
const Marked x(std::int64_t seconds) { return Marked{seconds, {}, true}; }

// PostHog's own cases (posthog/hogql_queries/insights/funnels/test: test_funnel.py's
// multiple_possible_no_end_event*, test_excluded_after_time_expires,
// test_funnel_exclusion_no_end_event, test_advanced_funnel_exclusions_between_steps;
// steps.rs's near_simultaneous_exclusion_still_excludes), as levels
// (PostHog's 0-based step + 1; kExcluded where it returns -1).
TEST(FunnelExclusion, PostHogCases) {
    EXPECT_EQ(marked_level({{100, {1}}, x(101), {131, {1}}}, 2, 10), 1);  // a later clean chain replaces the excluded one
    EXPECT_EQ(marked_level({{100, {1}}, {131, {1}}, x(132)}, 2, 10), 1);  // the result's chain is past its window
    EXPECT_EQ(marked_level({{100, {1}}, {101, {1}}, x(102)}, 2, 10), funnel::kExcluded);
    EXPECT_EQ(marked_level({{100, {1}}, x(111), {112, {2}}}, 2, 10), 1);  // both beyond the window
    EXPECT_EQ(marked_level({{100, {1}}, x(101), {102, {2}}}, 2, 3600), funnel::kExcluded);
    const std::int64_t h = 3600, day = 86400;
    EXPECT_EQ(marked_level({{1 * h, {1}}, {2 * h, {2}}}, 2, day), 2);
    EXPECT_EQ(marked_level({{3 * h, {1}}, x(3 * h + h / 2), {4 * h, {2}}}, 2, day), funnel::kExcluded);
    EXPECT_EQ(marked_level({{5 * h, {1}}, x(6 * h)}, 2, day), funnel::kExcluded);  // excluded while waiting
    EXPECT_EQ(marked_level({{7 * h, {1}}, x(32 * h)}, 2, day), 1);
    // Five steps within 14 days, exclusions x between different steps.
    const std::int64_t m = 60;
    const std::vector<Marked> p1 = {{60 * m, {1}}, {120 * m, {2}}, x(180 * m), {240 * m, {3}}, x(270 * m),
                                    {300 * m, {4}}, x(330 * m), {360 * m, {5}}};
    const std::vector<Marked> p3 = {{60 * m, {1}}, x(90 * m), {120 * m, {2}}, {240 * m, {3}}, {300 * m, {4}},
                                    x(330 * m), {360 * m, {5}}};
    const std::int64_t weeks2 = 14 * day;
    EXPECT_EQ(marked_level(p1, 5, weeks2, 0, 1, 2), 5);  // PostHog's exclusion from step 0 to 1
    EXPECT_EQ(marked_level(p3, 5, weeks2, 0, 1, 2), funnel::kExcluded);
    EXPECT_EQ(marked_level(p1, 5, weeks2, 0, 2, 4), funnel::kExcluded);  // from 1 to 3
    EXPECT_EQ(marked_level(p3, 5, weeks2, 0, 2, 4), 5);
    EXPECT_EQ(marked_level(p1, 5, weeks2, 0, 4, 5), funnel::kExcluded);  // from 3 to 4
    EXPECT_EQ(marked_level(p3, 5, weeks2, 0, 4, 5), funnel::kExcluded);
}

// eventml's rules where PostHog has none or a quirk: an exclusion at the
// same time as a step is not between steps; strict_once and strict_order
// take exclusions the same way; times come from the chain the result comes
// from; the exclusion condition on a row that is also a step.
TEST(FunnelExclusion, TiesModesAndTimes) {
    EXPECT_EQ(marked_level({{100, {1}}, x(100), {105, {2}}}, 2, 60), 2);  // with step 1's time
    EXPECT_EQ(marked_level({{100, {1}}, x(105), {105, {2}}}, 2, 60), 2);  // with step 2's time
    EXPECT_EQ(marked_level({{100, {1}}, x(101), {105, {2}}}, 2, 60, funnel::kStrictOnce), funnel::kExcluded);
    EXPECT_EQ(marked_level({{100, {1}}, {101, {1}}, x(102), {103, {2}}}, 2, 60, funnel::kStrictOnce),
              funnel::kExcluded);
    EXPECT_EQ(marked_level({{100, {1}}, x(101), {110, {1}}, {115, {2}}}, 2, 60, funnel::kStrictOnce), 2);
    const funnel::Chain chain = marked({{100, {1}}, {101, {2}}, x(102), {110, {1}}, {115, {2}}, {116, {3}}}, 3, 60, 0, 1, 3);
    ASSERT_EQ(chain.level, 3);  // the first chain is excluded at level 2; the second goes on
    EXPECT_EQ(chain.times[0], 110 * 1000000);
    EXPECT_EQ(chain.times[2], 116 * 1000000);
    EXPECT_EQ(marked_level({{100, {1}}, {101, {2}}, x(102)}, 3, 60, 0, 1, 2), 2);  // outside its step range
    EXPECT_EQ(marked_level({{100, {1}}, {101, {2}}, {102, {3}}, x(103)}, 3, 60), 3);  // after the last step
    // A chain that reached the level at the exclusion's own time stays clean and takes over.
    EXPECT_EQ(marked_level({{100, {1}}, {110, {1}}, x(110)}, 2, 60), 1);
    EXPECT_EQ(marked_level({{100, {1}}, {110, {1}}, x(110)}, 2, 60, funnel::kStrictOnce), 1);
}

// The any-order funnel on PostHog's cases (test_funnel_unordered.py:
// exclusions clear the steps collected so far) and its own rules.
TEST(FunnelUnordered, PostHogCasesAndRules) {
    const unsigned u = funnel::kUnordered;
    const std::int64_t h = 3600, day = 86400;
    EXPECT_EQ(marked_level({{10 * h, {1}}, {11 * h, {2}}, x(12 * h), {13 * h, {3}}}, 3, 6 * h, u), 1);
    EXPECT_EQ(marked_level({{10 * h, {1}}, {11 * h, {2}}, {12 * h, {3}}}, 3, 6 * h, u), 3);
    EXPECT_EQ(marked_level({{10 * h, {3}}, {11 * h, {1}}, {12 * h, {2}}}, 3, 6 * h, u), 3);  // any order
    const std::int64_t m = 60;
    EXPECT_EQ(marked_level({{60 * m, {1}}, x(120 * m), {180 * m, {2}}, {240 * m, {3}}, x(270 * m), {300 * m, {4}},
                            {360 * m, {5}}},
                           5, 14 * day, u),
              2);
    EXPECT_EQ(marked_level({{60 * m, {1}}, x(90 * m), {120 * m, {2}}, {240 * m, {3}}, {300 * m, {4}}, x(330 * m),
                            {360 * m, {5}}},
                           5, 14 * day, u),
              1);
    // A completed funnel counts although an exclusion follows within the window.
    EXPECT_EQ(marked_level({{0, {2}}, {1, {1}}, x(2)}, 2, 60, u), 2);
    // Steps too far apart: the most that fit in one window; a row counts for every step it meets.
    EXPECT_EQ(marked_level({{0, {1}}, {100, {2}}, {130, {3}}}, 3, 60, u), 2);
    EXPECT_EQ(marked_level({{0, {1, 2}}}, 2, 60, u), 2);
    // Times: each step's first event in the first best window, ascending.
    const funnel::Chain chain = marked({{0, {1}}, {100, {3}}, {110, {1}}, {120, {2}}, {125, {3}}}, 3, 60, u);
    ASSERT_EQ(chain.level, 3);
    EXPECT_EQ(chain.times[0], 100 * 1000000);
    EXPECT_EQ(chain.times[1], 110 * 1000000);
    EXPECT_EQ(chain.times[2], 120 * 1000000);
    EXPECT_EQ(marked({}, 2, 60, u).level, 0);
    EXPECT_THROW(funnel::parse_modes("unordered, strict_order"), Error);
    EXPECT_EQ(funnel::parse_modes("unordered"), funnel::kUnordered);
    EXPECT_THROW(funnel::FunnelState(funnel::Params{60, u, 3, 1, 2}), Error);  // partial exclusion
    EXPECT_THROW(funnel::FunnelState(funnel::Params{60, 0, 3, 2, 2}), Error);
    EXPECT_THROW(funnel::FunnelState(funnel::Params{60, 0, 3, 1, 4}), Error);
}

// funnel_trends' starts: each step-1 event and whether the chain it starts
// converts (PostHog's test_trend_for_hour_based_conversion_window: 10h, 11h,
// 12h converts within 3 hours, 10h, 11h, 14h does not).
std::vector<funnel::Start> starts_of(const std::vector<Marked>& rows, int steps, std::int64_t window,
                                     unsigned modes = 0) {
    funnel::FunnelState state(funnel::Params{window * 1000000, modes, steps});
    for (const Marked& row : rows) {
        bool holds[funnel::kMaxSteps] = {};
        for (int s : row.steps) holds[s - 1] = true;
        state.add(row.seconds * 1000000, holds, steps);
    }
    std::vector<funnel::Start> out(static_cast<std::size_t>(std::max<std::int64_t>(state.size(), 1)));
    out.resize(static_cast<std::size_t>(state.starts(out.data(), eventml::core::StopCheck())));
    return out;
}
std::vector<int> converted_flags(const std::vector<funnel::Start>& starts) {
    std::vector<int> flags;
    for (const funnel::Start& s : starts) flags.push_back(s.converted ? 1 : 0);
    return flags;
}

TEST(FunnelTrends, EachStepOneEventFollowsItsOwnChain) {
    const std::int64_t h = 3600;
    EXPECT_EQ(converted_flags(starts_of({{10 * h, {1}}, {11 * h, {2}}, {12 * h, {3}}}, 3, 3 * h)), std::vector<int>({1}));
    EXPECT_EQ(converted_flags(starts_of({{10 * h, {1}}, {11 * h, {2}}, {14 * h, {3}}}, 3, 3 * h)), std::vector<int>({0}));
    // A later step-1 event neither restarts the earlier chain nor breaks it,
    // and its own chain starts afresh: a@0 b@5 a@8 c@12, window 10.
    const std::vector<Marked> rows = {{100, {1}}, {105, {2}}, {108, {1}}, {112, {3}}};
    EXPECT_EQ(converted_flags(starts_of(rows, 3, 10)), std::vector<int>({0, 0}));
    EXPECT_EQ(converted_flags(starts_of(rows, 3, 12)), std::vector<int>({1, 0}));
    EXPECT_EQ(converted_flags(starts_of({{100, {1}}, {101, {1}}, {102, {2}}}, 2, 10)), std::vector<int>({1, 1}));
    // strict_order: another step's event breaks the chain, a later step 1 does not.
    EXPECT_EQ(converted_flags(starts_of({{100, {1}}, {101, {1}}, {102, {2}}}, 2, 10, funnel::kStrictOrder)),
              std::vector<int>({1, 1}));
    // Unordered: all steps in the window from the step-1 event.
    EXPECT_EQ(converted_flags(starts_of({{100, {2}}, {101, {1}}, {105, {3}}, {120, {1}}}, 3, 10, funnel::kUnordered)),
              std::vector<int>({0, 0}));
    EXPECT_EQ(converted_flags(starts_of({{100, {1}}, {101, {3}}, {105, {2}}}, 3, 10, funnel::kUnordered)),
              std::vector<int>({1}));
    const auto times = starts_of(rows, 3, 10);
    EXPECT_EQ(times[1].time, 108 * 1000000);
    EXPECT_TRUE(starts_of({}, 2, 10).empty());
}

// Following every step-1 event through its window is bounded: 15,000 step-1
// events in one window read some 1.1e8 events, past kMaxTrendEvents.
TEST(FunnelTrends, WorkIsBounded) {
    std::vector<Marked> rows;
    for (int i = 0; i < 15000; ++i) rows.push_back({100 + i / 1000, {1}});
    EXPECT_EQ(state_test::error_kind([&] { starts_of(rows, 2, 3600, funnel::kUnordered); }),
              ErrorKind::LimitExceeded);
    rows.resize(1000);
    EXPECT_EQ(starts_of(rows, 2, 3600, funnel::kUnordered).size(), 1000u);
}

TEST(Retention, FirstConditionGatesTheOthers) {
    const bool row1[] = {false, true, false};
    const bool row2[] = {false, false, true};
    funnel::RetentionState s = funnel::retention_add(0, row1, 3);
    s = funnel::retention_add(s, row2, 3);
    bool r[3];
    funnel::retention_result(s, r);
    EXPECT_FALSE(r[0] || r[1] || r[2]);  // cond1 never held
    const bool row3[] = {true, false, false};
    funnel::retention_result(funnel::retention_add(s, row3, 3), r);
    EXPECT_TRUE(r[0] && r[1] && r[2]);  // each held on some row
}

TEST(Retention, MergeIsUnionOfWhatHeld) {
    const bool a[] = {true, false}, b[] = {false, true};
    bool r[2];
    funnel::retention_result(funnel::retention_merge(funnel::retention_add(0, a, 2), funnel::retention_add(0, b, 2)), r);
    EXPECT_TRUE(r[0] && r[1]);
    EXPECT_THROW(funnel::retention_merge(funnel::retention_add(0, a, 2), funnel::retention_add(0, a, 1)), Error);
}

TEST(Retention, LimitsAndCorruptStates) {
    bool many[33] = {};
    EXPECT_THROW(funnel::retention_add(0, many, 33), Error);
    EXPECT_THROW(funnel::retention_add(0, many, 0), Error);
    EXPECT_THROW(funnel::retention_conditions(5), Error);                      // no N
    EXPECT_THROW(funnel::retention_conditions((2LL << 32) | 0x4), Error);       // a bit beyond N
    EXPECT_THROW(funnel::retention_conditions(-1), Error);
    EXPECT_EQ(funnel::retention_conditions((32LL << 32) | 0xffffffffLL), 32);
}

}  // namespace
