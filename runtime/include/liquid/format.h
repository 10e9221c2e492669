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

/* Artifact.format_version written by the compiler and the only one the
   runtime accepts. Bump on every incompatible change to the schema or to
   the kernel ABI. */
#define LQM_FORMAT_VERSION 1

/* The flatbuffer file_identifier of the size-prefixed Artifact table. */
#define LQM_FILE_IDENTIFIER "LQM1"

/* The data base (align_up(4 + table size, LQM_SEGMENT_ALIGNMENT)) and every
   Segment offset are multiples of this. */
#define LQM_SEGMENT_ALIGNMENT 64

/* Session snapshots (lq_session_snapshot) start with this magic. */
#define LQM_SNAPSHOT_MAGIC "LQS2"

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

#endif /* LIQUID_FORMAT_H */
