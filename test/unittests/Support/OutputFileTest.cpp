//===- OutputFileTest.cpp - Tests of OutputFile and openRegularFile -------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Each test works in a fresh directory under /tmp and looks at what is in it
// afterwards: the new file with its bytes and mode and nothing else, or
// nothing at all after a discard, a failure, SIGTERM, SIGINT or SIGKILL.
// The tests marked _P run twice, with the unnamed O_TMPFILE file and with the
// named temporary that filesystems without O_TMPFILE get. Devices, FIFOs,
// /dev/stdout and symbolic links must be written through, never replaced.
// Children are forked where a test needs a signal, a file size limit or
// another user; they carry an alarm so that a hang becomes a failure.
//
//===----------------------------------------------------------------------===//

#include "liquid/Support/OutputFile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace liquid;
namespace fs = std::filesystem;

namespace {

using Names = std::vector<std::string>;

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeFile(const std::string &path, const std::string &contents) {
  std::ofstream(path, std::ios::binary) << contents;
}

std::string readAll(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0)
    text.append(buffer, size_t(n));
  return text;
}

/// Bytes with zeros and every other value in them.
std::string pattern(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i)
    bytes[i] = char((i * 131) ^ (i >> 8));
  return bytes;
}

mode_t modeOf(const std::string &path) {
  struct stat st = {};
  lstat(path.c_str(), &st);
  return st.st_mode;
}

/// What the name is (lstat's type) and what it leads to (stat's inode and
/// device, and type).
using Identity = std::tuple<mode_t, mode_t, ino_t, dev_t>;
Identity identify(const std::string &path) {
  struct stat link = {}, file = {};
  lstat(path.c_str(), &link);
  stat(path.c_str(), &file);
  return {link.st_mode & S_IFMT, file.st_mode, file.st_ino, file.st_rdev};
}

/// Runs `body` in a child process; returns its exit code, or 1000 + the
/// signal that killed it.
int runInChild(const std::function<int()> &body) {
  pid_t pid = fork();
  if (pid == 0) {
    alarm(20);
    _exit(body());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

/// Forks a child that runs `setup` and then waits to be killed. Returns its
/// pid once `setup` has returned true, or -1 after reaping it.
pid_t startWaitingChild(const std::function<bool()> &setup) {
  int ready[2];
  if (pipe(ready) != 0)
    return -1;
  pid_t pid = fork();
  if (pid == 0) {
    close(ready[0]);
    alarm(20);
    if (!setup())
      _exit(1);
    char byte = 'r';
    if (write(ready[1], &byte, 1) != 1)
      _exit(2);
    for (;;)
      pause();
  }
  close(ready[1]);
  char byte;
  bool isReady = read(ready[0], &byte, 1) == 1;
  close(ready[0]);
  if (!isReady)
    waitpid(pid, nullptr, 0);
  return isReady ? pid : -1;
}

/// Sends `sig` to `pid` and returns the signal that ended it, or -1.
int killAndWait(pid_t pid, int sig) {
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) ? WTERMSIG(status) : -1;
}

class OutputFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    char name[] = "/tmp/liquid-outputfile-XXXXXX";
    ASSERT_NE(mkdtemp(name), nullptr) << strerror(errno);
    dir = name;
    oldUmask = umask(022);
  }
  void TearDown() override {
    umask(oldUmask);
    OutputFile::forceNamedTemporaryForTesting(false);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir);
  }

  std::string at(const std::string &name) const { return dir + "/" + name; }

  /// The names in `sub` (a directory under the test's), sorted.
  Names list(const std::string &sub = "") const {
    Names names;
    std::string path = sub.empty() ? dir : at(sub);
    for (const auto &entry : fs::directory_iterator(path))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  /// The device `system` and a link to it. Where the tests run as root, and
  /// a broken OutputFile could replace the system's device, a copy of it
  /// made here with mknod and a link to that come first.
  Names devicePaths(const std::string &system) {
    Names paths;
    struct stat st;
    if (geteuid() == 0 && stat(system.c_str(), &st) == 0 &&
        mknod(at("copy").c_str(), S_IFCHR | 0666, st.st_rdev) == 0 &&
        symlink("copy", at("copy-link").c_str()) == 0)
      paths = {at("copy"), at("copy-link")};
    EXPECT_EQ(symlink(system.c_str(), at("link").c_str()), 0);
    paths.push_back(system);
    paths.push_back(at("link"));
    return paths;
  }

  std::string dir;
  mode_t oldUmask = 0;
};

/// The tests that run with the unnamed temporary (false) and the named one.
class OutputFileModeTest : public OutputFileTest,
                           public ::testing::WithParamInterface<bool> {
protected:
  void SetUp() override {
    OutputFileTest::SetUp();
    OutputFile::forceNamedTemporaryForTesting(named());
  }
  bool named() const { return GetParam(); }

  /// Checks what an open output shows in the directory: nothing, or one
  /// named temporary beside `target`.
  void expectTemporaryOf(const std::string &target, Names others = {}) {
    Names names = list();
    Names temporaries;
    for (const std::string &name : names)
      if (name.rfind(target + ".tmp-", 0) == 0)
        temporaries.push_back(name);
    EXPECT_EQ(temporaries.size(), named() ? 1u : 0u);
    for (const std::string &name : temporaries)
      EXPECT_EQ(name.size(), target.size() + 11) << name;
    EXPECT_EQ(names.size(), temporaries.size() + others.size());
  }
};

//===----------------------------------------------------------------------===//
// Regular files
//===----------------------------------------------------------------------===//

// Tests that a new file appears only at commit(), whole, with the umask's
// mode, and that nothing else is left in the directory.
TEST_P(OutputFileModeTest, NewFileAppearsWithExactBytesAtCommit) {
  std::string bytes = pattern(300000), error;
  OutputFile out;
  ASSERT_TRUE(out.open(at("out"), error)) << error;
  EXPECT_GE(out.fd(), 0);
  ASSERT_TRUE(out.write(bytes.data(), 100000, error)) << error;
  ASSERT_TRUE(out.write(bytes.data() + 100000, 200000, error)) << error;
  expectTemporaryOf("out");
  EXPECT_FALSE(fs::exists(at("out")));
  ASSERT_TRUE(out.commit(error)) << error;
  EXPECT_EQ(out.fd(), -1);
  EXPECT_EQ(list(), Names{"out"});
  EXPECT_EQ(readFile(at("out")), bytes);
  EXPECT_EQ(modeOf(at("out")), mode_t(S_IFREG | 0644));
}

// Tests that an empty output still makes an (empty) file.
TEST_P(OutputFileModeTest, EmptyOutputMakesEmptyFile) {
  std::string error;
  OutputFile out;
  ASSERT_TRUE(out.open(at("out"), error)) << error;
  ASSERT_TRUE(out.commit(error)) << error;
  EXPECT_EQ(list(), Names{"out"});
  EXPECT_EQ(readFile(at("out")), "");
}

// Tests that an existing file keeps its contents until commit(), is then
// replaced by a new file (a reader that has it open still reads the old
// bytes), and that the new file gets the old one's permission bits.
TEST_P(OutputFileModeTest, ReplacesExistingFileAndKeepsItsMode) {
  writeFile(at("out"), "old contents");
  ASSERT_EQ(chmod(at("out").c_str(), 0640), 0);
  int reader = ::open(at("out").c_str(), O_RDONLY);
  ASSERT_GE(reader, 0);
  std::string error;
  OutputFile out;
  ASSERT_TRUE(out.open(at("out"), error)) << error;
  ASSERT_TRUE(out.write("new", 3, error)) << error;
  expectTemporaryOf("out", {"out"});
  EXPECT_EQ(readFile(at("out")), "old contents");
  ASSERT_TRUE(out.commit(error)) << error;
  EXPECT_EQ(list(), Names{"out"});
  EXPECT_EQ(readFile(at("out")), "new");
  EXPECT_EQ(modeOf(at("out")), mode_t(S_IFREG | 0640));
  EXPECT_EQ(readAll(reader), "old contents");
  close(reader);
}

// Tests that discard() removes everything and leaves an old file alone.
TEST_P(OutputFileModeTest, DiscardLeavesNothing) {
  std::string error;
  OutputFile out;
  ASSERT_TRUE(out.open(at("new"), error)) << error;
  ASSERT_TRUE(out.write("abc", 3, error)) << error;
  out.discard();
  EXPECT_EQ(out.fd(), -1);
  EXPECT_EQ(list(), Names{});
  EXPECT_FALSE(out.commit(error));
  EXPECT_EQ(error, at("new") + ": cannot write output file: no output is open");

  writeFile(at("old"), "old");
  ASSERT_TRUE(out.open(at("old"), error)) << error;
  ASSERT_TRUE(out.write("abc", 3, error)) << error;
  out.discard();
  EXPECT_EQ(list(), Names{"old"});
  EXPECT_EQ(readFile(at("old")), "old");
}

// Tests that an output destroyed without commit() leaves nothing.
TEST_P(OutputFileModeTest, DestructionWithoutCommitLeavesNothing) {
  std::string error;
  {
    OutputFile out;
    ASSERT_TRUE(out.open(at("out"), error)) << error;
    ASSERT_TRUE(out.write("abc", 3, error)) << error;
  }
  EXPECT_EQ(list(), Names{});
}

// Tests that one object can write one file after another, and that opening
// again drops what was not committed.
TEST_P(OutputFileModeTest, ObjectCanBeReused) {
  std::string error;
  OutputFile out;
  ASSERT_TRUE(out.open(at("a"), error)) << error;
  ASSERT_TRUE(out.write("a", 1, error) && out.commit(error)) << error;
  ASSERT_TRUE(out.open(at("b"), error)) << error;
  ASSERT_TRUE(out.write("b", 1, error)) << error;
  ASSERT_TRUE(out.open(at("c"), error)) << error;
  ASSERT_TRUE(out.write("c", 1, error) && out.commit(error)) << error;
  EXPECT_EQ(list(), (Names{"a", "c"}));
  EXPECT_EQ(readFile(at("a")) + readFile(at("c")), "ac");
}

//===----------------------------------------------------------------------===//
// Symbolic links
//===----------------------------------------------------------------------===//

// Tests that a chain of links (absolute, then relative) is written through:
// the file at its end is replaced, keeping its mode, and the links stay.
TEST_P(OutputFileModeTest, WritesThroughSymlinkChain) {
  writeFile(at("real"), "old");
  ASSERT_EQ(chmod(at("real").c_str(), 0600), 0);
  ASSERT_EQ(symlink("real", at("link").c_str()), 0);
  ASSERT_EQ(symlink(at("link").c_str(), at("outer").c_str()), 0);
  std::string error;
  OutputFile out;
  ASSERT_TRUE(out.open(at("outer"), error)) << error;
  ASSERT_TRUE(out.write("new", 3, error)) << error;
  expectTemporaryOf("real", {"link", "outer", "real"});
  ASSERT_TRUE(out.commit(error)) << error;
  EXPECT_EQ(list(), (Names{"link", "outer", "real"}));
  EXPECT_TRUE(S_ISLNK(modeOf(at("link"))));
  EXPECT_TRUE(S_ISLNK(modeOf(at("outer"))));
  EXPECT_EQ(fs::read_symlink(at("link")).string(), "real");
  EXPECT_EQ(readFile(at("real")), "new");
  EXPECT_EQ(modeOf(at("real")), mode_t(S_IFREG | 0600));
}

// Tests that a dangling relative link creates the file it names, relative
// to the link's own directory.
TEST_P(OutputFileModeTest, CreatesTargetOfDanglingRelativeLink) {
  ASSERT_EQ(mkdir(at("sub").c_str(), 0755), 0);
  ASSERT_EQ(symlink("../made", at("sub/link").c_str()), 0);
  std::string error;
  OutputFile out;
  ASSERT_TRUE(out.open(at("sub/link"), error)) << error;
  ASSERT_TRUE(out.write("made", 4, error) && out.commit(error)) << error;
  EXPECT_EQ(list(), (Names{"made", "sub"}));
  EXPECT_EQ(list("sub"), Names{"link"});
  EXPECT_TRUE(S_ISLNK(modeOf(at("sub/link"))));
  EXPECT_EQ(readFile(at("made")), "made");
}

// Tests that a loop of links is an error.
TEST_F(OutputFileTest, SymlinkLoopFails) {
  ASSERT_EQ(symlink("b", at("a").c_str()), 0);
  ASSERT_EQ(symlink("a", at("b").c_str()), 0);
  std::string error;
  OutputFile out;
  EXPECT_FALSE(out.open(at("a"), error));
  EXPECT_EQ(error, at("a") + ": cannot write output file: " + strerror(ELOOP));
  EXPECT_EQ(list(), (Names{"a", "b"}));
}

//===----------------------------------------------------------------------===//
// Devices, FIFOs and /dev/stdout
//===----------------------------------------------------------------------===//

// Tests that /dev/full is written in place and its ENOSPC reported, by
// write() and again by commit(), also through a link; it stays a device.
TEST_F(OutputFileTest, DevFullReportsNoSpace) {
  for (const std::string &path : devicePaths("/dev/full")) {
    SCOPED_TRACE(path);
    Identity before = identify(path);
    std::string error;
    OutputFile out;
    ASSERT_TRUE(out.open(path, error)) << error;
    EXPECT_FALSE(out.write("x", 1, error));
    std::string expected = path + ": cannot write output file: " +
                           strerror(ENOSPC);
    EXPECT_EQ(error, expected);
    error.clear();
    EXPECT_FALSE(out.commit(error));
    EXPECT_EQ(error, expected);
    ASSERT_EQ(identify(path), before); // stop before touching /dev/full
  }
}

// Tests that /dev/null takes anything, also through a link, and stays a
// device.
TEST_F(OutputFileTest, DevNullIsAccepted) {
  std::string bytes = pattern(100000);
  for (const std::string &path : devicePaths("/dev/null")) {
    SCOPED_TRACE(path);
    Identity before = identify(path);
    std::string error;
    OutputFile out;
    ASSERT_TRUE(out.open(path, error)) << error;
    ASSERT_TRUE(out.write(bytes.data(), bytes.size(), error)) << error;
    ASSERT_TRUE(out.commit(error)) << error;
    ASSERT_EQ(identify(path), before); // stop before touching /dev/null
  }
}

// Tests that a FIFO is written into, not replaced.
TEST_F(OutputFileTest, FifoIsWrittenInPlace) {
  ASSERT_EQ(mkfifo(at("fifo").c_str(), 0644), 0);
  int reader = ::open(at("fifo").c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  std::string error;
  OutputFile out;
  ASSERT_TRUE(out.open(at("fifo"), error)) << error;
  ASSERT_TRUE(out.write("through", 7, error) && out.commit(error)) << error;
  char text[16] = {};
  EXPECT_EQ(read(reader, text, sizeof(text)), 7);
  EXPECT_STREQ(text, "through");
  close(reader);
  EXPECT_EQ(list(), Names{"fifo"});
  EXPECT_TRUE(S_ISFIFO(modeOf(at("fifo"))));
}

// Tests that /dev/stdout reaches a pipe on descriptor 1, although the link
// in /proc it goes through reads "pipe:[N]".
TEST_F(OutputFileTest, DevStdoutReachesPipe) {
  // Through a link here, as below.
  ASSERT_EQ(symlink("/dev/stdout", at("stdout").c_str()), 0);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    alarm(20);
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::string error;
    OutputFile out;
    bool written = out.open(at("stdout"), error) &&
                   out.write("piped", 5, error) && out.commit(error);
    _exit(written ? 0 : 1);
  }
  close(fds[1]);
  EXPECT_EQ(readAll(fds[0]), "piped");
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(list(), Names{"stdout"});
  EXPECT_TRUE(S_ISLNK(modeOf(at("stdout"))));
}

// Tests that /dev/stdout redirected to a file writes that same file, not a
// new one renamed over it (or over /dev/stdout), truncating it first as
// fopen's "w" would.
TEST_F(OutputFileTest, DevStdoutReachesRedirectedFile) {
  writeFile(at("log"), "previous contents");
  struct stat before = {};
  ASSERT_EQ(stat(at("log").c_str(), &before), 0);
  // A link here to /dev/stdout: an OutputFile that renamed over the first
  // link it met would replace this one, not the system's.
  ASSERT_EQ(symlink("/dev/stdout", at("stdout").c_str()), 0);
  int status = runInChild([&] {
    int fd = ::open(at("log").c_str(), O_WRONLY);
    if (fd < 0 || dup2(fd, 1) != 1)
      return 2;
    std::string error;
    OutputFile out;
    bool written = out.open(at("stdout"), error) &&
                   out.write("log", 3, error) && out.commit(error);
    return written ? 0 : 1;
  });
  EXPECT_EQ(status, 0);
  struct stat after = {};
  ASSERT_EQ(stat(at("log").c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(readFile(at("log")), "log");
  EXPECT_EQ(list(), (Names{"log", "stdout"}));
  EXPECT_TRUE(S_ISLNK(modeOf(at("stdout"))));
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

// Tests that a directory, a link to one, or a path ending in '/', is refused.
TEST_F(OutputFileTest, DirectoryIsRefused) {
  ASSERT_EQ(symlink(dir.c_str(), at("link").c_str()), 0);
  for (std::string path : {dir, at("link"), at("new/")}) {
    std::string error;
    OutputFile out;
    EXPECT_FALSE(out.open(path, error));
    EXPECT_EQ(error, path + ": cannot write output file: is a directory");
  }
  EXPECT_EQ(list(), Names{"link"});
}

// Tests that a missing directory is reported as the OS says.
TEST_P(OutputFileModeTest, MissingDirectoryFails) {
  std::string error;
  OutputFile out;
  EXPECT_FALSE(out.open(at("missing/out"), error));
  EXPECT_EQ(error, at("missing/out") + ": cannot write output file: " +
                       strerror(ENOENT));
  EXPECT_FALSE(out.write("x", 1, error));
  EXPECT_EQ(list(), Names{});
}

// Tests that a directory the user may not write to is reported (EACCES), as
// another user where the tests run as root.
TEST_P(OutputFileModeTest, UnwritableDirectoryFails) {
  ASSERT_EQ(chmod(dir.c_str(), 0555), 0);
  int status = runInChild([&] {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
      return 77;
    std::string error;
    OutputFile out;
    bool opened = out.open(at("out"), error);
    return !opened && error == at("out") + ": cannot write output file: " +
                                   strerror(EACCES)
               ? 0
               : 1;
  });
  if (status == 77)
    GTEST_SKIP() << "cannot become another user";
  EXPECT_EQ(status, 0);
  EXPECT_EQ(list(), Names{});
}

// Tests that passing RLIMIT_FSIZE fails with EFBIG instead of SIGXFSZ
// killing the process, and that the failed output leaves nothing behind.
TEST_P(OutputFileModeTest, FileSizeLimitFailsAndLeavesNothing) {
  int status = runInChild([&] {
    struct rlimit limit = {4096, 4096};
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0)
      return 2;
    std::string bytes = pattern(20000), error;
    OutputFile out;
    if (!out.open(at("out"), error))
      return 3;
    struct sigaction action;
    if (sigaction(SIGXFSZ, nullptr, &action) != 0 ||
        action.sa_handler != SIG_IGN)
      return 4;
    std::string expected = at("out") + ": cannot write output file: " +
                           strerror(EFBIG);
    if (out.write(bytes.data(), bytes.size(), error) || error != expected)
      return 5;
    error.clear();
    return !out.commit(error) && error == expected ? 0 : 6;
  });
  EXPECT_EQ(status, 0) << "1000 + n: killed by signal n";
  EXPECT_EQ(std::string(strerror(EFBIG)), "File too large");
  EXPECT_EQ(list(), Names{});
}

//===----------------------------------------------------------------------===//
// Signals
//===----------------------------------------------------------------------===//

// Tests that SIGKILL while an unnamed output is open leaves nothing (a named
// temporary cannot survive that; the fallback exists only for filesystems
// without O_TMPFILE).
TEST_F(OutputFileTest, SigkillLeavesNothing) {
  pid_t pid = startWaitingChild([&] {
    std::string bytes = pattern(1 << 20), error;
    auto *out = new OutputFile; // alive until the kill
    return out->open(at("out"), error) &&
           out->write(bytes.data(), bytes.size(), error);
  });
  ASSERT_GT(pid, 0);
  EXPECT_EQ(list(), Names{});
  EXPECT_EQ(killAndWait(pid, SIGKILL), SIGKILL);
  EXPECT_EQ(list(), Names{});
}

// Tests that SIGTERM while an output is open leaves nothing; the process
// still dies of SIGTERM.
TEST_P(OutputFileModeTest, SigtermLeavesNothing) {
  pid_t pid = startWaitingChild([&] {
    std::string bytes = pattern(1 << 20), error;
    auto *out = new OutputFile;
    return out->open(at("out"), error) &&
           out->write(bytes.data(), bytes.size(), error);
  });
  ASSERT_GT(pid, 0);
  expectTemporaryOf("out");
  EXPECT_EQ(killAndWait(pid, SIGTERM), SIGTERM);
  EXPECT_EQ(list(), Names{});
}

// Tests that SIGINT while replacing a file removes the temporary and leaves
// the old file as it was.
TEST_P(OutputFileModeTest, SigintKeepsOldFile) {
  struct sigaction current;
  ASSERT_EQ(sigaction(SIGINT, nullptr, &current), 0);
  if (current.sa_handler == SIG_IGN)
    GTEST_SKIP() << "SIGINT is ignored (started in the background?)";
  writeFile(at("out"), "old");
  pid_t pid = startWaitingChild([&] {
    std::string error;
    auto *out = new OutputFile;
    return out->open(at("out"), error) && out->write("new", 3, error);
  });
  ASSERT_GT(pid, 0);
  expectTemporaryOf("out", {"out"});
  EXPECT_EQ(killAndWait(pid, SIGINT), SIGINT);
  EXPECT_EQ(list(), Names{"out"});
  EXPECT_EQ(readFile(at("out")), "old");
}

// Tests that several named temporaries at once are all removed on SIGTERM.
TEST_F(OutputFileTest, SigtermRemovesEveryNamedTemporary) {
  OutputFile::forceNamedTemporaryForTesting(true);
  pid_t pid = startWaitingChild([&] {
    std::string error;
    for (const char *name : {"a", "b", "c"}) {
      auto *out = new OutputFile;
      if (!out->open(at(name), error) || !out->write(name, 1, error))
        return false;
    }
    return true;
  });
  ASSERT_GT(pid, 0);
  EXPECT_EQ(list().size(), 3u);
  EXPECT_EQ(killAndWait(pid, SIGTERM), SIGTERM);
  EXPECT_EQ(list(), Names{});
}

INSTANTIATE_TEST_SUITE_P(Temporaries, OutputFileModeTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool> &info) {
                           return info.param ? "Named" : "Unnamed";
                         });

//===----------------------------------------------------------------------===//
// openRegularFile
//===----------------------------------------------------------------------===//

// Tests that a regular file opens, blocking, and a link to one too.
TEST_F(OutputFileTest, OpenRegularFileOpensRegularFile) {
  writeFile(at("in"), "input");
  ASSERT_EQ(symlink("in", at("link").c_str()), 0);
  for (std::string path : {at("in"), at("link")}) {
    std::string error;
    int fd = openRegularFile(path, error);
    ASSERT_GE(fd, 0) << error;
    EXPECT_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    EXPECT_NE(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
    EXPECT_EQ(readAll(fd), "input");
    close(fd);
  }
}

// Tests that a FIFO with no writer is refused at once, not waited on.
TEST_F(OutputFileTest, OpenRegularFileRefusesFifoWithoutBlocking) {
  ASSERT_EQ(mkfifo(at("fifo").c_str(), 0644), 0);
  std::string error;
  alarm(10); // a hang would end the test program with SIGALRM
  int fd = openRegularFile(at("fifo"), error);
  alarm(0);
  EXPECT_EQ(fd, -1);
  EXPECT_EQ(error, at("fifo") + ": cannot open: not a regular file");
}

// Tests that directories, devices and sockets are refused, and a missing
// file reported as the OS says.
TEST_F(OutputFileTest, OpenRegularFileRefusesOthers) {
  int sock = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un address = {};
  address.sun_family = AF_UNIX;
  std::string socketPath = at("socket");
  ASSERT_LT(socketPath.size(), sizeof(address.sun_path));
  socketPath.copy(address.sun_path, socketPath.size());
  ASSERT_EQ(bind(sock, reinterpret_cast<sockaddr *>(&address),
                 sizeof(address)),
            0);
  for (std::string path : {dir, std::string("/dev/null"), socketPath}) {
    std::string error;
    EXPECT_EQ(openRegularFile(path, error), -1);
    EXPECT_EQ(error, path + ": cannot open: not a regular file");
  }
  close(sock);
  std::string error;
  EXPECT_EQ(openRegularFile(at("missing"), error), -1);
  EXPECT_EQ(error, at("missing") + ": cannot open: " + strerror(ENOENT));
}

} // namespace
