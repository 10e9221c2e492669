/*===- main.c - Embedding the Liquid runtime in a C program ---------------===*\
|*                                                                            *|
|* SPDX-License-Identifier: Apache-2.0                                        *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/
/*
 * The runtime's C API end to end: open a compiled artifact, create a
 * session, prefill a prompt of token ids, take a snapshot of the session,
 * generate N greedy tokens keeping each step's logits, restore the snapshot,
 * evaluate the same N tokens again and check that every logit is
 * bit-identical to the first pass.
 *
 *   liquid-embed-example MODEL.lqm [IDS] [N]
 *
 * IDS is the prompt, comma-separated token ids (default: the model's BOS
 * id); N the tokens to generate (default 8). Prints the generated ids on the
 * "generated:" line, then "snapshot/restore: identical"; exits 1 with a
 * message on any failure.
 */
#include "liquid/runtime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reports the runtime's message for the last failed call. */
static int fail_runtime(const char *call) {
  fprintf(stderr, "liquid-embed-example: error: %s: %s\n", call,
          lq_last_error());
  return 1;
}

static int out_of_memory(void) {
  fprintf(stderr, "liquid-embed-example: error: out of memory\n");
  return 1;
}

/* "1,739,585" into a new array; returns the count, 0 on a bad list. */
static size_t parse_ids(const char *text, int32_t **out) {
  size_t count = 1, n = 0;
  const char *p;
  for (p = text; *p; ++p)
    count += *p == ',';
  *out = malloc(count * sizeof(int32_t));
  if (!*out)
    return 0;
  p = text;
  while (n < count) {
    char *end;
    long value;
    if (*p < '0' || *p > '9')
      break;
    errno = 0;
    value = strtol(p, &end, 10);
    if (errno || value > INT32_MAX || (*end != ',' && *end != '\0'))
      break;
    (*out)[n++] = (int32_t)value;
    p = *end ? end + 1 : end;
  }
  if (n != count) {
    free(*out);
    *out = NULL;
    return 0;
  }
  return count;
}

/* Everything the example allocates, released in one place. */
typedef struct example {
  lq_model *model;
  lq_session *session;
  lq_sampler *sampler;
  int32_t *prompt, *generated;
  float *first, *second;
  void *snapshot;
} example;

static void release(example *e) {
  free(e->prompt);
  free(e->generated);
  free(e->first);
  free(e->second);
  free(e->snapshot);
  lq_sampler_destroy(e->sampler);
  lq_session_destroy(e->session); /* sessions before their model */
  lq_model_close(e->model);
}

static int run(example *e, int argc, char **argv) {
  lq_model_info info;
  lq_sampler_params params;
  size_t prompt_count = 0, vocab, snapshot_size, i;
  long n = 8;

  if (argc < 2 || argc > 4) {
    fprintf(stderr, "usage: liquid-embed-example MODEL.lqm [IDS] [N]\n");
    return 1;
  }
  if (argc == 4) {
    char *end;
    errno = 0;
    n = strtol(argv[3], &end, 10);
    if (errno || *end || n < 1 || n > 1000000) {
      fprintf(stderr,
              "liquid-embed-example: error: N: expected a count in "
              "[1, 1000000], got '%s'\n",
              argv[3]);
      return 1;
    }
  }

  if (argc >= 3) {
    prompt_count = parse_ids(argv[2], &e->prompt);
    if (!prompt_count) {
      fprintf(stderr,
              "liquid-embed-example: error: IDS: expected "
              "comma-separated token ids, got '%s'\n",
              argv[2]);
      return 1;
    }
  }

  /* Open: mmap, verify every offset, pick the target, load the code. */
  if (lq_model_open(argv[1], &e->model) != LQ_OK)
    return fail_runtime("lq_model_open");
  lq_model_get_info(e->model, &info);
  vocab = info.vocab_size;
  printf("model: %s, %u layers, vocab %u, max context %u\n", info.architecture,
         info.num_layers, info.vocab_size, info.max_context);

  /* The default prompt: the model's BOS id. */
  if (!e->prompt) {
    prompt_count = 1;
    e->prompt = malloc(sizeof(int32_t));
    if (!e->prompt)
      return out_of_memory();
    e->prompt[0] = info.bos_token_id >= 0 ? info.bos_token_id : 1;
  }

  /* Each generated token is evaluated, so all of them need a position. */
  if (prompt_count + (size_t)n > info.max_context) {
    fprintf(stderr,
            "liquid-embed-example: error: %s: %zu prompt tokens and "
            "%ld generated exceed the model's max context %u\n",
            argv[1], prompt_count, n, info.max_context);
    return 1;
  }

  e->generated = malloc((size_t)n * sizeof(int32_t));
  e->first = malloc((size_t)n * vocab * sizeof(float));
  e->second = malloc((size_t)n * vocab * sizeof(float));
  if (!e->generated || !e->first || !e->second)
    return out_of_memory();

  /* A session: its own state buffers and thread pool (0: all CPUs). */
  if (lq_session_create(e->model, 0, &e->session) != LQ_OK)
    return fail_runtime("lq_session_create");
  if (lq_session_prefill(e->session, e->prompt, prompt_count, NULL) != LQ_OK)
    return fail_runtime("lq_session_prefill");

  /* Snapshot: position, last logits and every state buffer. */
  snapshot_size = lq_session_snapshot_size(e->session);
  e->snapshot = malloc(snapshot_size);
  if (!e->snapshot)
    return out_of_memory();
  if (lq_session_snapshot(e->session, e->snapshot, snapshot_size) != LQ_OK)
    return fail_runtime("lq_session_snapshot");
  printf("prompt: %zu token%s, snapshot: %zu bytes\n", prompt_count,
         prompt_count == 1 ? "" : "s", snapshot_size);

  /* Greedy generation: temperature 0 picks the argmax. */
  lq_sampler_params_default(e->model, &params);
  params.temperature = 0.0f;
  if (lq_sampler_create(&params, &e->sampler) != LQ_OK)
    return fail_runtime("lq_sampler_create");
  for (i = 0; i < (size_t)n; ++i) {
    e->generated[i] =
        lq_sampler_sample(e->sampler, lq_session_logits(e->session), vocab);
    if (e->generated[i] < 0)
      return fail_runtime("lq_sampler_sample");
    if (lq_session_decode(e->session, e->generated[i], e->first + i * vocab) !=
        LQ_OK)
      return fail_runtime("lq_session_decode");
  }

  /* Back to the end of the prompt; the same tokens must give the same
     logits, bit for bit. */
  if (lq_session_restore(e->session, e->snapshot, snapshot_size) != LQ_OK)
    return fail_runtime("lq_session_restore");
  if (lq_session_position(e->session) != prompt_count) {
    fprintf(stderr,
            "liquid-embed-example: error: restore: position %u, "
            "expected %zu\n",
            lq_session_position(e->session), prompt_count);
    return 1;
  }
  for (i = 0; i < (size_t)n; ++i)
    if (lq_session_decode(e->session, e->generated[i], e->second + i * vocab) !=
        LQ_OK)
      return fail_runtime("lq_session_decode");

  printf("generated: ");
  for (i = 0; i < (size_t)n; ++i)
    printf(i ? ",%d" : "%d", (int)e->generated[i]);
  printf("\n");
  if (memcmp(e->first, e->second, (size_t)n * vocab * sizeof(float)) != 0) {
    fprintf(stderr, "liquid-embed-example: error: snapshot/restore: the "
                    "logits after restore differ from the first pass\n");
    return 1;
  }
  printf("snapshot/restore: identical\n");
  return 0;
}

int main(int argc, char **argv) {
  example e;
  int code;
  memset(&e, 0, sizeof(e));
  code = run(&e, argc, argv);
  release(&e);
  return code;
}
