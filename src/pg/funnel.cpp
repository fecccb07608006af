// SQL glue for retention (and, to come, funnel and funnel_times).
#include "boundary.hpp"
#include "funnel.hpp"
#include "values.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
}

namespace funnel = eventml::core::funnel;
using eventml::pg::guarded;

// retention_trans(state, conds): records which conditions held. NULL
// conditions count as false; a NULL array skips the row.
EVENTML_FUNCTION(retention_trans) {
    funnel::RetentionState state = PG_ARGISNULL(0) ? 0 : PG_GETARG_INT64(0);
    if (PG_ARGISNULL(1)) {
        if (PG_ARGISNULL(0)) PG_RETURN_NULL();
        PG_RETURN_INT64(state);
    }
    Datum* values;
    bool* nulls;
    int n;
    deconstruct_array(PG_GETARG_ARRAYTYPE_P(1), BOOLOID, 1, true, TYPALIGN_CHAR, &values, &nulls, &n);
    bool held[funnel::kMaxRetentionConditions];
    for (int i = 0; i < n && i < funnel::kMaxRetentionConditions; ++i) held[i] = !nulls[i] && DatumGetBool(values[i]);
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
