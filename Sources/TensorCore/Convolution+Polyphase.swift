/// `im2col` and `col2im` for stride 2, the stride of every DCGAN layer, through a polyphase layout.
///
/// With stride 2 a kernel tap reads every other pixel of a padded row, and output rows are short
/// (7 or 14 positions), so the general version pays a table load and loop overhead per element.
/// Split each zero-padded plane into its four phases (even/odd rows × even/odd columns) first, and
/// tap (i, j) reads one phase at consecutive addresses: each output row becomes one 8-wide copy.
struct Polyphase {
    let g: ConvGeometry
    /// Rows and columns of one phase: half the padded plane, rounded up.
    let rows: Int, cols: Int

    init(_ g: ConvGeometry) {
        precondition(g.stride == 2, "Polyphase serves stride 2")
        self.g = g
        rows = (g.paddedH + 1) / 2
        cols = (g.paddedW + 1) / 2
    }

    /// Floats per (image, channel): four phases.
    var block: Int { 4 * rows * cols }
    /// Floats of the whole layout, plus one vector of slack so that 8-wide loads near the end stay inside.
    var capacity: Int { g.n * g.c * block + 8 }

    /// Where padded pixel (y, x) of a plane lives within its block.
    func offset(_ y: Int, _ x: Int) -> Int { ((y & 1) * 2 + (x & 1)) * rows * cols + (y >> 1) * cols + (x >> 1) }

    /// The phase rows r and columns c that hold image pixels, not padding: padded row 2r + py is
    /// image row 2r + py − p, which must lie in 0..<H (and the same for columns).
    func inside(_ parity: Int, size: Int, phaseSize: Int) -> Range<Int> {
        let p = g.padding
        // The smallest c with 2c + parity − p ≥ bound, for bound 0 and bound `size`.
        func first(reaching bound: Int) -> Int { Swift.max(0, (bound + p - parity + 1) >> 1) }
        return Swift.min(first(reaching: 0), phaseSize) ..< Swift.min(first(reaching: size), phaseSize)
    }

    /// `[N, C, H, W]` → the layout, each pixel at its padded position, zeros elsewhere. Written phase
    /// row by phase row, so each store is consecutive and the padding is zeroed where it is.
    func split(_ x: UnsafePointer<Float>, into buffer: UnsafeMutablePointer<Float>) {
        let (h, w, p) = (g.h, g.w, g.padding)
        for plane in 0..<(g.n * g.c) {
            let from = x + plane * h * w
            var to = buffer + plane * block
            for py in 0..<2 {
                let validRows = inside(py, size: h, phaseSize: rows)
                for px in 0..<2 {
                    let validCols = inside(px, size: w, phaseSize: cols)
                    for r in 0..<rows {
                        if validRows.contains(r) {
                            // Phase column c is image column 2c + px − p of image row 2r + py − p.
                            let row = from + (2 * r + py - p) * w + px - p
                            for c in 0..<validCols.lowerBound { to[c] = 0 }
                            for c in validCols { to[c] = row[2 * c] }
                            for c in validCols.upperBound..<cols { to[c] = 0 }
                        } else {
                            to.update(repeating: 0, count: cols)
                        }
                        to += cols
                    }
                }
            }
        }
        (buffer + g.n * g.c * block).update(repeating: 0, count: capacity - g.n * g.c * block)
    }

    /// The inverse of `split`: each pixel from its padded position, plus `bias[c]`.
    func merge(_ buffer: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?) {
        let (h, w, p) = (g.h, g.w, g.padding)
        for plane in 0..<(g.n * g.c) {
            let to = x + plane * h * w
            var from = buffer + plane * block
            let shift = bias?[plane % g.c] ?? 0
            for py in 0..<2 {
                let validRows = inside(py, size: h, phaseSize: rows)
                for px in 0..<2 {
                    let validCols = inside(px, size: w, phaseSize: cols)
                    for r in validRows {
                        let row = to + (2 * r + py - p) * w + px - p, phaseRow = from + r * cols
                        for c in validCols { row[2 * c] = phaseRow[c] + shift }
                    }
                    from += rows * cols
                }
            }
        }
    }

    /// See `Unfold.im2col`. Output position (oh, ow) of tap (i, j) reads padded pixel (2·oh + i, 2·ow + j):
    /// phase (i mod 2, j mod 2), at (oh + i/2, ow + j/2) — consecutive in ow.
    func im2col(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        Profiler.measure("polyphase split") { split(x, into: scratch) }
        let columns = g.positions, (ho, wo) = (g.ho, g.wo), imageStride = g.c * block
        // 8-wide stores may spill into the next output row, which is written right after; near the
        // end of a line, where a spill would leave it, the copy goes one by one.
        let lastWide = columns - 8
        for row in 0..<g.patchSize {
            let c = row / (g.kh * g.kw), i = (row / g.kw) % g.kh, j = row % g.kw
            let line = out + row * columns
            var image = UnsafePointer(scratch) + c * block + offset(i, j)
            var k = 0
            for _ in 0..<g.n {
                var from = image
                for _ in 0..<ho {
                    if wo <= 8 && k <= lastWide {          // the DCGAN's 7-wide rows: one copy each
                        let v = UnsafeRawPointer(from).loadUnaligned(as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(line + k).storeBytes(of: v, as: SIMD8<Float>.self)
                        from += cols
                        k += wo
                        continue
                    }
                    var ow = 0
                    while ow < wo {
                        if k + ow <= lastWide {
                            let v = UnsafeRawPointer(from + ow).loadUnaligned(as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(line + k + ow).storeBytes(of: v, as: SIMD8<Float>.self)
                        } else {
                            for t in ow..<Swift.min(ow + 8, wo) { line[k + t] = from[t] }
                        }
                        ow += 8
                    }
                    from += cols
                    k += wo
                }
                image += imageStride
            }
        }
    }

    /// See `Unfold.col2im`: accumulates in the layout, then merges it back into planes.
    func col2im(_ columnsIn: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
                scratch: UnsafeMutablePointer<Float>) {
        scratch.update(repeating: 0, count: capacity)
        let columns = g.positions, (ho, wo) = (g.ho, g.wo), imageStride = g.c * block
        let total = g.patchSize * columns
        // The lanes of an output row's last 8-wide chunk that belong to the next row: added as 0.
        let foreign = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .>= SIMD8<Int32>(repeating: Int32(wo % 8))
        let end = scratch + capacity
        for row in 0..<g.patchSize {
            let c = row / (g.kh * g.kw), i = (row / g.kw) % g.kh, j = row % g.kw
            let line = columnsIn + row * columns
            var image = scratch + c * block + offset(i, j)
            var k = 0
            for _ in 0..<g.n {
                var to = image
                for _ in 0..<ho {
                    var ow = 0
                    while ow < wo {
                        let left = wo - ow
                        if row * columns + k + ow + 8 <= total && to + ow + 8 <= end {
                            var v = UnsafeRawPointer(line + k + ow).loadUnaligned(as: SIMD8<Float>.self)
                            if left < 8 { v.replace(with: 0, where: foreign) }
                            let sum = UnsafeRawPointer(to + ow).loadUnaligned(as: SIMD8<Float>.self) + v
                            UnsafeMutableRawPointer(to + ow).storeBytes(of: sum, as: SIMD8<Float>.self)
                        } else {
                            for t in ow..<Swift.min(ow + 8, wo) { to[t] += line[k + t] }
                        }
                        ow += 8
                    }
                    to += cols
                    k += wo
                }
                image += imageStride
            }
        }
        Profiler.measure("polyphase merge") { merge(scratch, into: x, bias: bias) }
    }
}
