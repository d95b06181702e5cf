import TensorCore
import Testing

@testable import Autograd
@testable import GANLab
@testable import NN

@Suite("One reference GAN training step (DCGAN, MLP) agrees with PyTorch")
struct GANStepTests {
    /// Biases that feed straight into a training-mode BatchNorm: their true gradient is exactly 0, so
    /// PyTorch's is rounding noise, and Adam's first step (≈ lr · sign) moves them arbitrarily in (−lr, lr).
    static let noiseOnly: Set<String> = ["G.fc.bias", "G.deconv1.bias", "D.conv2.bias"]

    func state(_ prefix: String) -> [String: Tensor] {
        Dictionary(
            uniqueKeysWithValues: Torch.tensors.compactMap { name, t in
                name.hasPrefix(prefix) ? (String(name.dropFirst(prefix.count)), t) : nil
            })
    }

    /// One `GANPair.step` from the weights stored under `<fixture>.before.`, against PyTorch's step:
    /// losses and D's verdicts within `tolerance`, every updated weight within 1e-4 (entries that are
    /// rounding noise in PyTorch, `noiseOnly`, only within one Adam step of where they started).
    func checkStep(_ architecture: GANArchitecture, fixture: String, tolerance: Float, noiseOnly: Set<String> = []) throws {
        var g = SeededGenerator(seed: 0)
        let gan = GANPair(architecture, using: &g)
        let before = state("\(fixture).before.")
        try gan.G.loadStateDict(before, prefix: "G.")
        try gan.D.loadStateDict(before, prefix: "D.")

        let result = gan.step(real: Torch["\(fixture).real"], z: Torch["\(fixture).z"])
        expectMatch(Tensor(result.lossD), "\(fixture).loss_D", tolerance: tolerance)
        expectMatch(Tensor(result.lossG), "\(fixture).loss_G", tolerance: tolerance)
        expectMatch(Tensor(result.dReal), "\(fixture).D_x", tolerance: tolerance)
        expectMatch(Tensor(result.dFakeBefore), "\(fixture).D_G_z1", tolerance: tolerance)
        expectMatch(Tensor(result.dFakeAfter), "\(fixture).D_G_z2", tolerance: tolerance)

        for (name, tensor) in gan.stateDict() {
            if noiseOnly.contains(name) {
                // Whatever the noise, one Adam step moves each entry by at most lr.
                let moved = (tensor - Torch["\(fixture).before.\(name)"]).abs().max().item
                #expect(moved <= 2e-4 * 1.001, "\(name) moved \(moved)")
                continue
            }
            let err = relativeError(tensor, Torch["\(fixture).after.\(name)"])
            #expect(err <= 1e-4, "\(name): max error \(err)")
        }
    }

    @Test("D update then G update: losses, D's verdicts and every updated weight within 1e-4")
    func oneStep() throws {
        try checkStep(.dcgan, fixture: "gan", tolerance: 1e-4, noiseOnly: Self.noiseOnly)
    }

    @Test("MLP GAN: D judges the real and fake batches in one pass, and the step still agrees with PyTorch's two passes")
    func oneMLPStep() throws {
        var g = SeededGenerator(seed: 0)
        #expect(GANPair(.mlp, using: &g).D.isRowWise)
        try checkStep(.mlp, fixture: "gan_mlp", tolerance: 1e-5)
    }

    /// D's update against the same update written out as two passes, bce(D(real), 0.9) + bce(D(fake), 0),
    /// on the same weights: gradients, losses and verdicts.
    func expectUpdateMatchesTwoPasses(_ gan: GANPair, real: Tensor, fake: Variable, tolerance: Float) {
        let outReal = gan.D(Variable(real)), outFake = gan.D(fake.detach())
        let lossReal = Loss.bceWithLogits(outReal, Variable(.full([real.shape[0]], 0.9)))
        let lossFake = Loss.bceWithLogits(outFake, Variable(.zeros([fake.shape[0]])))
        gan.optimizerD.zeroGrad()
        (lossReal + lossFake).backward()
        let expected = gan.D.parameters.map { $0.grad! }

        gan.freezeLearning(true)  // keeps the weights, so the update's gradients are for the same D
        let update = gan.updateD(real: real, fake: fake, realLabel: 0.9)
        for (p, want) in zip(gan.D.parameters, expected) {
            #expect(relativeError(p.grad!, want) <= tolerance, "\(p.label ?? "?")")
        }
        #expect(Swift.abs(update.lossReal - lossReal.value.item) <= 1e-6)
        #expect(Swift.abs(update.lossFake - lossFake.value.item) <= 1e-6)
        #expect(Swift.abs(update.loss - (lossReal + lossFake).value.item) <= 1e-5)
        #expect(Swift.abs(update.dReal - outReal.value.sigmoid().mean().item) <= 1e-6)
        #expect(Swift.abs(update.dFake - outFake.value.sigmoid().mean().item) <= 1e-6)
    }

    @Test("D's one-pass update (row-wise D) has the gradients and losses of two passes; a D with BatchNorm makes two")
    func onePassEqualsTwo() {
        // The MLP's D mixes no rows: one pass over 6 real and 5 fake items.
        var g = SeededGenerator(seed: 7)
        let mlp = GANPair(.mlp, using: &g)
        #expect(mlp.D.isRowWise)
        expectUpdateMatchesTwoPasses(
            mlp, real: Tensor.rand([6, 1, 28, 28], using: &g) * 2 - 1,
            fake: mlp.G(Variable(Tensor.randn([5, 100], using: &g))), tolerance: 1e-5)

        // The DCGAN's D normalises each batch by its own statistics: two passes, the very same operations.
        let dcgan = GANPair(.dcgan, using: &g)
        #expect(!dcgan.D.isRowWise)
        expectUpdateMatchesTwoPasses(
            dcgan, real: Tensor.rand([4, 1, 28, 28], using: &g) * 2 - 1,
            fake: dcgan.G(Variable(Tensor.randn([4, 100], using: &g))), tolerance: 1e-6)

        // Which modules may be run over two batches at once.
        var h = SeededGenerator(seed: 1)
        #expect(CoinGame(seed: 1).D.isRowWise)
        #expect(!Sequential([Linear(4, 4, using: &h), BatchNorm(4, spatial: false)]).isRowWise)
        #expect(!Sequential([Linear(4, 4, using: &h), Dropout(0.5, using: &h)]).isRowWise)
        #expect(Sequential([Flatten(), Linear(4, 4, using: &h), LeakyReLU(0.2), Linear(4, 1, using: &h)]).isRowWise)
        #expect(!Flatten(startDim: 0).isRowWise)
        #expect(!Module().isRowWise)
    }
}
