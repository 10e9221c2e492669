//===- OutputFile.cpp - Write an output whole or not at all ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// open() follows the path's symbolic links, then writes in place (devices,
// FIFOs, sockets, /proc links such as /dev/stdout) or to an O_TMPFILE file,
// or a named temporary, in the target's directory. commit() names an unnamed
// file with linkat through /proc/self/fd and renames that over the target.
//
//===----------------------------------------------------------------------===//

#include "liquid/Support/OutputFile.h"

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

using namespace liquid;

namespace {

std::atomic<bool> forceNamed{false};

std::string dirName(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

/// TARGET.tmp-XXXXXX, six random letters or digits.
std::string uniqueName(const std::string &target) {
  static std::atomic<uint64_t> counter{0};
  uint64_t x;
  if (getrandom(&x, sizeof(x), GRND_NONBLOCK) != ssize_t(sizeof(x)))
    x = (uint64_t(getpid()) << 32) + counter.fetch_add(1);
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string name = target + ".tmp-";
  for (int i = 0; i < 6; ++i, x /= 36)
    name += digits[x % 36];
  return name;
}

//===----------------------------------------------------------------------===//
// Named temporaries removed on SIGINT, SIGTERM and SIGHUP
//===----------------------------------------------------------------------===//

// A slot is Free, Busy while its path is copied in, and Ready once the
// handler may unlink it. Past kSlots names at once, the rest go unprotected.
constexpr int kSlots = 16;
enum SlotState : int { Free, Busy, Ready };
std::atomic<int> slotState[kSlots];
char slotPath[kSlots][PATH_MAX];
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction previousAction[NSIG];

void removeTemporaries(int sig) {
  int savedErrno = errno;
  for (int i = 0; i < kSlots; ++i)
    if (slotState[i].load() == Ready)
      unlink(slotPath[i]);
  sigaction(sig, &previousAction[sig], nullptr);
  raise(sig); // delivered, to the previous disposition, once this returns
  errno = savedErrno;
}

int registerTemporary(const std::string &path) {
  static const bool installed = [] {
    struct sigaction action = {};
    action.sa_handler = removeTemporaries;
    sigfillset(&action.sa_mask);
    for (int sig : kSignals) // a process that ignores a signal still does
      if (sigaction(sig, nullptr, &previousAction[sig]) == 0 &&
          previousAction[sig].sa_handler != SIG_IGN)
        sigaction(sig, &action, nullptr);
    return true;
  }();
  for (int i = 0; installed && path.size() < PATH_MAX && i < kSlots; ++i) {
    int expected = Free;
    if (slotState[i].compare_exchange_strong(expected, Busy)) {
      memcpy(slotPath[i], path.c_str(), path.size() + 1);
      slotState[i].store(Ready);
      return i;
    }
  }
  return -1;
}

/// Follows the symbolic links `path` ends in, as the kernel would, to the
/// name of the file they lead to, which need not exist. Stops at a link in
/// /proc, which only the kernel can follow (/proc/self/fd/1 reads
/// "pipe:[123]"), and sets `viaProc`. Returns 0 or an errno value.
int resolve(const std::string &path, std::string &target, bool &viaProc) {
  target = path;
  for (int links = 0;; ++links) {
    struct stat st;
    if (lstat(target.c_str(), &st) != 0)
      return errno == ENOENT ? 0 : errno;
    if (!S_ISLNK(st.st_mode))
      return 0;
    struct statfs fs;
    std::string dir = dirName(target);
    if (statfs(dir.c_str(), &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC) {
      viaProc = true;
      return 0;
    }
    if (links == 40)
      return ELOOP;
    char text[PATH_MAX];
    ssize_t n = readlink(target.c_str(), text, PATH_MAX);
    if (n < 0 || n == PATH_MAX)
      return n < 0 ? errno : ENAMETOOLONG;
    std::string next(text, size_t(n));
    target = next[0] == '/' ? next : dir + "/" + next;
  }
}

int openRetryingEINTR(const std::string &path, int flags) {
  int fd;
  do
    fd = ::open(path.c_str(), flags);
  while (fd < 0 && errno == EINTR);
  return fd;
}

} // namespace

OutputFile::~OutputFile() { discard(); }

void OutputFile::forceNamedTemporaryForTesting(bool force) {
  forceNamed.store(force);
}

bool OutputFile::fail(const char *why, std::string &error) {
  error = path + ": cannot write output file: " + why;
  discard();
  return false;
}

bool OutputFile::open(const std::string &userPath, std::string &error) {
  discard();
  path = userPath;
  // Past RLIMIT_FSIZE, write() then fails with EFBIG. Replaces a handler
  // too: LLVM's tools install one that reports a crash.
  [[maybe_unused]] static const bool ignoringSIGXFSZ =
      signal(SIGXFSZ, SIG_IGN) != SIG_ERR;
  bool viaProc = false;
  if (int err = path.empty() ? ENOENT : resolve(path, target, viaProc))
    return fail(strerror(err), error);
  struct stat st;
  bool exists = stat(target.c_str(), &st) == 0;
  if (!exists && errno != ENOENT)
    return fail(strerror(errno), error);
  if (exists ? S_ISDIR(st.st_mode) : target.back() == '/')
    return fail("is a directory", error);
  if (exists && (viaProc || !S_ISREG(st.st_mode))) {
    // A FIFO blocks here until it has a reader, as any writer's open does.
    descriptor = openRetryingEINTR(
        target, O_WRONLY | O_CLOEXEC | (S_ISREG(st.st_mode) ? O_TRUNC : 0));
    if (descriptor < 0)
      return fail(strerror(errno), error);
    kind = Kind::InPlace;
    return true;
  }
  targetMode = exists ? int(st.st_mode & 0777) : -1;
  return openTemporary(error);
}

bool OutputFile::openTemporary(std::string &error) {
  static const bool procMounted = access("/proc/self/fd", F_OK) == 0;
  if (procMounted && !forceNamed.load()) { // linkat needs /proc/self/fd
    descriptor = ::open(dirName(target).c_str(),
                        O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    kind = descriptor >= 0 ? Kind::Unnamed : Kind::None;
    if (descriptor < 0 && errno != EOPNOTSUPP && errno != EISDIR &&
        errno != EINVAL && errno != ENOENT)
      return fail(strerror(errno), error);
  }
  // Not mkstemp: its files are 0600 whatever the umask says.
  for (int tries = 0; descriptor < 0 && tries < 100; ++tries) {
    tempPath = uniqueName(target);
    descriptor = ::open(tempPath.c_str(),
                        O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
    kind = descriptor >= 0 ? Kind::Named : Kind::None;
    if (descriptor < 0 && errno != EEXIST)
      break;
  }
  if (descriptor < 0)
    return fail(strerror(errno), error);
  if (kind == Kind::Named)
    slot = registerTemporary(tempPath);
  if (targetMode >= 0 && fchmod(descriptor, mode_t(targetMode)) != 0)
    return fail(strerror(errno), error);
  return true;
}

bool OutputFile::write(const void *data, size_t size, std::string &error) {
  if (kind == Kind::None) {
    error = path + ": cannot write output file: no output is open";
    return false;
  }
  const char *bytes = static_cast<const char *>(data);
  while (size > 0 && writeErrno == 0) {
    ssize_t n = ::write(descriptor, bytes, size);
    if (n > 0) {
      bytes += n;
      size -= size_t(n);
    } else if (n == 0 || errno != EINTR) {
      writeErrno = n < 0 ? errno : EIO;
    }
  }
  if (writeErrno != 0)
    error = path + ": cannot write output file: " + strerror(writeErrno);
  return writeErrno == 0;
}

bool OutputFile::commit(std::string &error) {
  if (kind == Kind::None || writeErrno != 0)
    return fail(writeErrno ? strerror(writeErrno) : "no output is open", error);
  if (kind == Kind::Unnamed) {
    std::string self = "/proc/self/fd/" + std::to_string(descriptor);
    int err = EEXIST;
    for (int tries = 0; err == EEXIST && tries < 100; ++tries) {
      tempPath = uniqueName(target);
      err = linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tempPath.c_str(),
                   AT_SYMLINK_FOLLOW) == 0 ? 0 : errno;
    }
    if (err != 0)
      return fail(strerror(err), error);
    kind = Kind::Named;
    slot = registerTemporary(tempPath);
  }
  int fd = descriptor;
  descriptor = -1;
  if (close(fd) != 0 && errno != EINTR) // Linux closes it even on EINTR
    return fail(strerror(errno), error);
  if (kind == Kind::Named && rename(tempPath.c_str(), target.c_str()) != 0)
    return fail(strerror(errno), error);
  kind = Kind::None; // the temporary is the target now: nothing to remove
  discard();
  return true;
}

void OutputFile::discard() {
  if (descriptor >= 0)
    close(descriptor);
  if (kind == Kind::Named)
    unlink(tempPath.c_str());
  if (slot >= 0)
    slotState[slot].store(Free);
  kind = Kind::None;
  descriptor = slot = targetMode = -1;
  writeErrno = 0;
  target.clear();
  tempPath.clear();
}

int liquid::openRegularFile(const std::string &path, std::string &error) {
  int fd = openRetryingEINTR(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  int err = fd < 0 ? errno : 0;
  struct stat st;
  int flags = 0;
  const char *why = nullptr;
  if (err == ENXIO && stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode))
    why = "not a regular file"; // a socket refuses open() with ENXIO
  else if (err != 0 || fstat(fd, &st) != 0)
    why = strerror(err != 0 ? err : errno);
  else if (!S_ISREG(st.st_mode))
    why = "not a regular file";
  else if ((flags = fcntl(fd, F_GETFL)) < 0 ||
           fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
    why = strerror(errno);
  if (why == nullptr)
    return fd;
  if (fd >= 0)
    close(fd);
  error = path + ": cannot open: " + why;
  return -1;
}
