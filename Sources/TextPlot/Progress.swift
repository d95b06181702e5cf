/// A progress bar for long work: bar, count/total, rate, ETA and live metrics, as one line.
/// Pure: the caller supplies the clock and decides where the line goes (in place on a TTY, or as
/// sparse plain lines when piped — `ProgressThrottle` says when).
public struct ProgressLine: Sendable {
    public var total: Int
    public var unit: String

    public init(total: Int, unit: String = "steps") {
        self.total = total
        self.unit = unit
    }

    /// The line after `done` of `total`, `elapsed` seconds in, with metrics like ("loss_D", 0.52).
    public func render(done: Int, elapsed: Double, metrics: [(String, Double)] = [], width: Int, charset: Charset = .unicode) -> String {
        let fraction = total > 0 ? min(Double(done) / Double(total), 1) : 0
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : .nan
        let percent = String(Int((fraction * 100).rounded(.down)))
        var tail = " \(done)/\(total) \(String(repeating: " ", count: max(0, 3 - percent.count)))\(percent)%"
        tail += " " + formatFixed(rate, decimals: rate >= 100 ? 0 : 1) + " \(unit)/s"
        tail += done >= total ? " in " + clock(elapsed) : " ETA " + clock(remaining)
        for (name, value) in metrics { tail += " \(name)=" + formatNumber(value) }
        let barWidth = max(width - tail.count, 5)
        let filled = Int((fraction * Double(barWidth)).rounded(.down))
        let bar =
            charset == .unicode
            ? String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
            : "[" + String(repeating: "#", count: max(filled - 2, 0)) + String(repeating: ".", count: max(barWidth - 2 - max(filled - 2, 0), 0)) + "]"
        return String((bar + tail).prefix(max(width, 1)))
    }

    /// "1:05", "0:07", "1:02:03"; "--:--" when unknown.
    public func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = clampedInt(seconds, in: 0...(1 << 40))
        let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
        return s >= 3600 ? "\(s / 3600):\(two(s / 60 % 60)):\(two(s % 60))" : "\(s / 60):\(two(s % 60))"
    }
}

/// When to redraw a progress line: on a terminal at most every `interval` seconds (one write per
/// frame, no flicker); when piped, only every `pipedInterval` seconds and at the end, so logs stay short.
public struct ProgressThrottle: Sendable {
    public let isTerminal: Bool
    public var interval: Double
    public var pipedInterval: Double
    private var last: Double = -.infinity

    public init(isTerminal: Bool, interval: Double = 0.1, pipedInterval: Double = 10) {
        self.isTerminal = isTerminal
        self.interval = interval
        self.pipedInterval = pipedInterval
    }

    /// Whether to emit now (`now` in seconds); always at the first and the last step.
    public mutating func shouldEmit(now: Double, done: Int, total: Int) -> Bool {
        let due = now - last >= (isTerminal ? interval : pipedInterval)
        if due || done >= total || last == -.infinity {
            last = now
            return true
        }
        return false
    }
}
