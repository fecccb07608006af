// Checks every core state type's flat form passes (the form of FlatForm<S>:
// flat_bytes, write, read), and a helper to see which error a call throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "error.hpp"

namespace state_test {

// What error_kind returns when body throws nothing.
constexpr eventml::core::ErrorKind kAccepted = eventml::core::ErrorKind::Cancelled;

// The kind of eventml Error body throws (Cancelled stands for "none").
template <typename Body>
eventml::core::ErrorKind error_kind(Body&& body) {
    try {
        body();
    } catch (const eventml::core::Error& e) {
        return e.kind();
    }
    return eventml::core::ErrorKind::Cancelled;
}

template <typename S>
std::vector<unsigned char> flat(const S& state) {
    std::vector<unsigned char> bytes(state.flat_bytes());
    state.write(bytes.data());
    return bytes;
}

template <typename S>
S reread(const S& state) {
    const std::vector<unsigned char> bytes = flat(state);
    return S::read(bytes.data(), bytes.size());
}

// read(write(s)) writes the same bytes; read rejects every truncation, a
// longer block and a wrong magic, as CorruptState.
template <typename S>
void expect_flat_form_checked(const S& state) {
    using eventml::core::ErrorKind;
    std::vector<unsigned char> bytes = flat(state);
    EXPECT_EQ(flat(S::read(bytes.data(), bytes.size())), bytes);
    for (std::size_t cut = 0; cut < bytes.size(); ++cut)
        EXPECT_EQ(error_kind([&] { S::read(bytes.data(), cut); }), ErrorKind::CorruptState) << "cut at " << cut;
    bytes.push_back(0);
    EXPECT_EQ(error_kind([&] { S::read(bytes.data(), bytes.size()); }), ErrorKind::CorruptState) << "one byte more";
    bytes.pop_back();
    bytes[0] ^= 1;
    EXPECT_EQ(error_kind([&] { S::read(bytes.data(), bytes.size()); }), ErrorKind::CorruptState) << "magic";
}

// The kind of error S::read throws for the flat form of state with value
// written over the bytes at offset (a targeted corruption).
template <typename S, typename T>
eventml::core::ErrorKind read_with(const S& state, std::size_t offset, T value) {
    std::vector<unsigned char> bytes = flat(state);
    EXPECT_LE(offset + sizeof value, bytes.size());
    std::memcpy(bytes.data() + offset, &value, sizeof value);
    return error_kind([&] { S::read(bytes.data(), bytes.size()); });
}

// The int64 item count at offset lies (one less, one more, negative, far
// too many) with every other byte in place: read rejects each as CorruptState.
template <typename S>
void expect_count_checked(const S& state, std::size_t offset) {
    using eventml::core::ErrorKind;
    const std::vector<unsigned char> bytes = flat(state);
    std::int64_t count = 0;
    std::memcpy(&count, bytes.data() + offset, sizeof count);
    std::vector<std::int64_t> lies = {count + 1, -1, std::int64_t{1} << 60, std::numeric_limits<std::int64_t>::max(),
                                      std::numeric_limits<std::int64_t>::min()};
    if (count > 0) lies.push_back(count - 1);
    for (std::int64_t lie : lies)
        EXPECT_EQ(read_with(state, offset, lie), ErrorKind::CorruptState) << "count " << lie << " at " << offset;
}

}  // namespace state_test
