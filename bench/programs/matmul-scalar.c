/* native-cflags: -march=x86-64-v3
 * The matrix multiply of simd-matmul.c built without -msimd128: the scalar twin that
 * measures what SIMD gains in each engine (the same output, bit for bit). */
#include "simd-matmul.c"
