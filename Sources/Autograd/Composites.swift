import TensorCore

// Operations built from the primitives in Derivatives.swift: their gradients follow by the chain rule.

extension Variable {
    public static func - (a: Variable, s: Float) -> Variable { a + (-s) }
    public static func / (a: Variable, s: Float) -> Variable { a * (1 / s) }
    public static func * (s: Float, a: Variable) -> Variable { a * s }
    public static func + (s: Float, a: Variable) -> Variable { a + s }
    public static func - (s: Float, a: Variable) -> Variable { -a + s }

    /// Mean over `axes` (all when nil) = sum / count.
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
        sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(value.reducedCount(axes), 1)))
    }

    /// Variance over `axes` = mean of squared deviations (÷ n−1 when `unbiased`, PyTorch's default for `var`).
    public func variance(axes: [Int]? = nil, keepDims: Bool = false, unbiased: Bool = true) -> Variable {
        let n = value.reducedCount(axes)
        let centered = self - mean(axes: axes, keepDims: true)
        return (centered * centered).sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(unbiased ? n - 1 : n, 1)))
    }

    /// Standard deviation = √variance.
    public func std(axes: [Int]? = nil, keepDims: Bool = false, unbiased: Bool = true) -> Variable {
        variance(axes: axes, keepDims: keepDims, unbiased: unbiased).sqrt()
    }

    /// Softmax along `axis` = eˣ⁻ᵐᵃˣ / Σ eˣ⁻ᵐᵃˣ (the max is a constant shift: it changes nothing but overflow).
    public func softmax(axis: Int = -1) -> Variable {
        let e = (self - Variable(value.max(axis: axis, keepDims: true))).exp()
        return e / e.sum(axes: [axis], keepDims: true)
    }

    /// log softmax along `axis` = (x − max) − log Σ eˣ⁻ᵐᵃˣ.
    public func logSoftmax(axis: Int = -1) -> Variable {
        let shifted = self - Variable(value.max(axis: axis, keepDims: true))
        return shifted - shifted.exp().sum(axes: [axis], keepDims: true).log()
    }

    /// Two axes swapped.
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Variable {
        var axes = Array(0..<value.rank)
        axes.swapAt(Tensor.normalize(axis: a, rank: value.rank), Tensor.normalize(axis: b, rank: value.rank))
        return permuted(axes)
    }

    /// Axes `start…end` merged.
    public func flattened(from start: Int = 0, to end: Int = -1) -> Variable { reshaped(value.flattened(from: start, to: end).shape) }
    public func squeezed(axis: Int? = nil) -> Variable { reshaped(value.squeezed(axis: axis).shape) }
    public func unsqueezed(axis: Int) -> Variable { reshaped(value.unsqueezed(axis: axis).shape) }

    /// Stacked along a new axis.
    public static func stack(_ parts: [Variable], axis: Int = 0) -> Variable {
        concat(parts.map { $0.unsqueezed(axis: axis) }, axis: axis)
    }

    /// `x[0, 1:3]`-style indexing.
    public subscript(_ indices: TensorIndex...) -> Variable { self[indices] }
}

/// Matrix product with PyTorch's rules for vectors: a vector is promoted to a matrix, then the added axis is dropped.
public func matmul(_ a: Variable, _ b: Variable) -> Variable {
    let outShape = try! Tensor.matmulShape(a.shape, b.shape)
    let a2 = a.value.rank == 1 ? a.unsqueezed(axis: 0) : a
    let b2 = b.value.rank == 1 ? b.unsqueezed(axis: -1) : b
    let product = Variable.matmul(a2, b2)
    return product.shape == outShape ? product : product.reshaped(outShape)
}
