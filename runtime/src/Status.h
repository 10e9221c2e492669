//===- Status.h - Status codes and the thread's last error ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Internal error reporting: every failing path records a printf-style
// message for the calling thread (read back by lq_last_error) and returns
// its status, so call sites read `return fail(LQ_ERROR_IO, "...", ...)`.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_STATUS_H
#define LIQUID_RUNTIME_STATUS_H

#include "liquid/runtime.h"

namespace liquid::runtime {

/// Records the formatted message as this thread's last error; returns
/// `status` unchanged.
lq_status fail(lq_status status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

} // namespace liquid::runtime

/// Returns from the enclosing function when `expr` is not LQ_OK.
#define LQ_RETURN_IF_ERROR(expr)                                               \
  do {                                                                         \
    lq_status lq_status_ = (expr);                                             \
    if (lq_status_ != LQ_OK)                                                   \
      return lq_status_;                                                       \
  } while (0)

#endif // LIQUID_RUNTIME_STATUS_H
