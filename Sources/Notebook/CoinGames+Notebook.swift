import Datasets
import CellLanguage
import GANLab
import TextPlot

/// `coins_games(8, preset="collapse")` in a cell: eight games side by side, measured together.
public final class CoinGamesObject: NotebookObject, SeriesProvider {
    public let set: CoinGames
    public init(_ set: CoinGames) { self.set = set }

    static let members: [String: HelpEntry] = [
        "rounds": HelpEntry("games.rounds(n)", "n rounds of every game; a line of medians now and then, then one line per game.", example: "games.rounds(300)", topic: "gan"),
        "games": HelpEntry("games.games", "The games themselves, a list of coin games: games.games[0].mint(6).", example: "games.games[0]", topic: "gan"),
        "seeds": HelpEntry("games.seeds", "Each game's seed (session seed × count + index).", example: "games.seeds", topic: "gan"),
        "spread": HelpEntry("games.spread", "Per game: the fakes' spread, the mean over the 4 features of the standard deviation over 256 fresh fakes.", example: "median(games.spread)", topic: "gan"),
        "real_spread": HelpEntry("games.real_spread", "The same spread measured on 1,024 real coins (≈ 0.09).", example: "games.real_spread", topic: "gan"),
        "means": HelpEntry("games.means", "Per game: each feature's mean over 256 fresh fakes.", example: "games.means[0]", topic: "gan"),
        "gap": HelpEntry("games.gap", "Per game: the mean distance between the fakes' means and the real ones (0.8, 0.7, 0.75, 0.6).", example: "median(games.gap)", topic: "gan"),
        "belief": HelpEntry("games.belief", "Per game: the treasurer's mean belief that fresh fakes are real.", example: "median(games.belief)", topic: "gan"),
        "all_or_nothing": HelpEntry("games.all_or_nothing", "Per game: the share of the last 100 rounds in which the treasurer took every fake or none (over 90% or under 10%).", example: "median(games.all_or_nothing)", topic: "gan"),
        "rounds_played": HelpEntry("games.rounds_played", "Rounds played in each game.", example: "games.rounds_played", topic: "gan"),
        "history": HelpEntry("games.history", "The median over the games of both losses and of the share of fakes taken, round by round: plot(games.history).", example: "plot(games.history)", topic: "gan"),
    ]

    public var typeName: String { "coin games" }
    public var attributeNames: [String] { CoinGamesObject.members.keys.sorted() }

    public func series() -> [Series] { set.medianSeries().map { Series($0.name, $0.values) } }

    public func describe(style: DisplayStyle) -> [String] {
        let first = set.games[0]
        var lines = ["\(set.games.count) coin games after \(set.roundsPlayed) rounds (seeds \(set.seeds.first!)…\(set.seeds.last!)): "
                     + "\(first.coinsPerRound) coins a round, \(first.treasurerSteps) treasurer step\(first.treasurerSteps == 1 ? "" : "s") per round"]
        if set.roundsPlayed > 0 { lines += table() }
        return lines
    }

    /// One line per game, then the median and the range of each column.
    func table() -> [String] {
        let m = set.measurements
        func cell(_ x: Double, _ width: Int = 7) -> String {
            let s = formatFixed(x, decimals: 3)
            return String(repeating: " ", count: max(0, width - s.count)) + s
        }
        var lines = ["  game   seed   spread     gap  belief  all/none   means (shape colour picture face)"]
        for (i, g) in m.enumerated() {
            let seed = String(set.seeds[i])
            lines.append("  \(String(repeating: " ", count: max(0, 4 - String(i).count)))\(i)  \(String(repeating: " ", count: max(0, 5 - seed.count)))\(seed)  "
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
        switch name {
        case "games": return .list(set.games.map { .object($0) })
        case "seeds": return .list(set.seeds.map { .number(Double($0)) })
        case "rounds_played": return .number(Double(set.roundsPlayed))
        case "spread": return numbers(set.measurements.map(\.spread))
        case "real_spread": return .number((set.realSpread * 10_000).rounded() / 10_000)
        case "gap": return numbers(set.measurements.map(\.gap))
        case "belief": return numbers(set.measurements.map(\.belief))
        case "all_or_nothing": return numbers(set.measurements.map(\.allOrNothing))
        case "means": return .list(set.measurements.map { numbers($0.means) })
        case "history":
            return .object(CoinHistory(summary: { [self] in "median history of \(set.games.count) games over \(set.roundsPlayed) rounds: loss_D, loss_G, acceptance (plot(games.history))" }) { [self] in series() })
        case "rounds":
            return .function(Function(name: name, help: CoinGamesObject.members[name]) { args, interp throws(CellError) in
                try args.accept(keywords: ["n"], maxPositional: 1)
                let n = try args.count(0, "n", default: 100, from: 1, max: 10_000)
                let every = max(n / 5, 1)
                var done = 0
                while done < n {
                    let chunk = min(every, n - done)
                    for _ in 0..<chunk {
                        try interp.checkInterrupt(at: args.range)
                        self.set.playRounds(1)
                    }
                    done += chunk
                    let taken = self.set.games.map { $0.acceptance.last ?? 0 }
                    interp.emit(["round \(self.set.roundsPlayed): median Loss_D \(formatFixed(median(self.set.games.map { $0.lossD.last ?? 0 }), decimals: 2))  "
                                 + "Loss_G \(formatFixed(median(self.set.games.map { $0.lossG.last ?? 0 }), decimals: 2))  "
                                 + "fakes taken \(Int((median(taken) * 100).rounded()))% (games: \(Int((taken.min()! * 100).rounded()))–\(Int((taken.max()! * 100).rounded()))%)"])
                }
                interp.emit(self.table())
                return .none
            })
        default: return nil
        }
    }
}
