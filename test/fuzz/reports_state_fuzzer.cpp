// libFuzzer target for the reports' serialized states: eventml_first_value's
// (funnel_report's breakdown, reports::EarliestValue::read),
// eventml_period_set's (reports::PeriodSet::read), eventml_retention_counts'
// and eventml_lifecycle_counts' (RetentionCounts, LifecycleCounts), what
// their deserialize functions run; then what the glue does with an accepted
// state: serialize writes it back byte for byte, combine merges it into an
// empty state and into itself, and the final function reads its values (the
// sorted distinct periods, every cell, every period's counts).
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

void run_retention(const Buffer& input) {
    std::optional<reports::RetentionCounts> state = fuzz::read_state<reports::RetentionCounts>(input);
    if (!state) return;
    fuzz::check_written_back(*state, input);
    reports::RetentionCounts merged = state->empty_copy();
    merged.merge(*state);
    merged.merge(*state);  // twice the counts
    FUZZ_CHECK(merged.cells() == state->cells());
    for (std::int64_t i = 0; i < state->cells(); ++i) {
        const auto once = state->cell(i), twice = merged.cell(i);
        FUZZ_CHECK(twice.cohort == once.cohort && twice.k == once.k && twice.observed == once.observed);
        FUZZ_CHECK(twice.entities == 2 * once.entities && twice.cohort_entities == 2 * once.cohort_entities);
    }
}

void run_lifecycle(const Buffer& input) {
    std::optional<reports::LifecycleCounts> state = fuzz::read_state<reports::LifecycleCounts>(input);
    if (!state) return;
    fuzz::check_written_back(*state, input);
    reports::LifecycleCounts merged = state->empty_copy();
    merged.merge(*state);
    merged.merge(*state);
    FUZZ_CHECK(merged.empty() == state->empty());
    if (state->empty()) return;
    FUZZ_CHECK(merged.first() == state->first() && merged.last() == state->last());
    // The final reads first() .. last() (bounded here: a state may claim a long span).
    for (std::int64_t p = state->first(); p <= state->last() && p - state->first() < 4096; ++p)
        for (int s = 0; s < reports::LifecycleCounts::kStatuses; ++s) {
            const auto status = static_cast<reports::LifecycleCounts::Status>(s);
            FUZZ_CHECK(merged.count(p, status) == 2 * state->count(p, status));
        }
}

void run(const Buffer& input) {
    run_period_set(input);
    run_retention(input);
    run_lifecycle(input);
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
    const std::int64_t returns[] = {2921, 2922, 2925}, active[] = {2920, 2921, 2923};
    reports::RetentionCounts retention(reports::RetentionParams{4, 0});
    retention.add(true, 2921, returns, 3);
    retention.add(true, 2919, returns, 1);
    retention.add(false, 0, returns, 2);
    retention.see(2924);
    out.push_back({"retention", fuzz::flat_bytes_of(retention)});
    reports::RetentionCounts cumulative(reports::RetentionParams{2, 1});
    cumulative.add(true, 2922, returns + 1, 2);
    out.push_back({"retention-cumulative", fuzz::flat_bytes_of(cumulative)});
    reports::LifecycleCounts lifecycle(reports::NoParams{});
    lifecycle.add(active, 3);
    lifecycle.add(returns, 3);
    lifecycle.see(2930);
    out.push_back({"lifecycle", fuzz::flat_bytes_of(lifecycle)});
    out.push_back({"no-lifecycle", fuzz::flat_bytes_of(reports::LifecycleCounts(reports::NoParams{}))});
    return out;
}

bool valid(const Buffer& input) {
    return fuzz::read_state<reports::EarliestValue>(input).has_value() ||
           fuzz::read_state<reports::PeriodSet>(input).has_value() ||
           fuzz::read_state<reports::RetentionCounts>(input).has_value() ||
           fuzz::read_state<reports::LifecycleCounts>(input).has_value();
}

}  // namespace

FUZZ_STATE_TARGET(seeds, valid, run, fuzz::no_repair)
