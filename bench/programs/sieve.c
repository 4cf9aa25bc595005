/* Sieve of Eratosthenes over [0, limit], three passes over one byte array:
 * strided stores and a linear scan. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

#define PASSES 8

int main(int argc, char **argv) {
    long limit = bench_size(argc, argv, 20000000);
    unsigned char *composite = malloc((size_t)limit + 1);
    if (!composite)
        return 1;
    uint64_t count = 0, sum = 0, last = 0;
    for (int pass = 0; pass < PASSES; pass++) {
        memset(composite, 0, (size_t)limit + 1);
        for (long i = 2; i * i <= limit; i++)
            if (!composite[i])
                for (long j = i * i; j <= limit; j += i)
                    composite[j] = 1;
        count = sum = last = 0;
        for (long i = 2; i <= limit; i++)
            if (!composite[i]) {
                count++;
                sum += (uint64_t)i;
                last = (uint64_t)i;
            }
    }
    printf("checksum: %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", count, sum, last);
    free(composite);
    return 0;
}
