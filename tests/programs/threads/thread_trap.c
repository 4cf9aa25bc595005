// thread_trap: a worker thread executes __builtin_trap() (wasm `unreachable`)
// while main is blocked in pthread_join (memory.atomic.wait32 on the worker's
// tid). A trap in any thread must end the whole guest with that trap; a runtime
// that only ends the trapping thread leaves main waiting forever (the worker
// never reaches the code that wakes its joiner).
// Prints "thread_trap: main waiting in pthread_join", then the guest traps.
// Build (see build.sh): clang-16 --target=wasm32-wasi-threads -pthread
//   --sysroot=$WASI_THREADS_SYSROOT -O2 -Wl,--import-memory,--export-memory
//   -Wl,--max-memory=67108864 -o thread_trap.wasm thread_trap.c
#include <pthread.h>
#include <stdio.h>

static void *worker(void *arg) {
    (void)arg;
    __builtin_trap();
}

int main(void) {
    pthread_t t;
    printf("thread_trap: main waiting in pthread_join\n");
    fflush(stdout);
    if (pthread_create(&t, NULL, worker, NULL)) {
        printf("thread_trap: pthread_create failed\n");
        return 1;
    }
    pthread_join(t, NULL);
    printf("thread_trap: worker returned; the trap was lost\n");
    return 1;
}
