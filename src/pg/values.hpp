// Datum helpers shared by the glue files: float8 arrays in and out, and flat
// aggregate states stored as bytea.
#pragma once

#include "boundary.hpp"

#include <cstring>
#include <initializer_list>

extern "C" {
#include "access/tupdesc.h"
#include "utils/array.h"
#include "utils/memutils.h"
}

namespace eventml::pg {

// A one-dimensional float8[] argument. values is null when the array holds a
// NULL element. A non-1-D array (empty or multi-dimensional) is an ERROR
// naming function and argument.
struct Float8Array {
    const double* values;
    int length;
};
Float8Array read_float8_array(ArrayType* array, const char* function, const char* argument);

// An ERROR naming function and noun when array has more than one dimension.
void require_flat(ArrayType* array, const char* function, const char* noun);

// A boolean[] of step or condition flags into holds[0..n-1], NULL elements
// counting as false; returns n. An ERROR naming function unless the array is
// one-dimensional (or empty) with min..max elements, each a `noun`.
int read_flags(ArrayType* array, bool* holds, int min, int max, const char* function, const char* noun);

// A bigint[] argument of no NULL elements (length 0 for an empty array); an
// ERROR naming function and argument for NULL elements or more dimensions.
struct Int8Array {
    const int64* values;
    int length;
};
Int8Array read_int8_array(ArrayType* array, const char* function, const char* argument);
// A 1-D array of an 8-byte pass-by-value type (bigint, timestamptz or
// timestamp: type) from int64 values.
ArrayType* make_int8_array(const int64* values, int length, Oid type);
// A rows×cols bigint[][] (two dimensions even for one row; rows >= 1) from
// row-major values, with optional NULL flags.
ArrayType* make_int8_matrix(const int64* values, const bool* nulls, int rows, int cols);
// An ERROR naming function unless a rows×cols array fits PostgreSQL's limit
// on array elements: checked before building one.
void require_array_size(int64 rows, int cols, const char* function);

// A 1-D float8[]; entries with nulls[i] (when nulls is given) become NULL.
ArrayType* make_float8_array(const double* values, const bool* nulls, int length);
// A rows×cols float8[][] from row-major values, with optional NULL flags.
ArrayType* make_float8_matrix(const double* values, const bool* nulls, int rows, int cols);

// An ERROR naming function and argument when argument argno is NULL: an
// aggregate's parameters, taken from its group's first row.
void require_not_null(FunctionCallInfo fcinfo, int argno, const char* function, const char* argument);

// An interval argument in microseconds, months counted as 30 days and days
// as 24 hours (PostgreSQL's own convention for comparing intervals); an
// ERROR naming function and argument when it does not fit in int64.
int64 interval_micros(Datum interval, const char* function, const char* argument);
// A timestamp or timestamptz argument (int64 microseconds); an ERROR for
// ±infinity.
int64 finite_time(Datum timestamp, const char* function);

// The aggregate memory context of a transition or combine function of an
// internal-state aggregate; an ERROR when called outside an aggregate.
MemoryContext aggregate_memory(FunctionCallInfo fcinfo, const char* function);

// The composite result of the calling function (a model, a session
// summary) from values in attribute order. attributes is the type as this
// library fills it, "name type, name type, ..." with the type names
// format_type_be prints ('|' between two accepted types). The declared
// result type is checked against it (count, names and types, once per query)
// so that when the installed SQL and the library disagree (an upgrade script
// not run, or run against an older library) an ERROR says where, instead of
// reading or writing past what either side expects.
Datum result_row(FunctionCallInfo fcinfo, const char* function, const char* attributes,
                 std::initializer_list<Datum> values);

// Flat states: a bytea whose payload starts 8 bytes into the allocation (the
// 4-byte varlena header plus 4 bytes of padding), so the core's doubles are
// aligned. The same bytes are the serialized form.
bytea* new_flat_state(std::size_t body_bytes, MemoryContext context);
void* flat_state_body(bytea* state);
std::size_t flat_state_body_size(const bytea* state);
// The state in argument argno, detoasted and aligned. With for_update, the
// result may be modified in place: it is the aggregate's own transition value
// when called as an aggregate, else a private copy.
bytea* flat_state_arg(FunctionCallInfo fcinfo, int argno, bool for_update);

// The core view (ols::State, logit::Step, ...) of a flat state; View::attach
// validates it and throws CorruptState, so call this inside guarded().
template <typename View>
View flat_view(bytea* state) {
    return View::attach(flat_state_body(state), flat_state_body_size(state));
}

// A new, empty flat state of View for k columns, in the aggregate memory
// context (or the current one when called outside an aggregate).
template <typename View>
bytea* create_flat_state(FunctionCallInfo fcinfo, const char* function, int k) {
    MemoryContext context;
    if (!AggCheckCallContext(fcinfo, &context)) context = CurrentMemoryContext;
    std::size_t bytes = 0;
    guarded(function, [&] { bytes = View::bytes(k); });  // checks k before allocating
    bytea* state = new_flat_state(bytes, context);
    guarded(function, [&] { View::create(flat_state_body(state), k); });
    return state;
}

}  // namespace eventml::pg
