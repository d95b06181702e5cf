/// How a convolution walks its batch: chunks of a few images, each taken from unfold to product to
/// result by one thread, in its own buffers.
struct Chunks {
    let geometry: ConvGeometry
    /// Chunks in the batch.
    let count: Int
    /// Groups of consecutive chunks run by one thread each, each with its own weight-gradient sum.
    /// Fixed at up to 4, not the thread count, so that sums come out the same on any machine.
    let parts: Int

    init(_ g: ConvGeometry) {
        geometry = g
        let l = Swift.max(g.ho * g.wo, 1), perImage = Swift.max(g.patchSize * l, 1)
        // About 512 KB of columns per chunk (they stay in a core's L2 cache next to the weights), but
        // at least 128 columns, below which the GEMM loses speed (`ganbook bench --gemm-shapes`).
        let minimum = (128 + l - 1) / l
        var size = Swift.max(1, Swift.min(g.n, Swift.max((1 << 17) / perImage, minimum)))
        // Layers with few channels (D's conv1, G's deconv2) fit a whole small batch in 512 KB: one chunk
        // left the other core idle. At least 4 chunks then, as long as each keeps its 128 columns.
        size = Swift.min(size, Swift.max((g.n + 3) / 4, minimum))
        count = (g.n + size - 1) / size
        parts = Swift.min(count, 4)
    }

    /// The images of chunk `k`.
    func images(_ k: Int) -> Range<Int> { k * geometry.n / count..<(k + 1) * geometry.n / count }

    /// A thread's buffers, sized for its largest chunk, and where it is.
    struct Work {
        /// `[C·kh·kw, n·L]`: unfolded input or its gradient.
        let columns: UnsafeMutablePointer<Float>
        /// `[rows, n·L]`: the other factor or result of a product, rows as given to `run`.
        let product: UnsafeMutablePointer<Float>
        let scratch: UnsafeMutablePointer<Float>
        /// This chunk's part, and whether it is the part's first chunk (its sum starts there).
        let part: Int, first: Bool
    }

    /// Calls `body` once per chunk; parts run in parallel. `productRows`: rows of `Work.product`.
    func run(productRows: Int, _ body: (Range<Int>, Work) -> Void) {
        let g = geometry
        guard count > 0 else { return }  // an empty batch
        let largest = (g.n + count - 1) / count, positions = largest * g.ho * g.wo
        let scratchSize = g.images(largest).scratchSize
        parallelChunks(parts, work: g.n * g.patchSize * g.ho * g.wo) { partRange in
            let columns = UnsafeMutablePointer<Float>.allocate(capacity: g.patchSize * positions)
            let product = UnsafeMutablePointer<Float>.allocate(capacity: productRows * positions)
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchSize)
            defer { columns.deallocate(); product.deallocate(); scratch.deallocate() }
            for part in partRange {
                let first = part * count / parts
                // Ctrl-C in abandonable work skips the remaining chunks; the caller discards the result.
                for k in first..<((part + 1) * count / parts) where !Interruption.shouldStop {
                    body(images(k), Work(columns: columns, product: product, scratch: scratch, part: part, first: k == first))
                }
            }
        }
    }
}

/// One running sum per part of a chunked weight gradient, added up in a fixed order at the end.
final class PartialSums: @unchecked Sendable {
    let parts: Int, size: Int
    private let buffer: UnsafeMutablePointer<Float>

    init(parts: Int, size: Int) {
        (self.parts, self.size) = (parts, size)
        buffer = .allocate(capacity: Swift.max(parts * size, 1))
    }
    deinit { buffer.deallocate() }

    /// Part `p`'s sum, `size` floats.
    subscript(p: Int) -> UnsafeMutablePointer<Float> { buffer + p * size }
    /// The GEMM β for a chunk: 0 overwrites on a part's first chunk, 1 adds on the others.
    static func beta(_ work: Chunks.Work) -> Float { work.first ? 0 : 1 }

    /// Σ of the parts, as a tensor of `shape`.
    func total(shape: [Int]) -> Tensor {
        guard parts > 0 else { return Tensor.zeros(shape) }  // an empty batch: no chunks, no sums
        return Tensor.build(shape: shape) { out in
            out.baseAddress!.update(from: buffer, count: size)
            for p in 1..<Swift.max(parts, 1) {
                let part = buffer + p * size
                for i in 0..<size { out[i] += part[i] }
            }
        }
    }
}

/// Calls `body` with a pointer to the tensor's scalars, or with nil when there is no tensor.
func withOptionalPointer<R>(_ t: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let t else { return body(nil) }
    return t.withUnsafeBufferPointer { body($0.baseAddress!) }
}
