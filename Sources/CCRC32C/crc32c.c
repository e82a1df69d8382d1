// CRC32C (Castagnoli). The hardware path uses the SSE4.2 crc32 instruction eight bytes at a
// time, in three interleaved chains on longer buffers; the software path is slicing-by-8 over tables built exactly once under pthread_once,
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

// One crc32 instruction has a latency of 3 cycles but a throughput of 1 per cycle, so one
// dependent chain uses a third of the unit. Buffers of at least 3 * L bytes are cut into three
// stripes of L bytes, run as three independent chains, and joined: for the register update R
// (the CRC without its pre and post inversion), R(c, A B C) = Z(Z(R(c, A)) ^ R(0, B)) ^ R(0, C),
// where Z(x) = R(x, L zero bytes) is linear in x, so it is four table lookups (one per byte of x)
// in tables built once from Z of each single set bit.
#define STRIPE_LONG 4096
#define STRIPE_SHORT 128

static uint32_t zero_shift_long[4][256];
static uint32_t zero_shift_short[4][256];
static pthread_once_t zero_shift_once = PTHREAD_ONCE_INIT;

__attribute__((target("sse4.2")))
static uint32_t register_over_zeros(uint32_t c, size_t length) {
    uint64_t r = c;
    for (size_t i = 0; i < length; i += 8) r = _mm_crc32_u64(r, 0);
    return (uint32_t)r;
}

static void zero_shift_build_one(uint32_t table[4][256], size_t length) {
    uint32_t bit[32];
    for (int k = 0; k < 32; k++) bit[k] = register_over_zeros(1u << k, length);
    for (int byte = 0; byte < 4; byte++) {
        for (uint32_t value = 0; value < 256; value++) {
            uint32_t shifted = 0;
            for (int k = 0; k < 8; k++) {
                if (value & (1u << k)) shifted ^= bit[byte * 8 + k];
            }
            table[byte][value] = shifted;
        }
    }
}

static void zero_shift_build(void) {
    zero_shift_build_one(zero_shift_long, STRIPE_LONG);
    zero_shift_build_one(zero_shift_short, STRIPE_SHORT);
}

static inline uint32_t zero_shift(const uint32_t table[4][256], uint32_t c) {
    return table[0][c & 0xFF] ^ table[1][(c >> 8) & 0xFF] ^ table[2][(c >> 16) & 0xFF] ^ table[3][c >> 24];
}

/// Runs the register over as many 3 * `stripe` byte chunks as fit, three chains at a time.
__attribute__((target("sse4.2")))
static uint64_t crc32c_striped(uint64_t c, const uint8_t **data, size_t *length, size_t stripe, const uint32_t table[4][256]) {
    const uint8_t *p = *data;
    while (*length >= 3 * stripe) {
        uint64_t a = c, b = 0, d = 0;
        for (size_t i = 0; i < stripe; i += 8) {
            uint64_t wa, wb, wd;
            memcpy(&wa, p + i, 8);
            memcpy(&wb, p + stripe + i, 8);
            memcpy(&wd, p + 2 * stripe + i, 8);
            a = _mm_crc32_u64(a, wa);
            b = _mm_crc32_u64(b, wb);
            d = _mm_crc32_u64(d, wd);
        }
        c = zero_shift(table, zero_shift(table, (uint32_t)a) ^ (uint32_t)b) ^ (uint32_t)d;
        p += 3 * stripe;
        *length -= 3 * stripe;
    }
    *data = p;
    return c;
}

__attribute__((target("sse4.2")))
static uint32_t crc32c_hardware(uint32_t crc, const void *data, size_t length) {
    const uint8_t *p = (const uint8_t *)data;
    uint64_t c = (uint32_t)~crc;
    while (length > 0 && ((uintptr_t)p & 7) != 0) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        length--;
    }
    if (length >= 3 * STRIPE_SHORT) {
        pthread_once(&zero_shift_once, zero_shift_build);
        c = crc32c_striped(c, &p, &length, STRIPE_LONG, zero_shift_long);
        c = crc32c_striped(c, &p, &length, STRIPE_SHORT, zero_shift_short);
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
