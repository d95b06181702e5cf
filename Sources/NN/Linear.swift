import Autograd
import TensorCore

/// y = x·Wᵀ + b.   x: `[N, in]` → `[N, out]`.
/// weight `[out, in]`, bias `[out]`; both start U(−1/√in, 1/√in), PyTorch's default.
public final class Linear: Module {
    public let inFeatures: Int
    public let outFeatures: Int
    public let weight: Variable
    public let bias: Variable?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, using g: inout SeededGenerator) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        (weight, self.bias) = defaultParameters(weight: [outFeatures, inFeatures], bias: bias ? outFeatures : nil, fanIn: inFeatures, using: &g)
        super.init()
        register("weight", weight)
        if let b = self.bias { register("bias", b) }
    }

    public override func forward(_ x: Variable) -> Variable { Variable.linear(x, weight: weight, bias: bias) }

    public override var typeName: String { "Linear" }
    public override var isRowWise: Bool { true }
    public override var settings: String { "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(bias != nil ? "True" : "False")" }
}
