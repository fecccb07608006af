// libFuzzer target for the reports' serialized states: eventml_first_value's
// (funnel_report's breakdown, reports::EarliestValue::read) and
// eventml_period_set's (reports::PeriodSet::read), what their deserialize
// functions run; then what the glue does with an accepted state: serialize
// writes it back byte for byte, combine merges it into an empty state and into
// itself, and the final function reads its value (the sorted distinct periods).
// sources: reports.cpp memory.cpp error.cpp
#include <cstddef>
#include <cstring>
#include <vector>

#include "reports.hpp"
#include "state_fuzz.hpp"

namespace reports = eventml::core::reports;
using fuzz::Buffer;

namespace {

void run_period_set(const Buffer& input) {
    std::optional<reports::PeriodSet> state = fuzz::read_state<reports::PeriodSet>(input);
    if (!state) return;
    fuzz::check_written_back(*state, input);
    reports::PeriodSet merged = state->empty_copy();
    merged.merge(*state);
    merged.merge(*state);  // the union with itself is itself
    state->compact();
    FUZZ_CHECK(merged.size() == state->size());
    for (std::int64_t i = 0; i < state->size(); ++i) {
        FUZZ_CHECK(merged.data()[i] == state->data()[i]);
        FUZZ_CHECK(i == 0 || state->data()[i - 1] < state->data()[i]);
    }
}

void run(const Buffer& input) {
    run_period_set(input);
    std::optional<reports::EarliestValue> state = fuzz::read_state<reports::EarliestValue>(input);
    if (!state) return;
    fuzz::check_written_back(*state, input);
    const std::vector<char> value(state->value(), state->value() + state->length());
    reports::EarliestValue merged = state->empty_copy();
    merged.merge(*state);
    merged.merge(*state);  // a tie keeps this state's value
    FUZZ_CHECK(merged.length() == state->length());
    FUZZ_CHECK(value.empty() || std::memcmp(merged.value(), value.data(), value.size()) == 0);
    FUZZ_CHECK(fuzz::flat_bytes_of(merged) == fuzz::flat_bytes_of(*state));
}

// ---- seeds ----------------------------------------------------------------

std::vector<unsigned char> state(std::int64_t ts, const char* value) {
    reports::EarliestValue kept(reports::NoParams{});
    kept.add(ts, value, static_cast<std::int64_t>(std::strlen(value)));
    return fuzz::flat_bytes_of(kept);
}

fuzz::Seeds seeds() {
    const std::int64_t t0 = 789000000000000LL;  // 2025-01-01, microseconds since 2000
    fuzz::Seeds out;
    out.push_back({"web", state(t0, "web")});
    out.push_back({"empty-value", state(t0, "")});
    out.push_back({"minus-infinity", state(INT64_MIN, "android")});
    reports::PeriodSet periods(reports::NoParams{});
    for (std::int64_t p : std::initializer_list<std::int64_t>{20480, 20481, 20479, 20481, INT64_MIN, INT64_MAX}) periods.add(p);
    out.push_back({"periods", fuzz::flat_bytes_of(periods)});
    out.push_back({"no-periods", fuzz::flat_bytes_of(reports::PeriodSet(reports::NoParams{}))});
    return out;
}

bool valid(const Buffer& input) {
    return fuzz::read_state<reports::EarliestValue>(input).has_value() ||
           fuzz::read_state<reports::PeriodSet>(input).has_value();
}

}  // namespace

FUZZ_STATE_TARGET(seeds, valid, run, fuzz::no_repair)
