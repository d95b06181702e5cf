import CellLanguage

/// What the tutor shows a learner of a lesson's own text. Lesson files write training lengths as
/// `quick(a, b)` — `a` when the test suite runs the lessons quickly, `b` for a learner — and that switch
/// is test machinery: the learner should read, and edit, the number they will actually run.
public enum LearnerText {
    /// `source` with every `quick(a, b)` replaced by the source text of the argument this session takes
    /// (`b`, or `a` in quick mode): `gan.train(steps=quick(300, 3000))` → `gan.train(steps=3000)`.
    /// Text that does not tokenize, or a `quick` called any other way (one argument, keywords, a method
    /// named quick), stays as written.
    public static func resolvingQuick(_ source: String, quickMode: Bool) -> String {
        var text = source
        // One call at a time, the leftmost first; an argument holding another quick(…) is met again on
        // the next pass. The bound only guards against a mistake looping forever.
        for _ in 0..<64 {
            guard let call = firstQuickCall(in: text) else { break }
            var chars = Array(text)
            // The argument's range runs from its first token to its last: no spaces to trim.
            let chosen = quickMode ? call.a : call.b
            chars.replaceSubrange(call.whole.start..<call.whole.end, with: Array(chars[chosen.start..<chosen.end]))
            text = String(chars)
        }
        return text
    }

    /// The first `quick(a, b)` call: its whole range and the ranges of its two arguments.
    static func firstQuickCall(in text: String) -> (whole: SourceRange, a: SourceRange, b: SourceRange)? {
        guard let tokens = try? Lexer.tokenize(text) else { return nil }
        var i = 0
        while i + 1 < tokens.count {
            defer { i += 1 }
            guard tokens[i].kind == .name("quick"), tokens[i + 1].kind == .symbol("(") else { continue }
            if i > 0, tokens[i - 1].kind == .symbol(".") { continue }
            // Walk to the matching ")", noting the commas (and any keyword `=`) at the call's own depth.
            var depth = 0, commas: [Int] = [], keyword = false, close: Int?
            var j = i + 1
            scan: while j < tokens.count {
                switch tokens[j].kind {
                case .symbol("("), .symbol("["): depth += 1
                case .symbol(")"), .symbol("]"):
                    depth -= 1
                    if depth == 0 { close = j; break scan }
                case .symbol(",") where depth == 1: commas.append(j)
                case .symbol("=") where depth == 1: keyword = true
                default: break
                }
                j += 1
            }
            guard let close, commas.count == 1, !keyword else { continue }
            let comma = commas[0]
            guard comma > i + 2, close > comma + 1 else { continue }
            let a = SourceRange(tokens[i + 2].range.start, tokens[comma - 1].range.end)
            let b = SourceRange(tokens[comma + 1].range.start, tokens[close - 1].range.end)
            return (SourceRange(tokens[i].range.start, tokens[close].range.end), a, b)
        }
        return nil
    }
}
