/* A CoreMark-like integer mix, written for Silo: each iteration builds,
 * sorts, searches and reverses a linked list, multiplies small integer
 * matrices, runs a number-classifying state machine over generated text,
 * and folds every result into a CRC-16. */
#include <stdio.h>
#include <string.h>
#include "bench.h"

/* ---- CRC-16/CCITT, one bit at a time ---- */

static uint16_t crc_byte(uint16_t crc, uint8_t b) {
    crc ^= (uint16_t)(b << 8);
    for (int i = 0; i < 8; i++)
        crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    return crc;
}

static uint16_t crc_u32(uint16_t crc, uint32_t v) {
    for (int i = 0; i < 4; i++)
        crc = crc_byte(crc, (uint8_t)(v >> (8 * i)));
    return crc;
}

/* ---- linked list ---- */

#define LIST_N 200

struct node {
    struct node *next;
    int32_t value;
    uint32_t index;
};

static struct node pool[LIST_N];

static struct node *list_build(uint32_t seed) {
    struct node *head = NULL;
    for (uint32_t i = 0; i < LIST_N; i++) {
        seed = seed * 1103515245u + 12345u;
        pool[i].value = (int32_t)((seed >> 8) & 0xffff) - 0x8000;
        pool[i].index = i;
        pool[i].next = head;
        head = &pool[i];
    }
    return head;
}

static struct node *list_reverse(struct node *head) {
    struct node *prev = NULL;
    while (head) {
        struct node *next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }
    return prev;
}

static struct node *list_find(struct node *head, int32_t value) {
    while (head && head->value != value)
        head = head->next;
    return head;
}

static int node_less(const struct node *a, const struct node *b, int by_index) {
    if (by_index)
        return a->index < b->index;
    return a->value < b->value || (a->value == b->value && a->index < b->index);
}

/* Recursive merge sort of a singly linked list. */
static struct node *list_sort(struct node *head, int by_index) {
    if (!head || !head->next)
        return head;
    struct node *slow = head, *fast = head->next;
    while (fast && fast->next) {
        slow = slow->next;
        fast = fast->next->next;
    }
    struct node *right = slow->next;
    slow->next = NULL;
    struct node *a = list_sort(head, by_index);
    struct node *b = list_sort(right, by_index);
    struct node dummy, *tail = &dummy;
    while (a && b) {
        if (node_less(b, a, by_index)) {
            tail->next = b;
            b = b->next;
        } else {
            tail->next = a;
            a = a->next;
        }
        tail = tail->next;
    }
    tail->next = a ? a : b;
    return dummy.next;
}

static uint16_t list_work(uint32_t seed, uint16_t crc) {
    struct node *head = list_build(seed);
    head = list_sort(head, 0);
    int32_t probe = head->value;
    for (int k = 0; k < 24; k++) {
        /* Half the probes come from the list itself, half are random. */
        probe = (k & 1) ? pool[(seed >> k) % LIST_N].value : probe + (k * 7 - 50);
        struct node *n = list_find(head, probe);
        crc = crc_u32(crc, n ? n->index : 0xffffu);
    }
    head = list_reverse(head);
    crc = crc_u32(crc, (uint32_t)head->value);
    head = list_sort(head, 1);
    uint32_t sum = 0;
    for (struct node *n = head; n; n = n->next)
        sum = sum * 3 + (uint32_t)n->value;
    return crc_u32(crc, sum);
}

/* ---- matrices ---- */

#define MAT_N 10

static int32_t ma[MAT_N][MAT_N], mb[MAT_N][MAT_N], mc[MAT_N][MAT_N];

static uint16_t matrix_work(uint32_t seed, uint16_t crc) {
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            seed = seed * 1664525u + 1013904223u;
            ma[i][j] = (int32_t)(seed >> 24) - 128;
            mb[i][j] = (int32_t)((seed >> 12) & 0xff) - 128;
        }
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            int32_t acc = 0;
            for (int k = 0; k < MAT_N; k++)
                acc += ma[i][k] * mb[k][j];
            mc[i][j] = acc;
        }
    int32_t bits = 0;
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            ma[i][j] += (int32_t)(seed & 0xf);
            int32_t v = mc[i][j] + ma[i][j] * mb[j][i];
            bits += (v >> 3) & 0x1f;
            if (v > 0)
                bits ^= v << 1;
        }
    return crc_u32(crc, (uint32_t)bits);
}

/* ---- state machine over generated text ---- */

enum state { S_START, S_SIGN, S_INT, S_DOT, S_FRAC, S_EXP, S_EXP_SIGN, S_EXP_INT, S_ZERO, S_HEX, S_BAD, S_COUNT };

static char text[512];

static size_t text_build(uint32_t seed) {
    static const char *pieces[] = {"1234", "-87", "3.25", "+0.5", "6e10", "2.5E-3", "0x1f", "0XAb", "12a", "-.", "0", "77.e",
                                   "9", "5.0e+2", "0x", "--1"};
    size_t len = 0;
    while (len < sizeof text - 16) {
        seed = seed * 1103515245u + 12345u;
        const char *p = pieces[(seed >> 16) & 15];
        size_t n = strlen(p);
        memcpy(text + len, p, n);
        len += n;
        text[len++] = ',';
    }
    text[len] = 0;
    return len;
}

static enum state step(enum state s, char c) {
    int digit = c >= '0' && c <= '9';
    switch (s) {
    case S_START:
        if (c == '0') return S_ZERO;
        if (digit) return S_INT;
        if (c == '+' || c == '-') return S_SIGN;
        if (c == '.') return S_DOT;
        return S_BAD;
    case S_SIGN:
        if (digit) return S_INT;
        if (c == '.') return S_DOT;
        return S_BAD;
    case S_ZERO:
        if (c == 'x' || c == 'X') return S_HEX;
        /* fall through */
    case S_INT:
        if (digit) return S_INT;
        if (c == '.') return S_DOT;
        if (c == 'e' || c == 'E') return S_EXP;
        return S_BAD;
    case S_DOT:
    case S_FRAC:
        if (digit) return S_FRAC;
        if (c == 'e' || c == 'E') return S_EXP;
        return S_BAD;
    case S_EXP:
        if (c == '+' || c == '-') return S_EXP_SIGN;
        /* fall through */
    case S_EXP_SIGN:
    case S_EXP_INT:
        return digit ? S_EXP_INT : S_BAD;
    case S_HEX:
        if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) return S_HEX;
        return S_BAD;
    default:
        return S_BAD;
    }
}

static uint16_t state_work(uint32_t seed, uint16_t crc) {
    uint32_t finals[S_COUNT] = {0}, transitions = 0;
    size_t len = text_build(seed);
    enum state s = S_START;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == ',') {
            finals[s]++;
            s = S_START;
            continue;
        }
        enum state next = step(s, text[i]);
        transitions += next != s;
        s = next;
    }
    for (int i = 0; i < S_COUNT; i++)
        crc = crc_u32(crc, finals[i]);
    return crc_u32(crc, transitions);
}

int main(int argc, char **argv) {
    long iterations = bench_size(argc, argv, 25000);
    uint16_t crc = 0xffff;
    for (long i = 0; i < iterations; i++) {
        uint32_t seed = (uint32_t)i * 0x9e3779b9u + crc;
        crc = list_work(seed, crc);
        crc = matrix_work(seed ^ 0x5bd1e995u, crc);
        crc = state_work(seed + 0x27d4eb2fu, crc);
    }
    printf("checksum: %04x\n", crc);
    return 0;
}
