// SQL glue for the reports (src/sql/reports.sql): the first-touch aggregate
// behind funnel_report's breakdown, the active periods of an entity, and the
// shape of a report's events query.
#include "aggregate.hpp"
#include "reports.hpp"

extern "C" {
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/plancache.h"
#include "utils/tuplestore.h"
}

namespace reports = eventml::core::reports;

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

// eventml_period_set_trans(state, period): NULL periods are skipped.
EVENTML_FUNCTION(eventml_period_set_trans) {
    constexpr const char* kFunction = "eventml_period_set";
    if (PG_ARGISNULL(1)) return eventml::pg::skip_row<reports::PeriodSet>(fcinfo, kFunction);
    const int64 period = PG_GETARG_INT64(1);
    return eventml::pg::transition<reports::PeriodSet>(
        fcinfo, kFunction, [] { return reports::NoParams{}; }, [&](reports::PeriodSet& state) { state.add(period); });
}

EVENTML_STATE_FUNCTIONS(eventml_period_set, reports::PeriodSet, "eventml_period_set")

// The distinct periods, ascending, as bigint[].
EVENTML_FUNCTION(eventml_period_set_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    auto* state = reinterpret_cast<reports::PeriodSet*>(PG_GETARG_POINTER(0));
    eventml::pg::guarded("eventml_period_set", [&] { state->compact(); });
    static_assert(sizeof(Datum) == sizeof(int64), "bigint is passed by value");
    PG_RETURN_ARRAYTYPE_P(construct_array(reinterpret_cast<Datum*>(const_cast<int64*>(state->data())),
                                          static_cast<int>(state->size()), INT8OID, sizeof(int64), true,
                                          TYPALIGN_DOUBLE));
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
