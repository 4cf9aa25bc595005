/* wasm-cflags: -msimd128
 * native-cflags: -march=x86-64-v3
 * A 3x3 box blur of an 8-bit grayscale image, then the sum of absolute differences
 * between the blurred and the original image: an image-codec kernel written with explicit
 * wasm_simd128.h intrinsics (widening u8 -> u16 adds, a multiply-high division by 9,
 * narrowing, abs-diff), and the same in scalar C where there is no wasm SIMD (the native
 * build, which the compiler vectorizes for the host). Both give the same image. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define W 1024
#define H 768

/* x / 9 as (x * 7282) >> 16, exact for every x up to 2295 (the largest 3x3 sum of bytes). */
static inline uint16_t div9(uint32_t x) {
    return (uint16_t)((x * 7282u) >> 16);
}

static void blur_row_scalar(const uint8_t *up, const uint8_t *mid, const uint8_t *down,
                            uint8_t *out, long from, long to) {
    for (long x = from; x < to; x++) {
        uint32_t s = 0;
        for (int d = -1; d <= 1; d++)
            s += up[x + d] + mid[x + d] + down[x + d];
        out[x] = (uint8_t)div9(s);
    }
}

static void blur(const uint8_t *src, uint8_t *dst) {
    for (long y = 1; y < H - 1; y++) {
        const uint8_t *up = src + (y - 1) * W, *mid = src + y * W, *down = src + (y + 1) * W;
        uint8_t *out = dst + y * W;
        long x = 1;
#ifdef __wasm_simd128__
        const v128_t k = wasm_u16x8_splat(7282);
        for (; x + 16 <= W - 1; x += 16) {
            v128_t lo = wasm_i16x8_splat(0), hi = wasm_i16x8_splat(0);
            for (int d = -1; d <= 1; d++) {
                v128_t rows[3] = {wasm_v128_load(up + x + d), wasm_v128_load(mid + x + d),
                                  wasm_v128_load(down + x + d)};
                for (int r = 0; r < 3; r++) {
                    lo = wasm_i16x8_add(lo, wasm_u16x8_extend_low_u8x16(rows[r]));
                    hi = wasm_i16x8_add(hi, wasm_u16x8_extend_high_u8x16(rows[r]));
                }
            }
            /* s * 7282 >> 16 (div9), the 16x16 multiply widened to 32 bits. */
            v128_t lo_q = wasm_i16x8_narrow_i32x4(
                wasm_u32x4_shr(wasm_u32x4_extmul_low_u16x8(lo, k), 16),
                wasm_u32x4_shr(wasm_u32x4_extmul_high_u16x8(lo, k), 16));
            v128_t hi_q = wasm_i16x8_narrow_i32x4(
                wasm_u32x4_shr(wasm_u32x4_extmul_low_u16x8(hi, k), 16),
                wasm_u32x4_shr(wasm_u32x4_extmul_high_u16x8(hi, k), 16));
            wasm_v128_store(out + x, wasm_u8x16_narrow_i16x8(lo_q, hi_q));
        }
#endif
        blur_row_scalar(up, mid, down, out, x, W - 1);
    }
}

static uint64_t sad(const uint8_t *a, const uint8_t *b, long n) {
    uint64_t total = 0;
    long i = 0;
#ifdef __wasm_simd128__
    for (; i + 16 <= n; i += 16) {
        v128_t x = wasm_v128_load(a + i), y = wasm_v128_load(b + i);
        v128_t diff = wasm_v128_or(wasm_u8x16_sub_sat(x, y), wasm_u8x16_sub_sat(y, x));
        v128_t pairs = wasm_u16x8_extadd_pairwise_u8x16(diff);
        v128_t quads = wasm_u32x4_extadd_pairwise_u16x8(pairs);
        total += wasm_u32x4_extract_lane(quads, 0) + wasm_u32x4_extract_lane(quads, 1) +
                 wasm_u32x4_extract_lane(quads, 2) + wasm_u32x4_extract_lane(quads, 3);
    }
#endif
    for (; i < n; i++)
        total += a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
    return total;
}

int main(int argc, char **argv) {
    long rounds = bench_size(argc, argv, 200);
    uint8_t *img = malloc(W * H), *tmp = malloc(W * H);
    if (!img || !tmp)
        return 1;
    for (long i = 0; i < W * H; i++) {
        long x = i % W, y = i / W;
        img[i] = (uint8_t)((x * 3 + y * 5 + (bench_rand() & 63)) & 0xff);
    }
    for (long i = 0; i < W * H; i++)
        tmp[i] = img[i];
    uint64_t acc = 0;
    for (long r = 0; r < rounds; r++) {
        blur(img, tmp);
        acc = acc * 1000003 + sad(img, tmp, W * H);
        img[(r * 7919) % (W * H)] ^= 0x55;
    }
    printf("checksum: %016llx %d\n", (unsigned long long)acc, tmp[5000]);
    free(img);
    free(tmp);
    return 0;
}
