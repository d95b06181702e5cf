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
