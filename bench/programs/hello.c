/* The start-up case: load, instantiate, print one line, exit. */
#include <stdio.h>

int main(void) {
    puts("checksum: hello from the silo bench");
    return 0;
}
