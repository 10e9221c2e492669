/*===- liquid/format.h - .lqm format constants shared with the compiler ---===*\
|*                                                                            *|
|* SPDX-License-Identifier: Apache-2.0                                        *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/
/*
 * The constants of the .lqm file layout (runtime/schema/artifact.fbs) that
 * the compiler's writer and the runtime's reader must agree on. Plain C so
 * either side can include it without the generated flatbuffers header.
 */
#ifndef LIQUID_FORMAT_H
#define LIQUID_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Artifact.format_version written by the compiler and the only one the
   runtime accepts. Bump on every incompatible change to the schema or to
   the kernel ABI. */
#define LQM_FORMAT_VERSION 3

/* The flatbuffer file_identifier of the size-prefixed Artifact table. */
#define LQM_FILE_IDENTIFIER "LQM1"

/* The size-prefixed table (4 + size bytes) is followed, at the next
   multiple of 8, by the 8-byte little-endian checksum of the table and of
   each target's code segment in Artifact.targets order (lqm_checksum,
   starting from LQM_CHECKSUM_SEED); weights are not covered, a damaged
   weight changes numbers, never where code reads. The data base is the
   next multiple of LQM_SEGMENT_ALIGNMENT after the checksum, and every
   Segment offset is a multiple of it too. */
#define LQM_SEGMENT_ALIGNMENT 64
#define LQM_CHECKSUM_SEED 0x4c514d31636b736dull
static inline uint64_t lqm_checksum_at(uint64_t table_size) {
  return (table_size + 7) / 8 * 8;
}
static inline uint64_t lqm_data_base(uint64_t table_size) {
  uint64_t end = lqm_checksum_at(table_size) + 8;
  return (end + LQM_SEGMENT_ALIGNMENT - 1) / LQM_SEGMENT_ALIGNMENT *
         LQM_SEGMENT_ALIGNMENT;
}

/* Every kernel symbol S (Kernel.symbol) comes with an exported constant
   array of int64 named S followed by this suffix: what the code itself
   touches, which the runtime checks each dispatch of the schedule against
   before anything runs. */
#define LQM_SIGNATURE_SUFFIX "_signature"
/* The workgroup ids the kernel is split into: a dispatch may run fewer. */
#define LQM_SIGNATURE_WORKGROUPS 0
/* The model's vocabulary size and max_context the code was compiled for:
   it indexes rows with token ids and positions below these. */
#define LQM_SIGNATURE_VOCAB 1
#define LQM_SIGNATURE_CONTEXT 2
/* How many run-time constants it reads. */
#define LQM_SIGNATURE_CONSTANTS 3
/* How many bindings it takes (n), then the bytes it may touch in each
   (words LQM_SIGNATURE_BYTES + b), then whether it writes each (words
   lqm_signature_writes(n, b): 1 if it may write binding b, 0 if it only
   reads it). The array holds LQM_SIGNATURE_BYTES + 2n words. */
#define LQM_SIGNATURE_BINDINGS 4
#define LQM_SIGNATURE_BYTES 5
static inline size_t lqm_signature_writes(size_t bindings, size_t b) {
  return LQM_SIGNATURE_BYTES + bindings + b;
}

/* Session snapshots (lq_session_snapshot) start with this magic, in a
   header of LQM_SNAPSHOT_HEADER_SIZE bytes whose last 8 are the
   lqm_checksum (from LQM_CHECKSUM_SEED) of the payload after it. */
#define LQM_SNAPSHOT_MAGIC "LQS2"
#define LQM_SNAPSHOT_HEADER_SIZE 56

/* The hashes of the tokenizer's tables (Tokenizer in artifact.fbs): 32-bit
   FNV-1a over the bytes, and over the 8 little-endian bytes of a pair. */
static inline uint32_t lqm_hash_bytes(const void *data, size_t size) {
  const unsigned char *p = (const unsigned char *)data;
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < size; ++i)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

static inline uint32_t lqm_hash_pair(uint32_t left, uint32_t right) {
  unsigned char bytes[8];
  for (int i = 0; i < 4; ++i) {
    bytes[i] = (unsigned char)(left >> (8 * i));
    bytes[4 + i] = (unsigned char)(right >> (8 * i));
  }
  return lqm_hash_bytes(bytes, sizeof bytes);
}

/* Continues checksum `h` over `size` bytes: little-endian 64-bit words
   (the tail zero-padded), each mixed in by a multiply and a shift, after
   the length. Reading words is what makes it fast enough to check at every
   open (about 1 ms for a 3 MB table). */
static inline uint64_t lqm_checksum(uint64_t h, const void *data,
                                    size_t size) {
  const unsigned char *p = (const unsigned char *)data;
  h = (h ^ (uint64_t)size) * 0x9e3779b97f4a7c15ull;
  for (;; p += 8, size -= 8) {
    uint64_t word = 0;
    if (size >= 8)
      memcpy(&word, p, 8); /* Hosts are little-endian. */
    else
      for (size_t i = 0; i < size; ++i)
        word |= (uint64_t)p[i] << (8 * i);
    h = (h ^ word) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
    if (size <= 8)
      return h;
  }
}

#endif /* LIQUID_FORMAT_H */
