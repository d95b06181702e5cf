import Autograd
import TensorCore

/// The GANs of the PyTorch reference (`shared/bench/reference_gan.py`), layer for layer, with the
/// same parameter names: a checkpoint of either loads into the other.
public enum GANArchitecture: String, Sendable, CaseIterable {
    /// Convolutional: transposed convolutions up from 7×7, convolutions down to a logit.
    case dcgan
    /// Fully connected.
    case mlp
}

/// DCGAN generator.   z: `[N, nz]` → images `[N, 1, 28, 28]` in (−1, 1).
///
///     fc Linear(nz → 128·7·7) → bn0 BatchNorm1d → ReLU → view [N, 128, 7, 7]
///     → deconv1 ConvTranspose2d(128 → 64, k4 s2 p1) → bn1 BatchNorm2d → ReLU     (14×14)
///     → deconv2 ConvTranspose2d(64 → 1, k4 s2 p1) → Tanh                       (28×28)
public final class DCGANGenerator: Module {
    public let fc: Linear, bn0: BatchNorm, deconv1: ConvTranspose2d, bn1: BatchNorm, deconv2: ConvTranspose2d

    public init(latent: Int = 100, using g: inout SeededGenerator) {
        fc = Linear(latent, 128 * 7 * 7, using: &g)
        bn0 = BatchNorm1d(128 * 7 * 7)
        deconv1 = ConvTranspose2d(128, 64, kernelSize: 4, stride: 2, padding: 1, using: &g)
        bn1 = BatchNorm2d(64)
        deconv2 = ConvTranspose2d(64, 1, kernelSize: 4, stride: 2, padding: 1, using: &g)
        super.init()
        addChild("fc", fc); addChild("bn0", bn0); addChild("deconv1", deconv1); addChild("bn1", bn1); addChild("deconv2", deconv2)
    }

    public override func forward(_ z: Variable) -> Variable {
        var h = bn0(fc(z)).relu().reshaped([z.shape[0], 128, 7, 7])
        h = bn1(deconv1(h)).relu()
        return deconv2(h).tanh()
    }

    public override var typeName: String { "Generator" }
}

/// DCGAN discriminator.   images `[N, 1, 28, 28]` → logits `[N]` (positive: "real").
///
///     conv1 Conv2d(1 → 64, k4 s2 p1) → LeakyReLU 0.2                          (14×14)
///     → conv2 Conv2d(64 → 128, k4 s2 p1) → bn2 BatchNorm2d → LeakyReLU 0.2    (7×7)
///     → flatten → fc Linear(6272 → 1)
public final class DCGANDiscriminator: Module {
    public let conv1: Conv2d, conv2: Conv2d, bn2: BatchNorm, fc: Linear

    public init(using g: inout SeededGenerator) {
        conv1 = Conv2d(1, 64, kernelSize: 4, stride: 2, padding: 1, using: &g)
        conv2 = Conv2d(64, 128, kernelSize: 4, stride: 2, padding: 1, using: &g)
        bn2 = BatchNorm2d(128)
        fc = Linear(128 * 7 * 7, 1, using: &g)
        super.init()
        addChild("conv1", conv1); addChild("conv2", conv2); addChild("bn2", bn2); addChild("fc", fc)
    }

    public override func forward(_ x: Variable) -> Variable {
        var h = conv1(x).leakyRelu(0.2)
        h = bn2(conv2(h)).leakyRelu(0.2)
        return fc(h.flattened(from: 1)).reshaped([x.shape[0]])
    }

    public override var typeName: String { "Discriminator" }
}

/// MLP generator `net`: Linear(nz→256) LReLU 0.2, Linear(256→512) LReLU 0.2, Linear(512→784) Tanh → `[N, 1, 28, 28]`.
public final class MLPGenerator: Module {
    public let net: Sequential
    public init(latent: Int = 100, using g: inout SeededGenerator) {
        net = Sequential([Linear(latent, 256, using: &g), LeakyReLU(0.2), Linear(256, 512, using: &g), LeakyReLU(0.2),
                          Linear(512, 784, using: &g), Tanh()])
        super.init()
        addChild("net", net)
    }
    public override func forward(_ z: Variable) -> Variable { net(z).reshaped([z.shape[0], 1, 28, 28]) }
    public override var typeName: String { "Generator" }
}

/// MLP discriminator `net`: Linear(784→512) LReLU 0.2, Linear(512→256) LReLU 0.2, Linear(256→1) → logits `[N]`.
public final class MLPDiscriminator: Module {
    public let net: Sequential
    public init(using g: inout SeededGenerator) {
        net = Sequential([Linear(784, 512, using: &g), LeakyReLU(0.2), Linear(512, 256, using: &g), LeakyReLU(0.2),
                          Linear(256, 1, using: &g)])
        super.init()
        addChild("net", net)
    }
    public override func forward(_ x: Variable) -> Variable { net(x.flattened(from: 1)).reshaped([x.shape[0]]) }
    public override var typeName: String { "Discriminator" }
}

/// A generator, a discriminator and their Adam optimizers, trained by the reference step.
public final class GANPair {
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
    public init(_ architecture: GANArchitecture, latent: Int = 100, learningRate: Float = 2e-4,
                betas: (Float, Float) = (0.5, 0.999), using g: inout SeededGenerator) {
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

    /// What one D update did: its loss (real part + fake part), and D's mean verdicts σ(D(·)).
    public struct DUpdate: Sendable {
        public let loss, lossReal, lossFake, dReal, dFake: Float
    }

    /// D's update: bce(D(real), realLabel) + bce(D(fake.detach()), 0). `realLabel` < 1 is one-sided label
    /// smoothing. Its own function so that D's two graphs are released before G's pass begins.
    public func updateD(real: Tensor, fake: Variable, realLabel: Float = 1) -> DUpdate {
        let n = real.shape[0]
        optimizerD.zeroGrad()
        let outReal = D(Variable(real))
        let outFake = D(fake.detach())
        let lossReal = Loss.bceWithLogits(outReal, Variable(.full([n], realLabel)))
        let lossFake = Loss.bceWithLogits(outFake, Variable(.zeros([n])))
        let lossD = lossReal + lossFake
        lossD.backward()
        optimizerD.step()
        return DUpdate(loss: lossD.value.item, lossReal: lossReal.value.item, lossFake: lossFake.value.item,
                       dReal: outReal.value.sigmoid().mean().item, dFake: outFake.value.sigmoid().mean().item)
    }

    /// G's update through the (frozen) D: bce(D(fake), 1), the non-saturating loss. Returns it and mean σ(D(fake)).
    public func updateG(fake: Variable) -> (loss: Float, dFake: Float) {
        let ones = Variable(.ones([fake.shape[0]]))
        optimizerG.zeroGrad()
        // D is frozen while G learns through it: its gradients would be thrown away anyway (PyTorch
        // computes them again; here D's .grad stays that of its own update, which is what a learner inspects).
        D.setRequiresGrad(false)
        defer { D.setRequiresGrad(true) }
        let outG = D(fake)
        let lossG = Loss.bceWithLogits(outG, ones)
        lossG.backward()
        optimizerG.step()
        return (lossG.value.item, outG.value.sigmoid().mean().item)
    }

    /// G's and D's state under `G.` and `D.` prefixes, as the reference's checkpoint names them.
    public func stateDict() -> [(name: String, tensor: Tensor)] {
        G.stateDict(prefix: "G.") + D.stateDict(prefix: "D.")
    }
}
