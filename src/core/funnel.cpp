#include "funnel.hpp"

namespace eventml::core::funnel {
namespace {

constexpr int kCountShift = 32;
constexpr std::int64_t kMaskBits = 0xffffffffLL;

}  // namespace

int retention_conditions(RetentionState state) {
    const std::int64_t n = state >> kCountShift;
    if (state < 0 || n < 1 || n > kMaxRetentionConditions || (state & kMaskBits) >> n != 0)
        fail(ErrorKind::CorruptState, "not a retention state");
    return static_cast<int>(n);
}

RetentionState retention_add(RetentionState state, const bool* held, int n) {
    if (n < 1 || n > kMaxRetentionConditions)
        fail(ErrorKind::ArrayShape, "retention takes 1 to %d conditions, got %d", kMaxRetentionConditions, n);
    if (state == 0) state = static_cast<std::int64_t>(n) << kCountShift;
    const int expected = retention_conditions(state);
    if (n != expected) fail(ErrorKind::ArrayShape, "got %d conditions, but earlier rows had %d", n, expected);
    for (int i = 0; i < n; ++i)
        if (held[i]) state |= std::int64_t{1} << i;
    return state;
}

RetentionState retention_merge(RetentionState a, RetentionState b) {
    const int n = retention_conditions(a), m = retention_conditions(b);
    if (n != m) fail(ErrorKind::ArrayShape, "cannot merge retention states of %d and %d conditions", n, m);
    return a | b;
}

void retention_result(RetentionState state, bool* r) {
    const int n = retention_conditions(state);
    const bool first = state & 1;
    for (int i = 0; i < n; ++i) r[i] = first && (state >> i & 1);
}

}  // namespace eventml::core::funnel
