import Autograd
import CellLanguage
import GANLab
import NN
import TensorCore
import TextPlot

extension CoinGame: NotebookObject, SeriesProvider {
    public var typeName: String { "coin game" }

    public var attributeNames: [String] { CoinGame.table.names }

    public func attribute(_ name: String, interpreter: Interpreter) throws(CellError) -> Value? {
        CoinGame.table.value(name, of: self)
    }

    public func describe(style: DisplayStyle) -> [String] {
        [
            "coin game after \(round) rounds: \(coinsPerRound) coins a round, \(treasurerSteps) treasurer step\(treasurerSteps == 1 ? "" : "s") per round",
            "  real coins: "
                + (0..<4).map { "\(CoinGame.features[$0]) \(Interpreter.number(Double(CoinGame.realMean[$0])))±\(Interpreter.number(Double(CoinGame.realSpread[$0])))" }.joined(separator: ", "),
        ]
    }

    static let table = MemberTable<CoinGame>([
        .property("counterfeiter", "game.counterfeiter", "The counterfeiter's network (a generator: noise [n, 4] → coins [n, 4]).", example: "game.counterfeiter", topic: "gan") {
            .module($0.counterfeiter)
        },
        .property("treasurer", "game.treasurer", "The treasurer's network (a discriminator: coins [n, 4] → one logit each).", example: "game.treasurer", topic: "gan") { .module($0.treasurer) },
        .property("rounds_played", "game.rounds_played", "How many rounds so far.", example: "game.rounds_played", topic: "gan") { .number(Double($0.round)) },
        .property("acceptance", "game.acceptance", "The share of fakes the treasurer took in the last round.", example: "game.acceptance", topic: "gan") { .number($0.acceptance.last ?? 0) },
        .property(
            "fake_means", "game.fake_means", "The mean of each feature over the last round's fakes (real: shape 0.8, colour 0.7, picture 0.75, face 0.6).", example: "game.fake_means", topic: "gan"
        ) {
            .list(($0.fakeMeans.last ?? [0, 0, 0, 0]).map { .number(($0 * 1000).rounded() / 1000) })
        },
        .property("history", "game.history", "Both losses and the share of fakes accepted, round by round: plot(game.history).", example: "plot(game.history)", topic: "gan") { game in
            .object(
                CoinHistory(summary: { "history of \(game.round) round\(game.round == 1 ? "" : "s"): loss_D (treasurer), loss_G (counterfeiter), acceptance (plot(game.history))" }) { game.series() })
        },
        .method("real", "game.real(n)", "n real coins as a tensor [n, 4] (shape, colour, picture, face).", example: "game.real(5)", topic: "gan") { game, args, _ throws(CellError) in
            .tensor(Variable(CoinGame.realCoins(try game.count(args), using: &game.viewing)))
        },
        .method("mint", "game.mint(n)", "n coins from the counterfeiter as a tensor [n, 4].", example: "game.mint(5)", topic: "gan") { game, args, _ throws(CellError) in
            let n = try game.count(args)
            return .tensor(Variable(noGrad { game.mint(n, using: &game.viewing) }.value))
        },
        .method("judge", "game.judge(coins)", "The treasurer's belief that each coin is real, σ(D(coin)).", example: "game.judge(game.real(3))", topic: "gan") { game, args, _ throws(CellError) in
            try args.accept(keywords: ["coins"], maxPositional: 1)
            let coins = try args.tensor(0, "coins").value
            guard coins.rank == 2, coins.shape[1] == 4 else { throw CellError(.shape, "coins are [n, 4], got \(TensorCore.describe(coins.shape))", at: args.range) }
            return .tensor(Variable(game.judge(coins)))
        },
        .method(
            "round", "game.round()", "One round: the counterfeiter mints coins, the treasurer judges them (✓ taken, ✗ refused, with its confidence), then both learn.", example: "game.round()",
            topic: "gan"
        ) { game, args, interp throws(CellError) in
            try args.accept(keywords: [], maxPositional: 0)
            let r = game.playRound()
            let shown = min(game.coinsPerRound, max(1, (interp.display.width - 2) / 5))
            let coins = (0..<shown).map { Array(r.fakes.scalars[($0 * 4)..<($0 * 4 + 4)]) }
            interp.emit(["round \(game.round): the counterfeiter minted \(game.coinsPerRound) coins; the treasurer took \(r.accepted) of them"])
            interp.emit(Canvas(rows: CoinPicture.row(coins, verdicts: Array(r.verdicts.scalars[0..<shown]), style: interp.display.style)))
            interp.emit([game.summary(r)])
            return .none
        },
        .method("rounds", "game.rounds(n)", "n rounds, one summary line every n/10 rounds.", example: "game.rounds(100)", topic: "gan") { game, args, interp throws(CellError) in
            try args.accept(keywords: ["n"], maxPositional: 1)
            let n = try args.count(0, "n", default: 100, from: 1, max: 100_000)
            let every = max(n / 10, 1)
            for i in 1...n {
                try interp.checkInterrupt(at: args.range)
                let r = game.playRound()
                if i % every == 0 || i == n { interp.emit(["round \(game.round): " + game.summary(r)]) }
            }
            return .none
        },
        .method(
            "treasurer_map", "game.treasurer_map(x=\"colour\", y=\"picture\")", "Where the treasurer says \"real\" over two features, with real (o) and fake (x) coins drawn on top.",
            example: "game.treasurer_map(\"shape\", \"colour\")", topic: "gan"
        ) { game, args, interp throws(CellError) in
            try args.accept(keywords: ["x", "y"], maxPositional: 2)
            let fx = try game.featureIndex(try args.string(0, "x", default: "colour"), args)
            let fy = try game.featureIndex(try args.string(1, "y", default: "picture"), args)
            guard fx != fy else { throw CellError(.value, "pick two different features", at: args.range) }
            interp.emit(game.map(fx, fy, style: interp.display.style))
            return .none
        },
    ])

    /// `n` of `game.real(n)` and `game.mint(n)`: 8 unless given, at most 10,000.
    func count(_ args: Arguments) throws(CellError) -> Int {
        try args.accept(keywords: ["n"], maxPositional: 1)
        return try args.count(0, "n", default: 8, from: 1, max: 10_000)
    }

    func featureIndex(_ name: String, _ args: Arguments) throws(CellError) -> Int {
        guard let i = CoinGame.features.firstIndex(of: name) else {
            throw CellError(
                .value, "the features are " + CoinGame.features.joined(separator: ", "), at: args.range,
                hint: nearestName(to: name, in: CoinGame.features).map { "did you mean '\($0)'?" })
        }
        return i
    }

    /// "Loss_D 1.21  Loss_G 0.83  fakes taken 9/32  the treasurer leans most on colour  fakes: shape 0.31 colour -0.12 …"
    func summary(_ r: RoundReport) -> String {
        let reliance = reliance(on: Tensor.concat([CoinGame.realCoins(64, using: &viewing), r.fakes]))
        let top = reliance.enumerated().max { $0.element < $1.element }!.offset
        let means = fakeMeans.last!.enumerated().map { "\(CoinGame.features[$0.offset]) \(formatFixed($0.element, decimals: 2))" }.joined(separator: " ")
        return "Loss_D \(formatFixed(Double(r.lossD), decimals: 2))  Loss_G \(formatFixed(Double(r.lossG), decimals: 2))  fakes taken \(r.accepted)/\(coinsPerRound)  "
            + "the treasurer leans most on \(CoinGame.features[top])  fakes: \(means)"
    }

    /// The treasurer's belief over features fx (across) and fy (up), the others at the real mean.
    func map(_ fx: Int, _ fy: Int, style: Style) -> Canvas {
        let cols = 40, rows = 16
        var grid = Tensor.zeros([rows * cols, 4])
        grid.withUnsafeMutableBufferPointer { g in
            for r in 0..<rows {
                for c in 0..<cols {
                    let i = r * cols + c
                    for f in 0..<4 { g[i * 4 + f] = CoinGame.realMean[f] }
                    g[i * 4 + fx] = -1 + 2 * (Float(c) + 0.5) / Float(cols)
                    g[i * 4 + fy] = 1 - 2 * (Float(r) + 0.5) / Float(rows)
                }
            }
        }
        let belief = judge(grid)
        let values = (0..<rows).map { r in (0..<cols).map { c in Double(belief.scalars[r * cols + c]) } }
        let real = CoinGame.realCoins(40, using: &viewing), fake = noGrad { mint(40, using: &viewing) }.value
        var points: [Heatmap.Point] = []
        for (kind, coins) in [(0, real), (1, fake)] {
            for i in 0..<coins.shape[0] { points.append(.init(x: Double(coins.scalars[i * 4 + fx]), y: Double(coins.scalars[i * 4 + fy]), kind: kind)) }
        }
        let field = Heatmap.field(values, xRange: -1...1, yRange: -1...1, points: points, xLabel: CoinGame.features[fx], yLabel: CoinGame.features[fy], style: style)
        let legend = Canvas(text: ["shaded: the treasurer's belief \"real\" (light 0 … dark 1); o real coins, x fakes"])
        return Canvas.stacked([field, legend])
    }
}

extension CoinGame {
    public var xAxis: String { "round" }
    public func series() -> [Series] {
        [Series("treasurer loss", lossD), Series("counterfeiter loss", lossG), Series("fakes accepted", acceptance)]
    }
}

/// `game.history` (one game's record) or `games.history` (the medians over several): loss_D,
/// loss_G and acceptance round by round; plot() draws it.
public final class CoinHistory: NotebookObject, SeriesProvider {
    /// The three series, in the order loss_D, loss_G, acceptance.
    let read: () -> [Series]
    let summary: () -> String
    public init(summary: @escaping () -> String, _ read: @escaping () -> [Series]) {
        self.summary = summary
        self.read = read
    }
    public var typeName: String { "history" }
    static let names = ["loss_D", "loss_G", "acceptance"]
    public var attributeNames: [String] { CoinHistory.names }
    public var xAxis: String { "round" }
    public func series() -> [Series] { read() }
    public func describe(style: DisplayStyle) -> [String] { [summary()] }
    public func attribute(_ name: String, interpreter: Interpreter) throws(CellError) -> Value? {
        guard let i = CoinHistory.names.firstIndex(of: name) else { return nil }
        return .list(read()[i].values.map { .number($0) })
    }
}
