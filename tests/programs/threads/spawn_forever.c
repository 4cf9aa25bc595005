// spawn_forever: creates threads without end, each blocking forever on a
// condvar that is never signalled (memory.atomic.wait32 with no timeout), until
// pthread_create fails: a runtime's thread quota (thread-spawn returning a
// negative value, which wasi-libc turns into EAGAIN) or the module's memory
// running out for thread stacks (also EAGAIN). Then main exits 0 while all the
// workers are still blocked, so the runtime must also end blocked threads.
// Prints "pthread_create failed: <errno> after <n> threads" (EAGAIN is 6 in
// WASI) and exits 0; n depends on the runtime and the memory maximum.
// Build (see build.sh): clang-16 --target=wasm32-wasi-threads -pthread
//   --sysroot=$WASI_THREADS_SYSROOT -O2 -Wl,--import-memory,--export-memory
//   -Wl,--max-memory=67108864 -o spawn_forever.wasm spawn_forever.c
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

static void *worker(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lock);
    for (;;)
        pthread_cond_wait(&never, &lock);
}

int main(void) {
    for (long n = 0;; n++) {
        pthread_t t;
        int err = pthread_create(&t, NULL, worker, NULL);
        if (err) {
            printf("pthread_create failed: %d after %ld threads\n", err, n);
            exit(0);
        }
    }
}
