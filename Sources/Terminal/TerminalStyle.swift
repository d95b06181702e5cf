import Foundation
import TextPlot

/// How pictures are drawn on this terminal: colour only on a TTY, without `NO_COLOR`, and not with
/// `--ascii` or `--no-color`; truecolour when `COLORTERM` says so; ASCII glyphs with `--ascii`.
public enum TerminalStyle {
    public static func detect(
        ascii: Bool = false, noColor: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        isTerminal: Bool = isatty(STDOUT_FILENO) == 1
    ) -> Style {
        let charset: Charset = ascii ? .ascii : .unicode
        let colorOff =
            ascii || noColor || !isTerminal || environment["NO_COLOR"].map { !$0.isEmpty } == true
            || environment["TERM"] == "dumb"
        guard !colorOff else { return Style(charset: charset, color: .none) }
        let truecolor = ["truecolor", "24bit"].contains(environment["COLORTERM"]?.lowercased() ?? "")
        return Style(charset: charset, color: truecolor ? .truecolor : .ansi256)
    }

    /// The terminal's width in columns (80 when it can't be asked, e.g. on a pipe).
    public static var width: Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return 80
    }
}
