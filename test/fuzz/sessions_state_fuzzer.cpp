// libFuzzer target for sessionize's serialized state: sessions::TimesState::read
// (what sessionize_deserialize runs), then what the glue does with an
// accepted state: serialize writes it back byte for byte, combine merges it,
// and sessionize_final summarizes it (checked against session_id's Numberer).
// sources: sessions.cpp memory.cpp error.cpp
#include <cstddef>
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

void run(const Buffer& input) {
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
    return out;
}

bool valid(const Buffer& input) { return fuzz::read_state<sessions::TimesState>(input).has_value(); }

}  // namespace

FUZZ_STATE_TARGET(seeds, valid, run, fuzz::no_repair)
