// Funnels and retention with ClickHouse's semantics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "error.hpp"
#include "flat.hpp"
#include "memory.hpp"

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
// Work limit of funnel_trends, which follows the chain of every step-1
// event through its window: the events read for one entity.
constexpr std::int64_t kMaxTrendEvents = 100000000;

enum Mode : unsigned {
    kStrictDeduplication = 1u,
    kStrictOrder = 2u,
    kStrictIncrease = 4u,
    kStrictOnce = 8u,
    kAllowReentry = 16u,
    kUnordered = 32u,  // PostHog's any-order funnel; combines with no other mode
};
// Parses a comma-separated list of mode names (ClickHouse's, and
// 'unordered'); throws InvalidValue naming an unknown one.
unsigned parse_modes(const char* text);

// An exclusion's event: sorted after the step events of its time, so an
// exclusion at the same time as a step is not between two steps.
constexpr std::int32_t kExclusionStep = kMaxSteps + 1;

struct Event {
    std::int64_t time;  // microseconds
    std::int32_t step;  // 1..N, 0 for strict_order's placeholder, or kExclusionStep
    std::int32_t row;   // which input row (strict_once tells rows apart)
};

// The entity's result: the level reached, and when the chain it comes from
// reached each step (times[0..level-1]); kExcluded when that chain was
// disqualified by an exclusion.
constexpr int kExcluded = -1;
struct Chain {
    int level = 0;
    std::int64_t times[kMaxSteps] = {};
};

// Exclusions (PostHog's funnel exclusion steps): an exclusion event after a
// chain's step s-1 and within its window, while it waits for step s, for s
// in from+1..to, disqualifies the chain; a disqualified chain goes no
// further. The result is the deepest level a chain reached; when every chain
// that reached it was disqualified, the entity is excluded. Unordered: an
// exclusion event ends every window that holds it (docs/funnels.md).
// A step-1 event and whether the chain it starts converts: the mode's pass
// over the events from it to the end of its window, with it as the only
// start (later step-1 events neither restart nor break that chain); for an
// unordered funnel, whether every step has an event in its window before any
// exclusion. funnel_trends counts entities by the periods of these events.
struct Start {
    std::int64_t time;
    bool converted;
};

struct Params {
    std::int64_t window;  // microseconds, >= 0
    unsigned modes;       // Mode bits
    int steps;            // 1..kMaxSteps
    int exclude_from = 0, exclude_to = 0;  // 1 <= from < to <= steps, or both 0: no exclusion
};

// funnel's and funnel_times' state: the events of an entity's rows (one per
// true step, and strict_order's placeholders) and how many rows it saw.
class FunnelState : public FlatForm<FunnelState> {
public:
    explicit FunnelState(const Params& params);  // InvalidValue / ArrayShape for bad parameters
    const Params& params() const { return params_; }
    std::int64_t size() const { return events_.size(); }  // events kept
    // A row at time ts where step i+1 holds when holds[i] (and the exclusion
    // when excluded); ArrayShape unless steps is the state's.
    void add(std::int64_t ts, const bool* holds, int steps, bool excluded = false);
    // Appends other's events, renumbering its rows after this state's (as
    // ClickHouse does), so strict_once still tells rows apart. InvalidValue
    // unless the parameters are the same.
    void merge(const FunnelState& other);
    FunnelState empty_copy() const { return FunnelState(params_); }
    // The deepest chain (sorts the events in place).
    Chain finish(const StopCheck& stop);
    // funnel_trends: for each step-1 event, in time order, whether the chain
    // it starts reaches the last step within its window (sorts the events in
    // place; see chain_starts).
    // The starts go to out, which has room for size(); returns how many.
    std::int64_t starts(Start* out, const StopCheck& stop);

    // The flat form (FlatForm: flat_bytes, write, read; check validates every event).
    static const std::uint32_t kMagic;
    static constexpr const char* kName = "funnel";
    explicit FunnelState(Unread) {}
    template <typename Self, typename Form>
    static void layout(Self& self, Form& form) {
        form.field(self.params_.window).field(self.params_.modes).field(self.params_.steps);
        form.field(self.params_.exclude_from).field(self.params_.exclude_to).field(self.rows_);
        form.items(self.events_);
    }
    void check(const FlatReader& in) const;

private:
    void count_rows(std::int64_t more);
    Params params_{};
    std::int64_t rows_ = 0;  // input rows seen: the next row id
    Block<Event> events_;
};

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
