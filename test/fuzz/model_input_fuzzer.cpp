// libFuzzer target for models given as text or jsonb (make fuzz). Models are
// composites, so their text and jsonb are parsed by PostgreSQL (record_in,
// jsonb_populate_record); what eventml owns is everything that then consumes
// a model whose fields can hold anything: ols_predict/logit_predict, summary,
// the jsonb export and model_sql/model_python. This target therefore drives a
// real server: run.sh starts a throwaway cluster with eventml, and each input
// is sent, as a query parameter (never spliced into SQL), through every
// consumer.
// server: yes
//
// Input: one byte choosing the form (ols or logit model, text or jsonb), then
// the model's text. Findings:
//   - the server process dies (the connection is lost) or the statement is
//     cancelled by statement_timeout (unbounded work on bounded input);
//   - an error of class XX (internal), 53 (resources), 57 or 58;
//   - model_sql's expression, evaluated by the server, disagrees with the
//     predict function on the same model (bitwise for OLS, 1e-12 for logit);
//   - the jsonb export is not idempotent (jsonb -> model -> jsonb changes it).
// The server gives libFuzzer no coverage, so each statement's outcome
// (SQLSTATE and message up to its first quoted value) is fed back through
// libFuzzer's extra counters: an input that reaches a new error branch is kept.
//
// Seeds: EVENTML_FUZZ_WRITE_SEEDS=DIR writes models fitted by the server plus
// hand-broken ones into DIR and exits (test/fuzz/corpus/model_input/ was made
// that way, with PGHOST/PGDATABASE naming a database with eventml).
#include <libpq-fe.h>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "state_fuzz.hpp"

namespace {

// Outcomes seen, as libFuzzer coverage (it reads this section on Linux).
__attribute__((section("__libfuzzer_extra_counters"))) std::uint8_t outcome_counters[1 << 14];

struct Form {
    const char* type;     // ols_model or logit_model
    const char* predict;  // its predict function
    bool jsonb;           // the input is the model's jsonb, not its text
    bool logistic;
};
constexpr Form kForms[] = {
    {"ols_model", "ols_predict", false, false},
    {"ols_model", "ols_predict", true, false},
    {"logit_model", "logit_predict", false, true},
    {"logit_model", "logit_predict", true, true},
};

// What every statement selects from: the model as m.
std::string model_from(const Form& form) {
    const std::string model = form.jsonb ? std::string("pg_catalog.jsonb_populate_record(NULL::") + form.type +
                                               ", $1::pg_catalog.jsonb)"
                                         : std::string("$1::") + form.type;
    return " FROM (SELECT " + model + " AS m) s";
}

// The consumers, in the order run() uses them.
enum Statement { kPredictOnes, kPredictThree, kSummary, kModelSql, kModelPython, kJsonbIdempotent, kStatements };

std::string statement_sql(const Form& form, Statement statement) {
    // Names with the intercept first (NULL) and x for every other input, so
    // model_sql evaluated where x = 1 is predict(m, all ones).
    const std::string width = "coalesce(pg_catalog.cardinality((s.m).coef), 0)";
    const std::string names = "pg_catalog.array_prepend(NULL::text, pg_catalog.array_fill('x'::text, ARRAY[" + width +
                              " - 1]))";
    const std::string from = model_from(form);
    switch (statement) {
        case kPredictOnes:
            return std::string("SELECT ") + form.predict + "(s.m, pg_catalog.array_fill(1::float8, ARRAY[" + width +
                   "]))" + from;
        case kPredictThree: return std::string("SELECT ") + form.predict + "(s.m, '{1,2,3}')" + from;
        case kSummary:
            return "SELECT count(*), sum(t.coef), min(t.ci_low), max(t.p_value)" + from +
                   ", summary(s.m, 0.9, pg_catalog.array_fill('t'::text, ARRAY[" + width + "])) t";
        case kModelSql: return "SELECT model_sql(s.m, " + names + ")" + from;
        case kModelPython:
            return "SELECT model_python(s.m, pg_catalog.array_prepend('a', pg_catalog.array_fill('x'::text, ARRAY[" +
                   width + " - 1])))" + from;
        case kJsonbIdempotent:
            return std::string("SELECT pg_catalog.jsonb_populate_record(NULL::") + form.type +
                   ", s.m::pg_catalog.jsonb)::pg_catalog.jsonb = s.m::pg_catalog.jsonb" + from;
        case kStatements: break;
    }
    std::abort();
}

std::string statement_name(std::size_t form, int statement) {
    return "f" + std::to_string(form) + "s" + std::to_string(statement);
}

[[noreturn]] void finding(const std::string& what, const std::string& input) {
    std::fprintf(stderr, "model_input finding: %s\ninput: %s\n", what.c_str(), input.c_str());
    std::abort();
}

PGconn* connection() {
    static PGconn* conn = [] {
        PGconn* c = PQconnectdb("");  // PGHOST, PGPORT, PGDATABASE, PGUSER from run.sh
        if (PQstatus(c) != CONNECTION_OK) {
            std::fprintf(stderr, "model_input: cannot connect: %s", PQerrorMessage(c));
            std::exit(1);
        }
        PGresult* set = PQexec(c, "SET statement_timeout = '5s'; SET extra_float_digits = 3; "
                                  "SET client_min_messages = warning");
        if (PQresultStatus(set) != PGRES_COMMAND_OK) {
            std::fprintf(stderr, "model_input: %s", PQerrorMessage(c));
            std::exit(1);
        }
        PQclear(set);
        for (std::size_t f = 0; f < std::size(kForms); ++f)
            for (int s = 0; s < kStatements; ++s) {
                PGresult* prepared = PQprepare(c, statement_name(f, s).c_str(),
                                               statement_sql(kForms[f], static_cast<Statement>(s)).c_str(), 1, nullptr);
                if (PQresultStatus(prepared) != PGRES_COMMAND_OK) {
                    std::fprintf(stderr, "model_input: cannot prepare: %s", PQerrorMessage(c));
                    std::exit(1);
                }
                PQclear(prepared);
            }
        return c;
    }();
    return conn;
}

// One statement's result: its error state, or its first row's values.
struct Outcome {
    bool ok = false;
    std::string sqlstate;
    std::vector<std::string> values;  // of the first row; NULL is "" with nulls set
    std::vector<bool> nulls;
};

// Counts an outcome (statement key and kind) for libFuzzer.
void note(int key, const std::string& kind) {
    std::uint32_t hash = 2166136261u ^ static_cast<std::uint32_t>(key);
    for (char c : kind) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
    outcome_counters[hash % sizeof outcome_counters]++;
}

Outcome check(PGresult* result, int key, const std::string& input) {
    Outcome outcome;
    PGconn* c = connection();
    if (result == nullptr || PQstatus(c) != CONNECTION_OK)
        finding(std::string("the server connection was lost: ") + PQerrorMessage(c), input);
    if (PQresultStatus(result) == PGRES_TUPLES_OK) {
        outcome.ok = true;
        if (PQntuples(result) > 0)
            for (int i = 0; i < PQnfields(result); ++i) {
                outcome.values.emplace_back(PQgetvalue(result, 0, i));
                outcome.nulls.push_back(PQgetisnull(result, 0, i));
            }
        note(key, "ok");
    } else {
        const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
        const char* message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
        outcome.sqlstate = state != nullptr ? state : "";
        std::string kind = outcome.sqlstate + ":";
        // The message up to its first quoted value, without digits: one outcome per error branch.
        for (const char* p = message != nullptr ? message : ""; *p != '\0' && *p != '"'; ++p)
            if (!std::isdigit(static_cast<unsigned char>(*p))) kind += *p;
        const std::string cls = outcome.sqlstate.substr(0, 2);
        if (cls == "XX" || cls == "53" || cls == "57" || cls == "58" || outcome.sqlstate.size() != 5)
            finding("error " + kind + " (" + (message != nullptr ? message : "") + ")", input);
        note(key, kind);
    }
    PQclear(result);
    return outcome;
}

Outcome run(std::size_t form, int statement, const std::string& input) {
    const char* values[] = {input.c_str()};
    return check(PQexecPrepared(connection(), statement_name(form, statement).c_str(), 1, values, nullptr, nullptr, 0),
                 static_cast<int>(form * kStatements + statement), input);
}

// model_sql's expression evaluated where x = 1 (a single statement: PQexecParams
// refuses several, so a broken quote could not smuggle a second one in).
Outcome evaluate(const std::string& expression, int key, const std::string& input) {
    const std::string sql = "SELECT (" + expression + ")::float8 FROM (SELECT 1::float8 AS x) v";
    return check(PQexecParams(connection(), sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0), key, input);
}

bool same_prediction(const std::string& exported, const std::string& predicted, bool logistic) {
    if (exported == predicted) return true;
    if (!logistic) return false;
    const double a = std::strtod(exported.c_str(), nullptr), b = std::strtod(predicted.c_str(), nullptr);
    return std::fabs(a - b) <= 1e-12 * std::fmax(1.0, std::fabs(b));
}

void run_all(std::size_t form_index, const std::string& input) {
    const Form& form = kForms[form_index];
    const Outcome ones = run(form_index, kPredictOnes, input);
    run(form_index, kPredictThree, input);
    run(form_index, kSummary, input);
    const Outcome sql = run(form_index, kModelSql, input);
    if (sql.ok && !sql.values.empty() && !sql.nulls[0]) {
        const Outcome value = evaluate(sql.values[0], static_cast<int>(std::size(kForms) * kStatements), input);
        // PostgreSQL's float8 arithmetic raises 22003 where the C predict functions give ±Infinity
        // or 0 (a huge sum, exp of a large z), and an expression of tens of thousands of terms
        // passes max_stack_depth (54001): those errors are documented, not findings.
        if (value.ok && ones.ok && !ones.nulls[0] &&
            !same_prediction(value.values[0], ones.values[0], form.logistic))
            finding("model_sql gives " + value.values[0] + ", " + form.predict + " gives " + ones.values[0] +
                        " (expression: " + sql.values[0] + ")",
                    input);
        if (!value.ok && value.sqlstate != "22003" && value.sqlstate != "54001")
            finding("model_sql's expression fails with " + value.sqlstate + ": " + sql.values[0], input);
    }
    run(form_index, kModelPython, input);
    const Outcome idempotent = run(form_index, kJsonbIdempotent, input);
    if (idempotent.ok && !idempotent.values.empty() && !idempotent.nulls[0] && idempotent.values[0] != "t")
        finding("jsonb -> model -> jsonb changed the model", input);
}

// Seeds: fitted models (text and jsonb) and hand-broken ones, as the server prints them.
fuzz::Seeds make_seeds() {
    const char* fits[][2] = {
        {"ols_model",
         "SELECT ols_fit(y, ARRAY[1, x1, x2, x1 + x2]) FROM (SELECT i, (i % 7)::float8 x1, ((i * 13) % 11)::float8 x2, "
         "(i % 5)::float8 + 0.5 * (i % 7) y FROM generate_series(1, 60) i) d"},
        {"ols_model", "SELECT ols_fit(y, ARRAY[x]) FROM (VALUES (1.0::float8, 2.0::float8), (2, 4.5), (3, 5.5)) v(x, y)"},
        {"logit_model",
         "SELECT logit_fit(y, ARRAY[1, x]) FROM (SELECT i::float8 / 10 x, (i * 7) % 10 < i / 10 y "
         "FROM generate_series(1, 100) i) d"},
    };
    const char* broken[] = {
        R"(("{NaN,Infinity,-Infinity}","{1,1,1}","{0,0,0}","{1,1,1}",,,,,,,,,,,,))",
        R"(("{{1,2},{3,4}}","{{1,1},{1,1}}",,,,,,,,,-3,,,,,))",
        R"(("[0:2]={1e308,-1e308,5e-324}","{1,NULL,2}","{1,2}",{0.5},,,,,,,1,,,,,"{{1}}"))",
        R"(({},{},{},{},,,,,,,,,,,,{}))",
        R"((,,,,,,,,,,,,,,,))",
        R"(("{NULL,1.5,-0}","{NULL,0,0}","{NULL,1,1}","{NULL,1,1}",,,,,,,9223372036854775807,,,,,))",
    };
    fuzz::Seeds seeds;
    PGconn* c = connection();
    auto add = [&](const std::string& name, std::size_t form, const std::string& text) {
        std::vector<unsigned char> bytes{static_cast<unsigned char>(form)};
        bytes.insert(bytes.end(), text.begin(), text.end());
        seeds.emplace_back(name, bytes);
    };
    auto both_forms = [&](const std::string& name, const char* type, const std::string& model_sql) {
        const std::size_t text_form = std::strcmp(type, "ols_model") == 0 ? 0 : 2;
        const std::string sql = "SELECT m::text, m::jsonb::text FROM (" + model_sql + ") s(m)";
        PGresult* r = PQexec(c, sql.c_str());
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            std::fprintf(stderr, "seed %s: %s", name.c_str(), PQerrorMessage(c));
            std::exit(1);
        }
        add(name + "-text", text_form, PQgetvalue(r, 0, 0));
        add(name + "-jsonb", text_form + 1, PQgetvalue(r, 0, 1));
        PQclear(r);
    };
    int n = 0;
    for (const auto& fit : fits) both_forms("fit" + std::to_string(++n), fit[0], fit[1]);
    n = 0;
    for (const char* text : broken) {
        ++n;
        for (const char* type : {"ols_model", "logit_model"}) {
            // Broken models that the type rejects still make good text seeds.
            const std::string quoted = std::string("SELECT '") + text + "'::" + type;
            PGresult* r = PQexec(c, quoted.c_str());
            const bool parses = PQresultStatus(r) == PGRES_TUPLES_OK;
            PQclear(r);
            const std::string name = "broken" + std::to_string(n) + "-" + (type[0] == 'o' ? "ols" : "logit");
            if (parses)
                both_forms(name, type, quoted);
            else
                add(name + "-text", type[0] == 'o' ? 0 : 2, text);
        }
    }
    return seeds;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::maybe_write_seeds(make_seeds, [](const fuzz::Buffer&) { return true; });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1 || size > 8192) return 0;
    // A query parameter is a C string: the text ends at the first NUL.
    const std::string text(reinterpret_cast<const char*>(data) + 1,
                           strnlen(reinterpret_cast<const char*>(data) + 1, size - 1));
    run_all(data[0] % std::size(kForms), text);
    return 0;
}
