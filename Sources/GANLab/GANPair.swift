import Autograd
import NN
import TensorCore

/// The reference GAN: a generator, a discriminator and their Adam optimizers, trained by the shared
/// adversarial step (`Adversaries`), which is the step of `shared/bench/reference_gan.py`.
public final class GANPair: Adversaries {
    public let architecture: GANArchitecture
    /// The size of the noise z (100).
    public let latent: Int
    /// 10 for a conditional GAN (G and D are also told which digit each image is meant to be), 0 otherwise.
    public let classes: Int
    public let G: Module
    public let D: Module
    public let optimizerG: Adam
    public let optimizerD: Adam

    /// The losses and D's verdicts of one step.
    public struct StepResult: Sendable {
        public let lossD: Float
        public let lossG: Float
        /// Mean σ(D(real)) during the D update.
        public let dReal: Float
        /// Mean σ(D(G(z))) before D's update, and after it (during the G update).
        public let dFakeBefore: Float
        public let dFakeAfter: Float
    }

    /// Builds both networks with the DCGAN initialisation (N(0, 0.02) weights) and Adam(lr, betas (0.5, 0.999)).
    /// `classes` > 0 (the DCGAN only) makes a conditional pair: G reads z with a one-hot label, D an image
    /// with label planes (`generatorInput`, `discriminatorInput`), and both read the label again inside.
    public init(
        _ architecture: GANArchitecture, latent: Int = 100, classes: Int = 0, learningRate: Float = 2e-4,
        betas: (Float, Float) = (0.5, 0.999), using g: inout SeededGenerator
    ) {
        precondition(classes == 0 || architecture == .dcgan, "a conditional GAN is a DCGAN")
        self.architecture = architecture
        self.latent = latent
        self.classes = classes
        switch architecture {
        case .dcgan:
            G = DCGANGenerator(latent: latent + classes, classes: classes, using: &g)
            D = DCGANDiscriminator(classes: classes, using: &g)
        case .mlp:
            G = MLPGenerator(latent: latent, using: &g)
            D = MLPDiscriminator(using: &g)
        }
        Initializers.dcgan(G, using: &g)
        Initializers.dcgan(D, using: &g)
        optimizerG = Adam(G.namedParameters(), learningRate: learningRate, betas: betas)
        optimizerD = Adam(D.namedParameters(), learningRate: learningRate, betas: betas)
    }

    /// One training step, exactly as the reference does it:
    ///
    ///     fake = G(z)                                   (once, reused)
    ///     D: loss = bce(D(real), 1) + bce(D(fake.detach()), 0); backward; step     (two D passes;
    ///        one over both batches when D mixes no rows, the MLP's: see `updateD`)
    ///     G: loss = bce(D(fake), 1); backward through D into G; step               (non-saturating)
    ///
    /// Both networks stay in training mode, so every DCGAN D pass (three) updates bn2's running statistics.
    /// D's parameters are frozen during the G pass, so they keep the gradients of D's own update.
    /// `real: [N, 1, 28, 28]` in [−1, 1], `z: [N, latent]`.
    @discardableResult
    public func step(real: Tensor, z: Tensor) -> StepResult {
        // G's graph (through `fake`) ends inside the closure, before G's step: see `generatorGradients`.
        let (d, g): (DiscriminatorUpdate, GeneratorUpdate) = {
            let fake = G(Variable(z))
            let d = updateD(real: real, fake: fake)
            return (d, generatorGradients(fake: fake))
        }()
        optimizerG.step()
        return StepResult(lossD: d.loss, lossG: g.loss, dReal: d.dReal, dFakeBefore: d.dFake, dFakeAfter: g.dFake)
    }

    // MARK: Labels (a conditional pair)

    /// G's input: z `[N, latent]` with the one-hot labels `[N, classes]` behind it → `[N, latent + classes]`
    /// (z itself when the pair is not conditional).
    public func generatorInput(_ z: Tensor, labels: [Int]) -> Tensor {
        guard classes > 0 else { return z }
        return Tensor.concat([z, GANPair.oneHot(labels, classes: classes)], axis: 1)
    }

    /// D's input: images `[N, 1, 28, 28]` with `classes` label planes behind them → `[N, 1 + classes, 28, 28]`
    /// (the images themselves when the pair is not conditional). The gradient reaches the images.
    public func discriminatorInput(_ images: Variable, labels: [Int]) -> Variable {
        guard classes > 0 else { return images }
        let planes = LabelPlanes.planes(
            oneHot: GANPair.oneHot(labels, classes: classes), height: images.shape[2], width: images.shape[3])
        return Variable.concat([images, Variable(planes)], axis: 1)
    }

    /// `[N, classes]`: row i is 1 at `labels[i]`, 0 elsewhere.
    public static func oneHot(_ labels: [Int], classes: Int) -> Tensor {
        var s = [Float](repeating: 0, count: labels.count * classes)
        for (i, label) in labels.enumerated() { s[i * classes + label] = 1 }
        return Tensor(shape: [labels.count, classes], scalars: s)
    }

    /// G's and D's state under `G.` and `D.` prefixes, as the reference's checkpoint names them.
    public func stateDict() -> [(name: String, tensor: Tensor)] {
        G.stateDict(prefix: "G.") + D.stateDict(prefix: "D.")
    }
}
