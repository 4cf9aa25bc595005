/* wasm-cflags: -msimd128
 * native-cflags: -march=x86-64-v3
 * Byte-stream kernels that compilers vectorize with -msimd128: ASCII upper-casing in place,
 * counting newlines and non-ASCII bytes, a byte sum and a 16-bit Fletcher-style checksum over
 * blocks, and a minimum/maximum scan, over a 1 MiB buffer of generated text, size times. The
 * integer side of SIMD: i8x16 compares, selects, widening adds and reductions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"

#define LEN (1 << 20)

static void upcase(uint8_t *p, long n) {
    for (long i = 0; i < n; i++) {
        uint8_t c = p[i];
        p[i] = (c >= 'a' && c <= 'z') ? c - 32 : c;
    }
}

static void downcase(uint8_t *p, long n) {
    for (long i = 0; i < n; i++) {
        uint8_t c = p[i];
        p[i] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
    }
}

static uint32_t count_eq(const uint8_t *p, long n, uint8_t want) {
    uint32_t count = 0;
    for (long i = 0; i < n; i++)
        count += p[i] == want;
    return count;
}

static uint32_t count_high(const uint8_t *p, long n) {
    uint32_t count = 0;
    for (long i = 0; i < n; i++)
        count += p[i] >> 7;
    return count;
}

static uint32_t byte_sum(const uint8_t *p, long n) {
    uint32_t sum = 0;
    for (long i = 0; i < n; i++)
        sum += p[i];
    return sum;
}

/* Fletcher-style: per 4 KiB block, the plain sum and the sum weighted by position. */
static uint32_t fletcher(const uint8_t *p, long n) {
    uint32_t a = 1, b = 0;
    for (long block = 0; block < n; block += 4096) {
        uint32_t s = 0, w = 0;
        for (long i = 0; i < 4096; i++) {
            s += p[block + i];
            w += (uint32_t)(4096 - i) * p[block + i];
        }
        b = (b + 4096 * a + w) % 65521;
        a = (a + s) % 65521;
    }
    return b << 16 | a;
}

static uint32_t min_max(const uint8_t *p, long n) {
    uint8_t lo = 255, hi = 0;
    for (long i = 0; i < n; i++) {
        lo = p[i] < lo ? p[i] : lo;
        hi = p[i] > hi ? p[i] : hi;
    }
    return (uint32_t)lo << 8 | hi;
}

int main(int argc, char **argv) {
    long rounds = bench_size(argc, argv, 600);
    uint8_t *text = malloc(LEN);
    if (!text)
        return 1;
    static const char alphabet[] = "etaoin shrdlu ETAOIN SHRDLU,.\n0123456789";
    for (long i = 0; i < LEN; i++) {
        uint32_t r = bench_rand();
        text[i] = (r & 0xff) < 3 ? (uint8_t)(0x80 | (r >> 8)) : (uint8_t)alphabet[(r >> 8) % 40];
    }
    uint32_t acc = 0;
    for (long r = 0; r < rounds; r++) {
        if (r & 1)
            downcase(text, LEN);
        else
            upcase(text, LEN);
        acc = acc * 31 + count_eq(text, LEN, '\n');
        acc = acc * 31 + count_high(text, LEN);
        acc = acc * 31 + byte_sum(text, LEN);
        acc = acc * 31 + fletcher(text, LEN);
        acc = acc * 31 + min_max(text, LEN);
        text[(r * 7919) % LEN] ^= 0x20;
    }
    printf("checksum: %08x\n", acc);
    free(text);
    return 0;
}
