import Autograd
import NN
import TensorCore

/// Lesson 4's game: a counterfeiter (a small generator) mints coins from noise; a treasurer (a small
/// discriminator) must take only real ones. A coin is four numbers in [−1, 1]:
///
///     shape    −1 triangle … +1 round          colour   −1 purple/green … +1 gold
///     picture  −1 landscape … +1 face          face     −1 an actor … +1 a statesman
///
/// Real coins come from a tight distribution (round, gold, a statesman's face). Both players are real
/// networks trained by the same engine, losses and optimizers as the MNIST GAN.
public final class CoinGame: Adversaries {
    public static let features = ["shape", "colour", "picture", "face"]
    /// Mean and spread of real coins, per feature.
    public static let realMean: [Float] = [0.8, 0.7, 0.75, 0.6]
    public static let realSpread: [Float] = [0.08, 0.1, 0.08, 0.1]

    /// The generator: noise `[n, 4]` → coins `[n, 4]`.
    public let counterfeiter: Sequential
    /// The discriminator: coins `[n, 4]` → one logit each, `[n, 1]`.
    public let treasurer: Sequential
    public let optimizerG: Adam, optimizerD: Adam
    public var G: Module { counterfeiter }
    public var D: Module { treasurer }
    public var coinsPerRound: Int
    public var treasurerSteps: Int
    /// The training stream: noise for minting and real coins in each round.
    public var generator: SeededGenerator
    /// A second stream for looking (pictures, `game.mint(n)`, `game.real(n)` in a cell), so that
    /// looking at the game never changes how it plays on.
    public var viewing: SeededGenerator
    public private(set) var round = 0
    public private(set) var lossD: [Double] = [], lossG: [Double] = [], acceptance: [Double] = []
    /// Mean features of each round's fakes.
    public private(set) var fakeMeans: [[Double]] = []
    public static let noiseSize = 4

    public init(seed: UInt64, coins: Int = 32, counterfeiterLR: Float = 2e-3, treasurerLR: Float = 2e-3, treasurerSteps: Int = 1) {
        var g = SeededGenerator(seed: seed)
        let G = Sequential([
            Linear(CoinGame.noiseSize, 32, using: &g), LeakyReLU(0.2), Linear(32, 32, using: &g), LeakyReLU(0.2),
            Linear(32, 4, using: &g), Tanh(),
        ])
        let D = Sequential([Linear(4, 32, using: &g), LeakyReLU(0.2), Linear(32, 32, using: &g), LeakyReLU(0.2), Linear(32, 1, using: &g)])
        (counterfeiter, treasurer) = (G, D)
        optimizerG = Adam(G.namedParameters(), learningRate: counterfeiterLR, betas: (0.5, 0.999))
        optimizerD = Adam(D.namedParameters(), learningRate: treasurerLR, betas: (0.5, 0.999))
        coinsPerRound = coins
        self.treasurerSteps = treasurerSteps
        generator = SeededGenerator(seed: seed &+ 7)
        viewing = SeededGenerator(seed: seed &+ 8)
    }

    /// What the game has recorded, round by round (kept by the workspace, put back by `restoreRecord`).
    public struct Record: Sendable, Codable, Equatable {
        public var round: Int
        public var lossD: [Double], lossG: [Double], acceptance: [Double]
        public var fakeMeans: [[Double]]
    }

    public var record: Record { Record(round: round, lossD: lossD, lossG: lossG, acceptance: acceptance, fakeMeans: fakeMeans) }

    /// Puts back a record kept elsewhere; nil when it cannot be this game's (series of different lengths).
    public func restoreRecord(_ r: Record) -> Bool {
        guard r.round >= 0, [r.lossD.count, r.lossG.count, r.acceptance.count, r.fakeMeans.count].allSatisfy({ $0 == r.round }) else { return false }
        (round, lossD, lossG, acceptance, fakeMeans) = (r.round, r.lossD, r.lossG, r.acceptance, r.fakeMeans)
        return true
    }

    /// n real coins: `[n, 4]`, drawn from `g`.
    public static func realCoins(_ n: Int, using g: inout SeededGenerator) -> Tensor {
        let noise = Tensor.randn([n, 4], using: &g)
        return Tensor.build(shape: [n, 4]) { out in
            for i in 0..<n { for f in 0..<4 { out[i * 4 + f] = min(max(CoinGame.realMean[f] + CoinGame.realSpread[f] * noise.scalars[i * 4 + f], -1), 1) } }
        }
    }

    /// n coins from the counterfeiter, its noise drawn from `g`.
    public func mint(_ n: Int, using g: inout SeededGenerator) -> Variable {
        counterfeiter(Variable(Tensor.randn([n, CoinGame.noiseSize], using: &g)))
    }

    /// The treasurer's belief that each coin is real: σ(D(coin)).
    public func judge(_ coins: Tensor) -> Tensor { noGrad { treasurer(Variable(coins)) }.value.sigmoid().reshaped([coins.shape[0]]) }

    public struct RoundReport {
        public let fakes: Tensor
        public let verdicts: Tensor
        public let lossD: Float, lossG: Float
        public let accepted: Int
    }

    /// One round: the counterfeiter mints, the treasurer judges; then the treasurer learns from real and
    /// fake coins, and the counterfeiter learns from the treasurer's verdict (through the treasurer).
    public func playRound() -> RoundReport {
        let n = coinsPerRound
        var fake = mint(n, using: &generator)
        let verdicts = judge(fake.value)
        var d = updateD(real: CoinGame.realCoins(n, using: &generator), fake: fake)
        for _ in 1..<max(treasurerSteps, 1) {
            fake = mint(n, using: &generator)
            d = updateD(real: CoinGame.realCoins(n, using: &generator), fake: fake)
        }
        let g = updateG(fake: fake)
        round += 1
        let accepted = verdicts.scalars.filter { $0 > 0.5 }.count
        lossD.append(Double(d.loss)); lossG.append(Double(g.loss)); acceptance.append(Double(accepted) / Double(n))
        fakeMeans.append((0..<4).map { f in Double(fake.value[TensorIndex.all, TensorIndex.at(f)].mean().item) })
        return RoundReport(fakes: fake.value, verdicts: verdicts, lossD: d.loss, lossG: g.loss, accepted: accepted)
    }

    /// Which feature the treasurer leans on most: the mean |∂D/∂feature| over coins near the real ones and the fakes.
    public func reliance(on coins: Tensor) -> [Double] {
        let x = Variable(coins, requiresGrad: true)
        treasurer.setRequiresGrad(false)
        treasurer(x).sum().backward()
        treasurer.setRequiresGrad(true)
        let g = x.grad!.abs().mean(axes: [0])
        return g.scalars.map(Double.init)
    }
}
