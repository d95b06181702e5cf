import CellLanguage
import Datasets
import GANLab
import NN
import TensorCore
import TextPlot

extension GANTrainer {
    /// The classifier to judge with, and how to name it in prose: the one given, or lesson 3's from the
    /// session's classifier file, or one trained now (once per session) and saved there for next time.
    /// Throws at Ctrl-C while it trains a classifier (which then is neither kept nor saved).
    func judge(_ given: Module?, _ interp: Interpreter) throws(CellError) -> (net: Module, name: String) {
        try GANTrainer.judge(given, dataset: dataset, interp)
    }

    /// The same for a dataset (`classify(images)` has no GAN).
    static func judge(_ given: Module?, dataset: ImageDataset, _ interp: Interpreter) throws(CellError) -> (net: Module, name: String) {
        if let given { return (given, "the classifier you gave") }
        let fileName = interp.settings.classifierFile, file = interp.resolve(fileName)
        if let net = DigitJudge.classifier(from: file) {
            interp.emit(["judging with lesson 3's classifier (\(fileName))"])
            return (net, "lesson 3's classifier")
        }
        // None saved: train lesson 3's network now with lesson 3's recipe, and save it for next time —
        // not in quick mode, whose short training would leave a weak judge behind. 600 steps (8 passes
        // over the 4,500 digits of the offline set): ~11 s here, where lesson 3's 2,000 took ~43 s, for
        // a judge nearly as sure of real test digits (their MNIST score 9.2 against 9.5).
        let steps = interp.quickMode ? 150 : 600
        let name = "a classifier trained just now (\(steps) steps)"
        let key = "\(dataset.name.rawValue)-\(dataset.train.count)-\(steps)"
        if let trained = interp.trainedJudges[key] {
            interp.emit(["judging with the classifier trained for the first score (\(steps) steps)"])
            return (trained, name)
        }
        interp.emit(["no \(fileName) yet (lesson 3 saves it): training the classifier now, \(steps) steps…"])
        guard let net = DigitJudge.trainClassifier(on: dataset, steps: steps, shouldStop: { interp.stopRequested })
        else {
            try interp.checkInterrupt(at: nil)  // clears the request and says "stopped by Ctrl-C"
            throw CellError(.interrupted, "stopped by Ctrl-C", at: nil)
        }
        interp.trainedJudges[key] = net
        if !interp.quickMode {
            try? SafeTensors.save(net.stateDict(), metadata: ["format": "pt", "model": "mnist classifier"], to: file)
        }
        return (net, name)
    }

    func score(_ args: Arguments, _ interp: Interpreter) throws(CellError) -> Value {
        try args.accept(keywords: ["classifier", "n"], maxPositional: 2)
        let given = try Builtins.classifier(args, 0)
        let n = try args.count(1, "n", default: 1000, from: 100, max: 10_000)
        let (net, judgeName) = try judge(given, interp)
        let samples = judgedSamples(net, n)
        try interp.checkInterrupt(at: args.range)
        let v = verdict(net, samples: samples)
        var lines = ["\(n) samples judged by the classifier: what it thinks each one is"]
        let bar: Character = interp.display.unicode ? "█" : "#"
        for (digit, c) in v.counts.enumerated() {
            let share = Double(c) / Double(n)
            let bars = String(repeating: bar, count: Int((share * 100).rounded() / 2))
            lines.append(
                "  \(dataset.name.classNames[digit].padding(toLength: 11, withPad: " ", startingAt: 0)) \(bars.padding(toLength: 26, withPad: " ", startingAt: 0)) \(formatFixed(100 * share, decimals: 1))%"
            )
        }
        lines.append("MNIST score \(formatFixed(v.score, decimals: 2)) (real test digits: \(formatFixed(v.realScore, decimals: 2)); 1 = one class or pure confusion, 10 = every digit, each clearly)")
        lines.append("Fréchet distance to real digits, in the classifier's 10 logits: \(formatFixed(v.frechetDistance, decimals: 2)) (0 = indistinguishable)")
        interp.emit(lines)
        return .list([
            .number(v.score), .number(v.frechetDistance), .list(v.counts.map { .number(Double($0) / Double(n)) }),
            .number(v.realScore), .string(judgeName),
        ])
    }

    /// `cgan.digit_accuracy()`: each digit asked for n times (fixed noise, the same for every digit), the
    /// drawings read by the judge; per digit the share read as asked, as a bar each and a list of 10.
    func digitAccuracy(_ args: Arguments, _ interp: Interpreter) throws(CellError) -> Value {
        try args.accept(keywords: ["n", "classifier"], maxPositional: 1)
        guard isConditional else {
            throw CellError(.value, "digit_accuracy() asks for each digit, which only a GAN(conditional=True) can draw on demand", at: args.range)
        }
        let n = try args.count(0, "n", default: 100, from: 10, max: 1000)
        let given = try Builtins.classifier(args, nil)
        let (net, judgeName) = try judge(given, interp)
        var g = SeededGenerator(seed: 12345)
        let z = Tensor.randn([n, pair.latent], using: &g)
        var shares: [Double] = []
        var lines = ["\(n) drawings of each digit, read by \(judgeName): the share read as the digit asked for"]
        let bar: Character = interp.display.unicode ? "█" : "#"
        for digit in 0..<pair.classes {
            try interp.checkInterrupt(at: args.range)
            let images = (generate(z, digits: [Int](repeating: digit, count: n)) + 1) * 0.5
            let read = DigitJudge.classify(net, images).probabilities.argmax(axis: 1).scalars
            let share = Double(read.filter { Int($0) == digit }.count) / Double(n)
            shares.append(share)
            lines.append(
                "  \(dataset.name.classNames[digit].padding(toLength: 11, withPad: " ", startingAt: 0)) \(String(repeating: bar, count: Int((share * 25).rounded())).padding(toLength: 26, withPad: " ", startingAt: 0)) \(formatFixed(100 * share, decimals: 1))%")
        }
        interp.emit(lines)
        return .list(shares.map { .number($0) })
    }
}
