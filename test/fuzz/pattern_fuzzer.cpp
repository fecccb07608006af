// libFuzzer target for the path pattern compiler and matcher (make fuzz).
// sources: paths.cpp memory.cpp error.cpp
// Input: one byte choosing the number of conditions, then the pattern text.
// Every pattern must compile or fail with an eventml Error; a compiled
// pattern is matched against a fixed event sequence, and a pattern without
// time steps must give the same answers from the automaton as from
// ClickHouse's backtracking search (reached by appending "(?t>=0)", which
// changes nothing a pattern means), and from the search with a within limit
// longer than the whole sequence. path_match_events' chain is never longer
// than the pattern's (?N) steps, its times ascend, and a pattern that
// matches gives a full chain.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "paths.hpp"

namespace paths = eventml::core::paths;

namespace {

std::vector<paths::Event> sequence() {
    std::vector<paths::Event> events;
    std::uint32_t state = 12345;
    for (int i = 0; i < 200; ++i) {
        state = state * 1103515245u + 12345u;
        const std::uint32_t bits = (state >> 8) & 0xf;
        if (bits != 0) events.push_back(paths::Event{(i + (state >> 28)) * 1000000LL, bits, 0, 0});
    }
    paths::sort_events(events.data(), static_cast<std::int64_t>(events.size()));
    return events;
}

struct Result {
    bool ok = false;
    bool matched = false;
    std::int64_t count = 0;
};

Result run(const std::string& pattern, int conditions, const std::vector<paths::Event>& events,
           std::int64_t within = paths::kNoWithin) {
    Result result;
    std::vector<paths::Action> actions(paths::max_actions(pattern.size()));
    try {
        actions.resize(paths::compile(pattern.data(), pattern.size(), conditions, actions.data()));
        const auto n = static_cast<std::int64_t>(events.size());
        result.matched =
            paths::match(actions.data(), actions.size(), events.data(), n, within, eventml::core::StopCheck());
        result.count = paths::count_matches(actions.data(), actions.size(), events.data(), n, within,
                                            eventml::core::StopCheck());
        result.ok = true;
        if (within != paths::kNoWithin) return result;
        const std::size_t steps = paths::condition_steps(actions.data(), actions.size());
        std::vector<std::int64_t> times(steps);
        const std::int64_t taken = paths::match_events(actions.data(), actions.size(), events.data(), n, times.data(),
                                                       eventml::core::StopCheck());
        if (taken < 0 || static_cast<std::size_t>(taken) > steps) std::abort();
        for (std::int64_t i = 1; i < taken; ++i)
            if (times[i] < times[i - 1]) std::abort();
        if (result.matched && static_cast<std::size_t>(taken) != steps) std::abort();
    } catch (const eventml::core::Error&) {
    }
    return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    static const std::vector<paths::Event> events = sequence();
    const int conditions = 1 + data[0] % paths::kMaxConditions;
    const std::string pattern(reinterpret_cast<const char*>(data + 1), size - 1);
    const Result plain = run(pattern, conditions, events);
    if (!plain.ok) return 0;
    const Result unlimited = run(pattern, conditions, events, events.back().time - events.front().time);
    if (unlimited.ok && (unlimited.matched != plain.matched || unlimited.count != plain.count)) std::abort();
    if (pattern.find("(?t") != std::string::npos) return 0;
    const Result timed = run(pattern + "(?t>=0)", conditions, events);
    // The backtracking search may give up (its step limit); otherwise it must agree.
    if (timed.ok && (timed.matched != plain.matched || timed.count != plain.count)) std::abort();
    return 0;
}
