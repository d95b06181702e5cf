import CKernels
import Testing

@testable import TensorCore

@Suite("The engine's own sgemm (CKernels/sgemm.c), against plain loops and in the convolutions")
struct OwnGEMMTests {
    /// Every edge the packing and the 12×32 tiles have: sizes just under, at and over a tile (12, 32), a
    /// KC slice (192), an MC block (384) and an NC block (512), rows longer than the matrix (ld > width).
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (11, 31, 5), (12, 32, 192), (13, 33, 193), (25, 70, 300), (128, 147, 1024),
        (385, 19, 40), (30, 515, 17), (1024, 147, 128), (128, 1024, 147),
    ]

    @Test("C = op(A)·op(B) (+ C) for every transpose, edge and both kernels",
          arguments: [false, true])
    func againstLoops(portable: Bool) {
        var g = SeededGenerator(seed: 41)
        for (m, n, k) in Self.shapes {
            for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                for accumulate in [false, true] {
                    // Stored with 3 spare floats at each row's end.
                    let (aRows, aCols) = ta ? (k, m) : (m, k), (bRows, bCols) = tb ? (n, k) : (k, n)
                    let lda = aCols + 3, ldb = bCols + 3, ldc = n + 3
                    let a = Tensor.randn([aRows * lda], using: &g).scalars
                    let b = Tensor.randn([bRows * ldb], using: &g).scalars
                    let c0 = Tensor.randn([m * ldc], using: &g).scalars
                    var ours = c0, loops = c0
                    a.withUnsafeBufferPointer { ab in
                        b.withUnsafeBufferPointer { bb in
                            ours.withUnsafeMutableBufferPointer { cb in
                                OwnGEMM.multiply(
                                    transposeA: ta, transposeB: tb, m: m, n: n, k: k, a: ab.baseAddress!, lda: lda,
                                    b: bb.baseAddress!, ldb: ldb, accumulate: accumulate, c: cb.baseAddress!, ldc: ldc,
                                    portable: portable)
                            }
                            loops.withUnsafeMutableBufferPointer { cb in
                                BLAS.referenceSgemm(
                                    transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1, a: ab.baseAddress!,
                                    lda: lda, b: bb.baseAddress!, ldb: ldb, beta: accumulate ? 1 : 0, c: cb.baseAddress!,
                                    ldc: ldc)
                            }
                        }
                    }
                    // Sums of k products of unit normals: rounding grows like √k.
                    let tolerance = 2e-6 * Float(k).squareRoot() * 8
                    var worst: Float = 0
                    for i in 0..<m {
                        for j in 0..<n { worst = max(worst, abs(ours[i * ldc + j] - loops[i * ldc + j])) }
                        // The spare floats at the end of each row of C are never touched.
                        for j in n..<ldc { #expect(ours[i * ldc + j] == c0[i * ldc + j]) }
                    }
                    #expect(worst < tolerance, "m \(m) n \(n) k \(k) ta \(ta) tb \(tb) acc \(accumulate)")
                }
            }
        }
    }

    /// D's second layer, the shape the own sgemm is there for (128 filters of 64×4×4 on 14×14 images):
    /// forward against the direct loops, ∂x against the direct transposed convolution of the output
    /// gradient, ∂W against the sum it is.
    @Test("D's conv2 through the own sgemm: forward, ∂x and ∂W against direct loops")
    func discriminatorLayer() {
        var g = SeededGenerator(seed: 42)
        let x = Tensor.randn([5, 64, 14, 14], using: &g), weight = Tensor.randn([128, 64, 4, 4], std: 0.05, using: &g)
        let (out, saved) = Conv.conv2d(x, weight: weight, bias: nil, stride: 2, padding: 1)
        // Chunks of 2 and 3 images: products 98 and 147 wide, both taken by the own sgemm on an AVX-512 CPU.
        #expect(OwnGEMM.suits(m: 128, n: 98, k: 1024) == OwnGEMM.isFast)
        #expect(maxDifference(out, Conv.naiveConv2d(x, weight: weight, bias: nil, stride: 2, padding: 1)) < 1e-4)
        let gout = Tensor.randn(out.shape, using: &g)
        let grads = Conv.conv2dBackward(gout, weight: weight, saved: saved)
        let dx = Conv.naiveConvTranspose2d(gout, weight: weight, bias: nil, stride: 2, padding: 1, outputPadding: 0)
        #expect(maxDifference(grads.dx!, dx) < 1e-4)
        // ∂W[o, i, a, b] = Σ over images and output pixels of gout[n, o, y, x] · x[n, i, 2y + a − 1, 2x + b − 1].
        let xs = x.scalars, gs = gout.scalars
        var dweight = [Float](repeating: 0, count: weight.count)
        for n in 0..<5 {
            for o in 0..<128 {
                for y in 0..<7 {
                    for xo in 0..<7 {
                        let gv = gs[((n * 128 + o) * 7 + y) * 7 + xo]
                        for i in 0..<64 {
                            for a in 0..<4 {
                                let row = 2 * y + a - 1
                                guard row >= 0 && row < 14 else { continue }
                                for b in 0..<4 {
                                    let col = 2 * xo + b - 1
                                    guard col >= 0 && col < 14 else { continue }
                                    dweight[((o * 64 + i) * 4 + a) * 4 + b] += gv * xs[((n * 64 + i) * 14 + row) * 14 + col]
                                }
                            }
                        }
                    }
                }
            }
        }
        #expect(maxDifference(grads.dweight!, Tensor(shape: weight.shape, scalars: dweight)) < 1e-3)
    }

    /// A packed once (a layer's weights), then multiplied by many B's: the same C as packing inside every
    /// product, whether its panels were packed in one go or in uneven ranges (two threads pack halves).
    @Test("Prepacked A: the same products, its panels packed whole or in uneven ranges, both kernels",
          arguments: [false, true])
    func prepackedA(portable: Bool) {
        var g = SeededGenerator(seed: 43)
        // m over an MC block (384) and under/over a tile; k over one and two KC slices (192) and at one.
        for (m, n, k) in [(128, 147, 1024), (1024, 147, 128), (400, 33, 385), (13, 100, 192), (12, 32, 1)] {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let (aRows, aCols) = ta ? (k, m) : (m, k), (bRows, bCols) = tb ? (n, k) : (k, n)
                let lda = aCols + 2, ldb = bCols + 1, ldc = n + 3
                let a = Tensor.randn([aRows * lda], using: &g).scalars, b = Tensor.randn([bRows * ldb], using: &g).scalars
                let c0 = Tensor.randn([m * ldc], using: &g).scalars
                a.withUnsafeBufferPointer { ab in
                    b.withUnsafeBufferPointer { bb in
                        let whole = OwnGEMM.PackedA(transposeA: ta, m: m, k: k, a: ab.baseAddress!, lda: lda, portable: portable)
                        // The same packing in three calls, out of order, cutting slices and MC blocks anywhere.
                        let units = ganbook_sgemm_pack_units(m, k), a1 = units / 3, a2 = units * 5 / 7
                        let size = ganbook_sgemm_packed_size(m, k)
                        var halves = [Float](repeating: .nan, count: size)
                        halves.withUnsafeMutableBufferPointer { hb in
                            for (first, end) in [(a2, units), (0, a1), (a1, a2)] {
                                ganbook_sgemm_pack_a(portable ? 1 : 0, ta ? 1 : 0, m, k, ab.baseAddress!, lda, first, end, hb.baseAddress!)
                            }
                        }
                        #expect(Array(UnsafeBufferPointer(start: whole.buffer, count: size)) == halves, "m \(m) k \(k) ta \(ta)")
                        for accumulate in [false, true] {
                            var ours = c0, unpacked = c0
                            ours.withUnsafeMutableBufferPointer { cb in
                                whole.multiply(
                                    transposeB: tb, n: n, b: bb.baseAddress!, ldb: ldb, accumulate: accumulate,
                                    c: cb.baseAddress!, ldc: ldc)
                            }
                            unpacked.withUnsafeMutableBufferPointer { cb in
                                OwnGEMM.multiply(
                                    transposeA: ta, transposeB: tb, m: m, n: n, k: k, a: ab.baseAddress!, lda: lda,
                                    b: bb.baseAddress!, ldb: ldb, accumulate: accumulate, c: cb.baseAddress!, ldc: ldc,
                                    portable: portable)
                            }
                            // The same panels through the same kernel: the same sums, bit for bit.
                            #expect(ours == unpacked, "m \(m) n \(n) k \(k) ta \(ta) tb \(tb) acc \(accumulate)")
                        }
                    }
                }
            }
        }
    }

    /// G's first transposed convolution (128 → 64 channels, 4×4, 7×7 → 14×14), whose weights are A both in
    /// its forward product (transposed) and in ∂x: through the prepacked weights on an AVX-512 CPU.
    @Test("G's deconv1 with its weights packed once: forward and ∂x against direct loops")
    func generatorLayer() {
        var g = SeededGenerator(seed: 44)
        let x = Tensor.randn([5, 128, 7, 7], using: &g), weight = Tensor.randn([128, 64, 4, 4], std: 0.05, using: &g)
        // On an AVX-512 CPU the chunks' products take the weights packed once (1024×128 both ways).
        let chunks = Chunks(ConvGeometry(n: 5, c: 64, h: 14, w: 14, kh: 4, kw: 4, stride: 2, padding: 1))
        weight.withUnsafeBufferPointer { wb in
            let packed = Conv.packedWeights(chunks, transposeA: true, m: 1024, k: 128, weights: wb.baseAddress!, lda: 1024)
            #expect((packed != nil) == OwnGEMM.enabled)
        }
        let (out, geometry) = Conv.convTranspose2d(x, weight: weight, bias: nil, stride: 2, padding: 1, outputPadding: 0)
        #expect(maxDifference(out, Conv.naiveConvTranspose2d(x, weight: weight, bias: nil, stride: 2, padding: 1, outputPadding: 0)) < 1e-4)
        let gout = Tensor.randn(out.shape, using: &g)
        let grads = Conv.convTranspose2dBackward(gout, x: x, weight: weight, geometry: geometry, needWeight: false)
        #expect(maxDifference(grads.dx!, Conv.naiveConv2d(gout, weight: weight, bias: nil, stride: 2, padding: 1)) < 1e-4)
    }
}
