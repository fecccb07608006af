#include "model.hpp"

#include <cstdio>

extern "C" {
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
}

#include "values.hpp"

namespace eventml::pg {
namespace {

// One float8[] field of a model; entries may be NULL (aliased coefficients).
struct ModelArray {
    Datum* values = nullptr;
    bool* nulls = nullptr;
    int length = 0;
};

// Reads field attno (called name) of a model composite; false when the field
// is NULL. A model arrives from any text or jsonb, so a multi-dimensional
// field is an ERROR rather than read flattened.
bool model_array(HeapTupleHeader model, int attno, const char* name, const char* function, ModelArray& out) {
    bool isnull;
    const Datum field = GetAttributeByNum(model, attno, &isnull);
    if (isnull) return false;
    ArrayType* array = DatumGetArrayTypeP(field);
    char noun[64];
    std::snprintf(noun, sizeof noun, "the model's %s", name);
    require_flat(array, function, noun);
    deconstruct_array(array, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
                      &out.values, &out.nulls, &out.length);
    return true;
}

}  // namespace

bool linear_predictor(HeapTupleHeader model, int coef_attno, ArrayType* x_array, const char* function,
                      double* result) {
    ModelArray coef;
    if (!model_array(model, coef_attno, "coef", function, coef)) return false;
    const Float8Array x = read_float8_array(x_array, function, "x");
    if (x.values == nullptr) return false;
    if (x.length != coef.length)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("%s: x has length %d, but the model's coef has length %d", function, x.length,
                               coef.length)));
    double sum = 0;
    for (int j = 0; j < coef.length; ++j)
        if (!coef.nulls[j]) sum += DatumGetFloat8(coef.values[j]) * x.values[j];
    *result = sum;
    return true;
}

double summary_level(FunctionCallInfo fcinfo) {
    const double level = PG_GETARG_FLOAT8(1);
    if (!(level > 0 && level < 1))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("summary: level must be between 0 and 1, got %g", level)));
    return level;
}

Datum summary_rows(FunctionCallInfo fcinfo, const SummaryFields& fields, double critical) {
    HeapTupleHeader model = PG_GETARG_HEAPTUPLEHEADER(0);
    ModelArray coef, std_err, statistic, p_value;
    if (!model_array(model, fields.coef, "coef", "summary", coef) ||
        !model_array(model, fields.std_err, "std_err", "summary", std_err) ||
        !model_array(model, fields.statistic, fields.statistic_name, "summary", statistic) ||
        !model_array(model, fields.p_value, "p_value", "summary", p_value))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("summary: the model has NULL fields")));
    if (std_err.length != coef.length || statistic.length != coef.length || p_value.length != coef.length)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("summary: the model's coefficient arrays differ in length")));
    Datum* names;
    bool* name_nulls;
    int name_count;
    deconstruct_array(PG_GETARG_ARRAYTYPE_P(2), TEXTOID, -1, false, TYPALIGN_INT, &names, &name_nulls, &name_count);
    if (name_count != 0 && name_count != coef.length)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("summary: names has length %d, but the model's coef has length %d", name_count,
                               coef.length)));

    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    for (int j = 0; j < coef.length; ++j) {
        Datum values[7];
        bool nulls[7] = {};
        if (name_count != 0 && !name_nulls[j]) {
            values[0] = names[j];
        } else {
            char term[32];
            std::snprintf(term, sizeof term, "x%d", j + 1);
            values[0] = CStringGetTextDatum(term);
        }
        nulls[1] = coef.nulls[j];
        values[1] = coef.values[j];
        nulls[2] = std_err.nulls[j];
        values[2] = std_err.values[j];
        nulls[3] = statistic.nulls[j];
        values[3] = statistic.values[j];
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

Coefficients new_coefficients(int k) {
    const auto doubles = [](int n) { return static_cast<double*>(palloc(sizeof(double) * n)); };
    return Coefficients{k,        doubles(k), doubles(k), doubles(k), doubles(k), doubles(k * k),
                        static_cast<bool*>(palloc(sizeof(bool) * k))};
}

Datum per_coefficient(const Coefficients& c, const double* values) {
    return PointerGetDatum(make_float8_array(values, c.aliased, c.k));
}

Datum covariance(const Coefficients& c) {
    bool* nulls = static_cast<bool*>(palloc(sizeof(bool) * c.k * c.k));
    for (int i = 0; i < c.k; ++i)
        for (int j = 0; j < c.k; ++j) nulls[i * c.k + j] = c.aliased[i] || c.aliased[j];
    return PointerGetDatum(make_float8_matrix(c.cov, nulls, c.k, c.k));
}

void notice_aliased(const char* function, int aliased, int k) {
    if (aliased == 0) return;
    ereport(NOTICE, (errmsg("%s: %d of %d coefficients not defined because of singularities", function, aliased, k),
                     errdetail("Their coef, std_err, statistics and cov entries are NULL.")));
}

}  // namespace eventml::pg
