#include "error.hpp"

#include <cstdio>

namespace eventml::core {

void fail(ErrorKind kind, const char* format, ...) {
    char buffer[512];
    va_list args;
    va_start(args, format);
    std::vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    throw Error(kind, buffer);
}

}  // namespace eventml::core
