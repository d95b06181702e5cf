import Autograd
import TensorCore

/// Weight initialisers that replace PyTorch's defaults.
public enum Initializers {
    /// The DCGAN paper's initialisation: Conv, ConvTranspose and Linear weights N(0, 0.02), their biases 0;
    /// BatchNorm γ N(1, 0.02), β 0. Visits modules in tree order, so the same seed gives the same weights.
    public static func dcgan(_ model: Module, using g: inout SeededGenerator) {
        for (_, module) in model.namedModules() {
            switch module {
            case let m as Conv2d:
                m.weight.value = .randn(m.weight.shape, std: 0.02, using: &g)
                m.bias?.value = .zeros(m.bias!.shape)
            case let m as ConvTranspose2d:
                m.weight.value = .randn(m.weight.shape, std: 0.02, using: &g)
                m.bias?.value = .zeros(m.bias!.shape)
            case let m as Linear:
                m.weight.value = .randn(m.weight.shape, std: 0.02, using: &g)
                m.bias?.value = .zeros(m.bias!.shape)
            case let m as BatchNorm:
                m.weight.value = .randn(m.weight.shape, mean: 1, std: 0.02, using: &g)
                m.bias.value = .zeros(m.bias.shape)
            default:
                break
            }
        }
    }
}
