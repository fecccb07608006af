// Glue shared by the model families (ols, logit): reading a model composite,
// scoring, the summary table, and the notice for aliased coefficients.
#pragma once

#include "boundary.hpp"
#include "values.hpp"

extern "C" {
#include "access/htup_details.h"
#include "utils/array.h"
}

namespace eventml::pg {

// Where a model composite keeps the columns summary() shows (attribute numbers).
struct SummaryFields {
    int coef, std_err, statistic, p_value;
    const char* statistic_name;  // t_stat or z_stat
};

// The per-coefficient outputs of a fit of k coefficients, palloc'd for the
// core to fill: coef, std_err, the test statistic, p_value, cov (k×k) and
// which coefficients are aliased.
struct Coefficients {
    int k;
    double *coef, *std_err, *statistic, *p_value, *cov;
    bool* aliased;
};
Coefficients new_coefficients(int k);
// One of the per-coefficient outputs (c.coef, ...) as float8[], NULL where
// aliased; the covariance as float8[][], NULL in aliased rows and columns.
Datum per_coefficient(const Coefficients& c, const double* values);
Datum covariance(const Coefficients& c);

// coef · x for the model's coef field (attribute coef_attno); aliased (NULL)
// coefficients count as zero, as R's predict does. Returns false (SQL NULL)
// when the model's coef or an element of x is NULL.
bool linear_predictor(HeapTupleHeader model, int coef_attno, ArrayType* x, const char* function, double* result);

// summary(m, level, names): one row per coefficient with a two-sided interval
// coef ± critical · std_err, where critical is the quantile the caller
// computed for level (argument 1). Argument 2 holds the term names ('{}' for
// x1, x2, ...).
Datum summary_rows(FunctionCallInfo fcinfo, const SummaryFields& fields, double critical);
// summary()'s level argument, checked to lie in (0, 1).
double summary_level(FunctionCallInfo fcinfo);

// The R-style NOTICE for coefficients left undefined by collinear columns.
void notice_aliased(const char* function, int aliased, int k);

}  // namespace eventml::pg
