import CBLAS

/// The BLAS library under every matmul and convolution (OpenBLAS).
public enum BLAS {

    /// Threads OpenBLAS may use for one call.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// OpenBLAS starts one worker per core, and the engine splits products itself (`parallelSgemm`):
    /// left as it is, every split half would start OpenBLAS's threads again — four threads on two
    /// cores, spinning in `sched_yield` between calls (measured: 221,000 yields and 2.2 s of system
    /// time in 300 MLP steps from the notebook). Evaluated once, before the first product.
    ///
    /// Then the workers OpenBLAS started as it loaded are stopped: each spins for ~0.1 s before it
    /// sleeps, and `perf` showed the one on two cores taking 80 ms of CPU between start-up and the end
    /// of the first DCGAN step, the main thread and the engine's worker each getting half a core. The
    /// order matters: `openblas_set_num_threads` would start a stopped pool again.
    @usableFromInline
    static let singleThreaded: Void = {
        openblas_set_num_threads(1)
        _ = ganbook_openblas_stop_workers()
    }()

    /// Every OpenBLAS call on the thread that makes it, OpenBLAS's own worker threads stopped
    /// (`singleThreaded`). The executable calls this first thing; products call it too, so a library
    /// user need not (but should before starting threads that call OpenBLAS themselves).
    public static func runOnCallingThreadOnly() { _ = singleThreaded }

    /// Whether OpenBLAS's worker pool is running (nil: a build without one to look at, e.g. serial).
    public static var workerThreadsRunning: Bool? {
        let state = ganbook_openblas_workers_running()
        return state < 0 ? nil : state == 1
    }

    /// Whether this OpenBLAS was built with its own pthread pool (Debian's default `openblas-pthread`),
    /// rather than serial or for OpenMP.
    public static var hasPthreadPool: Bool { openblas_get_parallel() == OPENBLAS_THREAD }
    /// The kernel family OpenBLAS picked for this CPU (e.g. "Cooperlake", "Haswell").
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// C[m×n] = alpha · op(A) · op(B) + beta · C, row-major, split across the engine's threads.
    ///
    /// OpenBLAS itself runs single-threaded here: its own worker threads spin after every call and
    /// fight our element-wise kernels for the two cores. Instead the product is cut into blocks of
    /// C's rows or columns (whichever is longer), one single-threaded sgemm per thread.
    public static func parallelSgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let pa = a, pb = b
        let pc = c
        if n >= m {
            // Columns n0..<n1 of C need columns n0..<n1 of op(B): offset n0 in B, or row n0 of a transposed B.
            parallelChunks(n, work: m * n * k / 64) { cols in
                forEachInterruptibleBlock(of: cols, multiplyAddsPerItem: m * k) { block in
                    sgemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: block.count, k: k, a: pa, lda: lda,
                        b: pb + (transposeB ? block.lowerBound * ldb : block.lowerBound), ldb: ldb,
                        c: pc + block.lowerBound, ldc: ldc)
                }
            }
        } else {
            // Rows m0..<m1 of C need rows m0..<m1 of op(A): row m0 of A, or column m0 of a transposed A.
            parallelChunks(m, work: m * n * k / 64) { rows in
                forEachInterruptibleBlock(of: rows, multiplyAddsPerItem: n * k) { block in
                    sgemm(
                        transposeA: transposeA, transposeB: transposeB, m: block.count, n: n, k: k,
                        a: pa + (transposeA ? block.lowerBound : block.lowerBound * lda), lda: lda,
                        b: pb, ldb: ldb, c: pc + block.lowerBound * ldc, ldc: ldc)
                }
            }
        }
    }

    /// Multiply-adds in one block of a large product: about 20–40 ms on one core here, so Ctrl-C is
    /// heard well within a second. Products below it (every product of a training step) run as one block.
    public static let interruptibleBlockWork = 1 << 30

    /// `range` cut into blocks of about `interruptibleBlockWork` multiply-adds; the blocks after a
    /// Ctrl-C in `Interruption.abandonable` work are skipped, leaving their part of C unwritten.
    static func forEachInterruptibleBlock(of range: Range<Int>, multiplyAddsPerItem: Int, _ body: (Range<Int>) -> Void) {
        let perBlock = Swift.max(1, interruptibleBlockWork / Swift.max(multiplyAddsPerItem, 1))
        guard range.count > perBlock else { body(range); return }
        for start in stride(from: range.lowerBound, to: range.upperBound, by: perBlock) {
            if Interruption.shouldStop { return }
            body(start..<Swift.min(start + perBlock, range.upperBound))
        }
    }

    /// C[m×n] = alpha · op(A) · op(B) + beta · C, row-major, on the calling thread. op(A) is m×k, op(B) is k×n.
    /// `lda`, `ldb`: the row lengths of A and B as stored.
    @inlinable
    public static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if Engine.products == .reference {
            referenceSgemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        _ = singleThreaded
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y[m or n] = alpha · op(A) · x + beta · y for a row-major A of m×n.
    @inlinable
    public static func sgemv(
        transpose: Bool, m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>,
        x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        if Engine.products == .reference {
            referenceSgemv(transpose: transpose, m: m, n: n, alpha: alpha, a: a, x: x, beta: beta, y: y)
            return
        }
        _ = singleThreaded
        cblas_sgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(n),
            x, 1, beta, y, 1)
    }
}
