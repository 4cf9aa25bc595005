// parallel_sum: N worker pthreads (argv[1], default 4) each sum a slice of a
// 4,000,000-int array, add their part to a global total under a mutex, count
// themselves done and signal a condvar; main waits on the condvar until every
// worker is done, then joins them all. Checks thread-spawn, shared memory
// (the array is malloc'd, so memory.grow on a shared memory), mutexes and
// condvars (memory.atomic.wait32/notify).
// Prints "parallel_sum: threads=N total=T", exit 0 when T = n(n-1)/2,
// else a mismatch line and exit 1.
// Build (see build.sh): clang-16 --target=wasm32-wasi-threads -pthread
//   --sysroot=$WASI_THREADS_SYSROOT -O2 -Wl,--import-memory,--export-memory
//   -Wl,--max-memory=67108864 -o parallel_sum.wasm parallel_sum.c
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define N 4000000L
#define MAX_THREADS 64

static int *data;
static long long total;
static int done;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_done = PTHREAD_COND_INITIALIZER;

struct slice { long begin, end; };

static void *worker(void *arg) {
    struct slice *s = arg;
    long long sum = 0;
    for (long i = s->begin; i < s->end; i++)
        sum += data[i];
    pthread_mutex_lock(&lock);
    total += sum;
    done++;
    pthread_cond_signal(&all_done);
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 4;
    if (n < 1 || n > MAX_THREADS) {
        fprintf(stderr, "parallel_sum: threads must be 1..%d\n", MAX_THREADS);
        return 2;
    }
    data = malloc(N * sizeof *data);
    if (!data) {
        fprintf(stderr, "parallel_sum: out of memory\n");
        return 2;
    }
    for (long i = 0; i < N; i++)
        data[i] = (int)i;

    pthread_t tids[MAX_THREADS];
    struct slice slices[MAX_THREADS];
    for (int t = 0; t < n; t++) {
        slices[t].begin = N * t / n;
        slices[t].end = N * (t + 1) / n;
        int err = pthread_create(&tids[t], NULL, worker, &slices[t]);
        if (err) {
            printf("parallel_sum: pthread_create failed: %d\n", err);
            return 1;
        }
    }
    pthread_mutex_lock(&lock);
    while (done < n)
        pthread_cond_wait(&all_done, &lock);
    pthread_mutex_unlock(&lock);
    for (int t = 0; t < n; t++)
        pthread_join(tids[t], NULL);

    long long expected = (long long)N * (N - 1) / 2;
    if (total != expected) {
        printf("parallel_sum: threads=%d total=%lld expected=%lld MISMATCH\n", n, total, expected);
        return 1;
    }
    printf("parallel_sum: threads=%d total=%lld\n", n, total);
    return 0;
}
