//===- Run.cpp - liquid-run's model, session, sampler and output ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements Runner, LogitsDump and Utf8Stream.
//
//===----------------------------------------------------------------------===//

#include "Run.h"

#include "liquid/format.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <unistd.h>

using namespace liquid::run;

namespace {

double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

double perSecond(size_t tokens, double seconds) {
  return seconds > 0 ? double(tokens) / seconds : 0.0;
}

} // namespace

std::string LogitsDump::open(const std::string &path) {
  std::string error;
  file.open(path, error);
  return error;
}

std::string LogitsDump::write(const float *values, size_t count) {
  if (!active())
    return "";
  for (size_t i = 0; i < count; ++i) {
    uint32_t bits;
    memcpy(&bits, &values[i], 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    bits = __builtin_bswap32(bits);
#endif
    const char *bytes = reinterpret_cast<const char *>(&bits);
    buffer.insert(buffer.end(), bytes, bytes + 4);
  }
  return buffer.size() >= (1 << 16) ? flush() : "";
}

std::string LogitsDump::flush() {
  std::string error;
  file.write(buffer.data(), buffer.size(), error);
  buffer.clear();
  return error;
}

std::string LogitsDump::commit() {
  if (!active())
    return "";
  std::string error = flush();
  if (error.empty())
    file.commit(error);
  return error;
}

Runner::~Runner() {
  lq_sampler_destroy(sampler);
  lq_session_destroy(session); // sessions before their model
  lq_model_close(model);
}

std::string Runner::open(const Options &options) {
  if (lq_model_open(options.artifact.c_str(), &model) != LQ_OK)
    return lq_last_error();
  lq_model_get_info(model, &info);
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  threads =
      options.hasThreads ? int(options.threads) : int(online > 0 ? online : 1);
  if (lq_session_create(model, threads, &session) != LQ_OK)
    return lq_last_error();

  lq_sampler_params params;
  lq_sampler_params_default(model, &params);
  if (options.hasTemp)
    params.temperature = options.temp;
  if (options.hasTopK)
    params.top_k = uint32_t(options.topK);
  if (options.hasTopP)
    params.top_p = options.topP;
  if (options.hasMinP)
    params.min_p = options.minP;
  if (options.hasRepeatPenalty)
    params.repeat_penalty = options.repeatPenalty;
  params.repeat_last_n = uint32_t(options.repeatLastN);
  params.seed = options.seed;
  if (lq_sampler_create(&params, &sampler) != LQ_OK)
    return lq_last_error();
  if (!options.dumpLogits.empty())
    return dump.open(options.dumpLogits);
  return "";
}

std::string Runner::evaluate(const std::vector<int32_t> &tokens) {
  size_t vocab = info.vocab_size;
  rows.resize(dump.active() ? tokens.size() * vocab : 0);
  double start = now();
  if (lq_session_prefill(session, tokens.data(), tokens.size(),
                         dump.active() ? rows.data() : nullptr) != LQ_OK)
    return lq_last_error();
  prefillSeconds += now() - start;
  prefilled += tokens.size();
  history.insert(history.end(), tokens.begin(), tokens.end());
  for (int32_t token : tokens)
    lq_sampler_accept(sampler, token);
  return dump.write(rows.data(), rows.size());
}

int32_t Runner::sample() {
  int32_t next =
      lq_sampler_sample(sampler, lq_session_logits(session), info.vocab_size);
  lq_sampler_accept(sampler, next);
  return next;
}

std::string Runner::step(int32_t token) {
  rows.resize(info.vocab_size);
  double start = now();
  if (lq_session_decode(session, token, rows.data()) != LQ_OK)
    return lq_last_error();
  decodeSeconds += now() - start;
  ++decoded;
  history.push_back(token);
  return dump.write(rows.data(), rows.size());
}

std::string Runner::finish() {
  std::string error = dump.commit();
  fprintf(stderr,
          "prefill: %zu tokens in %.2f ms (%.1f tokens/s), decode: %zu tokens "
          "in %.2f ms (%.1f tokens/s), threads: %d\n",
          prefilled, prefillSeconds * 1e3, perSecond(prefilled, prefillSeconds),
          decoded, decodeSeconds * 1e3, perSecond(decoded, decodeSeconds),
          threads);
  return error;
}

/// A session file: this magic, the number of tokens (u64), the tokens
/// (i32), the checksum of those two (u64, lqm_checksum), then the
/// runtime's snapshot (which carries the artifact's identity and a checksum
/// of the state). Host byte order.
static const char kSessionMagic[8] = {'L', 'Q', 'R', 'U', 'N', 'S', 'S', '2'};

static uint64_t tokensChecksum(const char *countAndTokens, size_t size) {
  return lqm_checksum(LQM_CHECKSUM_SEED, countAndTokens, size);
}

std::string Runner::loadSession(const std::string &path) {
  std::string bytes;
  std::string error = readFile(path, bytes, /*regularOnly=*/true);
  if (!error.empty())
    return error;
  uint64_t count = 0;
  if (bytes.size() < 16 || memcmp(bytes.data(), kSessionMagic, 8) != 0)
    return path + ": not a liquid-run session file";
  memcpy(&count, bytes.data() + 8, 8);
  if (count > info.max_context || 24 + count * 4 > bytes.size())
    return path + ": truncated or damaged session file";
  uint64_t stored;
  memcpy(&stored, bytes.data() + 16 + count * 4, 8);
  if (stored != tokensChecksum(bytes.data() + 8, 8 + count * 4))
    return path + ": damaged session file: its token list fails its checksum";
  std::vector<int32_t> tokens(count);
  memcpy(tokens.data(), bytes.data() + 16, count * 4);
  const char *snapshot = bytes.data() + 24 + count * 4;
  size_t size = bytes.size() - 24 - count * 4;
  if (lq_session_restore(session, snapshot, size) != LQ_OK)
    return path + ": cannot restore the session: " + lq_last_error();
  if (lq_session_position(session) != count) {
    lq_session_reset(session);
    return path + ": damaged session file: " + std::to_string(count) +
           " tokens for a state at position " +
           std::to_string(lq_session_position(session));
  }
  history = tokens;
  lq_sampler_reset(sampler);
  for (int32_t token : history)
    lq_sampler_accept(sampler, token);
  return "";
}

std::string Runner::saveSession(const std::string &path) const {
  std::string bytes(kSessionMagic, 8);
  uint64_t count = history.size();
  bytes.append(reinterpret_cast<const char *>(&count), 8);
  bytes.append(reinterpret_cast<const char *>(history.data()), count * 4);
  uint64_t checksum = tokensChecksum(bytes.data() + 8, bytes.size() - 8);
  bytes.append(reinterpret_cast<const char *>(&checksum), 8);
  size_t header = bytes.size();
  bytes.resize(header + lq_session_snapshot_size(session));
  if (lq_session_snapshot(session, bytes.data() + header,
                          bytes.size() - header) != LQ_OK)
    return lq_last_error();
  liquid::OutputFile file;
  std::string error;
  if (!file.open(path, error) || !file.write(bytes.data(), bytes.size(), error))
    return error;
  file.commit(error);
  return error;
}

void Runner::reset() {
  lq_session_reset(session);
  lq_sampler_reset(sampler);
  history.clear();
}

std::string Runner::piece(int32_t token, bool special) const {
  char buffer[256];
  uint32_t flags = special ? LQ_PIECE_SPECIAL : 0;
  int32_t n = lq_token_to_piece(model, token, buffer, sizeof buffer, flags);
  if (n <= 0)
    return "";
  if (n <= int32_t(sizeof buffer))
    return std::string(buffer, n);
  std::string big(n, '\0');
  lq_token_to_piece(model, token, big.data(), big.size(), flags);
  return big;
}

void Utf8Stream::write(const std::string &bytes) {
  std::string ready = pieces.take(bytes);
  fwrite(ready.data(), 1, ready.size(), out);
  fflush(out);
}

void Utf8Stream::flush() {
  std::string rest = pieces.rest();
  fwrite(rest.data(), 1, rest.size(), out);
  fflush(out);
}
