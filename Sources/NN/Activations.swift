import Autograd
import TensorCore

/// max(x, 0), element-wise. Any shape.
public final class ReLU: Module {
    public override func forward(_ x: Variable) -> Variable { x.relu() }
    public override var typeName: String { "ReLU" }
    public override var isRowWise: Bool { true }
}

/// x if x > 0 else slope·x, element-wise. Any shape.
public final class LeakyReLU: Module {
    public let negativeSlope: Float
    public init(_ negativeSlope: Float = 0.01) { self.negativeSlope = negativeSlope }
    public override func forward(_ x: Variable) -> Variable { x.leakyRelu(negativeSlope) }
    public override var typeName: String { "LeakyReLU" }
    public override var isRowWise: Bool { true }
    public override var settings: String { "negative_slope=\(negativeSlope)" }
}

/// tanh x, element-wise: squashes to (−1, 1). Any shape.
public final class Tanh: Module {
    public override func forward(_ x: Variable) -> Variable { x.tanh() }
    public override var typeName: String { "Tanh" }
    public override var isRowWise: Bool { true }
}

/// 1 / (1 + e⁻ˣ), element-wise: squashes to (0, 1). Any shape.
public final class Sigmoid: Module {
    public override func forward(_ x: Variable) -> Variable { x.sigmoid() }
    public override var typeName: String { "Sigmoid" }
    public override var isRowWise: Bool { true }
}

/// In training, zeroes each element with probability p and scales the rest by 1/(1 − p); identity in eval.
public final class Dropout: Module {
    public let p: Float
    private var generator: SeededGenerator
    /// The stream the masks are drawn from (kept by the workspace, so a restored Dropout drops the same).
    public var randomState: SeededGenerator {
        get { generator }
        set { generator = newValue }
    }
    public init(_ p: Float = 0.5, using g: inout SeededGenerator) {
        self.p = p
        self.generator = SeededGenerator(seed: g.next())
    }
    public override func forward(_ x: Variable) -> Variable {
        guard isTraining, p > 0 else { return x }
        let keep = Tensor.rand(x.shape, using: &generator).map { $0 >= self.p ? 1 / (1 - self.p) : 0 }
        return x * Variable(keep)
    }
    public override var typeName: String { "Dropout" }
    public override var settings: String { "p=\(p)" }
}

/// Max over k×k windows.   `[N, C, H, W]` → `[N, C, (H − k)/s + 1, (W − k)/s + 1]`; stride defaults to k.
public final class MaxPool2d: Module {
    public let kernelSize: Int
    public let stride: Int
    public init(_ kernelSize: Int, stride: Int? = nil) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }
    public override func forward(_ x: Variable) -> Variable { x.maxPool2d(kernel: kernelSize, stride: stride) }
    public override var typeName: String { "MaxPool2d" }
    public override var isRowWise: Bool { true }
    public override var settings: String { "kernel_size=\(kernelSize), stride=\(stride)" }
}

/// `[N, d1, d2, …]` → `[N, d1·d2·…]` (axes from `startDim` on merged).
public final class Flatten: Module {
    public let startDim: Int
    public init(startDim: Int = 1) { self.startDim = startDim }
    public override func forward(_ x: Variable) -> Variable { x.flattened(from: startDim) }
    public override var typeName: String { "Flatten" }
    public override var isRowWise: Bool { startDim >= 1 }
    public override var settings: String { "start_dim=\(startDim), end_dim=-1" }
}

/// `[N, d]` → `[N] + shape` (the inverse of Flatten): e.g. `[N, 6272]` → `[N, 128, 7, 7]`.
public final class Unflatten: Module {
    public let shape: [Int]
    public init(_ shape: [Int]) { self.shape = shape }
    public override func forward(_ x: Variable) -> Variable { x.reshaped([x.shape[0]] + shape) }
    public override var typeName: String { "Unflatten" }
    public override var isRowWise: Bool { true }
    public override var settings: String { "dim=1, unflattened_size=(\(shape.map(String.init).joined(separator: ", ")))" }
}

/// Layers applied in order; children are named "0", "1", … as in PyTorch.
public final class Sequential: Module {
    public let layers: [Module]
    public init(_ layers: [Module]) {
        self.layers = layers
        super.init()
        for (i, layer) in layers.enumerated() { addChild(String(i), layer) }
    }
    public override func forward(_ x: Variable) -> Variable { layers.reduce(x) { $1($0) } }
    public override var typeName: String { "Sequential" }
    public override var isRowWise: Bool { layers.allSatisfy(\.isRowWise) }
}
