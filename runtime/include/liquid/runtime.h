/*===- liquid/runtime.h - Liquid runtime C API ----------------------------===*\
|*                                                                            *|
|* SPDX-License-Identifier: Apache-2.0                                        *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/
/*
 * Runs a compiled .lqm artifact: open (mmap + verify), sessions with explicit
 * state, prefill / decode, snapshot / restore, and a sampler.
 *
 * Conventions
 * - Every function that can fail returns lq_status; LQ_OK is 0. On failure
 *   lq_last_error() returns a message for the calling thread
 *   ("<path>: <what>: <why>") valid until that thread's next lq_ call.
 *   Nothing aborts on bad data: a corrupted, truncated or foreign artifact
 *   gives a status.
 * - Ownership: objects returned through `**out` belong to the caller and are
 *   released with the matching _close / _destroy. A session borrows its
 *   model: close the model after its sessions (closing it before is
 *   refused with a status, and the model stays open). Output buffers are the
 *   caller's; the runtime never keeps pointers to them after returning.
 * - Threads: an lq_model may be shared by sessions on any threads. A session
 *   and a sampler are used by one thread at a time. A session runs its
 *   kernels on a thread pool: the process's (threads = 0, one thread per
 *   CPU the process may run on, shared by every such session), one of its
 *   own (threads >= 1), or an lq_pool the caller made and shares
 *   (lq_session_create_on). Sessions sharing a pool take turns by dispatch,
 *   each dispatch spread over every thread of the pool, so N sessions on N
 *   threads do not start N times the machine's threads.
 */
#ifndef LIQUID_RUNTIME_H
#define LIQUID_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lq_status {
  LQ_OK = 0,
  /* The file could not be opened, read or mapped. */
  LQ_ERROR_IO = 1,
  /* Not an artifact, or corrupted / truncated: a check on it failed. */
  LQ_ERROR_INVALID_ARTIFACT = 2,
  /* An artifact of another format version. */
  LQ_ERROR_VERSION = 3,
  /* No code in the artifact for this machine (architecture or CPU
     features missing). */
  LQ_ERROR_TARGET = 4,
  /* The code object could not be loaded or lacks a kernel. */
  LQ_ERROR_CODE = 5,
  /* A bad argument: null pointer, out-of-range token id, wrong size. */
  LQ_ERROR_INVALID_ARGUMENT = 6,
  /* The tokens do not fit in the remaining context (max_context). */
  LQ_ERROR_CONTEXT_FULL = 7,
  LQ_ERROR_OUT_OF_MEMORY = 8,
  /* The artifact lacks what the call needs (a tokenizer, a chat
     template). */
  LQ_ERROR_UNSUPPORTED = 9,
  /* Not a status: makes every int a valid lq_status, so that a status from
     a newer runtime (or any int) can be stored and passed to
     lq_status_string without undefined behaviour. */
  LQ_STATUS_RANGE_ = 0x7fffffff
} lq_status;

/* A short fixed name for a status ("ok", "invalid artifact", ...);
   "unknown status" for any other value. */
const char *lq_status_string(lq_status status);
/* The calling thread's message for its last failed call ("" if none). */
const char *lq_last_error(void);

/* ---- Models ------------------------------------------------------------ */

typedef struct lq_model lq_model;

typedef struct lq_model_info {
  const char *architecture; /* "lfm2", "lfm2moe"; owned by the model */
  uint32_t vocab_size;
  uint32_t hidden_size;
  uint32_t num_layers;
  uint32_t num_experts; /* 0 for dense models */
  uint32_t experts_per_token;
  uint32_t max_context;
  uint32_t prefill_chunk; /* tokens per compiled prefill call */
  int32_t bos_token_id;   /* -1 when unknown */
  int32_t eos_token_id;
} lq_model_info;

/* Maps and verifies `path`, checks the target, loads the code. */
lq_status lq_model_open(const char *path, lq_model **out);
/* Closes `model` (null: nothing). LQ_ERROR_INVALID_ARGUMENT, leaving the
   model open, while sessions of it are alive. */
lq_status lq_model_close(lq_model *model);
void lq_model_get_info(const lq_model *model, lq_model_info *info);

/* ---- Thread pools ------------------------------------------------------ */

typedef struct lq_pool lq_pool;

/* A pool of `threads` threads (0: one per CPU the process may run on) for
   sessions to share (lq_session_create_on). */
lq_status lq_pool_create(int threads, lq_pool **out);
/* Stops and frees `pool` (null: nothing). LQ_ERROR_INVALID_ARGUMENT,
   leaving it running, while sessions run on it. */
lq_status lq_pool_destroy(lq_pool *pool);
/* Threads of `pool`, the caller of a dispatch included (0 for null). */
int lq_pool_threads(const lq_pool *pool);

/* ---- Sessions ---------------------------------------------------------- */

typedef struct lq_session lq_session;

/* A session with zeroed state at position 0, running on a pool of its own
   of `threads` threads, or on the process's shared pool when `threads` is
   0 (see Threads above). */
lq_status lq_session_create(lq_model *model, int threads, lq_session **out);
/* A session like lq_session_create's, running on `pool`. */
lq_status lq_session_create_on(lq_model *model, lq_pool *pool,
                               lq_session **out);
void lq_session_destroy(lq_session *session);
/* Back to position 0 with zeroed state. */
void lq_session_reset(lq_session *session);
/* Tokens evaluated so far (the KV length). */
uint32_t lq_session_position(const lq_session *session);

/* Evaluates `count` tokens at the current position (prefill chunks, then
   single-token steps for the rest). When `logits` is not null it receives
   count * vocab_size floats, one row per token. */
lq_status lq_session_prefill(lq_session *session, const int32_t *tokens,
                             size_t count, float *logits);
/* Evaluates one token; `logits` (nullable) receives vocab_size floats. */
lq_status lq_session_decode(lq_session *session, int32_t token,
                            float *logits);
/* The logits of the last evaluated token (vocab_size floats, owned by the
   session, valid until its next call); null before the first. */
const float *lq_session_logits(const lq_session *session);

/* Bytes needed to snapshot this session's state now: it grows with the
   position (the filled rows of the key/value caches), not with
   max_context. */
size_t lq_session_snapshot_size(const lq_session *session);
/* Copies the position, the last logits and the state the position uses
   into `buffer`, with the artifact's identity and a checksum. */
lq_status lq_session_snapshot(const lq_session *session, void *buffer,
                              size_t size);
/* Puts a snapshot of a session of the same artifact back. A snapshot of
   another artifact, a truncated or a damaged one is refused
   (LQ_ERROR_INVALID_ARGUMENT) and the session is left as it was. */
lq_status lq_session_restore(lq_session *session, const void *buffer,
                             size_t size);
/* A new session of the same model with `source`'s state (position, logits,
   caches), on a pool chosen by `threads` as in lq_session_create: both
   continue independently. */
lq_status lq_session_fork(const lq_session *source, int threads,
                          lq_session **out);

/* ---- Profiling --------------------------------------------------------- */

/* What one kernel of a profiled session cost. */
typedef struct lq_kernel_profile {
  const char *kernel;   /* its exported symbol; owned by the model */
  uint64_t dispatches;  /* launches counted */
  uint64_t workgroups;  /* workgroups those launches ran */
  uint64_t nanoseconds; /* wall time of those launches, launch included */
  uint64_t bytes;       /* bytes those launches touch: their buffers, of
                           key/value caches the rows up to the last token,
                           of stacked expert weights the share the tokens
                           can select */
} lq_kernel_profile;

/* Starts (nonzero) or stops counting each dispatch's wall time and bytes
   per kernel; starting clears the counters. Off by default: timing
   adds two clock reads per dispatch. */
void lq_session_set_profiling(lq_session *session, int enabled);
/* Copies up to `capacity` entries, one per kernel of the model in kernel
   order (kernels that never ran included, with zero counts), and returns
   the number of kernels. */
size_t lq_session_profile(const lq_session *session, lq_kernel_profile *out,
                          size_t capacity);
/* Dispatches one decode step runs. */
uint32_t lq_session_decode_dispatches(const lq_session *session);
/* The mean wall time of launching one dispatch that does nothing on the
   session's thread pool with one workgroup per thread (the fixed cost
   every dispatch pays), over `iterations` launches; in nanoseconds. */
double lq_session_launch_cost(lq_session *session, uint32_t iterations);

/* ---- Text -------------------------------------------------------------- */

/* lq_tokenize flags. */
enum {
  /* Add BOS (and EOS) where the model's tokenizer adds them. */
  LQ_TOKENIZE_ADD_SPECIAL = 1,
  /* Control tokens written in the text ("<|im_start|>") are those tokens;
     without it they are tokenized as plain text. (User-defined tokens are
     always matched.) */
  LQ_TOKENIZE_PARSE_SPECIAL = 2,
};

/* Tokenizes `size` bytes of `text` (UTF-8; invalid bytes tokenize as
   U+FFFD) exactly as llama.cpp tokenizes the same vocabulary. Writes up to
   `capacity` ids to `tokens` and the number of ids to `*count`; when they
   do not fit, returns LQ_ERROR_INVALID_ARGUMENT with `*count` the number
   needed (a capacity of 0 asks for it). A text of n bytes gives at most
   3 * n + 2 ids (an invalid byte reads as the 3 bytes of U+FFFD; BOS and
   EOS). LQ_ERROR_UNSUPPORTED when the artifact has no tokenizer. */
lq_status lq_tokenize(const lq_model *model, const char *text, size_t size,
                      uint32_t flags, int32_t *tokens, size_t capacity,
                      size_t *count);

/* lq_token_to_piece flags. */
enum {
  /* Give control tokens' text (BOS, "<|im_end|>"); without it they give
     nothing. */
  LQ_PIECE_SPECIAL = 1,
};

/* The bytes `token` stands for (not NUL-terminated; a piece may be part of
   a UTF-8 character). Copies up to `capacity` bytes into `buffer` and
   returns the piece's length, which is more than `capacity` when it did not
   fit; -1 (with lq_last_error set) when the artifact has no tokenizer or
   `token` is out of range. */
int32_t lq_token_to_piece(const lq_model *model, int32_t token, char *buffer,
                          size_t capacity, uint32_t flags);

/* Nonzero when generating `token` ends a reply (EOS, end of turn). */
int lq_token_is_end(const lq_model *model, int32_t token);

/* ---- Chat --------------------------------------------------------------- */

/* Renders a conversation with the artifact's chat template, as Hugging
   Face's apply_chat_template does: `messages_json` is a JSON array of
   messages ({"role": "system" | "user" | "assistant" | "tool", "content":
   ...}), `tools_json` (nullable) a JSON array of tools in the OpenAI
   format, and `add_generation_prompt` nonzero ends the text with the
   opening of the assistant's turn. Writes the text and a NUL to `out`;
   `*length` receives the text's length (without the NUL), also when it
   does not fit (LQ_ERROR_INVALID_ARGUMENT; a capacity of 0 asks for it).
   LQ_ERROR_UNSUPPORTED when the artifact has no template; a template's
   raise_exception() or bad JSON is LQ_ERROR_INVALID_ARGUMENT with the
   message. */
lq_status lq_chat_render(const lq_model *model, const char *messages_json,
                         const char *tools_json, int add_generation_prompt,
                         char *out, size_t capacity, size_t *length);

/* ---- Sampling ---------------------------------------------------------- */

typedef struct lq_sampler_params {
  float temperature; /* <= 0: greedy (argmax, lowest id on ties) */
  uint32_t top_k;    /* 0: all tokens */
  float top_p;       /* 1: no nucleus cut */
  uint64_t seed;
  /* Drop tokens whose probability (before temperature) is below min_p
     times the likeliest's; 0: off. */
  float min_p;
  /* Tokens among the last `repeat_last_n` accepted (lq_sampler_accept):
     positive logits divided by repeat_penalty, negative ones multiplied;
     1 (or <= 0): off. Applies to greedy sampling too. */
  float repeat_penalty;
  uint32_t repeat_last_n;
} lq_sampler_params;

typedef struct lq_sampler lq_sampler;

/* The defaults the artifact records, with seed 0 and repeat_last_n 64. */
void lq_sampler_params_default(const lq_model *model,
                               lq_sampler_params *params);
lq_status lq_sampler_create(const lq_sampler_params *params,
                            lq_sampler **out);
void lq_sampler_destroy(lq_sampler *sampler);
/* Picks a token id from `vocab_size` logits; -1 (with lq_last_error set)
   when `sampler` or `logits` is null or `vocab_size` is 0. */
int32_t lq_sampler_sample(lq_sampler *sampler, const float *logits,
                          size_t vocab_size);
/* Records a token of the context (prompt or generated) for the repetition
   penalty. */
void lq_sampler_accept(lq_sampler *sampler, int32_t token);
/* Forgets the accepted tokens (a new context). */
void lq_sampler_reset(lq_sampler *sampler);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LIQUID_RUNTIME_H */
