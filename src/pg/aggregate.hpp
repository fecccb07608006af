// The shell of every aggregate whose state is a core state type S (funnel's
// FunnelState, sessionize's TimesState, the path family's PathState,
// logit_fit's RowsState): transition, combine, serialize and deserialize,
// written once. S provides
//   S(const Params&)                      a new state (validates the parameters)
//   merge(const S&), empty_copy()         combine
//   flat_bytes(), write(void*)            serialize
//   static S read(const void*, size_t)    deserialize (validates)
// and each family's glue only reads its arguments into core values.
//
// The state lives in the aggregate memory context: core allocates it and its
// growing blocks there through the allocator of install_core_allocator(), as
// guarded() makes that context current. PostgreSQL frees it with the context.
#pragma once

#include "boundary.hpp"
#include "memory.hpp"
#include "values.hpp"

namespace eventml::pg {

// The state in argument argno, or nullptr when it is NULL.
template <typename S>
S* state_arg(FunctionCallInfo fcinfo, int argno) {
    return PG_ARGISNULL(argno) ? nullptr : reinterpret_cast<S*>(PG_GETARG_POINTER(argno));
}

// A transition function's result for a row it skips: the state unchanged.
template <typename S>
Datum skip_row(FunctionCallInfo fcinfo, const char* function) {
    (void)aggregate_memory(fcinfo, function);
    S* state = state_arg<S>(fcinfo, 0);
    if (state == nullptr) PG_RETURN_NULL();
    PG_RETURN_POINTER(state);
}

// A transition function: on the group's first row, read_params() (which may
// raise ERRORs: it runs before any C++ object exists) gives the parameters of
// a new state; then add(state) adds the row, which the caller has read.
template <typename S, typename ReadParams, typename Add>
Datum transition(FunctionCallInfo fcinfo, const char* function, ReadParams&& read_params, Add&& add) {
    MemoryContext context = aggregate_memory(fcinfo, function);
    S* state = state_arg<S>(fcinfo, 0);
    if (state == nullptr) {
        const auto params = read_params();
        guarded(function, context, [&] { state = core::make<S>(params); });
    }
    guarded(function, context, [&] { add(*state); });
    PG_RETURN_POINTER(state);
}

template <typename S>
Datum combine(FunctionCallInfo fcinfo, const char* function) {
    MemoryContext context = aggregate_memory(fcinfo, function);
    S* into = state_arg<S>(fcinfo, 0);
    const S* from = state_arg<S>(fcinfo, 1);
    if (from == nullptr) {
        if (into == nullptr) PG_RETURN_NULL();
        PG_RETURN_POINTER(into);
    }
    guarded(function, context, [&] {
        if (into == nullptr) into = core::make<S>(from->empty_copy());
        into->merge(*from);
    });
    PG_RETURN_POINTER(into);
}

template <typename S>
Datum serialize(FunctionCallInfo fcinfo, const char* function) {
    const S* state = reinterpret_cast<S*>(PG_GETARG_POINTER(0));
    std::size_t bytes = 0;
    guarded(function, [&] { bytes = state->flat_bytes(); });
    bytea* out = new_flat_state(bytes, CurrentMemoryContext);
    guarded(function, [&] { state->write(flat_state_body(out)); });
    PG_RETURN_BYTEA_P(out);
}

template <typename S>
Datum deserialize(FunctionCallInfo fcinfo, const char* function) {
    bytea* blob = flat_state_arg(fcinfo, 0, false);
    S* state = nullptr;
    guarded(function, [&] { state = core::make<S>(S::read(flat_state_body(blob), flat_state_body_size(blob))); });
    PG_RETURN_POINTER(state);
}

}  // namespace eventml::pg

// The SQL functions prefix_combine, prefix_serialize and prefix_deserialize
// of state type S; errors name function.
#define EVENTML_STATE_FUNCTIONS(prefix, S, function)                                                  \
    EVENTML_FUNCTION(prefix##_combine) { return eventml::pg::combine<S>(fcinfo, function); }         \
    EVENTML_FUNCTION(prefix##_serialize) { return eventml::pg::serialize<S>(fcinfo, function); }     \
    EVENTML_FUNCTION(prefix##_deserialize) { return eventml::pg::deserialize<S>(fcinfo, function); }
