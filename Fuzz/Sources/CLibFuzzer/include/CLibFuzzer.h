#ifndef BERTH_CLIBFUZZER_H
#define BERTH_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's own driver (compiler-rt, LLVM 13 and later): runs the fuzzing loop with the
/// command line in argc/argv and calls `callback` with each input. The fuzz targets' `main` calls
/// it instead of defining `LLVMFuzzerTestOneInput`, because SwiftPM gives every executable an
/// entry point of its own that libFuzzer's `main` would collide with.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
