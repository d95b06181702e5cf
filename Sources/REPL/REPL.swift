import Datasets
import Foundation

/// The read–eval–print loop. It owns the terminal: everything below it returns lines of text.
///
/// Today it greets, lists the lessons and answers `:` commands; the cell language (issue 5) and the
/// lesson runner (issue 6) plug into `handle(_:)`.
public struct REPL {
    public let course: Course
    public let data: DataDirectory
    private var write: (String) -> Void

    public init(course: Course, data: DataDirectory, write: @escaping (String) -> Void) {
        self.course = course
        self.data = data
        self.write = write
    }

    public func banner() -> [String] {
        var lines = [
            "ganbook — see how neural networks learn to draw",
            "",
            "Lessons:",
        ]
        lines += course.listing()
        lines.append("")
        if let source = data.source(of: .mnist) {
            lines.append("MNIST: \(source)")
        } else {
            lines.append("MNIST: not fetched yet — run `make data`")
        }
        lines.append("Type :help for commands, Ctrl-D to leave.")
        return lines
    }

    /// Runs until end of input. Returns normally on Ctrl-D or `:quit`.
    public mutating func run(reader: inout some LineReader) {
        for line in banner() { write(line) }
        while let line = reader.readLine(prompt: "ganbook> ") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed == ":quit" || trimmed == ":q" { break }
            for out in handle(trimmed) { write(out) }
        }
        write("bye")
    }

    /// The reply to one input line.
    public func handle(_ line: String) -> [String] {
        switch line {
        case ":help":
            return [":lessons   list the lessons", ":help      this list", ":quit      leave (or Ctrl-D)"]
        case ":lessons":
            return course.listing()
        default:
            if line.hasPrefix(":") {
                return ["unknown command \(line) — try :help"]
            }
            return ["cells can't run yet: the cell language is not built in this version (try :help)"]
        }
    }
}

