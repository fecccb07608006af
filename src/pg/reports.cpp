// SQL glue for the reports (src/sql/reports.sql): the first-touch aggregate
// behind funnel_report's breakdown, period indexes in the session's TimeZone,
// the active periods of an entity, the cohort and lifecycle counts, the
// statistics of funnel_drivers' tables, and the shape of a report's events
// query.
#include "aggregate.hpp"
#include "distributions.hpp"
#include "reports.hpp"

#include <climits>
#include <cstring>
#include <new>

extern "C" {
#include "executor/spi.h"
#include "funcapi.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/plancache.h"
#include "utils/tuplestore.h"
}

namespace reports = eventml::core::reports;

namespace {

// The offset of zone at t (seconds since 1970) and the time before which it
// holds: pg_localtime's offset (what timestamptz::date and date_trunc use)
// up to the zone's next transition.
reports::ZoneOffsets::Span zone_span(const pg_tz* zone, int64 t) {
    const pg_time_t at = t;
    const pg_tm* local = pg_localtime(&at, zone);
    const int64 offset = local != nullptr ? local->tm_gmtoff : 0;
    long before = 0, after = 0;
    int before_dst = 0, after_dst = 0;
    pg_time_t boundary = 0;
    const pg_time_t next = at + 1;
    const int found = pg_next_dst_boundary(&next, &before, &before_dst, &boundary, &after, &after_dst, zone);
    int64 to = t + 1;  // unless the zone says more: this second only
    if (local != nullptr && found == 0 && before == offset) to = INT64_MAX;
    if (local != nullptr && found == 1 && before == offset) to = boundary;
    return {t, to, offset};
}

// What the functions that index periods keep in their fn_extra for the
// query: the period they last parsed and the session TimeZone's offsets.
struct PeriodIndexer {
    const pg_tz* zone;
    reports::ZoneOffsets offsets;
    reports::Period period;
    int length;  // of name; -1 before the first
    char name[8];
};

// The index of ts's period in the session's TimeZone (core period_index).
int64 local_period_index(FunctionCallInfo fcinfo, text* period, int64 ts, const char* function) {
    auto* indexer = static_cast<PeriodIndexer*>(fcinfo->flinfo->fn_extra);
    if (indexer == nullptr) {
        indexer = static_cast<PeriodIndexer*>(MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(PeriodIndexer)));
        new (indexer) PeriodIndexer{session_timezone, {}, reports::Period::Day, -1, {}};
        fcinfo->flinfo->fn_extra = indexer;
    }
    const char* name = VARDATA_ANY(period);
    const int length = VARSIZE_ANY_EXHDR(period);
    if (length != indexer->length || std::memcmp(name, indexer->name, length) != 0) {
        eventml::pg::guarded(function, [&] { indexer->period = reports::parse_period(name, length); });
        indexer->length = length;  // parse_period accepts no name longer than 5 bytes
        std::memcpy(indexer->name, name, length);
    }
    if (indexer->zone != session_timezone) {  // SET TimeZone since the last row
        indexer->zone = session_timezone;
        indexer->offsets = reports::ZoneOffsets();
    }
    const pg_tz* zone = indexer->zone;
    const int64 offset = indexer->offsets.at(reports::unix_seconds(ts), [zone](int64 t) { return zone_span(zone, t); });
    return reports::period_index(indexer->period, ts, offset);
}

}  // namespace

// eventml_period_index(period, t): STRICT; an ERROR for an infinite t.
EVENTML_FUNCTION(eventml_period_index) {
    const int64 ts = eventml::pg::finite_time(PG_GETARG_DATUM(1), "eventml_period_index");
    PG_RETURN_INT64(local_period_index(fcinfo, PG_GETARG_TEXT_PP(0), ts, "eventml_period_index"));
}

// eventml_first_value_trans(state, ts, value): rows with a NULL ts or value
// are skipped; ±infinity order as PostgreSQL orders them.
EVENTML_FUNCTION(eventml_first_value_trans) {
    constexpr const char* kFunction = "eventml_first_value";
    if (PG_ARGISNULL(1) || PG_ARGISNULL(2)) return eventml::pg::skip_row<reports::EarliestValue>(fcinfo, kFunction);
    const int64 ts = PG_GETARG_INT64(1);
    text* value = PG_GETARG_TEXT_PP(2);
    return eventml::pg::transition<reports::EarliestValue>(
        fcinfo, kFunction, [] { return reports::NoParams{}; },
        [&](reports::EarliestValue& state) { state.add(ts, VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)); });
}

EVENTML_STATE_FUNCTIONS(eventml_first_value, reports::EarliestValue, "eventml_first_value")

EVENTML_FUNCTION(eventml_first_value_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* state = reinterpret_cast<reports::EarliestValue*>(PG_GETARG_POINTER(0));
    PG_RETURN_TEXT_P(cstring_to_text_with_len(state->length() > 0 ? state->value() : "", state->length()));
}

// eventml_period_set_trans(state, period, ts): rows with a NULL ts are
// skipped; a NULL period or an infinite ts is an ERROR.
EVENTML_FUNCTION(eventml_period_set_trans) {
    constexpr const char* kFunction = "eventml_period_set";
    eventml::pg::require_not_null(fcinfo, 1, kFunction, "period");
    if (PG_ARGISNULL(2)) return eventml::pg::skip_row<reports::PeriodSet>(fcinfo, kFunction);
    const int64 ts = eventml::pg::finite_time(PG_GETARG_DATUM(2), kFunction);
    const int64 period = local_period_index(fcinfo, PG_GETARG_TEXT_PP(1), ts, kFunction);
    return eventml::pg::transition<reports::PeriodSet>(
        fcinfo, kFunction, [] { return reports::NoParams{}; }, [&](reports::PeriodSet& state) { state.add(period); });
}

EVENTML_STATE_FUNCTIONS(eventml_period_set, reports::PeriodSet, "eventml_period_set")

// The distinct periods, ascending, as bigint[].
EVENTML_FUNCTION(eventml_period_set_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    auto* state = reinterpret_cast<reports::PeriodSet*>(PG_GETARG_POINTER(0));
    eventml::pg::guarded("eventml_period_set", [&] { state->compact(); });
    PG_RETURN_ARRAYTYPE_P(eventml::pg::make_int8_array(state->data(), static_cast<int>(state->size()), INT8OID));
}

// eventml_retention_counts_trans(state, cohort, returns, observed, periods,
// cumulative): one entity; a NULL cohort counts in no cohort, NULL returns
// are none, a NULL observed says nothing.
EVENTML_FUNCTION(eventml_retention_counts_trans) {
    constexpr const char* kFunction = "eventml_retention_counts";
    const auto returns = PG_ARGISNULL(2) ? eventml::pg::Int8Array{nullptr, 0}
                                         : eventml::pg::read_int8_array(PG_GETARG_ARRAYTYPE_P(2), kFunction, "returns");
    return eventml::pg::transition<reports::RetentionCounts>(
        fcinfo, kFunction,
        [&] {
            eventml::pg::require_not_null(fcinfo, 4, kFunction, "periods");
            eventml::pg::require_not_null(fcinfo, 5, kFunction, "cumulative");
            reports::RetentionParams params;
            params.periods = PG_GETARG_INT32(4);
            params.cumulative = PG_GETARG_BOOL(5) ? 1 : 0;
            return params;
        },
        [&](reports::RetentionCounts& state) {
            state.add(!PG_ARGISNULL(1), PG_ARGISNULL(1) ? 0 : PG_GETARG_INT64(1), returns.values, returns.length);
            if (!PG_ARGISNULL(3)) state.see(PG_GETARG_INT64(3));
        });
}

EVENTML_STATE_FUNCTIONS(eventml_retention_counts, reports::RetentionCounts, "eventml_retention_counts")

// The cells as bigint[cells][4]: cohort, cohort entities, period number,
// entities (NULL when not observed yet); {} for no cohort.
EVENTML_FUNCTION(eventml_retention_counts_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* state = reinterpret_cast<reports::RetentionCounts*>(PG_GETARG_POINTER(0));
    const int64 cells = state->cells();
    if (cells == 0) PG_RETURN_ARRAYTYPE_P(construct_empty_array(INT8OID));
    eventml::pg::require_array_size(cells, 4, "eventml_retention_counts");
    auto* values = static_cast<int64*>(MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * 4 * cells));
    auto* nulls = static_cast<bool*>(MemoryContextAllocHuge(CurrentMemoryContext, 4 * cells));
    for (int64 i = 0; i < cells; ++i) {
        const reports::RetentionCounts::Cell cell = state->cell(i);
        const int64 row[4] = {cell.cohort, cell.cohort_entities, cell.k, cell.entities};
        std::memcpy(values + 4 * i, row, sizeof row);
        std::memset(nulls + 4 * i, 0, 4);
        nulls[4 * i + 3] = !cell.observed;
    }
    PG_RETURN_ARRAYTYPE_P(eventml::pg::make_int8_matrix(values, nulls, static_cast<int>(cells), 4));
}

// eventml_lifecycle_counts_trans(state, active, observed): one entity; NULL
// active periods are none, a NULL observed says nothing.
EVENTML_FUNCTION(eventml_lifecycle_counts_trans) {
    constexpr const char* kFunction = "eventml_lifecycle_counts";
    const auto active = PG_ARGISNULL(1) ? eventml::pg::Int8Array{nullptr, 0}
                                        : eventml::pg::read_int8_array(PG_GETARG_ARRAYTYPE_P(1), kFunction, "active");
    return eventml::pg::transition<reports::LifecycleCounts>(
        fcinfo, kFunction, [] { return reports::NoParams{}; },
        [&](reports::LifecycleCounts& state) {
            state.add(active.values, active.length);
            if (!PG_ARGISNULL(2)) state.see(PG_GETARG_INT64(2));
        });
}

EVENTML_STATE_FUNCTIONS(eventml_lifecycle_counts, reports::LifecycleCounts, "eventml_lifecycle_counts")

// The periods first() .. last() as bigint[periods][5]: period, new,
// returning, resurrecting, dormant; {} when no entity was active.
EVENTML_FUNCTION(eventml_lifecycle_counts_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* state = reinterpret_cast<reports::LifecycleCounts*>(PG_GETARG_POINTER(0));
    if (state->empty()) PG_RETURN_ARRAYTYPE_P(construct_empty_array(INT8OID));
    constexpr int kColumns = 1 + reports::LifecycleCounts::kStatuses;
    int64 periods = 0;
    if (__builtin_sub_overflow(state->last(), state->first(), &periods) || periods == INT64_MAX) periods = INT64_MAX - 1;
    periods += 1;
    eventml::pg::require_array_size(periods, kColumns, "eventml_lifecycle_counts");
    auto* values = static_cast<int64*>(MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * kColumns * periods));
    for (int64 i = 0; i < periods; ++i) {
        const int64 period = state->first() + i;
        values[kColumns * i] = period;
        for (int s = 0; s < reports::LifecycleCounts::kStatuses; ++s)
            values[kColumns * i + 1 + s] = state->count(period, static_cast<reports::LifecycleCounts::Status>(s));
    }
    PG_RETURN_ARRAYTYPE_P(eventml::pg::make_int8_matrix(values, nullptr, static_cast<int>(periods), kColumns));
}

// eventml_query_columns(query text) → TABLE (name text, type regtype): the
// columns the query would return, from parse analysis alone (SPI_prepare:
// nothing runs), so that a report rejects a query of the wrong shape before
// any work. A query that returns no rows (a utility statement, several
// statements) is an ERROR.
EVENTML_FUNCTION(eventml_query_columns) {
    char* query = text_to_cstring(PG_GETARG_TEXT_PP(0));
    ReturnSetInfo* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    InitMaterializedSRF(fcinfo, 0);
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "eventml_query_columns: SPI_connect failed");
    SPIPlanPtr plan = SPI_prepare(query, 0, nullptr);
    if (plan == nullptr)
        elog(ERROR, "eventml_query_columns: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
    List* sources = SPI_plan_get_plan_sources(plan);
    TupleDesc shape = list_length(sources) == 1 ? static_cast<CachedPlanSource*>(linitial(sources))->resultDesc : nullptr;
    if (shape == nullptr)
        ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                        errmsg("the events query must be one query that returns rows: %s", query)));
    for (int i = 0; i < shape->natts; ++i) {
        const Form_pg_attribute column = TupleDescAttr(shape, i);
        Datum values[2] = {CStringGetTextDatum(NameStr(column->attname)), ObjectIdGetDatum(column->atttypid)};
        bool nulls[2] = {false, false};
        tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
    }
    SPI_finish();
    return (Datum)0;
}

// eventml_two_by_two(a, b, c, d): funnel_drivers' statistics of one 2x2
// table (core two_by_two). STRICT; an ERROR for a negative count.
EVENTML_FUNCTION(eventml_two_by_two) {
    int64 cells[4];
    for (int i = 0; i < 4; ++i) {
        cells[i] = PG_GETARG_INT64(i);
        if (cells[i] < 0)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("eventml_two_by_two: counts must not be negative, got %lld",
                                   static_cast<long long>(cells[i]))));
    }
    eventml::core::TwoByTwo t{};
    eventml::pg::guarded("funnel_drivers", [&] {
        t = eventml::core::two_by_two(cells[0], cells[1], cells[2], cells[3], eventml::pg::interrupt_check());
    });
    return eventml::pg::result_row(
        fcinfo, "funnel_drivers",
        "odds_ratio double precision, ci_low double precision, ci_high double precision, p_value double precision",
        {Float8GetDatum(t.odds_ratio), Float8GetDatum(t.ci_low), Float8GetDatum(t.ci_high), Float8GetDatum(t.p_value)});
}
