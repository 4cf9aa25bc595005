/* wasm-cflags: -mexec-model=reactor */
/* A reactor with state in memory and an open file, for checkpoints between calls: `setup` opens
 * /data/log.txt and keeps it open; each `add N` adds to a running total, logs it to the file and
 * prints it. A checkpoint after any call resumes with the total, the open file and its offset. */
#include <stdio.h>

static FILE *log_file;
static int total;
static int calls;

__attribute__((export_name("setup"))) int setup(void) {
    log_file = fopen("/data/log.txt", "w");
    if (!log_file) {
        perror("cannot open /data/log.txt");
        return -1;
    }
    fprintf(log_file, "setup\n");
    fflush(log_file);
    printf("set up\n");
    fflush(stdout);
    return 0;
}

__attribute__((export_name("add"))) int add(int n) {
    total += n;
    calls++;
    if (log_file) {
        fprintf(log_file, "add %d -> %d\n", n, total);
        fflush(log_file);
    }
    printf("call %d: total %d\n", calls, total);
    fflush(stdout);
    return total;
}
