//===- AllocationTracker.h - Watch heap allocations in a test ---*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The importer tests watch the heap (AllocationTracker.cpp interposes malloc
// and operator new) so that a test can check what a reader allocates: an
// AllocationScope records, while it lives, the largest single request and
// how many requests reached a given size. Used to show that a corrupt count
// in a file never sizes an allocation and that a file is read into memory
// only once. Tests skip themselves where tracking is not supported.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_TEST_UNITTESTS_IMPORT_ALLOCATIONTRACKER_H
#define LIQUID_TEST_UNITTESTS_IMPORT_ALLOCATIONTRACKER_H

#include <cstddef>

namespace liquid::test {

/// Records operator new requests made while it is alive (one at a time).
class AllocationScope {
public:
  /// Requests of at least `largeBytes` are counted by numLarge().
  explicit AllocationScope(size_t largeBytes = ~size_t(0));
  ~AllocationScope();
  AllocationScope(const AllocationScope &) = delete;
  AllocationScope &operator=(const AllocationScope &) = delete;

  /// False where requests cannot be watched (non-glibc, AddressSanitizer).
  static bool supported();

  /// The largest single request so far.
  size_t largest() const;
  /// Requests of at least `largeBytes` so far.
  size_t numLarge() const;
};

} // namespace liquid::test

#endif // LIQUID_TEST_UNITTESTS_IMPORT_ALLOCATIONTRACKER_H
