/// The sizes of one 2-D convolution (or of the convolution a transposed convolution inverts).
///
/// Letters: N batch, C channels, H×W input plane, k×k kernel (kh×kw), s stride, p padding,
/// Ho×Wo output plane with Ho = (H + 2p − kh) / s + 1. L = Ho·Wo positions per image.
public struct ConvGeometry: Equatable, Sendable {
    public let n, c, h, w: Int
    public let kh, kw, stride, padding: Int

    public init(n: Int, c: Int, h: Int, w: Int, kh: Int, kw: Int, stride: Int, padding: Int) {
        (self.n, self.c, self.h, self.w, self.kh, self.kw, self.stride, self.padding) = (n, c, h, w, kh, kw, stride, padding)
    }

    public var ho: Int { (h + 2 * padding - kh) / stride + 1 }
    public var wo: Int { (w + 2 * padding - kw) / stride + 1 }
    /// Rows of the im2col matrix: one per (channel, kernel row, kernel column).
    public var patchSize: Int { c * kh * kw }
    /// Columns of the im2col matrix: one per (image, output position).
    public var positions: Int { n * ho * wo }

    /// The output columns `first..<end` whose input column ow·s − p + j lies inside the image
    /// (the others read padding): lets the inner loops run without a bounds test.
    func validOutputColumns(kernelColumn j: Int) -> (first: Int, end: Int) {
        var first = 0
        while first < wo && first * stride - padding + j < 0 { first += 1 }
        var end = wo
        while end > first && (end - 1) * stride - padding + j >= w { end -= 1 }
        return (first, end)
    }
}

extension Tensor {
    /// Unfolds every k×k patch into a column: `[N, C, H, W]` → `[C·kh·kw, N·Ho·Wo]`.
    /// Row (c, i, j) holds pixel (oh·s − p + i, ow·s − p + j) of channel c for every output position;
    /// positions that fall in the padding are 0. A convolution is then one matrix product.
    public static func im2col(_ x: Tensor, _ g: ConvGeometry) -> Tensor {
        let ho = g.ho, wo = g.wo, planeOut = ho * wo, columns = g.positions
        return Profiler.measure("im2col") { build(shape: [g.patchSize, columns]) { out in
            let dst = UnsafeSendable(out.baseAddress!)
            x.scalars.withUnsafeBufferPointer { xb in
                let src = UnsafeSendable(UnsafeMutablePointer(mutating: xb.baseAddress!))
                parallelChunks(g.patchSize, work: g.patchSize * columns) { rows in
                    for row in rows {
                        let c = row / (g.kh * g.kw), i = (row / g.kw) % g.kh, j = row % g.kw
                        let (first, end) = g.validOutputColumns(kernelColumn: j)
                        let shift = j - g.padding
                        for n in 0..<g.n {
                            let plane = src.pointer + (n * g.c + c) * g.h * g.w
                            let base = dst.pointer + row * columns + n * planeOut
                            for oh in 0..<ho {
                                let ih = oh * g.stride - g.padding + i
                                let line = base + oh * wo
                                guard ih >= 0 && ih < g.h, first < end else {
                                    line.initialize(repeating: 0, count: wo)
                                    continue
                                }
                                // Padding on the left and right, then a branch-free strided copy.
                                let input = plane + ih * g.w + shift
                                for ow in 0..<first { line[ow] = 0 }
                                for ow in first..<end { line[ow] = input[ow * g.stride] }
                                for ow in end..<wo { line[ow] = 0 }
                            }
                        }
                    }
                }
            }
        } }
    }

    /// Folds columns back into images, adding overlapping contributions (the adjoint of `im2col`):
    /// `[C·kh·kw, N·Ho·Wo]` → `[N, C, H, W]`.
    public static func col2im(_ cols: Tensor, _ g: ConvGeometry) -> Tensor {
        let ho = g.ho, wo = g.wo, planeOut = ho * wo, columns = g.positions
        var out = zeros([g.n, g.c, g.h, g.w])
        Profiler.measure("col2im") { out.withUnsafeMutableBufferPointer { ob in
            let dst = UnsafeSendable(ob.baseAddress!)
            cols.scalars.withUnsafeBufferPointer { cb in
                let src = UnsafeSendable(UnsafeMutablePointer(mutating: cb.baseAddress!))
                // Each channel's plane is written by its own rows only: split by channel, no races.
                parallelChunks(g.c, work: g.patchSize * columns) { channels in
                    for c in channels {
                        for i in 0..<g.kh {
                            for j in 0..<g.kw {
                                let row = (c * g.kh + i) * g.kw + j
                                let (first, end) = g.validOutputColumns(kernelColumn: j)
                                let shift = j - g.padding
                                if first >= end { continue }
                                for n in 0..<g.n {
                                    let plane = dst.pointer + (n * g.c + c) * g.h * g.w
                                    let base = src.pointer + row * columns + n * planeOut
                                    for oh in 0..<ho {
                                        let ih = oh * g.stride - g.padding + i
                                        if ih < 0 || ih >= g.h { continue }
                                        let line = base + oh * wo, target = plane + ih * g.w + shift
                                        for ow in first..<end { target[ow * g.stride] += line[ow] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } }
        return out
    }

    /// `[A, B, L]` → `[B, A, L]`: swaps the two leading axes, moving whole rows of L.
    /// Converts between the GEMM layout `[Cout, N·L]` and the image layout `[N, Cout, L]`.
    public static func swapLeadingAxes(_ x: Tensor, _ a: Int, _ b: Int, _ l: Int) -> Tensor {
        Profiler.measure("swap axes") { build(shape: [b, a, l]) { out in
            x.scalars.withUnsafeBufferPointer { src in
                parallelChunks(a, work: a * b * l) { rows in
                    for i in rows {
                        for j in 0..<b {
                            (out.baseAddress! + (j * a + i) * l).update(from: src.baseAddress! + (i * b + j) * l, count: l)
                        }
                    }
                }
            }
        } }
    }
}

/// A raw pointer that may cross into `concurrentPerform`; each thread touches a disjoint part.
@usableFromInline
struct UnsafeSendable<T>: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<T>
    @usableFromInline init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
