// thread_exit: a worker thread calls exit(3) (wasi proc_exit(3)) while main
// sleeps in a loop forever (poll_oneoff clock waits). proc_exit from any thread
// must end the whole guest with that status; otherwise main never ends.
// Prints "thread_exit: main sleeping" and "thread_exit: worker calls exit(3)",
// then the guest exits with status 3.
// Build (see build.sh): clang-16 --target=wasm32-wasi-threads -pthread
//   --sysroot=$WASI_THREADS_SYSROOT -O2 -Wl,--import-memory,--export-memory
//   -Wl,--max-memory=67108864 -o thread_exit.wasm thread_exit.c
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *worker(void *arg) {
    (void)arg;
    printf("thread_exit: worker calls exit(3)\n");
    exit(3);
}

int main(void) {
    pthread_t t;
    printf("thread_exit: main sleeping\n");
    fflush(stdout);
    if (pthread_create(&t, NULL, worker, NULL)) {
        printf("thread_exit: pthread_create failed\n");
        return 1;
    }
    for (;;)
        sleep(1);
}
