//===- liquid-run.cpp - Run a compiled .lqm artifact ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Command-line front end of the runtime's C API: opens an artifact,
// evaluates the prompt's token ids with one prefill, then generates -n
// tokens, each sampled from the last logits and evaluated with one decode
// step before the next is chosen (the last one is not evaluated). Prints the
// generated ids on one line, comma-separated like --tokens, and the prefill
// and decode speeds on stderr. --dump-logits FILE writes raw little-endian
// float32 logits, one row of vocab_size per evaluated position (prompt, then
// each decode step: prompt + n - 1 rows), through FILE.tmp and a rename.
// Errors read "liquid-run: error: <file>: <what>: <why>" and exit 1.
//
//===----------------------------------------------------------------------===//

#include "CommandLine.h"
#include "liquid/runtime.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <unistd.h>
#include <vector>

using namespace liquid::tools;

namespace {

const char usage[] =
    "usage: liquid-run ART [--tokens 1,2,3] [-n N] [-t THREADS] [--temp T]\n"
    "                  [--top-k K] [--top-p P] [--seed S] [--dump-logits "
    "FILE]\n"
    "Runs a compiled Liquid artifact: evaluates the prompt's token ids (by\n"
    "default the model's BOS id), then generates N tokens (default 16).\n"
    "  --tokens IDS       prompt token ids, comma-separated\n"
    "  -n N               tokens to generate\n"
    "  -t THREADS         threads per session (default: online CPUs)\n"
    "  --temp T           temperature; <= 0 is greedy (default: artifact's)\n"
    "  --top-k K          keep the K most likely tokens (0: all)\n"
    "  --top-p P          nucleus: keep the smallest set reaching P\n"
    "  --seed S           sampler seed (default 0)\n"
    "  --dump-logits FILE raw little-endian float32 logits, one row per\n"
    "                     evaluated position\n"
    "  -p PROMPT          text prompt (needs the tokenizer: not yet)\n";

int fail(const std::string &message) {
  return reportError("liquid-run", message);
}

struct Options {
  std::string artifact, tokens, dumpLogits, prompt;
  bool hasTokens = false, hasPrompt = false;
  unsigned long long n = 16, threads = 0, topK = 0, seed = 0;
  bool hasThreads = false, hasTemp = false, hasTopK = false, hasTopP = false;
  float temp = 0, topP = 1;
};

bool parseFloat(const char *text, float &out) {
  if (!*text)
    return false;
  char *end;
  errno = 0;
  out = strtof(text, &end);
  return errno == 0 && *end == '\0' && out == out;
}

/// Parses argv into `options`; on failure returns the message.
std::string parseArgs(int argc, char **argv, Options &options) {
  return parseToolArguments(
      argc, argv, usage,
      {"--tokens", "-n", "-t", "--temp", "--top-k", "--top-p", "--seed", "-p",
       "--dump-logits", "--threads"},
      {}, options.artifact,
      [&](const std::string &name, const std::string &value) -> std::string {
        const char *v = value.c_str();
        if (name == "--tokens") {
          options.tokens = value;
          options.hasTokens = true;
        } else if (name == "-p") {
          options.prompt = value;
          options.hasPrompt = true;
        } else if (name == "--dump-logits") {
          options.dumpLogits = value;
        } else if (name == "-n") {
          if (!parseUnsigned(v, options.n) || options.n > UINT32_MAX)
            return "a non-negative integer";
        } else if (name == "-t" || name == "--threads") {
          if (!parseUnsigned(v, options.threads) || options.threads < 1 ||
              options.threads > 1024)
            return "a thread count in [1, 1024]";
          options.hasThreads = true;
        } else if (name == "--temp") {
          if (!parseFloat(v, options.temp))
            return "a number";
          options.hasTemp = true;
        } else if (name == "--top-k") {
          if (!parseUnsigned(v, options.topK) || options.topK > UINT32_MAX)
            return "a non-negative integer";
          options.hasTopK = true;
        } else if (name == "--top-p") {
          if (!parseFloat(v, options.topP) || options.topP <= 0 ||
              options.topP > 1)
            return "a number in (0, 1]";
          options.hasTopP = true;
        } else if (name == "--seed") {
          if (!parseUnsigned(v, options.seed))
            return "a non-negative integer";
        }
        return "";
      });
}

/// "1,2,3" to ids; an error names the bad entry.
std::string parseTokens(const std::string &text, std::vector<int32_t> &ids) {
  std::vector<unsigned long long> values;
  std::string bad;
  if (!parseUnsignedList(text, 0, INT32_MAX, values, &bad))
    return "--tokens: invalid token id '" + bad +
           "': expected comma-separated non-negative integers";
  for (unsigned long long id : values)
    ids.push_back(int32_t(id));
  return "";
}

double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

/// Raw little-endian float32 rows into FILE.tmp, renamed on commit.
class LogitsDump {
public:
  ~LogitsDump() {
    if (file) {
      fclose(file);
      remove(temporary.c_str());
    }
  }
  std::string open(const std::string &path) {
    final = path;
    temporary = path + ".tmp";
    file = fopen(temporary.c_str(), "wb");
    if (!file)
      return path + ": cannot write: " + strerror(errno);
    return "";
  }
  bool active() const { return file != nullptr; }
  std::string write(const float *values, size_t count) {
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
  std::string commit() {
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

private:
  FILE *file = nullptr;
  std::string final, temporary;
};

double perSecond(size_t tokens, double seconds) {
  return seconds > 0 ? double(tokens) / seconds : 0.0;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  std::string error = parseArgs(argc, argv, options);
  if (!error.empty())
    return fail(error);
  if (options.hasPrompt)
    return fail("-p: text prompts need the tokenizer, which is not in this "
                "release; pass token ids with --tokens");
  std::vector<int32_t> prompt;
  if (options.hasTokens) {
    error = parseTokens(options.tokens, prompt);
    if (!error.empty())
      return fail(error);
  }

  lq_model *model = nullptr;
  if (lq_model_open(options.artifact.c_str(), &model) != LQ_OK)
    return fail(lq_last_error());
  lq_model_info info;
  lq_model_get_info(model, &info);
  if (prompt.empty())
    prompt.push_back(info.bos_token_id >= 0 ? info.bos_token_id : 1);

  // The last generated token is not evaluated.
  unsigned long long positions =
      prompt.size() + (options.n > 0 ? options.n - 1 : 0);
  if (positions > info.max_context) {
    lq_model_close(model);
    return fail(options.artifact + ": -n: " + std::to_string(prompt.size()) +
                " prompt tokens and " + std::to_string(options.n) +
                " generated need " + std::to_string(positions) +
                " positions, the artifact's max_context is " +
                std::to_string(info.max_context));
  }

  long online = sysconf(_SC_NPROCESSORS_ONLN);
  int threads =
      options.hasThreads ? int(options.threads) : int(online > 0 ? online : 1);
  lq_session *session = nullptr;
  lq_sampler *sampler = nullptr;
  LogitsDump dump;
  auto cleanup = [&](int code) {
    lq_sampler_destroy(sampler);
    lq_session_destroy(session);
    lq_model_close(model);
    return code;
  };
  if (lq_session_create(model, threads, &session) != LQ_OK)
    return cleanup(fail(lq_last_error()));

  lq_sampler_params params;
  lq_sampler_params_default(model, &params);
  if (options.hasTemp)
    params.temperature = options.temp;
  if (options.hasTopK)
    params.top_k = uint32_t(options.topK);
  if (options.hasTopP)
    params.top_p = options.topP;
  params.seed = options.seed;
  if (lq_sampler_create(&params, &sampler) != LQ_OK)
    return cleanup(fail(lq_last_error()));
  if (!options.dumpLogits.empty()) {
    error = dump.open(options.dumpLogits);
    if (!error.empty())
      return cleanup(fail(error));
  }

  size_t vocab = info.vocab_size;
  std::vector<float> rows(dump.active() ? prompt.size() * vocab : 0);
  double start = now();
  if (lq_session_prefill(session, prompt.data(), prompt.size(),
                         dump.active() ? rows.data() : nullptr) != LQ_OK)
    return cleanup(fail(lq_last_error()));
  double prefillSeconds = now() - start;
  error = dump.write(rows.data(), rows.size());
  if (!error.empty())
    return cleanup(fail(error));

  std::vector<int32_t> generated;
  std::vector<float> row(vocab);
  double decodeSeconds = 0;
  for (unsigned long long i = 0; i < options.n; ++i) {
    int32_t next =
        lq_sampler_sample(sampler, lq_session_logits(session), vocab);
    generated.push_back(next);
    if (i + 1 == options.n)
      break;
    start = now();
    if (lq_session_decode(session, next, row.data()) != LQ_OK)
      return cleanup(fail(lq_last_error()));
    decodeSeconds += now() - start;
    error = dump.write(row.data(), vocab);
    if (!error.empty())
      return cleanup(fail(error));
  }
  error = dump.commit();
  if (!error.empty())
    return cleanup(fail(error));

  std::string line;
  for (size_t i = 0; i < generated.size(); ++i)
    line += (i ? "," : "") + std::to_string(generated[i]);
  printf("%s\n", line.c_str());
  size_t decoded = generated.empty() ? 0 : generated.size() - 1;
  fprintf(stderr,
          "prefill: %zu tokens in %.2f ms (%.1f tokens/s), decode: %zu tokens "
          "in %.2f ms (%.1f tokens/s), threads: %d\n",
          prompt.size(), prefillSeconds * 1e3,
          perSecond(prompt.size(), prefillSeconds), decoded,
          decodeSeconds * 1e3, perSecond(decoded, decodeSeconds), threads);
  return cleanup(0);
}
