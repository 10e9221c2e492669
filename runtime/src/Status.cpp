//===- Status.cpp - Status names and the thread's last error --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements lq_status_string, lq_last_error and fail(). The
// message lives in a fixed thread-local buffer, so reporting an error never
// allocates; long messages are cut at the buffer's end.
//
//===----------------------------------------------------------------------===//

#include "Status.h"

#include <cstdarg>
#include <cstdio>

namespace {
thread_local char lastError[2048];
} // namespace

lq_status liquid::runtime::fail(lq_status status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(lastError, sizeof(lastError), format, args);
  va_end(args);
  return status;
}

extern "C" const char *lq_status_string(lq_status status) {
  switch (status) {
  case LQ_OK:
    return "ok";
  case LQ_ERROR_IO:
    return "i/o error";
  case LQ_ERROR_INVALID_ARTIFACT:
    return "invalid artifact";
  case LQ_ERROR_VERSION:
    return "unsupported format version";
  case LQ_ERROR_TARGET:
    return "no target for this machine";
  case LQ_ERROR_CODE:
    return "code loading failed";
  case LQ_ERROR_INVALID_ARGUMENT:
    return "invalid argument";
  case LQ_ERROR_CONTEXT_FULL:
    return "context full";
  case LQ_ERROR_OUT_OF_MEMORY:
    return "out of memory";
  case LQ_ERROR_UNSUPPORTED:
    return "not in this artifact";
  default:
    return "unknown status";
  }
}

extern "C" const char *lq_last_error(void) { return lastError; }
