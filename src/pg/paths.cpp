// SQL glue for path_agg, path_match, path_count, path_match_events and path_next.
#include "aggregate.hpp"
#include "paths.hpp"

#include <algorithm>
#include <cstring>

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

// Room for the nodes of state, for its finals to fill.
paths::Node* nodes_for(const paths::PathState& state) {
    return static_cast<paths::Node*>(
        MemoryContextAllocHuge(CurrentMemoryContext, sizeof(paths::Node) * std::max<int64>(state.size(), 1)));
}

// path_match, path_count and path_match_events share a transition function;
// errors name the aggregate called, looked up on the query's first row and
// then kept with its compiled pattern.
const char* matcher_name(FunctionCallInfo fcinfo) {
    if (fcinfo->flinfo->fn_extra != nullptr) return static_cast<CompiledPattern*>(fcinfo->flinfo->fn_extra)->function;
    const Aggref* aggref = AggGetAggref(fcinfo);
    const char* name = aggref != nullptr ? get_func_name(aggref->aggfnoid) : nullptr;
    for (const char* known : {"path_count", "path_match_events"})
        if (name != nullptr && std::strcmp(name, known) == 0) return known;
    return "path_match";
}

text* name_text(const paths::Node& node) { return cstring_to_text_with_len(node.name, node.event.length); }

}  // namespace

// path_agg_trans(state, ts, event [, collapse_repeats [, keep]]): keeps the
// row. A NULL ts or event skips it.
EVENTML_FUNCTION(path_agg_trans) {
    if (PG_ARGISNULL(1) || PG_ARGISNULL(2)) return eventml::pg::skip_row<paths::PathState>(fcinfo, "path_agg");
    const int64 time = eventml::pg::finite_time(PG_GETARG_DATUM(1), "path_agg");
    text* name = PG_GETARG_TEXT_PP(2);
    return eventml::pg::transition<paths::PathState>(
        fcinfo, "path_agg",
        [&] {
            paths::AggParams params;
            if (PG_NARGS() > 3) {
                eventml::pg::require_not_null(fcinfo, 3, "path_agg", "collapse_repeats");
                params.collapse = PG_GETARG_BOOL(3);
            }
            if (PG_NARGS() > 4) {
                eventml::pg::require_not_null(fcinfo, 4, "path_agg", "keep");
                const int32 keep = PG_GETARG_INT32(4);
                guarded("path_agg", [&] { params.keep = paths::check_keep(keep); });
            }
            return params;
        },
        [&](paths::PathState& state) { state.add_named(time, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name)); });
}

// path_match_trans(state, pattern, ts, [within,] conds), for path_match,
// path_count and path_match_events: keeps the rows where some condition
// holds. A NULL ts or conds array skips the row; NULL conditions count as
// false.
EVENTML_FUNCTION(path_match_trans) {
    const bool has_within = PG_NARGS() > 4;
    const int conds_arg = has_within ? 4 : 3;
    if (PG_ARGISNULL(2) || PG_ARGISNULL(conds_arg))
        return eventml::pg::skip_row<paths::PathState>(fcinfo, "path_match");
    const char* function = matcher_name(fcinfo);
    bool holds[paths::kMaxConditions];
    const int conditions = eventml::pg::read_flags(PG_GETARG_ARRAYTYPE_P(conds_arg), holds, 1, paths::kMaxConditions,
                                                   function, "conditions");
    const int64 time = eventml::pg::finite_time(PG_GETARG_DATUM(2), function);
    return eventml::pg::transition<paths::PathState>(
        fcinfo, function,
        [&] {
            eventml::pg::require_not_null(fcinfo, 1, function, "pattern");
            text* pattern = PG_GETARG_TEXT_PP(1);
            const int length = VARSIZE_ANY_EXHDR(pattern);
            compiled_pattern(fcinfo->flinfo, VARDATA_ANY(pattern), length, conditions, function);
            paths::MatchParams params{conditions, VARDATA_ANY(pattern), static_cast<std::size_t>(length)};
            if (has_within) {
                eventml::pg::require_not_null(fcinfo, 3, function, "within");
                params.within = eventml::pg::interval_micros(PG_GETARG_DATUM(3), function, "within");
                if (params.within < 0)
                    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                                    errmsg("%s: within must not be negative, got %s", function,
                                           DatumGetCString(DirectFunctionCall1(interval_out, PG_GETARG_DATUM(3))))));
            }
            return params;
        },
        [&](paths::PathState& state) { state.add_conditions(time, holds, conditions); });
}

// path_next_trans(state, direction, base, ts, event, base_cond [, steps]): keeps
// every row. A NULL ts, event or steps array skips the row; a NULL base_cond
// or step counts as false.
EVENTML_FUNCTION(path_next_trans) {
    const bool has_steps = PG_NARGS() > 6;
    if (PG_ARGISNULL(3) || PG_ARGISNULL(4) || (has_steps && PG_ARGISNULL(6)))
        return eventml::pg::skip_row<paths::PathState>(fcinfo, "path_next");
    bool holds[paths::kMaxConditions];
    const int steps = has_steps ? eventml::pg::read_flags(PG_GETARG_ARRAYTYPE_P(6), holds, 0, paths::kMaxConditions,
                                                          "path_next", "steps")
                                : 0;
    const int64 time = eventml::pg::finite_time(PG_GETARG_DATUM(3), "path_next");
    text* name = PG_GETARG_TEXT_PP(4);
    const bool base = !PG_ARGISNULL(5) && PG_GETARG_BOOL(5);
    return eventml::pg::transition<paths::PathState>(
        fcinfo, "path_next",
        [&] {
            eventml::pg::require_not_null(fcinfo, 1, "path_next", "direction");
            eventml::pg::require_not_null(fcinfo, 2, "path_next", "base");
            char* direction_name = text_to_cstring(PG_GETARG_TEXT_PP(1));
            char* base_name = text_to_cstring(PG_GETARG_TEXT_PP(2));
            paths::NextParams params;
            params.steps = steps;
            guarded("path_next", [&] {
                params.direction = paths::parse_direction(direction_name);
                params.base = paths::parse_base(base_name);
            });
            return params;
        },
        [&](paths::PathState& state) {
            state.add_next(time, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), base, holds, steps);
        });
}

EVENTML_STATE_FUNCTIONS(path, paths::PathState, "path aggregates")

// path_agg's final: the names in time order, as text[].
EVENTML_FUNCTION(path_agg_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* state = reinterpret_cast<paths::PathState*>(PG_GETARG_POINTER(0));
    paths::Node* nodes = nodes_for(*state);
    int64 kept = 0;
    guarded("path_agg", [&] { kept = state->path(nodes); });
    if (kept > static_cast<int64>(MaxArraySize))
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("path_agg: a path of %lld events is longer than an array can be", (long long)kept)));
    Datum* names = static_cast<Datum*>(MemoryContextAllocHuge(CurrentMemoryContext, sizeof(Datum) * std::max<int64>(kept, 1)));
    for (int64 i = 0; i < kept; ++i) names[i] = PointerGetDatum(name_text(nodes[i]));
    PG_RETURN_ARRAYTYPE_P(construct_array(names, static_cast<int>(kept), TEXTOID, -1, false, TYPALIGN_INT));
}

namespace {

// The state of path_match/path_count, its events sorted, and its compiled pattern.
const CompiledPattern* prepare_match(FunctionCallInfo fcinfo, paths::PathState* state, const char* function) {
    const paths::MatchParams params = state->match_params();
    const CompiledPattern* pattern = compiled_pattern(fcinfo->flinfo, params.pattern, static_cast<int>(params.length),
                                                      params.conditions, function);
    guarded(function, [&] { state->sort(); });
    return pattern;
}

}  // namespace

EVENTML_FUNCTION(path_match_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    auto* state = reinterpret_cast<paths::PathState*>(PG_GETARG_POINTER(0));
    const CompiledPattern* pattern = prepare_match(fcinfo, state, "path_match");
    bool matched = false;
    guarded("path_match",
            [&] { matched = state->matches(pattern->actions, pattern->count, eventml::pg::interrupt_check()); });
    PG_RETURN_BOOL(matched);
}

EVENTML_FUNCTION(path_count_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    auto* state = reinterpret_cast<paths::PathState*>(PG_GETARG_POINTER(0));
    const CompiledPattern* pattern = prepare_match(fcinfo, state, "path_count");
    int64 matches = 0;
    guarded("path_count",
            [&] { matches = state->count_matches(pattern->actions, pattern->count, eventml::pg::interrupt_check()); });
    PG_RETURN_INT64(matches);
}

// path_match_events' final: the times of the matched (?N) events, as an
// array of the aggregate's ts type (timestamptz[] or timestamp[]).
EVENTML_FUNCTION(path_match_events_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    auto* state = reinterpret_cast<paths::PathState*>(PG_GETARG_POINTER(0));
    const CompiledPattern* pattern = prepare_match(fcinfo, state, "path_match_events");
    const Oid element = get_element_type(get_func_rettype(fcinfo->flinfo->fn_oid));
    const std::size_t steps = paths::condition_steps(pattern->actions, pattern->count);
    auto* times = static_cast<int64*>(palloc(sizeof(int64) * std::max<std::size_t>(steps, 1)));
    int64 taken = 0;
    guarded("path_match_events", [&] {
        taken = state->match_events(pattern->actions, pattern->count, times, eventml::pg::interrupt_check());
    });
    PG_RETURN_ARRAYTYPE_P(eventml::pg::make_int8_array(times, static_cast<int>(taken), element));
}

EVENTML_FUNCTION(path_next_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* state = reinterpret_cast<paths::PathState*>(PG_GETARG_POINTER(0));
    paths::Node* nodes = nodes_for(*state);
    int64 found = -1;
    guarded("path_next", [&] { found = state->next_node(nodes); });
    if (found < 0) PG_RETURN_NULL();
    PG_RETURN_TEXT_P(name_text(nodes[found]));
}
