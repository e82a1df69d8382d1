#ifndef ANNALS_CCRC32C_H
#define ANNALS_CCRC32C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Extends a CRC32C (Castagnoli, reflected polynomial 0x82F63B78) over `length` bytes.
/// Start with `crc = 0`; the pre- and post-inversion are done inside, so calls chain:
/// `annals_crc32c(annals_crc32c(0, a, n), b, m) == annals_crc32c(0, ab, n + m)`.
/// Uses the SSE4.2 `crc32` instruction when the CPU has it, else a table-driven fallback.
uint32_t annals_crc32c(uint32_t crc, const void *data, size_t length);

/// The portable table-driven path, exposed so tests can check it against the hardware one.
uint32_t annals_crc32c_software(uint32_t crc, const void *data, size_t length);

/// 1 when `annals_crc32c` runs on the SSE4.2 instruction, else 0.
int annals_crc32c_uses_hardware(void);

#ifdef __cplusplus
}
#endif

#endif
