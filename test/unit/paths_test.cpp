#include "paths.hpp"

#include <cstddef>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

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

// Rows of (seconds, condition values) as the glue keeps them: only rows where
// some condition holds.
struct Row {
    std::int64_t seconds;
    std::vector<bool> holds;
};

std::vector<paths::Event> kept(const std::vector<Row>& rows) {
    std::vector<paths::Event> events;
    for (const Row& row : rows) {
        paths::Event event{row.seconds * kSecond, 0, 0, 0};
        for (std::size_t i = 0; i < row.holds.size(); ++i)
            if (row.holds[i]) event.bits |= 1u << i;
        if (event.bits != 0) events.push_back(event);
    }
    paths::sort_events(events.data(), static_cast<std::int64_t>(events.size()));
    return events;
}

int conditions_of(const std::vector<Row>& rows) { return rows.empty() ? 2 : static_cast<int>(rows[0].holds.size()); }

bool match(const std::string& pattern, const std::vector<Row>& rows) {
    const auto actions = compile(pattern, conditions_of(rows));
    const auto events = kept(rows);
    return paths::match(actions.data(), actions.size(), events.data(), static_cast<std::int64_t>(events.size()),
                        StopCheck());
}

std::int64_t count(const std::string& pattern, const std::vector<Row>& rows) {
    const auto actions = compile(pattern, conditions_of(rows));
    const auto events = kept(rows);
    return paths::count_matches(actions.data(), actions.size(), events.data(),
                                static_cast<std::int64_t>(events.size()), StopCheck());
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
            return paths::match(actions.data(), actions.size(), events.data(), k + 1, StopCheck());
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
        EXPECT_TRUE(paths::match(plain.data(), plain.size(), events.data(), k + 1, StopCheck()));
    }
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

// Runs path_next over rows and returns the name found, or "NULL".
std::string next(const char* direction, const char* base, const std::vector<NamedRow>& rows) {
    std::vector<paths::Node> nodes;
    for (const NamedRow& row : rows) {
        paths::Node node{{row.seconds * kSecond, 0, static_cast<std::uint32_t>(row.name.size()), row.base},
                         row.name.data()};
        for (std::size_t i = 0; i < row.steps.size(); ++i)
            if (row.steps[i]) node.event.bits |= 1u << i;
        nodes.push_back(node);
    }
    const auto d = paths::parse_direction(direction);
    const auto b = paths::parse_base(base);
    const int steps = rows.empty() ? 0 : static_cast<int>(rows[0].steps.size());
    paths::check_next(d, b, steps);
    const std::int64_t i = paths::next_node(d, b, steps, nodes.data(), static_cast<std::int64_t>(nodes.size()));
    return i < 0 ? "NULL" : std::string(nodes[i].name, nodes[i].event.length);
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
    EXPECT_THROW(paths::check_next(paths::Direction::Backward, paths::Base::Head, 1), Error);
    EXPECT_THROW(paths::check_next(paths::Direction::Forward, paths::Base::Tail, 1), Error);
    EXPECT_THROW(paths::check_next(paths::Direction::Forward, paths::Base::FirstMatch, 0), Error);
    EXPECT_THROW(paths::parse_direction("Forward"), Error);
    EXPECT_THROW(paths::parse_base("middle"), Error);
}

TEST(PathAgg, OrdersCollapsesAndKeeps) {
    const auto run = [](std::vector<std::pair<std::int64_t, std::string>> rows, bool collapse, std::int64_t keep) {
        std::vector<paths::Node> nodes;
        for (const auto& [t, name] : rows)
            nodes.push_back({{t, 0, static_cast<std::uint32_t>(name.size()), 0}, name.data()});
        const std::int64_t n =
            paths::order_path(nodes.data(), static_cast<std::int64_t>(nodes.size()), collapse, keep);
        std::string out;
        for (std::int64_t i = 0; i < n; ++i) out += std::string(nodes[i].name, nodes[i].event.length) + " ";
        return out;
    };
    const std::vector<std::pair<std::int64_t, std::string>> rows = {
        {5, "buy"}, {1, "view"}, {2, "view"}, {3, "cart"}, {3, "view"}, {4, "view"}};
    EXPECT_EQ(run(rows, false, 0), "view view cart view view buy ");
    EXPECT_EQ(run(rows, true, 0), "view cart view buy ");
    EXPECT_EQ(run(rows, true, 2), "view cart ");
    EXPECT_EQ(run(rows, true, -2), "view buy ");
    EXPECT_EQ(run(rows, false, -10), "view view cart view view buy ");
    EXPECT_EQ(run({}, true, 3), "");
}

TEST(PathState, RejectsCorruptStates) {
    struct Blob {
        paths::StateHeader header;
        paths::Event events[2];
        char names[4];
    } blob;
    std::memset(&blob, 0, sizeof blob);
    blob.header = paths::make_header(paths::Kind::Next, 1, 0, 0, 0);
    blob.header.count = 2;
    blob.header.name_bytes = 4;
    blob.events[0] = {1, 1, 3, 1};
    blob.events[1] = {2, 0, 1, 0};
    std::memcpy(blob.names, "abcd", 4);
    const std::size_t size = offsetof(Blob, names) + 4;
    EXPECT_NO_THROW(paths::check_state(&blob, size));
    for (std::size_t cut = 0; cut < size; ++cut) EXPECT_THROW(paths::check_state(&blob, cut), Error) << cut;
    Blob bad = blob;
    bad.events[1].bits = 2;  // step 2 of a one-step path_next
    EXPECT_THROW(paths::check_state(&bad, size), Error);
    bad = blob;
    bad.events[0].length = 2;  // names no longer add up
    EXPECT_THROW(paths::check_state(&bad, size), Error);
    bad = blob;
    bad.header.options = 1 | 0 << 1;  // backward from head
    EXPECT_THROW(paths::check_state(&bad, size), Error);
    bad = blob;
    bad.header.kind = paths::Kind::Pattern;  // pattern events have no names
    EXPECT_THROW(paths::check_state(&bad, size), Error);
    bad = blob;
    bad.header.count = -1;
    EXPECT_THROW(paths::check_state(&bad, size), Error);
}
