/* Ackermann's function A(3, 6) and A(2, k), repeated: deep, irregular
 * recursion. The depth stays under about 700 frames, because some engines
 * (wasmi) stop near a thousand; the size is the number of repetitions. */
#include <inttypes.h>
#include <stdio.h>
#include "bench.h"

static uint32_t ack(uint32_t m, uint32_t n) {
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

int main(int argc, char **argv) {
    long reps = bench_size(argc, argv, 3000);
    uint64_t sum = 0;
    for (long r = 0; r < reps; r++) {
        sum = sum * 31 + ack(3, 6);
        /* A(2, k) = 2k + 3, reached through about 2k^2 calls. */
        sum = sum * 31 + ack(2, 300 + (uint32_t)(r % 7));
    }
    printf("checksum: %" PRIu64 "\n", sum);
    return 0;
}
