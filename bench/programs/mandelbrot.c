/* Mandelbrot set on a size x size grid over [-2, 0.5] x [-1.25, 1.25],
 * at most 100 iterations a point: a tight double-precision loop with an
 * unpredictable exit. The checksum hashes every point's iteration count. */
#include <stdio.h>
#include "bench.h"

#define MAX_ITER 100

int main(int argc, char **argv) {
    long size = bench_size(argc, argv, 3000);
    uint32_t hash = 2166136261u, inside = 0;
    for (long py = 0; py < size; py++) {
        double ci = -1.25 + 2.5 * (double)py / (double)size;
        for (long px = 0; px < size; px++) {
            double cr = -2.0 + 2.5 * (double)px / (double)size;
            double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
            int iter = 0;
            while (iter < MAX_ITER && zr2 + zi2 <= 4.0) {
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                zr2 = zr * zr;
                zi2 = zi * zi;
                iter++;
            }
            inside += iter == MAX_ITER;
            hash = (hash ^ (uint32_t)iter) * 16777619u;
        }
    }
    printf("checksum: %u %08x\n", inside, hash);
    return 0;
}
