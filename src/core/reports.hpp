// What the reports (src/sql/reports.sql) need beyond the other families'
// aggregates: the first-touch value of an entity, and the set of periods in
// which it was active.
#pragma once

#include <cstdint>

#include "flat.hpp"
#include "memory.hpp"

namespace eventml::core::reports {

struct NoParams {};

// The value of an entity's earliest row among the rows that have one:
// funnel_report's breakdown (PostHog's first-touch attribution). Of rows tied
// at that time, the one added first wins, and merge keeps this state's value
// on a tie (the rows it saw came first in a serial scan).
class EarliestValue : public FlatForm<EarliestValue> {
public:
    explicit EarliestValue(const NoParams&) {}
    void add(std::int64_t ts, const char* value, std::int64_t length);
    void merge(const EarliestValue& other);
    EarliestValue empty_copy() const { return EarliestValue(NoParams{}); }
    const char* value() const { return value_.data(); }
    std::int64_t length() const { return value_.size(); }

    // The flat form (FlatForm: flat_bytes, write, read).
    static const std::uint32_t kMagic;
    static constexpr const char* kName = "eventml_first_value";
    explicit EarliestValue(Unread) {}
    template <typename Self, typename Form>
    static void layout(Self& self, Form& form) {
        form.field(self.set_).field(self.ts_).items(self.value_);
    }
    void check(const FlatReader& in) const;

private:
    void take(std::int64_t ts, const char* value, std::int64_t length);
    std::uint8_t set_ = 0;  // a state is made by its first row, so 1 unless read empty
    std::int64_t ts_ = 0;
    Block<char> value_;
};

// The distinct period indexes of an entity's rows, ascending: what
// retention_matrix, lifecycle and stickiness read per entity, gathered in one
// pass with one group per entity (grouping by entity and period instead
// makes a hash table of every active entity-period). Rows arrive in any order;
// a repeat of the last value is dropped at once, and the list is sorted and
// deduplicated whenever it doubles, so it holds at most twice the distinct
// values (plus a small slack).
class PeriodSet : public FlatForm<PeriodSet> {
public:
    explicit PeriodSet(const NoParams&) {}
    void add(std::int64_t period) {
        if (values_.size() > 0 && values_[values_.size() - 1] == period) return;
        if (values_.size() >= compact_at_) compact();
        values_.push(period);
    }
    void merge(const PeriodSet& other);
    PeriodSet empty_copy() const { return PeriodSet(NoParams{}); }
    // Sorts and deduplicates; then data()[0 .. size()-1] are the periods, ascending.
    void compact();
    const std::int64_t* data() const { return values_.data(); }
    std::int64_t size() const { return values_.size(); }

    static const std::uint32_t kMagic;
    static constexpr const char* kName = "eventml_period_set";
    explicit PeriodSet(Unread) {}
    template <typename Self, typename Form>
    static void layout(Self& self, Form& form) {
        form.items(self.values_);
    }
    void check(const FlatReader&) const {}

private:
    Block<std::int64_t> values_;
    std::int64_t compact_at_ = 64;
};

}  // namespace eventml::core::reports
