import CellLanguage
import GANLab
import NN
import TensorCore
import TextPlot

/// `det = fake_detector(gan)`: a small CNN that tells real digits from one GAN's fakes, with
/// `det.train(gan, steps)`, `det.accuracy(gan)`; `gan.train_against(det)` is the counterfeiter's answer.
extension FakeDetector: NotebookObject {
    public var typeName: String { "fake detector" }
    public var attributeNames: [String] { FakeDetector.table.names }

    public func attribute(_ name: String, interpreter: Interpreter) throws(CellError) -> Value? {
        FakeDetector.table.value(name, of: self)
    }

    public func describe(style: DisplayStyle) -> [String] {
        ["fake detector: a CNN of \(net.parameterCount) weights (conv 1→16, conv 16→32, linear → 1 logit), \(steps) updates on \(FakeDetector.batchSize) real digits and \(FakeDetector.batchSize) fakes each"]
    }

    static let table = MemberTable<FakeDetector>([
        .property("net", "det.net", "The detector's network: images [n, 1, 28, 28] → one logit each (positive: real).", example: "det.net", topic: "gan") { .module($0.net) },
        .property("steps", "det.steps", "Updates it has made.", example: "det.steps", topic: "gan") { .number(Double($0.steps)) },
        .method(
            "train", "det.train(gan, steps=300)", "steps more updates on real training digits against fresh fakes of gan. Returns the losses.",
            example: "det.train(gan, steps=300)", topic: "gan"
        ) { det, args, interp throws(CellError) in
            try args.accept(keywords: ["gan", "steps"], maxPositional: 2)
            let gan = try FakeDetector.gan(args, 0, "gan")
            let steps = try args.count(1, "steps", default: 300, from: 1, max: 100_000)
            let losses = det.train(against: gan, steps: steps, stopEarly: { interp.stopRequested })
            try interp.checkInterrupt(at: args.range)
            interp.emit(["trained \(losses.count) updates: loss \(f3(losses.first ?? 0)) → \(f3(losses.last ?? 0))"])
            return .list(losses.map { .number($0) })
        },
        .method(
            "accuracy", "det.accuracy(gan, n=500)",
            "On what it never trained on, n real test digits and n fresh fakes of gan: [share of real called real, share of fakes called fake, their mean].",
            example: "det.accuracy(gan)", topic: "gan"
        ) { det, args, interp throws(CellError) in
            try args.accept(keywords: ["gan", "n"], maxPositional: 2)
            let gan = try FakeDetector.gan(args, 0, "gan")
            let n = try args.count(1, "n", default: 500, from: 10, max: 10_000)
            let a = det.accuracy(on: gan, n: n, seed: 777)
            interp.emit([
                "real test digits called real: \(formatFixed(100 * a.real, decimals: 1))%   fakes called fake: \(formatFixed(100 * a.fake, decimals: 1))%   accuracy \(formatFixed(100 * a.accuracy, decimals: 1))%"
            ])
            return .list([.number(a.real), .number(a.fake), .number(a.accuracy)])
        },
    ])

    /// A GAN argument.
    static func gan(_ args: Arguments, _ index: Int, _ name: String) throws(CellError) -> GANTrainer {
        let (v, r) = try args.required(index, name)
        guard case .object(let o) = v, let gan = o as? GANTrainer else { throw CellError(.type, "\(name) must be a GAN, got \(v.typeName)", at: r) }
        return gan
    }
}

extension Builtins {
    static let detectorBuiltins: [Builtin] = [
        define(
            "fake_detector", "fake_detector(gan, steps=300, seed=None)",
            "A small CNN trained to tell real digits from gan's fakes (steps updates of 32 real and 32 fakes). det.accuracy(other_gan) tests it; gan.train_against(det) fights back.",
            example: "det = fake_detector(gan, steps=50)", topic: "gan"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["gan", "steps", "seed"], maxPositional: 2)
            let gan = try FakeDetector.gan(args, 0, "gan")
            let steps = try args.count(1, "steps", default: 300, from: 0, max: 100_000)
            let det = FakeDetector(dataset: gan.dataset, seed: try args.seed(nil, default: interp.seed))
            det.optimizer.isFrozen = interp.settings.learningFrozen
            let losses = det.train(against: gan, steps: steps, stopEarly: { interp.stopRequested })
            try interp.checkInterrupt(at: args.range)
            if !losses.isEmpty { interp.emit(["trained a fake detector for \(losses.count) updates: loss \(f3(losses[0])) → \(f3(losses.last!))"]) }
            return .object(det)
        }
    ]
}

extension GANTrainer {
    /// `gan.train_against(det, steps=300)`: G against the detector; one line before and after.
    func trainAgainst(_ args: Arguments, _ interp: Interpreter) throws(CellError) -> Value {
        try args.accept(keywords: ["detector", "steps"], maxPositional: 2)
        let (v, r) = try args.required(0, "detector")
        guard case .object(let o) = v, let det = o as? FakeDetector else {
            throw CellError(.type, "detector must be a fake detector (fake_detector(gan)), got \(v.typeName)", at: r)
        }
        let steps = try args.count(1, "steps", default: 300, from: 1, max: 100_000)
        stopRecord("G trained against a detector at step \(self.steps)")
        let fooled = det.counterfeit(self, steps: steps, stopEarly: { interp.stopRequested })
        try interp.checkInterrupt(at: args.range)
        let first = fooled.prefix(10), last = fooled.suffix(10)
        interp.emit([
            "G trained against the detector for \(fooled.count) updates: fakes taken for real \(formatFixed(100 * first.reduce(0, +) / Double(max(first.count, 1)), decimals: 1))% (first 10) → \(formatFixed(100 * last.reduce(0, +) / Double(max(last.count, 1)), decimals: 1))% (last 10)"
        ])
        return .list(fooled.map { .number($0) })
    }
}
