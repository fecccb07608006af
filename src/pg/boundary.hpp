// The C++ / PostgreSQL boundary. Glue files only (this header includes
// postgres.h); core headers never include it.
//
// PostgreSQL reports errors by longjmp, C++ by exceptions, and neither may
// cross the other. So every call into core code goes through guarded(): the
// body runs inside try/catch, a failure is recorded as plain data, the C++
// scope is left, and only then is the error raised with ereport.
#pragma once

extern "C" {
#include "postgres.h"

#include "fmgr.h"
#include "utils/palloc.h"
}

#include <utility>

#include "error.hpp"

// Declares a SQL-callable function with C linkage:
//   EVENTML_FUNCTION(ols_predict) { ... }
#define EVENTML_FUNCTION(name)  \
    extern "C" {                \
    PG_FUNCTION_INFO_V1(name);  \
    }                           \
    extern "C" Datum name(PG_FUNCTION_ARGS)

namespace eventml::pg {

// A failure caught at the boundary: only plain data, so nothing needs a
// destructor when ereport longjmps out.
struct Failure {
    bool set = false;
    bool cancelled = false;
    int sqlstate = 0;
    const char* hint = nullptr;  // a string literal
    char message[512];  // left uninitialized: guarded() runs once per row
};

// Classifies the exception being handled; call only inside a catch block.
void capture(Failure& failure) noexcept;
// Raises the recorded failure as a PostgreSQL ERROR (a cancellation as the
// pending query cancel). Never returns.
[[noreturn]] void raise(const char* function, const Failure& failure);

// Runs body (core code) with context as the current memory context (where
// core states grow: the allocator installed by install_core_allocator()
// allocates there) and turns any exception into an ERROR that names
// function. Body must not call PostgreSQL functions.
template <typename Body>
void guarded(const char* function, MemoryContext context, Body&& body) {
    Failure failure;
    const MemoryContext caller = MemoryContextSwitchTo(context);
    try {
        body();
    } catch (...) {
        capture(failure);
    }
    MemoryContextSwitchTo(caller);
    if (failure.set) raise(function, failure);
}
template <typename Body>
void guarded(const char* function, Body&& body) {
    guarded(function, CurrentMemoryContext, std::forward<Body>(body));
}

// Makes core::allocate use palloc in the current memory context, returning
// NULL (core throws std::bad_alloc) instead of raising an ERROR. _PG_init.
void install_core_allocator();

// The core's "should I stop" callback, answered from PostgreSQL's interrupt
// flags; guarded() then lets CHECK_FOR_INTERRUPTS raise the cancel.
core::StopCheck interrupt_check();

}  // namespace eventml::pg
