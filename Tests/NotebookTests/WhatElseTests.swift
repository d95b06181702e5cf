import Autograd
import Foundation
import NN
import TensorCore
import Testing

@testable import GANLab
@testable import Notebook

/// Lesson 6's machinery: the latent search that restores hidden pixels, the conditional GAN, the
/// fake detector, and their cells.
@Suite("Restoring, conditioning, detecting", .serialized)
struct WhatElseTests {
    /// A session writing only into a scratch folder, in quick mode (a judge trained for it is small and never saved).
    func scratchSession() -> Session {
        let s = makeSession()
        s.interpreter.settings.folder = NSTemporaryDirectory() + "ganbook-whatelse-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: s.interpreter.settings.folder!, withIntermediateDirectories: true)
        s.interpreter.settings.quickMode = true
        return s
    }

    @Test("the latent search finds the noise behind a drawing of G from its upper half, and the hidden half with it")
    func searchRecoversAKnownDrawing() {
        var g = SeededGenerator(seed: 11)
        let G = DCGANGenerator(latent: 100, using: &g)
        Initializers.dcgan(G, using: &g)
        // An untrained G draws nearly the same grey for any z; a sharper last layer makes drawings that differ.
        for (name, p) in G.namedParameters() where name == "deconv2.weight" { p.value = p.value * 40 }
        // Running statistics from a few batches, so that evaluation mode draws something other than a blur.
        for _ in 0..<3 { _ = noGrad { G(Variable(Tensor.randn([32, 100], using: &g))) } }
        G.eval()
        let truth = noGrad { G(Variable(Tensor.randn([2, 100], using: &g))) }.value
        G.train()
        let mask = Tensor(shape: [1, 1, 28, 28], scalars: (0..<784).map { $0 / 28 < 14 ? 1 : 0 })
        let hidden = mask * -1 + 1
        func hiddenError(_ x: Tensor) -> [Float] {
            let d = (x - truth) * hidden
            return (d * d).sum(axes: [1, 2, 3]).scalars.map { $0 / 392 }
        }
        let settings = LatentSearch.Settings(steps: 250, restarts: 3, learningRate: 0.05, prior: 0.001, seed: 5)
        let r = LatentSearch.restore(generator: G, latent: 100, pictures: truth, mask: mask, settings: settings)
        #expect(r.stepsRun == 250 && r.errors.count == 3 && r.errors[0].count == 251)
        // The visible pixels are kept exactly as given; the kept start is the best fit of the visible ones.
        #expect(((r.restored - truth) * mask).abs().max().item == 0)
        for i in 0..<2 { #expect(r.finalErrors[i] <= r.errors.map { $0.last! }.min()! || i > 0) }
        #expect(r.errors[r.chosen[0]].last! < 0.1 * r.errors[r.chosen[0]].first!, "\(r.errors[r.chosen[0]].first!) → \(r.errors[r.chosen[0]].last!)")
        // The hidden half, never looked at, comes out far closer than a drawing from fresh noise.
        let fresh = noGrad { () -> Variable in
            G.eval(); defer { G.train() }
            return G(Variable(Tensor.randn([2, 100], using: &g)))
        }.value
        for (found, unrelated) in zip(hiddenError(r.restored), hiddenError(fresh)) { #expect(found < 0.5 * unrelated, "\(found) vs \(unrelated)") }
        // G is left as it was: training mode, weights with gradients on.
        #expect(G.isTraining && G.parameters.allSatisfy(\.requiresGrad) && G.parameters.allSatisfy { $0.grad == nil })
        #expect(r.progress.shape == [r.progressSteps.count, 1, 28, 28] && r.progressSteps.first == 0 && r.progressSteps.last == 250)
    }

    @Test("the kept fits are averaged into the drawing; the best alone is kept beside it; chunks change nothing")
    func averageAndChunks() {
        var g = SeededGenerator(seed: 13)
        let G = DCGANGenerator(latent: 100, using: &g)
        for _ in 0..<2 { _ = noGrad { G(Variable(Tensor.randn([16, 100], using: &g))) } }
        let pictures = (Tensor.rand([5, 1, 28, 28], using: &g) * 2 - 1)
        let mask = Tensor(shape: [1, 1, 28, 28], scalars: (0..<784).map { $0 / 28 < 14 ? 1 : 0 })
        var settings = LatentSearch.Settings(steps: 4, restarts: 3, seed: 2, keep: 3)
        settings.candidates = 50
        let whole = LatentSearch.restore(generator: G, latent: 100, pictures: pictures, mask: mask, settings: settings)
        let chunked = LatentSearch.restoreInChunks(chunk: 2, generator: G, latent: 100, pictures: pictures, mask: mask, settings: settings)
        #expect(whole.restored.shape == [5, 1, 28, 28] && chunked.restored.shape == [5, 1, 28, 28])
        #expect((whole.restored - chunked.restored).abs().max().item < 1e-4 && whole.chosen == chunked.chosen)
        #expect(zip(whole.finalErrors, chunked.finalErrors).allSatisfy { abs($0 - $1) < 1e-5 })
        // keep = restarts: the drawing is the mean of all three starts' drawings, and differs from the best one's.
        #expect((whole.drawings - whole.best).abs().max().item > 0.01)
        settings.keep = 1
        let single = LatentSearch.restore(generator: G, latent: 100, pictures: pictures, mask: mask, settings: settings)
        #expect(single.drawings == single.best && (single.best - whole.best).abs().max().item < 1e-5)
    }

    @Test("a stopped search returns its best so far")
    func searchStopsEarly() {
        var g = SeededGenerator(seed: 12)
        let G = MLPGenerator(latent: 100, using: &g)
        let picture = Tensor.zeros([1, 1, 28, 28])
        var asked = 0
        let r = LatentSearch.restore(
            generator: G, latent: 100, pictures: picture, mask: .ones([1, 1, 28, 28]), settings: .init(steps: 100, restarts: 2),
            stopEarly: { asked += 1; return asked > 7 })
        #expect(r.stepsRun == 7 && r.errors[0].count == 8 && r.progressSteps.last == 7)
    }

    @Test("restore and crop_mask in cells: shapes, kept pixels, and a clear line for each mistake")
    func restoreCells() {
        let s = scratchSession()
        #expect(s.text("crop_mask('square', top=2, left=3, size=4).sum().item()") == "768")
        #expect(s.text("print(crop_mask('lower')[0, 0, 13, 5].item(), crop_mask('lower')[0, 0, 14, 5].item())") == "1 0")
        _ = s.text("gan = GAN(batch=4, seed=1)", "p = rand(3, 1, 28, 28)", "m = crop_mask('right')")
        #expect(s.text("r = restore(gan, p, m, steps=5, restarts=2)", "r.image.shape") == "[3, 1, 28, 28]")
        #expect(s.text("((r.image - p) * m).abs().max().item()") == "0")
        #expect(s.text("print(r.steps, len(r.errors), len(r.errors[0]), len(r.final_errors))") == "5 2 6 3")
        #expect(s.text("r").hasPrefix("restoration of 3 pictures after 5 steps from 2 starts each"))
        #expect(s.text("print(r.best.shape, ((r.best - p) * m).abs().max().item())") == "[3, 1, 28, 28] 0")
        #expect(s.text("r.image.shape") == "[3, 1, 28, 28]")
        #expect(s.run("restore(gan, p, m, restarts=8, candidates=4)").error?.message.contains("at least restarts") == true)
        #expect(s.run("restore(gan, p * 2 - 1, m)").error?.message.contains("must be in [0, 1]") == true)
        #expect(s.run("restore(gan, p, m * 0.5)").error?.message.contains("1 (visible) and 0 (hidden) only") == true)
        #expect(s.run("restore(gan, p, ones(2, 1, 28, 28))").error?.kind == .shape)
        #expect(s.run("restore(gan, zeros(3, 28), m)").error?.kind == .shape)
        #expect(s.run("restore(p, p, m)").error?.message.contains("must be a GAN") == true)
        #expect(s.run("crop_mask('middle')").error?.message.contains("part is") == true)
        // A conditional GAN is searched over its digits too: candidates ask for each digit in turn.
        _ = s.text("c = GAN(conditional=True, batch=4)")
        #expect(s.text("rc = restore(c, p, m, steps=2, restarts=10, candidates=0)", "print(rc.image.shape, rc.digits.shape)") == "[3, 1, 28, 28] [3]")
        #expect(s.text("print(restore(c, p, m, steps=1, restarts=3, candidates=40).digits.max().item() <= 9)") == "True")
        #expect(s.run("restore(c, p, m, realism=1)").error?.message.contains("conditional") == true)
        #expect(s.text("print(restore(gan, p, m, steps=1, restarts=2).digits)") == "None")
    }

    @Test("a conditional GAN: label planes in D, one-hot in G, sample(digit=), a table whose columns share their noise")
    func conditionalGAN() {
        let s = scratchSession()
        _ = s.text("c = GAN(conditional=True, batch=8, seed=2)")
        guard case .object(let c as GANTrainer) = s.interpreter.variables["c"]! else { Issue.record("no GAN"); return }
        #expect(c.isConditional && c.pair.D.namedParameters().first { $0.name == "conv1.weight" }?.variable.shape == [64, 11, 4, 4])
        #expect(c.pair.G.namedParameters().first { $0.name == "fc.weight" }?.variable.shape == [6272, 110])
        #expect(c.realBatch().shape == [8, 11, 28, 28])
        // G reads the label again as 10 planes behind its 7×7 maps; D matches its last features with the label's vector.
        #expect(c.pair.G.namedParameters().first { $0.name == "deconv1.weight" }?.variable.shape == [138, 64, 4, 4])
        #expect(c.pair.D.namedParameters().first { $0.name == "embed.weight" }?.variable.shape == [6272, 10])
        // Each real image's label plane is all ones at its own digit, zeros elsewhere.
        let packed = c.pair.discriminatorInput(Variable(.zeros([2, 1, 28, 28])), labels: [3, 7]).value
        #expect(packed.sum().item == 2 * 784 && packed[[.at(0), .at(4)]].sum().item == 784 && packed[[.at(1), .at(8)]].sum().item == 784)
        #expect(s.text("c.step()").hasPrefix("step 1  Loss_D "))
        #expect(s.text("c.step_d()").hasPrefix("D step") && s.text("c.step_g()").hasPrefix("G step"))
        #expect(s.text("c.sample(5, seed=1, digit=7).shape") == "[5, 1, 28, 28]")
        #expect(s.text("t = c.table(columns=3, seed=4)", "t.shape") == "[30, 1, 28, 28]")
        // A column's noise is the same in every row; the label alone changes the drawing.
        let z = Tensor.randn([3, 100], using: &c.noise)
        #expect(c.generate(z, digits: [5, 5, 5]) == c.generate(z, digits: [5, 5, 5]))
        #expect(c.generate(z, digits: [5, 5, 5]) != c.generate(z, digits: [6, 6, 6]))
        var g = SeededGenerator(seed: 4)
        let columnNoise = Tensor.randn([3, 100], using: &g)
        guard case .tensor(let table) = s.interpreter.variables["t"]! else { Issue.record("no table"); return }
        // (Equal up to rounding: a product over 30 rows may sum in another order than one over 3.)
        #expect((table.value.rows([6, 7, 8]) - c.generate(columnNoise, digits: [2, 2, 2])).abs().max().item < 1e-5)
        #expect(s.text("c").contains("GAN(dcgan, conditional, batch 8"))
        #expect(s.run("GAN(batch=8).sample(2, digit=3)").error?.message.contains("only a GAN(conditional=True) takes digit=") == true)
        #expect(s.run("c.sample(2, digit=10)").error != nil)
        #expect(s.run("GAN(arch='mlp', conditional=True)").error?.message.contains("conditional=True is a DCGAN") == true)
        #expect(s.run("GAN(batch=8).table()").error?.message.contains("conditional") == true)
    }

    @Test("G's inner label planes and D's projection alone tell them the digit: with the inputs' label weights at zero, the label still matters")
    func innerLabelPlanes() {
        var g = SeededGenerator(seed: 5)
        let pair = GANPair(.dcgan, classes: 10, using: &g)
        func zeroColumns(_ module: Module, _ name: String, where keep: (Int) -> Bool, stride: Int, inner: Int) {
            let p = module.namedParameters().first { $0.name == name }!.variable
            var w = p.value
            w.withUnsafeMutableBufferPointer { b in
                for i in 0..<b.count where !keep((i / inner) % stride) { b[i] = 0 }
            }
            p.value = w
        }
        // fc.weight [6272, 110]: zero the 10 label columns. conv1.weight [64, 11, 4, 4]: zero the 10 label planes.
        zeroColumns(pair.G, "fc.weight", where: { $0 < 100 }, stride: 110, inner: 1)
        zeroColumns(pair.D, "conv1.weight", where: { $0 < 1 }, stride: 11, inner: 16)
        let z = Tensor.randn([4, 100], using: &g)
        let five = noGrad { pair.G(Variable(pair.generatorInput(z, labels: [5, 5, 5, 5]))) }
        let six = noGrad { pair.G(Variable(pair.generatorInput(z, labels: [6, 6, 6, 6]))) }
        #expect((five.value - six.value).abs().max().item > 1e-4)
        let asFive = noGrad { pair.D(pair.discriminatorInput(five, labels: [5, 5, 5, 5])) }
        let asSix = noGrad { pair.D(pair.discriminatorInput(five, labels: [6, 6, 6, 6])) }
        #expect((asFive.value - asSix.value).abs().max().item > 1e-4)
        // The projection is embed.weight[:, y] · h: with the weight zeroed, D is unconditional again.
        let embed = pair.D.namedParameters().first { $0.name == "embed.weight" }!.variable
        embed.value = .zeros(embed.shape)
        let blindFive = noGrad { pair.D(pair.discriminatorInput(five, labels: [5, 5, 5, 5])) }
        let blindSix = noGrad { pair.D(pair.discriminatorInput(five, labels: [6, 6, 6, 6])) }
        #expect(blindFive.value == blindSix.value)
        // The planes themselves: constant, one per class, ones at the label.
        let planes = LabelPlanes.planes(oneHot: GANPair.oneHot([2, 0], classes: 3), height: 2, width: 2)
        #expect(planes.scalars == [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, /**/ 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(LabelPlanes.oneHot(behind: Tensor.concat([.zeros([2, 1, 2, 2]), planes], axis: 1), classes: 3).scalars == [0, 0, 1, 1, 0, 0])
    }

    @Test("a conditional GAN's checkpoint loads back conditional and steps on bit for bit; a bad 'classes' is one line")
    func conditionalCheckpoint() throws {
        let s = scratchSession()
        _ = s.text("c = GAN(conditional=True, batch=4, seed=3)", "c.train(steps=2)", "c.save('c.safetensors')", "d = load_gan('c.safetensors')")
        guard case .object(let a as GANTrainer) = s.interpreter.variables["c"]!, case .object(let b as GANTrainer) = s.interpreter.variables["d"]! else {
            Issue.record("no GANs"); return
        }
        #expect(b.isConditional && b.steps == 2)
        _ = a.step(); _ = b.step()
        for (x, y) in zip(a.pair.stateDict(), b.pair.stateDict()) { #expect(x.tensor == y.tensor, "\(x.name)") }
        var meta = a.metadata
        meta["classes"] = "7"
        #expect(throws: CheckpointError.self) { try GANTrainer.rebuild(metadata: meta, from: "f", dataset: a.dataset) }
        meta["classes"] = "10"; meta["architecture"] = "mlp"
        #expect(throws: CheckpointError.self) { try GANTrainer.rebuild(metadata: meta, from: "f", dataset: a.dataset) }
        // An unconditional checkpoint says nothing of classes, as before.
        _ = s.text("u = GAN(batch=4)")
        guard case .object(let u as GANTrainer) = s.interpreter.variables["u"]! else { return }
        #expect(u.metadata["classes"] == nil)
    }

    @Test("load_gan(or_train=) trains a stand-in when the file is missing, and loads the file when it is there")
    func loadOrTrain() {
        let s = scratchSession()
        let out = s.run("g = load_gan('nothing-here.safetensors', or_train=3)").lines.joined(separator: "\n")
        #expect(out.contains("no nothing-here.safetensors here (lesson 5 saves it): training a GAN(batch=64) for 3 steps instead"))
        #expect(s.text("g.steps") == "3")
        #expect(!FileManager.default.fileExists(atPath: s.interpreter.settings.folder! + "/nothing-here.safetensors"))
        _ = s.text("g.save('here.safetensors')")
        #expect(s.run("h = load_gan('here.safetensors', or_train=50)").lines.first == "loaded a GAN at step 3 from here.safetensors")
        #expect(s.run("load_gan('nothing-here.safetensors')").error != nil)
    }

    @Test("the fake detector learns to catch an untrained G's fakes; G trained against it slips past; learning frozen learns nothing")
    func detector() {
        let s = scratchSession()
        _ = s.text("gan = GAN(batch=16, seed=5)")
        guard case .object(let gan as GANTrainer) = s.interpreter.variables["gan"]! else { Issue.record("no GAN"); return }
        let det = FakeDetector(dataset: gan.dataset, seed: 1)
        let untrained = det.accuracy(on: gan, n: 100, seed: 9)
        let losses = det.train(against: gan, steps: 40)
        let trained = det.accuracy(on: gan, n: 100, seed: 9)
        #expect(losses.count == 40 && losses.last! < losses.first!)
        #expect(trained.fake >= 0.95 && trained.real >= 0.9, "\(untrained) → \(trained)")
        let before = gan.pair.G.stateDict()
        let fooled = det.counterfeit(gan, steps: 60)
        #expect(fooled.count == 60 && zip(before, gan.pair.G.stateDict()).contains { $0.tensor != $1.tensor })
        #expect(det.accuracy(on: gan, n: 100, seed: 9).fake < trained.fake)
        // In cells.
        #expect(s.text("det = fake_detector(gan, steps=5)", "det.steps") == "5")
        #expect(s.text("len(det.accuracy(gan, n=20))").hasSuffix("\n3"))
        #expect(s.text("len(gan.train_against(det, steps=2))").hasSuffix("\n2"))
        #expect(s.run("gan.train_against(gan)").error?.message.contains("must be a fake detector") == true)
        // With learning frozen, neither the detector nor G moves.
        let f = scratchSession()
        f.interpreter.settings.learningFrozen = true
        _ = f.text("g = GAN(batch=8, seed=6)", "det = fake_detector(g, steps=3)")
        guard case .object(let g as GANTrainer) = f.interpreter.variables["g"]!, case .object(let frozen as FakeDetector) = f.interpreter.variables["det"]! else { return }
        let weights = frozen.net.stateDict(), gWeights = g.pair.G.stateDict()
        _ = f.text("det.train(g, steps=2)", "g.train_against(det, steps=2)")
        #expect(zip(weights, frozen.net.stateDict()).allSatisfy { $0.tensor == $1.tensor })
        #expect(zip(gWeights, g.pair.G.stateDict()).filter { !$0.0.name.contains("running") && !$0.0.name.contains("num_batches") }.allSatisfy { $0.0.tensor == $0.1.tensor })
    }

    @Test("classify reads digits with the session's judge; digit_accuracy gives one share per digit")
    func judging() {
        let s = scratchSession()
        _ = s.text("data = mnist()", "x = data.images(0, 50, split='test')", "y = data.labels(0, 50, split='test')")
        #expect(s.text("classify(x).shape").hasSuffix("[50]"))
        let read = s.text("(classify(x) == y).mean().item()")
        #expect((Double(read.split(separator: "\n").last.map(String.init) ?? "") ?? 0) > 0.7, "\(read)")
        _ = s.text("c = GAN(conditional=True, batch=4)")
        #expect(s.text("len(c.digit_accuracy(n=10))").hasSuffix("\n10"))
        #expect(s.run("GAN(batch=4).digit_accuracy()").error?.message.contains("conditional") == true)
        #expect(s.run("classify(zeros(3, 3))").error?.kind == .shape)
        // show's captions: one per image, or a clear line.
        #expect(s.text("show(zeros(2, 1, 28, 28), captions=[10, 'b'])").contains("10"))
        #expect(s.run("show(zeros(2, 1, 28, 28), captions=[1])").error?.message.contains("needs 2 captions") == true)
    }
}
