#include "error.hpp"

#include <cmath>
#include <cstdio>

namespace eventml::core {

namespace {

[[noreturn]] __attribute__((format(printf, 3, 0))) void throw_error(ErrorKind kind, const char* hint,
                                                                   const char* format, va_list args) {
    char buffer[512];
    std::vsnprintf(buffer, sizeof buffer, format, args);
    throw Error(kind, buffer, hint);
}

}  // namespace

void fail(ErrorKind kind, const char* format, ...) {
    va_list args;
    va_start(args, format);
    throw_error(kind, nullptr, format, args);
}

void fail_with_hint(ErrorKind kind, const char* hint, const char* format, ...) {
    va_list args;
    va_start(args, format);
    throw_error(kind, hint, format, args);
}

std::string value_text(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.15g", value);
    return buffer;
}

}  // namespace eventml::core
