/// An n-dimensional array of Float32, row-major and always contiguous.
///
/// A value type: `var b = a` copies lazily (the scalars live in a Swift array, which is
/// copy-on-write), so a tensor can be passed around freely and mutated without surprises.
/// A `Tensor` knows nothing of gradients; the `Autograd` module wraps it in a graph node.
public struct Tensor: Sendable, Equatable {
    /// Sizes of each axis, outermost first: `[N, C, H, W]` for a batch of images. `[]` for a scalar.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.product`.
    public internal(set) var scalars: [Float]

    /// A tensor of the given shape from row-major scalars.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative size in shape \(shape)")
        precondition(
            shape.reduce(1, *) == scalars.count,
            "shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A rank-0 tensor holding one number.
    public init(_ value: Float) { self.init(shape: [], scalars: [value]) }

    /// A vector: `[n]`.
    public init(_ values: [Float]) { self.init(shape: [values.count], scalars: values) }

    /// A matrix from rows: `[rows, cols]`. All rows must have the same length.
    public init(_ rows: [[Float]]) {
        let cols = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == cols }, "ragged rows")
        self.init(shape: [rows.count, cols], scalars: rows.flatMap { $0 })
    }

    /// A rank-3 tensor from nested arrays: `[a, b, c]`.
    public init(_ blocks: [[[Float]]]) {
        let inner = blocks.map { Tensor($0) }
        let sub = inner.first?.shape ?? [0, 0]
        precondition(inner.allSatisfy { $0.shape == sub }, "ragged blocks")
        self.init(shape: [blocks.count] + sub, scalars: inner.flatMap { $0.scalars })
    }

    /// Number of elements.
    public var count: Int { scalars.count }
    /// Number of axes.
    public var rank: Int { shape.count }
    /// The single value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, shape is \(shape)")
        return scalars[0]
    }

    /// Row-major strides: how many scalars one step along each axis skips.
    public var strides: [Int] { Tensor.strides(of: shape) }

    public static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// Normalises a possibly negative axis (`-1` is the last) for a tensor of `rank` axes.
    public static func normalize(axis: Int, rank: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < Swift.max(rank, 1), "axis \(axis) out of range for rank \(rank)")
        return a
    }

    /// Calls `body` with read access to the scalars, without copying.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with write access to the scalars (copying first only if they are shared).
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// A tensor of `shape` whose scalars are written by `fill` into uninitialised memory.
    @inlinable
    public static func build(shape: [Int], _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        let n = shape.reduce(1, *)
        let scalars = [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            fill(buffer)
            initialized = n
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}

extension Collection where Element == Int {
    /// The product of the sizes: the number of elements of a tensor with this shape.
    public var product: Int { reduce(1, *) }
}
