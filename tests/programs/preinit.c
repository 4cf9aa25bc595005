/* A program with an expensive start (a prime sieve and heap-allocated tables) that `silo init`
 * can do once, ahead of time: `wizer.initialize` is the initializer (Wizer's convention); main
 * runs it itself when nobody did, so the program also runs unprocessed. It prints whether the
 * work was already done, and what it computed, so the two runs can be compared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT 200000

static int initialized;
static unsigned *primes;
static int count;
static char *greeting;

static void initialize(void) {
    char *composite = calloc(LIMIT, 1);
    primes = malloc(sizeof(unsigned) * LIMIT / 4);
    for (unsigned i = 2; i < LIMIT; i++) {
        if (composite[i])
            continue;
        primes[count++] = i;
        for (unsigned j = i * 2; j < LIMIT; j += i)
            composite[j] = 1;
    }
    free(composite);
    const char *who = getenv("GREETING");
    greeting = strdup(who ? who : "hello");
    initialized = 1;
}

__attribute__((export_name("wizer.initialize"))) void wizer_initialize(void) { initialize(); }

int main(int argc, char **argv) {
    int ahead = initialized;
    if (!initialized)
        initialize();
    printf("initialized ahead of time: %s\n", ahead ? "yes" : "no");
    printf("%d primes below %d, the last %u\n", count, LIMIT, primes[count - 1]);
    printf("greeting: %s\n", greeting);
    /* The allocator's state survived: allocating and freeing after the snapshot still works. */
    char *line = malloc(64);
    snprintf(line, 64, "%d argument(s), first: %s", argc - 1, argc > 1 ? argv[1] : "none");
    puts(line);
    free(line);
    return 0;
}
