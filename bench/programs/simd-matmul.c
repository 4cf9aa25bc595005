/* wasm-cflags: -msimd128
 * native-cflags: -march=x86-64-v3
 * Single-precision matrix multiply C = A * B (n x n), in the i-k-j order that compilers
 * vectorize without reordering any sum: with -msimd128 the inner loop becomes f32x4
 * multiplies and adds, so the result is the same bits as the scalar build
 * (matmul-scalar.c, the same source without -msimd128). Repeated until about n^3 * 8
 * multiply-adds ran, then a checksum of C. */
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"

static void matmul(const float *a, const float *b, float *c, long n) {
    for (long i = 0; i < n * n; i++)
        c[i] = 0.0f;
    for (long i = 0; i < n; i++)
        for (long k = 0; k < n; k++) {
            float aik = a[i * n + k];
            const float *brow = b + k * n;
            float *crow = c + i * n;
            for (long j = 0; j < n; j++)
                crow[j] += aik * brow[j];
        }
}

int main(int argc, char **argv) {
    long n = bench_size(argc, argv, 256);
    float *a = malloc(n * n * sizeof *a), *b = malloc(n * n * sizeof *b);
    float *c = malloc(n * n * sizeof *c);
    if (!a || !b || !c)
        return 1;
    for (long i = 0; i < n * n; i++) {
        a[i] = (float)(bench_rand() % 1000) / 250.0f - 2.0f;
        b[i] = (float)(bench_rand() % 1000) / 500.0f - 1.0f;
    }
    double checksum = 0;
    for (int round = 0; round < 8; round++) {
        matmul(a, b, c, n);
        for (long i = 0; i < n * n; i += 7)
            checksum += c[i];
        a[round % (n * n)] += 0.5f;
    }
    printf("checksum: %.6e %.6e\n", checksum, (double)c[0]);
    free(a);
    free(b);
    free(c);
    return 0;
}
