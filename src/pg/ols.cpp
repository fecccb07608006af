// SQL glue for ols_fit, ols_predict and summary(ols_model).
#include "boundary.hpp"
#include "distributions.hpp"
#include "ols.hpp"
#include "values.hpp"

#include <cmath>

extern "C" {
#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"
}

namespace core = eventml::core;
using eventml::pg::guarded;

namespace {

// Attribute numbers of the ols_model composite (eventml--*.sql).
enum OlsModelField {
    kCoef = 1, kStdErr, kTStat, kPValue, kR2, kAdjR2, kSigma, kFStat, kFPValue, kN, kDfResid,
    kLogLikelihood, kAic, kBic, kConditionNumber, kCov, kFieldCount = kCov
};

// The core view of a flat state; throws CorruptState, so call it inside guarded().
core::ols::State view(bytea* state) {
    return core::ols::State::attach(eventml::pg::flat_state_body(state), eventml::pg::flat_state_body_size(state));
}

// ols_fit_trans(state, y, x [, weight]): adds one row. Rows with a NULL in
// y, x (or an element of x) or weight are skipped.
Datum ols_transition(FunctionCallInfo fcinfo, bool weighted) {
    const bool has_state = !PG_ARGISNULL(0);
    if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || (weighted && PG_ARGISNULL(3))) {
        if (has_state) PG_RETURN_DATUM(PG_GETARG_DATUM(0));
        PG_RETURN_NULL();
    }
    const double y = PG_GETARG_FLOAT8(1);
    const eventml::pg::Float8Array x = eventml::pg::read_float8_array(PG_GETARG_ARRAYTYPE_P(2), "ols_fit", "x");
    const double weight = weighted ? PG_GETARG_FLOAT8(3) : 1.0;
    if (x.values == nullptr) {  // a NULL element: skip the row
        if (has_state) PG_RETURN_DATUM(PG_GETARG_DATUM(0));
        PG_RETURN_NULL();
    }

    bytea* state;
    if (has_state) {
        state = eventml::pg::flat_state_arg(fcinfo, 0, true);
    } else {
        MemoryContext aggregate_context;
        if (!AggCheckCallContext(fcinfo, &aggregate_context)) aggregate_context = CurrentMemoryContext;
        std::size_t bytes = 0;
        guarded("ols_fit", [&] { bytes = core::ols::State::bytes(x.length); });
        state = eventml::pg::new_flat_state(bytes, aggregate_context);
        guarded("ols_fit", [&] { core::ols::State::create(eventml::pg::flat_state_body(state), x.length); });
    }
    guarded("ols_fit", [&] {
        core::ols::State model = view(state);
        if (x.length != model.columns())
            core::fail(core::ErrorKind::ArrayShape, "x has %d elements, but earlier rows had %d", x.length,
                       model.columns());
        model.add(y, x.values, weight);
    });
    PG_RETURN_BYTEA_P(state);
}

}  // namespace

EVENTML_FUNCTION(ols_fit_trans) { return ols_transition(fcinfo, false); }

EVENTML_FUNCTION(ols_fit_trans_weighted) { return ols_transition(fcinfo, true); }

// Strict combine function: merges the second state into the first.
EVENTML_FUNCTION(ols_fit_combine) {
    bytea* into = eventml::pg::flat_state_arg(fcinfo, 0, true);
    bytea* from = eventml::pg::flat_state_arg(fcinfo, 1, false);
    guarded("ols_fit", [&] { view(into).merge(view(from)); });
    PG_RETURN_BYTEA_P(into);
}

// Strict final function: fits the model. The state is not modified, so the
// aggregate also works over window frames.
EVENTML_FUNCTION(ols_fit_final) {
    bytea* state = eventml::pg::flat_state_arg(fcinfo, 0, false);
    int k = 0;
    int64 rows = 0;
    guarded("ols_fit", [&] {
        const core::ols::State model = view(state);
        k = model.columns();
        rows = model.rows();
    });
    if (rows == 0) PG_RETURN_NULL();  // only zero-weight rows

    core::ols::FitOutput fit;
    fit.coef = static_cast<double*>(palloc(sizeof(double) * k));
    fit.std_err = static_cast<double*>(palloc(sizeof(double) * k));
    fit.t_stat = static_cast<double*>(palloc(sizeof(double) * k));
    fit.p_value = static_cast<double*>(palloc(sizeof(double) * k));
    fit.cov = static_cast<double*>(palloc(sizeof(double) * k * k));
    fit.aliased = static_cast<bool*>(palloc(sizeof(bool) * k));
    guarded("ols_fit", [&] { view(state).finish(fit, eventml::pg::interrupt_check()); });

    bool* cov_nulls = static_cast<bool*>(palloc(sizeof(bool) * k * k));
    for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j) cov_nulls[i * k + j] = fit.aliased[i] || fit.aliased[j];
    if (fit.rank < k)
        ereport(NOTICE, (errmsg("ols_fit: %d of %d coefficients not defined because of singularities",
                                k - fit.rank, k),
                         errdetail("Their coef, std_err, t_stat, p_value and cov entries are NULL.")));

    TupleDesc descriptor;
    if (get_call_result_type(fcinfo, nullptr, &descriptor) != TYPEFUNC_COMPOSITE)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("ols_fit: ols_model is not a composite")));
    descriptor = BlessTupleDesc(descriptor);
    Datum values[kFieldCount];
    bool nulls[kFieldCount] = {};
    values[kCoef - 1] = PointerGetDatum(eventml::pg::make_float8_array(fit.coef, fit.aliased, k));
    values[kStdErr - 1] = PointerGetDatum(eventml::pg::make_float8_array(fit.std_err, fit.aliased, k));
    values[kTStat - 1] = PointerGetDatum(eventml::pg::make_float8_array(fit.t_stat, fit.aliased, k));
    values[kPValue - 1] = PointerGetDatum(eventml::pg::make_float8_array(fit.p_value, fit.aliased, k));
    values[kR2 - 1] = Float8GetDatum(fit.r2);
    values[kAdjR2 - 1] = Float8GetDatum(fit.adj_r2);
    values[kSigma - 1] = Float8GetDatum(fit.sigma);
    values[kFStat - 1] = Float8GetDatum(fit.f_stat);
    values[kFPValue - 1] = Float8GetDatum(fit.f_p_value);
    values[kN - 1] = Int64GetDatum(fit.n);
    values[kDfResid - 1] = Int64GetDatum(fit.df_resid);
    values[kLogLikelihood - 1] = Float8GetDatum(fit.log_likelihood);
    values[kAic - 1] = Float8GetDatum(fit.aic);
    values[kBic - 1] = Float8GetDatum(fit.bic);
    values[kConditionNumber - 1] = Float8GetDatum(fit.condition_number);
    values[kCov - 1] = PointerGetDatum(eventml::pg::make_float8_matrix(fit.cov, cov_nulls, k, k));
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(descriptor, values, nulls)));
}

namespace {

// One float8[] field of a model; entries may be NULL (aliased coefficients).
struct ModelArray {
    Datum* values = nullptr;
    bool* nulls = nullptr;
    int length = 0;
};

// Reads field attno of a model composite; false when the field is NULL.
bool model_array(HeapTupleHeader model, int attno, ModelArray& out) {
    bool isnull;
    const Datum field = GetAttributeByNum(model, attno, &isnull);
    if (isnull) return false;
    ArrayType* array = DatumGetArrayTypeP(field);
    deconstruct_array(array, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &out.values,
                      &out.nulls, &out.length);
    return true;
}

}  // namespace

// ols_predict(m, x): the fitted value coef · x. Aliased (NULL) coefficients
// count as zero, as R's predict.lm does for rank-deficient fits.
EVENTML_FUNCTION(ols_predict) {
    ModelArray coef;
    if (!model_array(PG_GETARG_HEAPTUPLEHEADER(0), kCoef, coef)) PG_RETURN_NULL();
    const eventml::pg::Float8Array x = eventml::pg::read_float8_array(PG_GETARG_ARRAYTYPE_P(1), "ols_predict", "x");
    if (x.values == nullptr) PG_RETURN_NULL();
    if (x.length != coef.length)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("ols_predict: x has %d elements, but the model has %d coefficients", x.length,
                               coef.length)));
    double sum = 0;
    for (int j = 0; j < coef.length; ++j)
        if (!coef.nulls[j]) sum += DatumGetFloat8(coef.values[j]) * x.values[j];
    PG_RETURN_FLOAT8(sum);
}

// summary(m, level, names): one row per coefficient with a two-sided
// confidence interval from Student's t on df_resid degrees of freedom.
EVENTML_FUNCTION(ols_summary) {
    HeapTupleHeader model = PG_GETARG_HEAPTUPLEHEADER(0);
    const double level = PG_GETARG_FLOAT8(1);
    if (!(level > 0 && level < 1))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("summary: level must be between 0 and 1, got %g", level)));
    ModelArray coef, std_err, t_stat, p_value;
    bool isnull;
    const Datum df_datum = GetAttributeByNum(model, kDfResid, &isnull);
    if (isnull || !model_array(model, kCoef, coef) || !model_array(model, kStdErr, std_err) ||
        !model_array(model, kTStat, t_stat) || !model_array(model, kPValue, p_value))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("summary: the model has NULL fields")));
    if (std_err.length != coef.length || t_stat.length != coef.length || p_value.length != coef.length)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("summary: the model's coef, std_err, t_stat and p_value differ in length")));
    // names '{}' (the default) means x1, x2, ...
    Datum* names;
    bool* name_nulls;
    int name_count;
    deconstruct_array(PG_GETARG_ARRAYTYPE_P(2), TEXTOID, -1, false, TYPALIGN_INT, &names, &name_nulls, &name_count);
    if (name_count != 0 && name_count != coef.length)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("summary: names has %d elements, but the model has %d coefficients", name_count,
                               coef.length)));
    double critical = 0;
    const double df = static_cast<double>(DatumGetInt64(df_datum));
    guarded("summary", [&] { critical = core::student_t_quantile(0.5 + level / 2, df); });

    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    for (int j = 0; j < coef.length; ++j) {
        Datum values[7];
        bool nulls[7] = {};
        char term[32];
        if (name_count != 0 && !name_nulls[j]) {
            values[0] = names[j];
        } else {
            snprintf(term, sizeof term, "x%d", j + 1);
            values[0] = CStringGetTextDatum(term);
        }
        nulls[1] = coef.nulls[j];
        values[1] = coef.values[j];
        nulls[2] = std_err.nulls[j];
        values[2] = std_err.values[j];
        nulls[3] = t_stat.nulls[j];
        values[3] = t_stat.values[j];
        nulls[4] = p_value.nulls[j];
        values[4] = p_value.values[j];
        nulls[5] = nulls[6] = coef.nulls[j] || std_err.nulls[j];
        if (!nulls[5]) {
            const double c = DatumGetFloat8(coef.values[j]), half = critical * DatumGetFloat8(std_err.values[j]);
            values[5] = Float8GetDatum(c - half);
            values[6] = Float8GetDatum(c + half);
        }
        tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
    }
    PG_RETURN_NULL();
}
