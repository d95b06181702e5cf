import Autograd
import Datasets
import NN
import TensorCore

/// A detector of fakes: a small CNN trained to tell real digits from the drawings of one GAN — the
/// treasurer of lesson 4 again, but one that never plays the game, so G never trained against it.
///
///     Conv2d(1 → 16, k4 s2 p1) LeakyReLU 0.2     [N, 16, 14, 14]
///     Conv2d(16 → 32, k4 s2 p1) LeakyReLU 0.2    [N, 32, 7, 7]
///     Flatten → Linear(1568 → 1)                 logits [N, 1] (positive: "real")
///
/// It trains on real training digits (target 1) and fakes (target 0) in equal numbers, and is tested
/// on what it never saw: real *test* digits and fakes from noise of a stream of its own.
public final class FakeDetector {
    public let net: Sequential
    public let optimizer: Adam
    /// Updates made so far.
    public private(set) var steps = 0
    let dataset: ImageDataset
    var sampler: BatchSampler
    /// Noise for the fakes it trains on; the fakes it is tested on come from seeded noise of their own.
    var noise: SeededGenerator
    public static let batchSize = 32

    public init(dataset: ImageDataset, seed: UInt64) {
        var g = SeededGenerator(seed: seed &+ 50)
        net = Sequential([
            Conv2d(1, 16, kernelSize: 4, stride: 2, padding: 1, using: &g), LeakyReLU(0.2),
            Conv2d(16, 32, kernelSize: 4, stride: 2, padding: 1, using: &g), LeakyReLU(0.2),
            Flatten(), Linear(32 * 7 * 7, 1, using: &g),
        ])
        optimizer = Adam(net.namedParameters(), learningRate: 1e-3)
        self.dataset = dataset
        sampler = BatchSampler(count: dataset.train.count, batchSize: FakeDetector.batchSize, seed: seed &+ 51)
        noise = SeededGenerator(seed: seed &+ 52)
    }

    /// `steps` updates, each on a batch of real digits and as many fakes of `gan` (drawn as `gan.sample`
    /// draws, in evaluation mode): bce(logit(real), 1) + bce(logit(fake), 0). Returns the losses.
    /// `stopEarly` is asked before each update (Ctrl-C).
    public func train(against gan: GANTrainer, steps count: Int, stopEarly: () -> Bool = { false }) -> [Double] {
        let n = FakeDetector.batchSize
        var losses: [Double] = []
        net.train()
        for _ in 0..<count {
            if stopEarly() { break }
            let real = dataset.train.imageBatch(sampler.next(), range: -1...1)
            let fake = gan.generate(Tensor.randn([n, gan.pair.latent], using: &noise))
            optimizer.zeroGrad()
            let loss =
                Loss.bceWithLogits(logits(Variable(real)), Variable(.ones([n])))
                + Loss.bceWithLogits(logits(Variable(fake)), Variable(.zeros([n])))
            loss.backward()
            optimizer.step()
            steps += 1
            losses.append(Double(loss.value.item))
        }
        return losses
    }

    /// Logits `[N]` for images `[N, 1, 28, 28]` in [−1, 1].
    func logits(_ x: Variable) -> Variable { net(x).reshaped([x.shape[0]]) }

    /// How it does on what it never trained on: the share of `n` real test digits it calls real and of
    /// `n` fakes of `gan` (from noise seeded by `seed`) it calls fake, and their mean, the accuracy.
    public func accuracy(on gan: GANTrainer, n: Int, seed: UInt64) -> (real: Double, fake: Double, accuracy: Double) {
        var g = SeededGenerator(seed: seed)
        let fakes = gan.generate(Tensor.randn([n, gan.pair.latent], using: &g))
        let real = dataset.test.imageBatch(Array(0..<min(n, dataset.test.count)), range: -1...1)
        let calledReal = callsReal(real), calledFake = callsReal(fakes).map { !$0 }
        let r = Double(calledReal.filter { $0 }.count) / Double(calledReal.count)
        let f = Double(calledFake.filter { $0 }.count) / Double(calledFake.count)
        return (r, f, (r + f) / 2)
    }

    /// Whether it calls each image `[N, 1, 28, 28]` real (logit > 0, σ > ½), in evaluation mode.
    public func callsReal(_ images: Tensor) -> [Bool] {
        net.eval()
        defer { net.train() }
        var out: [Bool] = []
        for start in stride(from: 0, to: images.shape[0], by: 100) {
            let rows = Array(start..<min(start + 100, images.shape[0]))
            out += noGrad { logits(Variable(images.rows(rows))) }.value.scalars.map { $0 > 0 }
        }
        return out
    }

    /// The counterfeiter answers: `steps` updates of `gan`'s G (with its own Adam) against this detector,
    /// frozen: bce(logit(G(z)), 1), the loss G learns from D, with the detector in D's place. D is left
    /// as it is. Returns, per update, the share of the batch's fakes the detector called real.
    public func counterfeit(_ gan: GANTrainer, steps count: Int, stopEarly: () -> Bool = { false }) -> [Double] {
        let n = gan.batchSize
        var fooled: [Double] = []
        net.eval()
        net.setRequiresGrad(false)
        gan.pair.G.train()
        defer {
            net.setRequiresGrad(true)
            net.train()
        }
        for _ in 0..<count {
            if stopEarly() { break }
            let z = Tensor.randn([n, gan.pair.latent], using: &noise)
            let labels = gan.isConditional ? (0..<n).map { $0 % gan.pair.classes } : []
            gan.pair.optimizerG.zeroGrad()
            let out = logits(gan.pair.G(Variable(gan.pair.generatorInput(z, labels: labels))))
            Loss.bceWithLogits(out, Variable(.ones([n]))).backward()
            gan.pair.optimizerG.step()
            fooled.append(Double(out.value.scalars.filter { $0 > 0 }.count) / Double(n))
        }
        return fooled
    }
}
