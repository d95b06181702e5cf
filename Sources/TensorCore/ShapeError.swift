/// Why two shapes cannot go together, as data. The engine's operations trap on such misuse (a
/// programmer error); the notebook calls the matching `check…` function first and shows this
/// message instead, so no learner input can reach a trap.
public struct ShapeError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
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
                throw ShapeError("can't broadcast \(describe(a)) with \(describe(b)): sizes \(da) and \(db) differ on axis \(i - rank)")
            }
        }
        return out
    }

    /// The result shape of `a @ b` (vectors, matrices, and batches of matrices).
    public static func matmulShape(_ a: [Int], _ b: [Int]) throws(ShapeError) -> [Int] {
        guard a.count >= 1, b.count >= 1 else {
            throw ShapeError("can't matmul \(describe(a)) @ \(describe(b)): both need at least one axis")
        }
        let k1 = a[a.count - 1]
        let k2 = b.count == 1 ? b[0] : b[b.count - 2]
        guard k1 == k2 else {
            throw ShapeError("can't matmul \(describe(a)) @ \(describe(b)): inner sizes \(k1) and \(k2) differ")
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
                throw ShapeError("can't matmul \(describe(a)) @ \(describe(b)): batch sizes \(describe(batchA)) and \(describe(batchB)) differ")
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
            throw ShapeError("can't reshape to \(describe(newShape)): sizes must be ≥ 0, with at most one -1")
        }
        var result = newShape
        if unknown == 1 {
            let known = newShape.filter { $0 != -1 }.product
            guard known > 0, count % known == 0 else {
                throw ShapeError("can't reshape \(describe(shape)) (\(count) elements) to \(describe(newShape))")
            }
            result = newShape.map { $0 == -1 ? count / known : $0 }
        }
        guard result.product == count else {
            throw ShapeError("can't reshape \(describe(shape)) (\(count) elements) to \(describe(newShape)) (\(result.product) elements)")
        }
        return result
    }
}
