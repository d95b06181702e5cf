import GANLab
import NN
import TensorCore

/// How to build a module again: its kind, its constructor's numbers, its children. Only the structure:
/// the weights come from the workspace's tensors, so the random initialisation here is thrown away.
struct ModuleRecipe: Codable, Equatable {
    var kind: String
    var ints: [Int] = []
    var floats: [Float] = []
    var children: [ModuleRecipe] = []

    /// The recipe of `m`, or nil for a kind of module the workspace does not know how to build.
    init?(_ m: Module) {
        kind = m.typeName
        switch m {
        case let l as Linear: ints = [l.inFeatures, l.outFeatures, l.bias == nil ? 0 : 1]
        case let c as Conv2d: ints = [c.inChannels, c.outChannels, c.kernelSize, c.stride, c.padding, c.bias == nil ? 0 : 1]
        case let c as ConvTranspose2d:
            ints = [c.inChannels, c.outChannels, c.kernelSize, c.stride, c.padding, c.outputPadding, c.bias == nil ? 0 : 1]
        case let b as BatchNorm:
            ints = [b.features, b.spatial ? 1 : 0]
            floats = [b.eps, b.momentum]
        case let r as LeakyReLU: floats = [r.negativeSlope]
        case let d as Dropout: floats = [d.p]
        case let p as MaxPool2d: ints = [p.kernelSize, p.stride]
        case let f as Flatten: ints = [f.startDim]
        case let u as Unflatten: ints = u.shape
        case let s as Sequential:
            var parts: [ModuleRecipe] = []
            for layer in s.layers {
                guard let r = ModuleRecipe(layer) else { return nil }
                parts.append(r)
            }
            children = parts
        // The reference networks print as "Generator" and "Discriminator" whichever architecture they are.
        case let g as DCGANGenerator: (kind, ints) = ("DCGANGenerator", [g.fc.inFeatures, g.classes])
        case let g as MLPGenerator: (kind, ints) = ("MLPGenerator", [(g.net.layers.first as? Linear)?.inFeatures ?? 100])
        case let d as DCGANDiscriminator: (kind, ints) = ("DCGANDiscriminator", [d.classes])
        case is MLPDiscriminator: kind = "MLPDiscriminator"
        case is ReLU, is Tanh, is Sigmoid: break
        default: return nil
        }
    }

    /// Builds the module; nil when the recipe is not one `init?(_:)` writes (a damaged manifest).
    func build() -> Module? {
        var g = SeededGenerator(seed: 0)
        func int(_ i: Int, _ range: ClosedRange<Int> = 0...1 << 20) -> Int? { i < ints.count && range.contains(ints[i]) ? ints[i] : nil }
        func float(_ i: Int) -> Float? { i < floats.count && floats[i].isFinite ? floats[i] : nil }
        switch kind {
        case "Linear":
            guard let a = int(0, 1...1 << 20), let b = int(1, 1...1 << 20), let bias = int(2), a * b <= 1 << 26 else { return nil }
            return Linear(a, b, bias: bias == 1, using: &g)
        case "Conv2d", "ConvTranspose2d":
            let transposed = kind == "ConvTranspose2d"
            guard let i = int(0, 1...4096), let o = int(1, 1...4096), let k = int(2, 1...64), let s = int(3, 1...64), let p = int(4, 0...64),
                let bias = int(transposed ? 6 : 5), i * o * k * k <= 1 << 26
            else { return nil }
            if transposed {
                guard let op = int(5, 0...64) else { return nil }
                return ConvTranspose2d(i, o, kernelSize: k, stride: s, padding: p, outputPadding: op, bias: bias == 1, using: &g)
            }
            return Conv2d(i, o, kernelSize: k, stride: s, padding: p, bias: bias == 1, using: &g)
        case "BatchNorm1d", "BatchNorm2d", "BatchNorm":
            guard let n = int(0, 1...1 << 20), let spatial = int(1), let eps = float(0), let momentum = float(1) else { return nil }
            return BatchNorm(n, spatial: spatial == 1, eps: eps, momentum: momentum)
        case "LeakyReLU": return float(0).map { LeakyReLU($0) }
        case "Dropout":
            guard let p = float(0), (0...1).contains(p) else { return nil }
            return Dropout(p, using: &g)
        case "MaxPool2d":
            guard let k = int(0, 1...64), let s = int(1, 1...64) else { return nil }
            return MaxPool2d(k, stride: s)
        case "Flatten": return int(0, 0...8).map { Flatten(startDim: $0) }
        case "Unflatten":
            guard !ints.isEmpty, ints.count <= 8, ints.allSatisfy({ (1...1 << 20).contains($0) }) else { return nil }
            return Unflatten(ints)
        case "Sequential":
            var layers: [Module] = []
            for c in children {
                guard let m = c.build() else { return nil }
                layers.append(m)
            }
            return Sequential(layers)
        case "ReLU": return ReLU()
        case "Tanh": return Tanh()
        case "Sigmoid": return Sigmoid()
        case "DCGANGenerator":
            // Recipes written before conditional Gs had no class count: 0.
            guard let latent = int(0, 1...4096), let classes = ints.count > 1 ? int(1, 0...100) : 0 else { return nil }
            return DCGANGenerator(latent: latent, classes: classes, using: &g)
        case "MLPGenerator": return int(0, 1...4096).map { MLPGenerator(latent: $0, using: &g) }
        case "DCGANDiscriminator":
            guard let classes = ints.isEmpty ? 0 : int(0, 0...100) else { return nil }
            return DCGANDiscriminator(classes: classes, using: &g)
        case "MLPDiscriminator": return MLPDiscriminator(using: &g)
        default: return nil
        }
    }
}
