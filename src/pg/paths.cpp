// SQL glue for path_agg, path_match, path_count and path_next.
#include "boundary.hpp"
#include "paths.hpp"
#include "values.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
}

namespace paths = eventml::core::paths;
using eventml::pg::guarded;

namespace {

// The transition state of every path aggregate: the header (what the
// aggregate is, fixed by its group's first row) and growing blocks of events,
// names and, for path_match/path_count, the pattern text, in the aggregate
// memory context. Its serialized form is paths::check_state's layout.
struct PathState {
    paths::StateHeader header;  // count and name_bytes kept current
    eventml::pg::GrowingBlock<paths::Event> events;
    eventml::pg::GrowingBlock<char> names;
    char* pattern;
};

// A new state in context (the aggregate's); its blocks grow there.
PathState* new_state(MemoryContext context, const paths::StateHeader& header, const char* pattern, int64 capacity,
                     int64 name_capacity) {
    auto* state = static_cast<PathState*>(MemoryContextAlloc(context, sizeof(PathState)));
    state->header = header;
    state->header.count = 0;
    state->header.name_bytes = 0;
    state->events.start(context, capacity);
    state->names.start(context, std::max<int64>(name_capacity, 64));
    state->pattern = static_cast<char*>(MemoryContextAlloc(context, header.pattern_bytes + 1));
    std::memcpy(state->pattern, pattern, header.pattern_bytes);
    return state;
}

// Appends events and their names.
void append(PathState* state, const paths::Event* events, int64 count, const char* names, int64 name_bytes) {
    state->events.append(events, count);
    state->names.append(names, name_bytes);
    state->header.count = state->events.count;
    state->header.name_bytes = state->names.count;
}

PathState* state_arg(FunctionCallInfo fcinfo, int argno) {
    return PG_ARGISNULL(argno) ? nullptr : reinterpret_cast<PathState*>(PG_GETARG_POINTER(argno));
}

// Parameters of the group are taken from its first row and must not be NULL.
void require(FunctionCallInfo fcinfo, int argno, const char* function, const char* argument) {
    if (PG_ARGISNULL(argno))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s: %s must not be NULL", function, argument)));
}

// A text argument's bytes, as an event name.
paths::Event named_event(int64 time, text* name, const char** bytes) {
    const std::size_t length = VARSIZE_ANY_EXHDR(name);
    *bytes = VARDATA_ANY(name);
    return paths::Event{time, 0, static_cast<std::uint32_t>(length), 0};
}

// The compiled pattern, kept for the whole query in the calling function's
// fn_extra: compiled once per query, not per group or row.
struct CompiledPattern {
    const char* function;  // the aggregate, for messages
    int conditions;
    int length;
    char* text;
    std::size_t count;
    paths::Action* actions;
};

const CompiledPattern* compiled_pattern(FmgrInfo* flinfo, const char* text, int length, int conditions,
                                        const char* function) {
    auto* cached = static_cast<CompiledPattern*>(flinfo->fn_extra);
    if (cached != nullptr && cached->conditions == conditions && cached->length == length &&
        std::memcmp(cached->text, text, length) == 0)
        return cached;
    if (cached == nullptr) {
        cached = static_cast<CompiledPattern*>(MemoryContextAllocZero(flinfo->fn_mcxt, sizeof *cached));
        flinfo->fn_extra = cached;
    } else {
        pfree(cached->actions);
        pfree(cached->text);
    }
    cached->length = -1;  // matches no pattern until compiled
    cached->function = function;
    cached->text = static_cast<char*>(MemoryContextAlloc(flinfo->fn_mcxt, length + 1));
    std::memcpy(cached->text, text, length);
    cached->actions = static_cast<paths::Action*>(
        MemoryContextAlloc(flinfo->fn_mcxt, sizeof(paths::Action) * paths::max_actions(length)));
    guarded(function, [&] { cached->count = paths::compile(text, length, conditions, cached->actions); });
    cached->conditions = conditions;
    cached->length = length;
    return cached;
}

// Event names back to back in event order: the name of each event.
paths::Node* nodes_of(const PathState* state) {
    const int64 n = state->header.count;
    auto* nodes = static_cast<paths::Node*>(MemoryContextAllocHuge(CurrentMemoryContext, sizeof(paths::Node) * std::max<int64>(n, 1)));
    const char* name = state->names.items;
    for (int64 i = 0; i < n; ++i) {
        nodes[i] = paths::Node{state->events.items[i], name};
        name += state->events.items[i].length;
    }
    return nodes;
}

// path_match and path_count share a transition function; errors name the
// aggregate called, looked up on the query's first row and then kept with
// its compiled pattern.
const char* matcher_name(FunctionCallInfo fcinfo) {
    if (fcinfo->flinfo->fn_extra != nullptr) return static_cast<CompiledPattern*>(fcinfo->flinfo->fn_extra)->function;
    const Aggref* aggref = AggGetAggref(fcinfo);
    const char* name = aggref != nullptr ? get_func_name(aggref->aggfnoid) : nullptr;
    return name != nullptr && std::strcmp(name, "path_count") == 0 ? "path_count" : "path_match";
}

text* name_text(const paths::Node& node) { return cstring_to_text_with_len(node.name, node.event.length); }

}  // namespace

// path_agg_trans(state, ts, event [, collapse_repeats [, keep]]): keeps the
// row. A NULL ts or event skips it.
EVENTML_FUNCTION(path_agg_trans) {
    MemoryContext aggregate_context = eventml::pg::aggregate_memory(fcinfo, "path_agg");
    PathState* state = state_arg(fcinfo, 0);
    if (PG_ARGISNULL(1) || PG_ARGISNULL(2)) {
        if (state == nullptr) PG_RETURN_NULL();
        PG_RETURN_POINTER(state);
    }
    const int64 time = eventml::pg::finite_time(PG_GETARG_DATUM(1), "path_agg");
    if (state == nullptr) {
        bool collapse = false;
        int32 keep = 0;
        if (PG_NARGS() > 3) {
            require(fcinfo, 3, "path_agg", "collapse_repeats");
            collapse = PG_GETARG_BOOL(3);
        }
        if (PG_NARGS() > 4) {
            require(fcinfo, 4, "path_agg", "keep");
            keep = PG_GETARG_INT32(4);
            if (keep == 0 || keep == std::numeric_limits<int32>::min())
                ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                                errmsg("path_agg: keep must be a positive count (the first events) or a negative "
                                       "one (the last events), got %d", keep)));
        }
        state = new_state(aggregate_context, paths::make_header(paths::Kind::Path, 0, collapse ? 1 : 0, 0, keep), "",
                          8, 64);
    }
    const char* name;
    const paths::Event event = named_event(time, PG_GETARG_TEXT_PP(2), &name);
    append(state, &event, 1, name, event.length);
    PG_RETURN_POINTER(state);
}

// path_match_trans(state, pattern, ts, conds), for path_match and
// path_count: keeps the rows where some condition holds. A NULL ts or conds
// array skips the row; NULL conditions count as false.
EVENTML_FUNCTION(path_match_trans) {
    MemoryContext aggregate_context = eventml::pg::aggregate_memory(fcinfo, "path_match");
    PathState* state = state_arg(fcinfo, 0);
    if (PG_ARGISNULL(2) || PG_ARGISNULL(3)) {
        if (state == nullptr) PG_RETURN_NULL();
        PG_RETURN_POINTER(state);
    }
    const char* function = matcher_name(fcinfo);
    bool holds[paths::kMaxConditions];
    const int conditions = eventml::pg::read_flags(PG_GETARG_ARRAYTYPE_P(3), holds, 1, paths::kMaxConditions,
                                                   function, "conditions");
    if (state == nullptr) {
        require(fcinfo, 1, function, "pattern");
        text* pattern = PG_GETARG_TEXT_PP(1);
        const int length = VARSIZE_ANY_EXHDR(pattern);
        compiled_pattern(fcinfo->flinfo, VARDATA_ANY(pattern), length, conditions, function);
        state = new_state(aggregate_context, paths::make_header(paths::Kind::Pattern, conditions, 0, length, 0),
                          VARDATA_ANY(pattern), 8, 0);
    }
    if (conditions != state->header.conditions)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("%s: the number of conditions changed from %d to %d within a group", function,
                               state->header.conditions, conditions)));
    paths::Event event{eventml::pg::finite_time(PG_GETARG_DATUM(2), function), 0, 0, 0};
    for (int i = 0; i < conditions; ++i)
        if (holds[i]) event.bits |= 1u << i;
    if (event.bits != 0) append(state, &event, 1, nullptr, 0);
    PG_RETURN_POINTER(state);
}

// path_next_trans(state, direction, base, ts, event, base_cond [, steps]): keeps
// every row. A NULL ts, event or steps array skips the row; a NULL base_cond
// or step counts as false.
EVENTML_FUNCTION(path_next_trans) {
    MemoryContext aggregate_context = eventml::pg::aggregate_memory(fcinfo, "path_next");
    PathState* state = state_arg(fcinfo, 0);
    const bool has_steps = PG_NARGS() > 6;
    if (PG_ARGISNULL(3) || PG_ARGISNULL(4) || (has_steps && PG_ARGISNULL(6))) {
        if (state == nullptr) PG_RETURN_NULL();
        PG_RETURN_POINTER(state);
    }
    bool holds[paths::kMaxConditions];
    const int steps = has_steps ? eventml::pg::read_flags(PG_GETARG_ARRAYTYPE_P(6), holds, 0, paths::kMaxConditions,
                                                          "path_next", "steps")
                                : 0;
    if (state == nullptr) {
        require(fcinfo, 1, "path_next", "direction");
        require(fcinfo, 2, "path_next", "base");
        char* direction_name = text_to_cstring(PG_GETARG_TEXT_PP(1));
        char* base_name = text_to_cstring(PG_GETARG_TEXT_PP(2));
        int options = 0;
        guarded("path_next", [&] {
            const paths::Direction direction = paths::parse_direction(direction_name);
            const paths::Base base = paths::parse_base(base_name);
            paths::check_next(direction, base, steps);
            options = static_cast<int>(direction) | static_cast<int>(base) << 1;
        });
        state = new_state(aggregate_context, paths::make_header(paths::Kind::Next, steps, options, 0, 0), "", 8, 64);
    }
    if (steps != state->header.conditions)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("path_next: the number of steps changed from %d to %d within a group",
                               state->header.conditions, steps)));
    const char* name;
    paths::Event event = named_event(eventml::pg::finite_time(PG_GETARG_DATUM(3), "path_next"), PG_GETARG_TEXT_PP(4),
                                     &name);
    event.base = !PG_ARGISNULL(5) && PG_GETARG_BOOL(5);
    for (int i = 0; i < steps; ++i)
        if (holds[i]) event.bits |= 1u << i;
    append(state, &event, 1, name, event.length);
    PG_RETURN_POINTER(state);
}

// Combine: appends the second state's events after the first's, so rows at
// one time keep the order of the partial states.
EVENTML_FUNCTION(path_combine) {
    MemoryContext aggregate_context = eventml::pg::aggregate_memory(fcinfo, "path_combine");
    PathState* into = state_arg(fcinfo, 0);
    PathState* from = state_arg(fcinfo, 1);
    if (from == nullptr) {
        if (into == nullptr) PG_RETURN_NULL();
        PG_RETURN_POINTER(into);
    }
    if (into == nullptr)
        into = new_state(aggregate_context, from->header, from->pattern, from->header.count, from->header.name_bytes);
    const paths::StateHeader &a = into->header, &b = from->header;
    if (a.kind != b.kind || a.conditions != b.conditions || a.options != b.options || a.keep != b.keep ||
        a.pattern_bytes != b.pattern_bytes || std::memcmp(into->pattern, from->pattern, a.pattern_bytes) != 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("path aggregates: the pattern, options and number of conditions must be the same "
                               "for all rows of a group")));
    append(into, from->events.items, from->header.count, from->names.items, from->header.name_bytes);
    PG_RETURN_POINTER(into);
}

EVENTML_FUNCTION(path_serialize) {
    const PathState* state = reinterpret_cast<PathState*>(PG_GETARG_POINTER(0));
    const std::size_t events_bytes = sizeof(paths::Event) * state->header.count;
    bytea* out = eventml::pg::new_flat_state(
        sizeof(paths::StateHeader) + events_bytes + state->header.pattern_bytes + state->header.name_bytes,
        CurrentMemoryContext);
    char* body = static_cast<char*>(eventml::pg::flat_state_body(out));
    std::memcpy(body, &state->header, sizeof(paths::StateHeader));
    body += sizeof(paths::StateHeader);
    std::memcpy(body, state->events.items, events_bytes);
    body += events_bytes;
    std::memcpy(body, state->pattern, state->header.pattern_bytes);
    body += state->header.pattern_bytes;
    std::memcpy(body, state->names.items, state->header.name_bytes);
    PG_RETURN_BYTEA_P(out);
}

EVENTML_FUNCTION(path_deserialize) {
    bytea* blob = eventml::pg::flat_state_arg(fcinfo, 0, false);
    const char* body = static_cast<const char*>(eventml::pg::flat_state_body(blob));
    const paths::StateHeader* header = nullptr;
    guarded("path aggregates", [&] { header = &paths::check_state(body, eventml::pg::flat_state_body_size(blob)); });
    const char* events = body + sizeof(paths::StateHeader);
    const char* pattern = events + sizeof(paths::Event) * header->count;
    PathState* state = new_state(CurrentMemoryContext, *header, pattern, header->count, header->name_bytes);
    append(state, reinterpret_cast<const paths::Event*>(events), header->count, pattern + header->pattern_bytes,
           header->name_bytes);
    PG_RETURN_POINTER(state);
}

// path_agg's final: the names in time order, as text[].
EVENTML_FUNCTION(path_agg_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const PathState* state = reinterpret_cast<PathState*>(PG_GETARG_POINTER(0));
    paths::Node* nodes = nodes_of(state);
    int64 kept = 0;
    guarded("path_agg", [&] {
        kept = paths::order_path(nodes, state->header.count, state->header.options & 1, state->header.keep);
    });
    if (kept > static_cast<int64>(MaxArraySize))
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("path_agg: a path of %lld events is longer than an array can be", (long long)kept)));
    Datum* names = static_cast<Datum*>(MemoryContextAllocHuge(CurrentMemoryContext, sizeof(Datum) * std::max<int64>(kept, 1)));
    for (int64 i = 0; i < kept; ++i) names[i] = PointerGetDatum(name_text(nodes[i]));
    PG_RETURN_ARRAYTYPE_P(construct_array(names, static_cast<int>(kept), TEXTOID, -1, false, TYPALIGN_INT));
}

namespace {

// The state of path_match/path_count, its events sorted, and its compiled pattern.
const CompiledPattern* prepare_match(FunctionCallInfo fcinfo, PathState* state, const char* function) {
    const CompiledPattern* pattern = compiled_pattern(fcinfo->flinfo, state->pattern, state->header.pattern_bytes,
                                                      state->header.conditions, function);
    // Sorting in place only reorders what the state holds (stably), so the
    // state still means the same if more rows follow.
    guarded(function, [&] { paths::sort_events(state->events.items, state->header.count); });
    return pattern;
}

}  // namespace

EVENTML_FUNCTION(path_match_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    PathState* state = reinterpret_cast<PathState*>(PG_GETARG_POINTER(0));
    const CompiledPattern* pattern = prepare_match(fcinfo, state, "path_match");
    bool matched = false;
    guarded("path_match", [&] {
        matched = paths::match(pattern->actions, pattern->count, state->events.items, state->header.count,
                               eventml::pg::interrupt_check());
    });
    PG_RETURN_BOOL(matched);
}

EVENTML_FUNCTION(path_count_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    PathState* state = reinterpret_cast<PathState*>(PG_GETARG_POINTER(0));
    const CompiledPattern* pattern = prepare_match(fcinfo, state, "path_count");
    int64 matches = 0;
    guarded("path_count", [&] {
        matches = paths::count_matches(pattern->actions, pattern->count, state->events.items, state->header.count,
                                       eventml::pg::interrupt_check());
    });
    PG_RETURN_INT64(matches);
}

EVENTML_FUNCTION(path_next_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const PathState* state = reinterpret_cast<PathState*>(PG_GETARG_POINTER(0));
    paths::Node* nodes = nodes_of(state);
    const auto direction = static_cast<paths::Direction>(state->header.options & 1);
    const auto base = static_cast<paths::Base>(state->header.options >> 1);
    int64 found = -1;
    guarded("path_next", [&] {
        found = paths::next_node(direction, base, state->header.conditions, nodes, state->header.count);
    });
    if (found < 0) PG_RETURN_NULL();
    PG_RETURN_TEXT_P(name_text(nodes[found]));
}
