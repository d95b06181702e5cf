import CKernels

#if canImport(Glibc)
    import Glibc
#endif

/// The engine's own single-threaded sgemm (`CKernels/sgemm.c`), and when the convolutions' per-chunk
/// products use it instead of OpenBLAS.
///
/// Only with AVX-512 (its 12×32 kernel), only for the OpenBLAS engine (`--engine reference` keeps its plain
/// loops everywhere), and only for products at least 96 deep and wide in every dimension: the DCGAN's
/// 128×147×1024, 1024×147×128 and 128×1024×147 chunk products, where it runs 107–124 GFLOP/s on one core
/// here against OpenBLAS's 94–102. On thin ones (D's first layer: 16 deep, or 16 rows) its zero-padded
/// 12×32 tiles waste most of their work and OpenBLAS is faster.
public enum OwnGEMM {
    /// AVX-512 on this CPU: read once.
    public static let isFast = ganbook_sgemm_is_fast() != 0
    /// Off with `GANBOOK_OWN_GEMM=0` (to compare with OpenBLAS on the same shapes, `ganbook bench`).
    public static let enabled = isFast && (getenv("GANBOOK_OWN_GEMM").map { String(cString: $0) != "0" } ?? true)

    @inlinable
    static func suits(m: Int, n: Int, k: Int) -> Bool {
        enabled && Engine.products == .blas && m >= 96 && n >= 96 && k >= 96
    }

    /// C[m×n] = op(A)·op(B) (+ C when `accumulate`), row-major, on the calling thread. op(A) is m×k, op(B)
    /// is k×n; `lda`, `ldb`, `ldc` are the row lengths as stored. `portable`: the plain C kernel whatever
    /// the CPU (what runs without AVX-512; the tests check both).
    public static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, accumulate: Bool, c: UnsafeMutablePointer<Float>, ldc: Int,
        portable: Bool = false
    ) {
        (portable ? ganbook_sgemm_portable : ganbook_sgemm)(
            transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, a, lda, b, ldb, accumulate ? 1 : 0, c, ldc)
    }
}
