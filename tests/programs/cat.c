// Copies standard input to standard output, upper-casing ASCII letters, and counts the bytes.
#include <ctype.h>
#include <stdio.h>

int main(void) {
    long total = 0;
    int c;
    while ((c = getchar()) != EOF) {
        putchar(toupper(c));
        total++;
    }
    fprintf(stderr, "%ld bytes\n", total);
    return 0;
}
