#ifndef ANNALS_FUZZ_DRIVER_H
#define ANNALS_FUZZ_DRIVER_H

/// Runs a fuzz target. Built with -sanitize=fuzzer, libFuzzer is linked in and this hands
/// control to it (LLVMFuzzerRunDriver). In a plain build there is no libFuzzer: each argument
/// is then a file (or a directory of files) that is fed once to LLVMFuzzerTestOneInput, so the
/// seed corpus doubles as a regression test and a plain `swift build` links.
int annals_fuzz_main(int argc, char **argv);

#endif
