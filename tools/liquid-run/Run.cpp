//===- Run.cpp - liquid-run's model, session, sampler and output ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements Runner, LogitsDump and Utf8Stream.
//
//===----------------------------------------------------------------------===//

#include "Run.h"

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

LogitsDump::~LogitsDump() {
  if (file) {
    fclose(file);
    remove(temporary.c_str());
  }
}

std::string LogitsDump::open(const std::string &path) {
  final = path;
  temporary = path + ".tmp";
  file = fopen(temporary.c_str(), "wb");
  if (!file)
    return path + ": cannot write: " + strerror(errno);
  return "";
}

std::string LogitsDump::write(const float *values, size_t count) {
  if (!file)
    return "";
  for (size_t i = 0; i < count; ++i) {
    uint32_t bits;
    memcpy(&bits, &values[i], 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    bits = __builtin_bswap32(bits);
#endif
    if (fwrite(&bits, 4, 1, file) != 1)
      return final + ": cannot write: " + strerror(errno);
  }
  return "";
}

std::string LogitsDump::commit() {
  if (!file)
    return "";
  bool ok = fflush(file) == 0;
  ok &= fclose(file) == 0;
  file = nullptr;
  if (!ok || rename(temporary.c_str(), final.c_str()) != 0) {
    std::string why = strerror(errno);
    remove(temporary.c_str());
    return final + ": cannot write: " + why;
  }
  return "";
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
  pending += bytes;
  // Hold back the start of a sequence whose continuation bytes are missing.
  size_t keep = 0;
  for (size_t back = 1; back <= 3 && back <= pending.size(); ++back) {
    auto b = static_cast<unsigned char>(pending[pending.size() - back]);
    if ((b & 0xC0) == 0x80)
      continue; // a continuation byte: look further back
    size_t length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    if (length > back)
      keep = back;
    break;
  }
  fwrite(pending.data(), 1, pending.size() - keep, out);
  fflush(out);
  pending.erase(0, pending.size() - keep);
}

void Utf8Stream::flush() {
  fwrite(pending.data(), 1, pending.size(), out);
  fflush(out);
  pending.clear();
}
