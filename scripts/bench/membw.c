/* membw.c - the machine's memory read bandwidth, for the decode floor.
 *
 *   membw THREADS [MIB]
 *
 * Reads a buffer of MIB mebibytes (default 1024, far beyond the caches)
 * with THREADS threads, each summing its own contiguous share, five times,
 * and prints the best rate in GB/s (1e9 bytes per second). Used by
 * bench-vs-llamacpp.sh: a decode step that reads B bytes of weights cannot
 * run faster than this rate / B. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct share {
  const uint64_t *begin;
  size_t words;
  uint64_t sum;
};

static void *readShare(void *arg) {
  struct share *s = arg;
  uint64_t a = 0, b = 0, c = 0, d = 0;
  for (size_t i = 0; i + 4 <= s->words; i += 4) {
    a += s->begin[i];
    b += s->begin[i + 1];
    c += s->begin[i + 2];
    d += s->begin[i + 3];
  }
  s->sum = a + b + c + d;
  return NULL;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  size_t mib = argc > 2 ? (size_t)atol(argv[2]) : 1024;
  if (threads < 1 || threads > 256 || mib < 1) {
    fprintf(stderr, "usage: membw THREADS [MIB]\n");
    return 1;
  }
  size_t bytes = mib << 20, words = bytes / 8;
  uint64_t *buffer = aligned_alloc(64, bytes);
  if (!buffer) {
    fprintf(stderr, "membw: cannot allocate %zu MiB\n", mib);
    return 1;
  }
  memset(buffer, 1, bytes);
  double best = 0;
  uint64_t total = 0;
  for (int run = 0; run < 5; ++run) {
    pthread_t ids[256];
    struct share shares[256];
    double start = now();
    for (int t = 0; t < threads; ++t) {
      shares[t].begin = buffer + words / threads * t;
      shares[t].words = words / threads;
      pthread_create(&ids[t], NULL, readShare, &shares[t]);
    }
    for (int t = 0; t < threads; ++t) {
      pthread_join(ids[t], NULL);
      total += shares[t].sum;
    }
    double rate = (double)bytes / (now() - start) / 1e9;
    if (rate > best)
      best = rate;
  }
  printf("%.1f\n", best);
  return total == 0; /* Keeps the sums alive. */
}
