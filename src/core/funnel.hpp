// Funnels and retention with ClickHouse's semantics.
#pragma once

#include <cstddef>
#include <cstdint>

#include "error.hpp"

namespace eventml::core::funnel {

// ---- funnel: ClickHouse's windowFunnel -------------------------------------
//
// Events are the rows where some step condition holds: one event per true
// condition (step 1..N), plus, in strict_order mode, a placeholder (step 0)
// for a row where none holds. Sorted by (time, step, row), they go through
// ClickHouse's single greedy pass (getEventLevel): a step-1 event starts a
// chain (replacing the chain in level 1), step i+1 extends the chain held at
// level i when it comes at most `window` after that chain's first event, and
// the result is the deepest level reached. docs/funnels.md has the modes.

constexpr int kMaxSteps = 32;
// Work limit of strict_once, which keeps every partial chain.
constexpr std::int64_t kMaxStrictOnceChains = 1000000;

enum Mode : unsigned {
    kStrictDeduplication = 1u,
    kStrictOrder = 2u,
    kStrictIncrease = 4u,
    kStrictOnce = 8u,
    kAllowReentry = 16u,
};
// Parses a comma-separated list of ClickHouse mode names; throws
// InvalidValue naming an unknown one.
unsigned parse_modes(const char* text);

struct Event {
    std::int64_t time;  // microseconds
    std::int32_t step;  // 1..N, or 0 for strict_order's placeholder
    std::int32_t row;   // which input row (strict_once tells rows apart)
};

// The deepest chain: its level, and when it reached each step (times[0..level-1]).
struct Chain {
    int level = 0;
    std::int64_t times[kMaxSteps] = {};
};

// Sorts the events in place and runs the pass for a funnel of `steps` steps.
Chain deepest_chain(Event* events, std::int64_t count, int steps, std::int64_t window, unsigned modes,
                    const StopCheck& stop);

// The serialized form of a funnel state: this header, then the events.
struct EventsHeader {
    std::uint32_t magic;
    std::uint32_t version;
    std::int64_t window;
    std::uint32_t modes;
    std::int32_t steps;
    std::int64_t count;
    std::int64_t rows;  // input rows seen (the next row id)
};
void write_events_header(EventsHeader& header, std::int64_t window, unsigned modes, int steps, std::int64_t count,
                         std::int64_t rows);
// Validates a serialized block, header and every event; throws CorruptState.
const EventsHeader& check_events(const void* memory, std::size_t size);

// ---- retention --------------------------------------------------------------
//
// retention(cond1, ..., condN): r[1] = cond1 held on some row; r[i] = cond1
// and cond_i each held on some row (not necessarily the same one).
// The state is one integer, its own serialized form and mergeable by OR:
// bits 0..31 say which conditions held on some row, bits 32..39 hold N.
constexpr int kMaxRetentionConditions = 32;
using RetentionState = std::int64_t;

// The state after a row whose conditions are held[0..n-1], starting from
// state (0 for the first row). Throws ArrayShape for n outside 1..32 or an n
// other than the state's.
RetentionState retention_add(RetentionState state, const bool* held, int n);
// Merges two states of the same N.
RetentionState retention_merge(RetentionState a, RetentionState b);
// N of a state from outside; throws CorruptState unless it is well formed.
int retention_conditions(RetentionState state);
// Writes r[0..N-1].
void retention_result(RetentionState state, bool* r);

}  // namespace eventml::core::funnel
