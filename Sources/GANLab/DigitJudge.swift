import Autograd
import Datasets
import Foundation
import NN
import TensorCore

/// How generated digits are judged: a digit classifier (lesson 3's network) says what each image
/// looks like, and two numbers sum it up — the MNIST score (are the images clear, and are all digits
/// there?) and the Fréchet distance between the classifier's logits on fakes and on real digits.
public enum DigitJudge {
    /// Lesson 3's network with the weights from a `save_model` file, or nil if the file is missing,
    /// unreadable or holds another network.
    public static func classifier(from path: String) -> Module? {
        var g = SeededGenerator(seed: 3)
        let net = mnistClassifier(using: &g)
        guard let (tensors, _) = try? SafeTensors.load(path), SafeTensors.firstNonFinite(tensors) == nil,
            (try? net.loadStateDict(Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a }))) != nil
        else { return nil }
        return net
    }

    /// Lesson 3's network trained now with lesson 3's recipe (Adam 1e-3, batch 64, `steps` steps, seeds
    /// 3 and 4): the same data gives the same network. `shouldStop` is asked before each step; nil
    /// when it said yes (the half-trained network is not a judge).
    public static func trainClassifier(on dataset: ImageDataset, steps: Int, shouldStop: () -> Bool) -> Module? {
        var g = SeededGenerator(seed: 3)
        let net = mnistClassifier(using: &g)
        let optimizer = Adam(net.namedParameters(), learningRate: 1e-3)
        var sampler = BatchSampler(count: dataset.train.count, batchSize: 64, seed: 4)
        for _ in 0..<steps {
            if shouldStop() { return nil }
            let batch = sampler.next()
            optimizer.zeroGrad()
            Loss.crossEntropy(net(Variable(dataset.train.imageBatch(batch, range: 0...1))), dataset.train.labelBatch(batch)).backward()
            optimizer.step()
        }
        return net
    }

    /// Class probabilities and logits `[n, 10]` for images `[n, 1, 28, 28]` in [0, 1], in batches of
    /// 100, in eval mode.
    public static func classify(_ net: Module, _ images: Tensor) -> (probabilities: Tensor, logits: Tensor) {
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

    /// exp(mean over images of KL(p(y|x) ‖ p(y))) for probabilities `p: [n, k]`: high when each image is
    /// clearly one class and all classes appear (k at most), 1 for one class or pure confusion.
    public static func mnistScore(_ p: Tensor) -> Double {
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

    /// What the judge made of `n` samples, next to the same judge on real test digits.
    public struct Verdict: Sendable {
        public let samples: Int
        /// How many samples the classifier took for each class.
        public let counts: [Int]
        public let score: Double, realScore: Double
        public let frechetDistance: Double
    }
}

extension GANTrainer {
    /// `n` samples from fixed noise (seed 12345, the same every time) as the judge sees them: images in
    /// [0, 1] `[n, 1, 28, 28]`, classified.
    public func judgedSamples(_ net: Module, _ n: Int) -> (probabilities: Tensor, logits: Tensor) {
        var g = SeededGenerator(seed: 12345)
        return DigitJudge.classify(net, (generate(Tensor.randn([n, pair.latent], using: &g)) + 1) * 0.5)
    }

    /// The verdict on samples already classified (`judgedSamples`), against up to `n` real test digits;
    /// records the score in the history at the current step.
    public func verdict(_ net: Module, samples: (probabilities: Tensor, logits: Tensor)) -> DigitJudge.Verdict {
        let n = samples.probabilities.shape[0]
        let real = DigitJudge.classify(net, dataset.test.imageBatch(Array(0..<min(n, dataset.test.count)), range: 0...1))
        let score = DigitJudge.mnistScore(samples.probabilities)
        let counts = samples.probabilities.argmax(axis: 1).scalars.reduce(into: [Int](repeating: 0, count: 10)) { $0[Int($1)] += 1 }
        history.scores.append((steps, score))
        return DigitJudge.Verdict(
            samples: n, counts: counts, score: score, realScore: DigitJudge.mnistScore(real.probabilities),
            frechetDistance: FrechetDistance.between(samples.logits, real.logits))
    }
}
