/* Mandelbrot set on a size x size grid over [-2, 0.5] x [-1.25, 1.25], at most
 * 1000 iterations a point, split across T threads (argv[2], default 2) that
 * take rows from a shared atomic counter: CPU-bound work with almost no sharing,
 * for measuring the speedup of wasi-threads (thread-spawn, shared memory) over
 * one thread. Each row's count and hash land in per-row slots, and main folds
 * them in row order after pthread_join, so the checksum is the same for every T.
 *
 * Built by bench/build.sh (the wasm-cflags below) with the wasm32-wasi-threads sysroot that
 * tests/programs/threads/build.sh --setup puts together; argv: size, threads.
 * Run: wasmtime 36..46 `run -W threads=y -S threads=y threads-mandelbrot.wasm 1500 2`
 *
 * wasm-cflags: --target=wasm32-wasi-threads -pthread -Wl,--import-memory,--export-memory,--max-memory=67108864
 * native-cflags: -pthread
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include "bench.h"

#define MAX_ITER 1000
#define MAX_THREADS 64

static long size;
static atomic_long next_row;
static uint32_t *row_hash, *row_inside;

static void do_row(long py) {
    double ci = -1.25 + 2.5 * (double)py / (double)size;
    uint32_t hash = 2166136261u, inside = 0;
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
    row_hash[py] = hash;
    row_inside[py] = inside;
}

static void *worker(void *arg) {
    (void)arg;
    for (;;) {
        long py = atomic_fetch_add(&next_row, 1);
        if (py >= size)
            return NULL;
        do_row(py);
    }
}

int main(int argc, char **argv) {
    size = bench_size(argc, argv, 1500);
    long threads = argc > 2 ? strtol(argv[2], NULL, 10) : 2;
    if (threads < 1 || threads > MAX_THREADS) {
        fprintf(stderr, "threads must be 1..%d\n", MAX_THREADS);
        return 2;
    }
    row_hash = malloc(size * sizeof *row_hash);
    row_inside = malloc(size * sizeof *row_inside);
    if (!row_hash || !row_inside) {
        fprintf(stderr, "out of memory\n");
        return 2;
    }
    pthread_t tids[MAX_THREADS];
    /* main is one of the workers: T threads in all, T-1 spawned. */
    for (long t = 1; t < threads; t++) {
        if (pthread_create(&tids[t], NULL, worker, NULL)) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    worker(NULL);
    for (long t = 1; t < threads; t++)
        pthread_join(tids[t], NULL);

    uint32_t hash = 2166136261u, inside = 0;
    for (long py = 0; py < size; py++) {
        hash = (hash ^ row_hash[py]) * 16777619u;
        inside += row_inside[py];
    }
    printf("checksum: %u %08x\n", inside, hash);
    return 0;
}
