/// Convolution, transposed convolution and max pooling: forward and backward, by im2col + GEMM.
/// The autograd layer calls these; `Convolution+Naive.swift` holds the direct loops they are tested against.
///
/// The batch is processed a few images at a time (`Chunks`), each chunk on one thread from unfold to
/// product to result: the unfolded columns of a chunk (a few hundred KB) are still in the core's
/// cache when the GEMM reads them, where the whole batch's (12.8 MB for D.conv2 at batch 64) went
/// out to memory and back. Nothing batch-sized is kept for the backward pass: it unfolds again.
public enum Conv {
    /// What a convolution's forward pass keeps for its backward pass.
    public struct Saved: Sendable {
        public let geometry: ConvGeometry
        /// The input, which the weight's gradient unfolds again; nil when that gradient is not wanted.
        public let input: Tensor?
    }

    /// `x: [N, Cin, H, W]`, `weight: [Cout, Cin, kh, kw]`, `bias: [Cout]?` → `[N, Cout, Ho, Wo]`.
    /// `keepInput: false` keeps nothing for a weight gradient (a frozen layer needs none).
    public static func conv2d(
        _ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int,
        keepInput: Bool = true
    ) -> (Tensor, Saved) {
        let cout = weight.shape[0]
        let g = ConvGeometry(
            n: x.shape[0], c: x.shape[1], h: x.shape[2], w: x.shape[3],
            kh: weight.shape[2], kw: weight.shape[3], stride: stride, padding: padding)
        let l = g.ho * g.wo, chunks = Chunks(g)
        let out = Tensor.build(shape: [g.n, cout, g.ho, g.wo]) { out in
            x.withUnsafeBufferPointer { xb in
                weight.withUnsafeBufferPointer { wb in
                    withOptionalPointer(bias) { bp in
                        let packed = packedWeights(
                            chunks, transposeA: false, m: cout, k: g.patchSize, weights: wb.baseAddress!, lda: g.patchSize)
                        chunks.run(productRows: cout) { images, work in
                            let gc = g.images(images.count)
                            Unfold.im2col(xb.baseAddress! + images.lowerBound * g.imageSize, gc, into: work.columns, scratch: work.scratch)
                            chunkGEMM(
                                transposeA: false, transposeB: false, m: cout, n: gc.positions, k: g.patchSize,
                                a: wb.baseAddress!, lda: g.patchSize, packedA: packed, b: work.columns, ldb: gc.positions,
                                c: work.product, ldc: gc.positions)  // [Cout, n·L]
                            imagesFromRows(
                                work.product, rows: cout, images: images.count, l: l,
                                into: out.baseAddress! + images.lowerBound * cout * l, bias: bp)
                        }
                    }
                }
            }
        }
        return (out, Saved(geometry: g, input: keepInput ? x : nil))
    }

    /// Gradients of `conv2d` from the output gradient `gout: [N, Cout, Ho, Wo]`:
    /// dx `[N, Cin, H, W]`, dweight `[Cout, Cin, kh, kw]`, dbias `[Cout]`.
    /// Per chunk: g as `[Cout, n·L]`; ∂W += g·colsᵀ; ∂cols = Wᵀ·g, folded back into ∂x.
    public static func conv2dBackward(
        _ gout: Tensor, weight: Tensor, saved: Saved, needInput: Bool = true,
        needWeight: Bool = true
    ) -> (dx: Tensor?, dweight: Tensor?, dbias: Tensor?) {
        let g = saved.geometry, cout = weight.shape[0], l = g.ho * g.wo, chunks = Chunks(g)
        precondition(!needWeight || saved.input != nil, "conv2d: weight gradient requested but the input was not kept")
        let input = saved.input ?? Tensor.zeros([0])
        let partials = PartialSums(parts: chunks.parts, size: needWeight ? cout * g.patchSize : 0)
        // Every pixel of ∂x is written by its chunk's col2im: no need to zero it first.
        let dx = Tensor.build(shape: needInput ? [g.n, g.c, g.h, g.w] : [0]) { dxb in
            gout.withUnsafeBufferPointer { gb in
                input.withUnsafeBufferPointer { xb in
                    weight.withUnsafeBufferPointer { wb in
                        do {
                            let dxBase = dxb.baseAddress
                            let packed =
                                needInput
                                ? packedWeights(
                                    chunks, transposeA: true, m: g.patchSize, k: cout, weights: wb.baseAddress!,
                                    lda: g.patchSize) : nil
                            chunks.run(productRows: cout) { images, work in
                                let gc = g.images(images.count), n = gc.positions
                                rowsFromImages(
                                    gb.baseAddress! + images.lowerBound * cout * l, rows: cout, images: images.count, l: l,
                                    into: work.product)  // g: [Cout, n·L]
                                if needWeight {
                                    Unfold.im2col(xb.baseAddress! + images.lowerBound * g.imageSize, gc, into: work.columns, scratch: work.scratch)
                                    chunkGEMM(
                                        transposeA: false, transposeB: true, m: cout, n: g.patchSize, k: n,
                                        a: work.product, lda: n, b: work.columns, ldb: n,
                                        beta: PartialSums.beta(work), c: partials[work.part], ldc: g.patchSize)
                                }
                                if needInput {
                                    chunkGEMM(
                                        transposeA: true, transposeB: false, m: g.patchSize, n: n, k: cout,
                                        a: wb.baseAddress!, lda: g.patchSize, packedA: packed, b: work.product, ldb: n,
                                        c: work.columns, ldc: n)  // ∂cols: [Cin·k·k, n·L]
                                    Unfold.col2im(
                                        work.columns, gc, into: dxBase! + images.lowerBound * g.imageSize, bias: nil,
                                        scratch: work.scratch)
                                }
                            }
                        }
                    }
                }
            }
        }
        let dweight = needWeight ? partials.total(shape: weight.shape) : nil
        return (needInput ? dx : nil, dweight, needWeight ? gout.channelSums() : nil)
    }

    /// Transposed convolution (the gradient of a convolution, used to upsample):
    /// `x: [N, Cin, H, W]`, `weight: [Cin, Cout, kh, kw]` → `[N, Cout, Ho, Wo]`,
    /// Ho = (H − 1)·s − 2p + kh + outputPadding. Per chunk: cols = Wᵀ·x, folded into the output.
    /// Returns the geometry of the convolution it inverts (from `[Ho, Wo]` back to `[H, W]`).
    public static func convTranspose2d(
        _ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int,
        outputPadding: Int
    ) -> (Tensor, ConvGeometry) {
        let n = x.shape[0], cin = x.shape[1], h = x.shape[2], w = x.shape[3]
        let cout = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3]
        precondition(outputPadding < stride, "output padding must be smaller than the stride")  // as PyTorch requires
        let ho = (h - 1) * stride - 2 * padding + kh + outputPadding
        let wo = (w - 1) * stride - 2 * padding + kw + outputPadding
        let g = ConvGeometry(n: n, c: cout, h: ho, w: wo, kh: kh, kw: kw, stride: stride, padding: padding)
        let chunks = Chunks(g)
        let out = Tensor.build(shape: [n, cout, ho, wo]) { out in
            x.withUnsafeBufferPointer { xb in
                weight.withUnsafeBufferPointer { wb in
                    withOptionalPointer(bias) { bp in
                        let packed = packedWeights(
                            chunks, transposeA: true, m: g.patchSize, k: cin, weights: wb.baseAddress!, lda: g.patchSize)
                        chunks.run(productRows: cin) { images, work in
                            let gc = g.images(images.count), m = gc.positions  // m = n·H·W
                            rowsFromImages(
                                xb.baseAddress! + images.lowerBound * cin * h * w, rows: cin, images: images.count,
                                l: h * w, into: work.product)  // x: [Cin, n·H·W]
                            chunkGEMM(
                                transposeA: true, transposeB: false, m: g.patchSize, n: m, k: cin,
                                a: wb.baseAddress!, lda: g.patchSize, packedA: packed, b: work.product, ldb: m,
                                c: work.columns, ldc: m)  // [Cout·k·k, n·H·W]
                            Unfold.col2im(
                                work.columns, gc, into: out.baseAddress! + images.lowerBound * g.imageSize,
                                bias: bp, scratch: work.scratch)
                        }
                    }
                }
            }
        }
        return (out, g)
    }

    /// Gradients of `convTranspose2d` from `gout: [N, Cout, Ho, Wo]`. Per chunk: ∂cols = im2col(g);
    /// ∂W += x·∂colsᵀ; ∂x = W·∂cols.
    public static func convTranspose2dBackward(
        _ gout: Tensor, x: Tensor, weight: Tensor, geometry g: ConvGeometry,
        needInput: Bool = true, needWeight: Bool = true
    )
        -> (dx: Tensor?, dweight: Tensor?, dbias: Tensor?)
    {
        let cin = x.shape[1], hw = x.shape[2] * x.shape[3], chunks = Chunks(g)
        let partials = PartialSums(parts: chunks.parts, size: needWeight ? cin * g.patchSize : 0)
        let dx = Tensor.build(shape: needInput ? x.shape : [0]) { dxb in  // every element written below
            gout.withUnsafeBufferPointer { gb in
                x.withUnsafeBufferPointer { xb in
                    weight.withUnsafeBufferPointer { wb in
                        do {
                            let dxBase = dxb.baseAddress
                            let packed =
                                needInput
                                ? packedWeights(
                                    chunks, transposeA: false, m: cin, k: g.patchSize, weights: wb.baseAddress!,
                                    lda: g.patchSize) : nil
                            chunks.run(productRows: cin) { images, work in
                                let gc = g.images(images.count), m = gc.positions
                                Unfold.im2col(
                                    gb.baseAddress! + images.lowerBound * g.imageSize, gc, into: work.columns,
                                    scratch: work.scratch)  // ∂cols: [Cout·k·k, n·H·W]
                                if needWeight {
                                    rowsFromImages(
                                        xb.baseAddress! + images.lowerBound * cin * hw, rows: cin, images: images.count,
                                        l: hw, into: work.product)  // x: [Cin, n·H·W]
                                    chunkGEMM(
                                        transposeA: false, transposeB: true, m: cin, n: g.patchSize, k: m,
                                        a: work.product, lda: m, b: work.columns, ldb: m,
                                        beta: PartialSums.beta(work), c: partials[work.part], ldc: g.patchSize)
                                }
                                if needInput {
                                    chunkGEMM(
                                        transposeA: false, transposeB: false, m: cin, n: m, k: g.patchSize,
                                        a: wb.baseAddress!, lda: g.patchSize, packedA: packed, b: work.columns, ldb: m,
                                        c: work.product, ldc: m)  // ∂x: [Cin, n·H·W]
                                    imagesFromRows(
                                        work.product, rows: cin, images: images.count, l: hw,
                                        into: dxBase! + images.lowerBound * cin * hw, bias: nil)
                                }
                            }
                        }
                    }
                }
            }
        }
        let dweight = needWeight ? partials.total(shape: weight.shape) : nil
        return (needInput ? dx : nil, dweight, needWeight ? gout.channelSums() : nil)
    }

    /// One single-threaded product inside a chunk (the chunks are what runs in parallel).
    /// `packedA`: op(A) as `packedWeights` packed it for all the chunks, used when the product runs on the
    /// own sgemm (A and lda still describe it, for OpenBLAS).
    static func chunkGEMM(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
        packedA: OwnGEMM.PackedA? = nil,
        b: UnsafePointer<Float>, ldb: Int, beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0 && n > 0 else { return }
        guard k > 0 else {  // an empty sum (no input channels): BLAS would refuse lda 0
            if beta == 0 { c.update(repeating: 0, count: m * ldc) }
            return
        }
        Profiler.measure("sgemm in chunks") {
            if OwnGEMM.suits(m: m, n: n, k: k), beta == 0 || beta == 1 {
                if let packedA {
                    precondition(packedA.holds(transposeA: transposeA, m: m, k: k, a: a, lda: lda), "chunkGEMM: packed A of another product")
                    packedA.multiply(transposeB: transposeB, n: n, b: b, ldb: ldb, accumulate: beta == 1, c: c, ldc: ldc)
                    return
                }
                OwnGEMM.multiply(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                    accumulate: beta == 1, c: c, ldc: ldc)
                return
            }
            BLAS.sgemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                beta: beta, c: c, ldc: ldc)
        }
    }

    /// A layer's weights, op(A) of every chunk's product (m×k), packed once for all the chunks: nil when
    /// even the narrowest chunk (n = its images · L columns) stays on OpenBLAS (`OwnGEMM.suits`).
    static func packedWeights(
        _ chunks: Chunks, transposeA: Bool, m: Int, k: Int, weights: UnsafePointer<Float>, lda: Int
    ) -> OwnGEMM.PackedA? {
        let g = chunks.geometry, narrowest = g.n / Swift.max(chunks.count, 1) * g.ho * g.wo
        guard chunks.count > 1, OwnGEMM.suits(m: m, n: narrowest, k: k) else { return nil }
        return OwnGEMM.PackedA(transposeA: transposeA, m: m, k: k, a: weights, lda: lda)
    }

    /// `[R, n·L]` GEMM rows → `[n, R, L]` images, adding `bias[r]` to row r when given.
    static func imagesFromRows(
        _ rows: UnsafePointer<Float>, rows r: Int, images n: Int, l: Int,
        into out: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?
    ) {
        Profiler.measure("rows → images") {
            for i in 0..<r {
                let shift = bias?[i] ?? 0
                for image in 0..<n {
                    let from = rows + (i * n + image) * l, to = out + (image * r + i) * l
                    for t in 0..<l { to[t] = from[t] + shift }
                }
            }
        }
    }

    /// `[n, R, L]` images → `[R, n·L]` GEMM rows.
    static func rowsFromImages(
        _ images: UnsafePointer<Float>, rows r: Int, images n: Int, l: Int,
        into out: UnsafeMutablePointer<Float>
    ) {
        Profiler.measure("images → rows") {
            for i in 0..<r {
                for image in 0..<n {
                    (out + (i * n + image) * l).update(from: images + (image * r + i) * l, count: l)
                }
            }
        }
    }

    /// Max pooling: `[N, C, H, W]` → `[N, C, Ho, Wo]`, plus where each maximum came from (for backward).
    public static func maxPool2d(_ x: Tensor, kernel: Int, stride: Int) -> (Tensor, [Int32]) {
        let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3]
        let ho = (h - kernel) / stride + 1, wo = (w - kernel) / stride + 1
        var winners = [Int32](repeating: 0, count: n * c * ho * wo)
        let out = Tensor.build(shape: [n, c, ho, wo]) { out in
            x.scalars.withUnsafeBufferPointer { src in
                for plane in 0..<(n * c) {
                    let p = src.baseAddress! + plane * h * w
                    for oh in 0..<ho {
                        for ow in 0..<wo {
                            var best = -Float.infinity, at = 0
                            for i in 0..<kernel {
                                for j in 0..<kernel {
                                    let idx = (oh * stride + i) * w + ow * stride + j
                                    if p[idx] > best || p[idx].isNaN { best = p[idx]; at = idx }
                                }
                            }
                            let o = (plane * ho + oh) * wo + ow
                            out[o] = best
                            winners[o] = Int32(at)
                        }
                    }
                }
            }
        }
        return (out, winners)
    }

    /// Routes each output gradient back to the input position that won the max.
    public static func maxPool2dBackward(_ gout: Tensor, inputShape: [Int], winners: [Int32]) -> Tensor {
        let plane = inputShape[2] * inputShape[3], outPlane = gout.shape[2] * gout.shape[3]
        var dx = Tensor.zeros(inputShape)
        dx.withUnsafeMutableBufferPointer { d in
            for o in 0..<gout.count {
                d[(o / outPlane) * plane + Int(winners[o])] += gout.scalars[o]
            }
        }
        return dx
    }
}
