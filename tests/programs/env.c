// Prints the environment it was given, and whether HOME leaked in.
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(void) {
    int n = 0;
    for (char **e = environ; *e; e++, n++) {
        printf("env: %s\n", *e);
    }
    printf("count: %d\n", n);
    const char *home = getenv("HOME");
    printf("HOME: %s\n", home ? home : "(not granted)");
    return 0;
}
