/* Sorting n pseudo-random 32-bit integers twice: an introsort-free
 * quicksort (median of three, insertion sort for short runs) and a heapsort.
 * Both results must agree; the checksum samples the sorted array. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

static void insertion_sort(uint32_t *a, long n) {
    for (long i = 1; i < n; i++) {
        uint32_t v = a[i];
        long j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void swap(uint32_t *a, uint32_t *b) {
    uint32_t t = *a;
    *a = *b;
    *b = t;
}

static void quick_sort(uint32_t *a, long n) {
    while (n > 16) {
        long mid = n / 2;
        if (a[mid] < a[0]) swap(&a[mid], &a[0]);
        if (a[n - 1] < a[0]) swap(&a[n - 1], &a[0]);
        if (a[n - 1] < a[mid]) swap(&a[n - 1], &a[mid]);
        uint32_t pivot = a[mid];
        long i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i >= j)
                break;
            swap(&a[i], &a[j]);
            i++;
            j--;
        }
        /* Recurse into the smaller half, loop on the larger one. */
        long left = j + 1;
        if (left < n - left) {
            quick_sort(a, left);
            a += left;
            n -= left;
        } else {
            quick_sort(a + left, n - left);
            n = left;
        }
    }
    insertion_sort(a, n);
}

static void sift_down(uint32_t *a, long root, long n) {
    uint32_t v = a[root];
    for (;;) {
        long child = 2 * root + 1;
        if (child >= n)
            break;
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[child] <= v)
            break;
        a[root] = a[child];
        root = child;
    }
    a[root] = v;
}

static void heap_sort(uint32_t *a, long n) {
    for (long i = n / 2 - 1; i >= 0; i--)
        sift_down(a, i, n);
    for (long end = n - 1; end > 0; end--) {
        swap(&a[0], &a[end]);
        sift_down(a, 0, end);
    }
}

int main(int argc, char **argv) {
    long n = bench_size(argc, argv, 3000000);
    uint32_t *q = malloc((size_t)n * sizeof *q), *h = malloc((size_t)n * sizeof *h);
    if (!q || !h)
        return 1;
    bench_seed(12345);
    for (long i = 0; i < n; i++)
        q[i] = h[i] = bench_rand() % 1000000007u;
    quick_sort(q, n);
    heap_sort(h, n);
    if (memcmp(q, h, (size_t)n * sizeof *q) != 0) {
        puts("checksum: MISMATCH");
        return 1;
    }
    uint64_t sum = 0;
    for (long i = 0; i < n; i += 97)
        sum = sum * 1099511628211u + q[i];
    printf("checksum: %" PRIu32 " %" PRIu32 " %016" PRIx64 "\n", q[0], q[n - 1], sum);
    return 0;
}
