#include <stdio.h>
#include "cbenchsupport.h"

void bench_line_buffer_stdout(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
}
