@preconcurrency import CReadline
import Foundation

/// GNU readline at a terminal: line editing and persistent history. The only file that imports CReadline.
public struct ReadlineReader: LineReader {
    private let historyPath: String?

    /// - Parameter historyPath: where history persists between sessions (nil: none).
    public init(historyPath: String?) {
        self.historyPath = historyPath
        using_history()
        stifle_history(1000)
        if let historyPath { read_history(historyPath) }
    }

    public mutating func readLine(prompt: String) -> String? {
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let line = String(cString: raw)
        if !line.trimmingCharacters(in: .whitespaces).isEmpty {
            add_history(raw)
            if let historyPath {
                write_history(historyPath)
                history_truncate_file(historyPath, 1000)
            }
        }
        return line
    }

    /// True when standard input is a terminal (the only time readline is used).
    public static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
}
