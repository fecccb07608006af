#include "paths.hpp"

#include "saturating.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

namespace eventml::core::paths {
namespace {

constexpr std::uint32_t kStateMagic = 0x48544150;  // "PATH"
constexpr std::uint32_t kVersion = 1;
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

    std::uint64_t number() {
        const std::size_t start = pos_;
        std::uint64_t value = 0;
        while (pos_ < length_ && text_[pos_] >= '0' && text_[pos_] <= '9') {
            if (__builtin_mul_overflow(value, 10u, &value) ||
                __builtin_add_overflow(value, static_cast<std::uint64_t>(text_[pos_] - '0'), &value))
                syntax(start, "number is too large");
            ++pos_;
        }
        if (pos_ == start) syntax(start, "expected a number");
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

class Backtracker {
public:
    Backtracker(const Action* actions, std::size_t count, const Event* events, std::int64_t n, const StopCheck& stop)
        : actions_(actions), count_(count), events_(events), n_(n), stop_(stop) {}

    // One search from *position; leaves *position where the next search starts.
    bool search(std::int64_t* position) {
        const std::int64_t start = *position;
        std::size_t action = 0;
        std::int64_t ev = start, base = start;
        stack_.clear();
        auto backtrack = [&] {
            while (!stack_.empty()) {
                const Frame top = stack_.back();
                stack_.pop_back();
                action = top.action;
                ev = top.ev + 1;
                base = top.base;
                if (ev != n_) return true;
            }
            return false;
        };
        std::int64_t iterations = 0;
        bool running = true;
        while (running && action != count_ && ev != n_) {
            const Action& step = actions_[action];
            const Event& event = events_[ev];
            switch (step.step) {
                case Step::Condition:
                    if (event.bits >> step.condition & 1u) {
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
    const Action* actions_;
    std::size_t count_;
    const Event* events_;
    std::int64_t n_;
    const StopCheck& stop_;
    std::vector<Frame> stack_;
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

bool match(const Action* actions, std::size_t count, const Event* events, std::int64_t n, const StopCheck& stop) {
    stop.poll();
    if (conditions_missing(actions, count, events, n)) return false;
    if (!has_time(actions, count)) {
        const Automaton automaton(actions, count);
        return automaton.steps() == 0 || automaton.first_accept(events, 0, n, stop) >= 0;
    }
    std::int64_t position = 0;
    return Backtracker(actions, count, events, n, stop).search(&position);
}

std::int64_t count_matches(const Action* actions, std::size_t count, const Event* events, std::int64_t n,
                           const StopCheck& stop) {
    stop.poll();
    if (conditions_missing(actions, count, events, n)) return 0;
    std::int64_t matches = 0;
    if (!has_time(actions, count)) {
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
    Backtracker backtracker(actions, count, events, n, stop);
    for (std::int64_t position = 0; position < n && backtracker.search(&position);) {
        ++matches;
        if ((matches & 0xfff) == 0) stop.poll();
    }
    return matches;
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

void check_next(Direction direction, Base base, int steps) {
    if (base == Base::Head && direction == Direction::Backward)
        fail(ErrorKind::InvalidValue, "base head goes with direction forward only");
    if (base == Base::Tail && direction == Direction::Forward)
        fail(ErrorKind::InvalidValue, "base tail goes with direction backward only");
    if ((base == Base::FirstMatch || base == Base::LastMatch) && steps < 1)
        fail(ErrorKind::InvalidValue, "bases first_match and last_match need at least one step");
    if (steps < 0 || steps > kMaxConditions)
        fail(ErrorKind::ArrayShape, "path_next takes 0 to %d steps, got %d", kMaxConditions, steps);
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

StateHeader make_header(Kind kind, int conditions, int options, int pattern_bytes, std::int64_t keep) {
    StateHeader header;
    std::memset(&header, 0, sizeof header);
    header.magic = kStateMagic;
    header.version = kVersion;
    header.kind = kind;
    header.conditions = conditions;
    header.options = options;
    header.pattern_bytes = pattern_bytes;
    header.keep = keep;
    return header;
}

const StateHeader& check_state(const void* memory, std::size_t size) {
    if (size < sizeof(StateHeader)) fail(ErrorKind::CorruptState, "path state is truncated (%zu bytes)", size);
    const auto& header = *static_cast<const StateHeader*>(memory);
    if (header.magic != kStateMagic || header.version != kVersion)
        fail(ErrorKind::CorruptState, "not a path state of version %u", kVersion);
    const auto inconsistent = [&] {
        fail(ErrorKind::CorruptState, "path state has an inconsistent header (%zu bytes)", size);
    };
    const std::int32_t direction = header.options & 1, base = header.options >> 1;
    bool valid = false;
    switch (header.kind) {
        case Kind::Path:
            valid = header.conditions == 0 && (header.options == 0 || header.options == 1) &&
                    header.pattern_bytes == 0 && header.keep >= std::numeric_limits<std::int32_t>::min() &&
                    header.keep <= std::numeric_limits<std::int32_t>::max();
            break;
        case Kind::Pattern:
            valid = header.conditions >= 1 && header.conditions <= kMaxConditions && header.options == 0 &&
                    header.pattern_bytes >= 0 && header.keep == 0 && header.name_bytes == 0;
            break;
        case Kind::Next:
            valid = header.conditions >= 0 && header.conditions <= kMaxConditions && header.options >= 0 &&
                    base <= static_cast<std::int32_t>(Base::LastMatch) && header.pattern_bytes == 0 && header.keep == 0;
            if (valid) {
                try {
                    check_next(static_cast<Direction>(direction), static_cast<Base>(base), header.conditions);
                } catch (const Error&) {
                    valid = false;
                }
            }
            break;
    }
    if (!valid || header.count < 0 || header.name_bytes < 0) inconsistent();
    const std::size_t body = size - sizeof(StateHeader);
    if (static_cast<std::uint64_t>(header.count) > body / sizeof(Event) ||
        body - static_cast<std::size_t>(header.count) * sizeof(Event) !=
            static_cast<std::uint64_t>(header.pattern_bytes) + static_cast<std::uint64_t>(header.name_bytes))
        inconsistent();
    const auto* events = reinterpret_cast<const Event*>(static_cast<const char*>(memory) + sizeof(StateHeader));
    const std::uint64_t allowed_bits =
        header.conditions == 32 ? 0xffffffffull : (std::uint64_t{1} << header.conditions) - 1;
    std::uint64_t names = 0;
    for (std::int64_t i = 0; i < header.count; ++i) {
        const Event& event = events[i];
        names += event.length;
        const bool ok = (event.bits & ~allowed_bits) == 0 &&
                        (header.kind == Kind::Pattern ? event.bits != 0 && event.length == 0 && event.base == 0
                                                      : header.kind == Kind::Next || event.base == 0);
        if (!ok) fail(ErrorKind::CorruptState, "path state holds an impossible event");
    }
    if (names != static_cast<std::uint64_t>(header.name_bytes)) inconsistent();
    return header;
}

}  // namespace eventml::core::paths
