#include "fuzz_driver.h"

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Weak: resolved only when libFuzzer is linked (swift build --sanitize=fuzzer). */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t)) __attribute__((weak));

static int replay_file(const char *path) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) { perror(path); return 1; }
    fseek(file, 0, SEEK_END);
    long length = ftell(file);
    fseek(file, 0, SEEK_SET);
    uint8_t *bytes = malloc(length > 0 ? (size_t)length : 1);
    size_t got = bytes ? fread(bytes, 1, (size_t)length, file) : 0;
    fclose(file);
    if (bytes == NULL || got != (size_t)length) { free(bytes); fprintf(stderr, "cannot read %s\n", path); return 1; }
    LLVMFuzzerTestOneInput(bytes, got);
    free(bytes);
    return 0;
}

static int replay(const char *path, int *count) {
    struct stat info;
    if (stat(path, &info) != 0) { perror(path); return 1; }
    if (!S_ISDIR(info.st_mode)) { *count += 1; return replay_file(path); }
    DIR *directory = opendir(path);
    if (directory == NULL) { perror(path); return 1; }
    int failed = 0;
    struct dirent *entry;
    while ((entry = readdir(directory)) != NULL) {
        if (entry->d_name[0] == '.') continue;
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
        failed |= replay(child, count);
    }
    closedir(directory);
    return failed;
}

int annals_fuzz_main(int argc, char **argv) {
    if (LLVMFuzzerRunDriver) return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
    int failed = 0, count = 0;
    for (int index = 1; index < argc; index++) failed |= replay(argv[index], &count);
    fprintf(stderr, "replayed %d inputs without libFuzzer\n", count);
    return failed;
}

/* Weak, so that libFuzzer's own main wins when it is linked in; in a plain build this one runs. */
__attribute__((weak)) int main(int argc, char **argv) {
    return annals_fuzz_main(argc, argv);
}
