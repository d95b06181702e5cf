/// One entry of a subscript, as in PyTorch: `x[2]`, `x[1:5]`, `x[::-1]`, `x[:]`.
public enum TensorIndex: Equatable, Sendable {
    /// One position; the axis disappears from the result. Negative counts from the end.
    case at(Int)
    /// Python slice semantics: `start` and `end` may be nil or negative; `step` may be negative, not 0.
    case slice(start: Int?, end: Int?, step: Int)
    /// The whole axis (`:`).
    case all
}

extension TensorIndex {
    /// The positions this entry selects on an axis of `size`, Python-style. Throws for an integer out of range.
    public func positions(size: Int, axis: Int) throws(ShapeError) -> [Int] {
        switch self {
        case .all:
            return Array(0..<size)
        case .at(let i):
            let j = i < 0 ? i + size : i
            guard j >= 0 && j < size else {
                throw ShapeError.indexOutOfRange(index: i, axis: axis, size: size)
            }
            return [j]
        case .slice(let start, let end, let step):
            guard step != 0 else { throw ShapeError.zeroSliceStep }
            // Clamp like Python's slice.indices.
            func clamp(_ v: Int?, _ defaultValue: Int, low: Int, high: Int) -> Int {
                guard var v else { return defaultValue }
                if v < 0 { v += size }
                return Swift.min(Swift.max(v, low), high)
            }
            if step > 0 {
                let s = clamp(start, 0, low: 0, high: size), e = clamp(end, size, low: 0, high: size)
                return Array(stride(from: s, to: e, by: step))
            } else {
                let s = clamp(start, size - 1, low: -1, high: size - 1), e = clamp(end, -1, low: -1, high: size - 1)
                return Array(stride(from: s, to: e, by: step))
            }
        }
    }

    var dropsAxis: Bool { if case .at = self { return true } else { return false } }
}

extension Tensor {
    /// Which positions each axis selects and which axes remain, or why the indices don't fit.
    public func resolve(_ indices: [TensorIndex]) throws(ShapeError) -> (positions: [[Int]], shape: [Int]) {
        guard indices.count <= rank else {
            throw ShapeError.tooManyIndices(count: indices.count, shape: shape)
        }
        var positions: [[Int]] = []
        var resultShape: [Int] = []
        for axis in 0..<rank {
            let index = axis < indices.count ? indices[axis] : .all
            let p = try index.positions(size: shape[axis], axis: axis)
            positions.append(p)
            if !index.dropsAxis { resultShape.append(p.count) }
        }
        return (positions, resultShape)
    }

    /// The selected elements as a new tensor: `x[0, 1:3]`. Traps on bad indices; see `resolve`.
    public subscript(_ indices: TensorIndex...) -> Tensor {
        get { self[indices] }
        set { self[indices] = newValue }
    }

    public subscript(_ indices: [TensorIndex]) -> Tensor {
        get {
            let (positions, resultShape) = try! resolve(indices)
            let offsets = Tensor.offsetTable(positions: positions, strides: strides)
            return Tensor.build(shape: resultShape) { out in
                scalars.withUnsafeBufferPointer { src in
                    for (i, o) in offsets.enumerated() { out[i] = src[o] }
                }
            }
        }
        set {
            let (positions, resultShape) = try! resolve(indices)
            let value = newValue.broadcast(to: resultShape)
            let offsets = Tensor.offsetTable(positions: positions, strides: strides)
            scalars.withUnsafeMutableBufferPointer { dst in
                for (i, o) in offsets.enumerated() { dst[o] = value.scalars[i] }
            }
        }
    }

    /// Storage offsets of every selected element, in row-major order of the selection.
    static func offsetTable(positions: [[Int]], strides: [Int]) -> [Int] {
        var offsets = [0]
        for (axis, p) in positions.enumerated() {
            var next: [Int] = []
            next.reserveCapacity(offsets.count * p.count)
            for base in offsets { for i in p { next.append(base + i * strides[axis]) } }
            offsets = next
        }
        return offsets
    }

    /// Rows picked by index along axis 0 (a minibatch): `[N, …]` + k indices → `[k, …]`.
    public func rows(_ indices: [Int]) -> Tensor {
        let block = shape.dropFirst().product
        var newShape = shape
        newShape[0] = indices.count
        return Tensor.build(shape: newShape) { out in
            scalars.withUnsafeBufferPointer { src in
                for (k, row) in indices.enumerated() {
                    precondition(row >= 0 && row < shape[0], "row \(row) out of range")
                    out.baseAddress!.advanced(by: k * block).update(from: src.baseAddress!.advanced(by: row * block), count: block)
                }
            }
        }
    }
}
