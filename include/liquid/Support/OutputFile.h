//===- OutputFile.h - Write an output whole or not at all -------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// OutputFile writes one output so that a reader sees either the old file or
// the whole new one, and a failure, SIGINT, SIGTERM, SIGHUP, SIGKILL or a
// full disk leaves nothing behind. The bytes go to an unnamed O_TMPFILE file
// in the target's directory, which commit() links under a fresh name and
// renames over the target; where the filesystem has no O_TMPFILE, to a named
// TARGET.tmp-XXXXXX that a signal handler removes. Symbolic links are written
// through. Existing devices, FIFOs and sockets (/dev/null), and what a /proc
// link leads to (/dev/stdout), are written in place, a regular file there
// truncated. openRegularFile is the matching check for inputs.
//
// Process-wide effects: the first open() sets SIGXFSZ to SIG_IGN (over any
// handler: LLVM's tools install one that reports a crash), so that passing
// RLIMIT_FSIZE makes write() fail with EFBIG instead of killing the process. The first temporary name (a named temporary, or
// the name commit() gives an unnamed file just before the rename) installs a
// handler for SIGINT, SIGTERM and SIGHUP, where they are not ignored, that
// removes the names still registered (16 at most at once), restores the
// previous disposition and raises the signal again.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_SUPPORT_OUTPUTFILE_H
#define LIQUID_SUPPORT_OUTPUTFILE_H

#include <cstddef>
#include <string>

namespace liquid {

class OutputFile {
public:
  OutputFile() = default;
  OutputFile(const OutputFile &) = delete;
  OutputFile &operator=(const OutputFile &) = delete;
  /// Discards an output that was not committed.
  ~OutputFile();

  /// Prepares to write the file `path` names. Returns false and sets `error`
  /// to "PATH: cannot write output file: WHY" on failure.
  bool open(const std::string &path, std::string &error);
  /// The descriptor the bytes go to, for callers that wrap it in a stream;
  /// -1 when nothing is open.
  int fd() const { return descriptor; }
  /// Writes all `size` bytes, over partial writes and EINTR.
  bool write(const void *data, size_t size, std::string &error);
  /// Makes the output appear at the path; afterwards the object is empty.
  /// Fails, and discards, if an earlier write() failed.
  bool commit(std::string &error);
  /// Drops everything written and removes any temporary.
  void discard();

  /// Makes later open() calls use a named temporary as if the filesystem had
  /// no O_TMPFILE. For tests.
  static void forceNamedTemporaryForTesting(bool force);

private:
  enum class Kind { None, InPlace, Unnamed, Named };

  bool fail(const char *why, std::string &error);
  bool openTemporary(std::string &error);

  Kind kind = Kind::None;
  int descriptor = -1;
  int writeErrno = 0;    // the first write() failure
  int targetMode = -1;   // the permission bits of the file replaced, if any
  int slot = -1;         // tempPath's entry in the signal handler's table
  std::string path;      // as the caller gave it, for messages
  std::string target;    // `path` with its symbolic links followed
  std::string tempPath;  // the named temporary, for Kind::Named
};

/// Opens `path` for reading and checks it is a regular file, without blocking
/// on a FIFO (O_NONBLOCK until fstat has looked). Returns the descriptor, or
/// -1 and `error` = "PATH: cannot open: WHY", WHY "not a regular file" for a
/// directory, device, FIFO or socket.
int openRegularFile(const std::string &path, std::string &error);

} // namespace liquid

#endif // LIQUID_SUPPORT_OUTPUTFILE_H
