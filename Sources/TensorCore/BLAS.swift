import CBLAS

/// The BLAS library under every matmul and convolution (OpenBLAS).
public enum BLAS {
    /// Threads OpenBLAS may use for one call.
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
    public static var threads: Int { Int(openblas_get_num_threads()) }
    /// The kernel family OpenBLAS picked for this CPU (e.g. "Cooperlake", "Haswell").
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// C[m×n] = alpha · op(A) · op(B) + beta · C, row-major. op(A) is m×k, op(B) is k×n.
    /// `lda`, `ldb`: the row lengths of A and B as stored.
    @inlinable
    public static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y[m or n] = alpha · op(A) · x + beta · y for a row-major A of m×n.
    @inlinable
    public static func sgemv(transpose: Bool, m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>,
                             x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(n),
                    x, 1, beta, y, 1)
    }
}
