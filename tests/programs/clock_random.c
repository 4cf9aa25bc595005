// Checks that clocks move forward, that sleeping takes time, and that random bytes vary.
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

static long long now_ns(clockid_t id) {
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) return -1;
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
    long long wall = now_ns(CLOCK_REALTIME);
    long long t0 = now_ns(CLOCK_MONOTONIC);
    usleep(20000);
    long long t1 = now_ns(CLOCK_MONOTONIC);
    unsigned char a[16], b[16];
    getentropy(a, sizeof a);
    getentropy(b, sizeof b);
    printf("realtime after 2020: %s\n", wall > 1577836800LL * 1000000000LL ? "yes" : "no");
    printf("slept at least 20ms: %s\n", t1 - t0 >= 20000000LL ? "yes" : "no");
    printf("random differs: %s\n", memcmp(a, b, sizeof a) != 0 ? "yes" : "no");
    return 0;
}
