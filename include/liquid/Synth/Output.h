//===- Output.h - Atomic output files and progress reports ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The pieces that make liquid-synth's output all-or-nothing: a file written
// to an unnamed temporary file in the target's directory and renamed over
// the target on commit (liquid/Support/OutputFile.h: nothing left behind
// even on SIGKILL; symbolic links written through), and a temporary
// directory that replaces the target directory the same way. Anything not
// committed is removed when the object dies (temporary directories also on
// a fatal signal). Progress prints a line
// on stderr at every tenth of a long write.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_SYNTH_OUTPUT_H
#define LIQUID_SYNTH_OUTPUT_H

#include "liquid/Support/OutputFile.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace liquid::synth {

/// A file that becomes `target` only on commit().
class AtomicFile {
public:
  static llvm::Expected<std::unique_ptr<AtomicFile>> create(llvm::StringRef target);
  ~AtomicFile();
  llvm::raw_fd_ostream &os() { return *stream; }
  /// Flushes, checks for write errors and renames onto the target.
  llvm::Error commit();

private:
  AtomicFile() = default;
  std::string target;
  OutputFile file;
  std::unique_ptr<llvm::raw_fd_ostream> stream;
};

/// A fresh directory next to `target` that replaces it on commit(). An
/// existing target is replaced only if it holds nothing but files a
/// checkpoint writer writes; otherwise commit() refuses.
class AtomicDirectory {
public:
  static llvm::Expected<std::unique_ptr<AtomicDirectory>>
  create(llvm::StringRef target);
  ~AtomicDirectory();
  llvm::StringRef path() const { return tempPath; }
  /// The path of a new file `name` inside the directory, registered for
  /// removal should the process die on a signal before commit().
  std::string newFile(llvm::StringRef name);
  /// Writes `contents` to `name` inside the directory.
  llvm::Error writeFile(llvm::StringRef name, llvm::StringRef contents);
  llvm::Error commit();

private:
  AtomicDirectory(std::string target, std::string tempPath)
      : target(std::move(target)), tempPath(std::move(tempPath)) {}
  void forgetFiles();
  std::string target, tempPath;
  std::vector<std::string> files;
  bool committed = false;
};

/// Checks that `target` may be replaced by a checkpoint directory; an error
/// names why not.
llvm::Error checkReplaceableDirectory(llvm::StringRef target);

/// Percent-progress lines on stderr for writes of `total` bytes.
class Progress {
public:
  Progress(std::string what, uint64_t total, bool enabled);
  void advance(uint64_t bytes);
  /// The closing line ("wrote X (N GiB) in S s"), if enabled.
  void finish();

private:
  std::string what;
  uint64_t total, done = 0;
  int nextTenth = 1;
  bool enabled;
  std::chrono::steady_clock::time_point start;
};

/// "<path>: <what>: <why>" as an llvm::Error.
llvm::Error fileError(llvm::StringRef path, llvm::StringRef what,
                      llvm::StringRef why);

} // namespace liquid::synth

#endif // LIQUID_SYNTH_OUTPUT_H
