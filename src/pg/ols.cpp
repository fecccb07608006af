// SQL glue for ols_fit, ols_predict and summary(ols_model).
#include "boundary.hpp"
#include "distributions.hpp"
#include "model.hpp"
#include "ols.hpp"
#include "values.hpp"

extern "C" {
#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"
}

namespace core = eventml::core;
using eventml::pg::flat_view;
using eventml::pg::guarded;

namespace {

// Attribute numbers of the ols_model composite (eventml--*.sql).
enum OlsModelField {
    kCoef = 1, kStdErr, kTStat, kPValue, kR2, kAdjR2, kSigma, kFStat, kFPValue, kN, kDfResid,
    kLogLikelihood, kAic, kBic, kConditionNumber, kCov, kFieldCount = kCov
};

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

    bytea* state = has_state ? eventml::pg::flat_state_arg(fcinfo, 0, true)
                             : eventml::pg::create_flat_state<core::ols::State>(fcinfo, "ols_fit", x.length);
    guarded("ols_fit", [&] {
        core::ols::State model = flat_view<core::ols::State>(state);
        if (x.length != model.columns())
            core::fail(core::ErrorKind::ArrayShape, "x has length %d, but earlier rows had length %d", x.length,
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
    guarded("ols_fit", [&] { flat_view<core::ols::State>(into).merge(flat_view<core::ols::State>(from)); });
    PG_RETURN_BYTEA_P(into);
}

// Strict final function: fits the model. The state is not modified, so the
// aggregate also works over window frames.
EVENTML_FUNCTION(ols_fit_final) {
    bytea* state = eventml::pg::flat_state_arg(fcinfo, 0, false);
    int k = 0;
    int64 rows = 0;
    guarded("ols_fit", [&] {
        const core::ols::State model = flat_view<core::ols::State>(state);
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
    guarded("ols_fit", [&] { flat_view<core::ols::State>(state).finish(fit, eventml::pg::interrupt_check()); });

    eventml::pg::notice_aliased("ols_fit", k - fit.rank, k);

    TupleDesc descriptor = eventml::pg::result_descriptor(fcinfo, "ols_fit");
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
    values[kCov - 1] = PointerGetDatum(eventml::pg::covariance_matrix(fit.cov, fit.aliased, k));
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(descriptor, values, nulls)));
}

// ols_predict(m, x): the fitted value coef · x.
EVENTML_FUNCTION(ols_predict) {
    double fitted;
    if (!eventml::pg::linear_predictor(PG_GETARG_HEAPTUPLEHEADER(0), kCoef, PG_GETARG_ARRAYTYPE_P(1), "ols_predict",
                                       &fitted))
        PG_RETURN_NULL();
    PG_RETURN_FLOAT8(fitted);
}

// summary(m, level, names), with Student t intervals on df_resid (confint.lm).
EVENTML_FUNCTION(ols_summary) {
    const double level = eventml::pg::summary_level(fcinfo);
    bool isnull;
    const Datum df = GetAttributeByNum(PG_GETARG_HEAPTUPLEHEADER(0), kDfResid, &isnull);
    if (isnull) ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("summary: the model has NULL fields")));
    double critical = 0;
    guarded("summary", [&] {
        critical = core::student_t_quantile(0.5 + level / 2, static_cast<double>(DatumGetInt64(df)));
    });
    return eventml::pg::summary_rows(fcinfo, {kCoef, kStdErr, kTStat, kPValue, "t_stat"}, critical);
}
