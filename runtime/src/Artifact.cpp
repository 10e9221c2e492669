//===- Artifact.cpp - Map and verify a .lqm artifact ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements MappedFile (open + fstat + read-only mmap) and
// verifyArtifact. The checks run in the order a reader needs them: the size
// and identifier (is this an artifact at all), the size prefix (is the table
// all there), the flatbuffers Verifier (is every table offset in range), the
// format version, and then what the Verifier cannot know: that segments are
// aligned and inside the file, that every index in the schedule names
// something that exists, and that the entry points the runtime calls are
// present with the token counts it relies on. All arithmetic on offsets from
// the file is overflow-checked.
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"

#include "Status.h"
#include "Tokenizer.h"
#include "liquid/format.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace liquid::runtime;
namespace lqm = liquid::lqm;

using ull = unsigned long long;

MappedFile::~MappedFile() {
  if (addr)
    munmap(addr, length);
}

lq_status MappedFile::open(const char *path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused
  // below like every other file that is not a regular one.
  int fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return fail(LQ_ERROR_IO, "%s: cannot open: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return fail(LQ_ERROR_IO, "%s: cannot stat: %s", path, strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return fail(LQ_ERROR_IO, "%s: cannot open: not a regular file", path);
  }
  length = static_cast<uint64_t>(st.st_size);
  if (length > 0) {
    void *p = mapAligned(fd, length);
    if (p == MAP_FAILED) {
      int err = errno;
      close(fd);
      length = 0;
      return fail(LQ_ERROR_IO, "%s: cannot map: %s", path, strerror(err));
    }
    addr = p;
  }
  close(fd);
  return LQ_OK;
}

void *MappedFile::mapAligned(int fd, uint64_t size) {
  // At an address that is a multiple of 2 MiB, file offset 0 included, the
  // kernel can map the page cache's large folios with huge pages: a few
  // faults per 2 MiB instead of one per 4 KiB page when the weights are
  // first touched, and fewer TLB misses while decode streams them. A
  // reservation one alignment larger is trimmed around the mapping.
  const uint64_t huge = uint64_t(2) << 20;
  void *reserved = mmap(nullptr, size + huge, PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (reserved == MAP_FAILED)
    return mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  uintptr_t start = reinterpret_cast<uintptr_t>(reserved);
  uintptr_t aligned = (start + huge - 1) & ~(huge - 1);
  void *p = mmap(reinterpret_cast<void *>(aligned), size, PROT_READ,
                 MAP_PRIVATE | MAP_FIXED, fd, 0);
  if (p == MAP_FAILED) {
    munmap(reserved, size + huge);
    return MAP_FAILED;
  }
  if (aligned > start)
    munmap(reserved, aligned - start);
  uintptr_t end = aligned + ((size + 4095) & ~uint64_t(4095));
  if (start + size + huge > end)
    munmap(reinterpret_cast<void *>(end), start + size + huge - end);
#ifdef MADV_HUGEPAGE
  madvise(p, size, MADV_HUGEPAGE); // A hint; failure changes nothing.
#endif
  return p;
}

namespace {

/// The checks past the flatbuffers Verifier, with the context messages need.
class Checker {
public:
  Checker(const char *name, ArtifactView &view)
      : name(name), view(view), artifact(*view.artifact) {}

  lq_status run();

private:
  lq_status checkSegment(const lqm::Segment &segment, const char *label);
  lq_status checkState(const lqm::StateBuffer &state);
  lq_status checkEntryPoint(const lqm::EntryPoint &entry);
  lq_status checkDistinct(const lqm::EntryPoint &entry, unsigned dispatch,
                          const flatbuffers::Vector<const lqm::Binding *> &bindings);
  lq_status checkBinding(const lqm::EntryPoint &entry, unsigned dispatch,
                         unsigned index, const lqm::Binding &binding);
  lq_status invalid(const char *what, const char *why);

  const char *name;
  ArtifactView &view;
  const lqm::Artifact &artifact;
};

template <typename T> uint32_t count(const flatbuffers::Vector<T> *vector) {
  return vector ? vector->size() : 0;
}

/// Whether the elements of `vector` sit at addresses their type may be read
/// at: the flatbuffers Verifier checks 4-byte alignment only, and 8-byte
/// elements (int64, Binding) may be moved to a multiple of 4 in a damaged
/// table.
template <typename T> bool aligned(const flatbuffers::Vector<T> *vector) {
  return !vector ||
         reinterpret_cast<uintptr_t>(vector->Data()) % alignof(T) == 0;
}

/// Bytes per element of the types a state buffer may hold; 0 for others.
uint64_t stateElementBytes(lqm::ElementType type) {
  switch (type) {
  case lqm::ElementType_F32:
  case lqm::ElementType_I32:
    return 4;
  case lqm::ElementType_F16:
  case lqm::ElementType_BF16:
    return 2;
  default:
    return 0;
  }
}

} // namespace

lq_status Checker::checkSegment(const lqm::Segment &segment,
                                const char *label) {
  if (segment.offset() % LQM_SEGMENT_ALIGNMENT != 0)
    return fail(LQ_ERROR_INVALID_ARTIFACT,
                "%s: invalid artifact: segment '%s' at offset %llu is not "
                "%d-byte aligned",
                name, label, ull(segment.offset()), LQM_SEGMENT_ALIGNMENT);
  uint64_t end;
  if (__builtin_add_overflow(view.dataBase, segment.offset(), &end) ||
      __builtin_add_overflow(end, segment.size(), &end))
    return fail(LQ_ERROR_INVALID_ARTIFACT,
                "%s: invalid artifact: segment '%s' (offset %llu, size %llu) "
                "lies past the end of the file's %llu bytes",
                name, label, ull(segment.offset()), ull(segment.size()),
                ull(view.fileSize));
  if (end > view.fileSize)
    return fail(LQ_ERROR_INVALID_ARTIFACT,
                "%s: truncated: segment '%s' ends at byte %llu past the "
                "file's %llu bytes",
                name, label, ull(end), ull(view.fileSize));
  return LQ_OK;
}

lq_status Checker::invalid(const char *what, const char *why) {
  return fail(LQ_ERROR_INVALID_ARTIFACT, "%s: invalid artifact: %s: %s", name,
              what, why);
}

lq_status Checker::checkBinding(const lqm::EntryPoint &entry, unsigned dispatch,
                                unsigned index, const lqm::Binding &binding) {
  char what[160];
  snprintf(what, sizeof(what), "entry point '%s' dispatch %u binding %u",
           entry.name()->c_str(), dispatch, index);
  char why[160];
  switch (binding.kind()) {
  case lqm::BindingKind_Tokens:
  case lqm::BindingKind_Logits:
    return LQ_OK;
  case lqm::BindingKind_State:
    if (binding.index() < count(artifact.state()))
      return LQ_OK;
    snprintf(why, sizeof(why), "state index %u out of range (%u buffers)",
             binding.index(), count(artifact.state()));
    return invalid(what, why);
  case lqm::BindingKind_Weight:
    if (binding.index() < count(artifact.weights()))
      return LQ_OK;
    snprintf(why, sizeof(why), "weight index %u out of range (%u weights)",
             binding.index(), count(artifact.weights()));
    return invalid(what, why);
  case lqm::BindingKind_Scratch:
    if (binding.offset() <= artifact.scratch_size() &&
        binding.size() <= artifact.scratch_size() - binding.offset())
      return LQ_OK;
    snprintf(why, sizeof(why),
             "scratch range [%llu, +%llu) exceeds scratch_size %llu",
             ull(binding.offset()), ull(binding.size()),
             ull(artifact.scratch_size()));
    return invalid(what, why);
  }
  snprintf(why, sizeof(why), "unknown binding kind %u",
           unsigned(binding.kind()));
  return invalid(what, why);
}

/// Kernels assume distinct bindings never overlap (they are noalias), and
/// the memory plan never binds one buffer twice to a dispatch: two scratch
/// ranges that overlap, one state buffer twice or the logits twice are a
/// damaged table. Read-only tokens and weights may repeat.
lq_status Checker::checkDistinct(
    const lqm::EntryPoint &entry, unsigned dispatch,
    const flatbuffers::Vector<const lqm::Binding *> &bindings) {
  for (unsigned i = 0; i < bindings.size(); ++i)
    for (unsigned j = i + 1; j < bindings.size(); ++j) {
      const lqm::Binding &a = *bindings.Get(i), &b = *bindings.Get(j);
      if (a.kind() != b.kind())
        continue;
      bool overlap = false;
      switch (a.kind()) {
      case lqm::BindingKind_Logits:
        overlap = true;
        break;
      case lqm::BindingKind_State:
        overlap = a.index() == b.index();
        break;
      case lqm::BindingKind_Scratch: // Ranges checked inside scratch_size.
        overlap = a.size() && b.size() && a.offset() < b.offset() + b.size() &&
                  b.offset() < a.offset() + a.size();
        break;
      default:
        break;
      }
      if (overlap) {
        char what[160], why[80];
        snprintf(what, sizeof(what), "entry point '%s' dispatch %u",
                 entry.name()->c_str(), dispatch);
        snprintf(why, sizeof(why), "bindings %u and %u overlap", i, j);
        return invalid(what, why);
      }
    }
  return LQ_OK;
}

lq_status Checker::checkState(const lqm::StateBuffer &state) {
  char what[160];
  snprintf(what, sizeof(what), "state buffer '%s'", state.name()->c_str());
  const auto *shape = state.shape();
  if (!aligned(shape))
    return invalid(what, "misaligned shape");
  uint64_t bytes = stateElementBytes(state.type());
  if (!bytes)
    return invalid(what, "unknown element type");
  if (!shape || shape->size() == 0)
    return invalid(what, "no shape");
  for (int64_t dim : *shape)
    if (dim < 1 || __builtin_mul_overflow(bytes, uint64_t(dim), &bytes))
      return invalid(what, "a dimension is out of range");
  if (bytes != state.size()) {
    char why[160];
    snprintf(why, sizeof(why), "size %llu is not the %llu bytes of its shape",
             ull(state.size()), ull(bytes));
    return invalid(what, why);
  }
  if (state.kind() > lqm::StateKind_MAX)
    return invalid(what, "unknown state kind");
  // Snapshots and resets read a cache as [heads, capacity, head_dim].
  bool cache = state.kind() == lqm::StateKind_KeyCache ||
               state.kind() == lqm::StateKind_ValueCache;
  if (cache && (shape->size() != 3 ||
                uint64_t(shape->Get(1)) != artifact.max_context()))
    return invalid(what, "a key/value cache is not [heads, max_context, "
                         "head_dim]");
  return LQ_OK;
}

lq_status Checker::checkEntryPoint(const lqm::EntryPoint &entry) {
  char what[160];
  snprintf(what, sizeof(what), "entry point '%s'", entry.name()->c_str());
  if (const auto *constants = entry.constants())
    for (uint8_t kind : *constants)
      if (kind > lqm::ConstantKind_MAX)
        return invalid(what, "unknown run-time constant kind");
  if (entry.logit_rows() > entry.tokens())
    return invalid(what, "writes more rows of logits than it has tokens");
  if (!entry.dispatches())
    return LQ_OK;
  for (unsigned d = 0; d < entry.dispatches()->size(); ++d) {
    const lqm::Dispatch &dispatch = *entry.dispatches()->Get(d);
    if (!aligned(dispatch.bindings()))
      return invalid(what, "misaligned bindings");
    for (const lqm::Target *target : *artifact.targets()) {
      if (dispatch.kernel() >= count(target->kernels())) {
        char why[200];
        snprintf(why, sizeof(why),
                 "dispatch %u: kernel %u out of range (target '%s' has %u)", d,
                 dispatch.kernel(), target->triple()->c_str(),
                 count(target->kernels()));
        return invalid(what, why);
      }
    }
    if (!dispatch.bindings())
      continue;
    for (unsigned b = 0; b < dispatch.bindings()->size(); ++b)
      LQ_RETURN_IF_ERROR(
          checkBinding(entry, d, b, *dispatch.bindings()->Get(b)));
    LQ_RETURN_IF_ERROR(checkDistinct(entry, d, *dispatch.bindings()));
  }
  return LQ_OK;
}

lq_status Checker::run() {
  const lqm::Model &model = *artifact.model();
  if (model.vocab_size() < 1)
    return invalid("model", "vocab_size is 0");
  if (artifact.max_context() < 1)
    return invalid("memory plan", "max_context is 0");
  if (const lqm::Tokenizer *tokenizer = artifact.tokenizer())
    LQ_RETURN_IF_ERROR(
        Tokenizer::verify(*tokenizer, model.vocab_size(), name));

  if (const auto *weights = artifact.weights())
    for (const lqm::Weight *weight : *weights) {
      if (!aligned(weight->shape()))
        return invalid(("weight '" + weight->name()->str() + "'").c_str(),
                       "misaligned shape");
      LQ_RETURN_IF_ERROR(
          checkSegment(*weight->data(), weight->name()->c_str()));
    }
  if (const auto *states = artifact.state())
    for (const lqm::StateBuffer *state : *states)
      LQ_RETURN_IF_ERROR(checkState(*state));
  if (!artifact.targets() || artifact.targets()->size() == 0)
    return fail(LQ_ERROR_TARGET, "%s: no targets: the artifact holds no code",
                name);
  for (const lqm::Target *target : *artifact.targets()) {
    char label[200];
    snprintf(label, sizeof(label), "code of target %s",
             target->triple()->c_str());
    LQ_RETURN_IF_ERROR(checkSegment(*target->code(), label));
  }

  ArtifactView &out = view;
  if (const auto *entries = artifact.entry_points()) {
    for (const lqm::EntryPoint *entry : *entries) {
      std::string entryName = entry->name()->str();
      for (const lqm::EntryPoint *other : out.chunks)
        if (other->name()->str() == entryName)
          return invalid("schedule", ("two entry points named '" + entryName +
                                      "'").c_str());
      if (entryName == "prefill")
        out.prefill = entry;
      else if (entryName == "decode")
        out.decode = entry;
      else if (entryName.rfind("prefill", 0) != 0)
        return invalid("schedule",
                       ("unknown entry point '" + entryName + "'").c_str());
      if (entryName != "decode") {
        if (entry->tokens() < 1)
          return invalid(("entry point '" + entryName + "'").c_str(),
                         "evaluates 0 tokens");
        out.chunks.push_back(entry);
      }
      LQ_RETURN_IF_ERROR(checkEntryPoint(*entry));
    }
  }
  if (!out.prefill)
    return invalid("schedule", "no 'prefill' entry point");
  if (!out.decode)
    return invalid("schedule", "no 'decode' entry point");
  if (out.prefill->tokens() < 1)
    return invalid("entry point 'prefill'", "evaluates 0 tokens");
  if (out.decode->tokens() != 1)
    return invalid("entry point 'decode'", "must evaluate exactly 1 token");
  for (const lqm::EntryPoint *chunk : out.chunks)
    if (chunk->tokens() > out.prefill->tokens())
      return invalid("schedule", "a chunk is longer than 'prefill'");
  if (out.prefill->logit_rows() || out.decode->logit_rows() > 1)
    return invalid("schedule", "'prefill' and 'decode' must write the logits "
                               "of every token");
  return LQ_OK;
}

/// Compares the checksum stored at `at` with that of the table and code.
static lq_status checkChecksum(const ArtifactView &view, uint64_t at,
                               const char *name) {
  uint64_t stored = 0;
  for (int i = 0; i < 8; ++i)
    stored |= uint64_t(view.file[at + i]) << (8 * i);
  uint64_t h = view.checksum();
  if (h != stored)
    return fail(LQ_ERROR_INVALID_ARTIFACT,
                "%s: damaged artifact: the checksum of its table and code "
                "does not match (%016llx stored, %016llx computed)",
                name, ull(stored), ull(h));
  return LQ_OK;
}

lq_status liquid::runtime::verifyArtifact(const void *data, uint64_t size,
                                          const char *name, ArtifactView &out,
                                          ArtifactChecksum checksum) {
  out = ArtifactView();
  const auto *bytes = static_cast<const uint8_t *>(data);
  // Size prefix, root offset, identifier.
  if (!bytes || size < 12)
    return fail(LQ_ERROR_INVALID_ARTIFACT,
                "%s: not a Liquid artifact: the file is %llu bytes, too small "
                "for an artifact header",
                name, ull(size));
  if (!flatbuffers::BufferHasIdentifier(bytes, lqm::ArtifactIdentifier(),
                                        /*size_prefixed=*/true))
    return fail(LQ_ERROR_INVALID_ARTIFACT,
                "%s: not a Liquid artifact: missing " LQM_FILE_IDENTIFIER
                " identifier",
                name);
  uint64_t tableSize = 4 + uint64_t(flatbuffers::ReadScalar<uint32_t>(bytes));
  if (tableSize > size)
    return fail(LQ_ERROR_INVALID_ARTIFACT,
                "%s: truncated: the artifact table ends at byte %llu past the "
                "file's %llu bytes",
                name, ull(tableSize), ull(size));
  if (tableSize >= FLATBUFFERS_MAX_BUFFER_SIZE)
    return fail(LQ_ERROR_INVALID_ARTIFACT,
                "%s: invalid artifact: the artifact table claims %llu bytes",
                name, ull(tableSize));
  flatbuffers::Verifier verifier(bytes, tableSize);
  if (!lqm::VerifySizePrefixedArtifactBuffer(verifier))
    return fail(LQ_ERROR_INVALID_ARTIFACT,
                "%s: invalid artifact: the artifact table fails flatbuffer "
                "verification",
                name);
  const lqm::Artifact *artifact = lqm::GetSizePrefixedArtifact(bytes);
  if (artifact->format_version() != LQM_FORMAT_VERSION)
    return fail(LQ_ERROR_VERSION,
                "%s: format version %u: this runtime reads version %d only; "
                "compile the model again with a matching liquidc",
                name, artifact->format_version(), LQM_FORMAT_VERSION);

  uint64_t checksumAt = lqm_checksum_at(tableSize);
  if (checksumAt + 8 > size)
    return fail(LQ_ERROR_INVALID_ARTIFACT,
                "%s: truncated: the file ends before the artifact checksum",
                name);

  out.file = bytes;
  out.fileSize = size;
  out.tableSize = tableSize;
  out.dataBase = lqm_data_base(tableSize);
  out.artifact = artifact;
  lq_status status = Checker(name, out).run();
  if (status == LQ_OK && checksum == ArtifactChecksum::Check)
    status = checkChecksum(out, checksumAt, name);
  if (status != LQ_OK)
    out = ArtifactView();
  return status;
}

lq_status liquid::runtime::openArtifact(const char *path, MappedFile &file,
                                        ArtifactView &view) {
  LQ_RETURN_IF_ERROR(file.open(path));
  return verifyArtifact(file.data(), file.size(), path, view);
}
