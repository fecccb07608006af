// What the reports (src/sql/reports.sql) need beyond the other families'
// aggregates: the first-touch value of an entity, the periods in which it was
// active, and the cohort and lifecycle counts built from those periods.
#pragma once

#include <cstddef>
#include <cstdint>

#include "flat.hpp"
#include "memory.hpp"

namespace eventml::core::reports {

struct NoParams {};

// ---- periods ------------------------------------------------------------------------

// The reports' periods, truncated as date_trunc truncates them in a time zone.
enum class Period : std::int32_t { Hour = 1, Day = 2, Week = 3, Month = 4 };
// 'hour', 'day', 'week' or 'month'; InvalidValue for anything else.
Period parse_period(const char* name, std::size_t length);

// The index of the period holding a time, from the time (microseconds since
// 2000-01-01 00:00 UTC, PostgreSQL's epoch) and the zone's offset east of UTC
// at that time (seconds): hours since 1970 (shifted by the zone's offset
// within its hour, so an hour starts where date_trunc('hour') starts it in
// India too, and the two 01:00 hours of a fall-back stay two); local days
// since 1970-01-01; local weeks since Monday 1970-01-05; months since year 0
// of the proleptic Gregorian calendar (1970-01 is 23640). Consecutive periods
// have consecutive indexes, so period arithmetic is integer arithmetic.
std::int64_t period_index(Period period, std::int64_t utc_micros, std::int64_t offset_seconds);
// Whole seconds since 1970-01-01 UTC of such a time (floored), as time zones count them.
std::int64_t unix_seconds(std::int64_t utc_micros);

// A time zone's offsets from UTC, remembered by the spans of time in which each
// holds, so that a scan converts most rows without a time zone lookup. A span
// [from, to) in seconds since 1970 UTC is learnt from find(t), which returns
// the offset at t and a time before which it does not change; a span that
// ends where a known one ends extends it back to t. Holds a few spans and
// forgets the oldest.
class ZoneOffsets {
public:
    struct Span {
        std::int64_t from, to, offset;  // the offset holds for from <= t < to
    };
    template <typename Find>
    std::int64_t at(std::int64_t t, Find&& find) {
        if (holds(last_, t)) return spans_[last_].offset;
        for (int i = 0; i < count_; ++i) {
            if (holds(i, t)) {
                last_ = i;
                return spans_[i].offset;
            }
        }
        return learn(find(t));
    }

private:
    bool holds(int i, std::int64_t t) const { return t >= spans_[i].from && t < spans_[i].to; }
    std::int64_t learn(const Span& found);  // found.from is the time looked up
    static constexpr int kSpans = 8;
    Span spans_[kSpans] = {};  // an empty span (from == to) holds nothing
    int count_ = 0, last_ = 0, oldest_ = 0;
};

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
// a repeat of the last value is dropped at once, the first 32 values are kept
// distinct, and past them the list is sorted and deduplicated whenever it
// doubles, so it holds at most twice the distinct values (plus a small slack).
class PeriodSet : public FlatForm<PeriodSet> {
public:
    explicit PeriodSet(const NoParams&) {}
    void add(std::int64_t period) {
        const std::int64_t n = values_.size();
        if (n > 0 && values_[n - 1] == period) return;
        if (n < kScanned) {
            // A small list stays distinct, and so small and in cache: most
            // entities are active in a few periods.
            for (std::int64_t i = 0; i < n; ++i)
                if (values_[i] == period) return;
        } else if (n >= compact_at_) {
            compact();
        }
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
    static constexpr std::int64_t kScanned = 32;
    Block<std::int64_t> values_;
    std::int64_t compact_at_ = 64;
};

// retention_matrix's counts: per cohort (the period of an entity's first start
// row), its entities and, for period numbers k = 0 .. periods-1, the entities
// with a return row in period cohort+k (cumulative: in that period or a later
// one). Entities arrive one at a time, each with its cohort (or none) and its
// distinct return periods, ascending; see() gives the last observed period
// (the latest of all it is given), after which a cell means nothing yet.
struct RetentionParams {
    std::int32_t periods = 0;     // >= 1
    std::uint8_t cumulative = 0;  // 0 or 1
};
class RetentionCounts : public FlatForm<RetentionCounts> {
public:
    explicit RetentionCounts(const RetentionParams& params);  // InvalidValue unless periods >= 1
    const RetentionParams& params() const { return params_; }
    // InvalidValue unless returns are strictly ascending.
    void add(bool has_cohort, std::int64_t cohort, const std::int64_t* returns, std::int64_t count);
    void see(std::int64_t observed);
    // InvalidValue unless other has the same parameters.
    void merge(const RetentionCounts& other);
    RetentionCounts empty_copy() const { return RetentionCounts(params_); }

    // The cells, cohorts ascending, then k = 0 .. periods-1; observed is
    // false when period cohort+k is after the last observed one.
    struct Cell {
        std::int64_t cohort, cohort_entities, k, entities;
        bool observed;
    };
    std::int64_t cells() const { return cohorts_.size() * params_.periods; }
    Cell cell(std::int64_t i) const;  // 0 <= i < cells()

    static const std::uint32_t kMagic;
    static constexpr const char* kName = "eventml_retention_counts";
    explicit RetentionCounts(Unread) {}
    template <typename Self, typename Form>
    static void layout(Self& self, Form& form) {
        form.field(self.params_.periods).field(self.params_.cumulative).field(self.seen_).field(self.observed_);
        form.items(self.cohorts_).items(self.counts_);
    }
    void check(const FlatReader& in) const;

private:
    std::int64_t width() const { return std::int64_t{params_.periods} + 1; }
    std::int64_t* row(std::int64_t cohort);  // the cohort's entities, then its count for each k
    RetentionParams params_;
    std::uint8_t seen_ = 0;  // whether observed_ was given
    std::int64_t observed_ = 0;
    Block<std::int64_t> cohorts_;  // ascending
    Block<std::int64_t> counts_;   // width() per cohort, in cohorts_' order
};

// lifecycle's counts, per period: PostHog's new (the entity's first active
// period), returning (active in the period before too), resurrecting (active,
// not in the period before, not new) and dormant (active in the period
// before, not in this one). Entities arrive one at a time with their distinct
// active periods, ascending; see() gives the last observed period.
class LifecycleCounts : public FlatForm<LifecycleCounts> {
public:
    enum Status { New = 0, Returning = 1, Resurrecting = 2, Dormant = 3, kStatuses = 4 };
    explicit LifecycleCounts(const NoParams&) {}
    // InvalidValue unless active is strictly ascending.
    void add(const std::int64_t* active, std::int64_t count);
    void see(std::int64_t observed);
    void merge(const LifecycleCounts& other);
    LifecycleCounts empty_copy() const { return LifecycleCounts(NoParams{}); }

    // The report's periods are first() .. last(): the first active period of
    // any entity to the latest of the observed and active periods; none when
    // empty().
    bool empty() const { return counts_.size() == 0; }
    std::int64_t first() const { return first_; }
    std::int64_t last() const { return last_; }
    std::int64_t count(std::int64_t period, Status status) const;  // 0 outside what was seen

    static const std::uint32_t kMagic;
    static constexpr const char* kName = "eventml_lifecycle_counts";
    explicit LifecycleCounts(Unread) {}
    template <typename Self, typename Form>
    static void layout(Self& self, Form& form) {
        form.field(self.seen_).field(self.first_).field(self.last_).items(self.counts_);
    }
    void check(const FlatReader& in) const;

private:
    void cover(std::int64_t lo, std::int64_t hi);  // makes periods lo .. hi part of counts_
    std::int64_t periods() const { return counts_.size() / kStatuses; }
    std::uint8_t seen_ = 0;  // whether last_ was set (by a period or an observed one)
    std::int64_t first_ = 0, last_ = 0;
    Block<std::int64_t> counts_;  // kStatuses per period from first_ on (to the period after the last active)
};

}  // namespace eventml::core::reports
