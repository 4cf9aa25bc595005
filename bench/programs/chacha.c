/* A stream-cipher-shaped kernel: the ChaCha quarter-round permutation (32-bit adds, xors and
 * rotations, no memory traffic inside a block) over a 16-word state, 20 rounds per block,
 * keystream xored into a buffer. What rotate/xor-heavy cryptography costs in each engine:
 * whether `rotl` becomes one instruction and the state stays in registers. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "bench.h"

#define ROTL(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QR(a, b, c, d)                                                                            \
    do {                                                                                          \
        a += b; d ^= a; d = ROTL(d, 16);                                                          \
        c += d; b ^= c; b = ROTL(b, 12);                                                          \
        a += b; d ^= a; d = ROTL(d, 8);                                                           \
        c += d; b ^= c; b = ROTL(b, 7);                                                           \
    } while (0)

/* One 64-byte block of keystream from `in` (the state: constants, key, counter, nonce). */
static void block(const uint32_t in[16], uint32_t out[16]) {
    uint32_t x[16];
    memcpy(x, in, sizeof x);
    for (int round = 0; round < 20; round += 2) {
        QR(x[0], x[4], x[8], x[12]);
        QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]);
        QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]);
        QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]);
        QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++)
        out[i] = x[i] + in[i];
}

int main(int argc, char **argv) {
    long blocks = bench_size(argc, argv, 4000000);
    static uint32_t buffer[1024]; /* 4 KiB, xored over and over */
    uint32_t state[16] = {0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u};
    for (int i = 4; i < 16; i++)
        state[i] = bench_rand();
    for (int i = 0; i < 1024; i++)
        buffer[i] = bench_rand();
    uint32_t stream[16];
    for (long n = 0; n < blocks; n++) {
        block(state, stream);
        uint32_t *chunk = buffer + (n % 64) * 16;
        for (int i = 0; i < 16; i++)
            chunk[i] ^= stream[i];
        if (++state[12] == 0)
            state[13]++;
    }
    uint64_t sum = 0;
    for (int i = 0; i < 1024; i++)
        sum = sum * 31 + buffer[i];
    printf("checksum: %016" PRIx64 "\n", sum);
    return 0;
}
