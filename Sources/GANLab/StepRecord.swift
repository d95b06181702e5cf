import TensorCore

/// The first steps of a GAN's training, kept so that an exported PyTorch script can replay them exactly
/// (`:export --torch FILE.py --weights`): the weights it started from, the real batches (as dataset indices)
/// and the noise of every D update, and the losses ganbook got. Given the same start, batches and noise,
/// a correct PyTorch step must reach the same losses (within float rounding).
public struct StepRecord {
    /// Steps recorded at most (100 steps of a DCGAN at batch 64 keep ~2.6 MB of noise and 26 KB of indices).
    public static let limit = 100

    /// The settings every recorded step used (a change stops the record: the replay uses one set).
    public struct Settings: Equatable, Sendable {
        public let batchSize, dSteps: Int
        public let realLabel, learningRateD, learningRateG, beta1, beta2: Float
    }

    public let settings: Settings
    /// G's and D's weights (`G.…`, `D.…`) before the first step.
    public let initial: [(name: String, tensor: Tensor)]
    /// Per step, per D update: the indices of the real batch in the training set.
    public internal(set) var realIndices: [[[Int]]] = []
    /// Per step, per D update: the noise z `[batch, latent]`.
    public internal(set) var noise: [[Tensor]] = []
    public internal(set) var lossD: [Float] = [], lossG: [Float] = []
    /// Why the record stopped before `limit` steps (nil while it still grows).
    public internal(set) var stopped: String?
    /// A checksum of G's and D's state after the last recorded step (or at the start): a weight changed in
    /// between (written by hand, loaded, stepped by another optimizer) ends the record.
    var fingerprint: Double = 0

    public var count: Int { lossD.count }
    var isOpen: Bool { stopped == nil && count < StepRecord.limit }

    mutating func append(indices: [[Int]], noise z: [Tensor], lossD d: Float, lossG g: Float) {
        realIndices.append(indices); noise.append(z); lossD.append(d); lossG.append(g)
    }

    /// Back to the first `n` steps (after `undo`, which restores the random streams, so the next steps repeat).
    mutating func truncate(to n: Int) {
        guard n < count else { return }
        realIndices.removeLast(count - n); noise.removeLast(count - n); lossD.removeLast(count - n); lossG.removeLast(count - n)
    }

    mutating func stop(_ why: String) { if stopped == nil { stopped = why } }
}

extension GANTrainer {
    /// The settings the next step runs with.
    public var currentSettings: StepRecord.Settings {
        StepRecord.Settings(
            batchSize: batchSize, dSteps: dSteps, realLabel: realLabel, learningRateD: pair.optimizerD.learningRate,
            learningRateG: pair.optimizerG.learningRate, beta1: pair.optimizerG.beta1, beta2: pair.optimizerG.beta2)
    }

    /// Starts the record (a new, untrained GAN: a conditional one is not replayed by the script's GAN).
    func startRecord() {
        guard !isConditional else { return }
        record = StepRecord(settings: currentSettings, initial: pair.stateDict())
        record?.fingerprint = stateFingerprint()
    }

    /// Σ over G's and D's state of value × (1 + position mod 7), in Doubles: any change of any entry shows.
    func stateFingerprint() -> Double {
        var total = 0.0
        for (_, t) in pair.stateDict() {
            t.scalars.withUnsafeBufferPointer { p in
                for i in 0..<p.count { total += Double(p[i]) * Double(1 + i % 7) }
            }
        }
        return total
    }

    /// Whether the step about to run is recorded; stops the record when the settings changed or learning is frozen.
    func recordingNextStep() -> Bool {
        guard var r = record, r.isOpen else { return false }
        if r.settings != currentSettings { r.stop("the settings changed at step \(steps)") }
        if pair.optimizerG.isFrozen || pair.optimizerD.isFrozen { r.stop("learning was frozen at step \(steps)") }
        if !(pair.G.parameters + pair.D.parameters).allSatisfy(\.requiresGrad) { r.stop("a weight stopped learning (requires_grad) at step \(steps)") }
        if r.isOpen, stateFingerprint() != r.fingerprint { r.stop("the weights changed outside a step at step \(steps)") }
        record = r
        return r.isOpen
    }

    /// A single `step_d()` / `step_g()` changes the weights outside a full step: the record ends there.
    public func stopRecord(_ why: String) { record?.stop(why) }
}
