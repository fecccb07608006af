// Funnels and retention with ClickHouse's semantics.
#pragma once

#include <cstdint>

#include "error.hpp"

namespace eventml::core::funnel {

// retention(cond1, ..., condN): r[1] = cond1 held on some row; r[i] = cond1
// and cond_i each held on some row (not necessarily the same one).
// The state is one integer, its own serialized form and mergeable by OR:
// bits 0..31 say which conditions held on some row, bits 32..39 hold N.
constexpr int kMaxRetentionConditions = 32;
using RetentionState = std::int64_t;

// The state after a row whose conditions are held[0..n-1], starting from
// state (0 for the first row). Throws ArrayShape for n outside 1..32 or an n
// other than the state's.
RetentionState retention_add(RetentionState state, const bool* held, int n);
// Merges two states of the same N.
RetentionState retention_merge(RetentionState a, RetentionState b);
// N of a state from outside; throws CorruptState unless it is well formed.
int retention_conditions(RetentionState state);
// Writes r[0..N-1].
void retention_result(RetentionState state, bool* r);

}  // namespace eventml::core::funnel
