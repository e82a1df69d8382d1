// CRC32C (Castagnoli). The hardware path uses the SSE4.2 crc32 instruction eight bytes at a
// time; the software path is slicing-by-8 over tables built exactly once under pthread_once,
// so concurrent first calls are race-free (a lazily filled table once tripped TSan).
#include "ccrc32c.h"

#include <pthread.h>
#include <string.h>

#define CRC32C_POLY_REFLECTED 0x82F63B78u

static uint32_t crc_tables[8][256];
static pthread_once_t crc_tables_once = PTHREAD_ONCE_INIT;

static void crc_tables_build(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t crc = n;
        for (int k = 0; k < 8; k++) {
            crc = (crc & 1) ? (crc >> 1) ^ CRC32C_POLY_REFLECTED : crc >> 1;
        }
        crc_tables[0][n] = crc;
    }
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t crc = crc_tables[0][n];
        for (int t = 1; t < 8; t++) {
            crc = crc_tables[0][crc & 0xFF] ^ (crc >> 8);
            crc_tables[t][n] = crc;
        }
    }
}

uint32_t annals_crc32c_software(uint32_t crc, const void *data, size_t length) {
    pthread_once(&crc_tables_once, crc_tables_build);
    const uint8_t *p = (const uint8_t *)data;
    uint32_t c = ~crc;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        // Little-endian load: the low byte is processed first, as the reflected CRC requires.
        uint32_t lo = (uint32_t)word ^ c;
        uint32_t hi = (uint32_t)(word >> 32);
        c = crc_tables[7][lo & 0xFF] ^ crc_tables[6][(lo >> 8) & 0xFF] ^
            crc_tables[5][(lo >> 16) & 0xFF] ^ crc_tables[4][lo >> 24] ^
            crc_tables[3][hi & 0xFF] ^ crc_tables[2][(hi >> 8) & 0xFF] ^
            crc_tables[1][(hi >> 16) & 0xFF] ^ crc_tables[0][hi >> 24];
        p += 8;
        length -= 8;
    }
    while (length--) {
        c = crc_tables[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
    }
    return ~c;
}

#if defined(__x86_64__)
#include <nmmintrin.h>

__attribute__((target("sse4.2")))
static uint32_t crc32c_hardware(uint32_t crc, const void *data, size_t length) {
    const uint8_t *p = (const uint8_t *)data;
    uint64_t c = (uint32_t)~crc;
    while (length > 0 && ((uintptr_t)p & 7) != 0) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        length--;
    }
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        c = _mm_crc32_u64(c, word);
        p += 8;
        length -= 8;
    }
    while (length--) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
    }
    return ~(uint32_t)c;
}

static int hardware_available = -1;
static pthread_once_t hardware_once = PTHREAD_ONCE_INIT;

static void hardware_detect(void) {
    __builtin_cpu_init();
    hardware_available = __builtin_cpu_supports("sse4.2") ? 1 : 0;
}

int annals_crc32c_uses_hardware(void) {
    pthread_once(&hardware_once, hardware_detect);
    return hardware_available;
}

uint32_t annals_crc32c(uint32_t crc, const void *data, size_t length) {
    if (annals_crc32c_uses_hardware()) {
        return crc32c_hardware(crc, data, length);
    }
    return annals_crc32c_software(crc, data, length);
}
#else
int annals_crc32c_uses_hardware(void) { return 0; }

uint32_t annals_crc32c(uint32_t crc, const void *data, size_t length) {
    return annals_crc32c_software(crc, data, length);
}
#endif
