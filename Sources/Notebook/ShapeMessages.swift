import TensorCore

extension ShapeError {
    /// The engine's shape problem in a learner's words, with the shapes and sizes it names.
    var message: String {
        switch self {
        case .broadcast(let a, let b, let axis, let sizeA, let sizeB):
            return "can't broadcast \(describe(a)) with \(describe(b)): sizes \(sizeA) and \(sizeB) differ on axis \(axis)"
        case .matmulNeedsAxes(let a, let b):
            return "can't matmul \(describe(a)) @ \(describe(b)): both need at least one axis"
        case .matmulInner(let a, let b, let innerA, let innerB):
            return "can't matmul \(describe(a)) @ \(describe(b)): inner sizes \(innerA) and \(innerB) differ"
        case .matmulBatch(let a, let b, let batchA, let batchB):
            return "can't matmul \(describe(a)) @ \(describe(b)): batch sizes \(describe(batchA)) and \(describe(batchB)) differ"
        case .reshapeSizes(let to):
            return "can't reshape to \(describe(to)): sizes must be ≥ 0, with at most one -1"
        case .reshapeCount(let from, let to, let toCount):
            return "can't reshape \(describe(from)) (\(from.reduce(1, *)) elements) to \(describe(to))" + (toCount.map { " (\($0) elements)" } ?? "")
        case .indexOutOfRange(let index, let axis, let size):
            return "index \(index) is out of range for axis \(axis) of size \(size)"
        case .zeroSliceStep:
            return "slice step cannot be zero"
        case .tooManyIndices(let count, let shape):
            return "too many indices: \(count) for a tensor of shape \(describe(shape))"
        }
    }
}
