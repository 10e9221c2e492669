//===- AllocationTracker.cpp - Watch heap allocations in a test -----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Feeds the active AllocationScope from every heap request of the process.
// On glibc, malloc, calloc and realloc are interposed and forward to glibc's
// own __libc_* entry points, so the heap stays glibc's and free() needs no
// replacement; this catches LLVM, which allocates MemoryBuffer copies with
// malloc. Every form of operator new is replaced on top of them. Elsewhere,
// and under AddressSanitizer (which owns malloc), nothing is tracked and
// AllocationScope::supported() is false.
//
//===----------------------------------------------------------------------===//

#include "AllocationTracker.h"

#include "llvm/Support/ErrorHandling.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LIQUID_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define LIQUID_TEST_ASAN 1
#endif
#if defined(__GLIBC__) && !defined(LIQUID_TEST_ASAN)
#define LIQUID_TEST_TRACK_ALLOCATIONS 1
#endif

namespace {
std::atomic<bool> tracking{false};
std::atomic<size_t> largestRequest{0};
std::atomic<size_t> largeThreshold{~size_t(0)};
std::atomic<size_t> largeRequests{0};

// Unused where nothing is tracked (under ASan).
[[maybe_unused]] void record(size_t size) {
  if (!tracking.load(std::memory_order_relaxed))
    return;
  size_t prev = largestRequest.load(std::memory_order_relaxed);
  while (size > prev && !largestRequest.compare_exchange_weak(
                            prev, size, std::memory_order_relaxed))
    ;
  if (size >= largeThreshold.load(std::memory_order_relaxed))
    largeRequests.fetch_add(1, std::memory_order_relaxed);
}
} // namespace

#ifdef LIQUID_TEST_TRACK_ALLOCATIONS
extern "C" {
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *p, size_t size);

void *malloc(size_t size) noexcept {
  record(size);
  return __libc_malloc(size);
}
void *calloc(size_t count, size_t size) noexcept {
  record(count * size);
  return __libc_calloc(count, size);
}
void *realloc(void *p, size_t size) noexcept {
  record(size);
  return __libc_realloc(p, size);
}
} // extern "C"

namespace {
void *allocateAligned(size_t size, std::align_val_t align) noexcept {
  record(size);
  size_t a = std::max(static_cast<size_t>(align), sizeof(void *));
  void *p = nullptr;
  return posix_memalign(&p, a, size ? size : 1) == 0 ? p : nullptr;
}

[[noreturn]] void outOfMemory() {
  // Built without exceptions: fail as LLVM's own allocators do.
  llvm::report_bad_alloc_error("AllocationTracker: out of memory");
}
} // namespace

// Every form, so that each pairs with a delete below that frees with free().
void *operator new(size_t size) {
  if (void *p = std::malloc(size ? size : 1))
    return p;
  outOfMemory();
}
void *operator new[](size_t size) { return operator new(size); }
void *operator new(size_t size, const std::nothrow_t &) noexcept {
  return std::malloc(size ? size : 1);
}
void *operator new[](size_t size, const std::nothrow_t &) noexcept {
  return std::malloc(size ? size : 1);
}
void *operator new(size_t size, std::align_val_t align) {
  if (void *p = allocateAligned(size, align))
    return p;
  outOfMemory();
}
void *operator new[](size_t size, std::align_val_t align) {
  return operator new(size, align);
}
void *operator new(size_t size, std::align_val_t align,
                   const std::nothrow_t &) noexcept {
  return allocateAligned(size, align);
}
void *operator new[](size_t size, std::align_val_t align,
                     const std::nothrow_t &) noexcept {
  return allocateAligned(size, align);
}

void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, size_t) noexcept { std::free(p); }
void operator delete[](void *p, size_t) noexcept { std::free(p); }
void operator delete(void *p, const std::nothrow_t &) noexcept { std::free(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept {
  std::free(p);
}
void operator delete(void *p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void *p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void *p, size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void *p, size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void *p, std::align_val_t,
                     const std::nothrow_t &) noexcept {
  std::free(p);
}
void operator delete[](void *p, std::align_val_t,
                       const std::nothrow_t &) noexcept {
  std::free(p);
}
#endif // LIQUID_TEST_TRACK_ALLOCATIONS

using liquid::test::AllocationScope;

bool AllocationScope::supported() {
#ifdef LIQUID_TEST_TRACK_ALLOCATIONS
  return true;
#else
  return false;
#endif
}

AllocationScope::AllocationScope(size_t largeBytes) {
  largestRequest = 0;
  largeRequests = 0;
  largeThreshold = largeBytes;
  tracking = true;
}

AllocationScope::~AllocationScope() { tracking = false; }

size_t AllocationScope::largest() const { return largestRequest; }
size_t AllocationScope::numLarge() const { return largeRequests; }
