import CellLanguage
import Datasets
import GANLab
import TextPlot

/// `coins_games(8, preset="collapse")` in a cell: eight games side by side, measured together.
public final class CoinGamesObject: NotebookObject, SeriesProvider {
    public let set: CoinGames
    public init(_ set: CoinGames) { self.set = set }

    static let table = MemberTable<CoinGamesObject>([
        .property("games", "games.games", "The games themselves, a list of coin games: games.games[0].mint(6).", example: "games.games[0]", topic: "gan") { .list($0.set.games.map { .object($0) }) },
        .property("seeds", "games.seeds", "Each game's seed (session seed × count + index).", example: "games.seeds", topic: "gan") { .list($0.set.seeds.map { .number(Double($0)) }) },
        .property("rounds_played", "games.rounds_played", "Rounds played in each game.", example: "games.rounds_played", topic: "gan") { .number(Double($0.set.roundsPlayed)) },
        .property("spread", "games.spread", "Per game: the fakes' spread, the mean over the 4 features of the standard deviation over 256 fresh fakes.", example: "median(games.spread)", topic: "gan")
        { $0.numbers($0.set.measurements.map(\.spread)) },
        .property("real_spread", "games.real_spread", "The same spread measured on 1,024 real coins (≈ 0.09).", example: "games.real_spread", topic: "gan") {
            .number(($0.set.realSpread * 10_000).rounded() / 10_000)
        },
        .property("gap", "games.gap", "Per game: the mean distance between the fakes' means and the real ones (0.8, 0.7, 0.75, 0.6).", example: "median(games.gap)", topic: "gan") {
            $0.numbers($0.set.measurements.map(\.gap))
        },
        .property("belief", "games.belief", "Per game: the treasurer's mean belief that fresh fakes are real.", example: "median(games.belief)", topic: "gan") {
            $0.numbers($0.set.measurements.map(\.belief))
        },
        .property(
            "all_or_nothing", "games.all_or_nothing", "Per game: the share of the last 100 rounds in which the treasurer took every fake or none (over 90% or under 10%).",
            example: "median(games.all_or_nothing)", topic: "gan"
        ) { $0.numbers($0.set.measurements.map(\.allOrNothing)) },
        .property("means", "games.means", "Per game: each feature's mean over 256 fresh fakes.", example: "games.means[0]", topic: "gan") { games in
            .list(games.set.measurements.map { games.numbers($0.means) })
        },
        .property(
            "history", "games.history", "The median over the games of both losses and of the share of fakes taken, round by round: plot(games.history).", example: "plot(games.history)", topic: "gan"
        ) { games in
            .object(
                CoinHistory(summary: { "median history of \(games.set.games.count) games over \(games.set.roundsPlayed) rounds: loss_D, loss_G, acceptance (plot(games.history))" }) { games.series() })
        },
        .method("rounds", "games.rounds(n)", "n rounds of every game; a line of medians now and then, then one line per game.", example: "games.rounds(300)", topic: "gan") {
            games, args, interp throws(CellError) in try games.rounds(args, interp)
        },
    ])

    public var typeName: String { "coin games" }
    public var attributeNames: [String] { CoinGamesObject.table.names }

    public var xAxis: String { "round" }
    public func series() -> [Series] { set.medianSeries().map { Series($0.name, $0.values) } }

    public func describe(style: DisplayStyle) -> [String] {
        let first = set.games[0]
        var lines = [
            "\(set.games.count) coin games after \(set.roundsPlayed) rounds (seeds \(set.seeds.first!)…\(set.seeds.last!)): "
                + "\(first.coinsPerRound) coins a round, \(first.treasurerSteps) treasurer step\(first.treasurerSteps == 1 ? "" : "s") per round"
        ]
        if set.roundsPlayed > 0 { lines += gameTable() }
        return lines
    }

    /// One line per game, then the median and the range of each column.
    func gameTable() -> [String] {
        let m = set.measurements
        func cell(_ x: Double, _ width: Int = 7) -> String {
            let s = formatFixed(x, decimals: 3)
            return String(repeating: " ", count: max(0, width - s.count)) + s
        }
        var lines = ["  game   seed   spread     gap  belief  all/none   means (shape colour picture face)"]
        for (i, g) in m.enumerated() {
            let seed = String(set.seeds[i])
            lines.append(
                "  \(String(repeating: " ", count: max(0, 4 - String(i).count)))\(i)  \(String(repeating: " ", count: max(0, 5 - seed.count)))\(seed)  "
                    + cell(g.spread) + " " + cell(g.gap) + " " + cell(g.belief) + "   " + cell(g.allOrNothing) + "   "
                    + g.means.map { formatFixed($0, decimals: 2) }.joined(separator: " "))
        }
        let columns: [[Double]] = [m.map(\.spread), m.map(\.gap), m.map(\.belief), m.map(\.allOrNothing)]
        lines.append("  median       " + cell(median(columns[0])) + " " + cell(median(columns[1])) + " " + cell(median(columns[2])) + "   " + cell(median(columns[3])))
        lines.append("  range        " + columns.map { "\(formatFixed($0.min()!, decimals: 2))–\(formatFixed($0.max()!, decimals: 2))" }.joined(separator: " "))
        lines.append("  real coins: spread \(formatFixed(set.realSpread, decimals: 3))")
        return lines
    }

    func numbers(_ xs: [Double]) -> Value { .list(xs.map { .number(($0 * 10_000).rounded() / 10_000) }) }

    public func attribute(_ name: String, interpreter: Interpreter) throws(CellError) -> Value? {
        CoinGamesObject.table.value(name, of: self)
    }

    /// `games.rounds(n)`: n rounds of every game, a line of medians every n/5 rounds, then the table.
    func rounds(_ args: Arguments, _ interp: Interpreter) throws(CellError) -> Value {
        try args.accept(keywords: ["n"], maxPositional: 1)
        let n = try args.count(0, "n", default: 100, from: 1, max: 10_000)
        let every = max(n / 5, 1)
        var done = 0
        while done < n {
            let chunk = min(every, n - done)
            for _ in 0..<chunk {
                try interp.checkInterrupt(at: args.range)
                set.playRounds(1)
            }
            done += chunk
            let taken = set.games.map { $0.acceptance.last ?? 0 }
            interp.emit([
                "round \(set.roundsPlayed): median Loss_D \(formatFixed(median(set.games.map { $0.lossD.last ?? 0 }), decimals: 2))  "
                    + "Loss_G \(formatFixed(median(set.games.map { $0.lossG.last ?? 0 }), decimals: 2))  "
                    + "fakes taken \(Int((median(taken) * 100).rounded()))% (games: \(Int((taken.min()! * 100).rounded()))–\(Int((taken.max()! * 100).rounded()))%)"
            ])
        }
        interp.emit(gameTable())
        return .none
    }
}
