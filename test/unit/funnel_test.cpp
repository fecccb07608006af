#include "funnel.hpp"

#include <gtest/gtest.h>

using eventml::core::Error;
namespace funnel = eventml::core::funnel;

namespace {

TEST(Retention, FirstConditionGatesTheOthers) {
    const bool row1[] = {false, true, false};
    const bool row2[] = {false, false, true};
    funnel::RetentionState s = funnel::retention_add(0, row1, 3);
    s = funnel::retention_add(s, row2, 3);
    bool r[3];
    funnel::retention_result(s, r);
    EXPECT_FALSE(r[0] || r[1] || r[2]);  // cond1 never held
    const bool row3[] = {true, false, false};
    funnel::retention_result(funnel::retention_add(s, row3, 3), r);
    EXPECT_TRUE(r[0] && r[1] && r[2]);  // each held on some row
}

TEST(Retention, MergeIsUnionOfWhatHeld) {
    const bool a[] = {true, false}, b[] = {false, true};
    bool r[2];
    funnel::retention_result(funnel::retention_merge(funnel::retention_add(0, a, 2), funnel::retention_add(0, b, 2)), r);
    EXPECT_TRUE(r[0] && r[1]);
    EXPECT_THROW(funnel::retention_merge(funnel::retention_add(0, a, 2), funnel::retention_add(0, a, 1)), Error);
}

TEST(Retention, LimitsAndCorruptStates) {
    bool many[33] = {};
    EXPECT_THROW(funnel::retention_add(0, many, 33), Error);
    EXPECT_THROW(funnel::retention_add(0, many, 0), Error);
    EXPECT_THROW(funnel::retention_conditions(5), Error);                      // no N
    EXPECT_THROW(funnel::retention_conditions((2LL << 32) | 0x4), Error);       // a bit beyond N
    EXPECT_THROW(funnel::retention_conditions(-1), Error);
    EXPECT_EQ(funnel::retention_conditions((32LL << 32) | 0xffffffffLL), 32);
}

}  // namespace
