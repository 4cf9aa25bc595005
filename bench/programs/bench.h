/* Shared by every C benchmark: the size argument and a deterministic
 * pseudo-random generator, so that native and wasm runs see the same data. */
#ifndef SILO_BENCH_H
#define SILO_BENCH_H

#include <stdint.h>
#include <stdlib.h>

/* argv[1], when present and positive, overrides the default size. */
static long bench_size(int argc, char **argv, long default_size) {
    if (argc > 1) {
        long v = strtol(argv[1], NULL, 10);
        if (v > 0)
            return v;
    }
    return default_size;
}

/* xorshift32: tiny, fast, and the same on every target. */
static uint32_t bench_rng_state = 0x9e3779b9u;

static inline void bench_seed(uint32_t seed) {
    bench_rng_state = seed ? seed : 0x9e3779b9u;
}

static inline uint32_t bench_rand(void) {
    uint32_t x = bench_rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    bench_rng_state = x;
    return x;
}

#endif
