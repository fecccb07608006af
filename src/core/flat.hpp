// The flat (serialized) form of the growing aggregate states: a magic number
// naming the state's type and version, then the state's fields and item
// lists in a fixed order. One writer lays it out, one reader takes it apart
// and validates as it goes: a block that arrives from outside (a parallel
// worker, another Citus node, or anyone calling a deserialize function) is
// checked against its size before any of it is trusted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "error.hpp"
#include "memory.hpp"

namespace eventml::core {

class FlatWriter {
public:
    // memory has exactly size bytes; the magic comes first.
    FlatWriter(void* memory, std::size_t size, std::uint32_t magic);
    template <typename T>
    FlatWriter& put(const T& value) {
        return put_bytes(&value, sizeof value);
    }
    template <typename T>
    FlatWriter& put(const Block<T>& items) {
        return put_bytes(items.data(), items.bytes());
    }
    FlatWriter& put_bytes(const void* bytes, std::size_t n);
    // Checks (logic error) that the form filled its size exactly.
    void finish() const;

private:
    unsigned char* at_;
    std::size_t left_;
};

class FlatReader {
public:
    // Throws CorruptState ("not a <what> state of this version") unless the
    // block starts with magic.
    FlatReader(const void* memory, std::size_t size, const char* what, std::uint32_t magic);
    template <typename T>
    T get() {
        static_assert(std::is_trivially_copyable<T>::value, "plain data");
        T value;
        std::memcpy(&value, take(sizeof value), sizeof value);
        return value;
    }
    // count items into block (count read from the form, so checked here).
    template <typename T>
    void get(Block<T>& block, std::int64_t count) {
        if (count < 0 || static_cast<std::uint64_t>(count) > left_ / sizeof(T)) corrupt();
        block.append(static_cast<const T*>(static_cast<const void*>(take(sizeof(T) * count))), count);
    }
    // n bytes in place (n read from the form, so checked here).
    const char* get_bytes(std::int64_t n);
    // Throws CorruptState unless holds.
    void require(bool holds) const {
        if (!holds) corrupt();
    }
    // Throws CorruptState unless every byte was read.
    void finish() const { require(left_ == 0); }
    [[noreturn]] void corrupt() const;

private:
    const unsigned char* take(std::size_t n);
    const unsigned char* at_;
    std::size_t left_, size_;
    const char* what_;
};

}  // namespace eventml::core
