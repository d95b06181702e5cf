import Autograd
import TensorCore

/// 2-D convolution.   x: `[N, Cin, H, W]` → `[N, Cout, Ho, Wo]`, Ho = (H + 2p − k)/s + 1.
/// weight `[Cout, Cin, k, k]`, bias `[Cout]`; both start U(−1/√(Cin·k·k), +…), PyTorch's default.
public final class Conv2d: Module {
    public let inChannels, outChannels, kernelSize, stride, padding: Int
    public let weight: Variable
    public let bias: Variable?

    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, using g: inout SeededGenerator
    ) {
        (self.inChannels, self.outChannels, self.kernelSize, self.stride, self.padding) =
            (inChannels, outChannels, kernelSize, stride, padding)
        (weight, self.bias) = defaultParameters(
            weight: [outChannels, inChannels, kernelSize, kernelSize], bias: bias ? outChannels : nil,
            fanIn: inChannels * kernelSize * kernelSize, using: &g)
        super.init()
        register("weight", weight)
        if let b = self.bias { register("bias", b) }
    }

    public override func forward(_ x: Variable) -> Variable {
        Variable.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }

    public override var typeName: String { "Conv2d" }
    public override var isRowWise: Bool { true }
    public override var settings: String {
        "\(inChannels), \(outChannels), kernel_size=(\(kernelSize), \(kernelSize)), stride=(\(stride), \(stride))"
            + (padding > 0 ? ", padding=(\(padding), \(padding))" : "") + (bias == nil ? ", bias=False" : "")
    }
}

/// Transposed 2-D convolution (upsampling).   x: `[N, Cin, H, W]` → `[N, Cout, Ho, Wo]`,
/// Ho = (H − 1)·s − 2p + k + outputPadding. weight `[Cin, Cout, k, k]` (PyTorch's layout), bias `[Cout]`;
/// both start U(−1/√(Cout·k·k), +…), since PyTorch computes this layer's fan-in from weight axis 1.
public final class ConvTranspose2d: Module {
    public let inChannels, outChannels, kernelSize, stride, padding, outputPadding: Int
    public let weight: Variable
    public let bias: Variable?

    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        outputPadding: Int = 0, bias: Bool = true, using g: inout SeededGenerator
    ) {
        (self.inChannels, self.outChannels, self.kernelSize, self.stride, self.padding, self.outputPadding) =
            (inChannels, outChannels, kernelSize, stride, padding, outputPadding)
        (weight, self.bias) = defaultParameters(
            weight: [inChannels, outChannels, kernelSize, kernelSize], bias: bias ? outChannels : nil,
            fanIn: outChannels * kernelSize * kernelSize, using: &g)
        super.init()
        register("weight", weight)
        if let b = self.bias { register("bias", b) }
    }

    public override func forward(_ x: Variable) -> Variable {
        Variable.convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding)
    }

    public override var typeName: String { "ConvTranspose2d" }
    public override var isRowWise: Bool { true }
    public override var settings: String {
        "\(inChannels), \(outChannels), kernel_size=(\(kernelSize), \(kernelSize)), stride=(\(stride), \(stride))"
            + (padding > 0 ? ", padding=(\(padding), \(padding))" : "")
            + (outputPadding > 0 ? ", output_padding=(\(outputPadding), \(outputPadding))" : "")
            + (bias == nil ? ", bias=False" : "")
    }
}

/// PyTorch's default initialisation of a layer's weight and bias: both U(−1/√fanIn, 1/√fanIn)
/// (kaiming_uniform with a = √5 reduces to this bound for the weight).
func defaultParameters(weight shape: [Int], bias: Int?, fanIn: Int, using g: inout SeededGenerator) -> (Variable, Variable?) {
    let bound = 1 / Float(fanIn).squareRoot()
    let weight = Variable(.rand(shape, low: -bound, high: bound, using: &g), requiresGrad: true)
    let b = bias.map { Variable(.rand([$0], low: -bound, high: bound, using: &g), requiresGrad: true) }
    return (weight, b)
}
