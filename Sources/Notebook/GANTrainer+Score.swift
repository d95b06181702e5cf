import Autograd
import CellLanguage
import Datasets
import Foundation
import NN
import TensorCore
import TextPlot

extension GANTrainer {
    /// Where lesson 3 saves its classifier.
    static let classifierFile = "classifier.safetensors"

    /// The classifier to judge with, and how to name it in prose: the one given, or lesson 3's from
    /// its file, or one trained now.
    /// Throws at Ctrl-C while it trains a classifier (which then is neither kept nor saved).
    func judge(_ given: Module?, _ interp: Interpreter) throws(CellError) -> (net: Module, name: String) {
        if let given { return (given, "the classifier you gave") }
        var g = SeededGenerator(seed: 3)
        let net = mnistClassifier(using: &g)
        if let (tensors, _) = try? SafeTensors.load(GANTrainer.classifierFile),
           (try? net.loadStateDict(Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a }))) != nil {
            interp.emit(["judging with lesson 3's classifier (\(GANTrainer.classifierFile))"])
            return (net, "lesson 3's classifier")
        }
        // None saved: train lesson 3's network now with lesson 3's recipe (Adam 1e-3, batch 64, 2,000 steps),
        // and save it for next time — not in quick mode, whose short training would leave a weak judge behind.
        let steps = interp.quickMode ? 150 : 2000
        let name = "a classifier trained just now (\(steps) steps)"
        // The same recipe from the same seeds gives the same network: train it once per process.
        let key = "\(dataset.name.rawValue)-\(dataset.train.count)-\(steps)"
        if let trained = GANTrainer.judgesTrainedNow[key] {
            interp.emit(["judging with the classifier trained for the first score (\(steps) steps)"])
            return (trained, name)
        }
        interp.emit(["no \(GANTrainer.classifierFile) yet (lesson 3 saves it): training the classifier now, \(steps) steps…"])
        let optimizer = Adam(net.namedParameters(), learningRate: 1e-3)
        var sampler = BatchSampler(count: dataset.train.count, batchSize: 64, seed: 4)
        for _ in 0..<steps {
            try interp.checkInterrupt(at: nil)
            let batch = sampler.next()
            optimizer.zeroGrad()
            Loss.crossEntropy(net(Variable(dataset.train.imageBatch(batch, range: 0...1))), dataset.train.labelBatch(batch)).backward()
            optimizer.step()
        }
        GANTrainer.judgesTrainedNow[key] = net
        if !interp.quickMode {
            try? SafeTensors.save(net.stateDict(), metadata: ["format": "pt", "model": "mnist classifier"], to: GANTrainer.classifierFile)
        }
        return (net, name)
    }

    /// Judges trained by `judge` in this process, by dataset and length of training.
    nonisolated(unsafe) static var judgesTrainedNow: [String: Module] = [:]

    /// Class probabilities and logits for images in [0, 1], in batches of 100, in eval mode.
    static func classify(_ net: Module, _ images: Tensor) -> (probabilities: Tensor, logits: Tensor) {
        net.eval()
        defer { net.train() }
        var logits: [Tensor] = []
        for start in stride(from: 0, to: images.shape[0], by: 100) {
            let end = min(start + 100, images.shape[0])
            logits.append(noGrad { net(Variable(images.rows(Array(start..<end)))) }.value)
        }
        let all = Tensor.concat(logits)
        return (all.softmax(axis: 1), all)
    }

    /// exp(mean over images of KL(p(y|x) ‖ p(y))): high when each image is clearly one digit and all digits appear.
    static func mnistScore(_ p: Tensor) -> Double {
        let n = p.shape[0], k = p.shape[1]
        let marginal = p.mean(axes: [0]).scalars.map(Double.init)
        var total = 0.0
        for i in 0..<n {
            for c in 0..<k {
                let q = Double(p.scalars[i * k + c])
                if q > 0 { total += q * (Foundation.log(q) - Foundation.log(max(marginal[c], 1e-12))) }
            }
        }
        return Foundation.exp(total / Double(n))
    }

    func score(_ args: Arguments, _ interp: Interpreter) throws(CellError) -> Value {
        try args.accept(keywords: ["classifier", "n"], maxPositional: 2)
        var given: Module?
        if let (v, r) = args.value(0, "classifier") {
            guard case .module(let m) = v else { throw CellError(.type, "classifier must be a model, got \(v.typeName)", at: r) }
            try Layers.check(m, [2, 1, 28, 28], at: r)
            given = m
        }
        let n = try args.count(1, "n", default: 1000, from: 100, max: 10_000)
        let (net, judgeName) = try judge(given, interp)
        var g = SeededGenerator(seed: 12345)
        let fakes = (generate(Tensor.randn([n, pair.latent], using: &g)) + 1) * 0.5
        let (p, fakeLogits) = GANTrainer.classify(net, fakes)
        try interp.checkInterrupt(at: args.range)
        let realCount = min(n, dataset.test.count)
        let real = dataset.test.imageBatch(Array(0..<realCount), range: 0...1)
        let (pReal, realLogits) = GANTrainer.classify(net, real)
        let score = GANTrainer.mnistScore(p), realScore = GANTrainer.mnistScore(pReal)
        let fid = FrechetDistance.between(fakeLogits, realLogits)
        let counts = p.argmax(axis: 1).scalars.reduce(into: [Int](repeating: 0, count: 10)) { $0[Int($1)] += 1 }
        var lines = ["\(n) samples judged by the classifier: what it thinks each one is"]
        let bar: Character = interp.display.unicode ? "█" : "#"
        for (digit, c) in counts.enumerated() {
            let share = Double(c) / Double(n)
            lines.append("  \(dataset.name.classNames[digit].padding(toLength: 11, withPad: " ", startingAt: 0)) \(String(repeating: bar, count: Int((share * 100).rounded() / 2)).padding(toLength: 26, withPad: " ", startingAt: 0)) \(formatFixed(100 * share, decimals: 1))%")
        }
        lines.append("MNIST score \(formatFixed(score, decimals: 2)) (real test digits: \(formatFixed(realScore, decimals: 2)); 1 = one class or pure confusion, 10 = every digit, each clearly)")
        lines.append("Fréchet distance to real digits, in the classifier's 10 logits: \(formatFixed(fid, decimals: 2)) (0 = indistinguishable)")
        interp.emit(lines)
        history.scores.append((steps, score))
        return .list([.number(score), .number(fid), .list(counts.map { .number(Double($0) / Double(n)) }), .number(realScore), .string(judgeName)])
    }
}

/// ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½) between two sets of feature vectors (rows).
enum FrechetDistance {
    static func between(_ a: Tensor, _ b: Tensor) -> Double {
        let (muA, covA) = moments(a), (muB, covB) = moments(b)
        let d = muA.count
        var meanTerm = 0.0
        for i in 0..<d { meanTerm += (muA[i] - muB[i]) * (muA[i] - muB[i]) }
        let rootA = symmetricSqrt(covA, d)
        let middle = multiply(multiply(rootA, covB, d), rootA, d)
        let rootMiddle = symmetricSqrt(middle, d)
        var trace = 0.0
        for i in 0..<d { trace += covA[i * d + i] + covB[i * d + i] - 2 * rootMiddle[i * d + i] }
        return meanTerm + trace
    }

    static func moments(_ x: Tensor) -> ([Double], [Double]) {
        let n = x.shape[0], d = x.shape[1]
        var mu = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mu[j] += Double(x.scalars[i * d + j]) } }
        for j in 0..<d { mu[j] /= Double(n) }
        var cov = [Double](repeating: 0, count: d * d)
        for i in 0..<n {
            for j in 0..<d {
                let xj = Double(x.scalars[i * d + j]) - mu[j]
                for k in 0..<d { cov[j * d + k] += xj * (Double(x.scalars[i * d + k]) - mu[k]) }
            }
        }
        for j in 0..<(d * d) { cov[j] /= Double(max(n - 1, 1)) }
        return (mu, cov)
    }

    static func multiply(_ a: [Double], _ b: [Double], _ d: Int) -> [Double] {
        var c = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for k in 0..<d { let aik = a[i * d + k]; for j in 0..<d { c[i * d + j] += aik * b[k * d + j] } } }
        return c
    }

    /// The square root of a symmetric positive semi-definite matrix, by Jacobi eigen-decomposition.
    static func symmetricSqrt(_ m: [Double], _ d: Int) -> [Double] {
        var a = m
        var v = [Double](repeating: 0, count: d * d)
        for i in 0..<d { v[i * d + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<d { for q in (p + 1)..<d { off += a[p * d + q] * a[p * d + q] } }
            if off < 1e-22 { break }
            for p in 0..<d {
                for q in (p + 1)..<d where abs(a[p * d + q]) > 1e-300 {
                    let theta = (a[q * d + q] - a[p * d + p]) / (2 * a[p * d + q])
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<d {
                        let akp = a[k * d + p], akq = a[k * d + q]
                        a[k * d + p] = c * akp - s * akq
                        a[k * d + q] = s * akp + c * akq
                    }
                    for k in 0..<d {
                        let apk = a[p * d + k], aqk = a[q * d + k]
                        a[p * d + k] = c * apk - s * aqk
                        a[q * d + k] = s * apk + c * aqk
                    }
                    for k in 0..<d {
                        let vkp = v[k * d + p], vkq = v[k * d + q]
                        v[k * d + p] = c * vkp - s * vkq
                        v[k * d + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        // V · diag(√λ) · Vᵀ, negative round-off eigenvalues clipped to 0.
        var out = [Double](repeating: 0, count: d * d)
        for k in 0..<d {
            let root = max(a[k * d + k], 0).squareRoot()
            for i in 0..<d { for j in 0..<d { out[i * d + j] += v[i * d + k] * root * v[j * d + k] } }
        }
        return out
    }
}
