#include "cbenchsupport.h"
#include <lz4.h>

int bench_lz4_bound(int size) { return LZ4_compressBound(size); }

int bench_lz4_compress(const void *source, void *destination, int sourceSize, int capacity) {
    return LZ4_compress_default((const char *)source, (char *)destination, sourceSize, capacity);
}

int bench_lz4_decompress(const void *source, void *destination, int compressedSize, int capacity) {
    return LZ4_decompress_safe((const char *)source, (char *)destination, compressedSize, capacity);
}
