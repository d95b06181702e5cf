extension Tensor {
    /// Sum over `axes` (all axes when nil). `keepDims` leaves size-1 axes in place, ready to broadcast back.
    /// `[N, C, H, W].sum(axes: [0, 2, 3], keepDims: true)` → `[1, C, 1, 1]`.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        reduce(axes: axes, keepDims: keepDims)
    }

    /// Mean over `axes` (all when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let n = reducedCount(axes)
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// Variance over `axes`; `unbiased` divides by n−1 (PyTorch's default) instead of n.
    public func variance(axes: [Int]? = nil, keepDims: Bool = false, unbiased: Bool = true) -> Tensor {
        let n = reducedCount(axes)
        let centered = self - mean(axes: axes, keepDims: true)
        let squares = (centered * centered).sum(axes: axes, keepDims: keepDims)
        return squares * (1 / Float(Swift.max(unbiased ? n - 1 : n, 1)))
    }

    /// Standard deviation over `axes` (unbiased by default, as PyTorch).
    public func std(axes: [Int]? = nil, keepDims: Bool = false, unbiased: Bool = true) -> Tensor {
        variance(axes: axes, keepDims: keepDims, unbiased: unbiased).sqrt()
    }

    /// Largest element over one axis (or all).
    public func max(axis: Int? = nil, keepDims: Bool = false) -> Tensor { extreme(axis: axis, keepDims: keepDims, larger: true).values }
    /// Smallest element over one axis (or all).
    public func min(axis: Int? = nil, keepDims: Bool = false) -> Tensor { extreme(axis: axis, keepDims: keepDims, larger: false).values }
    /// Position of the largest element along one axis (or in the flattened tensor), as floats; first wins ties.
    public func argmax(axis: Int? = nil, keepDims: Bool = false) -> Tensor { extreme(axis: axis, keepDims: keepDims, larger: true).positions }
    public func argmin(axis: Int? = nil, keepDims: Bool = false) -> Tensor { extreme(axis: axis, keepDims: keepDims, larger: false).positions }

    /// Softmax along `axis`: e^x / Σ e^x, shifted by the maximum so it never overflows.
    public func softmax(axis: Int = -1) -> Tensor {
        let e = (self - max(axis: axis, keepDims: true)).exp()
        return e / e.sum(axes: [axis], keepDims: true)
    }

    /// log(softmax(x)) along `axis`, computed stably as x − max − log Σ e^(x − max).
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let shifted = self - max(axis: axis, keepDims: true)
        return shifted - shifted.exp().sum(axes: [axis], keepDims: true).log()
    }

    // MARK: - Kernels

    /// How many elements each output of a reduction over `axes` combines.
    public func reducedCount(_ axes: [Int]?) -> Int {
        guard let axes else { return count }
        return Set(axes.map { Tensor.normalize(axis: $0, rank: rank) }).reduce(1) { $0 * shape[$1] }
    }

    /// The output shape of a reduction.
    func reducedShape(_ axes: Set<Int>, keepDims: Bool) -> [Int] {
        var out: [Int] = []
        for (i, s) in shape.enumerated() {
            if axes.contains(i) { if keepDims { out.append(1) } } else { out.append(s) }
        }
        return out
    }

    /// Sum-reduction over a set of axes. Accumulates in Double, so long sums keep Float precision.
    func reduce(axes: [Int]?, keepDims: Bool) -> Tensor {
        let reduced = Set((axes ?? Array(0..<rank)).map { Tensor.normalize(axis: $0, rank: rank) })
        let outShape = reducedShape(reduced, keepDims: keepDims)
        if reduced.isEmpty { return self }
        // Fast path: everything.
        if reduced.count == rank {
            var total: Double = 0
            scalars.withUnsafeBufferPointer { x in
                var i = 0
                // Sum blocks of 16 in Float (vectorisable), combine blocks in Double.
                while i + 16 <= x.count {
                    var block = SIMD16<Float>()
                    for j in 0..<16 { block[j] = x[i + j] }
                    total += Double(block.sum())
                    i += 16
                }
                while i < x.count { total += Double(x[i]); i += 1 }
            }
            return Tensor(shape: outShape, scalars: [Float(total)])
        }
        // General: walk the input in order; each element lands in the output slot its kept axes name.
        let fullOut = reducedShape(reduced, keepDims: true)
        let outStrides = Tensor.broadcastStrides(fullOut, to: shape)
        var acc = [Double](repeating: 0, count: fullOut.product)
        scalars.withUnsafeBufferPointer { x in
            acc.withUnsafeMutableBufferPointer { a in
                var i = 0
                forEachOffset(shape: shape, strides: outStrides) { offset, step, n in
                    if step == 0 {
                        var s: Float = 0
                        for j in 0..<n { s += x[i + j] }
                        a[offset] += Double(s)
                    } else {
                        for j in 0..<n { a[offset + j * step] += Double(x[i + j]) }
                    }
                    i += n
                }
            }
        }
        return Tensor(shape: outShape, scalars: acc.map { Float($0) })
    }

    /// Max or min over one axis, with the position where it occurs.
    func extreme(axis: Int?, keepDims: Bool, larger: Bool) -> (values: Tensor, positions: Tensor) {
        precondition(count > 0, "max/min of an empty tensor")
        guard let axis else {
            var best = scalars[0], at = 0
            for (i, v) in scalars.enumerated() where larger ? v > best || v.isNaN && !best.isNaN : v < best || v.isNaN && !best.isNaN {
                best = v; at = i
            }
            let shape = keepDims ? [Int](repeating: 1, count: rank) : []
            return (Tensor(shape: shape, scalars: [best]), Tensor(shape: shape, scalars: [Float(at)]))
        }
        let a = Tensor.normalize(axis: axis, rank: rank)
        let outer = shape[..<a].product, size = shape[a], inner = shape[(a + 1)...].product
        var values = [Float](repeating: 0, count: outer * inner)
        var positions = [Float](repeating: 0, count: outer * inner)
        scalars.withUnsafeBufferPointer { x in
            for o in 0..<outer {
                for i in 0..<inner {
                    var best = x[o * size * inner + i], at = 0
                    for k in 1..<Swift.max(size, 1) {
                        let v = x[(o * size + k) * inner + i]
                        if larger ? v > best : v < best { best = v; at = k }
                    }
                    values[o * inner + i] = best
                    positions[o * inner + i] = Float(at)
                }
            }
        }
        let outShape = reducedShape([a], keepDims: keepDims)
        return (Tensor(shape: outShape, scalars: values), Tensor(shape: outShape, scalars: positions))
    }
}
