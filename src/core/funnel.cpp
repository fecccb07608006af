#include "funnel.hpp"

#include "flat.hpp"
#include "saturating.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

namespace eventml::core::funnel {
namespace {

constexpr unsigned kAllModes = kStrictDeduplication | kStrictOrder | kStrictIncrease | kStrictOnce | kAllowReentry;

// A chain as ClickHouse keeps it per level, with the times of its steps.
struct Partial {
    std::int64_t first = 0, last = 0;
    std::int64_t times[kMaxSteps];
    std::int32_t rows[kMaxSteps];  // strict_once: the input row of each step
};

// The deepest chain so far: the first chain to reach each new level.
struct Best {
    Chain chain;
    void offer(const Partial& partial, int level) {
        if (level <= chain.level) return;
        chain.level = level;
        std::copy(partial.times, partial.times + level, chain.times);
    }
};

// getEventLevel for every mode but strict_once: one chain per level.
Chain single_chains(const Event* events, std::int64_t count, int steps, std::int64_t window, unsigned modes,
                    const StopCheck& stop) {
    std::vector<Partial> slot(steps);
    std::vector<char> filled(steps, 0);
    Best best;
    bool started = false;
    for (std::int64_t i = 0; i < count; ++i) {
        if ((i & 0xffff) == 0) stop.poll();
        const std::int64_t ts = events[i].time;
        const int idx = events[i].step - 1;
        if (idx < 0) {  // strict_order's placeholder: a row matching no step
            if (started) break;
            continue;
        }
        if (idx == 0) {
            slot[0].first = slot[0].last = slot[0].times[0] = ts;
            filled[0] = 1;
            started = true;
            best.offer(slot[0], 1);
        } else if ((modes & kStrictDeduplication) && filled[idx]) {
            return best.chain;
        } else if ((modes & kStrictOrder) && started && !filled[idx - 1]) {
            if (modes & kAllowReentry) continue;
            return best.chain;
        } else if (filled[idx - 1]) {
            const Partial& previous = slot[idx - 1];
            bool fits = ts <= saturating_add(previous.first, window);
            if (modes & kStrictIncrease) fits = fits && previous.last < ts;
            if (!fits) continue;
            Partial& next = slot[idx];
            // The chain moves on to this event (ClickHouse's rule, which
            // strict_increase reads through `last`), but when the slot already
            // holds the same chain its step times stay those of the first
            // events that reached each step (PostHog's times to convert).
            if (!filled[idx] || next.first != previous.first) {
                std::copy(previous.times, previous.times + idx, next.times);
                next.times[idx] = ts;
            }
            next.first = previous.first;
            next.last = ts;
            filled[idx] = 1;
            best.offer(next, idx + 1);
            if (idx + 1 == steps) return best.chain;
        }
    }
    return best.chain;
}

// getEventLevel for strict_once: every partial chain is kept, and one input
// row may fill at most one step of a chain.
Chain all_chains(const Event* events, std::int64_t count, int steps, std::int64_t window, unsigned modes,
                 const StopCheck& stop) {
    std::vector<std::vector<Partial>> level(steps);
    std::int64_t kept = 0;
    auto keep = [&](int idx, const Partial& partial) {
        if (++kept > kMaxStrictOnceChains)
            fail(ErrorKind::LimitExceeded, "strict_once kept more than %lld partial chains for one group",
                 static_cast<long long>(kMaxStrictOnceChains));
        level[idx].push_back(partial);
    };
    Best best;
    bool started = false;
    for (std::int64_t i = 0; i < count; ++i) {
        if ((i & 0xfff) == 0) stop.poll();
        const std::int64_t ts = events[i].time;
        const int idx = events[i].step - 1;
        const std::int32_t row = events[i].row;
        if (idx < 0) {
            if (started) break;
            continue;
        }
        if (idx == 0) {
            Partial start;
            start.first = start.last = start.times[0] = ts;
            start.rows[0] = row;
            keep(0, start);
            started = true;
            best.offer(start, 1);
        } else if ((modes & kStrictDeduplication) && !level[idx].empty()) {
            return best.chain;
        } else if ((modes & kStrictOrder) && started && level[idx - 1].empty()) {
            if (modes & kAllowReentry) continue;
            return best.chain;
        } else {
            std::vector<Partial>& previous = level[idx - 1];
            for (std::size_t j = 0; j < previous.size();) {
                const Partial chain = previous[j];
                bool fits = ts <= saturating_add(chain.first, window);
                if (!fits && previous.size() > 1) {  // nothing later fits either: prune
                    previous.erase(previous.begin() + static_cast<std::ptrdiff_t>(j));
                    continue;
                }
                ++j;
                fits = fits && std::find(chain.rows, chain.rows + idx, row) == chain.rows + idx;
                if (modes & kStrictIncrease) fits = fits && chain.last < ts;
                if (!fits) continue;
                Partial next = chain;
                next.last = next.times[idx] = ts;
                next.rows[idx] = row;
                keep(idx, next);
                best.offer(next, idx + 1);
                if (idx + 1 == steps) return best.chain;
            }
        }
    }
    return best.chain;
}

constexpr int kCountShift = 32;
constexpr std::int64_t kMaskBits = 0xffffffffLL;

// Sorts the events in place and runs the pass for a funnel of `steps` steps.
Chain deepest_chain(Event* events, std::int64_t count, int steps, std::int64_t window, unsigned modes,
                    const StopCheck& stop) {
    stop.poll();
    std::sort(events, events + count, [](const Event& a, const Event& b) {
        if (a.time != b.time) return a.time < b.time;
        if (a.step != b.step) return a.step < b.step;
        return a.row < b.row;
    });
    return (modes & kStrictOnce) ? all_chains(events, count, steps, window, modes, stop)
                                 : single_chains(events, count, steps, window, modes, stop);
}

}  // namespace

unsigned parse_modes(const char* text) {
    static const struct {
        const char* name;
        Mode mode;
    } kNames[] = {{"strict_deduplication", kStrictDeduplication}, {"strict_order", kStrictOrder},
                  {"strict_increase", kStrictIncrease},           {"strict_once", kStrictOnce},
                  {"allow_reentry", kAllowReentry}};
    unsigned modes = 0;
    const std::string all(text);
    std::size_t start = 0;
    while (start <= all.size()) {
        std::size_t end = all.find(',', start);
        if (end == std::string::npos) end = all.size();
        std::string name = all.substr(start, end - start);
        name.erase(0, name.find_first_not_of(" \t"));
        name.erase(name.find_last_not_of(" \t") + 1);
        start = end + 1;
        if (name.empty()) continue;
        if (name == "strict")
            fail(ErrorKind::InvalidValue, "funnel mode \"strict\" is now called \"strict_deduplication\"");
        const auto* known = std::find_if(std::begin(kNames), std::end(kNames),
                                         [&](const auto& entry) { return name == entry.name; });
        if (known == std::end(kNames))
            fail(ErrorKind::InvalidValue,
                 "unknown funnel mode \"%s\" (known: strict_deduplication, strict_order, strict_increase, "
                 "strict_once, allow_reentry)",
                 name.c_str());
        modes |= known->mode;
    }
    if ((modes & kAllowReentry) && !(modes & kStrictOrder))
        fail(ErrorKind::InvalidValue, "funnel mode allow_reentry needs strict_order");
    return modes;
}


FunnelState::FunnelState(const Params& params) : params_(params) {
    if (params.window < 0) fail(ErrorKind::InvalidValue, "window must not be negative");
    if ((params.modes & ~kAllModes) != 0) fail(ErrorKind::InvalidValue, "unknown funnel mode bits %u", params.modes);
    if (params.steps < 1 || params.steps > kMaxSteps)
        fail(ErrorKind::ArrayShape, "funnel takes 1 to %d steps, got %d", kMaxSteps, params.steps);
}

void FunnelState::count_rows(std::int64_t more) {
    if (rows_ + more > std::numeric_limits<std::int32_t>::max())
        fail(ErrorKind::LimitExceeded, "more than 2^31 rows in one group");
    rows_ += more;
}

void FunnelState::add(std::int64_t ts, const bool* holds, int steps) {
    if (steps != params_.steps)
        fail(ErrorKind::ArrayShape, "the number of steps changed from %d to %d within a group", params_.steps, steps);
    const auto row = static_cast<std::int32_t>(rows_);
    count_rows(1);
    const std::int64_t before = events_.size();
    for (int i = 0; i < steps; ++i)
        if (holds[i]) events_.push(Event{ts, i + 1, row});
    if (events_.size() == before && (params_.modes & kStrictOrder)) events_.push(Event{ts, 0, row});
    check_state_bytes(flat_bytes(), "funnel");
}

void FunnelState::merge(const FunnelState& other) {
    if (other.params_.window != params_.window || other.params_.modes != params_.modes ||
        other.params_.steps != params_.steps)
        fail(ErrorKind::InvalidValue, "window, mode and steps must be the same for all rows of a group");
    check_state_bytes(flat_bytes() + other.events_.bytes(), "funnel");
    const auto offset = static_cast<std::int32_t>(rows_);
    count_rows(other.rows_);
    const std::int64_t first_new = events_.size();
    events_.append(other.events_.data(), other.events_.size());
    for (std::int64_t i = first_new; i < events_.size(); ++i) events_[i].row += offset;
}

const std::uint32_t FunnelState::kMagic = 0x324e5546;  // "FUN2": funnel, version 2

void FunnelState::check(const FlatReader& in) const {
    in.require(params_.window >= 0 && (params_.modes & ~kAllModes) == 0 && params_.steps >= 1 &&
               params_.steps <= kMaxSteps && rows_ >= 0 && rows_ <= std::numeric_limits<std::int32_t>::max());
    for (std::int64_t i = 0; i < events_.size(); ++i) {
        const Event& event = events_[i];
        // Step 0 is strict_order's placeholder; add() keeps it in no other mode.
        in.require((event.step >= 1 || (event.step == 0 && (params_.modes & kStrictOrder))) &&
                   event.step <= params_.steps && event.row >= 0 && event.row < rows_);
    }
}

Chain FunnelState::finish(const StopCheck& stop) {
    return deepest_chain(events_.data(), events_.size(), params_.steps, params_.window, params_.modes, stop);
}

int retention_conditions(RetentionState state) {
    const std::int64_t n = state >> kCountShift;
    if (state < 0 || n < 1 || n > kMaxRetentionConditions || (state & kMaskBits) >> n != 0)
        fail(ErrorKind::CorruptState, "not a retention state");
    return static_cast<int>(n);
}

RetentionState retention_add(RetentionState state, const bool* held, int n) {
    if (n < 1 || n > kMaxRetentionConditions)
        fail(ErrorKind::ArrayShape, "retention takes 1 to %d conditions, got %d", kMaxRetentionConditions, n);
    if (state == 0) state = static_cast<std::int64_t>(n) << kCountShift;
    const int expected = retention_conditions(state);
    if (n != expected) fail(ErrorKind::ArrayShape, "the number of conditions changed from %d to %d within a group", expected, n);
    for (int i = 0; i < n; ++i)
        if (held[i]) state |= std::int64_t{1} << i;
    return state;
}

RetentionState retention_merge(RetentionState a, RetentionState b) {
    const int n = retention_conditions(a), m = retention_conditions(b);
    if (n != m) fail(ErrorKind::ArrayShape, "cannot merge retention states of %d and %d conditions", n, m);
    return a | b;
}

void retention_result(RetentionState state, bool* r) {
    const int n = retention_conditions(state);
    const bool first = state & 1;
    for (int i = 0; i < n; ++i) r[i] = first && (state >> i & 1);
}

}  // namespace eventml::core::funnel
