extension Tensor {
    /// Matrix product, as PyTorch's `@`: vectors, matrices, and batches of matrices (a batch on one
    /// side is shared by the other). `[M, K] @ [K, N]` → `[M, N]`; `[B, M, K] @ [B, K, N]` → `[B, M, N]`.
    /// Runs on BLAS `sgemm` (`sgemv` when one side is a vector). Traps on bad shapes: see `matmulShape`.
    public static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        let outShape: [Int]
        do { outShape = try matmulShape(a.shape, b.shape) } catch { preconditionFailure("\(error)") }
        switch (a.rank, b.rank) {
        case (1, 1):
            var s: Float = 0
            for i in 0..<a.count { s += a.scalars[i] * b.scalars[i] }
            return Tensor(shape: [], scalars: [s])
        case (2, 1), (1, 2):
            let matrix = a.rank == 2 ? a : b, vector = a.rank == 2 ? b : a
            return build(shape: outShape) { out in
                matrix.scalars.withUnsafeBufferPointer { m in
                    vector.scalars.withUnsafeBufferPointer { v in
                        BLAS.sgemv(
                            transpose: a.rank == 1, m: matrix.shape[0], n: matrix.shape[1],
                            a: m.baseAddress!, x: v.baseAddress!, y: out.baseAddress!)
                    }
                }
            }
        default:
            // Promote vectors to matrices, multiply batch by batch, then drop the promoted axes.
            let a2 = a.rank == 1 ? a.unsqueezed(axis: 0) : a
            let b2 = b.rank == 1 ? b.unsqueezed(axis: -1) : b
            let m = a2.shape[a2.rank - 2], k = a2.shape[a2.rank - 1], n = b2.shape[b2.rank - 1]
            let batch = Swift.max(a2.shape.dropLast(2).product, b2.shape.dropLast(2).product)
            let strideA = a2.rank > 2 ? m * k : 0, strideB = b2.rank > 2 ? k * n : 0
            return build(shape: [batch * m * n]) { out in
                a2.scalars.withUnsafeBufferPointer { x in
                    b2.scalars.withUnsafeBufferPointer { y in
                        for i in 0..<batch where !Interruption.shouldStop {  // the caller discards a cut-short product
                            BLAS.parallelSgemm(
                                transposeA: false, transposeB: false, m: m, n: n, k: k,
                                a: x.baseAddress! + i * strideA, lda: k, b: y.baseAddress! + i * strideB, ldb: n,
                                c: out.baseAddress! + i * m * n, ldc: n)
                        }
                    }
                }
            }.reshaped(outShape)
        }
    }

    /// op(A) · op(B) for matrices, where op transposes without copying: the workhorse of backward passes.
    /// `A`: `[M, K]` (or `[K, M]` when `transposeA`), `B`: `[K, N]` (or `[N, K]`) → `[M, N]`.
    public static func gemm(_ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "gemm takes matrices")
        let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
        let k2 = transposeB ? b.shape[1] : b.shape[0], n = transposeB ? b.shape[0] : b.shape[1]
        precondition(k == k2, "gemm inner sizes \(k) and \(k2) differ")
        return Profiler.measure("sgemm") {
            build(shape: [m, n]) { out in
                a.scalars.withUnsafeBufferPointer { x in
                    b.scalars.withUnsafeBufferPointer { y in
                        if m == 0 || n == 0 { return }
                        if k == 0 { out.initialize(repeating: 0); return }
                        BLAS.parallelSgemm(
                            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                            a: x.baseAddress!, lda: a.shape[1], b: y.baseAddress!, ldb: b.shape[1],
                            c: out.baseAddress!, ldc: n)
                    }
                }
            }
        }
    }

    /// The textbook triple loop, in Double: the oracle the tests hold `matmul` to. `[M, K] @ [K, N]`.
    public static func naiveMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        let m = a.shape[0], k = a.shape[1], n = b.shape[1]
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s: Double = 0
                for p in 0..<k { s += Double(a.scalars[i * k + p]) * Double(b.scalars[p * n + j]) }
                out[i * n + j] = Float(s)
            }
        }
        return Tensor(shape: [m, n], scalars: out)
    }
}
