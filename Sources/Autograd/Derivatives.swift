import TensorCore

// The closed set of differentiable primitives. Each computes its value, then states its chain rule
// in one pullback: given g = ∂L/∂out, the gradient for each input. Everything else in the engine
// (mean, softmax, losses…) is composed from these, needing no new calculus.
//
// A pullback uses the operands *as they were at the forward pass*: it captures their values and shapes
// then (a capture list, `[bv = b.value]`), never reads `b.value` when backward runs. An optimizer step
// between forward and backward replaces a weight's value; the gradient at the forward point must not
// change (PyTorch refuses such a backward; here it is simply right). Tensors are values with
// copy-on-write storage, so a capture costs nothing until the weight is written.

/// Sums `g` down to `shape`, undoing broadcasting: the gradient of a broadcast input.
func unbroadcast(_ g: Tensor, to shape: [Int]) -> Tensor {
    if g.shape == shape { return g }
    let lead = g.rank - shape.count
    var axes = Array(0..<lead)
    for (i, s) in shape.enumerated() where s == 1 && g.shape[lead + i] != 1 { axes.append(lead + i) }
    return g.sum(axes: axes, keepDims: true).reshaped(shape)
}

extension Variable {
    // MARK: Arithmetic (broadcasting)

    /// a + b.   ∂a = g, ∂b = g (each summed back to its own shape)
    public static func + (a: Variable, b: Variable) -> Variable {
        Variable(a.value + b.value, op: "add", inputs: [a, b]) { [sa = a.shape, sb = b.shape] g in
            [unbroadcast(g, to: sa), unbroadcast(g, to: sb)]
        }
    }

    /// a − b.   ∂a = g, ∂b = −g
    public static func - (a: Variable, b: Variable) -> Variable {
        Variable(a.value - b.value, op: "sub", inputs: [a, b]) { [sa = a.shape, sb = b.shape] g in
            [unbroadcast(g, to: sa), b.requiresGrad ? unbroadcast(-g, to: sb) : nil]
        }
    }

    /// a · b (element-wise).   ∂a = g·b, ∂b = g·a
    public static func * (a: Variable, b: Variable) -> Variable {
        Variable(a.value * b.value, op: "mul", inputs: [a, b]) { [av = a.value, bv = b.value] g in
            [
                a.requiresGrad ? unbroadcast(g * bv, to: av.shape) : nil,
                b.requiresGrad ? unbroadcast(g * av, to: bv.shape) : nil,
            ]
        }
    }

    /// a / b.   ∂a = g/b, ∂b = −g·a/b²
    public static func / (a: Variable, b: Variable) -> Variable {
        Variable(a.value / b.value, op: "div", inputs: [a, b]) { [av = a.value, bv = b.value] g in
            [
                a.requiresGrad ? unbroadcast(g / bv, to: av.shape) : nil,
                b.requiresGrad ? unbroadcast(-g * av / (bv * bv), to: bv.shape) : nil,
            ]
        }
    }

    /// a · s for a constant s.   ∂a = g·s
    public static func * (a: Variable, s: Float) -> Variable {
        Variable(a.value * s, op: "scale", inputs: [a]) { g in [g * s] }
    }

    /// a + s for a constant s.   ∂a = g
    public static func + (a: Variable, s: Float) -> Variable {
        Variable(a.value + s, op: "shift", inputs: [a]) { g in [g] }
    }

    /// −a.   ∂a = −g
    public static prefix func - (a: Variable) -> Variable {
        Variable(-a.value, op: "neg", inputs: [a]) { g in [-g] }
    }

    // MARK: Element-wise functions

    /// eˣ.   ∂x = g·eˣ
    public func exp() -> Variable {
        let y = value.exp()
        return Variable(y, op: "exp", inputs: [self]) { g in [g * y] }
    }

    /// ln x.   ∂x = g/x
    public func log() -> Variable {
        Variable(value.log(), op: "log", inputs: [self]) { [value] g in [g / value] }
    }

    /// xᵖ for a constant p.   ∂x = g·p·xᵖ⁻¹
    public func pow(_ p: Float) -> Variable {
        Variable(value.pow(p), op: "pow", inputs: [self]) { [value] g in [g * (value.pow(p - 1) * p)] }
    }

    /// √x.   ∂x = g / (2√x)
    public func sqrt() -> Variable {
        let y = value.sqrt()
        return Variable(y, op: "sqrt", inputs: [self]) { g in [g / (y * 2)] }
    }

    /// |x|.   ∂x = g·sign(x)
    public func abs() -> Variable {
        Variable(value.abs(), op: "abs", inputs: [self]) { [value] g in [g * value.sign()] }
    }

    /// tanh x.   ∂x = g·(1 − tanh²x)
    public func tanh() -> Variable {
        let y = value.tanh()
        return Variable(y, op: "tanh", inputs: [self]) { g in [Tensor.tanhBackward(g, output: y)] }
    }

    /// σ(x) = 1/(1 + e⁻ˣ).   ∂x = g·σ(x)(1 − σ(x))
    public func sigmoid() -> Variable {
        let y = value.sigmoid()
        return Variable(y, op: "sigmoid", inputs: [self]) { g in [Tensor.zip(g, y) { $0 * $1 * (1 - $1) }] }
    }

    /// max(x, 0).   ∂x = g where x > 0, else 0
    public func relu() -> Variable {
        Variable(value.relu(), op: "relu", inputs: [self]) { [value] g in [Tensor.leakyReluBackward(g, input: value, slope: 0)] }
    }

    /// x if x > 0 else slope·x.   ∂x = g or slope·g
    public func leakyRelu(_ slope: Float = 0.01) -> Variable {
        Variable(value.leakyRelu(slope), op: "leaky_relu", inputs: [self]) { [value] g in
            [Tensor.leakyReluBackward(g, input: value, slope: slope)]
        }
    }

    /// x limited to [low, high].   ∂x = g inside the range, 0 where clamped
    public func clamp(min low: Float = -.infinity, max high: Float = .infinity) -> Variable {
        Variable(value.clamp(min: low, max: high), op: "clamp", inputs: [self]) { [value] g in
            [Tensor.zip(g, value) { $1 >= low && $1 <= high ? $0 : 0 }]
        }
    }

    /// `a` where `condition` ≠ 0, else `b` (condition is not differentiated).   ∂a = g·c, ∂b = g·(1 − c)
    public static func `where`(_ condition: Tensor, _ a: Variable, _ b: Variable) -> Variable {
        Variable(Tensor.where(condition, a.value, b.value), op: "where", inputs: [a, b]) { [sa = a.shape, sb = b.shape] g in
            let zero = Tensor.zeros([])
            return [
                a.requiresGrad ? unbroadcast(Tensor.where(condition, g, zero), to: sa) : nil,
                b.requiresGrad ? unbroadcast(Tensor.where(condition, zero, g), to: sb) : nil,
            ]
        }
    }

    // MARK: Reductions

    /// Σ over `axes` (all when nil).   ∂x = g copied back over the summed axes
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
        let inShape = shape
        let kept = value.sum(axes: axes, keepDims: true).shape
        return Variable(value.sum(axes: axes, keepDims: keepDims), op: "sum", inputs: [self]) { g in
            [g.reshaped(kept).broadcast(to: inShape)]
        }
    }

    /// Largest value along `axis`.   ∂x = g at the position of the maximum (first on ties), 0 elsewhere
    public func max(axis: Int, keepDims: Bool = false) -> Variable {
        let a = Tensor.normalize(axis: axis, rank: value.rank)
        let positions = value.argmax(axis: a, keepDims: true)
        let inShape = shape
        return Variable(value.max(axis: a, keepDims: keepDims), op: "max", inputs: [self]) { g in
            let along = Tensor.arange(0, Float(inShape[a])).reshaped((0..<inShape.count).map { $0 == a ? inShape[a] : 1 })
            let mask = along .== positions
            return [mask * g.reshaped(positions.shape)]
        }
    }

    // MARK: Shape

    /// Same scalars, new shape.   ∂x = g reshaped back
    public func reshaped(_ newShape: [Int]) -> Variable {
        let inShape = shape
        return Variable(value.reshaped(newShape), op: "reshape", inputs: [self]) { g in [g.reshaped(inShape)] }
    }

    /// Axes reordered.   ∂x = g permuted by the inverse order
    public func permuted(_ axes: [Int]) -> Variable {
        var inverse = [Int](repeating: 0, count: axes.count)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return Variable(value.permuted(axes), op: "permute", inputs: [self]) { g in [g.permuted(inverse)] }
    }

    /// Indexing and slicing.   ∂x = g written back into the selected positions, 0 elsewhere
    public subscript(_ indices: [TensorIndex]) -> Variable {
        let inShape = shape
        return Variable(value[indices], op: "index", inputs: [self]) { g in
            [Variable.scatter(g, into: inShape, indices: indices)]
        }
    }

    /// g placed at `indices` of a zero tensor of `shape`.
    static func scatter(_ g: Tensor, into shape: [Int], indices: [TensorIndex]) -> Tensor {
        // Each axis selects distinct positions, so writing g is the same as accumulating it.
        var dx = Tensor.zeros(shape)
        let (_, selectedShape) = try! dx.resolve(indices)
        dx[indices] = g.reshaped(selectedShape)
        return dx
    }

    /// Joined along `axis`.   ∂ each part = its slice of g
    public static func concat(_ parts: [Variable], axis: Int = 0) -> Variable {
        let a = Tensor.normalize(axis: axis, rank: parts[0].value.rank)
        let sizes = parts.map { $0.shape[a] }
        return Variable(Tensor.concat(parts.map(\.value), axis: a), op: "concat", inputs: parts) { g in
            var start = 0
            return sizes.map { size in
                defer { start += size }
                var index = [TensorIndex](repeating: .all, count: g.rank)
                index[a] = .slice(start: start, end: start + size, step: 1)
                return g[index]
            }
        }
    }

    // MARK: Linear algebra

    /// Matrix product of matrices or batches of matrices: `[…, M, K] @ […, K, N]` → `[…, M, N]`.
    /// ∂a = g @ bᵀ, ∂b = aᵀ @ g (summed over a shared batch)
    public static func matmul(_ a: Variable, _ b: Variable) -> Variable {
        precondition(a.value.rank >= 2 && b.value.rank >= 2, "Variable.matmul takes matrices; vectors are reshaped by `matmul`")
        return Variable(Tensor.matmul(a.value, b.value), op: "matmul", inputs: [a, b]) { [av = a.value, bv = b.value] g in
            if av.rank == 2 && bv.rank == 2 {
                return [
                    a.requiresGrad ? Tensor.gemm(g, bv, transposeB: true) : nil,
                    b.requiresGrad ? Tensor.gemm(av, transposeA: true, g) : nil,
                ]
            }
            let da = a.requiresGrad ? Tensor.matmul(g, bv.transposed(-2, -1)) : nil
            let db = b.requiresGrad ? Tensor.matmul(av.transposed(-2, -1), g) : nil
            return [da.map { unbroadcastBatch($0, to: av.shape) }, db.map { unbroadcastBatch($0, to: bv.shape) }]
        }
    }

    // MARK: Convolution and pooling

    /// 2-D convolution: `x: [N, Cin, H, W]`, `weight: [Cout, Cin, kh, kw]`, `bias: [Cout]` → `[N, Cout, Ho, Wo]`.
    /// ∂x = col2im(Wᵀ·g), ∂W = g·im2col(x)ᵀ, ∂b = Σ g over N, Ho, Wo
    public static func conv2d(_ x: Variable, weight: Variable, bias: Variable?, stride: Int, padding: Int) -> Variable {
        // Keep the input only if the weight will want its gradient.
        let needWeight = GradMode.isEnabled && (weight.requiresGrad || bias?.requiresGrad == true)
        let (out, saved) = Conv.conv2d(
            x.value, weight: weight.value, bias: bias?.value, stride: stride, padding: padding,
            keepInput: needWeight)
        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        return Variable(out, op: "conv2d", inputs: inputs) { [w = weight.value] g in
            let grads = Conv.conv2dBackward(
                g, weight: w, saved: saved, needInput: x.requiresGrad,
                needWeight: needWeight)
            return [grads.dx, grads.dweight] + (bias == nil ? [] : [grads.dbias])
        }
    }

    /// Transposed convolution: `x: [N, Cin, H, W]`, `weight: [Cin, Cout, kh, kw]` → `[N, Cout, Ho, Wo]`,
    /// Ho = (H − 1)·s − 2p + kh + outputPadding.   ∂x = Wᵀ-conv of g, ∂W = x·im2col(g)ᵀ, ∂b = Σ g
    public static func convTranspose2d(
        _ x: Variable, weight: Variable, bias: Variable?, stride: Int, padding: Int,
        outputPadding: Int = 0
    ) -> Variable {
        let (out, geometry) = Conv.convTranspose2d(
            x.value, weight: weight.value, bias: bias?.value, stride: stride,
            padding: padding, outputPadding: outputPadding)
        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        return Variable(out, op: "conv_transpose2d", inputs: inputs) { [xv = x.value, w = weight.value] g in
            let grads = Conv.convTranspose2dBackward(
                g, x: xv, weight: w, geometry: geometry,
                needInput: x.requiresGrad,
                needWeight: weight.requiresGrad || bias?.requiresGrad == true)
            return [grads.dx, grads.dweight] + (bias == nil ? [] : [grads.dbias])
        }
    }

    /// Max pooling over k×k windows: `[N, C, H, W]` → `[N, C, Ho, Wo]`.   ∂x = g routed to each window's maximum
    public func maxPool2d(kernel: Int, stride: Int) -> Variable {
        let (out, winners) = Conv.maxPool2d(value, kernel: kernel, stride: stride)
        let inShape = shape
        return Variable(out, op: "max_pool2d", inputs: [self]) { g in
            [Conv.maxPool2dBackward(g, inputShape: inShape, winners: winners)]
        }
    }
}

/// Sums a batched gradient over batch axes the input did not have (a matrix shared by a batch).
func unbroadcastBatch(_ g: Tensor, to shape: [Int]) -> Tensor {
    if g.shape == shape { return g }
    let lead = g.rank - shape.count
    return g.sum(axes: Array(0..<lead)).reshaped(shape)
}

extension Variable {
    /// The affine map of a Linear layer: `x: [N, in]`, `weight: [out, in]`, `bias: [out]` → `[N, out]`,
    /// y = x·Wᵀ + b in one GEMM (no transposed copy of W).   ∂x = g·W, ∂W = gᵀ·x, ∂b = Σ over rows of g
    public static func linear(_ x: Variable, weight: Variable, bias: Variable?) -> Variable {
        precondition(x.value.rank == 2, "linear takes [N, in] inputs")
        var y = Tensor.gemm(x.value, weight.value, transposeB: true)
        if let bias { y = y + bias.value }
        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        return Variable(y, op: "linear", inputs: inputs) { [xv = x.value, w = weight.value] g in
            [
                x.requiresGrad ? Tensor.gemm(g, w) : nil,
                weight.requiresGrad ? Tensor.gemm(g, transposeA: true, xv) : nil,
            ]
                + (bias == nil ? [] : [bias!.requiresGrad ? g.sum(axes: [0]) : nil])
        }
    }
}

extension Variable {
    /// Batch normalisation in training mode over axis 1 of `[N, C]` or `[N, C, H, W]`:
    /// y = (x − μ)/√(σ² + ε)·γ + β with the batch's per-channel μ and biased σ².
    /// ∂x = γ/√(σ²+ε)·(g − mean g − x̂·mean(g·x̂)), ∂γ = Σ g·x̂, ∂β = Σ g.
    /// (It equals the composite of mean, subtraction, variance and division, checked by the tests; one
    /// primitive is several times faster.) Returns the batch μ and σ² for the running statistics.
    public static func batchNorm(_ x: Variable, gamma: Variable, beta: Variable, eps: Float) -> (Variable, mean: [Float], variance: [Float]) {
        let (y, saved, mean, variance) = BatchNormKernel.forward(x.value, gamma: gamma.value, beta: beta.value, eps: eps)
        let out = Variable(y, op: "batch_norm", inputs: [x, gamma, beta]) { [gammaValue = gamma.value] g in
            let grads = BatchNormKernel.backward(g, gamma: gammaValue, saved: saved)
            return [grads.dx, gamma.requiresGrad ? grads.dgamma : nil, beta.requiresGrad ? grads.dbeta : nil]
        }
        return (out, mean, variance)
    }
}
