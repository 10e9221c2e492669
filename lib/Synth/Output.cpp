//===- Output.cpp - Atomic output files and progress reports --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Files go through liquid::OutputFile (an unnamed temporary file, linked
// and renamed on commit). A temporary directory replaces its target by
// two renames: the old target aside, the new one in, then the old one is
// deleted; only directories that hold checkpoint files alone are replaced,
// so a mistyped -o never deletes anything else.
//
//===----------------------------------------------------------------------===//

#include "liquid/Synth/Output.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/Signals.h"

#include <csignal>
#include <cstring>
#include <unistd.h>

using namespace liquid;
using namespace liquid::synth;
namespace fs = llvm::sys::fs;

llvm::Error liquid::synth::fileError(llvm::StringRef path, llvm::StringRef what,
                                     llvm::StringRef why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (path + ": " + what + ": " + why).str());
}

//===----------------------------------------------------------------------===//
// AtomicFile
//===----------------------------------------------------------------------===//

AtomicFile::~AtomicFile() { stream.reset(); }

llvm::Expected<std::unique_ptr<AtomicFile>>
AtomicFile::create(llvm::StringRef target) {
  std::unique_ptr<AtomicFile> out(new AtomicFile());
  out->target = target.str();
  std::string error;
  if (!out->file.open(out->target, error))
    return llvm::createStringError(llvm::inconvertibleErrorCode(), error);
  out->stream = std::make_unique<llvm::raw_fd_ostream>(out->file.fd(),
                                                       /*shouldClose=*/false);
  return std::move(out);
}

llvm::Error AtomicFile::commit() {
  stream->flush();
  if (stream->has_error()) {
    std::string why = stream->error().message();
    stream->clear_error();
    return fileError(target, "cannot write output file", why);
  }
  stream.reset();
  std::string error;
  if (!file.commit(error))
    return llvm::createStringError(llvm::inconvertibleErrorCode(), error);
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// AtomicDirectory
//===----------------------------------------------------------------------===//

static bool isCheckpointFileName(llvm::StringRef name) {
  static const llvm::Regex shard("^model-[0-9]+-of-[0-9]+\\.safetensors$");
  return name == "config.json" || name == "generation_config.json" ||
         name == "tokenizer.json" || name == "tokenizer_config.json" ||
         name == "special_tokens_map.json" || name == "model.safetensors" ||
         name == "model.safetensors.index.json" || shard.match(name);
}

llvm::Error liquid::synth::checkReplaceableDirectory(llvm::StringRef target) {
  if (!fs::exists(target))
    return llvm::Error::success();
  if (!fs::is_directory(target))
    return fileError(target, "cannot write checkpoint directory",
                     "a file of that name exists");
  std::error_code ec;
  for (fs::directory_iterator it(target, ec), end; it != end && !ec;
       it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (it->type() != fs::file_type::regular_file ||
        !isCheckpointFileName(name))
      return fileError(target, "cannot replace directory",
                       "it holds '" + name.str() +
                           "', which is not a checkpoint file; remove it "
                           "first");
  }
  if (ec)
    return fileError(target, "cannot read directory", ec.message());
  return llvm::Error::success();
}

/// The temporary directory to remove if the user interrupts the program. The
/// files in it are removed first by LLVM's signal handler, so rmdir (which
/// is async-signal-safe) suffices; then we end as if by SIGINT.
static char interruptDir[4096];

static void removeDirOnInterrupt() {
  if (interruptDir[0])
    ::rmdir(interruptDir);
  ::signal(SIGINT, SIG_DFL);
  ::raise(SIGINT);
}

llvm::Expected<std::unique_ptr<AtomicDirectory>>
AtomicDirectory::create(llvm::StringRef target) {
  if (llvm::Error err = checkReplaceableDirectory(target))
    return err;
  for (int attempt = 0;; ++attempt) {
    llvm::SmallString<256> temp;
    fs::createUniquePath(target + ".tmp-%%%%%%", temp, /*MakeAbsolute=*/false);
    std::error_code ec = fs::create_directory(temp, /*IgnoreExisting=*/false,
                                               fs::perms::all_all);
    if (!ec) {
      if (temp.size() < sizeof(interruptDir)) {
        std::memcpy(interruptDir, temp.c_str(), temp.size() + 1);
        llvm::sys::SetInterruptFunction(removeDirOnInterrupt);
      }
      return std::unique_ptr<AtomicDirectory>(
          new AtomicDirectory(target.str(), temp.str().str()));
    }
    if (ec != std::errc::file_exists || attempt == 100)
      return fileError(target, "cannot create output directory", ec.message());
  }
}

AtomicDirectory::~AtomicDirectory() {
  if (!committed)
    fs::remove_directories(tempPath);
  forgetFiles();
}

void AtomicDirectory::forgetFiles() {
  llvm::sys::SetInterruptFunction(nullptr);
  interruptDir[0] = 0;
  for (const std::string &f : files)
    llvm::sys::DontRemoveFileOnSignal(f);
  files.clear();
}

std::string AtomicDirectory::newFile(llvm::StringRef name) {
  llvm::SmallString<256> path(tempPath);
  llvm::sys::path::append(path, name);
  files.push_back(path.str().str());
  llvm::sys::RemoveFileOnSignal(path);
  return files.back();
}

llvm::Error AtomicDirectory::writeFile(llvm::StringRef name,
                                       llvm::StringRef contents) {
  std::string path = newFile(name);
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (!ec) {
    os << contents;
    os.close();
    if (os.has_error()) {
      ec = os.error();
      os.clear_error();
    }
  }
  if (ec)
    return fileError((target + "/" + name).str(), "cannot write file",
                     ec.message());
  return llvm::Error::success();
}

llvm::Error AtomicDirectory::commit() {
  std::string old;
  if (fs::exists(target)) {
    // Checked again: the directory may have changed while we wrote.
    if (llvm::Error err = checkReplaceableDirectory(target))
      return err;
    llvm::SmallString<256> aside;
    fs::createUniquePath(target + ".old-%%%%%%", aside, false);
    if (std::error_code ec = fs::rename(target, aside))
      return fileError(target, "cannot move old directory aside",
                       ec.message());
    old = aside.str().str();
  }
  if (std::error_code ec = fs::rename(tempPath, target)) {
    if (!old.empty())
      (void)fs::rename(old, target);
    return fileError(target, "cannot rename output into place", ec.message());
  }
  committed = true;
  forgetFiles();
  if (!old.empty())
    fs::remove_directories(old);
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Progress
//===----------------------------------------------------------------------===//

static constexpr uint64_t kProgressThreshold = uint64_t(256) << 20;

Progress::Progress(std::string what, uint64_t total, bool enabled)
    : what(std::move(what)), total(total),
      enabled(enabled && total >= kProgressThreshold),
      start(std::chrono::steady_clock::now()) {}

static double gib(uint64_t bytes) { return bytes / double(uint64_t(1) << 30); }

void Progress::advance(uint64_t bytes) {
  done += bytes;
  if (!enabled)
    return;
  while (nextTenth < 10 && done * 10 >= total * nextTenth) {
    llvm::errs() << "liquid-synth: " << what << ": " << nextTenth * 10 << "% ("
                 << llvm::format("%.2f of %.2f GiB", gib(done), gib(total))
                 << ")\n";
    ++nextTenth;
  }
}

void Progress::finish() {
  if (!enabled)
    return;
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  llvm::errs() << "liquid-synth: wrote " << what << " ("
               << llvm::format("%.2f GiB in %.1f s", gib(total), seconds)
               << ")\n";
}
