#include "reports.hpp"

#include <algorithm>
#include <climits>
#include <cstring>

namespace eventml::core::reports {

void EarliestValue::take(std::int64_t ts, const char* value, std::int64_t length) {
    check_state_bytes(static_cast<std::size_t>(length), kName);
    set_ = 1;
    ts_ = ts;
    value_.clear();
    value_.append(value, length);
}

void EarliestValue::add(std::int64_t ts, const char* value, std::int64_t length) {
    if (!set_ || ts < ts_) take(ts, value, length);
}

void EarliestValue::merge(const EarliestValue& other) {
    if (other.set_ && (!set_ || other.ts_ < ts_)) take(other.ts_, other.value(), other.length());
}

const std::uint32_t EarliestValue::kMagic = 0x31565445;  // "ETV1": earliest value, version 1

void EarliestValue::check(const FlatReader& in) const { in.require(set_ == 1); }

void PeriodSet::compact() {
    std::int64_t* begin = values_.data();
    std::int64_t* end = begin + values_.size();
    std::sort(begin, end);
    const std::int64_t kept = std::unique(begin, end) - begin;
    values_.truncate(kept);
    check_state_bytes(2 * values_.bytes(), kName);
    compact_at_ = std::max<std::int64_t>(64, 2 * kept);
}

void PeriodSet::merge(const PeriodSet& other) {
    if (other.values_.size() == 0) return;
    const bool was_empty = values_.size() == 0;
    values_.append(other.values_.data(), other.values_.size());
    // An empty state on either side leaves the other as it came (a combine
    // then serializes the bytes it was given); else the union, compacted.
    if (was_empty)
        compact_at_ = std::max<std::int64_t>(64, 2 * values_.size());
    else
        compact();
}

const std::uint32_t PeriodSet::kMagic = 0x31535045;  // "EPS1": period set, version 1

}  // namespace eventml::core::reports

// ---- periods ------------------------------------------------------------------------

namespace eventml::core::reports {

namespace {

constexpr std::int64_t kMicrosPerSecond = 1000000;
constexpr std::int64_t kSecondsPerHour = 3600;
constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::int64_t kUnixToPostgresSeconds = 946684800;  // 1970-01-01 to 2000-01-01

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Months since year 0 of day `days` since 1970-01-01, proleptic Gregorian:
// counted in years that start on March 1st, so that the leap day ends a year
// (400-year eras of 146,097 days; within one, years of 365 days plus one
// every 4th, minus every 100th).
std::int64_t month_of_day(std::int64_t days) {
    const std::int64_t since_march_0 = days + 719468;  // 0000-03-01 to 1970-01-01
    const std::int64_t era = floor_div(since_march_0, 146097);
    const std::int64_t day_of_era = since_march_0 - era * 146097;
    const std::int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const std::int64_t march_month = (5 * day_of_year + 2) / 153;  // 0 = March .. 11 = February
    const std::int64_t month = march_month < 10 ? march_month + 3 : march_month - 9;  // 1..12
    const std::int64_t year = era * 400 + year_of_era + (month <= 2 ? 1 : 0);
    return year * 12 + month - 1;
}

}  // namespace

Period parse_period(const char* name, std::size_t length) {
    const auto is = [&](const char* word) { return std::strlen(word) == length && std::memcmp(name, word, length) == 0; };
    if (is("hour")) return Period::Hour;
    if (is("day")) return Period::Day;
    if (is("week")) return Period::Week;
    if (is("month")) return Period::Month;
    fail(ErrorKind::InvalidValue, "period must be 'hour', 'day', 'week' or 'month', got '%.*s'",
         static_cast<int>(std::min<std::size_t>(length, 64)), name);
}

std::int64_t unix_seconds(std::int64_t utc_micros) {
    return floor_div(utc_micros, kMicrosPerSecond) + kUnixToPostgresSeconds;
}

std::int64_t period_index(Period period, std::int64_t utc_micros, std::int64_t offset_seconds) {
    const std::int64_t seconds = unix_seconds(utc_micros);
    if (period == Period::Hour) {
        const std::int64_t within_hour = ((offset_seconds % kSecondsPerHour) + kSecondsPerHour) % kSecondsPerHour;
        return floor_div(seconds + within_hour, kSecondsPerHour);
    }
    const std::int64_t day = floor_div(seconds + offset_seconds, kSecondsPerDay);
    switch (period) {
        case Period::Day: return day;
        case Period::Week: return floor_div(day - 4, 7);  // 1970-01-05, a Monday, is day 4
        default: return month_of_day(day);
    }
}

std::int64_t ZoneOffsets::learn(const Span& found) {
    for (int i = 0; i < count_; ++i) {
        if (spans_[i].to == found.to && spans_[i].offset == found.offset) {
            spans_[i].from = std::min(spans_[i].from, found.from);
            last_ = i;
            return found.offset;
        }
    }
    if (count_ < kSpans) {
        last_ = count_++;
    } else {
        last_ = oldest_;
        oldest_ = (oldest_ + 1) % kSpans;
    }
    spans_[last_] = found;
    return found.offset;
}

// ---- retention counts -----------------------------------------------------------

namespace {

void require_ascending(const std::int64_t* periods, std::int64_t count, const char* what) {
    for (std::int64_t i = 1; i < count; ++i)
        if (periods[i - 1] >= periods[i])
            fail(ErrorKind::InvalidValue, "%s must be distinct and ascending, got %lld after %lld", what,
                 static_cast<long long>(periods[i]), static_cast<long long>(periods[i - 1]));
}

// The zeros appended to block, n of them.
void append_zeros(Block<std::int64_t>& block, std::int64_t n) {
    block.reserve(block.size() + n);
    for (std::int64_t i = 0; i < n; ++i) block.push(0);
}

// b - a when it fits in int64.
bool difference(std::int64_t b, std::int64_t a, std::int64_t* out) { return !__builtin_sub_overflow(b, a, out); }

}  // namespace

RetentionCounts::RetentionCounts(const RetentionParams& params) : params_(params) {
    if (params.periods < 1) fail(ErrorKind::InvalidValue, "periods must be at least 1, got %d", params.periods);
    if (params.cumulative > 1) fail(ErrorKind::InvalidValue, "cumulative must be 0 or 1");
}

std::int64_t* RetentionCounts::row(std::int64_t cohort) {
    const std::int64_t n = cohorts_.size();
    const std::int64_t at = std::lower_bound(cohorts_.data(), cohorts_.data() + n, cohort) - cohorts_.data();
    if (at < n && cohorts_[at] == cohort) return counts_.data() + at * width();
    check_state_bytes(sizeof(std::int64_t) * static_cast<std::size_t>((n + 1) * (width() + 1)), kName);
    cohorts_.push(cohort);
    std::memmove(cohorts_.data() + at + 1, cohorts_.data() + at, sizeof(std::int64_t) * (n - at));
    cohorts_[at] = cohort;
    append_zeros(counts_, width());
    std::int64_t* inserted = counts_.data() + at * width();
    std::memmove(inserted + width(), inserted, sizeof(std::int64_t) * (n - at) * width());
    std::fill(inserted, inserted + width(), 0);
    return inserted;
}

void RetentionCounts::add(bool has_cohort, std::int64_t cohort, const std::int64_t* returns, std::int64_t count) {
    require_ascending(returns, count, "returns");
    if (!has_cohort) return;
    std::int64_t* counts = row(cohort);
    counts[0] += 1;
    std::int64_t k = 0;
    if (params_.cumulative) {
        // In period cohort+k or a later one: every k up to the last return's.
        if (count == 0 || !difference(returns[count - 1], cohort, &k) || k < 0) return;
        const std::int64_t through = std::min<std::int64_t>(k, params_.periods - 1);
        for (std::int64_t j = 0; j <= through; ++j) counts[1 + j] += 1;
        return;
    }
    for (std::int64_t i = 0; i < count; ++i)
        if (difference(returns[i], cohort, &k) && k >= 0 && k < params_.periods) counts[1 + k] += 1;
}

void RetentionCounts::see(std::int64_t observed) {
    observed_ = seen_ ? std::max(observed_, observed) : observed;
    seen_ = 1;
}

void RetentionCounts::merge(const RetentionCounts& other) {
    if (other.params_.periods != params_.periods || other.params_.cumulative != params_.cumulative)
        fail(ErrorKind::InvalidValue, "cannot combine states of different periods or cumulative");
    if (other.seen_) see(other.observed_);
    for (std::int64_t c = 0; c < other.cohorts_.size(); ++c) {
        std::int64_t* into = row(other.cohorts_[c]);
        const std::int64_t* from = other.counts_.data() + c * width();
        for (std::int64_t j = 0; j < width(); ++j) into[j] += from[j];
    }
}

RetentionCounts::Cell RetentionCounts::cell(std::int64_t i) const {
    const std::int64_t c = i / params_.periods, k = i % params_.periods;
    const std::int64_t* counts = counts_.data() + c * width();
    std::int64_t after = 0;  // observed - cohort
    const bool observed = seen_ && difference(observed_, cohorts_[c], &after) && k <= after;
    return {cohorts_[c], counts[0], k, counts[1 + k], observed};
}

const std::uint32_t RetentionCounts::kMagic = 0x31435245;  // "ERC1": retention counts, version 1

void RetentionCounts::check(const FlatReader& in) const {
    in.require(params_.periods >= 1 && params_.cumulative <= 1 && seen_ <= 1 && (seen_ == 1 || observed_ == 0));
    in.require(counts_.size() / width() == cohorts_.size() && counts_.size() % width() == 0);
    for (std::int64_t c = 0; c < cohorts_.size(); ++c) {
        in.require(c == 0 || cohorts_[c - 1] < cohorts_[c]);
        const std::int64_t* counts = counts_.data() + c * width();
        in.require(counts[0] >= 1);
        for (std::int64_t j = 1; j < width(); ++j) in.require(counts[j] >= 0 && counts[j] <= counts[0]);
    }
}

// ---- lifecycle counts -----------------------------------------------------------

void LifecycleCounts::cover(std::int64_t lo, std::int64_t hi) {
    const bool was_empty = counts_.size() == 0;
    const std::int64_t top = was_empty ? hi : first_ + periods() - 1;
    const std::int64_t new_first = was_empty ? lo : std::min(lo, first_), new_top = std::max(hi, top);
    std::int64_t span = 0;
    if (!difference(new_top, new_first, &span) || span >= (std::int64_t{1} << 40))
        fail(ErrorKind::LimitExceeded, "periods %lld to %lld are too many to count",
             static_cast<long long>(new_first), static_cast<long long>(new_top));
    check_state_bytes(sizeof(std::int64_t) * kStatuses * static_cast<std::size_t>(span + 1), kName);
    if (was_empty) {
        first_ = lo;
        append_zeros(counts_, (span + 1) * kStatuses);
        return;
    }
    if (new_top > top) append_zeros(counts_, (new_top - top) * kStatuses);
    if (new_first < first_) {
        const std::int64_t shift = (first_ - new_first) * kStatuses;
        const std::int64_t kept = counts_.size();
        append_zeros(counts_, shift);
        std::memmove(counts_.data() + shift, counts_.data(), sizeof(std::int64_t) * kept);
        std::fill(counts_.data(), counts_.data() + shift, 0);
        first_ = new_first;
    }
}

void LifecycleCounts::add(const std::int64_t* active, std::int64_t count) {
    require_ascending(active, count, "active periods");
    if (count == 0) return;
    if (active[count - 1] == INT64_MAX) fail(ErrorKind::InvalidValue, "period %lld is out of range", static_cast<long long>(active[count - 1]));
    cover(active[0], active[count - 1] + 1);  // the period after the last is dormant
    see(active[count - 1]);
    for (std::int64_t i = 0; i < count; ++i) {
        std::int64_t* counts = counts_.data() + (active[i] - first_) * kStatuses;
        counts[i == 0 ? New : active[i - 1] == active[i] - 1 ? Returning : Resurrecting] += 1;
        if (i + 1 == count || active[i + 1] != active[i] + 1) counts[kStatuses + Dormant] += 1;
    }
}

void LifecycleCounts::see(std::int64_t observed) {
    last_ = seen_ ? std::max(last_, observed) : observed;
    seen_ = 1;
}

void LifecycleCounts::merge(const LifecycleCounts& other) {
    if (other.seen_) see(other.last_);
    if (other.empty()) return;
    cover(other.first_, other.first_ + other.periods() - 1);
    std::int64_t* into = counts_.data() + (other.first_ - first_) * kStatuses;
    for (std::int64_t j = 0; j < other.counts_.size(); ++j) into[j] += other.counts_[j];
}

std::int64_t LifecycleCounts::count(std::int64_t period, Status status) const {
    std::int64_t at = 0;
    if (empty() || !difference(period, first_, &at) || at < 0 || at >= periods()) return 0;
    return counts_[at * kStatuses + status];
}

const std::uint32_t LifecycleCounts::kMagic = 0x31434C45;  // "ELC1": lifecycle counts, version 1

void LifecycleCounts::check(const FlatReader& in) const {
    // Unset fields are zero, as a state that never saw them has them.
    in.require(seen_ <= 1 && (seen_ == 1 || last_ == 0) && counts_.size() % kStatuses == 0);
    if (empty()) {
        in.require(first_ == 0);
        return;
    }
    std::int64_t top = 0;
    in.require(seen_ == 1 && !__builtin_add_overflow(first_, periods() - 1, &top) && last_ >= first_);
    for (std::int64_t j = 0; j < counts_.size(); ++j) in.require(counts_[j] >= 0);
}

}  // namespace eventml::core::reports
