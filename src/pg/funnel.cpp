// SQL glue for funnel, funnel_times and retention.
#include "aggregate.hpp"
#include "funnel.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
}

namespace funnel = eventml::core::funnel;
using eventml::pg::guarded;

// funnel_trans(state, ts, window [, mode], steps): keeps the row's events.
// A NULL ts, or NULL steps, skips the row.
EVENTML_FUNCTION(funnel_trans) {
    const bool has_mode = PG_NARGS() > 4;
    const int steps_arg = has_mode ? 4 : 3;
    if (PG_ARGISNULL(1) || PG_ARGISNULL(steps_arg)) return eventml::pg::skip_row<funnel::FunnelState>(fcinfo, "funnel_trans");
    const int64 time = eventml::pg::finite_time(PG_GETARG_DATUM(1), "funnel");
    bool holds[funnel::kMaxSteps];
    const int steps =
        eventml::pg::read_flags(PG_GETARG_ARRAYTYPE_P(steps_arg), holds, 1, funnel::kMaxSteps, "funnel", "steps");
    return eventml::pg::transition<funnel::FunnelState>(
        fcinfo, "funnel",
        [&] {
            if (PG_ARGISNULL(2) || (has_mode && PG_ARGISNULL(3)))
                ereport(ERROR,
                        (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("funnel: window and mode must not be NULL")));
            funnel::Params params{eventml::pg::interval_micros(PG_GETARG_DATUM(2), "funnel", "window"), 0, steps};
            if (has_mode) {
                char* mode_text = text_to_cstring(PG_GETARG_TEXT_PP(3));
                guarded("funnel", [&] { params.modes = funnel::parse_modes(mode_text); });
            }
            return params;
        },
        [&](funnel::FunnelState& state) { state.add(time, holds, steps); });
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

// Final: the deepest step reached (0 when no chain started).
EVENTML_FUNCTION(funnel_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    PG_RETURN_INT32(deepest(fcinfo).level);
}

// funnel_times' final: when each step of the deepest chain was reached, as
// timestamptz[] or timestamp[] (the declared result type says which).
EVENTML_FUNCTION(funnel_times_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const funnel::Chain chain = deepest(fcinfo);
    const Oid element = get_element_type(get_fn_expr_rettype(fcinfo->flinfo));
    Datum times[funnel::kMaxSteps];
    for (int i = 0; i < chain.level; ++i) times[i] = Int64GetDatum(chain.times[i]);
    PG_RETURN_ARRAYTYPE_P(construct_array(times, chain.level, element, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
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
