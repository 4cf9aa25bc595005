// producer_consumer: a producer and a consumer thread pass 100000 items through
// a 16-slot ring buffer guarded by one mutex and two condvars (not_full,
// not_empty), which wasi-libc implements with memory.atomic.wait32/notify; the
// small buffer makes both sides block often. The consumer folds every item
// into an order-sensitive checksum; main joins both and compares it with the
// same fold computed directly.
// Prints "producer_consumer: items=100000 sum=5000050000 checksum=<hex>", exit 0
// when both match, else a mismatch line and exit 1.
// Build (see build.sh): clang-16 --target=wasm32-wasi-threads -pthread
//   --sysroot=$WASI_THREADS_SYSROOT -O2 -Wl,--import-memory,--export-memory
//   -Wl,--max-memory=67108864 -o producer_consumer.wasm producer_consumer.c
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define ITEMS 100000
#define SLOTS 16

static uint32_t ring[SLOTS];
static unsigned head, tail, count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;

static uint64_t sum;
static uint32_t checksum;

static uint32_t item(uint32_t i) { return i + 1; }
static uint32_t fold(uint32_t h, uint32_t v) { return (h ^ v) * 16777619u; }

static void *producer(void *arg) {
    (void)arg;
    for (uint32_t i = 0; i < ITEMS; i++) {
        pthread_mutex_lock(&lock);
        while (count == SLOTS)
            pthread_cond_wait(&not_full, &lock);
        ring[head] = item(i);
        head = (head + 1) % SLOTS;
        count++;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void *consumer(void *arg) {
    (void)arg;
    uint32_t h = 2166136261u;
    uint64_t s = 0;
    for (uint32_t i = 0; i < ITEMS; i++) {
        pthread_mutex_lock(&lock);
        while (count == 0)
            pthread_cond_wait(&not_empty, &lock);
        uint32_t v = ring[tail];
        tail = (tail + 1) % SLOTS;
        count--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&lock);
        h = fold(h, v);
        s += v;
    }
    checksum = h;
    sum = s;
    return NULL;
}

int main(void) {
    pthread_t p, c;
    if (pthread_create(&c, NULL, consumer, NULL) || pthread_create(&p, NULL, producer, NULL)) {
        printf("producer_consumer: pthread_create failed\n");
        return 1;
    }
    pthread_join(p, NULL);
    pthread_join(c, NULL);

    uint32_t want = 2166136261u;
    uint64_t want_sum = 0;
    for (uint32_t i = 0; i < ITEMS; i++) {
        want = fold(want, item(i));
        want_sum += item(i);
    }
    if (checksum != want || sum != want_sum) {
        printf("producer_consumer: items=%d sum=%llu checksum=%08x expected sum=%llu checksum=%08x MISMATCH\n",
               ITEMS, (unsigned long long)sum, checksum, (unsigned long long)want_sum, want);
        return 1;
    }
    printf("producer_consumer: items=%d sum=%llu checksum=%08x\n", ITEMS, (unsigned long long)sum, checksum);
    return 0;
}
