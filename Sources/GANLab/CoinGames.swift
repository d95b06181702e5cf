import Autograd
import NN
import TensorCore

/// Several coin games with the same settings and different seeds, played side by side.
///
/// One game of the coin game is chaotic: a different seed, another BLAS kernel or another CPU changes
/// the order of a few float sums, and after a few hundred rounds the game can end somewhere else. What
/// a setting *does* is a tendency over games, so lesson 4 states its failures over several games at
/// once ("7 of 8 collapsed", the median and the range) instead of over one lucky or unlucky trajectory.
///
/// Game `i` of a set made in a session with seed `s` has seed `s · n + i`: sessions with different
/// seeds play different games.
public final class CoinGames {
    public let games: [CoinGame]
    public let seeds: [UInt64]
    /// Fakes and real coins drawn to measure each game: enough that the measurement's own noise is small.
    static let measuredCoins = 256

    public init(count: Int, baseSeed: UInt64, coins: Int, counterfeiterLR: Float, treasurerLR: Float, treasurerSteps: Int) {
        seeds = (0..<count).map { baseSeed &* UInt64(count) &+ UInt64($0) }
        games = seeds.map { CoinGame(seed: $0, coins: coins, counterfeiterLR: counterfeiterLR, treasurerLR: treasurerLR, treasurerSteps: treasurerSteps) }
    }

    /// A set of games that already exist (a workspace put back), with their seeds.
    public init(games: [CoinGame], seeds: [UInt64]) {
        (self.games, self.seeds) = (games, seeds)
    }

    public var roundsPlayed: Int { games.first?.round ?? 0 }

    /// Plays `n` rounds of every game.
    public func playRounds(_ n: Int) {
        for _ in 0..<n {
            for game in games { _ = game.playRound() }
        }
        cached = nil
    }

    /// What one game looks like now, measured on fresh coins from a stream of its own (so reading the
    /// numbers twice gives the same numbers, and measuring never changes how the game plays on).
    public struct Measurement: Sendable {
        /// Mean over the 4 features of each feature's standard deviation over the fakes (real coins: ≈ 0.09).
        public let spread: Double
        /// Each feature's mean over the fakes.
        public let means: [Double]
        /// Mean |fake mean − real mean| over the features.
        public let gap: Double
        /// The treasurer's mean belief that the fakes are real.
        public let belief: Double
        /// Share of the last (up to) 100 rounds in which the treasurer took every fake or none
        /// (more than 90% or fewer than 10%).
        public let allOrNothing: Double
    }

    private var cached: (round: Int, measurements: [Measurement], realSpread: Double)?

    public var measurements: [Measurement] { measure().measurements }
    /// The real coins' spread, measured as the fakes' is.
    public var realSpread: Double { measure().realSpread }

    private func measure() -> (measurements: [Measurement], realSpread: Double) {
        if let cached, cached.round == roundsPlayed { return (cached.measurements, cached.realSpread) }
        var realStream = SeededGenerator(seed: 0x5EED_C01D &+ UInt64(roundsPlayed))
        let realSpread = CoinGames.meanSpread(CoinGame.realCoins(4 * CoinGames.measuredCoins, using: &realStream))
        let measurements = zip(games, seeds).map { game, seed in
            var stream = SeededGenerator(seed: seed &* 31 &+ UInt64(game.round) &+ 0xC015)
            let fakes = noGrad { game.mint(CoinGames.measuredCoins, using: &stream) }.value
            let means = (0..<4).map { f in Double(fakes[TensorIndex.all, TensorIndex.at(f)].mean().item) }
            let gap = zip(means, CoinGame.realMean).map { Swift.abs($0 - Double($1)) }.reduce(0, +) / 4
            let recent = game.acceptance.suffix(100)
            let extremes = recent.filter { $0 > 0.9 || $0 < 0.1 }.count
            return Measurement(
                spread: CoinGames.meanSpread(fakes), means: means, gap: gap,
                belief: Double(game.judge(fakes).mean().item),
                allOrNothing: recent.isEmpty ? 0 : Double(extremes) / Double(recent.count))
        }
        cached = (roundsPlayed, measurements, realSpread)
        return (measurements, realSpread)
    }

    /// Mean over the columns of each column's standard deviation: `coins` is `[n, 4]`.
    static func meanSpread(_ coins: Tensor) -> Double {
        let n = coins.shape[0], f = coins.shape[1]
        var total = 0.0
        for j in 0..<f {
            var sum = 0.0, squares = 0.0
            for i in 0..<n { let x = Double(coins.scalars[i * f + j]); sum += x; squares += x * x }
            let mean = sum / Double(n)
            total += (max(squares / Double(n) - mean * mean, 0) * Double(n) / Double(n - 1)).squareRoot()
        }
        return total / Double(f)
    }

    /// The median of each recorded series, round by round, for `plot`.
    public func medianSeries() -> [(name: String, values: [Double])] {
        let names = ["treasurer loss (median)", "counterfeiter loss (median)", "fakes accepted (median)"]
        let all: [[[Double]]] = [games.map(\.lossD), games.map(\.lossG), games.map(\.acceptance)]
        return zip(names, all).map { name, series in
            (name, (0..<roundsPlayed).map { r in median(series.map { $0[r] }) })
        }
    }
}

/// The middle value (the mean of the two middle ones for an even count); 0 for no values.
public func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
