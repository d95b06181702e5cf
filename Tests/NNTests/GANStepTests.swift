import TensorCore
import Testing

@testable import Autograd
@testable import GANLab
@testable import NN

@Suite("One reference DCGAN training step agrees with PyTorch")
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
}
