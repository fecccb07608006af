// libFuzzer target for the serialized state of the path aggregates:
// paths::PathState::read (what path_deserialize runs), then what the glue
// does with an accepted state: serialize writes it back byte for byte,
// combine merges it, and the final function of the state's kind runs:
//   Agg    path_agg_final: path() on the nodes (event + name);
//   Match  path_match_final / path_count_final / path_match_events_final:
//          compile the state's pattern, sort the events, matches(),
//          count_matches() and match_events();
//   Next   path_next_final: next_node() on the nodes.
// sources: paths.cpp memory.cpp error.cpp
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "paths.hpp"
#include "state_fuzz.hpp"

namespace paths = eventml::core::paths;
using fuzz::Buffer;

namespace {

// Matching backtracks up to kMaxIterations steps per search, and counting
// searches from every event: bounded, but slow for a long state.
constexpr std::int64_t kMaxMatchedEvents = 256;

// Sums a node's name bytes, so that AddressSanitizer checks them.
unsigned touch(const paths::Node& node) {
    unsigned sum = 0;
    for (std::uint32_t i = 0; i < node.event.length; ++i) sum += static_cast<unsigned char>(node.name[i]);
    return sum;
}

void run(const Buffer& input) {
    std::optional<paths::PathState> state = fuzz::read_state<paths::PathState>(input);
    if (!state) return;
    fuzz::check_written_back(*state, input);
    const std::int64_t n = state->size();
    std::vector<paths::Node> nodes(static_cast<std::size_t>(n));
    volatile unsigned sink = 0;
    switch (state->kind()) {
        case paths::Kind::Agg: {  // path_agg_final
            const paths::AggParams params = state->agg_params();
            std::int64_t kept = -1;
            if (!fuzz::consume([&] { kept = state->path(nodes.data()); })) return;
            FUZZ_CHECK(kept >= 0 && kept <= n);
            if (params.keep > 0) FUZZ_CHECK(kept <= params.keep);
            if (params.keep < 0) FUZZ_CHECK(kept <= -static_cast<std::int64_t>(params.keep));
            for (std::int64_t i = 0; i < kept; ++i) {
                sink = sink + touch(nodes[i]);
                if (i > 0) FUZZ_CHECK(nodes[i - 1].event.time <= nodes[i].event.time);
                if (i > 0 && params.collapse)
                    FUZZ_CHECK(nodes[i - 1].event.length != nodes[i].event.length ||
                               std::memcmp(nodes[i - 1].name, nodes[i].name, nodes[i].event.length) != 0);
            }
            break;
        }
        case paths::Kind::Match: {  // path_match_final, path_count_final
            const paths::MatchParams params = state->match_params();
            std::vector<paths::Action> actions(paths::max_actions(params.length));
            std::size_t steps = 0;
            if (!fuzz::consume([&] {
                    steps = paths::compile(params.pattern, params.length, params.conditions, actions.data());
                }))
                return;
            FUZZ_CHECK(steps >= 1 && steps <= actions.size());
            state->sort();
            if (n > kMaxMatchedEvents) return;
            bool matched = false;
            std::int64_t matches = -1;
            const bool ran_match =
                fuzz::consume([&] { matched = state->matches(actions.data(), steps, eventml::core::StopCheck()); });
            const bool ran_count = fuzz::consume(
                [&] { matches = state->count_matches(actions.data(), steps, eventml::core::StopCheck()); });
            if (ran_count) FUZZ_CHECK(matches >= 0 && matches <= n);
            // Counting starts with the search that matching makes.
            if (ran_match && ran_count && n > 0) FUZZ_CHECK(matched == (matches > 0));
            // path_match_events: at most one time per (?N) step, ascending, all
            // of them when the pattern matches without a within limit.
            const std::size_t conditions = paths::condition_steps(actions.data(), steps);
            std::vector<std::int64_t> times(conditions);
            std::int64_t taken = -1;
            if (fuzz::consume([&] { taken = state->match_events(actions.data(), steps, times.data(), eventml::core::StopCheck()); })) {
                FUZZ_CHECK(taken >= 0 && static_cast<std::size_t>(taken) <= conditions);
                for (std::int64_t i = 1; i < taken; ++i) FUZZ_CHECK(times[i - 1] <= times[i]);
                if (ran_match && matched && params.within == paths::kNoWithin)
                    FUZZ_CHECK(static_cast<std::size_t>(taken) == conditions);
            }
            break;
        }
        case paths::Kind::Next: {  // path_next_final
            std::int64_t found = -2;
            if (!fuzz::consume([&] { found = state->next_node(nodes.data()); })) return;
            FUZZ_CHECK(found >= -1 && found < n);
            if (found >= 0) sink = sink + touch(nodes[found]);
            break;
        }
        default:
            FUZZ_CHECK(!"PathState::read accepted an unknown kind");
    }
}

// ---- seeds ----------------------------------------------------------------

struct Row {
    std::int64_t time;
    std::uint32_t bits;  // conditions (Match) or steps (Next)
    const char* name;
    bool base;
};

std::vector<unsigned char> agg(const paths::AggParams& params, const std::vector<Row>& rows) {
    paths::PathState state(params);
    for (const Row& row : rows) state.add_named(row.time, row.name, std::strlen(row.name));
    return fuzz::flat_bytes_of(state);
}

std::vector<unsigned char> match(const std::string& pattern, int conditions, const std::vector<Row>& rows,
                                 std::int64_t within = paths::kNoWithin) {
    paths::PathState state(paths::MatchParams{conditions, pattern.data(), pattern.size(), within});
    for (const Row& row : rows) {
        bool holds[paths::kMaxConditions];
        for (int i = 0; i < conditions; ++i) holds[i] = row.bits >> i & 1u;
        state.add_conditions(row.time, holds, conditions);
    }
    return fuzz::flat_bytes_of(state);
}

std::vector<unsigned char> next(const paths::NextParams& params, const std::vector<Row>& rows) {
    paths::PathState state(params);
    for (const Row& row : rows) {
        bool holds[paths::kMaxConditions];
        for (int i = 0; i < params.steps; ++i) holds[i] = row.bits >> i & 1u;
        state.add_next(row.time, row.name, std::strlen(row.name), row.base, holds, params.steps);
    }
    return fuzz::flat_bytes_of(state);
}

fuzz::Seeds seeds() {
    constexpr std::int64_t kSecond = 1000000;
    const std::vector<Row> named = {{5 * kSecond, 0, "buy", false},  {1 * kSecond, 0, "view", false},
                                    {2 * kSecond, 0, "view", false}, {3 * kSecond, 0, "cart", false},
                                    {3 * kSecond, 0, "view", false}, {4 * kSecond, 0, "", false}};
    const std::vector<Row> matched = {{1 * kSecond, 1, "", false}, {2 * kSecond, 2, "", false},
                                      {9 * kSecond, 3, "", false}, {4 * kSecond, 4, "", false},
                                      {4 * kSecond, 1, "", false}, {70 * kSecond, 2, "", false}};
    const std::vector<Row> visits = {{1 * kSecond, 1, "home", true},   {2 * kSecond, 2, "search", false},
                                     {3 * kSecond, 0, "product", false}, {3 * kSecond, 3, "home", true},
                                     {4 * kSecond, 2, "search", true},  {6 * kSecond, 0, "cart", false}};
    using paths::Base;
    using paths::Direction;
    fuzz::Seeds out;
    out.push_back({"path-all", agg({false, 0}, named)});
    out.push_back({"path-collapse-first-3", agg({true, 3}, named)});
    out.push_back({"path-last-2", agg({false, -2}, named)});
    out.push_back({"pattern-plain", match("(?1).*(?2)(?3)", 3, matched)});
    out.push_back({"pattern-timed", match("(?1)(?t<=5).*(?2)(?t>1)(?3)", 3, matched)});
    out.push_back({"pattern-empty", match("", 1, {})});
    out.push_back({"pattern-within", match("(?1).*(?2).*(?3)", 3, matched, 8 * kSecond)});
    out.push_back({"next-head-forward", next({Direction::Forward, Base::Head, 0}, visits)});
    out.push_back({"next-first-match-2", next({Direction::Forward, Base::FirstMatch, 2}, visits)});
    out.push_back({"next-last-match-backward", next({Direction::Backward, Base::LastMatch, 1}, visits)});
    return out;
}

bool valid(const Buffer& input) { return fuzz::read_state<paths::PathState>(input).has_value(); }

}  // namespace

FUZZ_STATE_TARGET(seeds, valid, run, fuzz::no_repair)
