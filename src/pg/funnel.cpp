// SQL glue for funnel, funnel_times, their _excluding forms, and retention.
#include "aggregate.hpp"
#include "funnel.hpp"

#include <algorithm>

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
}

namespace funnel = eventml::core::funnel;
using eventml::pg::guarded;

// funnel_trans(state, ts, window [, mode [, exclusion [, from_step, to_step]]],
// steps): keeps the row's events. A NULL ts, or NULL steps, skips the row; a
// NULL exclusion counts as false. Without from_step and to_step an
// exclusion applies to the whole funnel.
EVENTML_FUNCTION(funnel_trans) {
    const int args = PG_NARGS();
    const bool has_mode = args > 4, has_exclusion = args > 5, has_range = args > 6;
    const int steps_arg = args - 1;
    if (PG_ARGISNULL(1) || PG_ARGISNULL(steps_arg)) return eventml::pg::skip_row<funnel::FunnelState>(fcinfo, "funnel_trans");
    const char* function = has_exclusion ? "funnel_excluding" : "funnel";
    const int64 time = eventml::pg::finite_time(PG_GETARG_DATUM(1), function);
    bool holds[funnel::kMaxSteps];
    const int steps =
        eventml::pg::read_flags(PG_GETARG_ARRAYTYPE_P(steps_arg), holds, 1, funnel::kMaxSteps, function, "steps");
    const bool excluded = has_exclusion && !PG_ARGISNULL(4) && PG_GETARG_BOOL(4);
    return eventml::pg::transition<funnel::FunnelState>(
        fcinfo, function,
        [&] {
            if (PG_ARGISNULL(2) || (has_mode && PG_ARGISNULL(3)))
                ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                                errmsg("%s: window and mode must not be NULL", function)));
            funnel::Params params{eventml::pg::interval_micros(PG_GETARG_DATUM(2), function, "window"), 0, steps};
            if (has_mode) {
                char* mode_text = text_to_cstring(PG_GETARG_TEXT_PP(3));
                guarded(function, [&] { params.modes = funnel::parse_modes(mode_text); });
            }
            if (has_exclusion) {
                params.exclude_from = 1;
                params.exclude_to = steps;
            }
            if (has_range) {
                eventml::pg::require_not_null(fcinfo, 5, function, "from_step");
                eventml::pg::require_not_null(fcinfo, 6, function, "to_step");
                params.exclude_from = PG_GETARG_INT32(5);
                params.exclude_to = PG_GETARG_INT32(6);
                if (params.exclude_from < 1 || params.exclude_from >= params.exclude_to || params.exclude_to > steps)
                    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                                    errmsg("%s: an exclusion applies from a step to a later one of the %d steps, got "
                                           "from_step %d and to_step %d",
                                           function, steps, params.exclude_from, params.exclude_to)));
            } else if (has_exclusion && steps < 2) {
                ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                                errmsg("%s: an exclusion needs a funnel of at least 2 steps, got 1", function)));
            }
            return params;
        },
        [&](funnel::FunnelState& state) { state.add(time, holds, steps, excluded); });
}

EVENTML_STATE_FUNCTIONS(funnel, funnel::FunnelState, "funnel")

namespace {

funnel::Chain deepest(FunctionCallInfo fcinfo) {
    auto* state = reinterpret_cast<funnel::FunnelState*>(PG_GETARG_POINTER(0));
    funnel::Chain chain;
    guarded("funnel", [&] { chain = state->finish(eventml::pg::interrupt_check()); });
    return chain;
}

}  // namespace

// Final: the deepest step reached (0 when no chain started, -1 for an
// entity an exclusion leaves out).
EVENTML_FUNCTION(funnel_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    PG_RETURN_INT32(deepest(fcinfo).level);
}

// funnel_times' final: when each step of the deepest chain was reached, as
// timestamptz[] or timestamp[] (the declared result type says which); NULL
// for an entity an exclusion leaves out.
EVENTML_FUNCTION(funnel_times_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const funnel::Chain chain = deepest(fcinfo);
    if (chain.level == funnel::kExcluded) PG_RETURN_NULL();
    const Oid element = get_element_type(get_fn_expr_rettype(fcinfo->flinfo));
    PG_RETURN_ARRAYTYPE_P(eventml::pg::make_int8_array(chain.times, chain.level, element));
}

// eventml_funnel_starts' final (funnel_trends): the step-1 events in time
// order and whether the chain each starts converts, as the
// eventml_funnel_starts composite (src/sql/reports.sql).
EVENTML_FUNCTION(funnel_starts_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    auto* state = reinterpret_cast<funnel::FunnelState*>(PG_GETARG_POINTER(0));
    eventml::pg::require_array_size(state->size(), 1, "funnel_trends");
    const std::size_t room = static_cast<std::size_t>(std::max<int64>(state->size(), 1));
    auto* starts = static_cast<funnel::Start*>(palloc(sizeof(funnel::Start) * room));
    int64 found = 0;
    guarded("funnel_trends", [&] { found = state->starts(starts, eventml::pg::interrupt_check()); });
    const int n = static_cast<int>(found);
    auto* times = static_cast<int64*>(palloc(sizeof(int64) * room));
    auto* converted = static_cast<Datum*>(palloc(sizeof(Datum) * room));
    for (int i = 0; i < n; ++i) {
        times[i] = starts[i].time;
        converted[i] = BoolGetDatum(starts[i].converted);
    }
    return eventml::pg::result_row(
        fcinfo, "funnel_trends", "starts timestamp with time zone[], converted boolean[]",
        {PointerGetDatum(eventml::pg::make_int8_array(times, n, TIMESTAMPTZOID)),
         PointerGetDatum(construct_array(converted, n, BOOLOID, 1, true, TYPALIGN_CHAR))});
}

// retention_trans(state, conds): records which conditions held. NULL
// conditions count as false; a NULL array skips the row.
EVENTML_FUNCTION(retention_trans) {
    funnel::RetentionState state = PG_ARGISNULL(0) ? 0 : PG_GETARG_INT64(0);
    if (PG_ARGISNULL(1)) {
        if (PG_ARGISNULL(0)) PG_RETURN_NULL();
        PG_RETURN_INT64(state);
    }
    bool held[funnel::kMaxRetentionConditions];
    const int n = eventml::pg::read_flags(PG_GETARG_ARRAYTYPE_P(1), held, 1, funnel::kMaxRetentionConditions,
                                          "retention", "conditions");
    guarded("retention", [&] { state = funnel::retention_add(state, held, n); });
    PG_RETURN_INT64(state);
}

EVENTML_FUNCTION(retention_combine) {
    funnel::RetentionState merged = 0;
    guarded("retention", [&] { merged = funnel::retention_merge(PG_GETARG_INT64(0), PG_GETARG_INT64(1)); });
    PG_RETURN_INT64(merged);
}

EVENTML_FUNCTION(retention_final) {
    const funnel::RetentionState state = PG_GETARG_INT64(0);
    int n = 0;
    bool r[funnel::kMaxRetentionConditions];
    guarded("retention", [&] {
        n = funnel::retention_conditions(state);
        funnel::retention_result(state, r);
    });
    Datum values[funnel::kMaxRetentionConditions];
    for (int i = 0; i < n; ++i) values[i] = BoolGetDatum(r[i]);
    PG_RETURN_ARRAYTYPE_P(construct_array(values, n, BOOLOID, 1, true, TYPALIGN_CHAR));
}
