// Hot loops the Swift compiler will not vectorise well, in C: Swift's SIMD `squareRoot()` runs lane by
// lane (8 scalar square roots and the shuffles between them), where C gets one `vsqrtps`.
#ifndef GANBOOK_CKERNELS_H
#define GANBOOK_CKERNELS_H

/// One Adam update of n parameters, in place, exactly as `NN.Adam` writes it (PyTorch's order of operations):
///   g = grad + weightDecay·p;  m = β₁·m + (1 − β₁)·g;  v = β₂·v + (1 − β₂)·g²;
///   p −= stepSize · m / (√v / correction2Root + ε)
/// Each operation rounds once (no fused multiply-add), so results are the same bit for bit on every CPU.
void ganbook_adam_update(float *p, const float *grad, float *m, float *v, long n, float beta1, float beta2,
                         float step_size, float correction2_root, float eps, float weight_decay);

/// y[i] = tanh(x[i]) for n floats, computed in double and rounded once (≤ 1 ulp from the true value).
/// glibc's `tanhf` is a scalar call (about 20 ns an element here); this loop vectorises.
void ganbook_tanh(const float *x, float *y, long n);

/// The copy loop of a stride-2 im2col from the polyphase layout (`TensorCore/Convolution+Polyphase.swift`):
/// `phases` holds, per (image, channel), a block of four phases of `phase_rows`×`phase_cols` floats (plus
/// 8 floats of slack after the last block, for wide loads); `out` is `[C·kh·kw, n·Ho·Wo]`. Row (c, i, j) of
/// `out` reads phase (i mod 2, j mod 2) of channel c from (i/2, j/2) on: each output row of Wo is one copy.
void ganbook_polyphase_im2col(const float *phases, float *out, long n, long c, long kh, long kw, long ho, long wo,
                              long phase_rows, long phase_cols);

/// C[m×n] = op(A)[m×k] · op(B)[k×n] (+ C when `accumulate`), row-major, on the calling thread; `lda`, `ldb`,
/// `ldc` are the row lengths as stored, `trans_a`/`trans_b` say A is stored k×m / B is stored n×k.
/// Packed panels and a 12×32 AVX-512 micro-kernel (`sgemm.c`); a plain C kernel without AVX-512.
void ganbook_sgemm(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda, const float *b,
                   long ldb, int accumulate, float *c, long ldc);

/// `ganbook_sgemm` with its plain C kernel and packing whatever the CPU (what it runs without AVX-512): for tests.
void ganbook_sgemm_portable(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda,
                            const float *b, long ldb, int accumulate, float *c, long ldc);

/// 1 when `ganbook_sgemm` runs its AVX-512 kernel on this CPU (else the engine keeps OpenBLAS).
int ganbook_sgemm_is_fast(void);

/// op(A) (m×k) packed once for many products with it (a convolution's weights against every chunk of its
/// batch): `ganbook_sgemm_packed_size` floats, filled by `ganbook_sgemm_pack_a` a range of its
/// `ganbook_sgemm_pack_units` at a time (12-row panels of 192-deep slices: two threads may pack halves),
/// then read by `ganbook_sgemm_prepacked`. `portable`: the plain C path (for tests); the layout is the same.
long ganbook_sgemm_packed_size(long m, long k);
long ganbook_sgemm_pack_units(long m, long k);
void ganbook_sgemm_pack_a(int portable, int trans_a, long m, long k, const float *a, long lda, long first_unit,
                          long end_unit, float *packed);
/// C[m×n] = A·op(B) (+ C when `accumulate`) with A as `ganbook_sgemm_pack_a` packed it.
void ganbook_sgemm_prepacked(int portable, long m, long n, long k, const float *packed_a, int trans_b,
                             const float *b, long ldb, int accumulate, float *c, long ldc);

#endif
