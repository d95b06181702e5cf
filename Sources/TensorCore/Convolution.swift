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

    /// Padded plane sizes: the image with p zeros on every side, so that every patch lies inside it.
    var paddedH: Int { h + 2 * padding }
    var paddedW: Int { w + 2 * padding }

    /// Where output position (oh, ow) reads in a padded plane, relative to kernel tap (0, 0):
    /// (oh·s)·Wp + ow·s. Tap (i, j) adds i·Wp + j. One table serves every channel, image and tap.
    func positionOffsets() -> [Int] {
        var offsets: [Int] = []
        offsets.reserveCapacity(ho * wo)
        for oh in 0..<ho { for ow in 0..<wo { offsets.append(oh * stride * paddedW + ow * stride) } }
        return offsets
    }
}

extension Tensor {
    /// Unfolds every k×k patch into a column: `[N, C, H, W]` → `[C·kh·kw, N·Ho·Wo]`.
    /// Row (c, i, j) holds pixel (oh·s − p + i, ow·s − p + j) of channel c for every output position;
    /// positions that fall in the padding are 0. A convolution is then one matrix product.
    ///
    /// The image is first copied into zero-padded planes, so the gather needs no bounds tests: each
    /// (row, image) is Ho·Wo loads through one shared offset table (outputs are often only 7×7, so
    /// per-line loop overhead, not memory, was the cost of the direct version).
    public static func im2col(_ x: Tensor, _ g: ConvGeometry) -> Tensor {
        Profiler.measure("im2col") {
            let planeOut = g.ho * g.wo, columns = g.positions
            let padded = x.zeroPadded(g.padding)
            let offsets = g.positionOffsets()
            let paddedPlane = g.paddedH * g.paddedW
            return build(shape: [g.patchSize, columns]) { out in
                let dst = out.baseAddress!
                padded.scalars.withUnsafeBufferPointer { xb in
                    offsets.withUnsafeBufferPointer { ob in
                        let src = xb.baseAddress!, table = ob.baseAddress!
                        parallelChunks(g.patchSize, work: g.patchSize * columns) { rows in
                            for row in rows {
                                let c = row / (g.kh * g.kw), i = (row / g.kw) % g.kh, j = row % g.kw
                                let tap = i * g.paddedW + j
                                for n in 0..<g.n {
                                    let plane = src + (n * g.c + c) * paddedPlane + tap
                                    let line = dst + row * columns + n * planeOut
                                    for p in 0..<planeOut { line[p] = plane[table[p]] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Folds columns back into images, adding overlapping contributions (the adjoint of `im2col`):
    /// `[C·kh·kw, N·Ho·Wo]` → `[N, C, H, W]`. Accumulates into padded planes, then crops the padding.
    /// `bias` (`[C]`), when given, is added to every pixel of its channel while cropping (a transposed conv's bias).
    public static func col2im(_ cols: Tensor, _ g: ConvGeometry, bias: Tensor? = nil) -> Tensor {
        Profiler.measure("col2im") {
            let planeOut = g.ho * g.wo, columns = g.positions
            let offsets = g.positionOffsets()
            let paddedPlane = g.paddedH * g.paddedW
            var padded = zeros([g.n, g.c, g.paddedH, g.paddedW])
            padded.withUnsafeMutableBufferPointer { pb in
                let dst = pb.baseAddress!
                cols.scalars.withUnsafeBufferPointer { cb in
                    offsets.withUnsafeBufferPointer { ob in
                        let src = cb.baseAddress!, table = ob.baseAddress!
                        // Each channel's planes are written by its own rows only: split by channel, no races.
                        parallelChunks(g.c, work: g.patchSize * columns) { channels in
                            for c in channels {
                                for i in 0..<g.kh {
                                    for j in 0..<g.kw {
                                        let row = (c * g.kh + i) * g.kw + j, tap = i * g.paddedW + j
                                        for n in 0..<g.n {
                                            let plane = dst + (n * g.c + c) * paddedPlane + tap
                                            let line = src + row * columns + n * planeOut
                                            // Within one tap the positions are distinct, so no two adds collide.
                                            for p in 0..<planeOut { plane[table[p]] += line[p] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return padded.cropped(g.padding, addingChannelBias: bias)
        }
    }

    /// `[N, C, H, W]` → `[N, C, H + 2p, W + 2p]` with zeros around each plane (itself when p = 0).
    func zeroPadded(_ p: Int) -> Tensor {
        if p == 0 { return self }
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let hp = h + 2 * p, wp = w + 2 * p
        return Tensor.build(shape: [n, c, hp, wp]) { ob in
            scalars.withUnsafeBufferPointer { xb in
                let dst = ob.baseAddress!, src = xb.baseAddress!
                parallelChunks(n * c, work: ob.count) { planes in
                    for plane in planes {
                        let to = dst + plane * hp * wp, from = src + plane * h * w
                        (to).initialize(repeating: 0, count: p * wp)                       // top rows
                        for y in 0..<h {
                            let row = to + (y + p) * wp
                            row.initialize(repeating: 0, count: p)
                            (row + p).initialize(from: from + y * w, count: w)
                            (row + p + w).initialize(repeating: 0, count: p)
                        }
                        (to + (h + p) * wp).initialize(repeating: 0, count: p * wp)        // bottom rows
                    }
                }
            }
        }
    }

    /// The inverse of `zeroPadded`: drops p pixels from every side of each plane, adding `bias[c]` to channel c.
    func cropped(_ p: Int, addingChannelBias bias: Tensor? = nil) -> Tensor {
        if p == 0 && bias == nil { return self }
        let (n, c, hp, wp) = (shape[0], shape[1], shape[2], shape[3])
        let h = hp - 2 * p, w = wp - 2 * p
        return Tensor.build(shape: [n, c, h, w]) { out in
            scalars.withUnsafeBufferPointer { xb in
                let dst = out.baseAddress!, src = xb.baseAddress!
                parallelChunks(n * c, work: out.count) { planes in
                    for plane in planes {
                        let shift = bias?.scalars[plane % c] ?? 0
                        for y in 0..<h {
                            let to = dst + (plane * h + y) * w, from = src + (plane * hp + y + p) * wp + p
                            for t in 0..<w { to[t] = from[t] + shift }
                        }
                    }
                }
            }
        }
    }

    /// Σ over every axis but 1: `[N, C, …]` → `[C]` (a convolution's bias gradient), in Double per channel.
    public func channelSums() -> Tensor {
        let n = shape[0], c = shape[1], l = shape.dropFirst(2).product
        var sums = [Double](repeating: 0, count: c)
        scalars.withUnsafeBufferPointer { xb in
            sums.withUnsafeMutableBufferPointer { sb in
                let src = xb.baseAddress!, out = sb.baseAddress!
                parallelChunks(c, work: count) { channels in
                    for i in 0..<n {
                        for ch in channels { out[ch] += Double(Sums.sum(src + (i * c + ch) * l, l)) }
                    }
                }
            }
        }
        return Tensor(sums.map { Float($0) })
    }

    /// `[A, B, L]` → `[B, A, L]`: swaps the two leading axes, moving whole rows of L.
    /// Converts between the GEMM layout `[Cout, N·L]` and the image layout `[N, Cout, L]`;
    /// `addingRowBias` (`[A]`) adds bias[i] to every element of source row i on the way (a conv's bias).
    public static func swapLeadingAxes(_ x: Tensor, _ a: Int, _ b: Int, _ l: Int, addingRowBias bias: Tensor? = nil) -> Tensor {
        Profiler.measure("swap axes") { build(shape: [b, a, l]) { out in
            x.scalars.withUnsafeBufferPointer { src in
                parallelChunks(a, work: a * b * l) { rows in
                    for i in rows {
                        let shift = bias?.scalars[i] ?? 0
                        for j in 0..<b {
                            let to = out.baseAddress! + (j * a + i) * l, from = src.baseAddress! + (i * b + j) * l
                            if bias == nil {
                                to.update(from: from, count: l)
                            } else {
                                for t in 0..<l { to[t] = from[t] + shift }
                            }
                        }
                    }
                }
            }
        } }
    }
}
