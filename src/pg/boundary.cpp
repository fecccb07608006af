#include "boundary.hpp"

#include "memory.hpp"

#include <cstdio>
#include <new>

extern "C" {
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/elog.h"
}


namespace eventml::pg {
namespace {

void record(Failure& failure, int sqlstate, const char* message) {
    failure.set = true;
    failure.sqlstate = sqlstate;
    std::snprintf(failure.message, sizeof failure.message, "%s", message);
}

int sqlstate_of(core::ErrorKind kind) {
    switch (kind) {
        case core::ErrorKind::InvalidValue: return ERRCODE_INVALID_PARAMETER_VALUE;
        case core::ErrorKind::InvalidPattern: return ERRCODE_INVALID_REGULAR_EXPRESSION;
        case core::ErrorKind::ArrayShape: return ERRCODE_ARRAY_SUBSCRIPT_ERROR;
        case core::ErrorKind::LimitExceeded: return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
        case core::ErrorKind::CorruptState: return ERRCODE_INVALID_BINARY_REPRESENTATION;
        case core::ErrorKind::Cancelled: return ERRCODE_QUERY_CANCELED;
    }
    return ERRCODE_INTERNAL_ERROR;
}

bool stop_requested() { return InterruptPending && (QueryCancelPending || ProcDiePending); }

}  // namespace

void capture(Failure& failure) noexcept {
    try {
        throw;
    } catch (const core::Error& e) {
        record(failure, sqlstate_of(e.kind()), e.what());
        failure.hint = e.hint();
        failure.cancelled = e.kind() == core::ErrorKind::Cancelled;
    } catch (const std::bad_alloc&) {
        record(failure, ERRCODE_OUT_OF_MEMORY, "out of memory");
    } catch (const std::exception& e) {
        record(failure, ERRCODE_INTERNAL_ERROR, e.what());
    } catch (...) {
        record(failure, ERRCODE_INTERNAL_ERROR, "unknown C++ exception");
    }
}

void raise(const char* function, const Failure& failure) {
    if (failure.cancelled) {
        CHECK_FOR_INTERRUPTS();
        // The interrupt was consumed without an error (rare): still stop.
        ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED), errmsg("%s: canceled", function)));
    }
    ereport(ERROR, (errcode(failure.sqlstate), errmsg("%s: %s", function, failure.message),
                    failure.hint != nullptr ? errhint("%s", failure.hint) : 0));
    pg_unreachable();
}

void install_core_allocator() {
    core::install_allocator(core::Allocator{
        [](std::size_t bytes) -> void* {
            // An invalid size would raise an ERROR; it is a failure to allocate.
            if (!AllocHugeSizeIsValid(bytes)) return nullptr;
            return MemoryContextAllocExtended(CurrentMemoryContext, bytes, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
        },
        [](void* block, std::size_t bytes) -> void* {
            // repalloc_huge without its ERROR: PostgreSQL 15 has no NO_OOM
            // repalloc (16's repalloc_extended), and its context method
            // returns NULL, leaving the block intact, when it cannot grow it.
            // A large block grows in place (realloc), with no copy and no new
            // pages to fault in: a state's rows are not moved at each doubling.
            if (!AllocHugeSizeIsValid(bytes)) return nullptr;
            MemoryContext context = GetMemoryChunkContext(block);
            return context->methods->realloc(context, block, bytes);
        },
        [](void* block) { pfree(block); }});
}

core::StopCheck interrupt_check() { return core::StopCheck(&stop_requested); }

}  // namespace eventml::pg
