// int64 arithmetic on microsecond times that saturates instead of
// overflowing: PostgreSQL's finite timestamps span more than int64
// microseconds, and a crafted state can hold any value.
#pragma once

#include <cstdint>
#include <limits>

namespace eventml::core {

// a + b, clamped to the int64 range.
inline std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
    std::int64_t sum;
    if (!__builtin_add_overflow(a, b, &sum)) return sum;
    return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

// to - from for to >= from, clamped to int64's maximum.
inline std::int64_t saturating_span(std::int64_t from, std::int64_t to) {
    std::int64_t d;
    return __builtin_sub_overflow(to, from, &d) ? std::numeric_limits<std::int64_t>::max() : d;
}

}  // namespace eventml::core
