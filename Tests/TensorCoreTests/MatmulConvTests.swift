import Testing

@testable import TensorCore

func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "\(a.shape) vs \(b.shape)")
    return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
}

@Suite("matmul: BLAS against the naive triple loop")
struct MatmulTests {
    @Test("matrices of awkward sizes", arguments: [(1, 1, 1), (3, 5, 2), (17, 33, 9), (64, 100, 128)])
    func matrices(m: Int, k: Int, n: Int) {
        var g = SeededGenerator(seed: UInt64(m * 1000 + k))
        let a = Tensor.randn([m, k], using: &g), b = Tensor.randn([k, n], using: &g)
        #expect(maxDifference(Tensor.matmul(a, b), Tensor.naiveMatmul(a, b)) < 1e-4)
        #expect(maxDifference(Tensor.gemm(a.transposed(), transposeA: true, b), Tensor.naiveMatmul(a, b)) < 1e-4)
        #expect(maxDifference(Tensor.gemm(a, b.transposed(), transposeB: true), Tensor.naiveMatmul(a, b)) < 1e-4)
    }

    @Test("products big enough to be split across threads agree with the unsplit one")
    func split() {
        var g = SeededGenerator(seed: 5)
        for (m, k, n) in [(300, 200, 40), (40, 200, 300)] {
            let a = Tensor.randn([m, k], using: &g), b = Tensor.randn([k, n], using: &g)
            #expect(maxDifference(Tensor.gemm(a, b), Tensor.naiveMatmul(a, b)) < 1e-3)
            #expect(maxDifference(Tensor.gemm(a.transposed(), transposeA: true, b.transposed(), transposeB: true), Tensor.naiveMatmul(a, b)) < 1e-3)
        }
    }

    @Test("vectors and batches follow PyTorch's shapes")
    func shapes() throws {
        let m = Tensor([[1, 2], [3, 4]]), v = Tensor([1, 1])
        #expect(Tensor.matmul(m, v) == Tensor([3, 7]))
        #expect(Tensor.matmul(v, m) == Tensor([4, 6]))
        #expect(Tensor.matmul(v, v).item == 2)
        let batch = Tensor.stack([m, Tensor.eye(2)])
        #expect(Tensor.matmul(batch, m) == Tensor.stack([Tensor([[7, 10], [15, 22]]), m]))
        #expect(try Tensor.matmulShape([5, 2, 3], [3, 4]) == [5, 2, 4])
        #expect(throws: ShapeError.matmulInner(a: [2, 3], b: [2, 3], innerA: 3, innerB: 2)) {
            try Tensor.matmulShape([2, 3], [2, 3])
        }
    }
}

@Suite("Convolution: im2col + GEMM against direct loops")
struct ConvolutionTests {
    @Test(
        "conv2d for strides, paddings and kernel sizes",
        arguments: [(1, 2, 3, 5, 5, 3, 1, 0), (2, 3, 4, 7, 6, 3, 2, 1), (2, 1, 8, 28, 28, 4, 2, 1), (1, 4, 2, 6, 6, 1, 1, 0)])
    func conv2d(n: Int, cin: Int, cout: Int, h: Int, w: Int, k: Int, stride: Int, padding: Int) {
        var g = SeededGenerator(seed: 11)
        let x = Tensor.randn([n, cin, h, w], using: &g), weight = Tensor.randn([cout, cin, k, k], using: &g)
        let bias = Tensor.randn([cout], using: &g)
        let (fast, _) = Conv.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
        #expect(maxDifference(fast, Conv.naiveConv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)) < 1e-4)
    }

    @Test("transposed convolution, with output padding", arguments: [(2, 3, 2, 4, 4, 4, 2, 1, 0), (1, 2, 3, 3, 3, 3, 2, 1, 1), (1, 2, 2, 5, 5, 3, 1, 0, 0)])
    func convTranspose2d(n: Int, cin: Int, cout: Int, h: Int, w: Int, k: Int, stride: Int, padding: Int, outputPadding: Int) {
        var g = SeededGenerator(seed: 12)
        let x = Tensor.randn([n, cin, h, w], using: &g), weight = Tensor.randn([cin, cout, k, k], using: &g)
        let bias = Tensor.randn([cout], using: &g)
        let (fast, _) = Conv.convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding)
        let slow = Conv.naiveConvTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding)
        #expect(fast.shape == slow.shape)
        #expect(maxDifference(fast, slow) < 1e-4)
    }

    @Test("col2im is the adjoint of im2col: ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩")
    func adjoint() {
        var g = SeededGenerator(seed: 13)
        let geometry = ConvGeometry(n: 2, c: 3, h: 9, w: 7, kh: 4, kw: 3, stride: 2, padding: 1)
        let x = Tensor.randn([2, 3, 9, 7], using: &g)
        let c = Tensor.randn([geometry.patchSize, geometry.positions], using: &g)
        let left = (Tensor.im2col(x, geometry) * c).sum().item, right = (x * Tensor.col2im(c, geometry)).sum().item
        #expect(abs(left - right) < 1e-3 * max(1, abs(left)))
    }

    @Test("stride 2's polyphase unfold and fold agree with the general ones", arguments: [(3, 2, 14, 14, 4, 1), (2, 3, 9, 7, 3, 1), (1, 1, 28, 28, 4, 1), (2, 2, 6, 5, 2, 0), (2, 1, 30, 34, 4, 1)])
    func polyphase(n: Int, c: Int, h: Int, w: Int, k: Int, padding: Int) {
        var g = SeededGenerator(seed: 14)
        let geometry = ConvGeometry(n: n, c: c, h: h, w: w, kh: k, kw: k, stride: 2, padding: padding)
        let x = Tensor.randn([n, c, h, w], using: &g), cols = Tensor.randn([geometry.patchSize, geometry.positions], using: &g)
        let bias = Tensor.randn([c], using: &g)
        // The general path, called directly, in scratch of its own size.
        var scratch = [Float](repeating: 0, count: geometry.paddedSize)
        let generalColumns = Tensor.build(shape: cols.shape) { out in
            x.withUnsafeBufferPointer { xb in
                scratch.withUnsafeMutableBufferPointer { sb in
                    Unfold.paddedIm2col(xb.baseAddress!, geometry, into: out.baseAddress!, scratch: sb.baseAddress!)
                }
            }
        }
        let generalImages = Tensor.build(shape: x.shape) { out in
            cols.withUnsafeBufferPointer { cb in
                bias.withUnsafeBufferPointer { bb in
                    scratch.withUnsafeMutableBufferPointer { sb in
                        Unfold.paddedCol2im(cb.baseAddress!, geometry, into: out.baseAddress!, bias: bb.baseAddress!, scratch: sb.baseAddress!)
                    }
                }
            }
        }
        #expect(Tensor.im2col(x, geometry) == generalColumns)
        #expect(maxDifference(Tensor.col2im(cols, geometry, bias: bias), generalImages) < 1e-5)
    }

    @Test("a batch in many chunks gives the one-chunk result: forward, ∂x, ∂W, ∂b")
    func chunked() {
        var g = SeededGenerator(seed: 15)
        // 40 images of [64, 14, 14] with a 4×4 kernel: 200 KB of columns per image, 3 images per chunk.
        let x = Tensor.randn([40, 64, 14, 14], using: &g), weight = Tensor.randn([6, 64, 4, 4], using: &g)
        let bias = Tensor.randn([6], using: &g)
        let (out, saved) = Conv.conv2d(x, weight: weight, bias: bias, stride: 2, padding: 1)
        #expect(Chunks(saved.geometry).count > 4)
        #expect(maxDifference(out, Conv.naiveConv2d(x, weight: weight, bias: bias, stride: 2, padding: 1)) < 1e-3)  // sums of 1,024 products
        let gout = Tensor.randn(out.shape, using: &g)
        let grads = Conv.conv2dBackward(gout, weight: weight, saved: saved)
        // Image by image, each a batch of one: one chunk each.
        var dweight = Tensor.zeros(weight.shape), dbias = Tensor.zeros([6])
        for i in 0..<40 {
            let xi = x[.at(i)].unsqueezed(axis: 0)
            let (_, s) = Conv.conv2d(xi, weight: weight, bias: bias, stride: 2, padding: 1)
            let gi = Conv.conv2dBackward(gout[.at(i)].unsqueezed(axis: 0), weight: weight, saved: s)
            #expect(maxDifference(gi.dx!, grads.dx![.at(i)].unsqueezed(axis: 0)) < 1e-4)
            dweight = dweight + gi.dweight!
            dbias = dbias + gi.dbias!
        }
        #expect(maxDifference(dweight, grads.dweight!) < 1e-2)
        #expect(maxDifference(dbias, grads.dbias!) < 1e-3)
    }

    @Test("max pooling picks the window maximum and routes the gradient back to it")
    func maxPool() {
        let x = Tensor(shape: [1, 1, 4, 4], scalars: [1, 2, 5, 0, 3, 4, 1, 1, 0, 0, 2, 9, 7, 0, 3, 3])
        let (out, winners) = Conv.maxPool2d(x, kernel: 2, stride: 2)
        #expect(out.scalars == [4, 5, 7, 9])
        let dx = Conv.maxPool2dBackward(Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]), inputShape: x.shape, winners: winners)
        #expect(dx.scalars == [0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 4, 3, 0, 0, 0])
    }

    @Test("batch-norm kernel: zero mean, unit variance per channel")
    func batchNorm() {
        var g = SeededGenerator(seed: 14)
        let x = Tensor.randn([4, 3, 5, 5], mean: 3, std: 2, using: &g)
        let (y, _, mean, variance) = BatchNormKernel.forward(x, gamma: .ones([3]), beta: .zeros([3]), eps: 0)
        #expect(maxDifference(Tensor(mean), x.mean(axes: [0, 2, 3])) < 1e-5)
        #expect(maxDifference(Tensor(variance), x.variance(axes: [0, 2, 3], unbiased: false)) < 1e-4)
        #expect(maxDifference(y.mean(axes: [0, 2, 3]), .zeros([3])) < 1e-5)
        #expect(maxDifference(y.variance(axes: [0, 2, 3], unbiased: false), .ones([3])) < 1e-4)
    }
}

@Suite("the reference engine's products")
struct ReferenceProductTests {
    @Test("referenceSgemm and referenceSgemv agree with OpenBLAS for every transpose, alpha and beta")
    func agree() {
        var g = SeededGenerator(seed: 11)
        for (m, k, n) in [(1, 1, 1), (5, 7, 3), (17, 33, 9)] {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = Tensor.randn(ta ? [k, m] : [m, k], using: &g), b = Tensor.randn(tb ? [n, k] : [k, n], using: &g)
                let start = Tensor.randn([m, n], using: &g)
                var viaBLAS = start, viaLoops = start
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        viaBLAS.withUnsafeMutableBufferPointer { pc in
                            BLAS.sgemm(
                                transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, a: pa.baseAddress!, lda: ta ? m : k,
                                b: pb.baseAddress!, ldb: tb ? k : n, beta: 2, c: pc.baseAddress!, ldc: n)
                        }
                        viaLoops.withUnsafeMutableBufferPointer { pc in
                            BLAS.referenceSgemm(
                                transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, a: pa.baseAddress!, lda: ta ? m : k,
                                b: pb.baseAddress!, ldb: tb ? k : n, beta: 2, c: pc.baseAddress!, ldc: n)
                        }
                    }
                }
                #expect(maxDifference(viaBLAS, viaLoops) < 1e-4, "m \(m) k \(k) n \(n) transposes \(ta) \(tb)")
            }
            for transpose in [false, true] {
                let a = Tensor.randn([m, k], using: &g), x = Tensor.randn([transpose ? m : k], using: &g)
                let start = Tensor.randn([transpose ? k : m], using: &g)
                var viaBLAS = start, viaLoops = start
                a.withUnsafeBufferPointer { pa in
                    x.withUnsafeBufferPointer { px in
                        viaBLAS.withUnsafeMutableBufferPointer { py in
                            BLAS.sgemv(transpose: transpose, m: m, n: k, alpha: 1.5, a: pa.baseAddress!, x: px.baseAddress!, beta: 0.5, y: py.baseAddress!)
                        }
                        viaLoops.withUnsafeMutableBufferPointer { py in
                            BLAS.referenceSgemv(transpose: transpose, m: m, n: k, alpha: 1.5, a: pa.baseAddress!, x: px.baseAddress!, beta: 0.5, y: py.baseAddress!)
                        }
                    }
                }
                #expect(maxDifference(viaBLAS, viaLoops) < 1e-4, "sgemv m \(m) n \(k) transpose \(transpose)")
            }
        }
    }
}
