// Errors and cancellation for the pure C++ core.
//
// Core code reports failures by throwing eventml::core::Error; the PostgreSQL
// glue (src/pg/boundary.hpp) catches it and maps the kind to a SQLSTATE.
// Core code never calls PostgreSQL.
#pragma once

#include <cstdarg>
#include <stdexcept>
#include <string>

namespace eventml::core {

enum class ErrorKind {
    InvalidValue,    // an argument or data value outside its domain
    InvalidPattern,  // a path pattern that does not parse
    ArrayShape,      // wrong array length or dimensionality
    LimitExceeded,   // a documented size limit was passed
    CorruptState,    // a serialized state failed validation
    Cancelled,       // the stop callback asked us to stop
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message, const char* hint = nullptr)
        : std::runtime_error(message), kind_(kind), hint_(hint) {}
    ErrorKind kind() const noexcept { return kind_; }
    // What the user can do about it (PostgreSQL's errhint), or nullptr.
    const char* hint() const noexcept { return hint_; }

private:
    ErrorKind kind_;
    const char* hint_;  // a string literal
};

// Throws Error(kind, printf-style message).
[[noreturn]] void fail(ErrorKind kind, const char* format, ...)
    __attribute__((format(printf, 2, 3)));
// The same with a hint (a string literal).
[[noreturn]] void fail_with_hint(ErrorKind kind, const char* hint, const char* format, ...)
    __attribute__((format(printf, 3, 4)));

// A double as PostgreSQL prints it in messages: NaN, Infinity, -Infinity, or
// %g.
std::string value_text(double value);

// "Should I stop?" callback for long loops. The glue answers it from
// PostgreSQL's interrupt flags; core code calls poll() and unwinds by
// throwing Cancelled, so no PostgreSQL longjmp ever crosses C++ frames.
class StopCheck {
public:
    using Fn = bool (*)();
    explicit StopCheck(Fn fn = nullptr) : fn_(fn) {}
    void poll() const {
        if (fn_ != nullptr && fn_()) fail(ErrorKind::Cancelled, "cancelled");
    }

private:
    Fn fn_;
};

}  // namespace eventml::core
