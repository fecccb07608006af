#include "sessions.hpp"

#include "flat.hpp"
#include "saturating.hpp"

#include <algorithm>

namespace eventml::core::sessions {
namespace {


// True when event ts (at or after the previous event last) starts a new
// session that began at start.
bool starts_session(const Rule& rule, std::int64_t start, std::int64_t last, std::int64_t ts) {
    return saturating_span(last, ts) > rule.gap || (rule.max_length != kNoMaxLength && saturating_span(start, ts) > rule.max_length);
}

}  // namespace

void check_rule(const Rule& rule) {
    if (rule.gap < 0) fail(ErrorKind::InvalidValue, "gap must not be negative");
    if (rule.max_length < 0 && rule.max_length != kNoMaxLength)
        fail(ErrorKind::InvalidValue, "max_length must not be negative");
}

std::int64_t Numberer::next(std::int64_t ts) {
    if (session_ != 0 && ts < last_)
        fail(ErrorKind::InvalidValue, "events are not in time order: order the window by ts");
    if (session_ == 0 || starts_session(rule_, start_, last_, ts)) {
        session_ += 1;
        start_ = ts;
    }
    last_ = ts;
    return session_;
}

Summary summarize(std::int64_t* times, std::int64_t count, const Rule& rule, const StopCheck& stop) {
    if (count < 1) fail(ErrorKind::CorruptState, "sessionize state has no events");
    stop.poll();
    std::sort(times, times + count);
    stop.poll();
    Summary s;
    s.events = count;
    s.first_start = times[0];
    s.last_end = times[count - 1];
    std::int64_t start = times[0], first = 0;  // the session's first time and its index
    auto close = [&](std::int64_t end, std::int64_t past) {
        const std::int64_t duration = saturating_span(start, end);
        if (s.sessions == 0) s.first_duration = duration;
        s.sessions += 1;
        if (past - first == 1) s.bounces += 1;
        s.total_duration = saturating_add(s.total_duration, duration);
        s.max_duration = std::max(s.max_duration, duration);
    };
    for (std::int64_t i = 1; i < count; ++i) {
        if (starts_session(rule, start, times[i - 1], times[i])) {
            close(times[i - 1], i);
            start = times[i];
            first = i;
        }
    }
    close(times[count - 1], count);
    // Rounded to the nearest microsecond (durations are non-negative).
    s.mean_duration = s.total_duration / s.sessions + (s.total_duration % s.sessions * 2 >= s.sessions ? 1 : 0);
    return s;
}

TimesState::TimesState(const Rule& rule) : rule_(rule) { check_rule(rule); }

void TimesState::add(std::int64_t ts) {
    check_state_bytes(flat_bytes() + sizeof ts, "sessionize");
    times_.push(ts);
}

void TimesState::merge(const TimesState& other) {
    if (other.rule_.gap != rule_.gap || other.rule_.max_length != rule_.max_length)
        fail(ErrorKind::InvalidValue, "gap and max_length must be the same for all rows of a group");
    check_state_bytes(flat_bytes() + other.times_.bytes(), "sessionize");
    times_.append(other.times_.data(), other.times_.size());
}

const std::uint32_t TimesState::kMagic = 0x32534553;  // "SES2": sessionize, version 2

void TimesState::check(const FlatReader& in) const {
    in.require(rule_.gap >= 0 && (rule_.max_length >= 0 || rule_.max_length == kNoMaxLength) && times_.size() >= 1);
}

Summary TimesState::finish(const StopCheck& stop) { return summarize(times_.data(), times_.size(), rule_, stop); }

SessionListState::SessionListState(const Rule& rule) : rule_(rule) { check_rule(rule); }

void SessionListState::add(std::int64_t ts, const char* name, std::size_t length) {
    const std::size_t stored = name == nullptr ? 0 : length;
    if (stored > kMaxStateBytes) check_state_bytes(stored, "sessions");
    check_state_bytes(flat_bytes() + sizeof(Event) + stored, "sessions");
    events_.push(Event{ts, static_cast<std::uint32_t>(names_.size()),
                       name == nullptr ? -1 : static_cast<std::int32_t>(length)});
    names_.append(name, static_cast<std::int64_t>(stored));
}

void SessionListState::merge(const SessionListState& other) {
    if (other.rule_.gap != rule_.gap || other.rule_.max_length != rule_.max_length)
        fail(ErrorKind::InvalidValue, "gap and max_length must be the same for all rows of a group");
    check_state_bytes(flat_bytes() + other.events_.bytes() + other.names_.bytes(), "sessions");
    const auto shift = static_cast<std::uint32_t>(names_.size());
    events_.reserve(events_.size() + other.events_.size());
    for (std::int64_t i = 0; i < other.events_.size(); ++i) {
        Event event = other.events_[i];
        event.offset += shift;
        events_.push(event);
    }
    names_.append(other.names_.data(), other.names_.size());
}

Session::Name SessionListState::name(const Event& event) const {
    if (event.length < 0) return {nullptr, 0};
    return {names_.data() + event.offset, static_cast<std::uint32_t>(event.length)};
}

std::int64_t SessionListState::split(Session* out, const StopCheck& stop) {
    Event* events = events_.data();
    const std::int64_t count = events_.size();
    const auto earlier = [](const Event& a, const Event& b) { return a.time < b.time; };
    stop.poll();
    if (!std::is_sorted(events, events + count, earlier)) std::stable_sort(events, events + count, earlier);
    stop.poll();
    std::int64_t sessions = 0;
    for (std::int64_t i = 0; i < count; ++i) {
        const Event& event = events[i];
        if (sessions == 0 || starts_session(rule_, out[sessions - 1].start, out[sessions - 1].end, event.time)) {
            out[sessions++] = Session{event.time, event.time, 0, name(event), {}};
        }
        Session& session = out[sessions - 1];
        session.end = event.time;
        session.events += 1;
        session.last = name(event);
        if ((i & 0xffff) == 0xffff) stop.poll();
    }
    return sessions;
}

const std::uint32_t SessionListState::kMagic = 0x31534C53;  // "SLS1": the sessions report's state, version 1

void SessionListState::check(const FlatReader& in) const {
    in.require(rule_.gap >= 0 && (rule_.max_length >= 0 || rule_.max_length == kNoMaxLength));
    const auto names = static_cast<std::uint64_t>(names_.size());
    for (std::int64_t i = 0; i < events_.size(); ++i) {
        const Event& event = events_[i];
        in.require(event.length >= -1 &&
                   event.offset + static_cast<std::uint64_t>(event.length < 0 ? 0 : event.length) <= names);
    }
}

}  // namespace eventml::core::sessions
