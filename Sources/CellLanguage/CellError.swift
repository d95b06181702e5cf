/// Everything that can go wrong in a cell, as data: what, and where in the source.
/// `Diagnostic.render` turns it into the lines the learner sees, with a caret under the place.
public struct CellError: Error, Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// The text is not a valid cell.
        case syntax = "syntax error"
        /// A name that is not defined.
        case name = "name error"
        /// A value of the wrong type for an operation.
        case type = "type error"
        /// Shapes that do not fit together.
        case shape = "shape error"
        /// A value out of its allowed range (an index, a size, an argument).
        case value = "value error"
        /// A limit that protects the notebook: memory, loop length, nesting.
        case limit = "limit"
        /// Ctrl-C stopped the work.
        case interrupted = "interrupted"
    }

    public let kind: Kind
    public let message: String
    public let range: SourceRange?
    /// An extra line, e.g. "did you mean 'randn'?".
    public let hint: String?

    public init(_ kind: Kind, _ message: String, at range: SourceRange? = nil, hint: String? = nil) {
        (self.kind, self.message, self.range, self.hint) = (kind, message, range, hint)
    }

    /// The same error placed at `range` if it has no place yet.
    public func located(_ range: SourceRange) -> CellError {
        self.range == nil ? CellError(kind, message, at: range, hint: hint) : self
    }
}

/// Renders an error under its source line: the line, a caret under the range, the message.
public enum Diagnostic {
    public static func render(_ error: CellError, source: String) -> [String] {
        var lines: [String] = []
        if let range = error.range {
            let chars = Array(source)
            // The line holding the start of the range.
            var lineStart = 0, lineNumber = 1
            for (i, ch) in chars.enumerated() where i < min(range.start, chars.count) && ch == "\n" {
                lineStart = i + 1
                lineNumber += 1
            }
            var lineEnd = lineStart
            while lineEnd < chars.count && chars[lineEnd] != "\n" { lineEnd += 1 }
            let column = min(range.start, lineEnd) - lineStart
            let width = max(1, min(range.end, lineEnd) - min(range.start, lineEnd))
            let multiline = source.contains("\n")
            let prefix = multiline ? "  \(lineNumber) | " : "  "
            lines.append(prefix + String(chars[lineStart..<lineEnd]))
            lines.append(String(repeating: " ", count: prefix.count + column) + String(repeating: "^", count: width))
        }
        lines.append("\(error.kind.rawValue): \(error.message)")
        if let hint = error.hint { lines.append(hint) }
        return lines
    }
}

/// The known name closest to `name` (edit distance at most 2, or 1 for short names), for "did you mean".
public func nearestName(to name: String, in candidates: [String]) -> String? {
    let limit = name.count <= 3 ? 1 : 2
    var best: (String, Int)?
    for candidate in candidates {
        let d = editDistance(name.lowercased(), candidate.lowercased())
        if d <= limit, best == nil || d < best!.1 || (d == best!.1 && candidate < best!.0) { best = (candidate, d) }
    }
    return best?.0
}

/// Levenshtein distance (insertions, deletions, substitutions; a swap of neighbours counts 1).
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous2 = [Int](repeating: 0, count: y.count + 1)
    var previous = Array(0...y.count)
    for i in 1...x.count {
        var current = [i] + [Int](repeating: 0, count: y.count)
        for j in 1...y.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { current[j] = min(current[j], previous2[j - 2] + 1) }
        }
        previous2 = previous
        previous = current
    }
    return previous[y.count]
}
