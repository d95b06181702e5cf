import Autograd
import NN
import TensorCore

/// The reference GAN: a generator, a discriminator and their Adam optimizers, trained by the shared
/// adversarial step (`Adversaries`), which is the step of `shared/bench/reference_gan.py`.
public final class GANPair: Adversaries {
    public let architecture: GANArchitecture
    public let latent: Int
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
    public init(
        _ architecture: GANArchitecture, latent: Int = 100, learningRate: Float = 2e-4,
        betas: (Float, Float) = (0.5, 0.999), using g: inout SeededGenerator
    ) {
        self.architecture = architecture
        self.latent = latent
        switch architecture {
        case .dcgan:
            G = DCGANGenerator(latent: latent, using: &g)
            D = DCGANDiscriminator(using: &g)
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
    ///     D: loss = bce(D(real), 1) + bce(D(fake.detach()), 0); backward; step     (two D passes)
    ///     G: loss = bce(D(fake), 1); backward through D into G; step               (non-saturating)
    ///
    /// Both networks stay in training mode, so every D pass (three) updates bn2's running statistics.
    /// D's parameters are frozen during the G pass, so they keep the gradients of D's own update.
    /// `real: [N, 1, 28, 28]` in [−1, 1], `z: [N, latent]`.
    @discardableResult
    public func step(real: Tensor, z: Tensor) -> StepResult {
        let fake = G(Variable(z))
        let d = updateD(real: real, fake: fake)
        let g = updateG(fake: fake)
        return StepResult(lossD: d.loss, lossG: g.loss, dReal: d.dReal, dFakeBefore: d.dFake, dFakeAfter: g.dFake)
    }

    /// G's and D's state under `G.` and `D.` prefixes, as the reference's checkpoint names them.
    public func stateDict() -> [(name: String, tensor: Tensor)] {
        G.stateDict(prefix: "G.") + D.stateDict(prefix: "D.")
    }
}
