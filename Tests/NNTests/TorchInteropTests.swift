import Foundation
import TensorCore
import Testing

@testable import Autograd
@testable import GANLab
@testable import NN

/// Trains two steps, saves, loads into a fresh GAN and checks that G's eval-mode output is identical.
/// With $GANBOOK_INTEROP_DIR set it leaves the files there for the by-hand PyTorch check in
/// Fixtures/check_checkpoint_in_torch.py (CI has no torch).
@Test("a saved GAN reloads into a fresh one with identical outputs (and the files PyTorch loads)")
func checkpointRoundTrip() throws {
    let dir =
        ProcessInfo.processInfo.environment["GANBOOK_INTEROP_DIR"]
        ?? NSTemporaryDirectory() + "ganbook-interop-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var g = SeededGenerator(seed: 21)
    let gan = GANPair(.dcgan, using: &g)
    for _ in 0..<2 { gan.step(real: .rand([8, 1, 28, 28], low: -1, high: 1, using: &g), z: .randn([8, 100], using: &g)) }
    gan.G.eval()
    let z = Tensor.randn([4, 100], using: &g)
    let out = noGrad { gan.G(Variable(z)) }.value
    try SafeTensors.save(gan.stateDict(), metadata: ["format": "pt"], to: dir + "/gan.safetensors")
    try SafeTensors.save([("z", z), ("G_eval_out", out)], to: dir + "/gan_io.safetensors")

    var h = SeededGenerator(seed: 99)
    let fresh = GANPair(.dcgan, using: &h)
    let state = Dictionary(uniqueKeysWithValues: try SafeTensors.load(dir + "/gan.safetensors").tensors.map { ($0.name, $0.tensor) })
    try fresh.G.loadStateDict(state, prefix: "G.")
    try fresh.D.loadStateDict(state, prefix: "D.")
    fresh.G.eval()
    #expect(noGrad { fresh.G(Variable(z)) }.value == out)
    #expect(fresh.stateDict().map(\.tensor) == gan.stateDict().map(\.tensor))
}
