#include "sessions.hpp"

#include "saturating.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace eventml::core::sessions {
namespace {

constexpr std::uint32_t kTimesMagic = 0x53534553;  // "SESS"
constexpr std::uint32_t kVersion = 1;

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
    std::int64_t start = times[0];
    auto close = [&](std::int64_t end) {
        const std::int64_t duration = saturating_span(start, end);
        if (s.sessions == 0) s.first_duration = duration;
        s.sessions += 1;
        s.total_duration = saturating_add(s.total_duration, duration);
        s.max_duration = std::max(s.max_duration, duration);
    };
    for (std::int64_t i = 1; i < count; ++i) {
        if (starts_session(rule, start, times[i - 1], times[i])) {
            close(times[i - 1]);
            start = times[i];
        }
    }
    close(times[count - 1]);
    // Rounded to the nearest microsecond (durations are non-negative).
    s.mean_duration = s.total_duration / s.sessions + (s.total_duration % s.sessions * 2 >= s.sessions ? 1 : 0);
    return s;
}

void write_times_header(TimesHeader& header, const Rule& rule, std::int64_t count) {
    std::memset(&header, 0, sizeof header);
    header.magic = kTimesMagic;
    header.version = kVersion;
    header.gap = rule.gap;
    header.max_length = rule.max_length;
    header.count = count;
}

const TimesHeader& check_times(const void* memory, std::size_t size) {
    if (size < sizeof(TimesHeader)) fail(ErrorKind::CorruptState, "sessionize state is truncated (%zu bytes)", size);
    const auto& header = *static_cast<const TimesHeader*>(memory);
    if (header.magic != kTimesMagic || header.version != kVersion)
        fail(ErrorKind::CorruptState, "not a sessionize state of version %u", kVersion);
    if (header.gap < 0 || (header.max_length < 0 && header.max_length != kNoMaxLength) || header.count < 1 || static_cast<std::uint64_t>(header.count) != (size - sizeof(TimesHeader)) / sizeof(std::int64_t) ||
        (size - sizeof(TimesHeader)) % sizeof(std::int64_t) != 0)
        fail(ErrorKind::CorruptState, "sessionize state has an inconsistent size (%zu bytes)", size);
    return header;
}

}  // namespace eventml::core::sessions
