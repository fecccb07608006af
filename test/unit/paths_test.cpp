#include "paths.hpp"

#include <cstddef>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "state_test.hpp"

using eventml::core::Error;
using eventml::core::ErrorKind;
using eventml::core::StopCheck;
namespace paths = eventml::core::paths;

namespace {

constexpr std::int64_t kSecond = 1000000;

std::vector<paths::Action> compile(const std::string& pattern, int conditions) {
    std::vector<paths::Action> actions(paths::max_actions(pattern.size()));
    actions.resize(paths::compile(pattern.data(), pattern.size(), conditions, actions.data()));
    return actions;
}

// Rows of (seconds, condition values), added to a path_match state.
struct Row {
    std::int64_t seconds;
    std::vector<bool> holds;
};

int conditions_of(const std::vector<Row>& rows) { return rows.empty() ? 2 : static_cast<int>(rows[0].holds.size()); }

// conditions: of the rows when not given.
paths::PathState match_state(const std::string& pattern, const std::vector<Row>& rows, int conditions = 0) {
    paths::PathState state(
        paths::MatchParams{conditions > 0 ? conditions : conditions_of(rows), pattern.data(), pattern.size()});
    for (const Row& row : rows) {
        bool holds[paths::kMaxConditions];
        for (std::size_t i = 0; i < row.holds.size(); ++i) holds[i] = row.holds[i];
        state.add_conditions(row.seconds * kSecond, holds, static_cast<int>(row.holds.size()));
    }
    return state;
}

// path_match / path_count's finals: the state's pattern compiled, events sorted.
bool matches(paths::PathState& state) {
    const paths::MatchParams params = state.match_params();
    const auto actions = compile(std::string(params.pattern, params.length), params.conditions);
    state.sort();
    return state.matches(actions.data(), actions.size(), StopCheck());
}
std::int64_t counts(paths::PathState& state) {
    const paths::MatchParams params = state.match_params();
    const auto actions = compile(std::string(params.pattern, params.length), params.conditions);
    state.sort();
    return state.count_matches(actions.data(), actions.size(), StopCheck());
}

bool match(const std::string& pattern, const std::vector<Row>& rows) {
    paths::PathState state = match_state(pattern, rows);
    return matches(state);
}

std::int64_t count(const std::string& pattern, const std::vector<Row>& rows) {
    paths::PathState state = match_state(pattern, rows);
    return counts(state);
}

// Rows (second, code) with condition i holding where code == codes[i].
std::vector<Row> coded(const std::vector<std::pair<std::int64_t, int>>& data, const std::vector<int>& codes) {
    std::vector<Row> rows;
    for (const auto& [second, code] : data) {
        Row row{second, {}};
        for (int c : codes) row.holds.push_back(code == c);
        rows.push_back(row);
    }
    return rows;
}

ErrorKind error_kind(const std::string& pattern, int conditions, std::string* message = nullptr) {
    try {
        compile(pattern, conditions);
    } catch (const Error& e) {
        if (message != nullptr) *message = e.what();
        return e.kind();
    }
    ADD_FAILURE() << "no error for " << pattern;
    return ErrorKind::Cancelled;
}

}  // namespace

// ClickHouse's test 00222_sequence_aggregate_function_family: times 0..11,
// data 0,0,0,0,1,2,0,0,0,0,1,1; conditions data = 0, 1, 2, 3.
TEST(PathPattern, ClickHouseSequenceFamilyCases) {
    const int data[] = {0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1, 1};
    std::vector<std::pair<std::int64_t, int>> rows;
    for (int t = 0; t < 12; ++t) rows.push_back({t, data[t]});
    const auto events = coded(rows, {0, 1, 2, 3});
    const struct {
        const char* pattern;
        bool match;
        std::int64_t count;
    } cases[] = {
        {"", true, 12},
        {".", true, 12},
        {".*", true, 12},
        {"(?1)", true, 8},
        {"(?2)", true, 3},
        {"(?3)", true, 1},
        {"(?4)", false, 0},
        {"(?1)(?1)", true, 4},
        {"(?1)(?1)(?1)", true, 2},
        {"(?1)(?1)(?1)(?1)", true, 2},
        {"(?1)(?1)(?1)(?1)(?1)", false, 0},
        {"(?1)(?1)(?1)(?1)(?2)", true, 2},
        {"(?1)(?t>10)(?2)", true, 1},
        {"(?1)(?t>11)(?2)", false, 0},
        {"(?1)(?t<11)(?2)", true, 2},
        {"(?1)(?t<3)(?3)", true, 1},
        {"(?1)(?t<=2)(?3)", true, 1},
        {"(?1)(?t<2)(?3)", false, 0},
        {"(?2)(?t>=7)(?2)", true, 1},
        {"(?2)(?t>7)(?2)", false, 0},
        {"(?2)(?3)(?1)", true, 1},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(match(c.pattern, events), c.match) << c.pattern;
        EXPECT_EQ(count(c.pattern, events), c.count) << c.pattern;
    }
    // With only conditions data = 1, data = 2, four rows are kept.
    const auto two = coded(rows, {1, 2});
    EXPECT_FALSE(match("(?1)(?t==2)(?2)", two));
    EXPECT_EQ(count("(?1)(?t==2)(?2)", two), 0);
    EXPECT_TRUE(match("(?1)(?t==1)(?2)", two));
    EXPECT_EQ(count("(?1)(?t==1)(?2)", two), 1);
}

// ClickHouse's trailing-step tests and cases checked on ClickHouse 18.16
// (docs/design/clickhouse-sequence.md, sections 5.2 and 5.4).
TEST(PathPattern, TrailingStepsAndClickHouseChecks) {
    EXPECT_TRUE(match("(?t<=10)", coded({{0, 9}, {1, 9}}, {1, 2})));
    EXPECT_EQ(count("(?1).*", coded({{0, 1}}, {1, 2})), 1);
    EXPECT_FALSE(match("(?1)(?t<=10)(?2)", coded({{0, 1}, {100, 2}}, {1, 2})));
    const auto abc = coded({{1, 1}, {2, 2}, {3, 3}}, {1, 2, 3});
    EXPECT_TRUE(match("(?1)(?t<=100)(?2)(?3).*.*.*", abc));
    EXPECT_EQ(count("(?1)(?t<=100)(?2)(?3).*.*.*", abc), 1);
    EXPECT_FALSE(match("(?1)(?t<=100)(?2)(?3).*.*(?t>1)", abc));

    EXPECT_TRUE(match("(?1)(?2)", coded({{0, 3}, {1, 1}, {2, 9}, {3, 2}}, {1, 2})));
    EXPECT_FALSE(match("(?1).(?2)", coded({{1, 1}, {2, 9}, {3, 2}}, {1, 2})));
    EXPECT_TRUE(match("(?1).(?2)", coded({{1, 1}, {2, 9}, {3, 2}}, {1, 2, 9})));
    EXPECT_FALSE(match("(?1)(?2)", coded({{1, 2}, {1, 1}}, {1, 2})));  // a tie keeps input order
    EXPECT_TRUE(match("(?2)(?1)", coded({{1, 2}, {1, 1}}, {1, 2})));
    const auto aabb = coded({{1, 1}, {2, 1}, {3, 2}, {4, 2}}, {1, 2});
    EXPECT_EQ(count("(?1)(?2)", aabb), 1);
    EXPECT_EQ(count("(?1).*(?2)", aabb), 1);
    EXPECT_EQ(count("(?1).*", aabb), 2);
    EXPECT_EQ(count(".*(?1)", aabb), 2);
    EXPECT_EQ(count("(?1).*(?2)", coded({{1, 1}, {2, 3}, {3, 2}, {4, 1}, {5, 3}, {6, 2}}, {1, 2, 3})), 2);
    EXPECT_EQ(count("(?t<5)(?1)", coded({{1, 2}, {20, 1}}, {1, 2})), 1);
    EXPECT_EQ(count("(?t>5)(?1)", coded({{1, 2}, {20, 1}}, {1, 2})), 1);
    EXPECT_EQ(count("(?t>5)(?1)", coded({{20, 1}}, {1, 2})), 0);
    EXPECT_EQ(count("(?1)(?t>5)", coded({{1, 1}, {3, 1}, {20, 2}}, {1, 2})), 1);
    EXPECT_FALSE(match("(?1)(?t>5)", coded({{1, 1}, {3, 1}}, {1, 2})));
    EXPECT_EQ(count("(?1)(?t<2)", coded({{1, 1}, {3, 1}}, {1, 2})), 1);
    EXPECT_FALSE(match("(?1)(?t<=1).(?2)", coded({{1, 1}, {2, 2}}, {1, 2})));
    // No kept events: empty and skippable patterns match, nothing counts.
    const auto none = coded({{1, 9}, {2, 9}}, {1, 2});
    EXPECT_TRUE(match("", none));
    EXPECT_EQ(count("", none), 0);
    EXPECT_FALSE(match(".", none));
    EXPECT_TRUE(match("(?t<5)", none));
    // Eight rows at one time alternating c1, c2 keep their order.
    std::vector<std::pair<std::int64_t, int>> tied;
    for (int i = 0; i < 8; ++i) tied.push_back({5, 1 + i % 2});
    EXPECT_EQ(count("(?1)(?2)", coded(tied, {1, 2})), 4);
    EXPECT_EQ(count("(?2)(?1)", coded(tied, {1, 2})), 3);
}

// Appending (?t>=0) changes nothing a pattern means but sends it down the
// backtracking path, so the automaton can be checked against ClickHouse's
// own algorithm on random sequences and patterns.
TEST(PathPattern, AutomatonAgreesWithBacktracking) {
    std::mt19937 random(42);
    const char* tokens[] = {"(?1)", "(?2)", "(?3)", ".", ".*"};
    for (int trial = 0; trial < 3000; ++trial) {
        std::string pattern;
        const int length = 1 + static_cast<int>(random() % 5);
        for (int i = 0; i < length; ++i) pattern += tokens[random() % 5];
        std::vector<std::pair<std::int64_t, int>> data;
        const int n = 1 + static_cast<int>(random() % 25);
        for (int i = 0; i < n; ++i) data.push_back({i, 1 + static_cast<int>(random() % 4)});
        const auto rows = coded(data, {1, 2, 3});
        EXPECT_EQ(match(pattern, rows), match(pattern + "(?t>=0)", rows)) << pattern;
        EXPECT_EQ(count(pattern, rows), count(pattern + "(?t>=0)", rows)) << pattern;
    }
}

// ClickHouse's limit: 2k + 2 steps find (?1) at event k after k other
// events, so k = 499999 passes and k = 500000 stops; the automaton has no
// limit.
TEST(PathPattern, BacktrackingStopsAfterItsStepBudget) {
    for (int k : {499999, 500000}) {
        std::vector<paths::Event> events(static_cast<std::size_t>(k) + 1, paths::Event{0, 2u, 0, 0});
        for (int i = 0; i <= k; ++i) events[i].time = i * kSecond;
        events[k].bits = 1u;
        const std::string timed = "(?1)(?t>=0)";
        const auto actions = compile(timed, 2);
        const auto run = [&] {
            return paths::match(actions.data(), actions.size(), events.data(), k + 1, paths::kNoWithin, StopCheck());
        };
        if (k == 499999) {
            EXPECT_TRUE(run());
        } else {
            try {
                run();
                ADD_FAILURE() << "no limit error";
            } catch (const Error& e) {
                EXPECT_EQ(e.kind(), ErrorKind::LimitExceeded);
                EXPECT_NE(std::string(e.what()).find("1000000"), std::string::npos);
            }
        }
        const auto plain = compile("(?1)", 2);
        EXPECT_TRUE(paths::match(plain.data(), plain.size(), events.data(), k + 1, paths::kNoWithin, StopCheck()));
    }
}

// path_match_events: the times (in seconds) of the (?N) events of the match
// the backtracking search finds, or of its longest chain.
std::vector<std::int64_t> matched_events(const std::string& pattern, const std::vector<Row>& rows) {
    paths::PathState state = match_state(pattern, rows);
    const auto actions = compile(pattern, state.match_params().conditions);
    state.sort();
    std::vector<std::int64_t> times(paths::condition_steps(actions.data(), actions.size()));
    times.resize(static_cast<std::size_t>(state.match_events(actions.data(), actions.size(), times.data(), StopCheck())));
    for (std::int64_t& t : times) t /= kSecond;
    return times;
}

using Times = std::vector<std::int64_t>;

// ClickHouse's test 00222_sequence_aggregate_function_family, its
// sequenceMatchEvents block: the same data (one row per second, data
// 0,0,0,0,1,2,0,0,0,0,1,1) and expected arrays, with conditions data = 0..3
// (and data = 1, 2 for the (?t==S) cases).
TEST(PathMatchEvents, ClickHouseTest00222) {
    std::vector<std::pair<std::int64_t, int>> data;
    const int values[] = {0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1, 1};
    for (int i = 0; i < 12; ++i) data.emplace_back(i, values[i]);
    const auto rows4 = coded(data, {0, 1, 2, 3});
    const auto rows2 = coded(data, {1, 2});
    const std::vector<std::pair<std::string, Times>> cases = {
        {"", {}},
        {".", {}},
        {".*", {}},
        {"(?1)", {0}},
        {"(?2)", {4}},
        {"(?3)", {5}},
        {"(?4)", {}},
        {"(?1)(?1)", {0, 1}},
        {"(?1)(?1)(?1)", {0, 1, 2}},
        {"(?1)(?1)(?1)(?1)", {0, 1, 2, 3}},
        {"(?1)(?1)(?1)(?1)(?1)", {0, 1, 2, 3}},
        {"(?1)(?1)(?1)(?1)(?2)", {0, 1, 2, 3, 4}},
        {"(?1)(?t>10)(?2)", {0, 11}},
        {"(?1)(?t>11)(?2)", {0}},
        {"(?1)(?t<11)(?2)", {0, 4}},
        {"(?1)(?t<3)(?3)", {3, 5}},
        {"(?1)(?t<=2)(?3)", {3, 5}},
        {"(?1)(?t<2)(?3)", {0}},
        {"(?2)(?t>=7)(?2)", {4, 11}},
        {"(?2)(?t>7)(?2)", {4}},
        {"(?2)(?3)(?1)", {4, 5, 6}},
    };
    for (const auto& [pattern, expected] : cases) EXPECT_EQ(matched_events(pattern, rows4), expected) << pattern;
    EXPECT_EQ(matched_events("(?1)(?t==2)(?2)", rows2), Times({4}));
    EXPECT_EQ(matched_events("(?1)(?t==1)(?2)", rows2), Times({4, 5}));
}

// The fix of ClickHouse issue 118120 (the chain always matches a prefix of
// the pattern: a (?N) does not slide past the events between), and the
// example of ClickHouse's documentation.
TEST(PathMatchEvents, ChainIsAPrefixOfThePattern) {
    const std::vector<int> abc = {1, 2, 3};
    EXPECT_EQ(matched_events("(?1)(?t<=10)(?2)(?3)", coded({{0, 1}, {5, 2}, {100, 2}, {101, 3}}, abc)), Times({0, 5}));
    EXPECT_EQ(matched_events("(?1)(?t<=10)(?2)", coded({{0, 1}, {100, 2}}, {1, 2})), Times({0}));
    EXPECT_EQ(matched_events("(?1)(?2)(?3)", coded({{0, 1}, {1, 2}, {2, 2}, {3, 3}}, abc)), Times({0, 1}));
    EXPECT_EQ(matched_events("(?1).*(?2).*(?1)(?3)", coded({{1, 1}, {2, 3}, {3, 2}, {4, 1}, {5, 3}, {6, 2}}, {1, 2, 4})),
              Times({1, 3, 4}));
    EXPECT_EQ(matched_events("(?1)", {}), Times({}));
}

// within: a match whose first and last (?N) events are at most that far
// apart, found among all assignments, not the first one greedily.
TEST(PathMatchWithin, LimitsTheWholeMatch) {
    const auto limited = [](const std::string& pattern, const std::vector<Row>& rows, std::int64_t seconds) {
        paths::PathState state(paths::MatchParams{conditions_of(rows), pattern.data(), pattern.size(), seconds * kSecond});
        for (const Row& row : rows) {
            bool holds[paths::kMaxConditions];
            for (std::size_t i = 0; i < row.holds.size(); ++i) holds[i] = row.holds[i];
            state.add_conditions(row.seconds * kSecond, holds, static_cast<int>(row.holds.size()));
        }
        return std::make_pair(matches(state), counts(state));
    };
    const auto late = coded({{0, 1}, {100, 1}, {150, 2}}, {1, 2});
    EXPECT_EQ(limited("(?1).*(?2)", late, 60), std::make_pair(true, std::int64_t{1}));  // A@100, B@150
    EXPECT_EQ(limited("(?1).*(?2)", late, 40), std::make_pair(false, std::int64_t{0}));
    const auto pairs = coded({{0, 1}, {10, 2}, {20, 1}, {100, 2}, {110, 1}, {115, 2}}, {1, 2});
    EXPECT_EQ(count("(?1).*(?2)", pairs), 3);
    EXPECT_EQ(limited("(?1).*(?2)", pairs, 30).second, 2);  // (0, 10) and (110, 115)
    EXPECT_EQ(limited("(?1)(?2)", coded({{5, 1}, {5, 2}}, {1, 2}), 0), std::make_pair(true, std::int64_t{1}));
    // With a time step: A@0 .. B@30 breaks the limit, A@40 .. B@50 keeps it.
    const auto timed = coded({{0, 1}, {3, 2}, {30, 2}, {40, 1}, {50, 2}}, {1, 2});
    EXPECT_TRUE(limited("(?1)(?t>5)(?2)", timed, 20).first);
    EXPECT_FALSE(limited("(?1)(?t>5)(?2)", timed, 9).first);
    EXPECT_THROW(paths::PathState(paths::MatchParams{2, "(?1)", 4, -5}), Error);
}

TEST(PathPattern, CompileErrorsNamePositions) {
    std::string message;
    EXPECT_EQ(error_kind("(? 1)", 2, &message), ErrorKind::InvalidPattern);
    EXPECT_NE(message.find("at character 3: expected a number"), std::string::npos) << message;
    EXPECT_EQ(error_kind("(?1", 2, &message), ErrorKind::InvalidPattern);
    EXPECT_NE(message.find("at character 4: expected \")\""), std::string::npos) << message;
    EXPECT_EQ(error_kind(".**", 2, &message), ErrorKind::InvalidPattern);
    EXPECT_NE(message.find("at character 3: unexpected character"), std::string::npos) << message;
    EXPECT_EQ(error_kind(" (?1)", 2, &message), ErrorKind::InvalidPattern);
    EXPECT_NE(message.find("at character 1"), std::string::npos) << message;
    EXPECT_EQ(error_kind("(?1)(?t!=3)", 2, &message), ErrorKind::InvalidPattern);
    EXPECT_NE(message.find("at character 8: unknown time condition"), std::string::npos) << message;
    EXPECT_EQ(error_kind("(?1)(?t=3)", 2), ErrorKind::InvalidPattern);
    EXPECT_EQ(error_kind("(?1)(?t<3)(?t>1)", 2, &message), ErrorKind::InvalidPattern);
    EXPECT_NE(message.find("at character 11: a time condition must follow"), std::string::npos) << message;
    EXPECT_EQ(error_kind("(?99999999999999999999999)", 2, &message), ErrorKind::InvalidPattern);
    EXPECT_EQ(error_kind("(?0)", 2, &message), ErrorKind::InvalidValue);
    EXPECT_EQ(error_kind("(?3)", 2, &message), ErrorKind::InvalidValue);
    EXPECT_NE(message.find("condition 3 at character 3"), std::string::npos) << message;
    EXPECT_EQ(error_kind(std::string(20002, '.'), 2), ErrorKind::LimitExceeded);
    // As ClickHouse's integer reader (its test 00222 has (?t>+0) and (?t>+1)):
    // one leading '+', not a sign alone, a '-', two signs or a fraction.
    EXPECT_EQ(compile("(?+1)(?t>+0)(?2)", 2)[2].micros, 0);
    EXPECT_EQ(compile("(?1)(?t>+1)(?2)", 2)[2].micros, kSecond);
    for (const char* refused : {"(?+)", "(?1)(?t>+)(?2)", "(?1)(?t<=-1)", "(?-1)", "(?1)(?t>++1)", "(?1)(?t>+-1)",
                                "(?1)(?t>1.5)", "(?1)(?t> 1)"}) {
        EXPECT_EQ(error_kind(refused, 2, &message), ErrorKind::InvalidPattern) << refused;
    }
    EXPECT_EQ(error_kind("(?1)(?t>+)(?2)", 2, &message), ErrorKind::InvalidPattern);
    EXPECT_NE(message.find("at character 9: expected a number"), std::string::npos) << message;
    // Accepted: a leading time step, leading zeros, huge S (saturated).
    EXPECT_EQ(compile("(?t>5)(?01)", 2).size(), 3u);
    EXPECT_EQ(compile("(?1)(?t<99999999999999999)", 2)[2].micros, std::numeric_limits<std::int64_t>::max());
}

namespace {

struct NamedRow {
    std::int64_t seconds;
    std::string name;
    bool base;
    std::vector<bool> steps;
};

// steps: of the rows when not given.
paths::PathState next_state(const char* direction, const char* base, const std::vector<NamedRow>& rows,
                            int steps = -1) {
    if (steps < 0) steps = rows.empty() ? 0 : static_cast<int>(rows[0].steps.size());
    paths::PathState state(paths::NextParams{paths::parse_direction(direction), paths::parse_base(base), steps});
    for (const NamedRow& row : rows) {
        bool holds[paths::kMaxConditions];
        for (std::size_t i = 0; i < row.steps.size(); ++i) holds[i] = row.steps[i];
        state.add_next(row.seconds * kSecond, row.name.data(), row.name.size(), row.base, holds, steps);
    }
    return state;
}

// path_next's final: the name found, or "NULL".
std::string found(const paths::PathState& state) {
    std::vector<paths::Node> nodes(static_cast<std::size_t>(state.size()));
    const std::int64_t i = state.next_node(nodes.data());
    return i < 0 ? "NULL" : std::string(nodes[i].name, nodes[i].event.length);
}

std::string next(const char* direction, const char* base, const std::vector<NamedRow>& rows) {
    return found(next_state(direction, base, rows));
}

// Names at times 1, 2, ...; base everywhere; step k holds where the name is chain[k].
std::vector<NamedRow> named(const std::string& names, const std::string& chain, std::int64_t same_time = 0) {
    std::vector<NamedRow> rows;
    for (std::size_t i = 0; i < names.size(); ++i) {
        NamedRow row{same_time != 0 ? same_time : static_cast<std::int64_t>(i + 1), std::string(1, names[i]), true,
                     {}};
        for (char c : chain) row.steps.push_back(names[i] == c);
        rows.push_back(row);
    }
    return rows;
}

}  // namespace

// ClickHouse's test 01656_sequence_next_node_long.
TEST(PathNext, ClickHouseSequenceNextNodeCases) {
    const std::string ids[] = {"ABCD", "BBDC", "AB", "AAABC", "ABAC", "ABABC"};
    const auto each = [&](const char* direction, const char* base, const char* chain) {
        std::string out;
        for (const auto& id : ids) out += (out.empty() ? "" : ",") + next(direction, base, named(id, chain));
        return out;
    };
    EXPECT_EQ(each("forward", "head", "A"), "B,NULL,B,A,B,B");
    EXPECT_EQ(each("forward", "head", "B"), "NULL,B,NULL,NULL,NULL,NULL");
    EXPECT_EQ(each("forward", "head", "AB"), "C,NULL,NULL,NULL,A,A");
    EXPECT_EQ(each("backward", "tail", "C"), "NULL,D,NULL,B,A,B");
    EXPECT_EQ(each("backward", "tail", "D"), "C,NULL,NULL,NULL,NULL,NULL");
    EXPECT_EQ(each("backward", "tail", "B"), "NULL,NULL,A,NULL,NULL,NULL");
    EXPECT_EQ(each("forward", "head", ""), "A,B,A,A,A,A");
    EXPECT_EQ(each("backward", "tail", ""), "D,C,B,C,C,C");
    EXPECT_EQ(each("forward", "first_match", "B"), "C,B,NULL,C,A,A");
    EXPECT_EQ(each("forward", "first_match", "BB"), "NULL,D,NULL,NULL,NULL,NULL");
    EXPECT_EQ(each("forward", "first_match", "BA"), "NULL,NULL,NULL,NULL,C,B");
    EXPECT_EQ(each("backward", "first_match", "B"), "A,NULL,A,A,A,A");
    EXPECT_EQ(each("backward", "first_match", "BA"), "NULL,NULL,NULL,A,NULL,NULL");
    EXPECT_EQ(each("backward", "first_match", "A"), "NULL,NULL,NULL,NULL,NULL,NULL");
    // id11: A, B, C, D at one time are ordered by name.
    EXPECT_EQ(next("forward", "head", named("DCBA", "A", 1)), "B");
    EXPECT_EQ(next("forward", "head", named("DCBA", "ABC", 1)), "D");
    EXPECT_EQ(next("backward", "tail", named("DCBA", "C", 1)), "NULL");
    // The base condition (referrer table, ref = '1' and '2').
    const auto referrer = [](std::vector<std::pair<char, int>> rows, int ref, const std::string& chain) {
        std::vector<NamedRow> out;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            NamedRow row{static_cast<std::int64_t>(i + 1), std::string(1, rows[i].first), rows[i].second == ref, {}};
            for (char c : chain) row.steps.push_back(rows[i].first == c);
            out.push_back(row);
        }
        return out;
    };
    const std::vector<std::pair<char, int>> id1 = {{'A', 1}, {'B', 2}, {'C', 3}, {'D', 4}},
                                            id2 = {{'D', 4}, {'C', 3}, {'B', 2}, {'A', 1}},
                                            id3 = {{'B', 10}, {'B', 2}, {'D', 3}, {'C', 4}};
    EXPECT_EQ(next("forward", "head", referrer(id1, 1, "")), "A");
    EXPECT_EQ(next("forward", "head", referrer(id2, 1, "")), "NULL");
    EXPECT_EQ(next("forward", "head", referrer(id1, 1, "AB")), "C");
    EXPECT_EQ(next("backward", "tail", referrer(id2, 1, "AB")), "C");
    EXPECT_EQ(next("forward", "first_match", referrer(id1, 2, "B")), "C");
    EXPECT_EQ(next("forward", "first_match", referrer(id2, 2, "B")), "A");
    EXPECT_EQ(next("forward", "first_match", referrer(id3, 2, "B")), "D");
    EXPECT_EQ(next("forward", "first_match", referrer(id1, 2, "BC")), "D");
    EXPECT_EQ(next("backward", "first_match", referrer(id3, 2, "B")), "B");
    EXPECT_EQ(next("backward", "first_match", referrer(id2, 2, "BA")), "NULL");
    EXPECT_THROW(paths::PathState(paths::NextParams{paths::Direction::Backward, paths::Base::Head, 1}), Error);
    EXPECT_THROW(paths::PathState(paths::NextParams{paths::Direction::Forward, paths::Base::Tail, 1}), Error);
    EXPECT_THROW(paths::PathState(paths::NextParams{paths::Direction::Forward, paths::Base::FirstMatch, 0}), Error);
    EXPECT_THROW(paths::parse_direction("Forward"), Error);
    EXPECT_THROW(paths::parse_base("middle"), Error);
}

using NamedTimes = std::vector<std::pair<std::int64_t, std::string>>;

paths::PathState agg_state(const NamedTimes& rows, bool collapse, std::int32_t keep) {
    paths::PathState state(paths::AggParams{collapse, keep});
    for (const auto& [t, name] : rows) state.add_named(t, name.data(), name.size());
    return state;
}

// path_agg's final: the names, space-separated.
std::string path(const paths::PathState& state) {
    std::vector<paths::Node> nodes(static_cast<std::size_t>(state.size()));
    const std::int64_t n = state.path(nodes.data());
    std::string out;
    for (std::int64_t i = 0; i < n; ++i) out += std::string(nodes[i].name, nodes[i].event.length) + " ";
    return out;
}

TEST(PathAgg, OrdersCollapsesAndKeeps) {
    const auto run = [](const NamedTimes& rows, bool collapse, std::int32_t keep) {
        return path(agg_state(rows, collapse, keep));
    };
    const NamedTimes rows = {{5, "buy"}, {1, "view"}, {2, "view"}, {3, "cart"}, {3, "view"}, {4, "view"}};
    EXPECT_EQ(run(rows, false, 0), "view view cart view view buy ");
    EXPECT_EQ(run(rows, true, 0), "view cart view buy ");
    EXPECT_EQ(run(rows, true, 2), "view cart ");
    EXPECT_EQ(run(rows, true, -2), "view buy ");
    EXPECT_EQ(run(rows, false, -10), "view view cart view view buy ");
    EXPECT_EQ(run({}, true, 3), "");
    EXPECT_EQ(state_test::error_kind([] { paths::check_keep(0); }), ErrorKind::InvalidValue);
    EXPECT_EQ(state_test::error_kind([] { paths::check_keep(std::numeric_limits<std::int32_t>::min()); }),
              ErrorKind::InvalidValue);
}

// Merging the states of every split of the rows (as combine does) gives the
// result of one state over all of them, for every kind.
TEST(PathState, MergedPartsGiveTheWholeResult) {
    const NamedTimes names = {{5, "buy"}, {1, "view"}, {2, "view"}, {3, "cart"}, {3, "view"}, {4, "view"}};
    const std::string whole = path(agg_state(names, true, -3));
    for (std::size_t cut = 0; cut <= names.size(); ++cut) {
        paths::PathState merged = agg_state({}, true, -3);
        merged.merge(agg_state({names.begin(), names.begin() + cut}, true, -3));
        merged.merge(agg_state({names.begin() + cut, names.end()}, true, -3));
        EXPECT_EQ(path(merged), whole) << cut;
    }
    const auto rows = coded({{0, 1}, {1, 2}, {2, 1}, {2, 2}, {5, 3}, {6, 2}}, {1, 2, 3});
    const std::string pattern = "(?1)(?t<=3)(?2)";
    const std::int64_t matches = count(pattern, rows);
    EXPECT_EQ(matches, 2);
    for (std::size_t cut = 0; cut <= rows.size(); ++cut) {
        paths::PathState merged = match_state(pattern, rows).empty_copy();
        merged.merge(match_state(pattern, {rows.begin(), rows.begin() + cut}, 3));
        merged.merge(match_state(pattern, {rows.begin() + cut, rows.end()}, 3));
        EXPECT_EQ(counts(merged), matches) << cut;
    }
    const auto chain = named("ABABC", "BA");
    for (std::size_t cut = 0; cut <= chain.size(); ++cut) {
        paths::PathState merged = next_state("forward", "head", chain);
        EXPECT_EQ(state_test::error_kind([&] { merged.merge(next_state("forward", "first_match", chain)); }),
                  ErrorKind::InvalidValue);
        merged = next_state("forward", "first_match", chain).empty_copy();
        merged.merge(next_state("forward", "first_match", {chain.begin(), chain.begin() + cut}, 2));
        merged.merge(next_state("forward", "first_match", {chain.begin() + cut, chain.end()}, 2));
        EXPECT_EQ(found(merged), "B") << cut;
    }
    EXPECT_EQ(state_test::error_kind([&] { agg_state(names, true, 2).merge(agg_state(names, false, 2)); }),
              ErrorKind::InvalidValue);
    EXPECT_EQ(state_test::error_kind([&] { match_state("(?1)", rows).merge(match_state("(?2)", rows)); }),
              ErrorKind::InvalidValue);
    EXPECT_EQ(state_test::error_kind([&] { agg_state({}, false, 0).merge(next_state("forward", "head", {})); }),
              ErrorKind::InvalidValue);  // another kind
}

TEST(PathState, RejectsCorruptStates) {
    state_test::expect_flat_form_checked(agg_state({{2, "b"}, {1, "abc"}, {1, ""}}, true, -2));
    state_test::expect_flat_form_checked(
        match_state("(?1).*(?2)", coded({{0, 1}, {1, 2}, {2, 3}}, {1, 2})));
    const paths::PathState next = next_state("backward", "tail", named("ABCD", "DC"));
    state_test::expect_flat_form_checked(next);
    EXPECT_EQ(found(state_test::reread(next)), "B");
    // Corruptions after the fixed fields: the last name byte count, then one event's bits.
    const auto corrupt = [](const paths::PathState& state, std::size_t offset, auto value) {
        auto bytes = state_test::flat(state);
        std::memcpy(bytes.data() + offset, &value, sizeof value);
        return state_test::error_kind([&] { paths::PathState::read(bytes.data(), bytes.size()); });
    };
    // Fixed fields: magic 4, kind 4, collapse 1, keep 4, conditions 4, within 8, direction 4, base 4,
    // steps 4.
    constexpr std::size_t kKind = 4, kKeep = 9, kWithin = 17, kDirection = 25, kSteps = 33, kPatternCount = 37;
    EXPECT_EQ(corrupt(next, kKind, std::uint32_t{7}), ErrorKind::CorruptState);
    EXPECT_EQ(corrupt(next, kKind, std::uint32_t{2}), ErrorKind::CorruptState);      // a pattern kind with names
    EXPECT_EQ(corrupt(next, kDirection, std::int32_t{0}), ErrorKind::CorruptState);  // forward from tail
    EXPECT_EQ(corrupt(next, kSteps, std::int32_t{1}), ErrorKind::CorruptState);      // events hold step 2
    EXPECT_EQ(corrupt(next, kKeep, std::int32_t{3}), ErrorKind::CorruptState);       // path_agg's keep
    EXPECT_EQ(corrupt(next, kPatternCount, std::int64_t{-1}), ErrorKind::CorruptState);
    EXPECT_EQ(corrupt(next, kWithin, std::int64_t{5}), ErrorKind::CorruptState);  // a within limit off Match
    // The first event's name length (bits 0..30 after its time and bits): names no longer add up.
    const std::size_t first_event = kPatternCount + 8 + 8;
    EXPECT_EQ(corrupt(next, first_event + 12, std::uint32_t{0x80000002}), ErrorKind::CorruptState);
    // Each list's count lies: the pattern's (at kPatternCount), the events' after the pattern, the
    // names' after the events.
    const std::string pattern = "(?1).*(?2)";
    const paths::PathState match = match_state(pattern, coded({{0, 1}, {1, 2}, {2, 3}}, {1, 2}));
    for (const paths::PathState* state : {&next, &match}) {
        const std::size_t events_count = kPatternCount + 8 + state->match_params().length;
        const std::size_t names_count = events_count + 8 + sizeof(paths::Event) * state->size();
        for (std::size_t count : {kPatternCount, events_count, names_count}) state_test::expect_count_checked(*state, count);
    }
}

// A path_agg state stops as soon as its flat form would pass 1 GB, the
// largest value PostgreSQL holds, before copying anything. (That a state
// growing row by row stops at 1 GB is checked in SQL by test/cancel.sh: it
// needs 1 GB of memory.)
TEST(PathState, GrowingPastOneGigabyteIsAnError) {
    paths::PathState state(paths::AggParams{});
    const char byte = 'x';
    state.add_named(0, &byte, 1);
    const std::size_t rest = eventml::core::kMaxStateBytes - state.flat_bytes();
    try {
        state.add_named(1, &byte, rest);  // never read: the check comes first
        ADD_FAILURE() << "no limit";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::LimitExceeded);
        EXPECT_NE(std::string(e.what()).find("1 GB"), std::string::npos) << e.what();
    }
    EXPECT_EQ(state.size(), 1);
}
