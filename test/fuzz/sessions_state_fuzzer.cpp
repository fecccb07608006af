// libFuzzer target for sessionize's serialized state: sessions::TimesState::read
// (what sessionize_deserialize runs), then what the glue does with an
// accepted state: serialize writes it back byte for byte, combine merges it,
// and sessionize_final summarizes it (checked against session_id's Numberer).
// The same for the sessions report's state, sessions::SessionListState, whose
// final splits the events into sessions.
// sources: sessions.cpp memory.cpp error.cpp
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "sessions.hpp"
#include "state_fuzz.hpp"

namespace sessions = eventml::core::sessions;
using fuzz::Buffer;

namespace {

// PostgreSQL's finite timestamps: 4713 BC to 294276 AD, in microseconds
// from 2000-01-01 (MIN_TIMESTAMP and END_TIMESTAMP of datatype/timestamp.h).
constexpr std::int64_t kMinTimestamp = -211813488000000000LL;
constexpr std::int64_t kEndTimestamp = 9223371331200000000LL;

// A name as the list points to it, for comparing (nullptr: NULL).
std::string shown(const sessions::Session::Name& name) {
    return name.name == nullptr ? std::string("<NULL>") : "'" + std::string(name.name, name.length) + "'";
}

void run_session_list(const Buffer& input) {
    std::optional<sessions::SessionListState> state = fuzz::read_state<sessions::SessionListState>(input);
    if (!state) return;
    fuzz::check_written_back(*state, input);
    const sessions::Rule rule = state->params();
    FUZZ_CHECK(fuzz::accepts([&] { sessions::check_rule(rule); }));
    // A state merged with itself has each session's events twice, in the
    // same sessions, with the first copy's names first.
    sessions::SessionListState twice = state->empty_copy();
    if (!fuzz::consume([&] { twice.merge(*state); twice.merge(*state); })) return;
    const std::int64_t n = state->size();
    std::vector<sessions::Session> list(static_cast<std::size_t>(n)), doubled(static_cast<std::size_t>(2 * n));
    std::int64_t count = 0, doubled_count = 0;
    if (!fuzz::consume([&] { count = state->split(list.data(), eventml::core::StopCheck()); })) return;
    if (!fuzz::consume([&] { doubled_count = twice.split(doubled.data(), eventml::core::StopCheck()); })) return;
    FUZZ_CHECK(count == doubled_count && (n == 0) == (count == 0));
    std::int64_t events = 0;
    for (std::int64_t i = 0; i < count; ++i) {
        const sessions::Session& s = list[static_cast<std::size_t>(i)];
        const sessions::Session& d = doubled[static_cast<std::size_t>(i)];
        FUZZ_CHECK(s.events >= 1 && s.start <= s.end && (i == 0 || list[static_cast<std::size_t>(i - 1)].end < s.start));
        FUZZ_CHECK(d.start == s.start && d.end == s.end && d.events == 2 * s.events);
        FUZZ_CHECK(shown(d.first) == shown(s.first) && shown(d.last) == shown(s.last));
        events += s.events;
    }
    FUZZ_CHECK(events == n);
    // session_id's Numberer, given each session's start, starts a session at each.
    sessions::Numberer numberer(rule);
    std::int64_t last = 0;
    for (std::int64_t i = 0; i < count; ++i) last = numberer.next(list[static_cast<std::size_t>(i)].start);
    FUZZ_CHECK(last == count);
}

void run(const Buffer& input) {
    run_session_list(input);
    std::optional<sessions::TimesState> state = fuzz::read_state<sessions::TimesState>(input);
    if (!state) return;
    fuzz::check_written_back(*state, input);
    const sessions::Rule rule = state->params();
    FUZZ_CHECK(fuzz::accepts([&] { sessions::check_rule(rule); }));
    sessions::Summary s;
    if (!fuzz::consume([&] { s = state->finish(eventml::core::StopCheck()); })) return;
    FUZZ_CHECK(s.sessions >= 1 && s.sessions <= s.events);
    FUZZ_CHECK(s.bounces >= 0 && s.bounces <= s.sessions);
    FUZZ_CHECK(s.first_start <= s.last_end);
    FUZZ_CHECK(s.first_duration >= 0 && s.first_duration <= s.max_duration);
    FUZZ_CHECK(s.mean_duration >= 0 && s.mean_duration <= s.max_duration);
    FUZZ_CHECK(s.max_duration <= s.total_duration);
    std::int64_t span;
    if (!__builtin_sub_overflow(s.last_end, s.first_start, &span)) FUZZ_CHECK(s.max_duration <= span);
    if (rule.max_length != sessions::kNoMaxLength) FUZZ_CHECK(s.max_duration <= rule.max_length);
    // finish sorted the times: session_id's Numberer agrees on the sessions.
    const std::vector<unsigned char> sorted = fuzz::flat_bytes_of(*state);
    const std::size_t times_at = sorted.size() - sizeof(std::int64_t) * static_cast<std::size_t>(s.events);
    sessions::Numberer numberer(rule);
    std::int64_t last = 0;
    for (std::int64_t i = 0; i < s.events; ++i) {
        std::int64_t t;
        std::memcpy(&t, sorted.data() + times_at + sizeof t * i, sizeof t);
        last = numberer.next(t);
    }
    FUZZ_CHECK(last == s.sessions);
}

// ---- seeds ----------------------------------------------------------------

std::vector<unsigned char> state(const sessions::Rule& rule, const std::vector<std::int64_t>& times) {
    sessions::TimesState kept(rule);
    for (std::int64_t t : times) kept.add(t);
    return fuzz::flat_bytes_of(kept);
}

std::vector<unsigned char> list_state(const sessions::Rule& rule, const std::vector<std::int64_t>& times,
                                      const std::vector<const char*>& names) {
    sessions::SessionListState kept(rule);
    for (std::size_t i = 0; i < times.size(); ++i)
        kept.add(times[i], names[i], names[i] == nullptr ? 0 : std::strlen(names[i]));
    return fuzz::flat_bytes_of(kept);
}

fuzz::Seeds seeds() {
    constexpr std::int64_t kMinute = 60000000;
    const std::int64_t t0 = 789000000000000LL;  // 2025-01-01, microseconds since 2000
    fuzz::Seeds out;
    out.push_back({"one-event", state({30 * kMinute, sessions::kNoMaxLength}, {t0})});
    out.push_back({"gap-30min", state({30 * kMinute, sessions::kNoMaxLength},
                                      {t0, t0 + 5 * kMinute, t0 + 40 * kMinute, t0 + 41 * kMinute, t0 + 200 * kMinute})});
    out.push_back({"max-length-unsorted", state({10 * kMinute, 15 * kMinute},
                                                {t0 + 20 * kMinute, t0, t0 + 9 * kMinute, t0 + 12 * kMinute,
                                                 t0 + 18 * kMinute, t0 + 9 * kMinute})});
    out.push_back({"gap-zero-ties", state({0, sessions::kNoMaxLength}, {t0, t0, t0 + 1, t0 + 1, t0 + 1})});
    out.push_back({"far-apart", state({kMinute, 0}, {kMinTimestamp, -1, 0, kEndTimestamp / 2})});
    // The old repro-sessions-span in this layout: a span between times that overflows int64
    // (summarize saturates it).
    out.push_back({"repro-sessions-span", state({60 * kMinute, sessions::kNoMaxLength},
                                                {kMinTimestamp, kEndTimestamp - 1})});
    out.push_back({"list-ties-nulls", list_state({30 * kMinute, sessions::kNoMaxLength},
                                                 {t0 + 20 * kMinute, t0, t0, t0 + 90 * kMinute, t0 + 95 * kMinute},
                                                 {"c", "b", "a", nullptr, ""})});
    out.push_back({"list-max-length", list_state({10 * kMinute, 15 * kMinute},
                                                 {t0, t0 + 9 * kMinute, t0 + 18 * kMinute, kMinTimestamp},
                                                 {"view", "cart", "buy", "signup"})});
    out.push_back({"list-empty", fuzz::flat_bytes_of(sessions::SessionListState({kMinute, sessions::kNoMaxLength}))});
    return out;
}

bool valid(const Buffer& input) {
    return fuzz::read_state<sessions::TimesState>(input).has_value() ||
           fuzz::read_state<sessions::SessionListState>(input).has_value();
}

}  // namespace

FUZZ_STATE_TARGET(seeds, valid, run, fuzz::no_repair)
