// libFuzzer target for sessionize's serialized state (a TimesHeader, then the
// event times): sessions::check_times, then what src/pg/sessions.cpp does
// with an accepted block: sessionize_deserialize copies the times into a
// block of max(count, 1) entries, and sessionize_final summarizes them.
// An input check_times rejects is tried once more with its count made that
// of the whole times present, so the fuzzer also reaches summarize with
// arbitrary times and rules.
// sources: sessions.cpp error.cpp
#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

#include "sessions.hpp"
#include "state_fuzz.hpp"

namespace sessions = eventml::core::sessions;
using fuzz::Buffer;

namespace {

const sessions::TimesHeader* check(const Buffer& buffer) {
    const sessions::TimesHeader* header = nullptr;
    if (!fuzz::accepts([&] { header = &sessions::check_times(buffer.data(), buffer.size()); })) return nullptr;
    FUZZ_CHECK(header->count >= 0);
    FUZZ_CHECK(sizeof(sessions::TimesHeader) + sizeof(std::int64_t) * header->count == buffer.size());
    FUZZ_CHECK(fuzz::accepts([&] { sessions::check_rule({header->gap, header->max_length}); }));
    return header;
}

// PostgreSQL's finite timestamps: 4713 BC to 294276 AD, in microseconds
// from 2000-01-01 (MIN_TIMESTAMP and END_TIMESTAMP of datatype/timestamp.h).
constexpr std::int64_t kMinTimestamp = -211813488000000000LL;
constexpr std::int64_t kEndTimestamp = 9223371331200000000LL;

void run(const Buffer& input) {
    const sessions::TimesHeader* header = check(input);
    if (header == nullptr) return;
    const std::int64_t count = header->count;
    const auto* kept = reinterpret_cast<const std::int64_t*>(input.data() + sizeof(sessions::TimesHeader));

    // sessionize_deserialize: the times in a block of max(count, 1) entries.
    Buffer times(kept, sizeof(std::int64_t) * count);
    if (count == 0) times.resize(sizeof(std::int64_t));
    const sessions::Rule rule{header->gap, header->max_length};
    sessions::Summary s;
    if (!fuzz::consume([&] {
            s = sessions::summarize(reinterpret_cast<std::int64_t*>(times.data()), count, rule,
                                    eventml::core::StopCheck());
        }))
        return;
    FUZZ_CHECK(s.events == count);
    FUZZ_CHECK(s.sessions >= 1 && s.sessions <= count);
    FUZZ_CHECK(s.first_start <= s.last_end);
    FUZZ_CHECK(s.first_duration >= 0 && s.first_duration <= s.max_duration);
    FUZZ_CHECK(s.mean_duration >= 0 && s.mean_duration <= s.max_duration);
    FUZZ_CHECK(s.max_duration <= s.total_duration);
    std::int64_t span;
    if (!__builtin_sub_overflow(s.last_end, s.first_start, &span)) FUZZ_CHECK(s.max_duration <= span);
    if (rule.max_length != sessions::kNoMaxLength) FUZZ_CHECK(s.max_duration <= rule.max_length);
    // The Numberer of session_id agrees on the number of sessions.
    sessions::Numberer numberer(rule);
    const auto* sorted = reinterpret_cast<const std::int64_t*>(times.data());
    std::int64_t last = 0;
    for (std::int64_t i = 0; i < count; ++i) last = numberer.next(sorted[i]);
    FUZZ_CHECK(last == s.sessions);
}

// ---- seeds ----------------------------------------------------------------

std::vector<unsigned char> state(const sessions::Rule& rule, const std::vector<std::int64_t>& times) {
    fuzz::Bytes out;
    sessions::TimesHeader header;
    sessions::write_times_header(header, rule, static_cast<std::int64_t>(times.size()));
    out.put(header).put(times.data(), sizeof(std::int64_t) * times.size());
    return out.bytes;
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
    return out;
}

bool valid(const Buffer& input) { return check(input) != nullptr; }

bool repair(Buffer& input) {
    return fuzz::fit_count(input, sizeof(sessions::TimesHeader), sizeof(std::int64_t),
                           offsetof(sessions::TimesHeader, count));
}

}  // namespace

FUZZ_STATE_TARGET(seeds, valid, run, repair)
