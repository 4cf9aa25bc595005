/* Spectral norm of the infinite matrix a(i,j) = 1 / ((i+j)(i+j+1)/2 + i + 1),
 * truncated to n x n, by ten rounds of the power method on A^T A.
 * Double-precision division-heavy loops. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"

static double a(long i, long j) {
    return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1);
}

static void mul_a(const double *v, double *out, long n) {
    for (long i = 0; i < n; i++) {
        double sum = 0;
        for (long j = 0; j < n; j++)
            sum += a(i, j) * v[j];
        out[i] = sum;
    }
}

static void mul_at(const double *v, double *out, long n) {
    for (long i = 0; i < n; i++) {
        double sum = 0;
        for (long j = 0; j < n; j++)
            sum += a(j, i) * v[j];
        out[i] = sum;
    }
}

static void mul_ata(const double *v, double *out, double *tmp, long n) {
    mul_a(v, tmp, n);
    mul_at(tmp, out, n);
}

int main(int argc, char **argv) {
    long n = bench_size(argc, argv, 3500);
    double *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v), *tmp = malloc(n * sizeof *tmp);
    if (!u || !v || !tmp)
        return 1;
    for (long i = 0; i < n; i++)
        u[i] = 1.0;
    for (int round = 0; round < 10; round++) {
        mul_ata(u, v, tmp, n);
        mul_ata(v, u, tmp, n);
    }
    double uv = 0, vv = 0;
    for (long i = 0; i < n; i++) {
        uv += u[i] * v[i];
        vv += v[i] * v[i];
    }
    printf("checksum: %.9f\n", sqrt(uv / vv));
    return 0;
}
