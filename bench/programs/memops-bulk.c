/* memops with the bulk-memory proposal enabled: the copies and fills are
 * memory.copy and memory.fill, implemented by the engine, not by libc.
 * They are cheap, so this variant does more of them by default.
 * wasm-cflags: -mbulk-memory */
#define MEMOPS_ROUNDS 4000000
#include "memops.c"
