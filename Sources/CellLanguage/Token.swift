/// A span of a cell's source, in characters from its start: `start..<end`.
public struct SourceRange: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int
    public init(_ start: Int, _ end: Int) { (self.start, self.end) = (start, max(end, start)) }
    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange { SourceRange(min(start, other.start), max(end, other.end)) }
    public var description: String { "\(start)..<\(end)" }
}

/// The kinds of token a cell is made of.
public enum TokenKind: Equatable, Sendable {
    case number(Double)
    case string(String)
    case name(String)
    /// `and or not for in True False None true false none`.
    case keyword(String)
    /// Operators and punctuation: `+ - * / // % ** @ == != < <= > >= = += -= *= /= ( ) [ ] , : . ; ?`.
    case symbol(String)
    /// End of a line (statements end at newlines as at `;`).
    case newline
    case end
}

public struct Token: Equatable, Sendable {
    public let kind: TokenKind
    public let range: SourceRange
    public init(_ kind: TokenKind, _ range: SourceRange) { (self.kind, self.range) = (kind, range) }

    /// How the token is named in "expected …, found …" messages.
    public var description: String {
        switch kind {
        case .number(let v): return "number \(formatLiteral(v))"
        case .string: return "a string"
        case .name(let n): return "name '\(n)'"
        case .keyword(let k): return "'\(k)'"
        case .symbol(let s): return "'\(s)'"
        case .newline: return "end of line"
        case .end: return "end of input"
        }
    }
}

/// A number as a learner writes it: 3, 0.5, 1e-05.
public func formatLiteral(_ v: Double) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    return "\(v)"
}
