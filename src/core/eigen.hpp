// Eigen, with its assertions turned into core errors. Every core file that
// uses Eigen includes this header instead of Eigen's: eigen_assert must be
// defined before Eigen is first included in a translation unit, and an
// assertion failure (reachable with a crafted state) must become an error at
// the boundary, never abort the server process.
#pragma once

#ifdef EIGEN_CORE_H
#error "include eigen.hpp before any Eigen header"
#endif

#include "error.hpp"

#define eigen_assert(condition)                                                             \
    do {                                                                                    \
        if (!(condition))                                                                   \
            eventml::core::fail(eventml::core::ErrorKind::CorruptState,                     \
                                "a numerical routine rejected the state (%s)", #condition); \
    } while (false)
#include <Eigen/Dense>
