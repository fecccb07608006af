// libFuzzer target for the funnel and retention states.
//   funnel     (an EventsHeader, then the events): funnel::check_events, then
//              what src/pg/funnel.cpp does with an accepted block:
//              funnel_deserialize copies the events into a block of their
//              own, funnel_final / funnel_times_final run deepest_chain.
//              An input check_events rejects is tried once more with its
//              count made that of the whole events present.
//   retention  (an 8-byte input: the int64 state): retention_conditions and
//              retention_result (retention_final), retention_merge
//              (retention_combine) and retention_add (retention_trans).
// sources: funnel.cpp error.cpp
#include <cstddef>
#include <cstring>
#include <limits>
#include <vector>

#include "funnel.hpp"
#include "state_fuzz.hpp"

namespace funnel = eventml::core::funnel;
using fuzz::Buffer;

namespace {

const funnel::EventsHeader* check(const Buffer& buffer) {
    const funnel::EventsHeader* header = nullptr;
    if (!fuzz::accepts([&] { header = &funnel::check_events(buffer.data(), buffer.size()); })) return nullptr;
    FUZZ_CHECK(header->steps >= 1 && header->steps <= funnel::kMaxSteps);
    FUZZ_CHECK(header->window >= 0 && header->count >= 0 && header->rows >= 0);
    FUZZ_CHECK(sizeof(funnel::EventsHeader) + sizeof(funnel::Event) * header->count == buffer.size());
    return header;
}

void run_funnel(const Buffer& input) {
    const funnel::EventsHeader* header = check(input);
    if (header == nullptr) return;
    // funnel_deserialize: the events in a block of their own.
    const std::int64_t count = header->count;
    Buffer events(input.data() + sizeof(funnel::EventsHeader), sizeof(funnel::Event) * count);
    funnel::Chain chain;
    if (!fuzz::consume([&] {
            chain = funnel::deepest_chain(reinterpret_cast<funnel::Event*>(events.data()), count, header->steps,
                                          header->window, header->modes, eventml::core::StopCheck());
        }))
        return;
    // funnel_times_final: the times of the deepest chain's steps, in order,
    // each an event time of the state, the whole chain within the window.
    FUZZ_CHECK(chain.level >= 0 && chain.level <= header->steps);
    const auto* sorted = reinterpret_cast<const funnel::Event*>(events.data());
    for (int i = 0; i < chain.level; ++i) {
        bool found = false;
        for (std::int64_t e = 0; e < count && !found; ++e) found = sorted[e].time == chain.times[i] && sorted[e].step == i + 1;
        FUZZ_CHECK(found);
        if (i > 0) FUZZ_CHECK(chain.times[i - 1] <= chain.times[i]);
        if (i > 0 && (header->modes & funnel::kStrictIncrease)) FUZZ_CHECK(chain.times[i - 1] < chain.times[i]);
    }
    if (chain.level > 0) {
        const std::int64_t first = chain.times[0], last = chain.times[chain.level - 1];
        FUZZ_CHECK(first > std::numeric_limits<std::int64_t>::max() - header->window || last <= first + header->window);
    }
}

void run_retention(std::int64_t state) {
    int n = 0;
    if (!fuzz::accepts([&] { n = funnel::retention_conditions(state); })) return;
    FUZZ_CHECK(n >= 1 && n <= funnel::kMaxRetentionConditions);
    // retention_final.
    bool r[funnel::kMaxRetentionConditions];
    funnel::retention_result(state, r);
    for (int i = 0; i < n; ++i) FUZZ_CHECK(r[i] == (r[0] && (state >> i & 1)));
    // retention_combine: merging with itself or with an empty row changes nothing.
    FUZZ_CHECK(funnel::retention_merge(state, state) == state);
    bool none[funnel::kMaxRetentionConditions] = {}, all[funnel::kMaxRetentionConditions];
    std::memset(all, 1, sizeof all);
    FUZZ_CHECK(funnel::retention_add(state, none, n) == state);
    // retention_trans: a row where every condition held.
    const funnel::RetentionState full = funnel::retention_add(state, all, n);
    FUZZ_CHECK(funnel::retention_conditions(full) == n);
    FUZZ_CHECK(funnel::retention_merge(state, full) == full);
    // A row with another number of conditions is an error, not a state.
    if (n < funnel::kMaxRetentionConditions)
        FUZZ_CHECK(!fuzz::consume([&] { (void)funnel::retention_add(state, all, n + 1); }));
}

// ---- seeds ----------------------------------------------------------------

// A funnel state as funnel_trans builds it from rows of (time, step flags).
struct Row {
    std::int64_t time;
    std::uint32_t holds;  // bit i: step i+1 holds
};
std::vector<unsigned char> funnel_state(std::int64_t window, const char* modes_text, int steps,
                                        const std::vector<Row>& rows) {
    const unsigned modes = funnel::parse_modes(modes_text);
    std::vector<funnel::Event> events;
    std::int32_t row = 0;
    for (const Row& r : rows) {
        bool any = false;
        for (int i = 0; i < steps; ++i)
            if (r.holds >> i & 1u) {
                events.push_back({r.time, i + 1, row});
                any = true;
            }
        if (!any && (modes & funnel::kStrictOrder)) events.push_back({r.time, 0, row});
        ++row;
    }
    fuzz::Bytes out;
    funnel::EventsHeader header;
    funnel::write_events_header(header, window, modes, steps, static_cast<std::int64_t>(events.size()), row);
    out.put(header).put(events.data(), sizeof(funnel::Event) * events.size());
    return out.bytes;
}

std::vector<unsigned char> retention_state(const std::vector<std::vector<bool>>& rows) {
    funnel::RetentionState state = 0;
    for (const auto& held : rows) {
        bool flags[funnel::kMaxRetentionConditions];
        for (std::size_t i = 0; i < held.size(); ++i) flags[i] = held[i];
        state = funnel::retention_add(state, flags, static_cast<int>(held.size()));
    }
    fuzz::Bytes out;
    out.put(state);
    return out.bytes;
}

fuzz::Seeds seeds() {
    constexpr std::int64_t kHour = 3600000000LL;
    const std::vector<Row> rows = {{0, 1}, {kHour, 2}, {2 * kHour, 0}, {2 * kHour, 4}, {3 * kHour, 3},
                                   {5 * kHour, 1}, {5 * kHour, 2}, {30 * kHour, 4}, {31 * kHour, 8}};
    fuzz::Seeds out;
    out.push_back({"funnel-empty", funnel_state(kHour, "", 2, {})});
    out.push_back({"funnel-default", funnel_state(24 * kHour, "", 4, rows)});
    out.push_back({"funnel-strict-order", funnel_state(24 * kHour, "strict_order, allow_reentry", 4, rows)});
    out.push_back({"funnel-strict-dedup-increase",
                   funnel_state(6 * kHour, "strict_deduplication,strict_increase", 3, rows)});
    out.push_back({"funnel-strict-once", funnel_state(48 * kHour, "strict_once", 4, rows)});
    out.push_back({"retention-3", retention_state({{true, false, false}, {false, false, true}})});
    out.push_back({"retention-32", retention_state({std::vector<bool>(32, true)})});
    out.push_back({"retention-1-false", retention_state({{false}})});
    return out;
}

bool valid(const Buffer& input) {
    if (input.size() == sizeof(funnel::RetentionState))
        return fuzz::accepts([&] { funnel::retention_conditions(input.read<std::int64_t>(0)); });
    return check(input) != nullptr;
}

void run(const Buffer& input) {
    if (input.size() == sizeof(funnel::RetentionState))
        run_retention(input.read<std::int64_t>(0));
    else
        run_funnel(input);
}

// A rejected 8-byte input still runs the retention consumers (they must
// refuse it); a longer one gets the count of the whole events present.
bool repair(Buffer& input) {
    if (input.size() == sizeof(funnel::RetentionState)) return true;
    return fuzz::fit_count(input, sizeof(funnel::EventsHeader), sizeof(funnel::Event),
                           offsetof(funnel::EventsHeader, count));
}

}  // namespace

FUZZ_STATE_TARGET(seeds, valid, run, repair)
