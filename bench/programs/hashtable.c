/* Open-addressing hash table (linear probing, backward-shift deletion)
 * with 32-bit keys: n inserts, 2n lookups (half misses), n/2 deletes,
 * then n lookups again. Random access into a table larger than L1. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"

#define EMPTY 0u /* keys are never zero */

static uint32_t *keys, *vals;
static uint32_t mask;

static uint32_t hash(uint32_t k) {
    k ^= k >> 16;
    k *= 0x7feb352du;
    k ^= k >> 15;
    k *= 0x846ca68bu;
    k ^= k >> 16;
    return k;
}

static void put(uint32_t k, uint32_t v) {
    uint32_t i = hash(k) & mask;
    while (keys[i] != EMPTY && keys[i] != k)
        i = (i + 1) & mask;
    keys[i] = k;
    vals[i] = v;
}

static int get(uint32_t k, uint32_t *v) {
    for (uint32_t i = hash(k) & mask; keys[i] != EMPTY; i = (i + 1) & mask)
        if (keys[i] == k) {
            *v = vals[i];
            return 1;
        }
    return 0;
}

static int del(uint32_t k) {
    uint32_t i = hash(k) & mask;
    while (keys[i] != k) {
        if (keys[i] == EMPTY)
            return 0;
        i = (i + 1) & mask;
    }
    /* Shift later members of the cluster back into the hole. */
    for (uint32_t j = (i + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
        uint32_t home = hash(keys[j]) & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            keys[i] = keys[j];
            vals[i] = vals[j];
            i = j;
        }
    }
    keys[i] = EMPTY;
    return 1;
}

static uint32_t key_of(uint32_t i) {
    return hash(i * 2654435761u + 1u) | 1u; /* odd, so never EMPTY */
}

int main(int argc, char **argv) {
    long n = bench_size(argc, argv, 2000000);
    uint32_t cap = 1;
    while (cap < (uint32_t)n * 2)
        cap <<= 1;
    mask = cap - 1;
    keys = calloc(cap, sizeof *keys);
    vals = calloc(cap, sizeof *vals);
    if (!keys || !vals)
        return 1;
    for (uint32_t i = 0; i < (uint32_t)n; i++)
        put(key_of(i), i);
    /* Re-inserting a quarter of the keys updates their values in place. */
    for (uint32_t i = 0; i < (uint32_t)n; i += 4)
        put(key_of(i), i * 3);
    uint64_t found = 0, sum = 0;
    uint32_t v;
    for (uint32_t i = 0; i < 2 * (uint32_t)n; i++)
        if (get(key_of(i), &v)) {
            found++;
            sum += v;
        }
    uint64_t deleted = 0;
    for (uint32_t i = 0; i < (uint32_t)n; i += 2)
        deleted += (uint64_t)del(key_of(i));
    for (uint32_t i = 0; i < (uint32_t)n; i++)
        if (get(key_of(i), &v)) {
            found++;
            sum = sum * 31 + v;
        }
    printf("checksum: %" PRIu64 " %" PRIu64 " %016" PRIx64 "\n", found, deleted, sum);
    return 0;
}
