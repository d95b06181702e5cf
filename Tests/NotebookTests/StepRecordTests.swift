import Testing

@testable import GANLab
@testable import Notebook
import TensorCore

/// The first steps a GAN keeps for a PyTorch replay (`:export --torch FILE.py --weights`).
@Suite("A GAN records its first steps for the PyTorch replay", .serialized)
struct StepRecordTests {
    func gan(_ s: Session, _ name: String = "gan") -> GANTrainer {
        guard case .object(let o) = s.interpreter.variables[name], let g = o as? GANTrainer else { fatalError("no GAN \(name)") }
        return g
    }

    @Test("the record holds the start, every update's batch and noise, and the losses of the history")
    func recordsSteps() {
        let s = makeSession()
        _ = s.text("gan = GAN(batch=4, k=2, seed=3)")
        let start = Dictionary(gan(s).pair.stateDict().map { ($0.name, $0.tensor.scalars) }, uniquingKeysWith: { a, _ in a })
        _ = s.text("gan.step()", "gan.step()", "gan.step()")
        let record = gan(s).record!
        #expect(record.count == 3 && record.stopped == nil)
        #expect(record.realIndices.count == 3 && record.realIndices.allSatisfy { $0.count == 2 && $0.allSatisfy { $0.count == 4 } })
        #expect(record.noise.allSatisfy { $0.count == 2 && $0.allSatisfy { $0.shape == [4, 100] } })
        #expect(record.lossD.map(Double.init) == gan(s).history.lossD && record.lossG.map(Double.init) == gan(s).history.lossG)
        #expect(record.initial.allSatisfy { start[$0.name] == $0.tensor.scalars })
        let now = Dictionary(gan(s).pair.stateDict().map { ($0.name, $0.tensor.scalars) }, uniquingKeysWith: { a, _ in a })
        #expect(record.initial.contains { now[$0.name] != $0.tensor.scalars })  // training moved the weights
    }

    @Test("replaying the record with the engine itself gives the recorded losses bit for bit")
    func replayIsExact() throws {
        let s = makeSession()
        _ = s.text("gan = GAN(batch=4, seed=5)", "gan.step()", "gan.step()")
        let g = gan(s), record = g.record!
        var other = SeededGenerator(seed: 99)
        let pair = GANPair(.dcgan, using: &other)
        let state = Dictionary(record.initial.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        try pair.G.loadStateDict(state, prefix: "G.")
        try pair.D.loadStateDict(state, prefix: "D.")
        for i in 0..<record.count {
            let real = g.dataset.train.imageBatch(record.realIndices[i][0], range: -1...1)
            let r = pair.step(real: real, z: record.noise[i][0])
            #expect(r.lossD == record.lossD[i] && r.lossG == record.lossG[i])
        }
    }

    @Test("undo shortens the record; step_d, a changed setting or a loaded GAN end it")
    func stops() {
        let s = makeSession()
        _ = s.text("gan = GAN(batch=4, seed=1)", "gan.step()", "gan.step()", "gan.undo(1)")
        #expect(gan(s).record!.count == 1)
        _ = s.text("gan.step()")
        #expect(gan(s).record!.count == 2 && gan(s).record!.stopped == nil)
        _ = s.text("gan.step_d()", "gan.step()")
        #expect(gan(s).record!.count == 2 && gan(s).record!.stopped == "a single step_d() at step 2")
        _ = s.text("other = GAN(batch=4, seed=1)", "other.step()")
        gan(s, "other").dSteps = 2  // no cell changes a GAN's settings today; the record must not trust that
        _ = s.text("other.step()")
        #expect(gan(s, "other").record!.count == 1 && gan(s, "other").record!.stopped == "the settings changed at step 1")
        _ = s.text("third = GAN(batch=4, seed=2)", "third.step()", "third.G.fc.weight.requires_grad = False", "third.step()")
        #expect(gan(s, "third").record!.count == 1 && gan(s, "third").record!.stopped == "a weight stopped learning (requires_grad) at step 1")
        // A weight changed between steps by any other way (here: loaded) ends the record too.
        _ = s.text("fourth = GAN(batch=4, seed=2)", "fourth.step()")
        var state = Dictionary(gan(s, "fourth").pair.G.stateDict().map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        state["fc.bias"] = state["fc.bias"]! + Float(1)
        try! gan(s, "fourth").pair.G.loadStateDict(state)
        _ = s.text("fourth.step()")
        #expect(gan(s, "fourth").record!.count == 1 && gan(s, "fourth").record!.stopped == "the weights changed outside a step at step 1")
        _ = s.text("cgan = GAN(batch=4, conditional=True)")
        #expect(gan(s, "cgan").record == nil)
    }
}
