import Autograd
import CellLanguage
import Datasets
import Foundation
import GANLab
import NN
import TensorCore
import TextPlot

extension GANTrainer: NotebookObject {
    public var typeName: String { "GAN" }

    public var attributeNames: [String] { GANTrainer.table.names }

    public func attribute(_ name: String, interpreter: Interpreter) throws(CellError) -> Value? {
        GANTrainer.table.value(name, of: self)
    }

    public func describe(style: DisplayStyle) -> [String] {
        [
            "GAN(\(pair.architecture.rawValue)\(isConditional ? ", conditional" : ""), batch \(batchSize), lr D \(Interpreter.number(Double(pair.optimizerD.learningRate))) G \(Interpreter.number(Double(pair.optimizerG.learningRate))), "
                + "\(dSteps) D step\(dSteps == 1 ? "" : "s") per G step\(realLabel < 1 ? ", real label \(Interpreter.number(Double(realLabel)))" : "")) on \(dataset.name.title): \(steps) steps trained",
            "  G: \(pair.G.parameterCount) parameters, D: \(pair.D.parameterCount) parameters",
        ]
    }

    static let table = MemberTable<GANTrainer>([
        .property("G", "gan.G", "The generator: noise [n, 100] → images [n, 1, 28, 28].", example: "gan.G", topic: "gan") { .module($0.pair.G) },
        .property("D", "gan.D", "The discriminator: images → one logit each (positive: real).", example: "gan.D", topic: "gan") { .module($0.pair.D) },
        .property("steps", "gan.steps", "How many steps it has trained.", example: "gan.steps", topic: "gan") { .number(Double($0.steps)) },
        .property("batch", "gan.batch", "Images per step.", example: "gan.batch", topic: "gan") { .number(Double($0.batchSize)) },
        .property("history", "gan.history", "Losses and D's verdicts per step, for plot(gan.history).", example: "plot(gan.history)", topic: "gan") {
            .object(HistoryValue(history: $0.history))
        },
        .method(
            "step", "gan.step(explain=False)", "One training step: D learns, then G learns; one line of numbers (explain=True narrates each sub-step).",
            example: "gan.step()", topic: "gan"
        ) { gan, args, interp throws(CellError) in
            try args.accept(keywords: ["explain"], maxPositional: 1)
            try interp.checkInterrupt(at: args.range)
            let explain = try args.bool(0, "explain", default: false)
            let r = gan.step(stopEarly: { interp.stopRequested })
            interp.emit(explain ? gan.explain(r) : [gan.line(r)])
            if r.dUpdates < gan.dSteps {
                interp.emit(["stopped by Ctrl-C: this step made fewer than its \(gan.dSteps) D updates, then G's update as usual"])
            }
            return .none
        },
        .method("step_d", "gan.step_d()", "Only D's update (on a real and a fake batch).", example: "gan.step_d()", topic: "gan") { gan, args, interp throws(CellError) in
            try args.accept(keywords: [], maxPositional: 0)
            gan.stopRecord("a single step_d() at step \(gan.steps)")
            gan.beginUpdate()
            let d = gan.pair.updateD(real: gan.realBatch(), fake: gan.fakeBatch().forD, realLabel: gan.realLabel)
            interp.emit(["D step: Loss_D \(f3(d.loss)) (real \(f3(d.lossReal)) + fake \(f3(d.lossFake)))  D(x) \(f3(d.dReal))  D(G(z)) \(f3(d.dFake))  |∇D| \(f3(GANPair.gradientNorm(gan.pair.D)))"])
            return .none
        },
        .method("step_g", "gan.step_g()", "Only G's update (through D, which stays fixed).", example: "gan.step_g()", topic: "gan") { gan, args, interp throws(CellError) in
            try args.accept(keywords: [], maxPositional: 0)
            gan.stopRecord("a single step_g() at step \(gan.steps)")
            gan.beginUpdate()
            let g = gan.pair.updateG(fake: gan.fakeBatch().forD)
            interp.emit(["G step: Loss_G \(f3(g.loss))  D(G(z)) \(f3(g.dFake)) before G moved  |∇G| \(f3(GANPair.gradientNorm(gan.pair.G)))"])
            return .none
        },
        .method(
            "train", "gan.train(steps=None, epochs=None)", "Many steps with a progress bar and a live loss sparkline; Ctrl-C stops cleanly.",
            example: "gan.train(steps=500)", topic: "gan"
        ) { gan, args, interp throws(CellError) in try gan.train(args, interp) },
        .method("undo", "gan.undo(n=1)", "Rewinds the last n steps (up to 5): weights, optimizer state, random streams.", example: "gan.undo(1)", topic: "gan") { gan, args, interp throws(CellError) in
            try args.accept(keywords: ["n"], maxPositional: 1)
            let n = try args.count(0, "n", default: 1, from: 1, max: 1_000_000)
            let done = gan.undo(n)
            interp.emit([
                done == 0
                    ? "nothing to undo (snapshots are kept for the last \(GANTrainer.snapshotLimit) steps)"
                    : "rewound \(done) step\(done == 1 ? "" : "s"): now at step \(gan.steps)"
            ])
            return .none
        },
        .method(
            "sample", "gan.sample(n=16, seed=None, digit=None)",
            "n images from G as [n, 1, 28, 28] in [-1, 1] (seed: the same noise every time). A conditional GAN draws digit (0–9), or 0, 1, …, 9, 0, … when none is given.",
            example: "show(gan.sample(16, seed=1))", topic: "gan"
        ) { gan, args, _ throws(CellError) in
            try args.accept(keywords: ["n", "seed", "digit"], maxPositional: 2)
            let n = try args.count(0, "n", default: 16, from: 1, max: 1024)
            let seed = args.value(1, "seed") == nil ? nil : try args.seed(1, default: 0)
            var digit: Int?
            if let (_, r) = args.value(nil, "digit") {
                guard gan.isConditional else {
                    throw CellError(.value, "this GAN draws whatever digit its noise gives: only a GAN(conditional=True) takes digit=", at: r)
                }
                digit = try args.int(nil, "digit", in: 0...(gan.pair.classes - 1))
            }
            return .tensor(Variable(gan.sample(n, seed: seed, digit: digit)))
        },
        .method(
            "table", "gan.table(columns=10, seed=None)",
            "A conditional GAN's table [10·columns, 1, 28, 28]: row d is the digit d, and each column keeps one noise vector in every row (its style). show(gan.table(), columns=10).",
            example: "show(cgan.table(), columns=10)", topic: "gan"
        ) { gan, args, interp throws(CellError) in
            try args.accept(keywords: ["columns", "seed"], maxPositional: 1)
            guard gan.isConditional else { throw CellError(.value, "table() is a conditional GAN's: make one with GAN(conditional=True)", at: args.range) }
            let columns = try args.count(0, "columns", default: 10, from: 1, max: 64)
            let seed = try args.seed(nil, default: interp.seed &+ 7)
            return .tensor(Variable(gan.digitTable(columns: columns, seed: seed)))
        },
        .method(
            "digit_accuracy", "gan.digit_accuracy(n=100, classifier=None)",
            "A conditional GAN asked for each digit n times, its drawings read by lesson 3's classifier: per digit, the share read as the digit asked for (a list of 10).",
            example: "cgan.digit_accuracy()", topic: "gan"
        ) { gan, args, interp throws(CellError) in try gan.digitAccuracy(args, interp) },
        .method(
            "train_against", "gan.train_against(detector, steps=300)",
            "G learns to fool a fake detector (fake_detector) instead of D: bce(detector(G(z)), 1) with G's own Adam, for steps updates. Returns the share of fakes the detector took for real, per update.",
            example: "gan.train_against(det, steps=300)", topic: "gan"
        ) { gan, args, interp throws(CellError) in try gan.trainAgainst(args, interp) },
        .method("animate", "gan.animate()", "Replays the fixed-noise grids recorded during training: watch it learn.", example: "gan.animate()", topic: "gan") { gan, args, interp throws(CellError) in
            try gan.animate(args, interp)
        },
        .method("stats", "gan.stats()", "Per layer: weight mean and std, gradient norm, and how much the last update changed it.", example: "gan.stats()", topic: "gan") {
            gan, args, interp throws(CellError) in
            try args.accept(keywords: [], maxPositional: 0)
            interp.emit(gan.statsTable(charset: interp.display.style.charset))
            return .none
        },
        .method(
            "interpolate", "gan.interpolate(seed1=1, seed2=2, steps=8)", "A walk in latent space from one noise to another, as a strip.",
            example: "gan.interpolate(1, 2)", topic: "gan"
        ) { gan, args, interp throws(CellError) in try gan.interpolate(args, interp) },
        .method(
            "score", "gan.score(classifier=None, n=1000)",
            "Judges 1,000 samples with lesson 3's CNN: class histogram, MNIST score, Fréchet distance to real digits. Returns [score, distance, share of each digit, the same judge's score of real test digits, the judge's name].",
            example: "gan.score()", topic: "gan"
        ) { gan, args, interp throws(CellError) in try gan.score(args, interp) },
        .method(
            "save", "gan.save(path, overwrite=False)",
            "Weights, optimizer state and random streams in a safetensors file (load_gan resumes exactly). It replaces only a safetensors file; overwrite=True replaces any file.",
            example: "gan.save(\"digits.safetensors\")", topic: "gan"
        ) { gan, args, interp throws(CellError) in
            try args.accept(keywords: ["path", "overwrite"], maxPositional: 1)
            let name = try args.string(0, "path")
            let path = interp.resolve(name)
            let overwrite = try args.bool(nil, "overwrite", default: false)
            do throws(CheckpointError) { try gan.save(to: path, overwrite: overwrite) } catch { throw CellError(.value, error.message, at: args.range) }
            interp.emit(["saved the GAN at step \(gan.steps) to \(name)"])
            return .none
        },
    ])

    func animate(_ args: Arguments, _ interp: Interpreter) throws(CellError) -> Value {
        try args.accept(keywords: [], maxPositional: 0)
        guard !frames.isEmpty else {
            interp.emit(["no frames yet: gan.train() records G(fixed noise) as it goes"])
            return .none
        }
        for (step, images) in frames {
            let canvas = Canvas.stacked([Canvas(text: ["step \(step)"]), try grid(images, interp)])
            if let live = interp.live {
                live(.frame(canvas))
                Thread.sleep(forTimeInterval: 0.4)
                try interp.checkInterrupt(at: args.range)
            } else {
                interp.emit(canvas)
            }
        }
        interp.live?(.end)
        return .none
    }

    func interpolate(_ args: Arguments, _ interp: Interpreter) throws(CellError) -> Value {
        try args.accept(keywords: ["seed1", "seed2", "steps"], maxPositional: 3)
        let a = try args.seed(0, "seed1", default: 1), b = try args.seed(1, "seed2", default: 2)
        let n = try args.count(2, "steps", default: 8, from: 2, max: 16)
        var ga = SeededGenerator(seed: a), gb = SeededGenerator(seed: b)
        let z1 = Tensor.randn([1, pair.latent], using: &ga), z2 = Tensor.randn([1, pair.latent], using: &gb)
        let zs = Tensor.concat(
            (0..<n).map { i in
                let t = Float(i) / Float(n - 1); return z1 * (1 - t) + z2 * t
            })
        let images = generate(zs)
        interp.emit(
            GridRenderer.canvas(
                try Builtins.grayImages(images, at: args.range), captions: (0..<n).map { "\($0)" },
                columns: max(1, interp.display.width / 29), range: -1...1, style: interp.display.style))
        return .tensor(Variable(images))
    }

    /// "step 12  Loss_D 1.234  Loss_G 0.987  D(x) 0.51  D(G(z)) 0.48 → 0.45  |∇D| 0.52  |∇G| 0.33  38 ms"
    func line(_ r: StepReport) -> String {
        "step \(r.step)  Loss_D \(f3(r.d.loss))  Loss_G \(f3(r.lossG))  D(x) \(f2(r.d.dReal))  D(G(z)) \(f2(r.d.dFake)) → \(f2(r.dFakeAfter))  "
            + "|∇D| \(f3(r.gradD))  |∇G| \(f3(r.gradG))  \(Int(r.milliseconds.rounded())) ms"
    }

    /// The same step in slow motion, with its actual numbers.
    func explain(_ r: StepReport) -> [String] {
        let n = batchSize
        return [
            "step \(r.step), in slow motion:",
            "D's update (the treasurer learns):",
            "  1. make fakes: z ~ N(0, 1) of shape [\(n), \(pair.latent)] → G(z) of shape [\(n), 1, 28, 28], pixels in [\(f2(r.fakeRange.0)), \(f2(r.fakeRange.1))]",
            "  2. judge: D looks at \(n) real digits and \(n) fakes; mean σ(D(real)) = \(f3(r.d.dReal)) (it wants 1), mean σ(D(fake)) = \(f3(r.d.dFake)) (it wants 0)",
            "  3. loss: bce(D(real), \(realLabel < 1 ? f2(realLabel) : "1")) = \(f3(r.d.lossReal)) + bce(D(fake), 0) = \(f3(r.d.lossFake)) → Loss_D = \(f3(r.d.loss))",
            "  4. gradients: backward() through D only (the fakes are detached): |∇D| = \(f3(r.gradD))",
            "  5. update: Adam moves D's \(pair.D.parameterCount) weights" + (dSteps > 1 ? " (repeated \(dSteps) times with fresh batches)" : ""),
            "G's update (the counterfeiter learns):",
            "  1. judge the same fakes with the updated D: mean σ(D(G(z))) = \(f3(r.dFakeAfter)) (was \(f3(r.d.dFake)) before D learned)",
            "  2. loss: bce(D(G(z)), 1) = \(f3(r.lossG)) — G is scored on how real D finds its fakes",
            "  3. gradients: backward() flows from D's verdict back through D (frozen) into G: |∇G| = \(f3(r.gradG))",
            "  4. update: Adam moves G's \(pair.G.parameterCount) weights",
            "(\(Int(r.milliseconds.rounded())) ms)",
        ]
    }

    func train(_ args: Arguments, _ interp: Interpreter) throws(CellError) -> Value {
        try args.accept(keywords: ["steps", "epochs", "every"], maxPositional: 1)
        let maximumSteps = 1_000_000
        var total: Int
        if let (v, r) = args.value(nil, "epochs") {
            guard args.value(0, "steps") == nil else { throw CellError(.type, "give steps=N or epochs=E, not both", at: args.range) }
            guard let epochs = WholeNumber.number(v), epochs.isFinite, epochs > 0 else {
                throw CellError(.value, "epochs must be a number > 0, got \(v.asNumber.map(formatLiteral) ?? v.typeName)", at: r)
            }
            let stepsPerEpoch = Double(dataset.train.count) / Double(batchSize)
            guard epochs * stepsPerEpoch <= Double(maximumSteps) else {
                throw CellError(.value, "epochs=\(formatLiteral(epochs)) would be more than the \(maximumSteps) steps one train() may run", at: r)
            }
            total = max(Int((epochs * stepsPerEpoch).rounded()), 1)
        } else {
            guard args.value(0, "steps") != nil else { throw CellError(.type, "give steps=N (1…1,000,000) or epochs=E", at: args.range) }
            total = try args.count(0, "steps", from: 1, max: maximumSteps)
        }
        let every = try args.count(nil, "every", default: max(total / 10, 1), from: 1, max: maximumSteps)
        let progress = ProgressLine(total: total)
        var throttle = ProgressThrottle(isTerminal: interp.live != nil)
        let start = DispatchTime.now().uptimeNanoseconds
        let width = min(interp.display.width, 120)
        if frames.isEmpty { recordFrame() }
        var done = 0
        var stoppedEarly = false
        while done < total {
            if interp.takeStopRequest() { stoppedEarly = true; break }
            // Only the last steps can be undone (GANTrainer.snapshotLimit): the others keep no snapshot.
            let r = step(keepUndo: total - done <= GANTrainer.snapshotLimit, stopEarly: { interp.stopRequested })
            done += 1
            if done % every == 0 || done == total { recordFrame() }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if throttle.shouldEmit(now: elapsed, done: done, total: total) {
                let spark = LineChart.sparkline(Array(history.lossG.suffix(200)), width: 20, charset: interp.display.style.charset)
                let text =
                    progress.render(
                        done: done, elapsed: elapsed, metrics: [("loss_D", Double(r.d.loss)), ("loss_G", Double(r.lossG))],
                        width: width - 22, charset: interp.display.style.charset) + " " + spark
                if let live = interp.live { live(.progress(text)) } else { interp.emit([text]) }
            }
        }
        interp.live?(.end)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        interp.emit([
            (stoppedEarly ? "stopped by Ctrl-C after \(done) of \(total) steps" : "trained \(done) steps")
                + String(format: " in %.1f s (%.1f steps/s); now at step \(steps)", elapsed, Double(done) / max(elapsed, 1e-9))
        ])
        return .none
    }

    func grid(_ images: Tensor, _ interp: Interpreter) throws(CellError) -> Canvas {
        GridRenderer.canvas(
            try Builtins.grayImages(images, at: SourceRange(0, 0)), columns: min(8, max(1, interp.display.width / 29)),
            range: -1...1, style: interp.display.style)
    }

    func statsTable(charset: Charset) -> [String] {
        // The weights before the last update are in the newest undo snapshot: ‖Δw‖/‖w‖ comes from there.
        let before = weightsBeforeLastStep
        var rows: [[String]] = []
        for (prefix, model) in [("G.", pair.G), ("D.", pair.D)] {
            for (name, p) in model.namedParameters() {
                let v = p.value
                let gradNorm = p.grad.map { GANTrainer.norm($0) }
                rows.append([
                    prefix + name, TensorCore.describe(v.shape), f3(Double(v.mean().item)), f3(Double(v.std(unbiased: false).item)),
                    gradNorm.map { formatNumber($0) } ?? "—", before[prefix + name].map { formatNumber(GANTrainer.norm(v - $0) / max(GANTrainer.norm($0), 1e-12)) } ?? "—",
                ])
            }
        }
        return ["step \(steps); update:data is ‖Δw‖/‖w‖ over the last step (healthy: about 1e-3)"]
            + Table.render(
                headers: ["parameter", "shape", "mean", "std", "‖grad‖", "update:data"], rows: rows,
                alignments: [.left, .left, .right, .right, .right, .right], charset: charset)
    }
}

func f3(_ x: Float) -> String { formatFixed(Double(x), decimals: 3) }
func f3(_ x: Double) -> String { formatFixed(x, decimals: 3) }
func f4(_ x: Double) -> String { formatFixed(x, decimals: 4) }
func f2(_ x: Float) -> String { formatFixed(Double(x), decimals: 2) }

/// `gan.history`: plot() draws its losses.
public final class HistoryValue: NotebookObject, SeriesProvider {
    public let history: GANTrainer.History
    public init(history: GANTrainer.History) { self.history = history }
    public var typeName: String { "history" }
    public var attributeNames: [String] { ["loss_D", "loss_G", "D_real", "D_fake"] }
    public var xAxis: String { "step" }
    public func series() -> [Series] { [Series("Loss_D", history.lossD), Series("Loss_G", history.lossG)] }
    public func describe(style: DisplayStyle) -> [String] { ["history of \(history.lossD.count) steps: loss_D, loss_G, D_real, D_fake (plot(gan.history))"] }
    public func attribute(_ name: String, interpreter: Interpreter) throws(CellError) -> Value? {
        let values: [Double]
        switch name {
        case "loss_D": values = history.lossD
        case "loss_G": values = history.lossG
        case "D_real": values = history.dReal
        case "D_fake": values = history.dFake
        default: return nil
        }
        return .list(values.map { .number($0) })
    }
}
