#include "paths.hpp"

#include "flat.hpp"
#include "saturating.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

namespace eventml::core::paths {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1000000;
constexpr std::size_t kShownPatternBytes = 80;

bool is_time(Step step) { return step >= Step::TimeLess; }

// A pattern for messages: its first bytes, cut on a UTF-8 character boundary.
std::string shown(const char* text, std::size_t length) {
    if (length <= kShownPatternBytes) return std::string(text, length);
    std::size_t cut = kShownPatternBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;
    return std::string(text, cut) + "...";
}

// The recursive-descent-free scanner of ClickHouse's parsePattern: tokens
// back to back, no whitespace.
class Compiler {
public:
    Compiler(const char* text, std::size_t length, int conditions, Action* out)
        : text_(text), length_(length), conditions_(conditions), out_(out) {}

    std::size_t run() {
        push({Step::AnyRun, 0, 0});
        while (pos_ < length_) {
            const std::size_t token = pos_;
            if (take("(?t")) {
                if (is_time(out_[count_ - 1].step))
                    syntax(token, "a time condition must follow (?N), . or .*");
                const Step step = time_operator();
                const std::uint64_t seconds = number();
                expect_close();
                const std::int64_t micros =
                    seconds > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / kMicrosPerSecond)
                        ? std::numeric_limits<std::int64_t>::max()
                        : static_cast<std::int64_t>(seconds) * kMicrosPerSecond;
                push({step, 0, micros});
            } else if (take("(?")) {
                const std::size_t at = pos_;
                const std::uint64_t condition = number();
                if (condition == 0 || condition > static_cast<std::uint64_t>(conditions_))
                    fail(ErrorKind::InvalidValue,
                         "path pattern \"%s\" refers to condition %llu at character %zu, but the conditions are "
                         "numbered 1 to %d",
                         shown(text_, length_).c_str(), static_cast<unsigned long long>(condition), at + 1,
                         conditions_);
                expect_close();
                push({Step::Condition, static_cast<std::uint32_t>(condition - 1), 0});
            } else if (take(".*")) {
                push({Step::AnyRun, 0, 0});
            } else if (take(".")) {
                push({Step::AnyEvent, 0, 0});
            } else {
                syntax(token, "unexpected character");
            }
        }
        return count_;
    }

private:
    // Every token takes at least one character, so out has room unless the
    // step limit is passed.
    void push(const Action& action) {
        if (count_ == kMaxPatternActions + 1)
            fail(ErrorKind::LimitExceeded, "path pattern has more than %zu steps", kMaxPatternActions);
        out_[count_++] = action;
    }

    [[noreturn]] void syntax(std::size_t at, const char* what) const {
        fail(ErrorKind::InvalidPattern, "invalid path pattern \"%s\" at character %zu: %s",
             shown(text_, length_).c_str(), at + 1, what);
    }

    bool take(const char* token) {
        const std::size_t n = std::strlen(token);
        if (length_ - pos_ < n || std::memcmp(text_ + pos_, token, n) != 0) return false;
        pos_ += n;
        return true;
    }

    Step time_operator() {
        // ClickHouse's order: the two-character operators before their prefixes.
        if (take("<=")) return Step::TimeLessEqual;
        if (take("<")) return Step::TimeLess;
        if (take(">=")) return Step::TimeGreaterEqual;
        if (take(">")) return Step::TimeGreater;
        if (take("==")) return Step::TimeEqual;
        syntax(pos_, "unknown time condition (expected <, <=, >, >= or ==)");
    }

    // An unsigned decimal number, with one optional leading '+' as
    // ClickHouse's integer reader takes it ("+0", "007"; not "-1", "+", " 1").
    std::uint64_t number() {
        const std::size_t start = pos_;
        if (pos_ < length_ && text_[pos_] == '+') ++pos_;
        const std::size_t digits = pos_;
        std::uint64_t value = 0;
        while (pos_ < length_ && text_[pos_] >= '0' && text_[pos_] <= '9') {
            if (__builtin_mul_overflow(value, 10u, &value) ||
                __builtin_add_overflow(value, static_cast<std::uint64_t>(text_[pos_] - '0'), &value))
                syntax(start, "number is too large");
            ++pos_;
        }
        if (pos_ == digits) syntax(start, "expected a number");
        return value;
    }

    void expect_close() {
        if (!take(")")) syntax(pos_, "expected \")\"");
    }

    const char* text_;
    std::size_t length_;
    int conditions_;
    Action* out_;
    std::size_t count_ = 0;
    std::size_t pos_ = 0;
};

// ---- the automaton (patterns without time steps) ------------------------------
//
// ClickHouse's DFA for sequenceMatch: states 0..k, one per consumed step;
// state s moves to s+1 on an event its step accepts, and keeps itself when a
// .* follows it. A set of active states is a bitset, advanced per event with
// word operations.
class Automaton {
public:
    Automaton(const Action* actions, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i)
            if (actions[i].step == Step::AnyEvent || actions[i].step == Step::Condition) ++steps_;
        words_ = static_cast<std::size_t>(steps_) / 64 + 1;
        loop_.assign(words_, 0);
        any_.assign(words_, 0);
        condition_.assign(words_ * kMaxConditions, 0);
        std::size_t state = 0;
        for (std::size_t i = 0; i < count; ++i) {
            const std::uint64_t bit = std::uint64_t{1} << (state % 64);
            switch (actions[i].step) {
                case Step::AnyRun: loop_[state / 64] |= bit; break;
                case Step::AnyEvent: any_[state / 64] |= bit; ++state; break;
                case Step::Condition: condition_[actions[i].condition * words_ + state / 64] |= bit; ++state; break;
                default: break;  // no time steps here
            }
        }
    }

    int steps() const { return steps_; }

    // The first event at or after `from` that completes a match begun at or
    // after `from`, or -1. Needs steps() > 0.
    std::int64_t first_accept(const Event* events, std::int64_t from, std::int64_t n, const StopCheck& stop) const {
        std::vector<std::uint64_t> active(words_, 0), accept(words_);
        active[0] = 1;
        const std::size_t last_word = static_cast<std::size_t>(steps_) / 64;
        const std::uint64_t last_bit = std::uint64_t{1} << (steps_ % 64);
        for (std::int64_t i = from; i < n; ++i) {
            // Poll about every 4 M word operations, counted across calls.
            work_ += static_cast<std::int64_t>(words_);
            if (work_ >= (std::int64_t{1} << 22)) {
                work_ = 0;
                stop.poll();
            }
            accept = any_;
            for (std::uint32_t bits = events[i].bits; bits != 0; bits &= bits - 1) {
                const std::uint64_t* mask = &condition_[static_cast<std::size_t>(__builtin_ctz(bits)) * words_];
                for (std::size_t w = 0; w < words_; ++w) accept[w] |= mask[w];
            }
            std::uint64_t carry = 0;
            bool any_active = false;
            for (std::size_t w = 0; w < words_; ++w) {
                const std::uint64_t moved = active[w] & accept[w];
                const std::uint64_t next = (moved << 1) | carry | (active[w] & loop_[w]);
                carry = moved >> 63;
                active[w] = next;
                any_active = any_active || next != 0;
            }
            if (active[last_word] & last_bit) return i;
            if (!any_active) return -1;
        }
        return -1;
    }

private:
    int steps_ = 0;
    std::size_t words_ = 1;
    std::vector<std::uint64_t> loop_, any_, condition_;
    mutable std::int64_t work_ = 0;
};

// ---- backtracking (patterns with time steps) ------------------------------------
//
// A literal port of ClickHouse's backtrackingMatch (docs/design/
// clickhouse-sequence.md, section 3.4), including its quirks: a time step
// does not consume the event it tests, >, >= and == skip forward to an event
// that passes, and running out of events ends the search.

bool time_holds(const Action& action, std::int64_t time, std::int64_t base_time) {
    const std::int64_t limit = saturating_add(base_time, action.micros);
    switch (action.step) {
        case Step::TimeLess: return time < limit;
        case Step::TimeLessEqual: return time <= limit;
        case Step::TimeGreater: return time > limit;
        case Step::TimeGreaterEqual: return time >= limit;
        case Step::TimeEqual: return time == limit;
        default: return false;
    }
}

// Steps that match the empty rest of a sequence.
bool skippable(const Action& action) {
    return action.step == Step::AnyRun || action.step == Step::TimeLess || action.step == Step::TimeLessEqual ||
           (action.step == Step::TimeGreaterEqual && action.micros == 0);
}

// With a within limit or a best chain to fill, the search also keeps the
// chain of (?N) steps it has taken so far: a backtrack to a step drops what
// was taken after it.
class Backtracker {
public:
    Backtracker(const Action* actions, std::size_t count, const Event* events, std::int64_t n, std::int64_t within,
                const StopCheck& stop)
        : actions_(actions), count_(count), events_(events), n_(n), within_(within), stop_(stop) {}

    // One search from *position; leaves *position where the next search
    // starts. best, when given, receives the times of the longest chain seen.
    bool search(std::int64_t* position, std::vector<std::int64_t>* best = nullptr) {
        const std::int64_t start = *position;
        const bool tracking = within_ != kNoWithin || best != nullptr;
        std::size_t action = 0;
        std::int64_t ev = start, base = start;
        stack_.clear();
        chain_.clear();
        auto backtrack = [&] {
            while (!stack_.empty()) {
                const Frame top = stack_.back();
                stack_.pop_back();
                while (!chain_.empty() && chain_.back().action >= top.action) chain_.pop_back();
                action = top.action;
                ev = top.ev + 1;
                base = top.base;
                if (ev != n_) return true;
            }
            return false;
        };
        auto within = [&](std::int64_t time) {
            return within_ == kNoWithin || chain_.empty() || saturating_span(chain_.front().time, time) <= within_;
        };
        std::int64_t iterations = 0;
        bool running = true;
        while (running && action != count_ && ev != n_) {
            const Action& step = actions_[action];
            const Event& event = events_[ev];
            switch (step.step) {
                case Step::Condition:
                    if ((event.bits >> step.condition & 1u) && within(event.time)) {
                        if (tracking) {
                            chain_.push_back({action, event.time});
                            if (best != nullptr && chain_.size() > best->size()) {
                                best->clear();
                                for (const Taken& taken : chain_) best->push_back(taken.time);
                            }
                        }
                        base = ev++;
                        ++action;
                    } else {
                        running = backtrack();
                    }
                    break;
                case Step::AnyEvent:
                    base = ev++;
                    ++action;
                    break;
                case Step::AnyRun:
                    stack_.push_back({action, ev, base});
                    base = ev;
                    ++action;
                    break;
                case Step::TimeLess:
                case Step::TimeLessEqual:
                    if (time_holds(step, event.time, events_[base].time)) {
                        stack_.push_back({action, ev, base});
                        base = ev;
                        ++action;
                    } else {
                        running = backtrack();
                    }
                    break;
                case Step::TimeGreater:
                case Step::TimeGreaterEqual:
                case Step::TimeEqual:
                    if (time_holds(step, event.time, events_[base].time)) {
                        stack_.push_back({action, ev, base});
                        base = ev;
                        ++action;
                    } else if (++ev == n_) {
                        running = backtrack();
                    }
                    break;
            }
            if (++iterations > kMaxIterations)
                fail(ErrorKind::LimitExceeded,
                     "path pattern proves too difficult: one search from event %lld took more than %lld steps",
                     static_cast<long long>(start + 1), static_cast<long long>(kMaxIterations));
            if ((iterations & 0xffff) == 0) stop_.poll();
        }
        while (action != count_ && skippable(actions_[action])) ++action;
        if (ev == start) ++ev;  // always progress, so counting ends
        *position = ev;
        return action == count_;
    }

private:
    struct Frame {
        std::size_t action;
        std::int64_t ev, base;
    };
    struct Taken {
        std::size_t action;
        std::int64_t time;
    };
    const Action* actions_;
    std::size_t count_;
    const Event* events_;
    std::int64_t n_;
    std::int64_t within_;
    const StopCheck& stop_;
    std::vector<Frame> stack_;
    std::vector<Taken> chain_;
};

bool has_time(const Action* actions, std::size_t count) {
    return std::any_of(actions, actions + count, [](const Action& a) { return is_time(a.step); });
}

// ClickHouse's early out: a pattern naming a condition that never held cannot match.
bool conditions_missing(const Action* actions, std::size_t count, const Event* events, std::int64_t n) {
    std::uint32_t named = 0, held = 0;
    for (std::size_t i = 0; i < count; ++i)
        if (actions[i].step == Step::Condition) named |= 1u << actions[i].condition;
    if (named == 0) return false;
    for (std::int64_t i = 0; i < n && (held & named) != named; ++i) held |= events[i].bits;
    return (held & named) != named;
}

int compare_names(const Node& a, const Node& b) {
    const int c = std::memcmp(a.name, b.name, std::min(a.event.length, b.event.length));
    if (c != 0) return c;
    return a.event.length < b.event.length ? -1 : a.event.length > b.event.length ? 1 : 0;
}

// What sequenceNextNode rejects: head with backward, tail with forward,
// first_match/last_match without steps, too many steps; nullptr when none.
const char* next_problem(const NextParams& p) {
    if (p.base == Base::Head && p.direction == Direction::Backward) return "base head goes with direction forward only";
    if (p.base == Base::Tail && p.direction == Direction::Forward) return "base tail goes with direction backward only";
    if ((p.base == Base::FirstMatch || p.base == Base::LastMatch) && p.steps < 1)
        return "bases first_match and last_match need at least one step";
    if (p.steps < 0 || p.steps > kMaxConditions) return "takes 0 to 32 steps";
    return nullptr;
}
ErrorKind problem_kind(const NextParams& p) {
    return p.steps < 0 || p.steps > kMaxConditions ? ErrorKind::ArrayShape : ErrorKind::InvalidValue;
}

const char* kind_name(Kind kind) {
    switch (kind) {
        case Kind::Agg: return "path_agg";
        case Kind::Match: return "path_match/path_count";
        case Kind::Next: return "path_next";
    }
    return "path";
}

bool same_name(const Node& a, const Node& b) {
    return a.event.length == b.event.length && std::memcmp(a.name, b.name, a.event.length) == 0;
}

}  // namespace

std::size_t max_actions(std::size_t length) { return std::min(length, kMaxPatternActions) + 1; }

std::size_t compile(const char* text, std::size_t length, int conditions, Action* out) {
    return Compiler(text, length, conditions, out).run();
}

void sort_events(Event* events, std::int64_t count) {
    const auto earlier = [](const Event& a, const Event& b) { return a.time < b.time; };
    if (!std::is_sorted(events, events + count, earlier)) std::stable_sort(events, events + count, earlier);
}

bool match(const Action* actions, std::size_t count, const Event* events, std::int64_t n, std::int64_t within,
           const StopCheck& stop) {
    stop.poll();
    if (conditions_missing(actions, count, events, n)) return false;
    if (!has_time(actions, count) && within == kNoWithin) {
        const Automaton automaton(actions, count);
        return automaton.steps() == 0 || automaton.first_accept(events, 0, n, stop) >= 0;
    }
    std::int64_t position = 0;
    return Backtracker(actions, count, events, n, within, stop).search(&position);
}

std::int64_t count_matches(const Action* actions, std::size_t count, const Event* events, std::int64_t n,
                           std::int64_t within, const StopCheck& stop) {
    stop.poll();
    if (conditions_missing(actions, count, events, n)) return 0;
    std::int64_t matches = 0;
    if (!has_time(actions, count) && within == kNoWithin) {
        // The leftmost-first backtracking search, for patterns of events and
        // runs only, ends at the earliest event that completes any match from
        // its start position, which is what the automaton finds.
        const Automaton automaton(actions, count);
        if (automaton.steps() == 0) return n;
        for (std::int64_t position = 0; position < n; ++matches) {
            const std::int64_t end = automaton.first_accept(events, position, n, stop);
            if (end < 0) break;
            position = end + 1;
        }
        return matches;
    }
    Backtracker backtracker(actions, count, events, n, within, stop);
    for (std::int64_t position = 0; position < n && backtracker.search(&position);) {
        ++matches;
        if ((matches & 0xfff) == 0) stop.poll();
    }
    return matches;
}

std::size_t condition_steps(const Action* actions, std::size_t count) {
    return static_cast<std::size_t>(
        std::count_if(actions, actions + count, [](const Action& a) { return a.step == Step::Condition; }));
}

std::int64_t match_events(const Action* actions, std::size_t count, const Event* events, std::int64_t n,
                          std::int64_t* times, const StopCheck& stop) {
    stop.poll();
    // No early out for conditions that never held: a partial chain is still a result.
    std::vector<std::int64_t> best;
    std::int64_t position = 0;
    if (n > 0) Backtracker(actions, count, events, n, kNoWithin, stop).search(&position, &best);
    std::copy(best.begin(), best.end(), times);
    return static_cast<std::int64_t>(best.size());
}

std::int64_t order_path(Node* nodes, std::int64_t n, bool collapse, std::int64_t keep) {
    const auto earlier = [](const Node& a, const Node& b) { return a.event.time < b.event.time; };
    if (!std::is_sorted(nodes, nodes + n, earlier)) std::stable_sort(nodes, nodes + n, earlier);
    std::int64_t kept = collapse ? std::unique(nodes, nodes + n, same_name) - nodes : n;
    if (keep > 0 && keep < kept) {
        kept = keep;
    } else if (keep < 0 && -keep < kept) {
        std::move(nodes + kept + keep, nodes + kept, nodes);
        kept = -keep;
    }
    return kept;
}

Direction parse_direction(const char* text) {
    if (std::strcmp(text, "forward") == 0) return Direction::Forward;
    if (std::strcmp(text, "backward") == 0) return Direction::Backward;
    fail(ErrorKind::InvalidValue, "unknown direction \"%s\" (expected forward or backward)", text);
}

Base parse_base(const char* text) {
    if (std::strcmp(text, "head") == 0) return Base::Head;
    if (std::strcmp(text, "tail") == 0) return Base::Tail;
    if (std::strcmp(text, "first_match") == 0) return Base::FirstMatch;
    if (std::strcmp(text, "last_match") == 0) return Base::LastMatch;
    fail(ErrorKind::InvalidValue, "unknown base \"%s\" (expected head, tail, first_match or last_match)", text);
}

std::int64_t next_node(Direction direction, Base base, int steps, Node* nodes, std::int64_t n) {
    std::stable_sort(nodes, nodes + n, [](const Node& a, const Node& b) {
        if (a.event.time != b.event.time) return a.event.time < b.event.time;
        return compare_names(a, b) < 0;
    });
    if (n <= steps) return -1;
    const auto starts_chain = [&](std::int64_t i) { return nodes[i].event.base && (nodes[i].event.bits & 1u); };
    std::int64_t at = -1;
    switch (base) {
        case Base::Head: at = nodes[0].event.base ? 0 : -1; break;
        case Base::Tail: at = nodes[n - 1].event.base ? n - 1 : -1; break;
        case Base::FirstMatch:
            for (std::int64_t i = 0; i < n && at < 0; ++i)
                if (starts_chain(i)) at = i;
            break;
        case Base::LastMatch:
            for (std::int64_t i = n - 1; i >= 0 && at < 0; --i)
                if (starts_chain(i)) at = i;
            break;
    }
    if (at < 0 || steps == 0) return at;
    const std::int64_t stride = direction == Direction::Forward ? 1 : -1;
    for (int k = 0; k <= steps; ++k) {
        const std::int64_t i = at + stride * k;
        if (i < 0 || i >= n) return -1;
        if (k == steps) return i;
        if (!(nodes[i].event.bits >> k & 1u)) return -1;
    }
    return -1;
}

std::int32_t check_keep(std::int32_t keep) {
    if (keep == 0 || keep == std::numeric_limits<std::int32_t>::min())
        fail(ErrorKind::InvalidValue,
             "keep must be a positive count (the first events) or a negative one (the last events), got %d", keep);
    return keep;
}

PathState::PathState(const AggParams& params) : kind_(Kind::Agg), agg_(params) {
    if (params.keep == std::numeric_limits<std::int32_t>::min()) check_keep(params.keep);
}

PathState::PathState(const MatchParams& params) : kind_(Kind::Match), within_(params.within) {
    if (params.conditions < 1 || params.conditions > kMaxConditions)
        fail(ErrorKind::ArrayShape, "takes 1 to %d conditions, got %d", kMaxConditions, params.conditions);
    if (params.within < 0 && params.within != kNoWithin) fail(ErrorKind::InvalidValue, "within must not be negative");
    check_state_bytes(params.length, "path pattern");
    conditions_ = params.conditions;
    pattern_.append(params.pattern, static_cast<std::int64_t>(params.length));
}

PathState::PathState(const NextParams& params) : kind_(Kind::Next), next_(params) {
    if (const char* problem = next_problem(params)) fail(problem_kind(params), "%s", problem);
}

void PathState::push(const Event& event, const char* name) {
    check_state_bytes(flat_bytes() + sizeof event + event.length, kind_name(kind_));
    events_.push(event);
    names_.append(name, event.length);
}

void PathState::add_named(std::int64_t ts, const char* name, std::size_t length) {
    if (length > kMaxStateBytes) check_state_bytes(length, kind_name(kind_));
    push(Event{ts, 0, static_cast<std::uint32_t>(length), 0}, name);
}

namespace {

std::uint32_t condition_bits(const bool* holds, int n) {
    std::uint32_t bits = 0;
    for (int i = 0; i < n; ++i)
        if (holds[i]) bits |= 1u << i;
    return bits;
}

}  // namespace

void PathState::add_conditions(std::int64_t ts, const bool* holds, int n) {
    if (n != conditions_)
        fail(ErrorKind::ArrayShape, "the number of conditions changed from %d to %d within a group", conditions_, n);
    const Event event{ts, condition_bits(holds, n), 0, 0};
    if (event.bits != 0) push(event, nullptr);
}

void PathState::add_next(std::int64_t ts, const char* name, std::size_t length, bool base, const bool* steps, int n) {
    if (n != next_.steps)
        fail(ErrorKind::ArrayShape, "the number of steps changed from %d to %d within a group", next_.steps, n);
    if (length > kMaxStateBytes) check_state_bytes(length, kind_name(kind_));
    push(Event{ts, condition_bits(steps, n), static_cast<std::uint32_t>(length), base ? 1u : 0u}, name);
}

void PathState::merge(const PathState& other) {
    const bool same =
        kind_ == other.kind_ && agg_.collapse == other.agg_.collapse && agg_.keep == other.agg_.keep &&
        conditions_ == other.conditions_ && within_ == other.within_ && next_.direction == other.next_.direction &&
        next_.base == other.next_.base && next_.steps == other.next_.steps &&
        pattern_.size() == other.pattern_.size() &&
        (pattern_.size() == 0 || std::memcmp(pattern_.data(), other.pattern_.data(), pattern_.bytes()) == 0);
    if (!same)
        fail(ErrorKind::InvalidValue,
             "the pattern, options, within and number of conditions must be the same for all rows of a group");
    check_state_bytes(flat_bytes() + other.events_.bytes() + other.names_.bytes(), kind_name(kind_));
    events_.append(other.events_.data(), other.events_.size());
    names_.append(other.names_.data(), other.names_.size());
}

PathState PathState::empty_copy() const {
    PathState state{Unread{}};
    state.kind_ = kind_;
    state.agg_ = agg_;
    state.conditions_ = conditions_;
    state.within_ = within_;
    state.next_ = next_;
    state.pattern_.append(pattern_.data(), pattern_.size());
    return state;
}

const std::uint32_t PathState::kMagic = 0x33485450;  // "PTH3": path state, version 3 (within)

void PathState::check(const FlatReader& in) const {
    // Bytes read into a bool or an enum can hold any bit pattern: check the
    // representations before reading the values.
    const auto raw = [](const auto& value) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &value, sizeof value);
        return bits;
    };
    in.require(raw(agg_.collapse) <= 1 && raw(next_.direction) <= 1 &&
               raw(next_.base) <= static_cast<std::uint32_t>(Base::LastMatch));
    const bool default_agg = !agg_.collapse && agg_.keep == 0;
    const bool default_match = conditions_ == 0 && within_ == kNoWithin && pattern_.size() == 0;
    const bool default_next = next_.direction == Direction::Forward && next_.base == Base::Head && next_.steps == 0;
    int bits = 0;  // conditions (or steps) an event may hold
    switch (kind_) {
        case Kind::Agg:
            in.require(default_match && default_next && agg_.keep != std::numeric_limits<std::int32_t>::min());
            break;
        case Kind::Match:
            in.require(default_agg && default_next && conditions_ >= 1 && conditions_ <= kMaxConditions &&
                       (within_ >= 0 || within_ == kNoWithin) && names_.size() == 0);
            bits = conditions_;
            break;
        case Kind::Next:
            in.require(default_agg && default_match && next_problem(next_) == nullptr);
            bits = next_.steps;
            break;
        default: in.corrupt();
    }
    const std::uint64_t allowed_bits = (std::uint64_t{1} << bits) - 1;
    std::uint64_t names = 0;
    for (std::int64_t i = 0; i < events_.size(); ++i) {
        const Event& event = events_[i];
        names += event.length;
        in.require((event.bits & ~allowed_bits) == 0 &&
                   (kind_ == Kind::Match ? event.bits != 0 && event.length == 0 && event.base == 0
                                         : kind_ == Kind::Next || event.base == 0));
    }
    in.require(names == static_cast<std::uint64_t>(names_.size()));
}

void PathState::nodes(Node* out) const {
    const char* name = names_.data();
    for (std::int64_t i = 0; i < events_.size(); ++i) {
        out[i] = Node{events_[i], name};
        name += events_[i].length;
    }
}

std::int64_t PathState::path(Node* nodes_out) const {
    nodes(nodes_out);
    return order_path(nodes_out, events_.size(), agg_.collapse, agg_.keep);
}

std::int64_t PathState::next_node(Node* nodes_out) const {
    nodes(nodes_out);
    return paths::next_node(next_.direction, next_.base, next_.steps, nodes_out, events_.size());
}

void PathState::sort() { sort_events(events_.data(), events_.size()); }

bool PathState::matches(const Action* actions, std::size_t count, const StopCheck& stop) const {
    return paths::match(actions, count, events_.data(), events_.size(), within_, stop);
}

std::int64_t PathState::count_matches(const Action* actions, std::size_t count, const StopCheck& stop) const {
    return paths::count_matches(actions, count, events_.data(), events_.size(), within_, stop);
}

std::int64_t PathState::match_events(const Action* actions, std::size_t count, std::int64_t* times,
                                     const StopCheck& stop) const {
    return paths::match_events(actions, count, events_.data(), events_.size(), times, stop);
}

}  // namespace eventml::core::paths
