import Foundation
import TensorCore
import Testing

@testable import Autograd

/// Every differentiable primitive, checked against central finite differences (sums in Double).
@Suite("Derivatives agree with finite differences")
struct GradCheckTests {
    /// Random inputs of the given shapes, kept away from the kinks of relu/abs/max (|x| ≥ 0.1).
    static func inputs(_ shapes: [[Int]], seed: UInt64 = 7, positive: Bool = false) -> [Tensor] {
        var g = SeededGenerator(seed: seed)
        return shapes.map { shape in
            Tensor.randn(shape, using: &g).map { v in
                let away = v >= 0 ? v + 0.1 : v - 0.1
                return positive ? Swift.abs(away) + 0.2 : away
            }
        }
    }

    func expectGradient(
        _ name: String, _ shapes: [[Int]], positive: Bool = false, _ f: @escaping ([Variable]) -> Variable,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let result = GradCheck.check(GradCheckTests.inputs(shapes, positive: positive), f)
        #expect(result.passed, "\(name): \(result)", sourceLocation: sourceLocation)
    }

    @Test func arithmetic() {
        expectGradient("add (broadcast)", [[3, 4], [4]]) { $0[0] + $0[1] }
        expectGradient("sub (broadcast)", [[3, 1], [1, 4]]) { $0[0] - $0[1] }
        expectGradient("mul (broadcast)", [[2, 3, 4], [3, 1]]) { $0[0] * $0[1] }
        expectGradient("div", [[3, 4], [3, 4]], positive: true) { $0[0] / $0[1] }
        expectGradient("scale, shift, neg", [[5]]) { -($0[0] * 3 + 2) }
    }

    @Test func elementwise() {
        expectGradient("exp", [[4, 3]]) { $0[0].exp() }
        expectGradient("log", [[4, 3]], positive: true) { $0[0].log() }
        expectGradient("pow", [[4, 3]], positive: true) { $0[0].pow(2.5) }
        expectGradient("sqrt", [[4, 3]], positive: true) { $0[0].sqrt() }
        expectGradient("abs", [[4, 3]]) { $0[0].abs() }
        expectGradient("tanh", [[4, 3]]) { $0[0].tanh() }
        expectGradient("sigmoid", [[4, 3]]) { $0[0].sigmoid() }
        expectGradient("relu", [[4, 3]]) { $0[0].relu() }
        expectGradient("leaky_relu", [[4, 3]]) { $0[0].leakyRelu(0.2) }
        expectGradient("clamp", [[4, 3]]) { $0[0].clamp(min: -0.5, max: 0.7) }
        expectGradient("where", [[4, 3], [4, 3]]) { x in Variable.where(x[0].value .> Tensor(0), x[0], x[1] * 2) }
    }

    @Test func reductionsAndShapes() {
        expectGradient("sum over axes", [[2, 3, 4]]) { $0[0].sum(axes: [0, 2]) }
        expectGradient("sum keepDims", [[2, 3, 4]]) { $0[0].sum(axes: [1], keepDims: true) * $0[0] }
        expectGradient("max along an axis", [[3, 5]]) { $0[0].max(axis: 1) }
        expectGradient("mean, variance", [[4, 6]]) { $0[0].variance(axes: [0]) + $0[0].mean(axes: [1]).sum() }
        expectGradient("softmax", [[3, 5]]) { $0[0].softmax(axis: 1) }
        expectGradient("log_softmax", [[3, 5]]) { $0[0].logSoftmax(axis: 1) }
        expectGradient("reshape, permute", [[2, 3, 4]]) { $0[0].reshaped([6, 4]).transposed().permuted([1, 0]) }
        expectGradient("index and slice", [[4, 5]]) { $0[0][[.slice(start: 1, end: nil, step: 2), .at(-1)]] }
        expectGradient("concat", [[2, 3], [1, 3]]) { Variable.concat([$0[0], $0[1]], axis: 0) }
        expectGradient("stack", [[2, 3], [2, 3]]) { Variable.stack([$0[0], $0[1]], axis: 1) }
    }

    @Test func linearAlgebra() {
        expectGradient("matmul", [[3, 4], [4, 2]]) { matmul($0[0], $0[1]) }
        expectGradient("batched matmul", [[2, 3, 4], [2, 4, 2]]) { matmul($0[0], $0[1]) }
        expectGradient("batch @ shared matrix", [[2, 3, 4], [4, 2]]) { matmul($0[0], $0[1]) }
        expectGradient("vector @ matrix", [[4], [4, 3]]) { matmul($0[0], $0[1]) }
        expectGradient("linear", [[5, 4], [3, 4], [3]]) { Variable.linear($0[0], weight: $0[1], bias: $0[2]) }
    }

    @Test func convolutionAndPooling() {
        expectGradient("conv2d", [[2, 2, 5, 5], [3, 2, 3, 3], [3]]) {
            Variable.conv2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        }
        expectGradient("conv_transpose2d", [[2, 3, 3, 3], [3, 2, 4, 4], [2]]) {
            Variable.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        }
        expectGradient("conv_transpose2d with output padding", [[1, 2, 2, 2], [2, 2, 3, 3], [2]]) {
            Variable.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1, outputPadding: 1)
        }
        expectGradient("max_pool2d", [[1, 2, 4, 4]]) { $0[0].maxPool2d(kernel: 2, stride: 2) }
        expectGradient("batch_norm (2d)", [[3, 2, 2, 2], [2], [2]]) { Variable.batchNorm($0[0], gamma: $0[1], beta: $0[2], eps: 1e-5).0 }
        expectGradient("batch_norm (1d)", [[5, 3], [3], [3]]) { Variable.batchNorm($0[0], gamma: $0[1], beta: $0[2], eps: 1e-5).0 }
    }

    @Test("batch norm's backward, which recomputes x̂ from the saved input, matches its formula in Double")
    func batchNormBackwardFromInput() {
        // Inputs away from 0 (mean 10), as a layer's outputs often are: the kernel sums g·(x − μ), centred
        // first, rather than Σ g·x − μ·Σ g. Compared with the formula evaluated in Double.
        let base = GradCheckTests.inputs([[6, 2, 3, 3]])[0]
        let x = base + 10
        let g = GradCheckTests.inputs([[6, 2, 3, 3]], seed: 8)[0] * 0.5 + 0.1  // not an affine function of x
        let gamma = Tensor([1.5, -0.7])
        let v = Variable(x, requiresGrad: true), gv = Variable(gamma, requiresGrad: true)
        let (y, _, _) = Variable.batchNorm(v, gamma: gv, beta: Variable(.zeros([2]), requiresGrad: true), eps: 1e-5)
        (y * Variable(g)).sum().backward()
        // Reference: ∂x = γ·s·(g − mean g − x̂·mean(g·x̂)) per channel, all in Double.
        let n = 6, c = 2, l = 9, m = Double(n * l)
        // Errors are measured against the largest gradient of the channel: an element that nearly
        // cancels to 0 carries the rounding of its terms (~1e-7 of the largest), in any float32 kernel.
        var worst = 0.0, worstGamma = 0.0
        for ch in 0..<c {
            var xs: [Double] = [], gs: [Double] = [], idx: [Int] = []
            for i in 0..<n { for j in 0..<l { let k = (i * c + ch) * l + j; idx.append(k); xs.append(Double(x.scalars[k])); gs.append(Double(g.scalars[k])) } }
            let mu = xs.reduce(0, +) / m
            let variance = xs.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / m
            let s = 1 / (variance + 1e-5).squareRoot()
            let hat = xs.map { ($0 - mu) * s }
            let meanG = gs.reduce(0, +) / m, meanGHat = zip(gs, hat).map { $0 * $1 }.reduce(0, +) / m
            let wants = gs.indices.map { t in Double(gamma.scalars[ch]) * s * (gs[t] - meanG - hat[t] * meanGHat) }
            let largest = wants.map(abs).max()!
            for (t, k) in idx.enumerated() {
                worst = max(worst, abs(Double(v.grad!.scalars[k]) - wants[t]) / largest)
            }
            worstGamma = max(worstGamma, abs(Double(gv.grad!.scalars[ch]) - meanGHat * m) / abs(meanGHat * m))
        }
        #expect(worst < 1e-4, "∂x relative error \(worst)")
        #expect(worstGamma < 1e-4, "∂γ relative error \(worstGamma)")
    }

    @Test("the fused batch-norm primitive equals its composite definition")
    func batchNormComposite() {
        let x = Variable(GradCheckTests.inputs([[4, 3, 2, 2]])[0], requiresGrad: true)
        let (fused, _, _) = Variable.batchNorm(x, gamma: Variable(.ones([3])), beta: Variable(.zeros([3])), eps: 1e-5)
        let mean = x.mean(axes: [0, 2, 3], keepDims: true)
        let centered = x - mean
        let composite = centered * ((centered * centered).mean(axes: [0, 2, 3], keepDims: true) + 1e-5).pow(-0.5)
        let diff = (fused.value - composite.value).abs().max().item
        #expect(diff < 1e-5)
    }
}

@Suite("The tape")
struct TapeTests {
    @Test("gradients accumulate across backward calls until zeroGrad")
    func accumulation() {
        let w = Variable(Tensor([2, 3]), requiresGrad: true)
        (w * w).sum().backward()
        #expect(w.grad == Tensor([4, 6]))
        (w * w).sum().backward()
        #expect(w.grad == Tensor([8, 12]))
        w.zeroGrad()
        #expect(w.grad == nil)
    }

    @Test("a node used twice gets both contributions")
    func reuse() {
        let x = Variable(Tensor(3), requiresGrad: true)
        let y = x * x + x  // dy/dx = 2x + 1 = 7
        y.backward()
        #expect(x.grad == Tensor(7))
    }

    @Test("detach and noGrad stop the graph; frozen leaves get no gradient")
    func stopping() {
        let x = Variable(Tensor([1, 2]), requiresGrad: true)
        let y = (x.detach() * x).sum()
        y.backward()
        #expect(x.grad == Tensor([1, 2]))
        let z = noGrad { x * x }
        #expect(!z.requiresGrad && z.isLeaf)
        let w = Variable(Tensor([1]), requiresGrad: true)
        w.setRequiresGrad(false)
        let out = (w * x).sum()
        x.zeroGrad()
        out.backward()
        #expect(w.grad == nil && x.grad == Tensor([1, 1]))
    }

    @Test("intermediates keep .grad on request")
    func retainGrad() {
        let x = Variable(Tensor([1, -2]), requiresGrad: true)
        let h = x * 3
        h.retainsGrad = true
        h.relu().sum().backward()
        #expect(h.grad == Tensor([1, 0]))
        #expect(x.grad == Tensor([3, 0]))
    }

    @Test("the graph lists each op once, inputs first, with values and gradients")
    func graph() {
        let w = Variable(Tensor([0.5]), requiresGrad: true, label: "w")
        let x = Variable(Tensor([2]))
        let loss = ((w * x) - 1).pow(2).sum()
        loss.backward()
        let nodes = loss.graph()
        #expect(nodes.map(\.op) == ["leaf", "leaf", "mul", "shift", "pow", "sum"])
        #expect(nodes[0].label == "w" && nodes[0].grad == Tensor([0]))
        #expect(nodes[2].inputs == [0, 1])
        #expect(nodes.last!.value.item == 0)
    }

    @Test("a long chain does not overflow the stack")
    func deepGraph() {
        let x = Variable(Tensor(1), requiresGrad: true)
        var y = x
        for _ in 0..<20_000 { y = y * 1.0001 }
        y.backward()
        #expect(abs(x.grad!.item - Float(pow(1.0001, 20_000.0))) < 1e-2)
    }
}

/// A gradient is the gradient at the forward point: writing an input between forward and backward (an
/// optimizer step in between) must not change it. Each primitive's pullback keeps what it needs from
/// the forward pass.
@Suite("Gradients at the forward point")
struct ForwardPointTests {
    /// Gradients of `f(inputs).sum()` for fresh inputs, and for inputs written in place (as SGD and Adam
    /// write weights) after the forward pass and before backward: they must be the same.
    func expectForwardPoint(
        _ name: String, _ shapes: [[Int]], positive: Bool = false, _ f: ([Variable]) -> Variable,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let values = GradCheckTests.inputs(shapes, positive: positive)
        let fresh = values.map { Variable($0, requiresGrad: true) }
        f(fresh).sum().backward()
        let written = values.map { Variable($0, requiresGrad: true) }
        let loss = f(written).sum()
        for v in written { v.value.addInPlace(v.value.map { _ in 0.5 }, scale: 1) }  // the "optimizer step"
        loss.backward()
        for (i, (a, b)) in zip(fresh, written).enumerated() {
            #expect(a.grad?.scalars == b.grad?.scalars, "\(name): the gradient of input \(i) moved with its value", sourceLocation: sourceLocation)
        }
    }

    @Test("the issue's cells: (a @ b).sum(), then b changes, then backward gives the old b")
    func issueSequence() {
        let a = Variable(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), requiresGrad: true)
        let b = Variable(Tensor(shape: [3, 1], scalars: [1, -1, 2]), requiresGrad: true)
        let y = Variable.matmul(a, b).sum()
        b.value.addInPlace(Tensor(shape: [3, 1], scalars: [10, 10, 10]))
        y.backward()
        #expect(a.grad?.scalars == [1, -1, 2, 1, -1, 2])
    }

    @Test func binaryPrimitives() {
        expectForwardPoint("add", [[3, 4], [4]]) { $0[0] + $0[1] }
        expectForwardPoint("sub", [[3, 1], [1, 4]]) { $0[0] - $0[1] }
        expectForwardPoint("mul", [[2, 3, 4], [3, 1]]) { $0[0] * $0[1] }
        expectForwardPoint("div", [[3, 4], [3, 4]], positive: true) { $0[0] / $0[1] }
        var noise = SeededGenerator(seed: 11)
        let condition = Tensor.randn([3, 4], using: &noise) .> Tensor(0)
        expectForwardPoint("where", [[3, 4], [3, 4]]) { Variable.where(condition, $0[0], $0[1]) }
        expectForwardPoint("matmul", [[3, 4], [4, 2]]) { Variable.matmul($0[0], $0[1]) }
        expectForwardPoint("batched matmul", [[2, 3, 4], [4, 2]]) { Variable.matmul($0[0], $0[1]) }
    }

    @Test func layers() {
        expectForwardPoint("linear", [[4, 3], [2, 3], [2]]) { Variable.linear($0[0], weight: $0[1], bias: $0[2]) }
        expectForwardPoint("conv2d", [[2, 2, 5, 5], [3, 2, 3, 3], [3]]) { Variable.conv2d($0[0], weight: $0[1], bias: $0[2], stride: 1, padding: 1) }
        expectForwardPoint("conv_transpose2d", [[2, 2, 3, 3], [2, 3, 4, 4], [3]]) {
            Variable.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        }
        expectForwardPoint("batch_norm", [[4, 3], [3], [3]]) { v in
            // Weighted so that ∂γ and ∂x are not zero (the plain sum of a normalised batch is constant in x).
            Variable.batchNorm(v[0], gamma: v[1], beta: v[2], eps: 1e-5).0 * Variable(Tensor(shape: [4, 3], scalars: (0..<12).map { Float($0) }))
        }
        expectForwardPoint("log, pow, abs, relu, clamp", [[3, 4]], positive: true) { x in
            x[0].log() + x[0].pow(3) + x[0].abs() + x[0].relu() + x[0].clamp(min: 0.5, max: 1.5)
        }
    }
}
