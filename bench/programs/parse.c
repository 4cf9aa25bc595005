/* Text processing: generate n JSON-like records into one buffer, then parse
 * the whole buffer several times with a small recursive-descent parser
 * (objects, arrays, strings with escapes, integers and decimals, literals).
 * The checksum hashes every key and string and sums every number. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

#define PASSES 30

/* ---- generator ---- */

static char *out;
static size_t out_len;

static void emit(const char *s) {
    size_t n = strlen(s);
    memcpy(out + out_len, s, n);
    out_len += n;
}

static void emit_int(int64_t v) {
    char tmp[24];
    int i = 0;
    uint64_t u = v < 0 ? (uint64_t)(-v) : (uint64_t)v;
    do {
        tmp[i++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        out[out_len++] = '-';
    while (i)
        out[out_len++] = tmp[--i];
}

static void emit_word(uint32_t r) {
    static const char *syl[] = {"ka", "lo", "mi", "ne", "su", "ra", "\\\"", "to", "\\n", "vi", "ze", "\\\\"};
    out[out_len++] = '"';
    for (int n = 2 + (int)(r % 5); n > 0; n--, r /= 12)
        emit(syl[r % 12]);
    out[out_len++] = '"';
}

static void generate(long records) {
    for (long i = 0; i < records; i++) {
        emit("{\"id\": ");
        emit_int(i);
        emit(", \"name\": ");
        emit_word(bench_rand());
        emit(", \"price\": ");
        uint32_t r = bench_rand();
        emit_int((int64_t)(r % 100000));
        out[out_len++] = '.';
        out[out_len++] = (char)('0' + (r >> 20) % 10);
        out[out_len++] = (char)('0' + (r >> 24) % 10);
        emit(", \"delta\": ");
        emit_int((int64_t)(bench_rand() % 2001) - 1000);
        emit(", \"tags\": [");
        for (int t = (int)(bench_rand() % 4); t > 0; t--) {
            emit_word(bench_rand());
            emit(t > 1 ? ", " : "");
        }
        emit("], \"ok\": ");
        emit(bench_rand() & 1 ? "true" : "false");
        emit(", \"parent\": ");
        if (i && (bench_rand() & 3))
            emit_int((int64_t)(bench_rand() % (uint32_t)i));
        else
            emit("null");
        emit(", \"pos\": {\"x\": ");
        emit_int((int64_t)(bench_rand() % 512));
        emit(", \"y\": [");
        emit_int((int64_t)(bench_rand() % 512) - 256);
        emit("]}}\n");
    }
    out[out_len] = 0;
}

/* ---- parser ---- */

static const char *p;
static uint32_t str_hash;
static int64_t num_sum;
static uint32_t counts[6]; /* objects, arrays, strings, numbers, literals, errors */

static void skip_ws(void) {
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
}

static void parse_string(void) {
    p++; /* opening quote */
    uint32_t h = 2166136261u;
    while (*p && *p != '"') {
        char c = *p++;
        if (c == '\\') {
            switch (*p++) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case '"': c = '"'; break;
            case '\\': c = '\\'; break;
            default: counts[5]++; c = '?';
            }
        }
        h = (h ^ (uint8_t)c) * 16777619u;
    }
    if (*p == '"')
        p++;
    else
        counts[5]++;
    str_hash = str_hash * 31 + h;
    counts[2]++;
}

static void parse_number(void) {
    int neg = *p == '-';
    if (neg)
        p++;
    int64_t v = 0;
    while (*p >= '0' && *p <= '9')
        v = v * 10 + (*p++ - '0');
    int64_t scale = 100; /* keep two decimal places as integer hundredths */
    v *= 100;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            scale /= 10;
            v += (*p++ - '0') * scale;
        }
    }
    num_sum += neg ? -v : v;
    counts[3]++;
}

static void parse_value(void);

static void parse_object(void) {
    p++;
    counts[0]++;
    skip_ws();
    while (*p == '"') {
        parse_string();
        skip_ws();
        if (*p++ != ':')
            counts[5]++;
        parse_value();
        skip_ws();
        if (*p != ',')
            break;
        p++;
        skip_ws();
    }
    if (*p == '}')
        p++;
    else
        counts[5]++;
}

static void parse_array(void) {
    p++;
    counts[1]++;
    skip_ws();
    while (*p && *p != ']') {
        parse_value();
        skip_ws();
        if (*p != ',')
            break;
        p++;
    }
    if (*p == ']')
        p++;
    else
        counts[5]++;
}

static void parse_literal(const char *word) {
    size_t n = strlen(word);
    if (strncmp(p, word, n) == 0) {
        p += n;
        counts[4]++;
    } else {
        p++;
        counts[5]++;
    }
}

static void parse_value(void) {
    skip_ws();
    switch (*p) {
    case '{': parse_object(); break;
    case '[': parse_array(); break;
    case '"': parse_string(); break;
    case 't': parse_literal("true"); break;
    case 'f': parse_literal("false"); break;
    case 'n': parse_literal("null"); break;
    default:
        if (*p == '-' || (*p >= '0' && *p <= '9'))
            parse_number();
        else {
            counts[5]++;
            p++;
        }
    }
}

int main(int argc, char **argv) {
    long records = bench_size(argc, argv, 60000);
    out = malloc((size_t)records * 320 + 1);
    if (!out)
        return 1;
    bench_seed(99);
    generate(records);
    for (int pass = 0; pass < PASSES; pass++) {
        str_hash = 0;
        num_sum = 0;
        memset(counts, 0, sizeof counts);
        p = out;
        skip_ws();
        while (*p) {
            parse_value();
            skip_ws();
        }
    }
    printf("checksum: %zu %08" PRIx32 " %" PRId64 " %u %u %u %u %u %u\n", out_len, str_hash, num_sum, counts[0], counts[1],
           counts[2], counts[3], counts[4], counts[5]);
    free(out);
    return 0;
}
