import Foundation
import TensorCore
import Testing
import TextPlot

@testable import GANLab
@testable import Lessons
@testable import Notebook

@Suite("The GAN trainer and the coin game", .serialized)
struct GANTests {
    @Test("step prints one line of numbers; explain narrates the sub-steps; step_d and step_g move one side")
    func stepping() {
        let s = makeSession()
        _ = s.text("gan = GAN(batch=8, seed=1)")
        let line = s.text("gan.step()")
        #expect(line.hasPrefix("step 1  Loss_D "))
        #expect(line.contains("D(G(z))") && line.contains("|∇G|") && line.hasSuffix(" ms"))
        let explained = s.run("gan.step(explain=True)").lines
        #expect(explained.first == "step 2, in slow motion:")
        #expect(explained.contains { $0.hasPrefix("  3. loss: bce(D(real), 1) = ") })
        #expect(explained.contains { $0.hasPrefix("  3. gradients: backward() flows from D's verdict back through D (frozen) into G") })
        #expect(s.text("gan.step_d()").hasPrefix("D step: Loss_D"))
        #expect(s.text("gan.step_g()").hasPrefix("G step: Loss_G"))
        #expect(s.text("gan.steps") == "2")
    }

    @Test("undo rewinds exactly: the step taken again is the same step")
    func undo() {
        let s = makeSession()
        _ = s.text("gan = GAN(batch=8, seed=2)", "gan.step()")
        let first = s.text("gan.step()").components(separatedBy: "  ").dropLast().joined(separator: "  ")
        #expect(s.text("gan.undo(1)") == "rewound 1 step: now at step 1")
        let again = s.text("gan.step()").components(separatedBy: "  ").dropLast().joined(separator: "  ")
        #expect(first == again)
        #expect(s.text("gan.undo(9)") == "rewound 2 steps: now at step 0")
    }

    @Test("after train(steps=N) the last 5 steps can be undone, and undo(k) leaves exactly train(steps=N−k)")
    func undoAfterTrain() {
        func weights(_ s: Session) -> [Tensor] {
            guard case .object(let g as GANTrainer) = s.interpreter.variables["gan"]! else { return [] }
            return g.pair.stateDict().map(\.tensor) + g.pair.optimizerG.stateDict().map(\.tensor)
        }
        let long = makeSession(), short = makeSession()
        _ = long.text("gan = GAN(arch='mlp', batch=8, seed=5)", "gan.train(steps=12)")
        _ = short.text("gan = GAN(arch='mlp', batch=8, seed=5)", "gan.train(steps=9)")
        // Only the last snapshotLimit steps of a long train() keep a snapshot (the others would be dropped).
        guard case .object(let g as GANTrainer) = long.interpreter.variables["gan"]! else { Issue.record("no GAN"); return }
        #expect(g.snapshots.count == GANTrainer.snapshotLimit)
        #expect(long.text("gan.undo(3)") == "rewound 3 steps: now at step 9")
        #expect(weights(long) == weights(short))
        #expect(long.text("gan.undo(9)") == "rewound 2 steps: now at step 7")
        #expect(long.text("gan.undo(1)").hasPrefix("nothing to undo"))
    }

    @Test("save, load_gan and one more step equal one more step without the round trip, bit for bit")
    func resume() throws {
        let s = makeSession()
        let path = NSTemporaryDirectory() + "ganbook-gan-\(UUID().uuidString).safetensors"
        _ = s.text("gan = GAN(batch=8, seed=3)", "gan.train(steps=3)", "gan.save('\(path)')", "g2 = load_gan('\(path)')")
        guard case .object(let a as GANTrainer) = s.interpreter.variables["gan"]!, case .object(let b as GANTrainer) = s.interpreter.variables["g2"]! else {
            Issue.record("no GANs"); return
        }
        // The record comes back too: every history series, and the noise the animation draws from.
        #expect(a.history.dReal == b.history.dReal && a.history.dFake == b.history.dFake && b.history.lossG.count == 3)
        #expect(a.fixedNoise == b.fixedNoise)
        _ = a.step(); _ = b.step()
        for (x, y) in zip(a.pair.stateDict(), b.pair.stateDict()) { #expect(x.tensor == y.tensor, "\(x.name)") }
        #expect(a.sample(4, seed: 9) == b.sample(4, seed: 9))
    }

    @Test("train reports its steps; sample, interpolate, stats, history, animate work")
    func looking() {
        let s = makeSession()
        _ = s.text("gan = GAN(arch='mlp', batch=16, seed=4)")
        #expect(s.text("gan.train(steps=12, every=6)").contains("trained 12 steps in"))
        #expect(s.text("gan.sample(5, seed=1).shape") == "[5, 1, 28, 28]")
        #expect(s.text("gan.sample(3, seed=1).tolist() == gan.sample(3, seed=1).tolist()") == "True")
        #expect(s.run("gan.interpolate(1, 2, steps=4)").lines.last!.hasPrefix("tensor[4,1,28,28] n=3136 x∈["))
        #expect(s.text("gan.stats()").contains("G.net.0.weight"))
        #expect(s.run("plot(gan.history)").lines.first!.contains("Loss_D"))
        #expect(s.run("gan.animate()").lines.filter { $0.hasPrefix("step ") }.count == 3)
        #expect(s.text("len(gan.history.loss_D)") == "12")
    }

    @Test("the MNIST score and the Fréchet distance follow their formulas")
    func scoreFormulas() {
        // Every image certain of a different class, all classes equally: score = number of classes.
        let certain = Tensor.eye(10)
        #expect(abs(DigitJudge.mnistScore(certain) - 10) < 1e-6)
        // All images certain of the same class: score 1.
        #expect(abs(DigitJudge.mnistScore(Tensor.ones([10, 1]) * Tensor([[1, 0, 0]])) - 1) < 1e-6)
        // Identical sets are 0 apart; shifting the mean by 2 in one coordinate adds 4.
        var g = SeededGenerator(seed: 1)
        let a = Tensor.randn([500, 3], using: &g)
        #expect(abs(FrechetDistance.between(a, a)) < 1e-6)
        #expect(abs(FrechetDistance.between(a + Tensor([2, 0, 0]), a) - 4) < 1e-6)
        // Σ^½ of a diagonal matrix.
        let root = FrechetDistance.symmetricSqrt([4, 0, 0, 9], 2)
        #expect(abs(root[0] - 2) < 1e-9 && abs(root[3] - 3) < 1e-9)
    }

    @Test("presets and errors")
    func presets() {
        let s = makeSession()
        #expect(s.text("GAN(batch=8, preset='strong_d')").contains("lr D 0.002 G 0.0002, 5 D steps per G step"))
        #expect(s.text("GAN(preset='collapse')").contains("GAN(mlp, batch 16, lr D 0.0002 G 0.002, 1 D step per G step)"))
        #expect(s.run("GAN(arch='vae')").lines.last == "value error: arch is \"dcgan\" or \"mlp\"")
        #expect(s.run("GAN(batch=1)").lines.suffix(2) == ["value error: batch must be a whole number from 2 to 512, got 1", "at least 2: BatchNorm needs two images to measure a spread"])
        #expect(
            s.run("load_gan('/nonexistent.safetensors')").lines.suffix(2) == [
                "value error: can't read /nonexistent.safetensors: no such file", "save one first with gan.save(\"/nonexistent.safetensors\")",
            ])
    }

    @Test("coins: within 300 rounds the fakes get taken and their features reach the real coins'")
    func coinsConverge() {
        let game = CoinGame(seed: 0)
        var early: [Double] = []
        for _ in 0..<300 { let r = game.playRound(); if game.round <= 20 { early.append(Double(r.accepted)) } }
        let acceptedEarly = early.reduce(0, +) / Double(early.count) / Double(game.coinsPerRound)
        let acceptedLate = game.acceptance.suffix(50).reduce(0, +) / 50
        #expect(acceptedLate > acceptedEarly + 0.2, "acceptance \(acceptedEarly) → \(acceptedLate)")
        // The fakes' mean over the last 20 rounds is within 0.1 of the real mean on every feature.
        for f in 0..<4 {
            let mean = game.fakeMeans.suffix(20).map { $0[f] }.reduce(0, +) / 20
            #expect(abs(mean - Double(CoinGame.realMean[f])) < 0.1, "\(CoinGame.features[f]): fakes \(mean), real \(CoinGame.realMean[f])")
        }
    }

    @Test("coins: looking at the game (mint, real, the treasurer's map) does not change how it plays")
    func coinsLookingIsFree() {
        let watched = makeSession(), unwatched = makeSession()
        _ = watched.text("game = coins_game(seed=3)", "game.rounds(5)", "game.mint(8)", "game.real(8)", "game.treasurer_map('shape', 'face')", "game.rounds(5)")
        _ = unwatched.text("game = coins_game(seed=3)", "game.rounds(5)", "game.rounds(5)")
        guard case .object(let a as CoinGame) = watched.interpreter.variables["game"]!,
            case .object(let b as CoinGame) = unwatched.interpreter.variables["game"]!
        else { Issue.record("no games"); return }
        #expect(a.round == 10 && a.lossD == b.lossD && a.lossG == b.lossG)
    }

    @Test("coins: a round shows coins with verdicts; the map and the history draw; glyphs fall back to ASCII letters")
    func coinPictures() {
        let s = makeSession()
        let round = s.run("game = coins_game(coins=4); game.round()").lines
        #expect(round[0].hasPrefix("round 1: the counterfeiter minted 4 coins; the treasurer took "))
        #expect(round[2].contains("✗") || round[2].contains("✓"))
        #expect(s.run("game.history").lines.last == "history of 1 round: loss_D (treasurer), loss_G (counterfeiter), acceptance (plot(game.history))")
        #expect(s.run("len(game.history.acceptance)").lines.last == "1")
        #expect(s.run("game.treasurer_map('shape', 'face')").lines.last == "shaded: the treasurer's belief \"real\" (light 0 … dark 1); o real coins, x fakes")
        #expect(s.run("game.treasurer_map('shape', 'colr')").lines.suffix(2) == ["value error: the features are shape, colour, picture, face", "did you mean 'colour'?"])
        let ascii = CoinPicture.glyph([0.9, 0.8, 0.7, 0.6], style: .ascii).map(\.glyph)
        #expect(String(ascii) == "Ogfs")
        #expect(String(CoinPicture.glyph([-0.9, -0.8, -0.7, 0], style: .plain).map(\.glyph)) == "▲p≈ ")
    }
}
