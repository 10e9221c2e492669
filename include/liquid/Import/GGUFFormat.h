//===- GGUFFormat.h - GGUF v3 on-disk constants -----------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The numbers of the GGUF v3 container as ggml defines them: magic, metadata
// value types and the tensor types Liquid reads and writes. Shared by the
// GGUF reader (lib/Import) and writer (lib/Synth), so both agree by
// construction.
//
// Layout: "GGUF" u32 version=3, u64 tensor_count, u64 kv_count, then kv_count
// (string key, u32 value type, value), then tensor_count (string name, u32
// n_dims, u64 ne[n_dims] innermost first, u32 ggml type, u64 offset), padding
// to `general.alignment` (default 32), then tensor data; each offset is
// relative to the data start and aligned. Strings are u64 length + bytes.
// All little-endian.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_IMPORT_GGUFFORMAT_H
#define LIQUID_IMPORT_GGUFFORMAT_H

#include <cstdint>

namespace liquid::gguf {

constexpr uint32_t kMagic = 0x46554747; // "GGUF" read as a little-endian u32.
constexpr uint32_t kVersion = 3;
constexpr uint64_t kDefaultAlignment = 32;

/// Metadata value types (gguf_type).
enum class ValueType : uint32_t {
  UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5,
  Float32 = 6, Bool = 7, String = 8, Array = 9, UInt64 = 10, Int64 = 11,
  Float64 = 12,
};

/// Tensor types (ggml_type) that Liquid handles.
enum class TensorType : uint32_t {
  F32 = 0, F16 = 1, Q4_0 = 2, Q8_0 = 8, Q4_K = 12, Q5_K = 13, Q6_K = 14,
  BF16 = 30,
};

/// Token types of tokenizer.ggml.token_type (llama_token_type).
enum class TokenType : int32_t {
  Undefined = 0, Normal = 1, Unknown = 2, Control = 3, UserDefined = 4,
  Unused = 5, Byte = 6,
};

/// Block formats: 32 elements; Q8_0 = f16 scale + 32 x i8 (34 bytes);
/// Q4_0 = f16 scale + 16 bytes of nibbles (18 bytes), element j of a block in
/// the low nibble of byte j for j < 16 and the high nibble of byte j-16
/// otherwise, value = (nibble - 8) * scale.
constexpr int64_t kQBlock = 32;
constexpr int64_t kQ8_0Bytes = 34;
constexpr int64_t kQ4_0Bytes = 18;

/// K-quant super-blocks of 256 elements (ggml's QK_K), element e in
/// sub-block e / 32 (Q4_K, Q5_K) or e / 16 (Q6_K):
/// - Q4_K (144 bytes): f16 d, f16 dmin, 12 bytes of eight 6-bit scales and
///   eight 6-bit mins, 128 bytes of nibbles; value = d * scale * q - dmin *
///   min. Elements 64k .. 64k+31 are the low nibbles of bytes 32k .. 32k+31,
///   elements 64k+32 .. 64k+63 their high nibbles. Scale and min of
///   sub-block j < 4: bits 0-5 of bytes j and j+4; of j >= 4: the low and
///   high nibbles of byte j+4, above bits 6-7 of bytes j-4 and j.
/// - Q5_K (176 bytes): as Q4_K with 32 bytes of fifth bits between the
///   scales and the nibbles: bit 2k of byte l is element 64k+l's, bit 2k+1
///   element 64k+32+l's.
/// - Q6_K (210 bytes): 128 bytes of low nibbles, 64 bytes of high bit
///   pairs, sixteen i8 scales, f16 d; value = d * scale * (q - 32). In half
///   h (elements 128h ..), element 128h + 32i + l (i < 4, l < 32) has its low
///   nibble in byte 64h + l + 32 * (i & 1), high nibble when i >= 2, and its
///   top two bits at bit 2i of high byte 32h + l.
constexpr int64_t kKBlock = 256;
constexpr int64_t kQ4_KBytes = 144;
constexpr int64_t kQ5_KBytes = 176;
constexpr int64_t kQ6_KBytes = 210;

} // namespace liquid::gguf

#endif // LIQUID_IMPORT_GGUFFORMAT_H
