import Foundation
import TextPlot

/// `--images` and `:images`: which way pictures reach the terminal.
public enum ImageMode: String, Sendable, CaseIterable {
    /// Find out: environment hints, then (at a terminal only) ask it.
    case auto
    case kitty, iterm, sixel
    /// Half-blocks and shades, as always.
    case text
}

/// Which image protocol this terminal gets, and why (for `:help` and `:images`).
public enum ImageSupport {
    /// The protocol for `mode`, or nil for text, with the reason in a few words.
    /// - `plain`: `--ascii`, `--no-color` or `NO_COLOR`: text only, whatever was asked.
    /// - `ask`: a device-attributes query at the terminal (only called at a TTY, with no hint in the environment).
    public static func choose(
        _ mode: ImageMode, environment: [String: String], isTerminal: Bool, plain: Bool,
        ask: () -> String? = { nil }
    ) -> (proto: ImageProtocol?, reason: String) {
        if plain { return (nil, "text (plain output: --ascii, --no-color or NO_COLOR)") }
        switch mode {
        case .text: return (nil, "text (chosen)")
        case .kitty: return (.kitty, "kitty (chosen)")
        case .iterm: return (.iterm, "iterm (chosen)")
        case .sixel: return (.sixel, "sixel (chosen)")
        case .auto: break
        }
        guard isTerminal else { return (nil, "text (not a terminal)") }
        let term = environment["TERM"] ?? "", program = environment["TERM_PROGRAM"] ?? ""
        if term.isEmpty || term == "dumb" { return (nil, "text (TERM=\(term.isEmpty ? "unset" : term))") }
        // tmux and screen pass escape sequences they do not know to the outer terminal only when wrapped, and
        // then place the picture where the outer terminal's cursor is, not in the pane: text is safe.
        if environment["TMUX"] != nil || term.hasPrefix("screen") || term.hasPrefix("tmux") {
            return (nil, "text (inside tmux or screen)")
        }
        if environment["KITTY_WINDOW_ID"] != nil || term == "xterm-kitty" || term == "xterm-ghostty" || program == "ghostty"
            || environment["KONSOLE_VERSION"] != nil
        {
            return (.kitty, "kitty (auto: \(environment["KITTY_WINDOW_ID"] != nil ? "KITTY_WINDOW_ID" : "TERM=\(term)"))")
        }
        if program == "iTerm.app" || program == "WezTerm" || environment["LC_TERMINAL"] == "iTerm2" {
            return (.iterm, "iterm (auto: TERM_PROGRAM=\(program.isEmpty ? "iTerm2" : program))")
        }
        // Primary device attributes: "ESC [ ? 6x ; … c"; attribute 4 is sixel graphics.
        if let reply = ask(), sixelInAttributes(reply) { return (.sixel, "sixel (auto: the terminal reports sixel)") }
        return (nil, "text (auto: no image support found)")
    }

    /// Whether a primary device-attributes reply (`ESC [ ? 65 ; 1 ; 4 ; … c`) lists 4, sixel.
    public static func sixelInAttributes(_ reply: String) -> Bool {
        guard let start = reply.range(of: "[?"), let end = reply.lastIndex(of: "c"), start.upperBound <= end else { return false }
        return reply[start.upperBound..<end].split(separator: ";").dropFirst().contains("4")
    }

    /// The window's size from TIOCGWINSZ (rows and columns, and pixels where the terminal fills them).
    static func windowSize(fd: Int32) -> winsize? {
        var size = winsize()
        return ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 ? size : nil
    }

    /// The cell size from TIOCGWINSZ's pixel fields (many terminals fill them), else nil.
    public static func cellSize(fd: Int32 = STDOUT_FILENO) -> CellSize? {
        guard let size = windowSize(fd: fd), size.ws_col > 0, size.ws_row > 0, size.ws_xpixel > 0, size.ws_ypixel > 0
        else { return nil }
        return CellSize(width: Int(size.ws_xpixel) / Int(size.ws_col), height: Int(size.ws_ypixel) / Int(size.ws_row))
    }

    /// The window's height in rows (24 when it cannot be asked).
    public static func windowRows(fd: Int32 = STDOUT_FILENO) -> Int {
        guard let size = windowSize(fd: fd), size.ws_row > 0 else { return 24 }
        return Int(size.ws_row)
    }

    /// Sends `query` to the terminal on stdin/stdout and reads the reply up to `terminator`, waiting at most
    /// `timeout` seconds in all: raw mode for the wait, the terminal's settings restored after. Nil when there
    /// is no reply (a terminal that does not know the query says nothing).
    public static func askTerminal(_ query: String, terminator: UInt8 = UInt8(ascii: "c"), timeout: Double = 0.5) -> String? {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return nil }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 1  // a read returns after 0.1 s without input
        }
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else { return nil }
        // Every terminal that follows the VT100 answers device attributes at once, so the wait is only ever
        // long for one that ignores the query; whatever arrived unfinished is dropped, not left as typed input.
        defer {
            tcflush(STDIN_FILENO, TCIFLUSH)
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        }
        FileHandle.standardOutput.write(Data(query.utf8))
        var reply: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var byte: UInt8 = 0
        while Date() < deadline && reply.count < 256 {
            if read(STDIN_FILENO, &byte, 1) == 1 {
                reply.append(byte)
                if byte == terminator { break }
            }
        }
        return reply.isEmpty ? nil : String(decoding: reply, as: UTF8.self)
    }

    /// The cell size by `ESC [16t` (reply `ESC [6;height;width t`), for terminals that leave TIOCGWINSZ's pixels at 0.
    public static func askCellSize() -> CellSize? {
        guard let reply = askTerminal("\u{1B}[16t", terminator: UInt8(ascii: "t")),
            let start = reply.range(of: "[6;"), let end = reply.lastIndex(of: "t"), start.upperBound <= end
        else { return nil }
        let numbers = reply[start.upperBound..<end].split(separator: ";").compactMap { Int($0) }
        guard numbers.count == 2, numbers[0] > 0, numbers[1] > 0 else { return nil }
        return CellSize(width: numbers[1], height: numbers[0])
    }
}
