// Sessionization: splitting an entity's event times into sessions.
//
// A new session starts when the time since the previous event is greater
// than the gap (equal stays in the session), or, with a maximum length, when
// the event would make the session last longer than that (time since the
// session's first event > max_length). Times are microseconds, as
// PostgreSQL's timestamp and timestamptz store them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "error.hpp"
#include "flat.hpp"
#include "memory.hpp"

namespace eventml::core::sessions {

constexpr std::int64_t kNoMaxLength = -1;

struct Rule {
    std::int64_t gap;         // microseconds, >= 0
    std::int64_t max_length;  // microseconds, >= 0, or kNoMaxLength
};
// Throws InvalidValue for a negative gap or max_length.
void check_rule(const Rule& rule);

// Numbers the sessions of time-ordered events one at a time: the engine of
// the session_id window function.
class Numberer {
public:
    explicit Numberer(const Rule& rule) : rule_(rule) {}
    // The 1-based session of the next event; throws InvalidValue when ts is
    // earlier than the previous event (the events are not in time order).
    std::int64_t next(std::int64_t ts);

private:
    Rule rule_;
    std::int64_t session_ = 0, start_ = 0, last_ = 0;
};

// What sessionize reports for one entity. Durations are last event − first
// event of a session, so a one-event session (a bounce) lasts 0.
struct Summary {
    std::int64_t sessions = 0, events = 0, bounces = 0;
    std::int64_t first_start = 0, first_duration = 0, last_end = 0;
    std::int64_t total_duration = 0, mean_duration = 0, max_duration = 0;
};
// Sorts the count event times in place and summarizes their sessions
// (count > 0). Polls stop while sorting large inputs.
Summary summarize(std::int64_t* times, std::int64_t count, const Rule& rule, const StopCheck& stop);

// sessionize's state: the rule and an entity's event times, in any order.
class TimesState : public FlatForm<TimesState> {
public:
    explicit TimesState(const Rule& rule);  // checks the rule
    const Rule& params() const { return rule_; }
    void add(std::int64_t ts);
    // InvalidValue unless other has the same rule.
    void merge(const TimesState& other);
    TimesState empty_copy() const { return TimesState(rule_); }
    // Sorts the times and summarizes them (needs at least one).
    Summary finish(const StopCheck& stop);

    // The flat form (FlatForm: flat_bytes, write, read).
    static const std::uint32_t kMagic;
    static constexpr const char* kName = "sessionize";
    explicit TimesState(Unread) {}
    template <typename Self, typename Form>
    static void layout(Self& self, Form& form) {
        form.field(self.rule_.gap).field(self.rule_.max_length).items(self.times_);
    }
    void check(const FlatReader& in) const;

private:
    Rule rule_{};
    Block<std::int64_t> times_;
};

// One session as the sessions report lists it: the times of its first and
// last events, its number of events and the names of its first and last
// events (name nullptr: a NULL name).
struct Session {
    struct Name {
        const char* name;
        std::uint32_t length;
    };
    std::int64_t start = 0, end = 0, events = 0;
    Name first{}, last{};
};

// The sessions report's state: the rule and an entity's events with their
// names, in the order they arrive (partial states appended in combine order).
class SessionListState : public FlatForm<SessionListState> {
public:
    explicit SessionListState(const Rule& rule);  // checks the rule
    const Rule& params() const { return rule_; }
    // name nullptr: a NULL name.
    void add(std::int64_t ts, const char* name, std::size_t length);
    // InvalidValue unless other has the same rule.
    void merge(const SessionListState& other);
    SessionListState empty_copy() const { return SessionListState(rule_); }
    std::int64_t size() const { return events_.size(); }
    // Orders the events by time, ties in arrival order (in place: the state
    // means the same afterwards), and writes their sessions to out, which has
    // room for size(); returns how many. The names point into the state.
    std::int64_t split(Session* out, const StopCheck& stop);

    // The flat form (FlatForm: flat_bytes, write, read).
    static const std::uint32_t kMagic;
    static constexpr const char* kName = "sessions";
    explicit SessionListState(Unread) {}
    template <typename Self, typename Form>
    static void layout(Self& self, Form& form) {
        form.field(self.rule_.gap).field(self.rule_.max_length).items(self.events_).items(self.names_);
    }
    void check(const FlatReader& in) const;

private:
    struct Event {
        std::int64_t time;
        std::uint32_t offset;  // of the name in names_ (states are under 1 GiB)
        std::int32_t length;   // -1: a NULL name
    };
    Session::Name name(const Event& event) const;
    Rule rule_{};
    Block<Event> events_;
    Block<char> names_;
};

}  // namespace eventml::core::sessions
