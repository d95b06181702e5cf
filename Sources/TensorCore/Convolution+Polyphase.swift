import CKernels

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

    /// Where each image pixel (y·W + x) sits in a block, and the places that hold padding. Planes are
    /// small (7×7 to 28×28), so walking them row by row costs more in loop overhead than in copying;
    /// these tables turn `split` and `merge` into flat loops.
    func tables() -> (places: [Int32], padding: [Int32]) {
        let (h, w, p) = (g.h, g.w, g.padding)
        var places = [Int32](repeating: 0, count: h * w), isPixel = [Bool](repeating: false, count: block)
        for y in 0..<h {
            for x in 0..<w {
                let place = offset(y + p, x + p)
                places[y * w + x] = Int32(place)
                isPixel[place] = true
            }
        }
        return (places, (0..<block).filter { !isPixel[$0] }.map(Int32.init))
    }

    /// `[N, C, H, W]` → the layout, each pixel at its padded position, zeros elsewhere.
    func split(_ x: UnsafePointer<Float>, into buffer: UnsafeMutablePointer<Float>) {
        let planeSize = g.h * g.w, (places, padding) = tables()
        places.withUnsafeBufferPointer { pixelPlaces in
            padding.withUnsafeBufferPointer { paddingPlaces in
                for plane in 0..<(g.n * g.c) {
                    let from = x + plane * planeSize, to = buffer + plane * block
                    for j in 0..<planeSize { to[Int(pixelPlaces[j])] = from[j] }
                    for q in paddingPlaces { to[Int(q)] = 0 }
                }
            }
        }
        (buffer + g.n * g.c * block).update(repeating: 0, count: capacity - g.n * g.c * block)
    }

    /// The inverse of `split`: each pixel from its padded position, plus `bias[c]`.
    func merge(_ buffer: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?) {
        let planeSize = g.h * g.w
        tables().places.withUnsafeBufferPointer { table in
            for plane in 0..<(g.n * g.c) {
                let from = buffer + plane * block, to = x + plane * planeSize
                let shift = bias?[plane % g.c] ?? 0
                for j in 0..<planeSize { to[j] = from[Int(table[j])] + shift }
            }
        }
    }

    /// See `Unfold.im2col`. Output position (oh, ow) of tap (i, j) reads padded pixel (2·oh + i, 2·ow + j):
    /// phase (i mod 2, j mod 2), at (oh + i/2, ow + j/2) — consecutive in ow. The copy loop is C
    /// (`ganbook_polyphase_im2col`): in Swift its pointers and counters did not fit in registers.
    func im2col(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        Profiler.measure("polyphase split") { split(x, into: scratch) }
        ganbook_polyphase_im2col(scratch, out, g.n, g.c, g.kh, g.kw, g.ho, g.wo, rows, cols)
    }

    /// See `Unfold.col2im`: accumulates in the layout, then merges it back into planes. (The same loop in C
    /// was slower here, 19 against 14 thread-ms per DCGAN step, where the C im2col was faster: it stays Swift.)
    func col2im(
        _ columnsIn: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
        scratch: UnsafeMutablePointer<Float>
    ) {
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
            let readable = total - row * columns  // floats of `line` and what follows it
            var k = 0
            for _ in 0..<g.n {
                var to = image
                for _ in 0..<ho {
                    if wo < 8 && k + 8 <= readable {  // the DCGAN's 7-wide rows: one masked add each
                        let v = UnsafeRawPointer(line + k).loadUnaligned(as: SIMD8<Float>.self).replacing(with: 0, where: foreign)
                        let sum = UnsafeRawPointer(to).loadUnaligned(as: SIMD8<Float>.self) + v
                        UnsafeMutableRawPointer(to).storeBytes(of: sum, as: SIMD8<Float>.self)  // inside: `end` has 8 floats of slack
                        to += cols
                        k += wo
                        continue
                    }
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
