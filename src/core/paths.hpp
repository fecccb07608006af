// Paths: ordered event lists (path_agg), ClickHouse's sequenceMatch /
// sequenceCount pattern language (path_match, path_count) and its
// sequenceNextNode (path_next). docs/paths.md has the semantics;
// docs/design/clickhouse-sequence.md the study of ClickHouse they follow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "error.hpp"
#include "flat.hpp"
#include "memory.hpp"

namespace eventml::core::paths {

constexpr int kMaxConditions = 32;  // path_match / path_count conditions, path_next steps
// Longest compiled pattern: bounds compile memory and the automaton's width.
constexpr std::size_t kMaxPatternActions = 10000;
// Work limit of one backtracking search (ClickHouse's, same count).
constexpr std::int64_t kMaxIterations = 1000000;

// ---- patterns ---------------------------------------------------------------

enum class Step : std::uint8_t {
    AnyRun,        // .*   any number of events
    AnyEvent,      // .    exactly one event
    Condition,     // (?N) one event where condition N holds
    TimeLess,      // (?t<S)   and so on: seconds since the last matched event
    TimeLessEqual,
    TimeGreater,
    TimeGreaterEqual,
    TimeEqual,
};

struct Action {
    Step step;
    std::uint32_t condition;  // Condition: 0-based condition number
    std::int64_t micros;      // time steps: S in microseconds (saturated)
};

// Compiles a pattern for `conditions` conditions into out, which has room
// for max_actions(length) actions; returns how many it wrote. The first is
// the implicit leading AnyRun that makes matches unanchored, as in
// ClickHouse. Throws InvalidPattern naming the 1-based character of a syntax
// error, InvalidValue for a condition number out of range, LimitExceeded
// for more than kMaxPatternActions steps.
std::size_t max_actions(std::size_t length);
std::size_t compile(const char* text, std::size_t length, int conditions, Action* out);

// ---- path_match / path_count -------------------------------------------------

// One kept row, as the state stores it. path_match/path_count keep the rows
// where some condition held (bits: bit i = condition i+1); path_agg and
// path_next keep every row, with the byte length of its name (the names are
// stored apart), and path_next its step bits and base condition.
struct Event {
    std::int64_t time;             // microseconds
    std::uint32_t bits;
    std::uint32_t length : 31;
    std::uint32_t base : 1;
};
static_assert(sizeof(Event) == 16, "compact events");
constexpr std::uint32_t kMaxNameBytes = (1u << 31) - 1;

// Orders events by time; rows at the same time keep their input order.
void sort_events(Event* events, std::int64_t count);

// A limit on the time from the first to the last event a match's (?N) steps
// take (microseconds, >= 0), or none.
constexpr std::int64_t kNoWithin = -1;

// On sorted events: is there a match (sequenceMatch), and how many
// non-overlapping matches are there, leftmost first (sequenceCount)? Patterns
// without time steps run as an automaton in O(pattern x events); the others,
// and every pattern with a within limit, backtrack as ClickHouse does, each
// search limited to kMaxIterations steps (LimitExceeded). With a limit, a
// branch of the search fails at the first (?N) event more than `within`
// after the branch's first (?N) event, so a match is found whenever any
// assignment of events to the pattern satisfies the limit.
bool match(const Action* actions, std::size_t count, const Event* events, std::int64_t n, std::int64_t within,
           const StopCheck& stop);
std::int64_t count_matches(const Action* actions, std::size_t count, const Event* events, std::int64_t n,
                           std::int64_t within, const StopCheck& stop);
// sequenceMatchEvents (ClickHouse 25.1, with the fix that the chain always
// matches a prefix of the pattern): the times of the events taken by the
// (?N) steps of the first full match the backtracking search finds, or else
// of the longest chain it reached (the first of equal length); none when no
// (?N) step ever matched. times has room for one per (?N) step of the
// pattern; returns how many it wrote.
std::int64_t match_events(const Action* actions, std::size_t count, const Event* events, std::int64_t n,
                          std::int64_t* times, const StopCheck& stop);
// The number of (?N) steps in a compiled pattern.
std::size_t condition_steps(const Action* actions, std::size_t count);

// ---- path_agg / path_next -------------------------------------------------------

// An event with its name, for ordering by name (path_next) and output.
struct Node {
    Event event;
    const char* name;
};

// path_agg: orders nodes by time (ties keep input order), collapses runs of
// equal names when asked, keeps the first `keep` (keep > 0) or the last
// -keep (keep < 0) nodes (keep 0: all). The chosen nodes end up at the front;
// returns how many.
std::int64_t order_path(Node* nodes, std::int64_t n, bool collapse, std::int64_t keep);

enum class Direction : std::int32_t { Forward, Backward };
enum class Base : std::int32_t { Head, Tail, FirstMatch, LastMatch };
// Parse the names ClickHouse uses; InvalidValue for anything else.
Direction parse_direction(const char* text);
Base parse_base(const char* text);

// sequenceNextNode: sorts nodes by (time, name bytes), ties in input order,
// and returns the index (into the sorted nodes) of the node right after
// (forward) or before (backward) the chain of `steps` steps that begins at the
// base node, or -1 when there is none.
std::int64_t next_node(Direction direction, Base base, int steps, Node* nodes, std::int64_t n);

// ---- the states ---------------------------------------------------------------------
//
// The four aggregates share one state type (and one combine, serialize and
// deserialize function in SQL); each kind has its own parameters, fixed by
// its group's first row.

// path_agg(ts, event [, collapse_repeats [, keep]]).
struct AggParams {
    bool collapse = false;
    std::int32_t keep = 0;  // first keep (> 0) or last -keep (< 0) events; 0: all
};
// An explicit keep argument; InvalidValue for 0 and for INT32_MIN.
std::int32_t check_keep(std::int32_t keep);

// path_match / path_count / path_match_events(pattern, ts, [within,] conds).
// The state keeps a copy of the pattern (its params point there).
struct MatchParams {
    int conditions = 0;  // 1..kMaxConditions
    const char* pattern = "";
    std::size_t length = 0;
    std::int64_t within = kNoWithin;
};

// path_next(direction, base, ts, event, base_cond [, steps]).
struct NextParams {
    Direction direction = Direction::Forward;
    Base base = Base::Head;
    int steps = 0;  // 0..kMaxConditions
};

enum class Kind : std::uint32_t { Agg = 1, Match = 2, Next = 3 };

class PathState : public FlatForm<PathState> {
public:
    // Each validates its parameters (InvalidValue, ArrayShape); a pattern is
    // compiled by the caller, which keeps the compiled form.
    explicit PathState(const AggParams& params);
    explicit PathState(const MatchParams& params);
    explicit PathState(const NextParams& params);

    Kind kind() const { return kind_; }
    const AggParams& agg_params() const { return agg_; }
    MatchParams match_params() const { return {conditions_, pattern_.data(), pattern_.bytes(), within_}; }
    const NextParams& next_params() const { return next_; }
    std::int64_t size() const { return events_.size(); }  // events kept

    // The rows of each kind: path_agg keeps every row with its name,
    // path_match/path_count the rows where some of the n conditions holds,
    // path_next every row with its name, base condition and step flags.
    // ArrayShape when n is not the state's.
    void add_named(std::int64_t ts, const char* name, std::size_t length);
    void add_conditions(std::int64_t ts, const bool* holds, int n);
    void add_next(std::int64_t ts, const char* name, std::size_t length, bool base, const bool* steps, int n);
    // Appends other's events after this state's, so rows at one time keep the
    // order of the partial states; InvalidValue unless kind and parameters
    // are the same.
    void merge(const PathState& other);
    PathState empty_copy() const;

    // Finals. nodes has room for size() nodes. path: the chosen nodes at the
    // front, returns how many; next: the index of the node found, or -1.
    std::int64_t path(Node* nodes) const;
    std::int64_t next_node(Node* nodes) const;
    // path_match / path_count with the state's pattern compiled; sort the
    // events first (in place: the state means the same afterwards).
    void sort();
    bool matches(const Action* actions, std::size_t count, const StopCheck& stop) const;
    std::int64_t count_matches(const Action* actions, std::size_t count, const StopCheck& stop) const;
    std::int64_t match_events(const Action* actions, std::size_t count, std::int64_t* times, const StopCheck& stop) const;

    // The flat form (FlatForm: flat_bytes, write, read; check validates every
    // event). Every kind writes all parameters, those of other kinds at
    // their defaults.
    static const std::uint32_t kMagic;
    static constexpr const char* kName = "path";
    explicit PathState(Unread) {}
    template <typename Self, typename Form>
    static void layout(Self& self, Form& form) {
        form.field(self.kind_).field(self.agg_.collapse).field(self.agg_.keep).field(self.conditions_).field(self.within_);
        form.field(self.next_.direction).field(self.next_.base).field(self.next_.steps);
        form.items(self.pattern_).items(self.events_).items(self.names_);
    }
    void check(const FlatReader& in) const;

private:
    void nodes(Node* out) const;
    void push(const Event& event, const char* name);
    Kind kind_ = Kind::Agg;
    AggParams agg_;
    int conditions_ = 0;  // Match
    std::int64_t within_ = kNoWithin;  // Match
    NextParams next_;
    Block<char> pattern_;
    Block<Event> events_;
    Block<char> names_;  // back to back in event order
};

}  // namespace eventml::core::paths
