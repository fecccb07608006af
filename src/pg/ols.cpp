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

// The ols_model composite (src/sql/ols.sql), as ols_fit fills it, and the
// attribute numbers its readers use.
constexpr const char* kOlsModel =
    "coef double precision[], std_err double precision[], t_stat double precision[], p_value double precision[], "
    "r2 double precision, adj_r2 double precision, sigma double precision, f_stat double precision, "
    "f_p_value double precision, n bigint, df_resid bigint, log_likelihood double precision, aic double precision, "
    "bic double precision, condition_number double precision, cov double precision[]";
enum OlsModelField { kCoef = 1, kStdErr, kTStat, kPValue, kDfResid = 11 };
const eventml::pg::SummaryFields kOlsCoefficients{kCoef, kStdErr, kTStat, kPValue, "t_stat"};

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

    const eventml::pg::Coefficients c = eventml::pg::new_coefficients(k);
    core::ols::FitOutput fit;
    fit.coef = c.coef;
    fit.std_err = c.std_err;
    fit.t_stat = c.statistic;
    fit.p_value = c.p_value;
    fit.cov = c.cov;
    fit.aliased = c.aliased;
    guarded("ols_fit", [&] { flat_view<core::ols::State>(state).finish(fit, eventml::pg::interrupt_check()); });

    eventml::pg::notice_aliased("ols_fit", k - fit.rank, k);

    using eventml::pg::per_coefficient;
    return eventml::pg::result_row(
        fcinfo, "ols_fit", kOlsModel,
        {per_coefficient(c, c.coef), per_coefficient(c, c.std_err), per_coefficient(c, c.statistic),
         per_coefficient(c, c.p_value), Float8GetDatum(fit.r2), Float8GetDatum(fit.adj_r2), Float8GetDatum(fit.sigma),
         Float8GetDatum(fit.f_stat), Float8GetDatum(fit.f_p_value), Int64GetDatum(fit.n), Int64GetDatum(fit.df_resid),
         Float8GetDatum(fit.log_likelihood), Float8GetDatum(fit.aic), Float8GetDatum(fit.bic),
         Float8GetDatum(fit.condition_number), eventml::pg::covariance(c)});
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
    return eventml::pg::summary_rows(fcinfo, kOlsCoefficients, critical);
}
