// The engine's own single-threaded matrix product for the convolutions' per-chunk products
// (`TensorCore/Convolution+Chunks.swift`): C[m×n] (+)= op(A)[m×k] · op(B)[k×n], row-major.
//
// Why not OpenBLAS here: the chunk products are small and skinny (e.g. 128×1024 by 1024×147), and
// OpenBLAS 0.3.21's SkylakeX sgemm ran them at 94–102 GFLOP/s on one core of our 2-core Ice Lake machines
// (this code: 107–124 in the same minute), where a core does ~176 (AVX-512 FMA). This is the classic Goto/BLIS structure, sized for those shapes:
//
//   for each KC-deep slice of k:                 (C accumulates across slices)
//     for each NC-wide block of n:   pack op(B) into NR-wide panels   (Bp: kc × NR each)
//       for each MC-tall block of m: pack op(A) into MR-tall panels   (Ap: kc × MR each)
//         for each B panel, for each A panel: the micro-kernel adds Ap·Bp to one MR×NR tile of C
//
// The micro-kernel keeps a 12×32 tile of C in 24 AVX-512 registers; per step of k it loads one
// 32-wide row of the B panel (2 registers) and broadcasts 12 values of the A panel: 24 fused
// multiply-adds per 14 loads. Packing makes both panels contiguous (and zero-padded at the edges),
// whatever the transposes, so the kernel has one shape. Tiles at C's right edge store with a mask.
//
// A convolution's weights are A in two of its three products, the same for every chunk of its batch: the
// caller may pack them once (`ganbook_sgemm_pack_a`, both threads a share of its panels) and pass them
// packed (`ganbook_sgemm_prepacked`), instead of each chunk packing them again: 5% less thread time in
// the chunks' products of a DCGAN b64 step (`bench --profile`, alternated rounds).
//
// Without AVX-512 the same packed panels go through a plain C kernel: correct everywhere (the tests
// run it), but the engine uses OpenBLAS there instead (`ganbook_sgemm_is_fast`).

#include "ckernels.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define GANBOOK_X86 1
#endif

// KC = 192: a B panel (24 KB) and an A panel (9 KB) share the 48 KB L1 with room to spare. KC 128 and 256
// made the whole DCGAN b64 step 4.6% and 3% slower (10 alternated rounds each).
enum { MR = 12, NR = 32, KC = 192, MC = 384, NC = 512 };

// One MR×NR tile: C[0..<mr][0..<nr] = (accumulate ? C : 0) + Σ_k Ap[k][·] ⊗ Bp[k][·].
typedef void (*tile_kernel)(long kc, const float *ap, const float *bp, float *c, long ldc, long mr, long nr,
                            int accumulate);

static void tile_portable(long kc, const float *ap, const float *bp, float *c, long ldc, long mr, long nr,
                          int accumulate) {
    float acc[MR][NR];
    memset(acc, 0, sizeof acc);
    for (long p = 0; p < kc; p++) {
        const float *a = ap + p * MR, *b = bp + p * NR;
        for (int i = 0; i < MR; i++) {
            float ai = a[i];
            for (int j = 0; j < NR; j++) acc[i][j] += ai * b[j];
        }
    }
    for (long i = 0; i < mr; i++) {
        float *row = c + i * ldc;
        for (long j = 0; j < nr; j++) row[j] = accumulate ? row[j] + acc[i][j] : acc[i][j];
    }
}

#if GANBOOK_X86
__attribute__((target("avx512f"))) static void tile_avx512(long kc, const float *ap, const float *bp, float *c,
                                                           long ldc, long mr, long nr, int accumulate) {
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    __m512 c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    __m512 c80 = c00, c81 = c00, c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, cb0 = c00, cb1 = c00;
    for (long p = 0; p < kc; p++) {
        __m512 b0 = _mm512_load_ps(bp), b1 = _mm512_load_ps(bp + 16), a;
#define ROW(i, x0, x1)                   \
    a = _mm512_set1_ps(ap[i]);           \
    x0 = _mm512_fmadd_ps(a, b0, x0);     \
    x1 = _mm512_fmadd_ps(a, b1, x1);
        ROW(0, c00, c01) ROW(1, c10, c11) ROW(2, c20, c21) ROW(3, c30, c31) ROW(4, c40, c41) ROW(5, c50, c51)
        ROW(6, c60, c61) ROW(7, c70, c71) ROW(8, c80, c81) ROW(9, c90, c91) ROW(10, ca0, ca1) ROW(11, cb0, cb1)
#undef ROW
        ap += MR;
        bp += NR;
    }
    const __m512 tile[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51},
                                {c60, c61}, {c70, c71}, {c80, c81}, {c90, c91}, {ca0, ca1}, {cb0, cb1}};
    const __mmask16 left = nr >= 16 ? 0xFFFF : (__mmask16)((1u << nr) - 1);
    const __mmask16 right = nr >= 32 ? 0xFFFF : nr <= 16 ? 0 : (__mmask16)((1u << (nr - 16)) - 1);
    for (long i = 0; i < mr; i++) {
        float *row = c + i * ldc;
        __m512 v0 = tile[i][0], v1 = tile[i][1];
        if (accumulate) {
            v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(left, row));
            v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(right, row + 16));
        }
        _mm512_mask_storeu_ps(row, left, v0);
        _mm512_mask_storeu_ps(row + 16, right, v1);
    }
}
#endif

int ganbook_sgemm_is_fast(void) {
#if GANBOOK_X86
    return __builtin_cpu_supports("avx512f");
#else
    return 0;
#endif
}

// op(A) rows m0..<m0+mc, depths k0..<k0+kc → MR-tall panels, zero rows past the edge.
#if GANBOOK_X86
// Transposes 16 rows of 16 floats in registers: afterwards r[c] holds column c (row i in lane i).
__attribute__((target("avx512f"))) static inline void transpose16(__m512 r[16]) {
    __m512 t[16], s[16];
    for (int i = 0; i < 16; i += 2) {  // [a0 b0 a1 b1 | a4 b4 a5 b5 | …] and [a2 b2 a3 b3 | …]
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int g = 0; g < 4; g++) {  // s[4g + j], lane L: column 4L + j of rows 4g..4g+3
        s[4 * g + 0] = _mm512_shuffle_ps(t[4 * g], t[4 * g + 2], 0x44);
        s[4 * g + 1] = _mm512_shuffle_ps(t[4 * g], t[4 * g + 2], 0xEE);
        s[4 * g + 2] = _mm512_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0x44);
        s[4 * g + 3] = _mm512_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0xEE);
    }
    for (int j = 0; j < 4; j++) {  // gather lane L of the four row groups: column 4L + j
        __m512 u = _mm512_shuffle_f32x4(s[j], s[4 + j], 0x88), v = _mm512_shuffle_f32x4(s[j], s[4 + j], 0xDD);
        __m512 w = _mm512_shuffle_f32x4(s[8 + j], s[12 + j], 0x88), x = _mm512_shuffle_f32x4(s[8 + j], s[12 + j], 0xDD);
        r[j] = _mm512_shuffle_f32x4(u, w, 0x88);
        r[8 + j] = _mm512_shuffle_f32x4(u, w, 0xDD);
        r[4 + j] = _mm512_shuffle_f32x4(v, x, 0x88);
        r[12 + j] = _mm512_shuffle_f32x4(v, x, 0xDD);
    }
}

// Transposing copy of up to 16 rows: dst[p·stride + j] = src[j·ld + p] for p < depth and j < written (12 or
// 16), zero for j ≥ count. Sixteen depths at a time: 16 row loads, a transpose in registers, 16 stores.
__attribute__((target("avx512f"))) static void transpose_rows(const float *src, long ld, long count, long depth,
                                                              float *dst, long stride, int written) {
    const __mmask16 out = written >= 16 ? 0xFFFF : (__mmask16)((1u << written) - 1);
    for (long p0 = 0; p0 < depth; p0 += 16) {
        long width = depth - p0 < 16 ? depth - p0 : 16;
        __mmask16 cols = width == 16 ? 0xFFFF : (__mmask16)((1u << width) - 1);
        __m512 r[16];
        for (int j = 0; j < 16; j++)
            r[j] = j < count ? _mm512_maskz_loadu_ps(cols, src + j * ld + p0) : _mm512_setzero_ps();
        transpose16(r);
        for (long p = 0; p < width; p++) _mm512_mask_storeu_ps(dst + (p0 + p) * stride, out, r[p]);
    }
}

// Straight copy, rows of `count` (≤ 32) floats: dst[p·stride + j] = src[p·ld + j] for j < written (12 or 32),
// zero for j ≥ count. Masked loads: one instruction per 16 floats, edges included.
__attribute__((target("avx512f"))) static void copy_rows(const float *src, long ld, long count, long depth,
                                                         float *dst, long stride, int written) {
    const __mmask16 lo = count >= 16 ? 0xFFFF : (__mmask16)((1u << count) - 1);
    const __mmask16 hi = count >= 32 ? 0xFFFF : count <= 16 ? 0 : (__mmask16)((1u << (count - 16)) - 1);
    if (written == 12) {
        for (long p = 0; p < depth; p++)
            _mm512_mask_storeu_ps(dst + p * stride, 0x0FFF, _mm512_maskz_loadu_ps(lo, src + p * ld));
    } else {
        for (long p = 0; p < depth; p++) {
            _mm512_storeu_ps(dst + p * stride, _mm512_maskz_loadu_ps(lo, src + p * ld));
            _mm512_storeu_ps(dst + p * stride + 16, _mm512_maskz_loadu_ps(hi, src + p * ld + 16));
        }
    }
}
#endif

// Packs `lanes` rows or columns of an operand into panels of `width` (MR for A, NR for B) lanes, zero past
// the edge: panel element [p][j] = X(lane j, depth p), for `depth` depths. `straight`: the lanes of one depth
// are contiguous, X(j, p) = src[p·ld + j] (A stored k×m, B stored k×n); otherwise each lane is contiguous
// along the depths, X(j, p) = src[j·ld + p] (A stored m×k, B stored n×k), a transposing copy.
static void pack_panels(int vector, int straight, const float *src, long ld, long lanes, long depth, int width,
                        float *dst) {
    for (long q0 = 0; q0 < lanes; q0 += width, dst += width * depth) {
        long count = lanes - q0 < width ? lanes - q0 : width;
        const float *panel = straight ? src + q0 : src + q0 * ld;
#if GANBOOK_X86
        if (vector && straight) {
            copy_rows(panel, ld, count, depth, dst, width, width);
            continue;
        }
        if (vector) {  // 16 lanes at a time: 12 for an A panel, 16 + 16 for a B panel
            for (int h = 0; h < width; h += 16) {
                long left = count - h < 0 ? 0 : count - h;
                transpose_rows(panel + h * ld, ld, left < 16 ? left : 16, depth, dst + h, width,
                               width - h < 16 ? width - h : 16);
            }
            continue;
        }
#endif
        for (long p = 0; p < depth; p++)
            for (long j = 0; j < width; j++)
                dst[p * width + j] = j >= count ? 0 : straight ? panel[p * ld + j] : panel[j * ld + p];
    }
}

// Each thread's packing buffers (A's block, MC×KC, then B's, NC×KC: 672 KB), kept between calls and freed
// when the thread ends (a Dispatch thread may, after running some chunks).
static pthread_key_t buffers_key;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;
static void make_buffers_key(void) { pthread_key_create(&buffers_key, free); }

static float *thread_buffers(void) {
    pthread_once(&buffers_once, make_buffers_key);
    float *buffers = pthread_getspecific(buffers_key);
    if (!buffers) {
        buffers = aligned_alloc(64, (size_t)(MC + NC) * KC * sizeof(float));
        if (!buffers || pthread_setspecific(buffers_key, buffers) != 0) abort();
    }
    return buffers;
}

// op(A) packed whole, for many products with the same A (a convolution's weights, against each chunk of
// its batch): slice after KC-deep slice, each holding all of op(A)'s rows as MR-tall panels, m rounded up
// to MR (`padded_m`). The block of MC rows at m0 in the slice at k0 is then at k0·padded_m + m0·kc, laid
// out as `sgemm` would have packed it for itself.
static long padded_m(long m) { return (m + MR - 1) / MR * MR; }

// Units first..<end of op(A) (m×k) into `packed` (the whole packed A: each lands at its place). A unit is
// one MR-row panel of one KC slice, slice after slice: as many as there are panels when k ≤ KC (a
// layer's weights with 128 input channels), so two threads can share the packing of any A.
static void pack_a_units(int vector, int trans_a, long m, long k, const float *a, long lda, long first, long end,
                         float *packed) {
    long panels = padded_m(m) / MR;
    for (long unit = first; unit < end;) {
        long slice = unit / panels, p0 = unit % panels;
        long p1 = end - slice * panels < panels ? end - slice * panels : panels;  // this slice's last panel + 1
        long k0 = slice * KC, kc = k - k0 < KC ? k - k0 : KC;
        long row0 = p0 * MR, rows = (p1 * MR < m ? p1 * MR : m) - row0;
        pack_panels(vector, trans_a, trans_a ? a + k0 * lda + row0 : a + row0 * lda + k0, lda, rows, kc, MR,
                    packed + k0 * padded_m(m) + row0 * kc);
        unit = slice * panels + p1;
    }
}

// `prepacked`: op(A) as `pack_a_units` leaves it, or NULL to pack A's blocks here (then a, lda, trans_a).
static void sgemm(int vector, int trans_a, int trans_b, long m, long n, long k, const float *a, long lda,
                  const float *prepacked, const float *b, long ldb, int accumulate, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        if (!accumulate)
            for (long i = 0; i < m; i++) memset(c + i * ldc, 0, (size_t)n * sizeof(float));
        return;
    }
    float *packed_a = thread_buffers(), *packed_b = packed_a + MC * KC;
    tile_kernel tile = tile_portable;
#if GANBOOK_X86
    if (vector) tile = tile_avx512;
#endif
    for (long k0 = 0; k0 < k; k0 += KC) {
        long kc = k - k0 < KC ? k - k0 : KC;
        int add = accumulate || k0 > 0;
        for (long n0 = 0; n0 < n; n0 += NC) {
            long nc = n - n0 < NC ? n - n0 : NC;
            pack_panels(vector, !trans_b, trans_b ? b + n0 * ldb + k0 : b + k0 * ldb + n0, ldb, nc, kc, NR, packed_b);
            for (long m0 = 0; m0 < m; m0 += MC) {
                long mc = m - m0 < MC ? m - m0 : MC;
                const float *block = packed_a;
                if (prepacked)
                    block = prepacked + k0 * padded_m(m) + m0 * kc;
                else
                    pack_panels(vector, trans_a, trans_a ? a + k0 * lda + m0 : a + m0 * lda + k0, lda, mc, kc, MR,
                                packed_a);
                for (long q0 = 0; q0 < nc; q0 += NR) {
                    long nr = nc - q0 < NR ? nc - q0 : NR;
                    for (long p0 = 0; p0 < mc; p0 += MR) {  // panel p0 / MR starts at p0·kc, as B's at q0·kc
                        long mr = mc - p0 < MR ? mc - p0 : MR;
                        tile(kc, block + p0 * kc, packed_b + q0 * kc, c + (m0 + p0) * ldc + n0 + q0, ldc, mr, nr, add);
                    }
                }
            }
        }
    }
}

void ganbook_sgemm(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda, const float *b,
                   long ldb, int accumulate, float *c, long ldc) {
    // __builtin_cpu_supports reads what the runtime found at start-up: a load and a test, no cpuid.
    sgemm(ganbook_sgemm_is_fast(), trans_a, trans_b, m, n, k, a, lda, NULL, b, ldb, accumulate, c, ldc);
}

void ganbook_sgemm_portable(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda,
                            const float *b, long ldb, int accumulate, float *c, long ldc) {
    sgemm(0, trans_a, trans_b, m, n, k, a, lda, NULL, b, ldb, accumulate, c, ldc);
}

long ganbook_sgemm_packed_size(long m, long k) { return padded_m(m) * (k > 0 ? k : 0); }

long ganbook_sgemm_pack_units(long m, long k) { return k > 0 && m > 0 ? (k + KC - 1) / KC * (padded_m(m) / MR) : 0; }

void ganbook_sgemm_pack_a(int portable, int trans_a, long m, long k, const float *a, long lda, long first_unit,
                          long end_unit, float *packed) {
    pack_a_units(!portable && ganbook_sgemm_is_fast(), trans_a, m, k, a, lda, first_unit, end_unit, packed);
}

void ganbook_sgemm_prepacked(int portable, long m, long n, long k, const float *packed_a, int trans_b,
                             const float *b, long ldb, int accumulate, float *c, long ldc) {
    sgemm(!portable && ganbook_sgemm_is_fast(), 0, trans_b, m, n, k, NULL, 0, packed_a, b, ldb, accumulate, c, ldc);
}
