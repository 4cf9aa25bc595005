/* A guest for checkpoints taken in the middle of its run: it counts, recurses, writes to stdout
 * and to a file it keeps open under /data, and reads a line of stdin; every output line depends
 * on what came before, so a resumed run that lost or repeated anything would show it. */
#include <stdio.h>
#include <string.h>

static unsigned long fib(int n) { return n < 2 ? (unsigned long)n : fib(n - 1) + fib(n - 2); }

static unsigned long deep(int depth, FILE *log, unsigned long acc) {
    if (depth == 0) return acc;
    acc = acc * 31 + fib(depth + 8);
    printf("down %d %lu\n", depth, acc);
    fprintf(log, "down %d\n", depth);
    fflush(stdout);
    fflush(log);
    unsigned long below = deep(depth - 1, log, acc);
    printf("up %d %lu\n", depth, below ^ (unsigned long)depth);
    fflush(stdout);
    return below + (unsigned long)depth;
}

int main(void) {
    FILE *log = fopen("/data/log.txt", "w");
    if (!log) {
        perror("/data/log.txt");
        return 1;
    }
    char line[64] = "";
    if (!fgets(line, sizeof line, stdin)) strcpy(line, "(none)\n");
    printf("read %s", line);
    unsigned long sum = 0;
    for (int i = 0; i < 12; i++) {
        sum = sum * 7 + fib(14 + i % 4);
        printf("step %d %lu\n", i, sum);
        fflush(stdout);
    }
    unsigned long total = deep(10, log, sum);
    fprintf(log, "total %lu\n", total);
    fclose(log);
    printf("done %lu\n", total);
    return 0;
}
