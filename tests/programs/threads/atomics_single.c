// atomics_single: single-threaded, atomic-heavy. C11 atomic fetch_add,
// fetch_xor, exchange and compare_exchange loops over a 4096-element array of
// _Atomic uint32_t and a 64-bit counter, plus atomic_thread_fence: the
// threads proposal's atomic instructions (i32/i64 atomic rmw, cmpxchg, fence) on
// an ordinary, non-shared memory of a plain wasm32-wasi module.
// Prints "checksum: <n>" (deterministic).
// Build (see build.sh): clang-16 --target=wasm32-wasi --sysroot=/usr -O2
//   -matomics -mbulk-memory -o atomics_single.wasm atomics_single.c
//   (Debian's wasi-libc; the memory stays unshared: no -pthread, no --shared-memory)
// wasm-target: wasm32-wasi
// wasm-cflags: -matomics -mbulk-memory
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define LEN 4096
#define ROUNDS 200

static _Atomic uint32_t cells[LEN];
static _Atomic uint64_t total;

// Atomically multiply-add with a compare_exchange retry loop.
static uint32_t cas_update(_Atomic uint32_t *p, uint32_t mul, uint32_t add) {
    uint32_t old = atomic_load_explicit(p, memory_order_relaxed);
    while (!atomic_compare_exchange_weak(p, &old, old * mul + add))
        ;
    return old;
}

int main(void) {
    for (uint32_t i = 0; i < LEN; i++)
        atomic_init(&cells[i], i * 2654435761u);
    for (uint32_t r = 0; r < ROUNDS; r++) {
        for (uint32_t i = 0; i < LEN; i++) {
            uint32_t a = atomic_fetch_add(&cells[i], r + i);
            uint32_t b = atomic_fetch_xor_explicit(&cells[(i * 7 + r) % LEN], a >> 3, memory_order_acq_rel);
            uint32_t c = cas_update(&cells[(i + 1) % LEN], 1664525u, 1013904223u ^ b);
            uint32_t d = atomic_exchange(&cells[(i + r) % LEN], c + b);
            atomic_fetch_add_explicit(&total, (uint64_t)(a ^ d), memory_order_relaxed);
        }
        atomic_thread_fence(memory_order_seq_cst);
    }
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < LEN; i++)
        h = (h ^ atomic_load(&cells[i])) * 16777619u;
    printf("checksum: %llu %08x\n", (unsigned long long)atomic_load(&total), h);
    return 0;
}
