// Memory for the states of the event aggregates, and the growing arrays they
// keep their rows in.
//
// A state outlives the call that made it (PostgreSQL keeps it in the
// aggregate's memory context between rows), so its memory comes from an
// allocator the glue installs once: palloc in the current memory context,
// asked to return NULL instead of raising an ERROR, so that no longjmp ever
// crosses C++ frames. Core code turns NULL into std::bad_alloc. Unit tests
// and fuzzers keep the default, malloc.
//
// PostgreSQL frees a state by resetting its memory context, without running
// destructors; in unit tests destructors free it. So a state type holds
// nothing but its parameters and Blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

#include "error.hpp"

namespace eventml::core {

struct Allocator {
    void* (*allocate)(std::size_t bytes);  // nullptr when it cannot
    // block resized to bytes, in place when it can (a large block's pages are
    // not copied or touched again); nullptr, leaving block as it was, when it
    // cannot.
    void* (*reallocate)(void* block, std::size_t bytes);
    void (*release)(void* block);
};
void install_allocator(const Allocator& allocator);
// Throw std::bad_alloc when the allocator returns nullptr.
void* allocate(std::size_t bytes);
void* reallocate(void* block, std::size_t bytes);
void release(void* block) noexcept;

// A new S, constructed from args in allocated memory.
template <typename S, typename... Args>
S* make(Args&&... args) {
    void* memory = allocate(sizeof(S));
    try {
        return new (memory) S(std::forward<Args>(args)...);
    } catch (...) {
        release(memory);
        throw;
    }
}

// The most bytes the flat form of one state may take: PostgreSQL's largest
// value (1 GB) less room for the varlena header and padding. A state that
// would grow past it fails at once (LimitExceeded), not after keeping 20 GB
// that no result or serialized state could hold.
constexpr std::size_t kMaxStateBytes = (std::size_t{1} << 30) - 64;
// Throws LimitExceeded naming what when bytes exceeds kMaxStateBytes.
[[noreturn]] void state_too_large(const char* what);
inline void check_state_bytes(std::size_t bytes, const char* what) {
    if (bytes > kMaxStateBytes) state_too_large(what);
}

// A growing array of trivially copyable T, doubling as it grows.
template <typename T>
class Block {
    static_assert(std::is_trivially_copyable<T>::value, "Block holds plain data");

public:
    Block() = default;
    Block(const Block&) = delete;
    Block& operator=(const Block&) = delete;
    Block(Block&& other) noexcept : items_(other.items_), count_(other.count_), capacity_(other.capacity_) {
        other.items_ = nullptr;
        other.count_ = other.capacity_ = 0;
    }
    Block& operator=(Block&& other) noexcept {
        std::swap(items_, other.items_);
        std::swap(count_, other.count_);
        std::swap(capacity_, other.capacity_);
        return *this;
    }
    ~Block() { release(items_); }

    std::int64_t size() const { return count_; }
    std::int64_t capacity() const { return capacity_; }
    std::size_t bytes() const { return sizeof(T) * static_cast<std::size_t>(count_); }
    T* data() { return items_; }
    const T* data() const { return items_; }
    T& operator[](std::int64_t i) { return items_[i]; }
    const T& operator[](std::int64_t i) const { return items_[i]; }

    void clear() { count_ = 0; }
    // Keeps the first n items (n <= size()).
    void truncate(std::int64_t n) { count_ = n; }
    void push(const T& item) {
        if (count_ == capacity_) reserve(count_ + 1);
        items_[count_++] = item;
    }
    void append(const T* items, std::int64_t n) {
        if (n <= 0) return;
        reserve(count_ + n);
        std::memcpy(items_ + count_, items, sizeof(T) * static_cast<std::size_t>(n));
        count_ += n;
    }
    // Room for at least n items; doubling, but to no more than most (or n).
    void reserve(std::int64_t n, std::int64_t most = INT64_MAX) {
        if (n <= capacity_) return;
        std::int64_t grown = capacity_ < 8 ? 8 : capacity_ * 2;
        if (grown > most) grown = most;
        if (grown < n) grown = n;
        const std::size_t grown_bytes = sizeof(T) * static_cast<std::size_t>(grown);
        items_ = static_cast<T*>(items_ == nullptr ? allocate(grown_bytes) : reallocate(items_, grown_bytes));
        capacity_ = grown;
    }

private:
    T* items_ = nullptr;
    std::int64_t count_ = 0, capacity_ = 0;
};

}  // namespace eventml::core
