import Autograd
import CellLanguage
import GANLab
import NN
import TensorCore
import TextPlot

/// `restore(gan, picture, mask)`: the hidden part of a picture read off the drawing of G whose visible
/// part fits best (`LatentSearch`), and `crop_mask(…)`, the masks to try it with.
extension Builtins {
    static let restoreBuiltins: [Builtin] = [
        define(
            "crop_mask", "crop_mask(part=\"lower\", top=0, left=0, size=10)",
            "A mask [1, 1, 28, 28]: 1 where a pixel stays visible, 0 where it is hidden. part: \"lower\", \"upper\", \"left\" or \"right\" (that half hidden), or \"square\" (size × size hidden from row top, column left).",
            example: "mask = crop_mask(\"lower\")", topic: "gan"
        ) { args, _ throws(CellError) in
            try args.accept(keywords: ["part", "top", "left", "size"], maxPositional: 1)
            let part = try args.string(0, "part", default: "lower")
            let top = try args.int(nil, "top", default: 0, in: 0...27), left = try args.int(nil, "left", default: 0, in: 0...27)
            let size = try args.int(nil, "size", default: 10, in: 1...28)
            let hidden: (Int, Int) -> Bool
            switch part {
            case "lower": hidden = { r, _ in r >= 14 }
            case "upper": hidden = { r, _ in r < 14 }
            case "left": hidden = { _, c in c < 14 }
            case "right": hidden = { _, c in c >= 14 }
            case "square": hidden = { r, c in (top..<(top + size)).contains(r) && (left..<(left + size)).contains(c) }
            default: throw CellError(.value, "part is \"lower\", \"upper\", \"left\", \"right\" or \"square\", got \"\(part)\"", at: args.range)
            }
            let scalars = (0..<784).map { hidden($0 / 28, $0 % 28) ? Float(0) : 1 }
            return .tensor(Variable(Tensor(shape: [1, 1, 28, 28], scalars: scalars)))
        },
        define(
            "restore", "restore(gan, picture, mask, steps=20, restarts=32, keep=restarts, candidates=4000, lr=0.02, prior=0.1, realism=0, seed=None)",
            "Fills the hidden pixels (mask 0) of picture ([28, 28] or [n, 1, 28, 28], in [0, 1]) from G (a conditional G is searched over every digit too): each picture's search starts from the restarts of candidates random drawings that fit its visible pixels best (candidates=0: from random noise), then gradient descent on each z, G frozen, on the squared error over the visible pixels + prior · mean(z²). r.image averages the keep best fits, r.best is the best alone. Also .drawing, .errors, .progress.",
            example: "r = restore(gan, samples, crop_mask(\"lower\"), steps=10)", topic: "gan"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["gan", "picture", "mask", "steps", "restarts", "keep", "candidates", "lr", "prior", "realism", "seed"], maxPositional: 3)
            let gan = try FakeDetector.gan(args, 0, "gan")
            let (pictureValue, pictureRange) = try args.required(1, "picture")
            let (maskValue, maskRange) = try args.required(2, "mask")
            let pictures = try Builtins.digitBatch(try Interpreter.asTensor(pictureValue, at: pictureRange, what: "picture").value, "picture", at: pictureRange)
            let mask = try Builtins.digitBatch(try Interpreter.asTensor(maskValue, at: maskRange, what: "mask").value, "mask", at: maskRange)
            guard mask.shape[0] == 1 || mask.shape[0] == pictures.shape[0] else {
                throw CellError(.shape, "mask has \(mask.shape[0]) masks for \(pictures.shape[0]) pictures: give one mask, or one per picture", at: maskRange)
            }
            guard mask.scalars.allSatisfy({ $0 == 0 || $0 == 1 }) else {
                throw CellError(.value, "a mask holds 1 (visible) and 0 (hidden) only", at: maskRange, hint: "crop_mask(\"lower\") makes one")
            }
            guard pictures.scalars.allSatisfy({ $0.isFinite && $0 >= -0.001 && $0 <= 1.001 }) else {
                throw CellError(.value, "picture's pixels must be in [0, 1], as data.image(i) gives them", at: pictureRange, hint: "for G's drawings in [-1, 1]: (x + 1) / 2")
            }
            var settings = LatentSearch.Settings(
                steps: try args.count(nil, "steps", default: 20, from: 0, max: 100_000),
                restarts: try args.count(nil, "restarts", default: 32, from: 1, max: 256))
            settings.keep = try args.count(nil, "keep", default: settings.restarts, from: 1, max: settings.restarts)
            settings.learningRate = Float(try args.number(nil, "lr", default: 0.02))
            settings.prior = Float(try args.number(nil, "prior", default: 0.1))
            settings.realism = Float(try args.number(nil, "realism", default: 0))
            settings.candidates = try args.count(nil, "candidates", default: 4000, from: 0, max: 100_000)
            if settings.candidates > 0, settings.candidates < settings.restarts {
                throw CellError(.value, "candidates must be 0 (random starts) or at least restarts (\(settings.restarts))", at: args.range)
            }
            guard settings.learningRate > 0, settings.learningRate < 10, settings.prior >= 0, settings.prior.isFinite,
                settings.realism >= 0, settings.realism.isFinite
            else {
                throw CellError(.value, "lr must be in (0, 10), prior and realism ≥ 0", at: args.range)
            }
            settings.seed = try args.seed(nil, default: interp.seed)
            if gan.isConditional, settings.realism > 0 {
                throw CellError(.value, "realism asks D, which a conditional GAN's D cannot answer without a digit: leave it at 0", at: args.range)
            }
            // The search runs a chunk of pictures at a time, every start of each at once: G's widest layer
            // holds [chunk · restarts, 64, 14, 14] numbers, which the budget bounds.
            try Interpreter.checkBudget([settings.restarts, 64, 14, 14], at: args.range)
            let result = LatentSearch.restoreInChunks(
                chunk: max(1, 2048 / settings.restarts),
                generator: gan.pair.G, discriminator: gan.pair.D, latent: gan.pair.latent, classes: gan.pair.classes, pictures: pictures * 2 - 1, mask: mask, settings: settings,
                stopEarly: { interp.stopRequested })
            if result.stepsRun < settings.steps {
                interp.emit(["stopped by Ctrl-C after \(result.stepsRun) of \(settings.steps) steps: the best drawing so far"])
                _ = interp.takeStopRequest()
            }
            return .object(RestorationValue(result, mask: mask, keep: settings.keep))
        },
    ]

    /// A picture or pictures as `[n, 1, 28, 28]`: `[28, 28]`, `[1, 28, 28]` or `[n, 1, 28, 28]`.
    static func digitBatch(_ x: Tensor, _ what: String, at range: SourceRange) throws(CellError) -> Tensor {
        switch x.shape.count {
        case 2 where x.shape == [28, 28]: return x.reshaped([1, 1, 28, 28])
        case 3 where x.shape == [1, 28, 28]: return x.reshaped([1, 1, 28, 28])
        case 4 where Array(x.shape[1...]) == [1, 28, 28] && x.shape[0] > 0: return x
        default:
            throw CellError(.shape, "\(what) must be one 28×28 picture ([28, 28]) or a batch [n, 1, 28, 28], got \(describe(x.shape))", at: range)
        }
    }
}

/// What `restore` found: pictures in [0, 1], like the ones given.
public final class RestorationValue: NotebookObject, SeriesProvider {
    let result: LatentSearch.Result
    let mask: Tensor
    /// How many of each picture's best fits `image` averages.
    let keep: Int
    init(_ result: LatentSearch.Result, mask: Tensor, keep: Int) { (self.result, self.mask, self.keep) = (result, mask, keep) }

    public var typeName: String { "restoration" }
    public var attributeNames: [String] { RestorationValue.table.names }
    public func attribute(_ name: String, interpreter: Interpreter) throws(CellError) -> Value? { RestorationValue.table.value(name, of: self) }

    public func describe(style: DisplayStyle) -> [String] {
        let n = result.restored.shape[0], e = result.finalErrors
        return [
            "restoration of \(n) picture\(n == 1 ? "" : "s") after \(result.stepsRun) steps from \(result.errors.count) starts each: "
                + "the best fits the visible pixels with an error of \(n == 1 ? f4(e[0]) : "\(f4(e.min()!))–\(f4(e.max()!))") (mean squared, in G's [-1, 1])",
            keep == 1 ? "  r.image and r.best: the best fit's drawing" : "  r.image: the average of the \(keep) best fits' drawings; r.best: the best one's alone",
        ]
    }

    /// plot(r): the visible-pixel error of picture 0, one line per start.
    /// Four starts at most, the kept best first: 32 lines would hide each other.
    public var xAxis: String { "search step" }
    public func series() -> [Series] {
        let best = result.chosen[0]
        let others = result.errors.indices.filter { $0 != best }.prefix(3)
        return ([best] + others).map { Series($0 == best ? "start \($0) (best)" : "start \($0)", result.errors[$0]) }
    }

    static func picture(_ t: Tensor) -> Value { .tensor(Variable((t + 1) * 0.5)) }

    static let table = MemberTable<RestorationValue>([
        .property("image", "r.image", "The restored pictures [n, 1, 28, 28] in [0, 1]: the visible pixels as given, the hidden ones from G's drawing.", example: "show(r.image)", topic: "gan") {
            picture($0.result.restored)
        },
        .property(
            "best", "r.best", "The pictures restored from each one's best-fitting start alone (r.image averages the keep best): one sharp guess.",
            example: "show(r.best)", topic: "gan"
        ) { picture($0.result.bestRestored) },
        .property("drawing", "r.drawing", "G's whole drawing for each picture, [n, 1, 28, 28] in [0, 1].", example: "show(r.drawing)", topic: "gan") { picture($0.result.drawings) },
        .property("z", "r.z", "The noise found for each picture, [n, 100].", example: "r.z", topic: "gan") { .tensor(Variable($0.result.z)) },
        .property("mask", "r.mask", "The mask used (1 visible, 0 hidden).", example: "r.mask", topic: "gan") { .tensor(Variable($0.mask)) },
        .property("errors", "r.errors", "Picture 0's visible-pixel error at every step, one list per start: plot(r) draws the best and three others.", example: "plot(r)", topic: "gan") {
            .list($0.result.errors.map { .list($0.map { .number($0) }) })
        },
        .property("final_errors", "r.final_errors", "Each picture's visible-pixel error at the end, from the start it kept.", example: "r.final_errors", topic: "gan") {
            .list($0.result.finalErrors.map { .number($0) })
        },
        .property("chosen", "r.chosen", "Which start each picture kept (the best fit to its visible pixels).", example: "r.chosen", topic: "gan") {
            .list($0.result.chosen.map { .number(Double($0)) })
        },
        .property("progress", "r.progress", "Picture 0's drawing as the search went on, [k, 1, 28, 28] in [0, 1], at r.progress_steps.", example: "show(r.progress)", topic: "gan") {
            picture($0.result.progress)
        },
        .property("progress_steps", "r.progress_steps", "The steps r.progress was taken at.", example: "r.progress_steps", topic: "gan") {
            .list($0.result.progressSteps.map { .number(Double($0)) })
        },
        .property(
            "digits", "r.digits", "A conditional GAN's restoration: the digit of each picture's best fit (the search tries every digit), a tensor [n].",
            example: "r.digits", topic: "gan"
        ) { r in
            guard !r.result.digits.isEmpty else { return .none }
            return .tensor(Variable(Tensor(shape: [r.result.digits.count], scalars: r.result.digits.map(Float.init))))
        },
        .property("steps", "r.steps", "Steps the search made.", example: "r.steps", topic: "gan") { .number(Double($0.result.stepsRun)) },
    ])
}
