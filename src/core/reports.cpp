#include "reports.hpp"

#include <algorithm>

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
