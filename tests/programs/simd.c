/* wasm-cflags: -msimd128
 * SIMD self-check: every family of wasm_simd128.h operations on generated vectors, each
 * compared lane by lane with plain C that computes what the spec says, then a hash of every
 * result. Built for wasm with -msimd128 it checks the engine's SIMD instructions (and prints
 * the mismatches it finds); built anywhere else it computes only the plain-C side, so the
 * output of a correct engine equals the native build's: "simd: 0 mismatches", the counts and
 * the hash. Floats avoid NaN inputs (their bits are not determined); signed zeros and
 * infinities are covered. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

typedef union {
    uint8_t u8[16];
    int8_t i8[16];
    uint16_t u16[8];
    int16_t i16[8];
    uint32_t u32[4];
    int32_t i32[4];
    uint64_t u64[2];
    int64_t i64[2];
    float f32[4];
    double f64[2];
#ifdef __wasm_simd128__
    v128_t v;
#endif
} vec;

static uint32_t rng = 0x2545f491u;
static uint32_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint64_t hash = 1469598103934665603ull;
static unsigned checks, mismatches;

static void mix(const vec *r) {
    for (int i = 0; i < 16; i++) {
        hash ^= r->u8[i];
        hash *= 1099511628211ull;
    }
}

/* Records the reference result; in the wasm build, compares the vector result first. */
static void check(const char *what, const vec *ref, const vec *got) {
    checks++;
    if (got && memcmp(ref, got, 16) != 0) {
        if (mismatches++ < 20) {
            printf("mismatch in %s:", what);
            for (int i = 0; i < 16; i++)
                printf(" %02x/%02x", ref->u8[i], got->u8[i]);
            printf("\n");
        }
    }
    mix(ref);
}

static const float fspecial[] = {0.0f, -0.0f, INFINITY, -INFINITY, 1.5f, -2.5f, 0.5f, -0.5f,
                                 3e9f, -3e9f, 2147483520.0f, 4294967040.0f, 1e-40f, 7.0f};
static const double dspecial[] = {0.0, -0.0, INFINITY, -INFINITY, 1.5, -2.5, 0.5, -0.5,
                                  3e9, -3e9, 2147483647.0, 4294967295.0, 1e-310, 7.0};

static void fill(vec *v, int kind) {
    for (int i = 0; i < 4; i++)
        v->u32[i] = next();
    if (kind == 1)
        for (int i = 0; i < 4; i++)
            v->f32[i] = (next() & 3) == 0 ? fspecial[next() % 14]
                                          : (float)((int32_t)next() % 100000) / 64.0f;
    if (kind == 2)
        for (int i = 0; i < 2; i++)
            v->f64[i] = (next() & 3) == 0 ? dspecial[next() % 14]
                                          : (double)((int32_t)next() % 100000) / 64.0;
    if (kind == 4) /* finite, non-zero floats */
        for (int i = 0; i < 4; i++)
            v->f32[i] = (float)((int32_t)(next() % 2000001) - 1000000 | 1) / 64.0f;
    if (kind == 5)
        for (int i = 0; i < 2; i++)
            v->f64[i] = (double)((int32_t)(next() % 2000001) - 1000000 | 1) / 64.0;
    if (kind == 3) /* small lanes: shift counts, swizzle indices */
        for (int i = 0; i < 16; i++)
            v->u8[i] = next() % 40;
}

/* Spec float helpers: min/max with -0 < +0 (no NaN inputs here). */
static float fmin32(float a, float b) { return a < b ? a : b < a ? b : signbit(a) ? a : b; }
static float fmax32(float a, float b) { return a > b ? a : b > a ? b : signbit(a) ? b : a; }
static double fmin64(double a, double b) { return a < b ? a : b < a ? b : signbit(a) ? a : b; }
static double fmax64(double a, double b) { return a > b ? a : b > a ? b : signbit(a) ? b : a; }
static int32_t sat32(double x) { return x != x ? 0 : x <= -2147483648.0 ? INT32_MIN : x >= 2147483647.0 ? INT32_MAX : (int32_t)x; }
static uint32_t satu32(double x) { return x != x || x <= 0 ? 0 : x >= 4294967295.0 ? UINT32_MAX : (uint32_t)x; }
static int8_t sat8(int x) { return x < -128 ? -128 : x > 127 ? 127 : x; }
static uint8_t satu8(int x) { return x < 0 ? 0 : x > 255 ? 255 : x; }
static int16_t sat16(int x) { return x < -32768 ? -32768 : x > 32767 ? 32767 : x; }
static uint16_t satu16(int x) { return x < 0 ? 0 : x > 65535 ? 65535 : x; }

#ifdef __wasm_simd128__
#define VEC(name, expr) vec name; name.v = (expr)
#define GOT(name) (&name)
#else
#define VEC(name, expr) vec name; memset(&name, 0, 16)
#define GOT(name) ((const vec *)0)
#endif

static void integer_lanes(const vec *a, const vec *b) {
    vec r;
#define BIN(label, lanes, field, expr, intrinsic)            \
    do {                                                      \
        for (int i = 0; i < lanes; i++) {                     \
            __typeof__(a->field[0]) x = a->field[i], y = b->field[i]; \
            (void)x, (void)y;                                 \
            r.field[i] = (expr);                              \
        }                                                     \
        VEC(g, intrinsic);                                    \
        check(label, &r, GOT(g));                             \
    } while (0)
    BIN("i8x16.add", 16, u8, x + y, wasm_i8x16_add(a->v, b->v));
    BIN("i8x16.sub", 16, u8, x - y, wasm_i8x16_sub(a->v, b->v));
    BIN("i8x16.add_sat_s", 16, i8, sat8(x + y), wasm_i8x16_add_sat(a->v, b->v));
    BIN("i8x16.add_sat_u", 16, u8, satu8(x + y), wasm_u8x16_add_sat(a->v, b->v));
    BIN("i8x16.sub_sat_s", 16, i8, sat8(x - y), wasm_i8x16_sub_sat(a->v, b->v));
    BIN("i8x16.sub_sat_u", 16, u8, satu8(x - y), wasm_u8x16_sub_sat(a->v, b->v));
    BIN("i8x16.min_s", 16, i8, x < y ? x : y, wasm_i8x16_min(a->v, b->v));
    BIN("i8x16.max_u", 16, u8, x > y ? x : y, wasm_u8x16_max(a->v, b->v));
    BIN("i8x16.avgr_u", 16, u8, (x + y + 1) / 2, wasm_u8x16_avgr(a->v, b->v));
    BIN("i8x16.eq", 16, u8, x == y ? 0xff : 0, wasm_i8x16_eq(a->v, b->v));
    BIN("i8x16.lt_s", 16, i8, x < y ? -1 : 0, wasm_i8x16_lt(a->v, b->v));
    BIN("i8x16.gt_u", 16, u8, x > y ? 0xff : 0, wasm_u8x16_gt(a->v, b->v));
    BIN("i8x16.abs", 16, i8, x < 0 ? -x : x, wasm_i8x16_abs(a->v));
    BIN("i8x16.popcnt", 16, u8, __builtin_popcount(x), wasm_i8x16_popcnt(a->v));
    BIN("i16x8.mul", 8, u16, x * y, wasm_i16x8_mul(a->v, b->v));
    BIN("i16x8.add_sat_s", 8, i16, sat16(x + y), wasm_i16x8_add_sat(a->v, b->v));
    BIN("i16x8.sub_sat_u", 8, u16, satu16(x - y), wasm_u16x8_sub_sat(a->v, b->v));
    BIN("i16x8.min_u", 8, u16, x < y ? x : y, wasm_u16x8_min(a->v, b->v));
    BIN("i16x8.max_s", 8, i16, x > y ? x : y, wasm_i16x8_max(a->v, b->v));
    BIN("i16x8.le_s", 8, i16, x <= y ? -1 : 0, wasm_i16x8_le(a->v, b->v));
    BIN("i16x8.ge_u", 8, u16, x >= y ? 0xffff : 0, wasm_u16x8_ge(a->v, b->v));
    BIN("i16x8.q15mulr_sat_s", 8, i16, sat16((x * y + 0x4000) >> 15), wasm_i16x8_q15mulr_sat(a->v, b->v));
    BIN("i16x8.neg", 8, u16, -x, wasm_i16x8_neg(a->v));
    BIN("i32x4.mul", 4, u32, x * y, wasm_i32x4_mul(a->v, b->v));
    BIN("i32x4.min_s", 4, i32, x < y ? x : y, wasm_i32x4_min(a->v, b->v));
    BIN("i32x4.max_u", 4, u32, x > y ? x : y, wasm_u32x4_max(a->v, b->v));
    BIN("i32x4.ne", 4, u32, x != y ? 0xffffffffu : 0, wasm_i32x4_ne(a->v, b->v));
    BIN("i32x4.lt_u", 4, u32, x < y ? 0xffffffffu : 0, wasm_u32x4_lt(a->v, b->v));
    BIN("i32x4.abs", 4, i32, x < 0 ? (int32_t)(0u - (uint32_t)x) : x, wasm_i32x4_abs(a->v));
    BIN("i64x2.add", 2, u64, x + y, wasm_i64x2_add(a->v, b->v));
    BIN("i64x2.mul", 2, u64, x * y, wasm_i64x2_mul(a->v, b->v));
    BIN("i64x2.lt_s", 2, i64, x < y ? -1 : 0, wasm_i64x2_lt(a->v, b->v));
    BIN("i64x2.ge_s", 2, i64, x >= y ? -1 : 0, wasm_i64x2_ge(a->v, b->v));
    BIN("i64x2.abs", 2, i64, x < 0 ? (int64_t)(0ull - (uint64_t)x) : x, wasm_i64x2_abs(a->v));
    BIN("v128.andnot", 4, u32, x & ~y, wasm_v128_andnot(a->v, b->v));
    BIN("v128.xor", 4, u32, x ^ y, wasm_v128_xor(a->v, b->v));
#undef BIN
}

static void shifts(const vec *a, const vec *counts) {
    vec r;
    for (int k = 0; k < 4; k++) {
        unsigned n = counts->u8[k];
#define SHIFT(label, lanes, field, bits, op, intrinsic)                  \
    do {                                                                  \
        for (int i = 0; i < lanes; i++)                                   \
            r.field[i] = a->field[i] op (n % bits);                       \
        VEC(g, intrinsic);                                                \
        check(label, &r, GOT(g));                                         \
    } while (0)
        SHIFT("i8x16.shl", 16, u8, 8, <<, wasm_i8x16_shl(a->v, n));
        SHIFT("i8x16.shr_s", 16, i8, 8, >>, wasm_i8x16_shr(a->v, n));
        SHIFT("i8x16.shr_u", 16, u8, 8, >>, wasm_u8x16_shr(a->v, n));
        SHIFT("i16x8.shr_s", 8, i16, 16, >>, wasm_i16x8_shr(a->v, n));
        SHIFT("i32x4.shl", 4, u32, 32, <<, wasm_i32x4_shl(a->v, n));
        SHIFT("i32x4.shr_u", 4, u32, 32, >>, wasm_u32x4_shr(a->v, n));
        SHIFT("i64x2.shr_s", 2, i64, 64, >>, wasm_i64x2_shr(a->v, n));
        SHIFT("i64x2.shl", 2, u64, 64, <<, wasm_i64x2_shl(a->v, n));
#undef SHIFT
    }
}

static void widening(const vec *a, const vec *b) {
    vec r;
    for (int i = 0; i < 8; i++)
        r.i16[i] = a->i8[i];
    VEC(g1, wasm_i16x8_extend_low_i8x16(a->v));
    check("i16x8.extend_low_i8x16_s", &r, GOT(g1));
    for (int i = 0; i < 8; i++)
        r.u16[i] = a->u8[i + 8];
    VEC(g2, wasm_u16x8_extend_high_u8x16(a->v));
    check("i16x8.extend_high_i8x16_u", &r, GOT(g2));
    for (int i = 0; i < 2; i++)
        r.i64[i] = a->i32[i + 2];
    VEC(g3, wasm_i64x2_extend_high_i32x4(a->v));
    check("i64x2.extend_high_i32x4_s", &r, GOT(g3));
    for (int i = 0; i < 16; i++)
        r.i8[i] = sat8(i < 8 ? a->i16[i] : b->i16[i - 8]);
    VEC(g4, wasm_i8x16_narrow_i16x8(a->v, b->v));
    check("i8x16.narrow_i16x8_s", &r, GOT(g4));
    for (int i = 0; i < 8; i++)
        r.u16[i] = satu16(i < 4 ? a->i32[i] : b->i32[i - 4]);
    VEC(g5, wasm_u16x8_narrow_i32x4(a->v, b->v));
    check("i16x8.narrow_i32x4_u", &r, GOT(g5));
    for (int i = 0; i < 4; i++)
        r.i32[i] = a->i16[2 * i] * b->i16[2 * i] + a->i16[2 * i + 1] * b->i16[2 * i + 1];
    VEC(g6, wasm_i32x4_dot_i16x8(a->v, b->v));
    check("i32x4.dot_i16x8_s", &r, GOT(g6));
    for (int i = 0; i < 4; i++)
        r.u32[i] = (uint32_t)a->u16[i + 4] * b->u16[i + 4];
    VEC(g7, wasm_u32x4_extmul_high_u16x8(a->v, b->v));
    check("i32x4.extmul_high_i16x8_u", &r, GOT(g7));
    for (int i = 0; i < 2; i++)
        r.i64[i] = (int64_t)a->i32[i] * b->i32[i];
    VEC(g8, wasm_i64x2_extmul_low_i32x4(a->v, b->v));
    check("i64x2.extmul_low_i32x4_s", &r, GOT(g8));
    for (int i = 0; i < 8; i++)
        r.i16[i] = a->i8[2 * i] + a->i8[2 * i + 1];
    VEC(g9, wasm_i16x8_extadd_pairwise_i8x16(a->v));
    check("i16x8.extadd_pairwise_i8x16_s", &r, GOT(g9));
    for (int i = 0; i < 4; i++)
        r.u32[i] = (uint32_t)a->u16[2 * i] + a->u16[2 * i + 1];
    VEC(g10, wasm_u32x4_extadd_pairwise_u16x8(a->v));
    check("i32x4.extadd_pairwise_i16x8_u", &r, GOT(g10));
}

static void reductions(const vec *a, const vec *b) {
    vec r;
    memset(&r, 0, 16);
    int any = 0, all8 = 1, all32 = 1;
    uint32_t mask8 = 0, mask64 = 0;
    for (int i = 0; i < 16; i++) {
        any |= a->u8[i] != 0;
        all8 &= b->u8[i] != 0;
        mask8 |= (uint32_t)(a->u8[i] >> 7) << i;
    }
    for (int i = 0; i < 4; i++)
        all32 &= a->u32[i] != 0;
    for (int i = 0; i < 2; i++)
        mask64 |= (uint32_t)(b->u64[i] >> 63) << i;
    r.u32[0] = any;
    r.u32[1] = all8 | all32 << 1;
    r.u32[2] = mask8;
    r.u32[3] = mask64;
#ifdef __wasm_simd128__
    vec g;
    g.u32[0] = wasm_v128_any_true(a->v);
    g.u32[1] = wasm_i8x16_all_true(b->v) | wasm_i32x4_all_true(a->v) << 1;
    g.u32[2] = wasm_i8x16_bitmask(a->v);
    g.u32[3] = wasm_i64x2_bitmask(b->v);
    check("any_true/all_true/bitmask", &r, &g);
#else
    check("any_true/all_true/bitmask", &r, 0);
#endif
    for (int i = 0; i < 16; i++)
        r.u8[i] = (a->u8[i] & b->u8[(i + 3) % 16]) | (b->u8[i] & ~b->u8[(i + 3) % 16]);
#ifdef __wasm_simd128__
    vec m;
    for (int i = 0; i < 16; i++)
        m.u8[i] = b->u8[(i + 3) % 16];
    VEC(g2, wasm_v128_bitselect(a->v, b->v, m.v));
    check("v128.bitselect", &r, &g2);
#else
    check("v128.bitselect", &r, 0);
#endif
}

/* Float lanes. `s` vectors hold specials (signed zeros, infinities, integer-range bounds),
 * `n` vectors finite non-zero values, so that no operation here makes a NaN. */
static void float_lanes(const vec *s1, const vec *s2, const vec *n1, const vec *n2,
                        const vec *i) {
    vec r;
#define FOP(label, lanes, field, out, expr, intrinsic)                      \
    do {                                                                     \
        for (int k = 0; k < lanes; k++) {                                    \
            __typeof__(s1->field[0]) sx = s1->field[k], sy = s2->field[k];   \
            __typeof__(n1->field[0]) x = n1->field[k], y = n2->field[k];     \
            (void)sx, (void)sy, (void)x, (void)y;                            \
            r.out[k] = (expr);                                               \
        }                                                                    \
        VEC(g, intrinsic);                                                   \
        check(label, &r, GOT(g));                                            \
    } while (0)
    FOP("f32x4.add", 4, f32, f32, x + y, wasm_f32x4_add(n1->v, n2->v));
    FOP("f32x4.sub", 4, f32, f32, x - y, wasm_f32x4_sub(n1->v, n2->v));
    FOP("f32x4.mul", 4, f32, f32, x * y, wasm_f32x4_mul(n1->v, n2->v));
    FOP("f32x4.div", 4, f32, f32, x / y, wasm_f32x4_div(n1->v, n2->v));
    FOP("f32x4.sqrt", 4, f32, f32, sqrtf(fabsf(x)), wasm_f32x4_sqrt(wasm_f32x4_abs(n1->v)));
    FOP("f32x4.min", 4, f32, f32, fmin32(sx, sy), wasm_f32x4_min(s1->v, s2->v));
    FOP("f32x4.max", 4, f32, f32, fmax32(sx, sy), wasm_f32x4_max(s1->v, s2->v));
    FOP("f32x4.pmin", 4, f32, f32, sy < sx ? sy : sx, wasm_f32x4_pmin(s1->v, s2->v));
    FOP("f32x4.pmax", 4, f32, f32, sx < sy ? sy : sx, wasm_f32x4_pmax(s1->v, s2->v));
    FOP("f32x4.lt", 4, f32, i32, sx < sy ? -1 : 0, wasm_f32x4_lt(s1->v, s2->v));
    FOP("f32x4.ge", 4, f32, i32, sx >= sy ? -1 : 0, wasm_f32x4_ge(s1->v, s2->v));
    FOP("f32x4.eq", 4, f32, i32, sx == sy ? -1 : 0, wasm_f32x4_eq(s1->v, s2->v));
    FOP("f32x4.neg", 4, f32, f32, -sx, wasm_f32x4_neg(s1->v));
    FOP("f32x4.ceil", 4, f32, f32, ceilf(sx), wasm_f32x4_ceil(s1->v));
    FOP("f32x4.floor", 4, f32, f32, floorf(x), wasm_f32x4_floor(n1->v));
    FOP("f32x4.trunc", 4, f32, f32, truncf(x), wasm_f32x4_trunc(n1->v));
    FOP("f32x4.nearest", 4, f32, f32, nearbyintf(sx), wasm_f32x4_nearest(s1->v));
    FOP("i32x4.trunc_sat_f32x4_s", 4, f32, i32, sat32(sx), wasm_i32x4_trunc_sat_f32x4(s1->v));
    FOP("i32x4.trunc_sat_f32x4_u", 4, f32, u32, satu32(sx), wasm_u32x4_trunc_sat_f32x4(s1->v));
    FOP("f32x4.convert_i32x4_s", 4, i32, f32, (float)i->i32[k], wasm_f32x4_convert_i32x4(i->v));
    FOP("f32x4.convert_i32x4_u", 4, u32, f32, (float)i->u32[k], wasm_f32x4_convert_u32x4(i->v));
    FOP("f64x2.promote_low_f32x4", 2, f32, f64, (double)sx, wasm_f64x2_promote_low_f32x4(s1->v));
    FOP("f64x2.convert_low_i32x4_s", 2, i32, f64, (double)i->i32[k], wasm_f64x2_convert_low_i32x4(i->v));
    FOP("f64x2.convert_low_i32x4_u", 2, u32, f64, (double)i->u32[k], wasm_f64x2_convert_low_u32x4(i->v));
#undef FOP
}

static void double_lanes(const vec *s1, const vec *s2, const vec *n1, const vec *n2) {
    vec r;
#define DOP(label, out, expr, intrinsic)                                  \
    do {                                                                   \
        memset(&r, 0, 16);                                                 \
        for (int k = 0; k < 2; k++) {                                      \
            double sx = s1->f64[k], sy = s2->f64[k], x = n1->f64[k], y = n2->f64[k]; \
            (void)sx, (void)sy, (void)x, (void)y;                          \
            r.out[k] = (expr);                                             \
        }                                                                  \
        VEC(g, intrinsic);                                                 \
        check(label, &r, GOT(g));                                          \
    } while (0)
    DOP("f64x2.add", f64, x + y, wasm_f64x2_add(n1->v, n2->v));
    DOP("f64x2.mul", f64, x * y, wasm_f64x2_mul(n1->v, n2->v));
    DOP("f64x2.div", f64, x / y, wasm_f64x2_div(n1->v, n2->v));
    DOP("f64x2.sqrt", f64, sqrt(fabs(x)), wasm_f64x2_sqrt(wasm_f64x2_abs(n1->v)));
    DOP("f64x2.min", f64, fmin64(sx, sy), wasm_f64x2_min(s1->v, s2->v));
    DOP("f64x2.max", f64, fmax64(sx, sy), wasm_f64x2_max(s1->v, s2->v));
    DOP("f64x2.le", i64, sx <= sy ? -1 : 0, wasm_f64x2_le(s1->v, s2->v));
    DOP("f64x2.ne", i64, sx != sy ? -1 : 0, wasm_f64x2_ne(s1->v, s2->v));
    DOP("f64x2.floor", f64, floor(sx), wasm_f64x2_floor(s1->v));
    DOP("f64x2.nearest", f64, nearbyint(x), wasm_f64x2_nearest(n1->v));
    DOP("f32x4.demote_f64x2_zero", f32, (float)sx, wasm_f32x4_demote_f64x2_zero(s1->v));
    DOP("i32x4.trunc_sat_f64x2_s_zero", i32, sat32(sx), wasm_i32x4_trunc_sat_f64x2_zero(s1->v));
    DOP("i32x4.trunc_sat_f64x2_u_zero", u32, satu32(sx), wasm_u32x4_trunc_sat_f64x2_zero(s1->v));
#undef DOP
}

static uint8_t memory[64];

static void lanes_and_memory(const vec *a, const vec *b, const vec *idx) {
    vec r;
    for (int i = 0; i < 16; i++)
        r.u8[i] = idx->u8[i] < 16 ? a->u8[idx->u8[i]] : 0;
    VEC(g1, wasm_i8x16_swizzle(a->v, idx->v));
    check("i8x16.swizzle", &r, GOT(g1));
    static const int pick[16] = {0, 17, 2, 19, 31, 30, 6, 7, 16, 1, 25, 11, 12, 28, 14, 3};
    for (int i = 0; i < 16; i++)
        r.u8[i] = pick[i] < 16 ? a->u8[pick[i]] : b->u8[pick[i] - 16];
    VEC(g2, wasm_i8x16_shuffle(a->v, b->v, 0, 17, 2, 19, 31, 30, 6, 7, 16, 1, 25, 11, 12, 28, 14, 3));
    check("i8x16.shuffle", &r, GOT(g2));
    for (int i = 0; i < 8; i++)
        r.u16[i] = a->u16[3];
    VEC(g3, wasm_i16x8_splat((int16_t)wasm_u16x8_extract_lane(a->v, 3)));
    check("i16x8.splat/extract_lane", &r, GOT(g3));
    r = *a;
    r.u64[1] = b->u64[0];
    r.i8[5] = b->i8[9];
    VEC(g4, wasm_i8x16_replace_lane(wasm_i64x2_replace_lane(a->v, 1, wasm_i64x2_extract_lane(b->v, 0)), 5, wasm_i8x16_extract_lane(b->v, 9)));
    check("replace_lane", &r, GOT(g4));
    r = *a;
    r.f32[2] = b->f32[1];
    VEC(g4b, wasm_f32x4_replace_lane(a->v, 2, wasm_f32x4_extract_lane(b->v, 1)));
    check("f32x4.replace_lane", &r, GOT(g4b));

    memcpy(memory, a, 16);
    memcpy(memory + 16, b, 16);
    unsigned at = idx->u8[0] % 20;
    for (int i = 0; i < 16; i++)
        r.u8[i] = memory[at];
    VEC(g5, wasm_v128_load8_splat(memory + at));
    check("v128.load8_splat", &r, GOT(g5));
    memset(&r, 0, 16);
    memcpy(&r.u32[0], memory + at, 4);
    VEC(g6, wasm_v128_load32_zero(memory + at));
    check("v128.load32_zero", &r, GOT(g6));
    for (int i = 0; i < 4; i++) {
        int16_t h;
        memcpy(&h, memory + at + 2 * i, 2);
        r.i32[i] = h;
    }
    VEC(g7, wasm_i32x4_load16x4(memory + at));
    check("v128.load16x4_s", &r, GOT(g7));
    r = *a;
    memcpy(&r.u64[1], memory + at, 8);
    VEC(g8, wasm_v128_load64_lane(memory + at, a->v, 1));
    check("v128.load64_lane", &r, GOT(g8));
    memcpy(&r, memory + at + 1, 16);
    VEC(g9, wasm_v128_load(memory + at + 1));
    check("v128.load (unaligned)", &r, GOT(g9));
#ifdef __wasm_simd128__
    wasm_v128_store32_lane(memory + 40 + at % 8, b->v, 2);
#else
    memcpy(memory + 40 + at % 8, &b->u32[2], 4);
#endif
    memcpy(&r, memory + 32, 16);
    check("v128.store32_lane", &r, 0);
}

int main(void) {
    vec a, b, c, f1, f2, n1, n2, d1, d2, e1, e2;
    for (int round = 0; round < 200; round++) {
        fill(&a, 0);
        fill(&b, 0);
        fill(&c, 3);
        fill(&f1, 1);
        fill(&f2, 1);
        fill(&n1, 4);
        fill(&n2, 4);
        fill(&d1, 2);
        fill(&d2, 2);
        fill(&e1, 5);
        fill(&e2, 5);
        integer_lanes(&a, &b);
        shifts(&a, &c);
        widening(&a, &b);
        reductions(&a, &b);
        float_lanes(&f1, &f2, &n1, &n2, &a);
        double_lanes(&d1, &d2, &e1, &e2);
        lanes_and_memory(&a, &b, &c);
    }
    printf("simd: %u checks, %u mismatches, hash %016llx\n", checks, mismatches,
           (unsigned long long)hash);
    return mismatches != 0;
}
