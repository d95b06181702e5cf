import Autograd
import Datasets
import Foundation
import NN
import TensorCore

/// The GAN of lesson 5: the reference DCGAN (or MLP), its data, its own seeded random streams, a
/// history, snapshots for `undo`, and checkpoints. It exposes values and reports; the notebook's
/// adapter (`gan = GAN()`; `gan.step()`; `gan.train(steps=500)`…) turns them into lines and pictures.
public final class GANTrainer {
    public let pair: GANPair
    public let dataset: ImageDataset
    public var batchSize: Int
    /// D updates per G update.
    public var dSteps: Int
    /// One-sided label smoothing: D's target for real images (1 = none).
    public var realLabel: Float
    public internal(set) var sampler: BatchSampler
    public internal(set) var noise: SeededGenerator
    /// Fixed noise for the grids recorded during training (the classic "watch it learn").
    let fixedNoise: Tensor
    /// The seed everything above was drawn from (saved, so that a reloaded GAN animates the same noise).
    let seed: UInt64
    public internal(set) var steps = 0
    public internal(set) var history = History()
    /// Grids of G(fixed noise) recorded during training, with the step they were taken at.
    public internal(set) var frames: [(step: Int, images: Tensor)] = []
    var snapshots: [Snapshot] = []
    /// The first steps' start, batches and noise, for a PyTorch replay (nil for a reloaded or conditional GAN).
    public internal(set) var record: StepRecord?
    /// The indices of the last real batch and the last noise drawn (what a recorded step keeps).
    var lastIndices: [Int] = []
    var lastNoise: Tensor?
    /// How many steps `undo` can rewind.
    public static let snapshotLimit = 5

    public struct History: Sendable {
        public var lossD: [Double] = [], lossG: [Double] = [], dReal: [Double] = [], dFake: [Double] = []
        /// (step, MNIST score) when `score()` ran during training.
        public var scores: [(Int, Double)] = []
        public init() {}
    }

    /// Everything a step changes, so `undo` can put it back exactly.
    struct Snapshot {
        let steps: Int
        let state: [(name: String, tensor: Tensor)]
        let optimizerG: [(name: String, tensor: Tensor)], optimizerD: [(name: String, tensor: Tensor)]
        let sampler: BatchSampler
        let noise: SeededGenerator
        let historyCount: Int
    }

    public init(
        architecture: GANArchitecture, dataset: ImageDataset, batchSize: Int, learningRateD: Float, learningRateG: Float,
        betas: (Float, Float), dSteps: Int, realLabel: Float, seed: UInt64, conditional: Bool = false
    ) {
        var g = SeededGenerator(seed: seed)
        pair = GANPair(architecture, classes: conditional ? 10 : 0, learningRate: learningRateG, betas: betas, using: &g)
        pair.optimizerD.learningRate = learningRateD
        self.dataset = dataset
        self.batchSize = batchSize
        self.dSteps = dSteps
        self.realLabel = realLabel
        sampler = BatchSampler(count: dataset.train.count, batchSize: batchSize, seed: seed &+ 1)
        noise = SeededGenerator(seed: seed &+ 2)
        var fixed = SeededGenerator(seed: seed &+ 3)
        fixedNoise = Tensor.randn([16, pair.latent], using: &fixed)
        self.seed = seed
        startRecord()
    }

    // MARK: Training

    /// What one full step did (for the one-line report and `explain`).
    public struct StepReport {
        public let step: Int
        public let d: DiscriminatorUpdate
        /// D updates made (fewer than `dSteps` when the step was asked to stop early).
        public let dUpdates: Int
        public let lossG: Float, dFakeAfter: Float
        public let gradD: Double, gradG: Double
        public let milliseconds: Double
        public let fakeRange: (Float, Float)
    }

    /// Whether G draws the digit it is asked for and D judges an image together with the digit it is meant to be.
    public var isConditional: Bool { pair.classes > 0 }

    /// The next real batch as D sees it: `[batch, 1, 28, 28]` in [−1, 1], with the label planes of the
    /// digits they are, `[batch, 11, 28, 28]`, when conditional.
    public func realBatch() -> Tensor {
        let indices = sampler.next()
        lastIndices = indices
        let images = dataset.train.imageBatch(indices, range: -1...1)
        guard isConditional else { return images }
        return pair.discriminatorInput(Variable(images), labels: indices.map { Int(dataset.train.labels[$0]) }).value
    }

    /// The next batch of fakes: G's drawings `[batch, 1, 28, 28]`, and the same as D sees them (with the
    /// label planes of the digits G was asked for, drawn uniformly from the noise stream, when conditional).
    public func fakeBatch() -> (images: Variable, forD: Variable) {
        let z = Tensor.randn([batchSize, pair.latent], using: &noise)
        lastNoise = z
        let labels = isConditional ? (0..<batchSize).map { _ in Int.random(in: 0..<pair.classes, using: &noise) } : []
        let images = pair.G(Variable(pair.generatorInput(z, labels: labels)))
        return (images, pair.discriminatorInput(images, labels: labels))
    }

    /// Before any update (a full step, or `step_d` / `step_g` alone): both networks in training mode (batch
    /// statistics, whatever mode a learner left them in: `gan.D.eval()`), and a snapshot for `undo`.
    ///
    /// `keepUndo: false` (the steps of a long `train` that cannot be among its last `snapshotLimit`)
    /// takes no snapshot and drops the older ones, which no longer lead back step by step. A snapshot
    /// holds the weights and both Adams' moments: the update then writes into copies of all three,
    /// 13 MB a step for the MLP GAN, a fifth of its step time at batch 16.
    public func beginUpdate(keepUndo: Bool = true) {
        pair.G.train()
        pair.D.train()
        if keepUndo { snapshot() } else { snapshots.removeAll() }
    }

    /// Keeps what the next update changes, for `undo` (the last `snapshotLimit` are kept).
    func snapshot() {
        let s = Snapshot(
            steps: steps, state: pair.stateDict(), optimizerG: pair.optimizerG.stateDict(), optimizerD: pair.optimizerD.stateDict(),
            sampler: sampler, noise: noise, historyCount: history.lossD.count)
        snapshots.append(s)
        if snapshots.count > GANTrainer.snapshotLimit { snapshots.removeFirst() }
    }

    /// One step: `dSteps` D updates, then one G update on the last fakes. Records the history.
    /// `stopEarly` is asked between D updates (Ctrl-C): when it says yes, the step ends its extra D
    /// updates and still makes G's update, so the weights stay whole. `keepUndo`: see `beginUpdate`.
    public func step(keepUndo: Bool = true, stopEarly: () -> Bool = { false }) -> StepReport {
        let recording = recordingNextStep()
        beginUpdate(keepUndo: keepUndo)
        let start = DispatchTime.now().uptimeNanoseconds
        var fake = fakeBatch()
        var d = pair.updateD(real: realBatch(), fake: fake.forD, realLabel: realLabel)
        var dUpdates = 1
        var indices = [lastIndices], zs = [lastNoise!]
        while dUpdates < dSteps, !stopEarly() {
            fake = fakeBatch()
            d = pair.updateD(real: realBatch(), fake: fake.forD, realLabel: realLabel)
            dUpdates += 1
            indices.append(lastIndices); zs.append(lastNoise!)
        }
        let gradD = GANPair.gradientNorm(pair.D)
        let g = pair.generatorGradients(fake: fake.forD)
        let gradG = GANPair.gradientNorm(pair.G)
        let fakeRange = (fake.images.value.min().item, fake.images.value.max().item)
        // Let go of G's graph before G's step (it keeps G's weights: Adam would copy them all first).
        fake = (Variable(fake.images.value), Variable(fake.forD.value))
        pair.optimizerG.step()
        steps += 1
        history.lossD.append(Double(d.loss)); history.lossG.append(Double(g.loss))
        history.dReal.append(Double(d.dReal)); history.dFake.append(Double(d.dFake))
        if recording {
            if dUpdates == dSteps {
                record?.append(indices: indices, noise: zs, lossD: d.loss, lossG: g.loss)
                record?.fingerprint = stateFingerprint()
            } else {
                record?.stop("step \(steps) was stopped early")
            }
        }
        return StepReport(
            step: steps, d: d, dUpdates: dUpdates, lossG: g.loss, dFakeAfter: g.dFake, gradD: gradD, gradG: gradG,
            milliseconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6, fakeRange: fakeRange)
    }

    /// ‖t‖, the square root of the sum of squares.
    public static func norm(_ t: Tensor) -> Double { Double((t * t).sum().item).squareRoot() }

    /// Every weight of G and D (`G.…`, `D.…`) as it was before the last step, if a snapshot holds it.
    public var weightsBeforeLastStep: [String: Tensor] {
        snapshots.last.map { Dictionary($0.state.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a }) } ?? [:]
    }

    /// Puts back the state from before the last `n` steps (up to the snapshots kept).
    public func undo(_ n: Int) -> Int {
        let count = min(n, snapshots.count)
        guard count > 0 else { return 0 }
        let s = snapshots[snapshots.count - count]
        snapshots.removeLast(count)
        let state = Dictionary(uniqueKeysWithValues: s.state.map { ($0.name, $0.tensor) })
        try! pair.G.loadStateDict(state, prefix: "G.")
        try! pair.D.loadStateDict(state, prefix: "D.")
        try! pair.optimizerG.loadStateDict(Dictionary(uniqueKeysWithValues: s.optimizerG.map { ($0.name, $0.tensor) }))
        try! pair.optimizerD.loadStateDict(Dictionary(uniqueKeysWithValues: s.optimizerD.map { ($0.name, $0.tensor) }))
        sampler = s.sampler
        noise = s.noise
        steps = s.steps
        history.lossD.removeLast(history.lossD.count - s.historyCount)
        history.lossG.removeLast(history.lossG.count - s.historyCount)
        history.dReal.removeLast(history.dReal.count - s.historyCount)
        history.dFake.removeLast(history.dFake.count - s.historyCount)
        frames.removeAll { $0.step > steps }
        // The random streams are back too, so the steps that follow repeat the recorded ones.
        if let r = record, r.stopped == nil {
            record?.truncate(to: steps)
            record?.fingerprint = stateFingerprint()
        }
        return count
    }

    /// n images from G in evaluation mode (running BatchNorm statistics): `[n, 1, 28, 28]` in [−1, 1].
    /// A conditional G draws `digit` (all n), or the digits 0, 1, …, 9, 0, 1, … when none is asked for.
    public func sample(_ n: Int, seed: UInt64?, digit: Int? = nil) -> Tensor {
        var g = seed.map { SeededGenerator(seed: $0) } ?? noise
        let z = Tensor.randn([n, pair.latent], using: &g)
        if seed == nil { noise = g }
        return generate(z, digits: digit.map { [Int](repeating: $0, count: n) })
    }

    /// G(z) in evaluation mode for noise `z: [n, latent]` → `[n, 1, 28, 28]`. A conditional G draws
    /// `digits` (one per row of z; 0, 1, …, 9, 0, … when nil); an unconditional one ignores them.
    public func generate(_ z: Tensor, digits: [Int]? = nil) -> Tensor {
        let labels = isConditional ? digits ?? (0..<z.shape[0]).map { $0 % pair.classes } : []
        pair.G.eval()
        defer { pair.G.train() }
        return noGrad { pair.G(Variable(pair.generatorInput(z, labels: labels))) }.value
    }

    /// The table of a conditional GAN: `[10 · columns, 1, 28, 28]`, row r (images r·columns …) is digit r,
    /// and column c is drawn from the same noise in every row, so it keeps its style while its digit changes.
    public func digitTable(columns: Int, seed: UInt64) -> Tensor {
        var g = SeededGenerator(seed: seed)
        let z = Tensor.randn([columns, pair.latent], using: &g)
        let rows = (0..<pair.classes).map { _ in z }
        return generate(Tensor.concat(rows), digits: (0..<pair.classes).flatMap { [Int](repeating: $0, count: columns) })
    }

    /// Records G(fixed noise) at the current step, for `animate`.
    public func recordFrame() { frames.append((steps, generate(fixedNoise))) }

    // MARK: Saving

    /// Weights, optimizer state, random streams and step count in one safetensors file.
    public func save(to path: String, overwrite: Bool = false) throws(CheckpointError) {
        var tensors = pair.stateDict()
        tensors += pair.optimizerG.stateDict().map { ("optimizer.G." + $0.name, $0.tensor) }
        tensors += pair.optimizerD.stateDict().map { ("optimizer.D." + $0.name, $0.tensor) }
        for (name, values) in [("loss_D", history.lossD), ("loss_G", history.lossG), ("D_real", history.dReal), ("D_fake", history.dFake)] {
            tensors.append(("history." + name, Tensor(values.map(Float.init))))
        }
        tensors.append(("history.score_steps", Tensor(history.scores.map { Float($0.0) })))
        tensors.append(("history.scores", Tensor(history.scores.map { Float($0.1) })))
        try SafeTensors.save(tensors, metadata: metadata, to: path, overwrite: overwrite)
    }

    /// The settings, random streams and step count as a checkpoint's metadata strings.
    public var metadata: [String: String] {
        [
            "format": "pt", "ganbook": "gan", "architecture": pair.architecture.rawValue, "steps": String(steps),
            "batch": String(batchSize), "d_steps": String(dSteps), "real_label": String(realLabel),
            "lr_d": String(pair.optimizerD.learningRate), "lr_g": String(pair.optimizerG.learningRate),
            "beta1": String(pair.optimizerG.beta1), "beta2": String(pair.optimizerG.beta2),
            "noise_state": GANTrainer.encode(noise), "sampler": GANTrainer.encode(sampler), "dataset": dataset.name.rawValue,
            "seed": String(seed),
        ].merging(isConditional ? ["classes": String(pair.classes)] : [:]) { a, _ in a }
    }

    /// A trainer with the settings, random streams and step count of `metadata` (checked field by field,
    /// as a checkpoint's are), its networks and optimizers as new: the caller loads their state.
    public static func rebuild(metadata meta: [String: String], from path: String, dataset: ImageDataset) throws(CheckpointError) -> GANTrainer {
        let settings = try GANCheckpointSettings(meta, path: path, datasetCount: dataset.train.count)
        let t = GANTrainer(
            architecture: settings.architecture, dataset: dataset, batchSize: settings.batch,
            learningRateD: settings.learningRateD, learningRateG: settings.learningRateG, betas: settings.betas,
            dSteps: settings.dSteps, realLabel: settings.realLabel, seed: settings.seed, conditional: settings.conditional)
        t.noise = settings.noise
        t.sampler = settings.sampler
        t.steps = settings.steps
        // Its weights come from the file, not from the start the constructor recorded.
        t.record = nil
        return t
    }

    /// Puts back a record kept elsewhere (the workspace keeps it exactly, in Doubles): the history and
    /// the recorded frames. Frames after the trainer's step are dropped, as `undo` drops them.
    public func restoreRecord(history: History, frames: [(step: Int, images: Tensor)]) {
        self.history = history
        self.frames = frames.filter { $0.step <= steps }
    }

    /// A trainer restored from what `save` wrote to `path` (read with `SafeTensors.load`): the next step
    /// equals the step the saved one would have taken.
    public static func restore(
        _ tensors: [(name: String, tensor: Tensor)], metadata meta: [String: String], from path: String,
        dataset: ImageDataset
    ) throws(CheckpointError) -> GANTrainer {
        if let bad = SafeTensors.firstNonFinite(tensors.filter { !$0.name.hasPrefix("history.") }) {
            throw CheckpointError("\(path): \(bad) — the file is damaged, or was saved after training diverged")
        }
        let t = try rebuild(metadata: meta, from: path, dataset: dataset)
        let state = Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        try GANCheckpointSettings.checkHistory(state, steps: t.steps, path: path)
        try t.pair.G.loadStateDict(state, prefix: "G.")
        try t.pair.D.loadStateDict(state, prefix: "D.")
        func optimizerState(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: tensors.filter { $0.name.hasPrefix(prefix) }.map { (String($0.name.dropFirst(prefix.count)), $0.tensor) })
        }
        try t.pair.optimizerG.loadStateDict(optimizerState("optimizer.G."))
        try t.pair.optimizerD.loadStateDict(optimizerState("optimizer.D."))
        func series(_ name: String) -> [Double] { state["history." + name]?.scalars.map(Double.init) ?? [] }
        t.history.lossD = series("loss_D")
        t.history.lossG = series("loss_G")
        t.history.dReal = series("D_real")
        t.history.dFake = series("D_fake")
        t.history.scores = zip(series("score_steps"), series("scores")).map { (Int($0), $1) }
        return t
    }

    public static func encode<T: Codable>(_ value: T) -> String { (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "" }
    public static func decode<T: Codable>(_ text: String) -> T? { try? JSONDecoder().decode(T.self, from: Data(text.utf8)) }
}
