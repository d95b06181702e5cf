extension Tensor {
    /// The same scalars under a new shape; one size may be `-1` (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        do {
            return Tensor(shape: try Tensor.reshapeShape(shape, to: newShape), scalars: scalars)
        } catch { preconditionFailure("\(error)") }
    }

    /// Axes `start…end` merged into one: `[N, C, H, W].flattened(from: 1)` → `[N, C·H·W]`.
    public func flattened(from start: Int = 0, to end: Int = -1) -> Tensor {
        guard rank > 0 else { return reshaped([1]) }
        let s = Tensor.normalize(axis: start, rank: rank), e = Tensor.normalize(axis: end, rank: rank)
        let merged = shape[s...e].product
        return reshaped(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    /// Without size-1 axes (all of them, or just `axis`).
    public func squeezed(axis: Int? = nil) -> Tensor {
        if let axis {
            let a = Tensor.normalize(axis: axis, rank: rank)
            guard shape[a] == 1 else { return self }
            var s = shape
            s.remove(at: a)
            return reshaped(s)
        }
        return reshaped(shape.filter { $0 != 1 })
    }

    /// With a new size-1 axis at `axis` (negative counts from the end of the result).
    public func unsqueezed(axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        precondition(a >= 0 && a <= rank, "unsqueeze axis \(axis) out of range for rank \(rank)")
        var s = shape
        s.insert(1, at: a)
        return reshaped(s)
    }

    /// Axes reordered: result axis i is input axis `axes[i]`. `[N, C, H, W].permuted([0, 2, 3, 1])` → `[N, H, W, C]`.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.count == rank && Set(axes) == Set(0..<rank), "permute needs each of 0..<\(rank) once, got \(axes)")
        if axes == Array(0..<rank) { return self }
        let newShape = axes.map { shape[$0] }
        let inStrides = strides
        // Fast path: a plain matrix transpose (also the last two axes of a batch).
        if rank == 2 { return transposed2D() }
        let sourceStrides = axes.map { inStrides[$0] }
        return Tensor.build(shape: newShape) { out in
            scalars.withUnsafeBufferPointer { src in
                var o = 0
                forEachOffset(shape: newShape, strides: sourceStrides) { offset, innerStride, innerCount in
                    for j in 0..<innerCount { out[o + j] = src[offset + j * innerStride] }
                    o += innerCount
                }
            }
        }
    }

    /// Two axes swapped (the matrix transpose for rank 2).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var axes = Array(0..<rank)
        axes.swapAt(Tensor.normalize(axis: a, rank: rank), Tensor.normalize(axis: b, rank: rank))
        return permuted(axes)
    }

    /// Matrix transpose in cache-friendly tiles: `[M, N]` → `[N, M]`.
    func transposed2D() -> Tensor {
        let m = shape[0], n = shape[1]
        return Tensor.build(shape: [n, m]) { out in
            scalars.withUnsafeBufferPointer { src in
                let tile = 32
                for i0 in stride(from: 0, to: m, by: tile) {
                    for j0 in stride(from: 0, to: n, by: tile) {
                        for i in i0..<Swift.min(i0 + tile, m) {
                            for j in j0..<Swift.min(j0 + tile, n) { out[j * m + i] = src[i * n + j] }
                        }
                    }
                }
            }
        }
    }

    /// Tensors joined along an existing axis; all other sizes must agree.
    public static func concat(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!parts.isEmpty, "concat needs at least one tensor")
        let rank = parts[0].rank
        let a = normalize(axis: axis, rank: rank)
        for p in parts {
            precondition(
                p.rank == rank && Swift.zip(p.shape, parts[0].shape).enumerated().allSatisfy { $0.offset == a || $0.element.0 == $0.element.1 },
                "can't concat \(parts.map { describe($0.shape) }.joined(separator: ", ")) along axis \(axis)")
        }
        var newShape = parts[0].shape
        newShape[a] = parts.reduce(0) { $0 + $1.shape[a] }
        let outer = newShape[..<a].product
        return build(shape: newShape) { out in
            var o = 0
            for i in 0..<outer {
                for p in parts {
                    let block = p.shape[a...].product
                    p.scalars.withUnsafeBufferPointer { src in
                        for j in 0..<block { out[o + j] = src[i * block + j] }
                    }
                    o += block
                }
            }
        }
    }

    /// Tensors of one shape stacked along a new axis: n × `[A, B]` → `[n, A, B]` (axis 0).
    public static func stack(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!parts.isEmpty, "stack needs at least one tensor")
        return concat(parts.map { $0.unsqueezed(axis: axis) }, axis: axis)
    }
}

/// Visits a strided view of `shape` in row-major order, one innermost run at a time:
/// `body(offsetOfRunStart, innerStride, innerCount)`. Shared by permute, broadcasting and reductions.
@inlinable
func forEachOffset(shape: [Int], strides: [Int], _ body: (Int, Int, Int) -> Void) {
    let rank = shape.count
    if rank == 0 { body(0, 1, 1); return }
    if shape.contains(0) { return }
    let inner = shape[rank - 1], innerStride = strides[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var offset = 0
    while true {
        body(offset, innerStride, inner)
        // Odometer over the outer axes.
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            offset += strides[axis]
            if index[axis] < shape[axis] { break }
            offset -= strides[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
        }
        if axis < 0 { return }
    }
}
