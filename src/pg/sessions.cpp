// SQL glue for the session_id window function and the sessionize aggregate,
// for timestamptz and timestamp alike (both are int64 microseconds), and for
// eventml_session_list, the aggregate behind the sessions report.
#include "aggregate.hpp"
#include "sessions.hpp"

#include <algorithm>
#include <new>

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "windowapi.h"
}

namespace core = eventml::core;
namespace sessions = eventml::core::sessions;
using eventml::pg::guarded;

namespace {

// The rule from the gap and max_length arguments (at 1 and 2 of args).
sessions::Rule read_rule(bool gap_null, Datum gap, bool has_max, bool max_null, Datum max_length,
                         const char* function) {
    if (gap_null || (has_max && max_null))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s: gap and max_length must not be NULL", function)));
    sessions::Rule rule{eventml::pg::interval_micros(gap, function, "gap"),
                        has_max ? eventml::pg::interval_micros(max_length, function, "max_length") : sessions::kNoMaxLength};
    guarded(function, [&] { sessions::check_rule(rule); });
    return rule;
}

// session_id's memory for one partition (zeroed by PostgreSQL at its start).
struct PartitionState {
    bool begun;
    sessions::Numberer numberer;
};

// The session_summary and session_summary_ts composites (src/sql/sessions.sql),
// as sessionize fills them.
constexpr const char* kSessionSummary =
    "sessions bigint, events bigint, first_start timestamp with time zone|timestamp without time zone, "
    "first_duration interval, last_end timestamp with time zone|timestamp without time zone, "
    "total_duration interval, mean_duration interval, max_duration interval, bounces bigint";

Datum interval_datum(int64 micros) {
    auto* span = static_cast<Interval*>(palloc(sizeof(Interval)));
    span->time = micros;
    span->day = 0;
    span->month = 0;
    return IntervalPGetDatum(span);
}

}  // namespace

// session_id(ts, gap [, max_length]) OVER (PARTITION BY entity ORDER BY ts):
// the 1-based session of the row, in one pass over the partition. Rows with a
// NULL ts get NULL and do not touch the sessions around them.
EVENTML_FUNCTION(session_id) {
    WindowObject window = PG_WINDOW_OBJECT();
    bool ts_null, gap_null, max_null = false;
    const Datum ts = WinGetFuncArgCurrent(window, 0, &ts_null);
    if (ts_null) PG_RETURN_NULL();
    auto* partition = static_cast<PartitionState*>(WinGetPartitionLocalMemory(window, sizeof(PartitionState)));
    if (!partition->begun) {  // the rule is read from the partition's first row
        const Datum gap = WinGetFuncArgCurrent(window, 1, &gap_null);
        const bool has_max = PG_NARGS() > 2;
        const Datum max_length = has_max ? WinGetFuncArgCurrent(window, 2, &max_null) : 0;
        new (&partition->numberer) sessions::Numberer(read_rule(gap_null, gap, has_max, max_null, max_length, "session_id"));
        partition->begun = true;
    }
    const int64 time = eventml::pg::finite_time(ts, "session_id");
    int64 session = 0;
    guarded("session_id", [&] { session = partition->numberer.next(time); });
    PG_RETURN_INT64(session);
}

// sessionize_trans(state, ts, gap [, max_length]): keeps the event time.
EVENTML_FUNCTION(sessionize_trans) {
    if (PG_ARGISNULL(1)) return eventml::pg::skip_row<sessions::TimesState>(fcinfo, "sessionize_trans");
    const int64 time = eventml::pg::finite_time(PG_GETARG_DATUM(1), "sessionize");
    return eventml::pg::transition<sessions::TimesState>(
        fcinfo, "sessionize",
        [&] {
            const bool has_max = PG_NARGS() > 3;
            return read_rule(PG_ARGISNULL(2), PG_GETARG_DATUM(2), has_max, has_max && PG_ARGISNULL(3),
                             has_max ? PG_GETARG_DATUM(3) : 0, "sessionize");
        },
        [&](sessions::TimesState& state) { state.add(time); });
}

EVENTML_STATE_FUNCTIONS(sessionize, sessions::TimesState, "sessionize")

// Final: the session statistics, as session_summary (timestamptz) or
// session_summary_ts (timestamp); both store int64 microseconds.
EVENTML_FUNCTION(sessionize_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    auto* state = reinterpret_cast<sessions::TimesState*>(PG_GETARG_POINTER(0));
    sessions::Summary summary;
    guarded("sessionize", [&] { summary = state->finish(eventml::pg::interrupt_check()); });
    return eventml::pg::result_row(
        fcinfo, "sessionize", kSessionSummary,
        {Int64GetDatum(summary.sessions), Int64GetDatum(summary.events), Int64GetDatum(summary.first_start),
         interval_datum(summary.first_duration), Int64GetDatum(summary.last_end), interval_datum(summary.total_duration),
         interval_datum(summary.mean_duration), interval_datum(summary.max_duration), Int64GetDatum(summary.bounces)});
}

// eventml_session_list_trans(state, ts, event, gap, max_length): keeps the
// row. A NULL ts skips it; a NULL event is kept as a NULL name; a NULL
// max_length means none.
EVENTML_FUNCTION(eventml_session_list_trans) {
    constexpr const char* kFunction = "sessions";
    if (PG_ARGISNULL(1)) return eventml::pg::skip_row<sessions::SessionListState>(fcinfo, kFunction);
    const int64 time = eventml::pg::finite_time(PG_GETARG_DATUM(1), kFunction);
    const text* name = PG_ARGISNULL(2) ? nullptr : PG_GETARG_TEXT_PP(2);
    return eventml::pg::transition<sessions::SessionListState>(
        fcinfo, kFunction,
        [&] {
            const bool has_max = !PG_ARGISNULL(4);
            return read_rule(PG_ARGISNULL(3), PG_GETARG_DATUM(3), has_max, false, PG_GETARG_DATUM(4), kFunction);
        },
        [&](sessions::SessionListState& state) {
            if (name == nullptr) {
                state.add(time, nullptr, 0);
            } else {
                state.add(time, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
            }
        });
}

EVENTML_STATE_FUNCTIONS(eventml_session_list, sessions::SessionListState, "sessions")

namespace {

// The eventml_session_list composite (src/sql/reports.sql).
constexpr const char* kSessionList =
    "starts timestamp with time zone[], ends timestamp with time zone[], event_counts bigint[], "
    "first_events text[], last_events text[]";

ArrayType* text_array(const sessions::Session* list, int count, bool first) {
    auto* datums = static_cast<Datum*>(palloc(sizeof(Datum) * count));
    auto* nulls = static_cast<bool*>(palloc(sizeof(bool) * count));
    for (int i = 0; i < count; ++i) {
        const sessions::Session::Name& name = first ? list[i].first : list[i].last;
        nulls[i] = name.name == nullptr;
        datums[i] = nulls[i] ? 0 : PointerGetDatum(cstring_to_text_with_len(name.name, static_cast<int>(name.length)));
    }
    int dims[1] = {count}, lbs[1] = {1};
    return construct_md_array(datums, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT);
}

ArrayType* int8_array(const sessions::Session* list, int count, Oid type, int64 sessions::Session::*field) {
    auto* values = static_cast<int64*>(palloc(sizeof(int64) * std::max(count, 1)));
    for (int i = 0; i < count; ++i) values[i] = list[i].*field;
    return eventml::pg::make_int8_array(values, count, type);
}

}  // namespace

// Final: the entity's sessions in order, as eventml_session_list's arrays.
EVENTML_FUNCTION(eventml_session_list_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    auto* state = reinterpret_cast<sessions::SessionListState*>(PG_GETARG_POINTER(0));
    eventml::pg::require_array_size(state->size(), 1, "sessions");
    auto* list = static_cast<sessions::Session*>(palloc(sizeof(sessions::Session) * state->size()));
    int64 count = 0;
    guarded("sessions", [&] { count = state->split(list, eventml::pg::interrupt_check()); });
    const int n = static_cast<int>(count);
    return eventml::pg::result_row(
        fcinfo, "sessions", kSessionList,
        {PointerGetDatum(int8_array(list, n, TIMESTAMPTZOID, &sessions::Session::start)),
         PointerGetDatum(int8_array(list, n, TIMESTAMPTZOID, &sessions::Session::end)),
         PointerGetDatum(int8_array(list, n, INT8OID, &sessions::Session::events)),
         PointerGetDatum(text_array(list, n, true)), PointerGetDatum(text_array(list, n, false))});
}
