import Autograd
import CellLanguage
import GANLab
import NN
import TensorCore

/// Calls a layer on an input after checking that the input fits, so no cell can reach an engine
/// precondition: `Linear(784, 10)` on `[64, 1, 28, 28]` says what is wrong and what would fit.
enum Layers {
    static func forward(_ m: Module, _ x: Variable, at range: SourceRange) throws(CellError) -> Variable {
        if let seq = m as? Sequential {
            var h = x
            for (i, layer) in seq.layers.enumerated() {
                do { h = try forward(layer, h, at: range) } catch {
                    throw CellError(error.kind, "in layer \(i) (\(layer.typeName)): " + error.message, at: error.range ?? range, hint: error.hint)
                }
            }
            return h
        }
        try check(m, x.shape, at: range)
        return m(x)
    }

    static func check(_ m: Module, _ shape: [Int], at range: SourceRange) throws(CellError) {
        func fail(_ message: String) -> CellError { CellError(.shape, message, at: range) }
        switch m {
        case let l as Linear:
            guard shape.count == 2 else {
                throw fail("Linear takes [batch, \(l.inFeatures)], got \(describe(shape))" + (shape.count > 2 ? " — flatten it first, e.g. x.flatten(1)" : ""))
            }
            guard shape[1] == l.inFeatures else {
                throw fail("Linear(\(l.inFeatures), \(l.outFeatures)) needs \(l.inFeatures) features per row, got \(describe(shape))")
            }
            try Interpreter.checkBudget([shape[0], l.outFeatures], at: range)
        case let c as Conv2d:
            guard shape.count == 4, shape[1] == c.inChannels else {
                throw fail("Conv2d(\(c.inChannels), \(c.outChannels)) takes [batch, \(c.inChannels), height, width], got \(describe(shape))")
            }
            guard shape[2] + 2 * c.padding >= c.kernelSize, shape[3] + 2 * c.padding >= c.kernelSize else {
                throw fail("a \(c.kernelSize)×\(c.kernelSize) kernel does not fit in \(shape[2])×\(shape[3]) (padding \(c.padding))")
            }
            let ho = (shape[2] + 2 * c.padding - c.kernelSize) / c.stride + 1, wo = (shape[3] + 2 * c.padding - c.kernelSize) / c.stride + 1
            // The output, and the unfolded input the product is computed from.
            try Interpreter.checkBudget([shape[0], c.outChannels, ho, wo], at: range)
            try Interpreter.checkBudget([c.inChannels * c.kernelSize * c.kernelSize, shape[0], ho, wo], at: range)
        case let c as ConvTranspose2d:
            guard shape.count == 4, shape[1] == c.inChannels else {
                throw fail("ConvTranspose2d(\(c.inChannels), \(c.outChannels)) takes [batch, \(c.inChannels), height, width], got \(describe(shape))")
            }
            let ho = (shape[2] - 1) * c.stride - 2 * c.padding + c.kernelSize + c.outputPadding
            let wo = (shape[3] - 1) * c.stride - 2 * c.padding + c.kernelSize + c.outputPadding
            guard ho > 0, wo > 0 else { throw fail("the output of this transposed convolution would be empty") }
            try Interpreter.checkBudget([shape[0], c.outChannels, ho + 2 * c.padding, wo + 2 * c.padding], at: range)
            try Interpreter.checkBudget([c.outChannels * c.kernelSize * c.kernelSize, shape[0], shape[2], shape[3]], at: range)
        case let b as BatchNorm:
            let rank = b.spatial ? 4 : 2
            guard shape.count == rank, shape[1] == b.features else {
                throw fail("\(b.typeName)(\(b.features)) takes \(b.spatial ? "[batch, \(b.features), height, width]" : "[batch, \(b.features)]"), got \(describe(shape))")
            }
            guard !b.isTraining || shape[0] * (b.spatial ? shape[2] * shape[3] : 1) > 1 else {
                throw fail("\(b.typeName) in training mode needs more than one value per channel (a batch of at least 2); call .eval() first to use its running statistics")
            }
        case let p as MaxPool2d:
            guard shape.count == 4, shape[2] >= p.kernelSize, shape[3] >= p.kernelSize else {
                throw fail("MaxPool2d(\(p.kernelSize)) takes [batch, channels, height, width] at least \(p.kernelSize)×\(p.kernelSize), got \(describe(shape))")
            }
        case let u as Unflatten:
            guard shape.count == 2, shape[1] == u.shape.reduce(1, *) else {
                throw fail("Unflatten to \(describe(u.shape)) needs [batch, \(u.shape.reduce(1, *))], got \(describe(shape))")
            }
        case let f as Flatten:
            guard shape.count > f.startDim else { throw fail("Flatten(start_dim=\(f.startDim)) needs more than \(f.startDim) axes, got \(describe(shape))") }
        case is DCGANDiscriminator, is MLPDiscriminator, is DCGANGenerator, is MLPGenerator:
            try checkGAN(m, shape, fail: fail)
        default:
            break
        }
    }

    /// The reference GANs' networks: D takes images `[N, 1, 28, 28]`, G takes noise `[N, latent]`; in training
    /// mode the DCGAN's (BatchNorm) need a batch of at least 2.
    static func checkGAN(_ m: Module, _ shape: [Int], fail: (String) -> CellError) throws(CellError) {
        if m is DCGANDiscriminator || m is MLPDiscriminator {
            guard shape.count == 4, Array(shape.dropFirst()) == [1, 28, 28] else { throw fail("the discriminator takes images [batch, 1, 28, 28], got \(describe(shape))") }
            guard !m.isTraining || shape[0] > 1 || m is MLPDiscriminator else { throw fail("in training mode it needs a batch of at least 2; call .eval() first") }
            return
        }
        guard shape.count == 2 else { throw fail("the generator takes noise [batch, latent], got \(describe(shape))") }
        let latent = (m as? DCGANGenerator)?.fc.inFeatures ?? (m as? MLPGenerator).map { ($0.net.layers[0] as! Linear).inFeatures } ?? 100
        guard shape[1] == latent else { throw fail("the generator takes noise [batch, \(latent)], got \(describe(shape))") }
        guard !m.isTraining || shape[0] > 1 || m is MLPGenerator else { throw fail("in training mode it needs a batch of at least 2; call .eval() first") }
    }
}
