// libFuzzer target for the funnel and retention states.
//   funnel     funnel::FunnelState::read (what funnel_deserialize runs), then
//              what the glue does with an accepted state: serialize writes it
//              back byte for byte, combine merges it, and funnel_final /
//              funnel_times_final take its deepest chain.
//   retention  (an 8-byte input: the int64 state): retention_conditions and
//              retention_result (retention_final), retention_merge
//              (retention_combine) and retention_add (retention_trans).
// sources: funnel.cpp memory.cpp error.cpp
#include <cstddef>
#include <cstring>
#include <limits>
#include <vector>

#include "funnel.hpp"
#include "state_fuzz.hpp"

namespace funnel = eventml::core::funnel;
using fuzz::Buffer;

namespace {

// Where the events start in the flat form: magic (4), window (8), modes (4),
// steps (4), exclusion from (4) and to (4), rows (8), their count (8);
// FunnelState::layout.
constexpr std::size_t kEventsAt = 44;

void run_funnel(const Buffer& input) {
    std::optional<funnel::FunnelState> state = fuzz::read_state<funnel::FunnelState>(input);
    if (!state) return;
    fuzz::check_written_back(*state, input);
    const funnel::Params params = state->params();
    funnel::Chain chain;
    if (!fuzz::consume([&] { chain = state->finish(eventml::core::StopCheck()); })) return;
    // funnel_times_final: the times of the deepest chain's steps, in order,
    // each the time of an event of that step, the whole chain within the window.
    FUZZ_CHECK(chain.level >= funnel::kExcluded && chain.level <= params.steps);
    // Only an ordered funnel with an exclusion leaves an entity out.
    if (chain.level == funnel::kExcluded) {
        FUZZ_CHECK(params.exclude_to > 0 && !(params.modes & funnel::kUnordered));
        return;
    }
    const bool unordered = params.modes & funnel::kUnordered;
    const std::vector<unsigned char> bytes = fuzz::flat_bytes_of(*state);  // the events, sorted
    std::vector<funnel::Event> events((input.size() - kEventsAt) / sizeof(funnel::Event));
    if (!events.empty()) std::memcpy(events.data(), bytes.data() + kEventsAt, sizeof(funnel::Event) * events.size());
    for (int i = 0; i < chain.level; ++i) {
        bool found = false;
        // Ordered: an event of step i+1; unordered: of some step.
        for (const funnel::Event& e : events)
            found = found || (e.time == chain.times[i] && (unordered ? e.step >= 1 && e.step <= params.steps
                                                                     : e.step == i + 1));
        FUZZ_CHECK(found);
        if (i > 0) FUZZ_CHECK(chain.times[i - 1] <= chain.times[i]);
        if (i > 0 && (params.modes & funnel::kStrictIncrease)) FUZZ_CHECK(chain.times[i - 1] < chain.times[i]);
    }
    if (chain.level > 0) {
        const std::int64_t first = chain.times[0], last = chain.times[chain.level - 1];
        FUZZ_CHECK(first > std::numeric_limits<std::int64_t>::max() - params.window || last <= first + params.window);
    }
}

void run_retention(std::int64_t state) {
    int n = 0;
    if (!fuzz::accepts([&] { n = funnel::retention_conditions(state); })) return;
    FUZZ_CHECK(n >= 1 && n <= funnel::kMaxRetentionConditions);
    // retention_final.
    bool r[funnel::kMaxRetentionConditions];
    funnel::retention_result(state, r);
    for (int i = 0; i < n; ++i) FUZZ_CHECK(r[i] == (r[0] && (state >> i & 1)));
    // retention_combine: merging with itself or with an empty row changes nothing.
    FUZZ_CHECK(funnel::retention_merge(state, state) == state);
    bool none[funnel::kMaxRetentionConditions] = {}, all[funnel::kMaxRetentionConditions];
    std::memset(all, 1, sizeof all);
    FUZZ_CHECK(funnel::retention_add(state, none, n) == state);
    // retention_trans: a row where every condition held.
    const funnel::RetentionState full = funnel::retention_add(state, all, n);
    FUZZ_CHECK(funnel::retention_conditions(full) == n);
    FUZZ_CHECK(funnel::retention_merge(state, full) == full);
    // A row with another number of conditions is an error, not a state.
    if (n < funnel::kMaxRetentionConditions)
        FUZZ_CHECK(!fuzz::consume([&] { (void)funnel::retention_add(state, all, n + 1); }));
}

// ---- seeds ----------------------------------------------------------------

// A funnel state built from rows of (time, step flags), as funnel() builds it.
struct Row {
    std::int64_t time;
    std::uint32_t holds;  // bit i: step i+1 holds; bit 31: the exclusion holds
};
std::vector<unsigned char> funnel_state(std::int64_t window, const char* modes, int steps,
                                        const std::vector<Row>& rows, int from = 0, int to = 0) {
    funnel::FunnelState state(funnel::Params{window, funnel::parse_modes(modes), steps, from, to});
    for (const Row& r : rows) {
        bool holds[funnel::kMaxSteps];
        for (int i = 0; i < steps; ++i) holds[i] = r.holds >> i & 1u;
        state.add(r.time, holds, steps, r.holds >> 31 & 1u);
    }
    return fuzz::flat_bytes_of(state);
}

std::vector<unsigned char> retention_state(const std::vector<std::vector<bool>>& rows) {
    funnel::RetentionState state = 0;
    for (const auto& held : rows) {
        bool flags[funnel::kMaxRetentionConditions];
        for (std::size_t i = 0; i < held.size(); ++i) flags[i] = held[i];
        state = funnel::retention_add(state, flags, static_cast<int>(held.size()));
    }
    fuzz::Bytes out;
    out.put(state);
    return out.bytes;
}

fuzz::Seeds seeds() {
    constexpr std::int64_t kHour = 3600000000LL;
    const std::vector<Row> rows = {{0, 1}, {kHour, 2}, {2 * kHour, 0}, {2 * kHour, 4}, {3 * kHour, 3},
                                   {5 * kHour, 1}, {5 * kHour, 2}, {30 * kHour, 4}, {31 * kHour, 8}};
    fuzz::Seeds out;
    out.push_back({"funnel-empty", funnel_state(kHour, "", 2, {})});
    out.push_back({"funnel-default", funnel_state(24 * kHour, "", 4, rows)});
    out.push_back({"funnel-strict-order", funnel_state(24 * kHour, "strict_order, allow_reentry", 4, rows)});
    out.push_back({"funnel-strict-dedup-increase",
                   funnel_state(6 * kHour, "strict_deduplication,strict_increase", 3, rows)});
    out.push_back({"funnel-strict-once", funnel_state(48 * kHour, "strict_once", 4, rows)});
    const std::uint32_t x = 1u << 31;
    const std::vector<Row> excluded = {{0, 1}, {kHour / 2, x}, {kHour, 1}, {kHour, x}, {2 * kHour, 2 | x},
                                       {3 * kHour, 4}, {3 * kHour, x}, {4 * kHour, 8}};
    out.push_back({"funnel-exclusion", funnel_state(24 * kHour, "", 4, excluded, 1, 4)});
    out.push_back({"funnel-exclusion-2-3-once", funnel_state(24 * kHour, "strict_once", 4, excluded, 2, 3)});
    out.push_back({"funnel-unordered", funnel_state(3 * kHour, "unordered", 4, rows)});
    out.push_back({"funnel-unordered-exclusion", funnel_state(3 * kHour, "unordered", 4, excluded, 1, 4)});
    out.push_back({"retention-3", retention_state({{true, false, false}, {false, false, true}})});
    out.push_back({"retention-32", retention_state({std::vector<bool>(32, true)})});
    out.push_back({"retention-1-false", retention_state({{false}})});
    return out;
}

bool valid(const Buffer& input) {
    if (input.size() == sizeof(funnel::RetentionState))
        return fuzz::accepts([&] { funnel::retention_conditions(input.read<std::int64_t>(0)); });
    return fuzz::read_state<funnel::FunnelState>(input).has_value();
}

void run(const Buffer& input) {
    if (input.size() == sizeof(funnel::RetentionState))
        run_retention(input.read<std::int64_t>(0));
    else
        run_funnel(input);
}

// A rejected 8-byte input still runs the retention consumers (they must
// refuse it); a longer one is not repaired (fuzz::no_repair says why).
bool repair(Buffer& input) { return input.size() == sizeof(funnel::RetentionState); }

}  // namespace

FUZZ_STATE_TARGET(seeds, valid, run, repair)
