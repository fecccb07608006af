// Shared helpers of the serialized-state fuzzers (*_state_fuzzer.cpp).
//
// A serialized aggregate state crosses process and network boundaries, so its
// validator must turn any byte block into either an accepted state or an
// eventml::core::Error, and an accepted state must then be safe for the
// functions that consume it. Each target copies the input into a buffer of
// exactly its size (so AddressSanitizer sees any read past the end; malloc
// aligns it to 16 bytes, the glue guarantees 8), validates it, and runs the
// consumers the glue runs after deserializing. Anything but an eventml Error
// escaping a validator or consumer, a sanitizer report or a broken invariant
// (FUZZ_CHECK) is a finding.
//
// Seeds: with EVENTML_FUZZ_WRITE_SEEDS=DIR in the environment a target
// writes its seed states (made by the core, and checked to validate) into DIR
// and exits; test/fuzz/corpus/<name>/ was made that way:
//   EVENTML_FUZZ_WRITE_SEEDS=test/fuzz/corpus/ols_state BUILD/fuzz/ols_state
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "error.hpp"

namespace fuzz {


// Inputs above this are ignored: big valid states only make runs slow.
constexpr std::size_t kMaxInput = 64 * 1024;

// Exactly size bytes of heap memory, 16-byte aligned.
class Buffer {
public:
    explicit Buffer(std::size_t size) : size_(size), bytes_(allocate(size)) { std::memset(bytes_, 0, size); }
    Buffer(const void* data, std::size_t size) : size_(size), bytes_(allocate(size)) {
        if (size > 0) std::memcpy(bytes_, data, size);
    }
    Buffer(const Buffer& other) : Buffer(other.bytes_, other.size_) {}
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer() { std::free(bytes_); }

    unsigned char* data() const { return bytes_; }
    std::size_t size() const { return size_; }
    bool same(const Buffer& other) const {
        return size_ == other.size_ && std::memcmp(bytes_, other.bytes_, size_) == 0;
    }
    // Cuts or zero-extends to exactly size bytes.
    void resize(std::size_t size) {
        unsigned char* grown = allocate(size);
        std::memset(grown, 0, size);
        std::memcpy(grown, bytes_, size < size_ ? size : size_);
        std::free(bytes_);
        bytes_ = grown;
        size_ = size;
    }
    template <typename T>
    T read(std::size_t offset) const {
        T value;
        std::memcpy(&value, bytes_ + offset, sizeof value);
        return value;
    }
    template <typename T>
    void write(std::size_t offset, const T& value) {
        std::memcpy(bytes_ + offset, &value, sizeof value);
    }

private:
    static unsigned char* allocate(std::size_t size) {
        auto* bytes = static_cast<unsigned char*>(std::malloc(size > 0 ? size : 1));
        if (bytes == nullptr) std::abort();
        return bytes;
    }
    std::size_t size_;
    unsigned char* bytes_;
};

// Runs a validator: true when it accepted, false when it threw an eventml
// Error. Any other exception escapes, and libFuzzer reports it.
template <typename F>
bool accepts(F&& validate) {
    try {
        validate();
        return true;
    } catch (const eventml::core::Error&) {
        return false;
    }
}

// Runs a consumer, which may refuse a state with an eventml Error (as the
// glue turns it into an SQL ERROR); true when it finished. The same test as
// accepts(), named for what the caller runs.
template <typename F>
bool consume(F&& body) {
    return accepts(std::forward<F>(body));
}

[[noreturn]] inline void violated(const char* condition, const char* file, int line) {
    std::fprintf(stderr, "fuzz invariant violated at %s:%d: %s\n", file, line, condition);
    std::abort();
}
#define FUZZ_CHECK(condition) \
    ((condition) ? static_cast<void>(0) : ::fuzz::violated(#condition, __FILE__, __LINE__))

// A deterministic stand-in for statement_timeout: the StopCheck of budget()
// asks to stop once the core has polled more than `polls` times since the
// last reset (the core polls in its long loops), so a valid but expensive
// state ends in Cancelled instead of a libFuzzer timeout.
inline long& polls_left() {
    static long left = 0;
    return left;
}
inline eventml::core::StopCheck budget(long polls) {
    polls_left() = polls;
    return eventml::core::StopCheck([] { return --polls_left() < 0; });
}


// ---- the event families' state types (FlatForm: flat_bytes, write, read) ----

// S::read of the input, the code the glue's deserialize runs; nothing when
// it refuses with an eventml Error.
template <typename S>
std::optional<S> read_state(const Buffer& input) {
    std::optional<S> state;
    if (!accepts([&] { state.emplace(S::read(input.data(), input.size())); })) return {};
    return state;
}

template <typename S>
std::vector<unsigned char> flat_bytes_of(const S& state) {
    std::vector<unsigned char> bytes(state.flat_bytes());
    state.write(bytes.data());
    return bytes;
}

// An accepted form is written back byte for byte (serialize after
// deserialize: flat_bytes() is its size and write() reproduces it), also
// after combine merged it into an empty copy or an empty copy into it.
template <typename S>
void check_written_back(const S& state, const Buffer& input) {
    FUZZ_CHECK(state.flat_bytes() == input.size());
    const std::vector<unsigned char> bytes = flat_bytes_of(state);
    FUZZ_CHECK(bytes.size() == input.size() && std::memcmp(bytes.data(), input.data(), bytes.size()) == 0);
    S merged = state.empty_copy();
    if (consume([&] { merged.merge(state); })) FUZZ_CHECK(flat_bytes_of(merged) == bytes);
    S same = S::read(input.data(), input.size());
    if (consume([&] { same.merge(state.empty_copy()); })) FUZZ_CHECK(flat_bytes_of(same) == bytes);
}

// Inputs S::read refuses are not repaired: its layout puts every count right
// before its items, so the mutations that keep the sizes consistent (those
// that change bytes in place) already reach every check and the consumers.
inline bool no_repair(Buffer&) { return false; }

// Serialized bytes being built.
struct Bytes {
    std::vector<unsigned char> bytes;
    template <typename T>
    Bytes& put(const T& value) {
        const auto* p = reinterpret_cast<const unsigned char*>(&value);
        bytes.insert(bytes.end(), p, p + sizeof value);
        return *this;
    }
    Bytes& put(const void* data, std::size_t size) {
        const auto* p = static_cast<const unsigned char*>(data);
        bytes.insert(bytes.end(), p, p + size);
        return *this;
    }
};

using Seeds = std::vector<std::pair<std::string, std::vector<unsigned char>>>;

// Writes the seeds into $EVENTML_FUZZ_WRITE_SEEDS and exits when it is set;
// valid(data, size) must accept each one (they are states the core made).
template <typename MakeSeeds, typename Valid>
void maybe_write_seeds(MakeSeeds&& make_seeds, Valid&& valid) {
    const char* dir = std::getenv("EVENTML_FUZZ_WRITE_SEEDS");
    if (dir == nullptr) return;
    for (const auto& [name, bytes] : make_seeds()) {
        const Buffer copy(bytes.data(), bytes.size());
        if (!valid(copy)) {
            std::fprintf(stderr, "seed %s does not validate\n", name.c_str());
            std::exit(1);
        }
        const std::string path = std::string(dir) + "/" + name;
        std::FILE* file = std::fopen(path.c_str(), "wb");
        if (file == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size() ||
            std::fclose(file) != 0) {
            std::perror(path.c_str());
            std::exit(1);
        }
        std::printf("%s: %zu bytes\n", path.c_str(), bytes.size());
    }
    std::exit(0);
}

}  // namespace fuzz

// The two libFuzzer entry points of a state target. seeds() and valid(buffer)
// serve EVENTML_FUZZ_WRITE_SEEDS; each input of at most kMaxInput bytes goes
// to run(buffer) when valid(buffer), and otherwise when repair(buffer) made it
// worth trying (the fuzzer then also reaches the consumers with states whose
// sizes agree but whose contents are arbitrary).
#define FUZZ_STATE_TARGET(seeds, valid, run, repair)                                 \
    extern "C" int LLVMFuzzerInitialize(int*, char***) {                             \
        ::fuzz::maybe_write_seeds(seeds, valid);                                     \
        return 0;                                                                    \
    }                                                                                \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
        if (size > ::fuzz::kMaxInput) return 0;                                      \
        ::fuzz::Buffer input(data, size);                                            \
        if (valid(input) || repair(input)) run(input);                               \
        return 0;                                                                    \
    }
