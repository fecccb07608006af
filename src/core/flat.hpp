// The flat (serialized) form of the growing aggregate states: a magic number
// naming the state's type and version, then the state's fields and item
// lists in a fixed order. A state type describes that order once, in
//   template <typename Self, typename Form> static void layout(Self& self, Form& form)
// calling form.field(x) for each fixed field and form.items(block) for each
// list (its count, then its items); FlatForm<S> turns the layout into
// flat_bytes(), write() and read(). read() checks the block against its size
// as it goes, and then S::check(FlatReader&) validates the values: a block
// that arrives from outside (a parallel worker, another Citus node, anyone
// calling a deserialize function) is checked before any of it is trusted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "error.hpp"
#include "memory.hpp"

namespace eventml::core {

class FlatSizer {
public:
    template <typename T>
    FlatSizer& field(const T& value) {
        bytes_ += sizeof value;
        return *this;
    }
    template <typename T>
    FlatSizer& items(const Block<T>& block) {
        bytes_ += sizeof(std::int64_t) + block.bytes();
        return *this;
    }
    std::size_t bytes() const { return bytes_; }

private:
    std::size_t bytes_ = sizeof(std::uint32_t);  // the magic
};

class FlatWriter {
public:
    // memory has exactly size bytes; the magic comes first.
    FlatWriter(void* memory, std::size_t size, std::uint32_t magic);
    template <typename T>
    FlatWriter& field(const T& value) {
        static_assert(std::is_trivially_copyable<T>::value, "plain data");
        return put(&value, sizeof value);
    }
    template <typename T>
    FlatWriter& items(const Block<T>& block) {
        field(block.size());
        return put(block.data(), block.bytes());
    }
    // Checks (logic error) that the form filled its size exactly.
    void finish() const;

private:
    FlatWriter& put(const void* bytes, std::size_t n);
    unsigned char* at_;
    std::size_t left_;
};

class FlatReader {
public:
    // Throws CorruptState ("not a <what> state of this version") unless the
    // block starts with magic.
    FlatReader(const void* memory, std::size_t size, const char* what, std::uint32_t magic);
    template <typename T>
    FlatReader& field(T& value) {
        static_assert(std::is_trivially_copyable<T>::value, "plain data");
        std::memcpy(&value, take(sizeof value), sizeof value);
        return *this;
    }
    // A count, then that many items, appended to block.
    template <typename T>
    FlatReader& items(Block<T>& block) {
        std::int64_t count = 0;
        field(count);
        if (count < 0 || static_cast<std::uint64_t>(count) > left_ / sizeof(T)) corrupt();
        block.append(reinterpret_cast<const T*>(take(sizeof(T) * static_cast<std::size_t>(count))), count);
        return *this;
    }
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

// Tag of the constructor that read() fills (and check() then validates).
struct Unread {};

// flat_bytes(), write() and read() from S::layout. S has kMagic, kName, a
// constructor S(Unread) and check(const FlatReader&) const.
template <typename S>
class FlatForm {
public:
    std::size_t flat_bytes() const {
        FlatSizer sizer;
        S::layout(self(), sizer);
        return sizer.bytes();
    }
    void write(void* memory) const {
        FlatWriter out(memory, flat_bytes(), S::kMagic);
        S::layout(self(), out);
        out.finish();
    }
    static S read(const void* memory, std::size_t size) {
        FlatReader in(memory, size, S::kName, S::kMagic);
        S state{Unread{}};
        S::layout(state, in);
        in.finish();
        state.check(in);
        return state;
    }

private:
    const S& self() const { return static_cast<const S&>(*this); }
};

}  // namespace eventml::core
