import Datasets
import Foundation
import NN
import TensorCore

/// The settings a GAN checkpoint's metadata holds, read as data: every field is checked (type, range,
/// agreement with the dataset) before anything is built, because a file is something a learner is
/// handed, and a `batch` of 0, a sampler position past the end, `steps` = Int.max or an all-zero
/// random state would otherwise crash or hang `load_gan` or the next `gan.step()`.
///
/// Each problem is one line naming the file and the field:
/// `digits.safetensors: metadata 'batch' must be a whole number from 2 to 512, got 0`.
public struct GANCheckpointSettings {
    let architecture: GANArchitecture
    let steps: Int
    let batch: Int
    let dSteps: Int
    let realLabel: Float
    let learningRateD: Float, learningRateG: Float
    let betas: (Float, Float)
    let noise: SeededGenerator
    let sampler: BatchSampler
    let seed: UInt64
    /// A conditional GAN's checkpoint says `classes` = 10.
    let conditional: Bool

    /// The largest step count a checkpoint may claim (a million steps a day for three years).
    public static let maximumSteps = 1_000_000_000
    /// The same bounds `GAN(batch=…)` and `GAN(k=…)` accept.
    public static let batchRange = 2...512
    public static let dStepsRange = 1...100

    init(_ meta: [String: String], path: String, datasetCount: Int) throws(CheckpointError) {
        func problem(_ key: String, _ text: String) -> CheckpointError {
            CheckpointError("\(path): metadata '\(key)' \(text)")
        }
        func got(_ key: String) -> String { meta[key].map { "got \"\($0.count > 40 ? String($0.prefix(40)) + "…" : $0)\"" } ?? "it is missing" }
        func whole(_ key: String, _ range: ClosedRange<Int>, default fallback: Int? = nil) throws(CheckpointError) -> Int {
            guard let text = meta[key] else {
                if let fallback { return fallback }
                throw problem(key, "must be a whole number from \(range.lowerBound) to \(range.upperBound), it is missing")
            }
            guard let n = Int(text), range.contains(n) else {
                throw problem(key, "must be a whole number from \(range.lowerBound) to \(range.upperBound), \(got(key))")
            }
            return n
        }
        func number(_ key: String, _ allowed: (Float) -> Bool, _ says: String, default fallback: Float) throws(CheckpointError) -> Float {
            guard let text = meta[key] else { return fallback }
            guard let x = Float(text), x.isFinite, allowed(x) else { throw problem(key, "must be \(says), \(got(key))") }
            return x
        }

        guard meta["ganbook"] == "gan" else {
            throw CheckpointError("\(path) is not a GAN checkpoint written by gan.save() (its metadata 'ganbook' is not \"gan\")")
        }
        guard let arch = meta["architecture"].flatMap(GANArchitecture.init(rawValue:)) else {
            throw problem("architecture", "must be \"dcgan\" or \"mlp\", \(got("architecture"))")
        }
        architecture = arch
        steps = try whole("steps", 0...GANCheckpointSettings.maximumSteps)
        batch = try whole("batch", GANCheckpointSettings.batchRange)
        guard batch <= datasetCount else {
            throw problem("batch", "is \(batch), more than the \(datasetCount) training images of the dataset it loads")
        }
        dSteps = try whole("d_steps", GANCheckpointSettings.dStepsRange, default: 1)
        realLabel = try number("real_label", { $0 > 0.5 && $0 <= 1 }, "a number in (0.5, 1]", default: 1)
        learningRateD = try number("lr_d", { $0 > 0 && $0 < 1 }, "a number in (0, 1)", default: 2e-4)
        learningRateG = try number("lr_g", { $0 > 0 && $0 < 1 }, "a number in (0, 1)", default: 2e-4)
        betas = (
            try number("beta1", { $0 >= 0 && $0 < 1 }, "a number in [0, 1)", default: 0.5),
            try number("beta2", { $0 >= 0 && $0 < 1 }, "a number in [0, 1)", default: 0.999)
        )
        guard let noise: SeededGenerator = GANTrainer.decode(meta["noise_state"] ?? "") else {
            throw problem("noise_state", "must be a random generator state {\"state\": [4 whole numbers]}, \(got("noise_state"))")
        }
        guard noise.isUsable else { throw problem("noise_state", "is a random generator state of all zeros (it would draw only zeros)") }
        self.noise = noise
        guard let sampler: BatchSampler = GANTrainer.decode(meta["sampler"] ?? "") else {
            throw problem("sampler", "must be a batch sampler state as gan.save() writes it, \(got("sampler"))")
        }
        if let why = sampler.problem(datasetCount: datasetCount, batchSize: batch) { throw problem("sampler", why) }
        self.sampler = sampler
        if let text = meta["seed"] {
            guard let s = UInt64(text) else { throw problem("seed", "must be a whole number from 0 to 2^64-1, \(got("seed"))") }
            seed = s
        } else {
            seed = 0
        }
        conditional = try whole("classes", 0...10, default: 0) == 10
        guard !conditional || architecture == .dcgan else { throw problem("classes", "is 10 (conditional), which only the DCGAN is") }
        if let c = meta["classes"], c != "0", c != "10" { throw problem("classes", "must be 0 or 10, got \"\(c)\"") }
    }

    /// Checks the tensors that are not weights: the four loss series must be equally long (undo trims
    /// them together) and every score step a whole number within the steps trained.
    static func checkHistory(_ state: [String: Tensor], steps: Int, path: String) throws(CheckpointError) {
        let lengths = ["loss_D", "loss_G", "D_real", "D_fake"].map { state["history." + $0]?.scalars.count ?? 0 }
        guard Set(lengths).count == 1 else {
            throw CheckpointError("\(path): tensors history.loss_D, loss_G, D_real and D_fake must be equally long, they have \(lengths) values")
        }
        let scoreSteps = state["history.score_steps"]?.scalars ?? [], scores = state["history.scores"]?.scalars ?? []
        guard scoreSteps.count == scores.count else {
            throw CheckpointError("\(path): tensors history.score_steps and history.scores must be equally long, they have \(scoreSteps.count) and \(scores.count) values")
        }
        if let bad = scoreSteps.first(where: { !($0.isFinite && $0 >= 0 && Double($0) <= Double(steps) && $0 == $0.rounded()) }) {
            throw CheckpointError("\(path): tensor history.score_steps must hold whole numbers from 0 to \(steps) (the steps trained), got \(bad)")
        }
    }
}
