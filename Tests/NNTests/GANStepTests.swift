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

    @Test("D update then G update: losses, D's verdicts and every updated weight within 1e-4")
    func oneStep() throws {
        var g = SeededGenerator(seed: 0)
        let gan = GANPair(.dcgan, using: &g)
        let before = state("gan.before.")
        try gan.G.loadStateDict(before, prefix: "G.")
        try gan.D.loadStateDict(before, prefix: "D.")

        let result = gan.step(real: Torch["gan.real"], z: Torch["gan.z"])
        expectMatch(Tensor(result.lossD), "gan.loss_D", tolerance: 1e-4)
        expectMatch(Tensor(result.lossG), "gan.loss_G", tolerance: 1e-4)
        expectMatch(Tensor(result.dReal), "gan.D_x", tolerance: 1e-4)
        expectMatch(Tensor(result.dFakeBefore), "gan.D_G_z1", tolerance: 1e-4)
        expectMatch(Tensor(result.dFakeAfter), "gan.D_G_z2", tolerance: 1e-4)

        for (name, tensor) in gan.stateDict() {
            if GANStepTests.noiseOnly.contains(name) {
                // Whatever the noise, one Adam step moves each entry by at most lr.
                let moved = (tensor - Torch["gan.before.\(name)"]).abs().max().item
                #expect(moved <= 2e-4 * 1.001, "\(name) moved \(moved)")
                continue
            }
            let err = relativeError(tensor, Torch["gan.after.\(name)"])
            #expect(err <= 1e-4, "\(name): max error \(err)")
        }
    }

    @Test("MLP GAN: D judges the real and fake batches in one pass, and the step still agrees with PyTorch's two passes")
    func oneMLPStep() throws {
        var g = SeededGenerator(seed: 0)
        let gan = GANPair(.mlp, using: &g)
        #expect(gan.D.isRowWise)
        let before = state("gan_mlp.before.")
        try gan.G.loadStateDict(before, prefix: "G.")
        try gan.D.loadStateDict(before, prefix: "D.")

        let result = gan.step(real: Torch["gan_mlp.real"], z: Torch["gan_mlp.z"])
        expectMatch(Tensor(result.lossD), "gan_mlp.loss_D", tolerance: 1e-5)
        expectMatch(Tensor(result.lossG), "gan_mlp.loss_G", tolerance: 1e-5)
        expectMatch(Tensor(result.dReal), "gan_mlp.D_x", tolerance: 1e-5)
        expectMatch(Tensor(result.dFakeBefore), "gan_mlp.D_G_z1", tolerance: 1e-5)
        expectMatch(Tensor(result.dFakeAfter), "gan_mlp.D_G_z2", tolerance: 1e-5)
        for (name, tensor) in gan.stateDict() {
            let err = relativeError(tensor, Torch["gan_mlp.after.\(name)"])
            #expect(err <= 1e-4, "\(name): max error \(err)")
        }
    }

    @Test("D's one-pass update has the gradients and losses of two passes; a D with BatchNorm keeps two")
    func onePassEqualsTwo() {
        var g = SeededGenerator(seed: 7)
        let gan = GANPair(.mlp, using: &g)
        let real = Tensor.rand([6, 1, 28, 28], using: &g) * 2 - 1
        let fake = gan.G(Variable(Tensor.randn([5, 100], using: &g)))

        // Two passes, written out: bce(D(real), 0.9) + bce(D(fake), 0).
        let outReal = gan.D(Variable(real)), outFake = gan.D(fake.detach())
        let lossReal = Loss.bceWithLogits(outReal, Variable(.full([6], 0.9)))
        let lossFake = Loss.bceWithLogits(outFake, Variable(.zeros([5])))
        gan.optimizerD.zeroGrad()
        (lossReal + lossFake).backward()
        let expected = gan.D.parameters.map { $0.grad! }

        gan.freezeLearning(true)  // keeps the weights, so the update's gradients are for the same D
        let update = gan.updateD(real: real, fake: fake, realLabel: 0.9)
        for (p, want) in zip(gan.D.parameters, expected) {
            #expect(relativeError(p.grad!, want) <= 1e-5, "\(p.label ?? "?")")
        }
        #expect(Swift.abs(update.lossReal - lossReal.value.item) <= 1e-6)
        #expect(Swift.abs(update.lossFake - lossFake.value.item) <= 1e-6)
        #expect(Swift.abs(update.loss - (lossReal + lossFake).value.item) <= 1e-5)
        #expect(Swift.abs(update.dReal - outReal.value.sigmoid().mean().item) <= 1e-6)
        #expect(Swift.abs(update.dFake - outFake.value.sigmoid().mean().item) <= 1e-6)

        // Which modules may be run over two batches at once.
        var h = SeededGenerator(seed: 1)
        #expect(!GANPair(.dcgan, using: &h).D.isRowWise)
        #expect(!Sequential([Linear(4, 4, using: &h), BatchNorm(4, spatial: false)]).isRowWise)
        #expect(!Sequential([Linear(4, 4, using: &h), Dropout(0.5, using: &h)]).isRowWise)
        #expect(Sequential([Flatten(), Linear(4, 4, using: &h), LeakyReLU(0.2), Linear(4, 1, using: &h)]).isRowWise)
        #expect(!Flatten(startDim: 0).isRowWise)
        #expect(!Module().isRowWise)
    }
}
