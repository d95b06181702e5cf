/// Which code computes the engine's products: OpenBLAS, or plain loops (the reference path).
///
/// Every matmul and every convolution (unfolded into a matrix product) goes through `BLAS.sgemm`
/// and `BLAS.sgemv`. The reference path computes the same products with straightforward loops, in a
/// different order of float sums than any BLAS kernel: a lesson whose outcome changes with it depends
/// on rounding, not on what the lesson teaches. `ganbook run --engine reference` selects it for a
/// whole process, before any work starts (the robustness sweep runs every lesson under it).
public enum Engine {
    public enum Products: String, Sendable, CaseIterable {
        /// OpenBLAS, whose kernel depends on the CPU and on `OPENBLAS_CORETYPE`.
        case blas
        /// Plain loops (`BLAS.referenceSgemm`): slow, simple and the same on every machine.
        case reference
    }

    /// Set once at start-up, before any product runs; read on every product.
    nonisolated(unsafe) public static var products: Products = .blas
}

extension BLAS {
    /// C = alpha · op(A) · op(B) + beta · C with plain loops, row-major; the same contract as `sgemm`.
    public static func referenceSgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        for i in 0..<m {
            let row = c + i * ldc
            for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] }
            for p in 0..<k {
                let aip = alpha * (transposeA ? a[p * lda + i] : a[i * lda + p])
                if transposeB {
                    for j in 0..<n { row[j] += aip * b[j * ldb + p] }
                } else {
                    let bRow = b + p * ldb
                    for j in 0..<n { row[j] += aip * bRow[j] }
                }
            }
        }
    }

    /// y = alpha · op(A) · x + beta · y with plain loops, for a row-major A of m×n.
    public static func referenceSgemv(
        transpose: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>,
        x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>
    ) {
        let outputs = transpose ? n : m, inputs = transpose ? m : n
        for i in 0..<outputs {
            var sum: Float = 0
            for j in 0..<inputs { sum += (transpose ? a[j * n + i] : a[i * n + j]) * x[j] }
            y[i] = alpha * sum + (beta == 0 ? 0 : beta * y[i])
        }
    }
}
