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
    /// Floats of one input image, `[C, H, W]`.
    public var imageSize: Int { c * h * w }

    /// The same convolution over `count` images (a chunk of the batch).
    public func images(_ count: Int) -> ConvGeometry {
        ConvGeometry(n: count, c: c, h: h, w: w, kh: kh, kw: kw, stride: stride, padding: padding)
    }

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

    /// Floats of scratch memory `Unfold.im2col` and `Unfold.col2im` need for these images.
    public var scratchSize: Int { stride == 2 ? Polyphase(self).capacity : paddedSize }
    /// Floats of the zero-padded planes the general path works in.
    var paddedSize: Int { n * c * paddedH * paddedW }
}

/// im2col and col2im on raw memory, for one chunk of images on the calling thread. Convolutions
/// (`Conv`) run them chunk by chunk, a few images at a time, so that the unfolded columns stay in
/// the core's cache between being written and being multiplied.
public enum Unfold {
    /// Unfolds every k×k patch into a column: `x: [N, C, H, W]` → `cols: [C·kh·kw, N·Ho·Wo]`.
    /// Row (c, i, j) holds pixel (oh·s − p + i, ow·s − p + j) of channel c for every output position;
    /// positions that fall in the padding are 0. A convolution is then one matrix product.
    ///
    /// The images are first copied into zero-padded planes (in `scratch`), so the gather needs no
    /// bounds tests: each (row, image) is Ho·Wo loads through one shared offset table.
    public static func im2col(
        _ x: UnsafePointer<Float>, _ g: ConvGeometry, into cols: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Float>
    ) {
        Profiler.measure("im2col in chunks") { unfold(x, g, into: cols, scratch: scratch) }
    }

    static func unfold(
        _ x: UnsafePointer<Float>, _ g: ConvGeometry, into cols: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Float>
    ) {
        if g.stride == 2 { return Polyphase(g).im2col(x, into: cols, scratch: scratch) }
        paddedIm2col(x, g, into: cols, scratch: scratch)
    }

    /// The general path for any stride (`scratch`: `g.paddedSize` floats); tests compare the polyphase one with it.
    static func paddedIm2col(
        _ x: UnsafePointer<Float>, _ g: ConvGeometry, into cols: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Float>
    ) {
        let planeOut = g.ho * g.wo, columns = g.positions, paddedPlane = g.paddedH * g.paddedW
        pad(x, g, into: scratch)
        let offsets = g.positionOffsets()
        offsets.withUnsafeBufferPointer { table in
            for row in 0..<g.patchSize {
                let c = row / (g.kh * g.kw), i = (row / g.kw) % g.kh, j = row % g.kw
                let tap = i * g.paddedW + j
                for n in 0..<g.n {
                    let plane = scratch + (n * g.c + c) * paddedPlane + tap
                    let line = cols + row * columns + n * planeOut
                    for p in 0..<planeOut { line[p] = plane[table[p]] }
                }
            }
        }
    }

    /// Folds columns back into images, adding overlapping contributions (the adjoint of `im2col`):
    /// `cols: [C·kh·kw, N·Ho·Wo]` → `x: [N, C, H, W]`, plus `bias[c]` on every pixel of channel c
    /// when given (a transposed convolution's bias). Accumulates into padded planes, then crops.
    public static func col2im(
        _ cols: UnsafePointer<Float>, _ g: ConvGeometry, into x: UnsafeMutablePointer<Float>,
        bias: UnsafePointer<Float>?, scratch: UnsafeMutablePointer<Float>
    ) {
        Profiler.measure("col2im in chunks") { fold(cols, g, into: x, bias: bias, scratch: scratch) }
    }

    static func fold(
        _ cols: UnsafePointer<Float>, _ g: ConvGeometry, into x: UnsafeMutablePointer<Float>,
        bias: UnsafePointer<Float>?, scratch: UnsafeMutablePointer<Float>
    ) {
        if g.stride == 2 { return Polyphase(g).col2im(cols, into: x, bias: bias, scratch: scratch) }
        paddedCol2im(cols, g, into: x, bias: bias, scratch: scratch)
    }

    /// The general path for any stride (`scratch`: `g.paddedSize` floats).
    static func paddedCol2im(
        _ cols: UnsafePointer<Float>, _ g: ConvGeometry, into x: UnsafeMutablePointer<Float>,
        bias: UnsafePointer<Float>?, scratch: UnsafeMutablePointer<Float>
    ) {
        let planeOut = g.ho * g.wo, columns = g.positions, paddedPlane = g.paddedH * g.paddedW
        scratch.update(repeating: 0, count: g.n * g.c * paddedPlane)
        let offsets = g.positionOffsets()
        offsets.withUnsafeBufferPointer { table in
            for row in 0..<g.patchSize {
                let c = row / (g.kh * g.kw), i = (row / g.kw) % g.kh, j = row % g.kw
                let tap = i * g.paddedW + j
                for n in 0..<g.n {
                    let plane = scratch + (n * g.c + c) * paddedPlane + tap
                    let line = cols + row * columns + n * planeOut
                    // Within one tap the positions are distinct, so no two adds collide.
                    for p in 0..<planeOut { plane[table[p]] += line[p] }
                }
            }
        }
        crop(scratch, g, into: x, bias: bias)
    }

    /// `[N, C, H, W]` → `[N, C, H + 2p, W + 2p]` with zeros around each plane.
    static func pad(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into out: UnsafeMutablePointer<Float>) {
        let (h, w, p, hp, wp) = (g.h, g.w, g.padding, g.paddedH, g.paddedW)
        for plane in 0..<(g.n * g.c) {
            let to = out + plane * hp * wp, from = x + plane * h * w
            to.update(repeating: 0, count: p * wp)  // top rows
            for y in 0..<h {
                let row = to + (y + p) * wp
                row.update(repeating: 0, count: p)
                (row + p).update(from: from + y * w, count: w)
                (row + p + w).update(repeating: 0, count: p)
            }
            (to + (h + p) * wp).update(repeating: 0, count: p * wp)  // bottom rows
        }
    }

    /// The inverse of `pad`: drops p pixels from every side of each plane, adding `bias[c]` to channel c.
    static func crop(
        _ padded: UnsafePointer<Float>, _ g: ConvGeometry, into x: UnsafeMutablePointer<Float>,
        bias: UnsafePointer<Float>?
    ) {
        let (h, w, p, hp, wp) = (g.h, g.w, g.padding, g.paddedH, g.paddedW)
        for plane in 0..<(g.n * g.c) {
            let shift = bias?[plane % g.c] ?? 0
            for y in 0..<h {
                let to = x + (plane * h + y) * w, from = padded + (plane * hp + y + p) * wp + p
                for t in 0..<w { to[t] = from[t] + shift }
            }
        }
    }
}

extension Tensor {
    /// im2col of a whole batch: `[N, C, H, W]` → `[C·kh·kw, N·Ho·Wo]` (see `Unfold.im2col`).
    public static func im2col(_ x: Tensor, _ g: ConvGeometry) -> Tensor {
        Profiler.measure("im2col") {
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: g.scratchSize)
            defer { scratch.deallocate() }
            return build(shape: [g.patchSize, g.positions]) { out in
                x.withUnsafeBufferPointer { Unfold.im2col($0.baseAddress!, g, into: out.baseAddress!, scratch: scratch) }
            }
        }
    }

    /// col2im of a whole batch: `[C·kh·kw, N·Ho·Wo]` → `[N, C, H, W]`, plus `bias` (`[C]`) when given.
    public static func col2im(_ cols: Tensor, _ g: ConvGeometry, bias: Tensor? = nil) -> Tensor {
        Profiler.measure("col2im") {
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: g.scratchSize)
            defer { scratch.deallocate() }
            return build(shape: [g.n, g.c, g.h, g.w]) { out in
                cols.withUnsafeBufferPointer { cb in
                    withOptionalPointer(bias) { Unfold.col2im(cb.baseAddress!, g, into: out.baseAddress!, bias: $0, scratch: scratch) }
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
}
