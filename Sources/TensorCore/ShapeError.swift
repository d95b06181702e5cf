/// Why shapes cannot go together, as data: the shapes and sizes involved, never prose. The engine's
/// operations trap on such misuse (a programmer error); the notebook calls the matching `check…`
/// function first and renders the case for the learner (`Notebook/ShapeMessages.swift`), so no
/// learner input can reach a trap.
public enum ShapeError: Error, Equatable, Sendable {
    /// `a` and `b` do not broadcast: on `axis` (counted from the end, −1 the last) their sizes differ and neither is 1.
    case broadcast(a: [Int], b: [Int], axis: Int, sizeA: Int, sizeB: Int)
    /// `a @ b` with a 0-d operand.
    case matmulNeedsAxes(a: [Int], b: [Int])
    /// `a @ b` whose inner sizes differ.
    case matmulInner(a: [Int], b: [Int], innerA: Int, innerB: Int)
    /// `a @ b` whose batch axes differ.
    case matmulBatch(a: [Int], b: [Int], batchA: [Int], batchB: [Int])
    /// A reshape target with a size below −1 or more than one −1.
    case reshapeSizes(to: [Int])
    /// A reshape to a shape of another element count (`toCount` nil: a −1 that cannot be inferred).
    case reshapeCount(from: [Int], to: [Int], toCount: Int?)
    /// An integer index outside its axis.
    case indexOutOfRange(index: Int, axis: Int, size: Int)
    /// A slice with step 0.
    case zeroSliceStep
    /// More indices than axes.
    case tooManyIndices(count: Int, shape: [Int])
}

/// Formats a shape as the learner sees it: `[2, 3]`.
public func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

extension Tensor {
    /// The shape two tensors broadcast to, NumPy/PyTorch style: trailing axes must match or be 1.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) throws(ShapeError) -> [Int] {
        let rank = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 {
                out[i] = da
            } else if da == 1 {
                out[i] = db
            } else {
                throw ShapeError.broadcast(a: a, b: b, axis: i - rank, sizeA: da, sizeB: db)
            }
        }
        return out
    }

    /// The result shape of `a @ b` (vectors, matrices, and batches of matrices).
    public static func matmulShape(_ a: [Int], _ b: [Int]) throws(ShapeError) -> [Int] {
        guard a.count >= 1, b.count >= 1 else {
            throw ShapeError.matmulNeedsAxes(a: a, b: b)
        }
        let k1 = a[a.count - 1]
        let k2 = b.count == 1 ? b[0] : b[b.count - 2]
        guard k1 == k2 else {
            throw ShapeError.matmulInner(a: a, b: b, innerA: k1, innerB: k2)
        }
        switch (a.count, b.count) {
        case (1, 1): return []
        case (1, 2): return [b[1]]
        case (2, 1): return [a[0]]
        case (2, 2): return [a[0], b[1]]
        default:
            let batchA = a.count > 2 ? Array(a.dropLast(2)) : []
            let batchB = b.count > 2 ? Array(b.dropLast(2)) : []
            let batch = batchA.isEmpty ? batchB : batchB.isEmpty ? batchA : batchA
            guard batchA.isEmpty || batchB.isEmpty || batchA == batchB else {
                throw ShapeError.matmulBatch(a: a, b: b, batchA: batchA, batchB: batchB)
            }
            let m = a.count == 1 ? [] : [a[a.count - 2]]
            let n = b.count == 1 ? [] : [b[b.count - 1]]
            return batch + m + n
        }
    }

    /// The shape `reshape(newShape)` gives (one `-1` is inferred), or why it can't.
    public static func reshapeShape(_ shape: [Int], to newShape: [Int]) throws(ShapeError) -> [Int] {
        let count = shape.product
        let unknown = newShape.filter { $0 == -1 }.count
        guard unknown <= 1, newShape.allSatisfy({ $0 >= -1 }) else {
            throw ShapeError.reshapeSizes(to: newShape)
        }
        var result = newShape
        if unknown == 1 {
            let known = newShape.filter { $0 != -1 }.product
            guard known > 0, count % known == 0 else {
                throw ShapeError.reshapeCount(from: shape, to: newShape, toCount: nil)
            }
            result = newShape.map { $0 == -1 ? count / known : $0 }
        }
        guard result.product == count else {
            throw ShapeError.reshapeCount(from: shape, to: newShape, toCount: result.product)
        }
        return result
    }
}
