#include <string.h>

#include "ckernels.h"

// Eight floats as one vector (one AVX register, or two SSE ones).
typedef float lanes8 __attribute__((vector_size(32)));

// Where padded pixel (y, x) of a plane lives within its block of four phases.
static inline long phase_offset(long y, long x, long phase_rows, long phase_cols) {
    return ((y & 1) * 2 + (x & 1)) * phase_rows * phase_cols + (y >> 1) * phase_cols + (x >> 1);
}

// Output rows are short (7 or 14 positions in the DCGAN), so each is copied 8 floats at a time: the
// lanes past the row's end spill into the start of the next row, which is written right after. Only
// at the end of a line, where a spill would leave it, is the copy element by element.
__attribute__((target_clones("avx2", "default")))
void ganbook_polyphase_im2col(const float *restrict phases, float *restrict out, long n, long c, long kh, long kw,
                              long ho, long wo, long phase_rows, long phase_cols) {
    const long block = 4 * phase_rows * phase_cols, columns = n * ho * wo, last_wide = columns - 8;
    for (long row = 0; row < c * kh * kw; row++) {
        const long ch = row / (kh * kw), i = (row / kw) % kh, j = row % kw;
        float *line = out + row * columns;
        const float *image = phases + ch * block + phase_offset(i, j, phase_rows, phase_cols);
        long k = 0;
        if (wo <= 8) {  // the DCGAN's 7-wide rows: one copy each (the general loop below did it 40% slower)
            for (long img = 0; img < n; img++, image += c * block) {
                const float *from = image;
                for (long oh = 0; oh < ho; oh++, from += phase_cols, k += wo) {
                    if (k <= last_wide) {
                        lanes8 v;
                        memcpy(&v, from, sizeof v);
                        memcpy(line + k, &v, sizeof v);
                    } else {
                        for (long t = 0; t < wo; t++) line[k + t] = from[t];
                    }
                }
            }
            continue;
        }
        for (long img = 0; img < n; img++, image += c * block) {
            const float *from = image;
            for (long oh = 0; oh < ho; oh++, from += phase_cols, k += wo) {
                for (long ow = 0; ow < wo; ow += 8) {
                    if (k + ow <= last_wide) {
                        lanes8 v;
                        memcpy(&v, from + ow, sizeof v);
                        memcpy(line + k + ow, &v, sizeof v);
                    } else {
                        for (long t = ow; t < wo && t < ow + 8; t++) line[k + t] = from[t];
                    }
                }
            }
        }
    }
}
