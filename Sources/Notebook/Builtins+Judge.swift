import Autograd
import CellLanguage
import GANLab
import NN
import TensorCore

/// `classify(images)`: what lesson 3's classifier reads in each picture — the judge `gan.score()` uses.
extension Builtins {
    static let judgeBuiltins: [Builtin] = [
        define(
            "classify", "classify(images, classifier=None)",
            "The digit lesson 3's classifier (classifier.safetensors, or one trained now, as gan.score() does) reads in each of images ([28, 28] or [n, 1, 28, 28], in [0, 1]): a tensor [n] of digits.",
            example: "classify(samples)", topic: "gan"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["images", "classifier"], maxPositional: 1)
            let (v, r) = try args.required(0, "images")
            let images = try Builtins.digitBatch(try Interpreter.asTensor(v, at: r, what: "images").value, "images", at: r)
            let given = try Builtins.classifier(args, nil)
            let (net, _) = try GANTrainer.judge(given, dataset: try interp.loadDataset(.mnist, at: args.range), interp)
            return .tensor(Variable(DigitJudge.classify(net, images).probabilities.argmax(axis: 1)))
        }
    ]
}

extension Builtins {
    /// The `classifier=` argument of `classify`, `gan.score` and `digit_accuracy`: a model that reads
    /// `[n, 1, 28, 28]` pictures, or nil for the session's judge.
    static func classifier(_ args: Arguments, _ index: Int?) throws(CellError) -> Module? {
        guard let (v, r) = args.value(index, "classifier") else { return nil }
        guard case .module(let m) = v else { throw CellError(.type, "classifier must be a model, got \(v.typeName)", at: r) }
        try Layers.check(m, [2, 1, 28, 28], at: r)
        return m
    }
}
