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
#define LQM_SNAPSHOT_MAGIC "LQS1"

#endif /* LIQUID_FORMAT_H */
