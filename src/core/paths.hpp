// Paths: ordered event lists (path_agg), ClickHouse's sequenceMatch /
// sequenceCount pattern language (path_match, path_count) and its
// sequenceNextNode (path_next). docs/paths.md has the semantics;
// docs/design/clickhouse-sequence.md the study of ClickHouse they follow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "error.hpp"

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

// On sorted events: is there a match (sequenceMatch), and how many
// non-overlapping matches are there, leftmost first (sequenceCount)? Patterns
// without time steps run as an automaton in O(pattern x events); the others
// backtrack as ClickHouse does, each search limited to kMaxIterations steps
// (LimitExceeded).
bool match(const Action* actions, std::size_t count, const Event* events, std::int64_t n, const StopCheck& stop);
std::int64_t count_matches(const Action* actions, std::size_t count, const Event* events, std::int64_t n,
                           const StopCheck& stop);

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

enum class Direction { Forward, Backward };
enum class Base { Head, Tail, FirstMatch, LastMatch };
// Parse the names ClickHouse uses; InvalidValue for anything else.
Direction parse_direction(const char* text);
Base parse_base(const char* text);
// Rejects the combinations sequenceNextNode rejects: head with backward,
// tail with forward, first_match/last_match without steps.
void check_next(Direction direction, Base base, int steps);

// sequenceNextNode: sorts nodes by (time, name bytes), ties in input order,
// and returns the index (into the sorted nodes) of the node right after
// (forward) or before (backward) the chain of `steps` steps that begins at the
// base node, or -1 when there is none.
std::int64_t next_node(Direction direction, Base base, int steps, Node* nodes, std::int64_t n);

// ---- serialized state ---------------------------------------------------------------
//
// One state type serves the family: a header, then `count` Events, then
// the pattern text (path_match/path_count), then the names of the events,
// back to back in event order (path_agg, path_next).

enum class Kind : std::uint32_t { Path = 1, Pattern = 2, Next = 3 };

struct StateHeader {
    std::uint32_t magic;
    std::uint32_t version;
    Kind kind;
    std::int32_t conditions;     // Pattern: conditions; Next: steps
    std::int32_t options;        // Path: collapse; Next: direction | base << 1
    std::int32_t pattern_bytes;  // Pattern
    std::int64_t keep;           // Path
    std::int64_t count;
    std::int64_t name_bytes;
};
StateHeader make_header(Kind kind, int conditions, int options, int pattern_bytes, std::int64_t keep);
// Validates a serialized state (header, sizes, every node); throws
// CorruptState. Returns the header.
const StateHeader& check_state(const void* memory, std::size_t size);

}  // namespace eventml::core::paths
