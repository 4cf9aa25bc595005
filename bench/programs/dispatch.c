/* Indirect calls: objects carry a table of function pointers (a hand-made
 * vtable) chosen at random, and a tiny bytecode machine dispatches every
 * instruction through a handler table. Integer-only. */
#include <inttypes.h>
#include <stdio.h>
#include "bench.h"

/* ---- objects with vtables ---- */

struct shape;

struct shape_ops {
    int64_t (*area)(const struct shape *);
    void (*grow)(struct shape *, int32_t);
    uint32_t (*tag)(const struct shape *);
};

struct shape {
    const struct shape_ops *ops;
    int32_t w, h;
};

static int64_t square_area(const struct shape *s) { return (int64_t)s->w * s->w; }
static int64_t rect_area(const struct shape *s) { return (int64_t)s->w * s->h; }
static int64_t tri_area(const struct shape *s) { return (int64_t)s->w * s->h / 2; }
static int64_t disc_area(const struct shape *s) { return (int64_t)s->w * s->w * 355 / 113; }

static void grow_both(struct shape *s, int32_t k) {
    s->w = (s->w + k) & 1023;
    s->h = (s->h + k) & 1023;
}
static void grow_width(struct shape *s, int32_t k) { s->w = (s->w * 3 + k) & 1023; }
static void shrink(struct shape *s, int32_t k) {
    s->w = (s->w >> 1) + (k & 63);
    s->h = (s->h ^ k) & 1023;
}

static uint32_t tag_a(const struct shape *s) { return 1u + (uint32_t)s->w; }
static uint32_t tag_b(const struct shape *s) { return 7u ^ (uint32_t)s->h; }

static const struct shape_ops kinds[] = {
    {square_area, grow_both, tag_a},
    {rect_area, grow_width, tag_b},
    {tri_area, shrink, tag_a},
    {disc_area, grow_both, tag_b},
    {rect_area, shrink, tag_b},
};

#define SHAPES 512

static struct shape shapes[SHAPES];

static uint64_t shapes_round(int32_t k) {
    uint64_t acc = 0;
    for (int i = 0; i < SHAPES; i++) {
        struct shape *s = &shapes[i];
        acc += (uint64_t)s->ops->area(s);
        s->ops->grow(s, k + i);
        acc ^= s->ops->tag(s);
    }
    return acc;
}

/* ---- a bytecode machine with a handler table ---- */

struct vm {
    uint32_t acc, x;
    uint32_t pc;
};

typedef void (*handler)(struct vm *, uint32_t);

static void op_add(struct vm *m, uint32_t arg) { m->acc += arg; m->pc++; }
static void op_mul(struct vm *m, uint32_t arg) { m->acc *= arg | 1; m->pc++; }
static void op_xor(struct vm *m, uint32_t arg) { m->acc ^= arg << 3; m->pc++; }
static void op_swap(struct vm *m, uint32_t arg) { uint32_t t = m->acc; m->acc = m->x + arg; m->x = t; m->pc++; }
static void op_rot(struct vm *m, uint32_t arg) { uint32_t r = arg & 31; m->acc = (m->acc << r) | (m->acc >> ((32 - r) & 31)); m->pc++; }
static void op_skip(struct vm *m, uint32_t arg) { m->pc += 1 + (m->acc & 1) * (arg & 1); }

static const handler handlers[] = {op_add, op_mul, op_xor, op_swap, op_rot, op_skip};

#define PROGRAM 64

static uint8_t opcodes[PROGRAM];
static uint32_t args[PROGRAM];

static uint32_t vm_run(uint32_t seed) {
    struct vm m = {seed, ~seed, 0};
    while (m.pc < PROGRAM)
        handlers[opcodes[m.pc]](&m, args[m.pc]);
    return m.acc ^ m.x;
}

int main(int argc, char **argv) {
    long rounds = bench_size(argc, argv, 80000);
    bench_seed(4242);
    for (int i = 0; i < SHAPES; i++) {
        shapes[i].ops = &kinds[bench_rand() % 5];
        shapes[i].w = (int32_t)(bench_rand() & 1023);
        shapes[i].h = (int32_t)(bench_rand() & 1023);
    }
    for (int i = 0; i < PROGRAM; i++) {
        opcodes[i] = (uint8_t)(bench_rand() % 6);
        args[i] = bench_rand();
    }
    uint64_t acc = 0;
    uint32_t v = 0;
    for (long r = 0; r < rounds; r++) {
        acc = acc * 31 + shapes_round((int32_t)(r & 255));
        for (int k = 0; k < 8; k++)
            v = vm_run(v + (uint32_t)r);
    }
    printf("checksum: %016" PRIx64 " %08" PRIx32 "\n", acc, v);
    return 0;
}
