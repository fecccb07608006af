// Checks every core state type's flat form passes (the form of FlatForm<S>:
// flat_bytes, write, read), and a helper to see which error a call throws.
#pragma once

#include <cstddef>
#include <vector>

#include <gtest/gtest.h>

#include "error.hpp"

namespace state_test {

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

}  // namespace state_test
