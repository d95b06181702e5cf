import Autograd
import CellLanguage
import Foundation
import NN
import TensorCore
import TextPlot

/// Lesson 4's game: a counterfeiter (a small generator) mints coins from noise; a treasurer (a small
/// discriminator) must take only real ones. A coin is four numbers in [−1, 1]:
///
///     shape    −1 triangle … +1 round          colour   −1 purple/green … +1 gold
///     picture  −1 landscape … +1 face          face     −1 an actor … +1 a statesman
///
/// Real coins come from a tight distribution (round, gold, a statesman's face). Both players are real
/// networks trained by the same engine, losses and optimizers as the MNIST GAN.
public final class CoinGame: NotebookObject, SeriesProvider {
    public static let features = ["shape", "colour", "picture", "face"]
    /// Mean and spread of real coins, per feature.
    public static let realMean: [Float] = [0.8, 0.7, 0.75, 0.6]
    public static let realSpread: [Float] = [0.08, 0.1, 0.08, 0.1]

    public let pair: (G: Sequential, D: Sequential)
    let optimizerG: Adam, optimizerD: Adam
    public var coinsPerRound: Int
    public var treasurerSteps: Int
    /// The training stream: noise for minting and real coins in each round.
    var generator: SeededGenerator
    /// A second stream for looking (pictures, `game.mint(n)`, `game.real(n)` in a cell), so that
    /// looking at the game never changes how it plays on.
    var viewing: SeededGenerator
    public private(set) var round = 0
    public private(set) var lossD: [Double] = [], lossG: [Double] = [], acceptance: [Double] = []
    /// Mean features of each round's fakes.
    public private(set) var fakeMeans: [[Double]] = []
    static let noiseSize = 4

    public init(seed: UInt64, coins: Int = 32, counterfeiterLR: Float = 2e-3, treasurerLR: Float = 2e-3, treasurerSteps: Int = 1) {
        var g = SeededGenerator(seed: seed)
        let G = Sequential([Linear(CoinGame.noiseSize, 32, using: &g), LeakyReLU(0.2), Linear(32, 32, using: &g), LeakyReLU(0.2),
                            Linear(32, 4, using: &g), Tanh()])
        let D = Sequential([Linear(4, 32, using: &g), LeakyReLU(0.2), Linear(32, 32, using: &g), LeakyReLU(0.2), Linear(32, 1, using: &g)])
        pair = (G, D)
        optimizerG = Adam(G.namedParameters(), learningRate: counterfeiterLR, betas: (0.5, 0.999))
        optimizerD = Adam(D.namedParameters(), learningRate: treasurerLR, betas: (0.5, 0.999))
        coinsPerRound = coins
        self.treasurerSteps = treasurerSteps
        generator = SeededGenerator(seed: seed &+ 7)
        viewing = SeededGenerator(seed: seed &+ 8)
    }

    public var typeName: String { "coin game" }

    /// n real coins: `[n, 4]`, drawn from `g`.
    public static func realCoins(_ n: Int, using g: inout SeededGenerator) -> Tensor {
        let noise = Tensor.randn([n, 4], using: &g)
        return Tensor.build(shape: [n, 4]) { out in
            for i in 0..<n { for f in 0..<4 { out[i * 4 + f] = min(max(CoinGame.realMean[f] + CoinGame.realSpread[f] * noise.scalars[i * 4 + f], -1), 1) } }
        }
    }

    /// n coins from the counterfeiter, its noise drawn from `g`.
    public func mint(_ n: Int, using g: inout SeededGenerator) -> Variable {
        pair.G(Variable(Tensor.randn([n, CoinGame.noiseSize], using: &g)))
    }

    /// The treasurer's belief that each coin is real: σ(D(coin)).
    public func judge(_ coins: Tensor) -> Tensor { noGrad { pair.D(Variable(coins)) }.value.sigmoid().reshaped([coins.shape[0]]) }

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
        var lD: Float = 0
        for i in 0..<max(treasurerSteps, 1) {
            if i > 0 { fake = mint(n, using: &generator) }
            optimizerD.zeroGrad()
            let loss = Loss.bceWithLogits(pair.D(Variable(CoinGame.realCoins(n, using: &generator))).reshaped([n]), Variable(.ones([n])))
                + Loss.bceWithLogits(pair.D(fake.detach()).reshaped([n]), Variable(.zeros([n])))
            loss.backward()
            optimizerD.step()
            lD = loss.value.item
        }
        optimizerG.zeroGrad()
        pair.D.setRequiresGrad(false)
        let gLoss = Loss.bceWithLogits(pair.D(fake).reshaped([n]), Variable(.ones([n])))
        gLoss.backward()
        pair.D.setRequiresGrad(true)
        optimizerG.step()
        round += 1
        let accepted = verdicts.scalars.filter { $0 > 0.5 }.count
        lossD.append(Double(lD)); lossG.append(Double(gLoss.value.item)); acceptance.append(Double(accepted) / Double(n))
        fakeMeans.append((0..<4).map { f in Double(fake.value[TensorIndex.all, TensorIndex.at(f)].mean().item) })
        return RoundReport(fakes: fake.value, verdicts: verdicts, lossD: lD, lossG: gLoss.value.item, accepted: accepted)
    }

    /// Which feature the treasurer leans on most: the mean |∂D/∂feature| over coins near the real ones and the fakes.
    public func reliance(on coins: Tensor) -> [Double] {
        let x = Variable(coins, requiresGrad: true)
        pair.D.setRequiresGrad(false)
        pair.D(x).sum().backward()
        pair.D.setRequiresGrad(true)
        let g = x.grad!.abs().mean(axes: [0])
        return g.scalars.map(Double.init)
    }

    // MARK: Pictures

    /// One coin as a few glyphs: shape, colour, picture (and the face kind as ★ statesman / ♪ actor).
    public static func glyph(_ c: [Float], style: Style) -> [Cell] {
        let ascii = style.charset == .ascii
        let shape: Character = c[0] > 0.5 ? (ascii ? "O" : "●") : c[0] > 0 ? (ascii ? "o" : "⬭") : c[0] > -0.5 ? (ascii ? "#" : "■") : (ascii ? "^" : "▲")
        let gold = c[1] > 0
        let colour: Color = gold ? .rgb(0.95, 0.75, 0.15) : (c[1] > -0.5 ? .rgb(0.6, 0.3, 0.8) : .rgb(0.2, 0.7, 0.4))
        let picture: Character = c[2] > 0 ? (ascii ? "f" : "☺") : (ascii ? "l" : "≈")
        let kind: Character = c[2] > 0 ? (c[3] > 0 ? (ascii ? "s" : "★") : (ascii ? "a" : "♪")) : " "
        var cells = [Cell(shape, foreground: style.color != .none ? colour : nil)]
        if style.color == .none { cells.append(Cell(gold ? (ascii ? "g" : "g") : (ascii ? "p" : "p"))) }
        cells += [Cell(picture), Cell(kind)]
        return cells
    }

    func coinRow(_ coins: Tensor, verdicts: Tensor?, style: Style) -> [[Cell]] {
        var glyphs: [Cell] = [], marks: [Cell] = []
        for i in 0..<coins.shape[0] {
            let cell = CoinGame.glyph(Array(coins.scalars[(i * 4)..<(i * 4 + 4)]), style: style)
            glyphs += cell + [Cell(" ")]
            if let v = verdicts?.scalars[i] {
                let ok = v > 0.5
                let mark: Character = style.charset == .ascii ? (ok ? "+" : "-") : (ok ? "✓" : "✗")
                let pct = String(Int((Double(v) * 100).rounded()))
                let text = Array(pct.count < 2 ? " " + pct : String(pct.prefix(2)))
                marks += [Cell(mark, foreground: style.color != .none ? (ok ? .rgb(0.2, 0.8, 0.2) : .rgb(0.9, 0.2, 0.2)) : nil)] + text.map { Cell($0) }
                marks += Array(repeating: Cell(" "), count: cell.count + 1 - 3)
            }
        }
        return verdicts == nil ? [glyphs] : [glyphs, marks]
    }

    public func series() -> [Series] {
        [Series("treasurer loss", lossD), Series("counterfeiter loss", lossG), Series("fakes accepted", acceptance)]
    }
}
