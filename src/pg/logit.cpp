// SQL glue for logit_fit, logit_train (through the logit_irls_* pieces),
// logit_predict and summary(logit_model).
#include "aggregate.hpp"
#include "distributions.hpp"
#include "logit.hpp"
#include "model.hpp"
#include "ols.hpp"
#include "values.hpp"


extern "C" {
#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
}

namespace core = eventml::core;
namespace logit = eventml::core::logit;
using eventml::pg::flat_view;
using eventml::pg::guarded;

namespace {

// The logit_model composite (src/sql/logit.sql), as logit_fit and
// logit_train fill it, and the attribute numbers its readers use.
constexpr const char* kLogitModel =
    "coef double precision[], std_err double precision[], z_stat double precision[], p_value double precision[], "
    "odds_ratio double precision[], log_likelihood double precision, null_log_likelihood double precision, "
    "deviance double precision, aic double precision, bic double precision, pseudo_r2 double precision, n bigint, "
    "iterations integer, converged boolean, condition_number double precision, cov double precision[]";
enum LogitModelField { kCoef = 1, kStdErr, kZStat, kPValue };
const eventml::pg::SummaryFields kLogitCoefficients{kCoef, kStdErr, kZStat, kPValue, "z_stat"};

// eventml.logit_fit_memory_limit, in kB: the most memory logit_fit's kept
// rows may take in one aggregate state.
int memory_limit_kb = 1024 * 1024;

// Reads the options of logit_fit(y, x, weight, max_iter, tolerance).
logit::Options read_options(FunctionCallInfo fcinfo) {
    logit::Options options;
    if (PG_NARGS() > 4) {
        if (PG_ARGISNULL(4) || PG_ARGISNULL(5))
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                            errmsg("logit_fit: max_iter and tolerance must not be NULL")));
        options.max_iter = PG_GETARG_INT32(4);
        options.tolerance = PG_GETARG_FLOAT8(5);
    }
    guarded("logit_fit", [&] { logit::check_options(options); });
    return options;
}

// A model composite from a fill step that writes the core's FitOutput, with
// R's warnings for fits that did not converge.
template <typename Fill>
Datum model_datum(FunctionCallInfo fcinfo, const char* function, int k, Fill&& fill) {
    const eventml::pg::Coefficients c = eventml::pg::new_coefficients(k);
    logit::FitOutput fit;
    fit.coef = c.coef;
    fit.std_err = c.std_err;
    fit.z_stat = c.statistic;
    fit.p_value = c.p_value;
    fit.odds_ratio = static_cast<double*>(palloc(sizeof(double) * k));
    fit.cov = c.cov;
    fit.aliased = c.aliased;
    guarded(function, [&] { fill(fit); });

    eventml::pg::notice_aliased(function, k - fit.rank, k);
    if (fit.constant_y)
        ereport(WARNING, (errmsg("%s: y takes only one value, so the coefficients diverge; converged is false",
                                 function),
                          errhint("A logistic model needs rows with both outcomes.")));
    else if (fit.separation)
        ereport(WARNING, (errmsg("%s: fitted probabilities numerically 0 or 1 occurred; converged is false", function),
                          errdetail("x separates the outcomes completely or quasi-completely, so some "
                                    "coefficients diverge to infinity.")));
    if (fit.iteration_limit)
        ereport(WARNING, (errmsg("%s: the algorithm did not converge in %d iterations", function, fit.iterations),
                          errhint("Raise max_iter, or check x for separation or extreme values.")));

    using eventml::pg::per_coefficient;
    return eventml::pg::result_row(
        fcinfo, function, kLogitModel,
        {per_coefficient(c, c.coef), per_coefficient(c, c.std_err), per_coefficient(c, c.statistic),
         per_coefficient(c, c.p_value), per_coefficient(c, fit.odds_ratio), Float8GetDatum(fit.log_likelihood),
         Float8GetDatum(fit.null_log_likelihood), Float8GetDatum(fit.deviance), Float8GetDatum(fit.aic),
         Float8GetDatum(fit.bic), Float8GetDatum(fit.pseudo_r2), Int64GetDatum(fit.n), Int32GetDatum(fit.iterations),
         BoolGetDatum(fit.converged), Float8GetDatum(fit.condition_number), eventml::pg::covariance(c)});
}

}  // namespace

namespace eventml::pg {

void define_logit_settings() {
    DefineCustomIntVariable("eventml.logit_fit_memory_limit",
                            "Most memory the rows kept by one logit_fit aggregate may use.",
                            "logit_fit keeps its rows to iterate over them; beyond this, use logit_train().",
                            &memory_limit_kb, 1024 * 1024, 64, MAX_KILOBYTES, PGC_USERSET, GUC_UNIT_KB, nullptr,
                            nullptr, nullptr);
}

}  // namespace eventml::pg

// logit_fit_trans(state, y, x [, weight [, max_iter, tolerance]]): keeps one
// row. Rows with a NULL in y, x (or an element of x) or weight are skipped,
// and so are rows of weight 0, which change nothing.
EVENTML_FUNCTION(logit_fit_trans) {
    const bool weighted = PG_NARGS() > 3;
    if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || (weighted && PG_ARGISNULL(3)))
        return eventml::pg::skip_row<logit::RowsState>(fcinfo, "logit_fit_trans");
    const bool y = PG_GETARG_BOOL(1);
    const eventml::pg::Float8Array x = eventml::pg::read_float8_array(PG_GETARG_ARRAYTYPE_P(2), "logit_fit", "x");
    const double weight = weighted ? PG_GETARG_FLOAT8(3) : 1.0;
    if (x.values == nullptr) return eventml::pg::skip_row<logit::RowsState>(fcinfo, "logit_fit_trans");
    return eventml::pg::transition<logit::RowsState>(
        fcinfo, "logit_fit",
        [&] { return logit::RowsParams{x.length, read_options(fcinfo), memory_limit_kb}; },
        [&](logit::RowsState& state) { state.add(y, x.values, x.length, weight); });
}

EVENTML_STATE_FUNCTIONS(logit_fit, logit::RowsState, "logit_fit")

// Final: IRLS over the kept rows. No rows (or only weight-0 rows): NULL.
EVENTML_FUNCTION(logit_fit_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* state = reinterpret_cast<logit::RowsState*>(PG_GETARG_POINTER(0));
    if (state->size() == 0) PG_RETURN_NULL();
    return model_datum(fcinfo, "logit_fit", state->params().k, [&](logit::FitOutput& fit) {
        state->finish(fit, eventml::pg::interrupt_check());
    });
}

// ---- logit_train: one aggregate scan per IRLS iteration ------------------

// logit_irls_start(max_iter, tolerance): the progress before the first pass.
EVENTML_FUNCTION(logit_irls_start) {
    logit::Options options{PG_GETARG_INT32(0), PG_GETARG_FLOAT8(1)};
    std::size_t bytes = logit::Progress::bytes(0);
    bytea* progress = eventml::pg::new_flat_state(bytes, CurrentMemoryContext);
    guarded("logit_train", [&] { logit::Progress::create(eventml::pg::flat_state_body(progress), options); });
    PG_RETURN_BYTEA_P(progress);
}

// logit_irls_step_trans(step, y, x, weight, progress): adds one row to the
// pass at progress' coefficients. Skips rows as logit_fit does; a pass with no
// positive-weight row stays NULL.
EVENTML_FUNCTION(logit_irls_step_trans) {
    const bool has_state = !PG_ARGISNULL(0);
    if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4)) {
        if (has_state) PG_RETURN_DATUM(PG_GETARG_DATUM(0));
        PG_RETURN_NULL();
    }
    const bool y = PG_GETARG_BOOL(1);
    const eventml::pg::Float8Array x = eventml::pg::read_float8_array(PG_GETARG_ARRAYTYPE_P(2), "logit_train", "x");
    const double weight = PG_GETARG_FLOAT8(3);
    bytea* progress = eventml::pg::flat_state_arg(fcinfo, 4, false);
    if (x.values == nullptr || (weight == 0 && !has_state)) {
        if (has_state) PG_RETURN_DATUM(PG_GETARG_DATUM(0));
        PG_RETURN_NULL();
    }
    bytea* step = has_state ? eventml::pg::flat_state_arg(fcinfo, 0, true)
                            : eventml::pg::create_flat_state<logit::Step>(fcinfo, "logit_train", x.length);
    guarded("logit_train", [&] {
        logit::Step pass = flat_view<logit::Step>(step);
        const logit::Progress at = flat_view<logit::Progress>(progress);
        if (x.length != pass.columns() || (at.columns() != 0 && at.columns() != x.length))
            core::fail(core::ErrorKind::ArrayShape, "x has length %d, but earlier rows had length %d", x.length,
                       at.columns() != 0 ? at.columns() : pass.columns());
        pass.add(y, x.values, weight, at);
    });
    PG_RETURN_BYTEA_P(step);
}

EVENTML_FUNCTION(logit_irls_step_combine) {
    bytea* into = eventml::pg::flat_state_arg(fcinfo, 0, true);
    bytea* from = eventml::pg::flat_state_arg(fcinfo, 1, false);
    guarded("logit_train", [&] { flat_view<logit::Step>(into).merge(flat_view<logit::Step>(from)); });
    PG_RETURN_BYTEA_P(into);
}

// logit_irls_update(progress, step): the progress after one pass.
EVENTML_FUNCTION(logit_irls_update) {
    bytea* progress = eventml::pg::flat_state_arg(fcinfo, 0, false);
    bytea* step = eventml::pg::flat_state_arg(fcinfo, 1, false);
    std::size_t bytes = 0;
    guarded("logit_train", [&] {
        flat_view<logit::Progress>(progress);
        bytes = logit::Progress::bytes_after(flat_view<logit::Step>(step));
    });
    bytea* next = eventml::pg::new_flat_state(bytes, CurrentMemoryContext);
    guarded("logit_train", [&] {
        flat_view<logit::Progress>(progress).update(flat_view<logit::Step>(step), eventml::pg::flat_state_body(next),
                                               eventml::pg::interrupt_check());
    });
    PG_RETURN_BYTEA_P(next);
}

EVENTML_FUNCTION(logit_irls_done) {
    bytea* progress = eventml::pg::flat_state_arg(fcinfo, 0, false);
    bool done = false;
    guarded("logit_train", [&] { done = flat_view<logit::Progress>(progress).done(); });
    PG_RETURN_BOOL(done);
}

EVENTML_FUNCTION(logit_irls_model) {
    bytea* progress = eventml::pg::flat_state_arg(fcinfo, 0, false);
    int k = 0;
    guarded("logit_train", [&] { k = flat_view<logit::Progress>(progress).columns(); });
    if (k == 0) PG_RETURN_NULL();
    return model_datum(fcinfo, "logit_train", k, [&](logit::FitOutput& fit) {
        flat_view<logit::Progress>(progress).model(fit, eventml::pg::interrupt_check());
    });
}

// ---- Scoring and summary ---------------------------------------------------

// logit_predict(m, x): the probability 1 / (1 + exp(-coef · x)).
EVENTML_FUNCTION(logit_predict) {
    double eta;
    if (!eventml::pg::linear_predictor(PG_GETARG_HEAPTUPLEHEADER(0), kCoef, PG_GETARG_ARRAYTYPE_P(1), "logit_predict",
                                       &eta))
        PG_RETURN_NULL();
    PG_RETURN_FLOAT8(logit::probability(eta));
}

// summary(m, level, names), with Wald intervals from the normal distribution
// (confint.default).
EVENTML_FUNCTION(logit_summary) {
    const double level = eventml::pg::summary_level(fcinfo);
    double critical = 0;
    guarded("summary", [&] { critical = core::normal_quantile(0.5 + level / 2); });
    return eventml::pg::summary_rows(fcinfo, kLogitCoefficients, critical);
}
