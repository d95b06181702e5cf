import TextPlot

/// How a session draws: glyphs and colour (from the terminal) and the width to fit.
public struct DisplayStyle: Sendable {
    public var style: Style
    public var width: Int

    public init(style: Style = .plain, width: Int = 80) {
        self.style = style
        self.width = max(width, 40)
    }

    public var unicode: Bool { style.charset == .unicode }
}

/// What a cell produced, in order: text lines and pictures (canvases keep their colours until the
/// REPL's colour pass, so tests can compare plain text).
public enum Output: Equatable, Sendable {
    case text([String])
    case picture(Canvas)

    /// Plain lines (no escape codes): for tests, pipes and `:export`.
    public var plainLines: [String] {
        switch self {
        case .text(let lines): return lines
        case .picture(let canvas): return canvas.lines(.none)
        }
    }
}

/// Live output during a running cell.
public enum LiveOutput: Sendable {
    /// A progress line that replaces the previous one.
    case progress(String)
    /// A picture that replaces the previous frame (an animation).
    case frame(Canvas)
    /// The live line or frame is finished: the next output starts below it.
    case end
}

/// Notebook objects that `plot()` can draw: named series.
public protocol SeriesProvider {
    func series() -> [Series]
    /// What the x axis counts ("step", "round"): plot() writes it under the axis unless xlabel= says otherwise.
    var xAxis: String { get }
}

extension SeriesProvider {
    public var xAxis: String { "" }
}
