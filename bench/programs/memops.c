/* Bulk memory through libc: memset, memcpy and memmove of blocks from a
 * few bytes to 64 KiB at unaligned offsets, plus memcmp, over 1 MiB buffers.
 * Built for plain wasm32-wasi these are wasi-libc's own loops; memops-bulk
 * is the same program built with bulk memory, where memcpy, memmove and
 * memset become single memory.copy and memory.fill instructions. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "bench.h"

#define BUF (1u << 20)

#ifndef MEMOPS_ROUNDS
#define MEMOPS_ROUNDS 1500000
#endif

static unsigned char a[BUF], b[BUF];

int main(int argc, char **argv) {
    long rounds = bench_size(argc, argv, MEMOPS_ROUNDS);
    static const uint32_t lengths[] = {3, 8, 17, 64, 100, 256, 1000, 4096, 7777, 16384, 65536, 4};
    uint64_t check = 0;
    for (uint32_t i = 0; i < BUF; i++)
        a[i] = (unsigned char)(i * 7 + (i >> 9));
    bench_seed(777);
    for (long r = 0; r < rounds; r++) {
        uint32_t x = bench_rand();
        uint32_t len = lengths[x % 12];
        uint32_t from = (x >> 4) % (BUF - len);
        uint32_t to = (x >> 12) % (BUF - len);
        switch ((x >> 28) & 3) {
        case 0:
            memset(b + to, (int)(x >> 20), len);
            break;
        case 1:
            memcpy(b + to, a + from, len);
            break;
        case 2:
            memmove(a + to, a + from, len);
            break;
        default: {
            int c = memcmp(a + from, b + to, len);
            check += (uint64_t)((c > 0) - (c < 0) + 1);
        }
        }
        check = check * 31 + a[(to + len / 2) % BUF] + b[from];
    }
    for (uint32_t i = 0; i < BUF; i += 4099)
        check = check * 131 + a[i] + (b[i] << 8);
    printf("checksum: %016" PRIx64 "\n", check);
    return 0;
}
