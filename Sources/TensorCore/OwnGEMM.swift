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

    /// op(A) packed once for many products with it: a convolution packs its weights before its chunks run,
    /// instead of every chunk packing them again for its own product (they are A in the forward product and
    /// in ∂x, 128×1024 floats for D.conv2 against 147 columns per chunk). The two threads pack halves of its
    /// 12-row panels. Holds `[m rounded up to 12, k]` floats in the kernel's panel order; read-only after init.
    public final class PackedA: @unchecked Sendable {
        public let m: Int, k: Int
        /// What was packed: op(A) = (A stored at `source`, rows `lda` long)ᵀ when `transposeA`.
        public let transposeA: Bool, source: UnsafePointer<Float>, lda: Int
        let portable: Bool
        let buffer: UnsafeMutablePointer<Float>

        public init(transposeA: Bool, m: Int, k: Int, a: UnsafePointer<Float>, lda: Int, portable: Bool = false) {
            (self.m, self.k, self.transposeA, self.source, self.lda, self.portable) = (m, k, transposeA, a, lda, portable)
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(ganbook_sgemm_packed_size(m, k), 1))
            self.buffer = buffer
            Profiler.measure("pack weights") {
                parallelChunks(ganbook_sgemm_pack_units(m, k), work: m * k) { units in
                    ganbook_sgemm_pack_a(
                        portable ? 1 : 0, transposeA ? 1 : 0, m, k, a, lda, units.lowerBound, units.upperBound, buffer)
                }
            }
        }
        deinit { buffer.deallocate() }

        /// Whether this holds op(A) for a product with these operands.
        public func holds(transposeA: Bool, m: Int, k: Int, a: UnsafePointer<Float>, lda: Int) -> Bool {
            self.transposeA == transposeA && self.m == m && self.k == k && source == a && self.lda == lda
        }

        /// C[m×n] = A·op(B) (+ C when `accumulate`) on the calling thread.
        public func multiply(
            transposeB: Bool, n: Int, b: UnsafePointer<Float>, ldb: Int, accumulate: Bool,
            c: UnsafeMutablePointer<Float>, ldc: Int
        ) {
            ganbook_sgemm_prepacked(portable ? 1 : 0, m, n, k, buffer, transposeB ? 1 : 0, b, ldb, accumulate ? 1 : 0, c, ldc)
        }
    }
}
