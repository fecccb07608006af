#include "flat.hpp"
#include "memory.hpp"

#include <cstdlib>
#include <stdexcept>

namespace eventml::core {
namespace {

Allocator installed{[](std::size_t bytes) { return std::malloc(bytes > 0 ? bytes : 1); },
                    [](void* block, std::size_t bytes) { return std::realloc(block, bytes > 0 ? bytes : 1); },
                    std::free};

}  // namespace

void install_allocator(const Allocator& allocator) { installed = allocator; }

void* allocate(std::size_t bytes) {
    void* block = installed.allocate(bytes);
    if (block == nullptr) throw std::bad_alloc();
    return block;
}

void* reallocate(void* block, std::size_t bytes) {
    void* resized = installed.reallocate(block, bytes);
    if (resized == nullptr) throw std::bad_alloc();
    return resized;
}

void release(void* block) noexcept {
    if (block != nullptr) installed.release(block);
}

void state_too_large(const char* what) {
    fail(ErrorKind::LimitExceeded,
         "the %s state of one group would exceed %zu bytes (1 GB, the largest value PostgreSQL holds)", what,
         kMaxStateBytes);
}

FlatWriter::FlatWriter(void* memory, std::size_t size, std::uint32_t magic)
    : at_(static_cast<unsigned char*>(memory)), left_(size) {
    field(magic);
}

FlatWriter& FlatWriter::put(const void* bytes, std::size_t n) {
    if (n > left_) throw std::logic_error("flat form larger than its size");
    if (n > 0) std::memcpy(at_, bytes, n);
    at_ += n;
    left_ -= n;
    return *this;
}

void FlatWriter::finish() const {
    if (left_ != 0) throw std::logic_error("flat form smaller than its size");
}

FlatReader::FlatReader(const void* memory, std::size_t size, const char* what, std::uint32_t magic)
    : at_(static_cast<const unsigned char*>(memory)), left_(size), size_(size), what_(what) {
    std::uint32_t found = 0;
    if (size < sizeof found || (field(found), found != magic))
        fail(ErrorKind::CorruptState, "not a %s state of this version (%zu bytes)", what, size);
}

const unsigned char* FlatReader::take(std::size_t n) {
    if (n > left_) corrupt();
    const unsigned char* taken = at_;
    at_ += n;
    left_ -= n;
    return taken;
}

void FlatReader::corrupt() const {
    fail(ErrorKind::CorruptState, "%s state is corrupt or truncated (%zu bytes)", what_, size_);
}

}  // namespace eventml::core
