// SQL glue for funnel, funnel_times and retention.
#include "boundary.hpp"
#include "funnel.hpp"
#include "values.hpp"

#include <cstring>
#include <limits>

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
}

namespace funnel = eventml::core::funnel;
using eventml::pg::guarded;

namespace {

// funnel's transition state: the entity's events (only rows where a step
// holds, and strict_order's placeholders), in the aggregate memory context.
struct KeptEvents {
    int64 window;
    unsigned modes;
    int steps;
    int64 rows;  // input rows seen: the next row id
    eventml::pg::GrowingBlock<funnel::Event> events;
};

// A new state in context (the aggregate's); its events grow there.
KeptEvents* new_kept_events(MemoryContext context, int64 window, unsigned modes, int steps, int64 capacity) {
    auto* state = static_cast<KeptEvents*>(MemoryContextAlloc(context, sizeof(KeptEvents)));
    *state = KeptEvents{window, modes, steps, 0, {}};
    state->events.start(context, capacity);
    return state;
}

KeptEvents* state_arg(FunctionCallInfo fcinfo, int argno) {
    return PG_ARGISNULL(argno) ? nullptr : reinterpret_cast<KeptEvents*>(PG_GETARG_POINTER(argno));
}

}  // namespace

// funnel_trans(state, ts, window [, mode], steps): keeps the row's events.
// A NULL ts, or NULL steps, skips the row.
EVENTML_FUNCTION(funnel_trans) {
    MemoryContext aggregate_context = eventml::pg::aggregate_memory(fcinfo, "funnel_trans");
    KeptEvents* state = state_arg(fcinfo, 0);
    const bool has_mode = PG_NARGS() > 4;
    const int steps_arg = has_mode ? 4 : 3;
    if (PG_ARGISNULL(1) || PG_ARGISNULL(steps_arg)) {
        if (state == nullptr) PG_RETURN_NULL();
        PG_RETURN_POINTER(state);
    }
    const int64 time = eventml::pg::finite_time(PG_GETARG_DATUM(1), "funnel");
    bool holds[funnel::kMaxSteps];
    const int steps =
        eventml::pg::read_flags(PG_GETARG_ARRAYTYPE_P(steps_arg), holds, 1, funnel::kMaxSteps, "funnel", "steps");
    if (state == nullptr) {
        if (PG_ARGISNULL(2) || (has_mode && PG_ARGISNULL(3)))
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("funnel: window and mode must not be NULL")));
        const int64 window = eventml::pg::interval_micros(PG_GETARG_DATUM(2), "funnel", "window");
        if (window < 0)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("funnel: window must not be negative")));
        unsigned modes = 0;
        if (has_mode) {
            char* mode_text = text_to_cstring(PG_GETARG_TEXT_PP(3));
            guarded("funnel", [&] { modes = funnel::parse_modes(mode_text); });
        }
        state = new_kept_events(aggregate_context, window, modes, steps, 8);
    }
    if (steps != state->steps)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("funnel: the number of steps changed from %d to %d within a group", state->steps, steps)));
    if (state->rows == std::numeric_limits<int32>::max())
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED), errmsg("funnel: more than 2^31 rows in one group")));
    funnel::Event events[funnel::kMaxSteps];
    int count = 0;
    const auto row = static_cast<int32>(state->rows);
    for (int i = 0; i < steps; ++i)
        if (holds[i]) events[count++] = funnel::Event{time, i + 1, row};
    if (count == 0 && (state->modes & funnel::kStrictOrder)) events[count++] = funnel::Event{time, 0, row};
    state->rows += 1;
    if (count > 0) state->events.append(events, count);
    PG_RETURN_POINTER(state);
}

// Combine: appends the second state's events, renumbering its rows after the
// first's (as ClickHouse does), so strict_once still tells rows apart.
EVENTML_FUNCTION(funnel_combine) {
    MemoryContext aggregate_context = eventml::pg::aggregate_memory(fcinfo, "funnel_combine");
    KeptEvents* into = state_arg(fcinfo, 0);
    KeptEvents* from = state_arg(fcinfo, 1);
    if (from == nullptr) {
        if (into == nullptr) PG_RETURN_NULL();
        PG_RETURN_POINTER(into);
    }
    if (into == nullptr)
        into = new_kept_events(aggregate_context, from->window, from->modes, from->steps, from->events.count);
    if (into->window != from->window || into->modes != from->modes || into->steps != from->steps)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("funnel: window, mode and steps must be the same for all rows of a group")));
    if (into->rows + from->rows > std::numeric_limits<int32>::max())
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED), errmsg("funnel: more than 2^31 rows in one group")));
    const int64 first_new = into->events.count;
    into->events.append(from->events.items, from->events.count);
    for (int64 i = first_new; i < into->events.count; ++i) into->events.items[i].row += static_cast<int32>(into->rows);
    into->rows += from->rows;
    PG_RETURN_POINTER(into);
}

EVENTML_FUNCTION(funnel_serialize) {
    const KeptEvents* state = reinterpret_cast<KeptEvents*>(PG_GETARG_POINTER(0));
    const std::size_t events_bytes = sizeof(funnel::Event) * state->events.count;
    bytea* out = eventml::pg::new_flat_state(sizeof(funnel::EventsHeader) + events_bytes, CurrentMemoryContext);
    char* body = static_cast<char*>(eventml::pg::flat_state_body(out));
    funnel::write_events_header(*reinterpret_cast<funnel::EventsHeader*>(body), state->window, state->modes,
                                state->steps, state->events.count, state->rows);
    std::memcpy(body + sizeof(funnel::EventsHeader), state->events.items, events_bytes);
    PG_RETURN_BYTEA_P(out);
}

EVENTML_FUNCTION(funnel_deserialize) {
    bytea* blob = eventml::pg::flat_state_arg(fcinfo, 0, false);
    const char* body = static_cast<const char*>(eventml::pg::flat_state_body(blob));
    const funnel::EventsHeader* header = nullptr;
    guarded("funnel", [&] { header = &funnel::check_events(body, eventml::pg::flat_state_body_size(blob)); });
    KeptEvents* state =
        new_kept_events(CurrentMemoryContext, header->window, header->modes, header->steps, header->count);
    state->events.append(reinterpret_cast<const funnel::Event*>(body + sizeof(funnel::EventsHeader)), header->count);
    state->rows = header->rows;
    PG_RETURN_POINTER(state);
}

namespace {

funnel::Chain deepest(KeptEvents* state) {
    funnel::Chain chain;
    guarded("funnel", [&] {
        chain = funnel::deepest_chain(state->events.items, state->events.count, state->steps, state->window, state->modes,
                                      eventml::pg::interrupt_check());
    });
    return chain;
}

}  // namespace

// Final: the deepest step reached (0 when no chain started).
EVENTML_FUNCTION(funnel_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    PG_RETURN_INT32(deepest(reinterpret_cast<KeptEvents*>(PG_GETARG_POINTER(0))).level);
}

// funnel_times' final: when each step of the deepest chain was reached, as
// timestamptz[] or timestamp[] (the declared result type says which).
EVENTML_FUNCTION(funnel_times_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const funnel::Chain chain = deepest(reinterpret_cast<KeptEvents*>(PG_GETARG_POINTER(0)));
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
