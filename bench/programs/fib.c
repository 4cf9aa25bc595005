/* Recursive Fibonacci: call and return overhead, nothing else. */
#include <inttypes.h>
#include <stdio.h>
#include "bench.h"

static uint64_t fib(uint32_t n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv) {
    uint32_t n = (uint32_t)bench_size(argc, argv, 40);
    printf("checksum: fib(%" PRIu32 ") = %" PRIu64 "\n", n, fib(n));
    return 0;
}
