// Exits with the status given as its argument, after writing to stdout and stderr.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int status = argc > 1 ? atoi(argv[1]) : 0;
    printf("exiting with %d\n", status);
    fprintf(stderr, "to stderr\n");
    exit(status);
}
