#include "funnel.hpp"

#include "flat.hpp"
#include "saturating.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

namespace eventml::core::funnel {
namespace {

constexpr unsigned kAllModes =
    kStrictDeduplication | kStrictOrder | kStrictIncrease | kStrictOnce | kAllowReentry | kUnordered;

// A chain as ClickHouse keeps it per level, with the times of its steps.
struct Partial {
    std::int64_t first = 0, last = 0;
    std::int64_t times[kMaxSteps];
    std::int32_t rows[kMaxSteps];  // strict_once: the input row of each step
    bool disqualified = false;     // by an exclusion; goes no further
};

// Does an exclusion event at t disqualify a chain at `level` (waiting for
// step level + 1), which began at first and reached its level at last?
bool disqualifies(const Params& p, int level, std::int64_t first, std::int64_t last, std::int64_t t) {
    return level >= p.exclude_from && level < p.exclude_to && last < t && t <= saturating_add(first, p.window);
}

// The chain the result comes from: the first to reach the deepest level;
// once it is disqualified, another chain at that level that is not (one
// that reached it at the same time as the exclusion, or the first to reach
// it afterwards).
struct Best {
    Chain chain;
    std::int64_t first = 0, last = 0;
    bool disqualified = false;
    void offer(const Partial& partial, int level) {
        if (level < chain.level || (level == chain.level && !disqualified)) return;
        take(partial, level);
    }
    void take(const Partial& partial, int level) {
        chain.level = level;
        std::copy(partial.times, partial.times + level, chain.times);
        first = partial.first;
        last = partial.last;
        disqualified = false;
    }
    void exclusion(const Params& p, std::int64_t t) {
        if (chain.level > 0 && disqualifies(p, chain.level, first, last, t)) disqualified = true;
    }
    Chain result() const {
        if (!disqualified) return chain;
        Chain excluded;
        excluded.level = kExcluded;
        return excluded;
    }
};

// getEventLevel for every mode but strict_once: one chain per level.
Chain single_chains(const Event* events, std::int64_t count, const Params& p, const StopCheck& stop) {
    const int steps = p.steps;
    const unsigned modes = p.modes;
    std::vector<Partial> slot(steps);
    std::vector<char> filled(steps, 0);
    Best best;
    bool started = false;
    for (std::int64_t i = 0; i < count; ++i) {
        if ((i & 0xffff) == 0) stop.poll();
        const std::int64_t ts = events[i].time;
        if (events[i].step == kExclusionStep) {
            for (int k = 0; k < steps; ++k)
                if (filled[k] && disqualifies(p, k + 1, slot[k].first, slot[k].last, ts)) slot[k].disqualified = true;
            best.exclusion(p, ts);
            const int at = best.chain.level;
            if (best.disqualified && filled[at - 1] && !slot[at - 1].disqualified) best.take(slot[at - 1], at);
            continue;
        }
        const int idx = events[i].step - 1;
        if (idx < 0) {  // strict_order's placeholder: a row matching no step
            if (started) break;
            continue;
        }
        if (idx == 0) {
            slot[0].first = slot[0].last = slot[0].times[0] = ts;
            slot[0].disqualified = false;
            filled[0] = 1;
            started = true;
            best.offer(slot[0], 1);
        } else if ((modes & kStrictDeduplication) && filled[idx]) {
            return best.result();
        } else if ((modes & kStrictOrder) && started && !filled[idx - 1]) {
            if (modes & kAllowReentry) continue;
            return best.result();
        } else if (filled[idx - 1] && !slot[idx - 1].disqualified) {
            const Partial& previous = slot[idx - 1];
            bool fits = ts <= saturating_add(previous.first, p.window);
            if (modes & kStrictIncrease) fits = fits && previous.last < ts;
            if (!fits) continue;
            Partial& next = slot[idx];
            // The chain moves on to this event (ClickHouse's rule, which
            // strict_increase reads through `last`), but when the slot already
            // holds the same chain its step times stay those of the first
            // events that reached each step (PostHog's times to convert), and
            // so does an exclusion that came after them.
            const bool same_chain = filled[idx] && next.first == previous.first;
            if (!same_chain) {
                std::copy(previous.times, previous.times + idx, next.times);
                next.times[idx] = ts;
                next.disqualified = false;
            }
            next.first = previous.first;
            next.last = ts;
            filled[idx] = 1;
            if (!next.disqualified) best.offer(next, idx + 1);
            if (idx + 1 == steps && !next.disqualified) return best.result();
        }
    }
    return best.result();
}

// getEventLevel for strict_once: every partial chain is kept, and one input
// row may fill at most one step of a chain.
Chain all_chains(const Event* events, std::int64_t count, const Params& p, const StopCheck& stop) {
    const int steps = p.steps;
    const unsigned modes = p.modes;
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
        if (events[i].step == kExclusionStep) {
            for (int k = 0; k < steps; ++k)
                for (Partial& chain : level[k])
                    if (disqualifies(p, k + 1, chain.first, chain.last, ts)) chain.disqualified = true;
            best.exclusion(p, ts);
            const int at = best.chain.level;
            if (best.disqualified) {
                const auto clean = std::find_if(level[at - 1].begin(), level[at - 1].end(),
                                                [](const Partial& chain) { return !chain.disqualified; });
                if (clean != level[at - 1].end()) best.take(*clean, at);
            }
            continue;
        }
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
            return best.result();
        } else if ((modes & kStrictOrder) && started && level[idx - 1].empty()) {
            if (modes & kAllowReentry) continue;
            return best.result();
        } else {
            std::vector<Partial>& previous = level[idx - 1];
            for (std::size_t j = 0; j < previous.size();) {
                const Partial chain = previous[j];
                bool fits = ts <= saturating_add(chain.first, p.window);
                if (!fits && previous.size() > 1) {  // nothing later fits either: prune
                    previous.erase(previous.begin() + static_cast<std::ptrdiff_t>(j));
                    continue;
                }
                ++j;
                fits = fits && !chain.disqualified && std::find(chain.rows, chain.rows + idx, row) == chain.rows + idx;
                if (modes & kStrictIncrease) fits = fits && chain.last < ts;
                if (!fits) continue;
                Partial next = chain;
                next.last = next.times[idx] = ts;
                next.rows[idx] = row;
                keep(idx, next);
                best.offer(next, idx + 1);
                if (idx + 1 == steps) return best.result();
            }
        }
    }
    return best.result();
}

// The any-order funnel: the most distinct steps whose events all lie in one
// window [t, t + window] beginning at a step event, a row counting for every
// step it meets. A window that an exclusion event interrupts (one within it,
// after its first event) counts only when it completed the funnel before the
// exclusion: the exclusion clears the steps collected so far. The times are
// those of each step's first event in the first such window, ascending
// (completion order).
Chain any_order(const Event* events, std::int64_t count, const Params& p, const StopCheck& stop) {
    const int steps = p.steps;
    std::vector<std::int64_t> held(steps, 0);  // events of each step in the window [i, end)
    int distinct = 0, best_level = 0;
    std::int64_t best_start = -1, end = 0;
    const auto is_step = [&](std::int64_t k) { return events[k].step >= 1 && events[k].step <= steps; };
    for (std::int64_t i = 0; i < count; ++i) {
        if ((i & 0xffff) == 0) stop.poll();
        if (!is_step(i)) continue;  // an exclusion: the window has emptied up to it
        if (end < i) end = i;
        const std::int64_t limit = saturating_add(events[i].time, p.window);
        for (; end < count && is_step(end) && events[end].time <= limit; ++end)
            if (held[events[end].step - 1]++ == 0) ++distinct;
        const bool interrupted = end < count && !is_step(end) && events[end].time <= limit;
        if ((!interrupted || distinct == steps) && distinct > best_level) {
            best_level = distinct;
            best_start = i;
        }
        if (--held[events[i].step - 1] == 0) --distinct;
    }
    Chain chain;
    chain.level = best_level;
    if (best_start < 0) return chain;
    std::vector<char> seen(steps, 0);
    const std::int64_t limit = saturating_add(events[best_start].time, p.window);
    int n = 0;
    for (std::int64_t k = best_start; k < count && is_step(k) && events[k].time <= limit; ++k)
        if (!seen[events[k].step - 1]) {
            seen[events[k].step - 1] = 1;
            chain.times[n++] = events[k].time;  // sorted: the events are
        }
    return chain;
}

constexpr int kCountShift = 32;
constexpr std::int64_t kMaskBits = 0xffffffffLL;

// Events in the order every pass reads them: time, then step (exclusions
// last), then row.
void sort_events(Event* events, std::int64_t count) {
    std::sort(events, events + count, [](const Event& a, const Event& b) {
        if (a.time != b.time) return a.time < b.time;
        if (a.step != b.step) return a.step < b.step;
        return a.row < b.row;
    });
}

// The pass of the modes over sorted events.
Chain run_pass(const Event* events, std::int64_t count, const Params& p, const StopCheck& stop) {
    if (p.modes & kUnordered) return any_order(events, count, p, stop);
    return (p.modes & kStrictOnce) ? all_chains(events, count, p, stop) : single_chains(events, count, p, stop);
}

// Sorts the events in place and runs the pass of the state's modes.
Chain deepest_chain(Event* events, std::int64_t count, const Params& p, const StopCheck& stop) {
    stop.poll();
    sort_events(events, count);
    return run_pass(events, count, p, stop);
}

std::vector<Start> chain_starts(Event* events, std::int64_t count, const Params& p, const StopCheck& stop) {
    stop.poll();
    sort_events(events, count);
    std::vector<Start> starts;
    std::vector<Event> slice;
    std::vector<char> seen(static_cast<std::size_t>(p.steps));
    std::int64_t work = 0;
    for (std::int64_t i = 0; i < count; ++i) {
        if (events[i].step != 1) continue;
        stop.poll();
        const std::int64_t limit = saturating_add(events[i].time, p.window);
        bool converted = false;
        if (p.modes & kUnordered) {
            std::fill(seen.begin(), seen.end(), 0);
            int distinct = 0;
            std::int64_t j = i;
            for (; j < count && events[j].time <= limit && events[j].step != kExclusionStep; ++j) {
                char& step_seen = seen[static_cast<std::size_t>(events[j].step - 1)];
                if (!step_seen) {
                    step_seen = 1;
                    ++distinct;
                }
            }
            work += j - i;
            converted = distinct == p.steps;
        } else {
            slice.assign(1, events[i]);
            for (std::int64_t j = i + 1; j < count && events[j].time <= limit; ++j)
                if (events[j].step != 1) slice.push_back(events[j]);
            work += static_cast<std::int64_t>(slice.size());
            converted = run_pass(slice.data(), static_cast<std::int64_t>(slice.size()), p, stop).level == p.steps;
        }
        if (work > kMaxTrendEvents)
            fail(ErrorKind::LimitExceeded,
                 "funnel_trends read more than %lld events in the windows of one entity's step-1 events",
                 static_cast<long long>(kMaxTrendEvents));
        starts.push_back(Start{events[i].time, converted});
    }
    return starts;
}

// Why a parameter set is refused, or nullptr.
const char* params_problem(const Params& p) {
    if (p.window < 0) return "window must not be negative";
    if ((p.modes & ~kAllModes) != 0) return "unknown funnel mode bits";
    if ((p.modes & kUnordered) && p.modes != kUnordered) return "funnel mode unordered combines with no other mode";
    const bool none = p.exclude_from == 0 && p.exclude_to == 0;
    if (!none && !(p.exclude_from >= 1 && p.exclude_from < p.exclude_to && p.exclude_to <= p.steps))
        return "an exclusion's steps must be from < to, within the funnel's steps";
    if (!none && (p.modes & kUnordered) && (p.exclude_from != 1 || p.exclude_to != p.steps))
        return "an unordered funnel takes exclusions for the whole funnel only (from step 1 to the last)";
    return nullptr;
}

}  // namespace

unsigned parse_modes(const char* text) {
    static const struct {
        const char* name;
        Mode mode;
    } kNames[] = {{"strict_deduplication", kStrictDeduplication}, {"strict_order", kStrictOrder},
                  {"strict_increase", kStrictIncrease},           {"strict_once", kStrictOnce},
                  {"allow_reentry", kAllowReentry},               {"unordered", kUnordered}};
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
                 "strict_once, allow_reentry, unordered)",
                 name.c_str());
        modes |= known->mode;
    }
    if ((modes & kAllowReentry) && !(modes & kStrictOrder))
        fail(ErrorKind::InvalidValue, "funnel mode allow_reentry needs strict_order");
    if ((modes & kUnordered) && modes != kUnordered)
        fail(ErrorKind::InvalidValue, "funnel mode unordered combines with no other mode");
    return modes;
}


FunnelState::FunnelState(const Params& params) : params_(params) {
    if (params.steps < 1 || params.steps > kMaxSteps)
        fail(ErrorKind::ArrayShape, "funnel takes 1 to %d steps, got %d", kMaxSteps, params.steps);
    if (const char* problem = params_problem(params)) fail(ErrorKind::InvalidValue, "%s", problem);
}

void FunnelState::count_rows(std::int64_t more) {
    if (rows_ + more > std::numeric_limits<std::int32_t>::max())
        fail(ErrorKind::LimitExceeded, "more than 2^31 rows in one group");
    rows_ += more;
}

void FunnelState::add(std::int64_t ts, const bool* holds, int steps, bool excluded) {
    if (steps != params_.steps)
        fail(ErrorKind::ArrayShape, "the number of steps changed from %d to %d within a group", params_.steps, steps);
    const auto row = static_cast<std::int32_t>(rows_);
    count_rows(1);
    const std::int64_t before = events_.size();
    for (int i = 0; i < steps; ++i)
        if (holds[i]) events_.push(Event{ts, i + 1, row});
    if (events_.size() == before && (params_.modes & kStrictOrder)) events_.push(Event{ts, 0, row});
    if (excluded && params_.exclude_to > 0) events_.push(Event{ts, kExclusionStep, row});
    check_state_bytes(flat_bytes(), "funnel");
}

void FunnelState::merge(const FunnelState& other) {
    if (other.params_.window != params_.window || other.params_.modes != params_.modes ||
        other.params_.steps != params_.steps || other.params_.exclude_from != params_.exclude_from ||
        other.params_.exclude_to != params_.exclude_to)
        fail(ErrorKind::InvalidValue, "window, mode, steps and exclusion steps must be the same for all rows of a group");
    check_state_bytes(flat_bytes() + other.events_.bytes(), "funnel");
    const auto offset = static_cast<std::int32_t>(rows_);
    count_rows(other.rows_);
    const std::int64_t first_new = events_.size();
    events_.append(other.events_.data(), other.events_.size());
    for (std::int64_t i = first_new; i < events_.size(); ++i) events_[i].row += offset;
}

const std::uint32_t FunnelState::kMagic = 0x334e5546;  // "FUN3": funnel, version 3 (exclusions)

void FunnelState::check(const FlatReader& in) const {
    in.require(params_.steps >= 1 && params_.steps <= kMaxSteps && params_problem(params_) == nullptr && rows_ >= 0 &&
               rows_ <= std::numeric_limits<std::int32_t>::max());
    for (std::int64_t i = 0; i < events_.size(); ++i) {
        const Event& event = events_[i];
        // Step 0 is strict_order's placeholder; add() keeps it in no other
        // mode, and exclusion events only with an exclusion.
        const bool step_ok = (event.step >= 1 && event.step <= params_.steps) ||
                             (event.step == 0 && (params_.modes & kStrictOrder)) ||
                             (event.step == kExclusionStep && params_.exclude_to > 0);
        in.require(step_ok && event.row >= 0 && event.row < rows_);
    }
}

Chain FunnelState::finish(const StopCheck& stop) { return deepest_chain(events_.data(), events_.size(), params_, stop); }

std::int64_t FunnelState::starts(Start* out, const StopCheck& stop) {
    const std::vector<Start> found = chain_starts(events_.data(), events_.size(), params_, stop);
    std::copy(found.begin(), found.end(), out);
    return static_cast<std::int64_t>(found.size());
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
