#include "values.hpp"

#include <cstdint>
#include <algorithm>
#include <cstring>

extern "C" {
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "funcapi.h"
#include "access/htup_details.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
}

namespace eventml::pg {
namespace {

constexpr std::size_t kPayloadOffset = 2 * sizeof(int32);  // varlena header + pad

bool aligned(const void* pointer) { return reinterpret_cast<std::uintptr_t>(pointer) % 8 == 0; }

}  // namespace

Float8Array read_float8_array(ArrayType* array, const char* function, const char* argument) {
    if (ARR_NDIM(array) == 0)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR), errmsg("%s: %s is empty", function, argument)));
    require_flat(array, function, argument);
    Float8Array result;
    result.length = ARR_DIMS(array)[0];
    result.values = ARR_HASNULL(array) && array_contains_nulls(array)
                        ? nullptr
                        : reinterpret_cast<const double*>(ARR_DATA_PTR(array));
    return result;
}

void require_flat(ArrayType* array, const char* function, const char* noun) {
    if (ARR_NDIM(array) > 1)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("%s: %s must be a one-dimensional array, got %d dimensions", function, noun,
                               ARR_NDIM(array))));
}

int read_flags(ArrayType* array, bool* holds, int min, int max, const char* function, const char* noun) {
    require_flat(array, function, noun);
    const int n = ARR_NDIM(array) == 0 ? 0 : ARR_DIMS(array)[0];
    if (n < min || n > max)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("%s takes %d to %d %s, got %d", function, min, max, noun, n)));
    // Booleans are one byte each; NULL elements are absent from the data.
    const bool* data = reinterpret_cast<const bool*>(ARR_DATA_PTR(array));
    const bits8* nulls = ARR_NULLBITMAP(array);
    for (int i = 0; i < n; ++i) holds[i] = (nulls == nullptr || (nulls[i / 8] & (1 << (i % 8)))) ? *data++ : false;
    return n;
}

ArrayType* make_float8_matrix(const double* values, const bool* nulls, int rows, int cols) {
    const int count = rows * cols;
    Datum* datums = static_cast<Datum*>(palloc(sizeof(Datum) * count));
    for (int i = 0; i < count; ++i) datums[i] = Float8GetDatum(values[i]);
    int dims[2] = {rows, cols};
    int lbs[2] = {1, 1};
    const int ndim = rows == 1 ? 1 : 2;
    if (ndim == 1) dims[0] = cols;
    return construct_md_array(datums, const_cast<bool*>(nulls), ndim, dims, lbs, FLOAT8OID,
                              sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

Int8Array read_int8_array(ArrayType* array, const char* function, const char* argument) {
    if (ARR_ELEMTYPE(array) != INT8OID) elog(ERROR, "%s: %s must be bigint[]", function, argument);
    require_flat(array, function, argument);
    if (ARR_HASNULL(array))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s: %s must not contain NULL elements", function, argument)));
    return {reinterpret_cast<const int64*>(ARR_DATA_PTR(array)), ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array))};
}

void require_array_size(int64 rows, int cols, const char* function) {
    if (rows > static_cast<int64>(MaxArraySize) / cols)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("%s: a result of %lld rows is larger than an array can hold", function,
                               static_cast<long long>(rows))));
}

ArrayType* make_int8_array(const int64* values, int length, Oid type) {
    static_assert(sizeof(Datum) == sizeof(int64), "8-byte types are passed by value");
    return construct_array(reinterpret_cast<Datum*>(const_cast<int64*>(values)), length, type, sizeof(int64), true,
                           TYPALIGN_DOUBLE);
}

ArrayType* make_int8_matrix(const int64* values, const bool* nulls, int rows, int cols) {
    const int64 count = static_cast<int64>(rows) * cols;
    Datum* datums = static_cast<Datum*>(MemoryContextAllocHuge(CurrentMemoryContext, sizeof(Datum) * count));
    for (int64 i = 0; i < count; ++i) datums[i] = Int64GetDatum(values[i]);
    int dims[2] = {rows, cols};
    int lbs[2] = {1, 1};
    return construct_md_array(datums, const_cast<bool*>(nulls), 2, dims, lbs, INT8OID, sizeof(int64), true,
                              TYPALIGN_DOUBLE);
}

ArrayType* make_float8_array(const double* values, const bool* nulls, int length) {
    return make_float8_matrix(values, nulls, 1, length);
}

void require_not_null(FunctionCallInfo fcinfo, int argno, const char* function, const char* argument) {
    if (PG_ARGISNULL(argno))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s: %s must not be NULL", function, argument)));
}

int64 interval_micros(Datum datum, const char* function, const char* argument) {
    const Interval* span = DatumGetIntervalP(datum);
    int64 days, micros;
    if (__builtin_mul_overflow(static_cast<int64>(span->month), DAYS_PER_MONTH, &days) ||
        __builtin_add_overflow(days, static_cast<int64>(span->day), &days) ||
        __builtin_mul_overflow(days, USECS_PER_DAY, &micros) || __builtin_add_overflow(micros, span->time, &micros))
        ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                        errmsg("%s: %s is out of range", function, argument)));
    return micros;
}

int64 finite_time(Datum datum, const char* function) {
    const int64 ts = DatumGetInt64(datum);
    if (TIMESTAMP_NOT_FINITE(ts))
        ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                        errmsg("%s: ts must be finite, got %sinfinity", function, TIMESTAMP_IS_NOBEGIN(ts) ? "-" : "")));
    return ts;
}

MemoryContext aggregate_memory(FunctionCallInfo fcinfo, const char* function) {
    MemoryContext context;
    if (!AggCheckCallContext(fcinfo, &context))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("%s called in non-aggregate context", function)));
    return context;
}

namespace {

// Checks descriptor against attributes (see result_row); an ERROR naming
// the first difference. (palloc'd strings only: ereport may longjmp.)
void check_result_type(const char* function, Oid type, TupleDesc descriptor, const char* attributes, int count) {
    const char* at = attributes;
    for (int i = 0; i < std::max(count, descriptor->natts); ++i) {
        const char* end = std::strchr(at, ',');
        const char* expected = pnstrdup(at, end == nullptr ? std::strlen(at) : end - at);
        at = end == nullptr ? "" : end + 2;
        const char* found = "";
        if (i < descriptor->natts && !TupleDescAttr(descriptor, i)->attisdropped)
            found = psprintf("%s %s", NameStr(TupleDescAttr(descriptor, i)->attname),
                             format_type_be(TupleDescAttr(descriptor, i)->atttypid));
        // "name type|type": the name and one of the types must match.
        const char* found_type = std::strchr(found, ' ');
        const char* expected_type = std::strchr(expected, ' ');
        bool same = found_type != nullptr && expected_type != nullptr && found_type - found == expected_type - expected &&
                    std::strncmp(found, expected, found_type - found) == 0;
        for (const char* option = expected_type; same && option != nullptr;) {
            const char* next = std::strchr(option + 1, '|');
            const std::size_t length = (next == nullptr ? std::strlen(option + 1) : next - option - 1);
            if (std::strlen(found_type + 1) == length && std::strncmp(found_type + 1, option + 1, length) == 0) break;
            option = next;
            same = next != nullptr;
        }
        if (!same)
            ereport(ERROR,
                    (errcode(ERRCODE_DATATYPE_MISMATCH),
                     errmsg("%s: the result type %s does not match this eventml library", function, format_type_be(type)),
                     errdetail("Attribute %d is \"%s\" in the type and \"%s\" in the library (%d attributes against %d).",
                               i + 1, *found ? found : "(none)", *expected ? expected : "(none)", descriptor->natts,
                               count),
                     errhint("Run ALTER EXTENSION eventml UPDATE, or install the library of the extension's version.")));
    }
}

}  // namespace

Datum result_row(FunctionCallInfo fcinfo, const char* function, const char* attributes,
                 std::initializer_list<Datum> values) {
    Oid type;
    TupleDesc descriptor;
    if (get_call_result_type(fcinfo, &type, &descriptor) != TYPEFUNC_COMPOSITE)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("%s: the result type is not a composite", function)));
    const int count = static_cast<int>(values.size());
    // Checked once per query: fn_extra remembers the type that passed.
    if (fcinfo->flinfo->fn_extra != attributes) {
        check_result_type(function, type, descriptor, attributes, count);
        fcinfo->flinfo->fn_extra = const_cast<char*>(attributes);
    }
    bool nulls[64] = {};
    if (count > 64) elog(ERROR, "%s: a result of %d attributes", function, count);
    return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(descriptor), const_cast<Datum*>(values.begin()), nulls));
}

bytea* new_flat_state(std::size_t body_bytes, MemoryContext context) {
    const std::size_t total = kPayloadOffset + body_bytes;
    if (!AllocSizeIsValid(total))
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("aggregate state of %zu bytes is too large", total)));
    bytea* state = static_cast<bytea*>(MemoryContextAllocZero(context, total));
    SET_VARSIZE(state, total);
    return state;
}

void* flat_state_body(bytea* state) { return reinterpret_cast<char*>(state) + kPayloadOffset; }

std::size_t flat_state_body_size(const bytea* state) {
    const std::size_t total = VARSIZE(state);
    return total < kPayloadOffset ? 0 : total - kPayloadOffset;
}

bytea* flat_state_arg(FunctionCallInfo fcinfo, int argno, bool for_update) {
    bytea* state = PG_GETARG_BYTEA_P(argno);  // detoasted, 4-byte header
    const bool ours = AggCheckCallContext(fcinfo, nullptr) != 0;
    if ((for_update && !ours) || !aligned(state)) {
        bytea* copy = static_cast<bytea*>(palloc(VARSIZE(state)));
        std::memcpy(copy, state, VARSIZE(state));
        state = copy;
    }
    return state;
}

}  // namespace eventml::pg
