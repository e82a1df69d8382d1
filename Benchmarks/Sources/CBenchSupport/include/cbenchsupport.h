#ifndef CBENCHSUPPORT_H
#define CBENCHSUPPORT_H
#include <stddef.h>

/// The largest LZ4 output for `size` input bytes.
int bench_lz4_bound(int size);
/// LZ4 default (fast) compression; returns the compressed size, or 0 on failure.
int bench_lz4_compress(const void *source, void *destination, int sourceSize, int capacity);
/// LZ4 decompression; returns the decompressed size, or a negative value on bad input.
int bench_lz4_decompress(const void *source, void *destination, int compressedSize, int capacity);
/// Makes stdout line-buffered, so progress shows when it goes to a file or a pipe (Swift 6
/// refuses to touch the C global `stdout` directly).
void bench_line_buffer_stdout(void);

#endif
